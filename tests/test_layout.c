/* The geometry of views: PyBuffer_IsContiguous, PyBuffer_GetPointer and
 * PyBuffer_FillContiguousStrides, including the cases where CPython reads
 * through NULL and minibuf defines the answer. */
#include "testutil.h"

static char memory[256];

static Py_buffer
view_of(Py_ssize_t len, Py_ssize_t itemsize, int ndim, Py_ssize_t *shape,
        Py_ssize_t *strides, Py_ssize_t *suboffsets)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = memory;
    view.len = len;
    view.itemsize = itemsize;
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    view.suboffsets = suboffsets;
    return view;
}

/* C, F and A answers as a three-character string. */
static const char *
contiguity(const Py_buffer *view)
{
    static char answer[4];
    answer[0] = (char)('0' + PyBuffer_IsContiguous(view, 'C'));
    answer[1] = (char)('0' + PyBuffer_IsContiguous(view, 'F'));
    answer[2] = (char)('0' + PyBuffer_IsContiguous(view, 'A'));
    answer[3] = '\0';
    return answer;
}

START_TEST(test_contiguity_of_common_layouts)
{
    Py_ssize_t s23[] = {2, 3}, c23[] = {12, 4}, f23[] = {4, 8};
    Py_ssize_t padded[] = {16, 4}, neg[] = {-12, -4};
    Py_buffer v = view_of(24, 4, 2, s23, c23, NULL);
    ck_assert_str_eq(contiguity(&v), "101");
    v.strides = f23;
    ck_assert_str_eq(contiguity(&v), "011");
    v.strides = padded;
    ck_assert_str_eq(contiguity(&v), "000");
    v.strides = neg;
    ck_assert_str_eq(contiguity(&v), "000");
    v.strides = NULL;
    ck_assert_str_eq(contiguity(&v), "101");
}
END_TEST

START_TEST(test_contiguity_rules_of_3_11)
{
    Py_ssize_t s13[] = {1, 3}, st13[] = {100, 1};
    Py_ssize_t s20[] = {2, 0}, st20[] = {5, 5};
    Py_ssize_t s213[] = {2, 1, 3}, st213[] = {3, 999, 1};
    Py_ssize_t s0[] = {0}, st0[] = {7};
    Py_ssize_t s1[] = {3}, st1[] = {1}, sub[] = {-1};
    /* Extents of 0 and 1 are ignored; len 0 is contiguous. */
    Py_buffer v = view_of(3, 1, 2, s13, st13, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
    v = view_of(0, 1, 2, s20, st20, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
    v = view_of(6, 1, 3, s213, st213, NULL);
    ck_assert_str_eq(contiguity(&v), "101");
    v = view_of(0, 1, 1, s0, st0, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
    /* Without strides, Fortran only if at most one extent exceeds 1. */
    v = view_of(3, 1, 2, s13, NULL, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
    /* Any suboffsets, even all negative, and for 0-d too. */
    v = view_of(3, 1, 1, s1, st1, sub);
    ck_assert_str_eq(contiguity(&v), "000");
    v = view_of(4, 4, 0, NULL, NULL, sub);
    ck_assert_str_eq(contiguity(&v), "000");
    v = view_of(4, 4, 0, NULL, NULL, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
}
END_TEST

START_TEST(test_contiguity_orders_are_exact)
{
    Py_ssize_t s1[] = {3}, st1[] = {1};
    Py_buffer v = view_of(3, 1, 1, s1, st1, NULL);
    ck_assert_int_eq(PyBuffer_IsContiguous(&v, 'C'), 1);
    ck_assert_int_eq(PyBuffer_IsContiguous(&v, 'c'), 0);
    ck_assert_int_eq(PyBuffer_IsContiguous(&v, 'f'), 0);
    ck_assert_int_eq(PyBuffer_IsContiguous(&v, 'X'), 0);
    ck_assert_int_eq(PyBuffer_IsContiguous(&v, '\0'), 0);
    ck_assert_int_eq(PyBuffer_IsContiguous(NULL, 'C'), 0);
}
END_TEST

START_TEST(test_contiguity_without_shape)
{
    /* minibuf: a 1-D view without shape has len/itemsize items. */
    Py_ssize_t st4[] = {4}, st8[] = {8};
    Py_buffer v = view_of(12, 4, 1, NULL, st4, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
    v.strides = st8;
    ck_assert_str_eq(contiguity(&v), "000");
    v = view_of(12, 4, 2, NULL, st4, NULL);
    ck_assert_str_eq(contiguity(&v), "000");
    v = view_of(12, 4, 1, NULL, NULL, NULL);
    ck_assert_str_eq(contiguity(&v), "111");
}
END_TEST

START_TEST(test_get_pointer)
{
    Py_ssize_t s23[] = {2, 3}, c23[] = {12, 4}, neg[] = {-12, -4};
    Py_ssize_t at[] = {1, 2};
    Py_buffer v = view_of(24, 4, 2, s23, c23, NULL);
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, at), memory + 20);
    v.strides = neg;
    v.buf = memory + 20;
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, at), memory);
    v.ndim = 0;
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, NULL), memory + 20);
}
END_TEST

START_TEST(test_get_pointer_follows_suboffsets)
{
    char *rows[2] = {memory + 100, memory + 40};
    Py_ssize_t s23[] = {2, 3}, strides[] = {sizeof(char *), 2};
    Py_ssize_t sub[] = {4, -1};
    Py_ssize_t at[] = {1, 2};
    Py_buffer v = view_of(12, 2, 2, s23, strides, sub);
    v.buf = rows;
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, at), memory + 40 + 4 + 4);
    at[0] = 0;
    at[1] = 1;
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, at), memory + 100 + 4 + 2);
}
END_TEST

START_TEST(test_get_pointer_without_strides_uses_c_strides)
{
    /* CPython reads through the NULL strides; minibuf computes them. */
    Py_ssize_t s234[] = {2, 3, 4};
    Py_ssize_t at[] = {1, 2, 3};
    Py_buffer v = view_of(48, 2, 3, s234, NULL, NULL);
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, at),
                     memory + 2 * (12 + 8 + 3));
    Py_ssize_t one[] = {5};
    v = view_of(20, 4, 1, NULL, NULL, NULL);
    ck_assert_ptr_eq(PyBuffer_GetPointer(&v, one), memory + 20);
    v = view_of(48, 2, 3, NULL, NULL, NULL);
    ck_assert_ptr_null(PyBuffer_GetPointer(&v, at));
    assert_error(PyExc_ValueError,
                 "PyBuffer_GetPointer: a view of 3 dimensions needs a shape");
}
END_TEST

START_TEST(test_get_pointer_null_arguments)
{
    Py_ssize_t s1[] = {3}, st1[] = {1};
    Py_buffer v = view_of(3, 1, 1, s1, st1, NULL);
    ck_assert_ptr_null(PyBuffer_GetPointer(&v, NULL));
    assert_error(PyExc_SystemError, "null argument to internal routine");
    Py_ssize_t at[] = {0};
    ck_assert_ptr_null(PyBuffer_GetPointer(NULL, at));
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_fill_contiguous_strides)
{
    Py_ssize_t shape[] = {2, 3, 4};
    Py_ssize_t strides[3];
    PyBuffer_FillContiguousStrides(3, shape, strides, 2, 'C');
    ck_assert_int_eq(strides[0], 24);
    ck_assert_int_eq(strides[1], 8);
    ck_assert_int_eq(strides[2], 2);
    PyBuffer_FillContiguousStrides(3, shape, strides, 2, 'F');
    ck_assert_int_eq(strides[0], 2);
    ck_assert_int_eq(strides[1], 4);
    ck_assert_int_eq(strides[2], 12);
    /* Any character but 'F' means C. */
    PyBuffer_FillContiguousStrides(3, shape, strides, 2, 'A');
    ck_assert_int_eq(strides[0], 24);
    PyBuffer_FillContiguousStrides(3, shape, strides, 2, 'f');
    ck_assert_int_eq(strides[0], 24);
    Py_ssize_t zero[] = {2, 0, 3};
    PyBuffer_FillContiguousStrides(3, zero, strides, 8, 'C');
    ck_assert_int_eq(strides[0], 0);
    ck_assert_int_eq(strides[1], 24);
    ck_assert_int_eq(strides[2], 8);
    strides[0] = -9;
    PyBuffer_FillContiguousStrides(0, shape, strides, 8, 'C');
    ck_assert_int_eq(strides[0], -9);
}
END_TEST

static Suite *
layout_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = mb_tcase(s, "contiguity");
    tcase_add_test(tc, test_contiguity_of_common_layouts);
    tcase_add_test(tc, test_contiguity_rules_of_3_11);
    tcase_add_test(tc, test_contiguity_orders_are_exact);
    tcase_add_test(tc, test_contiguity_without_shape);
    tc = mb_tcase(s, "pointers");
    tcase_add_test(tc, test_get_pointer);
    tcase_add_test(tc, test_get_pointer_follows_suboffsets);
    tcase_add_test(tc, test_get_pointer_without_strides_uses_c_strides);
    tcase_add_test(tc, test_get_pointer_null_arguments);
    tc = mb_tcase(s, "strides");
    tcase_add_test(tc, test_fill_contiguous_strides);
    return s;
}

int
main(void)
{
    return mb_run(layout_suite());
}
