# Claims docs/differences.md and docs/limits.md make about what CPython
# 3.11 does with views it cannot handle: the copies of views whose fields
# disagree, exporters that break the protocol's rules, and the helpers
# that fill a view.  Each situation is run by tests/claims/probes/views.c
# in a process of its own (see probe.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402


def crashes(situation, **environment):
    return probe.crashes(situation, "views", **environment)


def prints(situation, text):
    return probe.prints(situation, text, "views")


TO_FINE = "PyBuffer_ToContiguous: no exception\n"
FROM_FINE = "PyBuffer_FromContiguous: no exception\n"
COPIED = "result 0\nPyObject_CopyData: no exception\n"
SET = "ValueError: set by the exporter"
where = "differences.md, the buffer protocol"
claim(where, "an exporter that succeeds with an exception set: GetBuffer, "
      "memoryview(), CopyData and the old functions succeed with it still "
      "set; bytearray() fails with SystemError",
      lambda: prints("success-with-exception", "".join(
          "%s\n%s: %s\n" % (result, consumer, error)
          for result, consumer, error in (
              ("PyObject_GetBuffer 0", "PyObject_GetBuffer", SET),
              ("memoryview made 1", "memoryview", SET),
              ("bytearray made 0", "bytearray", "SystemError: <class "
               "'bytearray'> returned a result with an exception set"),
              ("PyObject_CopyData 0", "PyObject_CopyData", SET),
              ("PyObject_AsCharBuffer 0", "PyObject_AsCharBuffer", SET),
              ("PyObject_AsReadBuffer 0", "PyObject_AsReadBuffer", SET),
              ("PyObject_AsWriteBuffer 0", "PyObject_AsWriteBuffer", SET),
              ("PyObject_CheckReadBuffer 1", "PyObject_CheckReadBuffer",
               SET)))))
claim(where, "an exporter that fails without an exception: -1, no exception",
      lambda: prints("failure-without-exception",
                     "result -1\nPyObject_GetBuffer: no exception\n"))
claim(where, "PyBUF_READ and PyBUF_WRITE as requests: granted",
      lambda: prints("read-write-requests", probe.READ_WRITE_GRANTED))
claim(where, "PyBuffer_FillContiguousStrides whose product overflows wraps: "
      "strides[0] of shape (4, 4, 2**62) is 0",
      lambda: prints("fill-strides-overflow",
                     "strides 0 4611686018427387904 1\n"))
where = "differences.md, copies"
claim(where, "a NULL view or buffer to ToContiguous or FromContiguous, a NULL "
      "object to CopyData: a crash",
      lambda: all(crashes("null-" + which) for which in (
          "to-view", "to-buffer", "from-view", "from-buffer",
          "copy-destination", "copy-source")))
claim(where, "ToContiguous with len == view->len == -1: a crash",
      lambda: crashes("to-negative-len"))
claim(where, "FromContiguous in 'F' order into a 2-D view without strides: "
      "a crash", lambda: crashes("from-no-strides-F"))
claim(where, "a copy of a 65-D view walks it",
      lambda: prints("to-65-dimensions", "result 0\n" + TO_FINE
                     + "bytes 1 3 5 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"))
claim(where, "a copy of a view with ndim < 0 copies its len bytes, with or "
      "without strides",
      lambda: all(prints(s, "result 0\n" + TO_FINE + "bytes 1 2 3 -1 -1 -1 "
                         "-1 -1 -1 -1 -1 -1\n")
                  for s in ("to-negative-ndim", "to-negative-ndim-no-strides")))
claim(where, "a copy of a view with a negative extent, or 1-D without shape "
      "and itemsize 0, or product(shape) * itemsize past PY_SSIZE_T_MAX: a "
      "crash", lambda: all(crashes(s) for s in (
          "to-negative-extent", "to-no-shape-itemsize-0",
          "to-product-overflow")))
claim(where, "ToContiguous of a view whose shape holds more bytes than len "
      "writes them all (8 bytes for len 4)",
      lambda: prints("to-shape-more-than-len", "result 0\n" + TO_FINE
                     + "bytes 1 3 5 7 9 11 13 15 -1 -1 -1 -1\n"))
claim(where, "ToContiguous of a view whose shape holds fewer bytes than len "
      "leaves the rest of the output unwritten",
      lambda: prints("to-shape-less-than-len", "result 0\n" + TO_FINE
                     + "bytes 1 3 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"))
claim(where, "FromContiguous with view->len past its shape writes its items "
      "again (an empty shape too); with itemsize 0 it divides by zero",
      lambda: prints("from-shape-less-than-len", "result 0\n" + FROM_FINE
                     + "bytes 3 0 4 0 0 0 0 0 0 0 0 0\n")
      and prints("from-shape-empty", "result 0\n" + FROM_FINE
                 + "bytes 3 0 0 0 4 0 0 0 0 0 0 0\n")
      and probe.run("from-itemsize-0", "views")[0] == -8)
claim(where, "CopyData walks the items the source's shape describes, past "
      "its len", lambda: prints("copy-shape-more-than-len", COPIED
                                + "bytes 1 3 5 7 9 11 13 15" + " 0" * 24
                                + "\n"))
claim(where, "CopyData writes outside the destination's shape",
      lambda: prints("copy-past-destination-shape", COPIED
                     + "bytes" + " %d 0 0 0" * 8 % tuple(range(1, 16, 2))
                     + "\n"))
claim(where, "CopyData with source items larger than the destination's "
      "writes past the destination's items",
      lambda: prints("copy-larger-items", COPIED + "bytes 1 2 3 4 7 8"
                     + " 0" * 26 + "\n"))
claim(where, "CopyData into a destination of more dimensions reads past its "
      "index array: with PYTHONMALLOC=debug around it, a crash",
      lambda: crashes("copy-more-dimensions", PYTHONMALLOC="debug"))
where = "limits.md"
claim(where, "a view of len 0 is copied as 0 bytes whatever its shape says",
      lambda: prints("to-empty-any-shape", "result 0\n" + TO_FINE
                     + "bytes" + " -1" * 12 + "\n"))
claim(where, "PyBuffer_FillInfo accepts len < 0",
      lambda: prints("fill-info-negative-len", "result 0, len -1\n"))
where = "differences.md, bytes and bytearray"
claim(where, "PyByteArray_Concat with a negative len: first operand, a "
      "negative sum: SystemError; a positive sum: a bytearray of that size; "
      "second operand: MemoryError",
      lambda: prints("concat-negative-first-sum",
                     "made 0\nPyByteArray_Concat: SystemError: Negative size "
                     "passed to PyByteArray_FromStringAndSize\n")
      and prints("concat-negative-first-positive-sum",
                 "made 1\nsize 8\nPyByteArray_Concat: no exception\n")
      and all(prints("concat-negative-second-" + s,
                     "made 0\nPyByteArray_Concat: MemoryError: \n")
              for s in ("sum", "positive-sum")))
