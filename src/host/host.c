/* Exporters for hosts: types made of callbacks, host arrays, and the
 * function forms of macros (include/mbhost.h).
 *
 * Ownership rules:
 * - A host type is a heap type made from a spec (runtime/typespec.c) with
 *   the host's two callbacks in its block.  Each instance holds a
 *   reference to it, given back by host_dealloc.
 * - A host exporter or host array owns nothing of the host's but the
 *   right to call its release callback, once, from tp_dealloc.  The views
 *   it grants hold references to it, so that call comes after the last
 *   view's release.
 * - A host array owns a copy of its layout's description (format, shape,
 *   strides, suboffsets) in its own block; the memory stays the host's.
 */
#include "host.h"

typedef struct {
    PyObject_HEAD
    void *host;
    MbHostRelease release;
} HostObject;

/* What a host type keeps in its block (mb_type_data). */
typedef struct {
    MbHostGetBuffer getbuffer;
    MbHostReleaseBuffer releasebuffer;
} HostCallbacks;

/* Give the host its pointer back, then free the object. */
static void
release_host(HostObject *self)
{
    if (self->release != NULL) {
        self->release(self->host);
    }
    PyObject_Free(self);
}

/* --- Exporter types made of callbacks ------------------------------------ */

static int
host_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    const HostCallbacks *callbacks = mb_type_data(Py_TYPE(self));
    view->obj = NULL;
    if (callbacks->getbuffer(self, ((HostObject *)self)->host, view,
                             flags) != 0) {
        view->obj = NULL;
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_BufferError,
                         "%s: request refused by the host",
                         Py_TYPE(self)->tp_name);
        }
        return -1;
    }
    if (view->obj == NULL) {
        view->obj = Py_NewRef(self);
    }
    return 0;
}

static void
host_releasebuffer(PyObject *self, Py_buffer *view)
{
    const HostCallbacks *callbacks = mb_type_data(Py_TYPE(self));
    if (callbacks->releasebuffer != NULL) {
        callbacks->releasebuffer(self, ((HostObject *)self)->host, view);
    }
}

static void
host_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    release_host((HostObject *)self);
    Py_DECREF(type);
}

PyObject *
MbHostType_New(const char *name, MbHostGetBuffer getbuffer,
               MbHostReleaseBuffer releasebuffer)
{
    if (name == NULL || getbuffer == NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    PyType_Slot slots[] = {
        {Py_bf_getbuffer, (void *)host_getbuffer},
        {Py_bf_releasebuffer, (void *)host_releasebuffer},
        {Py_tp_dealloc, (void *)host_dealloc},
        {0, NULL},
    };
    PyType_Spec spec = {name, sizeof(HostObject), 0, Py_TPFLAGS_DEFAULT,
                        slots};
    PyObject *type = mb_type_from_spec_with_data(&spec,
                                                 sizeof(HostCallbacks));
    if (type != NULL) {
        HostCallbacks *callbacks = mb_type_data((PyTypeObject *)type);
        callbacks->getbuffer = getbuffer;
        callbacks->releasebuffer = releasebuffer;
    }
    return type;
}

PyObject *
MbHostObject_New(PyObject *type, void *host, MbHostRelease release)
{
    if (type == NULL || !PyType_Check(type)
        || ((PyTypeObject *)type)->tp_dealloc != host_dealloc) {
        PyErr_Format(PyExc_TypeError, "'%.200s' is not a host exporter type",
                     type == NULL ? "NULL"
                     : PyType_Check(type) ? ((PyTypeObject *)type)->tp_name
                                          : Py_TYPE(type)->tp_name);
        return NULL;
    }
    HostObject *self = PyObject_New(HostObject, (PyTypeObject *)type);
    if (self != NULL) {
        self->host = host;
        self->release = release;
    }
    return (PyObject *)self;
}

/* --- Host arrays --------------------------------------------------------- */

typedef struct {
    HostObject head;
    Py_buffer layout;           /* pointing into dims and format below */
    int c_contiguous;
    int f_contiguous;
    Py_ssize_t dims[];          /* shape, strides, suboffsets, then the
                                   format's characters */
} HostArray;

static int
hostarray_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    HostArray *array = (HostArray *)self;
    if (mb_grant_layout(&array->layout, array->c_contiguous,
                        array->f_contiguous, view, flags, "hostarray",
                        0) < 0) {
        return -1;
    }
    view->obj = Py_NewRef(self);
    return 0;
}

static void
hostarray_dealloc(PyObject *self)
{
    release_host((HostObject *)self);
}

static PyBufferProcs hostarray_as_buffer = {
    .bf_getbuffer = hostarray_getbuffer,
};

/* Hidden: a host reaches it only through MbHostArray_New. */
static PyTypeObject hostarray_type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "minibuf.hostarray",
    .tp_basicsize = sizeof(HostArray),
    .tp_dealloc = hostarray_dealloc,
    .tp_as_buffer = &hostarray_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY,
    .tp_doc = "An exporter of memory a host owns.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

/* The format is PEP 3118 and describes itemsize bytes: 0, or -1 with
   ValueError "layout: ...". */
static int
check_format(const char *format, Py_ssize_t itemsize)
{
    MbPep3118Info info;
    if (MbPep3118_Parse(format, NULL, 0, &info) < 0) {
        PyErr_Format(PyExc_ValueError, "layout: format '%.100s' is not "
                     "PEP 3118: %s", format, info.error);
        return -1;
    }
    if (info.itemsize != itemsize) {
        PyErr_Format(PyExc_ValueError, "layout: format '%.100s' describes "
                     "%zd bytes, not itemsize %zd", format, info.itemsize,
                     itemsize);
        return -1;
    }
    return 0;
}

/* Copy the layout's description into the array's block. */
static void
copy_layout(HostArray *array, const Py_buffer *layout, const char *format)
{
    int ndim = layout->ndim;
    Py_ssize_t *dims = array->dims;
    Py_buffer *own = &array->layout;
    *own = *layout;
    own->obj = NULL;
    own->internal = NULL;
    own->shape = ndim ? memcpy(dims, layout->shape, ndim * sizeof(*dims))
                      : NULL;
    own->strides = ndim ? memcpy(dims + ndim, layout->strides,
                                 ndim * sizeof(*dims))
                        : NULL;
    own->suboffsets = layout->suboffsets != NULL && ndim
                      ? memcpy(dims + 2 * ndim, layout->suboffsets,
                               ndim * sizeof(*dims))
                      : NULL;
    own->format = strcpy((char *)(dims + 3 * ndim), format);
    array->c_contiguous = PyBuffer_IsContiguous(own, 'C');
    array->f_contiguous = PyBuffer_IsContiguous(own, 'F');
}

PyObject *
MbHostArray_New(const Py_buffer *layout, void *host, MbHostRelease release)
{
    if (layout == NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    const char *format = layout->format ? layout->format : "B";
    if (mb_check_layout(layout) < 0
        || check_format(format, layout->itemsize) < 0) {
        return NULL;
    }
    size_t size = sizeof(HostArray) + 3 * (size_t)layout->ndim
                  * sizeof(Py_ssize_t) + strlen(format) + 1;
    HostArray *array = PyObject_Malloc(size);
    if (array == NULL) {
        return PyErr_NoMemory();
    }
    PyObject_Init((PyObject *)array, &hostarray_type);
    array->head.host = host;
    array->head.release = release;
    copy_layout(array, layout, format);
    return (PyObject *)array;
}

void *
MbHostObject_Host(PyObject *obj)
{
    if (obj != NULL && (Py_TYPE(obj)->tp_dealloc == host_dealloc
                        || Py_IS_TYPE(obj, &hostarray_type))) {
        return ((HostObject *)obj)->host;
    }
    PyErr_Format(PyExc_TypeError, "'%.200s' object is not a host object",
                 obj ? Py_TYPE(obj)->tp_name : "NULL");
    return NULL;
}

/* --- Function forms ------------------------------------------------------ */

Py_ssize_t
MbObject_RefCount(PyObject *obj)
{
    return Py_REFCNT(obj);
}

const char *
MbObject_TypeName(PyObject *obj)
{
    return Py_TYPE(obj)->tp_name;
}

const Py_buffer *
MbMemoryView_Buffer(PyObject *mv)
{
    if (mv == NULL || !PyMemoryView_Check(mv)) {
        PyErr_SetString(PyExc_TypeError, "memoryview expected");
        return NULL;
    }
    return PyMemoryView_GET_BUFFER(mv);
}

size_t
MbBuffer_Size(void)
{
    return sizeof(Py_buffer);
}

Py_ssize_t
MbBuffer_FieldOffset(const char *field)
{
#define FIELD(name) {#name, offsetof(Py_buffer, name)}
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        FIELD(buf), FIELD(obj), FIELD(len), FIELD(itemsize), FIELD(readonly),
        FIELD(ndim), FIELD(format), FIELD(shape), FIELD(strides),
        FIELD(suboffsets), FIELD(internal),
    };
#undef FIELD
    for (size_t i = 0; field && i < sizeof(fields) / sizeof(*fields); i++) {
        if (strcmp(fields[i].name, field) == 0) {
            return (Py_ssize_t)fields[i].offset;
        }
    }
    return -1;
}
