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

/* If an exception is set, print it (through PyErr_Print, which writes
   "Type: message" on stderr) and clear it. */
static void
print_error(void)
{
    if (PyErr_Occurred()) {
        printf("  raised ");
        PyErr_Print();
        flush_stderr();
    }
}

/* Print "label -> result", then any exception. */
static void
report(const char *label, long result)
{
    printf("%s -> %ld\n", label, result);
    print_error();
}

/* --- Showing a Py_buffer ------------------------------------------------- */

static void
print_array(const char *name, const Py_ssize_t *array, int n,
            const void *self_field, const char *self_name)
{
    printf(" %s=", name);
    if (array == NULL) {
        printf("NULL");
        return;
    }
    if ((const void *)array == self_field) {
        printf("&%s", self_name);
        return;
    }
    printf("(");
    for (int i = 0; i < n; i++) {
        printf(i ? ",%ld" : "%ld", (long)array[i]);
    }
    printf(")");
}

/* Every field of view: buf relative to `data` (the exporter's memory),
   obj as "self" when it is `exporter`, shape and strides as "&len" and
   "&itemsize" when they point into the view itself. */
static void
print_view(const Py_buffer *view, PyObject *exporter, const void *data)
{
    long offset = (long)((const char *)view->buf - (const char *)data);
    printf("  buf=%s%ld obj=%s len=%ld itemsize=%ld readonly=%d ndim=%d"
           " format=%s%s%s",
           view->buf == NULL ? "NULL+" : "data+",
           view->buf == NULL ? 0L : offset,
           view->obj == NULL ? "NULL"
               : view->obj == exporter ? "self" : "other",
           (long)view->len, (long)view->itemsize, view->readonly,
           view->ndim, view->format ? "'" : "",
           view->format ? view->format : "NULL", view->format ? "'" : "");
    print_array("shape", view->shape, view->ndim, &view->len, "len");
    print_array("strides", view->strides, view->ndim, &view->itemsize,
                "itemsize");
    print_array("suboffsets", view->suboffsets, view->ndim, NULL, "");
    printf(" internal=%s\n", view->internal ? "set" : "NULL");
}

/* --- A configurable exporter --------------------------------------------- */

/* Exports `data` through PyBuffer_FillInfo, and counts what it is asked. */
typedef struct {
    PyObject_HEAD
    char data[16];
    Py_ssize_t len;
    int readonly;
    int fail;            /* raise BufferError instead of exporting */
    int null_obj;        /* succeed but leave view->obj NULL */
    int getbuffer_calls;
    int release_calls;
    int last_flags;
    long refcnt_in_release;       /* Py_REFCNT(self) seen by release */
    int obj_set_in_release;       /* view->obj == self during release */
} Exporter;

static int
exporter_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Exporter *ex = (Exporter *)self;
    ex->getbuffer_calls++;
    ex->last_flags = flags;
    if (ex->fail) {
        PyErr_SetString(PyExc_BufferError, "exporter: forced failure");
        if (view != NULL) {
            view->obj = NULL;
        }
        return -1;
    }
    if (PyBuffer_FillInfo(view, ex->null_obj ? NULL : self, ex->data,
                          ex->len, ex->readonly, flags) < 0) {
        return -1;
    }
    return 0;
}

static void
exporter_releasebuffer(PyObject *self, Py_buffer *view)
{
    Exporter *ex = (Exporter *)self;
    ex->release_calls++;
    ex->refcnt_in_release = (long)Py_REFCNT(self);
    ex->obj_set_in_release = view->obj == self;
}

static PyBufferProcs exporter_as_buffer = {
    .bf_getbuffer = exporter_getbuffer,
    .bf_releasebuffer = exporter_releasebuffer,
};

static PyTypeObject ExporterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scenario.Exporter",
    .tp_basicsize = sizeof(Exporter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &exporter_as_buffer,
};

static Exporter *
new_exporter(const char *data, Py_ssize_t len, int readonly)
{
    if (PyType_Ready(&ExporterType) < 0) {
        return NULL;
    }
    Exporter *ex = PyObject_New(Exporter, &ExporterType);
    memset(ex->data, 0, sizeof(ex->data));
    memcpy(ex->data, data, (size_t)len);
    ex->len = len;
    ex->readonly = readonly;
    ex->fail = ex->null_obj = 0;
    ex->getbuffer_calls = ex->release_calls = 0;
    ex->last_flags = -1;
    ex->refcnt_in_release = 0;
    ex->obj_set_in_release = 0;
    return ex;
}

/* An object of a type without tp_as_buffer. */
static PyTypeObject PlainType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scenario.Plain",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* An object whose type has tp_as_buffer with no bf_getbuffer. */
static PyBufferProcs empty_as_buffer = {.bf_getbuffer = NULL};

static PyTypeObject EmptySlotsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scenario.EmptySlots",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &empty_as_buffer,
};

static PyObject *
new_plain(PyTypeObject *type)
{
    if (PyType_Ready(type) < 0) {
        return NULL;
    }
    return (PyObject *)PyObject_New(PyObject, type);
}

/* --- An exporter of any layout ------------------------------------------- */

/* Hands out a fixed description, whatever the request (as _testbuffer's
   ndarray asked for PyBUF_FULL would), refusing only WRITABLE when
   read-only. */
typedef struct {
    PyObject_HEAD
    Py_buffer layout;
    int writable;
} Fixed;

static int
fixed_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Fixed *f = (Fixed *)self;
    if ((flags & PyBUF_WRITABLE) && !f->writable) {
        PyErr_SetString(PyExc_BufferError, "fixed: not writable");
        return -1;
    }
    *view = f->layout;
    view->readonly = !f->writable;
    view->obj = self;
    Py_INCREF(self);
    return 0;
}

static PyBufferProcs fixed_as_buffer = {.bf_getbuffer = fixed_getbuffer};

static PyTypeObject FixedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scenario.Fixed",
    .tp_basicsize = sizeof(Fixed),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &fixed_as_buffer,
};

static PyObject *
new_fixed(Py_buffer layout, int writable)
{
    if (PyType_Ready(&FixedType) < 0) {
        return NULL;
    }
    Fixed *f = PyObject_New(Fixed, &FixedType);
    f->layout = layout;
    f->writable = writable;
    return (PyObject *)f;
}

/* A layout of `memory` described by the arguments. */
static Py_buffer
make_layout(void *memory, Py_ssize_t itemsize, const char *format, int ndim,
            Py_ssize_t *shape, Py_ssize_t *strides, Py_ssize_t *suboffsets)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = memory;
    view.itemsize = itemsize;
    view.format = (char *)format;
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    view.suboffsets = suboffsets;
    view.len = itemsize;
    for (int i = 0; i < ndim; i++) {
        view.len *= shape ? shape[i] : 1;
    }
    return view;
}

/* --- The request flags, by name ------------------------------------------ */

typedef struct {
    const char *name;
    int flags;
} Request;

static const Request requests[] = {
    {"SIMPLE", PyBUF_SIMPLE},
    {"WRITABLE", PyBUF_WRITABLE},
    {"FORMAT", PyBUF_FORMAT},
    {"ND", PyBUF_ND},
    {"STRIDES", PyBUF_STRIDES},
    {"C_CONTIGUOUS", PyBUF_C_CONTIGUOUS},
    {"F_CONTIGUOUS", PyBUF_F_CONTIGUOUS},
    {"ANY_CONTIGUOUS", PyBUF_ANY_CONTIGUOUS},
    {"INDIRECT", PyBUF_INDIRECT},
    {"CONTIG", PyBUF_CONTIG},
    {"CONTIG_RO", PyBUF_CONTIG_RO},
    {"STRIDED", PyBUF_STRIDED},
    {"STRIDED_RO", PyBUF_STRIDED_RO},
    {"RECORDS", PyBUF_RECORDS},
    {"RECORDS_RO", PyBUF_RECORDS_RO},
    {"FULL", PyBUF_FULL},
    {"FULL_RO", PyBUF_FULL_RO},
    {"0x10", 0x10},
    {"0x20", 0x20},
    {"0x40", 0x40},
    {"0x80", 0x80},
    {"READ", PyBUF_READ},
    {"WRITE", PyBUF_WRITE},
    {"0x400", 0x400},
    {"-1", -1},
};

#define N_REQUESTS ((int)(sizeof(requests) / sizeof(requests[0])))

#endif /* !SCENARIO_H */
