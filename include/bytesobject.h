/* bytes: an immutable sequence of bytes, exported read-only.
 *
 * Ownership: the functions that return a PyObject * return a new
 * reference; PyBytes_AsString and PyBytes_AS_STRING return a pointer into
 * the object, valid while it is alive.  The contents are always followed by
 * a NUL byte that is not part of them.
 */
#ifndef Py_BYTESOBJECT_H
#define Py_BYTESOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    PyObject_VAR_HEAD
    Py_hash_t ob_shash;       /* the hash once computed, else -1 */
    char ob_sval[1];          /* ob_size bytes and a NUL */
} PyBytesObject;

PyAPI_DATA(PyTypeObject) MbTypeObject_Bytes;
#define MbType_Bytes (&MbTypeObject_Bytes)
#define PyBytes_Type MbTypeObject_Bytes

#define PyBytes_Check(op) PyObject_TypeCheck((op), &PyBytes_Type)
#define PyBytes_CheckExact(op) Py_IS_TYPE((op), &PyBytes_Type)

/* A new bytes object holding a copy of size bytes at str (zeros if str is
   NULL).  SystemError for a negative size. */
PyAPI_FUNC(PyObject *) PyBytes_FromStringAndSize(const char *str,
                                                 Py_ssize_t size);

/* A new bytes object holding a copy of the NUL-terminated str. */
PyAPI_FUNC(PyObject *) PyBytes_FromString(const char *str);

/* The contents; NULL with TypeError if o is not bytes. */
PyAPI_FUNC(char *) PyBytes_AsString(PyObject *o);

/* The length; -1 with TypeError if o is not bytes. */
PyAPI_FUNC(Py_ssize_t) PyBytes_Size(PyObject *o);

static inline char *
PyBytes_AS_STRING(PyObject *op)
{
    return ((PyBytesObject *)op)->ob_sval;
}
#define PyBytes_AS_STRING(op) PyBytes_AS_STRING(_PyObject_CAST(op))
#define PyBytes_GET_SIZE(op) Py_SIZE(op)

#ifdef __cplusplus
}
#endif

#endif /* !Py_BYTESOBJECT_H */
