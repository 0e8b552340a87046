#!/bin/sh
# docs/api.md documents every symbol the library exports
# (tests/exports.list, which tests/exports.sh keeps exact).
echo "1..1"
missing=$(while read -r name; do
    grep -q "\`$name\b\|[ (\`]$name(" "$top_srcdir/docs/api.md" ||
        echo "$name"
done < "$top_srcdir/tests/exports.list")
if [ -z "$missing" ]; then
    echo "ok 1 - docs/api.md documents every exported symbol"
else
    echo "missing from docs/api.md:" $missing >&2
    echo "not ok 1 - docs/api.md misses:" $missing
fi
