#!/bin/sh
# A program links statically against libminibuf.a with the flags
# minibuf.pc gives (pkg-config --static: Libs and Libs.private) and runs:
# examples/exporter_consumer.c must print tests/examples/exporter_consumer.out.
set -u
echo "1..1"
archive="$top_builddir/.libs/libminibuf.a"
if [ ! -f "$archive" ]; then
    echo "ok 1 - static link # SKIP no static library was built"
    exit 0
fi
if ! command -v pkg-config > /dev/null 2>&1; then
    echo "ok 1 - static link # SKIP no pkg-config"
    exit 0
fi
if [ -n "${SANITIZER_CFLAGS:-}" ]; then
    echo "ok 1 - static link # SKIP sanitizer build"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
libs=$(PKG_CONFIG_PATH="$top_builddir" pkg-config --static --libs minibuf)
if ! $CC -static -o "$scratch/program" \
        "$top_srcdir/examples/exporter_consumer.c" \
        -I"$top_srcdir/include" -I"$top_builddir/include" \
        -L"$top_builddir/.libs" $libs 2> "$scratch/log"; then
    cat "$scratch/log" >&2
    echo "not ok 1 - a static program does not link with: $libs"
    exit 0
fi
"$scratch/program" > "$scratch/out" 2>&1
echo "exit status $?" >> "$scratch/out"
if diff -u "$top_srcdir/tests/examples/exporter_consumer.out" "$scratch/out" \
        >&2; then
    echo "ok 1 - a static program links with: $libs"
else
    echo "not ok 1 - the static program prints otherwise"
fi
