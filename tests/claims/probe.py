"""What the claims scripts share (tests/claims/cpython*.py and
minibuf.py): claim(), which prints one line "ok - WHAT (WHERE)" or "not
ok - ...", and raises(); run() and its forms, which run a program of
tests/claims/probes/ (rows.c unless another is named), built against the
CPython 3 that runs this file (embedding it, with its python-config),
once per situation, each in a process of its own with a timeout: what
CPython does where the docs say it crashes, reads through NULL or does
something else than minibuf; python(), the same for a snippet of Python;
headers_declare() and limited_api_compiles(), what its headers offer;
and what the probes print alike on CPython and on minibuf
(READ_WRITE_GRANTED and the constants after it).
"""
import glob
import os
import subprocess
import sys
import sysconfig
import tempfile

_built = {}


def _config():
    name = os.path.basename(sys.executable)
    if name == "python3":
        name = "python%d.%d" % sys.version_info[:2]
    return os.path.join(os.path.dirname(os.path.realpath(sys.executable)),
                        name + "-config")


def _build(name):
    if name in _built:
        return _built[name]
    config = _config()
    if not os.path.exists(config):
        config = os.path.join(os.path.dirname(sys.executable),
                              "python%d.%d-config" % sys.version_info[:2])
    flags = subprocess.run([config, "--includes"], capture_output=True,
                           text=True, check=True).stdout.split()
    prefix = subprocess.run([config, "--prefix"], capture_output=True,
                            text=True, check=True).stdout.strip()
    link = subprocess.run([config, "--ldflags", "--embed"],
                          capture_output=True, text=True)
    if link.returncode != 0:
        link = subprocess.run([config, "--ldflags"], capture_output=True,
                              text=True, check=True)
    scratch = tempfile.mkdtemp(prefix="minibuf-claims-")
    program = os.path.join(scratch, name)
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "probes", name + ".c")
    subprocess.run(["cc", "-w", "-o", program, source] + flags
                   + ["-L" + prefix + "/lib"] + link.stdout.split()
                   + ["-Wl,-rpath," + prefix + "/lib"], check=True)
    _built[name] = (program, prefix)
    return _built[name]


def _run(situation, program, environment):
    """The finished process of tests/claims/probes/PROGRAM.c running the
    situation, with the environment variables given added."""
    program, prefix = _build(program)
    env = dict(os.environ, PYTHONHOME=sys.base_prefix, **environment)
    env.pop("PYTHONPATH", None)
    return subprocess.run([program, situation], capture_output=True,
                          text=True, timeout=30, env=env)


def run(situation, program="rows", **environment):
    """(status, output): the exit status, or minus the signal that ended
    the process (-11 for a segmentation fault), and what it printed."""
    result = _run(situation, program, environment)
    return result.returncode, result.stdout


def stops(situation, message, program="rows"):
    """Whether the situation ends with CPython's "Fatal Python error: "
    and message (a debug build's checks abort the process)."""
    result = _run(situation, program, {})
    return (result.returncode == -6
            and ("Fatal Python error: " + message) in result.stderr)


def crashes(situation, program="rows", **environment):
    """Whether the situation ends the process with a signal."""
    return run(situation, program, **environment)[0] < 0


def prints(situation, text, program="rows"):
    """Whether the situation exits normally and prints exactly text."""
    status, output = run(situation, program)
    return status == 0 and output == text


def python(code, **environment):
    """(status, output) of this Python running code in a process of its
    own, with the environment variables given added: the status is minus
    the signal that ended it, if one did."""
    env = dict(os.environ, **environment)
    env.pop("PYTHONPATH", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=60, env=env)
    return result.returncode, result.stdout


# What tests/claims/probes/views.c prints for "read-write-requests" where
# PyBUF_READ and PyBUF_WRITE are granted as requests (3.11, 3.12, minibuf).
READ_WRITE_GRANTED = "".join(
    "PyObject_GetBuffer %s: 0\nPyObject_GetBuffer: no exception\n"
    "PyBuffer_FillInfo %s: 0\nPyBuffer_FillInfo: no exception\n"
    % (flag, flag) for flag in ("0x100", "0x200"))


# What tests/claims/probes/rows.c prints for these situations on CPython
# 3.11 and on minibuf alike.
WITHOUT_TABLE = "".join(
    "%s -1\n%s: TypeError: %s\n" % (function, function, message)
    for function, message in (
        ("PyObject_AsCharBuffer", "a bytes-like object is required, not "
         "'int'"),
        ("PyObject_AsReadBuffer", "a bytes-like object is required, not "
         "'int'"),
        ("PyObject_AsWriteBuffer", "expected a writable bytes-like object"))
) + "PyObject_CheckReadBuffer 0\nPyObject_CheckReadBuffer: no exception\n"
BYTES_TOO_LARGE = ("made 0\nPyBytes_FromStringAndSize: OverflowError: byte "
                   "string is too large\n")
OVERSIZED = "NULL from 6 of 6\nthe allocators: no exception\n"
MEMORYVIEW_65 = ("made 0\nPyMemoryView_FromObject: ValueError: memoryview: "
                 "number of dimensions must not exceed 64\n")
# The hashes tests/claims/probes/rows.c prints for "hashes" (str of 1-, 2-
# and 4-byte characters, then bytes), as this Python computes them under
# PYTHONHASHSEED=0.
HASHED = ("abc", "caf\u00e9", "\u20ac", "\U0001f600", b"abc")


def hashes_with_seed_0():
    return python("print(*(hash(x) for x in %r))" % (HASHED,),
                  PYTHONHASHSEED="0")[1]


GENERIC_GETATTR = ("found 0\nPyObject_GenericGetAttr: AttributeError: "
                   "'probe.Static' object has no attribute 'y'\n"
                   "found 0\nPyObject_GenericGetAttr: TypeError: attribute "
                   "name must be string, not 'int'\n")


def raises(call, kind, message):
    """Whether call() raises kind with the message."""
    try:
        call()
    except kind as e:
        return str(e) == message
    return False


def claim(where, what, check):
    """Print whether check() holds; a check that raises does not."""
    try:
        good = check()
    except Exception as e:      # a claim that raises is a claim that fails
        good = False
        what += " (raised %s: %s)" % (type(e).__name__, e)
    print("%s - %s (%s)" % ("ok" if good else "not ok", what, where))


def headers_declare(name):
    """Whether this CPython's headers mention the C name (raises when it
    has none, so that neither answer can pass unread)."""
    include = sysconfig.get_paths()["include"]
    headers = glob.glob(include + "/**/*.h", recursive=True)
    if not headers:
        raise FileNotFoundError("no headers under " + include)
    return any(name in open(h, errors="replace").read() for h in headers)


def limited_api_compiles(version):
    """Whether a program built with Py_LIMITED_API=version (None: without
    it) can call PyObject_GetBuffer with this CPython's headers."""
    source = ("#include <Python.h>\n"
              "int f(PyObject *o, Py_buffer *v) "
              "{ return PyObject_GetBuffer(o, v, 0); }\n")
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "limited.c")
        with open(path, "w") as f:
            f.write(source)
        return subprocess.run(
            ["cc", "-fsyntax-only", "-Werror=implicit-function-declaration",
             "-DPy_LIMITED_API=%#x" % version if version else "-DNOTHING",
             "-I" + sysconfig.get_paths()["include"], path],
            capture_output=True).returncode == 0
