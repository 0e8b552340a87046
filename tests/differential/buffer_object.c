/* cpython: 2.7-2.7
 *
 * Python 2's buffer object: PyBuffer_FromObject and friends with every
 * offset and size rule, buffers of buffers, windows that follow their
 * object, the slots of the buffer itself and their messages, and the new
 * protocol on a buffer.
 */
#include "legacy_exporter.h"

/* What the buffer's read slot says now, relative to `data` (0 when data is
   NULL). */
static void
show_window(const char *label, PyObject *b, const char *data)
{
    printf("%s -> ", label);
    if (b == NULL) {
        printf("NULL\n");
        print_error();
        return;
    }
    void *p = NULL;
    Py_ssize_t total = -5;
    PyBufferProcs *procs = Py_TYPE(b)->tp_as_buffer;
    Py_ssize_t count = procs->bf_getsegcount(b, &total);
    Py_ssize_t n = procs->bf_getreadbuffer(b, 0, &p);
    if (n < 0) {
        printf("segcount %ld, read -> %ld\n", (long)count, (long)n);
        print_error();
        return;
    }
    printf("segcount %ld total %ld, read data+%ld len %ld '%.*s'\n",
           (long)count, (long)total,
           data != NULL ? (long)((char *)p - data) : 0L, (long)n, (int)n,
           (char *)p);
}

/* show_window for a new buffer, which it then gives back. */
static void
show_new(const char *label, PyObject *b, const char *data)
{
    show_window(label, b, data);
    Py_XDECREF(b);
}

static void
window_of(PyObject *base, const char *data, Py_ssize_t offset,
          Py_ssize_t size)
{
    char label[64];
    snprintf(label, sizeof(label), "FromObject(%ld, %ld)", (long)offset,
             (long)size);
    PyObject *b = PyBuffer_FromObject(base, offset, size);
    show_window(label, b, data);
    Py_XDECREF(b);
}

int
main(void)
{
    scenario_begin();
    Legacy *base = new_legacy(&AllSlots, 1);
    PyObject *obj = (PyObject *)base;
    const char *data = base->data[0];
    Py_ssize_t offsets[] = {0, 3, 8, 20, -1};
    Py_ssize_t sizes[] = {Py_END_OF_BUFFER, 0, 2, 5, 30, -2};
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 6; j++) {
            window_of(obj, data, offsets[i], sizes[j]);
        }
    }

    /* A buffer of a buffer refers to the innermost object. */
    PyObject *outer = PyBuffer_FromObject(obj, 2, 5);
    printf("refcount of the base with one buffer: +%ld\n",
           (long)(Py_REFCNT(obj) - 1));
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 5; j++) {
            char label[64];
            snprintf(label, sizeof(label), "nested(%ld, %ld)",
                     (long)offsets[i], (long)sizes[j]);
            PyObject *b = PyBuffer_FromObject(outer, offsets[i], sizes[j]);
            show_window(label, b, data);
            Py_XDECREF(b);
        }
    }
    PyObject *whole = PyBuffer_FromObject(obj, 1, Py_END_OF_BUFFER);
    PyObject *of_whole = PyBuffer_FromObject(whole, 2, Py_END_OF_BUFFER);
    show_new("nested on an unbounded buffer", of_whole, data);
    Py_DECREF(whole);

    /* The window follows the object. */
    base->lengths[0] = 4;
    show_window("after the base shrank to 4", outer, data);
    base->lengths[0] = 1;
    show_window("after the base shrank to 1", outer, data);
    base->lengths[0] = 8;
    base->nsegments = 2;
    show_window("base with two segments", outer, data);
    base->nsegments = 1;
    base->fail = 1;
    show_window("base failing", outer, data);
    base->fail = 0;

    /* The buffer's own slots. */
    PyBufferProcs *procs = Py_TYPE(outer)->tp_as_buffer;
    void *p;
    char *c;
    report("read slot, segment 1", procs->bf_getreadbuffer(outer, 1, &p));
    report("write slot of a read-only buffer",
           procs->bf_getwritebuffer(outer, 0, &p));
    report("write slot of a read-only buffer, segment 1",
           procs->bf_getwritebuffer(outer, 1, &p));
    report("char slot", procs->bf_getcharbuffer(outer, 0, &c));
    report("char slot, segment 1", procs->bf_getcharbuffer(outer, 1, &c));
    report("segcount with NULL", procs->bf_getsegcount(outer, NULL));
    PyObject *rw = PyBuffer_FromReadWriteObject(obj, 1, 3);
    report("write slot of a writable buffer",
           procs->bf_getwritebuffer(rw, 0, &p));
    printf("  data+%ld\n", (long)((char *)p - data));
    report("write slot of a writable buffer, segment 1",
           procs->bf_getwritebuffer(rw, 1, &p));
    Py_DECREF(rw);

    /* Bases without the slots asked for. */
    Legacy *ro = new_legacy(&ReadSlots, 1);
    Legacy *wo = new_legacy(&WriteSlots, 1);
    Legacy *co = new_legacy(&CharSlots, 1);
    Legacy *ns = new_legacy(&NoSegcount, 1);
    PyObject *plain = new_plain(&PlainType);
    show_new("FromObject(read-only)",
                
PyBuffer_FromObject((PyObject *)ro, 0, -1), ro->data[0]);
    show_new("FromReadWriteObject(read-only)",
                
PyBuffer_FromReadWriteObject((PyObject *)ro, 0, -1), NULL);
    show_new("FromObject(write-only)",
                
PyBuffer_FromObject((PyObject *)wo, 0, -1), NULL);
    PyObject *b = PyBuffer_FromReadWriteObject((PyObject *)wo, 0, -1);
    show_window("FromReadWriteObject(write-only)", b, wo->data[0]);
    report("  its write slot", procs->bf_getwritebuffer(b, 0, &p));
    report("  its char slot", procs->bf_getcharbuffer(b, 0, &c));
    Py_XDECREF(b);
    show_new("FromObject(char-only)",
                
PyBuffer_FromObject((PyObject *)co, 0, -1), NULL);
    show_new("FromObject(no segcount)",
                
PyBuffer_FromObject((PyObject *)ns, 0, -1), NULL);
    show_new("FromObject(plain)", PyBuffer_FromObject(plain, 0, -1),
                NULL);
    b = PyBuffer_FromObject((PyObject *)ro, 0, -1);
    report("char slot of a buffer on a read-only base",
           procs->bf_getcharbuffer(b, 0, &c));
    Py_DECREF(b);

    /* Memory. */
    static char memory[] = "raw memory";
    b = PyBuffer_FromMemory(memory, 3);
    show_window("FromMemory(3)", b, memory);
    report("  its write slot", procs->bf_getwritebuffer(b, 0, &p));
    Py_DECREF(b);
    b = PyBuffer_FromReadWriteMemory(memory + 4, 6);
    show_window("FromReadWriteMemory(6)", b, memory);
    report("  its write slot", procs->bf_getwritebuffer(b, 0, &p));
    Py_DECREF(b);
    show_new("FromMemory(-2)", PyBuffer_FromMemory(memory, -2), memory);
    b = PyBuffer_New(5);
    show_window("New(5)", b, NULL);
    procs->bf_getreadbuffer(b, 0, &p);
    printf("  zeroed: %d, writable: %ld\n",
           memcmp(p, "\0\0\0\0\0", 5) == 0,
           (long)procs->bf_getwritebuffer(b, 0, &p));
    Py_DECREF(b);
    show_new("New(-1)", PyBuffer_New(-1), NULL);

    /* The new protocol on a buffer object. */
    Py_buffer view;
    b = PyBuffer_FromObject(obj, 2, 4);
    report("GetBuffer(FULL_RO)", PyObject_GetBuffer(b, &view, PyBUF_FULL_RO));
    print_view(&view, b, data);
    PyBuffer_Release(&view);
    report("GetBuffer(WRITABLE)",
           PyObject_GetBuffer(b, &view, PyBUF_WRITABLE));
    Py_DECREF(b);

    Py_DECREF(outer);
    Py_DECREF(plain);
    Py_DECREF(ns);
    Py_DECREF(co);
    Py_DECREF(wo);
    Py_DECREF(ro);
    Py_DECREF(base);
    return scenario_end();
}
