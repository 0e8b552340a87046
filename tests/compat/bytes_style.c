/* An immutable byte string exporter and a copying consumer, written as
 * CPython's own byte types write them: the exporter answers every request
 * with PyBuffer_FillInfo (read-only); the consumer asks for PyBUF_FULL_RO,
 * so that any layout is accepted, and copies it out in C order with
 * PyBuffer_ToContiguous.  A second exporter hands out every other byte of
 * its block (a strided, one-dimensional layout), which only consumers that
 * ask for strides accept.
 */
#include <Python.h>
#include <stddef.h>

typedef struct {
    PyObject_VAR_HEAD
    Py_hash_t ob_shash;
    char ob_sval[1];
} FrozenObject;

static PyTypeObject Frozen_Type;

static PyObject *
frozen_fromstring(const char *str, Py_ssize_t size)
{
    FrozenObject *op = (FrozenObject *)PyObject_Malloc(
        offsetof(FrozenObject, ob_sval) + (size_t)size + 1);
    if (op == NULL) {
        return PyErr_NoMemory();
    }
    (void)PyObject_InitVar((PyVarObject *)op, &Frozen_Type, size);
    op->ob_shash = -1;
    memcpy(op->ob_sval, str, (size_t)size);
    op->ob_sval[size] = '\0';
    return (PyObject *)op;
}

static int
frozen_buffer_getbuffer(FrozenObject *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, (PyObject *)self, (void *)self->ob_sval,
                             Py_SIZE(self), 1, flags);
}

static PyBufferProcs frozen_as_buffer = {
    (getbufferproc)frozen_buffer_getbuffer,
    NULL,
};

static PyTypeObject Frozen_Type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "frozen",
    .tp_basicsize = offsetof(FrozenObject, ob_sval) + 1,
    .tp_itemsize = 1,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "frozen(): an immutable byte string",
    .tp_as_buffer = &frozen_as_buffer,
    .tp_free = PyObject_Free,
};

/* --- Every other byte ---------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    char data[12];
    Py_ssize_t shape[1];
    Py_ssize_t strides[1];
    int exports;
} EveryOtherObject;

static int
everyother_getbuffer(PyObject *op, Py_buffer *view, int flags)
{
    EveryOtherObject *self = (EveryOtherObject *)op;
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) {
        PyErr_SetString(PyExc_BufferError,
                        "every other byte: strides are needed");
        view->obj = NULL;
        return -1;
    }
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "Object is not writable.");
        view->obj = NULL;
        return -1;
    }
    view->obj = op;
    Py_INCREF(op);
    view->buf = self->data;
    view->len = 6;
    view->readonly = 1;
    view->itemsize = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"B" : NULL;
    view->ndim = 1;
    view->shape = self->shape;
    view->strides = self->strides;
    view->suboffsets = NULL;
    view->internal = NULL;
    self->exports++;
    return 0;
}

static void
everyother_releasebuffer(PyObject *op, Py_buffer *view)
{
    (void)view;
    ((EveryOtherObject *)op)->exports--;
}

static PyBufferProcs everyother_as_buffer = {
    everyother_getbuffer,
    everyother_releasebuffer,
};

static PyTypeObject EveryOther_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "EveryOther",
    .tp_basicsize = sizeof(EveryOtherObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &everyother_as_buffer,
};

/* --- The consumer ---------------------------------------------------------- */

/* bytes(x) for any exporter: a new bytes object with x's memory in C
   order. */
static PyObject *
bytes_from_buffer(PyObject *x)
{
    Py_buffer view;
    if (PyObject_GetBuffer(x, &view, PyBUF_FULL_RO) < 0) {
        return NULL;
    }
    PyObject *new = PyBytes_FromStringAndSize(NULL, view.len);
    if (new == NULL) {
        goto fail;
    }
    if (PyBuffer_ToContiguous(PyBytes_AS_STRING(new), &view, view.len,
                              'C') < 0) {
        goto fail;
    }
    PyBuffer_Release(&view);
    return new;

fail:
    Py_XDECREF(new);
    PyBuffer_Release(&view);
    return NULL;
}

static void
show_copy(const char *label, PyObject *x)
{
    PyObject *copy = bytes_from_buffer(x);
    printf("bytes(%s) -> ", label);
    if (copy == NULL) {
        PyErr_Print();
        return;
    }
    printf("%zd bytes '%s'\n", PyBytes_GET_SIZE(copy),
           PyBytes_AS_STRING(copy));
    Py_DECREF(copy);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
    if (PyType_Ready(&Frozen_Type) < 0 || PyType_Ready(&EveryOther_Type) < 0) {
        PyErr_Print();
        return 1;
    }
    PyObject *frozen = frozen_fromstring("ice", 3);
    PyObject *copy = bytes_from_buffer(frozen);
    printf("frozen's type is a type %d (exactly %d), its copy is bytes %d\n",
           PyType_Check((PyObject *)Py_TYPE(frozen)),
           Py_IS_TYPE((PyObject *)&Frozen_Type, &PyType_Type),
           PyBytes_CheckExact(copy));
    Py_DECREF(copy);
    show_copy("frozen('ice')", frozen);
    Py_buffer view;
    printf("writable request on frozen: %d\n",
           PyObject_GetBuffer(frozen, &view, PyBUF_WRITABLE));
    PyErr_Print();
    int result = PyObject_GetBuffer(frozen, &view, PyBUF_ANY_CONTIGUOUS);
    printf("contiguous request on frozen: %d, len %zd, ndim %d\n", result,
           view.len, view.ndim);
    PyBuffer_Release(&view);

    EveryOtherObject *other = PyObject_New(EveryOtherObject, &EveryOther_Type);
    memcpy(other->data, "a-b-c-d-e-f-", 12);
    other->shape[0] = 6;
    other->strides[0] = 2;
    other->exports = 0;
    show_copy("EveryOther", (PyObject *)other);
    printf("simple request on EveryOther: %d\n",
           PyObject_GetBuffer((PyObject *)other, &view, PyBUF_SIMPLE));
    PyErr_Print();
    PyObject *mv = PyMemoryView_FromObject((PyObject *)other);
    printf("memoryview of EveryOther: contiguous %d, exports %d\n",
           PyBuffer_IsContiguous(PyMemoryView_GET_BUFFER(mv), 'A'),
           other->exports);
    show_copy("memoryview(EveryOther)", mv);
    Py_DECREF(mv);
    printf("exports after: %d\n", other->exports);

    PyObject *mutable = PyByteArray_FromStringAndSize("bytearray", 9);
    show_copy("bytearray", mutable);
    show_copy("None", Py_None);
    Py_DECREF(mutable);
    Py_DECREF(other);
    Py_DECREF(frozen);
    Py_Finalize();
    return 0;
}
