layout --shape 4,17 --format B
