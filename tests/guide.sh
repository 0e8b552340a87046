#!/bin/sh
# docs/guide.md in the source tree must be what the build generates from
# docs/guide.md.in (make regenerates it; commit the result).
echo "1..1"
if cmp -s "$top_srcdir/docs/guide.md" "$top_builddir/docs/guide.md"; then
    echo "ok 1 - docs/guide.md is up to date"
else
    diff -u "$top_srcdir/docs/guide.md" "$top_builddir/docs/guide.md" >&2
    echo "not ok 1 - docs/guide.md is stale: copy the generated one into" \
         "the source tree"
fi
