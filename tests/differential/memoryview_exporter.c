/* cpython: 3.11-3.12
 *
 * memoryview as an exporter: every request, alone and with WRITABLE and
 * FORMAT, against memoryviews of C, Fortran, strided, negatively strided,
 * PIL, 0-d, read-only and writable layouts, with memoryview's messages and
 * its count of exports.  (3.13 rejects PyBUF_READ and PyBUF_WRITE in
 * PyObject_GetBuffer itself.)
 */
#include "scenario.h"

static unsigned char memory[64];

static void
request_one(PyObject *mv, const char *name, int flags)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    Py_ssize_t before = Py_REFCNT(mv);
    int result = PyObject_GetBuffer(mv, &view, flags);
    printf("%s (%d) -> %d, refs %+ld, exports %ld\n", name, flags, result,
           (long)(Py_REFCNT(mv) - before),
           (long)((PyMemoryViewObject *)mv)->exports);
    print_error();
    if (result == 0) {
        print_view(&view, mv, PyMemoryView_GET_BUFFER(mv)->buf);
        PyBuffer_Release(&view);
    }
}

static void
matrix(const char *title, PyObject *mv)
{
    printf("== %s\n", title);
    for (int i = 0; i < N_REQUESTS; i++) {
        char name[64];
        request_one(mv, requests[i].name, requests[i].flags);
        snprintf(name, sizeof(name), "%s|WRITABLE", requests[i].name);
        request_one(mv, name, requests[i].flags | PyBUF_WRITABLE);
        snprintf(name, sizeof(name), "%s|FORMAT", requests[i].name);
        request_one(mv, name, requests[i].flags | PyBUF_FORMAT);
    }
    Py_DECREF(mv);
}

/* A memoryview of a Fixed exporter with this layout. */
static PyObject *
view_of(Py_buffer layout, int writable)
{
    PyObject *fixed = new_fixed(layout, writable);
    PyObject *mv = PyMemoryView_FromObject(fixed);
    Py_DECREF(fixed);
    return mv;
}

int
main(void)
{
    scenario_begin();
    for (int i = 0; i < 64; i++) {
        memory[i] = (unsigned char)i;
    }
    Py_ssize_t s23[] = {2, 3};
    Py_ssize_t c23[] = {12, 4}, f23[] = {4, 8}, strided[] = {24, 8};
    Py_ssize_t neg[] = {-12, -4}, s6[] = {6}, c6[] = {1};
    unsigned char *rows[2] = {memory + 32, memory + 8};
    Py_ssize_t pil_strides[] = {sizeof(unsigned char *), 4};
    Py_ssize_t pil_sub[] = {0, -1};

    PyObject *bytes = PyBytes_FromStringAndSize("abcdef", 6);
    matrix("bytes", PyMemoryView_FromObject(bytes));
    Py_DECREF(bytes);
    PyObject *array = PyByteArray_FromStringAndSize("abcdef", 6);
    matrix("bytearray", PyMemoryView_FromObject(array));
    Py_DECREF(array);
    matrix("2x3 'i' C, writable",
           view_of(make_layout(memory, 4, "i", 2, s23, c23, NULL), 1));
    matrix("2x3 'i' F",
           view_of(make_layout(memory, 4, "i", 2, s23, f23, NULL), 0));
    matrix("2x3 'i' strided",
           view_of(make_layout(memory, 4, "i", 2, s23, strided, NULL), 1));
    matrix("2x3 'i' negative strides",
           view_of(make_layout(memory + 20, 4, "i", 2, s23, neg, NULL), 1));
    matrix("1-D 'B' contiguous",
           view_of(make_layout(memory, 1, "B", 1, s6, c6, NULL), 1));
    Py_buffer pil = make_layout(rows, 4, "i", 2, s23, pil_strides, pil_sub);
    matrix("2x3 'i' PIL", view_of(pil, 1));
    matrix("0-d 'd'", view_of(make_layout(memory, 8, "d", 0, NULL, NULL,
                                          NULL), 1));

    /* A memoryview with exports of its own. */
    bytes = PyBytes_FromStringAndSize("xyz", 3);
    PyObject *mv = PyMemoryView_FromObject(bytes);
    Py_DECREF(bytes);
    Py_buffer a, b;
    PyObject_GetBuffer(mv, &a, PyBUF_SIMPLE);
    PyObject_GetBuffer(mv, &b, PyBUF_FULL_RO);
    printf("two exports: exports %ld, obj is the view %d %d\n",
           (long)((PyMemoryViewObject *)mv)->exports, a.obj == mv,
           b.obj == mv);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    printf("released: exports %ld\n",
           (long)((PyMemoryViewObject *)mv)->exports);
    Py_DECREF(mv);
    return scenario_end();
}
