/* A typed array defined with a type spec, written as array modules write
 * it: a heap type with GC and sequence flags, items kept in a block grown
 * with PyMem_RESIZE, a buffer whose shape points at ob_size, the format of
 * the type code ('w' for wide characters where Py_UNICODE is 4 bytes), and
 * resizing refused while buffers are exported.
 */
#include <Python.h>

typedef struct {
    char typecode;
    Py_ssize_t itemsize;
    const char *format;
} ItemDescr;

static const ItemDescr descriptors[] = {
    {'B', sizeof(unsigned char), "B"},
    {'i', sizeof(int), "i"},
    {'d', sizeof(double), "d"},
    {'u', sizeof(wchar_t), "u"},
    {'\0', 0, NULL},
};

typedef struct {
    PyObject_VAR_HEAD
    char *ob_item;
    Py_ssize_t allocated;
    const ItemDescr *ob_descr;
    Py_ssize_t ob_exports;
} ArrayObject;

/* --- The type's slots ------------------------------------------------------ */

static int
array_traverse(ArrayObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static void
array_dealloc(ArrayObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->ob_item != NULL) {
        PyMem_Free(self->ob_item);
    }
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static char emptybuf[] = "";

static int
array_buffer_getbuf(ArrayObject *self, Py_buffer *view, int flags)
{
    if (view == NULL) {
        PyErr_SetString(PyExc_BufferError,
                        "array_buffer_getbuf: view==NULL argument is obsolete");
        return -1;
    }
    view->buf = (void *)self->ob_item;
    view->obj = Py_NewRef((PyObject *)self);
    if (view->buf == NULL) {
        view->buf = (void *)emptybuf;
    }
    view->len = Py_SIZE(self) * self->ob_descr->itemsize;
    view->readonly = 0;
    view->ndim = 1;
    view->itemsize = self->ob_descr->itemsize;
    view->suboffsets = NULL;
    view->shape = NULL;
    if ((flags & PyBUF_ND) == PyBUF_ND) {
        view->shape = &((PyVarObject *)self)->ob_size;
    }
    view->strides = NULL;
    if ((flags & PyBUF_STRIDES) == PyBUF_STRIDES) {
        view->strides = &(view->itemsize);
    }
    view->format = NULL;
    view->internal = NULL;
    if ((flags & PyBUF_FORMAT) == PyBUF_FORMAT) {
        view->format = (char *)self->ob_descr->format;
#ifdef Py_UNICODE_WIDE
        if (self->ob_descr->typecode == 'u') {
            view->format = (char *)"w";
        }
#endif
    }
    self->ob_exports++;
    return 0;
}

static void
array_buffer_relbuf(ArrayObject *self, Py_buffer *Py_UNUSED(view))
{
    self->ob_exports--;
}

static const char array_doc[] = "array(typecode) -> a typed array";

static PyType_Slot array_slots[] = {
    {Py_tp_dealloc, (void *)array_dealloc},
    {Py_tp_traverse, (void *)array_traverse},
    {Py_tp_doc, (void *)array_doc},
    {Py_tp_getattro, (void *)PyObject_GenericGetAttr},
    {Py_tp_alloc, (void *)PyType_GenericAlloc},
    {Py_tp_free, (void *)PyObject_GC_Del},
    {Py_bf_getbuffer, (void *)array_buffer_getbuf},
    {Py_bf_releasebuffer, (void *)array_buffer_relbuf},
    {0, NULL},
};

static PyType_Spec array_spec = {
    .name = "array.array",
    .basicsize = sizeof(ArrayObject),
    .flags = (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC
              | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_SEQUENCE),
    .slots = array_slots,
};

/* --- Making and growing arrays --------------------------------------------- */

static PyObject *
newarrayobject(PyTypeObject *type, Py_ssize_t size, const ItemDescr *descr)
{
    ArrayObject *op = PyObject_GC_New(ArrayObject, type);
    if (op == NULL) {
        return NULL;
    }
    op->ob_descr = descr;
    op->allocated = size;
    op->ob_exports = 0;
    Py_SET_SIZE(op, size);
    if (size <= 0) {
        op->ob_item = NULL;
    }
    else {
        op->ob_item = PyMem_NEW(char, size * descr->itemsize);
        if (op->ob_item == NULL) {
            Py_DECREF(op);
            return PyErr_NoMemory();
        }
    }
    PyObject_GC_Track(op);
    return (PyObject *)op;
}

static int
array_resize(ArrayObject *self, Py_ssize_t newsize)
{
    char *items;
    if (self->ob_exports > 0 && newsize != Py_SIZE(self)) {
        PyErr_SetString(PyExc_BufferError,
                        "cannot resize an array that is exporting buffers");
        return -1;
    }
    if (self->allocated >= newsize && Py_SIZE(self) < newsize + 16
        && self->ob_item != NULL) {
        Py_SET_SIZE(self, newsize);
        return 0;
    }
    Py_ssize_t allocated = (newsize >> 4) + (Py_SIZE(self) < 8 ? 3 : 7)
                           + newsize;
    items = self->ob_item;
    if (allocated <= PY_SSIZE_T_MAX / self->ob_descr->itemsize) {
        PyMem_RESIZE(items, char, allocated * self->ob_descr->itemsize);
    }
    else {
        items = NULL;
    }
    if (items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->ob_item = items;
    Py_SET_SIZE(self, newsize);
    self->allocated = allocated;
    return 0;
}

/* Append the item at `value` (itemsize bytes). */
static int
array_append(ArrayObject *self, const void *value)
{
    Py_ssize_t n = Py_SIZE(self);
    if (array_resize(self, n + 1) < 0) {
        return -1;
    }
    memcpy(self->ob_item + n * self->ob_descr->itemsize, value,
           (size_t)self->ob_descr->itemsize);
    return 0;
}

/* --- The caller ------------------------------------------------------------ */

static void
describe(PyObject *array, const char *label)
{
    Py_buffer view;
    if (PyObject_GetBuffer(array, &view, PyBUF_FULL_RO) < 0) {
        PyErr_Print();
        return;
    }
    printf("%s: format '%s' itemsize %zd len %zd shape[0] %zd "
           "strides[0] %zd\n", label, view.format, view.itemsize, view.len,
           view.shape[0], view.strides[0]);
    PyBuffer_Release(&view);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
    PyObject *type = PyType_FromSpec(&array_spec);
    if (type == NULL) {
        PyErr_Print();
        return 1;
    }
    PyTypeObject *tp = (PyTypeObject *)type;
    printf("type '%s': heap %d, GC %d, sequence %d, immutable %d\n",
           tp->tp_name, PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE),
           PyType_HasFeature(tp, Py_TPFLAGS_HAVE_GC),
           PyType_HasFeature(tp, Py_TPFLAGS_SEQUENCE),
           PyType_HasFeature(tp, Py_TPFLAGS_IMMUTABLETYPE));

    PyObject *bytes = newarrayobject(tp, 0, &descriptors[0]);
    for (int i = 0; i < 40; i++) {
        unsigned char c = (unsigned char)('a' + i % 26);
        if (array_append((ArrayObject *)bytes, &c) < 0) {
            PyErr_Print();
        }
    }
    describe(bytes, "array('B') of 40");
    printf("allocated %zd for 40 items\n", ((ArrayObject *)bytes)->allocated);

    PyObject *view = PyMemoryView_FromObject(bytes);
    unsigned char more = 'z';
    printf("append while a memoryview holds it: %d\n",
           array_append((ArrayObject *)bytes, &more));
    PyErr_Print();
    Py_DECREF(view);
    int appended = array_append((ArrayObject *)bytes, &more);
    printf("append after the memoryview is gone: %d, size %zd\n", appended,
           Py_SIZE(bytes));

    PyObject *wide = newarrayobject(tp, 3, &descriptors[3]);
    memcpy(((ArrayObject *)wide)->ob_item, L"h\u00e9\u20ac",
           3 * sizeof(wchar_t));
    describe(wide, "array('u') of 3");

    PyObject *doubles = newarrayobject(tp, 2, &descriptors[2]);
    double d[2] = {0.5, -2.0};
    memcpy(((ArrayObject *)doubles)->ob_item, d, sizeof(d));
    describe(doubles, "array('d') of 2");
    Py_buffer simple;
    if (PyObject_GetBuffer(doubles, &simple, PyBUF_SIMPLE) == 0) {
        printf("PyBUF_SIMPLE: format %s shape %s strides %s, second %g\n",
               simple.format ? simple.format : "NULL",
               simple.shape ? "set" : "NULL",
               simple.strides ? "set" : "NULL", ((double *)simple.buf)[1]);
        PyBuffer_Release(&simple);
    }
    PyObject *empty = newarrayobject(tp, 0, &descriptors[1]);
    describe(empty, "array('i') empty");

    Py_ssize_t before = Py_REFCNT(type);
    Py_DECREF(bytes);
    Py_DECREF(wide);
    Py_DECREF(doubles);
    Py_DECREF(empty);
    printf("four instances gone: type count %+zd\n",
           Py_REFCNT(type) - before);
    Py_DECREF(type);
    Py_Finalize();
    return 0;
}
