#!/bin/sh
# docs/guide.md in the source tree must be what the build generates from
# docs/guide.md.in (docs/guide.generated.md in the build tree): after a
# change, copy the generated one over it and commit.
echo "1..1"
generated="$top_builddir/docs/guide.generated.md"
if cmp -s "$top_srcdir/docs/guide.md" "$generated"; then
    echo "ok 1 - docs/guide.md is up to date"
else
    diff -u "$top_srcdir/docs/guide.md" "$generated" >&2
    echo "not ok 1 - docs/guide.md is stale: copy $generated over it"
fi
