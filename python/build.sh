#!/bin/sh
# Builds the Python module: python/minibuf/_minibuf$EXT_SUFFIX, the
# extension under the package python/minibuf.
#
# CPython and minibuf define the same names (PyObject_GetBuffer, ...), so
# the library goes into the module renamed (python/rename.sh: every global
# name becomes mbpy_NAME), and python/mbside.c, the only file that calls
# minibuf, is compiled with rename.sh's header of "#define NAME mbpy_NAME"
# lines forced in before minibuf's Python.h.
# python/_minibuf.c, compiled against CPython's headers, calls CPython.
# The module exports only PyInit__minibuf.
#
# usage: build.sh SRCDIR BUILDDIR PYTHON CC CFLAGS CPPFLAGS LIBRARY-SOURCES...
set -eu
srcdir=$1 builddir=$2 python=$3 cc=$4 cflags=$5 cppflags=$6
shift 6
work="$builddir/python/build"
mkdir -p "$work" "$builddir/python/minibuf"
suffix=$("$python" -c \
    'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
include=$("$python" -c \
    'import sysconfig; print(sysconfig.get_paths()["include"])')

# The library, renamed (python/rename.sh).
sh "$srcdir/python/rename.sh" "$work" "$cc" "$cflags" \
    "$cppflags" "$@"

# The two halves, and the module.
$cc $cflags $cppflags -fPIC -include "$work/renames.h" -I"$srcdir/python" \
    -c "$srcdir/python/mbside.c" -o "$work/mbside.o"
$cc $cflags -fPIC -I"$include" -I"$srcdir/python" \
    -c "$srcdir/python/_minibuf.c" -o "$work/_minibuf.o"
echo '{ global: PyInit__minibuf; local: *; };' > "$work/exports.map"
$cc $cflags -shared -o "$builddir/python/minibuf/_minibuf$suffix" \
    "$work/_minibuf.o" "$work/mbside.o" "$work/library-renamed.o" \
    -Wl,--version-script="$work/exports.map" -lpthread -lm
if [ "$builddir" != "$srcdir" ]; then
    cp "$srcdir/python/minibuf/__init__.py" "$builddir/python/minibuf/"
fi
