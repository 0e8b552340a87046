matrix ndarray --shape 2,3 --flags pil
