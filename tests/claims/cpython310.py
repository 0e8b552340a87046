# Claims the docs make about CPython 3.10, checked against it (see
# cpython311.py): the buffer protocol is not in its limited API.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402 (after the path is set)
from probe import claim  # noqa: E402

claim("guide 14", "3.10's limited API does not declare the buffer protocol",
      lambda: probe.limited_api_compiles(None)
      and not probe.limited_api_compiles(0x030a0000))
