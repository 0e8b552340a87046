request ndarray --shape 3 --strides 5 --format i FULL_RO
