/* Python 2's buffer object (2.7.18 behaviour).
 *
 * Ownership rules:
 * - A buffer on an object holds a reference to it.  A buffer made from
 *   another buffer holds the innermost object instead, with the offsets
 *   added and the size limited to what the outer buffer allowed.
 * - The object is asked for its segment every time the buffer is used, so
 *   the window follows the object: an offset past its current end gives an
 *   empty buffer, and a size past it is cut.
 * - A buffer on memory does not own it; PyBuffer_New's memory follows the
 *   object in the same allocation.
 *
 * The buffer has Python 2's four slots and, as in 2.7, bf_getbuffer, in a
 * table of 2.7's layout (runtime/python2_types.c); since it has
 * bf_getbuffer, the old-protocol functions treat it as CPython 3's
 * wrappers do.
 */
#include "objects.h"

typedef struct {
    PyObject_HEAD
    PyObject *base;           /* the object windowed, or NULL for memory */
    char *ptr;                /* the memory, when base is NULL */
    Py_ssize_t size;          /* bytes, or Py_END_OF_BUFFER */
    Py_ssize_t offset;
    int readonly;
} BufferObject;

typedef enum { ANY_SEGMENT, READ_SEGMENT, WRITE_SEGMENT, CHAR_SEGMENT }
    SegmentKind;

/* The window's memory now, through the base's slot for `kind` (any: the
   write slot of a writable buffer, the read slot of a read-only one): 1
   with *pointer and *size set, or 0 with an exception. */
static int
window(BufferObject *self, SegmentKind kind, char **pointer, Py_ssize_t *size)
{
    if (self->base == NULL) {
        *pointer = self->ptr;
        *size = self->size;
        return 1;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(
        Py_TYPE(self->base));
    if (procs == NULL || procs->bf_getsegcount == NULL
        || procs->bf_getsegcount(self->base, NULL) != 1) {
        PyErr_SetString(PyExc_TypeError,
                        "single-segment buffer object expected");
        return 0;
    }
    void *p = NULL;
    char *chars = NULL;
    Py_ssize_t count;
    const char *name;
    switch (kind) {
    case WRITE_SEGMENT:
        name = "write";
        count = procs->bf_getwritebuffer
                ? procs->bf_getwritebuffer(self->base, 0, &p) : -2;
        break;
    case CHAR_SEGMENT:
        name = "char";
        count = procs->bf_getcharbuffer
                ? procs->bf_getcharbuffer(self->base, 0, &chars) : -2;
        p = chars;
        break;
    case ANY_SEGMENT:
        if (!self->readonly) {
            name = "write";
            count = procs->bf_getwritebuffer
                    ? procs->bf_getwritebuffer(self->base, 0, &p) : -2;
            break;
        }
        /* A read-only buffer reads. */
        /* fall through */
    default:
        name = "read";
        count = procs->bf_getreadbuffer
                ? procs->bf_getreadbuffer(self->base, 0, &p) : -2;
        break;
    }
    if (count == -2) {
        PyErr_Format(PyExc_TypeError, "%s buffer type not available", name);
        return 0;
    }
    if (count < 0) {
        return 0;
    }
    Py_ssize_t offset = self->offset > count ? count : self->offset;
    *pointer = (char *)p + offset;
    *size = self->size == Py_END_OF_BUFFER ? count : self->size;
    if (*size > count - offset) {
        *size = count - offset;
    }
    return 1;
}

static int
check_segment_index(Py_ssize_t index)
{
    if (index != 0) {
        PyErr_SetString(PyExc_SystemError,
                        "accessing non-existent buffer segment");
        return 0;
    }
    return 1;
}

static Py_ssize_t
buffer_getreadbuffer(PyObject *self, Py_ssize_t index, void **pointer)
{
    char *p;
    Py_ssize_t size;
    if (!check_segment_index(index)
        || !window((BufferObject *)self, READ_SEGMENT, &p, &size)) {
        return -1;
    }
    *pointer = p;
    return size;
}

static Py_ssize_t
buffer_getwritebuffer(PyObject *self, Py_ssize_t index, void **pointer)
{
    char *p;
    Py_ssize_t size;
    if (((BufferObject *)self)->readonly) {
        PyErr_SetString(PyExc_TypeError, "buffer is read-only");
        return -1;
    }
    if (!check_segment_index(index)
        || !window((BufferObject *)self, WRITE_SEGMENT, &p, &size)) {
        return -1;
    }
    *pointer = p;
    return size;
}

static Py_ssize_t
buffer_getsegcount(PyObject *self, Py_ssize_t *total)
{
    char *p;
    Py_ssize_t size;
    if (!window((BufferObject *)self, ANY_SEGMENT, &p, &size)) {
        return -1;
    }
    if (total != NULL) {
        *total = size;
    }
    return 1;
}

static Py_ssize_t
buffer_getcharbuffer(PyObject *self, Py_ssize_t index, char **pointer)
{
    Py_ssize_t size;
    if (!check_segment_index(index)
        || !window((BufferObject *)self, CHAR_SEGMENT, pointer, &size)) {
        return -1;
    }
    return size;
}

static int
buffer_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    char *p;
    Py_ssize_t size;
    if (!window((BufferObject *)self, ANY_SEGMENT, &p, &size)) {
        return -1;
    }
    return PyBuffer_FillInfo(view, self, p, size,
                             ((BufferObject *)self)->readonly, flags);
}

static MbPython2BufferProcs buffer_procs = {
    .bf_getreadbuffer = buffer_getreadbuffer,
    .bf_getwritebuffer = buffer_getwritebuffer,
    .bf_getsegcount = buffer_getsegcount,
    .bf_getcharbuffer = buffer_getcharbuffer,
    .bf_getbuffer = buffer_getbuffer,
};

static void
buffer_dealloc(PyObject *self)
{
    Py_XDECREF(((BufferObject *)self)->base);
    PyObject_Free(self);
}

PyTypeObject MbTypeObject_Buffer = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "buffer",
    .tp_basicsize = sizeof(BufferObject),
    .tp_dealloc = buffer_dealloc,
    .tp_as_buffer = (PyBufferProcs *)(void *)&buffer_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY | MB_TPFLAGS_PYTHON2
                | MB_TPFLAGS_PYTHON2_GETCHARBUFFER
                | MB_TPFLAGS_PYTHON2_NEWBUFFER,
    .tp_doc = "Python 2's buffer: a window on another object's memory.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};


/* A new buffer object; `extra` bytes of zeroed memory follow it. */
static PyObject *
new_buffer(PyObject *base, char *ptr, Py_ssize_t size, Py_ssize_t offset,
           int readonly, Py_ssize_t extra)
{
    if (size < 0 && size != Py_END_OF_BUFFER) {
        PyErr_SetString(PyExc_ValueError, "size must be zero or positive");
        return NULL;
    }
    if (offset < 0) {
        PyErr_SetString(PyExc_ValueError, "offset must be zero or positive");
        return NULL;
    }
    if ((size_t)extra > (size_t)PY_SSIZE_T_MAX - sizeof(BufferObject)) {
        return PyErr_NoMemory();
    }
    BufferObject *b = PyObject_Calloc(1, sizeof(BufferObject)
                                         + (size_t)extra);
    if (b == NULL) {
        return PyErr_NoMemory();
    }
    PyObject_Init((PyObject *)b, &PyBuffer_Type);
    b->base = Py_XNewRef(base);
    b->ptr = extra > 0 ? (char *)(b + 1) : ptr;
    b->size = size;
    b->offset = offset;
    b->readonly = readonly;
    return (PyObject *)b;
}

/* A buffer on base; on another buffer, a buffer on that buffer's base. */
static PyObject *
buffer_on_object(PyObject *base, Py_ssize_t offset, Py_ssize_t size,
                 int readonly)
{
    if (offset < 0) {
        PyErr_SetString(PyExc_ValueError, "offset must be zero or positive");
        return NULL;
    }
    if (PyBuffer_Check(base) && ((BufferObject *)base)->base != NULL) {
        BufferObject *outer = (BufferObject *)base;
        if (outer->size != Py_END_OF_BUFFER) {
            Py_ssize_t room = outer->size > offset ? outer->size - offset : 0;
            if (size == Py_END_OF_BUFFER || size > room) {
                size = room;
            }
        }
        if (outer->offset > PY_SSIZE_T_MAX - offset) {
            PyErr_SetString(PyExc_OverflowError, "offset too large");
            return NULL;
        }
        offset += outer->offset;
        base = outer->base;
    }
    return new_buffer(base, NULL, size, offset, readonly, 0);
}

/* TypeError "buffer object expected" unless base has the slot asked for
   and a segment count. */
static int
check_base(PyObject *base, int writable)
{
    if (base == NULL) {
        mb_err_null_argument();
        return 0;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(Py_TYPE(base));
    if (procs == NULL || procs->bf_getsegcount == NULL
        || (writable ? procs->bf_getwritebuffer
                     : procs->bf_getreadbuffer) == NULL) {
        PyErr_SetString(PyExc_TypeError, "buffer object expected");
        return 0;
    }
    return 1;
}

PyObject *
PyBuffer_FromObject(PyObject *base, Py_ssize_t offset, Py_ssize_t size)
{
    return check_base(base, 0) ? buffer_on_object(base, offset, size, 1)
                               : NULL;
}

PyObject *
PyBuffer_FromReadWriteObject(PyObject *base, Py_ssize_t offset,
                             Py_ssize_t size)
{
    return check_base(base, 1) ? buffer_on_object(base, offset, size, 0)
                               : NULL;
}

/* Memory needs a real size: Python 2 took Py_END_OF_BUFFER here and failed
   later, on first use. */
static PyObject *
buffer_on_memory(void *ptr, Py_ssize_t size, int readonly)
{
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be zero or positive");
        return NULL;
    }
    if (ptr == NULL && size > 0) {
        mb_err_null_argument();
        return NULL;
    }
    return new_buffer(NULL, ptr, size, 0, readonly, 0);
}

PyObject *
PyBuffer_FromMemory(void *ptr, Py_ssize_t size)
{
    return buffer_on_memory(ptr, size, 1);
}

PyObject *
PyBuffer_FromReadWriteMemory(void *ptr, Py_ssize_t size)
{
    return buffer_on_memory(ptr, size, 0);
}

PyObject *
PyBuffer_New(Py_ssize_t size)
{
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be zero or positive");
        return NULL;
    }
    /* At least one byte follows the object, so ptr points into it. */
    return new_buffer(NULL, NULL, size, 0, 0, size > 0 ? size : 1);
}
