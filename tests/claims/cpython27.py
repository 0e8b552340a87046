# Claims the docs make about Python 2.7, checked against it (see
# cpython311.py).
import ctypes


def claim(where, what, check):
    try:
        good = check()
    except Exception as e:
        good = False
        what += " (raised %s: %s)" % (type(e).__name__, e)
    print("%s - %s (%s)" % ("ok" if good else "not ok", what, where))


def raises(call, kind, message):
    try:
        call()
    except kind as e:
        return str(e) == message
    return False


def as_read_buffer(obj):
    pointer = ctypes.c_void_p()
    size = ctypes.c_ssize_t()
    f = ctypes.pythonapi.PyObject_AsReadBuffer
    f.argtypes = [ctypes.py_object, ctypes.POINTER(ctypes.c_void_p),
                  ctypes.POINTER(ctypes.c_ssize_t)]
    return f(obj, ctypes.byref(pointer), ctypes.byref(size))


def get_buffer(obj):
    f = ctypes.pythonapi.PyObject_GetBuffer
    f.argtypes = [ctypes.py_object, ctypes.c_void_p, ctypes.c_int]
    return f(obj, ctypes.create_string_buffer(128), 0)


claim("guide 9, old-protocol.md", "2.7 has memoryview (PEP 3118)",
      lambda: memoryview(b'abc').tobytes() == b'abc')
claim("guide 9, old-protocol.md", "2.7's PyObject_AsReadBuffer on a "
      "memoryview fails: 'expected a readable buffer object'",
      lambda: raises(lambda: as_read_buffer(memoryview(b'ab')), TypeError,
                     "expected a readable buffer object"))
claim("differences.md", "2.7's PyObject_GetBuffer on an int: "
      "\"'int' does not have the buffer interface\"",
      lambda: raises(lambda: get_buffer(5), TypeError,
                     "'int' does not have the buffer interface"))
claim("guide 14", "2.7's memoryview has no cast (the 3.3 rewrite added it)",
      lambda: not hasattr(memoryview(b'abc'), 'cast'))
