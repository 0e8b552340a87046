memoryview bytes --slice 1
