/* Helpers for the differential scenarios.
 *
 * A scenario is a program written only with CPython's C API.  It is built
 * against minibuf and against every CPython found, and the two outputs
 * (stdout and stderr together) must be identical, so everything printed is
 * independent of addresses and of the implementation: pointers are shown by
 * what they point at, reference counts as changes.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <Python.h>

static void
scenario_begin(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
}

static int
scenario_end(void)
{
    Py_Finalize();
    return 0;
}

/* PyErr_Print writes to sys.stderr, which CPython 3.7 and later (run with
   PYTHONUNBUFFERED) and 2.7 write through at once; CPython 3.6 buffers it
   until exit, so the scenario flushes it by hand there.  Never compiled for
   minibuf, which claims 3.11. */
static void
flush_stderr(void)
{
#if PY_MAJOR_VERSION == 3 && PY_MINOR_VERSION < 7
    PyObject *result = PyObject_CallMethod(PySys_GetObject("stderr"),
                                           "flush", NULL);
    Py_XDECREF(result);
#endif
}

/* Print "label -> result" and, if an exception is set, print it (through
   PyErr_Print, which writes "Type: message" on stderr) and clear it. */
static void
report(const char *label, long result)
{
    printf("%s -> %ld\n", label, result);
    if (PyErr_Occurred()) {
        printf("  raised ");
        PyErr_Print();
        flush_stderr();
    }
}

#endif /* !SCENARIO_H */
