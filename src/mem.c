/* Memory allocation and the library's counters.
 *
 * Every PyMem_ and PyObject_ allocation goes through one counted path, so the
 * tests can see that nothing is left behind (MbStats_Get) and can make any
 * single allocation fail (MbAlloc_FailAt).  The counters are shared by all
 * threads and updated with relaxed atomic operations: they are statistics,
 * not synchronisation.
 *
 * As in CPython, a failed allocation returns NULL without setting an
 * exception, and a zero-byte request returns a unique non-NULL pointer.
 */
#include <stdatomic.h>

#include "internal.h"

static _Atomic Py_ssize_t live_objects;
static _Atomic Py_ssize_t live_allocations;
static _Atomic Py_ssize_t live_exports;
static _Atomic Py_ssize_t allocations;
static _Atomic Py_ssize_t injected_failures;
/* Value of `allocations` at which the next request fails; 0 = none. */
static _Atomic Py_ssize_t fail_at;

void
mb_count_object(Py_ssize_t delta)
{
    atomic_fetch_add_explicit(&live_objects, delta, memory_order_relaxed);
}

void
mb_count_export(Py_ssize_t delta)
{
    atomic_fetch_add_explicit(&live_exports, delta, memory_order_relaxed);
}

void
MbStats_Get(MbStats *stats)
{
    stats->live_objects = atomic_load_explicit(&live_objects,
                                               memory_order_relaxed);
    stats->live_allocations = atomic_load_explicit(&live_allocations,
                                                   memory_order_relaxed);
    stats->live_exports = atomic_load_explicit(&live_exports,
                                               memory_order_relaxed);
    stats->allocations = atomic_load_explicit(&allocations,
                                              memory_order_relaxed);
    stats->injected_failures = atomic_load_explicit(&injected_failures,
                                                    memory_order_relaxed);
}

void
MbAlloc_FailAt(Py_ssize_t n)
{
    Py_ssize_t now = atomic_load_explicit(&allocations, memory_order_relaxed);
    atomic_store_explicit(&fail_at, n > 0 ? now + n : 0,
                          memory_order_relaxed);
}

/* Count one allocation request; 1 if it must fail on purpose. */
static int
request_fails(void)
{
    Py_ssize_t number = atomic_fetch_add_explicit(&allocations, 1,
                                                  memory_order_relaxed) + 1;
    Py_ssize_t target = atomic_load_explicit(&fail_at, memory_order_relaxed);
    if (target == 0 || number != target) {
        return 0;
    }
    atomic_store_explicit(&fail_at, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&injected_failures, 1, memory_order_relaxed);
    return 1;
}

static void *
counted_malloc(size_t size)
{
    if (size > (size_t)PY_SSIZE_T_MAX || request_fails()) {
        return NULL;
    }
    void *p = malloc(size ? size : 1);
    if (p != NULL) {
        atomic_fetch_add_explicit(&live_allocations, 1, memory_order_relaxed);
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
        atomic_fetch_add_explicit(&live_allocations, 1, memory_order_relaxed);
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
        atomic_fetch_add_explicit(&live_allocations, 1, memory_order_relaxed);
    }
    return p;
}

static void
counted_free(void *ptr)
{
    if (ptr != NULL) {
        atomic_fetch_sub_explicit(&live_allocations, 1, memory_order_relaxed);
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

/* --- Poisoning storage that may be read through stale pointers ------------- */

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
    atomic_fetch_sub_explicit(&live_allocations, 1, memory_order_relaxed);
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
