/* Fuzzing ndarray construction and every request: an array made from a
 * fuzzed shape, strides, offset, format and flags, then each request flag
 * through PyObject_GetBuffer, the helpers on what it returned, a memoryview
 * of it, and the release.  A granted request must satisfy CPython's rules
 * for what it asked; nothing may be left behind. */
#include <string.h>

#include "fuzz.h"

static const char *const formats[] = {"B", "b", "h", "i", "l", "q", "d",
                                      "f", "?", "c", "3s", "2i", "<h",
                                      ">Q", "x", "0i", "hx", "e", "P"};

static const int requests[] = {
    PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES,
    PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS,
    PyBUF_INDIRECT, PyBUF_CONTIG, PyBUF_CONTIG_RO, PyBUF_STRIDED,
    PyBUF_STRIDED_RO, PyBUF_RECORDS, PyBUF_RECORDS_RO, PyBUF_FULL,
    PyBUF_FULL_RO, PyBUF_ND | PyBUF_FORMAT, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT,
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* What the granted view must be, for the request it answered. */
static void
check_view(const Py_buffer *view, int flags)
{
    FUZZ_CHECK(view->len >= 0 && view->itemsize >= 0);
    FUZZ_CHECK(!(flags & PyBUF_WRITABLE) || !view->readonly);
    FUZZ_CHECK((flags & PyBUF_FORMAT) || view->format == NULL);
    if ((flags & PyBUF_ND) != PyBUF_ND) {
        FUZZ_CHECK(view->shape == NULL);
        FUZZ_CHECK(PyBuffer_IsContiguous(view, 'C'));
    }
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) {
        FUZZ_CHECK(view->strides == NULL);
    }
    if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT) {
        FUZZ_CHECK(view->suboffsets == NULL);
    }
    if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS) {
        FUZZ_CHECK(PyBuffer_IsContiguous(view, 'C'));
    }
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS) {
        FUZZ_CHECK(PyBuffer_IsContiguous(view, 'F'));
    }
    if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS) {
        FUZZ_CHECK(PyBuffer_IsContiguous(view, 'A'));
    }
}

/* The helpers on a granted view: copies out, item addresses, strides. */
static void
use_view(const Py_buffer *view)
{
    char *out = malloc((size_t)view->len + 1);
    FUZZ_CHECK(out != NULL);
    static const char orders[] = "CFA";
    for (int o = 0; o < 3; o++) {
        if (PyBuffer_ToContiguous(out, view, view->len, orders[o]) < 0) {
            PyErr_Clear();
        }
    }
    if (view->format != NULL && PyBuffer_SizeFromFormat(view->format) < 0) {
        PyErr_Clear();
    }
    if (view->shape != NULL && view->ndim <= PyBUF_MAX_NDIM) {
        Py_ssize_t index[PyBUF_MAX_NDIM], strides[PyBUF_MAX_NDIM];
        int empty = 0;
        for (int i = 0; i < view->ndim; i++) {
            index[i] = view->shape[i] - 1;
            empty |= view->shape[i] == 0;
        }
        if (!empty && PyBuffer_GetPointer(view, index) == NULL) {
            PyErr_Clear();
        }
        PyBuffer_FillContiguousStrides(view->ndim, view->shape, strides,
                                       (int)view->itemsize, 'F');
    }
    free(out);
}

static void
use_memoryview(PyObject *nd)
{
    PyObject *mv = PyMemoryView_FromObject(nd);
    if (mv == NULL) {
        PyErr_Clear();
        return;
    }
    PyObject *bytes = MbMemoryView_ToBytes(mv, 'F');
    Py_XDECREF(bytes);
    if (MbMemoryView_Equal(mv, nd) < 0) {
        PyErr_Clear();
    }
    PyObject *contiguous = PyMemoryView_GetContiguous(nd, PyBUF_READ, 'C');
    Py_XDECREF(contiguous);
    PyErr_Clear();
    Py_DECREF(mv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MbStats before = fuzz_begin();
    FuzzInput in = {data, size, 0};
    int ndim = (int)fuzz_below(&in, 6);
    Py_ssize_t shape[5], strides[5];
    for (int i = 0; i < ndim; i++) {
        shape[i] = fuzz_between(&in, 0, 6);
    }
    const char *format = formats[fuzz_below(&in, COUNT(formats))];
    int nstrides = fuzz_below(&in, 3) == 0 ? ndim : 0;
    for (int i = 0; i < nstrides; i++) {
        strides[i] = fuzz_between(&in, -64, 64);
    }
    static const int flag_bits[] = {MB_ND_WRITABLE, MB_ND_FORTRAN,
                                    MB_ND_PIL, MB_ND_VAREXPORT};
    int flags = 0;
    for (int i = 0; i < COUNT(flag_bits); i++) {
        flags |= fuzz_below(&in, 4) == 0 ? flag_bits[i] : 0;
    }
    Py_ssize_t nbytes = fuzz_between(&in, 0, 512);
    Py_ssize_t offset = fuzz_between(&in, -8, 512);
    unsigned char *memory = malloc((size_t)nbytes + 1);
    FUZZ_CHECK(memory != NULL);
    for (Py_ssize_t i = 0; i < nbytes; i++) {
        memory[i] = (unsigned char)fuzz_byte(&in);
    }
    MbNdArraySpec spec = {memory, nbytes, format, ndim, shape, nstrides,
                          nstrides ? strides : NULL, offset, flags};
    PyObject *nd = MbNdArray_New(&spec);
    free(memory);
    if (nd == NULL) {
        FUZZ_CHECK(PyErr_Occurred() != NULL);
        PyErr_Clear();
        fuzz_end(&before);
        return 0;
    }
    if (fuzz_below(&in, 4) == 0 && MbNdArray_AddSuboffsets(nd) < 0) {
        PyErr_Clear();
    }
    for (int r = 0; r < COUNT(requests); r++) {
        Py_buffer view;
        if (PyObject_GetBuffer(nd, &view, requests[r]) < 0) {
            FUZZ_CHECK(PyErr_Occurred() != NULL);
            PyErr_Clear();
            continue;
        }
        FUZZ_CHECK(view.obj == nd);
        check_view(&view, requests[r]);
        use_view(&view);
        PyBuffer_Release(&view);
    }
    use_memoryview(nd);
    Py_DECREF(nd);
    fuzz_end(&before);
    return 0;
}
