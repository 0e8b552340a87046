/* The runtime layer: the object model under everything else.
 *
 * src/ is built in layers, each a folder with a header like this one that
 * is all a higher layer may include (tests/layers.sh checks it):
 *
 *   runtime/   objects and types, the error indicator and exception
 *              types, the allocators and counters, tracking, message
 *              formatting, hashing, start and stop
 *   protocol/  the buffer protocols: requests, views, contiguity,
 *              layouts, copies, struct formats, the old functions
 *   objects/   the exporters: bytes, bytearray, memoryview, ndarray and
 *              Python 2's buffer and segment exporters
 *   checker/   the exporter conformance checker
 *   host/      what runtimes that are not Python call: exporter types
 *              made of callbacks, host arrays, function forms of macros,
 *              the DLPack bridge
 *
 * Everything declared here has hidden visibility (the library is compiled
 * with -fvisibility=hidden), so none of it is part of the ABI.  The public
 * API (include/) is everyone's.
 */
#ifndef MB_RUNTIME_H
#define MB_RUNTIME_H

#include <stdarg.h>
#include <stdatomic.h>

#include <Python.h>

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
/* A test that is rarely true, laid out off the straight path. */
#  define MB_UNLIKELY(test) __builtin_expect(!!(test), 0)
/* The library's few thread-local variables use the fast TLS model: they
   are small, so loading the library with dlopen still finds room. */
#  define MB_THREAD_LOCAL _Thread_local \
    __attribute__((tls_model("initial-exec")))
#else
#  define MB_HIDDEN
#  define MB_OUT_OF_LINE
#  define MB_ALWAYS_INLINE
#  define MB_COLD
#  define MB_UNLIKELY(test) (test)
#  define MB_THREAD_LOCAL _Thread_local
#endif

/* The cache line of the machines the copy engine is tuned for. */
#define MB_CACHE_LINE 64

/* The tp_dealloc of heap types made without one (PyType_FromSpec,
   PyErr_NewException), as CPython's subtype_dealloc: the nearest base's
   tp_dealloc, then the instance's reference to its type dropped. */
void mb_heap_dealloc(PyObject *self);

/* PyType_FromSpec, with data_size bytes (zeroed, aligned for any type) in
   the type's own block for the caller's use, freed with the type; the
   host layer keeps a host type's callbacks there. */
PyObject *mb_type_from_spec_with_data(PyType_Spec *spec, size_t data_size);

/* The data of a type made by mb_type_from_spec_with_data (NULL when it was
   made with none).  Assumption: type is a heap type made from a spec. */
void *mb_type_data(PyTypeObject *type);

/* --- Buffer slots (python2_types.c) --------------------------------------
 *
 * A type's tp_as_buffer points to CPython 3's table, or, when its flags
 * hold MB_TPFLAGS_PYTHON2 (minibuf.h), to Python 2.7's (a type defined in
 * Python 2 mode, or one of minibuf's Python 2 exporters).  Every reader of
 * the table asks here.
 */

/* The new protocol's slots of type, or NULL: CPython 3's table, or the
   last two entries of a 2.7-layout table when the type has
   MB_TPFLAGS_PYTHON2_NEWBUFFER (2.7 ignores them without it).  Inline and
   without a call, so that GetBuffer and Release need no stack frame. */
static inline PyBufferProcs *
mb_buffer_procs(const PyTypeObject *type)
{
    PyBufferProcs *procs = type->tp_as_buffer;
    if (MB_UNLIKELY(type->tp_flags & MB_TPFLAGS_PYTHON2)) {
        if (procs == NULL
            || !(type->tp_flags & MB_TPFLAGS_PYTHON2_NEWBUFFER)) {
            return NULL;
        }
        /* The last two entries are laid out as CPython 3's table. */
        procs = (PyBufferProcs *)(void *)
                &((MbPython2BufferProcs *)(void *)procs)->bf_getbuffer;
    }
    return procs;
}

/* Python 2's slots of type, or NULL when its table is CPython 3's. */
static inline const MbPython2BufferProcs *
mb_python2_slots(const PyTypeObject *type)
{
    if (type->tp_flags & MB_TPFLAGS_PYTHON2) {
        return (const MbPython2BufferProcs *)(const void *)type->tp_as_buffer;
    }
    return NULL;
}

/* Copy into type the buffer slots it leaves empty, from base: each table
   in its own layout, a type without a table sharing its base's (and its
   layout).  Assumption: base is ready. */
void mb_inherit_buffer_slots(PyTypeObject *type, const PyTypeObject *base);

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
   other libraries run) or could not be allocated.  It is updated with the
   same plain load and store, so two threads counting into it at the same
   moment may lose a count: statistics, not synchronisation, and the price
   of hot paths without a test for it. */
typedef struct MbCounters {
    _Atomic Py_ssize_t count[MB_COUNTERS];
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

/* Every thread's counters added up, and the failures injected so far
   (for MbStats_Get). */
void mb_sum_counters(Py_ssize_t sums[MB_COUNTERS], Py_ssize_t *injected);

/* Add delta to counter `which` (MB_LIVE_OBJECTS, ...) of c, the calling
   thread's record. */
static inline void
mb_count_in(MbCounters *c, int which, Py_ssize_t delta)
{
    _Atomic Py_ssize_t *counter = &c->count[which];
    atomic_store_explicit(counter, atomic_load_explicit(
                              counter, memory_order_relaxed) + delta,
                          memory_order_relaxed);
}

/* Add delta to counter `which` of the calling thread. */
static inline void
mb_count(int which, Py_ssize_t delta)
{
    mb_count_in(mb_counters(), which, delta);
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

/* Whether tracking is on, reading MINIBUF_DEBUG_LEAKS the first time. */
int mb_tracking_on(void);

/* Record a view just filled by a request of `flags` (the exporter's type,
   the request, the call stack), if tracking is on. */
void mb_track_export(const Py_buffer *view, int flags);

/* Forget the record of a view being released, if it has one. */
void mb_untrack_export(const Py_buffer *view);

/* Record an object just created; forget one being deallocated. */
void mb_track_object(PyObject *op);
void mb_untrack_object(PyObject *op);


/* --- The error indicator (errors.c) ---------------------------------------- */

/* Each thread's error indicator: one reference to each part, or NULL. */
typedef struct {
    PyObject *type;
    PyObject *value;
    PyObject *traceback;
} MbIndicator;

MB_HIDDEN extern MB_THREAD_LOCAL MbIndicator mb_indicator;

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

/* CPython's UnicodeDecodeError for the invalid sequence of error_length
   bytes at s[i] ("'utf-8' codec can't decode byte 0xff in position 0:
   invalid start byte"); -1. */
int mb_utf8_decode_error(const unsigned char *s, size_t i,
                         size_t error_length, const char *reason);

/* The formatter behind PyErr_Format (strformat.c): a new PyMem_Malloc'd,
   NUL-terminated string, or NULL on failure with *length untouched. */
char *mb_vformat(const char *format, va_list args, size_t *length);

/* --- Hashing (hash.c) ---------------------------------------------------- */

/* The hash CPython gives bytes with these contents (PYTHONHASHSEED=0). */
Py_hash_t mb_hash_bytes(const void *data, Py_ssize_t length);

/* The hash Python 2.7 gave a str with these contents (hash randomization
   off, its default). */
Py_hash_t mb_hash_python2_string(const void *data, Py_ssize_t length);

#endif /* !MB_RUNTIME_H */
