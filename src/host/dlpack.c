/* The DLPack bridge (include/mbdlpack.h): PEP 3118 views as DLPack
 * tensors, and DLPack tensors as host arrays.
 *
 * Ownership rules:
 * - An export is one block: the managed tensor (legacy or versioned), the
 *   view it was made from, and the tensor's shape and strides.  The view
 *   holds the exporter until the deleter releases it and frees the block.
 * - An import is a host array (host.c) whose host pointer is the tensor
 *   and whose release callback is the tensor's deleter, so the deleter
 *   runs exactly once, when the array is freed.
 *
 * Built only when configure found dlpack.h (MB_HAVE_DLPACK), and empty
 * otherwise for builds that compile every file (python/build.sh).
 */
#include <mbversion.h>

#if MB_HAVE_DLPACK
#include <ctype.h>

#include "host.h"

#include <mbdlpack.h>

#if defined(DLPACK_MAJOR_VERSION) && DLPACK_MAJOR_VERSION >= 1
#  define VERSIONED 1
#else
#  define VERSIONED 0
#endif

/* DLPack's kDLBool, which dlpack.h has only from 0.8 on. */
#define DTYPE_BOOL 6

/* The byte-order characters that mean this machine's order. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#  define NATIVE_ORDERS "@^=>!"
#else
#  define NATIVE_ORDERS "@^=<"
#endif

/* --- Types --------------------------------------------------------------- */

/* The DLPack dtype of a format that is one scalar of itemsize bytes in
   native order: 0, or -1 with BufferError "DLPack has no type for format
   'F'". */
static int
dtype_of_format(const char *format, Py_ssize_t itemsize, DLDataType *dtype)
{
    MbPep3118Field field;
    MbPep3118Info info;
    int scalar = MbPep3118_Parse(format, &field, 1, &info) == 0
                 && info.nfields == 1 && field.count == 1 && field.ndim == 0
                 && field.size == itemsize
                 && strchr(NATIVE_ORDERS, field.byteorder) != NULL;
    int known = scalar
                && (field.code == 'Z'
                    ? field.target == 'f' || field.target == 'd'
                    : field.code != '\0'
                      && strchr("bhilqnBHILQNefd?", field.code) != NULL);
    if (!scalar || !known) {
        PyErr_Format(PyExc_BufferError, "DLPack has no type for format "
                     "'%.100s'", format);
        return -1;
    }
    dtype->bits = (uint8_t)(8 * field.size);
    dtype->lanes = 1;
    switch (field.code) {
    case 'e': case 'f': case 'd':
        dtype->code = kDLFloat;
        break;
    case 'Z':
        dtype->code = kDLComplex;
        break;
    case '?':
        dtype->code = DTYPE_BOOL;
        break;
    default:
        dtype->code = islower((unsigned char)field.code) ? kDLInt : kDLUInt;
        break;
    }
    return 0;
}

/* The PEP 3118 format of a DLPack dtype, or NULL with BufferError. */
static const char *
format_of_dtype(DLDataType dtype)
{
    /* By size: 8, 16, 32, 64 and 128 bits. */
    static const char *const ints[] = {"b", "h", "i", "q", NULL};
    static const char *const uints[] = {"B", "H", "I", "Q", NULL};
    static const char *const floats[] = {NULL, "e", "f", "d", NULL};
    static const char *const complexes[] = {NULL, NULL, NULL, "Zf", "Zd"};
    int size = 0;
    while (size < 5 && (8 << size) != dtype.bits) {
        size++;
    }
    const char *format = NULL;
    if (dtype.lanes == 1 && size < 5) {
        switch (dtype.code) {
        case kDLInt:
            format = ints[size];
            break;
        case kDLUInt:
            format = uints[size];
            break;
        case kDLFloat:
            format = floats[size];
            break;
        case kDLComplex:
            format = complexes[size];
            break;
        case DTYPE_BOOL:
            format = size == 0 ? "?" : NULL;
            break;
        }
    }
    if (format == NULL) {
        PyErr_Format(PyExc_BufferError, "DLPack dtype (code %d, bits %d, "
                     "lanes %d) has no PEP 3118 format", dtype.code,
                     dtype.bits, dtype.lanes);
    }
    return format;
}

/* --- Exports ------------------------------------------------------------- */

typedef struct {
    union {
        DLManagedTensor legacy;
#if VERSIONED
        DLManagedTensorVersioned versioned;
#endif
    } managed;
    Py_buffer view;
    int64_t dims[];             /* shape, then strides in items */
} Export;

static void
free_export(Export *export)
{
    PyBuffer_Release(&export->view);
    PyMem_Free(export);
}

static void
legacy_deleter(DLManagedTensor *tensor)
{
    free_export(tensor->manager_ctx);
}

/* Describe the view in tensor (whose shape and strides go to dims): 0, or
   -1 with BufferError when DLPack cannot. */
static int
describe_view(const Py_buffer *view, DLTensor *tensor, int64_t *dims)
{
    Py_ssize_t shape[PyBUF_MAX_NDIM], strides[PyBUF_MAX_NDIM];
    if (view->suboffsets != NULL) {
        PyErr_SetString(PyExc_BufferError,
                        "DLPack cannot describe suboffsets");
        return -1;
    }
    if (dtype_of_format(view->format ? view->format : "B", view->itemsize,
                        &tensor->dtype) < 0) {
        return -1;
    }
    /* What a view leaves out, filled in as its consumers read it: a
       one-dimensional shape of len / itemsize items, C strides. */
    if (view->ndim > 1 && view->shape == NULL) {
        PyErr_Format(PyExc_BufferError, "DLPack needs a shape: the view "
                     "has %d dimensions and none", view->ndim);
        return -1;
    }
    for (int i = 0; i < view->ndim; i++) {
        shape[i] = view->shape ? view->shape[i]
                               : view->len / view->itemsize;
        strides[i] = view->strides ? view->strides[i] : 0;
    }
    if (view->strides == NULL) {
        PyBuffer_FillContiguousStrides(view->ndim, shape, strides,
                                       (int)view->itemsize, 'C');
    }
    for (int i = 0; i < view->ndim; i++) {
        if (strides[i] % view->itemsize != 0) {
            PyErr_Format(PyExc_BufferError, "DLPack counts strides in "
                         "items: stride %zd of dimension %d is not a "
                         "multiple of the item size %zd", strides[i], i,
                         view->itemsize);
            return -1;
        }
        dims[i] = shape[i];
        dims[view->ndim + i] = strides[i] / view->itemsize;
    }
    tensor->data = view->buf;
    tensor->device.device_type = kDLCPU;
    tensor->device.device_id = 0;
    tensor->ndim = view->ndim;
    tensor->shape = dims;
    tensor->strides = dims + view->ndim;
    tensor->byte_offset = 0;
    return 0;
}

/* A view of exporter in a new export block, with its tensor (legacy or
   versioned) described; NULL with an exception. */
static Export *
new_export(PyObject *exporter, int versioned, DLTensor **tensor)
{
    Py_buffer view;
    if (PyObject_GetBuffer(exporter, &view, PyBUF_FULL_RO) < 0) {
        return NULL;
    }
    if (!versioned && view.readonly) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_BufferError, "a read-only buffer cannot be "
                        "exported as DLManagedTensor, which has no "
                        "read-only flag");
        return NULL;
    }
    Export *export = PyMem_Malloc(sizeof(Export) + 2 * (size_t)view.ndim
                                                   * sizeof(int64_t));
    if (export == NULL) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return NULL;
    }
    memset(&export->managed, 0, sizeof(export->managed));
    export->view = view;
#if VERSIONED
    *tensor = versioned ? &export->managed.versioned.dl_tensor
                        : &export->managed.legacy.dl_tensor;
#else
    *tensor = &export->managed.legacy.dl_tensor;
#endif
    if (describe_view(&export->view, *tensor, export->dims) < 0) {
        free_export(export);
        return NULL;
    }
    return export;
}

DLManagedTensor *
MbDLPack_Export(PyObject *exporter)
{
    DLTensor *tensor;
    Export *export = new_export(exporter, 0, &tensor);
    if (export == NULL) {
        return NULL;
    }
    export->managed.legacy.manager_ctx = export;
    export->managed.legacy.deleter = legacy_deleter;
    return &export->managed.legacy;
}

/* --- Imports ------------------------------------------------------------- */

/* A host array over the tensor's memory whose release is release(host);
   NULL with an exception (and the tensor left to the caller). */
static PyObject *
import_tensor(const DLTensor *tensor, int readonly, void *host,
              MbHostRelease release)
{
    Py_ssize_t shape[PyBUF_MAX_NDIM], strides[PyBUF_MAX_NDIM];
    if (tensor->device.device_type != kDLCPU) {
        PyErr_Format(PyExc_BufferError, "DLPack device type %d is not CPU "
                     "memory", (int)tensor->device.device_type);
        return NULL;
    }
    const char *format = format_of_dtype(tensor->dtype);
    if (format == NULL) {
        return NULL;
    }
    if (tensor->ndim < 0 || tensor->ndim > PyBUF_MAX_NDIM) {
        PyErr_Format(PyExc_BufferError, "DLPack tensor of ndim %d: 0 to 64 "
                     "dimensions are supported", tensor->ndim);
        return NULL;
    }
    Py_buffer layout = {.readonly = readonly, .ndim = tensor->ndim,
                        .format = (char *)format,
                        .itemsize = tensor->dtype.bits / 8,
                        .shape = tensor->ndim ? shape : NULL,
                        .strides = tensor->ndim ? strides : NULL};
    if (tensor->ndim > 0 && tensor->shape == NULL) {
        PyErr_SetString(PyExc_ValueError, "layout: shape and strides are "
                        "needed when ndim > 0");
        return NULL;
    }
    /* Items, then bytes; C strides when the tensor has none. */
    uint64_t nitems = 1, limit = PY_SSIZE_T_MAX;
    for (int i = tensor->ndim - 1; i >= 0; i--) {
        int64_t extent = tensor->shape[i];
        int64_t step = tensor->strides ? tensor->strides[i]
                                       : (int64_t)nitems;
        if (extent < 0) {
            PyErr_SetString(PyExc_ValueError,
                            "layout: extents of shape must be >= 0");
            return NULL;
        }
        if ((uint64_t)extent > limit || (step < 0 ? -(uint64_t)step
                                                  : (uint64_t)step)
                                        > limit / (uint64_t)layout.itemsize
            || (extent != 0 && nitems > limit / (uint64_t)extent)) {
            PyErr_SetString(PyExc_BufferError, "DLPack tensor shape or "
                            "strides do not fit in memory");
            return NULL;
        }
        shape[i] = (Py_ssize_t)extent;
        strides[i] = (Py_ssize_t)step * layout.itemsize;
        nitems *= (uint64_t)extent;
    }
    if (nitems > limit / (uint64_t)layout.itemsize) {
        PyErr_SetString(PyExc_BufferError, "DLPack tensor shape or strides "
                        "do not fit in memory");
        return NULL;
    }
    layout.len = (Py_ssize_t)nitems * layout.itemsize;
    layout.buf = (char *)tensor->data + tensor->byte_offset;
    return MbHostArray_New(&layout, host, release);
}

static void
call_legacy_deleter(void *tensor)
{
    DLManagedTensor *managed = tensor;
    if (managed->deleter != NULL) {
        managed->deleter(managed);
    }
}

PyObject *
MbDLPack_Import(DLManagedTensor *tensor)
{
    if (tensor == NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    return import_tensor(&tensor->dl_tensor, 0, tensor, call_legacy_deleter);
}

/* --- DLPack 1.x ---------------------------------------------------------- */

#if VERSIONED
static void
versioned_deleter(DLManagedTensorVersioned *tensor)
{
    free_export(tensor->manager_ctx);
}

DLManagedTensorVersioned *
MbDLPack_ExportVersioned(PyObject *exporter)
{
    DLTensor *tensor;
    Export *export = new_export(exporter, 1, &tensor);
    if (export == NULL) {
        return NULL;
    }
    DLManagedTensorVersioned *managed = &export->managed.versioned;
    managed->version.major = DLPACK_MAJOR_VERSION;
    managed->version.minor = DLPACK_MINOR_VERSION;
    managed->manager_ctx = export;
    managed->deleter = versioned_deleter;
    managed->flags = export->view.readonly ? DLPACK_FLAG_BITMASK_READ_ONLY
                                           : 0;
    return managed;
}

static void
call_versioned_deleter(void *tensor)
{
    DLManagedTensorVersioned *managed = tensor;
    if (managed->deleter != NULL) {
        managed->deleter(managed);
    }
}

PyObject *
MbDLPack_ImportVersioned(DLManagedTensorVersioned *tensor)
{
    if (tensor == NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    if (tensor->version.major != DLPACK_MAJOR_VERSION) {
        PyErr_Format(PyExc_BufferError, "DLPack version %u.%u is not "
                     "supported (this build reads %d.x)",
                     (unsigned)tensor->version.major,
                     (unsigned)tensor->version.minor, DLPACK_MAJOR_VERSION);
        return NULL;
    }
    int readonly = (tensor->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
    return import_tensor(&tensor->dl_tensor, readonly, tensor,
                         call_versioned_deleter);
}
#endif /* VERSIONED */

#endif /* MB_HAVE_DLPACK */
