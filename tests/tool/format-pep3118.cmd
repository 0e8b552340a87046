format 'T{i:a:=d:b:}'
