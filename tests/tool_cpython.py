"""The tool's "in CPython" lines, run in CPython: for each `minibuf
request` and `minibuf matrix` below, the line the tool prints is run with
_testbuffer (CPython's test exporter), and CPython must grant what minibuf
granted and refuse what it refused, with the same exception and message.
One TAP line per request.

usage: python3 tool_cpython.py MINIBUF
"""
import re
import subprocess
import sys

import struct  # noqa: F401 (the tool's lines may use it)
from _testbuffer import *  # noqa: F401,F403 (the tool's lines use it)

REQUESTS = [
    "bytes FULL_RO", "bytes WRITABLE", "bytes FORMAT", "bytes 0x104",
    "bytes ND|WRITABLE", "bytearray --data hello 0x11d",
    "bytearray --data \"it's\\\\\" FULL",
    "ndarray --shape 3,4 --format d C_CONTIGUOUS",
    "ndarray --shape 3,4 --strides 64,8 --format d C_CONTIGUOUS",
    "ndarray --shape 3,4 --strides 64,8 --format d STRIDES",
    "ndarray --shape 3,4 --strides 64,8 --format d ND",
    "ndarray --shape 3,4 --format d FORMAT",
    "ndarray --shape 3,4 --format d SIMPLE",
    "ndarray --shape 3,4 --format d --flags fortran ANY_CONTIGUOUS",
    "ndarray --shape 3,4 --format d --flags fortran C_CONTIGUOUS",
    "ndarray --shape 3,4 --format d --flags fortran,writable FULL",
    "ndarray --shape 2,3 --format i --flags pil FULL_RO",
    "ndarray --shape 2,3 --format i --flags pil RECORDS_RO",
    "ndarray --shape 2,3 --format h --flags writable WRITABLE",
    "ndarray --shape 4 --strides -2 --offset 6 --itemsize 2 RECORDS_RO",
    "ndarray --shape 4 --strides -2 --offset 6 --itemsize 2 CONTIG_RO",
    "ndarray --shape '' --format d --offset 8 --memory 24 ND",
    "ndarray --shape '' --format d ND", "ndarray --shape '' --format d SIMPLE",
    "ndarray --shape 3 --format 3i2x? FULL_RO",
    "ndarray --shape 2,2 --format c STRIDED_RO",
    "ndarray --shape 5 --strides 0 --format B ND",
    "ndarray --shape 0,3 --format q C_CONTIGUOUS",
    "ndarray --shape 0,3 --strides 8,64 --format q F_CONTIGUOUS",
    "ndarray --shape 2,1 --strides 8,96 --format d F_CONTIGUOUS",
    "ndarray --shape 2,3 --strides -24,8 --offset 24 --format d FULL_RO",
]
MATRICES = [
    "bytes", "bytearray",
    "ndarray --shape 3,4 --format d --flags fortran,writable",
    "ndarray --shape 2,3 --flags pil",
    "ndarray --shape 3,4 --strides 64,16 --format d",
]

MEMORYVIEWS = [
    "ndarray --shape 3,4 --format i --slice 1:3 --cast B --cast i[2,4] "
    "--slice ::-1",
    "bytes --data abcdefgh --slice 2:7:2",
    "bytearray --data abcdefgh --cast i --slice -1:",
    "ndarray --shape 4,3 --format d --flags fortran --cast B",
    "ndarray --shape 2,3 --format h --slice ::-1 --cast B",
    "ndarray --shape 6 --format q --slice 1:5 --cast b[4,8]",
    "ndarray --shape 3 --format 3i2x? --slice 1:",
    "ndarray --shape 12 --format B --cast i[3]",
]

checks = []


def outcome(expression):
    """'granted', or 'Type: message' of what CPython raises."""
    try:
        eval(expression)
    except Exception as e:  # noqa: BLE001 (any exception is an answer)
        return "%s: %s" % (type(e).__name__, e)
    return "granted"


def run_tool(tool, command):
    return subprocess.run([tool] + __import__("shlex").split(command),
                          capture_output=True, text=True).stdout


def cpython_line(out):
    match = re.search(r"^in CPython \(([^)]*)\): (.*)$", out, re.M)
    return match.group(2) if match else None


def check_request(tool, command):
    out = run_tool(tool, "request " + command)
    line = cpython_line(out)
    if "PyObject_GetBuffer -> 0" in out:
        minibuf = "granted"
    else:
        minibuf = out.split("PyObject_GetBuffer -> -1\n")[1].split("\n")[0]
        minibuf = minibuf.strip()
    if line is None and "_testbuffer has no exporter like this one" in out:
        checks.append(("request %s # SKIP _testbuffer has no such "
                       "exporter" % command, True, ""))
        return
    ours = outcome(line) if line else "no line"
    checks.append(("request %s: %s" % (command, minibuf), ours == minibuf,
                   "CPython: %s" % ours))


def check_matrix(tool, command):
    out = run_tool(tool, "matrix " + command)
    line = cpython_line(out)
    for row in out.splitlines():
        match = re.match(r"^(PyBUF_\w+)\s+(yes|no)\s*(.*)$", row)
        if not match:
            continue
        name, ok, rest = match.groups()
        minibuf = "granted" if ok == "yes" else rest.strip()
        ours = outcome(line.replace("getbuf=REQUEST", "getbuf=" + name))
        checks.append(("matrix %s, %s: %s" % (command, name, minibuf),
                       ours == minibuf, "CPython: %s" % ours))


def check_memoryview(tool, command):
    """The last view the tool shows, or its exception, against what the
    CPython line prints."""
    out = run_tool(tool, "memoryview " + command)
    line = out.split("in CPython: ")[-1].strip()
    last = out.split("\nm = ")[-1]
    if "Error: " in last.splitlines()[1]:
        minibuf = last.splitlines()[1].strip()
    else:
        fields = dict(re.findall(r"^  (\w+) += (.*)$", last, re.M))
        minibuf = "%s %s %s %s %s %s" % (
            fields["shape"].replace(",)", ",)"), fields["strides"],
            fields["format"].strip('"'), fields["itemsize"], fields["len"],
            fields["readonly"] == "1")
    result = subprocess.run([sys.executable, "-c", line],
                            capture_output=True, text=True)
    if result.returncode == 0:
        ours = result.stdout.strip()
    else:
        ours = result.stderr.strip().splitlines()[-1]
    checks.append(("memoryview %s: %s" % (command, minibuf), ours == minibuf,
                   "CPython: %s" % ours))


def main():
    tool = sys.argv[1]
    for command in REQUESTS:
        check_request(tool, command)
    for command in MATRICES:
        check_matrix(tool, command)
    for command in MEMORYVIEWS:
        check_memoryview(tool, command)
    print("1..%d" % len(checks))
    for n, (what, good, detail) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", n, what))
        if not good:
            print("# " + detail)


main()
