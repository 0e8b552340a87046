# Claims the docs make about a debug build of CPython 3.11 (Debian's
# python3.11-dbg), where its checks stop the process with a fatal error;
# the situations are run by tests/claims/probes/ (see probe.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402

where = "differences.md, the object model"
claim(where, "debug build: a static type whose count reaches zero stops "
      "with a fatal error",
      lambda: probe.stops("static-type-to-zero", "_PyObject_AssertFailed"))
where = "differences.md, the buffer protocol"
claim(where, "debug build: an exporter that succeeds with an exception set "
      "stops with a fatal error",
      lambda: probe.stops("success-with-exception", "_Py_CheckSlotResult: "
                          "Slot getbuffer of type probe.Exporter succeeded "
                          "with an exception set", "views"))
claim(where, "debug build: an exporter that fails without an exception "
      "stops with a fatal error",
      lambda: probe.stops("failure-without-exception", "_Py_CheckSlotResult: "
                          "Slot getbuffer of type probe.Exporter failed "
                          "without setting an exception", "views"))
