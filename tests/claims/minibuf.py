# minibuf's side of the rows of docs/differences.md and docs/limits.md:
# the probes of tests/claims/probes/ (views.c, and rows.c but for the
# situations that need CPython's interpreter), built against minibuf by
# make, must give the answer each row's minibuf column states.  Run by
# tests/claims.sh with the directory of the built probes as the first
# argument.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probe import (claim, READ_WRITE_GRANTED, WITHOUT_TABLE,  # noqa: E402
                   BYTES_TOO_LARGE, OVERSIZED, GENERIC_GETATTR,
                   MEMORYVIEW_65, hashes_with_seed_0)

PROBES = sys.argv[1]


def finish(situation, program, environment):
    """The finished process of the minibuf build of PROGRAM.c running the
    situation.  The probes keep every object they make, as a probe of
    CPython does, so the sanitizer build's leak report is off (the
    library's own tests check for leaks)."""
    asan = os.environ.get("ASAN_OPTIONS")
    environment["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
        "detect_leaks=0"
    return subprocess.run([os.path.join(PROBES, program), situation],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **environment))


def run(situation, program="views", **environment):
    """What the situation prints; it must exit 0."""
    result = finish(situation, program, environment)
    if result.returncode != 0:
        return "exit status %d" % result.returncode
    return result.stdout


def refuses(situation, function, error, program="views"):
    """The situation's call gives -1 and the error."""
    lines = run(situation, program).splitlines()
    return (len(lines) >= 2 and lines[0] == "result -1"
            and lines[1] == "%s: %s" % (function, error))


def rows(situation, text):
    """rows.c prints exactly text for the situation."""
    return run(situation, "rows") == text


TO = "PyBuffer_ToContiguous"
FROM = "PyBuffer_FromContiguous"
COPY = "PyObject_CopyData"
NULL = "SystemError: null argument to internal routine"
NONE = "no exception"
BAD = "SystemError: bad argument to internal function"
NOT_AN_EXCEPTION = ("PyErr_NewException: TypeError: PyErr_NewException: "
                    "base must be an exception type\n")
SUCCEEDED = ("SystemError: bf_getbuffer of 'probe.Exporter' succeeded with "
             "an exception set")

where = "differences.md, the buffer protocol"
claim(where, "an exporter that succeeds with an exception set: GetBuffer "
      "passes both on; every consumer fails with SystemError (AsWriteBuffer "
      "with its TypeError), but CheckReadBuffer answers 1",
      lambda: run("success-with-exception") == "".join(
          "%s\n%s: %s\n" % (result, consumer, error)
          for result, consumer, error in (
              ("PyObject_GetBuffer 0", "PyObject_GetBuffer",
               "ValueError: set by the exporter"),
              ("memoryview made 0", "memoryview", SUCCEEDED),
              ("bytearray made 0", "bytearray", SUCCEEDED),
              ("PyObject_CopyData -1", "PyObject_CopyData", SUCCEEDED),
              ("PyObject_AsCharBuffer -1", "PyObject_AsCharBuffer",
               SUCCEEDED),
              ("PyObject_AsReadBuffer -1", "PyObject_AsReadBuffer",
               SUCCEEDED),
              ("PyObject_AsWriteBuffer -1", "PyObject_AsWriteBuffer",
               "TypeError: expected a writable bytes-like object"),
              ("PyObject_CheckReadBuffer 1", "PyObject_CheckReadBuffer",
               "ValueError: set by the exporter"))))
claim(where, "an exporter that fails without an exception: -1 and no "
      "exception; with tracking on, SystemError",
      lambda: run("failure-without-exception")
      == "result -1\nPyObject_GetBuffer: no exception\n"
      and run("failure-without-exception", MINIBUF_DEBUG_LEAKS="1")
      == "result -1\nPyObject_GetBuffer: SystemError: bf_getbuffer failed "
      "without setting an exception\n")
claim(where, "PyBUF_READ and PyBUF_WRITE as requests: granted, as in 3.11",
      lambda: run("read-write-requests") == READ_WRITE_GRANTED)
claim(where, "PyBuffer_FillContiguousStrides wraps around",
      lambda: run("fill-strides-overflow")
      == "strides 0 4611686018427387904 1\n")
where = "differences.md, copies"
claim(where, "a NULL view, object or buffer: SystemError",
      lambda: all(run("null-" + which) == "survived: -1\n%s: %s\n"
                  % (which, NULL) for which in (
                      "to-view", "to-buffer", "from-view", "from-buffer",
                      "copy-destination", "copy-source")))
claim(where, "ToContiguous with len < 0: ValueError",
      lambda: refuses("to-negative-len", TO, "ValueError: " + TO
                      + ": len must not be negative"))
claim(where, "FromContiguous into a view without strides uses the implied C "
      "strides", lambda: run("from-no-strides-F") == "result 0\n" + FROM
      + ": no exception\nbytes 1 3 5 2 4 6 0 0 0 0 0 0\n")
claim(where, "a copy of a view with ndim > 64 or a negative extent: "
      "ValueError; ndim < 0, or no shape and itemsize 0: its len bytes",
      lambda: refuses("to-65-dimensions", TO, "ValueError: " + TO
                      + ": number of dimensions must not exceed 64")
      and refuses("to-negative-extent", TO, "ValueError: " + TO
                  + ": shape[1] is negative")
      and run("to-negative-ndim") == "result 0\n" + TO
      + ": no exception\nbytes 1 2 3 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"
      and run("to-no-shape-itemsize-0") == "result 0\n" + TO
      + ": no exception\n")
claim(where, "a copy whose product(shape) * itemsize overflows: "
      "OverflowError",
      lambda: refuses("to-product-overflow", TO, "OverflowError: " + TO
                      + ": product(shape) * itemsize does not fit in "
                      "Py_ssize_t"))
claim(where, "a copy whose shape holds more or fewer bytes than len: "
      "ValueError",
      lambda: all(refuses(situation, function, "ValueError: " + function
                          + ": view->len does not match its shape and "
                          "itemsize")
                  for situation, function in (
                      ("to-shape-more-than-len", TO),
                      ("to-shape-less-than-len", TO),
                      ("from-shape-less-than-len", FROM),
                      ("from-shape-empty", FROM), ("from-itemsize-0", FROM),
                      ("copy-shape-more-than-len", COPY))))
claim(where, "CopyData past the destination's shape, or with larger items: "
      "BufferError",
      lambda: refuses("copy-past-destination-shape", COPY, "BufferError: "
                      + COPY + ": the source's shape reaches outside the "
                      "destination's")
      and refuses("copy-larger-items", COPY, "BufferError: " + COPY
                  + ": the source's items are larger than the "
                  "destination's"))
claim(where, "CopyData into more dimensions: missing indices count as 0",
      lambda: run("copy-more-dimensions") == "result 0\n" + COPY
      + ": no exception\nbytes 1 0 2 0 3 0 4 0" + " 0" * 24 + "\n")
where = "limits.md"
claim(where, "a view of len 0 is copied as 0 bytes whatever its shape says",
      lambda: run("to-empty-any-shape") == "result 0\n" + TO
      + ": no exception\nbytes" + " -1" * 12 + "\n")
claim(where, "PyBuffer_FillInfo accepts len < 0",
      lambda: run("fill-info-negative-len") == "result 0, len -1\n")
where = "differences.md, bytes and bytearray"
claim(where, "PyByteArray_Concat with a negative len: SystemError",
      lambda: all(run("concat-negative-" + s) == "made 0\nPyByteArray_Concat: "
                  "SystemError: Negative size passed to "
                  "PyByteArray_FromStringAndSize\n"
                  for s in ("first-sum", "first-positive-sum", "second-sum",
                            "second-positive-sum")))

where = "differences.md, the object model"
claim(where, "static objects are immortal, struct.error included",
      lambda: rows("immortality", "".join(
          "%s: immortal\n" % name for name in (
              "readied static type", "PyObject_HEAD_INIT object", "int",
              "TypeError", "struct.error"))))
claim(where, "a static type whose count reaches zero: fatal error with the "
      "type's name",
      lambda: (lambda r: r.returncode == -6 and "Fatal Python error: "
               "type_dealloc: static type 'probe.Static' deallocated"
               in r.stderr)(finish("static-type-to-zero", "rows", {})))
claim(where, "PyObject_New makes the type ready first",
      lambda: rows("new-unready", "made 1, ready 1\n"))
claim(where, "PyObject_NewVar: a negative size is SystemError, an overflow "
      "MemoryError",
      lambda: rows("newvar-negative", "made 0, size 0\nPyObject_NewVar: "
                   "SystemError: bad argument to internal function\n")
      and rows("newvar-overflow", "made 0\nPyObject_NewVar: MemoryError: \n"))
claim(where, "PyType_Ready on a type that is its own base: SystemError",
      lambda: all(rows(s, "result -1\nPyType_Ready: SystemError: "
                       "PyType_Ready: type 'probe.A' is its own base\n")
                  for s in ("own-base-typed", "own-base-untyped")))
claim(where, "PyErr_NewException with a base that is no exception: "
      "TypeError",
      lambda: rows("new-exception-class-base", "made 0, an exception class "
                   "-1\n" + NOT_AN_EXCEPTION)
      and rows("new-exception-object-base", "made 0\n" + NOT_AN_EXCEPTION))
where = "differences.md, the error indicator"
claim(where, "PyErr_Format: %s with NULL writes (null); %U, %R, %S, %A, %V "
      "are copied as they are",
      lambda: rows("format-null-s", "PyErr_Format: ValueError: (null)\n")
      and rows("format-objects", "PyErr_Format: ValueError: %U %R %S %A "
               "%V\n"))
where = "differences.md, the buffer protocol, struct formats, the old protocol"
claim(where, "a NULL argument: SystemError, or a defined answer",
      lambda: all(rows("null-" + call, "survived: %d\n%s: %s\n"
                       % (result, call, error)) for call, result, error in (
                           ("GetBuffer", -1, NULL), ("CheckBuffer", 0, NONE),
                           ("Release", 0, NONE), ("IsContiguous", 0, NONE),
                           ("GetPointer", 0, NULL),
                           ("SizeFromFormat", -1, NULL),
                           ("CheckReadBuffer", 0, NONE))))
claim(where, "IsContiguous without shape: an N-D view is not contiguous; "
      "GetPointer without strides uses the C strides",
      lambda: rows("view-without-shape", "contiguous 0\n")
      and rows("view-without-strides", "pointer 16\n"))
where = "differences.md, copies; limits.md"
claim(where, "FromContiguous with a negative len: ValueError",
      lambda: all(refuses(s, FROM, "ValueError: " + FROM + ": len and "
                          "view->len must not be negative", "rows")
                  for s in ("from-contiguous-negative",
                            "from-contiguous-negative-strided")))
claim(where, "a 0-d view in order 'X': its one item is copied",
      lambda: rows("zero-d-to-contiguous-X", "result 0, copied 1\n" + TO
                   + ": no exception\n")
      and rows("zero-d-from-contiguous-X", "result 0, copied 1\n" + FROM
               + ": no exception\n"))
claim(where, "a 2-D view without shape: copied without strides in 'C' or "
      "'A' order, ValueError otherwise",
      lambda: all(rows("no-shape-%s-%s" % (way, order), "result 0, copied "
                       "1\n%s: no exception\n" % function)
                  for way, function in (("to", TO), ("from", FROM))
                  for order in "CA")
      and all(rows(s, "result -1, copied 0\n%s: ValueError: %s: a view of 2 "
                   "dimensions needs a shape\n" % (function, function))
              for s, function in (("no-shape-to-C-strided", TO),
                                  ("no-shape-from-A-strided", FROM),
                                  ("no-shape-to-F", TO),
                                  ("no-shape-from-F", FROM))))
where = "differences.md, memoryview"
claim(where, "a memoryview of an exporter with ndim < 0 or no shape: "
      "ValueError",
      lambda: rows("memoryview-ndim-negative", "made 0\nPyMemoryView_From"
                   "Object: ValueError: memoryview: ndim must not be "
                   "negative\n")
      and rows("memoryview-no-shape", "made 0\nPyMemoryView_FromObject: "
               "ValueError: memoryview: a view of 2 dimensions needs a "
               "shape\n"))
claim(where, "views whose format is larger than the item are unequal",
      lambda: all(rows("memoryview-equal-" + f, "equal 0\n==: no "
                       "exception\n") for f in ("q", "<i")))
claim(where, "PyMemoryView_GetContiguous with a type or order it does not "
      "know: SystemError",
      lambda: all(rows("get-contiguous-" + s, "made 0\nPyMemoryView_Get"
                       "Contiguous: " + BAD + "\n") for s in ("x-C", "r-X")))
where = "differences.md, bytes and bytearray; limits.md"
claim(where, "a NULL argument to the bytes and bytearray functions: "
      "SystemError",
      lambda: all(rows("null-" + call, "survived: %d\n%s: %s\n"
                       % (result, call, NULL)) for call, result in (
                           ("BytesFromString", 0), ("BytesSize", -1),
                           ("ByteArrayFromObject", 0),
                           ("ByteArrayConcat", 0))))
claim(where, "the bytearray functions on a bytes object or NULL: "
      "SystemError",
      lambda: all(rows("bytearray-on-%s-%s" % (o, call), "survived: %d\n%s: "
                       "%s\n" % (result, call, BAD))
                  for o in ("bytes", "null") for call, result in (
                      ("AsString", 0), ("Size", -1), ("Resize", -1))))
claim(where, "PyByteArray_Resize to a negative size: SystemError",
      lambda: rows("bytearray-resize-negative", "result -1\n"
                   "PyByteArray_Resize: SystemError: Negative size passed "
                   "to PyByteArray_Resize\n"))
claim(where, "PyByteArray_FromObject of an int or a str: TypeError",
      lambda: all(rows("bytearray-from-" + kind, "PyByteArray_FromObject: "
                       "TypeError: cannot convert '%s' object to "
                       "bytearray\n" % kind) for kind in ("int", "str")))
where = "differences.md, the old protocol"
claim(where, "the old functions on an object without a buffer table: "
      "CPython 3's messages",
      lambda: rows("old-functions-without-table", WITHOUT_TABLE))
where = "differences.md, memoryview; limits.md"
claim(where, "PyMemoryView_FromMemory with NULL memory, a negative size or "
      "other flags: SystemError",
      lambda: all(rows("from-memory-" + kind, "made 0\nPyMemoryView_From"
                       "Memory: " + BAD + "\n")
                  for kind in ("null", "negative", "flags")))
where = "differences.md, bytes and bytearray"
claim(where, "PyBytes_FromStringAndSize makes a new object every time",
      lambda: rows("bytes-shared", "one byte shared 0, empty shared 0\n"))
claim(where, "new bytes and bytearrays of NULL, and grown bytearrays, hold "
      "zeros", lambda: rows("new-contents", "bytes 0, bytearray 0, grown 0\n"))
where = "limits.md"
claim(where, "PyBytes_FromStringAndSize of PY_SSIZE_T_MAX bytes: "
      "OverflowError, as CPython",
      lambda: rows("bytes-too-large", BYTES_TOO_LARGE))
claim(where, "the allocators return NULL without an exception above "
      "PY_SSIZE_T_MAX bytes, as CPython",
      lambda: rows("oversized-requests", OVERSIZED))
where = "differences.md, extension code; the error indicator"
claim(where, "PyObject_GenericGetAttr: AttributeError, TypeError for a name "
      "that is no str, as CPython says them",
      lambda: rows("generic-getattr", GENERIC_GETATTR))
claim(where, "PyErr_Print prints 'Type: message'",
      lambda: rows("print-set-error", "ValueError: set from C\n"))
claim(where, "a KeyError's message keeps every non-ASCII character",
      lambda: rows("key-error", "KeyError: KeyError: '\u00e9\u200b'\n"))


def same_hashes_as_cpython():
    """The hashes CPython computes under PYTHONHASHSEED=0 (SipHash-1-3,
    from 3.11 on; the Python running this file computes them)."""
    if sys.version_info < (3, 11):
        raise RuntimeError("needs CPython 3.11 or later to compare with")
    return rows("hashes", hashes_with_seed_0())


def headers_declare_old_functions():
    include = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           os.pardir, os.pardir, "include")
    text = "".join(open(os.path.join(include, name)).read()
                   for name in os.listdir(include) if name.endswith(".h"))
    return all(name in text for name in (
        "PyObject_AsCharBuffer", "PyObject_AsReadBuffer",
        "PyObject_CheckReadBuffer", "PyObject_AsWriteBuffer"))


where = "differences.md, extension code; the Python module"
claim(where, "str and bytes hash as CPython 3.11 does under PYTHONHASHSEED=0",
      same_hashes_as_cpython)
where = "limits.md"
claim(where, "PyMemoryView_FromObject of an exporter of 65 dimensions: "
      "CPython's ValueError", lambda: rows("memoryview-65-dimensions",
                                          MEMORYVIEW_65))
where = "differences.md, the old protocol"
claim(where, "minibuf's headers declare the old functions",
      headers_declare_old_functions)
