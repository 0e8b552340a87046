layout --shape 2 extra
