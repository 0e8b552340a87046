/* memoryview and its managed buffer (CPython 3.11 behaviour).
 *
 * In order: the managed buffer; views, made and released; memoryview as an
 * exporter (the request rules with memoryview's messages); its formats;
 * the C API; the operations CPython offers from Python (tobytes, slices,
 * casts with the checks on format and shape, items); equality; hash.
 *
 * Ownership rules (memoryobject.h has the summary):
 * - A managed buffer (mbuf) owns the master Py_buffer taken from the base
 *   exporter, and releases it exactly once, in mbuf_release: when the last
 *   memoryview registered with it is released (mbuf->exports reaches 0) or
 *   when the mbuf is deallocated.
 * - Every memoryview holds a reference to its mbuf and is counted in
 *   mbuf->exports from creation (mbuf_add_view) until it is released
 *   (release_view), explicitly or on deallocation.
 * - view.obj of a memoryview is the master's obj, borrowed.  view.format
 *   points at the master's format, at a static string (casts, "B"), or at
 *   a copy the mbuf owns (_Py_MANAGED_BUFFER_FREE_FORMAT).
 * - A memoryview's own exports (buffers taken from it) hold references to
 *   it; while any is out it cannot be released.
 * - One allocation per view (shape, strides and suboffsets live in
 *   ob_array) and one per base exporter (the mbuf); exporting a buffer from
 *   a view allocates nothing.  Managed buffers and views of up to three
 *   dimensions come from the thread's cache of blocks (mb_cached_malloc),
 *   so making and dropping them rarely calls malloc.
 */
#include "objects.h"

#define CHECK_RELEASED(mv, failure)                                     \
    do {                                                                \
        if (is_released((PyMemoryViewObject *)(mv))) {                  \
            PyErr_SetString(PyExc_ValueError, "operation forbidden on " \
                            "released memoryview object");              \
            return failure;                                             \
        }                                                               \
    } while (0)


/* --- The managed buffer -------------------------------------------------- */

static _PyManagedBufferObject *
mbuf_alloc(void)
{
    _PyManagedBufferObject *mbuf = (_PyManagedBufferObject *)PyObject_Init(
        mb_cached_malloc(MB_CACHE_MANAGED_BUFFER,
                         sizeof(_PyManagedBufferObject)), &_PyManagedBuffer_Type);
    if (mbuf == NULL) {
        return NULL;
    }
    mbuf->flags = 0;
    mbuf->exports = 0;
    memset(&mbuf->master, 0, sizeof(mbuf->master));
    return mbuf;
}

/* A managed buffer holding a PyBUF_FULL_RO request to base.  Inline: it
   is most of memoryview creation, one of the hot paths. */
static inline MB_ALWAYS_INLINE _PyManagedBufferObject *
mbuf_from_object(PyObject *base)
{
    _PyManagedBufferObject *mbuf = mbuf_alloc();
    if (mbuf == NULL) {
        return NULL;
    }
    if (mb_get_buffer(base, &mbuf->master, PyBUF_FULL_RO) < 0) {
        mbuf->master.obj = NULL;
        Py_DECREF(mbuf);
        return NULL;
    }
    return mbuf;
}

static void
mbuf_release(_PyManagedBufferObject *mbuf)
{
    if (mbuf->flags & _Py_MANAGED_BUFFER_RELEASED) {
        return;
    }
    mbuf->flags |= _Py_MANAGED_BUFFER_RELEASED;
    PyBuffer_Release(&mbuf->master);
}

static void
mbuf_dealloc(PyObject *self)
{
    _PyManagedBufferObject *mbuf = (_PyManagedBufferObject *)self;
    mbuf_release(mbuf);
    if (mbuf->flags & _Py_MANAGED_BUFFER_FREE_FORMAT) {
        PyMem_Free(mbuf->master.format);
    }
    mb_cached_free(MB_CACHE_MANAGED_BUFFER, self);
}

PyTypeObject MbTypeObject_ManagedBuffer = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "managedbuffer",
    .tp_basicsize = sizeof(_PyManagedBufferObject),
    .tp_dealloc = mbuf_dealloc,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY,
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

/* Keep a private copy of format in the mbuf. */
static int
mbuf_copy_format(_PyManagedBufferObject *mbuf, const char *format)
{
    size_t n = strlen(format) + 1;
    char *copy = PyMem_Malloc(n);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(copy, format, n);
    mbuf->master.format = copy;
    mbuf->flags |= _Py_MANAGED_BUFFER_FREE_FORMAT;
    return 0;
}

/* --- Views: creation ----------------------------------------------------- */

static int
is_released(const PyMemoryViewObject *mv)
{
    return (mv->flags & _Py_MEMORYVIEW_RELEASED)
           || (mv->mbuf->flags & _Py_MANAGED_BUFFER_RELEASED);
}

/* Views of up to this many dimensions share one block size, kept by each
   thread for reuse. */
#define SMALL_VIEW_NDIM 3
#define VIEW_SIZE(ndim) \
    (offsetof(PyMemoryViewObject, ob_array) + 3 * (ndim) * sizeof(Py_ssize_t))

/* A view object with room for ndim dimensions, not yet registered.
   Assumption: 0 <= ndim <= PyBUF_MAX_NDIM. */
static PyMemoryViewObject *
memory_alloc(int ndim)
{
    assert(ndim >= 0 && ndim <= PyBUF_MAX_NDIM);
    void *block = ndim <= SMALL_VIEW_NDIM
                  ? mb_cached_malloc(MB_CACHE_SMALL_VIEW,
                                     VIEW_SIZE(SMALL_VIEW_NDIM))
                  : PyObject_Malloc(VIEW_SIZE(ndim));
    PyMemoryViewObject *mv = (PyMemoryViewObject *)PyObject_InitVar(
        block, &PyMemoryView_Type, 3 * ndim);
    if (mv == NULL) {
        return NULL;
    }
    mv->mbuf = NULL;
    mv->hash = -1;
    mv->flags = 0;
    mv->exports = 0;
    mv->weakreflist = NULL;
    memset(&mv->view, 0, sizeof(mv->view));
    mv->view.ndim = ndim;
    /* A 0-d view has neither shape nor strides, as in CPython. */
    if (ndim > 0) {
        mv->view.shape = mv->ob_array;
        mv->view.strides = mv->ob_array + ndim;
        mv->view.suboffsets = mv->ob_array + 2 * ndim;
    }
    return mv;
}

/* The contiguity flags of a view. */
static void
init_flags(PyMemoryViewObject *mv)
{
    const Py_buffer *view = &mv->view;
    int flags = 0;
    if (view->ndim == 0) {
        flags = _Py_MEMORYVIEW_SCALAR | _Py_MEMORYVIEW_C
                | _Py_MEMORYVIEW_FORTRAN;
    }
    else if (view->ndim == 1) {
        if (view->shape[0] == 1 || view->strides[0] == view->itemsize) {
            flags = _Py_MEMORYVIEW_C | _Py_MEMORYVIEW_FORTRAN;
        }
    }
    else {
        if (PyBuffer_IsContiguous(view, 'C')) {
            flags |= _Py_MEMORYVIEW_C;
        }
        if (PyBuffer_IsContiguous(view, 'F')) {
            flags |= _Py_MEMORYVIEW_FORTRAN;
        }
    }
    if (view->suboffsets != NULL) {
        flags = (flags & ~(_Py_MEMORYVIEW_C | _Py_MEMORYVIEW_FORTRAN))
                | _Py_MEMORYVIEW_PIL;
    }
    mv->flags = flags;
}

/* len = product(shape) * itemsize, in unsigned arithmetic: a partial
   product may overflow before an extent of 0 (the total was checked to
   fit when the view was described, and modular arithmetic gets it
   exactly). */
static void
init_len(Py_buffer *view)
{
    size_t len = (size_t)view->itemsize;
    for (int i = 0; i < view->ndim; i++) {
        len *= (size_t)view->shape[i];
    }
    view->len = (Py_ssize_t)len;
}

/* Register a new view of mbuf described by src (the master when NULL),
   with shape and strides reconstructed where src lacks them. */
static PyObject *
mbuf_add_view(_PyManagedBufferObject *mbuf, const Py_buffer *src)
{
    Py_ssize_t shape[PyBUF_MAX_NDIM], strides[PyBUF_MAX_NDIM], nitems;
    if (src == NULL) {
        src = &mbuf->master;
    }
    if (mb_describe(src, shape, strides, &nitems, "memoryview") < 0) {
        return NULL;
    }
    PyMemoryViewObject *mv = memory_alloc(src->ndim);
    if (mv == NULL) {
        return NULL;
    }
    Py_buffer *dest = &mv->view;
    dest->obj = src->obj;
    dest->buf = src->buf;
    dest->len = src->len;
    dest->itemsize = src->itemsize;
    dest->readonly = src->readonly;
    dest->format = src->format ? src->format : (char *)"B";
    for (int i = 0; i < src->ndim; i++) {
        dest->shape[i] = shape[i];
        dest->strides[i] = strides[i];
    }
    if (src->suboffsets != NULL && src->ndim > 0) {
        for (int i = 0; i < src->ndim; i++) {
            dest->suboffsets[i] = src->suboffsets[i];
        }
    }
    else {
        dest->suboffsets = NULL;
    }
    init_flags(mv);
    mv->mbuf = (_PyManagedBufferObject *)Py_NewRef(mbuf);
    mbuf->exports++;
    return (PyObject *)mv;
}

/* Register a view of mbuf sharing src's buffer, length, item size, access
   and format, with `ndim` dimensions the caller fills in. */
static PyMemoryViewObject *
mbuf_add_incomplete_view(_PyManagedBufferObject *mbuf, const Py_buffer *src,
                         int ndim)
{
    PyMemoryViewObject *mv = memory_alloc(ndim);
    if (mv == NULL) {
        return NULL;
    }
    mv->view.obj = src->obj;
    mv->view.buf = src->buf;
    mv->view.len = src->len;
    mv->view.itemsize = src->itemsize;
    mv->view.readonly = src->readonly;
    mv->view.format = src->format ? src->format : (char *)"B";
    mv->mbuf = (_PyManagedBufferObject *)Py_NewRef(mbuf);
    mbuf->exports++;
    return mv;
}

/* --- Views: release and destruction -------------------------------------- */

/* Unregister mv from its mbuf; the last view releases the master. */
static void
release_view(PyMemoryViewObject *mv)
{
    mv->flags |= _Py_MEMORYVIEW_RELEASED;
    if (--mv->mbuf->exports == 0) {
        mbuf_release(mv->mbuf);
    }
}

int
MbMemoryView_Release(PyObject *obj)
{
    if (obj == NULL || !PyMemoryView_Check(obj)) {
        PyErr_BadInternalCall();
        return -1;
    }
    PyMemoryViewObject *mv = (PyMemoryViewObject *)obj;
    if (mv->flags & _Py_MEMORYVIEW_RELEASED) {
        return 0;
    }
    if (mv->exports > 0) {
        PyErr_Format(PyExc_BufferError, "memoryview has %zd exported "
                     "buffer%s", mv->exports, mv->exports == 1 ? "" : "s");
        return -1;
    }
    release_view(mv);
    return 0;
}

/* A view cannot die with buffers exported (each holds a reference). */
static void
memory_dealloc(PyObject *self)
{
    PyMemoryViewObject *mv = (PyMemoryViewObject *)self;
    if (!(mv->flags & _Py_MEMORYVIEW_RELEASED)) {
        release_view(mv);
    }
    Py_CLEAR(mv->mbuf);
    if (mv->view.ndim <= SMALL_VIEW_NDIM) {
        mb_cached_free(MB_CACHE_SMALL_VIEW, self);
    }
    else {
        PyObject_Free(self);
    }
}

/* --- memoryview as an exporter ------------------------------------------- */

/* The layout rules of a request, after the writable and format ones, in
   CPython's order with memoryview's messages: contiguity, suboffsets,
   strides, shape; view (a copy of mv's) is trimmed to what the request
   asks for.  0, or -1 with BufferError. */
static int
apply_layout_rules(const PyMemoryViewObject *mv, Py_buffer *view, int flags)
{
    int c = (mv->flags & _Py_MEMORYVIEW_C) != 0;
    int f = (mv->flags & _Py_MEMORYVIEW_FORTRAN) != 0;
    if (mb_wants_c_contiguous(flags) && !c) {
        return mb_refuse("memoryview: underlying buffer is not "
                         "C-contiguous");
    }
    if (mb_wants_f_contiguous(flags) && !f) {
        return mb_refuse("memoryview: underlying buffer is not Fortran "
                         "contiguous");
    }
    if (mb_wants_any_contiguous(flags) && !c && !f) {
        return mb_refuse("memoryview: underlying buffer is not "
                         "contiguous");
    }
    if (!mb_accepts_suboffsets(flags) && (mv->flags & _Py_MEMORYVIEW_PIL)) {
        return mb_refuse("memoryview: underlying buffer requires "
                         "suboffsets");
    }
    if (!mb_wants_strides(flags)) {
        if (!c) {
            return mb_refuse("memoryview: underlying buffer is not "
                             "C-contiguous");
        }
        view->strides = NULL;
    }
    if (!mb_wants_shape(flags)) {
        if (view->format != NULL) {
            return mb_refuse("memoryview: cannot cast to unsigned bytes if "
                             "the format flag is present");
        }
        view->ndim = 1;
        view->shape = NULL;
    }
    return 0;
}

/* The request rules in CPython's order, with memoryview's messages.  The
   requests that take any strided layout (PyBUF_FULL, PyBUF_FULL_RO,
   PyBUF_RECORDS, PyBUF_STRIDED and their read-only forms) can break none
   of the layout rules unless the view needs suboffsets, so they skip
   them. */
static int
memory_getbuf(PyObject *self, Py_buffer *view, int flags)
{
    PyMemoryViewObject *mv = (PyMemoryViewObject *)self;
    CHECK_RELEASED(mv, -1);
    *view = mv->view;
    view->obj = NULL;
    if (mb_wants_writable(flags) && mv->view.readonly) {
        return mb_refuse("memoryview: underlying buffer is not writable");
    }
    if (!mb_wants_format(flags)) {
        view->format = NULL;
    }
    if (!mb_wants_any_strides(flags)
        || (!mb_accepts_suboffsets(flags)
            && (mv->flags & _Py_MEMORYVIEW_PIL))) {
        if (apply_layout_rules(mv, view, flags) < 0) {
            return -1;
        }
    }
    view->obj = Py_NewRef(self);
    mv->exports++;
    return 0;
}

static void
memory_releasebuf(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((PyMemoryViewObject *)self)->exports--;
}

static PyBufferProcs memory_as_buffer = {
    .bf_getbuffer = memory_getbuf,
    .bf_releasebuffer = memory_releasebuf,
};

/* --- Formats ------------------------------------------------------------- */

/* The size of a native single-character format with an optional '@',
   storing the character in *code; -1 for any other format ('e' included,
   as in 3.11). */
static Py_ssize_t
native_format(const char *format, char *code)
{
    if (format[0] == '@') {
        format++;
    }
    if (format[0] == '\0' || format[1] != '\0') {
        return -1;
    }
    *code = format[0];
    switch (format[0]) {
    case 'c': case 'b': case 'B':
        return 1;
    case '?':
        return sizeof(_Bool);
    case 'h': case 'H':
        return sizeof(short);
    case 'i': case 'I':
        return sizeof(int);
    case 'l': case 'L':
        return sizeof(long);
    case 'q': case 'Q':
        return sizeof(long long);
    case 'n': case 'N':
        return sizeof(size_t);
    case 'f':
        return sizeof(float);
    case 'd':
        return sizeof(double);
    case 'P':
        return sizeof(void *);
    default:
        return -1;
    }
}

static int
is_byte_format(char code)
{
    return code == 'b' || code == 'B' || code == 'c';
}

/* The static copy of a native format as written, '@' kept. */
static char *
static_format(const char *format)
{
    static const char formats[] =
        "c\0b\0B\0?\0h\0H\0i\0I\0l\0L\0q\0Q\0n\0N\0f\0d\0P\0"
        "@c\0@b\0@B\0@?\0@h\0@H\0@i\0@I\0@l\0@L\0@q\0@Q\0@n\0@N\0@f\0@d\0"
        "@P\0";
    for (const char *f = formats; *f != '\0'; f += strlen(f) + 1) {
        if (strcmp(f, format) == 0) {
            return (char *)f;
        }
    }
    return NULL;
}

/* The format of a view for item access without its '@'; NULL with
   NotImplementedError unless it is a single character. */
static const char *
item_format(const Py_buffer *view)
{
    const char *format = view->format[0] == '@' ? view->format + 1
                                                : view->format;
    if (format[0] == '\0' || format[1] != '\0') {
        PyErr_Format(PyExc_NotImplementedError,
                     "memoryview: unsupported format %s", view->format);
        return NULL;
    }
    return format;
}

/* The size of the single character, which must be one memoryview reads
   and writes; -1 with NotImplementedError otherwise.  Items are read and
   written with this size, not view->itemsize: an exporter may pair a
   format with a larger itemsize, and CPython then touches only the
   format's bytes. */
static Py_ssize_t
item_format_size(const char *format, char *code)
{
    Py_ssize_t size = native_format(format, code);
    if (size < 0) {
        PyErr_Format(PyExc_NotImplementedError,
                     "memoryview: format %s not supported", format);
    }
    return size;
}

/* --- The C API ----------------------------------------------------------- */

PyObject *
PyMemoryView_FromObject(PyObject *obj)
{
    if (obj == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (PyMemoryView_Check(obj)) {
        PyMemoryViewObject *mv = (PyMemoryViewObject *)obj;
        CHECK_RELEASED(mv, NULL);
        return mbuf_add_view(mv->mbuf, &mv->view);
    }
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError, "memoryview: a bytes-like object is "
                     "required, not '%.200s'", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    _PyManagedBufferObject *mbuf = mbuf_from_object(obj);
    if (mbuf == NULL) {
        return NULL;
    }
    PyObject *mv = mbuf_add_view(mbuf, NULL);
    Py_DECREF(mbuf);
    return mv;
}

PyObject *
PyMemoryView_FromMemory(char *mem, Py_ssize_t size, int flags)
{
    if ((mem == NULL && size > 0) || size < 0
        || (flags != PyBUF_READ && flags != PyBUF_WRITE)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    _PyManagedBufferObject *mbuf = mbuf_alloc();
    if (mbuf == NULL) {
        return NULL;
    }
    (void)PyBuffer_FillInfo(&mbuf->master, NULL, mem, size,
                            flags != PyBUF_WRITE, PyBUF_FULL_RO);
    PyObject *mv = mbuf_add_view(mbuf, NULL);
    Py_DECREF(mbuf);
    return mv;
}

PyObject *
PyMemoryView_FromBuffer(const Py_buffer *info)
{
    if (info == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (info->buf == NULL) {
        PyErr_SetString(PyExc_ValueError,
                        "PyMemoryView_FromBuffer(): info->buf must not be "
                        "NULL");
        return NULL;
    }
    _PyManagedBufferObject *mbuf = mbuf_alloc();
    if (mbuf == NULL) {
        return NULL;
    }
    /* info->obj is borrowed at most: nothing is released later. */
    mbuf->master = *info;
    mbuf->master.obj = NULL;
    PyObject *mv = mbuf_add_view(mbuf, NULL);
    Py_DECREF(mbuf);
    return mv;
}

/* A read-only view of a contiguous copy of src in new bytes, in C order, or
   in Fortran order for 'F'. */
static PyObject *
contiguous_copy(const Py_buffer *src, char order)
{
    PyObject *bytes = mb_bytes_for_filling(src->len);
    if (bytes == NULL) {
        return NULL;
    }
    if (PyBuffer_ToContiguous(PyBytes_AS_STRING(bytes), src, src->len,
                              order) < 0) {
        Py_DECREF(bytes);
        return NULL;
    }
    _PyManagedBufferObject *mbuf = mbuf_from_object(bytes);
    Py_DECREF(bytes);
    if (mbuf == NULL) {
        return NULL;
    }
    PyMemoryViewObject *mv = NULL;
    if (mbuf_copy_format(mbuf, src->format) == 0) {
        mv = mbuf_add_incomplete_view(mbuf, &mbuf->master, src->ndim);
    }
    Py_DECREF(mbuf);
    if (mv == NULL) {
        return NULL;
    }
    Py_buffer *dest = &mv->view;
    dest->itemsize = src->itemsize;
    if (src->ndim > 0) {
        memcpy(dest->shape, src->shape, sizeof(Py_ssize_t) * src->ndim);
        mb_contiguous_strides(src->ndim, dest->shape, dest->strides,
                              dest->itemsize, order == 'F' ? 'F' : 'C');
    }
    dest->suboffsets = NULL;
    init_flags(mv);
    return (PyObject *)mv;
}

PyObject *
PyMemoryView_GetContiguous(PyObject *obj, int buffertype, char order)
{
    if (buffertype != PyBUF_READ && buffertype != PyBUF_WRITE) {
        PyErr_BadInternalCall();
        return NULL;
    }
    if (order != 'C' && order != 'F' && order != 'A') {
        PyErr_BadInternalCall();
        return NULL;
    }
    PyObject *mv = PyMemoryView_FromObject(obj);
    if (mv == NULL) {
        return NULL;
    }
    const Py_buffer *view = PyMemoryView_GET_BUFFER(mv);
    if (buffertype == PyBUF_WRITE && view->readonly) {
        PyErr_SetString(PyExc_BufferError,
                        "underlying buffer is not writable");
        Py_DECREF(mv);
        return NULL;
    }
    if (PyBuffer_IsContiguous(view, order)) {
        return mv;
    }
    PyObject *copy = NULL;
    if (buffertype == PyBUF_WRITE) {
        PyErr_SetString(PyExc_BufferError, "writable contiguous buffer "
                        "requested for a non-contiguous object.");
    }
    else {
        copy = contiguous_copy(view, order);
    }
    Py_DECREF(mv);
    return copy;
}

/* --- Operations offered from Python in CPython --------------------------- */

/* The view of mv, or NULL with SystemError if it is not a memoryview. */
static PyMemoryViewObject *
as_memoryview(PyObject *obj)
{
    if (obj == NULL || !PyMemoryView_Check(obj)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    return (PyMemoryViewObject *)obj;
}

PyObject *
MbMemoryView_ToReadOnly(PyObject *obj)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return NULL;
    }
    CHECK_RELEASED(mv, NULL);
    PyObject *copy = mbuf_add_view(mv->mbuf, &mv->view);
    if (copy != NULL) {
        ((PyMemoryViewObject *)copy)->view.readonly = 1;
    }
    return copy;
}

Py_ssize_t
MbMemoryView_Length(PyObject *obj)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return -1;
    }
    CHECK_RELEASED(mv, -1);
    return mv->view.ndim == 0 ? 1 : mv->view.shape[0];
}

PyObject *
MbMemoryView_ToBytes(PyObject *obj, char order)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return NULL;
    }
    CHECK_RELEASED(mv, NULL);
    if (order == '\0') {
        order = 'C';
    }
    if (order != 'C' && order != 'F' && order != 'A') {
        PyErr_SetString(PyExc_ValueError, "order must be 'C', 'F' or 'A'");
        return NULL;
    }
    PyObject *bytes = mb_bytes_for_filling(mv->view.len);
    if (bytes != NULL
        && PyBuffer_ToContiguous(PyBytes_AS_STRING(bytes), &mv->view,
                                 mv->view.len, order) < 0) {
        Py_CLEAR(bytes);
    }
    return bytes;
}

/* Python's slice.indices(): adjusts start and stop to length, returns the
   number of items.  Assumption: step != 0. */
static Py_ssize_t
adjust_indices(Py_ssize_t length, Py_ssize_t *start, Py_ssize_t *stop,
               Py_ssize_t step)
{
    assert(step != 0);
    Py_ssize_t *ends[2] = {start, stop};
    for (int k = 0; k < 2; k++) {
        Py_ssize_t *i = ends[k];
        if (*i < 0) {
            *i += length;
            if (*i < 0) {
                *i = step < 0 ? -1 : 0;
            }
        }
        else if (*i >= length) {
            *i = step < 0 ? length - 1 : length;
        }
    }
    if (step < 0) {
        return *stop < *start ? (*start - *stop - 1) / (-step) + 1 : 0;
    }
    return *start < *stop ? (*stop - *start - 1) / step + 1 : 0;
}

PyObject *
MbMemoryView_Slice(PyObject *obj, Py_ssize_t start, Py_ssize_t stop,
                   Py_ssize_t step)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return NULL;
    }
    CHECK_RELEASED(mv, NULL);
    if (mv->view.ndim == 0) {
        PyErr_SetString(PyExc_TypeError, "invalid indexing of 0-dim memory");
        return NULL;
    }
    if (step == 0) {
        PyErr_SetString(PyExc_ValueError, "slice step cannot be zero");
        return NULL;
    }
    if (step < -PY_SSIZE_T_MAX) {
        step = -PY_SSIZE_T_MAX;
    }
    PyMemoryViewObject *sliced =
        (PyMemoryViewObject *)mbuf_add_view(mv->mbuf, &mv->view);
    if (sliced == NULL) {
        return NULL;
    }
    Py_buffer *view = &sliced->view;
    Py_ssize_t n = adjust_indices(view->shape[0], &start, &stop, step);
    /* In unsigned arithmetic: a step whose stride overflows (a slice of
       one item, then) wraps around, as in CPython, instead of being
       undefined. */
    size_t stride = (size_t)view->strides[0];
    view->buf = (char *)((uintptr_t)view->buf + stride * (size_t)start);
    view->shape[0] = n;
    view->strides[0] = (Py_ssize_t)(stride * (size_t)step);
    init_len(view);
    init_flags(sliced);
    return (PyObject *)sliced;
}

/* --- Casts ---------------------------------------------------------------
 *
 * m.cast(format[, shape]) in CPython's steps: the view must be
 * C-contiguous; its shape may hold no zeros when the cast changes the
 * number of dimensions; the destination format must be a native single
 * character, and one of the two formats a byte format; then the new shape
 * is computed, to one dimension (cast_to_1d) or to the shape given
 * (cast_to_nd), and the new view shares the managed buffer.
 */

/* The rules on the view and the requested dimensions, in CPython's
   order; ndim is 1 when shape is NULL. */
static int
check_cast(const PyMemoryViewObject *mv, const Py_ssize_t *shape, int ndim)
{
    const Py_buffer *src = &mv->view;
    if (!(mv->flags & _Py_MEMORYVIEW_C)) {
        PyErr_SetString(PyExc_TypeError, "memoryview: casts are restricted "
                        "to C-contiguous views");
        return -1;
    }
    if (shape != NULL || src->ndim != 1) {
        for (int i = 0; i < src->ndim; i++) {
            if (src->shape[i] == 0) {
                PyErr_SetString(PyExc_TypeError, "memoryview: cannot cast "
                                "view with zeros in shape or strides");
                return -1;
            }
        }
    }
    if (shape != NULL) {
        if (ndim > PyBUF_MAX_NDIM) {
            PyErr_SetString(PyExc_ValueError, "memoryview: number of "
                            "dimensions must not exceed 64");
            return -1;
        }
        if (src->ndim != 1 && ndim != 1) {
            PyErr_SetString(PyExc_TypeError,
                            "memoryview: cast must be 1D -> ND or ND -> 1D");
            return -1;
        }
    }
    return 0;
}

/* The static copy of the destination format and its item size, or NULL
   with the format rules' errors. */
static char *
cast_format(const Py_buffer *src, const char *format, Py_ssize_t *itemsize)
{
    char dest_code, src_code;
    *itemsize = native_format(format, &dest_code);
    char *stored = *itemsize < 0 ? NULL : static_format(format);
    if (stored == NULL) {
        PyErr_SetString(PyExc_ValueError, "memoryview: destination format "
                        "must be a native single character format prefixed "
                        "with an optional '@'");
        return NULL;
    }
    if ((native_format(src->format, &src_code) < 0
         || !is_byte_format(src_code)) && !is_byte_format(dest_code)) {
        PyErr_SetString(PyExc_TypeError, "memoryview: cannot cast between "
                        "two non-byte formats");
        return NULL;
    }
    if (src->len % *itemsize != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "memoryview: length is not a multiple of itemsize");
        return NULL;
    }
    return stored;
}

/* The shape of a cast to one dimension: all the bytes as items. */
static void
cast_to_1d(const Py_buffer *src, Py_ssize_t itemsize, Py_ssize_t *dims)
{
    dims[0] = src->len / itemsize;
}

/* The shape of a cast to `shape`, which must hold exactly the view's
   bytes in items of itemsize. */
static int
cast_to_nd(const Py_buffer *src, const Py_ssize_t *shape, int ndim,
           Py_ssize_t itemsize, Py_ssize_t *dims)
{
    Py_ssize_t product = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] <= 0) {
            PyErr_SetString(PyExc_ValueError, "memoryview.cast(): "
                            "elements of shape must be integers > 0");
            return -1;
        }
        if (product > PY_SSIZE_T_MAX / shape[i]) {
            PyErr_SetString(PyExc_ValueError, "memoryview.cast(): "
                            "product(shape) > SSIZE_MAX");
            return -1;
        }
        product *= shape[i];
        dims[i] = shape[i];
    }
    /* The bytes the shape describes must fit too (CPython: ValueError). */
    if (product > PY_SSIZE_T_MAX / itemsize) {
        PyErr_SetString(PyExc_ValueError, "memoryview.cast(): "
                        "product(shape) > SSIZE_MAX");
        return -1;
    }
    if (product * itemsize != src->len) {
        PyErr_SetString(PyExc_TypeError, "memoryview: product(shape) * "
                        "itemsize != buffer size");
        return -1;
    }
    return 0;
}

PyObject *
MbMemoryView_Cast(PyObject *obj, const char *format, const Py_ssize_t *shape,
                  int ndim)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return NULL;
    }
    if (format == NULL || (shape != NULL && ndim < 0)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    CHECK_RELEASED(mv, NULL);
    if (shape == NULL) {
        ndim = 1;
    }
    if (check_cast(mv, shape, ndim) < 0) {
        return NULL;
    }
    const Py_buffer *src = &mv->view;
    Py_ssize_t itemsize, dims[PyBUF_MAX_NDIM];
    char *stored = cast_format(src, format, &itemsize);
    if (stored == NULL) {
        return NULL;
    }
    if (shape == NULL) {
        cast_to_1d(src, itemsize, dims);
    }
    else if (cast_to_nd(src, shape, ndim, itemsize, dims) < 0) {
        return NULL;
    }
    PyMemoryViewObject *cast = mbuf_add_incomplete_view(mv->mbuf, src, ndim);
    if (cast == NULL) {
        return NULL;
    }
    Py_buffer *view = &cast->view;
    view->format = stored;
    view->itemsize = itemsize;
    if (ndim > 0) {
        memcpy(view->shape, dims, sizeof(Py_ssize_t) * ndim);
        mb_contiguous_strides(ndim, view->shape, view->strides, itemsize,
                              'C');
    }
    view->suboffsets = NULL;
    init_len(view);
    init_flags(cast);
    return (PyObject *)cast;
}

/* The address of the item at index (tuple semantics), or NULL with
   memoryview's errors. */
static char *
item_address(const Py_buffer *view, const Py_ssize_t *index,
             Py_ssize_t nindex)
{
    if (view->ndim == 0) {
        if (nindex != 0) {
            PyErr_SetString(PyExc_TypeError,
                            "invalid indexing of 0-dim memory");
            return NULL;
        }
        return view->buf;
    }
    if (nindex < view->ndim) {
        PyErr_SetString(PyExc_NotImplementedError,
                        "sub-views are not implemented");
        return NULL;
    }
    if (nindex > view->ndim) {
        PyErr_Format(PyExc_TypeError, "cannot index %d-dimension view with "
                     "%zd-element tuple", view->ndim, nindex);
        return NULL;
    }
    char *p = view->buf;
    for (int dim = 0; dim < view->ndim; dim++) {
        Py_ssize_t i = index[dim];
        if (i < 0) {
            i += view->shape[dim];
        }
        if (i < 0 || i >= view->shape[dim]) {
            PyErr_Format(PyExc_IndexError,
                         "index out of bounds on dimension %d", dim + 1);
            return NULL;
        }
        p += view->strides[dim] * i;
        if (view->suboffsets != NULL && view->suboffsets[dim] >= 0) {
            p = mb_follow(p, view->suboffsets[dim]);
        }
    }
    return p;
}

/* The address of the item MbMemoryView_GetItem reads (writing 0) or
   MbMemoryView_SetItem writes (writing 1), with its format's code and
   size; NULL with memoryview's errors, in CPython's order for each. */
static char *
item_for_access(PyObject *obj, const Py_ssize_t *index, Py_ssize_t nindex,
                const void *value, int writing, char *code, Py_ssize_t *size)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL) {
        return NULL;
    }
    if (value == NULL || (index == NULL && nindex > 0)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    CHECK_RELEASED(mv, NULL);
    const Py_buffer *view = &mv->view;
    if (!writing && view->ndim == 0 && nindex != 0) {
        PyErr_SetString(PyExc_TypeError, "invalid indexing of 0-dim memory");
        return NULL;
    }
    const char *format = item_format(view);
    if (format == NULL) {
        return NULL;
    }
    if (writing && view->readonly) {
        PyErr_SetString(PyExc_TypeError, "cannot modify read-only memory");
        return NULL;
    }
    char *p = item_address(view, index, nindex);
    if (p == NULL || (*size = item_format_size(format, code)) < 0) {
        return NULL;
    }
    return p;
}

int
MbMemoryView_GetItem(PyObject *obj, const Py_ssize_t *index,
                     Py_ssize_t nindex, void *out)
{
    char code;
    Py_ssize_t size;
    const char *p = item_for_access(obj, index, nindex, out, 0, &code,
                                    &size);
    if (p == NULL) {
        return -1;
    }
    if (code == '?') {
        /* Any non-zero byte is True, and a _Bool may only hold 0 or 1. */
        *(_Bool *)out = *(const unsigned char *)p != 0;
    }
    else {
        memcpy(out, p, (size_t)size);
    }
    return 0;
}

int
MbMemoryView_SetItem(PyObject *obj, const Py_ssize_t *index,
                     Py_ssize_t nindex, const void *in)
{
    char code;
    Py_ssize_t size;
    char *p = item_for_access(obj, index, nindex, in, 1, &code, &size);
    if (p == NULL) {
        return -1;
    }
    if (code == '?') {
        *(_Bool *)p = *(const _Bool *)in != 0;
    }
    else {
        memcpy(p, in, (size_t)size);
    }
    return 0;
}

/* --- Equality ------------------------------------------------------------ */

/* Same number of dimensions and extents, up to the first zero extent. */
static int
equivalent_shape(const Py_buffer *a, const Py_buffer *b)
{
    if (a->ndim != b->ndim) {
        return 0;
    }
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] != b->shape[i]) {
            return 0;
        }
        if (a->shape[i] == 0) {
            break;
        }
    }
    return 1;
}

/* Compare the items of two views of equivalent shape, in C order: 1, 0, or
   -1 with an exception. */
static int
compare_items(const Py_buffer *a, const Py_buffer *b)
{
    MbLayout la, lb;
    if (mb_layout_of_view(&la, a, "memoryview") < 0
        || mb_layout_of_view(&lb, b, "memoryview") < 0) {
        return -1;
    }
    /* A format that cannot describe the item makes the views unequal, as
       CPython's struct fallback does. */
    Py_ssize_t size_a = PyBuffer_SizeFromFormat(a->format);
    Py_ssize_t size_b = PyBuffer_SizeFromFormat(b->format);
    if (size_a < 0 || size_b < 0) {
        if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
            return -1;
        }
        PyErr_Clear();
        return 0;
    }
    if (size_a > a->itemsize || size_b > b->itemsize) {
        return 0;
    }
    Py_ssize_t index[PyBUF_MAX_NDIM] = {0};
    for (Py_ssize_t t = 0; t < la.nitems; t++) {
        const char *pa = la.buf, *pb = lb.buf;
        for (int i = 0; i < la.ndim; i++) {
            pa += la.strides[i] * index[i];
            pb += lb.strides[i] * index[i];
            if (la.suboffsets != NULL && la.suboffsets[i] >= 0) {
                pa = mb_follow(pa, la.suboffsets[i]);
            }
            if (lb.suboffsets != NULL && lb.suboffsets[i] >= 0) {
                pb = mb_follow(pb, lb.suboffsets[i]);
            }
        }
        int equal = mb_items_equal(a->format, pa, a->itemsize, b->format,
                                   pb, b->itemsize);
        if (equal != 1) {
            if (equal < 0 && !PyErr_ExceptionMatches(PyExc_MemoryError)) {
                PyErr_Clear();
                equal = 0;
            }
            return equal;
        }
        for (int i = la.ndim - 1; i >= 0 && ++index[i] == la.shape[i]; i--) {
            index[i] = 0;
        }
    }
    return 1;
}

int
MbMemoryView_Equal(PyObject *obj, PyObject *other)
{
    PyMemoryViewObject *mv = as_memoryview(obj);
    if (mv == NULL || other == NULL) {
        if (mv != NULL) {
            mb_err_null_argument();
        }
        return -1;
    }
    if (is_released(mv)) {
        return obj == other;
    }
    Py_buffer other_buffer;
    const Py_buffer *theirs;
    if (PyMemoryView_Check(other)) {
        if (is_released((PyMemoryViewObject *)other)) {
            return obj == other;
        }
        theirs = PyMemoryView_GET_BUFFER(other);
        other_buffer.obj = NULL;
    }
    else {
        if (!PyObject_CheckBuffer(other)) {
            return 0;
        }
        if (mb_get_buffer(other, &other_buffer, PyBUF_FULL_RO) < 0) {
            PyErr_Clear();
            return 0;
        }
        theirs = &other_buffer;
    }
    const Py_buffer *mine = &mv->view;
    int equal = 0;
    if (theirs->shape != NULL || theirs->ndim == 0) {
        if (equivalent_shape(mine, theirs)) {
            Py_buffer described = *theirs;
            if (described.format == NULL) {
                described.format = (char *)"B";
            }
            equal = compare_items(mine, &described);
        }
    }
    PyBuffer_Release(&other_buffer);
    return equal;
}

/* --- Hash ---------------------------------------------------------------- */

static Py_hash_t
memory_hash(PyObject *self)
{
    PyMemoryViewObject *mv = (PyMemoryViewObject *)self;
    if (mv->hash != -1) {
        return mv->hash;
    }
    CHECK_RELEASED(mv, -1);
    const Py_buffer *view = &mv->view;
    char code;
    if (!view->readonly) {
        PyErr_SetString(PyExc_ValueError,
                        "cannot hash writable memoryview object");
        return -1;
    }
    if (native_format(view->format, &code) < 0 || !is_byte_format(code)) {
        PyErr_SetString(PyExc_ValueError, "memoryview: hashing is "
                        "restricted to formats 'B', 'b' or 'c'");
        return -1;
    }
    if (view->obj != NULL && PyObject_Hash(view->obj) == -1) {
        return -1;
    }
    if (mv->flags & _Py_MEMORYVIEW_C) {
        mv->hash = mb_hash_bytes(view->buf, view->len);
        return mv->hash;
    }
    char *copy = PyMem_Malloc((size_t)view->len);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (PyBuffer_ToContiguous(copy, view, view->len, 'C') == 0) {
        mv->hash = mb_hash_bytes(copy, view->len);
    }
    PyMem_Free(copy);
    return mv->hash;
}

PyTypeObject MbTypeObject_MemoryView = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "memoryview",
    .tp_basicsize = offsetof(PyMemoryViewObject, ob_array),
    .tp_itemsize = sizeof(Py_ssize_t),
    .tp_dealloc = memory_dealloc,
    .tp_hash = memory_hash,
    .tp_as_buffer = &memory_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY,
    .tp_doc = "A view of another object's memory.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

