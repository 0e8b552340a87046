#!/bin/sh
# Generates the guide: copies TEMPLATE to standard output, replacing each
# line "<!-- run: ARGS -->" with a text block holding "$ minibuf ARGS" and
# what `MINIBUF ARGS` prints (standard output and error), and each line
# "<!-- run-head N: ARGS -->" with the first N lines of it.
#
# usage: generate-guide.sh TEMPLATE MINIBUF
set -eu
template=$1
minibuf=$2
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
        *)
            printf '%s\n' "$line"
            ;;
    esac
done < "$template"
