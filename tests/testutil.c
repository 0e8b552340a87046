/* Helpers shared by the Check programs (see testutil.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static MbStats baseline;

static void
accounting_setup(void)
{
    PyErr_Clear();
    (void)MbDebug_SetTracking(1);
    MbStats_Get(&baseline);
}

static void
accounting_teardown(void)
{
    MbStats now;
    assert_no_error();
    MbStats_Get(&now);
    if (now.live_objects != baseline.live_objects
        || now.live_exports != baseline.live_exports) {
        (void)MbDebug_Report(stderr);
    }
    ck_assert_msg(now.live_objects == baseline.live_objects,
                  "%zd object(s) left alive",
                  now.live_objects - baseline.live_objects);
    ck_assert_msg(now.live_exports == baseline.live_exports,
                  "%zd buffer export(s) not released",
                  now.live_exports - baseline.live_exports);
    ck_assert_msg(now.live_allocations == baseline.live_allocations,
                  "%zd allocation(s) not freed",
                  now.live_allocations - baseline.live_allocations);
}

TCase *
mb_tcase(Suite *suite, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, accounting_setup, accounting_teardown);
    suite_add_tcase(suite, tc);
    return tc;
}

int
mb_run(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    if (getenv("CK_TAP_LOG_FILE_NAME") != NULL) {
        return EXIT_SUCCESS;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *
mb_type_name(PyObject *type)
{
    return type == NULL ? "no exception" : ((PyTypeObject *)type)->tp_name;
}

int
counter_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Counter *c = (Counter *)self;
    c->calls++;
    c->last_flags = flags;
    switch (c->mode) {
    case COUNTER_FAIL:
        PyErr_SetString(PyExc_BufferError, "counter refuses");
        return -1;
    case COUNTER_FAIL_SILENTLY:
        return -1;
    case COUNTER_NULL_OBJ:
        return PyBuffer_FillInfo(view, NULL, c->data, c->len, c->readonly,
                                 flags);
    case COUNTER_GRANT_WITH_ERROR:
        PyErr_SetString(PyExc_ValueError, "left set by the exporter");
        return PyBuffer_FillInfo(view, self, c->data, c->len, c->readonly,
                                 flags);
    default:
        return PyBuffer_FillInfo(view, self, c->data, c->len, c->readonly,
                                 flags);
    }
}

static void
counter_releasebuffer(PyObject *self, Py_buffer *view)
{
    Counter *c = (Counter *)self;
    c->releases++;
    c->refcnt_in_release = Py_REFCNT(self);
    c->obj_in_release = view->obj == self;
}

static PyBufferProcs counter_procs = {counter_getbuffer,
                                      counter_releasebuffer};

static PyTypeObject CounterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Counter",
    .tp_basicsize = sizeof(Counter),
    .tp_as_buffer = &counter_procs,
};

Counter *
new_counter(const char *data, Py_ssize_t len, int readonly)
{
    ck_assert_int_le(len, (Py_ssize_t)sizeof(((Counter *)NULL)->data));
    Counter *c = PyObject_New(Counter, &CounterType);
    ck_assert_ptr_nonnull(c);
    memcpy(c->data, data, (size_t)len);
    c->len = len;
    c->readonly = readonly;
    c->mode = COUNTER_EXPORT;
    c->calls = c->releases = 0;
    c->last_flags = -1;
    c->refcnt_in_release = 0;
    c->obj_in_release = 0;
    return c;
}

void
mb_capture_stderr(void (*fn)(void *), void *arg, char *out, size_t size)
{
    FILE *capture = tmpfile();
    ck_assert_ptr_nonnull(capture);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(capture), STDERR_FILENO), 0);
    fn(arg);
    fflush(stderr);
    ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    rewind(capture);
    size_t n = fread(out, 1, size - 1, capture);
    out[n] = '\0';
    fclose(capture);
}
