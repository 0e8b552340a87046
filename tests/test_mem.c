/* The allocators, the counters and fault injection. */
#include "testutil.h"

static MbStats
stats(void)
{
    MbStats s;
    MbStats_Get(&s);
    return s;
}

START_TEST(test_malloc_and_free_are_counted)
{
    MbStats before = stats();
    void *a = PyMem_Malloc(10);
    void *b = PyObject_Malloc(20);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    MbStats during = stats();
    ck_assert_int_eq(during.live_allocations, before.live_allocations + 2);
    ck_assert_int_eq(during.allocations, before.allocations + 2);
    PyMem_Free(a);
    PyObject_Free(b);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
    PyMem_Free(NULL);
    PyObject_Free(NULL);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
}
END_TEST

START_TEST(test_zero_bytes_give_distinct_pointers)
{
    void *a = PyMem_Malloc(0);
    void *b = PyMem_Malloc(0);
    void *c = PyObject_Malloc(0);
    void *d = PyMem_Calloc(0, 8);
    void *e = PyObject_Calloc(8, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_ne(a, b);
    PyMem_Free(a);
    PyMem_Free(b);
    PyObject_Free(c);
    PyMem_Free(d);
    PyObject_Free(e);
}
END_TEST

START_TEST(test_calloc_zeroes)
{
    unsigned char *p = PyMem_Calloc(64, 4);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 256; i++) {
        ck_assert_int_eq(p[i], 0);
    }
    PyMem_Free(p);
}
END_TEST

START_TEST(test_too_large_requests_fail_without_exception)
{
    ck_assert_ptr_null(PyMem_Malloc((size_t)PY_SSIZE_T_MAX + 1));
    ck_assert_ptr_null(PyObject_Malloc((size_t)-1));
    ck_assert_ptr_null(PyMem_Calloc((size_t)PY_SSIZE_T_MAX, 4));
    ck_assert_ptr_null(PyObject_Calloc(4, (size_t)PY_SSIZE_T_MAX));
    ck_assert_ptr_null(PyMem_Realloc(NULL, (size_t)-1));
    assert_no_error();
    void *p = PyMem_Malloc(8);
    ck_assert_ptr_null(PyObject_Realloc(p, (size_t)PY_SSIZE_T_MAX + 1));
    PyMem_Free(p);
    ck_assert_ptr_null(PyMem_New(double, PY_SSIZE_T_MAX));
}
END_TEST

START_TEST(test_realloc_keeps_contents_and_counts)
{
    MbStats before = stats();
    char *p = PyMem_Realloc(NULL, 4);
    ck_assert_ptr_nonnull(p);
    memcpy(p, "abc", 4);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations + 1);
    p = PyMem_Realloc(p, 4096);
    ck_assert_str_eq(p, "abc");
    ck_assert_int_eq(stats().live_allocations, before.live_allocations + 1);
    char *q = PyObject_Realloc(p, 0);
    ck_assert_ptr_nonnull(q);
    PyObject_Free(q);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
    double *d = PyMem_New(double, 3);
    ck_assert_ptr_nonnull(d);
    PyMem_Del(d);
}
END_TEST

START_TEST(test_fail_at_is_one_shot)
{
    MbStats before = stats();
    MbAlloc_FailAt(2);
    void *a = PyMem_Malloc(8);
    void *b = PyMem_Malloc(8);
    void *c = PyMem_Malloc(8);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(c);
    assert_no_error();
    MbStats after = stats();
    ck_assert_int_eq(after.injected_failures, before.injected_failures + 1);
    ck_assert_int_eq(after.allocations, before.allocations + 3);
    PyMem_Free(a);
    PyMem_Free(c);
}
END_TEST

START_TEST(test_fail_at_applies_to_every_allocator)
{
    void *old = PyMem_Malloc(8);
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyObject_Calloc(1, 8));
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyMem_Realloc(old, 64));
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyObject_Malloc(1));
    PyMem_Free(old);
}
END_TEST

START_TEST(test_fail_at_zero_cancels)
{
    MbStats before = stats();
    MbAlloc_FailAt(1);
    MbAlloc_FailAt(0);
    void *a = PyMem_Malloc(1);
    ck_assert_ptr_nonnull(a);
    PyMem_Free(a);
    ck_assert_int_eq(stats().injected_failures, before.injected_failures);
}
END_TEST

static Suite *
mem_suite(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = mb_tcase(s, "allocators");
    tcase_add_test(tc, test_malloc_and_free_are_counted);
    tcase_add_test(tc, test_zero_bytes_give_distinct_pointers);
    tcase_add_test(tc, test_calloc_zeroes);
    tcase_add_test(tc, test_too_large_requests_fail_without_exception);
    tcase_add_test(tc, test_realloc_keeps_contents_and_counts);
    tc = mb_tcase(s, "fault injection");
    tcase_add_test(tc, test_fail_at_is_one_shot);
    tcase_add_test(tc, test_fail_at_applies_to_every_allocator);
    tcase_add_test(tc, test_fail_at_zero_cancels);
    return s;
}

int
main(void)
{
    return mb_run(mem_suite());
}
