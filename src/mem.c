/* Memory allocation and the library's counters.
 *
 * Every PyMem_ and PyObject_ allocation goes through one counted path, so the
 * tests can see that nothing is left behind (MbStats_Get) and can make any
 * single allocation fail (MbAlloc_FailAt).  The counters are kept per thread
 * and summed when read: they are statistics, not synchronisation, and cost
 * no locked instruction on the hot paths.
 *
 * As in CPython, a failed allocation returns NULL without setting an
 * exception, and a zero-byte request returns a unique non-NULL pointer.
 */
#include <pthread.h>
#include <stdatomic.h>
#if defined(HAVE_MADVISE)
#include <sys/mman.h>
#endif

#include "internal.h"

static _Atomic Py_ssize_t injected_failures;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static MbCounters *registry;        /* the live threads' counters */
static MbCounters departed;         /* what exited threads left */
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
MB_THREAD_LOCAL MbCounters *mb_my_counters;

static Py_ssize_t
load(_Atomic Py_ssize_t *counter)
{
    return atomic_load_explicit(counter, memory_order_relaxed);
}

static void
free_cached_blocks(MbCounters *c)
{
    for (int kind = 0; kind < MB_CACHE_KINDS; kind++) {
        while (c->cached[kind] > 0) {
            free(c->cache[kind][--c->cached[kind]]);
        }
    }
}

static void
thread_exit(void *arg)
{
    MbCounters *c = arg;
    pthread_mutex_lock(&registry_lock);
    for (MbCounters **p = &registry; *p != NULL; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    mb_count(&departed.live_objects, load(&c->live_objects));
    mb_count(&departed.live_allocations, load(&c->live_allocations));
    mb_count(&departed.allocations, load(&c->allocations));
    pthread_mutex_unlock(&registry_lock);
    free_cached_blocks(c);
    free(c);
}

static void
create_key(void)
{
    (void)pthread_key_create(&thread_key, thread_exit);
}

/* If the counters cannot be allocated the thread counts into `departed`:
   still defined (the counters are atomic), though two such threads may
   lose a count. */
MbCounters *
mb_register_thread(void)
{
    pthread_once(&key_once, create_key);
    MbCounters *c = calloc(1, sizeof(MbCounters));
    if (c == NULL) {
        return &departed;
    }
    pthread_mutex_lock(&registry_lock);
    c->next = registry;
    registry = c;
    pthread_mutex_unlock(&registry_lock);
    (void)pthread_setspecific(thread_key, c);
    mb_my_counters = c;
    return c;
}

void
MbStats_Get(MbStats *stats)
{
    pthread_mutex_lock(&registry_lock);
    stats->live_objects = load(&departed.live_objects);
    stats->live_allocations = load(&departed.live_allocations);
    stats->allocations = load(&departed.allocations);
    for (MbCounters *c = registry; c != NULL; c = c->next) {
        stats->live_objects += load(&c->live_objects);
        stats->live_allocations += load(&c->live_allocations);
        stats->allocations += load(&c->allocations);
    }
    pthread_mutex_unlock(&registry_lock);
    stats->live_exports = mb_tracked_exports();
    stats->injected_failures = atomic_load_explicit(&injected_failures,
                                                    memory_order_relaxed);
}

/* --- Fault injection ----------------------------------------------------- */

static _Atomic int failure_armed;
static _Atomic Py_ssize_t failure_countdown;

void
MbAlloc_FailAt(Py_ssize_t n)
{
    atomic_store(&failure_countdown, n > 0 ? n : 0);
    atomic_store(&failure_armed, n > 0);
}

/* Count one allocation request; 1 if it must fail on purpose. */
static int
request_fails(void)
{
    mb_count(&mb_counters()->allocations, 1);
    if (!atomic_load_explicit(&failure_armed, memory_order_relaxed)) {
        return 0;
    }
    if (atomic_fetch_sub(&failure_countdown, 1) != 1) {
        return 0;
    }
    atomic_store(&failure_armed, 0);
    atomic_fetch_add(&injected_failures, 1);
    return 1;
}

/* Blocks of at least this size ask for transparent huge pages. */
#define HUGE_BLOCK ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Ask the kernel to back the 2 MiB-aligned part of a large block with
   huge pages, where it offers them (MADV_HUGEPAGE): the first touch of a
   fresh 32 MiB buffer then costs 16 page faults instead of 8192.  Only a
   hint: nothing changes if the kernel declines. */
static void
advise_huge_pages(void *p, size_t size)
{
#if defined(HAVE_MADVISE) && defined(MADV_HUGEPAGE)
    if (size >= HUGE_BLOCK) {
        uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        uintptr_t end = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
        if (start < end) {
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
        }
    }
#else
    (void)p;
    (void)size;
#endif
}

static void *
counted_malloc(size_t size)
{
    if (size > (size_t)PY_SSIZE_T_MAX || request_fails()) {
        return NULL;
    }
    void *p = malloc(size ? size : 1);
    if (p != NULL) {
        mb_count(&mb_counters()->live_allocations, 1);
        advise_huge_pages(p, size);
    }
    return p;
}

static void *
counted_calloc(size_t nelem, size_t elsize)
{
    if ((elsize != 0 && nelem > (size_t)PY_SSIZE_T_MAX / elsize)
        || request_fails()) {
        return NULL;
    }
    if (nelem == 0 || elsize == 0) {
        nelem = elsize = 1;
    }
    void *p = calloc(nelem, elsize);
    if (p != NULL) {
        mb_count(&mb_counters()->live_allocations, 1);
    }
    return p;
}

/* Growing NULL is an allocation; a failed resize leaves ptr as it was. */
static void *
counted_realloc(void *ptr, size_t new_size)
{
    if (new_size > (size_t)PY_SSIZE_T_MAX || request_fails()) {
        return NULL;
    }
    void *p = realloc(ptr, new_size ? new_size : 1);
    if (p != NULL && ptr == NULL) {
        mb_count(&mb_counters()->live_allocations, 1);
    }
    if (p != NULL) {
        advise_huge_pages(p, new_size);
    }
    return p;
}

static void
counted_free(void *ptr)
{
    if (ptr != NULL) {
        mb_count(&mb_counters()->live_allocations, -1);
        free(ptr);
    }
}

/* The two families share one allocator; they stay separate names because
   CPython's callers must not mix them. */

void *
PyMem_Malloc(size_t size)
{
    return counted_malloc(size);
}

void *
PyMem_Calloc(size_t nelem, size_t elsize)
{
    return counted_calloc(nelem, elsize);
}

void *
PyMem_Realloc(void *ptr, size_t new_size)
{
    return counted_realloc(ptr, new_size);
}

void
PyMem_Free(void *ptr)
{
    counted_free(ptr);
}

void *
PyObject_Malloc(size_t size)
{
    return counted_malloc(size);
}

void *
PyObject_Calloc(size_t nelem, size_t elsize)
{
    return counted_calloc(nelem, elsize);
}

void *
PyObject_Realloc(void *ptr, size_t new_size)
{
    return counted_realloc(ptr, new_size);
}

void
PyObject_Free(void *ptr)
{
    counted_free(ptr);
}

/* --- Per-thread caches of small blocks ----------------------------------- */

void *
mb_cached_malloc(int kind, size_t size)
{
    MbCounters *c = mb_counters();
    if (c->cached[kind] == 0 || c == &departed) {
        return counted_malloc(size);
    }
    if (request_fails()) {
        return NULL;
    }
    mb_count(&c->live_allocations, 1);
    return c->cache[kind][--c->cached[kind]];
}

void
mb_cached_free(int kind, void *block)
{
    MbCounters *c = mb_counters();
    if (c->cached[kind] == MB_CACHE_DEPTH || c == &departed) {
        counted_free(block);
        return;
    }
    mb_count(&c->live_allocations, -1);
    c->cache[kind][c->cached[kind]++] = block;
}

void
mb_flush_caches(void)
{
    MbCounters *c = mb_my_counters;
    if (c != NULL) {
        free_cached_blocks(c);
    }
}

/* --- Poisoning storage that may be read through stale pointers ----------- */

/* Blocks kept back from free while poisoned; the oldest is freed when a new
   one arrives, and all of them at Py_Finalize. */
#define QUARANTINE_SIZE 16

static _Atomic int poison = -1;     /* -1: not yet read from MINIBUF_POISON */
static _Atomic(void *) quarantine[QUARANTINE_SIZE];
static _Atomic unsigned quarantine_next;

void
MbDebug_SetPoison(int on)
{
    atomic_store_explicit(&poison, on != 0, memory_order_relaxed);
}

static int
poison_on(void)
{
    int on = atomic_load_explicit(&poison, memory_order_relaxed);
    if (on < 0) {
        const char *setting = getenv("MINIBUF_POISON");
        on = setting != NULL && setting[0] != '\0' && setting[0] != '0';
        atomic_store_explicit(&poison, on, memory_order_relaxed);
    }
    return on;
}

void
mb_release_storage(void *ptr, size_t size)
{
    if (ptr == NULL) {
        return;
    }
    if (!poison_on()) {
        counted_free(ptr);
        return;
    }
    memset(ptr, MB_POISON_BYTE, size);
    mb_count(&mb_counters()->live_allocations, -1);
    unsigned slot = atomic_fetch_add(&quarantine_next, 1) % QUARANTINE_SIZE;
    free(atomic_exchange(&quarantine[slot], ptr));
}

void
mb_flush_quarantine(void)
{
    for (int i = 0; i < QUARANTINE_SIZE; i++) {
        free(atomic_exchange(&quarantine[i], NULL));
    }
}
