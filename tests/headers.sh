#!/bin/sh
# Every installed header compiles on its own, first in a file, as C11
# (-Wall -Wextra -pedantic -Werror) and as C++11 and C++17 (the same), so
# a program may include any of them alone and C++ gets C linkage for every
# name (each header has its extern "C" block).
set -u
: "${CXX:=c++}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
flags="-Wall -Wextra -pedantic -Werror"
# The headers of the source tree, and mbversion.h, which configure makes.
# mbdlpack.h needs dlpack.h, which the build may lack (mbversion.h says).
if grep -q 'MB_HAVE_DLPACK 1' "$top_builddir/include/mbversion.h"; then
    no_dlpack='^$'
else
    no_dlpack='^mbdlpack\.h$'
fi
headers="$(cd "$top_srcdir/include" && ls *.h |
           grep -v -e '^mbversion\.h$' -e "$no_dlpack")
mbversion.h"
set -- $headers
echo "1..$(($# * 3 + 3))"
n=0
for header in $headers; do
    printf '#include <%s>\nint header_alone;\n' "$header" > "$scratch/t.c"
    cp "$scratch/t.c" "$scratch/t.cpp"
    for lang in c11 c++11 c++17; do
        n=$((n + 1))
        if [ "$lang" = c11 ]; then
            compile="$CC -std=c11 $flags" file=t.c
        elif command -v "$CXX" > /dev/null 2>&1; then
            compile="$CXX -std=$lang $flags" file=t.cpp
        else
            echo "ok $n - $header alone as $lang # SKIP no C++ compiler"
            continue
        fi
        if $compile -I"$top_srcdir/include" -I"$top_builddir/include" \
                -fsyntax-only "$scratch/$file" 2> "$scratch/log"; then
            echo "ok $n - $header alone as $lang"
        else
            cat "$scratch/log" >&2
            echo "not ok $n - $header alone as $lang"
        fi
    done
done

# What needs an interpreter is declared so that a call fails to compile
# with a message that says why (gcc's error attribute, clang's
# unavailable), while a module's boilerplate around it compiles.
cat > "$scratch/module.c" <<'SOURCE'
#include <Python.h>
static PyMethodDef methods[] = {{NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "m", NULL, -1, methods, NULL, NULL, NULL, NULL,
};
PyMODINIT_FUNC PyInit_m(void);
PyMODINIT_FUNC
PyInit_m(void)
{
#ifdef CALL_IT
    return PyModule_Create(&module);
#else
    (void)module;
    return NULL;
#endif
}
SOURCE
n=$((n + 1))
if ! $CC -std=c11 $flags -I"$top_srcdir/include" -I"$top_builddir/include" \
        -fsyntax-only "$scratch/module.c" 2> "$scratch/log"; then
    cat "$scratch/log" >&2
    echo "not ok $n - a module's definition does not compile"
elif $CC -std=c11 -DCALL_IT -I"$top_srcdir/include" \
        -I"$top_builddir/include" -c -o "$scratch/module.o" \
        "$scratch/module.c" 2> "$scratch/log"; then
    echo "not ok $n - PyModule_Create compiles"
elif grep -q "minibuf has no interpreter: no modules" "$scratch/log"; then
    echo "ok $n - a module's definition compiles; PyModule_Create is an error that says why"
else
    cat "$scratch/log" >&2
    echo "not ok $n - PyModule_Create fails without saying why"
fi

# A buffer table written for the other mode is a compile-time error in C
# (object.h), not a crash at the first request: Python 2's four slots in
# CPython 3's PyBufferProcs, and CPython 3's two in Python 2 mode's.
cat > "$scratch/python2_table.c" <<'SOURCE'
#include <Python.h>
static Py_ssize_t segment(PyObject *o, Py_ssize_t i, void **p)
{ (void)o; (void)i; *p = NULL; return 0; }
static Py_ssize_t count(PyObject *o, Py_ssize_t *total)
{ (void)o; (void)total; return 1; }
PyBufferProcs procs = {segment, segment, count, NULL};
SOURCE
cat > "$scratch/python3_table.c" <<'SOURCE'
#define MB_PYTHON2
#include <Python.h>
static int get(PyObject *o, Py_buffer *v, int f)
{ (void)o; (void)v; (void)f; return -1; }
static void release(PyObject *o, Py_buffer *v) { (void)o; (void)v; }
PyBufferProcs procs = {get, release};
SOURCE
for table in python2_table python3_table; do
    n=$((n + 1))
    if $CC -std=c11 -I"$top_srcdir/include" -I"$top_builddir/include" \
            -fsyntax-only "$scratch/$table.c" 2> "$scratch/log"; then
        echo "not ok $n - $table.c, written for the other mode, compiles"
    elif grep -q "incompatible" "$scratch/log"; then
        echo "ok $n - $table.c, written for the other mode, is a compile-time error"
    else
        cat "$scratch/log" >&2
        echo "not ok $n - $table.c fails for another reason"
    fi
done
