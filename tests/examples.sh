#!/bin/sh
# The examples written for CPython's API (examples/exporter_consumer.c and
# examples/image_host.c): each built against minibuf must print
# tests/examples/NAME.out, and the same source built against CPython 3.11
# (Debian's python3-config) must print the same.  The host API's example
# (examples/host_embedding.c) is minibuf's alone: it must print its .out.
# The guide's exercise (examples/matrix_exporter.c) is graded by the
# checker, as written and with each of its mistakes.  Under make
# check-valgrind the minibuf builds run under memcheck.
set -u
examples="exporter_consumer image_host"
minibuf_only="host_embedding"
config=/usr/bin/python3-config
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "1..12"
n=0

# Runs examples/$1 built against minibuf into $scratch/$1.out and compares
# it with tests/examples/$1.out as test $n.
run_against_minibuf() {
    if [ -n "${VALGRIND:-}" ]; then
        $LIBTOOL --mode=execute $VALGRIND --quiet --error-exitcode=99 \
            --leak-check=full "$top_builddir/examples/$1" \
            > "$scratch/$1.out" 2>&1
    else
        "$top_builddir/examples/$1" > "$scratch/$1.out" 2>&1
    fi
    echo "exit status $?" >> "$scratch/$1.out"
    if diff -u "$top_srcdir/tests/examples/$1.out" "$scratch/$1.out" >&2
    then
        echo "ok $n - $1 built against minibuf"
    else
        echo "not ok $n - $1 built against minibuf: output differs"
    fi
}

for name in $minibuf_only; do
    n=$((n + 1))
    run_against_minibuf "$name"
done

# docs/embedding.md quotes host_embedding's output in plain ``` blocks:
# each line quoted must be a line the program prints.
n=$((n + 1))
awk '/^```/ { if (inside) inside = 0; else inside = ($0 == "```" ? 2 : 1)
               next }
     inside == 2' "$top_srcdir/docs/embedding.md" > "$scratch/quoted"
if [ -s "$scratch/quoted" ] &&
        grep -F -x -v -f "$scratch/host_embedding.out" "$scratch/quoted" >&2
then
    echo "not ok $n - docs/embedding.md quotes lines host_embedding does not print"
elif [ -s "$scratch/quoted" ]; then
    echo "ok $n - docs/embedding.md quotes host_embedding's output"
else
    echo "not ok $n - docs/embedding.md quotes no output"
fi
# The guide's exercise: examples/matrix_exporter.c compiles against
# CPython's headers unchanged, conforms as written, and each MISTAKE_N
# the guide asks the reader to turn on breaks the rule it names.
n=$((n + 1))
if [ ! -x "$config" ]; then
    echo "ok $n - matrix_exporter.c against CPython # SKIP no python3-config"
elif $CC -std=c11 -fsyntax-only $("$config" --includes) \
        "$top_srcdir/examples/matrix_exporter.c" >&2; then
    echo "ok $n - matrix_exporter.c compiles against CPython's headers"
else
    echo "not ok $n - matrix_exporter.c does not compile against CPython"
fi
for mistake in "0 conforms" "1 readonly-for-writable" "2 grant-refcount" \
        "3 refusal-not-buffererror" "4 strides-without-strides"; do
    set -- $mistake
    n=$((n + 1))
    module="$scratch/libmatrix$1.so"
    if ! $CC -std=c11 -shared -fPIC -DMISTAKE_$1 -I"$top_builddir/include" \
            -I"$top_srcdir/include" -o "$module" \
            "$top_srcdir/examples/matrix_exporter.c" >&2; then
        echo "not ok $n - matrix_exporter.c with MISTAKE_$1 does not build"
        continue
    fi
    "$top_builddir/minibuf" check "$module:make_matrix" \
        > "$scratch/check$1" 2>&1
    status=$?
    if [ "$1" = 0 ] && [ $status -eq 0 ] &&
            grep -q "every exporter conforms" "$scratch/check$1"; then
        echo "ok $n - matrix_exporter.c conforms"
    elif [ "$1" != 0 ] && [ $status -eq 1 ] &&
            grep -q "violation: .*\[$2\]" "$scratch/check$1"; then
        echo "ok $n - MISTAKE_$1 breaks [$2]"
    else
        cat "$scratch/check$1" >&2
        echo "not ok $n - MISTAKE_$1: not the finding [$2] (status $status)"
    fi
done

for name in $examples; do
    n=$((n + 1))
    run_against_minibuf "$name"
    n=$((n + 1))
    if [ ! -x "$config" ]; then
        echo "ok $n - $name built against CPython # SKIP no python3-config"
        continue
    fi
    prefix=$("$config" --prefix)
    if ! $CC -std=gnu11 -o "$scratch/$name.cpython" \
            "$top_srcdir/examples/$name.c" $("$config" --includes) \
            -L"$prefix/lib" $("$config" --ldflags --embed) \
            -Wl,-rpath,"$prefix/lib" 2> "$scratch/build.log"; then
        cat "$scratch/build.log" >&2
        echo "not ok $n - $name does not build against CPython"
        continue
    fi
    env -u PYTHONPATH -u PYTHONHOME "$scratch/$name.cpython" \
        > "$scratch/$name.cpython.out" 2>&1
    echo "exit status $?" >> "$scratch/$name.cpython.out"
    if diff -u "$scratch/$name.out" "$scratch/$name.cpython.out" >&2; then
        echo "ok $n - $name built against CPython prints the same"
    else
        echo "not ok $n - $name built against CPython prints otherwise"
    fi
done
