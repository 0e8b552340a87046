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
static inline Py_ssize_t
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

/* Each dimension of extent > 1 must have the stride of a contiguous array,
   walking from the last dimension (C) or the first (Fortran); extents 0
   and 1 are ignored.  Assumptions: strides != NULL, len != 0. */
static inline int
strides_are_contiguous(const Py_buffer *view, int fortran)
{
    const Py_ssize_t *shape = view->shape, *strides = view->strides;
    size_t expected = (size_t)view->itemsize;
    if (shape == NULL) {
        Py_ssize_t n = extent(view, 0);
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
is_c_contiguous(const Py_buffer *view)
{
    if (view->len == 0 || view->strides == NULL) {
        return 1;
    }
    return strides_are_contiguous(view, 0);
}

/* Without strides the view is C-contiguous, which is Fortran-contiguous
   too when at most one dimension has more than one item. */
static inline int
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

/* The address of the item at indices, following suboffsets.
   Assumption: strides has view->ndim entries. */
static void *
item_pointer(const Py_buffer *view, const Py_ssize_t *strides,
             const Py_ssize_t *indices)
{
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

void *
PyBuffer_GetPointer(const Py_buffer *view, const Py_ssize_t *indices)
{
    if (view == NULL || (indices == NULL && view->ndim > 0)) {
        mb_err_null_argument();
        return NULL;
    }
    if (view->strides != NULL || view->ndim == 0) {
        return item_pointer(view, view->strides, indices);
    }
    MbLayout layout;
    if (mb_layout_of_view(&layout, view, "PyBuffer_GetPointer") < 0) {
        return NULL;
    }
    return item_pointer(view, layout.strides, indices);
}

/* --- Complete descriptions ------------------------------------------------------ */

int
mb_describe(const Py_buffer *view, Py_ssize_t *shape, Py_ssize_t *strides,
            Py_ssize_t *nitems, const char *caller)
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
    if (view->itemsize < 0) {
        PyErr_Format(PyExc_ValueError, "%s: itemsize must not be negative",
                     caller);
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
    for (int i = 0; i < like->ndim; i++) {
        layout->shape[i] = like->shape[i];
    }
    mb_contiguous_strides(like->ndim, layout->shape, layout->strides,
                          like->itemsize, order);
}
