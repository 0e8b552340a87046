/* Answering a request from a layout: what an exporter of a strided array
 * does in bf_getbuffer.  The teaching exporter (ndarray), the host arrays
 * and MbBuffer_FillLayout, for hosts that write their own bf_getbuffer,
 * all answer through mb_grant_layout.
 *
 * The rules are the protocol's (requests.h), asked in _testbuffer's
 * order, so that a request that breaks two of them gets the message of the
 * first: writable, the three contiguity requests, suboffsets, strides,
 * shape.  The messages name the exporter ("ndarray is not writable").
 *
 * Ownership rules: the view points into the layout (its format, shape,
 * strides and suboffsets), which the exporter keeps unchanged until the
 * view is released; MbBuffer_FillLayout stores a new reference to the
 * exporter in view->obj.
 */
#include "protocol.h"

static int
refuse(const char *noun, const char *what)
{
    PyErr_Format(PyExc_BufferError, "%s %s", noun, what);
    return -1;
}

int
mb_grant_layout(const Py_buffer *layout, int c, int f, Py_buffer *view,
                int flags, const char *noun, int policy)
{
    *view = *layout;
    view->obj = NULL;
    if (view->format == NULL) {
        view->format = (char *)"B";
    }
    if (mb_wants_writable(flags) && layout->readonly) {
        return refuse(noun, "is not writable");
    }
    if (!mb_wants_format(flags)) {
        view->format = NULL;
    }
    if (mb_wants_c_contiguous(flags) && !c) {
        return refuse(noun, "is not C-contiguous");
    }
    if (mb_wants_f_contiguous(flags) && !f) {
        return refuse(noun, "is not Fortran contiguous");
    }
    if (mb_wants_any_contiguous(flags) && !c && !f) {
        return refuse(noun, "is not contiguous");
    }
    if (!mb_accepts_suboffsets(flags) && layout->suboffsets != NULL) {
        return refuse(noun, "cannot be represented without suboffsets");
    }
    if (!mb_wants_strides(flags)) {
        if (!c) {
            return refuse(noun, "is not C-contiguous");
        }
        view->strides = NULL;
    }
    if (!mb_wants_shape(flags)) {
        if (view->format != NULL && (policy & MB_GRANT_NO_FORMAT_CAST)) {
            PyErr_Format(PyExc_BufferError, "%s: cannot cast to unsigned "
                         "bytes if the format flag is present", noun);
            return -1;
        }
        view->ndim = 1;
        view->shape = NULL;
    }
    return 0;
}

int
mb_check_layout(const Py_buffer *layout)
{
    const char *problem = NULL;
    if (layout->ndim < 0 || layout->ndim > PyBUF_MAX_NDIM) {
        problem = "ndim must be between 0 and 64";
    }
    else if (layout->ndim > 0
             && (layout->shape == NULL || layout->strides == NULL)) {
        problem = "shape and strides are needed when ndim > 0";
    }
    else if (layout->itemsize <= 0) {
        problem = "itemsize must be positive";
    }
    else {
        /* The product saturates past PY_SSIZE_T_MAX, which no len is. */
        size_t len = (size_t)layout->itemsize, max = PY_SSIZE_T_MAX;
        for (int i = 0; i < layout->ndim && problem == NULL; i++) {
            size_t n = (size_t)layout->shape[i];
            if (layout->shape[i] < 0) {
                problem = "extents of shape must be >= 0";
            }
            len = n != 0 && len > max / n ? max + 1 : len * n;
        }
        if (problem == NULL && len != (size_t)layout->len) {
            problem = "len must be product(shape) * itemsize";
        }
    }
    if (problem != NULL) {
        PyErr_Format(PyExc_ValueError, "layout: %s", problem);
        return -1;
    }
    return 0;
}

int
MbBuffer_FillLayout(Py_buffer *view, PyObject *exporter,
                    const Py_buffer *layout, int flags)
{
    if (view == NULL || layout == NULL) {
        PyErr_BadInternalCall();
        return -1;
    }
    view->obj = NULL;
    if (mb_check_layout(layout) < 0) {
        return -1;
    }
    const char *noun = "object";
    if (exporter != NULL) {
        const char *dot = strrchr(Py_TYPE(exporter)->tp_name, '.');
        noun = dot ? dot + 1 : Py_TYPE(exporter)->tp_name;
    }
    if (mb_grant_layout(layout, PyBuffer_IsContiguous(layout, 'C'),
                        PyBuffer_IsContiguous(layout, 'F'), view, flags,
                        noun, 0) < 0) {
        view->obj = NULL;
        return -1;
    }
    view->obj = Py_XNewRef(exporter);
    return 0;
}
