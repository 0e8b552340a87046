request bytes
