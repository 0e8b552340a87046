format --help
