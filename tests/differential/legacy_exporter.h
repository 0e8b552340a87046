/* An exporter written for Python 2's PyBufferProcs, for the scenarios that
 * compare with Python 2.7, compiled as Python 2 code.  Each type fills a different set of the four
 * slots; every instance has its own segments and can make a slot fail.
 */
#ifndef LEGACY_EXPORTER_H
#define LEGACY_EXPORTER_H

/* Python 2 code: minibuf's Python 2 mode (CPython 2.7 ignores the name). */
#define MB_PYTHON2
#include "scenario.h"

typedef struct {
    PyObject_HEAD
    char data[2][16];
    Py_ssize_t lengths[2];
    Py_ssize_t nsegments;
    int fail;                 /* the segment slots raise ValueError */
    char log[64];             /* which slots were called, in order */
} Legacy;

static void
legacy_log(PyObject *self, char slot)
{
    Legacy *l = (Legacy *)self;
    size_t n = strlen(l->log);
    if (n + 1 < sizeof(l->log)) {
        l->log[n] = slot;
        l->log[n + 1] = '\0';
    }
}

static Py_ssize_t
legacy_segment(PyObject *self, Py_ssize_t index, void **pointer)
{
    Legacy *l = (Legacy *)self;
    if (l->fail) {
        PyErr_SetString(PyExc_ValueError, "legacy: segment refused");
        return -1;
    }
    if (index < 0 || index >= l->nsegments) {
        PyErr_SetString(PyExc_SystemError,
                        "accessing non-existent buffer segment");
        return -1;
    }
    *pointer = l->data[index];
    return l->lengths[index];
}

static Py_ssize_t
legacy_read(PyObject *self, Py_ssize_t index, void **pointer)
{
    legacy_log(self, 'r');
    return legacy_segment(self, index, pointer);
}

static Py_ssize_t
legacy_write(PyObject *self, Py_ssize_t index, void **pointer)
{
    legacy_log(self, 'w');
    return legacy_segment(self, index, pointer);
}

static Py_ssize_t
legacy_char(PyObject *self, Py_ssize_t index, char **pointer)
{
    void *p = NULL;
    legacy_log(self, 'c');
    Py_ssize_t n = legacy_segment(self, index, &p);
    *pointer = (char *)p;
    return n;
}

static Py_ssize_t
legacy_segcount(PyObject *self, Py_ssize_t *total)
{
    Legacy *l = (Legacy *)self;
    legacy_log(self, 's');
    if (total != NULL) {
        *total = 0;
        for (Py_ssize_t i = 0; i < l->nsegments; i++) {
            *total += l->lengths[i];
        }
    }
    return l->nsegments;
}

static PyBufferProcs all_slots = {
    .bf_getreadbuffer = legacy_read,
    .bf_getwritebuffer = legacy_write,
    .bf_getsegcount = legacy_segcount,
    .bf_getcharbuffer = legacy_char,
};
static PyBufferProcs read_slots = {
    .bf_getreadbuffer = legacy_read,
    .bf_getsegcount = legacy_segcount,
};
static PyBufferProcs write_slots = {
    .bf_getwritebuffer = legacy_write,
    .bf_getsegcount = legacy_segcount,
};
static PyBufferProcs char_slots = {
    .bf_getsegcount = legacy_segcount,
    .bf_getcharbuffer = legacy_char,
};
static PyBufferProcs no_segcount_slots = {
    .bf_getreadbuffer = legacy_read,
    .bf_getwritebuffer = legacy_write,
    .bf_getcharbuffer = legacy_char,
};

#define LEGACY_TYPE(NAME, PROCS)                        \
    static PyTypeObject NAME = {                        \
        PyVarObject_HEAD_INIT(NULL, 0)                  \
        .tp_name = "legacy." #NAME,                     \
        .tp_basicsize = sizeof(Legacy),                 \
        .tp_flags = Py_TPFLAGS_DEFAULT,                 \
        .tp_as_buffer = &PROCS,                         \
    }

LEGACY_TYPE(AllSlots, all_slots);
LEGACY_TYPE(ReadSlots, read_slots);
LEGACY_TYPE(WriteSlots, write_slots);
LEGACY_TYPE(CharSlots, char_slots);
LEGACY_TYPE(NoSegcount, no_segcount_slots);

/* An instance of type with `nsegments` segments "segment0", "seg1". */
static Legacy *
new_legacy(PyTypeObject *type, Py_ssize_t nsegments)
{
    PyType_Ready(type);
    Legacy *l = PyObject_New(Legacy, type);
    memset(l->data, 0, sizeof(l->data));
    strcpy(l->data[0], "segment0");
    strcpy(l->data[1], "seg1");
    l->lengths[0] = 8;
    l->lengths[1] = 4;
    l->nsegments = nsegments;
    l->fail = 0;
    l->log[0] = '\0';
    return l;
}

#endif /* !LEGACY_EXPORTER_H */
