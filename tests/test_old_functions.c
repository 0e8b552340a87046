/* The old protocol's four functions: CPython 3's wrappers for types with
 * bf_getbuffer, Python 2.7's functions for types with only the segment
 * slots, and the lifetime hazard the wrappers leave. */
#include "testutil.h"

/* --- CPython 3's wrappers ------------------------------------------------ */

START_TEST(test_read_and_char_release_before_returning)
{
    Counter *c = new_counter("counter", 8, 1);
    PyObject *obj = (PyObject *)c;
    const void *p;
    const char *chars;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(obj, &p, &len), 0);
    ck_assert_ptr_eq(p, c->data);
    ck_assert_int_eq(len, 8);
    ck_assert_int_eq(c->last_flags, PyBUF_SIMPLE);
    ck_assert_int_eq(c->calls, 1);
    ck_assert_int_eq(c->releases, 1);
    ck_assert_int_eq(PyObject_AsCharBuffer(obj, &chars, &len), 0);
    ck_assert_ptr_eq(chars, c->data);
    ck_assert_int_eq(c->releases, 2);
    ck_assert_int_eq(Py_REFCNT(obj), 1);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_write_requests_writable_and_replaces_errors)
{
    Counter *rw = new_counter("counter", 8, 0), *ro = new_counter("counter", 8, 1);
    void *p;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsWriteBuffer((PyObject *)rw, &p, &len), 0);
    ck_assert_ptr_eq(p, rw->data);
    ck_assert_int_eq(rw->last_flags, PyBUF_WRITABLE);
    ck_assert_int_eq(rw->releases, 1);
    ck_assert_int_eq(PyObject_AsWriteBuffer((PyObject *)ro, &p, &len), -1);
    assert_error(PyExc_TypeError, "expected a writable bytes-like object");
    ro->mode = COUNTER_FAIL;
    ck_assert_int_eq(PyObject_AsWriteBuffer((PyObject *)ro, &p, &len), -1);
    assert_error(PyExc_TypeError, "expected a writable bytes-like object");
    Py_DECREF(ro);
    Py_DECREF(rw);
}
END_TEST

START_TEST(test_read_keeps_the_exporters_error)
{
    Counter *c = new_counter("counter", 8, 0);
    const void *p;
    Py_ssize_t len;
    c->mode = COUNTER_FAIL;
    ck_assert_int_eq(PyObject_AsReadBuffer((PyObject *)c, &p, &len), -1);
    assert_error(PyExc_BufferError, "counter refuses");
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_int_eq(PyObject_AsReadBuffer(plain, &p, &len), -1);
    assert_error(PyExc_TypeError,
                 "a bytes-like object is required, not 'object'");
    ck_assert_int_eq(PyObject_AsWriteBuffer(plain, (void **)&p, &len), -1);
    assert_error(PyExc_TypeError, "expected a writable bytes-like object");
    Py_DECREF(plain);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_check_read_buffer_never_raises)
{
    Counter *c = new_counter("counter", 8, 1);
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_int_eq(PyObject_CheckReadBuffer((PyObject *)c), 1);
    ck_assert_int_eq(c->releases, 1);
    ck_assert_int_eq(PyObject_CheckReadBuffer(plain), 0);
    c->mode = COUNTER_FAIL;
    ck_assert_int_eq(PyObject_CheckReadBuffer((PyObject *)c), 0);
    assert_no_error();
    ck_assert_int_eq(PyObject_CheckReadBuffer(NULL), 0);
    Py_DECREF(plain);
    Py_DECREF(c);
}
END_TEST

START_TEST(test_null_arguments)
{
    PyObject *b = PyBytes_FromStringAndSize("x", 1);
    const void *p;
    const char *chars;
    void *w;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(NULL, &p, &len), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    ck_assert_int_eq(PyObject_AsCharBuffer(b, NULL, &len), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    ck_assert_int_eq(PyObject_AsWriteBuffer(b, &w, NULL), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    PyErr_SetString(PyExc_IndexError, "pending");
    ck_assert_int_eq(PyObject_AsCharBuffer(NULL, &chars, &len), -1);
    assert_error(PyExc_IndexError, "pending");
    Py_DECREF(b);
}
END_TEST

START_TEST(test_bytes_and_bytearray)
{
    PyObject *b = PyBytes_FromStringAndSize("bytes", 5);
    PyObject *a = PyByteArray_FromStringAndSize("array", 5);
    const void *p;
    void *w;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(b, &p, &len), 0);
    ck_assert_ptr_eq(p, PyBytes_AS_STRING(b));
    ck_assert_int_eq(PyObject_AsWriteBuffer(b, &w, &len), -1);
    assert_error(PyExc_TypeError, "expected a writable bytes-like object");
    ck_assert_int_eq(PyObject_AsWriteBuffer(a, &w, &len), 0);
    ck_assert_ptr_eq(w, PyByteArray_AS_STRING(a));
    ck_assert_int_eq(((PyByteArrayObject *)a)->ob_exports, 0);
    /* The export is already gone: the bytearray may be resized. */
    ck_assert_int_eq(PyByteArray_Resize(a, 1000), 0);
    Py_DECREF(a);
    Py_DECREF(b);
}
END_TEST

/* --- Python 2.7's functions ---------------------------------------------- */

START_TEST(test_python2_single_segment)
{
    const char *data[] = {"segment"};
    Py_ssize_t lengths[] = {7};
    PyObject *s = MbSegments_New(1, data, lengths);
    const void *p;
    const char *chars;
    void *w;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(s, &p, &len), 0);
    ck_assert_int_eq(len, 7);
    ck_assert_int_eq(memcmp(p, "segment", 7), 0);
    ck_assert_int_eq(PyObject_AsCharBuffer(s, &chars, &len), 0);
    ck_assert_ptr_eq(chars, p);
    ck_assert_int_eq(PyObject_AsWriteBuffer(s, &w, &len), 0);
    ck_assert_ptr_eq(w, p);
    ck_assert_int_eq(PyObject_CheckReadBuffer(s), 1);
    ck_assert_int_eq(PyObject_CheckBuffer(s), 0);
    Py_DECREF(s);
}
END_TEST

START_TEST(test_python2_segment_count_must_be_one)
{
    const char *data[] = {"one", "two"};
    Py_ssize_t lengths[] = {3, 3};
    for (Py_ssize_t n = 0; n <= 2; n += 2) {
        PyObject *s = MbSegments_New(n, data, lengths);
        const void *p;
        const char *chars;
        void *w;
        Py_ssize_t len;
        ck_assert_int_eq(PyObject_AsReadBuffer(s, &p, &len), -1);
        assert_error(PyExc_TypeError,
                     "expected a single-segment buffer object");
        ck_assert_int_eq(PyObject_AsCharBuffer(s, &chars, &len), -1);
        assert_error(PyExc_TypeError,
                     "expected a single-segment buffer object");
        ck_assert_int_eq(PyObject_AsWriteBuffer(s, &w, &len), -1);
        assert_error(PyExc_TypeError,
                     "expected a single-segment buffer object");
        ck_assert_int_eq(PyObject_CheckReadBuffer(s), 0);
        Py_DECREF(s);
    }
}
END_TEST

START_TEST(test_python2_missing_slots)
{
    PyObject *ro = MbLegacyReadOnly_New("read", 4);
    PyObject *text = MbLegacyChar_New("text", 4);
    const void *p;
    const char *chars;
    void *w;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(ro, &p, &len), 0);
    ck_assert_int_eq(PyObject_AsCharBuffer(ro, &chars, &len), -1);
    assert_error(PyExc_TypeError,
                 "expected a string or other character buffer object");
    ck_assert_int_eq(PyObject_AsWriteBuffer(ro, &w, &len), -1);
    assert_error(PyExc_TypeError, "expected a writeable buffer object");
    ck_assert_int_eq(PyObject_CheckReadBuffer(ro), 1);
    ck_assert_int_eq(PyObject_AsCharBuffer(text, &chars, &len), 0);
    ck_assert_int_eq(memcmp(chars, "text", 4), 0);
    ck_assert_int_eq(PyObject_AsReadBuffer(text, &p, &len), -1);
    assert_error(PyExc_TypeError, "expected a readable buffer object");
    ck_assert_int_eq(PyObject_CheckReadBuffer(text), 0);
    Py_DECREF(text);
    Py_DECREF(ro);
}
END_TEST

/* A table in Python 2's layout with the new protocol too: as in 2.7, the
   four functions use its segment slots and never bf_getbuffer; with no
   segment slot, they fail as 2.7 did. */
static Py_ssize_t
first_three_bytes(PyObject *self, Py_ssize_t index, void **pointer)
{
    (void)index;
    *pointer = ((Counter *)self)->data;
    return 3;
}

static Py_ssize_t
one_segment(PyObject *self, Py_ssize_t *total)
{
    (void)self;
    if (total != NULL) {
        *total = 3;
    }
    return 1;
}

static MbPython2BufferProcs both_procs = {
    .bf_getreadbuffer = first_three_bytes,
    .bf_getsegcount = one_segment,
    .bf_getbuffer = counter_getbuffer,
};

static MbPython2BufferProcs new_only_procs = {
    .bf_getbuffer = counter_getbuffer,
};

static PyTypeObject BothType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Both",
    .tp_basicsize = sizeof(Counter),
    .tp_as_buffer = (PyBufferProcs *)(void *)&both_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT | MB_TPFLAGS_PYTHON2
                | MB_TPFLAGS_PYTHON2_NEWBUFFER,
};

static PyTypeObject NewOnlyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.NewOnly",
    .tp_basicsize = sizeof(Counter),
    .tp_as_buffer = (PyBufferProcs *)(void *)&new_only_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT | MB_TPFLAGS_PYTHON2
                | MB_TPFLAGS_PYTHON2_NEWBUFFER,
};

static Counter *
new_both(PyTypeObject *type)
{
    Counter *c = PyObject_New(Counter, type);
    memcpy(c->data, "both\0\0\0\0", 8);
    c->len = 8;
    c->readonly = 1;
    c->mode = COUNTER_EXPORT;
    c->calls = 0;
    return c;
}

START_TEST(test_python2_table_uses_its_segment_slots)
{
    Counter *c = new_both(&BothType);
    const void *p;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer((PyObject *)c, &p, &len), 0);
    ck_assert_int_eq(len, 3);
    ck_assert_ptr_eq(p, c->data);
    ck_assert_int_eq(c->calls, 0);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer((PyObject *)c, &view, 0), 0);
    ck_assert_int_eq(view.len, 8);
    PyBuffer_Release(&view);
    Py_DECREF(c);

    c = new_both(&NewOnlyType);
    ck_assert_int_eq(PyObject_AsReadBuffer((PyObject *)c, &p, &len), -1);
    assert_error(PyExc_TypeError, "expected a readable buffer object");
    ck_assert_int_eq(PyObject_CheckReadBuffer((PyObject *)c), 0);
    ck_assert_int_eq(c->calls, 0);
    Py_DECREF(c);
}
END_TEST

/* --- The lifetime hazard ------------------------------------------------- */

START_TEST(test_stale_pointer_shows_poison)
{
    MbDebug_SetPoison(1);
    PyObject *a = PyByteArray_FromStringAndSize("0123456789abcdef", 16);
    const void *p;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(a, &p, &len), 0);
    ck_assert_int_eq(memcmp(p, "0123456789abcdef", 16), 0);
    /* Legal: the export was released before the pointer came back. */
    ck_assert_int_eq(PyByteArray_Resize(a, 4096), 0);
    ck_assert_ptr_ne(PyByteArray_AS_STRING(a), p);
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(((const unsigned char *)p)[i], MB_POISON_BYTE);
    }
    Py_DECREF(a);
    MbDebug_SetPoison(0);
    Py_Finalize();
}
END_TEST

START_TEST(test_export_prevents_the_hazard)
{
    PyObject *a = PyByteArray_FromStringAndSize("0123456789abcdef", 16);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(a, &view, PyBUF_SIMPLE), 0);
    ck_assert_int_eq(PyByteArray_Resize(a, 4096), -1);
    assert_error(PyExc_BufferError,
                 "Existing exports of data: object cannot be re-sized");
    ck_assert_int_eq(memcmp(view.buf, "0123456789abcdef", 16), 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(PyByteArray_Resize(a, 4096), 0);
    Py_DECREF(a);
}
END_TEST

#ifdef MB_SANITIZERS
/* AddressSanitizer stops the process at the stale read (exit status 1). */
START_TEST(test_stale_read_is_caught_by_the_sanitizer)
{
    PyObject *a = PyByteArray_FromStringAndSize("0123456789abcdef", 16);
    const void *p;
    Py_ssize_t len;
    PyObject_AsReadBuffer(a, &p, &len);
    PyByteArray_Resize(a, 4096);
    volatile unsigned char first = ((const unsigned char *)p)[0];
    (void)first;
    Py_DECREF(a);
}
END_TEST
#endif

static Suite *
old_functions_suite(void)
{
    Suite *s = suite_create("old functions");
    TCase *tc = mb_tcase(s, "python 3 wrappers");
    tcase_add_test(tc, test_read_and_char_release_before_returning);
    tcase_add_test(tc, test_write_requests_writable_and_replaces_errors);
    tcase_add_test(tc, test_read_keeps_the_exporters_error);
    tcase_add_test(tc, test_check_read_buffer_never_raises);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_bytes_and_bytearray);
    tc = mb_tcase(s, "python 2 slots");
    tcase_add_test(tc, test_python2_single_segment);
    tcase_add_test(tc, test_python2_segment_count_must_be_one);
    tcase_add_test(tc, test_python2_missing_slots);
    tcase_add_test(tc, test_python2_table_uses_its_segment_slots);
    tc = mb_tcase(s, "lifetime hazard");
    tcase_add_test(tc, test_stale_pointer_shows_poison);
    tcase_add_test(tc, test_export_prevents_the_hazard);
#ifdef MB_SANITIZERS
    tc = tcase_create("sanitizer");
    tcase_add_exit_test(tc, test_stale_read_is_caught_by_the_sanitizer, 1);
    suite_add_tcase(s, tc);
#endif
    return s;
}

int
main(void)
{
    return mb_run(old_functions_suite());
}
