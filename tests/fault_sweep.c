/* The allocation-failure sweep.
 *
 * Each scenario below does something real with the library and undoes it.
 * The sweep runs it with its 1st allocation failing, then its 2nd, and so
 * on, until it runs with no failure injected (MbAlloc_FailAt counts every
 * PyMem_ and PyObject_ request, the per-thread block caches included).  A
 * run that was made to fail must fail through the normal path: -1 or NULL
 * up to the scenario, with MemoryError set, and with every object,
 * allocation and export it made given back.  The run with no failure must
 * succeed.
 *
 * Output: TAP, one line per scenario with the number of failure points it
 * exercised, and the total.  Runs under valgrind and the sanitizers with
 * the rest of the suite.
 */
#include <stdio.h>
#include <string.h>

#include <Python.h>

/* A scenario returns 0, or -1 with an exception set; either way it has
   released what it made. */
typedef int (*Scenario)(void);

/* --- Scenarios ----------------------------------------------------------- */

static int
bytes_objects(void)
{
    PyObject *a = PyBytes_FromStringAndSize("abc", 3);
    if (a == NULL) {
        return -1;
    }
    PyObject *b = PyBytes_FromString("a longer bytes object");
    if (b == NULL) {
        Py_DECREF(a);
        return -1;
    }
    PyObject *empty = PyBytes_FromStringAndSize(NULL, 0);
    Py_DECREF(a);
    Py_DECREF(b);
    if (empty == NULL) {
        return -1;
    }
    Py_DECREF(empty);
    return 0;
}

static int
bytearray_growth(void)
{
    int result = -1;
    PyObject *source = NULL, *joined = NULL, *copy = NULL;
    PyObject *array = PyByteArray_FromStringAndSize("abc", 3);
    if (array == NULL) {
        goto done;
    }
    for (Py_ssize_t size = 8; size <= 4096; size *= 4) {
        if (PyByteArray_Resize(array, size) < 0) {
            goto done;
        }
    }
    if (PyByteArray_Resize(array, 2) < 0) {
        goto done;
    }
    source = PyBytes_FromStringAndSize("defg", 4);
    if (source == NULL) {
        goto done;
    }
    joined = PyByteArray_Concat(array, source);
    if (joined == NULL) {
        goto done;
    }
    copy = PyByteArray_FromObject(joined);
    if (copy == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(copy);
    Py_XDECREF(joined);
    Py_XDECREF(source);
    Py_XDECREF(array);
    return result;
}

static PyObject *
new_ndarray(int flags)
{
    static const double values[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static const Py_ssize_t shape[2] = {3, 4};
    MbNdArraySpec spec = {values, sizeof(values), "d", 2, shape, 0, NULL,
                          0, flags};
    return MbNdArray_New(&spec);
}

/* Every exporter's bf_getbuffer, with the request that fills the most. */
static int
exporters(void)
{
    int result = -1;
    PyObject *objects[4] = {NULL, NULL, NULL, NULL};
    objects[0] = PyBytes_FromStringAndSize("abc", 3);
    objects[1] = PyByteArray_FromStringAndSize("abc", 3);
    objects[2] = new_ndarray(MB_ND_WRITABLE);
    if (objects[0] == NULL || objects[1] == NULL || objects[2] == NULL) {
        goto done;
    }
    objects[3] = PyMemoryView_FromObject(objects[2]);
    if (objects[3] == NULL) {
        goto done;
    }
    for (int i = 0; i < 4; i++) {
        Py_buffer view;
        if (PyObject_GetBuffer(objects[i], &view, PyBUF_FULL_RO) < 0) {
            goto done;
        }
        PyBuffer_Release(&view);
    }
    result = 0;
done:
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(objects[i]);
    }
    return result;
}

static int
memoryview_creation(void)
{
    static char memory[16];
    int result = -1;
    PyObject *base = NULL, *mv = NULL, *mv2 = NULL, *mem = NULL;
    PyObject *from_buffer = NULL;
    base = PyBytes_FromStringAndSize("0123456789", 10);
    if (base == NULL) {
        goto done;
    }
    mv = PyMemoryView_FromObject(base);
    if (mv == NULL) {
        goto done;
    }
    mv2 = PyMemoryView_FromObject(mv);
    if (mv2 == NULL) {
        goto done;
    }
    mem = PyMemoryView_FromMemory(memory, sizeof(memory), PyBUF_WRITE);
    if (mem == NULL) {
        goto done;
    }
    Py_buffer info;
    if (PyObject_GetBuffer(base, &info, PyBUF_FULL_RO) < 0) {
        goto done;
    }
    from_buffer = PyMemoryView_FromBuffer(&info);
    PyBuffer_Release(&info);
    if (from_buffer == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(from_buffer);
    Py_XDECREF(mem);
    Py_XDECREF(mv2);
    Py_XDECREF(mv);
    Py_XDECREF(base);
    return result;
}

static int
casts_and_slices(void)
{
    int result = -1;
    PyObject *nd = NULL, *mv = NULL, *bytes = NULL, *ints = NULL;
    PyObject *grid = NULL, *sliced = NULL, *again = NULL, *ro = NULL;
    nd = new_ndarray(MB_ND_WRITABLE);
    if (nd == NULL) {
        goto done;
    }
    mv = PyMemoryView_FromObject(nd);
    if (mv == NULL) {
        goto done;
    }
    bytes = MbMemoryView_Cast(mv, "B", NULL, 0);
    if (bytes == NULL) {
        goto done;
    }
    ints = MbMemoryView_Cast(bytes, "i", NULL, 0);
    if (ints == NULL) {
        goto done;
    }
    Py_ssize_t shape[3] = {2, 3, 4};
    grid = MbMemoryView_Cast(bytes, "i", shape, 3);
    if (grid == NULL) {
        goto done;
    }
    sliced = MbMemoryView_Slice(grid, 1, PY_SSIZE_T_MAX, 1);
    if (sliced == NULL) {
        goto done;
    }
    again = MbMemoryView_Slice(mv, PY_SSIZE_T_MAX, PY_SSIZE_T_MIN, -2);
    if (again == NULL) {
        goto done;
    }
    ro = MbMemoryView_ToReadOnly(again);
    if (ro == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(ro);
    Py_XDECREF(again);
    Py_XDECREF(sliced);
    Py_XDECREF(grid);
    Py_XDECREF(ints);
    Py_XDECREF(bytes);
    Py_XDECREF(mv);
    Py_XDECREF(nd);
    return result;
}

/* Copies out of and into non-contiguous layouts, through memoryview and
   the PyBuffer_* helpers. */
static int
copies(void)
{
    int result = -1;
    PyObject *nd = NULL, *fortran = NULL, *mv = NULL, *column = NULL;
    PyObject *c_bytes = NULL, *f_bytes = NULL, *contiguous = NULL;
    nd = new_ndarray(MB_ND_WRITABLE);
    fortran = new_ndarray(MB_ND_WRITABLE | MB_ND_FORTRAN);
    if (nd == NULL || fortran == NULL) {
        goto done;
    }
    mv = PyMemoryView_FromObject(nd);
    if (mv == NULL) {
        goto done;
    }
    column = MbMemoryView_Slice(mv, 0, PY_SSIZE_T_MAX, 2);
    if (column == NULL) {
        goto done;
    }
    c_bytes = MbMemoryView_ToBytes(column, 'C');
    if (c_bytes == NULL) {
        goto done;
    }
    f_bytes = MbMemoryView_ToBytes(mv, 'F');
    if (f_bytes == NULL) {
        goto done;
    }
    contiguous = PyMemoryView_GetContiguous(fortran, PyBUF_READ, 'C');
    if (contiguous == NULL) {
        goto done;
    }
    if (PyObject_CopyData(fortran, nd) < 0) {
        goto done;
    }
    char out[96];
    Py_buffer view;
    if (PyObject_GetBuffer(fortran, &view, PyBUF_FULL_RO) < 0) {
        goto done;
    }
    int copied = PyBuffer_ToContiguous(out, &view, view.len, 'C');
    PyBuffer_Release(&view);
    if (copied < 0) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(contiguous);
    Py_XDECREF(f_bytes);
    Py_XDECREF(c_bytes);
    Py_XDECREF(column);
    Py_XDECREF(mv);
    Py_XDECREF(fortran);
    Py_XDECREF(nd);
    return result;
}

static int
memoryview_values(void)
{
    int result = -1;
    PyObject *a = NULL, *b = NULL, *mv = NULL;
    a = new_ndarray(0);
    b = new_ndarray(MB_ND_FORTRAN);
    if (a == NULL || b == NULL) {
        goto done;
    }
    mv = PyMemoryView_FromObject(a);
    if (mv == NULL) {
        goto done;
    }
    if (MbMemoryView_Equal(mv, b) < 0) {
        goto done;
    }
    double item;
    Py_ssize_t index[2] = {1, 2};
    if (MbMemoryView_GetItem(mv, index, 2, &item) < 0) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(mv);
    Py_XDECREF(b);
    Py_XDECREF(a);
    return result;
}

static int
format_parser(void)
{
    static const char *formats[] = {"3i2x?", "<2h 3s i 0q 4x d", "@bhilq",
                                    "=5p e f", "@Q?xxnN"};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (PyBuffer_SizeFromFormat(formats[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
ndarray_layouts(void)
{
    int result = -1;
    PyObject *nd = NULL, *pil = NULL, *re = NULL;
    static const Py_ssize_t shape[1] = {6};
    static const Py_ssize_t strides[1] = {-8};
    static const double values[12];
    nd = new_ndarray(MB_ND_WRITABLE | MB_ND_VAREXPORT);
    if (nd == NULL) {
        goto done;
    }
    MbNdArraySpec backwards = {values, sizeof(values), "d", 1, shape, 1,
                               strides, 88, MB_ND_WRITABLE};
    if (MbNdArray_Push(nd, &backwards) < 0) {
        goto done;
    }
    if (MbNdArray_AddSuboffsets(nd) < 0) {
        goto done;
    }
    if (MbNdArray_Pop(nd) < 0) {
        goto done;
    }
    pil = new_ndarray(MB_ND_PIL);
    if (pil == NULL) {
        goto done;
    }
    re = MbNdArray_FromExporter(nd, PyBUF_FULL_RO, 0);
    if (re == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(re);
    Py_XDECREF(pil);
    Py_XDECREF(nd);
    return result;
}

static int
errors(void)
{
    PyObject *type = PyErr_NewException("sweep.Error", NULL, NULL);
    if (type == NULL) {
        return -1;
    }
    PyErr_Format(type, "value %d of %s", 42, "forty-two");
    /* A message that cannot be stored becomes MemoryError, as in CPython;
       that is this scenario's failure. */
    if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
        Py_DECREF(type);
        return -1;
    }
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_Restore(t, v, tb);
    int matched = PyErr_ExceptionMatches(type);
    PyErr_Clear();
    Py_DECREF(type);
    if (!matched) {
        PyErr_SetString(PyExc_RuntimeError, "the exception was lost");
        return -1;
    }
    return 0;
}

static int
old_protocol(void)
{
    static const char *const segments[2] = {"ab", "cde"};
    static const Py_ssize_t lengths[2] = {2, 3};
    int result = -1;
    PyObject *array = NULL, *legacy = NULL, *single = NULL, *buffer = NULL;
    array = PyByteArray_FromStringAndSize("abc", 3);
    if (array == NULL) {
        goto done;
    }
    const void *read;
    void *write;
    const char *chars;
    Py_ssize_t len;
    if (PyObject_AsReadBuffer(array, &read, &len) < 0
        || PyObject_AsWriteBuffer(array, &write, &len) < 0
        || PyObject_AsCharBuffer(array, &chars, &len) < 0) {
        goto done;
    }
    legacy = MbSegments_New(2, segments, lengths);
    if (legacy == NULL) {
        goto done;
    }
    single = MbLegacyReadOnly_New("python 2", 8);
    if (single == NULL) {
        goto done;
    }
    buffer = PyBuffer_FromObject(single, 1, Py_END_OF_BUFFER);
    if (buffer == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(buffer);
    Py_XDECREF(single);
    Py_XDECREF(legacy);
    Py_XDECREF(array);
    return result;
}

/* The library's own errors: each call below fails on purpose.  When the
   message cannot be stored, the error becomes MemoryError, as in CPython:
   then the scenario fails with it. */
static int
expect(PyObject *type)
{
    if (!PyErr_ExceptionMatches(type)) {
        return -1;
    }
    PyErr_Clear();
    return 0;
}

static int
library_errors(void)
{
    int result = -1;
    PyObject *plain = NULL, *bytes = NULL, *mv = NULL;
    if (PyBuffer_SizeFromFormat("3z") != -1
        || expect(MbExc_StructError) < 0) {
        goto done;
    }
    plain = _PyObject_New(&PyBaseObject_Type);
    if (plain == NULL) {
        goto done;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(plain, &view, PyBUF_SIMPLE) != -1
        || expect(PyExc_TypeError) < 0) {
        goto done;
    }
    bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
    if (bytes == NULL) {
        goto done;
    }
    if (PyObject_GetBuffer(bytes, &view, PyBUF_WRITABLE) != -1
        || expect(PyExc_BufferError) < 0) {
        goto done;
    }
    mv = PyMemoryView_FromObject(bytes);
    if (mv == NULL) {
        goto done;
    }
    if (MbMemoryView_Cast(mv, "Z", NULL, 0) != NULL
        || expect(PyExc_ValueError) < 0) {
        goto done;
    }
    static const Py_ssize_t shape[1] = {3};
    MbNdArraySpec bad = {NULL, 8, "d", 1, shape, 0, NULL, 3, 0};
    if (MbNdArray_New(&bad) != NULL || expect(PyExc_ValueError) < 0) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(mv);
    Py_XDECREF(bytes);
    Py_XDECREF(plain);
    return result;
}

/* Layouts with suboffsets: memoryview over them, and their copies. */
static int
indirect_layouts(void)
{
    int result = -1;
    PyObject *pil = NULL, *mv = NULL, *flat = NULL, *contiguous = NULL;
    PyObject *target = NULL;
    pil = new_ndarray(MB_ND_PIL | MB_ND_WRITABLE);
    target = new_ndarray(MB_ND_WRITABLE);
    if (pil == NULL || target == NULL) {
        goto done;
    }
    mv = PyMemoryView_FromObject(pil);
    if (mv == NULL) {
        goto done;
    }
    flat = MbMemoryView_ToBytes(mv, 'F');
    if (flat == NULL) {
        goto done;
    }
    contiguous = PyMemoryView_GetContiguous(pil, PyBUF_READ, 'C');
    if (contiguous == NULL) {
        goto done;
    }
    if (PyObject_CopyData(pil, target) < 0
        || MbMemoryView_Equal(mv, target) < 0) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(contiguous);
    Py_XDECREF(flat);
    Py_XDECREF(mv);
    Py_XDECREF(target);
    Py_XDECREF(pil);
    return result;
}

/* An exporter that allocates in its bf_getbuffer, as many real ones do
   (shape and strides for the request): a conforming exporter whose answer
   may be MemoryError. */
typedef struct {
    PyObject_HEAD
    double data[6];
} Allocating;

static int
allocating_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Py_ssize_t *arrays = PyMem_Malloc(2 * sizeof(Py_ssize_t));
    if (arrays == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    arrays[0] = 6;
    arrays[1] = sizeof(double);
    view->obj = Py_NewRef(self);
    view->buf = ((Allocating *)self)->data;
    view->len = sizeof(((Allocating *)self)->data);
    view->itemsize = sizeof(double);
    view->readonly = 1;
    view->ndim = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"d" : NULL;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? arrays : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? arrays + 1
                                                            : NULL;
    view->suboffsets = NULL;
    view->internal = arrays;
    if (flags & PyBUF_WRITABLE) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_BufferError, "read-only");
        return -1;
    }
    return 0;
}

static void
allocating_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)self;
    PyMem_Free(view->internal);
}

static PyBufferProcs allocating_procs = {allocating_getbuffer,
                                         allocating_releasebuffer};

static PyTypeObject AllocatingType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sweep.Allocating",
    .tp_basicsize = sizeof(Allocating),
    .tp_as_buffer = &allocating_procs,
};

/* The conformance checker on conforming exporters: each verdict must be 0
   violations, or no verdict (-1 with MemoryError) when an allocation
   fails, never a violation blamed on the exporter. */
static int
checker(void)
{
    int result = -1;
    PyObject *objects[4] = {NULL, NULL, NULL, NULL};
    objects[0] = PyBytes_FromStringAndSize("abc", 3);
    objects[1] = new_ndarray(MB_ND_WRITABLE);
    objects[2] = (PyObject *)PyObject_New(Allocating, &AllocatingType);
    for (int i = 0; i < 3; i++) {
        if (objects[i] == NULL) {
            goto done;
        }
    }
    objects[3] = PyMemoryView_FromObject(objects[1]);
    if (objects[3] == NULL) {
        goto done;
    }
    for (int i = 0; i < 4; i++) {
        Py_ssize_t violations = MbCheck_Exporter(objects[i], NULL);
        if (violations < 0) {
            goto done;
        }
        if (violations > 0) {
            PyErr_Format(PyExc_RuntimeError, "the checker blames exporter "
                         "%d for %zd violation(s)", i, violations);
            goto done;
        }
    }
    result = 0;
done:
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(objects[i]);
    }
    return result;
}

/* Host exporters and host arrays: made, asked for views and given back;
   the host's release callback runs exactly once for each object made,
   and never for one whose creation failed. */
static int host_releases;

static void
count_host_release(void *host)
{
    (void)host;
    host_releases++;
}

static int
host_getbuffer(PyObject *exporter, void *host, Py_buffer *view, int flags)
{
    return MbBuffer_FillLayout(view, exporter, host, flags);
}

static int
host_objects(void)
{
    static double data[6];
    Py_buffer layout = {.buf = data, .len = sizeof(data),
                        .itemsize = sizeof(double), .ndim = 2,
                        .format = (char *)"d",
                        .shape = (Py_ssize_t[]){3, 2},
                        .strides = (Py_ssize_t[]){16, 8}};
    PyObject *objects[3] = {NULL, NULL, NULL};
    int result = -1, made = 0;
    host_releases = 0;
    objects[0] = MbHostType_New("sweep.Host", host_getbuffer, NULL);
    if (objects[0] == NULL) {
        goto done;
    }
    objects[1] = MbHostObject_New(objects[0], &layout, count_host_release);
    if (objects[1] == NULL) {
        goto done;
    }
    made++;
    objects[2] = MbHostArray_New(&layout, &layout, count_host_release);
    if (objects[2] == NULL) {
        goto done;
    }
    made++;
    for (int i = 1; i < 3; i++) {
        PyObject *mv = PyMemoryView_FromObject(objects[i]);
        if (mv == NULL) {
            goto done;
        }
        Py_DECREF(mv);
    }
    result = 0;
done:
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(objects[i]);
    }
    if (host_releases != made) {
        PyErr_Format(PyExc_RuntimeError, "%d object(s) made, %d released",
                     made, host_releases);
        return -1;
    }
    return result;
}

#if MB_HAVE_DLPACK
#include <mbdlpack.h>

/* The DLPack bridge: an exporter to a tensor and back, and a view of the
   import; every failure leaves the exporter as it was. */
static int
dlpack_bridge(void)
{
    int result = -1;
    PyObject *nd = new_ndarray(MB_ND_WRITABLE), *back = NULL, *mv = NULL;
    if (nd == NULL) {
        return -1;
    }
    DLManagedTensor *tensor = MbDLPack_Export(nd);
    if (tensor == NULL) {
        goto done;
    }
    back = MbDLPack_Import(tensor);
    if (back == NULL) {
        tensor->deleter(tensor);
        goto done;
    }
    mv = PyMemoryView_FromObject(back);
    if (mv == NULL) {
        goto done;
    }
    result = 0;
done:
    Py_XDECREF(mv);
    Py_XDECREF(back);
    Py_DECREF(nd);
    return result;
}
#endif

/* --- The sweep ----------------------------------------------------------- */

static const struct {
    const char *name;
    Scenario run;
} scenarios[] = {
    {"bytes objects", bytes_objects},
    {"bytearray growth and concatenation", bytearray_growth},
    {"every exporter's getbuffer", exporters},
    {"memoryview creation", memoryview_creation},
    {"memoryview casts and slices", casts_and_slices},
    {"copies", copies},
    {"memoryview equality and items", memoryview_values},
    {"the struct format parser", format_parser},
    {"ndarray layouts", ndarray_layouts},
    {"exception types and messages", errors},
    {"the old protocol", old_protocol},
    {"the library's own errors", library_errors},
    {"layouts with suboffsets", indirect_layouts},
    {"the conformance checker", checker},
    {"host exporters and arrays", host_objects},
#if MB_HAVE_DLPACK
    {"the DLPack bridge", dlpack_bridge},
#endif
};

#define COUNT (sizeof(scenarios) / sizeof(scenarios[0]))

/* Runs a scenario with its n-th allocation failing, for n = 1, 2, ...;
   returns the number of failure points, or -1 with *problem written. */
static Py_ssize_t
sweep(Scenario run, char *problem, size_t size)
{
    for (Py_ssize_t n = 1;; n++) {
        MbStats before, after;
        MbStats_Get(&before);
        MbAlloc_FailAt(n);
        int result = run();
        MbAlloc_FailAt(0);
        MbStats_Get(&after);
        int injected = after.injected_failures > before.injected_failures;
        const char *type = PyErr_Occurred() ? MbErr_TypeName() : "none";
        if (!injected && result != 0) {
            snprintf(problem, size, "fails with no failure injected (%s: "
                     "%s)", type, MbErr_Message());
            PyErr_Clear();
            return -1;
        }
        if (injected && (result == 0
                         || !PyErr_ExceptionMatches(PyExc_MemoryError))) {
            snprintf(problem, size, "allocation %zd failed, and the "
                     "scenario returned %d with exception %s", n, result,
                     type);
            PyErr_Clear();
            return -1;
        }
        PyErr_Clear();
        if (after.live_objects != before.live_objects
            || after.live_allocations != before.live_allocations
            || after.live_exports != before.live_exports) {
            snprintf(problem, size, "with allocation %zd failing, left "
                     "%zd object(s), %zd allocation(s), %zd export(s)", n,
                     after.live_objects - before.live_objects,
                     after.live_allocations - before.live_allocations,
                     after.live_exports - before.live_exports);
            MbDebug_Report(stderr);
            return -1;
        }
        if (!injected) {
            return n - 1;
        }
    }
}

int
main(void)
{
    Py_Initialize();
    (void)MbDebug_SetTracking(1);
    Py_ssize_t total = 0;
    int failed = 0;
    printf("1..%zu\n", COUNT);
    for (size_t i = 0; i < COUNT; i++) {
        char problem[256];
        Py_ssize_t points = sweep(scenarios[i].run, problem,
                                  sizeof(problem));
        if (points < 0) {
            printf("not ok %zu - %s: %s\n", i + 1, scenarios[i].name,
                   problem);
            failed = 1;
        }
        else {
            printf("ok %zu - %s: %zd failure points\n", i + 1,
                   scenarios[i].name, points);
            total += points;
        }
    }
    printf("# %zd failure points in all\n", total);
    Py_Finalize();
    return failed;
}
