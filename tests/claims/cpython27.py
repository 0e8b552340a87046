# Claims the docs make about Python 2.7, checked against it (see
# cpython311.py); C situations are run by tests/claims/probes/python2.c,
# built against this Python, each in a process of its own.
import ctypes
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probe import claim, raises  # noqa: E402 (after the path is set)

_built = []


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


def run(code):
    """(status, output) of this Python running code in a process of its
    own: the status is minus the signal that ended it, if one did."""
    child = subprocess.Popen([sys.executable, "-c", code],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = child.communicate()[0]
    return child.returncode, output


def situation(name):
    """What tests/claims/probes/python2.c prints for the situation."""
    if not _built:
        config = sys.executable + "-config"
        flags = subprocess.check_output([config, "--includes"]).split()
        link = subprocess.check_output([config, "--ldflags"]).split()
        prefix = subprocess.check_output([config, "--prefix"]).strip()
        scratch = tempfile.mkdtemp(prefix="minibuf-claims-")
        program = os.path.join(scratch, "python2")
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "probes", "python2.c")
        subprocess.check_call(["cc", "-w", "-o", program, source] + flags
                              + ["-L" + prefix + "/lib"] + link
                              + ["-Wl,-rpath," + prefix + "/lib"])
        _built.append((scratch, program))
    return subprocess.check_output([_built[0][1], name])


def without_buffer_table():
    """The old functions' messages for an object without the old slots."""
    messages = []
    for name in ("PyObject_AsCharBuffer", "PyObject_AsReadBuffer",
                 "PyObject_AsWriteBuffer"):
        f = getattr(ctypes.pythonapi, name)
        f.argtypes = [ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p]
        pointer = ctypes.c_void_p()
        size = ctypes.c_ssize_t()
        try:
            f(5, ctypes.byref(pointer), ctypes.byref(size))
        except TypeError as e:
            messages.append(str(e))
    return messages == ["expected a string or other character buffer object",
                        "expected a readable buffer object",
                        "expected a writeable buffer object"]


FROM_MEMORY = ("import ctypes\n"
               "f = ctypes.pythonapi.PyBuffer_FromMemory\n"
               "f.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]\n"
               "f.restype = ctypes.py_object\n")


def end_of_buffer_size():
    """PyBuffer_FromMemory(ptr, Py_END_OF_BUFFER) makes a buffer of len -1,
    which str() refuses."""
    status, output = run(
        FROM_MEMORY + "memory = ctypes.create_string_buffer(4)\n"
        "b = f(ctypes.addressof(memory), -1)\n"
        "print(len(b))\n"
        "try:\n"
        "    str(b)\n"
        "except SystemError as e:\n"
        "    print(e)\n")
    return status == 0 and output == (
        "-1\nNegative size passed to PyString_FromStringAndSize\n")


def null_memory():
    """PyBuffer_FromMemory(NULL, 4) makes a buffer; reading its first item
    copies from NULL (PyString_FromStringAndSize leaves the string
    unwritten), its second reads address 1: a crash."""
    made = run(FROM_MEMORY + "b = f(None, 4)\nb[0]\nprint('read')\n")
    second = run(FROM_MEMORY + "b = f(None, 4)\nb[1]\n")
    return made == (0, "read\n") and second[0] < 0


def null_object():
    status = run("import ctypes\n"
                 "f = ctypes.pythonapi.PyBuffer_FromObject\n"
                 "f.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t, "
                 "ctypes.c_ssize_t]\n"
                 "f(None, 0, -1)\n")[0]
    return status < 0


def negative_sizes_and_offsets():
    """PyBuffer_New, PyBuffer_FromMemory and PyBuffer_FromObject refuse a
    negative size (other than Py_END_OF_BUFFER) or offset."""
    def c_function(name, *argtypes):
        f = getattr(ctypes.pythonapi, name)
        f.argtypes = list(argtypes)
        f.restype = ctypes.py_object
        return f
    new = c_function("PyBuffer_New", ctypes.c_ssize_t)
    memory = c_function("PyBuffer_FromMemory", ctypes.c_void_p,
                        ctypes.c_ssize_t)
    of = c_function("PyBuffer_FromObject", ctypes.py_object,
                    ctypes.c_ssize_t, ctypes.c_ssize_t)
    block = ctypes.create_string_buffer(4)
    size = "size must be zero or positive"
    return (raises(lambda: new(-1), ValueError, size)
            and raises(lambda: memory(ctypes.addressof(block), -2),
                       ValueError, size)
            and raises(lambda: of("abc", 0, -2), ValueError, size)
            and raises(lambda: of("abc", -1, 2), ValueError,
                       "offset must be zero or positive"))


def same_names_in_python3():
    """2.7's library and a Python 3 library export the same names."""
    names = ("PyObject_GetBuffer", "PyBuffer_Release",
             "PyObject_AsReadBuffer", "PyByteArray_FromStringAndSize")
    libraries = (glob.glob("/usr/lib/*/libpython3.*.so.1.0")
                 + glob.glob(os.path.expanduser(
                     "~/.pyenv/versions/3.*/lib/libpython3.*.so.1.0")))
    three = ctypes.CDLL(libraries[0])
    return all(hasattr(ctypes.pythonapi, name) and hasattr(three, name)
               for name in names)


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
where = "differences.md, the old protocol"
claim(where, "2.7's messages for an object without buffer slots: 'expected "
      "a string or other character buffer object', 'expected a readable "
      "buffer object', 'expected a writeable buffer object'",
      without_buffer_table)
claim(where, "2.7's PyBuffer_FromMemory(ptr, -1) makes a buffer of len -1; "
      "str() of it: SystemError", end_of_buffer_size)
claim(where, "2.7's PyBuffer_FromMemory(NULL, 4) makes a buffer; b[1]: a "
      "crash", null_memory)
claim(where, "2.7's PyBuffer_FromObject(NULL, ...): a crash", null_object)
claim(where, "2.7's buffer() takes a str and a bytearray",
      lambda: buffer("abc")[:] == "abc"
      and buffer(bytearray("abc"))[:] == "abc")
claim(where, "2.7: the hash of buffer(s) is the hash of s",
      lambda: hash(buffer("abc")) == hash("abc"))
claim(where, "2.7's buffer object whose base fails without an exception: "
      "PyObject_GetBuffer gives -1, no exception",
      lambda: situation("base-fails-silently")
      == "result -1, exception 0\n")
where = "limits.md"
claim(where, "2.7's PyBuffer_New, PyBuffer_FromMemory, PyBuffer_FromObject "
      "with a negative size or offset: ValueError",
      negative_sizes_and_offsets)
claim(where, "2.7: a buffer whose offset lies past the end is empty",
      lambda: len(buffer("abc", 10)) == 0 and str(buffer("abc", 10)) == "")
where = "differences.md, extension code"
claim(where, "2.7's Py_buffer has smalltable[2] before internal: internal "
      "at 88, 96 bytes",
      lambda: situation("buffer-layout")
      == "smalltable 72, internal 88, size 96\n")
claim(where, "2.7 and 3 export the same names from their libraries",
      same_names_in_python3)
if _built:
    shutil.rmtree(_built[0][0])
