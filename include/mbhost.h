/* minibuf for hosts: runtimes that are not Python (Rust, LuaJIT, a C
 * program of their own) and reach the library through a foreign function
 * interface.
 *
 * Objects are opaque handles here: a host keeps a PyObject * and never
 * reads or writes through it, so the only structure it mirrors is
 * Py_buffer (pybuffer.h), whose layout is the protocol's contract.
 * MbBuffer_Size and MbBuffer_FieldOffset let a host check its mirror at
 * start-up.  Everything a foreign function interface cannot call (macros,
 * inline functions) has a function form: Py_IncRef and Py_DecRef
 * (object.h) for Py_INCREF and Py_XDECREF, MbObject_RefCount for
 * Py_REFCNT, and the rest below.  The PyBUF_* requests are plain numbers
 * (pybuffer.h), or MbRequest_Parse turns their names into them.
 *
 * No initialisation is needed: the library is ready when it is loaded.
 *
 * Ownership rules (docs/embedding.md walks through them):
 * - Functions that return PyObject * return a new reference, or NULL with
 *   an exception set (MbErr_TypeName and MbErr_Message read it,
 *   PyErr_Clear clears it); the host gives the reference back with
 *   Py_DecRef.
 * - A host exporter (MbHostType_New, MbHostObject_New) or host array
 *   (MbHostArray_New) carries a host pointer and a release callback,
 *   called exactly once with that pointer when the object's last
 *   reference goes: after every view of it has been released, since each
 *   view holds a reference.  Until then the memory the object exports
 *   must stay where it is.
 * - A failed creation calls nothing: the host still owns its pointer.
 *
 * Threads: the rules of docs/threads.md.  Callbacks run on the thread
 * that calls PyObject_GetBuffer, PyBuffer_Release or the last Py_DecRef;
 * an object and its views belong to one thread at a time.
 */
#ifndef MB_HOST_H
#define MB_HOST_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Exporter types made of callbacks ---------------------------------------
 *
 * getbuffer answers a request (flags) for the object exporter, whose host
 * pointer is host: it fills view and returns 0, or returns -1 to refuse,
 * with an exception set (PyErr_SetString(PyExc_BufferError, ...)), else
 * minibuf sets BufferError "<name>: request refused by the host".  It may
 * leave view->obj NULL: minibuf then stores a new reference to exporter
 * there, as the protocol requires.  MbBuffer_FillLayout answers any
 * request from a description of the memory.  releasebuffer (may be NULL)
 * is called by PyBuffer_Release for each view getbuffer granted.
 */
typedef int (*MbHostGetBuffer)(PyObject *exporter, void *host,
                               Py_buffer *view, int flags);
typedef void (*MbHostReleaseBuffer)(PyObject *exporter, void *host,
                                    Py_buffer *view);
typedef void (*MbHostRelease)(void *host);

/* A new exporter type named name ("module.Name", copied), whose instances
   answer requests with getbuffer.  A heap type, freed with its last
   instance and reference.  SystemError for a NULL name or getbuffer. */
PyAPI_FUNC(PyObject *) MbHostType_New(const char *name,
                                      MbHostGetBuffer getbuffer,
                                      MbHostReleaseBuffer releasebuffer);

/* A new instance of a type made by MbHostType_New, carrying host;
   release(host) is called when it is freed (release may be NULL).
   TypeError "'T' is not a host exporter type" for any other type. */
PyAPI_FUNC(PyObject *) MbHostObject_New(PyObject *type, void *host,
                                        MbHostRelease release);

/* The host pointer of a host exporter or host array; NULL with TypeError
   "'T' object is not a host object" for any other object. */
PyAPI_FUNC(void *) MbHostObject_Host(PyObject *obj);

/* --- Host arrays ------------------------------------------------------------
 *
 * An exporter of memory the host owns, described once by layout: buf,
 * len, itemsize, readonly, ndim, format (NULL: "B"), shape, strides and
 * suboffsets (may be NULL); obj and internal are ignored.  The object
 * copies the description (the host may free its arrays) but not the
 * memory, and answers every request as MbBuffer_FillLayout does, with no
 * callback, so a host that only shares arrays writes no bf_getbuffer.
 * Its type is minibuf.hostarray.  ValueError "layout: ..." for a layout
 * MbBuffer_FillLayout refuses or a format that is not PEP 3118 or whose
 * size is not itemsize.
 */
PyAPI_FUNC(PyObject *) MbHostArray_New(const Py_buffer *layout, void *host,
                                       MbHostRelease release);

/* Fill view for a request from layout, a complete description of the
   memory exporter exports (as for MbHostArray_New; obj and internal are
   copied into the view), and store a new reference to exporter in
   view->obj (exporter may be NULL).  The view points to layout's format,
   shape, strides and suboffsets, which must not change until it is
   released.  The protocol's rules decide, in CPython's order: BufferError
   "<T> is not writable", "<T> is not C-contiguous", "<T> is not Fortran
   contiguous", "<T> is not contiguous", "<T> cannot be represented
   without suboffsets" (T the exporter's type name after its last dot, or
   "object"); a request without PyBUF_ND gets one dimension without shape.
   ValueError "layout: ..." for an incomplete layout: ndim outside 0..64,
   shape or strides missing when ndim > 0, an extent below 0, itemsize
   not positive, len not product(shape) * itemsize. */
PyAPI_FUNC(int) MbBuffer_FillLayout(Py_buffer *view, PyObject *exporter,
                                    const Py_buffer *layout, int flags);

/* --- Function forms ---------------------------------------------------------
 */

/* Py_REFCNT(obj). */
PyAPI_FUNC(Py_ssize_t) MbObject_RefCount(PyObject *obj);

/* Py_TYPE(obj)->tp_name ("bytes", "minibuf.hostarray"). */
PyAPI_FUNC(const char *) MbObject_TypeName(PyObject *obj);

/* PyMemoryView_GET_BUFFER(mv): the view a memoryview holds, valid while
   the memoryview is; NULL with TypeError "memoryview expected" for any
   other object. */
PyAPI_FUNC(const Py_buffer *) MbMemoryView_Buffer(PyObject *mv);

/* The size of Py_buffer, and the offset of its field named field ("buf",
   "obj", "len", "itemsize", "readonly", "ndim", "format", "shape",
   "strides", "suboffsets", "internal"), or -1 for another name: a host
   compares them with its own mirror. */
PyAPI_FUNC(size_t) MbBuffer_Size(void);
PyAPI_FUNC(Py_ssize_t) MbBuffer_FieldOffset(const char *field);

/* The request a text names, into *flags: a number ("0x11d", "284") or
   names joined with '|' or ',' ("FULL_RO", "PyBUF_ND|PyBUF_FORMAT"; the
   PyBUF_ prefix and case are optional).  0, or -1 with ValueError
   "unknown request: 'text'". */
PyAPI_FUNC(int) MbRequest_Parse(const char *text, int *flags);

#ifdef __cplusplus
}
#endif

#endif /* !MB_HOST_H */
