memoryview bytes --cast 'i[2,x]'
