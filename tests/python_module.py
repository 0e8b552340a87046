"""The Python module's bridges, one TAP line per check: minibuf's objects
read in place by CPython's consumers (bytes, struct, NumPy), CPython's
exporters viewed by minibuf and released exactly once, minibuf's errors
raised as CPython's, and the module's names kept apart from CPython's.

usage: PYTHONPATH=BUILDDIR/python python3 python_module.py
"""
import array
import struct
import sys

import minibuf

checks = []


def check(what, condition):
    checks.append((what, bool(condition)))


def raises(call, kind, message=None):
    try:
        call()
    except kind as e:
        return message is None or str(e) == message
    return False


nd = minibuf.ndarray(list(range(12)), shape=[3, 4], format='i',
                     flags=minibuf.ND_WRITABLE)
m = minibuf.memoryview(nd)
check("a minibuf memoryview reads its ndarray",
      m.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
check("bytes() reads minibuf's memory through CPython's protocol",
      bytes(m) == struct.pack('12i', *range(12)))
check("struct.unpack_from reads it in place",
      struct.unpack_from('i', m, 8) == (2,))
m[1, 2] = 60
check("a write through minibuf's memoryview reaches the ndarray",
      nd.tolist()[1][2] == 60)

try:
    import numpy
except ImportError:
    numpy = None
if numpy is not None:
    a = numpy.asarray(nd)
    m[0, 0] = 42
    check("NumPy views minibuf's memory without a copy",
          a[0, 0] == 42 and a.shape == (3, 4) and a.dtype == numpy.int32)
    del a



def dlpack_built():
    """Whether the library has its DLPack bridge (configure found
    dlpack.h); if not, __dlpack__ says so."""
    try:
        nd.__dlpack__()
    except BufferError as e:
        if str(e) != ("minibuf was built without its DLPack bridge "
                      "(configure found no dlpack/dlpack.h)"):
            raise
        return False
    return True


# DLPack: minibuf's exporters handed to NumPy as "dltensor" capsules made
# by minibuf's bridge, without a copy; NumPy 1.x marks such arrays
# read-only, so writes go through minibuf.
if numpy is not None and hasattr(numpy, "from_dlpack") and dlpack_built():
    a = numpy.from_dlpack(nd)
    check("numpy.from_dlpack: minibuf's ndarray, values and layout",
          a.tolist() == nd.tolist() and a.dtype == numpy.int32
          and a.strides == (16, 4))
    check("numpy.from_dlpack made no copy",
          a.ctypes.data == numpy.asarray(nd).ctypes.data)
    m[2, 3] = -7
    check("a write through minibuf is seen by NumPy's array", a[2, 3] == -7)
    s = nd[::2, ::-1]
    b = numpy.from_dlpack(s)
    check("a strided slice crosses with its strides, in items",
          b.tolist() == s.tolist() and b.strides == (32, -4)
          and b.ctypes.data == numpy.asarray(s).ctypes.data)
    half = minibuf.ndarray([0.5, -1.5], shape=[2], format='e',
                           flags=minibuf.ND_WRITABLE)
    check("format 'e' crosses as float16",
          numpy.from_dlpack(half).dtype == numpy.float16
          and numpy.from_dlpack(half).tolist() == [0.5, -1.5])
    del a, b
    # The export is held until NumPy's array goes, and given back once.
    ba = bytearray(8)
    v = minibuf.memoryview(ba)
    c = numpy.from_dlpack(v)
    check("while NumPy's array lives, minibuf's memoryview is exported",
          raises(v.release, BufferError, "memoryview has 1 exported buffer")
          and raises(lambda: ba.extend(b'x'), BufferError))
    del c
    v.release()
    ba.extend(b'x')
    check("once it is gone, the export is given back", len(ba) == 9)
    v = minibuf.memoryview(bytearray(8))
    capsule = v.__dlpack__()
    held = raises(v.release, BufferError)
    del capsule
    v.release()
    check("a capsule nobody took gives its export back when it goes", held)
    check("a read-only exporter: BufferError, DLManagedTensor has no flag",
          raises(lambda: numpy.from_dlpack(
              minibuf.ndarray([1, 2], shape=[2], format='i')), BufferError,
              "a read-only buffer cannot be exported as DLManagedTensor, "
              "which has no read-only flag"))
    check("a format DLPack has no type for: BufferError",
          raises(lambda: numpy.from_dlpack(
              minibuf.ndarray([b'a'], shape=[1], format='c',
                              flags=minibuf.ND_WRITABLE)), BufferError,
              "DLPack has no type for format 'c'"))
    check("__dlpack__: stream must be None",
          raises(lambda: nd.__dlpack__(stream=1), BufferError,
                 "minibuf's memory is the CPU's: stream must be None"))
    check("__dlpack_device__ is the CPU's", nd.__dlpack_device__() == (1, 0))

# A CPython exporter seen by minibuf: its export held while minibuf's view
# lives, given back exactly once.
b = bytearray(b'abcdef')
v = minibuf.memoryview(b)
check("minibuf's memoryview of a bytearray reads it",
      v.tobytes() == b'abcdef' and v.obj is b)
check("while minibuf holds the export, the bytearray cannot resize",
      raises(lambda: b.extend(b'x'), BufferError))
v.release()
b.extend(b'g')
check("once released, it can", b == bytearray(b'abcdefg'))
arr = array.array('d', [0.5, 1.5])
check("array.array's items through minibuf",
      minibuf.memoryview(arr).tolist() == [0.5, 1.5])

# Errors: minibuf's exception types and messages, as CPython's.
check("a non-exporter: TypeError",
      raises(lambda: minibuf.memoryview(5), TypeError,
             "memoryview: a bytes-like object is required, not 'int'"))
check("minibuf's BufferError for a read-only request",
      raises(lambda: minibuf.memoryview(b'ab').__setitem__(0, 1), TypeError,
             "cannot modify read-only memory"))
check("minibuf's struct.error is CPython's struct.error",
      raises(lambda: minibuf.PyBuffer_SizeFromFormat("z"), struct.error,
             "bad char in struct format"))
check("minibuf's ValueError from its ndarray",
      raises(lambda: minibuf.ndarray([1, 2], shape=[3]), ValueError))
check("a PIL ndarray's offset reads 0, as _testbuffer's does",
      minibuf.ndarray(list(range(24)), shape=[2, 6], strides=[6, 1],
                      offset=3, format='B', flags=minibuf.ND_PIL).offset == 0)

# The two libraries stay apart: the module exports nothing but its
# initialisation function, so CPython's own memoryview is untouched.
check("CPython's memoryview is still CPython's",
      type(memoryview(b'x')).__module__ == 'builtins')
ext = minibuf._minibuf.__file__
names = open(ext, 'rb').read()
check("the module holds minibuf's names renamed (mbpy_)",
      b'mbpy_PyObject_GetBuffer' in names)

print("1..%d" % len(checks))
for n, (what, good) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if good else "not ok", n, what))
sys.exit(0)
