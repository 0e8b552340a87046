/* str: immutable text, held as valid UTF-8 followed by a NUL, with its
 * length in code points.  Made from UTF-8 (checked as CPython's decoder
 * checks it, with its errors) or from a PyErr_Format-style format; read
 * back as UTF-8.  It hashes as CPython's str does with PYTHONHASHSEED=0:
 * SipHash over the code points as CPython stores them, one, two or four
 * bytes each depending on the largest.
 *
 * Ownership: the text lives inside the object; PyUnicode_AsUTF8's pointer
 * is valid while the object lives.
 */
#include "objects.h"

typedef struct {
    PyObject_VAR_HEAD                 /* ob_size: bytes of UTF-8 */
    Py_ssize_t length;                /* code points */
    Py_UCS4 largest;                  /* the largest code point */
    Py_hash_t hash;                   /* -1 until computed */
    char utf8[1];                     /* ob_size bytes and a NUL */
} UnicodeObject;

#define HEADER_SIZE (offsetof(UnicodeObject, utf8) + 1)

/* The code points of s, in the width CPython stores them in, hashed. */
static Py_hash_t
unicode_hash(PyObject *self)
{
    UnicodeObject *u = (UnicodeObject *)self;
    if (u->hash != -1) {
        return u->hash;
    }
    size_t width = u->largest < 0x100 ? 1 : u->largest < 0x10000 ? 2 : 4;
    unsigned char small[256] = {0};
    unsigned char *units = small;
    if ((size_t)u->length * width > sizeof(small)) {
        units = PyMem_Malloc((size_t)u->length * width);
        if (units == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    const unsigned char *s = (const unsigned char *)u->utf8;
    size_t at = 0;
    for (Py_ssize_t i = 0; i < u->length; i++) {
        const char *reason;
        size_t error_length, n = mb_utf8_sequence(s + at, (size_t)Py_SIZE(u)
                                                  - at, &reason,
                                                  &error_length);
        Py_UCS4 c = (Py_UCS4)mb_utf8_code_point(s + at, n);
        at += n;
        if (width == 1) {
            units[i] = (unsigned char)c;
        }
        else if (width == 2) {
            Py_UCS2 unit = (Py_UCS2)c;
            memcpy(units + 2 * i, &unit, 2);
        }
        else {
            memcpy(units + 4 * i, &c, 4);
        }
    }
    u->hash = mb_hash_bytes(units, u->length * (Py_ssize_t)width);
    if (units != small) {
        PyMem_Free(units);
    }
    return u->hash;
}

PyTypeObject MbTypeObject_Unicode = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "str",
    .tp_basicsize = HEADER_SIZE,
    .tp_itemsize = 1,
    .tp_hash = unicode_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
                | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_UNICODE_SUBCLASS
                | Py_TPFLAGS_READY,
    .tp_doc = "str: text, held as UTF-8.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};


PyObject *
PyUnicode_FromStringAndSize(const char *utf8, Py_ssize_t size)
{
    if (size < 0) {
        PyErr_SetString(PyExc_SystemError, "Negative size passed to "
                        "PyUnicode_FromStringAndSize");
        return NULL;
    }
    if (utf8 == NULL && size > 0) {
        mb_err_null_argument();
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)utf8;
    Py_ssize_t length = 0;
    Py_UCS4 largest = 0;
    for (size_t at = 0; at < (size_t)size; length++) {
        const char *reason;
        size_t error_length = 0;
        size_t n = mb_utf8_sequence(s + at, (size_t)size - at, &reason,
                                    &error_length);
        if (n == 0) {
            mb_utf8_decode_error(s, at, error_length, reason);
            return NULL;
        }
        Py_UCS4 c = (Py_UCS4)mb_utf8_code_point(s + at, n);
        largest = c > largest ? c : largest;
        at += n;
    }
    UnicodeObject *u = PyObject_NewVar(UnicodeObject, &PyUnicode_Type, size);
    if (u == NULL) {
        return NULL;
    }
    if (size > 0) {
        memcpy(u->utf8, utf8, (size_t)size);
    }
    u->utf8[size] = '\0';
    u->length = length;
    u->largest = largest;
    u->hash = -1;
    return (PyObject *)u;
}

PyObject *
PyUnicode_FromString(const char *utf8)
{
    if (utf8 == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    return PyUnicode_FromStringAndSize(utf8, (Py_ssize_t)strlen(utf8));
}

PyObject *
PyUnicode_FromFormat(const char *format, ...)
{
    va_list args;
    size_t length;
    va_start(args, format);
    char *text = mb_vformat(format, args, &length);
    va_end(args);
    if (text == NULL) {
        return NULL;
    }
    PyObject *u = PyUnicode_FromStringAndSize(text, (Py_ssize_t)length);
    PyMem_Free(text);
    return u;
}

/* The str behind obj, or NULL with CPython's TypeError. */
static UnicodeObject *
as_unicode(PyObject *obj)
{
    if (obj == NULL || !PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError,
                        "bad argument type for built-in operation");
        return NULL;
    }
    return (UnicodeObject *)obj;
}

const char *
PyUnicode_AsUTF8AndSize(PyObject *unicode, Py_ssize_t *size)
{
    UnicodeObject *u = as_unicode(unicode);
    if (u == NULL) {
        return NULL;
    }
    if (size != NULL) {
        *size = Py_SIZE(u);
    }
    return u->utf8;
}

const char *
PyUnicode_AsUTF8(PyObject *unicode)
{
    return PyUnicode_AsUTF8AndSize(unicode, NULL);
}

Py_ssize_t
PyUnicode_GetLength(PyObject *unicode)
{
    UnicodeObject *u = as_unicode(unicode);
    return u == NULL ? -1 : u->length;
}
