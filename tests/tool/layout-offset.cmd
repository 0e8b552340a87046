layout --shape 3,4 --format d --offset 8
