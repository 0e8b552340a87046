/* The exporter conformance checker inside real CPython:
 * src/checker/checker.c and src/protocol/request_names.c, compiled against
 * CPython's headers by
 * tests/checker_cpython.sh, judge CPython's own exporters (bytes,
 * bytearray, memoryview, array.array, _testbuffer.ndarray) and one that
 * _testbuffer breaks on purpose.  The output is compared with
 * tests/checker_cpython.expected. */
#include "../src/checker/checker.h"

static const char *const exporters[] = {
    "b'hello'",
    "bytearray(b'hello')",
    "memoryview(b'abcdefgh').cast('B', [2, 4])",
    "array.array('d', [1.0, 2.0, 3.0])",
    "_testbuffer.ndarray(list(range(24)), shape=[2, 3, 4], format='i', "
    "flags=_testbuffer.ND_WRITABLE)",
    "_testbuffer.ndarray(list(range(24)), shape=[2, 3, 4], format='h', "
    "flags=_testbuffer.ND_FORTRAN)",
    "_testbuffer.ndarray(list(range(12)), shape=[3, 4], format='B', "
    "flags=_testbuffer.ND_PIL)",
    "_testbuffer.ndarray(list(range(12)), shape=[12], strides=[-2], "
    "offset=22, format='H')",
    /* Broken on purpose: view->obj is left undefined on failure. */
    "_testbuffer.ndarray([1, 2, 3], shape=[3], "
    "flags=_testbuffer.ND_GETBUF_FAIL|_testbuffer.ND_GETBUF_UNDEFINED)",
};

int
main(void)
{
    Py_Initialize();
    PyObject *globals = PyDict_New();
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject *ok = PyRun_String("import array, _testbuffer", Py_file_input,
                                globals, globals);
    if (ok == NULL) {
        PyErr_Print();
        return 1;
    }
    Py_DECREF(ok);
    for (size_t i = 0; i < sizeof(exporters) / sizeof(exporters[0]); i++) {
        PyObject *exporter = PyRun_String(exporters[i], Py_eval_input,
                                          globals, globals);
        if (exporter == NULL) {
            PyErr_Print();
            return 1;
        }
        printf("%s\n", exporters[i]);
        Py_ssize_t n = MbCheck_Exporter(exporter, stdout);
        printf("-> %zd\n\n", n);
        Py_DECREF(exporter);
    }
    Py_DECREF(globals);
    return Py_FinalizeEx() < 0;
}
