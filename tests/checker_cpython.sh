#!/bin/sh
# The exporter conformance checker compiled against real CPython (Debian's
# python3-config, 3.11) judges CPython's own exporters: the output must be
# tests/checker_cpython.expected.  Skipped when that CPython is absent.
set -u
echo "1..1"
config=/usr/bin/python3-config
if [ ! -x "$config" ] || ! "$config" --includes | grep -q 'python3\.11'; then
    echo "ok 1 - checker inside CPython # SKIP no CPython 3.11 python3-config"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$("$config" --prefix)
if ! $CC -std=gnu11 -o "$work/checker" "$top_srcdir/tests/checker_cpython.c" \
        "$top_srcdir/src/checker/checker.c" \
        "$top_srcdir/src/protocol/request_names.c" \
        "$top_srcdir/src/protocol/pep3118.c" \
        $("$config" --includes) -idirafter "$top_srcdir/include" \
        -L"$prefix/lib" \
        $("$config" --ldflags --embed) -Wl,-rpath,"$prefix/lib" \
        2> "$work/build.log"; then
    cat "$work/build.log" >&2
    echo "not ok 1 - checker inside CPython: does not build"
    exit 0
fi
env -u PYTHONPATH -u PYTHONHOME "$work/checker" > "$work/out" 2>&1
echo "exit status $?" >> "$work/out"
if diff -u "$top_srcdir/tests/checker_cpython.expected" "$work/out" >&2; then
    echo "ok 1 - checker inside CPython 3.11 judges its exporters"
else
    echo "not ok 1 - checker inside CPython: output differs"
fi
