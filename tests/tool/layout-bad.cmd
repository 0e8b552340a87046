layout --shape 3 --strides 3 --format i
