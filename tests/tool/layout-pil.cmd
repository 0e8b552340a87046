layout --shape 2,3 --format i --flags pil --svg out.svg
