#!/bin/sh
# The one-process benchmark of the constant-time cases (make
# bench-hot-paths, bench/hot_paths.c) runs to the end: minibuf's side and
# CPython's take their turns through every case of bench/bench.c's
# bench_hot_paths, and each line has two positive times and their ratio.
# The numbers are not judged here (speed is the benchmark's business).
# make check builds bench/hot_paths when configure found a python3-config.
binary="$top_builddir/bench/hot_paths"
echo "1..2"
if [ ! -x "$binary" ]; then
    echo "ok 1 - hot paths in one process # SKIP no CPython to build against"
    echo "ok 2 - every case timed # SKIP no CPython to build against"
    exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$binary" > "$out"; then
    echo "ok 1 - bench/hot_paths runs both sides to the end"
else
    echo "not ok 1 - bench/hot_paths failed"
fi
# The cases bench_hot_paths reports, in its order.
expected=$(sed -n '/^bench_hot_paths(void)/,/^}/p' \
    "$top_srcdir/bench/bench.c" | sed -n 's/.*wanted("\([^"]*\)").*/\1/p')
got=$(cut -f1 "$out")
if [ -n "$expected" ] && [ "$got" = "$expected" ] &&
        awk -F'\t' 'NF != 4 || !($2 > 0) || !($3 > 0) || !($4 > 0) \
            { bad = 1 } END { exit bad }' "$out"; then
    echo "ok 2 - every case timed on both sides ($(wc -l < "$out") cases)"
else
    cat "$out" >&2
    echo "not ok 2 - the cases timed differ from bench_hot_paths's"
fi
