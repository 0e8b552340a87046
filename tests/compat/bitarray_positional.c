/* A bit-array type written as long-lived third-party extensions write
 * theirs: a static PyTypeObject with the classic positional initializer
 * (one commented line per field, casts to the slot typedefs, generic
 * attribute access), the two-entry PyBufferProcs {getbuf, relbuf}, a
 * buffer that may be read-only, and resizing refused while exported.
 */
#include <Python.h>

typedef struct {
    PyObject_VAR_HEAD
    char *ob_item;              /* the bytes holding the bits */
    Py_ssize_t allocated;       /* bytes allocated */
    Py_ssize_t nbits;           /* length in bits */
    int endian;                 /* 0: little, 1: big */
    int ob_exports;             /* buffers exported */
    int readonly;
} bitarrayobject;

#define BYTES(bits) (((bits) + 7) >> 3)

static PyTypeObject Bitarray_Type;

#define bitarray_Check(obj) PyObject_TypeCheck((obj), &Bitarray_Type)

static int
getbit(const bitarrayobject *self, Py_ssize_t i)
{
    int shift = self->endian ? 7 - (int)(i % 8) : (int)(i % 8);
    return (self->ob_item[i >> 3] >> shift) & 1;
}

static void
setbit(bitarrayobject *self, Py_ssize_t i, int bit)
{
    int shift = self->endian ? 7 - (int)(i % 8) : (int)(i % 8);
    char mask = (char)(1 << shift);
    if (bit) {
        self->ob_item[i >> 3] |= mask;
    }
    else {
        self->ob_item[i >> 3] &= (char)~mask;
    }
}

static int
resize(bitarrayobject *self, Py_ssize_t nbits)
{
    Py_ssize_t newsize = BYTES(nbits);
    if (self->ob_exports > 0) {
        PyErr_SetString(PyExc_BufferError,
                        "cannot resize bitarray that is exporting buffers");
        return -1;
    }
    if (newsize > self->allocated) {
        char *items = (char *)PyMem_Realloc(self->ob_item, (size_t)newsize);
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memset(items + self->allocated, 0,
               (size_t)(newsize - self->allocated));
        self->ob_item = items;
        self->allocated = newsize;
    }
    Py_SET_SIZE(self, newsize);
    self->nbits = nbits;
    return 0;
}

static PyObject *
newbitarrayobject(PyTypeObject *type, Py_ssize_t nbits, int endian)
{
    bitarrayobject *obj = (bitarrayobject *)type->tp_alloc(type, 0);
    if (obj == NULL) {
        return NULL;
    }
    Py_SET_SIZE(obj, BYTES(nbits));
    obj->ob_item = NULL;
    obj->allocated = 0;
    if (nbits > 0) {
        obj->ob_item = (char *)PyMem_Malloc((size_t)BYTES(nbits));
        if (obj->ob_item == NULL) {
            PyObject_Del(obj);
            PyErr_NoMemory();
            return NULL;
        }
        memset(obj->ob_item, 0, (size_t)BYTES(nbits));
        obj->allocated = BYTES(nbits);
    }
    obj->nbits = nbits;
    obj->endian = endian;
    obj->ob_exports = 0;
    obj->readonly = 0;
    return (PyObject *)obj;
}

static void
bitarray_dealloc(bitarrayobject *self)
{
    if (self->ob_item != NULL) {
        PyMem_Free((void *)self->ob_item);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
bitarray_repr(bitarrayobject *self)
{
    char text[80];
    Py_ssize_t n = self->nbits < 64 ? self->nbits : 64;
    for (Py_ssize_t i = 0; i < n; i++) {
        text[i] = (char)('0' + getbit(self, i));
    }
    text[n] = '\0';
    return PyUnicode_FromFormat("bitarray('%s')", text);
}

static int
bitarray_getbuffer(bitarrayobject *self, Py_buffer *view, int flags)
{
    int ret;
    void *ptr;
    if (view == NULL) {
        self->ob_exports++;
        return 0;
    }
    ptr = (void *)self->ob_item;
    ret = PyBuffer_FillInfo(view, (PyObject *)self, ptr, Py_SIZE(self),
                            self->readonly, flags);
    if (ret >= 0) {
        self->ob_exports++;
    }
    return ret;
}

static void
bitarray_releasebuffer(bitarrayobject *self, Py_buffer *Py_UNUSED(view))
{
    self->ob_exports--;
}

static PyBufferProcs bitarray_as_buffer = {
    (getbufferproc)bitarray_getbuffer,
    (releasebufferproc)bitarray_releasebuffer,
};

static PyObject *
bitarray_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    return newbitarrayobject(type, 0, 1);
}

static PyTypeObject Bitarray_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "bitarray.bitarray",                      /* tp_name */
    sizeof(bitarrayobject),                   /* tp_basicsize */
    0,                                        /* tp_itemsize */
    (destructor)bitarray_dealloc,             /* tp_dealloc */
    0,                                        /* tp_vectorcall_offset */
    0,                                        /* tp_getattr */
    0,                                        /* tp_setattr */
    0,                                        /* tp_as_async */
    (reprfunc)bitarray_repr,                  /* tp_repr */
    0,                                        /* tp_as_number */
    0,                                        /* tp_as_sequence */
    0,                                        /* tp_as_mapping */
    PyObject_HashNotImplemented,              /* tp_hash */
    0,                                        /* tp_call */
    0,                                        /* tp_str */
    PyObject_GenericGetAttr,                  /* tp_getattro */
    0,                                        /* tp_setattro */
    &bitarray_as_buffer,                      /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* tp_flags */
    0,                                        /* tp_doc */
    0,                                        /* tp_traverse */
    0,                                        /* tp_clear */
    0,                                        /* tp_richcompare */
    0,                                        /* tp_weaklistoffset */
    0,                                        /* tp_iter */
    0,                                        /* tp_iternext */
    0,                                        /* tp_methods */
    0,                                        /* tp_members */
    0,                                        /* tp_getset */
    0,                                        /* tp_base */
    0,                                        /* tp_dict */
    0,                                        /* tp_descr_get */
    0,                                        /* tp_descr_set */
    0,                                        /* tp_dictoffset */
    0,                                        /* tp_init */
    PyType_GenericAlloc,                      /* tp_alloc */
    bitarray_new,                             /* tp_new */
    PyObject_Del,                             /* tp_free */
    0,                                        /* tp_is_gc */
    0,                                        /* tp_bases */
    0,                                        /* tp_mro */
    0,                                        /* tp_cache */
    0,                                        /* tp_subclasses */
    0,                                        /* tp_weaklist */
    0,                                        /* tp_del */
    0,                                        /* tp_version_tag */
    0,                                        /* tp_finalize */
    0,                                        /* tp_vectorcall */
};

/* --- Consumers: a bitarray made from any buffer, and one printed --------- */

static PyObject *
bitarray_frombytes(PyObject *obj)
{
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *res = newbitarrayobject(&Bitarray_Type, 8 * view.len, 1);
    if (res != NULL && view.len > 0) {
        memcpy(((bitarrayobject *)res)->ob_item, view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return res;
}

static void
print_repr(PyObject *obj)
{
    PyObject *text = bitarray_repr((bitarrayobject *)obj);
    printf("%s (%zd bits, %zd bytes)\n", PyUnicode_AsUTF8(text),
           ((bitarrayobject *)obj)->nbits, Py_SIZE(obj));
    Py_DECREF(text);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
    if (PyType_Ready(&Bitarray_Type) < 0) {
        PyErr_Print();
        return 1;
    }
    PyObject *a = Bitarray_Type.tp_new(&Bitarray_Type, NULL, NULL);
    printf("new: ");
    print_repr(a);
    printf("bitarray_Check %d, has the buffer interface %d\n",
           bitarray_Check(a), PyObject_CheckBuffer(a));
    for (Py_ssize_t i = 0; i < 12; i++) {
        if (resize((bitarrayobject *)a, i + 1) < 0) {
            PyErr_Print();
        }
        setbit((bitarrayobject *)a, i, i % 3 == 0);
    }
    print_repr(a);

    PyObject *view = PyMemoryView_FromObject(a);
    Py_buffer *mv = PyMemoryView_GET_BUFFER(view);
    printf("memoryview: len %zd format %s readonly %d, first byte 0x%02x\n",
           mv->len, mv->format, mv->readonly, (unsigned char)*(char *)mv->buf);
    printf("resize while viewed: %d\n", resize((bitarrayobject *)a, 20));
    PyErr_Print();
    Py_DECREF(view);
    printf("resize after: %d\n", resize((bitarrayobject *)a, 20));
    print_repr(a);

    ((bitarrayobject *)a)->readonly = 1;
    Py_buffer w;
    printf("writable request on a read-only bitarray: %d\n",
           PyObject_GetBuffer(a, &w, PyBUF_WRITABLE));
    PyErr_Print();

    PyObject *source = PyBytes_FromStringAndSize("\xf0\x0f", 2);
    PyObject *b = bitarray_frombytes(source);
    printf("frombytes(b'\\xf0\\x0f'): ");
    print_repr(b);
    PyObject *bad = bitarray_frombytes(Py_None);
    printf("frombytes(None): %s\n", bad ? "object" : "NULL");
    PyErr_Print();
    printf("hash: %ld\n", (long)PyObject_Hash(b));
    PyErr_Print();
    Py_DECREF(source);
    Py_DECREF(b);
    Py_DECREF(a);
    Py_Finalize();
    return 0;
}
