tour 1 2
