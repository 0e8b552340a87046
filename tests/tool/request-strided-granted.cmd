request ndarray --shape 3,4 --strides=64,16 --format=d strides,format
