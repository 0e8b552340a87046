#!/bin/sh
# The minibuf tool against expected output: each tests/tool/NAME.cmd holds
# the arguments of one run (shell words); its standard output and error,
# and its exit status, must be tests/tool/NAME.out, and an SVG it writes
# (out.svg) must be tests/tool/NAME.svg.  Runs in a scratch directory;
# @EXPORTERS@ stands for the shared object of tests/tool/exporters.c.
# Under make check-valgrind the tool runs under memcheck.
#
# To accept new output after a deliberate change:
#   MINIBUF_TOOL_ACCEPT=1 make check TESTS=tests/tool.sh
set -u
cases="$top_srcdir/tests/tool"
tool=$(cd "$top_builddir" && pwd)/minibuf
libtool=$(cd "$top_builddir" && pwd)/libtool
exporters=$(cd "$top_builddir" && pwd)/tests/tool/.libs/libexporters.so
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "1..$(ls "$cases"/*.cmd | wc -l)"
n=0
for cmd in "$cases"/*.cmd; do
    n=$((n + 1))
    name=$(basename "$cmd" .cmd)
    args=$(sed "s|@EXPORTERS@|$exporters|g" "$cmd")
    rm -f "$scratch"/*
    (
        cd "$scratch" || exit 1
        eval "set -- $args"
        if [ -n "${VALGRIND:-}" ]; then
            sh "$libtool" --mode=execute $VALGRIND --quiet \
                --error-exitcode=99 \
                --leak-check=full --log-file=valgrind.log "$tool" "$@"
        else
            "$tool" "$@"
        fi > out 2>&1
        echo "exit status $?" >> out
    )
    sed "s|$exporters|@EXPORTERS@|g" "$scratch/out" > "$scratch/out.txt"
    if [ -n "${MINIBUF_TOOL_ACCEPT:-}" ]; then
        cp "$scratch/out.txt" "$cases/$name.out"
        [ -f "$scratch/out.svg" ] && cp "$scratch/out.svg" "$cases/$name.svg"
    fi
    problem=
    if [ -s "$scratch/valgrind.log" ]; then
        cat "$scratch/valgrind.log" >&2
        problem="valgrind reports errors"
    elif ! diff -u "$cases/$name.out" "$scratch/out.txt" >&2; then
        problem="output differs"
    elif [ -f "$cases/$name.svg" ] &&
         ! cmp -s "$cases/$name.svg" "$scratch/out.svg"; then
        problem="the SVG differs"
    fi
    if [ -z "$problem" ]; then
        echo "ok $n - minibuf $(head -c 60 "$cmd")"
    else
        echo "not ok $n - minibuf $(head -c 60 "$cmd"): $problem"
    fi
done
