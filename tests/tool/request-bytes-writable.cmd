request bytes --data abc 'ND|WRITABLE'
