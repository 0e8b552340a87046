#!/bin/sh
# The compatibility corpus (tests/compat/): exporters and consumers written
# as real extension code is written, in C and in C++.  Each is built
# against minibuf with warnings as errors (C11 with -Wall -Wextra; C++11
# and C++17 with -pedantic as well) and must print tests/compat/NAME.out;
# the same source built with the same flags against CPython 3.11 (Debian's
# python3-config) must print the same.  bytes_style.c, whose static
# initializers name &PyType_Type, is built once more as a program that is
# not position-independent, where the type objects reach it through copy
# relocations.  Under make check-valgrind the minibuf builds run under
# memcheck; they always run with MINIBUF_DEBUG_LEAKS=1, so anything left
# alive shows in the output.
set -u
: "${CXX:=c++}" "${SANITIZER_CFLAGS:=}"
config=/usr/bin/python3-config
corpus="$top_srcdir/tests/compat"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
c_flags="-std=c11 -Wall -Wextra -Werror"
cxx_flags="-Wall -Wextra -pedantic -Werror"
includes="-I$top_srcdir/include -I$top_builddir/include"

# Builds: name, compiler, flags, source, extra link flags.  The programs
# link libminibuf.la through libtool, so the build tree's library is used
# whether it is shared or static.
build_minibuf() {
    $LIBTOOL --quiet --tag=CC --mode=link $2 $3 $SANITIZER_CFLAGS $includes \
        -o "$scratch/$1" "$4" $5 "$top_builddir/libminibuf.la" \
        2> "$scratch/$1.build.log"
}

build_cpython() {
    prefix=$("$config" --prefix)
    $2 $3 -o "$scratch/$1.cpython" "$4" $("$config" --includes) \
        -L"$prefix/lib" $("$config" --ldflags --embed) \
        -Wl,-rpath,"$prefix/lib" 2> "$scratch/$1.build.log"
}

run_minibuf() {
    if [ -n "${VALGRIND:-}" ]; then
        MINIBUF_DEBUG_LEAKS=1 $LIBTOOL --mode=execute $VALGRIND --quiet \
            --error-exitcode=99 --leak-check=full "$scratch/$1" \
            > "$scratch/$1.out" 2>&1
    else
        MINIBUF_DEBUG_LEAKS=1 "$scratch/$1" > "$scratch/$1.out" 2>&1
    fi
    echo "exit status $?" >> "$scratch/$1.out"
}

n=0
# One TAP line: "ok" or "not ok" ($1), what was tested ($2).
tap() {
    n=$((n + 1))
    echo "$1 $n - $2"
}

# The TAP line for $1: output $3 must be the expected $2.
compare() {
    if diff -u "$2" "$3" >&2; then
        tap ok "$1"
    else
        tap "not ok" "$1: output differs from $(basename "$2")"
    fi
}

# Builds and runs source $1 (expected output $2) as $3 with compiler $4,
# flags $5 and extra link flags $6, against minibuf and against CPython.
check_source() {
    if build_minibuf "$3" "$4" "$5" "$1" "$6"; then
        run_minibuf "$3"
        compare "$3 against minibuf" "$2" "$scratch/$3.out"
    else
        cat "$scratch/$3.build.log" >&2
        tap "not ok" "$3 does not build against minibuf"
    fi
    if [ ! -x "$config" ]; then
        tap ok "$3 against CPython # SKIP no $config"
    elif ! build_cpython "$3" "$4" "$5" "$1"; then
        cat "$scratch/$3.build.log" >&2
        tap "not ok" "$3 does not build against CPython"
    else
        env -u PYTHONPATH -u PYTHONHOME "$scratch/$3.cpython" \
            > "$scratch/$3.cpython.out" 2>&1
        echo "exit status $?" >> "$scratch/$3.cpython.out"
        compare "$3 against CPython" "$2" "$scratch/$3.cpython.out"
    fi
}

c_sources=$(cd "$corpus" && ls *.c)
cxx_sources=$(cd "$corpus" && ls *.cpp)
set -- $c_sources
c_count=$#
set -- $cxx_sources
echo "1..$((2 * c_count + 4 * $# + 1))"

for source in $c_sources; do
    name=${source%.c}
    check_source "$corpus/$source" "$corpus/$name.out" "$name" "$CC" \
        "$c_flags" ""
done

for source in $cxx_sources; do
    name=${source%.cpp}
    for std in c++11 c++17; do
        if ! command -v "$CXX" > /dev/null 2>&1; then
            tap ok "$name-$std against minibuf # SKIP no C++ compiler"
            tap ok "$name-$std against CPython # SKIP no C++ compiler"
            continue
        fi
        check_source "$corpus/$source" "$corpus/$name.out" "$name-$std" \
            "$CXX" "-std=$std $cxx_flags" ""
    done
done

# Copy relocations: a program that is not position-independent gets its own
# copies of the type objects it names, which the library must share.
if [ -n "$SANITIZER_CFLAGS" ]; then
    tap ok "bytes_style without PIE # SKIP sanitizer build"
elif build_minibuf bytes_style_nopie "$CC" "$c_flags -fno-pie" \
        "$corpus/bytes_style.c" "-no-pie"; then
    run_minibuf bytes_style_nopie
    compare "bytes_style without PIE (copy relocations)" \
        "$corpus/bytes_style.out" "$scratch/bytes_style_nopie.out"
else
    cat "$scratch/bytes_style_nopie.build.log" >&2
    tap "not ok" "bytes_style does not build without PIE"
fi
