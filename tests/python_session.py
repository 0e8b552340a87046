"""A Python session with minibuf, as the guide and the README show it:
each statement printed after ">>> " with what it gives, as the
interactive prompt prints it.  tests/python_module.sh compares the output
with tests/python_session.out, which the guide includes.
"""
import array
import struct

import minibuf

STATEMENTS = [
    "import minibuf",
    "nd = minibuf.ndarray(list(range(12)), shape=[3, 4], format='i')",
    "m = minibuf.memoryview(nd)",
    "m.shape, m.strides, m.format, m.itemsize, m.nbytes",
    "m[1, 2]",
    "m.tolist()",
    "m.obj is nd",
    "t = m.cast('B').cast('i', [4, 3])",
    "t.tolist()",
    "s = minibuf.memoryview(bytes(range(8)))[::-3]",
    "s.shape, s.strides, s.tolist(), s.c_contiguous",
    "s.tobytes()",
    "bytes(minibuf.memoryview(nd)[:2])",
    "struct.unpack_from('3i', m, 4)",
    "cols = nd[:, 1:3]",
    "cols.shape, cols.strides, cols.tolist()",
    "minibuf.memoryview(cols).tobytes('F')",
    "a = array.array('d', [0.5, 1.5])",
    "minibuf.memoryview(a).tolist()",
    "minibuf.memoryview(nd)[0] = 5",
    "import _testbuffer",
    "c = memoryview(_testbuffer.ndarray(list(range(12)), shape=[3, 4], "
    "format='i'))",
    "c.shape, c.strides, c.format, c.itemsize, c.nbytes",
    "c.tolist() == m.tolist(), c.cast('B').cast('i', [4, 3]).tolist() == "
    "t.tolist()",
    "cs = memoryview(bytes(range(8)))[::-3]",
    "cs.shape, cs.strides, cs.tolist(), cs.c_contiguous",
    "memoryview(c.obj)[0] = 5",
]


def main():
    namespace = {"array": array, "struct": struct}
    for statement in STATEMENTS:
        print(">>> " + statement)
        try:
            code = compile(statement, "<session>", "eval")
        except SyntaxError:
            code = compile(statement, "<session>", "exec")
        try:
            result = eval(code, namespace)
        except Exception as e:
            print("Traceback (most recent call last):")
            print("  ...")
            print("%s: %s" % (type(e).__name__, e))
            continue
        if result is not None:
            print(repr(result))


if __name__ == "__main__":
    main()
