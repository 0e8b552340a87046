#!/bin/sh
# The library and the tool compile without a warning at every
# optimisation level a user may choose (./configure CFLAGS=-O1 ...): some
# warnings, such as -Wmaybe-uninitialized, come only from the optimiser.
# Each level compiles every source file with the project's warnings
# (WARN_CFLAGS) as errors; one TAP line per level.
set -u
levels="-O0 -O1 -O2 -O3 -Os"
echo "1..$(echo $levels | wc -w)"
sources=$(ls "$top_srcdir"/src/*.c "$top_srcdir"/tool/*.c)
n=0
for level in $levels; do
    n=$((n + 1))
    log=$(for f in $sources; do
              $CC -std=gnu11 $level $WARN_CFLAGS -Werror \
                  -I"$top_builddir/include" -I"$top_srcdir/include" \
                  -I"$top_srcdir/src" -c "$f" -o /dev/null 2>&1
          done)
    if [ -z "$log" ]; then
        echo "ok $n - every source file at $level"
    else
        echo "$log" >&2
        echo "not ok $n - warnings at $level"
    fi
done
