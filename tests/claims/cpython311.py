# Claims the docs make about CPython 3.11, checked against it: each
# claim() (tests/claims/probe.py) prints one line "ok - WHAT (WHERE)" or
# "not ok - ...".
import ctypes
import os
import sys
from _testbuffer import (ndarray, PyBUF_FULL_RO, PyBUF_C_CONTIGUOUS,
                         ND_PIL)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402


def writes_without_writable():
    view = ndarray(bytearray(b'ab'), getbuf=PyBUF_FULL_RO)
    m = memoryview(bytearray(b'ab'))
    m[0] = 65
    return view.readonly == 0 and m.tobytes() == b'Ab'


def format_null_keeps_itemsize():
    doubles = ndarray(list(range(12)), shape=[3, 4], format='d')
    view = ndarray(doubles, getbuf=PyBUF_C_CONTIGUOUS)
    return view.format == '' and view.itemsize == 8


def memoryview_refuses_65_dimensions():
    try:
        memoryview(ndarray([1], shape=[1] * 65, format='B'))
    except ValueError as e:
        return str(e) == "memoryview: number of dimensions must not exceed 64"
    return False


claim("guide 1", "a view asked for without PyBUF_WRITABLE may be writable, "
      "and memoryview writes through a PyBUF_FULL_RO view",
      writes_without_writable)
claim("guide 2 and 6", "without PyBUF_FORMAT, format is NULL and itemsize "
      "keeps the real size", format_null_keeps_itemsize)
claim("limits.md", "PyMemoryView_FromObject of an exporter of 65 "
      "dimensions: ValueError (from C)",
      lambda: probe.prints("memoryview-65-dimensions", probe.MEMORYVIEW_65))
claim("guide 13, limits.md", "memoryview refuses more than 64 dimensions "
      "with ValueError", memoryview_refuses_65_dimensions)
claim("guide 9, old-protocol.md", "the old functions are still exported "
      "by 3.11", lambda: hasattr(ctypes.pythonapi, "PyObject_AsReadBuffer"))


def more_slices_than_dimensions_unchecked():
    """No error: the process crashes, or the slice answers with whatever
    _testbuffer read past the end of its arrays."""
    import subprocess
    import sys
    child = subprocess.run(
        [sys.executable, "-c", "from _testbuffer import ndarray\n"
         "nd = ndarray(list(range(12)), shape=[3, 4])\n"
         "nd[::2, ::2, ::2]\n"
         "print('no error')"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    return child.returncode < 0 or child.stdout.strip() == "no error"


claim("differences.md", "_testbuffer's ndarray does not check slices "
      "against its dimensions", more_slices_than_dimensions_unchecked)


def limited_api_declares_get_buffer():
    return probe.limited_api_compiles(0x030b0000)


claim("guide 14", "3.11 has no PEP 688: no __buffer__, no "
      "collections.abc.Buffer",
      lambda: not hasattr(memoryview(b''), '__buffer__')
      and not hasattr(__import__('collections.abc').abc, 'Buffer'))
claim("guide 14", "3.11's limited API declares PyObject_GetBuffer and "
      "Py_buffer", limited_api_declares_get_buffer)


def from_memory_negative_size():
    f = ctypes.pythonapi.PyMemoryView_FromMemory
    f.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_int]
    f.restype = ctypes.py_object
    memory = ctypes.create_string_buffer(8)
    m = f(ctypes.addressof(memory), -1, 0x100)
    try:
        len(m)
    except SystemError as e:
        return m.nbytes == -1 and str(e) == ("<built-in function len> "
                                             "returned NULL without setting "
                                             "an exception")
    return False


def pil_suboffsets():
    def suboffsets(strides, offset):
        return ndarray(list(range(24)), shape=[2, 6], strides=strides,
                       offset=offset, format='B', flags=ND_PIL).suboffsets
    return (suboffsets([6, -1], 5) == suboffsets([6, -1], 10) == (5, -1)
            and suboffsets([6, 1], 0) == suboffsets([6, 1], 3) == (0, -1))


def pil_offset_is_zero():
    return ndarray(list(range(24)), shape=[2, 6], strides=[6, 1], offset=3,
                   format='B', flags=ND_PIL).offset == 0


def add_suboffsets_0d():
    try:
        ndarray(5, shape=[], format='i').add_suboffsets()
    except TypeError as e:
        return str(e) == "cannot add suboffsets to array without strides"
    return False


where = "differences.md, the object model"
claim(where, "a static type whose count reaches zero: a crash (signal) in "
      "a release build", lambda: probe.crashes("static-type-to-zero"))
claim(where, "PyType_Ready on a type that is its own base, its type set: "
      "TypeError 'Cannot extend an incomplete type'",
      lambda: probe.prints("own-base-typed", "result -1\nPyType_Ready: "
                           "TypeError: Cannot extend an incomplete type "
                           "'probe.A'\n"))
claim(where, "PyType_Ready on a type that is its own base, no type: a crash",
      lambda: probe.crashes("own-base-untyped"))
claim(where, "PyErr_NewException with a class base that is no exception: a "
      "class that is not an exception",
      lambda: probe.prints("new-exception-class-base",
                           "made 1, an exception class 0\n"
                           "PyErr_NewException: no exception\n"))
claim(where, "PyErr_NewException with a base that is no class: TypeError "
      "'metaclass conflict: ...'",
      lambda: "TypeError: metaclass conflict:"
      in probe.run("new-exception-object-base")[1])
claim(where, "PyObject_NewVar whose size overflows: made, no error",
      lambda: probe.prints("newvar-overflow",
                           "made 1\nPyObject_NewVar: no exception\n"))
claim(where, "3.11 counts every object: no immortal objects",
      lambda: probe.prints("immortality",
                           "readied static type: counted\n"
                           "PyObject_HEAD_INIT object: counted\n"
                           "int: counted\nTypeError: counted\n"
                           "struct.error: counted\n"))
where = "differences.md, copies; limits.md"
claim(where, "PyBuffer_FromContiguous with a negative len: a crash, "
      "contiguous or not",
      lambda: probe.crashes("from-contiguous-negative")
      and probe.crashes("from-contiguous-negative-strided"))
claim(where, "a 0-d view in order 'X': ToContiguous crashes, "
      "FromContiguous copies its item",
      lambda: probe.crashes("zero-d-to-contiguous-X")
      and probe.prints("zero-d-from-contiguous-X", "result 0, copied 1\n"
                       "PyBuffer_FromContiguous: no exception\n"))
claim(where, "a 2-D view without shape or strides copies in 'C' and 'A' "
      "order", lambda: all(probe.prints("no-shape-%s-%s" % (way, order),
                                        "result 0, copied 1\nPyBuffer_%s"
                                        "Contiguous: no exception\n"
                                        % (way.capitalize(), ))
                           for way in ("to", "from") for order in "CA"))
claim(where, "a 2-D view without shape, with strides or in 'F' order: a "
      "crash", lambda: all(probe.crashes(s) for s in (
          "no-shape-to-C-strided", "no-shape-from-A-strided",
          "no-shape-to-F", "no-shape-from-F")))
where = "differences.md, memoryview; limits.md"
claim(where, "PyMemoryView_FromMemory with a negative size: a view of "
      "nbytes -1, whose len() is SystemError", from_memory_negative_size)
claim(where, "a memoryview of an exporter with ndim < 0: SystemError 'bad "
      "argument to internal function'",
      lambda: probe.run("memoryview-ndim-negative")[1].startswith(
          "made 0\nPyMemoryView_FromObject: SystemError: ")
      and probe.run("memoryview-ndim-negative")[1].endswith(
          "bad argument to internal function\n"))
claim(where, "== with native format 'q' on items of 2 bytes: True, "
      "reading past the items",
      lambda: probe.prints("memoryview-equal-q",
                           "equal 1\n==: no exception\n"))
claim(where, "== with a struct format larger than the item: struct.error",
      lambda: probe.run("memoryview-equal-<i")[1].startswith(
          "equal -1\n==: error: unpack_from requires a buffer"))
where = "differences.md, ndarray"
claim(where, "_testbuffer's PIL suboffsets[0] does not depend on the "
      "offset: (5, -1) for a row stepping back over 6 items, else (0, -1)",
      pil_suboffsets)
claim(where, "_testbuffer's PIL array reports offset 0", pil_offset_is_zero)
claim(where, "add_suboffsets() on a 0-d array: TypeError 'cannot add "
      "suboffsets to array without strides'", add_suboffsets_0d)
where = "differences.md, bytes and bytearray"
claim(where, "PyByteArray_FromObject: an int gives that many zeros, a list "
      "its items, a str TypeError",
      lambda: probe.prints("bytearray-from-int", "bytearray of 3: 0 0 0\n"
                           "PyByteArray_FromObject: no exception\n")
      and probe.prints("bytearray-from-list", "bytearray of 2: 65 66\n"
                       "PyByteArray_FromObject: no exception\n")
      and probe.run("bytearray-from-str")[1] == (
          "PyByteArray_FromObject: TypeError: string argument without an "
          "encoding\n"))


def from_memory_unchecked():
    f = ctypes.pythonapi.PyMemoryView_FromMemory
    f.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_int]
    f.restype = ctypes.py_object
    memory = ctypes.create_string_buffer(8)
    odd_flags = f(ctypes.addressof(memory), 8, 0x300)
    no_memory = f(None, 8, 0x100)
    return odd_flags.readonly and no_memory.nbytes == 8


where = "differences.md, the buffer protocol, struct formats, the old protocol"
# loop claims: 7
for call in ("GetBuffer", "CheckBuffer", "Release", "IsContiguous",
             "GetPointer", "SizeFromFormat", "CheckReadBuffer"):
    claim(where, "a NULL argument to %s: a crash" % call,
          lambda call=call: probe.crashes("null-" + call))
where = "differences.md, bytes and bytearray"
claim(where, "a NULL argument to PyBytes_FromString, PyBytes_Size, "
      "PyByteArray_FromObject, PyByteArray_Concat: a crash",
      lambda: all(probe.crashes("null-" + call) for call in (
          "BytesFromString", "BytesSize", "ByteArrayFromObject",
          "ByteArrayConcat")))
where = "differences.md, memoryview"
claim(where, "PyMemoryView_FromMemory checks nothing: NULL memory makes a "
      "view, flags other than PyBUF_WRITE a read-only one",
      from_memory_unchecked)
claim(where, "a memoryview of an exporter with ndim 2 and no shape: a crash",
      lambda: probe.crashes("memoryview-no-shape"))
claim(where, "PyMemoryView_GetContiguous checks neither the buffer type nor "
      "the order: a contiguous base gives a view",
      lambda: all(probe.prints("get-contiguous-" + s,
                               "made 1\nPyMemoryView_GetContiguous: no "
                               "exception\n") for s in ("x-C", "r-X")))
where = "differences.md, bytes and bytearray"
claim(where, "PyByteArray_Size of a bytes object: its size; PyByteArray_Resize "
      "of one: a crash; each on NULL: a crash",
      lambda: probe.prints("bytearray-on-bytes-Size",
                           "survived: 2\nSize: no exception\n")
      and probe.crashes("bytearray-on-bytes-Resize")
      and all(probe.crashes("bytearray-on-null-" + call)
              for call in ("AsString", "Size", "Resize")))
claim(where, "PyByteArray_Resize to a negative size: 0, no exception",
      lambda: probe.prints("bytearray-resize-negative",
                           "result 0\nPyByteArray_Resize: no exception\n"))
where = "differences.md, the object model"
claim(where, "PyObject_New on a type not made ready: made with tp_basicsize "
      "as it is, the type left unready",
      lambda: probe.prints("new-unready", "made 1, ready 0\n"))
claim(where, "PyErr_NewException's dict fills the class",
      lambda: probe.prints("new-exception-dict", "answer 42\n"))
claim(where, "PyErr_GivenExceptionMatches accepts a tuple of classes",
      lambda: probe.prints("matches-tuple", "matches 1\n"))
where = "differences.md, the error indicator; the buffer protocol"
claim(where, "PyErr_Format with %s and NULL: a crash",
      lambda: probe.crashes("format-null-s"))
claim(where, "PyBuffer_IsContiguous with strides but no shape: a crash",
      lambda: probe.crashes("view-without-shape"))
claim(where, "PyBuffer_GetPointer on a view without strides: a crash",
      lambda: probe.crashes("view-without-strides"))
