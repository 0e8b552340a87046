/* bytearray: a mutable, resizable sequence of bytes, exported writable.
 *
 * While a buffer of it is exported (ob_exports > 0) its size cannot change:
 * PyByteArray_Resize to another size raises BufferError "Existing exports
 * of data: object cannot be re-sized" (a resize to the same size is
 * allowed, as in CPython).  Ownership as in bytesobject.h.
 */
#ifndef Py_BYTEARRAYOBJECT_H
#define Py_BYTEARRAYOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    PyObject_VAR_HEAD
    Py_ssize_t ob_alloc;      /* bytes allocated at ob_bytes */
    char *ob_bytes;           /* the allocation, or NULL when empty */
    char *ob_start;           /* the first logical byte */
    Py_ssize_t ob_exports;    /* buffers exported and not released */
} PyByteArrayObject;

PyAPI_DATA(PyTypeObject) MbTypeObject_ByteArray;
#define MbType_ByteArray (&MbTypeObject_ByteArray)
#define PyByteArray_Type MbTypeObject_ByteArray

/* What an empty bytearray exports: a NUL byte, never NULL.  Reached
   through a constant pointer, like the type objects (object.h). */
PyAPI_DATA(char *const) MbByteArray_EmptyString;
#define _PyByteArray_empty_string (MbByteArray_EmptyString)

#define PyByteArray_Check(op) PyObject_TypeCheck((op), &PyByteArray_Type)
#define PyByteArray_CheckExact(op) Py_IS_TYPE((op), &PyByteArray_Type)

/* A new bytearray holding a copy of size bytes at bytes (zeros if bytes is
   NULL).  SystemError for a negative size. */
PyAPI_FUNC(PyObject *) PyByteArray_FromStringAndSize(const char *bytes,
                                                     Py_ssize_t size);

/* A new bytearray holding a copy of any exporter's contents (in C order);
   TypeError "cannot convert 'T' object to bytearray" for other objects. */
PyAPI_FUNC(PyObject *) PyByteArray_FromObject(PyObject *o);

/* A new bytearray with the contents of a followed by those of b (any
   exporters); TypeError "can't concat B to A" if either is not one. */
PyAPI_FUNC(PyObject *) PyByteArray_Concat(PyObject *a, PyObject *b);

/* The contents and the length.  A non-bytearray gets SystemError "bad
   argument to internal function" (a release build of CPython does not
   check: it reads another object as if it were a bytearray). */
PyAPI_FUNC(char *) PyByteArray_AsString(PyObject *bytearray);
PyAPI_FUNC(Py_ssize_t) PyByteArray_Size(PyObject *bytearray);

/* Change the length to len, keeping the first bytes; 0 or -1 with
   BufferError while exported, MemoryError, or SystemError for a negative
   len or a non-bytearray. */
PyAPI_FUNC(int) PyByteArray_Resize(PyObject *bytearray, Py_ssize_t len);

static inline char *
PyByteArray_AS_STRING(PyObject *op)
{
    return Py_SIZE(op) ? ((PyByteArrayObject *)op)->ob_start
                       : _PyByteArray_empty_string;
}
#define PyByteArray_AS_STRING(op) PyByteArray_AS_STRING(_PyObject_CAST(op))
#define PyByteArray_GET_SIZE(op) Py_SIZE(op)

#ifdef __cplusplus
}
#endif

#endif /* !Py_BYTEARRAYOBJECT_H */
