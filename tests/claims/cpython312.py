# Claims the docs make about CPython 3.12, checked against it (see
# cpython311.py): PEP 688, and which objects it makes immortal.
import collections.abc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402

claim("guide 14", "3.12 has PEP 688: memoryview.__buffer__ and "
      "collections.abc.Buffer, which bytes is",
      lambda: hasattr(memoryview(b''), '__buffer__')
      and isinstance(b'', collections.abc.Buffer))
claim("differences.md, the object model; threads.md",
      "3.12: built-in types and exceptions are immortal; an extension's "
      "static objects and struct.error are counted",
      lambda: probe.prints("immortality",
                           "readied static type: counted\n"
                           "PyObject_HEAD_INIT object: counted\n"
                           "int: immortal\nTypeError: immortal\n"
                           "struct.error: counted\n"))
claim("differences.md, the buffer protocol", "3.12: PyBUF_READ and "
      "PyBUF_WRITE as requests are granted",
      lambda: probe.prints("read-write-requests", probe.READ_WRITE_GRANTED,
                           "views"))
claim("differences.md, the old protocol", "3.12's headers declare the old "
      "functions", lambda: probe.headers_declare("PyObject_AsReadBuffer"))
