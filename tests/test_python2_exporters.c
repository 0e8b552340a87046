/* The Python 2 exporters: MbSegments_New, MbLegacyReadOnly_New,
 * MbLegacyChar_New and their slots. */
/* These exporters are Python 2's: their slots are read as Python 2 code
   reads them. */
#define MB_PYTHON2
#include "testutil.h"

static const PyBufferProcs *
procs_of(PyObject *o)
{
    return Py_TYPE(o)->tp_as_buffer;
}

START_TEST(test_segments)
{
    const char *data[] = {"first", "", "third"};
    Py_ssize_t lengths[] = {5, 0, 5};
    PyObject *s = MbSegments_New(3, data, lengths);
    ck_assert_ptr_nonnull(s);
    const PyBufferProcs *procs = procs_of(s);
    ck_assert_ptr_null(procs->bf_getbuffer);
    Py_ssize_t total = -1;
    ck_assert_int_eq(procs->bf_getsegcount(s, &total), 3);
    ck_assert_int_eq(total, 10);
    ck_assert_int_eq(procs->bf_getsegcount(s, NULL), 3);
    void *p;
    char *c;
    ck_assert_int_eq(procs->bf_getreadbuffer(s, 2, &p), 5);
    ck_assert_int_eq(memcmp(p, "third", 5), 0);
    ck_assert_ptr_ne(p, data[2]);
    ck_assert_int_eq(procs->bf_getwritebuffer(s, 1, &p), 0);
    ck_assert_int_eq(procs->bf_getcharbuffer(s, 0, &c), 5);
    ck_assert_int_eq(memcmp(c, "first", 5), 0);
    ck_assert_int_eq(procs->bf_getreadbuffer(s, 3, &p), -1);
    assert_error(PyExc_SystemError, "accessing non-existent buffer segment");
    ck_assert_int_eq(procs->bf_getcharbuffer(s, -1, &c), -1);
    assert_error(PyExc_SystemError, "accessing non-existent buffer segment");
    Py_DECREF(s);
    s = MbSegments_New(0, NULL, NULL);
    ck_assert_int_eq(procs_of(s)->bf_getsegcount(s, &total), 0);
    ck_assert_int_eq(total, 0);
    Py_DECREF(s);
}
END_TEST

START_TEST(test_single_segment_kinds)
{
    PyObject *ro = MbLegacyReadOnly_New("ro", 2);
    PyObject *text = MbLegacyChar_New("text", 4);
    ck_assert_ptr_nonnull(procs_of(ro)->bf_getreadbuffer);
    ck_assert_ptr_null(procs_of(ro)->bf_getwritebuffer);
    ck_assert_ptr_null(procs_of(ro)->bf_getcharbuffer);
    ck_assert_ptr_null(procs_of(text)->bf_getreadbuffer);
    ck_assert_ptr_nonnull(procs_of(text)->bf_getcharbuffer);
    ck_assert_str_eq(Py_TYPE(ro)->tp_name, "minibuf.LegacyReadOnly");
    ck_assert_str_eq(Py_TYPE(text)->tp_name, "minibuf.LegacyChar");
    char *c;
    ck_assert_int_eq(procs_of(text)->bf_getcharbuffer(text, 0, &c), 4);
    ck_assert_str_eq(c, "text");
    Py_DECREF(text);
    Py_DECREF(ro);
}
END_TEST

START_TEST(test_bad_arguments)
{
    const char *data[] = {NULL};
    Py_ssize_t lengths[] = {3}, negative[] = {-1};
    ck_assert_ptr_null(MbSegments_New(-1, NULL, NULL));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(MbSegments_New(1, NULL, lengths));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(MbSegments_New(1, data, lengths));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(MbLegacyReadOnly_New("x", negative[0]));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(MbLegacyChar_New("x", 1));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

static Suite *
python2_exporters_suite(void)
{
    Suite *s = suite_create("python 2 exporters");
    TCase *tc = mb_tcase(s, "exporters");
    tcase_add_test(tc, test_segments);
    tcase_add_test(tc, test_single_segment_kinds);
    tcase_add_test(tc, test_bad_arguments);
    return s;
}

int
main(void)
{
    return mb_run(python2_exporters_suite());
}
