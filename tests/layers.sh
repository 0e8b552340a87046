#!/bin/sh
# The library's layers, and the length of its functions.
#
# src/ is built in layers, lowest first: runtime, protocol, objects,
# checker, host (src/runtime/runtime.h explains each).  A file may include the
# headers of its own layer and of lower layers (and any public header,
# through <...>), never a higher layer's: the first line checks every
# #include "..." in src/.  The second checks that no function in src/ or
# tool/ runs over 60 lines unless the comment above it says why ("Long:").
set -u
layers="runtime protocol objects checker host"
echo "1..2"

# The rank of a layer (its position in $layers), or nothing.
rank() {
    i=0
    for layer in $layers; do
        i=$((i + 1))
        [ "$layer" = "$1" ] && echo $i && return
    done
}

problems=$(for file in "$top_srcdir"/src/*/*.[ch]; do
    layer=$(basename "$(dirname "$file")")
    own=$(rank "$layer")
    if [ -z "$own" ]; then
        echo "$file: in no layer ($layers)"
        continue
    fi
    sed -n 's/^#include "\(.*\)".*/\1/p' "$file" | while read -r header; do
        case "$header" in
            ../*/*) target=$(echo "$header" | cut -d/ -f2) ;;
            */*) target="?" ;;
            *) target=$layer ;;
        esac
        theirs=$(rank "$target")
        if [ -z "$theirs" ] || [ "$theirs" -gt "$own" ]; then
            echo "$file includes \"$header\", above its layer ($layer)"
        elif [ ! -f "$(dirname "$file")/$header" ]; then
            echo "$file includes \"$header\", which does not exist"
        fi
    done
done)
if [ -z "$problems" ]; then
    echo "ok 1 - every file in src/ includes only its own and lower layers"
else
    echo "$problems" >&2
    echo "not ok 1 - a file includes a higher layer's header (see log)"
fi

# Functions are recognised as a line starting with NAME( after a line
# holding the return type, up to the "}" in the first column; the comment
# above may excuse a long one with "Long:".
long=$(for file in "$top_srcdir"/src/*/*.c "$top_srcdir"/tool/*.c; do
    awk -v file="$file" '
        /\/\*/ { comment = "" }
        { comment = comment $0 }
        /^[A-Za-z_][A-Za-z0-9_]*\(/ {
            name = $0; sub(/\(.*/, "", name); excused = comment ~ /Long:/
        }
        /^\{/ { start = NR }
        /^\}/ {
            if (start && NR - start - 1 > 60 && !excused) {
                print file ": " name " has " NR - start - 1 " lines"
            }
            start = 0; comment = ""
        }' "$file"
done)
if [ -z "$long" ]; then
    echo "ok 2 - no function over 60 lines without a comment saying why"
else
    echo "$long" >&2
    echo "not ok 2 - long functions without a reason (see log)"
fi
