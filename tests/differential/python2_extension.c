/* cpython: 2.7-2.7
 *
 * An exporter written as Python 2 extensions wrote them, compiled
 * unchanged against Python 2.7 and against minibuf's Python 2 mode: a
 * positional PyTypeObject in 2.7's field order, a positional
 * PyBufferProcs {readbuf, writebuf, segcount, charbuf} with the slots cast
 * to the proc typedefs, several segments, and a char buffer that is not
 * the read buffer (the text of the bytes).  A second type has one segment
 * and adds the new protocol's two slots with Py_TPFLAGS_HAVE_NEWBUFFER.
 * The consumers are the old protocol's functions, the buffer object and,
 * for the second type, PyObject_GetBuffer.
 */
#define MB_PYTHON2
#include "scenario.h"

typedef struct {
    PyObject_HEAD
    unsigned char bytes[3][4];   /* three segments of four bytes */
    int nsegments;
    char text[3][12];            /* each segment as hex text */
} Record;

static Py_ssize_t
record_getreadbuf(Record *self, Py_ssize_t index, const void **ptr)
{
    if (index < 0 || index >= self->nsegments) {
        PyErr_SetString(PyExc_SystemError,
                        "accessing non-existent record segment");
        return -1;
    }
    *ptr = self->bytes[index];
    return 4;
}

static Py_ssize_t
record_getwritebuf(Record *self, Py_ssize_t index, const void **ptr)
{
    return record_getreadbuf(self, index, ptr);
}

static Py_ssize_t
record_getsegcount(Record *self, Py_ssize_t *lenp)
{
    if (lenp) {
        *lenp = 4 * self->nsegments;
    }
    return self->nsegments;
}

static Py_ssize_t
record_getcharbuf(Record *self, Py_ssize_t index, const char **ptr)
{
    if (index < 0 || index >= self->nsegments) {
        PyErr_SetString(PyExc_SystemError,
                        "accessing non-existent record segment");
        return -1;
    }
    *ptr = self->text[index];
    return (Py_ssize_t)strlen(self->text[index]);
}

static PyBufferProcs record_as_buffer = {
    (readbufferproc)record_getreadbuf,
    (writebufferproc)record_getwritebuf,
    (segcountproc)record_getsegcount,
    (charbufferproc)record_getcharbuf,
};

static void
record_dealloc(PyObject *self)
{
    PyObject_Del(self);
}

static PyTypeObject Record_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "records.Record",           /* tp_name */
    sizeof(Record),             /* tp_basicsize */
    0,                          /* tp_itemsize */
    record_dealloc,             /* tp_dealloc */
    0,                          /* tp_print */
    0,                          /* tp_getattr */
    0,                          /* tp_setattr */
    0,                          /* tp_compare */
    0,                          /* tp_repr */
    0,                          /* tp_as_number */
    0,                          /* tp_as_sequence */
    0,                          /* tp_as_mapping */
    0,                          /* tp_hash */
    0,                          /* tp_call */
    0,                          /* tp_str */
    0,                          /* tp_getattro */
    0,                          /* tp_setattro */
    &record_as_buffer,          /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT,         /* tp_flags */
    "Three segments of bytes",  /* tp_doc */
    0,                          /* tp_traverse */
    0,                          /* tp_clear */
    0,                          /* tp_richcompare */
    0,                          /* tp_weaklistoffset */
    0,                          /* tp_iter */
    0,                          /* tp_iternext */
    0,                          /* tp_methods */
    0,                          /* tp_members */
    0,                          /* tp_getset */
    0,                          /* tp_base */
    0,                          /* tp_dict */
    0,                          /* tp_descr_get */
    0,                          /* tp_descr_set */
    0,                          /* tp_dictoffset */
    0,                          /* tp_init */
    0,                          /* tp_alloc */
    0,                          /* tp_new */
    0,                          /* tp_free */
    0,                          /* tp_is_gc */
    0,                          /* tp_bases */
    0,                          /* tp_mro */
    0,                          /* tp_cache */
    0,                          /* tp_subclasses */
    0,                          /* tp_weaklist */
    0,                          /* tp_del */
    0,                          /* tp_version_tag */
};

/* The same record with one segment and the new protocol as well. */
static int
record_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Record *r = (Record *)self;
    return PyBuffer_FillInfo(view, self, r->bytes[0], 4, 0, flags);
}

static PyBufferProcs both_as_buffer = {
    (readbufferproc)record_getreadbuf,
    (writebufferproc)record_getwritebuf,
    (segcountproc)record_getsegcount,
    (charbufferproc)record_getcharbuf,
    (getbufferproc)record_getbuffer,
    (releasebufferproc)0,
};

static PyTypeObject Both_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "records.Both",             /* tp_name */
    sizeof(Record),             /* tp_basicsize */
    0,                          /* tp_itemsize */
    record_dealloc,             /* tp_dealloc */
    0, 0, 0, 0, 0,              /* tp_print ... tp_repr */
    0, 0, 0,                    /* tp_as_number ... tp_as_mapping */
    0, 0, 0,                    /* tp_hash, tp_call, tp_str */
    0, 0,                       /* tp_getattro, tp_setattro */
    &both_as_buffer,            /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_NEWBUFFER, /* tp_flags */
};

static Record *
new_record(PyTypeObject *type, int nsegments)
{
    Record *r = PyObject_NEW(Record, type);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
            r->bytes[i][j] = (unsigned char)(16 * i + 3 * j + 1);
        }
        sprintf(r->text[i], "%02x%02x%02x%02x", r->bytes[i][0],
                r->bytes[i][1], r->bytes[i][2], r->bytes[i][3]);
    }
    r->nsegments = nsegments;
    return r;
}

static void
show_bytes(const char *label, int result, const void *p, Py_ssize_t len)
{
    printf("%s -> %d", label, result);
    if (result == 0) {
        printf(", %ld bytes:", (long)len);
        for (Py_ssize_t i = 0; i < len; i++) {
            printf(" %02x", ((const unsigned char *)p)[i]);
        }
    }
    printf("\n");
    print_error();
}

static void
old_functions(const char *title, PyObject *obj)
{
    const char *chars;
    const void *read;
    void *write;
    Py_ssize_t len;
    printf("== %s\n", title);
    int result = PyObject_AsCharBuffer(obj, &chars, &len);
    printf("AsCharBuffer -> %d", result);
    if (result == 0) {
        printf(", '%.*s'", (int)len, chars);
    }
    printf("\n");
    print_error();
    result = PyObject_AsReadBuffer(obj, &read, &len);
    show_bytes("AsReadBuffer", result, read, len);
    result = PyObject_AsWriteBuffer(obj, &write, &len);
    if (result == 0) {
        ((unsigned char *)write)[0] ^= 0xff;
    }
    show_bytes("AsWriteBuffer (first byte flipped)", result, write, len);
    printf("CheckReadBuffer -> %d\n", PyObject_CheckReadBuffer(obj));
    print_error();
}

static void
through_a_buffer_object(PyObject *obj)
{
    PyObject *b = PyBuffer_FromObject(obj, 1, 2);
    printf("PyBuffer_FromObject(obj, 1, 2) -> %s\n", b ? "buffer" : "NULL");
    print_error();
    if (b == NULL) {
        return;
    }
    const void *read;
    const char *chars;
    Py_ssize_t len;
    int result = PyObject_AsReadBuffer(b, &read, &len);
    show_bytes("  AsReadBuffer", result, read, len);
    result = PyObject_AsCharBuffer(b, &chars, &len);
    printf("  AsCharBuffer -> %d", result);
    if (result == 0) {
        printf(", '%.*s'", (int)len, chars);
    }
    printf("\n");
    print_error();
    Py_DECREF(b);
}

int
main(void)
{
    scenario_begin();
    if (PyType_Ready(&Record_Type) < 0 || PyType_Ready(&Both_Type) < 0) {
        print_error();
        return 1;
    }
    printf("flags: HAVE_GETCHARBUFFER in the default %d, NEWBUFFER %d\n",
           (Py_TPFLAGS_DEFAULT & Py_TPFLAGS_HAVE_GETCHARBUFFER) != 0,
           (Py_TPFLAGS_DEFAULT & Py_TPFLAGS_HAVE_NEWBUFFER) != 0);
    Record *three = new_record(&Record_Type, 3);
    Record *one = new_record(&Record_Type, 1);
    Record *both = new_record(&Both_Type, 1);
    old_functions("three segments", (PyObject *)three);
    old_functions("one segment", (PyObject *)one);
    old_functions("one segment and the new protocol", (PyObject *)both);
    through_a_buffer_object((PyObject *)one);
    through_a_buffer_object((PyObject *)three);

    printf("PyObject_CheckBuffer: Record %d, Both %d\n",
           PyObject_CheckBuffer((PyObject *)one),
           PyObject_CheckBuffer((PyObject *)both));
    Py_buffer view;
    int result = PyObject_GetBuffer((PyObject *)both, &view, PyBUF_RECORDS);
    printf("PyObject_GetBuffer(Both, PyBUF_RECORDS) -> %d", result);
    if (result == 0) {
        printf(", len %ld, format %s, first byte %02x\n", (long)view.len,
               view.format, *(unsigned char *)view.buf);
        PyBuffer_Release(&view);
    }
    else {
        printf("\n");
    }
    print_error();
    Py_DECREF(three);
    Py_DECREF(one);
    Py_DECREF(both);
    return scenario_end();
}
