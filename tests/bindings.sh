#!/bin/sh
# The hosts in bindings/: gridstats (bindings/c, a C library written for
# CPython's API) compiled against CPython's own headers; the LuaJIT
# module's tests (bindings/luajit/test.lua) and the Rust crate's (cargo
# test, offline), each calling gridstats with its own arrays.  A host
# whose toolchain configure did not find (LUAJIT, CARGO) is skipped, and
# so is everything when the library is static only.  One TAP line per test
# of each host.  Under valgrind (make check-valgrind) both run under it;
# with sanitizers, both run with the sanitizer runtime preloaded.
set -u
builddir=$(cd "$top_builddir" && pwd)
srcdir=$(cd "$top_srcdir" && pwd)
minibuf_so="$builddir/.libs/libminibuf.so"
gridstats_so="$builddir/bindings/c/.libs/libgridstats.so"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
n=0
emit() {
    n=$((n + 1))
    echo "$1 $n - $2"
}

# gridstats is written for CPython: it compiles against CPython's headers.
includes=$(python3-config --includes 2>/dev/null)
if [ -z "$includes" ]; then
    emit ok "gridstats.c compiles against CPython # SKIP no python3-config"
elif $CC -std=c11 -fsyntax-only $includes "$srcdir/bindings/c/gridstats.c" \
        >&2; then
    emit ok "gridstats.c compiles against CPython's headers unchanged"
else
    emit "not ok" "gridstats.c does not compile against CPython's headers"
fi

# How the hosts' programs run: under valgrind, or with the sanitizers'
# runtime loaded first (libminibuf expects the program to bring it).
runner=
if [ -n "${VALGRIND:-}" ]; then
    runner="valgrind --quiet --error-exitcode=99 --leak-check=full
            --errors-for-leak-kinds=definite"
elif [ "${SANITIZERS:-no}" = yes ]; then
    runner="env LD_PRELOAD=$($CC -print-file-name=libclang_rt.asan-x86_64.so)"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    # Rust's linker checks a shared library's undefined names; the
    # sanitizers' come with the preloaded runtime.
    export RUSTFLAGS="-C link-arg=-Wl,--allow-shlib-undefined"
    export RUSTDOCFLAGS="$RUSTFLAGS"
fi

if [ ! -f "$minibuf_so" ] || [ ! -f "$gridstats_so" ]; then
    emit ok "LuaJIT host # SKIP no shared library was built"
    emit ok "Rust host # SKIP no shared library was built"
    echo "1..$n"
    exit 0
fi

# LuaJIT: its test script speaks TAP; renumbered here.
if [ -z "${LUAJIT:-}" ]; then
    emit ok "LuaJIT host # SKIP luajit not found"
else
    (cd "$srcdir/bindings/luajit" &&
        LUA_PATH="./?.lua" \
        $runner "$LUAJIT" test.lua "$minibuf_so" "$gridstats_so") \
        > "$out"
    status=$?
    while read -r verdict number rest; do
        case "$verdict $number" in
            "ok "*) emit ok "LuaJIT: ${rest#- }" ;;
            "not ok") emit "not ok" "LuaJIT: ${rest#* - }" ;;
        esac
    done < "$out"
    [ $status -eq 0 ] || emit "not ok" "LuaJIT: exit status $status"
fi

# Rust: cargo test, offline (the crate has no dependencies), into the
# build tree.
if [ -z "${CARGO:-}" ]; then
    emit ok "Rust host # SKIP cargo not found"
else
    if [ -n "$runner" ]; then
        host=$("$(dirname "$CARGO")/rustc" -vV | sed -n 's/^host: //p')
        eval "CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUNNER=\$runner"
        eval "export CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUNNER"
    fi
    MINIBUF_LIB_DIR="$builddir/.libs" \
        GRIDSTATS_LIB_DIR="$builddir/bindings/c/.libs" \
        CARGO_TARGET_DIR="$builddir/bindings/rust/target" \
        "$CARGO" test --offline --locked \
        --manifest-path "$srcdir/bindings/rust/Cargo.toml" \
        -- --test-threads=1 > "$out" 2>&1
    status=$?
    sed -n 's/^test \(.*\) \.\.\. \(ok\|FAILED\)$/\2 \1/p' "$out" |
        while read -r verdict name; do
            if [ "$verdict" = ok ]; then
                echo "ok Rust: $name"
            else
                echo "not ok Rust: $name"
            fi
        done > "$out.tap"
    while read -r line; do
        case "$line" in
            "ok "*) emit ok "${line#ok }" ;;
            *) emit "not ok" "${line#not ok }" ;;
        esac
    done < "$out.tap"
    rm -f "$out.tap"
    if [ $status -ne 0 ]; then
        cat "$out" >&2
        emit "not ok" "Rust: cargo test exit status $status"
    fi
fi
echo "1..$n"
