"""A differential property test: random layouts, formats, requests, casts,
slices, item reads and writes, tobytes orders and comparisons, applied to
CPython (_testbuffer's ndarray and the built-in memoryview) and to minibuf
(the package minibuf), which must give equal results and equal exceptions
(type and message).

Profiles: "ci" (the default, a few hundred examples per property) and
"long" (MINIBUF_HYPOTHESIS_PROFILE=long).  Prints one TAP line per
property with the number of examples it ran.

usage: PYTHONPATH=BUILDDIR/python python3 hypothesis_buffer.py
"""
import functools
import os
import struct
import sys

import _testbuffer as cp
from hypothesis import HealthCheck, given, settings, strategies as st

import minibuf as mb

settings.register_profile("ci", max_examples=150, deadline=None,
                          database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=4000, deadline=None,
                          database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("MINIBUF_HYPOTHESIS_PROFILE", "ci"))

FORMATS = ["b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d", "?",
           "c", "<i", ">h", "=q", "@d"]
REQUESTS = [cp.PyBUF_SIMPLE, cp.PyBUF_ND, cp.PyBUF_STRIDES,
            cp.PyBUF_C_CONTIGUOUS, cp.PyBUF_F_CONTIGUOUS,
            cp.PyBUF_ANY_CONTIGUOUS, cp.PyBUF_INDIRECT]


def item_for(fmt, n):
    code = fmt[-1]
    if code == "?":
        return bool(n % 2)
    if code == "c":
        return bytes([n % 256])
    if code in "fd":
        return n / 4.0
    size = struct.calcsize(fmt)
    return n % (1 << (8 * size - 1))


@st.composite
def layouts(draw):
    """(items, shape, strides, offset, format, flags) that _testbuffer
    accepts or refuses; both libraries are given the same."""
    fmt = draw(st.sampled_from(FORMATS))
    itemsize = struct.calcsize(fmt)
    ndim = draw(st.integers(0, 3))
    shape = [draw(st.integers(0, 4)) for _ in range(ndim)]
    nitems = draw(st.integers(1, 30))
    items = [item_for(fmt, draw(st.integers(0, 1000))) for _ in
             range(nitems)]
    if ndim == 0:
        items = items[0]
    strides = None
    offset = 0
    if ndim and draw(st.booleans()):
        strides = [itemsize * draw(st.integers(-6, 6)) for _ in range(ndim)]
        offset = itemsize * draw(st.integers(0, nitems - 1))
    flags = draw(st.sampled_from([0, cp.ND_WRITABLE, cp.ND_FORTRAN,
                                  cp.ND_PIL, cp.ND_WRITABLE | cp.ND_PIL]))
    return items, shape, strides, offset, fmt, flags


def outcome(call):
    """What a call gives: ("ok", value) or ("raised", type name, message)."""
    try:
        return ("ok", call())
    except Exception as e:                 # both sides' exceptions compared
        return ("raised", type(e).__name__, str(e))


def make(lib, layout):
    items, shape, strides, offset, fmt, flags = layout
    extra = {} if strides is None else {"strides": strides}
    return lib.ndarray(items, shape=shape, offset=offset, format=fmt,
                       flags=flags, **extra)


def fields(x):
    return (x.shape, x.strides, x.suboffsets, x.ndim, x.itemsize,
            x.readonly, x.nbytes, x.format, x.c_contiguous,
            x.f_contiguous, x.contiguous)


def both(layout, action):
    """action applied to CPython's array and memoryview and to minibuf's;
    asserts equal outcomes."""
    a = outcome(lambda: make(cp, layout))
    b = outcome(lambda: make(mb, layout))
    assert a[0] == b[0], (layout, a, b)
    if a[0] == "raised":
        assert a == b, (layout, a, b)
        return
    x, y = a[1], b[1]
    left = outcome(lambda: action(cp, x, memoryview))
    right = outcome(lambda: action(mb, y, mb.memoryview))
    assert left == right, (layout, left, right)


counts = {}


def counted(name):
    """Count the examples a property runs, under name."""
    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return f(*args, **kwargs)
        return wrapper
    return decorate


@given(layouts())
@counted("construction and fields")
def test_construction(layout):
    both(layout, lambda lib, x, mv: (fields(x), x.tobytes(),
                                     x.tolist() if x.format else None))


@given(layouts(), st.sampled_from(REQUESTS), st.booleans(), st.booleans())
@counted("requests")
def test_requests(layout, request, writable, fmt):
    flags = request | (cp.PyBUF_WRITABLE if writable else 0) | \
        (cp.PyBUF_FORMAT if fmt else 0)
    both(layout, lambda lib, x, mv: fields(lib.ndarray(x, getbuf=flags)))


@given(layouts(), st.sampled_from(["C", "F", "A"]))
@counted("memoryview tobytes, tolist, hex")
def test_memoryview_reads(layout, order):
    def read(lib, x, mv):
        m = mv(x)
        return (m.tobytes(order), m.hex(), m.nbytes, m.c_contiguous,
                m.f_contiguous, m.contiguous, m.tolist())
    both(layout, read)


@given(layouts(), st.sampled_from(["B", "b", "c", "h", "i", "q", "d", "?"]),
       st.lists(st.integers(1, 6), max_size=3))
@counted("casts")
def test_casts(layout, fmt, shape):
    def cast(lib, x, mv):
        m = mv(x)
        c = m.cast(fmt, shape) if shape else m.cast(fmt)
        return (c.shape, c.strides, c.format, c.itemsize, c.tobytes())
    both(layout, cast)


@given(layouts(), st.integers(-6, 6), st.integers(-6, 6),
       st.sampled_from([None, -2, -1, 1, 2, 3]))
@counted("slices")
def test_slices(layout, start, stop, step):
    def sliced(lib, x, mv):
        s = mv(x)[start:stop:step]
        return (s.shape, s.strides, s.tobytes())
    both(layout, sliced)


@given(layouts(), st.integers(-5, 5), st.integers(-300, 300))
@counted("item reads and writes")
def test_items(layout, index, value):
    def items(lib, x, mv):
        m = mv(x)
        before = m[index]
        if not m.readonly:
            m[index] = value
        return (before, m.tobytes())
    both(layout, items)


@given(layouts(), layouts())
@counted("comparisons")
def test_comparisons(a, b):
    def compare(lib, x, mv):
        y = make(lib, b)
        return (mv(x) == y, mv(x) == mv(y), mv(x) != mv(x))
    ka = outcome(lambda: make(cp, b))
    if ka[0] == "ok":
        both(a, compare)


def main():
    tests = [("construction and fields", test_construction),
             ("requests", test_requests),
             ("memoryview tobytes, tolist, hex", test_memoryview_reads),
             ("casts", test_casts), ("slices", test_slices),
             ("item reads and writes", test_items),
             ("comparisons", test_comparisons)]
    print("1..%d" % len(tests))
    for n, (label, test) in enumerate(tests, 1):
        try:
            test()
            good = True
        except AssertionError as e:
            good = False
            sys.stderr.write("%s: %s\n" % (label, e))
        print("%s %d - %s: %d examples" % ("ok" if good else "not ok", n,
                                            label, counts.get(label, 0)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
