layout --help
