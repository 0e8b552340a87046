memoryview --help
