/* The benchmark: the buffer protocol's helpers on the cases where CPython is
 * slow, and on the hot paths where minibuf must not be slower.
 *
 * Written only with CPython's C API: `make bench` builds this file against
 * minibuf and against CPython, and bench/run.py runs both alternately and
 * prints the table.  Each line of output is
 *
 *     case <TAB> seconds per operation <TAB> bytes copied <TAB> memcpy seconds
 *
 * where the last two are 0 for cases that copy nothing; "memcpy seconds" is
 * the time of memcpy for the same number of bytes, measured here.
 *
 * Usage: bench [CASE]   (a case name or prefix runs only those cases)
 *
 * Built with BENCH_SIDE defined (0 for minibuf, 1 for CPython) and main
 * renamed BENCH_SIDE_MAIN, it is one side of bench/hot_paths.c, which
 * holds both libraries in one process: it runs only the constant-time
 * cases, and report() hands each to the driver instead of timing it.
 */
#define _DEFAULT_SOURCE
#include <Python.h>

#include "blocks.h"
#include "timing.h"

/* --- Timing -------------------------------------------------------------- */

/* Seconds per call of fn(arg): the median of 7 samples of enough calls to
   last about 20 ms each. */
static double
measure(void (*fn)(void *), void *arg)
{
    long calls = 1;
    for (;;) {
        double start = now();
        for (long i = 0; i < calls; i++) {
            fn(arg);
        }
        double elapsed = now() - start;
        if (elapsed > 0.02 || calls > (1L << 30)) {
            break;
        }
        calls *= elapsed < 0.002 ? 10 : 2;
    }
    double samples[7];
    for (int s = 0; s < 7; s++) {
        double start = now();
        for (long i = 0; i < calls; i++) {
            fn(arg);
        }
        samples[s] = (now() - start) / (double)calls;
    }
    qsort(samples, 7, sizeof(double), compare_doubles);
    return samples[3];
}

static void
check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench: %s failed\n", what);
        if (PyErr_Occurred()) {
            PyErr_Print();
        }
        exit(1);
    }
}

/* --- An exporter of any layout ------------------------------------------- */

typedef struct {
    PyObject_HEAD
    Py_buffer layout;
} Layout;

static int
layout_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    (void)flags;
    *view = ((Layout *)self)->layout;
    view->obj = self;
    Py_INCREF(self);
    return 0;
}

static PyBufferProcs layout_as_buffer = {.bf_getbuffer = layout_getbuffer};

static PyTypeObject LayoutType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bench.Layout",
    .tp_basicsize = sizeof(Layout),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &layout_as_buffer,
};

/* A writable view of memory with this shape and strides.  Every view has
   strides: CPython's copy functions read through NULL ones. */
static Py_buffer
describe(void *memory, Py_ssize_t itemsize, const char *format, int ndim,
         Py_ssize_t *shape, Py_ssize_t *strides)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = memory;
    view.itemsize = itemsize;
    view.format = (char *)format;
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    view.len = itemsize;
    for (int i = 0; i < ndim; i++) {
        view.len *= shape[i];
    }
    return view;
}

static PyObject *
new_layout(Py_buffer view)
{
    Layout *l = PyObject_New(Layout, &LayoutType);
    check(l != NULL, "PyObject_New");
    l->layout = view;
    return (PyObject *)l;
}

/* --- Cases --------------------------------------------------------------- */

typedef struct {
    Py_buffer view;
    void *out;
    char order;
    PyObject *dest, *src;
    const char *format;
    Py_ssize_t *index;
} Args;

static void
run_to_contiguous(void *p)
{
    Args *a = p;
    if (PyBuffer_ToContiguous(a->out, &a->view, a->view.len, a->order) < 0) {
        check(0, "PyBuffer_ToContiguous");
    }
}

static void
run_from_contiguous(void *p)
{
    Args *a = p;
    if (PyBuffer_FromContiguous(&a->view, a->out, a->view.len,
                                a->order) < 0) {
        check(0, "PyBuffer_FromContiguous");
    }
}

static void
run_copy_data(void *p)
{
    Args *a = p;
    if (PyObject_CopyData(a->dest, a->src) < 0) {
        check(0, "PyObject_CopyData");
    }
}

static void
run_get_contiguous(void *p)
{
    Args *a = p;
    PyObject *mv = PyMemoryView_GetContiguous(a->src, PyBUF_READ, a->order);
    check(mv != NULL, "PyMemoryView_GetContiguous");
    Py_DECREF(mv);
}

static void
run_size_from_format(void *p)
{
    Args *a = p;
    if (PyBuffer_SizeFromFormat(a->format) < 0) {
        check(0, "PyBuffer_SizeFromFormat");
    }
}

static int request_flags;

static void
run_get_buffer(void *p)
{
    Args *a = p;
    Py_buffer view;
    if (PyObject_GetBuffer(a->src, &view, request_flags) < 0) {
        check(0, "PyObject_GetBuffer");
    }
    PyBuffer_Release(&view);
}

static void
run_memoryview(void *p)
{
    Args *a = p;
    PyObject *mv = PyMemoryView_FromObject(a->src);
    check(mv != NULL, "PyMemoryView_FromObject");
    Py_DECREF(mv);
}

static volatile int sink;

static void
run_is_contiguous(void *p)
{
    Args *a = p;
    sink += PyBuffer_IsContiguous(&a->view, a->order);
}

static void
run_get_pointer(void *p)
{
    Args *a = p;
    sink += *(char *)PyBuffer_GetPointer(&a->view, a->index);
}

static void
run_fill_strides(void *p)
{
    Args *a = p;
    Py_ssize_t strides[3];
    PyBuffer_FillContiguousStrides(3, a->view.shape, strides, 8, a->order);
    sink += (int)strides[0];
}

static void
run_fill_info(void *p)
{
    Args *a = p;
    Py_buffer view;
    if (PyBuffer_FillInfo(&view, NULL, a->out, 16, 0, PyBUF_FULL_RO) < 0) {
        check(0, "PyBuffer_FillInfo");
    }
    sink += (int)view.len;
}

typedef struct {
    void *dst;
    const void *src;
    size_t n;
} MemcpyArgs;

static void
run_memcpy(void *p)
{
    MemcpyArgs *m = p;
    memcpy(m->dst, m->src, m->n);
    sink += ((volatile char *)m->dst)[0];
}

/* Time memcpy of n bytes between two buffers of that size. */
static double
memcpy_time(size_t n)
{
    MemcpyArgs m = {filled(n), filled(n), n};
    double t = measure(run_memcpy, &m);
    free(m.dst);
    free((void *)m.src);
    return t;
}

static const char *only;

static int
wanted(const char *name)
{
    return only == NULL || strncmp(name, only, strlen(only)) == 0;
}

#ifdef BENCH_SIDE
/* bench/hot_paths.c: times fn(args) in turns with the other side's case
   of the same name, and returns when both are done. */
void hot_paths_case(int side, const char *name, void (*fn)(void *),
                    void *args);
#endif

static void
report(const char *name, void (*fn)(void *), Args *args, size_t bytes)
{
#ifdef BENCH_SIDE
    (void)bytes;
    hot_paths_case(BENCH_SIDE, name, fn, args);
#else
    double t = measure(fn, args);
    double m = bytes ? memcpy_time(bytes) : 0.0;
    printf("%s\t%.6e\t%zu\t%.6e\n", name, t, bytes, m);
    fflush(stdout);
#endif
}

/* --- The copy cases ------------------------------------------------------ */

/* 4096 x 4096 bytes, every second column of a 4096 x 8192 array, to C
   order (a gather) and to Fortran order (a transposition whose source is
   not contiguous along either dimension). */
static void
bench_strided_columns(void)
{
    static Py_ssize_t shape[] = {4096, 4096}, strides[] = {8192, 2};
    static const char *names[] = {"to_contiguous_C_uint8_every_2nd_column",
                                  "to_contiguous_F_uint8_every_2nd_column"};
    for (int k = 0; k < 2; k++) {
        if (!wanted(names[k])) {
            continue;
        }
        Args a = {0};
        void *memory = filled(4096 * 8192);
        a.view = describe(memory, 1, "B", 2, shape, strides);
        a.out = filled((size_t)a.view.len);
        a.order = k == 0 ? 'C' : 'F';
        report(names[k], run_to_contiguous, &a, (size_t)a.view.len);
        free(a.out);
        free(memory);
    }
}

/* A C-contiguous 256 x 256 x 64 float64 array seen with its last two axes
   swapped (NumPy's transpose(0, 2, 1)): gathered into C order, scattered
   back from it, and copied into a C-contiguous exporter. */
static void
bench_transposed_axes(void)
{
    static Py_ssize_t shape[] = {256, 64, 256};
    static Py_ssize_t swapped[] = {256 * 64 * 8, 8, 64 * 8};
    static Py_ssize_t c[] = {64 * 256 * 8, 256 * 8, 8};
    size_t n = 256 * 256 * 64 * 8;
    Args a = {0};
    void *memory = filled(n);
    a.out = filled(n);
    a.view = describe(memory, 8, "d", 3, shape, swapped);
    a.order = 'C';
    if (wanted("to_contiguous_C_float64_transposed_021")) {
        report("to_contiguous_C_float64_transposed_021", run_to_contiguous,
               &a, n);
    }
    if (wanted("from_contiguous_C_float64_transposed_021")) {
        report("from_contiguous_C_float64_transposed_021",
               run_from_contiguous, &a, n);
    }
    if (wanted("copy_data_float64_transposed_021_to_C")) {
        a.src = new_layout(a.view);
        a.dest = new_layout(describe(a.out, 8, "d", 3, shape, c));
        report("copy_data_float64_transposed_021_to_C", run_copy_data, &a,
               n);
        Py_DECREF(a.src);
        Py_DECREF(a.dest);
    }
    free(a.out);
    free(memory);
}

/* Each item size (1, 2, 4, 8, 16 bytes and 12, which is no power of two)
   on 16 MiB: a C-contiguous 2-D array to Fortran order, and every second
   column of a twice wider one gathered into C and into Fortran order and
   scattered back from C order. */
static void
bench_item_sizes(void)
{
    static const Py_ssize_t sizes[] = {1, 2, 4, 8, 12, 16};
    static const char *formats[] = {"B", "H", "I", "Q", "3I", "2Q"};
    for (int k = 0; k < 6; k++) {
        Py_ssize_t size = sizes[k];
        Py_ssize_t rows = 2048, cols = ((Py_ssize_t)16 << 20) / size / rows;
        Py_ssize_t shape[] = {rows, cols};
        Py_ssize_t c[] = {cols * size, size};
        Py_ssize_t every_2nd[] = {2 * cols * size, 2 * size};
        size_t n = (size_t)(rows * cols * size);
        char name[80];
        Args a = {0};
        void *memory = filled(2 * n);
        a.out = filled(n);
        snprintf(name, sizeof(name), "to_contiguous_F_of_C_%zdB_16MiB", size);
        if (wanted(name)) {
            a.view = describe(memory, size, formats[k], 2, shape, c);
            a.order = 'F';
            report(name, run_to_contiguous, &a, n);
        }
        a.view = describe(memory, size, formats[k], 2, shape, every_2nd);
        static const char *what[] = {"to_contiguous_C", "to_contiguous_F",
                                     "from_contiguous_C"};
        for (int w = 0; w < 3; w++) {
            snprintf(name, sizeof(name), "%s_%zdB_every_2nd_column_16MiB",
                     what[w], size);
            if (!wanted(name)) {
                continue;
            }
            a.order = w == 1 ? 'F' : 'C';
            report(name, w == 2 ? run_from_contiguous : run_to_contiguous,
                   &a, n);
        }
        free(a.out);
        free(memory);
    }
}

/* A C-contiguous 256 x 256 x 64 float64 array, to Fortran order and back. */
static void
bench_transpositions(void)
{
    static Py_ssize_t shape[] = {256, 256, 64};
    static Py_ssize_t c[] = {256 * 64 * 8, 64 * 8, 8};
    static Py_ssize_t f[] = {8, 256 * 8, 256 * 256 * 8};
    size_t n = 256 * 256 * 64 * 8;
    Args a = {0};
    void *memory = filled(n);
    a.out = filled(n);
    if (wanted("to_contiguous_F_of_C_float64_256x256x64")) {
        a.view = describe(memory, 8, "d", 3, shape, c);
        a.order = 'F';
        report("to_contiguous_F_of_C_float64_256x256x64", run_to_contiguous,
               &a, n);
    }
    if (wanted("to_contiguous_C_of_F_float64_256x256x64")) {
        a.view = describe(memory, 8, "d", 3, shape, f);
        a.order = 'C';
        report("to_contiguous_C_of_F_float64_256x256x64", run_to_contiguous,
               &a, n);
    }
    if (wanted("get_contiguous_C_of_F_float64_256x256x64")) {
        a.src = new_layout(describe(memory, 8, "d", 3, shape, f));
        a.order = 'C';
        report("get_contiguous_C_of_F_float64_256x256x64",
               run_get_contiguous, &a, n);
        Py_DECREF(a.src);
    }
    free(a.out);
    free(memory);
}

/* FromContiguous into 256 x 256 x 64 float64 whose inner stride is 512
   bytes (a 2 GiB region, every 64th double). */
static void
bench_scatter(void)
{
    static Py_ssize_t shape[] = {256, 256, 64};
    static Py_ssize_t strides[] = {256 * 64 * 512, 64 * 512, 512};
    if (!wanted("from_contiguous_C_float64_inner_stride_512")) {
        return;
    }
    size_t region = (size_t)256 * 256 * 64 * 512;
    char *memory = big_alloc(region);
    memset(memory, 1, region);
    Args a = {0};
    a.view = describe(memory, 8, "d", 3, shape, strides);
    a.out = filled((size_t)a.view.len);
    a.order = 'C';
    report("from_contiguous_C_float64_inner_stride_512", run_from_contiguous,
           &a, (size_t)a.view.len);
    free(a.out);
    free(memory);
}

/* A large copy between exporters: every second double of 2048 x 2048 into a
   contiguous array. */
static void
bench_copy_data_large(void)
{
    static Py_ssize_t shape[] = {2048, 2048};
    static Py_ssize_t strided[] = {2048 * 16, 16}, c[] = {2048 * 8, 8};
    if (!wanted("copy_data_float64_2048x2048_strided")) {
        return;
    }
    Args a = {0};
    void *from = filled(2048 * 2048 * 16), *to = filled(2048 * 2048 * 8);
    a.src = new_layout(describe(from, 8, "d", 2, shape, strided));
    a.dest = new_layout(describe(to, 8, "d", 2, shape, c));
    report("copy_data_float64_2048x2048_strided", run_copy_data, &a,
           2048 * 2048 * 8);
    Py_DECREF(a.src);
    Py_DECREF(a.dest);
    free(from);
    free(to);
}

/* 8 x 8 float64, every second column: the small cases. */
static void
bench_small(void)
{
    static Py_ssize_t shape[] = {8, 8};
    static Py_ssize_t strided[] = {128, 16}, c[] = {64, 8};
    Args a = {0};
    void *from = filled(1024), *to = filled(512);
    if (wanted("copy_data_float64_8x8_strided")) {
        a.src = new_layout(describe(from, 8, "d", 2, shape, strided));
        a.dest = new_layout(describe(to, 8, "d", 2, shape, c));
        report("copy_data_float64_8x8_strided", run_copy_data, &a, 512);
        Py_DECREF(a.src);
        Py_DECREF(a.dest);
    }
    a.view = describe(from, 8, "d", 2, shape, strided);
    a.out = to;
    a.order = 'C';
    if (wanted("to_contiguous_C_float64_8x8_strided")) {
        report("to_contiguous_C_float64_8x8_strided", run_to_contiguous, &a,
               512);
    }
    if (wanted("from_contiguous_C_float64_8x8_strided")) {
        report("from_contiguous_C_float64_8x8_strided", run_from_contiguous,
               &a, 512);
    }
    free(from);
    free(to);
}

/* Contiguous views: the copy must cost what memcpy costs. */
static void
bench_contiguous(void)
{
    static const size_t sizes[] = {64, 4096, 1 << 20, 64 << 20};
    static const char *names[] = {
        "to_contiguous_contiguous_64B", "to_contiguous_contiguous_4KiB",
        "to_contiguous_contiguous_1MiB", "to_contiguous_contiguous_64MiB"};
    for (int k = 0; k < 4; k++) {
        if (!wanted(names[k])) {
            continue;
        }
        Py_ssize_t shape[] = {(Py_ssize_t)sizes[k]}, strides[] = {1};
        Args a = {0};
        void *memory = filled(sizes[k]);
        a.view = describe(memory, 1, "B", 1, shape, strides);
        a.out = filled(sizes[k]);
        a.order = 'C';
        report(names[k], run_to_contiguous, &a, sizes[k]);
        free(a.out);
        free(memory);
    }
}

/* --- The hot paths ------------------------------------------------------- */

static void
bench_hot_paths(void)
{
    Args a = {0};
    a.format = "3i2x?";
    if (wanted("size_from_format_3i2x?")) {
        report("size_from_format_3i2x?", run_size_from_format, &a, 0);
    }
    a.format = "<2h 3s i 0q 4x d";
    if (wanted("size_from_format_long")) {
        report("size_from_format_long", run_size_from_format, &a, 0);
    }
    PyObject *array = PyByteArray_FromStringAndSize("0123456789abcdef", 16);
    PyObject *bytes = PyBytes_FromStringAndSize("0123456789abcdef", 16);
    a.src = array;
    request_flags = PyBUF_FULL_RO;
    if (wanted("get_buffer_release_bytearray_FULL_RO")) {
        report("get_buffer_release_bytearray_FULL_RO", run_get_buffer, &a,
               0);
    }
    a.src = bytes;
    request_flags = PyBUF_SIMPLE;
    if (wanted("get_buffer_release_bytes_SIMPLE")) {
        report("get_buffer_release_bytes_SIMPLE", run_get_buffer, &a, 0);
    }
    PyObject *mv = PyMemoryView_FromObject(bytes);
    a.src = mv;
    request_flags = PyBUF_FULL_RO;
    if (wanted("get_buffer_release_memoryview_FULL_RO")) {
        report("get_buffer_release_memoryview_FULL_RO", run_get_buffer, &a,
               0);
    }
    a.src = bytes;
    if (wanted("memoryview_from_bytes")) {
        report("memoryview_from_bytes", run_memoryview, &a, 0);
    }
    a.src = mv;
    if (wanted("memoryview_from_memoryview")) {
        report("memoryview_from_memoryview", run_memoryview, &a, 0);
    }
    static char memory[256 * 1024];
    static Py_ssize_t shape[] = {16, 32, 64};
    static Py_ssize_t c[] = {32 * 64 * 8, 64 * 8, 8};
    static Py_ssize_t index[] = {15, 31, 63};
    a.view = describe(memory, 8, "d", 3, shape, c);
    a.index = index;
    a.order = 'C';
    if (wanted("is_contiguous_3d_C")) {
        report("is_contiguous_3d_C", run_is_contiguous, &a, 0);
    }
    a.order = 'F';
    if (wanted("is_contiguous_3d_F")) {
        report("is_contiguous_3d_F", run_is_contiguous, &a, 0);
    }
    if (wanted("get_pointer_3d")) {
        report("get_pointer_3d", run_get_pointer, &a, 0);
    }
    a.order = 'C';
    if (wanted("fill_contiguous_strides_3d")) {
        report("fill_contiguous_strides_3d", run_fill_strides, &a, 0);
    }
    static Py_ssize_t shape_1d[] = {4096}, strides_1d[] = {8};
    a.view = describe(memory, 8, "d", 1, shape_1d, strides_1d);
    if (wanted("is_contiguous_1d_C")) {
        report("is_contiguous_1d_C", run_is_contiguous, &a, 0);
    }
    a.out = memory;
    if (wanted("fill_info_FULL_RO")) {
        report("fill_info_FULL_RO", run_fill_info, &a, 0);
    }
    Py_DECREF(mv);
    Py_DECREF(bytes);
    Py_DECREF(array);
}

#ifdef BENCH_SIDE
#define main BENCH_SIDE_MAIN
#endif

int
main(int argc, char **argv)
{
    only = argc > 1 ? argv[1] : NULL;
    Py_Initialize();
    check(PyType_Ready(&LayoutType) == 0, "PyType_Ready");
    bench_hot_paths();
#ifndef BENCH_SIDE
    bench_small();
    bench_contiguous();
    bench_strided_columns();
    bench_transpositions();
    bench_transposed_axes();
    bench_item_sizes();
    bench_copy_data_large();
    bench_scatter();
#endif
    Py_Finalize();
    return 0;
}
