#!/bin/sh
# Generates the guide: copies TEMPLATE to standard output, replacing each
# line "<!-- run: ARGS -->" with a text block holding "$ minibuf ARGS" and
# what `MINIBUF ARGS` prints (standard output and error), each line
# "<!-- run-head N: ARGS -->" with the first N lines of it, each line
# "<!-- file-head N: PATH -->" with a text block of the first N lines of
# the file PATH of the source tree (output a test keeps true), each
# "<!-- file: PATH -->" with all of it, and each
# "<!-- file-grep WORD: PATH -->" with the first line of PATH holding WORD
# and the line before it.
#
# usage: generate-guide.sh TEMPLATE MINIBUF SOURCE-TREE
set -eu
template=$1
minibuf=$2
tree=${3:-.}
while IFS= read -r line; do
    case $line in
        '<!-- run: '*' -->' | '<!-- run-head '*' -->')
            head=$(echo "$line" | sed -n 's/^<!-- run-head \([0-9]*\):.*/\1/p')
            args=$(echo "$line" | sed 's/^<!-- run[^:]*: //; s/ -->$//')
            echo '```text'
            echo "\$ minibuf $args"
            output=$(eval "\"\$minibuf\" $args" 2>&1) || true
            if [ -n "$head" ]; then
                echo "$output" | head -n "$head"
                echo "..."
            else
                echo "$output"
            fi
            echo '```'
            ;;
        '<!-- file-head '*' -->')
            head=$(echo "$line" | sed -n 's/^<!-- file-head \([0-9]*\):.*/\1/p')
            path=$(echo "$line" | sed 's/^<!-- file-head [0-9]*: //; s/ -->$//')
            echo '```text'
            head -n "$head" "$tree/$path"
            echo "..."
            echo '```'
            ;;
        '<!-- file: '*' -->')
            path=$(echo "$line" | sed 's/^<!-- file: //; s/ -->$//')
            echo '```text'
            cat "$tree/$path"
            echo '```'
            ;;
        '<!-- file-grep '*' -->')
            word=$(echo "$line" | sed -n 's/^<!-- file-grep \([^:]*\):.*/\1/p')
            path=$(echo "$line" | sed 's/^<!-- file-grep [^:]*: //; s/ -->$//')
            echo '```text'
            grep -m 1 -B 1 -- "$word" "$tree/$path"
            echo "..."
            echo '```'
            ;;
        *)
            printf '%s\n' "$line"
            ;;
    esac
done < "$template"
