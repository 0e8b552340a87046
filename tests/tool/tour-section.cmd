tour 3
