/* What Python 2.7 does where docs/differences.md says minibuf's Python 2
 * mode differs, one situation per argument; built against 2.7 by
 * tests/claims/cpython27.py, run in a process of its own.
 *
 * usage: python2 SITUATION
 */
#include <Python.h>
#include <stddef.h>
#include <string.h>

/* An old-protocol exporter whose one segment cannot be read, and which
   sets no exception when it says so. */
static Py_ssize_t
one_segment(PyObject *self, Py_ssize_t *len)
{
    (void)self;
    if (len != NULL) {
        *len = 4;
    }
    return 1;
}

static Py_ssize_t
unreadable(PyObject *self, Py_ssize_t segment, void **pointer)
{
    (void)self, (void)segment, (void)pointer;
    return -1;
}

static PyBufferProcs unreadable_procs = {unreadable, NULL, one_segment,
                                         NULL};
static PyTypeObject Unreadable = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Unreadable", sizeof(PyObject)};

int
main(int argc, char **argv)
{
    Py_Initialize();
    const char *s = argc > 1 ? argv[1] : "";
    if (strcmp(s, "buffer-layout") == 0) {
        printf("smalltable %zu, internal %zu, size %zu\n",
               offsetof(Py_buffer, smalltable), offsetof(Py_buffer, internal),
               sizeof(Py_buffer));
    }
    else if (strcmp(s, "base-fails-silently") == 0) {
        Unreadable.tp_as_buffer = &unreadable_procs;
        Unreadable.tp_flags = Py_TPFLAGS_DEFAULT;
        PyType_Ready(&Unreadable);
        PyObject *base = PyObject_New(PyObject, &Unreadable);
        PyObject *buffer = PyBuffer_FromObject(base, 0, Py_END_OF_BUFFER);
        Py_buffer view;
        int result = buffer ? PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE)
                            : -2;
        printf("result %d, exception %d\n", result, PyErr_Occurred() != NULL);
    }
    else {
        printf("unknown situation '%s'\n", s);
        return 2;
    }
    fflush(stdout);
    return 0;
}
