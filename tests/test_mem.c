/* The allocators, the counters, fault injection, and what a thread leaves
 * when it exits. */
#include <pthread.h>

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

/* --- Large blocks --------------------------------------------------------- */

#define LARGE ((Py_ssize_t)6 << 20)

/* A bytes object of n bytes that are all `byte`, through the path that
   does not zero its block first. */
static PyObject *
bytes_of(Py_ssize_t n, int byte)
{
    char *content = malloc((size_t)n);
    ck_assert_ptr_nonnull(content);
    memset(content, byte, (size_t)n);
    PyObject *b = PyBytes_FromStringAndSize(content, n);
    free(content);
    ck_assert_ptr_nonnull(b);
    return b;
}

static int
on_cache_line(const void *p)
{
    return (uintptr_t)p % 64 == 0;
}

START_TEST(test_large_bytes_payload_starts_on_a_cache_line)
{
    MbStats before = stats();
    const Py_ssize_t sizes[] = {(4 << 20) - 33, LARGE + 7, 3 * LARGE};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        PyObject *filled = bytes_of(sizes[i], 0x5a);
        PyObject *zeroed = PyBytes_FromStringAndSize(NULL, sizes[i]);
        ck_assert_ptr_nonnull(zeroed);
        ck_assert(on_cache_line(PyBytes_AS_STRING(filled)));
        ck_assert(on_cache_line(PyBytes_AS_STRING(zeroed)));
        ck_assert_int_eq(PyBytes_AS_STRING(filled)[sizes[i] - 1], 0x5a);
        ck_assert_int_eq(PyBytes_AS_STRING(filled)[sizes[i]], 0);
        Py_DECREF(filled);
        Py_DECREF(zeroed);
    }
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
}
END_TEST

/* Without a sanitizer, the block of a freed large bytes object serves the
   next large one of at least half its size. */
START_TEST(test_freed_large_block_is_reused)
{
#ifndef MB_SANITIZERS
    MbStats before = stats();
    PyObject *first = bytes_of(LARGE, 0xab);
    const char *payload = PyBytes_AS_STRING(first);
    Py_DECREF(first);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
    /* Smaller, so that a fresh mapping would not start where it did. */
    const Py_ssize_t n = LARGE / 4 * 3;
    PyObject *second = bytes_of(n, 0x11);
    ck_assert_ptr_eq(PyBytes_AS_STRING(second), payload);
    ck_assert_int_eq(PyBytes_AS_STRING(second)[n - 1], 0x11);
    ck_assert_int_eq(PyBytes_AS_STRING(second)[n], 0);
    Py_DECREF(second);
#endif
}
END_TEST

/* A kept block holds old bytes: zero-filled requests never get it, and a
   request that must fail fails though it would fit. */
START_TEST(test_kept_block_never_serves_zeroed_or_failing_requests)
{
    Py_DECREF(bytes_of(LARGE, 0xab));
    PyObject *zeroed = PyBytes_FromStringAndSize(NULL, LARGE);
    ck_assert_ptr_nonnull(zeroed);
    const char *z = PyBytes_AS_STRING(zeroed);
    for (Py_ssize_t i = 0; i < LARGE; i++) {
        if (z[i] != 0) {
            ck_abort_msg("byte %zd of a zero-filled bytes object is %d", i,
                         z[i]);
        }
    }
    Py_DECREF(zeroed);
    MbAlloc_FailAt(1);
    char *content = malloc((size_t)LARGE);
    ck_assert_ptr_nonnull(content);
    memset(content, 1, (size_t)LARGE);
    ck_assert_ptr_null(PyBytes_FromStringAndSize(content, LARGE));
    free(content);
    assert_error(PyExc_MemoryError, "");
}
END_TEST

/* Instances of a subtype of bytes are allocated by PyObject_NewVar and
   freed by bytes' deallocator as such, large or not. */
static PyTypeObject bytes_subtype = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.BytesSubtype",
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

START_TEST(test_large_instance_of_a_bytes_subtype_is_freed)
{
    bytes_subtype.tp_base = &PyBytes_Type;
    bytes_subtype.tp_basicsize = PyBytes_Type.tp_basicsize;
    bytes_subtype.tp_itemsize = PyBytes_Type.tp_itemsize;
    ck_assert_int_eq(PyType_Ready(&bytes_subtype), 0);
    MbStats before = stats();
    PyObject *b = (PyObject *)PyObject_NewVar(PyBytesObject, &bytes_subtype,
                                              LARGE);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(Py_SIZE(b), LARGE);
    Py_DECREF(b);
    ck_assert_int_eq(stats().live_allocations, before.live_allocations);
}
END_TEST

/* --- Thread exit ----------------------------------------------------------- */

/* A key of the program's own, whose destructor drops the object a worker
   stored in it, or sets an exception: it may run before or after the
   library's own thread-exit destructor (the order of keys is unspecified;
   glibc runs them in the order the keys were created). */
static pthread_key_t program_key;

static void
drop_object(void *object)
{
    Py_DECREF((PyObject *)object);
}

static void
drop_object_and_raise(void *object)
{
    Py_DECREF((PyObject *)object);
    PyErr_SetString(PyExc_ValueError, "set by a destructor at thread exit");
}

static void *
store_object(void *unused)
{
    (void)unused;
    PyObject *o = PyBytes_FromString("held by the program's key");
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(pthread_setspecific(program_key, o), 0);
    return NULL;
}

static void
run_worker(void *(*body)(void *))
{
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, body, NULL), 0);
    ck_assert_int_eq(pthread_join(thread, NULL), 0);
}

/* The library's key is made first (by its first allocation in this
   process), so its destructor runs first, and the program's then releases
   an object: it must be counted, not written into freed memory (the
   sanitizer build catches the use after free; the fixture sees a count
   left behind). */
START_TEST(test_object_released_after_the_librarys_destructor)
{
    PyObject *first = PyBytes_FromString("makes the library's key");
    Py_DECREF(first);
    ck_assert_int_eq(pthread_key_create(&program_key, drop_object), 0);
    run_worker(store_object);
    ck_assert_int_eq(pthread_key_delete(program_key), 0);
}
END_TEST

START_TEST(test_object_released_before_the_librarys_destructor)
{
    ck_assert_int_eq(pthread_key_create(&program_key, drop_object), 0);
    run_worker(store_object);
    ck_assert_int_eq(pthread_key_delete(program_key), 0);
}
END_TEST

/* An exception set by a destructor that runs after the library's is
   cleared too. */
START_TEST(test_exception_set_after_the_librarys_destructor)
{
    PyObject *first = PyBytes_FromString("makes the library's key");
    Py_DECREF(first);
    ck_assert_int_eq(pthread_key_create(&program_key, drop_object_and_raise),
                     0);
    run_worker(store_object);
    ck_assert_int_eq(pthread_key_delete(program_key), 0);
}
END_TEST

static void *
raise_and_exit(void *unused)
{
    (void)unused;
    PyErr_SetString(PyExc_ValueError, "left set when the thread ends");
    return NULL;
}

/* A thread that ends with an exception set leaves nothing behind: its
   indicator is cleared, as CPython clears a thread's state. */
START_TEST(test_exception_left_set_at_thread_exit_is_freed)
{
    MbStats before = stats();
    for (int i = 0; i < 200; i++) {
        run_worker(raise_and_exit);
    }
    MbStats after = stats();
    ck_assert_int_eq(after.live_objects, before.live_objects);
    ck_assert_int_eq(after.live_allocations, before.live_allocations);
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
    tc = mb_tcase(s, "large blocks");
    tcase_add_test(tc, test_large_bytes_payload_starts_on_a_cache_line);
    tcase_add_test(tc, test_freed_large_block_is_reused);
    tcase_add_test(tc, test_kept_block_never_serves_zeroed_or_failing_requests);
    tcase_add_test(tc, test_large_instance_of_a_bytes_subtype_is_freed);
    tc = mb_tcase(s, "thread exit");
    tcase_add_test(tc, test_object_released_after_the_librarys_destructor);
    tcase_add_test(tc, test_object_released_before_the_librarys_destructor);
    tcase_add_test(tc, test_exception_set_after_the_librarys_destructor);
    tcase_add_test(tc, test_exception_left_set_at_thread_exit_is_freed);
    return s;
}

int
main(void)
{
    return mb_run(mem_suite());
}
