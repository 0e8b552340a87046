/* bytes: creation, accessors, and its read-only export. */
#include "testutil.h"

START_TEST(test_from_string_and_size)
{
    PyObject *b = PyBytes_FromStringAndSize("hello world", 5);
    ck_assert_ptr_nonnull(b);
    ck_assert(PyBytes_Check(b));
    ck_assert(PyBytes_CheckExact(b));
    ck_assert_int_eq(PyBytes_GET_SIZE(b), 5);
    ck_assert_int_eq(PyBytes_Size(b), 5);
    ck_assert_str_eq(PyBytes_AS_STRING(b), "hello");
    ck_assert_ptr_eq(PyBytes_AsString(b), PyBytes_AS_STRING(b));
    ck_assert_str_eq(Py_TYPE(b)->tp_name, "bytes");
    Py_DECREF(b);
    b = PyBytes_FromStringAndSize(NULL, 3);
    ck_assert_int_eq(memcmp(PyBytes_AS_STRING(b), "\0\0\0\0", 4), 0);
    Py_DECREF(b);
    b = PyBytes_FromStringAndSize(NULL, 0);
    ck_assert_int_eq(PyBytes_GET_SIZE(b), 0);
    ck_assert_int_eq(PyBytes_AS_STRING(b)[0], 0);
    Py_DECREF(b);
}
END_TEST

START_TEST(test_from_string)
{
    PyObject *b = PyBytes_FromString("text");
    ck_assert_int_eq(PyBytes_GET_SIZE(b), 4);
    ck_assert_str_eq(PyBytes_AS_STRING(b), "text");
    Py_DECREF(b);
    ck_assert_ptr_null(PyBytes_FromString(NULL));
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_size_errors)
{
    ck_assert_ptr_null(PyBytes_FromStringAndSize("x", -1));
    assert_error(PyExc_SystemError,
                 "Negative size passed to PyBytes_FromStringAndSize");
    ck_assert_ptr_null(PyBytes_FromStringAndSize(NULL, PY_SSIZE_T_MAX));
    assert_error(PyExc_OverflowError, "byte string is too large");
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyBytes_FromStringAndSize("x", 1));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_accessors_reject_other_types)
{
    PyObject *a = PyByteArray_FromStringAndSize("x", 1);
    ck_assert_ptr_null(PyBytes_AsString(a));
    assert_error(PyExc_TypeError, "expected bytes, bytearray found");
    ck_assert_int_eq(PyBytes_Size(a), -1);
    assert_error(PyExc_TypeError, "expected bytes, bytearray found");
    ck_assert(!PyBytes_Check(a));
    ck_assert_int_eq(PyBytes_Size(NULL), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    Py_DECREF(a);
}
END_TEST

START_TEST(test_subtype_is_bytes)
{
    static PyTypeObject Sub = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.SubBytes",
    };
    Sub.tp_base = &PyBytes_Type;
    ck_assert_int_eq(PyType_Ready(&Sub), 0);
    ck_assert_ptr_eq(Sub.tp_as_buffer, PyBytes_Type.tp_as_buffer);
    PyBytesObject *op = PyObject_Malloc(Sub.tp_basicsize + 2);
    PyObject_InitVar((PyVarObject *)op, &Sub, 2);
    memcpy(op->ob_sval, "ab", 3);
    ck_assert(PyBytes_Check(op));
    ck_assert(!PyBytes_CheckExact(op));
    ck_assert_int_eq(PyBytes_Size((PyObject *)op), 2);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)op, &view, 0), 0);
    ck_assert_ptr_eq(view.buf, op->ob_sval);
    PyBuffer_Release(&view);
    Py_DECREF(op);
}
END_TEST

START_TEST(test_export_is_read_only)
{
    PyObject *b = PyBytes_FromStringAndSize("abc", 3);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(b, &view, PyBUF_FULL_RO), 0);
    ck_assert_ptr_eq(view.buf, PyBytes_AS_STRING(b));
    ck_assert_int_eq(view.len, 3);
    ck_assert_int_eq(view.readonly, 1);
    ck_assert_str_eq(view.format, "B");
    ck_assert_ptr_eq(view.obj, b);
    PyBuffer_Release(&view);
    memset(&view, 0x11, sizeof(view));
    ck_assert_int_eq(PyObject_GetBuffer(b, &view, PyBUF_CONTIG), -1);
    assert_error(PyExc_BufferError, "Object is not writable.");
    ck_assert_int_eq(((unsigned char *)&view)[0], 0x11);
    /* bytes accepts SIMPLE|FORMAT (memoryview does not). */
    ck_assert_int_eq(PyObject_GetBuffer(b, &view, PyBUF_FORMAT), 0);
    ck_assert_str_eq(view.format, "B");
    ck_assert_ptr_null(view.shape);
    PyBuffer_Release(&view);
    ck_assert_int_eq(PyObject_GetBuffer(b, NULL, 0), -1);
    assert_error(PyExc_BufferError,
                 "PyBuffer_FillInfo: view==NULL argument is obsolete");
    ck_assert_ptr_null(PyBytes_Type.tp_as_buffer->bf_releasebuffer);
    Py_DECREF(b);
}
END_TEST

START_TEST(test_get_buffer_does_not_allocate)
{
    PyObject *b = PyBytes_FromStringAndSize("abc", 3);
    MbStats before, after;
    Py_buffer view;
    MbStats_Get(&before);
    PyObject_GetBuffer(b, &view, PyBUF_FULL_RO);
    PyBuffer_Release(&view);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
    Py_DECREF(b);
}
END_TEST

static Suite *
bytes_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *tc = mb_tcase(s, "bytes");
    tcase_add_test(tc, test_from_string_and_size);
    tcase_add_test(tc, test_from_string);
    tcase_add_test(tc, test_size_errors);
    tcase_add_test(tc, test_accessors_reject_other_types);
    tcase_add_test(tc, test_subtype_is_bytes);
    tcase_add_test(tc, test_export_is_read_only);
    tcase_add_test(tc, test_get_buffer_does_not_allocate);
    return s;
}

int
main(void)
{
    return mb_run(bytes_suite());
}
