matrix bytes
