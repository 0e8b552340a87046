request ndarray --shape 3,x FULL
