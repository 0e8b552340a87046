format '2T{c T{c (2,3)d:in:} 3w:u:} &i Zd 5t'
