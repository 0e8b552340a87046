request ndarray --shape 4 --strides -2 --offset 6 --itemsize 2 RECORDS_RO
