layout --shape 3,4 --strides 64,16 --format d --svg out.svg
