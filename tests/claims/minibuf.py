# minibuf's side of the rows of docs/differences.md and docs/limits.md
# that tests/claims/probes/views.c probes: the same program, built against
# minibuf by make, must give the answer each row's minibuf column states.
# Run by tests/claims.sh with the program's path as the first argument.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probe import claim, READ_WRITE_GRANTED  # noqa: E402 (after the path)

PROGRAM = sys.argv[1]


def run(situation, **environment):
    """What the minibuf build prints for the situation; it must exit 0.
    The program keeps every object it makes, as a probe of CPython does,
    so the sanitizer build's leak report is off (the library's own tests
    check for leaks)."""
    asan = os.environ.get("ASAN_OPTIONS")
    environment["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
        "detect_leaks=0"
    result = subprocess.run([PROGRAM, situation], capture_output=True,
                            text=True, timeout=60,
                            env=dict(os.environ, **environment))
    if result.returncode != 0:
        return "exit status %d" % result.returncode
    return result.stdout


def refuses(situation, function, error):
    """The situation's copy gives -1 and the error, the output untouched."""
    lines = run(situation).splitlines()
    return (len(lines) >= 2 and lines[0] == "result -1"
            and lines[1] == "%s: %s" % (function, error))


TO = "PyBuffer_ToContiguous"
FROM = "PyBuffer_FromContiguous"
COPY = "PyObject_CopyData"
NULL = "SystemError: null argument to internal routine"
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
