/* Limits and overflow: every size, count and offset that can exceed what
 * Py_ssize_t or the library holds gets a clear error, or a defined result
 * where CPython's is defined.  The UndefinedBehaviorSanitizer build runs
 * these with signed overflow trapping, so a wrapped product fails there.
 * docs/limits.md lists each limit. */
#include "testutil.h"

#define BIG PY_SSIZE_T_MAX

static char memory[256];

/* A view of memory with the given structure. */
static Py_buffer
view_of(int ndim, Py_ssize_t *shape, Py_ssize_t *strides, Py_ssize_t len)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = memory;
    view.itemsize = 8;
    view.len = len;
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    return view;
}

/* --- Dimensions ---------------------------------------------------------- */

START_TEST(test_copies_refuse_more_than_64_dimensions)
{
    Py_ssize_t shape[65], strides[65];
    for (int i = 0; i < 65; i++) {
        shape[i] = 1;
        strides[i] = 16;                /* not contiguous */
    }
    shape[0] = 2;
    Py_buffer view = view_of(65, shape, strides, 16);
    char out[16];
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &view, 16, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: number of "
                 "dimensions must not exceed 64");
    ck_assert_int_eq(PyBuffer_FromContiguous(&view, out, 16, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_FromContiguous: number of "
                 "dimensions must not exceed 64");
    view.strides = NULL;
    Py_ssize_t index[65] = {0};
    ck_assert_ptr_null(PyBuffer_GetPointer(&view, index));
    assert_error(PyExc_ValueError, "PyBuffer_GetPointer: number of "
                 "dimensions must not exceed 64");
}
END_TEST

START_TEST(test_memoryview_refuses_more_than_64_dimensions)
{
    Py_ssize_t shape[65];
    for (int i = 0; i < 65; i++) {
        shape[i] = 1;
    }
    PyObject *bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
    PyObject *mv = PyMemoryView_FromObject(bytes);
    ck_assert_ptr_null(MbMemoryView_Cast(mv, "B", shape, 65));
    assert_error(PyExc_ValueError, "memoryview: number of dimensions must "
                 "not exceed 64");
    /* An exporter with more dimensions than memoryview takes. */
    static const char data[1];
    MbNdArraySpec spec = {data, 1, "B", 65, shape, 0, NULL, 0, 0};
    PyObject *nd = MbNdArray_New(&spec);
    ck_assert_ptr_nonnull(nd);
    ck_assert_ptr_null(PyMemoryView_FromObject(nd));
    assert_error(PyExc_ValueError, "memoryview: number of dimensions must "
                 "not exceed 64");
    Py_DECREF(nd);
    Py_DECREF(mv);
    Py_DECREF(bytes);
}
END_TEST

START_TEST(test_ndarray_refuses_more_than_128_dimensions)
{
    Py_ssize_t shape[129];
    for (int i = 0; i < 129; i++) {
        shape[i] = 1;
    }
    MbNdArraySpec spec = {NULL, 8, "B", 129, shape, 0, NULL, 0, 0};
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_ValueError, "ndim must not exceed 128");
}
END_TEST

/* --- Products that overflow ---------------------------------------------- */

START_TEST(test_copies_refuse_shapes_whose_size_overflows)
{
    Py_ssize_t shape[2] = {BIG / 2, 4}, strides[2] = {8, 8};
    Py_buffer view = view_of(2, shape, strides, 64);
    ck_assert_int_eq(PyBuffer_ToContiguous(memory, &view, 64, 'C'), -1);
    assert_error(PyExc_OverflowError, "PyBuffer_ToContiguous: "
                 "product(shape) * itemsize does not fit in Py_ssize_t");
    ck_assert_int_eq(PyBuffer_FromContiguous(&view, memory, 64, 'F'), -1);
    assert_error(PyExc_OverflowError, "PyBuffer_FromContiguous: "
                 "product(shape) * itemsize does not fit in Py_ssize_t");
    /* Overflow of the item count alone. */
    Py_ssize_t many[3] = {BIG / 2, BIG / 2, 2};
    view = view_of(3, many, NULL, 64);
    Py_ssize_t index[3] = {0, 0, 0};
    ck_assert_ptr_null(PyBuffer_GetPointer(&view, index));
    assert_error(PyExc_OverflowError, "PyBuffer_GetPointer: "
                 "product(shape) * itemsize does not fit in Py_ssize_t");
}
END_TEST

START_TEST(test_cast_refuses_shapes_whose_size_overflows)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
    PyObject *mv = PyMemoryView_FromObject(bytes);
    Py_ssize_t shape[2] = {BIG, 2};
    ck_assert_ptr_null(MbMemoryView_Cast(mv, "B", shape, 2));
    assert_error(PyExc_ValueError, "memoryview.cast(): product(shape) > "
                 "SSIZE_MAX");
    Py_DECREF(mv);
    Py_DECREF(bytes);
}
END_TEST

START_TEST(test_ndarray_refuses_extents_that_overflow)
{
    static const char data[80];
    Py_ssize_t shape[2] = {BIG, 3};
    MbNdArraySpec spec = {data, 80, "d", 2, shape, 0, NULL, 0, 0};
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    Py_ssize_t square[2] = {3, 3}, strides[2] = {BIG - 7, 8};
    spec.shape = square;
    spec.nstrides = 2;
    spec.strides = strides;
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    strides[0] = PY_SSIZE_T_MIN;
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    spec.nstrides = 0;
    spec.strides = NULL;
    spec.offset = BIG - 7;
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_ValueError, "offset out of bounds");
}
END_TEST

/* Rows of stride 0 need no memory, but their pointer table does: CPython's
   _testbuffer overflows its size and crashes. */
START_TEST(test_pil_row_table_that_cannot_exist)
{
    static const char data[8] = "abcdefgh";
    Py_ssize_t shape[2] = {(Py_ssize_t)1 << 61, 1}, strides[2] = {0, 1};
    MbNdArraySpec spec = {data, 8, "B", 2, shape, 2, strides, 0, MB_ND_PIL};
    ck_assert_ptr_null(MbNdArray_New(&spec));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_struct_sizes_that_overflow)
{
    ck_assert_int_eq(PyBuffer_SizeFromFormat("99999999999999999999i"), -1);
    assert_error(MbExc_StructError, "total struct size too long");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("9223372036854775807q"), -1);
    assert_error(MbExc_StructError, "total struct size too long");
    ck_assert_int_eq(PyBuffer_SizeFromFormat(
                         "4611686018427387904s4611686018427387904s"), -1);
    assert_error(MbExc_StructError, "total struct size too long");
}
END_TEST

/* Offsets are computed in unsigned arithmetic: hostile indices and strides
   give a wrong address, never undefined behaviour (the address is not
   read here). */
START_TEST(test_offsets_wrap_instead_of_overflowing)
{
    Py_ssize_t shape[3] = {4, 4, 4}, strides[3] = {BIG, BIG, -8};
    Py_buffer view = view_of(3, shape, strides, 512);
    Py_ssize_t index[3] = {BIG, PY_SSIZE_T_MIN, BIG};
    uintptr_t expected = (uintptr_t)memory
                         + (uintptr_t)BIG * (uintptr_t)BIG
                         + (uintptr_t)BIG * (uintptr_t)PY_SSIZE_T_MIN
                         + (uintptr_t)-8 * (uintptr_t)BIG;
    ck_assert_ptr_eq(PyBuffer_GetPointer(&view, index), (void *)expected);
    Py_ssize_t huge[3] = {BIG, BIG, BIG}, out[3];
    PyBuffer_FillContiguousStrides(3, huge, out, 8, 'C');
    ck_assert_int_eq(out[2], 8);
    ck_assert_int_eq(out[1], (Py_ssize_t)((size_t)8 * (size_t)BIG));
    ck_assert_int_eq(out[0], (Py_ssize_t)((size_t)8 * (size_t)BIG
                                          * (size_t)BIG));
}
END_TEST

/* --- Negative lengths and extents ---------------------------------------- */

START_TEST(test_negative_lengths_and_extents)
{
    Py_ssize_t shape[1] = {4}, strides[1] = {8};
    Py_buffer view = view_of(1, shape, strides, -8);
    ck_assert_int_eq(PyBuffer_ToContiguous(memory, &view, -8, 'C'), -1);
    assert_error(PyExc_ValueError,
                 "PyBuffer_ToContiguous: len must not be negative");
    ck_assert_int_eq(PyBuffer_FromContiguous(&view, memory, 8, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_FromContiguous: len and "
                 "view->len must not be negative");
    Py_ssize_t negative[2] = {2, -3}, two[2] = {16, 8};
    view = view_of(2, negative, two, 32);
    two[0] = 64;                          /* not contiguous */
    ck_assert_int_eq(PyBuffer_ToContiguous(memory, &view, 32, 'C'), -1);
    assert_error(PyExc_ValueError,
                 "PyBuffer_ToContiguous: shape[1] is negative");
    view = view_of(1, shape, strides, 32);
    view.itemsize = -8;
    strides[0] = 16;
    ck_assert_int_eq(PyBuffer_ToContiguous(memory, &view, 32, 'C'), -1);
    assert_error(PyExc_ValueError,
                 "PyBuffer_ToContiguous: itemsize must not be negative");
    view.itemsize = 8;
    view.ndim = -1;
    view.len = 0;                 /* contiguous whatever ndim says */
    ck_assert_int_eq(PyBuffer_ToContiguous(memory, &view, 0, 'C'), 0);
}
END_TEST

START_TEST(test_object_sizes)
{
    ck_assert_ptr_null(PyBytes_FromStringAndSize(NULL, -1));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyBytes_FromStringAndSize");
    ck_assert_ptr_null(PyBytes_FromStringAndSize(NULL, BIG));
    assert_error(PyExc_OverflowError, "byte string is too large");
    ck_assert_ptr_null(PyByteArray_FromStringAndSize(NULL, -1));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyByteArray_FromStringAndSize");
    ck_assert_ptr_null(PyByteArray_FromStringAndSize(NULL, BIG));
    assert_error(PyExc_MemoryError, "");
    PyObject *array = PyByteArray_FromStringAndSize("ab", 2);
    ck_assert_int_eq(PyByteArray_Resize(array, -3), -1);
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyByteArray_Resize");
    ck_assert_int_eq(PyByteArray_Resize(array, BIG), -1);
    assert_error(PyExc_MemoryError, "");
    ck_assert_int_eq(PyByteArray_Size(array), 2);
    Py_DECREF(array);
    ck_assert_ptr_null(_PyObject_NewVar(&PyBytes_Type, -1));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(_PyObject_NewVar(&PyBytes_Type, BIG));
    assert_error(PyExc_MemoryError, "");
    ck_assert_ptr_null(PyMem_Malloc((size_t)BIG + 1));
    ck_assert_ptr_null(PyObject_Calloc((size_t)BIG, 2));
    assert_no_error();
    ck_assert_ptr_null(PyMemoryView_FromMemory(memory, -1, PyBUF_READ));
    assert_error(PyExc_SystemError, "bad argument to internal function");
}
END_TEST

START_TEST(test_python2_buffer_sizes_and_offsets)
{
    ck_assert_ptr_null(PyBuffer_New(-1));
    assert_error(PyExc_ValueError, "size must be zero or positive");
    ck_assert_ptr_null(PyBuffer_New(BIG));
    assert_error(PyExc_MemoryError, "");
    PyObject *legacy = MbLegacyReadOnly_New("abc", 3);
    ck_assert_ptr_null(PyBuffer_FromObject(legacy, -1, 2));
    assert_error(PyExc_ValueError, "offset must be zero or positive");
    /* An offset past the end gives an empty buffer, as in Python 2. */
    PyObject *empty = PyBuffer_FromObject(legacy, BIG, BIG);
    ck_assert_ptr_nonnull(empty);
    const void *p;
    Py_ssize_t len = -1;
    ck_assert_int_eq(PyObject_AsReadBuffer(empty, &p, &len), 0);
    ck_assert_int_eq(len, 0);
    Py_DECREF(empty);
    Py_DECREF(legacy);
}
END_TEST

/* --- Indices and slices -------------------------------------------------- */

START_TEST(test_extreme_indices_and_steps)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
    PyObject *mv = PyMemoryView_FromObject(bytes);
    unsigned char c;
    Py_ssize_t index[1] = {BIG};
    ck_assert_int_eq(MbMemoryView_GetItem(mv, index, 1, &c), -1);
    assert_error(PyExc_IndexError, "index out of bounds on dimension 1");
    index[0] = PY_SSIZE_T_MIN;
    ck_assert_int_eq(MbMemoryView_GetItem(mv, index, 1, &c), -1);
    assert_error(PyExc_IndexError, "index out of bounds on dimension 1");
    PyObject *one = MbMemoryView_Slice(mv, PY_SSIZE_T_MIN, BIG, BIG);
    ck_assert_int_eq(MbMemoryView_Length(one), 1);
    PyObject *back = MbMemoryView_Slice(mv, BIG, PY_SSIZE_T_MIN,
                                        PY_SSIZE_T_MIN);
    ck_assert_int_eq(MbMemoryView_Length(back), 1);
    index[0] = 0;
    ck_assert_int_eq(MbMemoryView_GetItem(back, index, 1, &c), 0);
    ck_assert_int_eq(c, 'h');
    ck_assert_ptr_null(MbMemoryView_Slice(mv, 0, 1, 0));
    assert_error(PyExc_ValueError, "slice step cannot be zero");
    /* On 8-byte items the stride of a step of BIG overflows: it wraps, as
       in CPython, and the one item is still read. */
    static const char *const cast_to = "q";
    PyObject *q = MbMemoryView_Cast(mv, cast_to, NULL, 0);
    ck_assert_ptr_nonnull(q);
    PyObject *wide = MbMemoryView_Slice(q, 0, BIG, BIG);
    ck_assert_ptr_nonnull(wide);
    ck_assert_int_eq(MbMemoryView_Length(wide), 1);
    long long item;
    index[0] = 0;
    ck_assert_int_eq(MbMemoryView_GetItem(wide, index, 1, &item), 0);
    ck_assert_int_eq(memcmp(&item, "abcdefgh", 8), 0);
    Py_DECREF(wide);
    Py_DECREF(q);
    Py_DECREF(back);
    Py_DECREF(one);
    Py_DECREF(mv);
    Py_DECREF(bytes);
}
END_TEST

static Suite *
limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = mb_tcase(s, "dimensions");
    tcase_add_test(tc, test_copies_refuse_more_than_64_dimensions);
    tcase_add_test(tc, test_memoryview_refuses_more_than_64_dimensions);
    tcase_add_test(tc, test_ndarray_refuses_more_than_128_dimensions);
    tc = mb_tcase(s, "overflow");
    tcase_add_test(tc, test_copies_refuse_shapes_whose_size_overflows);
    tcase_add_test(tc, test_cast_refuses_shapes_whose_size_overflows);
    tcase_add_test(tc, test_ndarray_refuses_extents_that_overflow);
    tcase_add_test(tc, test_pil_row_table_that_cannot_exist);
    tcase_add_test(tc, test_struct_sizes_that_overflow);
    tcase_add_test(tc, test_offsets_wrap_instead_of_overflowing);
    tc = mb_tcase(s, "negative");
    tcase_add_test(tc, test_negative_lengths_and_extents);
    tcase_add_test(tc, test_object_sizes);
    tcase_add_test(tc, test_python2_buffer_sizes_and_offsets);
    tc = mb_tcase(s, "indices");
    tcase_add_test(tc, test_extreme_indices_and_steps);
    return s;
}

int
main(void)
{
    return mb_run(limits_suite());
}
