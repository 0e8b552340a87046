#!/bin/sh
# The tool's "in CPython" lines run in CPython 3.11 with _testbuffer
# (tests/tool_cpython.py): CPython must grant and refuse what minibuf's
# tool says, with the same messages.  Skipped without a CPython that has
# _testbuffer (Debian's python3 has it).
set -u
python=${MODULE_PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import _testbuffer' 2> /dev/null; then
    echo "1..1"
    echo "ok 1 - the tool's CPython lines # SKIP no _testbuffer in $python"
    exit 0
fi
exec "$python" "$top_srcdir/tests/tool_cpython.py" "$top_builddir/minibuf"
