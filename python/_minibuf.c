/* The Python module's CPython half: the extension module _minibuf, which
 * the package minibuf (python/minibuf/__init__.py) builds its ndarray and
 * memoryview on.
 *
 * Compiled against CPython's headers.  Every buffer operation is a call
 * into minibuf through bridge.h (mbside.c); this file only converts
 * between Python values and C ones, and bridges the two protocols:
 * - _minibuf.Object, the base of minibuf's Python objects, holds a minibuf
 *   object and exports its memory through CPython's protocol (bytes(m),
 *   struct.unpack_from, NumPy read it in place): its bf_getbuffer asks
 *   minibuf for the same request and keeps minibuf's view until CPython's
 *   release;
 * - a CPython exporter given to minibuf becomes a minibuf object whose
 *   bf_getbuffer asks CPython, keeping CPython's view until minibuf's
 *   release, exactly once;
 * - __dlpack__ and __dlpack_device__ on every minibuf object hand its
 *   memory to DLPack consumers (numpy.from_dlpack) through minibuf's
 *   bridge (mbdlpack.h).
 * minibuf's exceptions become CPython's of the same type and message.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "bridge.h"

_Static_assert(sizeof(Py_buffer) == MBS_VIEW_SIZE,
               "Py_buffer has the layout minibuf's side expects");
_Static_assert(offsetof(Py_buffer, internal) == 72,
               "Py_buffer has the layout minibuf's side expects");

/* --- Errors ------------------------------------------------------------------ */

/* minibuf's pending exception raised as CPython's; returns NULL. */
static PyObject *
raise_minibuf_error(void)
{
    MbsError error;
    if (!mbs_take_error(&error)) {
        PyErr_SetString(PyExc_SystemError,
                        "minibuf failed without an exception");
        return NULL;
    }
    PyObject *type = NULL;
    if (strcmp(error.type, "struct.error") == 0) {
        PyObject *module = PyImport_ImportModule("struct");
        if (module != NULL) {
            type = PyObject_GetAttrString(module, "error");
            Py_DECREF(module);
        }
    }
    else {
        type = PyDict_GetItemString(PyEval_GetBuiltins(), error.type);
        Py_XINCREF(type);
    }
    if (type == NULL || !PyExceptionClass_Check(type)) {
        PyErr_Clear();
        PyErr_Format(PyExc_SystemError, "%s: %s", error.type, error.message);
    }
    else {
        PyErr_SetString(type, error.message);
    }
    Py_XDECREF(type);
    return NULL;
}

static int
fail_int(void)
{
    (void)raise_minibuf_error();
    return -1;
}

/* CPython's pending exception handed to minibuf (for a CPython exporter
   called by minibuf). */
static void
pass_error_to_minibuf(void)
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    PyObject *text = value ? PyObject_Str(value) : NULL;
    const char *message = text ? PyUnicode_AsUTF8(text) : NULL;
    mbs_set_error(type ? ((PyTypeObject *)type)->tp_name : "SystemError",
                  message ? message : "");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    PyErr_Clear();
}

/* --- _minibuf.Object: a minibuf object, exported to CPython ---------------- */

typedef struct {
    PyObject_HEAD
    void *mb;                 /* the minibuf object, referenced */
} Object;

static PyTypeObject ObjectType;

#define Object_Check(op) PyObject_TypeCheck((op), &ObjectType)

/* Every wrapper made, by the address of its minibuf object (weak values):
   how a minibuf object named in a view finds its Python object. */
static PyObject *registry;

/* The view minibuf gave, kept while CPython's view lives. */
typedef struct {
    char view[MBS_VIEW_SIZE];
} Held;

static int
object_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Object *o = (Object *)self;
    Held *held = PyMem_Malloc(sizeof(Held));
    if (held == NULL) {
        view->obj = NULL;
        PyErr_NoMemory();
        return -1;
    }
    if (o->mb == NULL || mbs_get_buffer(o->mb, held->view, flags) < 0) {
        PyMem_Free(held);
        view->obj = NULL;
        if (o->mb == NULL) {
            PyErr_SetString(PyExc_ValueError, "uninitialized object");
            return -1;
        }
        return fail_int();
    }
    memcpy(view, held->view, sizeof(Py_buffer));
    view->obj = Py_NewRef(self);
    view->internal = held;
    return 0;
}

static void
object_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)self;
    Held *held = view->internal;
    mbs_release(held->view);
    PyMem_Free(held);
}

static void
object_dealloc(PyObject *self)
{
    Object *o = (Object *)self;
    if (o->mb != NULL) {
        mbs_decref(o->mb);
    }
    Py_TYPE(self)->tp_free(self);
}

static PyBufferProcs object_as_buffer = {object_getbuffer,
                                         object_releasebuffer};

/* A "dltensor" capsule no consumer took (a consumer renames it) still
   owns its tensor: the tensor's deleter gives the export back. */
static void
dlpack_capsule_destructor(PyObject *capsule)
{
    if (PyCapsule_IsValid(capsule, "dltensor")) {
        mbs_dlpack_delete(PyCapsule_GetPointer(capsule, "dltensor"));
    }
}

/* __dlpack__(*, stream=None): the object's memory as a "dltensor" capsule
   of minibuf's MbDLPack_Export (the export held until the consumer calls
   the tensor's deleter).  The memory is the CPU's, so stream must be
   None.  A consumer that passes max_version (the Array API's newer
   protocol) gets TypeError and, as the protocol says, asks again
   without it. */
static PyObject *
object_dlpack(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"stream", NULL};
    PyObject *stream = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$O:__dlpack__",
                                     keywords, &stream)) {
        return NULL;
    }
    if (stream != Py_None) {
        PyErr_SetString(PyExc_BufferError,
                        "minibuf's memory is the CPU's: stream must be None");
        return NULL;
    }
    Object *o = (Object *)self;
    if (o->mb == NULL) {
        PyErr_SetString(PyExc_ValueError, "uninitialized object");
        return NULL;
    }
    void *tensor = mbs_dlpack_export(o->mb);
    if (tensor == NULL) {
        return raise_minibuf_error();
    }
    PyObject *capsule = PyCapsule_New(tensor, "dltensor",
                                      dlpack_capsule_destructor);
    if (capsule == NULL) {
        mbs_dlpack_delete(tensor);
    }
    return capsule;
}

/* __dlpack_device__(): (kDLCPU, 0). */
static PyObject *
object_dlpack_device(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return Py_BuildValue("(ii)", 1, 0);
}

static PyMethodDef object_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))object_dlpack,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {"__dlpack_device__", object_dlpack_device, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ObjectType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "minibuf._minibuf.Object",
    .tp_basicsize = sizeof(Object),
    .tp_dealloc = object_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A minibuf object, exported through CPython's protocol.",
    .tp_as_buffer = &object_as_buffer,
    .tp_methods = object_methods,
    .tp_new = PyType_GenericNew,
};

/* A new instance of cls (a subclass of Object) holding mb (a reference it
   steals); NULL with minibuf's error when mb is NULL. */
static PyObject *
wrap(PyObject *cls, void *mb)
{
    if (mb == NULL) {
        return raise_minibuf_error();
    }
    if (!PyType_Check(cls)
        || !PyType_IsSubtype((PyTypeObject *)cls, &ObjectType)) {
        mbs_decref(mb);
        PyErr_SetString(PyExc_TypeError, "not a minibuf object type");
        return NULL;
    }
    PyObject *self = ((PyTypeObject *)cls)->tp_alloc((PyTypeObject *)cls, 0);
    if (self == NULL) {
        mbs_decref(mb);
        return NULL;
    }
    ((Object *)self)->mb = mb;
    PyObject *key = PyLong_FromVoidPtr(mb);
    if (key == NULL || PyObject_SetItem(registry, key, self) < 0) {
        Py_XDECREF(key);
        Py_DECREF(self);
        return NULL;
    }
    Py_DECREF(key);
    return self;
}

/* --- A CPython exporter seen by minibuf ------------------------------------ */

typedef struct {
    Py_buffer view;           /* CPython's */
} Borrowed;

static int
foreign_getbuffer(void *exporter, void *view, int flags)
{
    Borrowed *borrowed = PyMem_Malloc(sizeof(Borrowed));
    if (borrowed == NULL) {
        mbs_set_error("MemoryError", "");
        return -1;
    }
    if (PyObject_GetBuffer(exporter, &borrowed->view, flags) < 0) {
        PyMem_Free(borrowed);
        pass_error_to_minibuf();
        return -1;
    }
    memcpy(view, &borrowed->view, sizeof(Py_buffer));
    ((Py_buffer *)view)->internal = borrowed;
    return 0;
}

static void
foreign_release(void *exporter, void *view)
{
    (void)exporter;
    Borrowed *borrowed = ((Py_buffer *)view)->internal;
    PyBuffer_Release(&borrowed->view);
    PyMem_Free(borrowed);
}

static void
foreign_forget(void *exporter)
{
    Py_DECREF((PyObject *)exporter);
}

static const MbsForeignProcs foreign_procs = {
    foreign_getbuffer, foreign_release, foreign_forget,
};

/* obj as a minibuf object, a new minibuf reference: its own for a minibuf
   object, a bridge for a CPython exporter; NULL with TypeError for any
   other object. */
static void *
as_minibuf(PyObject *obj)
{
    if (Object_Check(obj)) {
        void *mb = ((Object *)obj)->mb;
        if (mb == NULL) {
            PyErr_SetString(PyExc_ValueError, "uninitialized object");
            return NULL;
        }
        mbs_incref(mb);
        return mb;
    }
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "a bytes-like object is required, not '%.100s'",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    void *mb = mbs_foreign_new(Py_NewRef(obj), &foreign_procs);
    if (mb == NULL) {
        (void)raise_minibuf_error();
    }
    return mb;
}

static void *
object_mb(PyObject *obj)
{
    if (!Object_Check(obj) || ((Object *)obj)->mb == NULL) {
        PyErr_SetString(PyExc_TypeError, "expected a minibuf object");
        return NULL;
    }
    return ((Object *)obj)->mb;
}

/* --- Conversions --------------------------------------------------------------- */

#define MAX_DIMS 128

/* A sequence of ints into array[MAX_DIMS]; its length, or -1. */
static int
ssize_array(PyObject *sequence, mbs_ssize_t *array, const char *what)
{
    PyObject *fast = PySequence_Fast(sequence, what);
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_DIMS) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: more than %d entries", what,
                     MAX_DIMS);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyLong_Check(item)) {
            Py_DECREF(fast);
            /* ndarray's shape and strides: _testbuffer's ValueError;
               memoryview.cast's shape: CPython's TypeError. */
            PyErr_Format(strcmp(what, "cast") == 0 ? PyExc_TypeError
                                                   : PyExc_ValueError,
                         "%s: elements of shape must be integers",
                         strcmp(what, "cast") == 0 ? "memoryview.cast()"
                                                   : what);
            return -1;
        }
        array[i] = PyLong_AsSsize_t(item);
        if (array[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return (int)n;
}

static PyObject *
tuple_of(const Py_ssize_t *array, int n)
{
    if (array == NULL) {
        Py_RETURN_NONE;
    }
    PyObject *t = PyTuple_New(n);
    for (int i = 0; t != NULL && i < n; i++) {
        PyTuple_SET_ITEM(t, i, PyLong_FromSsize_t(array[i]));
    }
    return t;
}

/* A view's fields as a tuple: (len, itemsize, readonly, ndim, format,
   shape, strides, suboffsets, c_contiguous, f_contiguous, contiguous);
   the contiguity from minibuf's PyBuffer_IsContiguous, or, when
   contiguity >= 0, from those bits (1: C, 2: Fortran). */
static PyObject *
view_tuple(const Py_buffer *v, int contiguity)
{
    int c = contiguity >= 0 ? (contiguity & 1) != 0
                            : mbs_is_contiguous(v, 'C');
    int f = contiguity >= 0 ? (contiguity & 2) != 0
                            : mbs_is_contiguous(v, 'F');
    int any = contiguity >= 0 ? c || f : mbs_is_contiguous(v, 'A');
    return Py_BuildValue(
        "nnNiNNNNNNN", v->len, v->itemsize, PyBool_FromLong(v->readonly),
        v->ndim,
        v->format ? PyUnicode_FromString(v->format) : Py_NewRef(Py_None),
        tuple_of(v->shape, v->ndim), tuple_of(v->strides, v->ndim),
        tuple_of(v->suboffsets, v->ndim), PyBool_FromLong(c),
        PyBool_FromLong(f), PyBool_FromLong(any));
}

/* A layout from Python values; 0 or -1.  arrays holds shape, then
   strides. */
static int
layout_of(MbsLayout *layout, Py_buffer *data, const char *format,
          PyObject *shape, PyObject *strides, Py_ssize_t offset, int flags,
          mbs_ssize_t arrays[2][MAX_DIMS])
{
    layout->memory = data->buf;
    layout->nbytes = data->len;
    layout->format = format;
    layout->offset = offset;
    layout->flags = flags;
    layout->ndim = ssize_array(shape, arrays[0], "shape");
    if (layout->ndim < 0) {
        return -1;
    }
    layout->shape = arrays[0];
    layout->nstrides = 0;
    layout->strides = NULL;
    if (strides != Py_None) {
        layout->nstrides = ssize_array(strides, arrays[1], "strides");
        if (layout->nstrides < 0) {
            return -1;
        }
        layout->strides = arrays[1];
    }
    return 0;
}

/* --- ndarray --------------------------------------------------------------- */

static PyObject *
nd_new(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *shape, *strides;
    Py_buffer data;
    const char *format;
    Py_ssize_t offset;
    int flags;
    if (!PyArg_ParseTuple(args, "Oy*zOOni:nd_new", &cls, &data, &format,
                          &shape, &strides, &offset, &flags)) {
        return NULL;
    }
    MbsLayout layout;
    mbs_ssize_t arrays[2][MAX_DIMS];
    PyObject *result = NULL;
    if (layout_of(&layout, &data, format, shape, strides, offset, flags,
                  arrays) == 0) {
        result = wrap(cls, mbs_nd_new(&layout));
    }
    PyBuffer_Release(&data);
    return result;
}

static PyObject *
nd_push(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *nd, *shape, *strides;
    Py_buffer data;
    const char *format;
    Py_ssize_t offset;
    int flags;
    if (!PyArg_ParseTuple(args, "Oy*zOOni:nd_push", &nd, &data, &format,
                          &shape, &strides, &offset, &flags)) {
        return NULL;
    }
    void *mb = object_mb(nd);
    MbsLayout layout;
    mbs_ssize_t arrays[2][MAX_DIMS];
    int r = -1;
    if (mb != NULL && layout_of(&layout, &data, format, shape, strides,
                                offset, flags, arrays) == 0) {
        r = mbs_nd_push(mb, &layout) < 0 ? fail_int() : 0;
    }
    PyBuffer_Release(&data);
    if (r < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
nd_from_exporter(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *obj;
    int getbuf, flags;
    if (!PyArg_ParseTuple(args, "OOii:nd_from_exporter", &cls, &obj, &getbuf,
                          &flags)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    void *nd = mbs_nd_from_exporter(mb, getbuf, flags);
    mbs_decref(mb);
    return wrap(cls, nd);
}

/* nd_pop(nd), nd_add_suboffsets(nd). */
static PyObject *
nd_call(PyObject *nd, int (*call)(void *))
{
    void *mb = object_mb(nd);
    if (mb == NULL) {
        return NULL;
    }
    if (call(mb) < 0) {
        return raise_minibuf_error();
    }
    Py_RETURN_NONE;
}

static PyObject *
nd_pop(PyObject *module, PyObject *nd)
{
    (void)module;
    return nd_call(nd, mbs_nd_pop);
}

static PyObject *
nd_add_suboffsets(PyObject *module, PyObject *nd)
{
    (void)module;
    return nd_call(nd, mbs_nd_add_suboffsets);
}

static PyObject *
nd_index(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *nd;
    Py_ssize_t index;
    if (!PyArg_ParseTuple(args, "OOn:nd_index", &cls, &nd, &index)) {
        return NULL;
    }
    void *mb = object_mb(nd);
    return mb == NULL ? NULL : wrap(cls, mbs_nd_index(mb, index));
}

/* nd[slices]: slices a sequence of (start, step, length). */
static PyObject *
nd_slice(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *nd, *slices;
    if (!PyArg_ParseTuple(args, "OOO:nd_slice", &cls, &nd, &slices)) {
        return NULL;
    }
    void *mb = object_mb(nd);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t triples[3 * MAX_DIMS];
    PyObject *fast = PySequence_Fast(slices, "slices");
    if (fast == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    for (Py_ssize_t i = 0; i < n && i < MAX_DIMS; i++) {
        if (ssize_array(PySequence_Fast_GET_ITEM(fast, i), triples + 3 * i,
                        "slice") != 3) {
            Py_DECREF(fast);
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "a slice is three numbers");
            }
            return NULL;
        }
    }
    Py_DECREF(fast);
    return wrap(cls, mbs_nd_slice(mb, triples, (int)n));
}

/* Write the bytes of one item at `indices` (minibuf's PyBuffer_GetPointer
   on a PyBUF_FULL view). */
static PyObject *
write_item(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *obj, *indices;
    Py_buffer item;
    if (!PyArg_ParseTuple(args, "OOy*:write_item", &obj, &indices, &item)) {
        return NULL;
    }
    mbs_ssize_t index[MAX_DIMS];
    int n = ssize_array(indices, index, "indices");
    void *mb = n < 0 ? NULL : as_minibuf(obj);
    int r = -1;
    if (mb != NULL) {
        r = mbs_write_item(mb, index, n, item.buf, item.len);
        mbs_decref(mb);
    }
    PyBuffer_Release(&item);
    if (r < 0) {
        return mb == NULL ? NULL : raise_minibuf_error();
    }
    Py_RETURN_NONE;
}

/* The fields of a minibuf ndarray's or memoryview's own view. */
static PyObject *
info(PyObject *module, PyObject *obj)
{
    (void)module;
    void *mb = object_mb(obj);
    if (mb == NULL) {
        return NULL;
    }
    if (mbs_is_ndarray(mb)) {
        return view_tuple(mbs_nd_buffer(mb), -1);
    }
    if (mbs_is_memoryview(mb)) {
        if (mbs_mv_released(mb)) {
            PyErr_SetString(PyExc_ValueError, "operation forbidden on "
                            "released memoryview object");
            return NULL;
        }
        /* memoryview's attributes: its flags, as CPython's. */
        return view_tuple(mbs_mv_buffer(mb), mbs_mv_contiguity(mb));
    }
    PyErr_SetString(PyExc_TypeError, "not an ndarray or a memoryview");
    return NULL;
}

/* A request to any exporter, as minibuf answers it: the view's fields. */
static PyObject *
request(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *obj;
    int flags;
    if (!PyArg_ParseTuple(args, "Oi:request", &obj, &flags)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    Py_buffer view;
    int r = mbs_get_buffer(mb, &view, flags);
    mbs_decref(mb);
    if (r < 0) {
        return raise_minibuf_error();
    }
    PyObject *result = view_tuple(&view, -1);
    mbs_release(&view);
    return result;
}

/* The bytes of the item at `indices` in obj's PyBUF_FULL_RO view, found by
   minibuf's PyBuffer_GetPointer (following suboffsets). */
static PyObject *
item_bytes(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *obj, *indices;
    if (!PyArg_ParseTuple(args, "OO:item_bytes", &obj, &indices)) {
        return NULL;
    }
    mbs_ssize_t index[MAX_DIMS];
    int n = ssize_array(indices, index, "indices");
    if (n < 0) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    Py_buffer view;
    int r = mbs_get_buffer(mb, &view, PyBUF_FULL_RO);
    mbs_decref(mb);
    if (r < 0) {
        return raise_minibuf_error();
    }
    PyObject *result = NULL;
    if (n != view.ndim) {
        PyErr_Format(PyExc_ValueError, "get_pointer(): number of indices "
                     "does not match the dimensions of the buffer");
    }
    else {
        int inside = 1;
        for (int i = 0; i < n; i++) {
            if (index[i] < 0 || index[i] >= view.shape[i]) {
                PyErr_Format(PyExc_ValueError, "get_pointer(): invalid "
                             "index %zd at position %d", index[i], i);
                inside = 0;
                break;
            }
        }
        if (inside) {
            const char *p = mbs_get_pointer(&view, index);
            result = PyBytes_FromStringAndSize(p, view.itemsize);
        }
    }
    mbs_release(&view);
    return result;
}

/* The bytes of the item at `indices` of an ndarray's own layout. */
static PyObject *
nd_item_bytes(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *nd, *indices;
    if (!PyArg_ParseTuple(args, "OO:nd_item_bytes", &nd, &indices)) {
        return NULL;
    }
    void *mb = object_mb(nd);
    mbs_ssize_t index[MAX_DIMS];
    int n = mb == NULL ? -1 : ssize_array(indices, index, "indices");
    if (n < 0) {
        return NULL;
    }
    const char *p = mbs_nd_item(mb, index, n);
    if (p == NULL) {
        return raise_minibuf_error();
    }
    const Py_buffer *view = mbs_nd_buffer(mb);
    return PyBytes_FromStringAndSize(p, view->itemsize);
}

/* An ndarray's own layout in C order, as bytes. */
static PyObject *
nd_tobytes(PyObject *module, PyObject *nd)
{
    (void)module;
    void *mb = object_mb(nd);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t len;
    char *bytes = mbs_nd_tobytes(mb, &len);
    if (bytes == NULL) {
        return raise_minibuf_error();
    }
    PyObject *result = PyBytes_FromStringAndSize(bytes, len);
    free(bytes);
    return result;
}

/* obj's `flags` view gathered in `order` by minibuf's
   PyBuffer_ToContiguous, as bytes. */
static PyObject *
to_contiguous(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *obj;
    int order, flags;
    if (!PyArg_ParseTuple(args, "OCi:to_contiguous", &obj, &order, &flags)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    Py_buffer view;
    int r = mbs_get_buffer(mb, &view, flags);
    mbs_decref(mb);
    if (r < 0) {
        return raise_minibuf_error();
    }
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, view.len);
    if (bytes != NULL && mbs_to_contiguous(PyBytes_AS_STRING(bytes), &view,
                                           view.len, (char)order) < 0) {
        Py_CLEAR(bytes);
        (void)raise_minibuf_error();
    }
    mbs_release(&view);
    return bytes;
}

/* bytes scattered into obj's PyBUF_FULL view in C order by minibuf's
   PyBuffer_FromContiguous. */
static PyObject *
from_contiguous(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *obj;
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "Oy*:from_contiguous", &obj, &data)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        PyBuffer_Release(&data);
        return NULL;
    }
    Py_buffer view;
    int r = mbs_get_buffer(mb, &view, PyBUF_FULL);
    mbs_decref(mb);
    if (r == 0) {
        r = mbs_from_contiguous(&view, data.buf, data.len, 'C');
        mbs_release(&view);
    }
    PyBuffer_Release(&data);
    if (r < 0) {
        return raise_minibuf_error();
    }
    Py_RETURN_NONE;
}

static PyObject *
size_from_format(PyObject *module, PyObject *format)
{
    (void)module;
    const char *text = PyUnicode_AsUTF8(format);
    if (text == NULL) {
        return NULL;
    }
    mbs_ssize_t size = mbs_size_from_format(text);
    if (size < 0) {
        return raise_minibuf_error();
    }
    return PyLong_FromSsize_t(size);
}

/* PyObject_CopyData(dest, src) with minibuf's. */
static PyObject *
copy_data(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *dest, *src;
    if (!PyArg_ParseTuple(args, "OO:copy_data", &dest, &src)) {
        return NULL;
    }
    void *d = as_minibuf(dest);
    if (d == NULL) {
        return NULL;
    }
    void *s = as_minibuf(src);
    if (s == NULL) {
        mbs_decref(d);
        return NULL;
    }
    int r = mbs_copy_data(d, s);
    mbs_decref(d);
    mbs_decref(s);
    if (r < 0) {
        return raise_minibuf_error();
    }
    Py_RETURN_NONE;
}

static PyObject *
hash(PyObject *module, PyObject *obj)
{
    (void)module;
    void *mb = object_mb(obj);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t h = mbs_hash(mb);
    if (h == -1) {
        return raise_minibuf_error();
    }
    return PyLong_FromSsize_t(h);
}

/* --- memoryview --------------------------------------------------------------- */

static PyObject *
mv_new(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *obj;
    if (!PyArg_ParseTuple(args, "OO:mv_new", &cls, &obj)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    void *mv = mbs_mv_from_object(mb);
    mbs_decref(mb);
    return wrap(cls, mv);
}

/* A memoryview of an ndarray's current layout (memoryview_from_buffer). */
static PyObject *
mv_from_buffer(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *nd;
    if (!PyArg_ParseTuple(args, "OO:mv_from_buffer", &cls, &nd)) {
        return NULL;
    }
    void *mb = object_mb(nd);
    if (mb == NULL) {
        return NULL;
    }
    return wrap(cls, mbs_mv_from_buffer(mbs_nd_buffer(mb)));
}

static PyObject *
mv_get_contiguous(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *obj;
    int buffertype, order;
    if (!PyArg_ParseTuple(args, "OOiC:mv_get_contiguous", &cls, &obj,
                          &buffertype, &order)) {
        return NULL;
    }
    void *mb = as_minibuf(obj);
    if (mb == NULL) {
        return NULL;
    }
    void *mv = mbs_mv_get_contiguous(mb, buffertype, (char)order);
    mbs_decref(mb);
    return wrap(cls, mv);
}

static PyObject *
mv_cast(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *mv, *shape;
    const char *format;
    if (!PyArg_ParseTuple(args, "OOsO:mv_cast", &cls, &mv, &format,
                          &shape)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t dims[MAX_DIMS];
    int ndim = 0;
    if (shape != Py_None) {
        ndim = ssize_array(shape, dims, "cast");
        if (ndim < 0) {
            return NULL;
        }
    }
    return wrap(cls, mbs_mv_cast(mb, format, shape == Py_None ? NULL : dims,
                                 ndim));
}

static PyObject *
mv_slice(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *mv;
    Py_ssize_t start, stop, step;
    if (!PyArg_ParseTuple(args, "OOnnn:mv_slice", &cls, &mv, &start, &stop,
                          &step)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    return mb == NULL ? NULL
                      : wrap(cls, mbs_mv_slice(mb, start, stop, step));
}

static PyObject *
mv_toreadonly(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *cls, *mv;
    if (!PyArg_ParseTuple(args, "OO:mv_toreadonly", &cls, &mv)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    return mb == NULL ? NULL : wrap(cls, mbs_mv_toreadonly(mb));
}

static PyObject *
mv_tobytes(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *mv;
    int order;
    if (!PyArg_ParseTuple(args, "OC:mv_tobytes", &mv, &order)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t len;
    char *bytes = mbs_mv_tobytes(mb, (char)order, &len);
    if (bytes == NULL) {
        return raise_minibuf_error();
    }
    PyObject *result = PyBytes_FromStringAndSize(bytes, len);
    free(bytes);
    return result;
}

static PyObject *
mv_equal(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *mv, *other;
    if (!PyArg_ParseTuple(args, "OO:mv_equal", &mv, &other)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    if (mb == NULL) {
        return NULL;
    }
    if (!Object_Check(other) && !PyObject_CheckBuffer(other)) {
        Py_RETURN_FALSE;
    }
    void *theirs = as_minibuf(other);
    if (theirs == NULL) {
        return NULL;
    }
    int r = mbs_mv_equal(mb, theirs);
    mbs_decref(theirs);
    if (r < 0) {
        return raise_minibuf_error();
    }
    return PyBool_FromLong(r);
}

static PyObject *
mv_len(PyObject *module, PyObject *mv)
{
    (void)module;
    void *mb = object_mb(mv);
    if (mb == NULL) {
        return NULL;
    }
    mbs_ssize_t n = mbs_mv_length(mb);
    if (n < 0) {
        return raise_minibuf_error();
    }
    return PyLong_FromSsize_t(n);
}

/* m[index] as the bytes of the item (the format's size). */
static PyObject *
mv_getitem(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *mv, *indices;
    if (!PyArg_ParseTuple(args, "OO:mv_getitem", &mv, &indices)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    mbs_ssize_t index[MAX_DIMS];
    int n = mb == NULL ? -1 : ssize_array(indices, index, "indices");
    if (n < 0) {
        return NULL;
    }
    unsigned char item[64];
    if (mbs_mv_getitem(mb, index, n, item) < 0) {
        return raise_minibuf_error();
    }
    const Py_buffer *view = mbs_mv_buffer(mb);
    mbs_ssize_t size = mbs_size_from_format(view->format ? view->format
                                                         : "B");
    if (size < 0 || size > (mbs_ssize_t)sizeof(item)) {
        return raise_minibuf_error();
    }
    return PyBytes_FromStringAndSize((const char *)item, size);
}

static PyObject *
mv_setitem(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *mv, *indices;
    Py_buffer value;
    if (!PyArg_ParseTuple(args, "OOy*:mv_setitem", &mv, &indices, &value)) {
        return NULL;
    }
    void *mb = object_mb(mv);
    mbs_ssize_t index[MAX_DIMS];
    int n = mb == NULL ? -1 : ssize_array(indices, index, "indices");
    int r = n < 0 ? -1 : mbs_mv_setitem(mb, index, n, value.buf);
    PyBuffer_Release(&value);
    if (r < 0) {
        return n < 0 ? NULL : raise_minibuf_error();
    }
    Py_RETURN_NONE;
}

static PyObject *
mv_release(PyObject *module, PyObject *mv)
{
    (void)module;
    return nd_call(mv, mbs_mv_release);
}

static PyObject *
mv_released(PyObject *module, PyObject *mv)
{
    (void)module;
    void *mb = object_mb(mv);
    return mb == NULL ? NULL : PyBool_FromLong(mbs_mv_released(mb));
}

/* The Python object in an ndarray's or memoryview's own view: the CPython
   exporter behind a bridge, the wrapper of a minibuf object, or None. */
static PyObject *
view_obj(PyObject *module, PyObject *obj)
{
    (void)module;
    void *mb = object_mb(obj);
    if (mb == NULL) {
        return NULL;
    }
    void *foreign;
    void *inner = mbs_view_obj(mb, &foreign);
    if (foreign != NULL) {
        return Py_NewRef((PyObject *)foreign);
    }
    if (inner == NULL) {
        Py_RETURN_NONE;
    }
    PyObject *key = PyLong_FromVoidPtr(inner);
    if (key == NULL) {
        return NULL;
    }
    PyObject *found = PyObject_GetItem(registry, key);
    Py_DECREF(key);
    if (found == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return found;
}

/* Whether obj exports memory (a minibuf object, or a CPython exporter). */
static PyObject *
check_buffer(PyObject *module, PyObject *obj)
{
    (void)module;
    return PyBool_FromLong(Object_Check(obj) || PyObject_CheckBuffer(obj));
}

/* --- The module ------------------------------------------------------------------ */

static PyMethodDef functions[] = {
    {"check_buffer", check_buffer, METH_O, NULL},
    {"view_obj", view_obj, METH_O, NULL},
    {"nd_new", nd_new, METH_VARARGS, NULL},
    {"nd_push", nd_push, METH_VARARGS, NULL},
    {"nd_from_exporter", nd_from_exporter, METH_VARARGS, NULL},
    {"nd_pop", nd_pop, METH_O, NULL},
    {"nd_index", nd_index, METH_VARARGS, NULL},
    {"nd_slice", nd_slice, METH_VARARGS, NULL},
    {"write_item", write_item, METH_VARARGS, NULL},
    {"nd_item_bytes", nd_item_bytes, METH_VARARGS, NULL},
    {"nd_tobytes", nd_tobytes, METH_O, NULL},
    {"nd_add_suboffsets", nd_add_suboffsets, METH_O, NULL},
    {"info", info, METH_O, NULL},
    {"request", request, METH_VARARGS, NULL},
    {"item_bytes", item_bytes, METH_VARARGS, NULL},
    {"to_contiguous", to_contiguous, METH_VARARGS, NULL},
    {"size_from_format", size_from_format, METH_O, NULL},
    {"copy_data", copy_data, METH_VARARGS, NULL},
    {"from_contiguous", from_contiguous, METH_VARARGS, NULL},
    {"hash", hash, METH_O, NULL},
    {"mv_new", mv_new, METH_VARARGS, NULL},
    {"mv_from_buffer", mv_from_buffer, METH_VARARGS, NULL},
    {"mv_get_contiguous", mv_get_contiguous, METH_VARARGS, NULL},
    {"mv_cast", mv_cast, METH_VARARGS, NULL},
    {"mv_slice", mv_slice, METH_VARARGS, NULL},
    {"mv_toreadonly", mv_toreadonly, METH_VARARGS, NULL},
    {"mv_tobytes", mv_tobytes, METH_VARARGS, NULL},
    {"mv_equal", mv_equal, METH_VARARGS, NULL},
    {"mv_len", mv_len, METH_O, NULL},
    {"mv_getitem", mv_getitem, METH_VARARGS, NULL},
    {"mv_setitem", mv_setitem, METH_VARARGS, NULL},
    {"mv_release", mv_release, METH_O, NULL},
    {"mv_released", mv_released, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_minibuf",
    "minibuf's buffer protocol, called from Python (see the minibuf "
    "package).", -1, functions, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__minibuf(void)
{
    if (PyType_Ready(&ObjectType) < 0) {
        return NULL;
    }
    PyObject *weakref = PyImport_ImportModule("weakref");
    if (weakref == NULL) {
        return NULL;
    }
    registry = PyObject_CallMethod(weakref, "WeakValueDictionary", NULL);
    Py_DECREF(weakref);
    if (registry == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Object", (PyObject *)&ObjectType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
