/* The protocol layer: the new protocol's requests and views, contiguity,
 * layouts and copies, struct formats, and the old protocol's functions.
 * All a higher layer may include of it (runtime.h explains the layers).
 */
#ifndef MB_PROTOCOL_H
#define MB_PROTOCOL_H

#include "../runtime/runtime.h"
#include "requests.h"

/* --- The protocol (buffer.c) --------------------------------------------- */

/* PyObject_CheckBuffer, inline, for an object known not to be NULL. */
static inline int
mb_has_getbuffer(PyObject *obj)
{
    PyBufferProcs *procs = mb_buffer_procs(Py_TYPE(obj));
    return procs != NULL && procs->bf_getbuffer != NULL;
}

/* The answer to an exporter that grants a view with an exception set:
   the view is released and the result is -1 with SystemError "bf_getbuffer
   of 'T' succeeded with an exception set". */
int mb_granted_with_error(PyObject *obj, Py_buffer *view);

/* PyObject_GetBuffer as minibuf's own consumers (memoryview, the copies,
   the old functions, bytearray, ndarray) call it.  PyObject_GetBuffer
   passes the exporter's result on, as CPython's does; a consumer cannot
   use a view granted with an exception set (CPython's consumers return
   success with the exception pending, and its debug build stops the
   process), so here that view is released and refused. */
static inline int
mb_get_buffer(PyObject *obj, Py_buffer *view, int flags)
{
    int result = PyObject_GetBuffer(obj, view, flags);
    if (result == 0 && mb_indicator.type != NULL) {
        return mb_granted_with_error(obj, view);
    }
    return result;
}

/* PyObject_GetBuffer when tracking may be on: the call of obj's
   bf_getbuffer (getbuffer), its checks, then the record (buffer.c). */
int mb_tracked_getbuffer(getbufferproc getbuffer, PyObject *obj,
                         Py_buffer *view, int flags);

/* --- Answering a request from a layout (grant.c) ------------------------- */

/* _testbuffer's policy: a request for a format without a shape is refused
   ("ndarray: cannot cast to unsigned bytes if the format flag is
   present") instead of granted as one dimension without shape. */
#define MB_GRANT_NO_FORMAT_CAST 0x1

/* Fill view from layout (any exporter's complete description of its
   memory) as the request allows, with obj NULL: 0; or refuse it with
   BufferError "<noun> is not writable", "<noun> is not C-contiguous", ...
   and -1.  c and f: whether the layout is C and Fortran contiguous.
   policy: 0 or MB_GRANT_NO_FORMAT_CAST.  Assumption: the layout has shape
   and strides unless its ndim is 0, or the request asks for neither. */
int mb_grant_layout(const Py_buffer *layout, int c, int f, Py_buffer *view,
                    int flags, const char *noun, int policy);

/* The layout a host describes is complete and consistent: ndim within
   PyBUF_MAX_NDIM, shape and strides given for ndim > 0, extents >= 0,
   itemsize > 0 and len == product(shape) * itemsize.  0, or -1 with
   ValueError "layout: ..." naming what is wrong. */
int mb_check_layout(const Py_buffer *layout);

/* --- Contiguity (PyBuffer_IsContiguous, layout.c) ------------------------ */

/* The extent of dimension i; for a 1-D view without shape, len/itemsize.
   -1 if the view has no shape to tell. */
static inline Py_ssize_t
mb_extent(const Py_buffer *view, int i)
{
    if (view->shape != NULL) {
        return view->shape[i];
    }
    if (view->ndim == 1) {
        return view->itemsize > 0 ? view->len / view->itemsize : 0;
    }
    return -1;
}

/* Each dimension of extent > 1 must have the stride of a contiguous array,
   walking from the last dimension (C) or the first (Fortran); extents 0
   and 1 are ignored.  Assumptions: strides != NULL, len != 0. */
static inline int
mb_strides_are_contiguous(const Py_buffer *view, int fortran)
{
    const Py_ssize_t *shape = view->shape, *strides = view->strides;
    size_t expected = (size_t)view->itemsize;
    assert(strides != NULL && view->len != 0);
    if (shape == NULL) {
        Py_ssize_t n = mb_extent(view, 0);
        return view->ndim == 1 && n >= 0
               && (n <= 1 || strides[0] == view->itemsize);
    }
    if (fortran) {
        for (int i = 0; i < view->ndim; i++) {
            if (shape[i] > 1 && (size_t)strides[i] != expected) {
                return 0;
            }
            expected *= (size_t)shape[i];
        }
    }
    else {
        for (int i = view->ndim - 1; i >= 0; i--) {
            if (shape[i] > 1 && (size_t)strides[i] != expected) {
                return 0;
            }
            expected *= (size_t)shape[i];
        }
    }
    return 1;
}

static inline int
mb_is_c_contiguous(const Py_buffer *view)
{
    if (view->len == 0 || view->strides == NULL) {
        return 1;
    }
    return mb_strides_are_contiguous(view, 0);
}

/* Without strides the view is C-contiguous, which is Fortran-contiguous
   too when at most one dimension has more than one item. */
static inline int
mb_is_f_contiguous(const Py_buffer *view)
{
    if (view->len == 0) {
        return 1;
    }
    if (view->strides == NULL) {
        if (view->ndim <= 1) {
            return 1;
        }
        int longer = 0;
        for (int i = 0; i < view->ndim; i++) {
            Py_ssize_t n = mb_extent(view, i);
            longer += n < 0 || n > 1;
        }
        return longer <= 1;
    }
    return mb_strides_are_contiguous(view, 1);
}

/* PyBuffer_IsContiguous, inline for the copy functions. */
static inline MB_ALWAYS_INLINE int
mb_is_contiguous(const Py_buffer *view, char order)
{
    if (view == NULL || view->suboffsets != NULL) {
        return 0;
    }
    switch (order) {
    case 'C':
        return mb_is_c_contiguous(view);
    case 'F':
        return mb_is_f_contiguous(view);
    case 'A':
        return mb_is_c_contiguous(view) || mb_is_f_contiguous(view);
    default:
        return 0;
    }
}


/* --- Layouts (layout.c) -----------------------------------------------------
 *
 * A view's structure with shape and strides always filled in, on the stack:
 * what the copy functions and memoryview work from.
 */
typedef struct {
    char *buf;
    Py_ssize_t itemsize;
    Py_ssize_t nitems;                   /* product(shape) */
    int ndim;
    Py_ssize_t shape[PyBUF_MAX_NDIM];
    Py_ssize_t strides[PyBUF_MAX_NDIM];
    const Py_ssize_t *suboffsets;        /* the view's, or NULL */
    int contiguous;                      /* made contiguous by minibuf: no
                                            two items share a byte */
} MbLayout;

/* The shape, strides and item count of view, with what it leaves out
   filled in as CPython does (1-D shape len/itemsize, C strides); -1 with
   ValueError or OverflowError naming `caller` for a view that cannot be
   described.  shape and strides have room for ndim <= PyBUF_MAX_NDIM. */
int mb_describe(const Py_buffer *view, Py_ssize_t *shape,
                Py_ssize_t *strides, Py_ssize_t *nitems, const char *caller);

/* mb_describe into a layout. */
int mb_layout_of_view(MbLayout *layout, const Py_buffer *view,
                      const char *caller);

/* A contiguous layout in order 'C' or 'F' over buf, with the shape and
   itemsize of `like`. */
void mb_layout_contiguous(MbLayout *layout, char *buf, const MbLayout *like,
                          char order);

/* PyBuffer_FillContiguousStrides with a Py_ssize_t itemsize.  Computed in
   unsigned arithmetic: a product that overflows wraps around instead of
   being undefined. */
static inline void
mb_contiguous_strides(int ndim, const Py_ssize_t *shape, Py_ssize_t *strides,
                      Py_ssize_t itemsize, char order)
{
    size_t stride = (size_t)itemsize;
    if (order == 'F') {
        for (Py_ssize_t i = 0; i < ndim; i++) {
            strides[i] = (Py_ssize_t)stride;
            stride *= (size_t)shape[i];
        }
    }
    else {
        for (Py_ssize_t i = ndim; i-- > 0;) {
            strides[i] = (Py_ssize_t)stride;
            stride *= (size_t)shape[i];
        }
    }
}

/* The address a PIL-style pointer at p leads to, plus suboffset.  The
   pointer is read with memcpy: p need not be aligned.  The sum is taken
   in unsigned arithmetic, as PyBuffer_GetPointer's strides are: a pointer
   read from memory may be anything (NULL in an exporter that lies about
   its layout), and only a valid one gives a valid address. */
static inline char *
mb_follow(const char *p, Py_ssize_t suboffset)
{
    char *target;
    memcpy(&target, p, sizeof(target));
    return (char *)((uintptr_t)target + (uintptr_t)suboffset);
}

/* --- Values of struct items (structvalue.c) ------------------------------ */

/* 1 if the items (of size_a and size_b bytes) unpack to equal values, 0
   if not, -1 with an exception if a format cannot be read.  Assumption:
   each format's size fits in its item. */
int mb_items_equal(const char *format_a, const char *a, Py_ssize_t size_a,
                   const char *format_b, const char *b, Py_ssize_t size_b);

/* --- The strided copy engine (strided.c) -------------------------------- */

/* Copy every item of src to the item of dst with the same index, unless
   the order of the copy could be seen: either has suboffsets, the memory
   the two cover may overlap, or two items of dst may share bytes.  Then
   nothing is copied and the result is -1 (the caller copies in CPython's
   order).  0 when copied.  Assumption: same ndim, shape and itemsize. */
int mb_layout_copy(const MbLayout *dst, const MbLayout *src);

#endif /* !MB_PROTOCOL_H */
