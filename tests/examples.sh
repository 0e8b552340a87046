#!/bin/sh
# The examples written for CPython's API (examples/exporter_consumer.c and
# examples/image_host.c): each built against minibuf must print
# tests/examples/NAME.out, and the same source built against CPython 3.11
# (Debian's python3-config) must print the same.  Under make
# check-valgrind the minibuf builds run under memcheck.
set -u
examples="exporter_consumer image_host"
config=/usr/bin/python3-config
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "1..4"
n=0
for name in $examples; do
    n=$((n + 1))
    if [ -n "${VALGRIND:-}" ]; then
        $LIBTOOL --mode=execute $VALGRIND --quiet --error-exitcode=99 \
            --leak-check=full "$top_builddir/examples/$name" \
            > "$scratch/$name.out" 2>&1
    else
        "$top_builddir/examples/$name" > "$scratch/$name.out" 2>&1
    fi
    echo "exit status $?" >> "$scratch/$name.out"
    if diff -u "$top_srcdir/tests/examples/$name.out" "$scratch/$name.out" \
           >&2; then
        echo "ok $n - $name built against minibuf"
    else
        echo "not ok $n - $name built against minibuf: output differs"
    fi
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
