/* The error indicator and the exception types. */
#include <pthread.h>

#include "testutil.h"

START_TEST(test_exception_names_and_hierarchy)
{
    struct {
        PyObject *type;
        const char *name;
        PyObject *base;
    } table[] = {
        {PyExc_BaseException, "BaseException", NULL},
        {PyExc_Exception, "Exception", PyExc_BaseException},
        {PyExc_TypeError, "TypeError", PyExc_Exception},
        {PyExc_ValueError, "ValueError", PyExc_Exception},
        {PyExc_BufferError, "BufferError", PyExc_Exception},
        {PyExc_MemoryError, "MemoryError", PyExc_Exception},
        {PyExc_SystemError, "SystemError", PyExc_Exception},
        {PyExc_LookupError, "LookupError", PyExc_Exception},
        {PyExc_IndexError, "IndexError", PyExc_LookupError},
        {PyExc_KeyError, "KeyError", PyExc_LookupError},
        {PyExc_ArithmeticError, "ArithmeticError", PyExc_Exception},
        {PyExc_OverflowError, "OverflowError", PyExc_ArithmeticError},
        {PyExc_RuntimeError, "RuntimeError", PyExc_Exception},
        {PyExc_NotImplementedError, "NotImplementedError",
         PyExc_RuntimeError},
        {MbExc_StructError, "struct.error", PyExc_Exception},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        PyTypeObject *type = (PyTypeObject *)table[i].type;
        ck_assert_str_eq(type->tp_name, table[i].name);
        ck_assert(PyExceptionClass_Check(table[i].type));
        ck_assert(PyType_IsSubtype(type,
                                   (PyTypeObject *)PyExc_BaseException));
        if (table[i].base != NULL) {
            ck_assert_ptr_eq(type->tp_base, table[i].base);
        }
    }
    ck_assert(!PyType_IsSubtype((PyTypeObject *)PyExc_TypeError,
                                (PyTypeObject *)PyExc_ValueError));
}
END_TEST

START_TEST(test_set_string_and_occurred)
{
    ck_assert_ptr_null(PyErr_Occurred());
    ck_assert_ptr_null(MbErr_TypeName());
    ck_assert_ptr_null(MbErr_Message());
    PyErr_SetString(PyExc_TypeError, "first");
    PyErr_SetString(PyExc_ValueError, "second");
    ck_assert_ptr_eq(PyErr_Occurred(), PyExc_ValueError);
    ck_assert_str_eq(MbErr_TypeName(), "ValueError");
    ck_assert_str_eq(MbErr_Message(), "second");
    PyErr_Clear();
    ck_assert_ptr_null(PyErr_Occurred());
    PyErr_SetString(PyExc_TypeError, NULL);
    assert_error(PyExc_TypeError, "");
}
END_TEST

START_TEST(test_set_none_has_no_message)
{
    PyErr_SetNone(PyExc_KeyError);
    ck_assert_str_eq(MbErr_TypeName(), "KeyError");
    assert_error(PyExc_KeyError, "");
    PyErr_SetString(PyExc_KeyError, "x");
    PyErr_SetNone(NULL);
    assert_no_error();
}
END_TEST

START_TEST(test_setting_a_non_exception_is_system_error)
{
    PyErr_SetString((PyObject *)&PyBaseObject_Type, "nope");
    assert_error(PyExc_SystemError, "_PyErr_SetObject: exception "
                 "<class 'object'> is not a BaseException subclass");
    PyErr_SetNone((PyObject *)&PyType_Type);
    assert_error(PyExc_SystemError, "_PyErr_SetObject: exception "
                 "<class 'type'> is not a BaseException subclass");
}
END_TEST

START_TEST(test_format_conversions)
{
    ck_assert_ptr_null(PyErr_Format(PyExc_ValueError,
        "%s|%.3s|%5s|%d|%i|%u|%x|%ld|%lu|%lld|%llu|%zd|%zu|%c|%%|%05d",
        "abc", "abcdef", "ab", -12, 34, 56u, 255u, -7L, 8UL,
        -9LL, 10ULL, (Py_ssize_t)-11, (size_t)12, 'Z', 42));
    assert_error(PyExc_ValueError,
                 "abc|abc|   ab|-12|34|56|ff|-7|8|-9|10|-11|12|Z|%|00042");
}
END_TEST

/* CPython 3.11 pads in front of the sign and counts the sign in the
   precision; it ignores the width of %c, %p and %% and pads strings with
   spaces only. */
START_TEST(test_format_padding_quirks)
{
    PyErr_Format(PyExc_ValueError, "%05d|%.4d|%6.4d|%06.4d|%.0d|%03.1d",
                 -42, -42, -42, -42, 0, 5);
    assert_error(PyExc_ValueError, "00-42|0-42|  0-42|000-42|0|005");
    PyErr_Format(PyExc_ValueError, "%5c|%5%|%05s|%.3x|%x", 'A', "ab", 10u,
                 (unsigned)-1);
    assert_error(PyExc_ValueError, "A|%|   ab|00a|ffffffff");
}
END_TEST

START_TEST(test_format_precision_counts_bytes)
{
    /* As in CPython 3.11: the precision cuts bytes, then the bytes are
       decoded with invalid ones replaced by U+FFFD, and the width counts
       characters ("é" is two bytes, one character). */
    PyErr_Format(PyExc_ValueError, "'%.2s'", "\xc3\xa9t\xc3\xa9");
    assert_error(PyExc_ValueError, "'\xc3\xa9'");
    PyErr_Format(PyExc_ValueError, "'%.2s'", "h\xc3\xa9llo");
    assert_error(PyExc_ValueError, "'h\xef\xbf\xbd'");
    PyErr_Format(PyExc_ValueError, "'%5s'", "a\xe2\x82");
    assert_error(PyExc_ValueError, "'   a\xef\xbf\xbd'");
    PyErr_Format(PyExc_ValueError, "'%s'", "\xff\xfe" "ab");
    assert_error(PyExc_ValueError, "'\xef\xbf\xbd\xef\xbf\xbd" "ab'");
    PyErr_Format(PyExc_ValueError, "%c", 0xe9);
    assert_error(PyExc_ValueError, "\xc3\xa9");
}
END_TEST

START_TEST(test_format_pointer_and_null_string)
{
    int x;
    char expected[64];
    snprintf(expected, sizeof(expected), "at %p", (void *)&x);
    PyErr_Format(PyExc_ValueError, "at %p", (void *)&x);
    ck_assert_str_eq(MbErr_Message(), expected);
    ck_assert(strncmp(MbErr_Message(), "at 0x", 5) == 0);
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "[%s]", (const char *)NULL);
    assert_error(PyExc_ValueError, "[(null)]");
}
END_TEST

START_TEST(test_format_bad_character_code_is_overflow)
{
    PyErr_Format(PyExc_ValueError, "%c", 0x110000);
    assert_error(PyExc_OverflowError,
                 "character argument not in range(0x110000)");
}
END_TEST

START_TEST(test_format_unknown_conversion_copies_the_rest)
{
    PyErr_Format(PyExc_ValueError, "a %d b %Q c %d", 1, 2);
    assert_error(PyExc_ValueError, "a 1 b %Q c %d");
    PyErr_Format(PyExc_ValueError, "%d %-5d|%s", 1, 2, "x");
    assert_error(PyExc_ValueError, "1 %-5d|%s");
    PyErr_Format(PyExc_ValueError, "%lx %d", 1UL, 2);
    assert_error(PyExc_ValueError, "%lx %d");
    PyErr_Format(PyExc_ValueError, "%.s|%.0s|end %", "ab", "ab");
    assert_error(PyExc_ValueError, "ab||end %");
}
END_TEST

START_TEST(test_format_long_message)
{
    char long_text[5000];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    PyErr_Format(PyExc_ValueError, "<%s>", long_text);
    ck_assert_int_eq(strlen(MbErr_Message()), sizeof(long_text) + 1);
    PyErr_Clear();
}
END_TEST

/* CPython prints a KeyError's key with repr(). */
START_TEST(test_key_error_message_is_the_repr_of_the_key)
{
    PyErr_SetString(PyExc_KeyError, "plain");
    assert_error(PyExc_KeyError, "'plain'");
    PyErr_SetString(PyExc_KeyError, "it's");
    assert_error(PyExc_KeyError, "\"it's\"");
    PyErr_SetString(PyExc_KeyError, "both ' and \"");
    assert_error(PyExc_KeyError, "'both \\' and \"'");
    PyErr_Format(PyExc_KeyError, "tab\tnew\nback\\bell\a%c", 0x7f);
    assert_error(PyExc_KeyError, "'tab\\tnew\\nback\\\\bell\\x07\\x7f'");
    PyErr_SetString(PyExc_KeyError, "");
    assert_error(PyExc_KeyError, "''");
    PyErr_SetNone(PyExc_KeyError);
    assert_error(PyExc_KeyError, "");
    PyErr_SetString(PyExc_LookupError, "not a KeyError");
    assert_error(PyExc_LookupError, "not a KeyError");
}
END_TEST

START_TEST(test_fetch_and_restore)
{
    PyObject *type, *value, *traceback;
    PyErr_SetString(PyExc_IndexError, "kept");
    PyErr_Fetch(&type, &value, &traceback);
    ck_assert_ptr_null(PyErr_Occurred());
    ck_assert_ptr_eq(type, PyExc_IndexError);
    ck_assert_ptr_nonnull(value);
    ck_assert_ptr_null(traceback);
    ck_assert(PyExceptionInstance_Check(value));
    ck_assert(PyErr_GivenExceptionMatches(value, PyExc_LookupError));
    PyErr_Restore(type, value, traceback);
    assert_error(PyExc_IndexError, "kept");

    PyErr_Fetch(&type, &value, &traceback);
    ck_assert_ptr_null(type);
    ck_assert_ptr_null(value);
    PyErr_Restore(NULL, NULL, NULL);
    assert_no_error();
}
END_TEST

START_TEST(test_restore_null_type_drops_value)
{
    PyObject *type, *value, *traceback;
    PyErr_SetString(PyExc_IndexError, "dropped");
    PyErr_Fetch(&type, &value, &traceback);
    Py_DECREF(type);
    PyErr_Restore(NULL, value, NULL);
    assert_no_error();
}
END_TEST

START_TEST(test_matches_is_subclass_aware)
{
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_Exception), 0);
    PyErr_SetString(PyExc_NotImplementedError, "x");
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_NotImplementedError), 1);
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_RuntimeError), 1);
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_Exception), 1);
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_BaseException), 1);
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_TypeError), 0);
    PyErr_Clear();
    ck_assert_int_eq(PyErr_GivenExceptionMatches(NULL, PyExc_TypeError), 0);
    ck_assert_int_eq(PyErr_GivenExceptionMatches(PyExc_TypeError, NULL), 0);
    ck_assert_int_eq(PyErr_GivenExceptionMatches(
                         (PyObject *)&PyType_Type,
                         (PyObject *)&PyType_Type), 1);
    ck_assert_int_eq(PyErr_GivenExceptionMatches(
                         (PyObject *)&PyType_Type, PyExc_Exception), 0);
}
END_TEST

START_TEST(test_no_memory_returns_null)
{
    PyErr_SetString(PyExc_TypeError, "replaced");
    ck_assert_ptr_null(PyErr_NoMemory());
    ck_assert_str_eq(MbErr_TypeName(), "MemoryError");
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_no_memory_does_not_allocate)
{
    MbAlloc_FailAt(1);
    PyErr_NoMemory();
    assert_error(PyExc_MemoryError, "");
    MbAlloc_FailAt(0);
}
END_TEST

START_TEST(test_set_string_without_memory_is_memory_error)
{
    MbAlloc_FailAt(1);
    PyErr_SetString(PyExc_TypeError, "cannot be stored");
    assert_error(PyExc_MemoryError, "");
    MbAlloc_FailAt(1);
    PyErr_Format(PyExc_TypeError, "%d", 5);
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_bad_internal_call)
{
    /* The function, then the macro with the caller's position. */
    (PyErr_BadInternalCall)();
    assert_error(PyExc_SystemError, "bad argument to internal function");
    int line = __LINE__ + 1;
    PyErr_BadInternalCall();
    char expected[256];
    snprintf(expected, sizeof(expected),
             "%s:%d: bad argument to internal function", __FILE__, line);
    assert_error(PyExc_SystemError, expected);
}
END_TEST

static void
set_and_print(void *arg)
{
    const char *message = arg;
    if (message != NULL) {
        PyErr_SetString(PyExc_BufferError, message);
    }
    else {
        PyErr_SetNone(PyExc_MemoryError);
    }
    PyErr_Print();
}

START_TEST(test_print_writes_type_and_message_and_clears)
{
    char out[256];
    mb_capture_stderr(set_and_print, (void *)"Object is not writable.", out,
                      sizeof(out));
    ck_assert_str_eq(out, "BufferError: Object is not writable.\n");
    assert_no_error();
    mb_capture_stderr(set_and_print, NULL, out, sizeof(out));
    ck_assert_str_eq(out, "MemoryError\n");
    assert_no_error();
}
END_TEST

static void
print_nothing(void *arg)
{
    (void)arg;
    PyErr_Print();
}

START_TEST(test_print_without_exception_prints_nothing)
{
    char out[64];
    mb_capture_stderr(print_nothing, NULL, out, sizeof(out));
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_new_exception)
{
    PyObject *error = PyErr_NewException("mymod.MyError", PyExc_ValueError,
                                         NULL);
    ck_assert_ptr_nonnull(error);
    ck_assert(PyExceptionClass_Check(error));
    ck_assert_str_eq(((PyTypeObject *)error)->tp_name, "mymod.MyError");
    PyErr_SetString(error, "custom");
    ck_assert_int_eq(PyErr_ExceptionMatches(PyExc_ValueError), 1);
    ck_assert_int_eq(PyErr_ExceptionMatches(error), 1);
    ck_assert_str_eq(MbErr_TypeName(), "mymod.MyError");
    /* The instance keeps the type alive after the caller lets it go. */
    Py_DECREF(error);
    assert_error(error, "custom");

    PyObject *sub = PyErr_NewException("mymod.Default", NULL, NULL);
    ck_assert_ptr_eq(((PyTypeObject *)sub)->tp_base, PyExc_Exception);
    Py_DECREF(sub);
}
END_TEST

START_TEST(test_new_exception_errors)
{
    ck_assert_ptr_null(PyErr_NewException("NoDot", NULL, NULL));
    assert_error(PyExc_SystemError,
                 "PyErr_NewException: name must be module.class");
    ck_assert_ptr_null(PyErr_NewException("m.Bad",
                                          (PyObject *)&PyType_Type, NULL));
    assert_error(PyExc_TypeError,
                 "PyErr_NewException: base must be an exception type");
    ck_assert_ptr_null(PyErr_NewException("m.Dict", NULL,
                                          PyExc_Exception));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyErr_NewException("m.NoMemory", NULL, NULL));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

/* Each thread raises its own exception many times and checks that it only
   ever sees its own. */
static void *
raise_in_thread(void *arg)
{
    long id = (long)(intptr_t)arg;
    char message[32];
    snprintf(message, sizeof(message), "thread %ld", id);
    PyObject *type = id % 2 ? PyExc_ValueError : PyExc_TypeError;
    for (int i = 0; i < 2000; i++) {
        if (PyErr_Occurred() != NULL) {
            return (void *)"indicator not empty";
        }
        PyErr_Format(type, "thread %ld", id);
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        if (t != type || PyErr_Occurred() != NULL) {
            return (void *)"fetched a foreign exception";
        }
        PyErr_Restore(t, v, tb);
        if (strcmp(MbErr_Message(), message) != 0) {
            return (void *)"message of another thread";
        }
        PyErr_Clear();
    }
    return NULL;
}

START_TEST(test_indicator_is_per_thread)
{
    pthread_t threads[4];
    PyErr_SetString(PyExc_KeyError, "main thread");
    for (long i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_create(&threads[i], NULL, raise_in_thread,
                                        (void *)(intptr_t)i), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *failure;
        ck_assert_int_eq(pthread_join(threads[i], &failure), 0);
        ck_assert_msg(failure == NULL, "%s", (const char *)failure);
    }
    assert_error(PyExc_KeyError, "'main thread'");
}
END_TEST

static Suite *
errors_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = mb_tcase(s, "types");
    tcase_add_test(tc, test_exception_names_and_hierarchy);
    tcase_add_test(tc, test_new_exception);
    tcase_add_test(tc, test_new_exception_errors);
    tc = mb_tcase(s, "indicator");
    tcase_add_test(tc, test_set_string_and_occurred);
    tcase_add_test(tc, test_set_none_has_no_message);
    tcase_add_test(tc, test_setting_a_non_exception_is_system_error);
    tcase_add_test(tc, test_key_error_message_is_the_repr_of_the_key);
    tcase_add_test(tc, test_fetch_and_restore);
    tcase_add_test(tc, test_restore_null_type_drops_value);
    tcase_add_test(tc, test_matches_is_subclass_aware);
    tcase_add_test(tc, test_no_memory_returns_null);
    tcase_add_test(tc, test_no_memory_does_not_allocate);
    tcase_add_test(tc, test_set_string_without_memory_is_memory_error);
    tcase_add_test(tc, test_bad_internal_call);
    tcase_add_test(tc, test_print_writes_type_and_message_and_clears);
    tcase_add_test(tc, test_print_without_exception_prints_nothing);
    tcase_add_test(tc, test_indicator_is_per_thread);
    tc = mb_tcase(s, "format");
    tcase_add_test(tc, test_format_conversions);
    tcase_add_test(tc, test_format_padding_quirks);
    tcase_add_test(tc, test_format_precision_counts_bytes);
    tcase_add_test(tc, test_format_pointer_and_null_string);
    tcase_add_test(tc, test_format_bad_character_code_is_overflow);
    tcase_add_test(tc, test_format_unknown_conversion_copies_the_rest);
    tcase_add_test(tc, test_format_long_message);
    return s;
}

int
main(void)
{
    return mb_run(errors_suite());
}
