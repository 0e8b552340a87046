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
trap 'rm -f "$actual"' EXIT
nm -D --defined-only "$so" | awk '{ print $NF }' |
    grep -v -e '^__gcov_' -e '^mangle_path$' | sort > "$actual"
if diff -u "$top_srcdir/tests/exports.list" "$actual" >&2; then
    echo "ok 1 - exported symbols are exactly tests/exports.list"
else
    echo "not ok 1 - exported symbols differ from tests/exports.list (see log)"
fi
