layout --shape 3,4 --strides 0,8 --format d --svg out.svg
