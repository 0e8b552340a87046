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
 * table of 2.7's layout (runtime/python2_types.c); the old protocol's
 * functions read it through its segment slots, as 2.7's did.
 */
#include "objects.h"

typedef struct {
    PyObject_HEAD
    PyObject *base;           /* the object windowed, or NULL for memory */
    char *ptr;                /* the memory, when base is NULL */
    Py_ssize_t size;          /* bytes, or Py_END_OF_BUFFER */
    Py_ssize_t offset;
    int readonly;
    Py_hash_t hash;           /* -1 until first computed, then kept */
} BufferObject;

typedef enum { ANY_SEGMENT, READ_SEGMENT, WRITE_SEGMENT, CHAR_SEGMENT }
    SegmentKind;

/* The base's segment for `kind`, through its slot (any: the write slot of
   a writable buffer, the read slot of a read-only one): its length with
   *p set, or a negative number.  A missing slot is TypeError "%s buffer
   type not available", "any" named "no" as in 2.7; any negative answer
   of the slot is passed on as it is (its exception, or none). */
static Py_ssize_t
base_segment(PyObject *base, const MbPython2BufferProcs *procs,
             SegmentKind kind, int readonly, void **p)
{
    if (kind == CHAR_SEGMENT) {
        if (procs->bf_getcharbuffer == NULL) {
            PyErr_SetString(PyExc_TypeError,
                            "char buffer type not available");
            return -1;
        }
        char *chars = NULL;
        Py_ssize_t count = procs->bf_getcharbuffer(base, 0, &chars);
        *p = chars;
        return count;
    }
    int write = kind == WRITE_SEGMENT || (kind == ANY_SEGMENT && !readonly);
    Py_ssize_t (*slot)(PyObject *, Py_ssize_t, void **) =
        write ? procs->bf_getwritebuffer : procs->bf_getreadbuffer;
    if (slot == NULL) {
        PyErr_Format(PyExc_TypeError, "%s buffer type not available",
                     kind == ANY_SEGMENT ? "no" : write ? "write" : "read");
        return -1;
    }
    return slot(base, 0, p);
}

/* The window's memory now, through the base's slot for `kind`: 1 with
   *pointer and *size set, or 0.  As in 2.7, a base that does not say "one
   segment" gets TypeError. */
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
    Py_ssize_t count = base_segment(self->base, procs, kind, self->readonly,
                                    &p);
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

/* As 2.7: a writable buffer is not hashable; a read-only one hashes the
   bytes of its window as 2.7 hashed a str, once: the hash is kept even if
   the memory changes later. */
static Py_hash_t
buffer_hash(PyObject *self)
{
    BufferObject *b = (BufferObject *)self;
    char *p;
    Py_ssize_t size;
    if (b->hash != -1) {
        return b->hash;
    }
    if (!b->readonly) {
        PyErr_SetString(PyExc_TypeError, "writable buffers are not hashable");
        return -1;
    }
    if (!window(b, ANY_SEGMENT, &p, &size)) {
        return -1;
    }
    b->hash = mb_hash_python2_string(p, size);
    return b->hash;
}

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
    .tp_hash = buffer_hash,
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
    b->hash = -1;
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
        /* 2.7 adds the offsets and finds the sum past the limit
           negative. */
        if (outer->offset > PY_SSIZE_T_MAX - offset) {
            PyErr_SetString(PyExc_ValueError,
                            "offset must be zero or positive");
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
