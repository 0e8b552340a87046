/* The protocol's core: PyObject_CheckBuffer, PyObject_GetBuffer,
 * PyBuffer_Release and PyBuffer_FillInfo. */
#include "testutil.h"

static PyBufferProcs no_get = {NULL, NULL};

static PyTypeObject NoGetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.NoGet",
    .tp_as_buffer = &no_get,
};

static MbStats
stats(void)
{
    MbStats s;
    MbStats_Get(&s);
    return s;
}

START_TEST(test_check_buffer)
{
    Counter *c = new_counter("counter", 8, 0);
    PyObject *nothing = _PyObject_New(&PyBaseObject_Type);
    PyObject *no_get_obj = _PyObject_New(&NoGetType);
    ck_assert_int_eq(PyObject_CheckBuffer((PyObject *)c), 1);
    ck_assert_int_eq(PyObject_CheckBuffer(nothing), 0);
    ck_assert_int_eq(PyObject_CheckBuffer(no_get_obj), 0);
    ck_assert_int_eq(PyObject_CheckBuffer(NULL), 0);
    ck_assert_int_eq(c->calls, 0);
    assert_no_error();
    Py_DECREF(no_get_obj);
    Py_DECREF(nothing);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_get_buffer_passes_flags_and_takes_a_reference)
{
    Counter *c = new_counter("counter", 8, 0);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, PyBUF_FULL),
                     0);
    ck_assert_ptr_eq(view.obj, c);
    ck_assert_int_eq(Py_REFCNT(c), 2);
    ck_assert_ptr_eq(view.buf, c->data);
    ck_assert_int_eq(stats().live_exports, 1);
    PyBuffer_Release(&view);
    ck_assert_int_eq(Py_REFCNT(c), 1);
    ck_assert_int_eq(c->calls, 1);
    ck_assert_int_eq(c->releases, 1);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_get_buffer_of_non_exporter_leaves_view_untouched)
{
    PyObject *nothing = _PyObject_New(&PyBaseObject_Type);
    PyObject *no_get_obj = _PyObject_New(&NoGetType);
    Py_buffer view;
    memset(&view, 0x33, sizeof(view));
    ck_assert_int_eq(PyObject_GetBuffer(nothing, &view, PyBUF_SIMPLE), -1);
    assert_error(PyExc_TypeError,
                 "a bytes-like object is required, not 'object'");
    ck_assert_int_eq(PyObject_GetBuffer(no_get_obj, &view, PyBUF_SIMPLE),
                     -1);
    assert_error(PyExc_TypeError,
                 "a bytes-like object is required, not 'test.NoGet'");
    unsigned char *bytes = (unsigned char *)&view;
    for (size_t i = 0; i < sizeof(view); i++) {
        ck_assert_int_eq(bytes[i], 0x33);
    }
    Py_DECREF(no_get_obj);
    Py_DECREF(nothing);
}
END_TEST

START_TEST(test_get_buffer_type_name_is_truncated)
{
    static char long_name[300];
    static PyTypeObject LongName = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = long_name,
    };
    memset(long_name, 'n', sizeof(long_name) - 1);
    PyObject *obj = _PyObject_New(&LongName);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(obj, &view, 0), -1);
    char expected[200];
    snprintf(expected, sizeof(expected),
             "a bytes-like object is required, not '%.100s'", long_name);
    assert_error(PyExc_TypeError, expected);
    Py_DECREF(obj);
}
END_TEST

START_TEST(test_get_buffer_keeps_the_exporters_error)
{
    Counter *c = new_counter("counter", 8, 0);
    Py_buffer view;
    c->mode = COUNTER_FAIL;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, 0), -1);
    assert_error(PyExc_BufferError, "counter refuses");
    ck_assert_int_eq(stats().live_exports, 0);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_get_buffer_silent_failure_is_system_error)
{
    Counter *c = new_counter("counter", 8, 0);
    Py_buffer view;
    c->mode = COUNTER_FAIL_SILENTLY;
    /* With tracking on, as in every test case, minibuf says so... */
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, 0), -1);
    assert_error(PyExc_SystemError, "bf_getbuffer failed without setting an "
                 "exception");
    /* ...and off, the result passes through, as in CPython. */
    (void)MbDebug_SetTracking(0);
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, 0), -1);
    assert_no_error();
    (void)MbDebug_SetTracking(1);
    Py_DECREF(c);
}
END_TEST

/* An exporter that grants a view with an exception set: CPython's
   release build passes both on, so its consumers succeed with the
   exception pending.  minibuf's PyObject_GetBuffer passes both on too;
   every consumer of minibuf's releases the view and fails with
   SystemError, with tracking on and off. */
static void
check_grant_with_error_everywhere(Counter *c)
{
    PyObject *self = (PyObject *)c;
    Py_ssize_t refs = Py_REFCNT(self);
    const char *message = "bf_getbuffer of 'test.Counter' succeeded with "
                          "an exception set";
    Py_buffer view;
    const void *read;
    void *write;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_GetBuffer(self, &view, PyBUF_SIMPLE), 0);
    assert_error(PyExc_ValueError, "left set by the exporter");
    PyBuffer_Release(&view);
    ck_assert_ptr_null(PyMemoryView_FromObject(self));
    assert_error(PyExc_SystemError, message);
    PyObject *target = PyByteArray_FromStringAndSize(NULL, 8);
    ck_assert_int_eq(PyObject_CopyData(target, self), -1);
    assert_error(PyExc_SystemError, message);
    Py_DECREF(target);
    ck_assert_int_eq(PyObject_AsReadBuffer(self, &read, &len), -1);
    assert_error(PyExc_SystemError, message);
    ck_assert_int_eq(PyObject_AsWriteBuffer(self, &write, &len), -1);
    assert_error(PyExc_TypeError, "expected a writable bytes-like object");
    ck_assert_int_eq(PyObject_CheckReadBuffer(self), 1);
    assert_error(PyExc_ValueError, "left set by the exporter");
    ck_assert_int_eq(c->releases, c->calls);
    ck_assert_int_eq(Py_REFCNT(self), refs);
}

START_TEST(test_get_buffer_granted_with_an_exception_fails)
{
    Counter *c = new_counter("counter", 8, 0);
    c->mode = COUNTER_GRANT_WITH_ERROR;
    check_grant_with_error_everywhere(c);
    ck_assert_int_eq(MbDebug_SetTracking(0), 1);
    check_grant_with_error_everywhere(c);
    ck_assert_int_eq(MbDebug_SetTracking(1), 0);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_get_buffer_of_null_is_system_error)
{
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(NULL, &view, 0), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    PyErr_SetString(PyExc_KeyError, "pending");
    ck_assert_int_eq(PyObject_GetBuffer(NULL, &view, 0), -1);
    assert_error(PyExc_KeyError, "'pending'");
}
END_TEST

START_TEST(test_release_calls_releasebuffer_while_obj_is_held)
{
    Counter *c = new_counter("counter", 8, 0);
    Py_buffer view;
    PyObject_GetBuffer((PyObject *)c, &view, PyBUF_FULL_RO);
    PyBuffer_Release(&view);
    ck_assert_int_eq(c->releases, 1);
    ck_assert_int_eq(c->obj_in_release, 1);
    ck_assert_int_eq(c->refcnt_in_release, 2);
    ck_assert_ptr_null(view.obj);
    /* Nothing else is cleared. */
    ck_assert_ptr_eq(view.buf, c->data);
    ck_assert_int_eq(view.len, 8);
    ck_assert_str_eq(view.format, "B");
    ck_assert_ptr_eq(view.shape, &view.len);
    PyBuffer_Release(&view);
    ck_assert_int_eq(c->releases, 1);
    ck_assert_int_eq(Py_REFCNT(c), 1);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_release_of_null_obj_or_null_view_does_nothing)
{
    Counter *c = new_counter("counter", 8, 0);
    Py_buffer view;
    c->mode = COUNTER_NULL_OBJ;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, 0), 0);
    ck_assert_ptr_null(view.obj);
    ck_assert_int_eq(stats().live_exports, 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(c->releases, 0);
    PyBuffer_Release(NULL);
    Py_DECREF(c);
}
END_TEST

/* An exporter that redirects every request to its base, as a re-exporter
   does: the consumer's view is filled by the base. */
typedef struct {
    PyObject_HEAD
    PyObject *base;
} Redirect;

static int
redirect_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    return PyObject_GetBuffer(((Redirect *)self)->base, view, flags);
}

static PyBufferProcs redirect_procs = {redirect_getbuffer, NULL};

static PyTypeObject RedirectType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Redirect",
    .tp_basicsize = sizeof(Redirect),
    .tp_as_buffer = &redirect_procs,
};

START_TEST(test_redirected_export_is_counted_once)
{
    Counter *c = new_counter("counter", 8, 0);
    Redirect *r = PyObject_New(Redirect, &RedirectType);
    r->base = (PyObject *)c;
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)r, &view, PyBUF_SIMPLE),
                     0);
    ck_assert_ptr_eq(view.obj, c);
    ck_assert_int_eq(stats().live_exports, 1);
    PyBuffer_Release(&view);
    ck_assert_int_eq(stats().live_exports, 0);
    Py_DECREF(r);
    Py_DECREF(c);
}
END_TEST

/* --- PyBuffer_FillInfo --------------------------------------------------- */

START_TEST(test_fill_info_fields)
{
    char data[4] = "abc";
    PyObject *obj = _PyObject_New(&PyBaseObject_Type);
    Py_buffer view;
    ck_assert_int_eq(PyBuffer_FillInfo(&view, obj, data, 4, 0, PyBUF_FULL),
                     0);
    ck_assert_ptr_eq(view.obj, obj);
    ck_assert_int_eq(Py_REFCNT(obj), 2);
    ck_assert_ptr_eq(view.buf, data);
    ck_assert_int_eq(view.len, 4);
    ck_assert_int_eq(view.itemsize, 1);
    ck_assert_int_eq(view.readonly, 0);
    ck_assert_int_eq(view.ndim, 1);
    ck_assert_str_eq(view.format, "B");
    ck_assert_ptr_eq(view.shape, &view.len);
    ck_assert_ptr_eq(view.strides, &view.itemsize);
    ck_assert_ptr_null(view.suboffsets);
    ck_assert_ptr_null(view.internal);
    /* Not obtained from PyObject_GetBuffer, so not released with
       PyBuffer_Release: the reference is given back by hand. */
    Py_CLEAR(view.obj);
    ck_assert_int_eq(Py_REFCNT(obj), 1);
    Py_DECREF(obj);
}
END_TEST

START_TEST(test_fill_info_request_bits)
{
    struct {
        int flags;
        int format, shape, strides;
    } cases[] = {
        {PyBUF_SIMPLE, 0, 0, 0},
        {PyBUF_FORMAT, 1, 0, 0},
        {PyBUF_ND, 0, 1, 0},
        {0x10, 0, 0, 0},            /* STRIDES without the ND bit */
        {PyBUF_STRIDES, 0, 1, 1},
        {PyBUF_C_CONTIGUOUS, 0, 1, 1},
        {PyBUF_INDIRECT, 0, 1, 1},
        {PyBUF_READ, 0, 0, 0},
        {PyBUF_FULL_RO, 1, 1, 1},
        {-1, 1, 1, 1},
    };
    char data[2];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Py_buffer view;
        ck_assert_int_eq(PyBuffer_FillInfo(&view, NULL, data, 2, 0,
                                           cases[i].flags), 0);
        ck_assert_int_eq(view.format != NULL, cases[i].format);
        ck_assert_int_eq(view.shape != NULL, cases[i].shape);
        ck_assert_int_eq(view.strides != NULL, cases[i].strides);
        ck_assert_ptr_null(view.obj);
    }
}
END_TEST

START_TEST(test_fill_info_readonly_rule)
{
    char data[2];
    Py_buffer view;
    memset(&view, 0x44, sizeof(view));
    ck_assert_int_eq(PyBuffer_FillInfo(&view, NULL, data, 2, 1,
                                       PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError, "Object is not writable.");
    ck_assert_int_eq(((unsigned char *)&view)[0], 0x44);
    /* The test is readonly == 1: another true value passes. */
    ck_assert_int_eq(PyBuffer_FillInfo(&view, NULL, data, 2, 2,
                                       PyBUF_WRITABLE), 0);
    ck_assert_int_eq(view.readonly, 2);
    ck_assert_int_eq(PyBuffer_FillInfo(&view, NULL, data, 2, 1,
                                       PyBUF_FULL_RO), 0);
    ck_assert_int_eq(view.readonly, 1);
}
END_TEST

START_TEST(test_fill_info_stores_without_checking)
{
    Py_buffer view;
    ck_assert_int_eq(PyBuffer_FillInfo(&view, NULL, NULL, -5, 0,
                                       PyBUF_SIMPLE), 0);
    ck_assert_ptr_null(view.buf);
    ck_assert_int_eq(view.len, -5);
    ck_assert_int_eq(PyBuffer_FillInfo(NULL, NULL, NULL, 0, 0, 0), -1);
    assert_error(PyExc_BufferError,
                 "PyBuffer_FillInfo: view==NULL argument is obsolete");
}
END_TEST

static Suite *
buffer_suite(void)
{
    Suite *s = suite_create("buffer");
    TCase *tc = mb_tcase(s, "get and release");
    tcase_add_test(tc, test_check_buffer);
    tcase_add_test(tc, test_get_buffer_passes_flags_and_takes_a_reference);
    tcase_add_test(tc, test_get_buffer_of_non_exporter_leaves_view_untouched);
    tcase_add_test(tc, test_get_buffer_type_name_is_truncated);
    tcase_add_test(tc, test_get_buffer_keeps_the_exporters_error);
    tcase_add_test(tc, test_get_buffer_silent_failure_is_system_error);
    tcase_add_test(tc, test_get_buffer_granted_with_an_exception_fails);
    tcase_add_test(tc, test_get_buffer_of_null_is_system_error);
    tcase_add_test(tc, test_release_calls_releasebuffer_while_obj_is_held);
    tcase_add_test(tc, test_release_of_null_obj_or_null_view_does_nothing);
    tcase_add_test(tc, test_redirected_export_is_counted_once);
    tc = mb_tcase(s, "fill info");
    tcase_add_test(tc, test_fill_info_fields);
    tcase_add_test(tc, test_fill_info_request_bits);
    tcase_add_test(tc, test_fill_info_readonly_rule);
    tcase_add_test(tc, test_fill_info_stores_without_checking);
    return s;
}

int
main(void)
{
    return mb_run(buffer_suite());
}
