memoryview ndarray --shape 3,4 --format i --slice 1:3 --cast B --cast 'i[2,4]' --slice ::-1
