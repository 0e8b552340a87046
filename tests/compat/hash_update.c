/* A hashing object's update(obj), written as hashing modules write it: a
 * macro that gets a simple buffer from any object or returns NULL with the
 * usual errors (text must be encoded first, the object must support the
 * buffer API, one dimension only), a method table, Py_RETURN_NONE.
 *
 * The hash is 64-bit FNV-1a.  The module boilerplate (PyModuleDef,
 * PyInit_) is left out: the program calls the methods directly, with the
 * objects a Python caller would pass, including a two-dimensional one.
 */
#include <Python.h>
#include <stdint.h>

#define GET_SIMPLE_VIEW_OR_RETURN(obj, view)                           \
    do {                                                               \
        if (PyUnicode_Check(obj)) {                                    \
            PyErr_SetString(PyExc_TypeError,                           \
                            "Strings must be encoded before hashing"); \
            return NULL;                                               \
        }                                                              \
        if (!PyObject_CheckBuffer(obj)) {                              \
            PyErr_SetString(PyExc_TypeError,                           \
                            "object supporting the buffer API "        \
                            "required");                               \
            return NULL;                                               \
        }                                                              \
        if (PyObject_GetBuffer((obj), (view), PyBUF_SIMPLE) == -1) {   \
            return NULL;                                               \
        }                                                              \
        if ((view)->ndim > 1) {                                        \
            PyErr_SetString(PyExc_BufferError,                         \
                            "Buffer must be single dimension");        \
            PyBuffer_Release(view);                                    \
            return NULL;                                               \
        }                                                              \
    } while (0)

typedef struct {
    PyObject_HEAD
    uint64_t state;
    Py_ssize_t length;
} FnvObject;

static PyTypeObject Fnv_Type;

static FnvObject *
fnv_new(void)
{
    FnvObject *self = PyObject_New(FnvObject, &Fnv_Type);
    if (self == NULL) {
        return NULL;
    }
    self->state = 0xcbf29ce484222325ULL;
    self->length = 0;
    return self;
}

static void
fnv_dealloc(FnvObject *self)
{
    PyObject_Free(self);
}

static PyObject *
fnv_update(FnvObject *self, PyObject *obj)
{
    Py_buffer view;
    GET_SIMPLE_VIEW_OR_RETURN(obj, &view);
    const unsigned char *p = (const unsigned char *)view.buf;
    for (Py_ssize_t i = 0; i < view.len; i++) {
        self->state = (self->state ^ p[i]) * 0x100000001b3ULL;
    }
    self->length += view.len;
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *
fnv_intdigest(FnvObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromUnsignedLongLong(self->state);
}

static PyMethodDef fnv_methods[] = {
    {"update", (PyCFunction)(void (*)(void))fnv_update, METH_O,
     "Update this hash object's state with the provided bytes-like object."},
    {"intdigest", (PyCFunction)(void (*)(void))fnv_intdigest, METH_NOARGS,
     "Return the digest value as an int."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject Fnv_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_fnv.fnv1a_64",
    .tp_basicsize = sizeof(FnvObject),
    .tp_dealloc = (destructor)fnv_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = fnv_methods,
};

/* --- A two-dimensional exporter for the "single dimension" check ---------- */

typedef struct {
    PyObject_HEAD
    unsigned char cells[2][3];
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
} GridObject;

static int
grid_getbuffer(PyObject *op, Py_buffer *view, int flags)
{
    /* Every request gets the block as two dimensions, as some exporters
       answer: the consumer has to look at ndim. */
    GridObject *self = (GridObject *)op;
    view->buf = self->cells;
    view->obj = Py_NewRef(op);
    view->len = sizeof(self->cells);
    view->readonly = 1;
    view->itemsize = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"B" : NULL;
    view->ndim = 2;
    view->shape = self->shape;
    view->strides = self->strides;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static PyBufferProcs grid_as_buffer = {
    grid_getbuffer,
    NULL,
};

static PyTypeObject Grid_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "grid.Grid",
    .tp_basicsize = sizeof(GridObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &grid_as_buffer,
};

static PyObject *
grid_new(void)
{
    GridObject *self = PyObject_New(GridObject, &Grid_Type);
    if (self == NULL) {
        return NULL;
    }
    memcpy(self->cells, "abcdef", 6);
    self->shape[0] = 2;
    self->shape[1] = 3;
    self->strides[0] = 3;
    self->strides[1] = 1;
    return (PyObject *)self;
}

/* --- The caller ------------------------------------------------------------ */

static void
call_update(FnvObject *hash, const char *what, PyObject *arg)
{
    if (arg == NULL) {
        PyErr_Print();
        return;
    }
    PyObject *result = fnv_update(hash, arg);
    printf("update(%s): ", what);
    fflush(stdout);
    if (result == NULL) {
        PyErr_Print();
    }
    else {
        printf("%s, %zd bytes so far\n",
               result == Py_None ? "None" : "?", hash->length);
        Py_DECREF(result);
    }
    Py_DECREF(arg);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
    if (PyType_Ready(&Fnv_Type) < 0 || PyType_Ready(&Grid_Type) < 0) {
        PyErr_Print();
        return 1;
    }
    FnvObject *hash = fnv_new();
    call_update(hash, "b'hello '", PyBytes_FromString("hello "));
    call_update(hash, "bytearray(b'world')",
                PyByteArray_FromStringAndSize("world", 5));
    PyObject *source = PyBytes_FromStringAndSize("!\0!", 3);
    call_update(hash, "memoryview(b'!\\0!')", PyMemoryView_FromObject(source));
    Py_DECREF(source);
    call_update(hash, "'text'", PyUnicode_FromString("text"));
    call_update(hash, "42", PyLong_FromLong(42));
    call_update(hash, "None", Py_NewRef(Py_None));
    call_update(hash, "Grid()", grid_new());
    call_update(hash, "True", PyBool_FromLong(1));

    PyObject *digest = fnv_intdigest(hash, NULL);
    unsigned long long value = PyLong_AsUnsignedLongLong(digest);
    printf("intdigest: %016llx (%zd bytes)\n", value, hash->length);
    Py_DECREF(digest);
    Py_DECREF(hash);
    printf("method table: %s (METH_O %d), %s (METH_NOARGS %d)\n",
           fnv_methods[0].ml_name, fnv_methods[0].ml_flags == METH_O,
           fnv_methods[1].ml_name, fnv_methods[1].ml_flags == METH_NOARGS);
    Py_Finalize();
    return 0;
}
