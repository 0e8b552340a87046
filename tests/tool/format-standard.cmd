format '<2h 3s i'
