#!/bin/sh
# The allocation-failure sweep of the minibuf tool: every command line of
# tests/tool/*.cmd is run with its 1st allocation failing
# (MINIBUF_FAIL_AT=1), then its 2nd, and so on up to the number of
# allocations it makes (which a run with MINIBUF_FAIL_AT past the end
# reports).  Each run with a failure must end the command as the tool
# promises: exit status 3 with "minibuf: out of memory (MemoryError)" on
# stderr; never a crash, a sanitizer report, or a result printed as if
# nothing happened.  One TAP line per command line.  Under valgrind it is
# skipped: the sanitizer build runs it with AddressSanitizer.
set -u
cases="$top_srcdir/tests/tool"
tool=$(cd "$top_builddir" && pwd)/minibuf
exporters=$(cd "$top_builddir" && pwd)/tests/tool/.libs/libexporters.so
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "1..$(ls "$cases"/*.cmd | wc -l)"
if [ -n "${VALGRIND:-}" ]; then
    n=0
    for cmd in "$cases"/*.cmd; do
        n=$((n + 1))
        echo "ok $n # SKIP under valgrind (the sanitizer build sweeps)"
    done
    exit 0
fi
# The tool exits at once when memory runs out; what it held then is the
# operating system's to free, so leaks are not reported at that exit.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
n=0
for cmd in "$cases"/*.cmd; do
    n=$((n + 1))
    name=$(basename "$cmd" .cmd)
    args=$(sed "s|@EXPORTERS@|$exporters|g" "$cmd")
    count=$(cd "$scratch" && eval "set -- $args" &&
            MINIBUF_FAIL_AT=999999999 "$tool" "$@" 2>&1 >/dev/null |
            sed -n 's/.*not reached, \([0-9]*\) allocations were made.*/\1/p')
    problem=
    if [ -z "$count" ]; then
        problem="the run with no failure did not report its allocations"
        count=0
    fi
    point=1
    while [ "$point" -le "$count" ] && [ -z "$problem" ]; do
        (
            cd "$scratch" || exit 1
            eval "set -- $args"
            MINIBUF_FAIL_AT=$point "$tool" "$@" > out 2> err
        )
        status=$?
        if [ "$status" -ne 3 ] ||
           ! grep -q '^minibuf: out of memory (MemoryError)$' "$scratch/err" ||
           ! grep -q 'that allocation failed on purpose' "$scratch/err"; then
            cat "$scratch/err" >&2
            problem="allocation $point failing: exit status $status"
        fi
        point=$((point + 1))
    done
    if [ -z "$problem" ]; then
        echo "ok $n - minibuf $(head -c 50 "$cmd"): $count failure points"
    else
        echo "not ok $n - minibuf $(head -c 50 "$cmd"): $problem"
    fi
done
