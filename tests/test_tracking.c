/* Tracking exports and objects (MbDebug_SetTracking, MbDebug_Report, the
 * live_exports count) and the names of requests (MbRequest_Describe). */
#include <pthread.h>

#include "testutil.h"

static Py_ssize_t
live_exports(void)
{
    MbStats s;
    MbStats_Get(&s);
    return s.live_exports;
}

static void
report_to_stderr(void *arg)
{
    *(Py_ssize_t *)arg = MbDebug_Report(stderr);
}

/* MbDebug_Report's text in out, its count in *n. */
static void
capture_report(char *out, size_t size, Py_ssize_t *n)
{
    mb_capture_stderr(report_to_stderr, n, out, size);
}

/* --- Names of requests --------------------------------------------------- */

static const char *
describe(int flags)
{
    static char name[128];
    size_t n = MbRequest_Describe(flags, name, sizeof(name));
    ck_assert_uint_eq(n, strlen(name));
    return name;
}

START_TEST(test_request_names)
{
    ck_assert_str_eq(describe(PyBUF_SIMPLE), "PyBUF_SIMPLE");
    ck_assert_str_eq(describe(PyBUF_FULL_RO), "PyBUF_FULL_RO");
    ck_assert_str_eq(describe(PyBUF_RECORDS), "PyBUF_RECORDS");
    ck_assert_str_eq(describe(PyBUF_CONTIG), "PyBUF_CONTIG");
    ck_assert_str_eq(describe(PyBUF_ND), "PyBUF_ND");
    ck_assert_str_eq(describe(PyBUF_STRIDES), "PyBUF_STRIDES");
    ck_assert_str_eq(describe(PyBUF_WRITABLE), "PyBUF_WRITABLE");
    ck_assert_str_eq(describe(PyBUF_C_CONTIGUOUS | PyBUF_FORMAT),
                     "PyBUF_C_CONTIGUOUS|PyBUF_FORMAT");
    ck_assert_str_eq(describe(PyBUF_INDIRECT | PyBUF_F_CONTIGUOUS),
                     "PyBUF_INDIRECT|PyBUF_F_CONTIGUOUS");
    ck_assert_str_eq(describe(PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE),
                     "PyBUF_ANY_CONTIGUOUS|PyBUF_WRITABLE");
    /* A bit whose implied bits are missing is not given a name. */
    ck_assert_str_eq(describe(0x10), "0x10");
    ck_assert_str_eq(describe(PyBUF_WRITABLE | 0x400),
                     "PyBUF_WRITABLE|0x400");
}
END_TEST

START_TEST(test_request_names_truncate_like_snprintf)
{
    char name[5] = "xxxx";
    ck_assert_uint_eq(MbRequest_Describe(PyBUF_FULL, name, sizeof(name)),
                      strlen("PyBUF_FULL"));
    ck_assert_str_eq(name, "PyBU");
    ck_assert_uint_eq(MbRequest_Describe(PyBUF_ND | PyBUF_FORMAT, name, 0),
                      strlen("PyBUF_ND|PyBUF_FORMAT"));
    ck_assert_str_eq(name, "PyBU");
}
END_TEST

/* --- Exports ------------------------------------------------------------- */

START_TEST(test_export_recorded_until_release)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abc", 3);
    Py_buffer view;
    char out[2048];
    Py_ssize_t n;
    ck_assert_int_eq(PyObject_GetBuffer(bytes, &view, PyBUF_FULL_RO), 0);
    ck_assert_int_eq(live_exports(), 1);
    capture_report(out, sizeof(out), &n);
    ck_assert_int_eq(n, 2);             /* the view and the bytes */
    ck_assert_ptr_nonnull(strstr(out, "minibuf: 1 buffer export(s) not "
                                      "released:\n"));
    ck_assert_ptr_nonnull(strstr(out, "exporter 'bytes', request "
                                      "PyBUF_FULL_RO, taken at\n"));
    ck_assert_ptr_nonnull(strstr(out, "minibuf: 1 object(s) alive:\n"
                                      "  'bytes' at "));
    ck_assert_ptr_nonnull(strstr(out, "reference count 2\n"));
    PyBuffer_Release(&view);
    ck_assert_int_eq(live_exports(), 0);
    Py_DECREF(bytes);
    capture_report(out, sizeof(out), &n);
    ck_assert_int_eq(n, 0);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_many_exports_released_in_any_order)
{
    enum { N = 300 };
    PyObject *array = PyByteArray_FromStringAndSize("abcdef", 6);
    static Py_buffer views[N];
    int order[N];
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(PyObject_GetBuffer(array, &views[i], PyBUF_ND), 0);
        order[i] = i;
    }
    ck_assert_int_eq(live_exports(), N);
    unsigned seed = 7;
    for (int i = N - 1; i > 0; i--) {
        seed = seed * 1103515245u + 12345u;
        int j = (int)((seed >> 16) % (unsigned)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < N; i++) {
        PyBuffer_Release(&views[order[i]]);
        ck_assert_int_eq(live_exports(), N - 1 - i);
    }
    Py_DECREF(array);
}
END_TEST

START_TEST(test_copied_view_is_matched_at_release)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abc", 3);
    Py_buffer view, copy;
    ck_assert_int_eq(PyObject_GetBuffer(bytes, &view, PyBUF_SIMPLE), 0);
    copy = view;
    memset(&view, 0, sizeof(view));
    PyBuffer_Release(&copy);
    ck_assert_int_eq(live_exports(), 0);
    Py_DECREF(bytes);
}
END_TEST

START_TEST(test_release_of_unrecorded_view_is_not_counted)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abc", 3);
    Py_buffer view;
    ck_assert_int_eq(MbDebug_SetTracking(0), 1);
    ck_assert_int_eq(PyObject_GetBuffer(bytes, &view, PyBUF_SIMPLE), 0);
    ck_assert_int_eq(live_exports(), 0);
    ck_assert_int_eq(MbDebug_SetTracking(1), 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(live_exports(), 0);
    /* A view filled by hand, not by PyObject_GetBuffer. */
    static char byte[1];
    ck_assert_int_eq(PyBuffer_FillInfo(&view, bytes, byte, 1, 1,
                                       PyBUF_SIMPLE), 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(live_exports(), 0);
    Py_DECREF(bytes);
}
END_TEST

START_TEST(test_switching_off_forgets)
{
    PyObject *bytes = PyBytes_FromStringAndSize("abc", 3);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(bytes, &view, PyBUF_SIMPLE), 0);
    ck_assert_int_eq(live_exports(), 1);
    (void)MbDebug_SetTracking(0);
    ck_assert_int_eq(live_exports(), 0);
    (void)MbDebug_SetTracking(1);
    ck_assert_int_eq(live_exports(), 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(live_exports(), 0);
    Py_DECREF(bytes);
}
END_TEST

/* The old protocol's wrappers take and release their view. */
START_TEST(test_old_wrappers_leave_nothing)
{
    PyObject *array = PyByteArray_FromStringAndSize("abc", 3);
    const void *p;
    void *w;
    Py_ssize_t len;
    ck_assert_int_eq(PyObject_AsReadBuffer(array, &p, &len), 0);
    ck_assert_int_eq(PyObject_AsWriteBuffer(array, &w, &len), 0);
    ck_assert_int_eq(PyObject_CheckReadBuffer(array), 1);
    ck_assert_int_eq(live_exports(), 0);
    Py_DECREF(array);
}
END_TEST

/* --- The report at Py_Finalize ------------------------------------------- */

static void
finalize(void *arg)
{
    (void)arg;
    ck_assert_int_eq(Py_FinalizeEx(), 0);
}

START_TEST(test_finalize_reports_with_the_variable)
{
    PyObject *array = PyByteArray_FromStringAndSize("abc", 3);
    Py_buffer view;
    char out[2048];
    ck_assert_int_eq(PyObject_GetBuffer(array, &view, PyBUF_CONTIG), 0);
    mb_capture_stderr(finalize, NULL, out, sizeof(out));
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(setenv("MINIBUF_DEBUG_LEAKS", "1", 1), 0);
    mb_capture_stderr(finalize, NULL, out, sizeof(out));
    ck_assert_int_eq(unsetenv("MINIBUF_DEBUG_LEAKS"), 0);
    ck_assert_ptr_nonnull(strstr(out, "exporter 'bytearray', request "
                                      "PyBUF_CONTIG, taken at\n"));
    ck_assert_ptr_nonnull(strstr(out, "'bytearray' at "));
    Py_Initialize();
    PyBuffer_Release(&view);
    Py_DECREF(array);
}
END_TEST

/* --- Threads ------------------------------------------------------------- */

static void *
export_and_release(void *arg)
{
    PyObject *bytes = arg;
    for (int i = 0; i < 2000; i++) {
        Py_buffer view;
        if (PyObject_GetBuffer(bytes, &view, PyBUF_SIMPLE) != 0) {
            return arg;
        }
        PyBuffer_Release(&view);
    }
    return NULL;
}

/* Each thread exports its own object (reference counts are not shared
   safely, as in CPython without its lock); the records are. */
START_TEST(test_threads_record_and_forget)
{
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    PyObject *objects[THREADS];
    for (int i = 0; i < THREADS; i++) {
        objects[i] = PyBytes_FromStringAndSize("abc", 3);
        ck_assert_int_eq(pthread_create(&threads[i], NULL,
                                        export_and_release, objects[i]),
                         0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *failed;
        ck_assert_int_eq(pthread_join(threads[i], &failed), 0);
        ck_assert_ptr_null(failed);
        Py_DECREF(objects[i]);
    }
    ck_assert_int_eq(live_exports(), 0);
}
END_TEST

static Suite *
tracking_suite(void)
{
    Suite *s = suite_create("tracking");
    TCase *tc = mb_tcase(s, "requests");
    tcase_add_test(tc, test_request_names);
    tcase_add_test(tc, test_request_names_truncate_like_snprintf);
    tc = mb_tcase(s, "exports");
    tcase_add_test(tc, test_export_recorded_until_release);
    tcase_add_test(tc, test_many_exports_released_in_any_order);
    tcase_add_test(tc, test_copied_view_is_matched_at_release);
    tcase_add_test(tc, test_release_of_unrecorded_view_is_not_counted);
    tcase_add_test(tc, test_switching_off_forgets);
    tcase_add_test(tc, test_old_wrappers_leave_nothing);
    tcase_add_test(tc, test_finalize_reports_with_the_variable);
    tcase_add_test(tc, test_threads_record_and_forget);
    return s;
}

int
main(void)
{
    return mb_run(tracking_suite());
}
