/* What CPython and minibuf do with views they cannot handle, one
 * situation per argument: the copies (PyBuffer_ToContiguous,
 * PyBuffer_FromContiguous, PyObject_CopyData) of views whose fields
 * disagree, exporters that break the protocol's rules, and the helpers
 * that fill a view.  Built against a CPython by tests/claims/probe.py, and
 * against minibuf by make (tests/claims/minibuf.py reads its answers); run
 * in a process of its own, it prints what it sees, and a crash shows as
 * the process's signal.
 *
 * usage: views SITUATION
 */
#include <Python.h>
#include <string.h>
#include "show.h"

/* A view of `memory` of `ndim` dimensions and 1-byte items, its shape and
   strides given (either may be NULL), its len given. */
static Py_buffer
view_of(char *memory, Py_ssize_t len, int ndim, Py_ssize_t *shape,
        Py_ssize_t *strides)
{
    Py_buffer view = {0};
    view.buf = memory;
    view.len = len;
    view.itemsize = 1;
    view.ndim = ndim;
    view.format = (char *)"B";
    view.shape = shape;
    view.strides = strides;
    return view;
}

/* memory[0..n) as "bytes 0 1 2 ...". */
static void
print_bytes(const char *memory, int n)
{
    printf("bytes");
    for (int i = 0; i < n; i++) {
        printf(" %d", memory[i]);
    }
    printf("\n");
}

/* An exporter that hands out a copy of the view it holds, and either
   succeeds with an exception set (misbehaviour 1) or fails without one
   (misbehaviour 2). */
typedef struct {
    PyObject_HEAD
    Py_buffer view;
    int misbehaviour;
} Exporter;

static int
exporter_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Exporter *e = (Exporter *)self;
    (void)flags;
    if (e->misbehaviour == 2) {
        return -1;
    }
    *view = e->view;
    view->obj = Py_NewRef(self);
    if (e->misbehaviour == 1) {
        PyErr_SetString(PyExc_ValueError, "set by the exporter");
    }
    return 0;
}

static PyBufferProcs exporter_procs = {exporter_getbuffer, NULL};
static PyTypeObject ExporterType = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Exporter", sizeof(Exporter)};

static PyObject *
exporter(Py_buffer view, int misbehaviour)
{
    ExporterType.tp_as_buffer = &exporter_procs;
    if (PyType_Ready(&ExporterType) < 0) {
        return NULL;
    }
    Exporter *e = PyObject_New(Exporter, &ExporterType);
    e->view = view;
    e->misbehaviour = misbehaviour;
    return (PyObject *)e;
}

/* Every consumer of an exporter that succeeds with an exception set:
   each one's result and the exception it leaves. */
static void
consumers_of_success_with_exception(void)
{
    static char memory[4] = "abc";
    PyObject *e = exporter(view_of(memory, 4, 1, NULL, NULL), 1);
    Py_buffer view;
    int result = PyObject_GetBuffer(e, &view, PyBUF_SIMPLE);
    printf("PyObject_GetBuffer %d\n", result);
    show("PyObject_GetBuffer");
    if (result == 0) {
        PyBuffer_Release(&view);
    }
    printf("memoryview made %d\n", PyMemoryView_FromObject(e) != NULL);
    show("memoryview");
    printf("bytearray made %d\n", PyByteArray_FromObject(e) != NULL);
    show("bytearray");
    PyObject *target = PyByteArray_FromStringAndSize("wxyz", 4);
    printf("PyObject_CopyData %d\n", PyObject_CopyData(target, e));
    show("PyObject_CopyData");
    old_functions(e);
}

/* A NULL view, object or buffer passed to a copy. */
static void
copy_with_null(const char *which)
{
    static char memory[8], other[8];
    Py_buffer view = view_of(memory, 4, 1, NULL, NULL);
    int result = -2;
    if (strcmp(which, "to-view") == 0) {
        result = PyBuffer_ToContiguous(other, NULL, 4, 'C');
    }
    else if (strcmp(which, "to-buffer") == 0) {
        result = PyBuffer_ToContiguous(NULL, &view, 4, 'C');
    }
    else if (strcmp(which, "from-view") == 0) {
        result = PyBuffer_FromContiguous(NULL, other, 4, 'C');
    }
    else if (strcmp(which, "from-buffer") == 0) {
        result = PyBuffer_FromContiguous(&view, NULL, 4, 'C');
    }
    else if (strcmp(which, "copy-destination") == 0) {
        result = PyObject_CopyData(NULL, PyBytes_FromString("abcd"));
    }
    else if (strcmp(which, "copy-source") == 0) {
        result = PyObject_CopyData(PyByteArray_FromStringAndSize("ab", 2),
                                   NULL);
    }
    printf("survived: %d\n", result);
    show(which);
}

/* PyBuffer_ToContiguous of a 1-D view whose shape and strides are given
   and whose len is `len`, from bytes 1, 2, 3, ...: the result and the
   first 12 bytes of the output, which starts as -1s. */
static void
to_contiguous(Py_ssize_t len, int ndim, Py_ssize_t *shape,
              Py_ssize_t *strides)
{
    char source[32], target[32];
    for (int i = 0; i < 32; i++) {
        source[i] = (char)(i + 1);
        target[i] = -1;
    }
    Py_buffer view = view_of(source, len, ndim, shape, strides);
    printf("result %d\n", PyBuffer_ToContiguous(target, &view, len, 'C'));
    show("PyBuffer_ToContiguous");
    print_bytes(target, 12);
}

/* PyBuffer_FromContiguous into a view whose shape and strides are given
   and whose len is `len`, from bytes 1, 2, 3, ...: the result and the
   first 12 bytes of the view's memory, which starts as zeros. */
static void
from_contiguous(Py_ssize_t len, int ndim, Py_ssize_t *shape,
                Py_ssize_t *strides, char order)
{
    char source[32], target[32];
    for (int i = 0; i < 32; i++) {
        source[i] = (char)(i + 1);
        target[i] = 0;
    }
    Py_buffer view = view_of(target, len, ndim, shape, strides);
    printf("result %d\n", PyBuffer_FromContiguous(&view, source, len, order));
    show("PyBuffer_FromContiguous");
    print_bytes(target, 12);
}

/* PyObject_CopyData from one exporter's view into another's, the source
   holding bytes 1, 2, 3, ..., the destination zeros: the result and the
   destination's first 32 bytes. */
static void
copy_data(Py_buffer destination, Py_buffer source)
{
    static char from[64], into[64];
    for (int i = 0; i < 64; i++) {
        from[i] = (char)(i + 1);
        into[i] = 0;
    }
    destination.buf = into;
    source.buf = from;
    int result = PyObject_CopyData(exporter(destination, 0),
                                   exporter(source, 0));
    printf("result %d\n", result);
    show("PyObject_CopyData");
    print_bytes(into, 32);
}

/* Long: one branch per situation, each a few lines; a table of functions
   would only move the names away from what they do. */
int
main(int argc, char **argv)
{
    Py_Initialize();
    const char *s = argc > 1 ? argv[1] : "";
    Py_ssize_t one[1] = {1}, two[2] = {2, 2};
    if (strcmp(s, "fill-strides-overflow") == 0) {
        Py_ssize_t shape[3] = {4, 4, (Py_ssize_t)1 << 62}, strides[3];
        PyBuffer_FillContiguousStrides(3, shape, strides, 1, 'C');
        printf("strides %zd %zd %zd\n", strides[0], strides[1], strides[2]);
    }
    else if (strcmp(s, "success-with-exception") == 0) {
        consumers_of_success_with_exception();
    }
    else if (strcmp(s, "failure-without-exception") == 0) {
        static char memory[4];
        Py_buffer view;
        int result = PyObject_GetBuffer(
            exporter(view_of(memory, 4, 1, NULL, NULL), 2), &view,
            PyBUF_SIMPLE);
        printf("result %d\n", result);
        show("PyObject_GetBuffer");
    }
    else if (strncmp(s, "null-", 5) == 0) {
        copy_with_null(s + 5);
    }
    else if (strcmp(s, "to-negative-len") == 0) {
        to_contiguous(-1, 1, NULL, NULL);
    }
    else if (strcmp(s, "from-no-strides-F") == 0) {
        Py_ssize_t shape[2] = {2, 3};
        from_contiguous(6, 2, shape, NULL, 'F');
    }
    else if (strcmp(s, "to-65-dimensions") == 0) {
        Py_ssize_t shape[65], strides[65];
        for (int i = 0; i < 65; i++) {
            shape[i] = 1;
            strides[i] = 1;
        }
        shape[0] = 3;
        strides[0] = 2;
        to_contiguous(3, 65, shape, strides);
    }
    else if (strcmp(s, "to-negative-ndim") == 0) {
        to_contiguous(3, -1, two, two);
    }
    else if (strcmp(s, "to-negative-ndim-no-strides") == 0) {
        to_contiguous(3, -1, NULL, NULL);
    }
    else if (strcmp(s, "to-empty-any-shape") == 0) {
        Py_ssize_t shape[2] = {-3, 5}, strides[2] = {1, 7};
        to_contiguous(0, 2, shape, strides);
    }
    else if (strcmp(s, "to-negative-extent") == 0) {
        Py_ssize_t shape[2] = {2, -1}, strides[2] = {4, 1};
        to_contiguous(2, 2, shape, strides);
    }
    else if (strcmp(s, "to-no-shape-itemsize-0") == 0) {
        char memory[8] = "abcdefg", target[8];
        Py_buffer view = view_of(memory, 4, 1, NULL, two);
        view.itemsize = 0;
        printf("result %d\n", PyBuffer_ToContiguous(target, &view, 4, 'C'));
        show("PyBuffer_ToContiguous");
    }
    else if (strcmp(s, "to-product-overflow") == 0) {
        Py_ssize_t shape[2] = {(Py_ssize_t)1 << 62, 8}, strides[2] = {0, 2};
        to_contiguous(16, 2, shape, strides);
    }
    else if (strcmp(s, "to-shape-more-than-len") == 0) {
        Py_ssize_t shape[1] = {8};
        to_contiguous(4, 1, shape, two);
    }
    else if (strcmp(s, "to-shape-less-than-len") == 0) {
        Py_ssize_t shape[1] = {2};
        to_contiguous(4, 1, shape, two);
    }
    else if (strcmp(s, "from-shape-less-than-len") == 0) {
        Py_ssize_t shape[1] = {2};
        from_contiguous(4, 1, shape, two, 'C');
    }
    else if (strcmp(s, "from-itemsize-0") == 0) {
        char memory[8] = {0}, source[8] = "abcdefg";
        Py_ssize_t shape[1] = {2};
        Py_buffer view = view_of(memory, 4, 1, shape, two);
        view.itemsize = 0;
        printf("result %d\n", PyBuffer_FromContiguous(&view, source, 4, 'C'));
        show("PyBuffer_FromContiguous");
    }
    else if (strcmp(s, "from-shape-empty") == 0) {
        Py_ssize_t shape[2] = {2, 0}, strides[2] = {4, 1};
        from_contiguous(4, 2, shape, strides, 'C');
    }
    else if (strcmp(s, "copy-shape-more-than-len") == 0) {
        Py_ssize_t shape[1] = {8};
        copy_data(view_of(NULL, 8, 1, shape, one),
                  view_of(NULL, 4, 1, shape, two));
    }
    else if (strcmp(s, "copy-past-destination-shape") == 0) {
        /* The source's index (0, 7) lies past the destination's (2, 4). */
        Py_ssize_t to_shape[2] = {2, 4}, to_strides[2] = {1, 4};
        Py_ssize_t from_shape[2] = {1, 8}, from_strides[2] = {8, 2};
        copy_data(view_of(NULL, 8, 2, to_shape, to_strides),
                  view_of(NULL, 8, 2, from_shape, from_strides));
    }
    else if (strcmp(s, "copy-larger-items") == 0) {
        /* Two items of 4 bytes into eight of 1, every other byte. */
        Py_ssize_t shape[1] = {2}, strides[1] = {4}, eight[1] = {8};
        Py_buffer source = view_of(NULL, 8, 1, shape, strides);
        source.itemsize = 4;
        source.format = (char *)"i";
        copy_data(view_of(NULL, 8, 1, eight, two), source);
    }
    else if (strcmp(s, "copy-more-dimensions") == 0) {
        /* Four items into a (4, 1) array, every other byte. */
        Py_ssize_t four[1] = {4}, shape[2] = {4, 1}, strides[2] = {2, 1};
        copy_data(view_of(NULL, 4, 2, shape, strides),
                  view_of(NULL, 4, 1, four, one));
    }
    else if (strcmp(s, "read-write-requests") == 0) {
        /* PyBUF_READ and PyBUF_WRITE, memoryview's buffer types, passed
           where a request belongs. */
        PyObject *bytes = PyBytes_FromString("ab");
        int types[2] = {PyBUF_READ, PyBUF_WRITE};
        for (int i = 0; i < 2; i++) {
            Py_buffer view;
            int result = PyObject_GetBuffer(bytes, &view, types[i]);
            printf("PyObject_GetBuffer %#x: %d\n", types[i], result);
            show("PyObject_GetBuffer");
            if (result == 0) {
                PyBuffer_Release(&view);
            }
            result = PyBuffer_FillInfo(&view, NULL, (char *)"ab", 2, 1,
                                       types[i]);
            printf("PyBuffer_FillInfo %#x: %d\n", types[i], result);
            show("PyBuffer_FillInfo");
        }
    }
    else if (strcmp(s, "fill-info-negative-len") == 0) {
        static char memory[4];
        Py_buffer view;
        int result = PyBuffer_FillInfo(&view, NULL, memory, -1, 1,
                                       PyBUF_SIMPLE);
        printf("result %d, len %zd\n", result, view.len);
    }
    else if (strncmp(s, "concat-negative-", 16) == 0) {
        /* concat-negative-{first,second}-{sum,positive-sum}: a len of
           -5 or -2 before or after b"abc" (sum -2) or ten bytes (sum 8). */
        static char memory[4];
        int second = strncmp(s + 16, "second", 6) == 0;
        int positive = strstr(s, "positive") != NULL;
        PyObject *e = exporter(
            view_of(memory, positive ? -2 : -5, 1, NULL, NULL), 0);
        PyObject *bytes = PyBytes_FromString(positive ? "0123456789"
                                                      : "abc");
        PyObject *b = second ? PyByteArray_Concat(bytes, e)
                             : PyByteArray_Concat(e, bytes);
        printf("made %d\n", b != NULL);
        if (b != NULL) {
            printf("size %zd\n", PyByteArray_Size(b));
        }
        show("PyByteArray_Concat");
    }
    else {
        printf("unknown situation '%s'\n", s);
        return 2;
    }
    fflush(stdout);
    return 0;
}
