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

/* Runs fn with stderr redirected, and stores what it wrote (at most size-1
   bytes, NUL-terminated) in out. */
void mb_capture_stderr(void (*fn)(void *), void *arg, char *out,
                       size_t size);

#endif /* !MB_TESTUTIL_H */
