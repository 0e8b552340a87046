#!/bin/sh
# Claims the docs make about CPython, checked by running CPython: each
# tests/claims/cpythonVERSION.py (or cpythonVERSION-TOPIC.py) runs under
# that version (Debian's python3 for 3.11, pyenv's otherwise; VERSION 311d
# is Debian's debug build, python3.11d) and prints one line per claim.  A
# version that is not installed is reported as skipped, claim by claim.
# tests/claims/minibuf.py checks minibuf's side of the rows, with the same
# probes built against minibuf.  Then tests/claims/rows.py reports, row by
# row, whether each row of docs/differences.md and docs/limits.md that
# says what CPython does has a probe (tests/claims/rows.txt) that passed,
# on CPython's side and, where it has one, on minibuf's.
set -u
dir="$top_srcdir/tests/claims"
# The interpreter for version $1 ("311"), or nothing.
interpreter() {
    dotted=$(echo "$1" | sed 's/^\(.\)/\1./')
    for candidate in "/usr/bin/python$dotted" \
            "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$dotted".*/bin/python"$dotted"; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Any Python 3 reads the docs' rows (tests/claims/rows.py).
interpreter_for_rows=${PYTHON:-python3}
# The claims' count is that of the claim( lines, except for the ones a
# loop makes (a line "# claims: N" says how many it makes).
count_claims() {
    extra=$(sed -n 's/^# loop claims: \([0-9]*\)$/\1/p' "$1")
    echo $(( $(grep -c '^claim(' "$1") + ${extra:-0} ))
}
rows=$("$interpreter_for_rows" "$dir/rows.py" "$top_srcdir" --count)
plan=$rows
# The claims scripts: CPython's, then minibuf's side (tests/claims/
# minibuf.py, which runs the probes make built against minibuf).
scripts="$dir/cpython*.py $dir/minibuf.py"
for script in $scripts; do
    plan=$((plan + $(count_claims "$script")))
done
echo "1..$plan"
results="$scratch/results"
: > "$results"
n=0
for script in $scripts; do
    name=$(basename "$script" .py)
    arguments=
    if [ "$name" = minibuf ]; then
        python=$interpreter_for_rows
        arguments="$top_builddir/tests/claims/probes"
    else
        version=$(echo "$name" | sed 's/^cpython\([0-9]*d\{0,1\}\).*/\1/')
        python=$(interpreter "$version")
    fi
    count=$(count_claims "$script")
    if [ -z "$python" ]; then
        i=0
        while [ $i -lt "$count" ]; do
            i=$((i + 1))
            n=$((n + 1))
            line="ok $n - $(basename "$script") claim $i # SKIP no CPython $version"
            printf '%s\t%s\n' "$name" "$line" >> "$results"
            echo "$line"
        done
        continue
    fi
    out="$scratch/$name.out"
    # A script that hangs is stopped; the claims it did not print fail.
    timeout 900 env -u PYTHONPATH -u PYTHONHOME "$python" "$script" \
        $arguments > "$out" 2>&1
    got=$(grep -c '^\(not \)\{0,1\}ok - ' "$out")
    while IFS= read -r line; do
        case $line in
            "ok - "* | "not ok - "*)
                n=$((n + 1))
                line=$(echo "$line" | sed "s/ok - /ok $n - /")
                printf '%s\t%s\n' "$name" "$line" >> "$results"
                echo "$line"
                ;;
        esac
    done < "$out"
    if [ "$got" -lt "$count" ]; then
        cat "$out" >&2
        while [ "$got" -lt "$count" ]; do
            got=$((got + 1))
            n=$((n + 1))
            echo "not ok $n - $(basename "$script"): a claim did not run"
        done
    fi
done
# Every row of the docs that speaks of CPython has a probe.
"$interpreter_for_rows" "$dir/rows.py" "$top_srcdir" "$results" $((n + 1))
