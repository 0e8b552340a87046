/* int: a minimal integer type, enough for the values code around buffers
 * passes and returns (lengths, sizes, flags, truth values).
 *
 * minibuf's ints hold a sign and a 64-bit magnitude: every value of a C
 * integer type converts, and values beyond +-(2**64 - 1) do not exist (an
 * operation that would make one raises OverflowError; CPython's ints have
 * no bound).  Conversions back to C raise CPython 3.11's errors.
 */
#ifndef Py_LONGOBJECT_H
#define Py_LONGOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) MbTypeObject_Long;
#define MbType_Long (&MbTypeObject_Long)
#define PyLong_Type MbTypeObject_Long

#define PyLong_Check(op) \
    PyType_HasFeature(Py_TYPE(op), Py_TPFLAGS_LONG_SUBCLASS)
#define PyLong_CheckExact(op) Py_IS_TYPE((op), &PyLong_Type)

/* New references, or NULL with MemoryError. */
PyAPI_FUNC(PyObject *) PyLong_FromLong(long value);
PyAPI_FUNC(PyObject *) PyLong_FromUnsignedLong(unsigned long value);
PyAPI_FUNC(PyObject *) PyLong_FromLongLong(long long value);
PyAPI_FUNC(PyObject *) PyLong_FromUnsignedLongLong(unsigned long long value);
PyAPI_FUNC(PyObject *) PyLong_FromSsize_t(Py_ssize_t value);
PyAPI_FUNC(PyObject *) PyLong_FromSize_t(size_t value);

/* The value as a C integer; -1 (or (size_t)-1) with TypeError for an
   object that is not an int ("'T' object cannot be interpreted as an
   integer", or "an integer is required" for the Py_ssize_t and size_t
   forms, as CPython words them) or OverflowError when it does not fit. */
PyAPI_FUNC(long) PyLong_AsLong(PyObject *obj);
PyAPI_FUNC(long long) PyLong_AsLongLong(PyObject *obj);
PyAPI_FUNC(Py_ssize_t) PyLong_AsSsize_t(PyObject *obj);
PyAPI_FUNC(size_t) PyLong_AsSize_t(PyObject *obj);
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLong(PyObject *obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLong(PyObject *obj);

#ifdef __cplusplus
}
#endif

#endif /* !Py_LONGOBJECT_H */
