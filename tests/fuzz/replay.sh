#!/bin/sh
# Replays each fuzz harness over its corpus in tests/fuzz/corpus/NAME (the
# seeds, and the inputs of crashes found before), one TAP line per harness.
# Under make check-valgrind the harnesses run under memcheck.
set -u
echo "1..$(echo $FUZZ_HARNESSES | wc -w)"
n=0
for name in $FUZZ_HARNESSES; do
    n=$((n + 1))
    exe="$top_builddir/tests/fuzz/fuzz_$name"
    corpus="$top_srcdir/tests/fuzz/corpus/$name"
    if [ -n "${VALGRIND:-}" ]; then
        out=$($LIBTOOL --mode=execute $VALGRIND --quiet --error-exitcode=99 \
              --leak-check=full "$exe" "$corpus" 2>&1)
    else
        out=$("$exe" "$corpus" 2>&1)
    fi
    status=$?
    if [ "$status" -eq 0 ]; then
        echo "ok $n - $name: $(echo "$out" | tail -1)"
    else
        echo "$out" >&2
        echo "not ok $n - $name: exit status $status"
    fi
done
