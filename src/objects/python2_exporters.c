/* Exporters that fill only Python 2's segment slots: a writable object of
 * any number of segments, a read-only object, and an object of character
 * data.  They make the old protocol concrete: each answers only the slots a
 * Python 2 type of that kind had, so the old functions take Python 2.7's
 * path and give its messages.
 *
 * Their tables are in Python 2.7's layout (runtime/python2_types.c).
 *
 * Ownership: each object owns a copy of its segments, in one allocation
 * with the object; the pointers it hands out stay valid while it lives.
 */
#include "objects.h"

typedef struct {
    PyObject_HEAD
    Py_ssize_t nsegments;
    Py_ssize_t *lengths;      /* nsegments lengths, inside the object */
    char **segments;          /* nsegments pointers, inside the object */
} Segments;

/* Segment `index` of self, or -1 with SystemError if there is none. */
static Py_ssize_t
segment(PyObject *self, Py_ssize_t index, void **pointer)
{
    Segments *s = (Segments *)self;
    if (index < 0 || index >= s->nsegments) {
        PyErr_SetString(PyExc_SystemError,
                        "accessing non-existent buffer segment");
        return -1;
    }
    *pointer = s->segments[index];
    return s->lengths[index];
}

static Py_ssize_t
segment_as_chars(PyObject *self, Py_ssize_t index, char **pointer)
{
    void *p = NULL;
    Py_ssize_t length = segment(self, index, &p);
    *pointer = p;
    return length;
}

static Py_ssize_t
segment_count(PyObject *self, Py_ssize_t *total)
{
    Segments *s = (Segments *)self;
    if (total != NULL) {
        *total = 0;
        for (Py_ssize_t i = 0; i < s->nsegments; i++) {
            *total += s->lengths[i];
        }
    }
    return s->nsegments;
}

static MbPython2BufferProcs segments_procs = {
    .bf_getreadbuffer = segment,
    .bf_getwritebuffer = segment,
    .bf_getsegcount = segment_count,
    .bf_getcharbuffer = segment_as_chars,
};

static MbPython2BufferProcs read_only_procs = {
    .bf_getreadbuffer = segment,
    .bf_getsegcount = segment_count,
};

static MbPython2BufferProcs char_procs = {
    .bf_getsegcount = segment_count,
    .bf_getcharbuffer = segment_as_chars,
};

#define LEGACY_TYPE(NAME, TP_NAME, PROCS, DOC)                          \
    static PyTypeObject NAME = {                                        \
        PyVarObject_HEAD_INIT(&PyType_Type, 0)                         \
        .tp_name = TP_NAME,                                             \
        .tp_basicsize = sizeof(Segments),                               \
        .tp_dealloc = segments_dealloc,                                 \
        .tp_as_buffer = (PyBufferProcs *)(void *)&PROCS,                \
        .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY               \
                    | MB_TPFLAGS_PYTHON2                                \
                    | MB_TPFLAGS_PYTHON2_GETCHARBUFFER,                 \
        .tp_doc = DOC,                                                  \
        .tp_base = &PyBaseObject_Type,                                     \
        .tp_free = PyObject_Free,                                       \
    }

static void
segments_dealloc(PyObject *self)
{
    PyObject_Free(self);
}

LEGACY_TYPE(segments_type, "minibuf.Segments", segments_procs,
            "A writable object of several segments (Python 2 slots).");
LEGACY_TYPE(read_only_type, "minibuf.LegacyReadOnly", read_only_procs,
            "One read-only segment (bf_getreadbuffer only).");
LEGACY_TYPE(char_type, "minibuf.LegacyChar", char_procs,
            "One segment of characters (bf_getcharbuffer only).");

/* A new object of `type` holding copies of the segments. */
static PyObject *
new_segments(PyTypeObject *type, Py_ssize_t nsegments,
             const char *const *data, const Py_ssize_t *lengths)
{
    if (nsegments < 0 || (nsegments > 0 && (data == NULL
                                            || lengths == NULL))) {
        PyErr_BadInternalCall();
        return NULL;
    }
    size_t bytes = sizeof(Segments);
    size_t tables = (size_t)nsegments * (sizeof(Py_ssize_t) + sizeof(char *));
    if ((size_t)nsegments > (size_t)PY_SSIZE_T_MAX / 16) {
        return PyErr_NoMemory();
    }
    bytes += tables;
    for (Py_ssize_t i = 0; i < nsegments; i++) {
        if (lengths[i] < 0 || (lengths[i] > 0 && data[i] == NULL)) {
            PyErr_BadInternalCall();
            return NULL;
        }
        if ((size_t)lengths[i] > (size_t)PY_SSIZE_T_MAX - bytes - 1) {
            return PyErr_NoMemory();
        }
        bytes += (size_t)lengths[i] + 1;
    }
    Segments *s = PyObject_Malloc(bytes);
    if (s == NULL) {
        return PyErr_NoMemory();
    }
    PyObject_Init((PyObject *)s, type);
    s->nsegments = nsegments;
    s->lengths = (Py_ssize_t *)(s + 1);
    s->segments = (char **)(s->lengths + nsegments);
    char *storage = (char *)(s->segments + nsegments);
    for (Py_ssize_t i = 0; i < nsegments; i++) {
        s->lengths[i] = lengths[i];
        s->segments[i] = storage;
        if (lengths[i] > 0) {
            memcpy(storage, data[i], (size_t)lengths[i]);
        }
        storage[lengths[i]] = '\0';
        storage += lengths[i] + 1;
    }
    return (PyObject *)s;
}

PyObject *
MbSegments_New(Py_ssize_t nsegments, const char *const *data,
               const Py_ssize_t *lengths)
{
    return new_segments(&segments_type, nsegments, data, lengths);
}

PyObject *
MbLegacyReadOnly_New(const char *data, Py_ssize_t len)
{
    return new_segments(&read_only_type, 1, &data, &len);
}

PyObject *
MbLegacyChar_New(const char *data, Py_ssize_t len)
{
    return new_segments(&char_type, 1, &data, &len);
}
