/* bytearray: creation, resizing, the export lock, Concat and FromObject. */
#include "testutil.h"

static Py_ssize_t
exports(PyObject *a)
{
    return ((PyByteArrayObject *)a)->ob_exports;
}

START_TEST(test_from_string_and_size)
{
    PyObject *a = PyByteArray_FromStringAndSize("hello", 5);
    ck_assert(PyByteArray_Check(a));
    ck_assert(PyByteArray_CheckExact(a));
    ck_assert_int_eq(PyByteArray_Size(a), 5);
    ck_assert_int_eq(PyByteArray_GET_SIZE(a), 5);
    ck_assert_str_eq(PyByteArray_AS_STRING(a), "hello");
    ck_assert_ptr_eq(PyByteArray_AsString(a), PyByteArray_AS_STRING(a));
    Py_DECREF(a);
    a = PyByteArray_FromStringAndSize(NULL, 4);
    ck_assert_int_eq(memcmp(PyByteArray_AS_STRING(a), "\0\0\0\0\0", 5), 0);
    Py_DECREF(a);
    ck_assert_ptr_null(PyByteArray_FromStringAndSize("x", -1));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyByteArray_FromStringAndSize");
    ck_assert_ptr_null(PyByteArray_FromStringAndSize(NULL, PY_SSIZE_T_MAX));
    assert_error(PyExc_MemoryError, "");
    MbAlloc_FailAt(2);
    ck_assert_ptr_null(PyByteArray_FromStringAndSize("xy", 2));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_empty_exports_non_null)
{
    PyObject *a = PyByteArray_FromStringAndSize(NULL, 0);
    ck_assert_ptr_eq(PyByteArray_AS_STRING(a), _PyByteArray_empty_string);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(a, &view, PyBUF_FULL_RO), 0);
    ck_assert_ptr_nonnull(view.buf);
    ck_assert_int_eq(view.len, 0);
    ck_assert_int_eq(((char *)view.buf)[0], 0);
    ck_assert_int_eq(view.readonly, 0);
    PyBuffer_Release(&view);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_accessors_reject_other_types)
{
    PyObject *b = PyBytes_FromStringAndSize("x", 1);
    ck_assert_ptr_null(PyByteArray_AsString(b));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_int_eq(PyByteArray_Size(b), -1);
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_int_eq(PyByteArray_Resize(b, 3), -1);
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_int_eq(PyByteArray_Size(NULL), -1);
    assert_error(PyExc_SystemError, "bad argument to internal function");
    Py_DECREF(b);
}
END_TEST

START_TEST(test_resize_grows_and_shrinks)
{
    PyObject *a = PyByteArray_FromStringAndSize("abc", 3);
    ck_assert_int_eq(PyByteArray_Resize(a, 10), 0);
    ck_assert_int_eq(PyByteArray_GET_SIZE(a), 10);
    ck_assert_int_eq(memcmp(PyByteArray_AS_STRING(a), "abc\0\0\0\0\0\0\0\0",
                            11), 0);
    ck_assert_int_eq(PyByteArray_Resize(a, 2), 0);
    ck_assert_str_eq(PyByteArray_AS_STRING(a), "ab");
    for (Py_ssize_t n = 0; n < 5000; n += 7) {
        ck_assert_int_eq(PyByteArray_Resize(a, n), 0);
        ck_assert_int_eq(PyByteArray_GET_SIZE(a), n);
        ck_assert_int_eq(PyByteArray_AS_STRING(a)[n], 0);
    }
    ck_assert_int_eq(PyByteArray_Resize(a, 0), 0);
    ck_assert_ptr_nonnull(PyByteArray_AS_STRING(a));
    ck_assert_int_eq(PyByteArray_Resize(a, -1), -1);
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyByteArray_Resize");
    ck_assert_int_eq(PyByteArray_Resize(a, 1), 0);
    MbAlloc_FailAt(1);
    ck_assert_int_eq(PyByteArray_Resize(a, 100000), -1);
    assert_error(PyExc_MemoryError, "");
    ck_assert_int_eq(PyByteArray_GET_SIZE(a), 1);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_export_lock)
{
    PyObject *a = PyByteArray_FromStringAndSize("locked", 6);
    Py_buffer one, two;
    ck_assert_int_eq(PyObject_GetBuffer(a, &one, PyBUF_WRITABLE), 0);
    ck_assert_int_eq(PyObject_GetBuffer(a, &two, PyBUF_FULL), 0);
    ck_assert_int_eq(exports(a), 2);
    ck_assert_int_eq(one.readonly, 0);
    ck_assert_ptr_eq(one.buf, PyByteArray_AS_STRING(a));
    ck_assert_int_eq(PyByteArray_Resize(a, 7), -1);
    assert_error(PyExc_BufferError,
                 "Existing exports of data: object cannot be re-sized");
    ck_assert_int_eq(PyByteArray_Resize(a, 0), -1);
    assert_error(PyExc_BufferError,
                 "Existing exports of data: object cannot be re-sized");
    /* The same size is not a change. */
    ck_assert_int_eq(PyByteArray_Resize(a, 6), 0);
    PyBuffer_Release(&one);
    ck_assert_int_eq(exports(a), 1);
    ck_assert_int_eq(PyByteArray_Resize(a, 7), -1);
    PyErr_Clear();
    PyBuffer_Release(&two);
    ck_assert_int_eq(exports(a), 0);
    ck_assert_int_eq(PyByteArray_Resize(a, 7), 0);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_view_null_is_refused)
{
    PyObject *a = PyByteArray_FromStringAndSize("x", 1);
    ck_assert_int_eq(PyObject_GetBuffer(a, NULL, 0), -1);
    assert_error(PyExc_BufferError,
                 "bytearray_getbuffer: view==NULL argument is obsolete");
    ck_assert_int_eq(exports(a), 0);
    Py_DECREF(a);
}
END_TEST

static void
drop_exported(void *arg)
{
    (void)arg;
    PyObject *a = PyByteArray_FromStringAndSize("lost", 4);
    Py_buffer view;
    PyObject_GetBuffer(a, &view, 0);
    Py_DECREF(view.obj);              /* the consumer loses its view */
    Py_DECREF(a);
}

START_TEST(test_dealloc_with_exports_is_reported)
{
    char out[256];
    (void)MbDebug_SetTracking(1);
    mb_capture_stderr(drop_exported, NULL, out, sizeof(out));
    ck_assert_str_eq(out, "SystemError: deallocated bytearray object has "
                     "exported buffers\n");
    assert_no_error();
    /* The export was never released, and the counter says so. */
    MbStats s;
    MbStats_Get(&s);
    ck_assert_int_eq(s.live_exports, 1);
    (void)MbDebug_SetTracking(0);
}
END_TEST

START_TEST(test_concat)
{
    PyObject *a = PyBytes_FromStringAndSize("ab", 2);
    PyObject *b = PyByteArray_FromStringAndSize("cde", 3);
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    PyObject *c = PyByteArray_Concat(a, b);
    ck_assert(PyByteArray_CheckExact(c));
    ck_assert_str_eq(PyByteArray_AS_STRING(c), "abcde");
    ck_assert_int_eq(exports(b), 0);
    Py_DECREF(c);
    ck_assert_ptr_null(PyByteArray_Concat(a, plain));
    assert_error(PyExc_TypeError, "can't concat object to bytes");
    ck_assert_ptr_null(PyByteArray_Concat(plain, b));
    assert_error(PyExc_TypeError, "can't concat bytearray to object");
    ck_assert_int_eq(exports(b), 0);
    ck_assert_ptr_null(PyByteArray_Concat(b, plain));
    PyErr_Clear();
    ck_assert_int_eq(exports(b), 0);
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyByteArray_Concat(a, b));
    assert_error(PyExc_MemoryError, "");
    ck_assert_int_eq(exports(b), 0);
    /* An exporter with a negative len: CPython adds the lengths and
       copies a negative size when the sum is positive. */
    Py_buffer info;
    Py_ssize_t two = 2;
    memset(&info, 0, sizeof(info));
    info.buf = (char *)"xyz";
    info.len = -2;
    info.itemsize = 1;
    info.readonly = 1;
    info.ndim = 1;
    info.shape = &two;
    PyObject *negative = PyMemoryView_FromBuffer(&info);
    ck_assert_ptr_nonnull(negative);
    ck_assert_ptr_null(PyByteArray_Concat(negative, b));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyByteArray_FromStringAndSize");
    ck_assert_int_eq(exports(b), 0);
    Py_DECREF(negative);
    Py_DECREF(plain);
    Py_DECREF(b);
    Py_DECREF(a);
}
END_TEST

START_TEST(test_from_object)
{
    PyObject *b = PyBytes_FromStringAndSize("copy", 4);
    PyObject *a = PyByteArray_FromObject(b);
    ck_assert(PyByteArray_CheckExact(a));
    ck_assert_str_eq(PyByteArray_AS_STRING(a), "copy");
    PyObject *again = PyByteArray_FromObject(a);
    ck_assert_ptr_ne(again, a);
    ck_assert_str_eq(PyByteArray_AS_STRING(again), "copy");
    ck_assert_int_eq(exports(a), 0);
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_ptr_null(PyByteArray_FromObject(plain));
    assert_error(PyExc_TypeError,
                 "cannot convert 'object' object to bytearray");
    ck_assert_ptr_null(PyByteArray_FromObject(NULL));
    assert_error(PyExc_SystemError, "null argument to internal routine");
    Py_DECREF(plain);
    Py_DECREF(again);
    Py_DECREF(a);
    Py_DECREF(b);
}
END_TEST

START_TEST(test_get_buffer_does_not_allocate)
{
    PyObject *a = PyByteArray_FromStringAndSize("abc", 3);
    MbStats before, after;
    Py_buffer view;
    MbStats_Get(&before);
    PyObject_GetBuffer(a, &view, PyBUF_FULL_RO);
    PyBuffer_Release(&view);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
    Py_DECREF(a);
}
END_TEST

static Suite *
bytearray_suite(void)
{
    Suite *s = suite_create("bytearray");
    TCase *tc = mb_tcase(s, "bytearray");
    tcase_add_test(tc, test_from_string_and_size);
    tcase_add_test(tc, test_empty_exports_non_null);
    tcase_add_test(tc, test_accessors_reject_other_types);
    tcase_add_test(tc, test_resize_grows_and_shrinks);
    tcase_add_test(tc, test_export_lock);
    tcase_add_test(tc, test_view_null_is_refused);
    tcase_add_test(tc, test_concat);
    tcase_add_test(tc, test_from_object);
    tcase_add_test(tc, test_get_buffer_does_not_allocate);
    /* This case leaves an export unreleased on purpose: no accounting
       fixture. */
    tc = tcase_create("lost export");
    tcase_add_test(tc, test_dealloc_with_exports_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return mb_run(bytearray_suite());
}
