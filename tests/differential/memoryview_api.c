/* cpython: 3.11-3.12
 *
 * memoryview's C API: PyMemoryView_FromObject (the managed buffer shared by
 * views of views, asked once and released once, the base reported as obj),
 * PyMemoryView_FromMemory, PyMemoryView_FromBuffer (with its reconstruction
 * of missing format, shape and strides), PyMemoryView_GetContiguous in
 * every order and buffer type, PyMemoryView_GET_BUFFER and _GET_BASE.
 */
#include "scenario.h"

static unsigned char memory[64];

static const char *
base_name(PyObject *mv, PyObject *expected)
{
    PyObject *base = PyMemoryView_GET_BASE(mv);
    return base == NULL ? "NULL" : base == expected ? "the exporter"
                                 : Py_TYPE(base)->tp_name;
}

/* Show a new memoryview (or the error) and give it back. */
static void
show(const char *label, PyObject *mv, PyObject *exporter, const void *data)
{
    printf("%s -> ", label);
    if (mv == NULL) {
        printf("NULL\n");
        print_error();
        return;
    }
    printf("%s, base %s\n", Py_TYPE(mv)->tp_name, base_name(mv, exporter));
    print_view(PyMemoryView_GET_BUFFER(mv), exporter, data);
    Py_DECREF(mv);
}

/* Show a new contiguous view (or the error), say whether it is a view of
   `source` itself or a copy, and give it back. */
static void
show_contents(const char *label, PyObject *mv, const void *source)
{
    printf("%s:", label);
    if (mv == NULL) {
        printf(" NULL\n");
        print_error();
        return;
    }
    const Py_buffer *v = PyMemoryView_GET_BUFFER(mv);
    for (Py_ssize_t i = 0; i < v->len; i++) {
        printf(" %d", ((unsigned char *)v->buf)[i]);
    }
    printf(" (%s, base %s)\n", v->buf == source ? "no copy" : "a copy",
           PyMemoryView_GET_BASE(mv) ? Py_TYPE(PyMemoryView_GET_BASE(mv))
                                           ->tp_name : "NULL");
    print_view(v, PyMemoryView_GET_BASE(mv), v->buf);
    Py_DECREF(mv);
}

int
main(void)
{
    scenario_begin();
    for (int i = 0; i < 64; i++) {
        memory[i] = (unsigned char)i;
    }

    /* FromObject and the managed buffer. */
    PyObject *bytes = PyBytes_FromStringAndSize("abcdef", 6);
    show("FromObject(bytes)", PyMemoryView_FromObject(bytes), bytes,
         PyBytes_AS_STRING(bytes));
    Exporter *ex = new_exporter("exported", 8, 0);
    PyObject *exo = (PyObject *)ex;
    Py_ssize_t before = Py_REFCNT(exo);
    PyObject *m1 = PyMemoryView_FromObject(exo);
    PyObject *m2 = PyMemoryView_FromObject(m1);
    PyObject *m3 = PyMemoryView_FromObject(m2);
    printf("three views: getbuffer calls %d, flags %d, refs %+ld, bases %s "
           "%s %s\n", ex->getbuffer_calls, ex->last_flags,
           (long)(Py_REFCNT(exo) - before), base_name(m1, exo),
           base_name(m2, exo), base_name(m3, exo));
    print_view(PyMemoryView_GET_BUFFER(m3), exo, ex->data);
    Py_DECREF(m1);
    printf("first view gone: release calls %d\n", ex->release_calls);
    Py_DECREF(m3);
    printf("third view gone: release calls %d\n", ex->release_calls);
    Py_DECREF(m2);
    printf("last view gone: release calls %d, refs %+ld\n",
           ex->release_calls, (long)(Py_REFCNT(exo) - before));

    PyObject *array = PyByteArray_FromStringAndSize("bytearray", 9);
    m1 = PyMemoryView_FromObject(array);
    m2 = PyMemoryView_FromObject(m1);
    printf("bytearray exports with two views: %ld\n",
           (long)((PyByteArrayObject *)array)->ob_exports);
    report("resize while viewed", PyByteArray_Resize(array, 20));
    Py_DECREF(m1);
    report("resize with one view left", PyByteArray_Resize(array, 20));
    Py_DECREF(m2);
    report("resize with no view", PyByteArray_Resize(array, 20));

    PyObject *plain = new_plain(&PlainType);
    show("FromObject(plain)", PyMemoryView_FromObject(plain), NULL, NULL);
    ex->fail = 1;
    show("FromObject(failing)", PyMemoryView_FromObject(exo), exo, ex->data);
    ex->fail = 0;
    ex->null_obj = 1;
    m1 = PyMemoryView_FromObject(exo);
    printf("obj-NULL exporter: base %s\n", base_name(m1, exo));
    Py_DECREF(m1);
    printf("  release calls %d\n", ex->release_calls);
    ex->null_obj = 0;

    /* FromMemory. */
    show("FromMemory(READ)", PyMemoryView_FromMemory((char *)memory, 5,
                                                     PyBUF_READ), NULL,
         memory);
    show("FromMemory(WRITE)", PyMemoryView_FromMemory((char *)memory + 2, 7,
                                                      PyBUF_WRITE), NULL,
         memory);

    /* FromBuffer and its reconstruction. */
    Py_ssize_t s23[] = {2, 3}, c23[] = {6, 2}, s6[] = {6}, st6[] = {4};
    Py_buffer info = make_layout(memory, 2, NULL, 1, NULL, NULL, NULL);
    info.len = 12;
    info.obj = exo;
    before = Py_REFCNT(exo);
    m1 = PyMemoryView_FromBuffer(&info);
    printf("FromBuffer keeps no reference: refs %+ld\n",
           (long)(Py_REFCNT(exo) - before));
    show("FromBuffer(format NULL, itemsize 2, 1-D, no shape)", m1, exo,
         memory);
    info = make_layout(memory, 2, "h", 2, s23, NULL, NULL);
    show("FromBuffer(2x3 'h', no strides)", PyMemoryView_FromBuffer(&info),
         NULL, memory);
    info = make_layout(memory, 2, "h", 2, s23, c23, NULL);
    show("FromBuffer(2x3 'h', strides)", PyMemoryView_FromBuffer(&info),
         NULL, memory);
    info = make_layout(memory + 3, 1, "B", 1, s6, st6, NULL);
    show("FromBuffer(strided)", PyMemoryView_FromBuffer(&info), NULL,
         memory);
    info = make_layout(memory, 4, "i", 0, NULL, NULL, NULL);
    show("FromBuffer(0-d)", PyMemoryView_FromBuffer(&info), NULL, memory);
    info.buf = NULL;
    show("FromBuffer(buf NULL)", PyMemoryView_FromBuffer(&info), NULL,
         memory);
    Py_ssize_t ones[70];
    for (int i = 0; i < 70; i++) {
        ones[i] = 1;
    }
    info = make_layout(memory, 1, "B", 64, ones, NULL, NULL);
    show("FromBuffer(ndim 64)", PyMemoryView_FromBuffer(&info), NULL,
         memory);
    info = make_layout(memory, 1, "B", 65, ones, NULL, NULL);
    show("FromBuffer(ndim 65)", PyMemoryView_FromBuffer(&info), NULL,
         memory);

    /* GetContiguous. */
    Py_ssize_t f23[] = {1, 2}, strided[] = {8, 2};
    PyObject *contiguous = PyByteArray_FromStringAndSize("contiguous", 10);
    struct {
        const char *name;
        PyObject *obj;
        const void *data;
    } sources[] = {
        {"bytes", bytes, PyBytes_AS_STRING(bytes)},
        {"bytearray", contiguous, PyByteArray_AS_STRING(contiguous)},
        {"2x3 C", new_fixed(make_layout(memory, 1, "B", 2, s23,
                                        (Py_ssize_t[]){3, 1}, NULL), 1),
         memory},
        {"2x3 F", new_fixed(make_layout(memory, 1, "B", 2, s23, f23, NULL),
                            1), memory},
        {"2x3 strided", new_fixed(make_layout(memory, 1, "B", 2, s23,
                                              strided, NULL), 1), memory},
        {"2x3 strided 'h'", new_fixed(make_layout(memory, 2, "h", 2, s23,
                                                  (Py_ssize_t[]){12, 4},
                                                  NULL), 0), memory},
    };
    const char orders[] = "CFA";
    for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]); k++) {
        for (int o = 0; o < 3; o++) {
            char label[96];
            snprintf(label, sizeof(label), "GetContiguous(%s, READ, '%c')",
                     sources[k].name, orders[o]);
            show_contents(label, PyMemoryView_GetContiguous(sources[k].obj,
                                                            PyBUF_READ,
                                                            orders[o]),
                          sources[k].data);
            snprintf(label, sizeof(label), "GetContiguous(%s, WRITE, '%c')",
                     sources[k].name, orders[o]);
            show_contents(label, PyMemoryView_GetContiguous(sources[k].obj,
                                                            PyBUF_WRITE,
                                                            orders[o]),
                          sources[k].data);
        }
        if (k >= 1) {
            Py_DECREF(sources[k].obj);
        }
    }
    show_contents("GetContiguous(plain)",
                  PyMemoryView_GetContiguous(plain, PyBUF_READ, 'C'), NULL);

    Py_DECREF(plain);
    Py_DECREF(array);
    Py_DECREF(ex);
    Py_DECREF(bytes);
    return scenario_end();
}
