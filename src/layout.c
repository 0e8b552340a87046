/* The geometry of a view: contiguity, item addresses, strides, and the
 * complete description the copy functions work from.
 *
 * Assumptions CPython makes and minibuf checks instead:
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
#include "internal.h"

/* --- Contiguity ---------------------------------------------------------------- */

/* The extent of dimension i; for a 1-D view without shape, len/itemsize.
   -1 if the view has no shape to tell. */
static Py_ssize_t
extent(const Py_buffer *view, int i)
{
    if (view->shape != NULL) {
        return view->shape[i];
    }
    if (view->ndim == 1) {
        return view->itemsize > 0 ? view->len / view->itemsize : 0;
    }
    return -1;
}

/* Walks the dimensions in the given direction: each of extent > 1 must
   have the stride of a contiguous array; extents 0 and 1 are ignored.
   Assumptions: strides != NULL, len != 0. */
static int
strides_are_contiguous(const Py_buffer *view, int fortran)
{
    Py_ssize_t expected = view->itemsize;
    for (int k = 0; k < view->ndim; k++) {
        int i = fortran ? k : view->ndim - 1 - k;
        Py_ssize_t n = extent(view, i);
        if (n < 0) {
            return 0;
        }
        if (n > 1 && view->strides[i] != expected) {
            return 0;
        }
        expected = (Py_ssize_t)((size_t)expected * (size_t)n);
    }
    return 1;
}

static int
is_c_contiguous(const Py_buffer *view)
{
    if (view->len == 0 || view->strides == NULL) {
        return 1;
    }
    return strides_are_contiguous(view, 0);
}

/* Without strides the view is C-contiguous, which is Fortran-contiguous
   too when at most one dimension has more than one item. */
static int
is_f_contiguous(const Py_buffer *view)
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
            Py_ssize_t n = extent(view, i);
            longer += n < 0 || n > 1;
        }
        return longer <= 1;
    }
    return strides_are_contiguous(view, 1);
}

int
PyBuffer_IsContiguous(const Py_buffer *view, char order)
{
    if (view == NULL || view->suboffsets != NULL) {
        return 0;
    }
    switch (order) {
    case 'C':
        return is_c_contiguous(view);
    case 'F':
        return is_f_contiguous(view);
    case 'A':
        return is_c_contiguous(view) || is_f_contiguous(view);
    default:
        return 0;
    }
}

/* --- Strides and addresses ----------------------------------------------------- */

void
mb_contiguous_strides(int ndim, const Py_ssize_t *shape, Py_ssize_t *strides,
                      Py_ssize_t itemsize, char order)
{
    size_t stride = (size_t)itemsize;
    for (int k = 0; k < ndim; k++) {
        int i = order == 'F' ? k : ndim - 1 - k;
        strides[i] = (Py_ssize_t)stride;
        stride *= (size_t)shape[i];
    }
}

void
PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape,
                               Py_ssize_t *strides, int itemsize, char order)
{
    mb_contiguous_strides(ndims, shape, strides, itemsize, order);
}

void *
PyBuffer_GetPointer(const Py_buffer *view, const Py_ssize_t *indices)
{
    if (view == NULL || (indices == NULL && view->ndim > 0)) {
        mb_err_null_argument();
        return NULL;
    }
    const Py_ssize_t *strides = view->strides;
    Py_ssize_t implied[PyBUF_MAX_NDIM];
    if (strides == NULL && view->ndim > 0) {
        MbLayout layout;
        if (mb_layout_of_view(&layout, view, "PyBuffer_GetPointer") < 0) {
            return NULL;
        }
        memcpy(implied, layout.strides, sizeof(Py_ssize_t) * view->ndim);
        strides = implied;
    }
    char *p = view->buf;
    for (int i = 0; i < view->ndim; i++) {
        p = (char *)((uintptr_t)p + (size_t)strides[i] * (size_t)indices[i]);
        if (view->suboffsets != NULL && view->suboffsets[i] >= 0) {
            p = mb_follow(p, view->suboffsets[i]);
        }
    }
    return p;
}

/* --- Complete descriptions ------------------------------------------------------ */

int
mb_layout_of_view(MbLayout *layout, const Py_buffer *view, const char *caller)
{
    int ndim = view->ndim;
    if (ndim < 0) {
        PyErr_Format(PyExc_ValueError, "%s: ndim must not be negative",
                     caller);
        return -1;
    }
    if (ndim > PyBUF_MAX_NDIM) {
        PyErr_Format(PyExc_ValueError, "%s: number of dimensions must not "
                     "exceed %d", caller, PyBUF_MAX_NDIM);
        return -1;
    }
    layout->buf = view->buf;
    layout->itemsize = view->itemsize;
    layout->ndim = ndim;
    layout->suboffsets = view->suboffsets;
    if (view->shape != NULL) {
        for (int i = 0; i < ndim; i++) {
            if (view->shape[i] < 0) {
                PyErr_Format(PyExc_ValueError,
                             "%s: shape[%d] is negative", caller, i);
                return -1;
            }
            layout->shape[i] = view->shape[i];
        }
    }
    else if (ndim == 1) {
        if (view->itemsize <= 0) {
            PyErr_Format(PyExc_ValueError, "%s: itemsize must be positive",
                         caller);
            return -1;
        }
        layout->shape[0] = view->len / view->itemsize;
    }
    else if (ndim > 1) {
        PyErr_Format(PyExc_ValueError, "%s: a view of %d dimensions needs "
                     "a shape", caller, ndim);
        return -1;
    }
    if (view->itemsize < 0) {
        PyErr_Format(PyExc_ValueError, "%s: itemsize must not be negative",
                     caller);
        return -1;
    }
    /* The item count and byte length must fit in Py_ssize_t. */
    Py_ssize_t nitems = 1;
    for (int i = 0; i < ndim; i++) {
        Py_ssize_t n = layout->shape[i];
        if (n != 0 && nitems > PY_SSIZE_T_MAX / n) {
            nitems = -1;
            break;
        }
        nitems *= n;
    }
    if (nitems < 0 || (view->itemsize != 0
                       && nitems > PY_SSIZE_T_MAX / view->itemsize)) {
        PyErr_Format(PyExc_OverflowError, "%s: product(shape) * itemsize "
                     "does not fit in Py_ssize_t", caller);
        return -1;
    }
    layout->nitems = nitems;
    if (view->strides != NULL) {
        memcpy(layout->strides, view->strides, sizeof(Py_ssize_t) * ndim);
    }
    else {
        mb_contiguous_strides(ndim, layout->shape, layout->strides,
                              view->itemsize, 'C');
    }
    return 0;
}

void
mb_layout_contiguous(MbLayout *layout, char *buf, const MbLayout *like,
                     char order)
{
    *layout = *like;
    layout->buf = buf;
    layout->suboffsets = NULL;
    mb_contiguous_strides(like->ndim, layout->shape, layout->strides,
                          like->itemsize, order);
}
