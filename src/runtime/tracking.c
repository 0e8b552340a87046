/* Tracking exports and objects, for finding what a program leaves held.
 *
 * With tracking on, every view filled through PyObject_GetBuffer (or the
 * old protocol's wrappers) is recorded, keyed by its address, with the
 * exporter's type, the request and the call stack, until PyBuffer_Release;
 * and every object created is recorded until it is deallocated.  The
 * records are plain malloc'd tables behind one lock: they are the
 * accounting itself, so they are neither counted nor made to fail by
 * MbAlloc_FailAt.  Off, tracking costs the hot paths one test of a flag.
 *
 * Matching rules:
 * - An exporter that redirects a request calls PyObject_GetBuffer on the
 *   same view; the view has one record, and the outer call's is kept.
 * - A view released at another address than it was filled at (copied) is
 *   matched by its obj and buf.
 * - Releasing a view that has no record (filled before tracking was on,
 *   or not by PyObject_GetBuffer) is not counted.
 * Switching tracking off forgets every record.
 *
 * Tracking is the debug mode, so the protocol layer also checks then what
 * CPython leaves to assertions (buffer.c, mb_tracked_getbuffer).
 *
 * MbStats_Get lives here too: it adds the export count to the
 * allocators' counters (mem.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(HAVE_EXECINFO_H)
#include <execinfo.h>
#endif

#include "runtime.h"

#define MAX_FRAMES 8

typedef struct {
    const void *key;          /* the view or the object; NULL: a free slot */
    PyTypeObject *type;       /* the exporter's (view->obj's) or object's */
    const PyObject *obj;      /* exports: view->obj and view->buf, to */
    const void *buf;          /* match a view released from a copy */
    int flags;                /* exports: the request */
    int nframes;
    void *frames[MAX_FRAMES]; /* exports: where the view was taken */
} Record;

/* Open addressing with linear probing; capacity a power of two or 0. */
typedef struct {
    Record *slots;
    size_t capacity;
    size_t count;
} RecordTable;

_Atomic int mb_tracking_state = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static RecordTable exports, objects;
static size_t lost;             /* records not kept for want of memory */

/* --- The tables ---------------------------------------------------------- */

static size_t
slot_of(const RecordTable *t, const void *key)
{
    uintptr_t h = (uintptr_t)key;
    h = (h >> 4) * (uintptr_t)0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 7) & (t->capacity - 1);
}

/* The slot holding key, or -1. */
static Py_ssize_t
find(const RecordTable *t, const void *key)
{
    if (t->count == 0) {
        return -1;
    }
    for (size_t i = slot_of(t, key);; i = (i + 1) & (t->capacity - 1)) {
        if (t->slots[i].key == key) {
            return (Py_ssize_t)i;
        }
        if (t->slots[i].key == NULL) {
            return -1;
        }
    }
}

static int
grow(RecordTable *t)
{
    size_t capacity = t->capacity == 0 ? 64 : 2 * t->capacity;
    Record *slots = calloc(capacity, sizeof(Record));
    if (slots == NULL) {
        return -1;
    }
    RecordTable bigger = {slots, capacity, t->count};
    for (size_t i = 0; i < t->capacity; i++) {
        if (t->slots[i].key != NULL) {
            size_t j = slot_of(&bigger, t->slots[i].key);
            while (slots[j].key != NULL) {
                j = (j + 1) & (capacity - 1);
            }
            slots[j] = t->slots[i];
        }
    }
    free(t->slots);
    *t = bigger;
    return 0;
}

/* The record of key, new (zeroed but for the key) or existing; NULL when
   the table cannot grow. */
static Record *
put(RecordTable *t, const void *key)
{
    Py_ssize_t found = find(t, key);
    if (found >= 0) {
        return &t->slots[found];
    }
    if (2 * (t->count + 1) > t->capacity && grow(t) < 0) {
        lost++;
        return NULL;
    }
    size_t i = slot_of(t, key);
    while (t->slots[i].key != NULL) {
        i = (i + 1) & (t->capacity - 1);
    }
    memset(&t->slots[i], 0, sizeof(Record));
    t->slots[i].key = key;
    t->count++;
    return &t->slots[i];
}

/* Empty slot i, moving back the records after it that probed past it. */
static void
remove_at(RecordTable *t, size_t i)
{
    size_t mask = t->capacity - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; t->slots[j].key != NULL;
         j = (j + 1) & mask) {
        size_t home = slot_of(t, t->slots[j].key);
        /* j's record may fill the hole if its home is not in (hole, j]. */
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole].key = NULL;
    t->count--;
}

static void
clear(RecordTable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->capacity = 0;
    t->count = 0;
}

/* --- Switching ----------------------------------------------------------- */

/* Whether tracking is on, reading MINIBUF_DEBUG_LEAKS the first time
   unless MbDebug_SetTracking came first. */
int
mb_tracking_on(void)
{
    int state = atomic_load_explicit(&mb_tracking_state,
                                     memory_order_relaxed);
    if (state < 0) {
        const char *setting = getenv("MINIBUF_DEBUG_LEAKS");
        int on = setting != NULL && setting[0] != '\0' && setting[0] != '0';
        atomic_compare_exchange_strong(&mb_tracking_state, &state, on);
        state = atomic_load_explicit(&mb_tracking_state,
                                     memory_order_relaxed);
    }
    return state > 0;
}

int
MbDebug_SetTracking(int on)
{
    int was = mb_tracking_on();
    pthread_mutex_lock(&lock);
    atomic_store_explicit(&mb_tracking_state, on != 0, memory_order_relaxed);
    if (!on) {
        clear(&exports);
        clear(&objects);
        lost = 0;
    }
    pthread_mutex_unlock(&lock);
    return was;
}

/* --- Recording ----------------------------------------------------------- */

void
mb_track_export(const Py_buffer *view, int flags)
{
    if (view == NULL || view->obj == NULL || !mb_tracking_on()) {
        return;
    }
    void *frames[MAX_FRAMES];
    int nframes = 0;
#if defined(HAVE_EXECINFO_H)
    nframes = backtrace(frames, MAX_FRAMES);
#endif
    pthread_mutex_lock(&lock);
    Record *r = put(&exports, view);
    if (r != NULL) {
        r->type = Py_TYPE(view->obj);
        r->obj = view->obj;
        r->buf = view->buf;
        r->flags = flags;
        /* Skip the frames of this function and of its caller in the
           library (mb_tracked_getbuffer). */
        r->nframes = nframes > 2 ? nframes - 2 : 0;
        if (r->nframes > 0) {
            memcpy(r->frames, frames + 2,
                   (size_t)r->nframes * sizeof(void *));
        }
    }
    pthread_mutex_unlock(&lock);
}

void
mb_untrack_export(const Py_buffer *view)
{
    if (!mb_tracking_on()) {
        return;
    }
    pthread_mutex_lock(&lock);
    Py_ssize_t i = find(&exports, view);
    for (size_t j = 0; i < 0 && j < exports.capacity; j++) {
        const Record *r = &exports.slots[j];
        if (r->key != NULL && r->obj == view->obj && r->buf == view->buf) {
            i = (Py_ssize_t)j;
        }
    }
    if (i >= 0) {
        remove_at(&exports, (size_t)i);
    }
    pthread_mutex_unlock(&lock);
}

void
mb_track_object(PyObject *op)
{
    if (!mb_tracking_on()) {
        return;
    }
    pthread_mutex_lock(&lock);
    Record *r = put(&objects, op);
    if (r != NULL) {
        r->type = Py_TYPE(op);
    }
    pthread_mutex_unlock(&lock);
}

void
mb_untrack_object(PyObject *op)
{
    if (!mb_tracking_on()) {
        return;
    }
    pthread_mutex_lock(&lock);
    Py_ssize_t i = find(&objects, op);
    if (i >= 0) {
        remove_at(&objects, (size_t)i);
    }
    pthread_mutex_unlock(&lock);
}

void
MbStats_Get(MbStats *stats)
{
    Py_ssize_t sums[MB_COUNTERS];
    mb_sum_counters(sums, &stats->injected_failures);
    stats->live_objects = sums[MB_LIVE_OBJECTS];
    stats->live_allocations = sums[MB_LIVE_ALLOCATIONS];
    stats->allocations = sums[MB_ALLOCATIONS];
    pthread_mutex_lock(&lock);
    stats->live_exports = (Py_ssize_t)exports.count;
    pthread_mutex_unlock(&lock);
}

/* --- The report ---------------------------------------------------------- */

static void
report_export(FILE *out, const Record *r)
{
    char request[128];
    MbRequest_Describe(r->flags, request, sizeof(request));
    fprintf(out, "  view at %p: exporter '%.100s', request %s, taken at\n",
            r->key, r->type->tp_name, request);
#if defined(HAVE_EXECINFO_H)
    char **names = backtrace_symbols((void *const *)r->frames, r->nframes);
    for (int i = 0; i < r->nframes; i++) {
        if (names != NULL) {
            fprintf(out, "    %s\n", names[i]);
        }
        else {
            fprintf(out, "    %p\n", r->frames[i]);
        }
    }
    free(names);
#endif
    if (r->nframes == 0) {
        fprintf(out, "    (no call stack on this platform)\n");
    }
}

Py_ssize_t
MbDebug_Report(FILE *out)
{
    pthread_mutex_lock(&lock);
    size_t n = exports.count + objects.count;
    if (exports.count > 0) {
        fprintf(out, "minibuf: %zu buffer export(s) not released:\n",
                exports.count);
        for (size_t i = 0; i < exports.capacity; i++) {
            if (exports.slots[i].key != NULL) {
                report_export(out, &exports.slots[i]);
            }
        }
    }
    if (objects.count > 0) {
        fprintf(out, "minibuf: %zu object(s) alive:\n", objects.count);
        for (size_t i = 0; i < objects.capacity; i++) {
            const Record *r = &objects.slots[i];
            if (r->key != NULL) {
                fprintf(out, "  '%.100s' at %p, reference count %zd\n",
                        r->type->tp_name, r->key,
                        Py_REFCNT((PyObject *)r->key));
            }
        }
    }
    if (lost > 0) {
        fprintf(out, "minibuf: %zu record(s) not kept for want of memory\n",
                lost);
    }
    pthread_mutex_unlock(&lock);
    return (Py_ssize_t)n;
}
