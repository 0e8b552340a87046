#!/bin/sh
# The lifetime hazard example (examples/lifetime_hazard): with the poison
# setting the stale read shows 0xdd and the safe way is refused while
# exported; in a sanitizer build, without poison, AddressSanitizer stops the
# stale read.
program="$top_builddir/examples/lifetime_hazard"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "1..4"

MINIBUF_POISON=1 "$program" > "$out" 2>&1
status=$?
cat "$out" >&2
if [ "$status" -eq 0 ]; then
    echo "ok 1 - the example runs"
else
    echo "not ok 1 - the example exited with $status"
fi
if grep -q "through the stale pointer: dd dd dd dd dd dd dd dd" "$out"; then
    echo "ok 2 - the stale pointer shows the poison pattern"
else
    echo "not ok 2 - the stale pointer does not show the poison pattern"
fi
if grep -q "resize while exported: BufferError: Existing exports of data: object cannot be re-sized" "$out" &&
   grep -q "after PyBuffer_Release, resize: allowed" "$out"; then
    echo "ok 3 - the export refuses the resize until it is released"
else
    echo "not ok 3 - the safe way did not behave"
fi

if [ "$SANITIZERS" != yes ]; then
    echo "ok 4 - the sanitizer catches the stale read # SKIP not a sanitizer build"
    exit 0
fi
"$program" > "$out" 2>&1
status=$?
cat "$out" >&2
if [ "$status" -ne 0 ] && grep -q "heap-use-after-free" "$out"; then
    echo "ok 4 - the sanitizer catches the stale read"
else
    echo "not ok 4 - the stale read went unnoticed (exit $status)"
fi
