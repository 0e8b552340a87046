/* Helpers shared by the Check programs.
 *
 * Every test case made with mb_tcase runs with tracking on (MbDebug_
 * SetTracking), between a set-up that records the library's counters and a
 * tear-down that fails the test if it left an object alive, an allocation
 * unfreed, a buffer exported or an exception set, and then prints the
 * report of what was left to stderr.  Nothing is printed on stdout but the
 * TAP stream.
 */
#ifndef MB_TESTUTIL_H
#define MB_TESTUTIL_H

#include <check.h>

#include <Python.h>

/* A test case with the accounting fixture. */
TCase *mb_tcase(Suite *suite, const char *name);

/* Runs the suite; under TAP (CK_TAP_LOG_FILE_NAME set) the stream carries
   the failures and the exit status is 0, otherwise it is the failure
   count's verdict. */
int mb_run(Suite *suite);

/* The name of a type, or "no exception" for NULL. */
const char *mb_type_name(PyObject *type);

/* The current exception is exactly `type` with `message`; clears it. */
#define assert_error(type, message)                                       \
    do {                                                                  \
        ck_assert_msg(PyErr_Occurred() == (PyObject *)(type),             \
                      "expected %s, got %s",                              \
                      mb_type_name((PyObject *)(type)),                   \
                      mb_type_name(PyErr_Occurred()));                    \
        ck_assert_str_eq(MbErr_Message(), (message));                     \
        PyErr_Clear();                                                    \
    } while (0)

#define assert_no_error()                                                 \
    ck_assert_msg(PyErr_Occurred() == NULL, "unexpected %s: %s",          \
                  mb_type_name(PyErr_Occurred()),                         \
                  MbErr_Message() ? MbErr_Message() : "")

/* --- An exporter that counts what it is asked --------------------------------
 *
 * A Counter exports up to 16 bytes of its own through PyBuffer_FillInfo,
 * counting the requests (calls, with the last flags) and the releases
 * (with the reference count and view->obj seen then), and misbehaves on
 * demand (mode).
 */
typedef enum {
    COUNTER_EXPORT,             /* a view of data, obj the counter */
    COUNTER_FAIL,               /* -1 with BufferError "counter refuses" */
    COUNTER_FAIL_SILENTLY,      /* -1 with no exception */
    COUNTER_NULL_OBJ,           /* a view with obj NULL */
    COUNTER_GRANT_WITH_ERROR,   /* a view, and ValueError left set */
} CounterMode;

typedef struct {
    PyObject_HEAD
    char data[16];
    Py_ssize_t len;
    int readonly;
    CounterMode mode;
    int calls, releases, last_flags;
    Py_ssize_t refcnt_in_release;
    int obj_in_release;
} Counter;

/* The Counter's bf_getbuffer, for types that give it other slots too. */
int counter_getbuffer(PyObject *self, Py_buffer *view, int flags);

/* A new Counter exporting a copy of len (at most 16) bytes of data. */
Counter *new_counter(const char *data, Py_ssize_t len, int readonly);

/* Runs fn with stderr redirected, and stores what it wrote (at most size-1
   bytes, NUL-terminated) in out. */
void mb_capture_stderr(void (*fn)(void *), void *arg, char *out,
                       size_t size);

#endif /* !MB_TESTUTIL_H */
