# Claims the docs make about CPython 3.13, checked against it (see
# cpython311.py): its headers no longer declare the old functions, which
# are still exported, and it makes an extension's static objects immortal.
import ctypes
import glob
import os
import sys
import sysconfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402


def undeclared():
    headers = glob.glob(sysconfig.get_paths()["include"] + "/**/*.h",
                        recursive=True)
    text = "".join(open(h, errors="replace").read() for h in headers)
    return headers and "PyObject_AsReadBuffer" not in text


claim("guide 9, old-protocol.md", "3.13's headers do not declare the old "
      "functions", undeclared)
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
