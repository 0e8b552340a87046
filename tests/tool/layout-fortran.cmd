layout --shape 3,4 --format d --flags fortran
