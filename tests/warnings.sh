#!/bin/sh
# The library and the tool compile without a warning at every
# optimisation level a user may choose (./configure CFLAGS=-O1 ...): some
# warnings, such as -Wmaybe-uninitialized, come only from the optimiser.
# Each level compiles every source file with the project's warnings
# (WARN_CFLAGS) as errors, with assertions on (--enable-debug), and the
# default build's -O2 with them compiled out; one TAP line per level.
set -u
levels="-O0 -O1 -O2 -O3 -Os -O2_-DNDEBUG"
echo "1..$(echo $levels | wc -w)"
sources=$(ls "$top_srcdir"/src/*/*.c "$top_srcdir"/tool/*.c)
n=0
for level in $levels; do
    n=$((n + 1))
    log=$(for f in $sources; do
              $CC -std=gnu11 $(echo "$level" | tr _ ' ') $WARN_CFLAGS -Werror \
                  -I"$top_builddir/include" -I"$top_srcdir/include" \
                  -c "$f" -o /dev/null 2>&1
          done)
    if [ -z "$log" ]; then
        echo "ok $n - every source file at $(echo "$level" | tr _ ' ')"
    else
        echo "$log" >&2
        echo "not ok $n - warnings at $level"
    fi
done
