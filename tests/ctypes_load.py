"""libminibuf loaded into a process that already has libpython.

CPython defines the same function and data names as minibuf.  The library
must keep its calls to its own functions, and its references to its own
exception types, inside itself: a call diverted to CPython's PyErr_Format
would be handed a minibuf type object and crash or write into CPython's
error indicator instead of minibuf's.  Prints TAP.
"""
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])
checks = []


def check(name, condition):
    checks.append((name, bool(condition)))


lib.MbErr_TypeName.restype = ctypes.c_char_p
lib.MbErr_Message.restype = ctypes.c_char_p
lib.PyErr_Occurred.restype = ctypes.c_void_p

type_type = ctypes.addressof(ctypes.c_char.in_dll(lib, "MbTypeObject_Type"))
cpython_type_type = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi,
                                                          "PyType_Type"))
check("the library has its own type object", type_type != cpython_type_type)
type_error = ctypes.c_void_p.in_dll(lib, "PyExc_TypeError").value
cpython_type_error = ctypes.c_void_p.in_dll(ctypes.pythonapi,
                                            "PyExc_TypeError").value
check("the library has its own TypeError", type_error != cpython_type_error)

# PyObject_GetBuffer on minibuf's type object: minibuf's PyErr_Format must
# set minibuf's TypeError in minibuf's indicator.
view = ctypes.create_string_buffer(256)
result = lib.PyObject_GetBuffer(ctypes.c_void_p(type_type), view, 0)
check("PyObject_GetBuffer fails", result == -1)
check("the exception is minibuf's TypeError",
      lib.PyErr_Occurred() == type_error)
check("the type name is read from minibuf",
      lib.MbErr_TypeName() == b"TypeError")
check("the message is minibuf's",
      lib.MbErr_Message() == b"a bytes-like object is required, not 'type'")
lib.PyErr_Clear()
check("PyErr_Clear clears minibuf's indicator", lib.PyErr_Occurred() is None)

# CPython's own indicator was never touched.
check("CPython's indicator is untouched",
      ctypes.pythonapi.PyErr_Occurred() == 0)

print("1..%d" % len(checks))
for number, (name, ok) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
