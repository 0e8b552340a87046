request bytes --shape 2 FULL
