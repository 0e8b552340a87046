/* The geometry of a view: contiguity, item addresses, strides, and the
 * complete description the copy functions work from.
 *
 * What CPython takes for granted and minibuf checks instead:
 * - strides == NULL means the C-contiguous strides of shape; a view with
 *   ndim == 1 and shape == NULL has len / itemsize items.  CPython reads
 *   through these NULLs in PyBuffer_GetPointer and PyBuffer_FromContiguous;
 *   minibuf computes the implied values.
 * - A view that cannot be described (ndim < 0 or > PyBUF_MAX_NDIM, ndim > 1
 *   without a shape, a negative extent, a 1-D view without shape whose
 *   itemsize is not positive) gets ValueError from mb_layout_of_view.
 * Offsets are computed in unsigned arithmetic, so hostile strides give a
 * wrong address rather than undefined behaviour; only valid indices give a
 * valid one, as in CPython.
 */
#include "protocol.h"

/* --- Contiguity ---------------------------------------------------------- */

int
PyBuffer_IsContiguous(const Py_buffer *view, char order)
{
    return mb_is_contiguous(view, order);
}

/* --- Strides and addresses ----------------------------------------------- */

void
PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape,
                               Py_ssize_t *strides, int itemsize, char order)
{
    mb_contiguous_strides(ndims, shape, strides, itemsize, order);
}

/* The address of the item at indices, following suboffsets.
   Assumption: strides has view->ndim entries. */
static inline MB_ALWAYS_INLINE void *
item_pointer(const Py_buffer *view, const Py_ssize_t *strides,
             const Py_ssize_t *indices)
{
    assert(strides != NULL || view->ndim == 0);
    uintptr_t p = (uintptr_t)view->buf;
    if (view->suboffsets == NULL) {
        for (int i = 0; i < view->ndim; i++) {
            p += (uintptr_t)strides[i] * (uintptr_t)indices[i];
        }
        return (void *)p;
    }
    for (int i = 0; i < view->ndim; i++) {
        p += (uintptr_t)strides[i] * (uintptr_t)indices[i];
        if (view->suboffsets[i] >= 0) {
            p = (uintptr_t)mb_follow((const char *)p, view->suboffsets[i]);
        }
    }
    return (void *)p;
}

/* PyBuffer_GetPointer of a view without strides (ndim > 0): the
   C-contiguous strides of its shape.  Out of line: the layout it fills is
   a kilobyte of stack that the common case must not set up. */
static MB_COLD void *
pointer_without_strides(const Py_buffer *view, const Py_ssize_t *indices)
{
    MbLayout layout;
    if (mb_layout_of_view(&layout, view, "PyBuffer_GetPointer") < 0) {
        return NULL;
    }
    return item_pointer(view, layout.strides, indices);
}

void *
PyBuffer_GetPointer(const Py_buffer *view, const Py_ssize_t *indices)
{
    if (MB_UNLIKELY(view == NULL || (indices == NULL && view->ndim > 0))) {
        mb_err_null_argument();
        return NULL;
    }
    if (MB_UNLIKELY(view->strides == NULL && view->ndim != 0)) {
        return pointer_without_strides(view, indices);
    }
    return item_pointer(view, view->strides, indices);
}

/* --- Complete descriptions ----------------------------------------------- */

/* The view's ndim and itemsize are ones a layout can have; -1 with
   ValueError naming caller otherwise. */
static int
check_dimensions(const Py_buffer *view, const char *caller)
{
    if (view->ndim < 0) {
        PyErr_Format(PyExc_ValueError, "%s: ndim must not be negative",
                     caller);
        return -1;
    }
    if (view->ndim > PyBUF_MAX_NDIM) {
        PyErr_Format(PyExc_ValueError, "%s: number of dimensions must not "
                     "exceed %d", caller, PyBUF_MAX_NDIM);
        return -1;
    }
    if (view->itemsize < 0) {
        PyErr_Format(PyExc_ValueError, "%s: itemsize must not be negative",
                     caller);
        return -1;
    }
    return 0;
}

int
mb_describe(const Py_buffer *view, Py_ssize_t *shape, Py_ssize_t *strides,
            Py_ssize_t *nitems, const char *caller)
{
    int ndim = view->ndim;
    if (check_dimensions(view, caller) < 0) {
        return -1;
    }
    if (view->shape != NULL) {
        for (int i = 0; i < ndim; i++) {
            if (view->shape[i] < 0) {
                PyErr_Format(PyExc_ValueError,
                             "%s: shape[%d] is negative", caller, i);
                return -1;
            }
            shape[i] = view->shape[i];
        }
    }
    else if (ndim == 1) {
        if (view->itemsize <= 0) {
            PyErr_Format(PyExc_ValueError, "%s: itemsize must be positive",
                         caller);
            return -1;
        }
        shape[0] = view->len / view->itemsize;
    }
    else if (ndim > 1) {
        PyErr_Format(PyExc_ValueError, "%s: a view of %d dimensions needs "
                     "a shape", caller, ndim);
        return -1;
    }
    /* The item count and byte length must fit in Py_ssize_t. */
    Py_ssize_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (__builtin_mul_overflow(n, shape[i], &n)) {
            n = -1;
            break;
        }
    }
    Py_ssize_t bytes;
    if (n < 0 || __builtin_mul_overflow(n, view->itemsize, &bytes)) {
        PyErr_Format(PyExc_OverflowError, "%s: product(shape) * itemsize "
                     "does not fit in Py_ssize_t", caller);
        return -1;
    }
    *nitems = n;
    if (view->strides != NULL) {
        for (int i = 0; i < ndim; i++) {
            strides[i] = view->strides[i];
        }
    }
    else {
        mb_contiguous_strides(ndim, shape, strides, view->itemsize, 'C');
    }
    return 0;
}

int
mb_layout_of_view(MbLayout *layout, const Py_buffer *view, const char *caller)
{
    layout->buf = view->buf;
    layout->itemsize = view->itemsize;
    layout->ndim = view->ndim;
    layout->suboffsets = view->suboffsets;
    layout->contiguous = 0;
    return mb_describe(view, layout->shape, layout->strides, &layout->nitems,
                       caller);
}

void
mb_layout_contiguous(MbLayout *layout, char *buf, const MbLayout *like,
                     char order)
{
    layout->buf = buf;
    layout->itemsize = like->itemsize;
    layout->nitems = like->nitems;
    layout->ndim = like->ndim;
    layout->suboffsets = NULL;
    layout->contiguous = 1;
    for (int i = 0; i < like->ndim; i++) {
        layout->shape[i] = like->shape[i];
    }
    mb_contiguous_strides(like->ndim, layout->shape, layout->strides,
                          like->itemsize, order);
}
