#!/bin/sh
# The Python module (python/): its bridges (tests/python_module.py), then
# CPython's own Lib/test/test_buffer.py run against it, one TAP line per
# test (tests/test_buffer_runner.py).  Skipped when the module is not
# built (configure found no CPython development files) or when that
# CPython has no test suite (Debian: libpython3.11-testsuite).
set -u
python=${MODULE_PYTHON:-/usr/bin/python3}
if [ ! -f "$top_builddir/python/module.stamp" ]; then
    echo "1..1"
    echo "ok 1 - the Python module # SKIP not built"
    exit 0
fi
export PYTHONPATH="$top_builddir/python"
# The tests compare hashes of CPython's bytes with minibuf's, which
# minibuf computes as CPython does with PYTHONHASHSEED=0.
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$python" "$top_srcdir/tests/python_module.py" > "$scratch/module" 2>&1
status=$?
# The session the guide and the README show.
if "$python" "$top_srcdir/tests/python_session.py" > "$scratch/session" \
        2>&1 && diff -u "$top_srcdir/tests/python_session.out" \
        "$scratch/session" >&2; then
    echo "ok 0 - the guide's Python session is tests/python_session.out" \
        >> "$scratch/module"
else
    echo "not ok 0 - the guide's Python session differs" >> "$scratch/module"
fi
# The README shows its beginning.
sed -n '/<!-- python-session -->/,/<!-- \/python-session -->/p' \
    "$top_srcdir/README.md" | sed '1,2d;$d' | sed '$d' > "$scratch/readme"
lines=$(wc -l < "$scratch/readme")
if [ "$lines" -gt 0 ] &&
        head -n "$lines" "$scratch/session" | diff -u "$scratch/readme" - >&2
then
    echo "ok 0 - the README's Python session begins the guide's" \
        >> "$scratch/module"
else
    echo "not ok 0 - the README's Python session differs" >> "$scratch/module"
fi
if "$python" -c 'import test.test_buffer' 2> /dev/null; then
    "$python" "$top_srcdir/tests/test_buffer_runner.py" \
        > "$scratch/test_buffer" 2> "$scratch/trace"
    cat "$scratch/trace" >&2
else
    echo "1..1" > "$scratch/test_buffer"
    echo "ok 1 - test_buffer.py # SKIP no test suite for $python" \
        >> "$scratch/test_buffer"
fi
if "$python" -c 'import hypothesis, _testbuffer' 2> /dev/null; then
    "$python" "$top_srcdir/tests/hypothesis_buffer.py" \
        > "$scratch/hypothesis" 2> "$scratch/trace"
    cat "$scratch/trace" >&2
else
    echo "1..1" > "$scratch/hypothesis"
    echo "ok 1 - property test # SKIP no Hypothesis or _testbuffer" \
        >> "$scratch/hypothesis"
fi
# One plan for all three: the lines renumbered.
parts="$scratch/module $scratch/test_buffer $scratch/hypothesis"
total=$(cat $parts | grep -c '^\(not \)\{0,1\}ok ')
echo "1..$total"
n=0
cat $parts | while IFS= read -r line; do
    case $line in
        "ok "* | "not ok "*)
            n=$((n + 1))
            echo "$line" | sed "s/^\(\(not \)\{0,1\}ok\) [0-9]*/\1 $n/"
            ;;
        "1.."*) ;;
        *) echo "$line" >&2 ;;
    esac
done
if [ "$status" -ne 0 ]; then
    echo "Bail out! tests/python_module.py ended with status $status"
fi
