/* Python 2's buffer object: a read-only or writable window, of an offset and
 * a size, on another object's single segment or on raw memory.
 *
 * Ownership: a buffer made from an object holds a reference to it (to the
 * innermost object when made from another buffer) and asks it for the
 * segment each time it is used, so the window follows the object's current
 * size: an offset past the end gives an empty buffer.  A buffer made from
 * memory does not own the memory, which must outlive it; PyBuffer_New owns
 * its own zeroed memory.  All return new references.
 *
 * The object has Python 2's segment slots and, as in 2.7, bf_getbuffer too.
 * These names exist only in Python 2; CPython 3's PyBuffer_ names are the
 * new protocol's helpers.
 */
#ifndef Py_BUFFEROBJECT_H
#define Py_BUFFEROBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The size that means "to the end of the object". */
#define Py_END_OF_BUFFER (-1)

PyAPI_DATA(PyTypeObject) MbTypeObject_Buffer;
#define MbType_Buffer (&MbTypeObject_Buffer)
#define PyBuffer_Type MbTypeObject_Buffer
#define PyBuffer_Check(op) Py_IS_TYPE((op), &PyBuffer_Type)

/* A read-only window on base, which must have bf_getreadbuffer and
   bf_getsegcount (TypeError "buffer object expected").  ValueError
   "offset must be zero or positive" / "size must be zero or positive". */
PyAPI_FUNC(PyObject *) PyBuffer_FromObject(PyObject *base, Py_ssize_t offset,
                                           Py_ssize_t size);

/* A writable window on base, which must have bf_getwritebuffer and
   bf_getsegcount. */
PyAPI_FUNC(PyObject *) PyBuffer_FromReadWriteObject(PyObject *base,
                                                    Py_ssize_t offset,
                                                    Py_ssize_t size);

/* A read-only or writable window on size bytes at ptr. */
PyAPI_FUNC(PyObject *) PyBuffer_FromMemory(void *ptr, Py_ssize_t size);
PyAPI_FUNC(PyObject *) PyBuffer_FromReadWriteMemory(void *ptr,
                                                    Py_ssize_t size);

/* A writable buffer owning size zeroed bytes. */
PyAPI_FUNC(PyObject *) PyBuffer_New(Py_ssize_t size);

#ifdef __cplusplus
}
#endif

#endif /* !Py_BUFFEROBJECT_H */
