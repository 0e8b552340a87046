/* int and bool: a sign and a 64-bit magnitude (longobject.h), with CPython
 * 3.11's conversions, errors and hash; Py_True and Py_False are the two
 * statically allocated, immortal bools.
 *
 * Ownership: values are immutable; every function returns a new reference
 * (to Py_True or Py_False for bools, which are immortal).
 */
#include <limits.h>

#include "objects.h"

typedef struct {
    PyObject_HEAD
    int negative;                     /* 1 when below zero */
    unsigned long long magnitude;
} LongObject;

/* The modulus of CPython's numeric hash on 64-bit platforms: 2**61 - 1. */
#define HASH_MODULUS (((unsigned long long)1 << 61) - 1)

/* As CPython: the value modulo 2**61 - 1, with its sign, -1 made -2. */
static Py_hash_t
long_hash(PyObject *self)
{
    const LongObject *v = (const LongObject *)self;
    Py_hash_t h = (Py_hash_t)(v->magnitude % HASH_MODULUS);
    if (v->negative) {
        h = -h;
    }
    return h == -1 ? -2 : h;
}

PyTypeObject MbTypeObject_Long = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "int",
    .tp_basicsize = sizeof(LongObject),
    .tp_hash = long_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
                | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_LONG_SUBCLASS
                | Py_TPFLAGS_READY,
    .tp_doc = "int: a sign and a 64-bit magnitude.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

PyTypeObject MbTypeObject_Bool = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "bool",
    .tp_basicsize = sizeof(LongObject),
    .tp_hash = long_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE
                | Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_READY,
    .tp_doc = "bool: True or False.",
    .tp_base = &PyLong_Type,
};


static LongObject true_object = {{MB_IMMORTAL_REFCNT, &PyBool_Type}, 0, 1};
static LongObject false_object = {{MB_IMMORTAL_REFCNT, &PyBool_Type}, 0, 0};
PyObject *const MbTrue = (PyObject *)&true_object;
PyObject *const MbFalse = (PyObject *)&false_object;

PyObject *
PyBool_FromLong(long ok)
{
    return Py_NewRef(ok ? MbTrue : MbFalse);
}

/* --- Making ints ---------------------------------------------------------- */

static PyObject *
new_long(int negative, unsigned long long magnitude)
{
    LongObject *v = PyObject_New(LongObject, &PyLong_Type);
    if (v != NULL) {
        v->negative = negative && magnitude != 0;
        v->magnitude = magnitude;
    }
    return (PyObject *)v;
}

static PyObject *
from_signed(long long value)
{
    return new_long(value < 0, value < 0 ? 0ULL - (unsigned long long)value
                                         : (unsigned long long)value);
}

PyObject *
PyLong_FromLong(long value)
{
    return from_signed(value);
}

PyObject *
PyLong_FromLongLong(long long value)
{
    return from_signed(value);
}

PyObject *
PyLong_FromSsize_t(Py_ssize_t value)
{
    return from_signed(value);
}

PyObject *
PyLong_FromUnsignedLong(unsigned long value)
{
    return new_long(0, value);
}

PyObject *
PyLong_FromUnsignedLongLong(unsigned long long value)
{
    return new_long(0, value);
}

PyObject *
PyLong_FromSize_t(size_t value)
{
    return new_long(0, value);
}

/* --- Reading ints --------------------------------------------------------- */

/* The int behind obj, or NULL with TypeError: "'T' object cannot be
   interpreted as an integer", or "an integer is required" (terse: the
   wording of CPython's Py_ssize_t and size_t conversions). */
static const LongObject *
as_long(PyObject *obj, int terse)
{
    if (obj == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (!PyLong_Check(obj)) {
        if (terse) {
            PyErr_SetString(PyExc_TypeError, "an integer is required");
        }
        else {
            PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be "
                         "interpreted as an integer", Py_TYPE(obj)->tp_name);
        }
        return NULL;
    }
    return (const LongObject *)obj;
}

/* The value in [-(max + 1), max], or -1 with OverflowError `message`. */
static long long
signed_value(const LongObject *v, unsigned long long max,
             const char *message)
{
    if (v->magnitude > max + (unsigned long long)v->negative) {
        PyErr_SetString(PyExc_OverflowError, message);
        return -1;
    }
    return v->negative ? (long long)(0ULL - v->magnitude)
                       : (long long)v->magnitude;
}

long
PyLong_AsLong(PyObject *obj)
{
    const LongObject *v = as_long(obj, 0);
    return v == NULL ? -1
                     : (long)signed_value(v, LONG_MAX, "Python int too "
                                          "large to convert to C long");
}

long long
PyLong_AsLongLong(PyObject *obj)
{
    const LongObject *v = as_long(obj, 0);
    return v == NULL ? -1
                     : signed_value(v, LLONG_MAX, "int too big to convert");
}

Py_ssize_t
PyLong_AsSsize_t(PyObject *obj)
{
    const LongObject *v = as_long(obj, 1);
    return v == NULL ? -1
                     : (Py_ssize_t)signed_value(v, PY_SSIZE_T_MAX,
                                                "Python int too large to "
                                                "convert to C ssize_t");
}

/* The value as an unsigned C integer of at most max, or (max)-1 with
   OverflowError. */
static unsigned long long
unsigned_value(const LongObject *v, unsigned long long max,
               const char *negative, const char *too_large)
{
    if (v->negative) {
        PyErr_SetString(PyExc_OverflowError, negative);
        return (unsigned long long)-1;
    }
    if (v->magnitude > max) {
        PyErr_SetString(PyExc_OverflowError, too_large);
        return (unsigned long long)-1;
    }
    return v->magnitude;
}

size_t
PyLong_AsSize_t(PyObject *obj)
{
    const LongObject *v = as_long(obj, 1);
    return v == NULL ? (size_t)-1
                     : (size_t)unsigned_value(v, SIZE_MAX, "can't convert "
                                              "negative value to size_t",
                                              "Python int too large to "
                                              "convert to C size_t");
}

unsigned long
PyLong_AsUnsignedLong(PyObject *obj)
{
    const LongObject *v = as_long(obj, 1);
    return v == NULL ? (unsigned long)-1
                     : (unsigned long)unsigned_value(
                           v, ULONG_MAX, "can't convert negative value to "
                           "unsigned int", "Python int too large to convert "
                           "to C unsigned long");
}

unsigned long long
PyLong_AsUnsignedLongLong(PyObject *obj)
{
    const LongObject *v = as_long(obj, 1);
    return v == NULL ? (unsigned long long)-1
                     : unsigned_value(v, ULLONG_MAX, "can't convert negative "
                                      "int to unsigned", "int too big to "
                                      "convert");
}
