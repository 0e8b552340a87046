/* Copying between a view and contiguous memory, or between two exporters:
 * PyBuffer_ToContiguous, PyBuffer_FromContiguous and PyObject_CopyData.
 *
 * Results are CPython 3.11's.  Where the memory read and the memory written
 * cannot overlap and each item is written once, the order of the copy is
 * not observable, so the fast path (mb_layout_copy, strided.c) merges
 * dimensions, copies contiguous runs with memcpy and transposes in tiles.
 * Where it is observable, minibuf copies item by item in CPython's order:
 * - when the source and the destination memory overlap, or when items of
 *   the destination overlap each other (a zero stride writes one item at
 *   several indices: the last write wins);
 * - PyBuffer_FromContiguous with fewer bytes than the view holds (the
 *   first len / itemsize items, in C or Fortran index order);
 * - PyObject_CopyData between views of different structure, where CPython
 *   uses the source's index for both and writes some items several times
 *   (its order starts at the second item and ends with the first).
 * Where CPython would write outside the destination (a source index the
 * destination's shape does not have, a larger source itemsize), minibuf
 * raises BufferError instead.
 */
#include "protocol.h"

/* --- Item by item, in CPython's order ------------------------------------ */

/* The address of the item of `layout` at index[0..ndim), where `ndim` may
   differ from the layout's: missing indices count as 0, extra ones are
   ignored (CPython's PyObject_CopyData uses one index for both sides). */
static char *
item_address(const MbLayout *layout, const Py_ssize_t *index, int ndim)
{
    char *p = layout->buf;
    for (int i = 0; i < layout->ndim; i++) {
        Py_ssize_t j = i < ndim ? index[i] : 0;
        p = (char *)((uintptr_t)p + (size_t)layout->strides[i] * (size_t)j);
        if (layout->suboffsets != NULL && layout->suboffsets[i] >= 0) {
            p = mb_follow(p, layout->suboffsets[i]);
        }
    }
    return p;
}

/* Steps index to the next item of shape in C or Fortran order, wrapping
   around after the last. */
static void
next_index(Py_ssize_t *index, const Py_ssize_t *shape, int ndim,
           int fortran)
{
    for (int k = 0; k < ndim; k++) {
        int i = fortran ? k : ndim - 1 - k;
        if (++index[i] < shape[i]) {
            return;
        }
        index[i] = 0;
    }
}

/* Copies `count` items one at a time, visiting src's shape in C or Fortran
   index order; with `rotated`, the index is stepped before each copy, as
   CPython's PyObject_CopyData does.  Each item moves with memmove, so
   overlapping memory gives the order's result.  Items of no bytes copy
   nothing, and their addresses (which suboffsets may lead anywhere, NULL
   included) are not computed. */
static void
copy_items_in_order(const MbLayout *dst, const MbLayout *src,
                    Py_ssize_t count, int fortran, int rotated)
{
    if (src->itemsize == 0) {
        return;
    }
    Py_ssize_t index[PyBUF_MAX_NDIM] = {0};
    for (Py_ssize_t t = 0; t < count; t++) {
        if (rotated) {
            next_index(index, src->shape, src->ndim, fortran);
        }
        memmove(item_address(dst, index, src->ndim),
                item_address(src, index, src->ndim), (size_t)src->itemsize);
        if (!rotated) {
            next_index(index, src->shape, src->ndim, fortran);
        }
    }
}

/* n bytes from src to dst: memcpy, unless the two overlap (which CPython's
   memcpy would leave undefined). */
static void
copy_bytes(void *dst, const void *src, Py_ssize_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
    if (d + (uintptr_t)n <= s || s + (uintptr_t)n <= d) {
        memcpy(dst, src, (size_t)n);
    }
    else {
        memmove(dst, src, (size_t)n);
    }
}

/* --- The public functions ------------------------------------------------ */

/* PyBuffer_ToContiguous of a view that is not contiguous in order: out of
   line, so that the contiguous case needs no room for two layouts. */
static MB_OUT_OF_LINE int
to_contiguous_strided(void *buf, const Py_buffer *src, Py_ssize_t len,
                      char order)
{
    MbLayout from, to;
    if (mb_layout_of_view(&from, src, "PyBuffer_ToContiguous") < 0) {
        return -1;
    }
    /* Fewer bytes than len would leave the rest of buf unwritten (and
       memoryview.tobytes() would hand out whatever the memory held);
       more would write past it. */
    if (from.nitems * from.itemsize != len) {
        PyErr_SetString(PyExc_ValueError, "PyBuffer_ToContiguous: "
                        "view->len does not match its shape and itemsize");
        return -1;
    }
    /* 'C' and 'A' give C order; 'F', and any other character, Fortran. */
    mb_layout_contiguous(&to, buf, &from,
                         order == 'C' || order == 'A' ? 'C' : 'F');
    if (mb_layout_copy(&to, &from) < 0) {
        copy_items_in_order(&to, &from, from.nitems, 0, 0);
    }
    return 0;
}

int
PyBuffer_ToContiguous(void *buf, const Py_buffer *src, Py_ssize_t len,
                      char order)
{
    if (src == NULL || (buf == NULL && len != 0)) {
        mb_err_null_argument();
        return -1;
    }
    if (len != src->len) {
        PyErr_SetString(PyExc_ValueError,
                        "PyBuffer_ToContiguous: len != view->len");
        return -1;
    }
    if (len < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "PyBuffer_ToContiguous: len must not be negative");
        return -1;
    }
    if (!mb_is_contiguous(src, order)) {
        return to_contiguous_strided(buf, src, len, order);
    }
    if (len > 0) {
        copy_bytes(buf, src->buf, len);
    }
    return 0;
}

/* PyBuffer_FromContiguous of len bytes (at most view->len) into a view
   that is not contiguous in fort's order: out of line, as above. */
static MB_OUT_OF_LINE int
from_contiguous_strided(const Py_buffer *view, const void *buf,
                        Py_ssize_t len, char fort)
{
    MbLayout to, from;
    if (mb_layout_of_view(&to, view, "PyBuffer_FromContiguous") < 0) {
        return -1;
    }
    if (to.itemsize <= 0 || to.nitems * to.itemsize != view->len) {
        PyErr_SetString(PyExc_ValueError, "PyBuffer_FromContiguous: "
                        "view->len does not match its shape and itemsize");
        return -1;
    }
    /* Items are read from buf in Fortran index order for 'F', C order for
       anything else. */
    int fortran = fort == 'F';
    mb_layout_contiguous(&from, (char *)buf, &to, fortran ? 'F' : 'C');
    Py_ssize_t count = len / to.itemsize;
    if (count < to.nitems || mb_layout_copy(&to, &from) < 0) {
        copy_items_in_order(&to, &from, count, fortran, 0);
    }
    return 0;
}

int
PyBuffer_FromContiguous(const Py_buffer *view, const void *buf,
                        Py_ssize_t len, char fort)
{
    if (view == NULL || (buf == NULL && len != 0)) {
        mb_err_null_argument();
        return -1;
    }
    if (len < 0 || view->len < 0) {
        PyErr_SetString(PyExc_ValueError, "PyBuffer_FromContiguous: "
                        "len and view->len must not be negative");
        return -1;
    }
    if (len > view->len) {
        len = view->len;
    }
    if (!mb_is_contiguous(view, fort)) {
        return from_contiguous_strided(view, buf, len, fort);
    }
    if (len > 0) {
        copy_bytes(view->buf, buf, len);
    }
    return 0;
}

/* CPython copies src.itemsize bytes to the destination item with the
   source's index; raises BufferError where that would reach outside the
   destination. */
static int
check_index_sharing(const MbLayout *dst, const MbLayout *src)
{
    if (src->nitems == 0) {
        return 0;
    }
    if (src->itemsize > dst->itemsize) {
        PyErr_SetString(PyExc_BufferError, "PyObject_CopyData: the "
                        "source's items are larger than the destination's");
        return -1;
    }
    for (int i = 0; i < dst->ndim; i++) {
        Py_ssize_t needed = i < src->ndim ? src->shape[i] : 1;
        if (needed > dst->shape[i]) {
            PyErr_SetString(PyExc_BufferError, "PyObject_CopyData: the "
                            "source's shape reaches outside the "
                            "destination's");
            return -1;
        }
    }
    return 0;
}

static int
same_structure(const MbLayout *a, const MbLayout *b)
{
    if (a->ndim != b->ndim || a->itemsize != b->itemsize) {
        return 0;
    }
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] != b->shape[i]) {
            return 0;
        }
    }
    return 1;
}

/* The element-wise copy of PyObject_CopyData, for views that are not both
   C- or both Fortran-contiguous. */
static int
copy_elementwise(const Py_buffer *dest, const Py_buffer *src)
{
    MbLayout to, from;
    if (mb_layout_of_view(&to, dest, "PyObject_CopyData") < 0
        || mb_layout_of_view(&from, src, "PyObject_CopyData") < 0) {
        return -1;
    }
    /* As in the other copies: the item count the copy walks must be the
       one len describes (an exporter that says otherwise would have the
       copy walk items that are not there). */
    if (to.nitems * to.itemsize != dest->len
        || from.nitems * from.itemsize != src->len) {
        PyErr_SetString(PyExc_ValueError, "PyObject_CopyData: view->len "
                        "does not match its shape and itemsize");
        return -1;
    }
    if (same_structure(&to, &from) && mb_layout_copy(&to, &from) == 0) {
        return 0;
    }
    if (check_index_sharing(&to, &from) < 0) {
        return -1;
    }
    copy_items_in_order(&to, &from, from.nitems, 0, 1);
    return 0;
}

int
PyObject_CopyData(PyObject *dest, PyObject *src)
{
    Py_buffer dest_view, src_view;
    if (dest == NULL || src == NULL) {
        mb_err_null_argument();
        return -1;
    }
    if (!mb_has_getbuffer(dest) || !mb_has_getbuffer(src)) {
        PyErr_SetString(PyExc_TypeError, "both destination and source must "
                        "be bytes-like objects");
        return -1;
    }
    if (mb_get_buffer(dest, &dest_view, PyBUF_FULL) != 0) {
        return -1;
    }
    if (mb_get_buffer(src, &src_view, PyBUF_FULL_RO) != 0) {
        PyBuffer_Release(&dest_view);
        return -1;
    }
    int result = 0;
    if (dest_view.len < src_view.len) {
        PyErr_SetString(PyExc_BufferError, "destination is too small to "
                        "receive data from source");
        result = -1;
    }
    else if ((mb_is_contiguous(&src_view, 'C')
              && mb_is_contiguous(&dest_view, 'C'))
             || (mb_is_contiguous(&src_view, 'F')
                 && mb_is_contiguous(&dest_view, 'F'))) {
        if (src_view.len > 0) {
            copy_bytes(dest_view.buf, src_view.buf, src_view.len);
        }
    }
    else {
        result = copy_elementwise(&dest_view, &src_view);
    }
    PyBuffer_Release(&dest_view);
    PyBuffer_Release(&src_view);
    return result;
}
