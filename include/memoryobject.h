/* memoryview and its managed buffer.
 *
 * Ownership rules:
 * - A managed buffer holds the one Py_buffer ("master") obtained from an
 *   exporter, with PyBUF_FULL_RO.  Every memoryview made from that exporter,
 *   directly or through another memoryview (a view of a view, a slice, a
 *   cast, toreadonly), is registered with the same managed buffer, which
 *   counts them in `exports`.
 * - The master is released exactly once: when the last registered view is
 *   released or deallocated.  The managed buffer object itself lives as
 *   long as a view refers to it.
 * - A view's obj is the master's obj, the base exporter (borrowed: the
 *   master holds the reference); views made from raw memory or from a
 *   Py_buffer have none.
 * - A memoryview counts, in its own `exports`, the buffers it has exported
 *   itself; it cannot be released while they are out.
 */
#ifndef Py_MEMORYOBJECT_H
#define Py_MEMORYOBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _Py_MANAGED_BUFFER_RELEASED 0x001     /* master released */
#define _Py_MANAGED_BUFFER_FREE_FORMAT 0x002  /* master.format was copied */

typedef struct {
    PyObject_HEAD
    int flags;
    Py_ssize_t exports;       /* memoryviews registered with it */
    Py_buffer master;
} _PyManagedBufferObject;

#define _Py_MEMORYVIEW_RELEASED 0x001
#define _Py_MEMORYVIEW_C 0x002
#define _Py_MEMORYVIEW_FORTRAN 0x004
#define _Py_MEMORYVIEW_SCALAR 0x008
#define _Py_MEMORYVIEW_PIL 0x010

typedef struct {
    PyObject_VAR_HEAD
    _PyManagedBufferObject *mbuf;
    Py_hash_t hash;           /* -1 until computed */
    int flags;
    Py_ssize_t exports;       /* buffers exported by this view */
    Py_buffer view;           /* shape, strides, suboffsets in ob_array */
    PyObject *weakreflist;    /* unused; kept for CPython's layout */
    Py_ssize_t ob_array[1];
} PyMemoryViewObject;

PyAPI_DATA(PyTypeObject) MbTypeObject_MemoryView;
#define MbType_MemoryView (&MbTypeObject_MemoryView)
PyAPI_DATA(PyTypeObject) MbTypeObject_ManagedBuffer;
#define MbType_ManagedBuffer (&MbTypeObject_ManagedBuffer)
#define PyMemoryView_Type MbTypeObject_MemoryView
#define _PyManagedBuffer_Type MbTypeObject_ManagedBuffer

#define PyMemoryView_Check(op) Py_IS_TYPE((op), &PyMemoryView_Type)
#define PyMemoryView_GET_BUFFER(op) (&((PyMemoryViewObject *)(op))->view)
#define PyMemoryView_GET_BASE(op) (((PyMemoryViewObject *)(op))->view.obj)

/* A new view of obj: of the same managed buffer if obj is a memoryview,
   else of a new one holding a PyBUF_FULL_RO request.  TypeError
   "memoryview: a bytes-like object is required, not 'T'". */
PyAPI_FUNC(PyObject *) PyMemoryView_FromObject(PyObject *obj);

/* A view of size bytes at mem, read-only unless flags is PyBUF_WRITE
   (flags must be PyBUF_READ or PyBUF_WRITE).  The memory must outlive it. */
PyAPI_FUNC(PyObject *) PyMemoryView_FromMemory(char *mem, Py_ssize_t size,
                                               int flags);

/* A view described by info, which is copied; missing format, shape and
   strides are reconstructed.  The view does not own info->obj, and
   info->format must stay valid.  ValueError if info->buf is NULL. */
PyAPI_FUNC(PyObject *) PyMemoryView_FromBuffer(const Py_buffer *info);

/* A view of obj that is contiguous in order 'C', 'F' or 'A': obj's own view
   if it already is, else (buffertype PyBUF_READ) a read-only view of a
   contiguous copy in new bytes. */
PyAPI_FUNC(PyObject *) PyMemoryView_GetContiguous(PyObject *obj,
                                                  int buffertype,
                                                  char order);

#ifdef __cplusplus
}
#endif

#endif /* !Py_MEMORYOBJECT_H */
