tour --help
