/* The old buffer protocol's four functions (old-buffer-protocol.txt).
 *
 * For a type with bf_getbuffer they are CPython 3's wrappers (3.6 to 3.12):
 * they ask for a buffer and release it before returning, so the pointer
 * they give is not protected by an export; it stays valid only while the
 * object is alive and does not move its storage (a bytearray that is
 * resized moves it).  Use PyObject_GetBuffer and PyBuffer_Release to hold
 * the memory.
 *
 * For a type whose buffer table is in Python 2.7's layout (Python 2 mode,
 * python2.h) they behave as Python 2.7.18's: the segment slot each uses,
 * even beside bf_getbuffer, the single-segment rule and 2.7's messages.
 *
 * A NULL argument raises SystemError "null argument to internal routine",
 * unless an exception is already set, which is kept.
 */
#ifndef Py_ABSTRACT_H
#define Py_ABSTRACT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A read-only pointer to character data: PyBUF_SIMPLE through
   PyObject_GetBuffer (its exception on failure), or bf_getcharbuffer. */
PyAPI_FUNC(int) PyObject_AsCharBuffer(PyObject *obj, const char **buffer,
                                      Py_ssize_t *buffer_len);

/* A read-only pointer to any data: as AsCharBuffer, or bf_getreadbuffer. */
PyAPI_FUNC(int) PyObject_AsReadBuffer(PyObject *obj, const void **buffer,
                                      Py_ssize_t *buffer_len);

/* 1 if obj gives a readable buffer, else 0.  CPython 3's: only the
   exporter's -1 is a no (its exception cleared); any other answer is a
   yes, with the view released and any exception the exporter set left
   set.  Python 2's: 1 if the read slot exists and bf_getsegcount says one
   segment; an exception bf_getsegcount raises is left set. */
PyAPI_FUNC(int) PyObject_CheckReadBuffer(PyObject *obj);

/* A writable pointer: bf_getbuffer with PyBUF_WRITABLE, any failure
   replaced by TypeError "expected a writable bytes-like object"; or
   bf_getwritebuffer. */
PyAPI_FUNC(int) PyObject_AsWriteBuffer(PyObject *obj, void **buffer,
                                       Py_ssize_t *buffer_len);

#ifdef __cplusplus
}
#endif

#endif /* !Py_ABSTRACT_H */
