tour 7
