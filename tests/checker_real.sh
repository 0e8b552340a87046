#!/bin/sh
# The conformance checker on real exporters: src/checker/checker.c,
# compiled against Debian's CPython 3.11 with NumPy, judges the exporters
# listed in tests/checker_real.expected (NumPy arrays of every kind,
# array.array of every type code, ctypes arrays and structures, mmap,
# BytesIO.getbuffer()), and each verdict must be the one written there.
# The checker's whole report on one NumPy array must be
# tests/checker_real.example, which the guide shows.  Skipped without
# Debian's python3-dev or python3-numpy.
set -u
echo "1..2"
config=/usr/bin/python3-config
if [ ! -x "$config" ] || ! "$config" --includes | grep -q 'python3\.11' ||
        ! /usr/bin/python3 -c 'import numpy' 2> /dev/null; then
    echo "ok 1 - verdicts on real exporters # SKIP no CPython 3.11 with NumPy"
    echo "ok 2 - the report on a NumPy array # SKIP no CPython 3.11 with NumPy"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$("$config" --prefix)
if ! $CC -std=gnu11 -o "$work/checker" "$top_srcdir/tests/checker_real.c" \
        "$top_srcdir/src/checker/checker.c" \
        "$top_srcdir/src/protocol/request_names.c" \
        "$top_srcdir/src/protocol/pep3118.c" \
        $("$config" --includes) -idirafter "$top_srcdir/include" \
        -L"$prefix/lib" $("$config" --ldflags --embed) \
        -Wl,-rpath,"$prefix/lib" 2> "$work/build.log"; then
    cat "$work/build.log" >&2
    echo "not ok 1 - the checker does not build against CPython"
    echo "not ok 2 - the checker does not build against CPython"
    exit 0
fi
expected="$top_srcdir/tests/checker_real.expected"
grep -v '^#' "$expected" | sed 's/  # .*//' > "$work/expected"
sed 's/ -> .*//' "$work/expected" > "$work/expressions"
env -u PYTHONPATH -u PYTHONHOME "$work/checker" < "$work/expressions" \
    > "$work/verdicts" 2>&1
if diff -u "$work/expected" "$work/verdicts" >&2; then
    echo "ok 1 - $(wc -l < "$work/expected") verdicts on real exporters"
else
    echo "not ok 1 - verdicts on real exporters differ"
fi
env -u PYTHONPATH -u PYTHONHOME "$work/checker" \
    'np.arange(24, dtype=np.int32).reshape(2, 3, 4)' > "$work/example" 2>&1
if diff -u "$top_srcdir/tests/checker_real.example" "$work/example" >&2; then
    echo "ok 2 - the report on a NumPy array is tests/checker_real.example"
else
    echo "not ok 2 - the report on a NumPy array differs"
fi
