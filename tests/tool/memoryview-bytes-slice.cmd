memoryview bytes --data abcdefgh --slice 2:7:2
