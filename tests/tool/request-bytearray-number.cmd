request bytearray --data hello 0x11d
