# Claims the docs make about CPython 3.13, checked against it (see
# cpython311.py): its headers no longer declare the old functions, which
# are still exported, and it makes an extension's static objects immortal.
import ctypes
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402


def read_write_refused():
    """PyBUF_READ and PyBUF_WRITE as requests: SystemError "FILE:LINE: bad
    argument to internal function" from both functions."""
    status, output = probe.run("read-write-requests", "views")
    lines = output.splitlines()
    return status == 0 and len(lines) == 8 and all(
        lines[i].endswith(": -1")
        and lines[i + 1].startswith(lines[i].split()[0] + ": SystemError: ")
        and lines[i + 1].endswith(": bad argument to internal function")
        for i in range(0, 8, 2))


claim("guide 9, old-protocol.md; differences.md", "3.13's headers do not "
      "declare the old functions",
      lambda: not probe.headers_declare("PyObject_AsReadBuffer"))
claim("differences.md, the buffer protocol", "3.13: PyBUF_READ and "
      "PyBUF_WRITE as requests: SystemError", read_write_refused)
claim("guide 9, old-protocol.md", "3.13 still exports them",
      lambda: hasattr(ctypes.pythonapi, "PyObject_AsReadBuffer"))
claim("differences.md, the object model; threads.md",
      "3.13: an extension's static objects are immortal too; struct.error "
      "is still counted",
      lambda: probe.prints("immortality",
                           "readied static type: immortal\n"
                           "PyObject_HEAD_INIT object: immortal\n"
                           "int: immortal\nTypeError: immortal\n"
                           "struct.error: counted\n"))
