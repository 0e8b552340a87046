memoryview ndarray --shape 4,3 --format d --flags fortran --cast B
