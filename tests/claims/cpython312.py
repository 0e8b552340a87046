# Claims the docs make about CPython 3.12, checked against it (see
# cpython311.py): PEP 688.
import collections.abc


import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)


def claim(where, what, check):
    try:
        good = check()
    except Exception as e:      # a claim that raises is a claim that fails
        good = False
        what += " (raised %s: %s)" % (type(e).__name__, e)
    print("%s - %s (%s)" % ("ok" if good else "not ok", what, where))


claim("guide 14", "3.12 has PEP 688: memoryview.__buffer__ and "
      "collections.abc.Buffer, which bytes is",
      lambda: hasattr(memoryview(b''), '__buffer__')
      and isinstance(b'', collections.abc.Buffer))
claim("differences.md, the object model; threads.md",
      "3.12: built-in types and exceptions are immortal; an extension's static objects and struct.error are counted",
      lambda: probe.prints("immortality",
                           "readied static type: counted\n"
                           "PyObject_HEAD_INIT object: counted\n"
                           "int: immortal\nTypeError: immortal\n"
                           "struct.error: counted\n"))
