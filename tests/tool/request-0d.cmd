request ndarray --shape '' --format d --offset 8 --memory 24 ND
