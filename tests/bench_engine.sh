#!/bin/sh
# The one-process benchmark of the strided copy engine (make bench-engine,
# bench/engine.c) runs every case to the end with one sample: make check
# builds it with the working tree's engine on both sides, so the two
# copies of each case must give the same bytes (the binary compares them
# and exits 1 otherwise), and every case of its table is timed.  The
# numbers are not judged here (speed is the benchmark's business).
binary="$top_builddir/bench/engine"
echo "1..2"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$binary" --samples 1 > "$out"; then
    echo "ok 1 - both builds copy every case alike"
else
    cat "$out" >&2
    echo "not ok 1 - bench/engine failed or the builds copied differently"
fi
# The cases of its table: four written out, and four for each of the six
# item sizes.
cases=$(grep -c '^[a-z].* base .* tree .* tree/base [0-9.]*$' "$out")
if [ "$cases" -eq 28 ]; then
    echo "ok 2 - every case timed ($cases cases)"
else
    cat "$out" >&2
    echo "not ok 2 - $cases cases timed, not 28"
fi
