/* cpython: 2.7-2.7
 *
 * Python 2's buffer object over a base whose slots answer what they are
 * told: every segment slot returning a length, 0, -1 or -2 (with and
 * without an exception), another negative, or a huge length, and
 * bf_getsegcount returning 0, 1, 2 or a failure.  Each answer is seen
 * through the buffer's four slots and the new protocol.  Then bases that
 * lack a slot, buffers of buffers with offsets and sizes near the limits,
 * and the buffer's hash.
 */
#include "legacy_exporter.h"

typedef struct {
    PyObject_HEAD
    char data[10];
    Py_ssize_t answer;        /* what the segment slots return */
    int raise;                /* ... after setting ValueError */
    Py_ssize_t segments;      /* what bf_getsegcount returns */
    int segcount_raises;
} Scripted;

static Py_ssize_t
scripted_answer(PyObject *self, void **pointer)
{
    Scripted *s = (Scripted *)self;
    *pointer = s->data;
    if (s->raise) {
        PyErr_SetString(PyExc_ValueError, "scripted refusal");
    }
    return s->answer;
}

static Py_ssize_t
scripted_read(PyObject *self, Py_ssize_t index, void **pointer)
{
    (void)index;
    return scripted_answer(self, pointer);
}

static Py_ssize_t
scripted_char(PyObject *self, Py_ssize_t index, char **pointer)
{
    void *p = NULL;
    (void)index;
    Py_ssize_t n = scripted_answer(self, &p);
    *pointer = (char *)p;
    return n;
}

static Py_ssize_t
scripted_segcount(PyObject *self, Py_ssize_t *total)
{
    Scripted *s = (Scripted *)self;
    if (total != NULL) {
        *total = (Py_ssize_t)sizeof(s->data);
    }
    if (s->segcount_raises) {
        PyErr_SetString(PyExc_ValueError, "scripted segcount");
    }
    return s->segments;
}

static PyBufferProcs scripted_slots = {
    scripted_read, scripted_read, scripted_segcount, scripted_char,
};

static PyTypeObject ScriptedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "legacy.Scripted",
    .tp_basicsize = sizeof(Scripted),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &scripted_slots,
};

static Scripted *
new_scripted(Py_ssize_t answer, int raise)
{
    Scripted *s = PyObject_New(Scripted, &ScriptedType);
    memcpy(s->data, "0123456789", 10);
    s->answer = answer;
    s->raise = raise;
    s->segments = 1;
    s->segcount_raises = 0;
    return s;
}

/* Every way of reading buffer b, relative to `data`.  `silent`: the base
   fails without an exception, which PyObject_GetBuffer passes on as -1
   with none; minibuf's tracking, on in this suite, reports that
   (docs/differences.md), so it is left out. */
static void
through(PyObject *b, const char *data, int silent)
{
    PyBufferProcs *procs = Py_TYPE(b)->tp_as_buffer;
    void *p = NULL;
    char *c = NULL;
    Py_ssize_t total = -5;
    Py_ssize_t n = procs->bf_getreadbuffer(b, 0, &p);
    printf("    read -> %ld", (long)n);
    if (n >= 0) {
        printf(" at data+%ld", (long)((char *)p - data));
    }
    printf("\n");
    print_error();
    n = procs->bf_getwritebuffer(b, 0, &p);
    printf("    write -> %ld\n", (long)n);
    print_error();
    n = procs->bf_getcharbuffer(b, 0, &c);
    printf("    char -> %ld\n", (long)n);
    print_error();
    n = procs->bf_getsegcount(b, &total);
    printf("    segcount -> %ld, total %ld\n", (long)n, (long)total);
    print_error();
    if (silent) {
        return;
    }
    Py_buffer view;
    int result = PyObject_GetBuffer(b, &view, PyBUF_SIMPLE);
    printf("    PyObject_GetBuffer -> %d", result);
    if (result == 0) {
        printf(", len %ld at data+%ld", (long)view.len,
               (long)((char *)view.buf - data));
        PyBuffer_Release(&view);
    }
    printf("\n");
    print_error();
}

static void
through_the_buffer(PyObject *b, const char *data)
{
    through(b, data, 0);
}

static void
answers(void)
{
    static const Py_ssize_t values[] = {4, 0, -1, -2, -3, PY_SSIZE_T_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        for (int raise = 0; raise <= 1; raise++) {
            Scripted *s = new_scripted(values[i], raise);
            PyObject *b = PyBuffer_FromReadWriteObject((PyObject *)s, 2,
                                                       Py_END_OF_BUFFER);
            int silent = values[i] < 0 && !raise;
            printf("slots answer %ld%s, window from 2:\n", (long)values[i],
                   raise ? " with ValueError" : "");
            through(b, s->data, silent);
            Py_DECREF(b);
            b = PyBuffer_FromObject((PyObject *)s, 1, 3);
            printf("  read-only, 3 from 1:\n");
            through(b, s->data, silent);
            Py_DECREF(b);
            Py_DECREF(s);
        }
    }
}

static void
segment_counts(void)
{
    static const Py_ssize_t counts[] = {0, 2, -1, -2};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        for (int raise = 0; raise <= 1; raise++) {
            Scripted *s = new_scripted(10, 0);
            s->segments = counts[i];
            s->segcount_raises = raise;
            PyObject *b = PyBuffer_FromObject((PyObject *)s, 0,
                                              Py_END_OF_BUFFER);
            printf("segcount answers %ld%s:\n", (long)counts[i],
                   raise ? " with ValueError" : "");
            if (b == NULL) {
                print_error();
            }
            else {
                through_the_buffer(b, s->data);
                Py_DECREF(b);
            }
            Py_DECREF(s);
        }
    }
}

/* Bases that lack a slot, under read-only and writable windows, alone and
   under a second buffer. */
static void
missing_slots(void)
{
    PyTypeObject *types[] = {&ReadSlots, &WriteSlots, &CharSlots};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Legacy *l = new_legacy(types[i], 1);
        for (int writable = 0; writable <= 1; writable++) {
            PyObject *b = writable
                ? PyBuffer_FromReadWriteObject((PyObject *)l, 0,
                                               Py_END_OF_BUFFER)
                : PyBuffer_FromObject((PyObject *)l, 0, Py_END_OF_BUFFER);
            printf("%s, %s:\n", types[i]->tp_name,
                   writable ? "writable" : "read-only");
            if (b == NULL) {
                print_error();
                continue;
            }
            through_the_buffer(b, l->data[0]);
            for (int outer = 0; outer <= 1; outer++) {
                PyObject *bb = outer
                    ? PyBuffer_FromReadWriteObject(b, 1, Py_END_OF_BUFFER)
                    : PyBuffer_FromObject(b, 1, Py_END_OF_BUFFER);
                printf("  under a %s buffer:\n",
                       outer ? "writable" : "read-only");
                if (bb == NULL) {
                    print_error();
                    continue;
                }
                through_the_buffer(bb, l->data[0]);
                Py_DECREF(bb);
            }
            Py_DECREF(b);
        }
        Py_DECREF(l);
    }
}

/* A base with two segments and no write slot, under a writable buffer:
   which complaint comes first. */
static void
two_segments_and_a_missing_slot(void)
{
    Legacy *l = new_legacy(&ReadSlots, 2);
    PyObject *b = PyBuffer_FromObject((PyObject *)l, 0, Py_END_OF_BUFFER);
    PyObject *bb = PyBuffer_FromReadWriteObject(b, 0, Py_END_OF_BUFFER);
    printf("two segments, read slot only, under a writable buffer:\n");
    through_the_buffer(bb, l->data[0]);
    Py_DECREF(bb);
    Py_DECREF(b);
    Py_DECREF(l);
}

static void
nest(const char *label, PyObject *base, Py_ssize_t inner_offset,
     Py_ssize_t inner_size, Py_ssize_t outer_offset, Py_ssize_t outer_size,
     const char *data)
{
    PyObject *inner = PyBuffer_FromObject(base, inner_offset, inner_size);
    printf("%s:\n", label);
    if (inner == NULL) {
        print_error();
        return;
    }
    PyObject *outer = PyBuffer_FromObject(inner, outer_offset, outer_size);
    Py_DECREF(inner);
    if (outer == NULL) {
        print_error();
        return;
    }
    through_the_buffer(outer, data);
    Py_DECREF(outer);
}

static void
nesting(void)
{
    const Py_ssize_t max = PY_SSIZE_T_MAX;
    Scripted *s = new_scripted(10, 0);
    PyObject *base = (PyObject *)s;
    nest("buffer(buffer(x, 5), maxsize)", base, 5, -1, max, -1, s->data);
    nest("buffer(buffer(x, 5), maxsize - 5)", base, 5, -1, max - 5, -1,
         s->data);
    nest("buffer(buffer(x, 5), maxsize - 4)", base, 5, -1, max - 4, -1,
         s->data);
    nest("buffer(buffer(x, maxsize), 1)", base, max, -1, 1, -1, s->data);
    nest("buffer(buffer(x, maxsize), 0)", base, max, -1, 0, -1, s->data);
    nest("buffer(buffer(x, 0, maxsize), 3, maxsize)", base, 0, max, 3, max,
         s->data);
    nest("buffer(buffer(x, 2, 5), 3, 4)", base, 2, 5, 3, 4, s->data);
    nest("buffer(buffer(x, 2, 5), 6)", base, 2, 5, 6, -1, s->data);
    nest("buffer(buffer(x, 2, 0), 0)", base, 2, 0, 0, -1, s->data);
    nest("buffer(buffer(x, 1, 1), 0, maxsize)", base, 1, 1, 0, max, s->data);
    Py_DECREF(s);
}

static void
show_hash(const char *label, PyObject *b)
{
    long h = (long)PyObject_Hash(b);
    printf("hash(%s) -> %ld\n", label, h);
    print_error();
}

static void
hashes(void)
{
    Scripted *s = new_scripted(10, 0);
    PyObject *base = (PyObject *)s;
    PyObject *whole = PyBuffer_FromObject(base, 0, Py_END_OF_BUFFER);
    PyObject *again = PyBuffer_FromObject(base, 0, Py_END_OF_BUFFER);
    PyObject *part = PyBuffer_FromObject(base, 3, 4);
    PyObject *empty = PyBuffer_FromObject(base, 10, Py_END_OF_BUFFER);
    PyObject *writable = PyBuffer_FromReadWriteObject(base, 0, 2);
    PyObject *memory = PyBuffer_FromMemory(s->data, 10);
    PyObject *rwmemory = PyBuffer_FromReadWriteMemory(s->data, 10);
    PyObject *fresh = PyBuffer_New(4);
    show_hash("buffer(x)", whole);
    show_hash("buffer(x) again", again);
    show_hash("buffer(x, 3, 4)", part);
    show_hash("buffer(x, 10)", empty);
    show_hash("writable buffer", writable);
    show_hash("buffer on memory", memory);
    show_hash("writable buffer on memory", rwmemory);
    show_hash("PyBuffer_New(4)", fresh);
    s->data[0] = 'X';
    show_hash("buffer(x) after x changed (hashed before)", whole);
    show_hash("buffer(x, 3, 4) after x changed (hashed before)", part);
    PyObject *late = PyBuffer_FromObject(base, 0, Py_END_OF_BUFFER);
    show_hash("a new buffer(x) after x changed", late);
    s->answer = -1;
    s->raise = 1;
    PyObject *failing = PyBuffer_FromObject(base, 0, Py_END_OF_BUFFER);
    show_hash("buffer(x) when x refuses", failing);
    Py_DECREF(whole);
    Py_DECREF(again);
    Py_DECREF(part);
    Py_DECREF(empty);
    Py_DECREF(writable);
    Py_DECREF(memory);
    Py_DECREF(rwmemory);
    Py_DECREF(fresh);
    Py_DECREF(late);
    Py_DECREF(failing);
    Py_DECREF(s);
}

int
main(void)
{
    scenario_begin();
    if (PyType_Ready(&ScriptedType) < 0) {
        print_error();
        return 1;
    }
    answers();
    segment_counts();
    missing_slots();
    two_segments_and_a_missing_slot();
    nesting();
    hashes();
    return scenario_end();
}
