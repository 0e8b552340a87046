request ndarray --shape 2,3 --format i --flags pil FULL_RO
