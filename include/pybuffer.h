/* The new buffer protocol (PEP 3118): Py_buffer, the request flags and the
 * helpers that work on a filled-in view.
 *
 * Ownership rules:
 * - A successful PyObject_GetBuffer stores a new reference to the exporter
 *   in view->obj; the consumer must call PyBuffer_Release exactly once on the
 *   same Py_buffer.  Release calls the exporter's bf_releasebuffer while the
 *   reference is still held, then clears view->obj and drops the reference.
 * - format, shape, strides and suboffsets point into memory the exporter
 *   owns (or into the Py_buffer itself) and stay valid until the release.
 *   Consumers treat them, and internal, as read-only.
 */
/* object.h defines PyObject and then includes this file: included first,
   this file lets object.h do so. */
#ifndef Py_PYBUFFER_H
#include "object.h"
#endif

#ifndef Py_PYBUFFER_H
#define Py_PYBUFFER_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bufferinfo {
    void *buf;                /* start of the logical structure */
    PyObject *obj;            /* owned reference to the exporter, or NULL */
    Py_ssize_t len;           /* product(shape) * itemsize */
    Py_ssize_t itemsize;      /* size of one item of the original format */
    int readonly;
    int ndim;
    char *format;             /* struct syntax; NULL means "B" */
    Py_ssize_t *shape;
    Py_ssize_t *strides;
    Py_ssize_t *suboffsets;   /* PIL-style indirection, or NULL */
    void *internal;           /* private to the exporter */
} Py_buffer;

typedef int (*getbufferproc)(PyObject *, Py_buffer *, int);
typedef void (*releasebufferproc)(PyObject *, Py_buffer *);

#define PyBUF_MAX_NDIM 64

/* Request flags (values identical in CPython 2.7 to 3.13). */
#define PyBUF_SIMPLE 0
#define PyBUF_WRITABLE 0x0001
#define PyBUF_WRITEABLE PyBUF_WRITABLE
#define PyBUF_FORMAT 0x0004
#define PyBUF_ND 0x0008
#define PyBUF_STRIDES (0x0010 | PyBUF_ND)
#define PyBUF_C_CONTIGUOUS (0x0020 | PyBUF_STRIDES)
#define PyBUF_F_CONTIGUOUS (0x0040 | PyBUF_STRIDES)
#define PyBUF_ANY_CONTIGUOUS (0x0080 | PyBUF_STRIDES)
#define PyBUF_INDIRECT (0x0100 | PyBUF_STRIDES)

#define PyBUF_CONTIG (PyBUF_ND | PyBUF_WRITABLE)
#define PyBUF_CONTIG_RO (PyBUF_ND)
#define PyBUF_STRIDED (PyBUF_STRIDES | PyBUF_WRITABLE)
#define PyBUF_STRIDED_RO (PyBUF_STRIDES)
#define PyBUF_RECORDS (PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_RECORDS_RO (PyBUF_STRIDES | PyBUF_FORMAT)
#define PyBUF_FULL (PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_FULL_RO (PyBUF_INDIRECT | PyBUF_FORMAT)

/* For the memoryview API only (PyMemoryView_FromMemory and friends). */
#define PyBUF_READ 0x100
#define PyBUF_WRITE 0x200

/* 1 if obj's type has a bf_getbuffer slot, else 0.  Never raises. */
PyAPI_FUNC(int) PyObject_CheckBuffer(PyObject *obj);

/* Ask obj's exporter for a view described by flags.  0 on success (view
   filled, view->obj a new reference); -1 with an exception set.  A type
   without bf_getbuffer gets TypeError and *view is left untouched.  The
   exporter's result passes on as in CPython, even a view granted with an
   exception set (which breaks the protocol): minibuf's own consumers
   release such a view and fail with SystemError. */
PyAPI_FUNC(int) PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags);

/* Give back a view obtained with PyObject_GetBuffer.  A view whose obj is
   NULL (already released, or a temporary) is left alone. */
PyAPI_FUNC(void) PyBuffer_Release(Py_buffer *view);

/* Fill a one-dimensional, contiguous byte view for an exporter (call it from
   bf_getbuffer with the unmodified flags, or with exporter == NULL outside
   one).  -1 with BufferError if WRITABLE is asked and readonly == 1. */
PyAPI_FUNC(int) PyBuffer_FillInfo(Py_buffer *view, PyObject *exporter,
                                  void *buf, Py_ssize_t len, int readonly,
                                  int flags);

/* 1 if the view is contiguous in order 'C', 'F' or 'A' (either), else 0. */
PyAPI_FUNC(int) PyBuffer_IsContiguous(const Py_buffer *view, char order);

/* The address of the item at indices (one index per dimension), following
   suboffsets.  No bounds checks, as in CPython. */
PyAPI_FUNC(void *) PyBuffer_GetPointer(const Py_buffer *view,
                                       const Py_ssize_t *indices);

/* Write the strides of a contiguous array of the given shape: Fortran order
   if order is 'F', C order for any other character. */
PyAPI_FUNC(void) PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape,
                                                Py_ssize_t *strides,
                                                int itemsize, char order);

/* The size in bytes of one item of a struct-module format, as
   struct.calcsize; -1 with struct.error for a bad format. */
PyAPI_FUNC(Py_ssize_t) PyBuffer_SizeFromFormat(const char *format);

/* Copy the view's logical contents into the contiguous buffer buf of len
   bytes, in 'C' or 'F' order ('A': C unless the view is Fortran
   contiguous).  len must equal src->len. */
PyAPI_FUNC(int) PyBuffer_ToContiguous(void *buf, const Py_buffer *src,
                                      Py_ssize_t len, char order);

/* Copy up to len bytes from the contiguous buffer buf into the view,
   visiting items in Fortran order if fort is 'F', else in C order. */
PyAPI_FUNC(int) PyBuffer_FromContiguous(const Py_buffer *view,
                                        const void *buf, Py_ssize_t len,
                                        char fort);

/* Copy src's contents into dest (both exporters).  dest must be writable and
   at least as long as src. */
PyAPI_FUNC(int) PyObject_CopyData(PyObject *dest, PyObject *src);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYBUFFER_H */
