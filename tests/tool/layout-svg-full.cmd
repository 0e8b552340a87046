layout --shape 2 --svg /dev/full
