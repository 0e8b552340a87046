#!/bin/sh
# The shared library exports exactly the public API: the names listed in
# tests/exports.list, no more and no fewer.  A coverage build's runtime
# (gcov's __gcov_* and mangle_path) is not the library's and is left out.
so="$top_builddir/.libs/libminibuf.so"
echo "1..1"
if [ ! -f "$so" ]; then
    echo "ok 1 - exported symbols # SKIP no shared library was built"
    exit 0
fi
actual=$(mktemp)
expected=$(mktemp)
trap 'rm -f "$actual" "$expected"' EXIT
nm -D --defined-only "$so" | awk '{ print $NF }' |
    grep -v -e '^__gcov_' -e '^mangle_path$' | LC_ALL=C sort > "$actual"
# The DLPack bridge is there only when configure found dlpack.h, and its
# versioned functions only with a DLPack 1.x header (mbversion.h).
version_h="$top_builddir/include/mbversion.h"
if grep -q 'MB_HAVE_DLPACK 0' "$version_h"; then
    leave_out='^MbDLPack_'
elif grep -q 'MB_DLPACK_VERSIONED 0' "$version_h"; then
    leave_out='^MbDLPack_.*Versioned$'
else
    leave_out='^$'
fi
grep -v "$leave_out" "$top_srcdir/tests/exports.list" > "$expected"
if diff -u "$expected" "$actual" >&2; then
    echo "ok 1 - exported symbols are exactly tests/exports.list"
else
    echo "not ok 1 - exported symbols differ from tests/exports.list (see log)"
fi
