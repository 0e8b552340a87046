/* ndarray: the N-dimensional teaching exporter.
 *
 * In order: layouts (the spec's checks in _testbuffer's order, PIL
 * tables); the object, its layout stack and suboffsets; exporting (the
 * request rules in _testbuffer's order, with its messages).
 *
 * Ownership rules:
 * - An array owns a stack of layouts ("bases").  Each base owns its memory
 *   (a copy of the caller's bytes, behind a table of row pointers for PIL
 *   layouts), its format, shape, strides and suboffsets.  The head of the
 *   stack is the current layout.
 * - Every export records its base in view->internal and counts itself in
 *   that base's exports.  A base popped while exported is kept on the
 *   retired list until its last export is released; with MB_ND_VAREXPORT,
 *   a base below the head leaves the stack with its last export, as in
 *   _testbuffer.
 * - A re-exporter owns the Py_buffer it obtained from its exporter and
 *   releases it when it dies; its single base describes that view without
 *   owning memory (its obj, borrowed, is the view's).  A sub-array is a
 *   re-exporter of its array whose base describes part of that view.
 * - An export with MB_ND_LEGACY leaves view->obj NULL, so it is never
 *   released and is not counted; the array must outlive such views.
 */
#include "objects.h"

/* Contiguity of a base, computed once. */
#define BASE_C 0x1
#define BASE_F 0x2

typedef struct Base {
    struct Base *next;        /* the layout below, or the next retired one */
    Py_ssize_t exports;
    int contiguity;           /* BASE_C | BASE_F */
    char *memory;             /* owned, NULL for a re-exporter */
    Py_buffer view;           /* the complete description */
    Py_ssize_t arrays[];      /* shape, strides, suboffsets, then format */
} Base;

typedef struct {
    PyObject_HEAD
    int flags;                /* per-array MB_ND_* flags */
    Base *head;
    Base *retired;
    Py_buffer held;           /* what a re-exporter obtained */
    int reexporter;
} NdArray;

/* --- Layouts ------------------------------------------------------------- */

static void
set_contiguity(Base *base)
{
    base->contiguity = (PyBuffer_IsContiguous(&base->view, 'C') ? BASE_C : 0)
                       | (PyBuffer_IsContiguous(&base->view, 'F') ? BASE_F
                                                                   : 0);
}

static void
free_base(Base *base)
{
    PyMem_Free(base->memory);
    PyMem_Free(base);
}

/* A base with room for ndim dimensions and a copy of format.
   Assumption: 0 <= ndim <= MB_ND_MAX_NDIM. */
static Base *
alloc_base(int ndim, const char *format)
{
    assert(ndim >= 0 && ndim <= MB_ND_MAX_NDIM);
    size_t format_size = strlen(format) + 1;
    Base *base = PyMem_Calloc(1, sizeof(Base)
                                 + 3 * (size_t)ndim * sizeof(Py_ssize_t)
                                 + format_size);
    if (base == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    base->view.ndim = ndim;
    /* A 0-d layout has neither shape nor strides. */
    base->view.shape = ndim > 0 ? base->arrays : NULL;
    base->view.strides = ndim > 0 ? base->arrays + ndim : NULL;
    base->view.format = (char *)(base->arrays + 3 * ndim);
    memcpy(base->view.format, format, format_size);
    return base;
}

/* The documentation's verify_structure: every item lies inside memlen
   bytes. */
static int
fits_in_memory(Py_ssize_t memlen, Py_ssize_t itemsize, int ndim,
               const Py_ssize_t *shape, const Py_ssize_t *strides,
               Py_ssize_t offset)
{
    Py_ssize_t low = 0, high = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == 0) {
            return 1;
        }
    }
    for (int i = 0; i < ndim; i++) {
        Py_ssize_t span;
        if (__builtin_mul_overflow(strides[i], shape[i] - 1, &span)
            || __builtin_add_overflow(span <= 0 ? low : high, span,
                                      span <= 0 ? &low : &high)) {
            return 0;
        }
    }
    Py_ssize_t last;
    return offset + low >= 0
           && !__builtin_add_overflow(offset, high, &last)
           && last <= memlen - itemsize;
}

static int
value_error(const char *message)
{
    PyErr_SetString(PyExc_ValueError, message);
    return -1;
}

static int
type_error(const char *message)
{
    PyErr_SetString(PyExc_TypeError, message);
    return -1;
}

/* Check spec in _testbuffer's order; the item size in *itemsize. */
static int
check_spec(const MbNdArraySpec *spec, const char *format,
           Py_ssize_t *itemsize)
{
    int ndim = spec->ndim;
    if (ndim > MB_ND_MAX_NDIM) {
        PyErr_Format(PyExc_ValueError, "ndim must not exceed %d",
                     MB_ND_MAX_NDIM);
        return -1;
    }
    if (ndim < 0 || (ndim > 0 && spec->shape == NULL)
        || spec->nstrides < 0 || (spec->nstrides > 0 && spec->strides == NULL)
        || spec->nbytes < 0) {
        PyErr_BadInternalCall();
        return -1;
    }
    *itemsize = PyBuffer_SizeFromFormat(format);
    if (*itemsize < 0) {
        return -1;
    }
    if (*itemsize == 0) {
        return value_error("itemsize must not be zero");
    }
    if (spec->offset % *itemsize != 0) {
        return value_error("offset must be a multiple of itemsize");
    }
    for (int i = 0; i < ndim; i++) {
        if (spec->shape[i] < 0) {
            return value_error("elements of shape must be integers >= 0");
        }
    }
    if (ndim == 0 && (spec->flags & MB_ND_PIL)) {
        return type_error("ndim = 0 cannot be used in conjunction with "
                          "ND_PIL");
    }
    if (spec->nstrides > 0 && (spec->flags & MB_ND_FORTRAN)) {
        return type_error("ND_FORTRAN cannot be used together with strides");
    }
    if (spec->strides != NULL && spec->nstrides != ndim) {
        return value_error("len(shape) != len(strides)");
    }
    if (spec->offset < 0 || spec->offset > spec->nbytes - *itemsize) {
        return value_error("offset out of bounds");
    }
    if (spec->strides != NULL) {
        for (int i = 0; i < ndim; i++) {
            if (spec->strides[i] % *itemsize != 0) {
                return value_error("strides must be a multiple of "
                                   "itemsize");
            }
        }
    }
    return 0;
}

/* Turn a base into a PIL layout, as _testbuffer lays one out: a table of
   row pointers in front of the data, walked in the direction of the rows'
   stride (strides[0] is +-sizeof(char *)), each pointing at the lowest
   byte of its row, and suboffsets (S, -1, ...) where S reaches from there
   to the row's first item: the sum of -strides[n] * (shape[n] - 1) over
   the other dimensions with negative strides (summed up to the first
   dimension without items; 0 without rows).  A slice of any later
   dimension then moves S within [0, 2S], never below 0.  Assumption:
   ndim >= 1, the table is at the start of the base's memory and view->buf
   points at the first item. */
static void
make_pil(Base *base)
{
    Py_buffer *view = &base->view;
    char *first = (char *)view->buf;
    Py_ssize_t rows = view->shape[0];
    int backwards = view->strides[0] < 0;
    assert(view->ndim >= 1);
    assert(first >= base->memory + rows * (Py_ssize_t)sizeof(char *));
    /* As _testbuffer sums it: no rows, 0; otherwise up to the first
       dimension without items. */
    Py_ssize_t suboffset = 0;
    for (int n = 1; n < view->ndim && rows > 0 && view->shape[n] > 0; n++) {
        if (view->strides[n] < 0) {
            suboffset -= view->strides[n] * (view->shape[n] - 1);
        }
    }
    for (Py_ssize_t i = 0; i < rows; i++) {
        char *row = first + i * view->strides[0] - suboffset;
        Py_ssize_t slot = backwards ? rows - 1 - i : i;
        memcpy(base->memory + slot * (Py_ssize_t)sizeof(row), &row,
               sizeof(row));
    }
    view->buf = base->memory
                + (backwards && rows > 0 ? (rows - 1) * sizeof(char *) : 0);
    view->strides[0] = backwards ? -(Py_ssize_t)sizeof(char *)
                                 : (Py_ssize_t)sizeof(char *);
    view->suboffsets = base->arrays + 2 * view->ndim;
    view->suboffsets[0] = suboffset;
    for (int i = 1; i < view->ndim; i++) {
        view->suboffsets[i] = -1;
    }
}

/* The shape, strides and len of a base's view from spec; -1 with
   _testbuffer's ValueError when the items do not all lie in spec's
   memory or their size overflows.  Assumption: view->itemsize is set. */
static int
set_structure(Py_buffer *view, const MbNdArraySpec *spec)
{
    int ndim = spec->ndim;
    Py_ssize_t itemsize = view->itemsize, nitems = 1;
    assert(itemsize > 0);
    for (int i = 0; i < ndim; i++) {
        view->shape[i] = spec->shape[i];
        if (spec->shape[i] != 0 && nitems > PY_SSIZE_T_MAX / spec->shape[i]) {
            nitems = -1;
            break;
        }
        nitems *= spec->shape[i];
    }
    if (nitems < 0 || nitems > PY_SSIZE_T_MAX / itemsize) {
        return value_error("invalid combination of buffer, shape and "
                           "strides");
    }
    view->len = nitems * itemsize;
    if (spec->strides != NULL && ndim > 0) {
        memcpy(view->strides, spec->strides, sizeof(Py_ssize_t) * ndim);
    }
    else if (ndim > 0) {
        mb_contiguous_strides(ndim, view->shape, view->strides, itemsize,
                              spec->flags & MB_ND_FORTRAN ? 'F' : 'C');
    }
    if (!fits_in_memory(spec->nbytes, itemsize, ndim, view->shape,
                        view->strides, spec->offset)) {
        return value_error("invalid combination of buffer, shape and "
                           "strides");
    }
    return 0;
}

/* A new base for spec, or NULL with an exception. */
static Base *
new_base(const MbNdArraySpec *spec)
{
    const char *format = spec->format ? spec->format : "B";
    Py_ssize_t itemsize;
    if (check_spec(spec, format, &itemsize) < 0) {
        return NULL;
    }
    int ndim = spec->ndim;
    Base *base = alloc_base(ndim, format);
    if (base == NULL) {
        return NULL;
    }
    Py_buffer *view = &base->view;
    view->itemsize = itemsize;
    view->readonly = !(spec->flags & MB_ND_WRITABLE);
    if (set_structure(view, spec) < 0) {
        goto error;
    }
    /* The data follows the row-pointer table of a PIL layout, whose size
       (rows with stride 0 need no memory) may not fit in Py_ssize_t. */
    Py_ssize_t table = 0;
    if ((spec->flags & MB_ND_PIL)
        && (__builtin_mul_overflow(view->shape[0],
                                   (Py_ssize_t)sizeof(char *), &table)
            || table > PY_SSIZE_T_MAX - spec->nbytes)) {
        PyErr_NoMemory();
        goto error;
    }
    base->memory = PyMem_Calloc(1, (size_t)(table + spec->nbytes));
    if (base->memory == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    if (spec->memory != NULL && spec->nbytes > 0) {
        memcpy(base->memory + table, spec->memory, (size_t)spec->nbytes);
    }
    view->buf = base->memory + table + spec->offset;
    view->suboffsets = NULL;
    if (spec->flags & MB_ND_PIL) {
        make_pil(base);
    }
    set_contiguity(base);
    return base;

error:
    free_base(base);
    return NULL;
}

/* --- The object ---------------------------------------------------------- */


static NdArray *
as_ndarray(PyObject *obj)
{
    if (obj == NULL || !MbNdArray_Check(obj)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    return (NdArray *)obj;
}

static NdArray *
alloc_ndarray(int flags)
{
    NdArray *nd = PyObject_New(NdArray, MbType_NdArray);
    if (nd == NULL) {
        return NULL;
    }
    nd->flags = flags;
    nd->head = nd->retired = NULL;
    nd->held.obj = NULL;
    nd->reexporter = 0;
    return nd;
}

PyObject *
MbNdArray_New(const MbNdArraySpec *spec)
{
    if (spec == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (spec->flags & MB_ND_REDIRECT) {
        PyErr_SetString(PyExc_TypeError, "ND_REDIRECT is only valid for a "
                        "re-exporter");
        return NULL;
    }
    NdArray *nd = alloc_ndarray(spec->flags & (MB_ND_VAREXPORT
                                               | MB_ND_GETBUF_FAIL
                                               | MB_ND_GETBUF_UNDEFINED
                                               | MB_ND_LEGACY));
    if (nd == NULL) {
        return NULL;
    }
    nd->head = new_base(spec);
    if (nd->head == NULL) {
        Py_DECREF(nd);
        return NULL;
    }
    return (PyObject *)nd;
}

PyObject *
MbNdArray_FromExporter(PyObject *exporter, int getbuf, int flags)
{
    if (flags != MB_ND_DEFAULT && flags != MB_ND_REDIRECT) {
        PyErr_SetString(PyExc_TypeError, "construction from exporter object "
                        "only takes 'obj', 'getbuf' and 'flags' arguments");
        return NULL;
    }
    NdArray *nd = alloc_ndarray(flags);
    if (nd == NULL) {
        return NULL;
    }
    if (mb_get_buffer(exporter, &nd->held, getbuf) < 0) {
        nd->held.obj = NULL;
        Py_DECREF(nd);
        return NULL;
    }
    nd->reexporter = 1;
    nd->head = PyMem_Calloc(1, sizeof(Base));
    if (nd->head == NULL) {
        Py_DECREF(nd);
        return PyErr_NoMemory();
    }
    nd->head->view = nd->held;
    set_contiguity(nd->head);
    return (PyObject *)nd;
}

static void
ndarray_dealloc(PyObject *self)
{
    NdArray *nd = (NdArray *)self;
    Base *lists[2] = {nd->head, nd->retired};
    for (int k = 0; k < 2; k++) {
        while (lists[k] != NULL) {
            Base *next = lists[k]->next;
            free_base(lists[k]);
            lists[k] = next;
        }
    }
    PyBuffer_Release(&nd->held);
    PyObject_Free(self);
}

/* Structure changes are refused on re-exporters, and while the current
   layout is exported unless the array allows it. */
static int
check_changeable(const NdArray *nd)
{
    if (nd->reexporter) {
        PyErr_SetString(PyExc_BufferError,
                        "structure of re-exporting object is immutable");
        return -1;
    }
    if (!(nd->flags & MB_ND_VAREXPORT) && nd->head->exports > 0) {
        PyErr_Format(PyExc_BufferError, "cannot change structure: %zd "
                     "exported buffer%s", nd->head->exports,
                     nd->head->exports == 1 ? "" : "s");
        return -1;
    }
    return 0;
}

int
MbNdArray_Push(PyObject *obj, const MbNdArraySpec *spec)
{
    NdArray *nd = as_ndarray(obj);
    if (nd == NULL || check_changeable(nd) < 0) {
        return -1;
    }
    if (spec == NULL) {
        mb_err_null_argument();
        return -1;
    }
    if (spec->flags & MB_ND_VAREXPORT) {
        return value_error("ND_VAREXPORT flag can only be used during "
                           "object creation");
    }
    Base *base = new_base(spec);
    if (base == NULL) {
        return -1;
    }
    base->next = nd->head;
    nd->head = base;
    return 0;
}

int
MbNdArray_Pop(PyObject *obj)
{
    NdArray *nd = as_ndarray(obj);
    if (nd == NULL || check_changeable(nd) < 0) {
        return -1;
    }
    if (nd->head->next == NULL) {
        PyErr_SetString(PyExc_BufferError, "list only has a single base");
        return -1;
    }
    Base *popped = nd->head;
    nd->head = popped->next;
    if (popped->exports == 0) {
        free_base(popped);
    }
    else {
        popped->next = nd->retired;
        nd->retired = popped;
    }
    return 0;
}

/* A re-exporter's base describes its exporter's view with that view's
   arrays; a copy with arrays of its own, to take suboffsets. */
static Base *
own_arrays(const Base *base)
{
    const Py_buffer *view = &base->view;
    Base *copy = alloc_base(view->ndim, view->format ? view->format : "B");
    if (copy == NULL) {
        return NULL;
    }
    char *format = copy->view.format;
    Py_ssize_t *shape = copy->view.shape, *strides = copy->view.strides;
    copy->view = *view;
    copy->view.format = format;
    copy->view.shape = shape;
    copy->view.strides = strides;
    memcpy(shape, view->shape, sizeof(Py_ssize_t) * (size_t)view->ndim);
    memcpy(strides, view->strides, sizeof(Py_ssize_t) * (size_t)view->ndim);
    return copy;
}

int
MbNdArray_AddSuboffsets(PyObject *obj)
{
    NdArray *nd = as_ndarray(obj);
    if (nd == NULL) {
        return -1;
    }
    Py_buffer *view = &nd->head->view;
    if (view->suboffsets != NULL) {
        return type_error("cannot add suboffsets to PIL-style array");
    }
    if (view->strides == NULL) {
        return type_error("cannot add suboffsets to array without strides");
    }
    if (nd->reexporter) {
        if (nd->head->exports > 0) {
            PyErr_SetString(PyExc_BufferError,
                            "structure of re-exporting object is immutable");
            return -1;
        }
        Base *copy = own_arrays(nd->head);
        if (copy == NULL) {
            return -1;
        }
        free_base(nd->head);
        nd->head = copy;
        view = &copy->view;
    }
    view->suboffsets = nd->head->arrays + 2 * view->ndim;
    for (int i = 0; i < view->ndim; i++) {
        view->suboffsets[i] = -1;
    }
    set_contiguity(nd->head);
    return 0;
}

const Py_buffer *
MbNdArray_Buffer(PyObject *obj)
{
    NdArray *nd = as_ndarray(obj);
    return nd == NULL ? NULL : &nd->head->view;
}

/* --- Sub-arrays ------------------------------------------------------------ */

/* A re-exporter of nd's current layout, with a base of ndim dimensions and
   its format to describe its part: the caller fills the base from
   *whole, nd's layout with shape and strides always set (in the caller's
   arrays when the layout has none: one dimension of len / itemsize,
   C-order strides).  The export it holds keeps nd's layout (and memory)
   in place: a PyBUF_FULL_RO request, so that a re-exporter that cannot
   describe its memory fully refuses, as _testbuffer's does. */
static NdArray *
new_subarray(NdArray *nd, int ndim, Py_buffer *whole,
             Py_ssize_t shape[MB_ND_MAX_NDIM],
             Py_ssize_t strides[MB_ND_MAX_NDIM])
{
    const Py_buffer *layout = &nd->head->view;
    NdArray *sub = alloc_ndarray(MB_ND_DEFAULT);
    if (sub == NULL) {
        return NULL;
    }
    int request = PyBUF_FULL_RO | (layout->readonly ? 0 : PyBUF_WRITABLE);
    if (mb_get_buffer((PyObject *)nd, &sub->held, request) < 0) {
        sub->held.obj = NULL;
        Py_DECREF(sub);
        return NULL;
    }
    sub->reexporter = 1;
    sub->head = alloc_base(ndim, layout->format ? layout->format : "B");
    if (sub->head == NULL) {
        Py_DECREF(sub);
        return NULL;
    }
    *whole = *layout;
    if (whole->ndim > 0 && whole->shape == NULL) {
        shape[0] = whole->itemsize > 0 ? whole->len / whole->itemsize : 0;
        whole->shape = shape;
    }
    if (whole->ndim > 0 && whole->strides == NULL) {
        mb_contiguous_strides(whole->ndim, whole->shape, strides,
                              whole->itemsize, 'C');
        whole->strides = strides;
    }
    sub->head->view.obj = (PyObject *)nd;
    sub->head->view.itemsize = whole->itemsize;
    sub->head->view.readonly = whole->readonly;
    sub->head->view.buf = whole->buf;
    return sub;
}

/* The base's len from its shape, its contiguity; the array. */
static PyObject *
finish_subarray(NdArray *sub)
{
    Py_buffer *view = &sub->head->view;
    view->len = view->itemsize;
    for (int i = 0; i < view->ndim; i++) {
        view->len *= view->shape[i];
    }
    set_contiguity(sub->head);
    return (PyObject *)sub;
}

PyObject *
MbNdArray_Index(PyObject *obj, Py_ssize_t index)
{
    NdArray *nd = as_ndarray(obj);
    if (nd == NULL) {
        return NULL;
    }
    const Py_buffer *current = &nd->head->view;
    if (current->ndim == 0) {
        PyErr_SetString(PyExc_TypeError, "invalid indexing of scalar");
        return NULL;
    }
    if (index < 0 || index >= current->shape[0]) {
        PyErr_SetString(PyExc_IndexError, "index out of bounds");
        return NULL;
    }
    Py_buffer whole;
    Py_ssize_t shape[MB_ND_MAX_NDIM], strides[MB_ND_MAX_NDIM];
    NdArray *sub = new_subarray(nd, current->ndim - 1, &whole, shape,
                                strides);
    if (sub == NULL) {
        return NULL;
    }
    Py_buffer *view = &sub->head->view;
    /* The first dimension goes: its row, through its pointer if it has
       one; the other dimensions stay as they are. */
    char *row = (char *)whole.buf + index * whole.strides[0];
    if (whole.suboffsets != NULL && whole.suboffsets[0] >= 0) {
        row = mb_follow(row, whole.suboffsets[0]);
    }
    view->buf = row;
    for (int i = 0; i < view->ndim; i++) {
        view->shape[i] = whole.shape[i + 1];
        view->strides[i] = whole.strides[i + 1];
    }
    if (whole.suboffsets != NULL && view->ndim > 0) {
        view->suboffsets = sub->head->arrays + 2 * view->ndim;
        memcpy(view->suboffsets, whole.suboffsets + 1,
               sizeof(Py_ssize_t) * (size_t)view->ndim);
    }
    return finish_subarray(sub);
}

/* Move the start of dimension `dim` by `offset` bytes: buf itself, or,
   below a dimension reached through a pointer, the suboffset of the
   nearest such dimension before it (PEP 3118's rule for suboffsets). */
static void
shift_start(Py_buffer *view, int dim, Py_ssize_t offset)
{
    int n = dim - 1;
    while (view->suboffsets != NULL && n >= 0 && view->suboffsets[n] < 0) {
        n--;
    }
    if (view->suboffsets == NULL || n < 0) {
        view->buf = (char *)view->buf + offset;
    }
    else {
        view->suboffsets[n] += offset;
    }
}

/* -1 with NotImplementedError if a dimension reached through a pointer
   (its suboffset >= 0 in `before`) ended with a negative suboffset in a
   view that has items: consumers would then stop following that pointer
   (a negative suboffset means "no pointer"), and the view would describe
   memory it does not have.  A view without items reaches nothing. */
static int
check_suboffsets(const Py_buffer *view, const Py_ssize_t *before)
{
    if (before == NULL || view->len == 0) {
        return 0;
    }
    for (int i = 0; i < view->ndim; i++) {
        if (before[i] >= 0 && view->suboffsets[i] < 0) {
            PyErr_SetString(PyExc_NotImplementedError, "this slice of a "
                            "layout with suboffsets would need a negative "
                            "suboffset");
            return -1;
        }
    }
    return 0;
}

PyObject *
MbNdArray_Slice(PyObject *obj, const MbNdSlice *slices, int n)
{
    NdArray *nd = as_ndarray(obj);
    if (nd == NULL) {
        return NULL;
    }
    int ndim = nd->head->view.ndim;
    if (n < 0 || (n > 0 && slices == NULL)) {
        mb_err_null_argument();
        return NULL;
    }
    if (n > ndim) {
        PyErr_Format(PyExc_IndexError, "too many slices: the array has %d "
                     "dimension%s", ndim, ndim == 1 ? "" : "s");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const MbNdSlice *s = &slices[i];
        Py_ssize_t extent = nd->head->view.shape[i];
        if (s->step == 0 || s->length < 0
            || (s->length > 0 && (s->start < 0 || s->start >= extent
                                  || s->start + (s->length - 1) * s->step
                                     < 0
                                  || s->start + (s->length - 1) * s->step
                                     >= extent))) {
            PyErr_SetString(PyExc_ValueError, "slice does not fit the "
                            "dimension");
            return NULL;
        }
    }
    Py_buffer whole;
    Py_ssize_t shape[MB_ND_MAX_NDIM], strides[MB_ND_MAX_NDIM];
    NdArray *sub = new_subarray(nd, ndim, &whole, shape, strides);
    if (sub == NULL) {
        return NULL;
    }
    Py_buffer *view = &sub->head->view;
    if (ndim > 0) {
        memcpy(view->shape, whole.shape, sizeof(Py_ssize_t) * (size_t)ndim);
        memcpy(view->strides, whole.strides,
               sizeof(Py_ssize_t) * (size_t)ndim);
    }
    if (whole.suboffsets != NULL) {
        view->suboffsets = sub->head->arrays + 2 * ndim;
        memcpy(view->suboffsets, whole.suboffsets,
               sizeof(Py_ssize_t) * (size_t)ndim);
    }
    for (int i = 0; i < n; i++) {
        /* Even an empty slice moves the start, as _testbuffer does. */
        shift_start(view, i, slices[i].start * view->strides[i]);
        view->shape[i] = slices[i].length;
        view->strides[i] *= slices[i].step;
    }
    (void)finish_subarray(sub);
    if (check_suboffsets(view, whole.suboffsets) < 0) {
        Py_DECREF(sub);
        return NULL;
    }
    return (PyObject *)sub;
}

/* --- Exporting ----------------------------------------------------------- */

/* ND_GETBUF_FAIL: every request is refused; with ND_GETBUF_UNDEFINED,
   view->obj is left as garbage, which the protocol allowed until 3.2. */
static int
forced_failure(const NdArray *nd, Py_buffer *view)
{
    PyErr_SetString(PyExc_BufferError,
                    "ND_GETBUF_FAIL: forced test exception");
    if (nd->flags & MB_ND_GETBUF_UNDEFINED) {
        view->obj = (PyObject *)0x1;
    }
    return -1;
}

/* Fill view from the layout as the request allows, or refuse it: the
   protocol's rules with _testbuffer's messages and its own policy, which
   refuses a format without a shape (mb_grant_layout).  c and f are the
   layout's contiguity. */
static int
answer_request(const Base *base, Py_buffer *view, int flags, int c, int f)
{
    const Py_buffer *layout = &base->view;
    if (layout->ndim != 0
        && ((mb_wants_shape(flags) && layout->shape == NULL)
            || (mb_wants_strides(flags) && layout->strides == NULL))) {
        view->obj = NULL;
        return mb_refuse("re-exporter does not provide format, shape or "
                         "strides");
    }
    return mb_grant_layout(layout, c, f, view, flags, "ndarray",
                           MB_GRANT_NO_FORMAT_CAST);
}

static int
ndarray_getbuf(PyObject *self, Py_buffer *view, int flags)
{
    NdArray *nd = (NdArray *)self;
    Base *base = nd->head;
    if (nd->flags & MB_ND_GETBUF_FAIL) {
        return forced_failure(nd, view);
    }
    /* Redirected to the object that answered; one that answered with obj
       NULL (a legacy exporter) leaves this array to answer itself. */
    if ((nd->flags & MB_ND_REDIRECT) && nd->held.obj != NULL) {
        return PyObject_GetBuffer(nd->held.obj, view, flags);
    }
    int c = (base->contiguity & BASE_C) != 0;
    int f = (base->contiguity & BASE_F) != 0;
    if (answer_request(base, view, flags, c, f) < 0) {
        return -1;
    }
    /* The view handed out must keep the exporter's contiguity. */
    if (c != PyBuffer_IsContiguous(view, 'C')
        || (mb_wants_strides(flags) && f != PyBuffer_IsContiguous(view, 'F'))
        || (c || f) != PyBuffer_IsContiguous(view, 'A')) {
        PyErr_SetString(PyExc_RuntimeError,
                        "ndarray: contiguity mismatch in getbuf()");
        return -1;
    }
    view->internal = base;
    if (nd->flags & MB_ND_LEGACY) {
        return 0;
    }
    view->obj = Py_NewRef(self);
    base->exports++;
    return 0;
}

/* The export's own layout loses one export; a retired layout goes with
   its last. */
static void
ndarray_releasebuf(PyObject *self, Py_buffer *view)
{
    NdArray *nd = (NdArray *)self;
    Base *base = view->internal;
    if (--base->exports > 0 || base == nd->head) {
        return;
    }
    /* A retired layout goes with its last export; so does, as in
       _testbuffer, one below the head of an ND_VAREXPORT array, which
       stayed only for its exports. */
    Base **lists[2] = {&nd->retired, (nd->flags & MB_ND_VAREXPORT)
                                     ? &nd->head->next : NULL};
    for (int k = 0; k < 2; k++) {
        for (Base **p = lists[k]; p != NULL && *p != NULL; p = &(*p)->next) {
            if (*p == base) {
                *p = base->next;
                free_base(base);
                return;
            }
        }
    }
}

/* Read-only arrays hash their contents in C order, as bytes would. */
static Py_hash_t
ndarray_hash(PyObject *self)
{
    const Py_buffer *view = &((NdArray *)self)->head->view;
    if (!view->readonly) {
        PyErr_SetString(PyExc_ValueError,
                        "cannot hash writable ndarray object");
        return -1;
    }
    char *copy = PyMem_Malloc((size_t)view->len);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_hash_t hash = -1;
    if (PyBuffer_ToContiguous(copy, view, view->len, 'C') == 0) {
        hash = mb_hash_bytes(copy, view->len);
    }
    PyMem_Free(copy);
    return hash;
}

static PyBufferProcs ndarray_as_buffer = {
    .bf_getbuffer = ndarray_getbuf,
    .bf_releasebuffer = ndarray_releasebuf,
};

PyTypeObject MbTypeObject_NdArray = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "minibuf.ndarray",
    .tp_basicsize = sizeof(NdArray),
    .tp_dealloc = ndarray_dealloc,
    .tp_hash = ndarray_hash,
    .tp_as_buffer = &ndarray_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY,
    .tp_doc = "An N-dimensional exporter for learning and testing.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

