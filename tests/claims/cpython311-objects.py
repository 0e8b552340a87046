# Claims docs/differences.md makes about what CPython 3.11 offers beyond
# minibuf's object model: the interpreter's API, the slots it calls,
# attribute lookup, the garbage collector, int and str, the error
# indicator's formatting and printing, and the Python module's sizes and
# hashes.  C situations are run by tests/claims/probes/rows.c (probe.py).
import ctypes
import gc
import os
import sys
import weakref
from _testbuffer import ndarray

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402

api = ctypes.pythonapi


def generic_getattr():
    """PyObject_GenericGetAttr finds an instance's attribute and a method
    in the type's dictionary, and says what minibuf says for the rest."""
    f = api.PyObject_GenericGetAttr
    f.argtypes = [ctypes.py_object, ctypes.py_object]
    f.restype = ctypes.py_object

    class C:
        def method(self):
            return "found in the type"

    c = C()
    c.x = 5
    messages = []
    for name in ("y", 3):
        try:
            f(c, name)
        except (AttributeError, TypeError) as e:
            messages.append("%s: %s" % (type(e).__name__, e))
    return (f(c, "x") == 5 and f(c, "method")() == "found in the type"
            and messages == ["AttributeError: 'C' object has no attribute "
                             "'y'", "TypeError: attribute name must be "
                             "string, not 'int'"])


def cycle_collected():
    class Node:
        pass

    node = Node()
    node.me = node
    tracked = gc.is_tracked(node)
    alive = weakref.ref(node)
    del node
    gc.collect()
    return tracked and alive() is None


def hash_of(text, **environment):
    return probe.python("print(hash(%r))" % text, **environment)[1]


def random_hash_seed():
    """Two processes hash a str and a bytes differently, unless
    PYTHONHASHSEED fixes the seed (a chance of 2**-64 each to agree)."""
    return all(hash_of(x, PYTHONHASHSEED="random")
               != hash_of(x, PYTHONHASHSEED="random")
               and hash_of(x, PYTHONHASHSEED="0")
               == hash_of(x, PYTHONHASHSEED="0") for x in ("abc", b"abc"))


def memoryview_sizeof_grows_by_dimension():
    """CPython's memoryview holds 3 Py_ssize_t per dimension
    (test_buffer.py's test_memoryview_sizeof says the same)."""
    items = list(range(8))
    one = sys.getsizeof(memoryview(ndarray(items, shape=[8], format="b")))
    three = sys.getsizeof(memoryview(ndarray(items, shape=[2, 2, 2],
                                             format="b")))
    return three - one == 2 * 3 * ctypes.sizeof(ctypes.c_ssize_t)


where = "differences.md, the object model"
claim(where, "PyObject_NewVar with size -1: made, ob_size -1, no error",
      lambda: probe.prints("newvar-negative", "made 1, size -1\n"
                           "PyObject_NewVar: no exception\n"))
where = "differences.md, extension code"
claim(where, "the interpreter's API is available: PyArg_ParseTuple, "
      "Py_BuildValue, PyModule_Create2, PyObject_Call, "
      "PyObject_GetAttrString, PyObject_Str, PyFloat_FromDouble, PyTuple_New",
      lambda: all(hasattr(api, name) for name in (
          "PyArg_ParseTuple", "Py_BuildValue", "PyModule_Create2",
          "PyObject_Call", "PyObject_GetAttrString", "PyObject_Str",
          "PyFloat_FromDouble", "PyTuple_New")))
claim(where, "tp_repr and tp_call are called by the interpreter",
      lambda: probe.prints("slots-called", "tp_repr called\ntp_call called\n"))
claim(where, "PyObject_GenericGetAttr looks in the instance's and the type's "
      "dictionaries; AttributeError and TypeError messages", generic_getattr)
claim(where, "a reference cycle is tracked and collected", cycle_collected)
claim(where, "a type made by PyType_FromSpec has __module__, __qualname__ "
      "and a dictionary",
      lambda: probe.prints("from-spec", "__module__: 'probe'\n"
                           "__qualname__: 'Spec'\n"
                           "__dict__: mappingproxy({'__doc__': None, "
                           "'__module__': 'probe'})\n"))
claim(where, "int has arbitrary precision", lambda: (1 << 200) >> 199 == 2)
claim(where, "str has codecs beyond UTF-8",
      lambda: "caf\u00e9".encode("latin-1") == b"caf\xe9"
      and str(b"caf\xe9", "latin-1") == "caf\u00e9")
where = "differences.md, extension code; the Python module"
claim(where, "str and bytes hashes change from process to process unless "
      "PYTHONHASHSEED is set", random_hash_seed)
claim(where, "under PYTHONHASHSEED=0, the hashes of str and bytes from C "
      "are Python's", lambda: probe.run("hashes", PYTHONHASHSEED="0")
      == (0, probe.hashes_with_seed_0()))
where = "differences.md, the Python module"
claim(where, "sys.getsizeof(memoryview) grows by 3 Py_ssize_t a dimension",
      memoryview_sizeof_grows_by_dimension)
where = "differences.md, the error indicator"
claim(where, "PyErr_Format formats objects with %U, %R, %S, %A, %V",
      lambda: probe.prints("format-objects", "PyErr_Format: ValueError: "
                           "caf\u00e9 'caf\u00e9' caf\u00e9 'caf\\xe9' "
                           "caf\u00e9\n"))
claim(where, "PyErr_Print prints the traceback",
      lambda: probe.prints("print-traceback", "raised 1\nTraceback (most "
                           "recent call last):\n  File \"<string>\", line 1, "
                           "in <module>\nZeroDivisionError: division by "
                           "zero\n"))
claim(where, "a KeyError's message is repr() of the key: printable non-ASCII "
      "kept, other characters escaped",
      lambda: str(KeyError("\u00e9")) == "'\u00e9'"
      and str(KeyError("\u200b")) == "'\\u200b'"
      and str(KeyError("\x00")) == "'\\x00'")
claim(where, "PyErr_Print of an exception set from C prints 'Type: message'",
      lambda: probe.prints("print-set-error", "ValueError: set from C\n"))
claim(where, "a KeyError from C: U+00E9 kept, U+200B escaped",
      lambda: probe.prints("key-error", "KeyError: KeyError: "
                           "'\u00e9\\u200b'\n"))
where = "differences.md, extension code"
claim(where, "PyObject_GenericGetAttr on an object without a dictionary: "
      "AttributeError; a name that is no str: TypeError",
      lambda: probe.prints("generic-getattr", probe.GENERIC_GETATTR))
