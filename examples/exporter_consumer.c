/* An exporter and a consumer of the new buffer protocol, written only with
 * CPython's API: the same file builds against CPython's Python.h and against
 * minibuf's.
 *
 * The exporter, "Ring", owns a writable block of bytes and counts the
 * buffers it has handed out.  The consumer asks for a buffer twice, once
 * read-only with the full description and once writable, prints what it got,
 * writes through the writable one and gives both back.
 */
#include <Python.h>

typedef struct {
    PyObject_HEAD
    char data[8];
    Py_ssize_t exports;
} Ring;

/* bf_getbuffer: describe data as writable bytes; count the export. */
static int
ring_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Ring *ring = (Ring *)self;
    if (PyBuffer_FillInfo(view, self, ring->data, sizeof(ring->data), 0,
                          flags) < 0) {
        return -1;
    }
    ring->exports++;
    return 0;
}

/* bf_releasebuffer: called while view->obj still holds the reference. */
static void
ring_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((Ring *)self)->exports--;
}

static PyBufferProcs ring_as_buffer = {
    .bf_getbuffer = ring_getbuffer,
    .bf_releasebuffer = ring_releasebuffer,
};

static PyTypeObject RingType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "example.Ring",
    .tp_basicsize = sizeof(Ring),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &ring_as_buffer,
};

static void
show(const char *what, const Py_buffer *view)
{
    printf("%s: len=%zd itemsize=%zd readonly=%d ndim=%d format=%s "
           "shape=%s strides=%s\n", what, view->len, view->itemsize,
           view->readonly, view->ndim,
           view->format ? view->format : "NULL",
           view->shape ? "set" : "NULL", view->strides ? "set" : "NULL");
}

int
main(void)
{
    Py_Initialize();
    if (PyType_Ready(&RingType) < 0) {
        PyErr_Print();
        return 1;
    }
    Ring *ring = PyObject_New(Ring, &RingType);
    if (ring == NULL) {
        PyErr_Print();
        return 1;
    }
    memcpy(ring->data, "minibuf", sizeof(ring->data));
    ring->exports = 0;
    PyObject *obj = (PyObject *)ring;

    printf("exporter: %s, supports the buffer protocol: %d\n",
           Py_TYPE(obj)->tp_name, PyObject_CheckBuffer(obj));

    Py_buffer full, writable;
    if (PyObject_GetBuffer(obj, &full, PyBUF_FULL_RO) < 0) {
        PyErr_Print();
        return 1;
    }
    show("PyBUF_FULL_RO", &full);
    if (PyObject_GetBuffer(obj, &writable, PyBUF_WRITABLE) < 0) {
        PyErr_Print();
        return 1;
    }
    show("PyBUF_WRITABLE", &writable);
    printf("exports held: %zd\n", ring->exports);

    ((char *)writable.buf)[0] = 'M';
    printf("after writing through the writable view: %s\n",
           (const char *)full.buf);

    PyBuffer_Release(&writable);
    PyBuffer_Release(&full);
    printf("exports after release: %zd\n", ring->exports);

    /* An object without the buffer protocol: the type itself. */
    Py_buffer none;
    if (PyObject_GetBuffer((PyObject *)&RingType, &none, PyBUF_SIMPLE) < 0) {
        printf("a type object refuses: ");
        fflush(stdout);
        PyErr_Print();
    }
    Py_DECREF(obj);
    Py_Finalize();
    return 0;
}
