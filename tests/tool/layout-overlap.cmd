layout --shape 3,3 --strides 8,8 --format q
