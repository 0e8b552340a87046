#!/bin/sh
# Claims the docs make about CPython, checked by running CPython: each
# tests/claims/cpythonVERSION.py runs under that version (Debian's python3
# for 3.11, pyenv's otherwise) and prints one line per claim.  A version
# that is not installed is reported as skipped, claim by claim.
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
plan=0
for script in "$dir"/cpython*.py; do
    plan=$((plan + $(grep -c '^claim(' "$script")))
done
echo "1..$plan"
n=0
for script in "$dir"/cpython*.py; do
    version=$(basename "$script" .py | sed 's/cpython//')
    python=$(interpreter "$version")
    count=$(grep -c '^claim(' "$script")
    if [ -z "$python" ]; then
        i=0
        while [ $i -lt "$count" ]; do
            i=$((i + 1))
            n=$((n + 1))
            echo "ok $n - $(basename "$script") claim $i # SKIP no CPython $version"
        done
        continue
    fi
    out="$scratch/$version.out"
    env -u PYTHONPATH -u PYTHONHOME "$python" "$script" > "$out" 2>&1
    got=$(grep -c '^\(not \)\{0,1\}ok - ' "$out")
    while IFS= read -r line; do
        case $line in
            "ok - "* | "not ok - "*)
                n=$((n + 1))
                echo "$line" | sed "s/ok - /ok $n - /"
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
