request ndarray --shape 4611686018427387904 --strides 8 --format q FULL_RO
