request ndarray --shape 2,3 --format h --flags writable PyBUF_FULL_RO
