#!/bin/sh
# Differential tests against real CPython.
#
# Each scenario tests/differential/NAME.c is built against minibuf by make
# (tests/differential/NAME) and here against every CPython build found whose
# version is in the range on the scenario's first line ("cpython: 3.9-3.12").
# Both are run with stdout and stderr together, and the outputs must be
# identical.  One TAP line per scenario and CPython build; a scenario with no
# CPython build in its range is skipped.
#
# minibuf's side runs with MINIBUF_DEBUG_LEAKS=1: the report Py_Finalize
# prints of what is still held is taken out of the output before the
# comparison, and one more TAP line per scenario requires it to be empty,
# or to be exactly what the scenario's header announces on a line
# " * minibuf leaves: ..." (for scenarios that leak on purpose).
#
# CPython builds are found through their python-config: the one on PATH,
# Debian's /usr/bin/python3-config, every pyenv version, and those named in
# EXTRA_PYTHON_CONFIGS (configure --with-python-config).

: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"
# Scenarios ask for more memory than any machine has (object_api's
# PyMem_New of PY_SSIZE_T_MAX bytes), where malloc returns NULL;
# AddressSanitizer's malloc aborts instead unless told to do the same, and
# then warns, which the comparison leaves out (sanitizer_note below).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"
export ASAN_OPTIONS
sanitizer_note='/^==[0-9]*==WARNING: AddressSanitizer failed to allocate/d'
srcdir="$top_srcdir/tests/differential"
work="$top_builddir/tests/differential.tmp"
mkdir -p "$work"

# Prints "VERSION PREFIX CONFIG" for each distinct CPython build.
list_builds() {
    {
        for config in $EXTRA_PYTHON_CONFIGS; do echo "$config"; done
        command -v python3-config
        echo /usr/bin/python3-config
        for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin; do
            for config in "$dir"/python[23].*-config; do
                [ -e "$config" ] && echo "$config" && break
            done
        done
    } | while read -r config; do
        [ -x "$config" ] || continue
        includes=$("$config" --includes 2>/dev/null) || continue
        version=$(echo "$includes" |
                  sed -n 's/.*include\/python\([0-9]*\.[0-9]*\).*/\1/p')
        prefix=$("$config" --prefix 2>/dev/null)
        [ -n "$version" ] && [ -n "$prefix" ] &&
            echo "$version $prefix $config"
    done | sort -u -k1,2
}

# 1 if version $1 lies in the range $2 ("3.9-3.12").
in_range() {
    echo "$1 $2" | awk '{
        split($2, r, "-"); split($1, v, "."); split(r[1], lo, ".");
        split(r[2], hi, ".");
        x = v[1] * 100 + v[2];
        exit !(x >= lo[1] * 100 + lo[2] && x <= hi[1] * 100 + hi[2]) }'
}

# Builds scenario $1 against the CPython whose python-config is $2 into $3.
build_cpython() {
    prefix=$("$2" --prefix)
    ldflags=$("$2" --ldflags --embed 2>/dev/null) || ldflags=$("$2" --ldflags)
    $CC -std=gnu11 -w -o "$3" "$srcdir/$1.c" $("$2" --includes) \
        -L"$prefix/lib" $ldflags -Wl,-rpath,"$prefix/lib"
}

builds=$(list_builds)
scenarios=""
for path in $DIFFERENTIAL_SCENARIOS; do
    scenarios="$scenarios $(basename "$path")"
done

# The plan: one line per (scenario, build in range), or one skip.
plan=0
for name in $scenarios; do
    range=$(sed -n '1s/.*cpython: *\([0-9.]*-[0-9.]*\).*/\1/p' \
            "$srcdir/$name.c")
    count=$(echo "$builds" | while read -r version prefix config; do
                [ -n "$version" ] && in_range "$version" "$range" && echo x
            done | wc -l)
    plan=$((plan + (count > 0 ? count : 1) + 1))
done
echo "1..$plan"

n=0
for name in $scenarios; do
    range=$(sed -n '1s/.*cpython: *\([0-9.]*-[0-9.]*\).*/\1/p' \
            "$srcdir/$name.c")
    expected="$work/$name.minibuf.out"
    # Under make check-valgrind, minibuf's side runs under memcheck: an
    # error changes its exit status, which the comparison then shows.
    raw="$work/$name.minibuf.raw"
    if [ -n "${VALGRIND:-}" ]; then
        MINIBUF_DEBUG_LEAKS=1 $LIBTOOL --mode=execute $VALGRIND --quiet \
            --error-exitcode=99 --leak-check=full \
            --log-file="$work/$name.valgrind.log" \
            "$top_builddir/tests/differential/$name" > "$raw" 2>&1
    else
        MINIBUF_DEBUG_LEAKS=1 "$top_builddir/tests/differential/$name" \
            > "$raw" 2>&1
    fi
    status=$?
    # The report is the last thing printed, from its first "minibuf: " line.
    sed -e "$sanitizer_note" -e '/^minibuf: /,$d' "$raw" > "$expected"
    echo "exit status $status" >> "$expected"
    sed -n '/^minibuf: /,$p' "$raw" | grep '^minibuf: ' > "$work/$name.leaks"
    sed -n 's/^ \* minibuf leaves: /minibuf: /p' "$srcdir/$name.c" \
        > "$work/$name.leaks.expected"
    n=$((n + 1))
    if diff -u "$work/$name.leaks.expected" "$work/$name.leaks" >&2; then
        echo "ok $n - $name leaves nothing held but what it announces"
    else
        sed -n '/^minibuf: /,$p' "$raw" >&2
        echo "not ok $n - $name leaves exports or objects held"
    fi
    if [ -s "$work/$name.valgrind.log" ]; then
        cat "$work/$name.valgrind.log" >&2
    fi
    found=0
    # A here-document keeps the loop in this shell, so n survives it.
    while read -r version prefix config; do
        [ -n "$version" ] && in_range "$version" "$range" || continue
        found=1
        n=$((n + 1))
        tag=$(echo "$prefix" | tr '/' '_')
        exe="$work/$name.cpython-$version$tag"
        what="$name against CPython $version ($prefix)"
        if ! build_cpython "$name" "$config" "$exe" 2> "$exe.build.log"; then
            cat "$exe.build.log" >&2
            echo "not ok $n - $what: does not build with CPython"
            continue
        fi
        env -u PYTHONPATH PYTHONHOME="$prefix" PYTHONHASHSEED=0 \
            PYTHONUNBUFFERED=1 "$exe" > "$exe.out" 2>&1
        echo "exit status $?" >> "$exe.out"
        if diff -u "$exe.out" "$expected" >&2; then
            echo "ok $n - $what"
        else
            echo "not ok $n - $what: outputs differ (CPython -, minibuf +)"
        fi
    done <<EOF_BUILDS
$builds
EOF_BUILDS
    if [ "$found" = 0 ]; then
        n=$((n + 1))
        echo "ok $n - $name # SKIP no CPython $range found"
    fi
done
