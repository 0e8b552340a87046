/* Fuzzing memoryview: chains of casts, slices, tobytes, toreadonly, item
 * access, comparison and release, from a fuzzed base (bytes, a writable
 * bytearray or an ndarray of any layout).  Errors are expected on the way;
 * crashes, broken views and anything left behind are not. */
#include <string.h>

#include "fuzz.h"

static const char *const formats[] = {"B", "b", "c", "h", "H", "i", "I",
                                      "l", "q", "Q", "d", "f", "?", "e",
                                      "@B", "<i", "2B", "P", "n"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CHAIN 12

static PyObject *
new_base(FuzzInput *in)
{
    char bytes[64];
    Py_ssize_t n = fuzz_between(in, 0, 64);
    for (Py_ssize_t i = 0; i < n; i++) {
        bytes[i] = (char)fuzz_byte(in);
    }
    switch (fuzz_below(in, 3)) {
    case 0:
        return PyBytes_FromStringAndSize(bytes, n);
    case 1:
        return PyByteArray_FromStringAndSize(bytes, n);
    default: {
        Py_ssize_t shape[3], strides[3];
        int ndim = (int)fuzz_below(in, 4);
        for (int i = 0; i < ndim; i++) {
            shape[i] = fuzz_between(in, 0, 4);
            strides[i] = fuzz_between(in, -8, 8);
        }
        int nstrides = fuzz_below(in, 2) ? ndim : 0;
        int flags = fuzz_below(in, 2) ? MB_ND_WRITABLE : 0;
        flags |= fuzz_below(in, 4) == 0 ? MB_ND_PIL : 0;
        MbNdArraySpec spec = {bytes, n, "B", ndim, shape, nstrides,
                              nstrides ? strides : NULL,
                              fuzz_between(in, 0, 16), flags};
        return MbNdArray_New(&spec);
    }
    }
}

/* A view that was handed out must look like one. */
static void
check_view(PyObject *mv)
{
    const Py_buffer *view = PyMemoryView_GET_BUFFER(mv);
    FUZZ_CHECK(view->ndim >= 0 && view->ndim <= PyBUF_MAX_NDIM);
    FUZZ_CHECK(view->itemsize >= 0 && view->len >= 0);
    Py_ssize_t n = view->itemsize;
    for (int i = 0; i < view->ndim; i++) {
        FUZZ_CHECK(view->shape[i] >= 0);
        n *= view->shape[i];
    }
    FUZZ_CHECK(n == view->len);
}

/* One operation on mv; the new view it made, if any, or NULL. */
static PyObject *
operate(FuzzInput *in, PyObject *mv, PyObject *base)
{
    PyObject *made = NULL;
    switch (fuzz_below(in, 9)) {
    case 0:
        made = MbMemoryView_Cast(mv, formats[fuzz_below(in, COUNT(formats))],
                                 NULL, 0);
        break;
    case 1: {
        Py_ssize_t shape[3];
        int ndim = (int)fuzz_below(in, 4);
        for (int i = 0; i < ndim; i++) {
            shape[i] = fuzz_between(in, 0, 8);
        }
        made = MbMemoryView_Cast(mv, formats[fuzz_below(in, 4)], shape,
                                 ndim);
        break;
    }
    case 2: {
        Py_ssize_t start = fuzz_between(in, -10, 10);
        Py_ssize_t stop = fuzz_between(in, -10, 10);
        Py_ssize_t step = fuzz_between(in, -4, 4);
        made = MbMemoryView_Slice(mv, start, stop, step);
        break;
    }
    case 3: {
        PyObject *bytes = MbMemoryView_ToBytes(mv, "CFA"[fuzz_below(in, 3)]);
        if (bytes != NULL) {
            FUZZ_CHECK(PyBytes_GET_SIZE(bytes)
                       == PyMemoryView_GET_BUFFER(mv)->len);
            Py_DECREF(bytes);
        }
        break;
    }
    case 4:
        made = MbMemoryView_ToReadOnly(mv);
        break;
    case 5: {
        Py_ssize_t index[3];
        unsigned char item[16];
        Py_ssize_t nindex = fuzz_below(in, 4);
        for (Py_ssize_t i = 0; i < nindex; i++) {
            index[i] = fuzz_between(in, -6, 6);
        }
        const Py_buffer *view = PyMemoryView_GET_BUFFER(mv);
        if (view->itemsize <= (Py_ssize_t)sizeof(item)) {
            if (MbMemoryView_GetItem(mv, index, nindex, item) == 0
                && fuzz_below(in, 2)) {
                (void)MbMemoryView_SetItem(mv, index, nindex, item);
            }
        }
        break;
    }
    case 6:
        FUZZ_CHECK(MbMemoryView_Equal(mv, base) >= -1);
        break;
    case 7:
        (void)MbMemoryView_Length(mv);
        break;
    default:
        (void)MbMemoryView_Release(mv);
        break;
    }
    PyErr_Clear();
    return made;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MbStats before = fuzz_begin();
    FuzzInput in = {data, size, 0};
    PyObject *base = new_base(&in);
    if (base == NULL) {
        PyErr_Clear();
        fuzz_end(&before);
        return 0;
    }
    PyObject *views[CHAIN + 1];
    int nviews = 0;
    views[nviews] = PyMemoryView_FromObject(base);
    if (views[nviews] == NULL) {
        PyErr_Clear();
    }
    else {
        nviews++;
    }
    for (int step = 0; step < CHAIN && nviews > 0; step++) {
        /* Work on the newest view, or sometimes an older one. */
        PyObject *mv = views[fuzz_below(&in, 4) == 0
                             ? fuzz_below(&in, (unsigned)nviews)
                             : (unsigned)nviews - 1];
        if (!PyMemoryView_GET_BUFFER(mv)->obj && fuzz_below(&in, 2)) {
            continue;
        }
        PyObject *made = operate(&in, mv, base);
        if (made != NULL) {
            check_view(made);
            views[nviews++] = made;
        }
    }
    while (nviews > 0) {
        Py_DECREF(views[--nviews]);
    }
    Py_DECREF(base);
    fuzz_end(&before);
    return 0;
}
