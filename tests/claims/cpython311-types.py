# Claims docs/differences.md and docs/limits.md make about CPython 3.11's
# memoryview, _testbuffer's ndarray, bytes and bytearray, and its
# allocators' limits, checked from Python (ctypes reaches the C API).
import ctypes
import os
import sys
from _testbuffer import ndarray, staticarray, slice_indices, ND_REDIRECT

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim, raises  # noqa: E402

api = ctypes.pythonapi


def c_function(name, restype, *argtypes):
    f = getattr(api, name)
    f.argtypes = list(argtypes)
    f.restype = restype
    return f


bytes_from = c_function("PyBytes_FromStringAndSize", ctypes.py_object,
                        ctypes.c_char_p, ctypes.c_ssize_t)


def slice_assignment():
    m = memoryview(bytearray(4))
    m[0:2] = b"ab"
    return bytes(m.obj) == b"ab\0\0"


def hash_of_the_base():
    """bytes and ndarray hash their contents, bytearray refuses, a view's
    hash is its bytes' when the base can be hashed."""
    nd = ndarray([1, 2], shape=[2], format="B")
    return (hash(memoryview(b"ab")) == hash(b"ab")
            and hash(nd) == hash(b"\x01\x02")
            and hash(memoryview(nd)) == hash(b"\x01\x02")
            and raises(lambda: hash(memoryview(bytearray(b"ab"))
                                    .toreadonly()),
                       TypeError, "unhashable type: 'bytearray'"))


def uninitialised_contents():
    """With PYTHONMALLOC=debug, which fills new memory with 0xCD bytes,
    new bytes and bytearrays of NULL and a grown bytearray hold them."""
    code = ("import ctypes\n"
            "api = ctypes.pythonapi\n"
            "for name in ('PyBytes_FromStringAndSize', "
            "'PyByteArray_FromStringAndSize'):\n"
            "    f = getattr(api, name)\n"
            "    f.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t]\n"
            "    f.restype = ctypes.py_object\n"
            "    print(f(None, 4)[0])\n"
            "b = bytearray(b'ab')\n"
            "resize = api.PyByteArray_Resize\n"
            "resize.argtypes = [ctypes.py_object, ctypes.c_ssize_t]\n"
            "resize(b, 64)\n"
            "print(b[63])\n")
    return probe.python(code, PYTHONMALLOC="debug") == (0, "205\n205\n205\n")


def oversized_requests():
    """Each allocator returns NULL for 2**63 bytes and sets no exception."""
    occurred = c_function("PyErr_Occurred", ctypes.c_void_p)
    for name in ("PyMem_Malloc", "PyMem_RawMalloc", "PyObject_Malloc"):
        f = c_function(name, ctypes.c_void_p, ctypes.c_size_t)
        if f(2 ** 63) is not None or occurred() is not None:
            return False
    for name in ("PyMem_Realloc", "PyObject_Realloc"):
        f = c_function(name, ctypes.c_void_p, ctypes.c_void_p,
                       ctypes.c_size_t)
        if f(None, 2 ** 63) is not None or occurred() is not None:
            return False
    return True


where = "differences.md, memoryview"
claim(where, "m[i] on a 2-D view: NotImplementedError 'multi-dimensional "
      "sub-views are not implemented'; m[i,]: 'sub-views are not "
      "implemented'",
      lambda: raises(lambda: memoryview(bytes(6)).cast("B", [2, 3])[0],
                     NotImplementedError,
                     "multi-dimensional sub-views are not implemented")
      and raises(lambda: memoryview(bytes(6)).cast("B", [2, 3])[0, ],
                 NotImplementedError, "sub-views are not implemented"))
claim(where, "slice assignment to a 1-D view", slice_assignment)
claim(where, "a '?' item of byte 2 reads as True",
      lambda: memoryview(b"\x02").cast("?")[0] is True
      and memoryview(b"\x02\xfe").cast("?").tolist() == [True, True])
claim(where, "hash() of a view goes through its base's hash",
      hash_of_the_base)
where = "differences.md, ndarray"
claim(where, "ND_REDIRECT on an array that is not a re-exporter is ignored",
      lambda: memoryview(ndarray([1, 2, 3], shape=[3], format="B",
                                 flags=ND_REDIRECT)).tolist() == [1, 2, 3])
claim(where, "the legacy export (obj NULL) is staticarray(legacy_mode=True)",
      lambda: memoryview(staticarray(legacy_mode=True)).obj is None
      and memoryview(staticarray()).obj is not None)
claim(where, "extents that overflow are accepted with a wrapped nbytes",
      lambda: ndarray([1], shape=[2 ** 32, 2 ** 32], strides=[0, 0],
                      format="B").nbytes == 0)
claim(where + "; limits.md", "a PIL layout whose row-pointer table does not "
      "fit in Py_ssize_t: a crash",
      lambda: probe.python("from _testbuffer import ndarray, ND_PIL\n"
                           "ndarray([1], shape=[2 ** 61, 1], strides=[0, 1],"
                           " format='B', flags=ND_PIL)\n")[0] < 0)
where = "differences.md, bytes and bytearray"
claim(where, "PyBytes_FromStringAndSize of one byte, or of none, returns one "
      "shared object each",
      lambda: bytes_from(b"x", 1) is bytes_from(b"x", 1)
      and bytes_from(None, 0) is bytes_from(b"", 0))
claim(where, "_PyByteArray_empty_string is exported data",
      lambda: ctypes.c_char.in_dll(api, "_PyByteArray_empty_string").value
      == b"\0")
claim(where, "new bytes and bytearrays of NULL and grown bytearrays are not "
      "initialised", uninitialised_contents)
where = "limits.md"
claim(where, "cast with product(shape) past PY_SSIZE_T_MAX: ValueError "
      "'memoryview.cast(): product(shape) > SSIZE_MAX'",
      lambda: raises(lambda: memoryview(b"a").cast("B", [2 ** 62, 4]),
                     ValueError, "memoryview.cast(): product(shape) > "
                     "SSIZE_MAX"))
claim(where, "PyBytes_FromStringAndSize of PY_SSIZE_T_MAX bytes: "
      "OverflowError 'byte string is too large'",
      lambda: raises(lambda: bytes_from(None, sys.maxsize), OverflowError,
                     "byte string is too large"))
claim(where, "requests above PY_SSIZE_T_MAX bytes: NULL, no exception",
      oversized_requests)
where = "differences.md, the old protocol"
claim(where, "3.11's old functions on an object without a buffer table: "
      "'a bytes-like object is required', 'expected a writable bytes-like "
      "object'",
      lambda: probe.prints("old-functions-without-table",
                           probe.WITHOUT_TABLE))
where = "differences.md, memoryview; limits.md"
claim(where, "PyMemoryView_FromMemory with NULL memory, a negative size or "
      "flags 0x300: made, no exception",
      lambda: all(probe.prints("from-memory-" + kind, "made 1\n"
                               "PyMemoryView_FromMemory: no exception\n")
                  for kind in ("null", "negative", "flags")))
where = "differences.md, bytes and bytearray"
claim(where, "PyBytes_FromStringAndSize of one byte and of none: shared "
      "objects (from C)",
      lambda: probe.prints("bytes-shared",
                           "one byte shared 1, empty shared 1\n"))
claim(where, "new bytes and bytearrays of NULL and grown bytearrays hold "
      "PYTHONMALLOC=debug's 0xCD bytes (from C)",
      lambda: probe.run("new-contents", PYTHONMALLOC="debug")
      == (0, "bytes -51, bytearray -51, grown -51\n"))
where = "limits.md"
claim(where, "PyBytes_FromStringAndSize of PY_SSIZE_T_MAX bytes: "
      "OverflowError (from C)",
      lambda: probe.prints("bytes-too-large", probe.BYTES_TOO_LARGE))
claim(where, "the allocators return NULL without an exception above "
      "PY_SSIZE_T_MAX bytes (from C)",
      lambda: probe.prints("oversized-requests", probe.OVERSIZED))
claim(where, "_testbuffer's ndarray refuses more than 128 dimensions: "
      "ValueError 'ndim must not exceed 128'",
      lambda: raises(lambda: ndarray([1], shape=[1] * 129, format="B"),
                     ValueError, "ndim must not exceed 128"))
claim(where, "a slice step of PY_SSIZE_T_MIN is taken as -PY_SSIZE_T_MAX",
      lambda: slice_indices(slice(None, None, -sys.maxsize - 1), 10)
      == (9, -1, -sys.maxsize, 1))
