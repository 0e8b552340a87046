# Claims the docs make about CPython 3.11, checked against it: each
# claim() prints one line "ok - WHAT (WHERE)" or "not ok - ...".
import ctypes
from _testbuffer import ndarray, PyBUF_FULL_RO, PyBUF_C_CONTIGUOUS


def claim(where, what, check):
    try:
        good = check()
    except Exception as e:      # a claim that raises is a claim that fails
        good = False
        what += " (raised %s: %s)" % (type(e).__name__, e)
    print("%s - %s (%s)" % ("ok" if good else "not ok", what, where))


def limited_api_compiles(version):
    """Whether a program built with Py_LIMITED_API=version can call
    PyObject_GetBuffer with this CPython's headers."""
    import os
    import subprocess
    import sysconfig
    import tempfile
    source = ("#include <Python.h>\n"
              "int f(PyObject *o, Py_buffer *v) "
              "{ return PyObject_GetBuffer(o, v, 0); }\n")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "limited.c")
        with open(path, "w") as f:
            f.write(source)
        return subprocess.run(
            ["cc", "-fsyntax-only", "-Werror=implicit-function-declaration",
             "-DPy_LIMITED_API=%#x" % version,
             "-I" + sysconfig.get_paths()["include"], path],
            capture_output=True).returncode == 0


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
    return limited_api_compiles(0x030b0000)


claim("guide 14", "3.11 has no PEP 688: no __buffer__, no "
      "collections.abc.Buffer",
      lambda: not hasattr(memoryview(b''), '__buffer__')
      and not hasattr(__import__('collections.abc').abc, 'Buffer'))
claim("guide 14", "3.11's limited API declares PyObject_GetBuffer and "
      "Py_buffer", limited_api_declares_get_buffer)
