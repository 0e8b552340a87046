/* The request rules: what each PyBUF_* flag asks of an exporter, named
 * once, and the answer of an exporter of plain bytes (PyBuffer_FillInfo).
 *
 * A request is a set of flags (pybuffer.h).  The compound ones include
 * their weaker parts: PyBUF_STRIDES includes PyBUF_ND, every contiguity
 * request and PyBUF_INDIRECT include PyBUF_STRIDES.  So each structure
 * request is tested as "all of its bits are set", never as one bit:
 * PyBUF_INDIRECT's own bit (0x100) without PyBUF_STRIDES is not a request
 * for suboffsets.  Every exporter in src/ asks these questions and keeps
 * its own message texts, as CPython's exporters do.
 *
 * Written with CPython's API only, like request_names.c and the checker,
 * so that the checker compiled against CPython uses the same rules.
 */
#ifndef MB_REQUESTS_H
#define MB_REQUESTS_H

#include <Python.h>

/* The consumer will write through the view: readonly must be 0. */
static inline int
mb_wants_writable(int flags)
{
    return (flags & PyBUF_WRITABLE) != 0;
}

/* The consumer reads format; without it, format must be NULL ("B"). */
static inline int
mb_wants_format(int flags)
{
    return (flags & PyBUF_FORMAT) != 0;
}

/* The consumer reads shape; without it, shape must be NULL (and ndim 1
   for CPython's exporters). */
static inline int
mb_wants_shape(int flags)
{
    return (flags & PyBUF_ND) == PyBUF_ND;
}

/* The consumer reads strides; without them, the view must be
   C-contiguous and strides NULL. */
static inline int
mb_wants_strides(int flags)
{
    return (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
}

static inline int
mb_wants_c_contiguous(int flags)
{
    return (flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS;
}

static inline int
mb_wants_f_contiguous(int flags)
{
    return (flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS;
}

static inline int
mb_wants_any_contiguous(int flags)
{
    return (flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS;
}

/* Strides (so shape too) asked for, and no contiguity: a request that
   takes any strided layout as it is, tested with one mask (the three
   contiguity requests are PyBUF_STRIDES and a bit of their own). */
static inline int
mb_wants_any_strides(int flags)
{
    const int contiguity = (PyBUF_C_CONTIGUOUS | PyBUF_F_CONTIGUOUS
                            | PyBUF_ANY_CONTIGUOUS) & ~PyBUF_STRIDES;
    return (flags & (PyBUF_STRIDES | contiguity)) == PyBUF_STRIDES;
}

/* The consumer follows suboffsets; without them, a view that needs them
   must be refused. */
static inline int
mb_accepts_suboffsets(int flags)
{
    return (flags & PyBUF_INDIRECT) == PyBUF_INDIRECT;
}

/* Refuse a request: BufferError with the exporter's message, -1. */
static inline int
mb_refuse(const char *message)
{
    PyErr_SetString(PyExc_BufferError, message);
    return -1;
}

/* PyBuffer_FillInfo: a one-dimensional view of len unsigned bytes,
   filled as the request allows.  Inline for the exporters of bytes, whose
   bf_getbuffer is this and nothing else; PyBuffer_FillInfo (buffer.c)
   calls it too. */
static inline int
mb_fill_info(Py_buffer *view, PyObject *exporter, void *buf, Py_ssize_t len,
             int readonly, int flags)
{
    if (view == NULL) {
        return mb_refuse("PyBuffer_FillInfo: view==NULL argument is "
                         "obsolete");
    }
    /* CPython tests readonly == 1 literally: 2 counts as writable. */
    if (mb_wants_writable(flags) && readonly == 1) {
        return mb_refuse("Object is not writable.");
    }
    view->obj = Py_XNewRef(exporter);
    view->buf = buf;
    view->len = len;
    view->readonly = readonly;
    view->itemsize = 1;
    view->format = mb_wants_format(flags) ? (char *)"B" : NULL;
    view->ndim = 1;
    view->shape = mb_wants_shape(flags) ? &view->len : NULL;
    view->strides = mb_wants_strides(flags) ? &view->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

/* For the files that also compile against CPython, which does not
   declare minibuf's functions. */
#ifndef MINIBUF_H
size_t MbRequest_Describe(int flags, char *out, size_t size);
#endif

#endif /* !MB_REQUESTS_H */
