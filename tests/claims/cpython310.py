# Claims the docs make about CPython 3.10, checked against it (see
# cpython311.py): the buffer protocol is not in its limited API.
import os
import subprocess
import sysconfig
import tempfile


def claim(where, what, check):
    try:
        good = check()
    except Exception as e:      # a claim that raises is a claim that fails
        good = False
        what += " (raised %s: %s)" % (type(e).__name__, e)
    print("%s - %s (%s)" % ("ok" if good else "not ok", what, where))


def limited_api_compiles(version):
    """Whether a program built with Py_LIMITED_API=version (None: without
    it) can call PyObject_GetBuffer with this CPython's headers."""
    source = ("#include <Python.h>\n"
              "int f(PyObject *o, Py_buffer *v) "
              "{ return PyObject_GetBuffer(o, v, 0); }\n")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "limited.c")
        with open(path, "w") as f:
            f.write(source)
        return subprocess.run(
            ["cc", "-fsyntax-only", "-Werror=implicit-function-declaration",
             "-DPy_LIMITED_API=%#x" % version if version else "-DNOTHING",
             "-I" + sysconfig.get_paths()["include"], path],
            capture_output=True).returncode == 0


claim("guide 14", "3.10's limited API does not declare the buffer protocol",
      lambda: limited_api_compiles(None)
      and not limited_api_compiles(0x030a0000))
