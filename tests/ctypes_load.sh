#!/bin/sh
# Load libminibuf into a CPython process with ctypes (tests/ctypes_load.py).
so="$top_builddir/.libs/libminibuf.so"
if [ ! -f "$so" ]; then
    echo "1..0 # SKIP no shared library was built"
    exit 0
fi
if nm -D "$so" | grep -q __asan_init; then
    echo "1..0 # SKIP the library is built with sanitizers"
    exit 0
fi
if ! "$PYTHON" -c 'import ctypes' 2>/dev/null; then
    echo "1..0 # SKIP no Python 3 with ctypes"
    exit 0
fi
exec "$PYTHON" "$top_srcdir/tests/ctypes_load.py" "$so"
