check ./no-such-library.so:make
