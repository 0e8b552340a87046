check bytes --data xyz
