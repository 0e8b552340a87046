format
