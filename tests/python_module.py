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
