request --help
