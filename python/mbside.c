/* The Python module's minibuf half: every call here is minibuf's.
 *
 * Compiled against minibuf's headers with python/renames.h forced in
 * first (python/build.sh), which renames every name of the library, so
 * that this file's PyObject_GetBuffer is minibuf's even inside a process
 * whose CPython defines the same name.  Its functions take and return
 * only C types (bridge.h).
 */
#include <stdlib.h>
#include <string.h>

#include <Python.h>
#include <minibuf.h>

#include "bridge.h"

#if MB_HAVE_DLPACK
#include <mbdlpack.h>
#endif

_Static_assert(sizeof(Py_buffer) == MBS_VIEW_SIZE,
               "Py_buffer has the layout the CPython side expects");
_Static_assert(offsetof(Py_buffer, internal) == 72,
               "Py_buffer has the layout the CPython side expects");

int
mbs_take_error(MbsError *error)
{
    if (!PyErr_Occurred()) {
        return 0;
    }
    snprintf(error->type, sizeof(error->type), "%s", MbErr_TypeName());
    snprintf(error->message, sizeof(error->message), "%s", MbErr_Message());
    PyErr_Clear();
    return 1;
}

void
mbs_set_error(const char *type, const char *message)
{
    static const struct {
        const char *name;
        PyObject **type;
    } known[] = {
        {"TypeError", &PyExc_TypeError},
        {"ValueError", &PyExc_ValueError},
        {"BufferError", &PyExc_BufferError},
        {"MemoryError", &PyExc_MemoryError},
        {"IndexError", &PyExc_IndexError},
        {"OverflowError", &PyExc_OverflowError},
        {"NotImplementedError", &PyExc_NotImplementedError},
        {"KeyError", &PyExc_KeyError},
        {"struct.error", &MbExc_StructError},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(known[i].name, type) == 0) {
            PyErr_SetString(*known[i].type, message);
            return;
        }
    }
    PyErr_Format(PyExc_SystemError, "%s: %s", type, message);
}

void
mbs_incref(void *object)
{
    Py_INCREF((PyObject *)object);
}

void
mbs_decref(void *object)
{
    Py_DECREF((PyObject *)object);
}

int
mbs_is_ndarray(void *object)
{
    return MbNdArray_Check((PyObject *)object);
}

int
mbs_is_memoryview(void *object)
{
    return PyMemoryView_Check((PyObject *)object);
}

/* --- A CPython exporter seen by minibuf ----------------------------------- */

typedef struct {
    PyObject_HEAD
    void *exporter;                 /* a CPython object, referenced */
    const MbsForeignProcs *procs;
} Foreign;

static int
foreign_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Foreign *f = (Foreign *)self;
    if (f->procs->getbuffer(f->exporter, view, flags) < 0) {
        view->obj = NULL;
        return -1;
    }
    view->obj = Py_NewRef(self);
    return 0;
}

static void
foreign_releasebuffer(PyObject *self, Py_buffer *view)
{
    Foreign *f = (Foreign *)self;
    f->procs->release(f->exporter, view);
}

static void
foreign_dealloc(PyObject *self)
{
    Foreign *f = (Foreign *)self;
    f->procs->forget(f->exporter);
    PyObject_Free(self);
}

static PyBufferProcs foreign_as_buffer = {foreign_getbuffer,
                                          foreign_releasebuffer};

static PyTypeObject ForeignType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cpython.exporter",
    .tp_basicsize = sizeof(Foreign),
    .tp_dealloc = foreign_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &foreign_as_buffer,
};

void *
mbs_foreign_new(void *exporter, const MbsForeignProcs *procs)
{
    Foreign *f = PyObject_New(Foreign, &ForeignType);
    if (f == NULL) {
        procs->forget(exporter);
        return NULL;
    }
    f->exporter = exporter;
    f->procs = procs;
    return f;
}

/* --- Views ----------------------------------------------------------------- */

int
mbs_get_buffer(void *object, void *view, int flags)
{
    return PyObject_GetBuffer((PyObject *)object, (Py_buffer *)view, flags);
}

void
mbs_release(void *view)
{
    PyBuffer_Release((Py_buffer *)view);
}

int
mbs_is_contiguous(const void *view, char order)
{
    return PyBuffer_IsContiguous((const Py_buffer *)view, order);
}

void *
mbs_get_pointer(const void *view, const mbs_ssize_t *indices)
{
    return PyBuffer_GetPointer((const Py_buffer *)view, indices);
}

int
mbs_write_item(void *object, const mbs_ssize_t *indices, int n,
               const void *bytes, mbs_ssize_t size)
{
    Py_buffer view;
    if (PyObject_GetBuffer((PyObject *)object, &view, PyBUF_FULL) < 0) {
        return -1;
    }
    int result = -1;
    if (n != view.ndim || size != view.itemsize) {
        PyErr_SetString(PyExc_ValueError, "the item does not fit the view");
    }
    else {
        memcpy(PyBuffer_GetPointer(&view, indices), bytes, (size_t)size);
        result = 0;
    }
    PyBuffer_Release(&view);
    return result;
}

int
mbs_to_contiguous(void *destination, const void *view, mbs_ssize_t len,
                  char order)
{
    return PyBuffer_ToContiguous(destination, (const Py_buffer *)view, len,
                                 order);
}

int
mbs_from_contiguous(void *view, const void *source, mbs_ssize_t len,
                    char order)
{
    return PyBuffer_FromContiguous((const Py_buffer *)view, source, len,
                                   order);
}

mbs_ssize_t
mbs_size_from_format(const char *format)
{
    return PyBuffer_SizeFromFormat(format);
}

int
mbs_copy_data(void *destination, void *source)
{
    return PyObject_CopyData((PyObject *)destination, (PyObject *)source);
}

mbs_ssize_t
mbs_hash(void *object)
{
    return PyObject_Hash((PyObject *)object);
}

/* --- ndarray ----------------------------------------------------------------- */

static MbNdArraySpec
spec_of(const MbsLayout *layout)
{
    MbNdArraySpec spec = {
        layout->memory, layout->nbytes, layout->format, layout->ndim,
        layout->shape, layout->nstrides, layout->strides, layout->offset,
        layout->flags,
    };
    return spec;
}

void *
mbs_nd_new(const MbsLayout *layout)
{
    MbNdArraySpec spec = spec_of(layout);
    return MbNdArray_New(&spec);
}

void *
mbs_nd_from_exporter(void *exporter, int getbuf, int flags)
{
    return MbNdArray_FromExporter((PyObject *)exporter, getbuf, flags);
}

int
mbs_nd_push(void *nd, const MbsLayout *layout)
{
    MbNdArraySpec spec = spec_of(layout);
    return MbNdArray_Push((PyObject *)nd, &spec);
}

int
mbs_nd_pop(void *nd)
{
    return MbNdArray_Pop((PyObject *)nd);
}

int
mbs_nd_add_suboffsets(void *nd)
{
    return MbNdArray_AddSuboffsets((PyObject *)nd);
}

void *
mbs_nd_index(void *nd, mbs_ssize_t index)
{
    return MbNdArray_Index((PyObject *)nd, index);
}

void *
mbs_nd_slice(void *nd, const mbs_ssize_t *slices, int n)
{
    MbNdSlice fitted[MB_ND_MAX_NDIM];
    if (n > MB_ND_MAX_NDIM) {
        PyErr_SetString(PyExc_IndexError, "too many slices");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        fitted[i].start = slices[3 * i];
        fitted[i].step = slices[3 * i + 1];
        fitted[i].length = slices[3 * i + 2];
    }
    return MbNdArray_Slice((PyObject *)nd, fitted, n);
}

const void *
mbs_nd_buffer(void *nd)
{
    return MbNdArray_Buffer((PyObject *)nd);
}

const void *
mbs_nd_item(void *nd, const mbs_ssize_t *indices, int n)
{
    Py_buffer view = *MbNdArray_Buffer((PyObject *)nd);
    Py_ssize_t shape[1], strides[MB_ND_MAX_NDIM];
    if (view.ndim > 0 && view.shape == NULL) {
        shape[0] = view.itemsize > 0 ? view.len / view.itemsize : 0;
        view.shape = shape;
    }
    if (n != view.ndim) {
        PyErr_SetString(PyExc_IndexError, "wrong number of indices");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        if (indices[i] < 0 || indices[i] >= view.shape[i]) {
            PyErr_SetString(PyExc_IndexError, "index out of bounds");
            return NULL;
        }
    }
    if (view.ndim > 0 && view.strides == NULL) {
        PyBuffer_FillContiguousStrides(view.ndim, view.shape, strides,
                                       (int)view.itemsize, 'C');
        view.strides = strides;
    }
    return PyBuffer_GetPointer(&view, indices);
}

char *
mbs_nd_tobytes(void *nd, mbs_ssize_t *len)
{
    const Py_buffer *view = MbNdArray_Buffer((PyObject *)nd);
    char *bytes = malloc((size_t)view->len + 1);
    if (bytes == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (PyBuffer_ToContiguous(bytes, view, view->len, 'C') < 0) {
        free(bytes);
        return NULL;
    }
    *len = view->len;
    return bytes;
}

void *
mbs_view_obj(void *object, void **foreign)
{
    PyObject *o = object;
    const Py_buffer *view = MbNdArray_Check(o) ? MbNdArray_Buffer(o)
                            : PyMemoryView_Check(o)
                            ? PyMemoryView_GET_BUFFER(o) : NULL;
    *foreign = NULL;
    if (view == NULL || view->obj == NULL) {
        return NULL;
    }
    if (Py_IS_TYPE(view->obj, &ForeignType)) {
        *foreign = ((Foreign *)view->obj)->exporter;
    }
    return view->obj;
}

/* --- memoryview -------------------------------------------------------------- */

void *
mbs_mv_from_object(void *object)
{
    return PyMemoryView_FromObject((PyObject *)object);
}

void *
mbs_mv_from_buffer(const void *view)
{
    return PyMemoryView_FromBuffer((const Py_buffer *)view);
}

void *
mbs_mv_get_contiguous(void *object, int buffertype, char order)
{
    return PyMemoryView_GetContiguous((PyObject *)object, buffertype, order);
}

const void *
mbs_mv_buffer(void *mv)
{
    return PyMemoryView_GET_BUFFER((PyObject *)mv);
}

int
mbs_mv_released(void *mv)
{
    return (((PyMemoryViewObject *)mv)->flags & _Py_MEMORYVIEW_RELEASED)
           != 0;
}

int
mbs_mv_contiguity(void *mv)
{
    int flags = ((PyMemoryViewObject *)mv)->flags;
    return ((flags & _Py_MEMORYVIEW_C) ? 1 : 0)
           | ((flags & _Py_MEMORYVIEW_FORTRAN) ? 2 : 0);
}

int
mbs_mv_release(void *mv)
{
    return MbMemoryView_Release((PyObject *)mv);
}

void *
mbs_mv_cast(void *mv, const char *format, const mbs_ssize_t *shape, int ndim)
{
    return MbMemoryView_Cast((PyObject *)mv, format, shape, ndim);
}

void *
mbs_mv_slice(void *mv, mbs_ssize_t start, mbs_ssize_t stop, mbs_ssize_t step)
{
    return MbMemoryView_Slice((PyObject *)mv, start, stop, step);
}

char *
mbs_mv_tobytes(void *mv, char order, mbs_ssize_t *len)
{
    PyObject *bytes = MbMemoryView_ToBytes((PyObject *)mv, order);
    if (bytes == NULL) {
        return NULL;
    }
    *len = PyBytes_GET_SIZE(bytes);
    char *copy = malloc((size_t)*len + 1);
    if (copy == NULL) {
        Py_DECREF(bytes);
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, PyBytes_AS_STRING(bytes), (size_t)*len);
    Py_DECREF(bytes);
    return copy;
}

void *
mbs_mv_toreadonly(void *mv)
{
    return MbMemoryView_ToReadOnly((PyObject *)mv);
}

int
mbs_mv_equal(void *mv, void *other)
{
    return MbMemoryView_Equal((PyObject *)mv, (PyObject *)other);
}

mbs_ssize_t
mbs_mv_length(void *mv)
{
    return MbMemoryView_Length((PyObject *)mv);
}

int
mbs_mv_getitem(void *mv, const mbs_ssize_t *index, mbs_ssize_t nindex,
               void *out)
{
    return MbMemoryView_GetItem((PyObject *)mv, index, nindex, out);
}

int
mbs_mv_setitem(void *mv, const mbs_ssize_t *index, mbs_ssize_t nindex,
               const void *in)
{
    return MbMemoryView_SetItem((PyObject *)mv, index, nindex, in);
}

/* --- DLPack ------------------------------------------------------------------ */

void *
mbs_dlpack_export(void *object)
{
#if MB_HAVE_DLPACK
    return MbDLPack_Export((PyObject *)object);
#else
    (void)object;
    PyErr_SetString(PyExc_BufferError,
                    "minibuf was built without its DLPack bridge "
                    "(configure found no dlpack/dlpack.h)");
    return NULL;
#endif
}

void
mbs_dlpack_delete(void *tensor)
{
#if MB_HAVE_DLPACK
    DLManagedTensor *managed = tensor;
    if (managed->deleter != NULL) {
        managed->deleter(managed);
    }
#else
    (void)tensor;
#endif
}
