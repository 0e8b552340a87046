/* Fuzzing the consumers with hostile exporters: an exporter whose answer is
 * a Py_buffer made inconsistent on purpose (len, itemsize, ndim, shape,
 * strides, suboffsets, format and readonly that disagree with each other
 * and with the request; obj NULL; results other than 0 and -1; success
 * with an exception set, failure without one, failure with view->obj
 * left set) goes through every consumer: the request helpers, the copies,
 * memoryview and its operations, the old functions, bytearray, ndarray as
 * a re-exporter, and the conformance checker.
 *
 * The one thing the fuzzer keeps honest is where the memory is: every
 * element the view's shape and strides reach (and every pointer its
 * suboffsets follow) lies inside an arena with room on both sides for an
 * item read with a larger format.  A consumer cannot check memory it is
 * told is there; everything else it must survive with an error or a
 * defined result.  Crashes, sanitizer reports, views not released exactly
 * once, and objects or allocations left behind are failures.
 */
#include <string.h>

#include "fuzz.h"

#define ARENA 16384
#define MIDDLE (ARENA / 2)
#define MAX_DIMS 128
#define ROWS 256
#define OUT 4096

/* The memory views point into.  A PIL layout's table of ROWS row
   pointers sits at the middle, each pointing at one of 8 rows 4 KiB
   further on: however many rows an inconsistent view counts (at most 8,
   or a 1-D view without shape whose len grew by up to 3 x 64 bytes: 256
   rows of one byte), every pointer it follows is valid. */
static unsigned char arena[ARENA];
static Py_ssize_t shape_store[MAX_DIMS], strides_store[MAX_DIMS];
static Py_ssize_t suboffsets_store[MAX_DIMS];
static char out[OUT], in[OUT];

/* --- The hostile exporter ------------------------------------------------ */

typedef enum {
    GRANT,                  /* 0 with obj = self and a reference */
    GRANT_OBJ_NULL,         /* 0 with obj NULL */
    GRANT_WITH_ERROR,       /* 0 with an exception set */
    REFUSE,                 /* -1 with BufferError */
    REFUSE_SILENTLY,        /* -1 with no exception */
    REFUSE_LEAVING_OBJ,     /* -1 with BufferError and view->obj set */
    ODD_RESULT,             /* 1 or -2, with the view filled */
    MODES
} Mode;

typedef struct {
    PyObject_HEAD
    Py_buffer answer;       /* the template every request gets */
    Mode mode;
    int refuse_writable;    /* refuse PyBUF_WRITABLE */
    int odd_result;
    Py_ssize_t grants, releases;
} Hostile;

static int
hostile_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Hostile *h = (Hostile *)self;
    *view = h->answer;
    view->obj = NULL;
    if (h->refuse_writable && (flags & PyBUF_WRITABLE)) {
        PyErr_SetString(PyExc_BufferError, "hostile: not writable");
        return -1;
    }
    switch (h->mode) {
    case REFUSE:
        PyErr_SetString(PyExc_BufferError, "hostile: refused");
        return -1;
    case REFUSE_SILENTLY:
        return -1;
    case REFUSE_LEAVING_OBJ:
        PyErr_SetString(PyExc_BufferError, "hostile: refused");
        view->obj = self;
        return -1;
    case GRANT_OBJ_NULL:
        return 0;
    default:
        break;
    }
    view->obj = Py_NewRef(self);
    h->grants++;
    if (h->mode == GRANT_WITH_ERROR) {
        PyErr_SetString(PyExc_ValueError, "hostile: left set");
    }
    return h->mode == ODD_RESULT ? h->odd_result : 0;
}

static void
hostile_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((Hostile *)self)->releases++;
}

static PyBufferProcs hostile_procs = {hostile_getbuffer,
                                      hostile_releasebuffer};

static PyTypeObject HostileType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fuzz.Hostile",
    .tp_basicsize = sizeof(Hostile),
    .tp_as_buffer = &hostile_procs,
};

/* --- A consistent layout, then its inconsistencies ----------------------- */

static const struct {
    const char *format;
    Py_ssize_t itemsize;
} items[] = {{"B", 1}, {"b", 1}, {"h", 2}, {"i", 4}, {"d", 8}, {"3s", 3},
             {"<q", 8}, {"?", 1}};

#define COUNT(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

/* A consistent view in the middle of the arena: up to 3 dimensions of up
   to 5 items, C, Fortran, reversed, padded or zero strides, sometimes a
   PIL table of row pointers. */
static void
consistent(FuzzInput *fi, Py_buffer *v)
{
    memset(v, 0, sizeof(*v));
    unsigned k = fuzz_below(fi, COUNT(items));
    v->itemsize = items[k].itemsize;
    v->format = (char *)items[k].format;
    v->ndim = (int)fuzz_below(fi, 4);
    v->readonly = (int)fuzz_below(fi, 2);
    v->shape = shape_store;
    v->strides = strides_store;
    Py_ssize_t step = v->itemsize, nitems = 1;
    int fortran = fuzz_below(fi, 2);
    for (int k2 = 0; k2 < v->ndim; k2++) {
        int i = fortran ? k2 : v->ndim - 1 - k2;
        shape_store[i] = fuzz_between(fi, 0, 5);
        nitems *= shape_store[i];
        switch (fuzz_below(fi, 6)) {
        case 0:
            strides_store[i] = -step;
            break;
        case 1:
            strides_store[i] = 0;
            break;
        case 2:
            strides_store[i] = step + v->itemsize;
            break;
        default:
            strides_store[i] = step;
            break;
        }
        step *= 6;
    }
    v->len = nitems * v->itemsize;
    v->buf = arena + MIDDLE;
    v->suboffsets = NULL;
    if (v->ndim > 0 && fuzz_below(fi, 5) == 0) {
        /* PIL: the row pointers at the middle, the rows 4 KiB further. */
        shape_store[0] = fuzz_between(fi, 0, 8);
        v->len = v->itemsize * shape_store[0];
        for (int i = 1; i < v->ndim; i++) {
            v->len *= shape_store[i];
        }
        strides_store[0] = sizeof(unsigned char *);
        for (int r = 0; r < ROWS; r++) {
            unsigned char *row = arena + MIDDLE + 4096 + 64 * (r % 8);
            memcpy(arena + MIDDLE + r * sizeof(row), &row, sizeof(row));
        }
        v->suboffsets = suboffsets_store;
        suboffsets_store[0] = 0;
        for (int i = 1; i < v->ndim; i++) {
            suboffsets_store[i] = -1;
        }
    }
}

static const char *const formats[] = {
    NULL, "", "zz", "\xff", "d", "B", "<i", "3s", "T{i:x:}", "@q", "?",
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", "Zd", "w",
    "(2,3)h", "0s", "x",
};

/* One inconsistency: a field changed to disagree with the others, while
   the elements stay in the arena. */
static void
mutate(FuzzInput *fi, Py_buffer *v)
{
    switch (fuzz_below(fi, 12)) {
    case 0:
        v->len += fuzz_between(fi, -64, 64);
        break;
    case 1:
        v->len = -v->len - fuzz_between(fi, 0, 2);
        break;
    case 2: {
        static const Py_ssize_t sizes[] = {0, -1, -8, 2, 16, 1};
        v->itemsize = sizes[fuzz_below(fi, COUNT(sizes))];
        break;
    }
    case 3: {
        static const int dims[] = {-1, -5, 65, 70, 128, 2, 4};
        int ndim = dims[fuzz_below(fi, COUNT(dims))];
        for (int i = v->ndim > 0 ? v->ndim : 0; i < MAX_DIMS; i++) {
            shape_store[i] = 1;
            strides_store[i] = 0;
            suboffsets_store[i] = -1;
        }
        v->ndim = ndim;
        break;
    }
    case 4:
        v->shape = NULL;
        break;
    case 5:
        /* Implied strides would read the row pointers at other offsets:
           not pointers, so not memory the fuzzer can keep honest. */
        if (v->suboffsets == NULL) {
            v->strides = NULL;
        }
        break;
    case 6:
        if (v->suboffsets != NULL) {
            v->suboffsets = NULL;       /* row pointers read as data */
        }
        else if (v->ndim > 0) {
            for (int i = 0; i < v->ndim && i < MAX_DIMS; i++) {
                suboffsets_store[i] = -1;
            }
            v->suboffsets = suboffsets_store;
        }
        break;
    case 7:
        if (v->ndim > 0 && v->shape != NULL) {
            int i = (int)fuzz_below(fi, (unsigned)v->ndim);
            static const Py_ssize_t extents[] = {-1, -4, PY_SSIZE_T_MIN, 0,
                                                 PY_SSIZE_T_MAX};
            Py_ssize_t e = extents[fuzz_below(fi, COUNT(extents))];
            if (e == PY_SSIZE_T_MAX && v->strides != NULL) {
                strides_store[i] = 0;       /* stays in the arena */
            }
            if (e != PY_SSIZE_T_MAX || v->strides != NULL) {
                shape_store[i] = e;
            }
        }
        break;
    case 8:
        /* (Not the row pointers' stride: the same reason.) */
        if (v->ndim > 0 && v->strides != NULL) {
            int i = (int)fuzz_below(fi, (unsigned)v->ndim);
            if (i > 0 || v->suboffsets == NULL) {
                strides_store[i] = fuzz_below(fi, 2) ? -strides_store[i]
                                                     : 0;
            }
        }
        break;
    case 9:
        v->format = (char *)formats[fuzz_below(fi, COUNT(formats))];
        break;
    case 10:
        v->readonly = !v->readonly;
        break;
    default:
        v->internal = (void *)(uintptr_t)0xdeadbeef;
        break;
    }
}

static PyObject *
new_hostile(FuzzInput *fi)
{
    Hostile *h = PyObject_New(Hostile, &HostileType);
    if (h == NULL) {
        return NULL;
    }
    consistent(fi, &h->answer);
    int n = (int)fuzz_below(fi, 4);
    for (int i = 0; i < n; i++) {
        mutate(fi, &h->answer);
    }
    h->mode = fuzz_below(fi, 2) ? GRANT : (Mode)fuzz_below(fi, MODES);
    h->refuse_writable = h->answer.readonly && fuzz_below(fi, 2);
    h->odd_result = fuzz_below(fi, 2) ? 1 : -2;
    h->grants = h->releases = 0;
    return (PyObject *)h;
}

/* --- The consumers ------------------------------------------------------- */

static const int requests[] = {
    PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES,
    PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS,
    PyBUF_FULL_RO, PyBUF_FULL, PyBUF_RECORDS,
};

/* Whether the view's len fits the scratch buffers. */
static int
small_len(const Py_buffer *view)
{
    return view->len >= 0 && view->len <= OUT;
}

/* Whether a memoryview has few enough items to walk: a shape of
   PY_SSIZE_T_MAX items of size 0, or of stride 0, is a view a consumer
   may accept (CPython does), and walking it would take forever in any
   implementation. */
static int
few_items(const Py_buffer *view)
{
    Py_ssize_t n = 1;
    for (int i = 0; i < view->ndim; i++) {
        if (__builtin_mul_overflow(n, view->shape[i], &n) || n > OUT) {
            return 0;
        }
    }
    return 1;
}

static void
request_helpers(PyObject *h, int flags)
{
    static const Py_ssize_t zeros[MAX_DIMS];
    Py_buffer view;
    if (PyObject_GetBuffer(h, &view, flags) < 0) {
        PyErr_Clear();
        return;
    }
    (void)PyBuffer_IsContiguous(&view, 'C');
    (void)PyBuffer_IsContiguous(&view, 'F');
    (void)PyBuffer_IsContiguous(&view, 'A');
    if (view.ndim <= MAX_DIMS) {
        (void)PyBuffer_GetPointer(&view, zeros);
    }
    PyErr_Clear();
    /* A view of few bytes may still hold PY_SSIZE_T_MAX items of size 0,
       which any copy walks one by one: only views of few items. */
    if (small_len(&view) && (view.shape == NULL || few_items(&view))) {
        for (int o = 0; o < 3; o++) {
            (void)PyBuffer_ToContiguous(out, &view, view.len, "CFA"[o]);
            PyErr_Clear();
        }
        if (!view.readonly) {
            (void)PyBuffer_FromContiguous(&view, in, view.len, 'C');
            (void)PyBuffer_FromContiguous(&view, in, view.len / 2, 'F');
            PyErr_Clear();
        }
    }
    PyBuffer_Release(&view);
}

static void
memoryview_operations(PyObject *h, FuzzInput *fi)
{
    PyObject *mv = PyMemoryView_FromObject(h);
    if (mv == NULL) {
        PyErr_Clear();
        return;
    }
    const Py_buffer *view = PyMemoryView_GET_BUFFER(mv);
    (void)MbMemoryView_Length(mv);
    PyErr_Clear();
    if (small_len(view) && few_items(view)) {
        for (int o = 0; o < 3; o++) {
            PyObject *bytes = MbMemoryView_ToBytes(mv, "CFA"[o]);
            Py_XDECREF(bytes);
            PyErr_Clear();
        }
        (void)PyObject_Hash(mv);
        PyErr_Clear();
        (void)MbMemoryView_Equal(mv, mv);
        PyErr_Clear();
        PyObject *contiguous = PyMemoryView_GetContiguous(
            mv, PyBUF_READ, fuzz_below(fi, 2) ? 'C' : 'F');
        Py_XDECREF(contiguous);
        PyErr_Clear();
    }
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)arena, 16);
    if (bytes != NULL && few_items(view)) {
        (void)MbMemoryView_Equal(mv, bytes);
    }
    Py_XDECREF(bytes);
    PyErr_Clear();
    unsigned char item[16];
    Py_ssize_t index[MAX_DIMS] = {0};
    int nindex = view->ndim >= 0 && view->ndim <= MAX_DIMS ? view->ndim : 0;
    if (MbMemoryView_GetItem(mv, index, nindex, item) == 0) {
        (void)MbMemoryView_SetItem(mv, index, nindex, item);
    }
    PyErr_Clear();
    PyObject *made[3];
    made[0] = MbMemoryView_Slice(mv, 0, PY_SSIZE_T_MAX,
                                 fuzz_between(fi, -3, 3));
    made[1] = MbMemoryView_Cast(mv, "B", NULL, 0);
    made[2] = MbMemoryView_ToReadOnly(mv);
    PyErr_Clear();
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(made[i]);
    }
    (void)MbMemoryView_Release(mv);
    PyErr_Clear();
    Py_DECREF(mv);
}

/* Whether the exporter's answer (the same for every request) has few
   enough items for the consumers that walk them: PyObject_CopyData, and
   bytearray's copies (as request_helpers asks of its views). */
static int
walkable(PyObject *h)
{
    const Py_buffer *answer = &((Hostile *)h)->answer;
    return small_len(answer) && (answer->shape == NULL || few_items(answer));
}

static void
other_consumers(PyObject *h)
{
    PyObject *target = walkable(h) ? PyByteArray_FromStringAndSize(NULL, OUT)
                                   : NULL;
    if (target != NULL) {
        (void)PyObject_CopyData(target, h);
        PyErr_Clear();
        PyObject *small = PyBytes_FromStringAndSize("hostile", 7);
        if (small != NULL) {
            (void)PyObject_CopyData(h, small);
            Py_DECREF(small);
        }
        PyErr_Clear();
        Py_DECREF(target);
    }
    const void *read;
    const char *chars;
    void *write;
    Py_ssize_t len;
    (void)PyObject_AsReadBuffer(h, &read, &len);
    PyErr_Clear();
    (void)PyObject_AsCharBuffer(h, &chars, &len);
    PyErr_Clear();
    (void)PyObject_AsWriteBuffer(h, &write, &len);
    PyErr_Clear();
    (void)PyObject_CheckReadBuffer(h);
    PyErr_Clear();
    if (walkable(h)) {
        PyObject *copy = PyByteArray_FromObject(h);
        Py_XDECREF(copy);
        PyErr_Clear();
        PyObject *joined = PyByteArray_Concat(h, h);
        Py_XDECREF(joined);
        PyErr_Clear();
    }
    for (int redirect = 0; redirect < 2; redirect++) {
        PyObject *re = MbNdArray_FromExporter(
            h, PyBUF_FULL_RO, redirect ? MB_ND_REDIRECT : MB_ND_DEFAULT);
        if (re != NULL) {
            request_helpers(re, PyBUF_FULL_RO);
            Py_DECREF(re);
        }
        PyErr_Clear();
    }
    (void)MbCheck_Exporter(h, NULL);
    PyErr_Clear();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MbStats before = fuzz_begin();
    FuzzInput fi = {data, size, 0};
    PyObject *h = new_hostile(&fi);
    FUZZ_CHECK(h != NULL);
    for (unsigned i = 0; i < COUNT(requests); i++) {
        request_helpers(h, requests[i]);
    }
    memoryview_operations(h, &fi);
    other_consumers(h);
    /* Every view granted with a reference was released exactly once, and
       the exporter holds no reference but the harness's.  Results other
       than 0 and -1 are outside the protocol: consumers (CPython's too)
       differ on whether such a view is theirs to release, so the
       references those views took are given back here. */
    Hostile *hostile = (Hostile *)h;
    if (hostile->mode == ODD_RESULT) {
        Py_SET_REFCNT(h, 1);
    }
    else {
        FUZZ_CHECK(hostile->releases == hostile->grants);
        FUZZ_CHECK(Py_REFCNT(h) == 1);
    }
    Py_DECREF(h);
    fuzz_end(&before);
    return 0;
}
