#!/bin/sh
# Every installed header compiles on its own, first in a file, as C11
# (-Wall -Wextra -pedantic -Werror) and as C++11 and C++17 (the same), so
# a program may include any of them alone and C++ gets C linkage for every
# name (each header has its extern "C" block).
set -u
: "${CXX:=c++}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
flags="-Wall -Wextra -pedantic -Werror"
# The headers of the source tree, and mbversion.h, which configure makes.
headers="$(cd "$top_srcdir/include" && ls *.h | grep -v '^mbversion\.h$')
mbversion.h"
set -- $headers
echo "1..$(($# * 3))"
n=0
for header in $headers; do
    printf '#include <%s>\nint header_alone;\n' "$header" > "$scratch/t.c"
    cp "$scratch/t.c" "$scratch/t.cpp"
    for lang in c11 c++11 c++17; do
        n=$((n + 1))
        if [ "$lang" = c11 ]; then
            compile="$CC -std=c11 $flags" file=t.c
        elif command -v "$CXX" > /dev/null 2>&1; then
            compile="$CXX -std=$lang $flags" file=t.cpp
        else
            echo "ok $n - $header alone as $lang # SKIP no C++ compiler"
            continue
        fi
        if $compile -I"$top_srcdir/include" -I"$top_builddir/include" \
                -fsyntax-only "$scratch/$file" 2> "$scratch/log"; then
            echo "ok $n - $header alone as $lang"
        else
            cat "$scratch/log" >&2
            echo "not ok $n - $header alone as $lang"
        fi
    done
done
