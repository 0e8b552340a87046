layout --shape 1,4 --strides -9223372036854775808,1
