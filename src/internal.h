/* Declarations shared by the library's modules and never installed.
 *
 * Everything here has hidden visibility (the library is compiled with
 * -fvisibility=hidden), so none of it is part of the ABI.
 */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>

#include "Python.h"

/* The library's own messages must not name its source files: it raises
   SystemError "bad argument to internal function" through the function,
   not through the macro that adds the caller's file and line. */
#undef PyErr_BadInternalCall

#if defined(__GNUC__) || defined(__clang__)
#  define MB_HIDDEN __attribute__((visibility("hidden")))
/* A path kept out of line, so that the hot path around it needs no stack
   frame; MB_COLD also when it is rare. */
#  define MB_OUT_OF_LINE __attribute__((noinline))
#  define MB_ALWAYS_INLINE __attribute__((always_inline))
#  define MB_COLD __attribute__((cold, noinline))
/* The library's few thread-local variables use the fast TLS model: they
   are small, so loading the library with dlopen still finds room. */
#  define MB_THREAD_LOCAL _Thread_local \
    __attribute__((tls_model("initial-exec")))
#else
#  define MB_HIDDEN
#  define MB_OUT_OF_LINE
#  define MB_ALWAYS_INLINE
#  define MB_COLD
#  define MB_THREAD_LOCAL _Thread_local
#endif

/* The cache line of the machines the copy engine is tuned for. */
#define MB_CACHE_LINE 64

/* --- Built-in type objects (object.c) ---------------------------------------
 *
 * The library names them directly; programs reach them through the MbType_
 * pointers (object.h explains why).
 */
MB_HIDDEN extern PyTypeObject mb_type_type;
MB_HIDDEN extern PyTypeObject mb_object_type;

/* --- Accounting (mem.c) -------------------------------------------------- */

/* Kinds of small blocks a thread keeps for reuse (mb_cached_malloc). */
enum { MB_CACHE_MANAGED_BUFFER, MB_CACHE_SMALL_VIEW, MB_CACHE_KINDS };
#define MB_CACHE_DEPTH 8

/* The library's counters (MbStats). */
enum {
    MB_LIVE_OBJECTS,
    MB_LIVE_ALLOCATIONS,
    MB_ALLOCATIONS,
    MB_COUNTERS
};

/* The counters of one thread, and its caches of small blocks.  Only the
   owning thread writes them, with a plain load and store (relaxed atomics:
   no locked instruction on the hot paths); MbStats_Get sums every
   thread's.  A count taken in one thread and given back in another moves
   between two records, and the sum stays right.  One record is shared:
   the one that keeps what exited threads left, which threads also count
   into once their own record is gone (while the thread-exit destructors of
   other libraries run) or could not be allocated; it is updated with
   atomic additions. */
typedef struct MbCounters {
    _Atomic Py_ssize_t count[MB_COUNTERS];
    int shared;
    void *cache[MB_CACHE_KINDS][MB_CACHE_DEPTH];
    int cached[MB_CACHE_KINDS];
    struct MbCounters *next;
} MbCounters;

MB_HIDDEN extern MB_THREAD_LOCAL MbCounters *mb_my_counters;

/* The calling thread's counters, registered on first use. */
MbCounters *mb_register_thread(void);

static inline MbCounters *
mb_counters(void)
{
    MbCounters *c = mb_my_counters;
    return c != NULL ? c : mb_register_thread();
}

/* Add delta to counter `which` (MB_LIVE_OBJECTS, ...) of the calling
   thread. */
static inline void
mb_count(int which, Py_ssize_t delta)
{
    MbCounters *c = mb_counters();
    _Atomic Py_ssize_t *counter = &c->count[which];
    if (c->shared) {
        atomic_fetch_add_explicit(counter, delta, memory_order_relaxed);
        return;
    }
    atomic_store_explicit(counter, atomic_load_explicit(
                              counter, memory_order_relaxed) + delta,
                          memory_order_relaxed);
}

static inline void
mb_count_object(Py_ssize_t delta)
{
    mb_count(MB_LIVE_OBJECTS, delta);
}

/* PyObject_Malloc for blocks of one fixed size per kind, kept by the thread
   for reuse when freed with mb_cached_free: objects made and dropped at a
   high rate (memoryviews) then cost no call to malloc.  Counted, and made
   to fail, as any allocation.  Assumption: every block of a kind has the
   same size. */
void *mb_cached_malloc(int kind, size_t size);
void mb_cached_free(int kind, void *block);

/* When MINIBUF_FAIL_AT is set: whether that allocation failed, or how
   many were made (at Py_Finalize). */
void mb_report_fail_at(FILE *out);

/* Free the calling thread's cached blocks (at Py_Finalize). */
void mb_flush_caches(void);

/* PyObject_Free for a block known to hold size bytes: a large one (4 MiB
   to 64 MiB) is kept for the next large malloc instead of going back to
   the kernel (mem.c explains).  Assumption: ptr came from PyObject_Malloc,
   PyObject_Calloc or their PyMem_ twins and holds at least size bytes. */
void mb_free_sized(void *ptr, size_t size);

/* Free the retained large block (at Py_Finalize). */
void mb_flush_retained(void);

/* The block of an object of size bytes whose payload starts header bytes
   in, zero-filled if zero is set.  A large one (4 MiB or more) is placed so
   that the payload starts on a cache line, where the copy engine's
   streaming stores write whole lines, and its pages are kept for reuse
   when freed (mb_free_sized).  Counted and made to fail as any allocation;
   NULL without an exception on failure.  Free it only with mb_payload_free
   and the same size.  Assumption: header is a multiple of 16, so that the
   object stays aligned as malloc's blocks are. */
void *mb_payload_malloc(size_t size, size_t header, int zero);
void mb_payload_free(void *ptr, size_t size);

/* Give back storage whose old contents a consumer may still be reading
   through a stale pointer (a bytearray's, when it moves or dies).  With the
   poison setting on (MbDebug_SetPoison, MINIBUF_POISON=1), the bytes are
   overwritten with MB_POISON_BYTE and kept in a small quarantine instead of
   being freed at once, so a stale read shows the pattern.  Assumption: ptr
   came from PyObject_Malloc and holds size bytes. */
void mb_release_storage(void *ptr, size_t size);

/* Free what the poison setting has kept back (at Py_Finalize). */
void mb_flush_quarantine(void);

/* --- Tracking exports and objects (tracking.c) -------------------------- */

/* -1 until MINIBUF_DEBUG_LEAKS is read, then 0 (off) or 1 (on). */
MB_HIDDEN extern _Atomic int mb_tracking_state;

/* The hot paths' test: whether tracking may be on (true until the
   environment is read).  When it is, they call the functions below, which
   decide, and do nothing when it is off. */
static inline int
mb_tracking(void)
{
    return atomic_load_explicit(&mb_tracking_state,
                                memory_order_relaxed) != 0;
}

/* mb_call_getbuffer's slow path: the call, then the record. */
int mb_tracked_getbuffer(PyObject *obj, Py_buffer *view, int flags);

/* Forget the record of a view being released, if it has one. */
void mb_untrack_export(const Py_buffer *view);

/* Record an object just created; forget one being deallocated. */
void mb_track_object(PyObject *op);
void mb_untrack_object(PyObject *op);

/* How many views are recorded as exported. */
Py_ssize_t mb_tracked_exports(void);

/* --- The error indicator (errors.c) ---------------------------------------- */

/* Each thread's error indicator: one reference to each part, or NULL. */
typedef struct {
    PyObject *type;
    PyObject *value;
    PyObject *traceback;
} MbIndicator;

MB_HIDDEN extern MB_THREAD_LOCAL MbIndicator mb_indicator;

/* --- The protocol (buffer.c) --------------------------------------------- */

/* PyObject_CheckBuffer, inline, for an object known not to be NULL. */
static inline int
mb_has_getbuffer(PyObject *obj)
{
    PyBufferProcs *procs = Py_TYPE(obj)->tp_as_buffer;
    return procs != NULL && procs->bf_getbuffer != NULL;
}

/* The answer to an exporter that grants a view with an exception set:
   the view is released and the result is -1 with SystemError "bf_getbuffer
   of 'T' succeeded with an exception set" (CPython's release build passes
   both on, which makes its consumers return success with an exception
   pending; its debug build stops the process). */
int mb_granted_with_error(PyObject *obj, Py_buffer *view);

/* Call obj's bf_getbuffer, recording the export when tracking is on
   (PyObject_GetBuffer without its checks, for the callers CPython lets
   call the slot directly).  Assumption: the slot exists. */
static inline int
mb_call_getbuffer(PyObject *obj, Py_buffer *view, int flags)
{
    if (mb_tracking()) {
        return mb_tracked_getbuffer(obj, view, flags);
    }
    int result = Py_TYPE(obj)->tp_as_buffer->bf_getbuffer(obj, view, flags);
    if (result == 0 && mb_indicator.type != NULL) {
        return mb_granted_with_error(obj, view);
    }
    return result;
}

/* PyBuffer_FillInfo, inline for the exporters of bytes. */
static inline int
mb_fill_info(Py_buffer *view, PyObject *exporter, void *buf, Py_ssize_t len,
             int readonly, int flags)
{
    if (view == NULL) {
        PyErr_SetString(PyExc_BufferError,
                        "PyBuffer_FillInfo: view==NULL argument is obsolete");
        return -1;
    }
    /* CPython tests readonly == 1 literally: 2 counts as writable. */
    if ((flags & PyBUF_WRITABLE) && readonly == 1) {
        PyErr_SetString(PyExc_BufferError, "Object is not writable.");
        return -1;
    }
    view->obj = Py_XNewRef(exporter);
    view->buf = buf;
    view->len = len;
    view->readonly = readonly;
    view->itemsize = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"B" : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                    ? &view->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

/* --- Exceptions (errors.c) ----------------------------------------------- */

/* Set type with a message that is already formatted; never fails (falls
   back to MemoryError when the message cannot be stored). */
void mb_err_set(PyObject *type, const char *message, size_t length);

/* CPython's answer to a NULL argument: SystemError "null argument to
   internal routine", unless an exception is already set, which is kept. */
void mb_err_null_argument(void);

/* --- UTF-8 (utf8.c) ---------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 with the reason and
   the number of bytes the error covers, following CPython's decoder.
   Assumption: n >= 1. */
size_t mb_utf8_sequence(const unsigned char *s, size_t n,
                        const char **reason, size_t *error_length);

/* The code point of the valid UTF-8 sequence of `length` bytes at s. */
long mb_utf8_code_point(const unsigned char *s, size_t length);

/* The formatter behind PyErr_Format (strformat.c): a new PyMem_Malloc'd,
   NUL-terminated string, or NULL on failure with *length untouched. */
char *mb_vformat(const char *format, va_list args, size_t *length);

/* --- bytes (bytes.c) ----------------------------------------------------- */

/* A new bytes object of size bytes that the caller fills (not zeroed);
   CPython's errors for a negative or too large size. */
PyObject *mb_bytes_for_filling(Py_ssize_t size);

/* --- Hashing (hash.c) ---------------------------------------------------- */

/* The hash CPython gives bytes with these contents (PYTHONHASHSEED=0). */
Py_hash_t mb_hash_bytes(const void *data, Py_ssize_t length);

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
   pointer is read with memcpy: p need not be aligned. */
static inline char *
mb_follow(const char *p, Py_ssize_t suboffset)
{
    char *target;
    memcpy(&target, p, sizeof(target));
    return target + suboffset;
}

/* --- Values of struct items (structvalue.c) ------------------------------ */

typedef enum { MB_VALUE_INT, MB_VALUE_FLOAT, MB_VALUE_BYTES } MbValueKind;

/* One value as struct.unpack would give it. */
typedef struct {
    MbValueKind kind;
    int negative;                     /* integers: sign */
    unsigned long long magnitude;     /* integers: absolute value */
    double d;                         /* floats */
    const unsigned char *bytes;       /* byte strings: the bytes */
    Py_ssize_t nbytes;
} MbValue;

/* Walks the values of one item (at `item`) of a struct format. */
typedef struct {
    MbFormatParser parser;
    MbFormatCode code;
    const char *item;
    Py_ssize_t left;                  /* values left in the current code */
    Py_ssize_t at;                    /* offset of the next value */
    int little;                       /* byte order of the format */
} MbValueReader;

/* 0, or -1 with the format's exception (UnicodeError). */
int mb_values_start(MbValueReader *reader, const char *format,
                    const char *item);

/* The next value and 1; 0 at the end; -1 with struct.error. */
int mb_values_next(MbValueReader *reader, MbValue *value);

/* 1 if Python would call the two values equal. */
int mb_value_equal(const MbValue *a, const MbValue *b);

/* 1 if the items unpack to equal values, 0 if not, -1 with an exception
   if a format cannot be read.  Assumption: the formats' sizes fit in the
   items. */
int mb_items_equal(const char *format_a, const char *a, const char *format_b,
                   const char *b);

/* --- The strided copy engine (strided.c) -------------------------------- */

/* Copy every item of src to the item of dst with the same index, unless
   the order of the copy could be seen: either has suboffsets, the memory
   the two cover may overlap, or two items of dst may share bytes.  Then
   nothing is copied and the result is -1 (the caller copies in CPython's
   order).  0 when copied.  Assumption: same ndim, shape and itemsize. */
int mb_layout_copy(const MbLayout *dst, const MbLayout *src);

#endif /* !MB_INTERNAL_H */
