/* cpython: 3.11-3.11
 *
 * The values code around buffers passes and checks: int (made from and read
 * back as every C integer type, with the errors of a wrong type, a negative
 * value for an unsigned type and a value too large), bool, str (from UTF-8,
 * with its decoding errors, back to UTF-8, its length, its hash under
 * PYTHONHASHSEED=0) and the None and NotImplemented singletons.
 */
#include "scenario.h"

static void
show_long(const char *label, long value)
{
    printf("%s -> %ld\n", label, value);
    print_error();
}

static void
ints(void)
{
    PyObject *minus = PyLong_FromLong(-5);
    PyObject *big = PyLong_FromUnsignedLongLong(18446744073709551615ULL);
    PyObject *text = PyUnicode_FromString("7");
    printf("PyLong_Check(-5) %d, PyLong_CheckExact %d, on str %d\n",
           PyLong_Check(minus), PyLong_CheckExact(minus),
           PyLong_Check(text));
    show_long("PyLong_AsLong(-5)", PyLong_AsLong(minus));
    show_long("PyLong_AsLongLong(-5)", (long)PyLong_AsLongLong(minus));
    show_long("PyLong_AsSsize_t(-5)", (long)PyLong_AsSsize_t(minus));
    show_long("PyLong_AsUnsignedLong(-5)",
              (long)PyLong_AsUnsignedLong(minus));
    show_long("PyLong_AsSize_t(-5)", (long)PyLong_AsSize_t(minus));
    show_long("PyLong_AsUnsignedLongLong(-5)",
              (long)PyLong_AsUnsignedLongLong(minus));
    show_long("PyLong_AsLong(2**64-1)", PyLong_AsLong(big));
    show_long("PyLong_AsLongLong(2**64-1)", (long)PyLong_AsLongLong(big));
    show_long("PyLong_AsSsize_t(2**64-1)", (long)PyLong_AsSsize_t(big));
    printf("PyLong_AsUnsignedLong(2**64-1) == ULONG_MAX: %d\n",
           PyLong_AsUnsignedLong(big) == ULONG_MAX);
    printf("PyLong_AsSize_t(2**64-1) == SIZE_MAX: %d\n",
           PyLong_AsSize_t(big) == SIZE_MAX);
    printf("PyLong_AsUnsignedLongLong(2**64-1) == ULLONG_MAX: %d\n",
           PyLong_AsUnsignedLongLong(big) == ULLONG_MAX);
    show_long("PyLong_AsLong(str)", PyLong_AsLong(text));
    show_long("PyLong_AsLongLong(str)", (long)PyLong_AsLongLong(text));
    show_long("PyLong_AsSsize_t(str)", (long)PyLong_AsSsize_t(text));
    show_long("PyLong_AsUnsignedLong(str)",
              (long)PyLong_AsUnsignedLong(text));
    show_long("PyLong_AsSize_t(str)", (long)PyLong_AsSize_t(text));
    show_long("PyLong_AsUnsignedLongLong(str)",
              (long)PyLong_AsUnsignedLongLong(text));
    show_long("PyLong_AsLong(None)", PyLong_AsLong(Py_None));

    PyObject *limits[] = {
        PyLong_FromLong(LONG_MIN), PyLong_FromLong(LONG_MAX),
        PyLong_FromSsize_t(PY_SSIZE_T_MIN), PyLong_FromSize_t(SIZE_MAX),
        PyLong_FromUnsignedLong(0), PyLong_FromLongLong(-1),
    };
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        printf("limit %zu: as long long %lld, hash %ld\n", i,
               PyLong_AsLongLong(limits[i]), (long)PyObject_Hash(limits[i]));
        print_error();
        Py_DECREF(limits[i]);
    }
    printf("hash(-5) %ld, hash(2**64-1) %ld\n", (long)PyObject_Hash(minus),
           (long)PyObject_Hash(big));
    Py_DECREF(minus);
    Py_DECREF(big);
    Py_DECREF(text);
}

static PyObject *
return_true(void)
{
    Py_RETURN_TRUE;
}

static PyObject *
return_false(void)
{
    Py_RETURN_FALSE;
}

static PyObject *
return_none(void)
{
    Py_RETURN_NONE;
}

static void
singletons(void)
{
    PyObject *t = return_true(), *f = return_false(), *n = return_none();
    printf("Py_RETURN_TRUE is Py_True %d, a bool %d, an int %d, value %ld\n",
           t == Py_True, PyBool_Check(t), PyLong_Check(t), PyLong_AsLong(t));
    printf("Py_RETURN_FALSE is Py_False %d, value %ld\n", f == Py_False,
           PyLong_AsLong(f));
    printf("PyBool_FromLong(7) is Py_True %d, (0) is Py_False %d\n",
           PyBool_FromLong(7) == Py_True, PyBool_FromLong(0) == Py_False);
    Py_DECREF(Py_True);
    Py_DECREF(Py_False);
    printf("hash(True) %ld, hash(False) %ld\n", (long)PyObject_Hash(t),
           (long)PyObject_Hash(f));
    printf("Py_RETURN_NONE is Py_None %d, Py_IsNone %d\n", n == Py_None,
           Py_IsNone(n));
    printf("type names: %s %s %s\n", Py_TYPE(t)->tp_name,
           Py_TYPE(n)->tp_name, Py_TYPE(Py_NotImplemented)->tp_name);
    printf("bool is an int subclass %d, NoneType is not %d\n",
           PyType_IsSubtype(&PyBool_Type, &PyLong_Type),
           !PyType_IsSubtype(Py_TYPE(Py_None), &PyLong_Type));
    Py_DECREF(t);
    Py_DECREF(f);
    Py_DECREF(n);
}

static void
show_str(const char *label, PyObject *s)
{
    if (s == NULL) {
        printf("%s -> NULL\n", label);
        print_error();
        return;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(s, &size);
    printf("%s -> length %ld, %ld UTF-8 bytes, hash %ld, check %d/%d\n",
           label, (long)PyUnicode_GetLength(s), (long)size,
           (long)PyObject_Hash(s), PyUnicode_Check(s),
           PyUnicode_CheckExact(s));
    printf("  same text back %d\n", strcmp(utf8, PyUnicode_AsUTF8(s)) == 0);
    Py_DECREF(s);
}

static void
strings(void)
{
    show_str("''", PyUnicode_FromString(""));
    show_str("'abc'", PyUnicode_FromString("abc"));
    show_str("'caf\\xe9'", PyUnicode_FromString("caf\xc3\xa9"));
    show_str("'\\u20ac1'", PyUnicode_FromString("\xe2\x82\xac" "1"));
    show_str("'\\U0001f600'", PyUnicode_FromString("\xf0\x9f\x98\x80"));
    show_str("'a\\0b' by size", PyUnicode_FromStringAndSize("a\0b", 3));
    show_str("FromFormat", PyUnicode_FromFormat("%s=%d (%zd)", "x", -3,
                                                (Py_ssize_t)12));
    show_str("invalid start byte", PyUnicode_FromString("ab\xff"));
    show_str("truncated", PyUnicode_FromStringAndSize("\xe2\x82", 2));
    show_str("invalid continuation", PyUnicode_FromString("\xe2(x"));
    show_str("surrogate", PyUnicode_FromString("\xed\xa0\x80"));
    show_str("negative size", PyUnicode_FromStringAndSize("a", -1));
    PyObject *number = PyLong_FromLong(1);
    printf("PyUnicode_AsUTF8(int) %s\n",
           PyUnicode_AsUTF8(number) == NULL ? "NULL" : "text");
    print_error();
    show_long("PyUnicode_GetLength(int)", (long)PyUnicode_GetLength(number));
    Py_DECREF(number);
}

int
main(void)
{
    scenario_begin();
    ints();
    singletons();
    strings();
    return scenario_end();
}
