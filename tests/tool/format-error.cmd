format 3z
