"""CPython's own Lib/test/test_buffer.py, run against minibuf.

The test file is read from the CPython installation running this script
(never copied into minibuf's tree); before it is imported, the package
minibuf stands in for _testbuffer, and once it is, minibuf's memoryview
replaces the name memoryview inside the test module and minibuf's
PyBuffer_SizeFromFormat the one it takes from _testcapi.  Each test of
TestBufferProtocol runs in a process of its own (a crash is that test's
failure, not the run's) and is reported as one TAP line.  A test named in
EXPECTED_FAILURES is reported as a TODO with its reason, so that it
passing unexpectedly, or any other test failing, still fails the suite.

Run with PYTHONHASHSEED=0: the tests compare the hash of CPython's bytes
with the hash of minibuf's memoryview, which minibuf computes as CPython
does with that seed.

usage: PYTHONPATH=BUILDDIR/python python3 test_buffer_runner.py [NAME...]
"""
import subprocess
import sys
import unittest

# Tests that do not pass, and why.
EXPECTED_FAILURES = {
    # Outside the protocol: the test checks sys.getsizeof against the size
    # of CPython's memoryview structure.
    "test_memoryview_sizeof":
        "sys.getsizeof measures CPython's own memoryview structure; "
        "minibuf's memoryview is another object (docs/differences.md)",
}


def load():
    import minibuf
    sys.modules["_testbuffer"] = minibuf
    from test import test_buffer
    test_buffer.memoryview = minibuf.memoryview

    class CApi:
        PyBuffer_SizeFromFormat = staticmethod(
            minibuf.PyBuffer_SizeFromFormat)
    test_buffer._testcapi = CApi
    return test_buffer


def run_one(name):
    """Run one test here; exit 0 if it passed, 1 if it failed, 2 with the
    reason on stdout if it was skipped."""
    case = load().TestBufferProtocol
    result = unittest.TestResult()
    case(name).run(result)
    for _, trace in result.errors + result.failures:
        sys.stderr.write(trace)
    if result.skipped:
        print(result.skipped[0][1])
        sys.exit(2)
    sys.exit(1 if result.errors or result.failures else 0)


def main(names):
    tests = [name for name in load().TestBufferProtocol.__dict__
             if name.startswith("test_")]
    if names:
        tests = [name for name in tests if name in names]
    print("1..%d" % len(tests))
    for n, name in enumerate(tests, 1):
        child = subprocess.run([sys.executable, __file__, "--one", name],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        expected = EXPECTED_FAILURES.get(name)
        if child.returncode == 2:
            print("ok %d - %s # SKIP %s" % (n, name, child.stdout.strip()))
            continue
        failed = child.returncode != 0
        if failed:
            sys.stderr.write("== %s (exit status %d)\n%s" % (
                name, child.returncode, child.stderr))
        if expected is not None:
            print("%s %d - %s # TODO %s" % ("not ok" if failed else "ok", n,
                                            name, expected))
        else:
            print("%s %d - %s" % ("not ok" if failed else "ok", n, name))
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        run_one(sys.argv[2])
    else:
        main(sys.argv[1:])
