/* memoryview: the managed buffer, the C API, the exporter, and the
 * operations CPython offers from Python (release, cast, slicing, tobytes,
 * toreadonly, equality, length, items, hash).  Expected values and messages
 * are CPython 3.11's. */
#include <math.h>

#include "testutil.h"

#define RELEASED_MESSAGE "operation forbidden on released memoryview object"

/* A memoryview of a new ndarray of n ints 0..n-1 with this shape. */
static PyObject *
int_view(int ndim, const Py_ssize_t *shape, int flags)
{
    int data[64];
    Py_ssize_t n = 1;
    for (int i = 0; i < ndim; i++) {
        n *= shape[i];
    }
    for (int i = 0; i < 64; i++) {
        data[i] = i;
    }
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = data, .nbytes = (n > 0 ? n : 1) * 4, .format = "i",
        .ndim = ndim, .shape = shape, .flags = flags});
    ck_assert_ptr_nonnull(nd);
    PyObject *mv = PyMemoryView_FromObject(nd);
    Py_DECREF(nd);
    ck_assert_ptr_nonnull(mv);
    return mv;
}

static PyObject *
bytes_view(const char *text)
{
    PyObject *b = PyBytes_FromString(text);
    PyObject *mv = PyMemoryView_FromObject(b);
    Py_DECREF(b);
    ck_assert_ptr_nonnull(mv);
    return mv;
}

/* --- The managed buffer -------------------------------------------------- */

START_TEST(test_views_share_one_request)
{
    Counter *c = new_counter("0123456789ab", 12, 0);
    PyObject *m1 = PyMemoryView_FromObject((PyObject *)c);
    PyObject *m2 = PyMemoryView_FromObject(m1);
    PyObject *m3 = MbMemoryView_Slice(m1, 1, PY_SSIZE_T_MAX, 1);
    PyObject *m4 = MbMemoryView_Cast(m1, "B", (Py_ssize_t[]){3, 4}, 2);
    ck_assert_ptr_nonnull(m4);
    ck_assert_int_eq(c->calls, 1);
    ck_assert_int_eq(c->last_flags, PyBUF_FULL_RO);
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(m3), c);
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(m4), c);
    ck_assert_int_eq(((PyMemoryViewObject *)m1)->mbuf->exports, 4);
    ck_assert_ptr_eq(((PyMemoryViewObject *)m1)->mbuf,
                     ((PyMemoryViewObject *)m4)->mbuf);
    Py_DECREF(m1);
    Py_DECREF(m2);
    ck_assert_int_eq(MbMemoryView_Release(m3), 0);
    ck_assert_int_eq(c->releases, 0);
    Py_DECREF(m4);
    ck_assert_int_eq(c->releases, 1);
    Py_DECREF(m3);
    ck_assert_int_eq(c->releases, 1);
    ck_assert_int_eq(Py_REFCNT(c), 1);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_bytearray_lock_lasts_while_any_view_lives)
{
    PyObject *a = PyByteArray_FromStringAndSize("locked", 6);
    PyObject *m = PyMemoryView_FromObject(a);
    PyObject *m2 = MbMemoryView_Slice(m, 1, PY_SSIZE_T_MAX, 1);
    ck_assert_int_eq(((PyByteArrayObject *)a)->ob_exports, 1);
    ck_assert_int_eq(MbMemoryView_Release(m), 0);
    ck_assert_int_eq(PyByteArray_Resize(a, 10), -1);
    assert_error(PyExc_BufferError,
                 "Existing exports of data: object cannot be re-sized");
    ck_assert_int_eq(MbMemoryView_Release(m2), 0);
    ck_assert_int_eq(PyByteArray_Resize(a, 10), 0);
    Py_DECREF(m2);
    Py_DECREF(m);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_from_object_errors)
{
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_ptr_null(PyMemoryView_FromObject(plain));
    assert_error(PyExc_TypeError,
                 "memoryview: a bytes-like object is required, not 'object'");
    PyObject *failing = MbNdArray_New(&(MbNdArraySpec){
        .memory = "x", .nbytes = 1, .ndim = 1, .shape = (Py_ssize_t[]){1},
        .flags = MB_ND_GETBUF_FAIL});
    MbStats before, after;
    MbStats_Get(&before);
    ck_assert_ptr_null(PyMemoryView_FromObject(failing));
    assert_error(PyExc_BufferError, "ND_GETBUF_FAIL: forced test exception");
    MbStats_Get(&after);
    ck_assert_int_eq(after.live_objects, before.live_objects);
    PyObject *mv = bytes_view("x");
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    ck_assert_ptr_null(PyMemoryView_FromObject(mv));
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_ptr_null(PyMemoryView_FromObject(NULL));
    assert_error(PyExc_SystemError, "null argument to internal routine");
    Py_DECREF(mv);
    Py_DECREF(failing);
    Py_DECREF(plain);
}
END_TEST

START_TEST(test_dimension_limit)
{
    Py_ssize_t ones[65];
    for (int i = 0; i < 65; i++) {
        ones[i] = 1;
    }
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = "x", .nbytes = 1, .ndim = 65, .shape = ones});
    ck_assert_ptr_nonnull(nd);
    ck_assert_ptr_null(PyMemoryView_FromObject(nd));
    assert_error(PyExc_ValueError,
                 "memoryview: number of dimensions must not exceed 64");
    Py_DECREF(nd);
}
END_TEST

START_TEST(test_from_memory)
{
    char memory[] = "memory";
    PyObject *ro = PyMemoryView_FromMemory(memory, 6, PyBUF_READ);
    PyObject *rw = PyMemoryView_FromMemory(memory, 6, PyBUF_WRITE);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(ro)->readonly, 1);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(rw)->readonly, 0);
    ck_assert_ptr_null(PyMemoryView_GET_BASE(ro));
    ck_assert_str_eq(PyMemoryView_GET_BUFFER(rw)->format, "B");
    char x = 'M';
    ck_assert_int_eq(MbMemoryView_SetItem(rw, (Py_ssize_t[]){0}, 1, &x), 0);
    ck_assert_int_eq(memory[0], 'M');
    ck_assert_ptr_null(PyMemoryView_FromMemory(memory, 6, PyBUF_SIMPLE));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(PyMemoryView_FromMemory(memory, -1, PyBUF_READ));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    Py_DECREF(rw);
    Py_DECREF(ro);
}
END_TEST

START_TEST(test_from_buffer_reconstructs)
{
    static char memory[24];
    Py_buffer info;
    memset(&info, 0, sizeof(info));
    info.buf = memory;
    info.len = 12;
    info.itemsize = 2;
    info.ndim = 1;
    PyObject *mv = PyMemoryView_FromBuffer(&info);
    const Py_buffer *v = PyMemoryView_GET_BUFFER(mv);
    ck_assert_str_eq(v->format, "B");
    ck_assert_int_eq(v->itemsize, 2);
    ck_assert_int_eq(v->shape[0], 6);
    ck_assert_int_eq(v->strides[0], 2);
    Py_DECREF(mv);
    Py_ssize_t shape[] = {2, 3};
    info.ndim = 2;
    info.shape = shape;
    info.format = (char *)"h";
    mv = PyMemoryView_FromBuffer(&info);
    v = PyMemoryView_GET_BUFFER(mv);
    ck_assert_int_eq(v->strides[0], 6);
    ck_assert_int_eq(v->strides[1], 2);
    ck_assert_ptr_ne(v->shape, shape);
    Py_DECREF(mv);
    info.buf = NULL;
    ck_assert_ptr_null(PyMemoryView_FromBuffer(&info));
    assert_error(PyExc_ValueError,
                 "PyMemoryView_FromBuffer(): info->buf must not be NULL");
}
END_TEST

START_TEST(test_get_contiguous)
{
    PyObject *f = int_view(2, (Py_ssize_t[]){2, 3}, MB_ND_FORTRAN);
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = (int[]){0, 1, 2, 3, 4, 5}, .nbytes = 24, .format = "i",
        .ndim = 2, .shape = (Py_ssize_t[]){2, 3}, .flags = MB_ND_FORTRAN});
    PyObject *same = PyMemoryView_GetContiguous(nd, PyBUF_READ, 'F');
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(same), nd);
    PyObject *copy = PyMemoryView_GetContiguous(nd, PyBUF_READ, 'C');
    const Py_buffer *v = PyMemoryView_GET_BUFFER(copy);
    ck_assert(PyBytes_Check(PyMemoryView_GET_BASE(copy)));
    ck_assert_int_eq(v->readonly, 1);
    ck_assert_str_eq(v->format, "i");
    ck_assert_int_eq(v->strides[0], 12);
    const int *items = v->buf;
    ck_assert_int_eq(items[1], 2);     /* (0, 1) of a Fortran array */
    ck_assert_ptr_null(PyMemoryView_GetContiguous(nd, PyBUF_WRITE, 'C'));
    assert_error(PyExc_BufferError, "underlying buffer is not writable");
    PyObject *w = MbNdArray_New(&(MbNdArraySpec){
        .memory = (int[]){0, 1, 2, 3, 4, 5}, .nbytes = 24, .format = "i",
        .ndim = 2, .shape = (Py_ssize_t[]){2, 3},
        .flags = MB_ND_FORTRAN | MB_ND_WRITABLE});
    ck_assert_ptr_null(PyMemoryView_GetContiguous(w, PyBUF_WRITE, 'C'));
    assert_error(PyExc_BufferError, "writable contiguous buffer requested "
                 "for a non-contiguous object.");
    ck_assert_ptr_null(PyMemoryView_GetContiguous(w, PyBUF_READ, 'X'));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    Py_DECREF(w);
    Py_DECREF(copy);
    Py_DECREF(same);
    Py_DECREF(nd);
    Py_DECREF(f);
}
END_TEST

/* --- Release ------------------------------------------------------------- */

START_TEST(test_release_refused_while_exported)
{
    PyObject *mv = bytes_view("abc");
    Py_buffer a, b;
    ck_assert_int_eq(PyObject_GetBuffer(mv, &a, PyBUF_SIMPLE), 0);
    ck_assert_int_eq(MbMemoryView_Release(mv), -1);
    assert_error(PyExc_BufferError, "memoryview has 1 exported buffer");
    ck_assert_int_eq(PyObject_GetBuffer(mv, &b, PyBUF_SIMPLE), 0);
    ck_assert_int_eq(MbMemoryView_Release(mv), -1);
    assert_error(PyExc_BufferError, "memoryview has 2 exported buffers");
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    Py_DECREF(mv);
}
END_TEST

START_TEST(test_released_view_refuses_everything)
{
    PyObject *mv = bytes_view("abc");
    PyObject *other = bytes_view("abc");
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    Py_buffer view;
    unsigned char item;
    ck_assert_int_eq(PyObject_GetBuffer(mv, &view, PyBUF_SIMPLE), -1);
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_int_eq(MbMemoryView_Length(mv), -1);
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_ptr_null(MbMemoryView_ToBytes(mv, 'C'));
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_ptr_null(MbMemoryView_Cast(mv, "B", NULL, 0));
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_ptr_null(MbMemoryView_Slice(mv, 0, 1, 1));
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_ptr_null(MbMemoryView_ToReadOnly(mv));
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){0}, 1, &item),
                     -1);
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    ck_assert_int_eq(PyObject_Hash(mv), -1);
    assert_error(PyExc_ValueError, RELEASED_MESSAGE);
    /* m == m is True, m == other is False. */
    ck_assert_int_eq(MbMemoryView_Equal(mv, mv), 1);
    ck_assert_int_eq(MbMemoryView_Equal(mv, other), 0);
    ck_assert_int_eq(MbMemoryView_Equal(other, mv), 0);
    /* Still an exporter type, as in CPython. */
    ck_assert_int_eq(PyObject_CheckBuffer(mv), 1);
    Py_DECREF(other);
    Py_DECREF(mv);
}
END_TEST

START_TEST(test_hash_is_kept_after_release)
{
    PyObject *mv = bytes_view("abc");
    PyObject *b = PyBytes_FromString("abc");
    Py_hash_t h = PyObject_Hash(mv);
    ck_assert_int_eq(h, PyObject_Hash(b));
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    ck_assert_int_eq(PyObject_Hash(mv), h);
    Py_DECREF(b);
    Py_DECREF(mv);
}
END_TEST

/* --- Cast ---------------------------------------------------------------- */

START_TEST(test_cast_rules)
{
    PyObject *a = PyByteArray_FromStringAndSize("abcdefgh", 8);
    PyObject *m = PyMemoryView_FromObject(a);
    PyObject *f = int_view(2, (Py_ssize_t[]){2, 3}, MB_ND_FORTRAN);
    PyObject *zeros = int_view(2, (Py_ssize_t[]){0, 3}, 0);
    PyObject *empty = bytes_view("");
    ck_assert_ptr_null(MbMemoryView_Cast(f, "B", NULL, 0));
    assert_error(PyExc_TypeError,
                 "memoryview: casts are restricted to C-contiguous views");
    ck_assert_ptr_null(MbMemoryView_Cast(zeros, "B", NULL, 0));
    assert_error(PyExc_TypeError, "memoryview: cannot cast view with zeros "
                 "in shape or strides");
    PyObject *ok = MbMemoryView_Cast(empty, "i", NULL, 0);
    ck_assert_ptr_nonnull(ok);
    Py_DECREF(ok);
    ck_assert_ptr_null(MbMemoryView_Cast(empty, "i", (Py_ssize_t[]){1}, 1));
    assert_error(PyExc_TypeError, "memoryview: cannot cast view with zeros "
                 "in shape or strides");
    Py_ssize_t ones[65];
    for (int i = 0; i < 65; i++) {
        ones[i] = 1;
    }
    ck_assert_ptr_null(MbMemoryView_Cast(m, "B", ones, 65));
    assert_error(PyExc_ValueError,
                 "memoryview: number of dimensions must not exceed 64");
    PyObject *two = MbMemoryView_Cast(m, "B", (Py_ssize_t[]){2, 4}, 2);
    ck_assert_ptr_null(MbMemoryView_Cast(two, "B", (Py_ssize_t[]){4, 2},
                                         2));
    assert_error(PyExc_TypeError,
                 "memoryview: cast must be 1D -> ND or ND -> 1D");
    const char *bad_formats[] = {"ii", "e", "<i", "", "@", "x", "3B"};
    for (size_t i = 0; i < sizeof(bad_formats) / sizeof(bad_formats[0]);
         i++) {
        ck_assert_ptr_null(MbMemoryView_Cast(m, bad_formats[i], NULL, 0));
        assert_error(PyExc_ValueError, "memoryview: destination format must "
                     "be a native single character format prefixed with an "
                     "optional '@'");
    }
    PyObject *ints = MbMemoryView_Cast(m, "i", NULL, 0);
    ck_assert_ptr_null(MbMemoryView_Cast(ints, "h", NULL, 0));
    assert_error(PyExc_TypeError,
                 "memoryview: cannot cast between two non-byte formats");
    PyObject *three = bytes_view("abc");
    ck_assert_ptr_null(MbMemoryView_Cast(three, "h", NULL, 0));
    assert_error(PyExc_TypeError,
                 "memoryview: length is not a multiple of itemsize");
    ck_assert_ptr_null(MbMemoryView_Cast(m, "B", (Py_ssize_t[]){0, 8}, 2));
    assert_error(PyExc_ValueError,
                 "memoryview.cast(): elements of shape must be integers > 0");
    ck_assert_ptr_null(MbMemoryView_Cast(m, "B", (Py_ssize_t[]){3, 3}, 2));
    assert_error(PyExc_TypeError,
                 "memoryview: product(shape) * itemsize != buffer size");
    ck_assert_ptr_null(MbMemoryView_Cast(m, "B", (Py_ssize_t[]){
        PY_SSIZE_T_MAX / 2, 4}, 2));
    assert_error(PyExc_ValueError,
                 "memoryview.cast(): product(shape) > SSIZE_MAX");
    /* The shape's bytes past the limit are the same error (CPython's
       test_memoryview_cast_invalid), though the item count fits. */
    ck_assert_ptr_null(MbMemoryView_Cast(m, "I", (Py_ssize_t[]){
        (Py_ssize_t)1 << 60, 4}, 2));
    assert_error(PyExc_ValueError,
                 "memoryview.cast(): product(shape) > SSIZE_MAX");
    Py_DECREF(three);
    Py_DECREF(ints);
    Py_DECREF(two);
    Py_DECREF(empty);
    Py_DECREF(zeros);
    Py_DECREF(f);
    Py_DECREF(m);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_cast_results)
{
    PyObject *a = PyByteArray_FromStringAndSize("\1\0\0\0\2\0\0\0", 8);
    PyObject *m = PyMemoryView_FromObject(a);
    PyObject *ints = MbMemoryView_Cast(m, "@i", NULL, 0);
    const Py_buffer *v = PyMemoryView_GET_BUFFER(ints);
    ck_assert_str_eq(v->format, "@i");
    ck_assert_int_eq(v->itemsize, 4);
    ck_assert_int_eq(v->shape[0], 2);
    ck_assert_int_eq(v->strides[0], 4);
    ck_assert_int_eq(v->readonly, 0);
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(ints), a);
    int x;
    ck_assert_int_eq(MbMemoryView_GetItem(ints, (Py_ssize_t[]){1}, 1, &x),
                     0);
    ck_assert_int_eq(x, 2);
    /* 1-D -> 0-d with shape [] on a one-item view. */
    PyObject *one = MbMemoryView_Slice(ints, 0, 1, 1);
    PyObject *bytes = MbMemoryView_Cast(one, "B", NULL, 0);
    PyObject *scalar = MbMemoryView_Cast(bytes, "i", (Py_ssize_t[]){0}, 0);
    ck_assert_ptr_nonnull(scalar);
    v = PyMemoryView_GET_BUFFER(scalar);
    ck_assert_int_eq(v->ndim, 0);
    ck_assert_ptr_null(v->shape);
    ck_assert_ptr_null(v->strides);
    ck_assert_int_eq(v->len, 4);
    ck_assert_int_eq(MbMemoryView_GetItem(scalar, NULL, 0, &x), 0);
    ck_assert_int_eq(x, 1);
    ck_assert_int_eq(MbMemoryView_Length(scalar), 1);
    /* N-D -> 1-D without a shape. */
    PyObject *grid = MbMemoryView_Cast(m, "B", (Py_ssize_t[]){2, 4}, 2);
    PyObject *flat = MbMemoryView_Cast(grid, "i", NULL, 0);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(flat)->ndim, 1);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(flat)->shape[0], 2);
    Py_DECREF(flat);
    Py_DECREF(grid);
    Py_DECREF(scalar);
    Py_DECREF(bytes);
    Py_DECREF(one);
    Py_DECREF(ints);
    Py_DECREF(m);
    Py_DECREF(a);
}
END_TEST

/* --- Slicing, tobytes, toreadonly, length -------------------------------- */

static void
assert_bytes(PyObject *bytes, const char *expected, Py_ssize_t n)
{
    ck_assert_ptr_nonnull(bytes);
    ck_assert_int_eq(PyBytes_GET_SIZE(bytes), n);
    ck_assert_int_eq(memcmp(PyBytes_AS_STRING(bytes), expected, (size_t)n),
                     0);
    Py_DECREF(bytes);
}

START_TEST(test_slicing)
{
    PyObject *m = bytes_view("abcdefgh");
    PyObject *s = MbMemoryView_Slice(m, PY_SSIZE_T_MAX, PY_SSIZE_T_MIN, -2);
    assert_bytes(MbMemoryView_ToBytes(s, 'C'), "hfdb", 4);
    Py_DECREF(s);
    s = MbMemoryView_Slice(m, -3, -1, 1);
    assert_bytes(MbMemoryView_ToBytes(s, '\0'), "fg", 2);
    Py_DECREF(s);
    s = MbMemoryView_Slice(m, 10, 20, 1);
    ck_assert_int_eq(MbMemoryView_Length(s), 0);
    Py_DECREF(s);
    s = MbMemoryView_Slice(m, 1, 100, 3);
    assert_bytes(MbMemoryView_ToBytes(s, 'C'), "beh", 3);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(s)->strides[0], 3);
    Py_DECREF(s);
    ck_assert_ptr_null(MbMemoryView_Slice(m, 0, 1, 0));
    assert_error(PyExc_ValueError, "slice step cannot be zero");
    /* N-D: the first dimension. */
    PyObject *grid = int_view(2, (Py_ssize_t[]){3, 2}, 0);
    s = MbMemoryView_Slice(grid, 1, 3, 1);
    int x;
    ck_assert_int_eq(MbMemoryView_GetItem(s, (Py_ssize_t[]){0, 1}, 2, &x),
                     0);
    ck_assert_int_eq(x, 3);
    ck_assert_int_eq(MbMemoryView_Length(s), 2);
    Py_DECREF(s);
    Py_DECREF(grid);
    Py_DECREF(m);
}
END_TEST

START_TEST(test_tobytes_orders)
{
    PyObject *c = int_view(2, (Py_ssize_t[]){2, 3}, 0);
    PyObject *f = int_view(2, (Py_ssize_t[]){2, 3}, MB_ND_FORTRAN);
    int cf[] = {0, 3, 1, 4, 2, 5}, seq[] = {0, 1, 2, 3, 4, 5};
    int fc[] = {0, 2, 4, 1, 3, 5};
    assert_bytes(MbMemoryView_ToBytes(c, 'C'), (const char *)seq, 24);
    assert_bytes(MbMemoryView_ToBytes(c, 'F'), (const char *)cf, 24);
    assert_bytes(MbMemoryView_ToBytes(c, 'A'), (const char *)seq, 24);
    assert_bytes(MbMemoryView_ToBytes(f, 'C'), (const char *)fc, 24);
    assert_bytes(MbMemoryView_ToBytes(f, 'A'), (const char *)seq, 24);
    ck_assert_ptr_null(MbMemoryView_ToBytes(c, 'X'));
    assert_error(PyExc_ValueError, "order must be 'C', 'F' or 'A'");
    Py_DECREF(f);
    Py_DECREF(c);
}
END_TEST

/* A view whose len is larger than its shape covers: tobytes() and a
   contiguous copy are refused rather than hand out bytes nobody wrote
   (CPython returns what the new bytes object's memory held).  A negative
   len gets CPython's error. */
START_TEST(test_tobytes_of_a_view_its_shape_does_not_cover)
{
    static char data[4] = "abcd";
    Py_ssize_t shape[1] = {2}, strides[1] = {2};
    Py_buffer b;
    memset(&b, 0, sizeof(b));
    b.buf = data;
    b.len = 5 << 20;
    b.itemsize = 1;
    b.readonly = 1;
    b.format = (char *)"B";
    b.ndim = 1;
    b.shape = shape;
    b.strides = strides;
    PyObject *m = PyMemoryView_FromBuffer(&b);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_null(MbMemoryView_ToBytes(m, 'C'));
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: view->len does "
                 "not match its shape and itemsize");
    ck_assert_ptr_null(PyMemoryView_GetContiguous(m, PyBUF_READ, 'C'));
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: view->len does "
                 "not match its shape and itemsize");
    Py_DECREF(m);
    b.len = -1;
    m = PyMemoryView_FromBuffer(&b);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_null(MbMemoryView_ToBytes(m, 'C'));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyBytes_FromStringAndSize");
    Py_DECREF(m);
}
END_TEST

START_TEST(test_toreadonly_shares_the_base)
{
    PyObject *a = PyByteArray_FromStringAndSize("abc", 3);
    PyObject *m = PyMemoryView_FromObject(a);
    PyObject *ro = MbMemoryView_ToReadOnly(m);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(ro)->readonly, 1);
    ck_assert_int_eq(PyMemoryView_GET_BUFFER(m)->readonly, 0);
    ck_assert_ptr_eq(((PyMemoryViewObject *)ro)->mbuf,
                     ((PyMemoryViewObject *)m)->mbuf);
    char x = 'z';
    ck_assert_int_eq(MbMemoryView_SetItem(ro, (Py_ssize_t[]){0}, 1, &x), -1);
    assert_error(PyExc_TypeError, "cannot modify read-only memory");
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(ro, &view, PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError,
                 "memoryview: underlying buffer is not writable");
    ck_assert_int_eq(PyObject_Hash(ro), -1);
    assert_error(PyExc_TypeError, "unhashable type: 'bytearray'");
    Py_DECREF(ro);
    Py_DECREF(m);
    Py_DECREF(a);
}
END_TEST

/* --- Items --------------------------------------------------------------- */

START_TEST(test_item_access_rules)
{
    PyObject *grid = int_view(2, (Py_ssize_t[]){2, 3}, MB_ND_WRITABLE);
    int x;
    ck_assert_int_eq(MbMemoryView_GetItem(grid, (Py_ssize_t[]){1, -1}, 2,
                                          &x), 0);
    ck_assert_int_eq(x, 5);
    ck_assert_int_eq(MbMemoryView_GetItem(grid, (Py_ssize_t[]){0}, 1, &x),
                     -1);
    assert_error(PyExc_NotImplementedError, "sub-views are not implemented");
    ck_assert_int_eq(MbMemoryView_GetItem(grid, NULL, 0, &x), -1);
    assert_error(PyExc_NotImplementedError, "sub-views are not implemented");
    ck_assert_int_eq(MbMemoryView_GetItem(grid, (Py_ssize_t[]){2, 0}, 2,
                                          &x), -1);
    assert_error(PyExc_IndexError, "index out of bounds on dimension 1");
    ck_assert_int_eq(MbMemoryView_GetItem(grid, (Py_ssize_t[]){0, 3}, 2,
                                          &x), -1);
    assert_error(PyExc_IndexError, "index out of bounds on dimension 2");
    ck_assert_int_eq(MbMemoryView_GetItem(grid, (Py_ssize_t[]){0, 0, 0}, 3,
                                          &x), -1);
    assert_error(PyExc_TypeError,
                 "cannot index 2-dimension view with 3-element tuple");
    x = 42;
    ck_assert_int_eq(MbMemoryView_SetItem(grid, (Py_ssize_t[]){0, 1}, 2,
                                          &x), 0);
    x = 0;
    MbMemoryView_GetItem(grid, (Py_ssize_t[]){0, 1}, 2, &x);
    ck_assert_int_eq(x, 42);
    Py_DECREF(grid);
}
END_TEST

START_TEST(test_item_formats)
{
    /* A half float is held, not read: 3.11 has no 'e' items. */
    PyObject *half = MbNdArray_New(&(MbNdArraySpec){
        .memory = "\0\x3c", .nbytes = 2, .format = "e", .ndim = 1,
        .shape = (Py_ssize_t[]){1}});
    PyObject *mv = PyMemoryView_FromObject(half);
    char out[16];
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){0}, 1, out),
                     -1);
    assert_error(PyExc_NotImplementedError,
                 "memoryview: format e not supported");
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){5}, 1, out),
                     -1);
    assert_error(PyExc_IndexError, "index out of bounds on dimension 1");
    Py_DECREF(mv);
    Py_DECREF(half);
    PyObject *little = MbNdArray_New(&(MbNdArraySpec){
        .memory = "\1\0\0\0", .nbytes = 4, .format = "<i", .ndim = 1,
        .shape = (Py_ssize_t[]){1}});
    mv = PyMemoryView_FromObject(little);
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){0}, 1, out),
                     -1);
    assert_error(PyExc_NotImplementedError,
                 "memoryview: unsupported format <i");
    Py_DECREF(mv);
    Py_DECREF(little);
    PyObject *b = bytes_view("\1\2");
    PyObject *flags = MbMemoryView_Cast(b, "?", NULL, 0);
    _Bool value;
    ck_assert_int_eq(MbMemoryView_GetItem(flags, (Py_ssize_t[]){1}, 1,
                                          &value), 0);
    ck_assert(value);
    Py_DECREF(flags);
    Py_DECREF(b);
    PyObject *scalar = int_view(0, NULL, 0);
    int x;
    ck_assert_int_eq(MbMemoryView_GetItem(scalar, (Py_ssize_t[]){0}, 1, &x),
                     -1);
    assert_error(PyExc_TypeError, "invalid indexing of 0-dim memory");
    ck_assert_ptr_null(MbMemoryView_Slice(scalar, 0, 1, 1));
    assert_error(PyExc_TypeError, "invalid indexing of 0-dim memory");
    Py_DECREF(scalar);
}
END_TEST

/* --- Equality ------------------------------------------------------------ */

/* A format smaller than the itemsize: items are read and written with the
   format's size, as in CPython, and nothing past the caller's variable is
   touched (the sanitizer build catches a wider copy). */
START_TEST(test_items_take_the_format_size)
{
    static long long data[2];
    Py_ssize_t shape[1] = {2}, strides[1] = {8}, index = 1;
    Py_buffer b;
    memset(&b, 0, sizeof(b));
    memset(data, 0x11, sizeof(data));
    b.buf = data;
    b.len = 16;
    b.itemsize = 8;
    b.format = (char *)"b";
    b.ndim = 1;
    b.shape = shape;
    b.strides = strides;
    PyObject *m = PyMemoryView_FromBuffer(&b);
    ck_assert_ptr_nonnull(m);
    struct {
        signed char item;
        unsigned char after[7];
    } value = {5, {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}};
    ck_assert_int_eq(MbMemoryView_SetItem(m, &index, 1, &value.item), 0);
    unsigned char *bytes = (unsigned char *)&data[1];
    ck_assert_int_eq(bytes[0], 5);
    for (int i = 1; i < 8; i++) {
        ck_assert_int_eq(bytes[i], 0x11);
    }
    bytes[0] = 0x7F;
    ck_assert_int_eq(MbMemoryView_GetItem(m, &index, 1, &value.item), 0);
    ck_assert_int_eq(value.item, 0x7F);
    for (int i = 0; i < 7; i++) {
        ck_assert_int_eq(value.after[i], 0xAA);
    }
    Py_DECREF(m);
}
END_TEST

START_TEST(test_equality)
{
    PyObject *m = bytes_view("ab");
    PyObject *b = PyBytes_FromString("ab");
    PyObject *c = MbMemoryView_Cast(m, "c", NULL, 0);
    PyObject *s = MbMemoryView_Cast(m, "b", NULL, 0);
    PyObject *flags = MbMemoryView_Cast(m, "?", NULL, 0);
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_int_eq(MbMemoryView_Equal(m, b), 1);
    ck_assert_int_eq(MbMemoryView_Equal(m, c), 0);     /* ints vs bytes */
    ck_assert_int_eq(MbMemoryView_Equal(m, s), 1);     /* same values */
    ck_assert_int_eq(MbMemoryView_Equal(m, plain), 0);
    PyObject *one = bytes_view("\1\0");
    PyObject *bools = MbMemoryView_Cast(one, "?", NULL, 0);
    ck_assert_int_eq(MbMemoryView_Equal(one, bools), 1);  /* True == 1 */
    Py_DECREF(bools);
    Py_DECREF(one);
    Py_DECREF(plain);
    Py_DECREF(flags);
    Py_DECREF(s);
    Py_DECREF(c);
    Py_DECREF(b);
    Py_DECREF(m);
}
END_TEST

static PyObject *
view_of_values(const char *format, const void *memory, Py_ssize_t nbytes,
               Py_ssize_t n)
{
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = memory, .nbytes = nbytes, .format = format, .ndim = 1,
        .shape = &n});
    ck_assert_ptr_nonnull(nd);
    PyObject *mv = PyMemoryView_FromObject(nd);
    Py_DECREF(nd);
    return mv;
}

START_TEST(test_equality_unpacks_values)
{
    double nan = (double)NAN, one_and_half = 1.5, one = 1.0;
    float f = 1.5f;
    int i1 = 1;
    PyObject *d = view_of_values("d", &nan, 8, 1);
    ck_assert_int_eq(MbMemoryView_Equal(d, d), 0);       /* NaN != NaN */
    PyObject *df = view_of_values("d", &one_and_half, 8, 1);
    PyObject *ff = view_of_values("f", &f, 4, 1);
    ck_assert_int_eq(MbMemoryView_Equal(df, ff), 1);
    PyObject *di = view_of_values("d", &one, 8, 1);
    PyObject *ii = view_of_values("i", &i1, 4, 1);
    PyObject *li = view_of_values("<i", "\1\0\0\0", 4, 1);
    PyObject *bi = view_of_values(">i", "\0\0\0\1", 4, 1);
    ck_assert_int_eq(MbMemoryView_Equal(di, ii), 1);     /* 1.0 == 1 */
    ck_assert_int_eq(MbMemoryView_Equal(df, ii), 0);
    ck_assert_int_eq(MbMemoryView_Equal(ii, li), 1);
    ck_assert_int_eq(MbMemoryView_Equal(li, bi), 1);
    PyObject *pair1 = view_of_values("ii", (int[]){1, 2}, 8, 1);
    PyObject *pair2 = view_of_values("ii", (int[]){1, 2}, 8, 1);
    PyObject *pair3 = view_of_values("ii", (int[]){1, 3}, 8, 1);
    ck_assert_int_eq(MbMemoryView_Equal(pair1, pair2), 1);
    ck_assert_int_eq(MbMemoryView_Equal(pair1, pair3), 0);
    PyObject *s1 = view_of_values("3s", "abc", 3, 1);
    PyObject *s2 = view_of_values("3s", "abc", 3, 1);
    ck_assert_int_eq(MbMemoryView_Equal(s1, s2), 1);
    PyObject *q = view_of_values("Q", "\xff\xff\xff\xff\xff\xff\xff\xff", 8,
                                 1);
    PyObject *qs = view_of_values("q", "\xff\xff\xff\xff\xff\xff\xff\xff", 8,
                                  1);
    ck_assert_int_eq(MbMemoryView_Equal(q, qs), 0);      /* 2**64-1 != -1 */
    PyObject *objs[] = {d, df, ff, di, ii, li, bi, pair1, pair2, pair3, s1,
                        s2, q, qs};
    for (size_t k = 0; k < sizeof(objs) / sizeof(objs[0]); k++) {
        Py_DECREF(objs[k]);
    }
}
END_TEST

START_TEST(test_equality_of_structure)
{
    PyObject *a = int_view(2, (Py_ssize_t[]){0, 3}, 0);
    PyObject *b = int_view(2, (Py_ssize_t[]){0, 2}, 0);
    PyObject *c = int_view(2, (Py_ssize_t[]){2, 3}, 0);
    PyObject *f = int_view(2, (Py_ssize_t[]){2, 3}, MB_ND_FORTRAN);
    PyObject *flat = int_view(1, (Py_ssize_t[]){6}, 0);
    /* Shapes agree up to the first zero extent. */
    ck_assert_int_eq(MbMemoryView_Equal(a, b), 1);
    ck_assert_int_eq(MbMemoryView_Equal(c, flat), 0);
    /* Same shape, different values in C order. */
    ck_assert_int_eq(MbMemoryView_Equal(c, f), 0);
    PyObject *copy = PyMemoryView_GetContiguous(f, PyBUF_READ, 'C');
    ck_assert_int_eq(MbMemoryView_Equal(copy, f), 1);
    Py_DECREF(copy);
    Py_DECREF(flat);
    Py_DECREF(f);
    Py_DECREF(c);
    Py_DECREF(b);
    Py_DECREF(a);
}
END_TEST

/* --- Hash ---------------------------------------------------------------- */

START_TEST(test_hash_rules)
{
    PyObject *m = bytes_view("hash me");
    PyObject *b = PyBytes_FromString("hash me");
    ck_assert_int_eq(PyObject_Hash(m), PyObject_Hash(b));
    PyObject *c = MbMemoryView_Cast(m, "c", NULL, 0);
    ck_assert_int_eq(PyObject_Hash(c), PyObject_Hash(b));
    PyObject *rev = MbMemoryView_Slice(m, PY_SSIZE_T_MAX, PY_SSIZE_T_MIN, -1);
    PyObject *emhsah = PyBytes_FromString("em hsah");
    ck_assert_int_eq(PyObject_Hash(rev), PyObject_Hash(emhsah));
    PyObject *a = PyByteArray_FromStringAndSize("w", 1);
    PyObject *w = PyMemoryView_FromObject(a);
    ck_assert_int_eq(PyObject_Hash(w), -1);
    assert_error(PyExc_ValueError, "cannot hash writable memoryview object");
    PyObject *i = int_view(1, (Py_ssize_t[]){2}, 0);
    ck_assert_int_eq(PyObject_Hash(i), -1);
    assert_error(PyExc_ValueError, "memoryview: hashing is restricted to "
                 "formats 'B', 'b' or 'c'");
    Py_DECREF(i);
    Py_DECREF(w);
    Py_DECREF(a);
    Py_DECREF(emhsah);
    Py_DECREF(rev);
    Py_DECREF(c);
    Py_DECREF(b);
    Py_DECREF(m);
}
END_TEST

/* --- Memory -------------------------------------------------------------- */

START_TEST(test_allocations)
{
    PyObject *b = PyBytes_FromString("counted");
    MbStats before, after;
    MbStats_Get(&before);
    PyObject *m = PyMemoryView_FromObject(b);
    MbStats_Get(&after);
    /* One for the view, one for the managed buffer. */
    ck_assert_int_eq(after.allocations - before.allocations, 2);
    MbStats_Get(&before);
    PyObject *m2 = PyMemoryView_FromObject(m);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations - before.allocations, 1);
    MbStats_Get(&before);
    Py_buffer view;
    PyObject_GetBuffer(m2, &view, PyBUF_FULL_RO);
    PyBuffer_Release(&view);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
    Py_DECREF(m2);
    Py_DECREF(m);
    Py_DECREF(b);
}
END_TEST

static Suite *
memoryview_suite(void)
{
    Suite *s = suite_create("memoryview");
    TCase *tc = mb_tcase(s, "managed buffer");
    tcase_add_test(tc, test_views_share_one_request);
    tcase_add_test(tc, test_bytearray_lock_lasts_while_any_view_lives);
    tcase_add_test(tc, test_from_object_errors);
    tcase_add_test(tc, test_dimension_limit);
    tcase_add_test(tc, test_from_memory);
    tcase_add_test(tc, test_from_buffer_reconstructs);
    tcase_add_test(tc, test_get_contiguous);
    tcase_add_test(tc, test_allocations);
    tc = mb_tcase(s, "release");
    tcase_add_test(tc, test_release_refused_while_exported);
    tcase_add_test(tc, test_released_view_refuses_everything);
    tcase_add_test(tc, test_hash_is_kept_after_release);
    tc = mb_tcase(s, "operations");
    tcase_add_test(tc, test_cast_rules);
    tcase_add_test(tc, test_cast_results);
    tcase_add_test(tc, test_slicing);
    tcase_add_test(tc, test_tobytes_orders);
    tcase_add_test(tc, test_tobytes_of_a_view_its_shape_does_not_cover);
    tcase_add_test(tc, test_toreadonly_shares_the_base);
    tcase_add_test(tc, test_item_access_rules);
    tcase_add_test(tc, test_item_formats);
    tcase_add_test(tc, test_items_take_the_format_size);
    tcase_add_test(tc, test_equality);
    tcase_add_test(tc, test_equality_unpacks_values);
    tcase_add_test(tc, test_equality_of_structure);
    tcase_add_test(tc, test_hash_rules);
    return s;
}

int
main(void)
{
    return mb_run(memoryview_suite());
}
