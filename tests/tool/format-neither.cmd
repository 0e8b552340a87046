format 'T{i'
