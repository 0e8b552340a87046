/* Memory allocation and the library's counters.
 *
 * Every PyMem_ and PyObject_ allocation goes through one counted path, so the
 * tests can see that nothing is left behind (MbStats_Get) and can make any
 * single allocation fail (MbAlloc_FailAt, or MINIBUF_FAIL_AT=N in the
 * environment for any program).  The counters are kept per thread
 * and summed when read: they are statistics, not synchronisation, and cost
 * no locked instruction on the hot paths.
 *
 * As in CPython, a failed allocation returns NULL without setting an
 * exception, and a zero-byte request returns a unique non-NULL pointer.
 */
#include <pthread.h>
#include <stdatomic.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(HAVE_MADVISE)
#include <sys/mman.h>
#endif

#include "runtime.h"

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

/* The thread-exit destructor of thread_key.  A thread's last use of the
   library may come after it: the order in which the destructors of
   different keys run is unspecified, and another library's may release
   objects or set an exception.  So:
   - the first call (arg: the thread's own record) clears the thread's
     error indicator (CPython clears a thread's state when it ends), moves
     the counts into `departed`, frees the record, and points the thread at
     `departed`, which it counts into from then on;
   - it then sets the key again, so that the destructors run another round
     and a second call (arg: &departed) clears an exception set meanwhile.
   POSIX runs at least PTHREAD_DESTRUCTOR_ITERATIONS (4) rounds. */
static void
thread_exit(void *arg)
{
    MbCounters *c = arg;
    PyErr_Clear();
    if (c == &departed) {
        return;
    }
    pthread_mutex_lock(&registry_lock);
    for (MbCounters **p = &registry; *p != NULL; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    for (int i = 0; i < MB_COUNTERS; i++) {
        atomic_fetch_add_explicit(&departed.count[i], load(&c->count[i]),
                                  memory_order_relaxed);
    }
    pthread_mutex_unlock(&registry_lock);
    free_cached_blocks(c);
    mb_my_counters = &departed;
    free(c);
    (void)pthread_setspecific(thread_key, &departed);
}

static void
create_key(void)
{
    (void)pthread_key_create(&thread_key, thread_exit);
}

/* A thread whose record cannot be allocated counts into `departed`, and
   still has its indicator cleared when it exits. */
MbCounters *
mb_register_thread(void)
{
    pthread_once(&key_once, create_key);
    MbCounters *c = calloc(1, sizeof(MbCounters));
    if (c == NULL) {
        mb_my_counters = &departed;
        (void)pthread_setspecific(thread_key, &departed);
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
mb_sum_counters(Py_ssize_t sums[MB_COUNTERS], Py_ssize_t *injected)
{
    pthread_mutex_lock(&registry_lock);
    for (int i = 0; i < MB_COUNTERS; i++) {
        sums[i] = load(&departed.count[i]);
        for (MbCounters *c = registry; c != NULL; c = c->next) {
            sums[i] += load(&c->count[i]);
        }
    }
    pthread_mutex_unlock(&registry_lock);
    *injected = atomic_load_explicit(&injected_failures,
                                     memory_order_relaxed);
}

/* The assumption of mb_free_sized and mb_release_storage: ptr came from
   this file's allocators and holds at least size bytes (where the C
   library can tell a block's size). */
static void
assert_holds(void *ptr, size_t size)
{
#if defined(__GLIBC__) && !defined(NDEBUG)
    assert(malloc_usable_size(ptr) >= size);
#else
    (void)ptr;
    (void)size;
#endif
}

/* --- Fault injection ----------------------------------------------------- */

/* -1 until MINIBUF_FAIL_AT is read (at the first allocation, unless
   MbAlloc_FailAt came first); then whether a failure is pending. */
static _Atomic int failure_armed = -1;
static _Atomic Py_ssize_t failure_countdown;
static Py_ssize_t fail_at_setting;      /* MINIBUF_FAIL_AT, 0 if unset */

void
MbAlloc_FailAt(Py_ssize_t n)
{
    atomic_store(&failure_countdown, n > 0 ? n : 0);
    atomic_store(&failure_armed, n > 0);
}

/* MINIBUF_FAIL_AT=N makes the N-th allocation request of the process
   fail, as MbAlloc_FailAt(N) at its start would.  Called once, at the
   first request. */
static MB_COLD void
read_fail_at_setting(void)
{
    const char *setting = getenv("MINIBUF_FAIL_AT");
    char *end;
    long long n = setting != NULL ? strtoll(setting, &end, 10) : 0;
    if (setting == NULL || *end != '\0' || n <= 0) {
        n = 0;
    }
    int unread = -1;
    atomic_store(&failure_countdown, (Py_ssize_t)n);
    if (atomic_compare_exchange_strong(&failure_armed, &unread, n > 0)) {
        fail_at_setting = (Py_ssize_t)n;
    }
}

/* Count one allocation request; 1 if it must fail on purpose. */
static int
request_fails(void)
{
    mb_count(MB_ALLOCATIONS, 1);
    int armed = atomic_load_explicit(&failure_armed, memory_order_relaxed);
    if (armed == 0) {
        return 0;
    }
    if (armed < 0) {
        read_fail_at_setting();
        if (atomic_load(&failure_armed) == 0) {
            return 0;
        }
    }
    if (atomic_fetch_sub(&failure_countdown, 1) != 1) {
        return 0;
    }
    atomic_store(&failure_armed, 0);
    atomic_fetch_add(&injected_failures, 1);
    return 1;
}

void
mb_report_fail_at(FILE *out)
{
    if (atomic_load(&failure_armed) < 0) {
        read_fail_at_setting();         /* no allocation was made */
    }
    if (fail_at_setting == 0) {
        return;
    }
    Py_ssize_t sums[MB_COUNTERS], injected;
    mb_sum_counters(sums, &injected);
    if (injected > 0) {
        fprintf(out, "minibuf: MINIBUF_FAIL_AT=%zd: that allocation failed "
                "on purpose\n", fail_at_setting);
    }
    else {
        fprintf(out, "minibuf: MINIBUF_FAIL_AT=%zd: not reached, %zd "
                "allocations were made\n", fail_at_setting,
                sums[MB_ALLOCATIONS]);
    }
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

/* --- One retained large block -------------------------------------------- */

/* A freed block of HUGE_BLOCK bytes or more goes back to the kernel (glibc
   unmaps it), so the next one must be faulted in and zeroed again: about
   4 ms for 32 MiB, more than a strided copy of the same bytes takes.  The
   most recently freed large block whose size is known (a bytes object or
   a bytearray's storage: mb_free_sized) is therefore kept,
   pages and all, and handed to the next malloc of at least half its size.
   At most RETAINED_MAX bytes are kept; Py_Finalize frees them.  Nothing is
   kept while poisoning, nor under AddressSanitizer, so that a stale pointer
   still lands in poisoned or freed memory. */
#define RETAINED_MAX ((size_t)64 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define MB_RETAIN_LARGE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MB_RETAIN_LARGE 0
#endif
#endif
#ifndef MB_RETAIN_LARGE
#define MB_RETAIN_LARGE 1
#endif

static pthread_mutex_t retained_lock = PTHREAD_MUTEX_INITIALIZER;
static void *retained;              /* guarded by retained_lock */
static size_t retained_size;

static int poison_on(void);

/* The retained block if it holds size bytes without wasting more than
   half of itself, else NULL.  The caller owns the block returned. */
static void *
take_retained(size_t size)
{
    void *block = NULL;
    pthread_mutex_lock(&retained_lock);
    if (retained != NULL && retained_size >= size
        && retained_size / 2 <= size) {
        block = retained;
        retained = NULL;
    }
    pthread_mutex_unlock(&retained_lock);
    return block;
}

/* Keep block (size bytes, uncounted) as the retained one; 0 if it must be
   freed instead.  The block it replaces is freed. */
static int
retain(void *block, size_t size)
{
    if (!MB_RETAIN_LARGE || size < HUGE_BLOCK || size > RETAINED_MAX
        || poison_on()) {
        return 0;
    }
    pthread_mutex_lock(&retained_lock);
    void *previous = retained;
    retained = block;
    retained_size = size;
    pthread_mutex_unlock(&retained_lock);
    free(previous);
    return 1;
}

void
mb_flush_retained(void)
{
    pthread_mutex_lock(&retained_lock);
    void *block = retained;
    retained = NULL;
    pthread_mutex_unlock(&retained_lock);
    free(block);
}

static void *
counted_malloc(size_t size)
{
    if (size > (size_t)PY_SSIZE_T_MAX || request_fails()) {
        return NULL;
    }
    void *p = size >= HUGE_BLOCK ? take_retained(size) : NULL;
    if (p != NULL) {
        mb_count(MB_LIVE_ALLOCATIONS, 1);
        return p;
    }
    p = malloc(size ? size : 1);
    if (p != NULL) {
        mb_count(MB_LIVE_ALLOCATIONS, 1);
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
        mb_count(MB_LIVE_ALLOCATIONS, 1);
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
        mb_count(MB_LIVE_ALLOCATIONS, 1);
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
        mb_count(MB_LIVE_ALLOCATIONS, -1);
        free(ptr);
    }
}

void
mb_free_sized(void *ptr, size_t size)
{
    if (ptr == NULL) {
        return;
    }
    assert_holds(ptr, size);
    mb_count(MB_LIVE_ALLOCATIONS, -1);
    if (!retain(ptr, size)) {
        free(ptr);
    }
}

/* --- Objects with a large payload ---------------------------------------- */

/* A large block is over-allocated by one cache line and shifted by 1 to
   LINE bytes so that its payload starts on a line; the shift is kept in
   the byte before the block handed out. */
#define LINE ((size_t)MB_CACHE_LINE)

void *
mb_payload_malloc(size_t size, size_t header, int zero)
{
    assert(header % 16 == 0);
    if (size < HUGE_BLOCK) {
        return zero ? counted_calloc(1, size) : counted_malloc(size);
    }
    if (size > (size_t)PY_SSIZE_T_MAX - LINE) {
        return NULL;
    }
    unsigned char *raw = zero ? counted_calloc(1, size + LINE)
                              : counted_malloc(size + LINE);
    if (raw == NULL) {
        return NULL;
    }
    size_t shift = LINE - ((uintptr_t)raw + header) % LINE;
    raw[shift - 1] = (unsigned char)shift;
    return raw + shift;
}

void
mb_payload_free(void *ptr, size_t size)
{
    if (size < HUGE_BLOCK) {
        counted_free(ptr);
        return;
    }
    unsigned char *block = ptr;
    mb_free_sized(block - block[-1], size + LINE);
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

#ifndef NDEBUG
/* The size of each kind's blocks, recorded by its first request. */
static _Atomic size_t cached_sizes[MB_CACHE_KINDS];
#endif

void *
mb_cached_malloc(int kind, size_t size)
{
#ifndef NDEBUG
    size_t first = 0;
    atomic_compare_exchange_strong(&cached_sizes[kind], &first, size);
    assert(first == 0 || first == size);
#endif
    MbCounters *c = mb_counters();
    if (c->cached[kind] == 0 || c == &departed) {
        return counted_malloc(size);
    }
    if (request_fails()) {
        return NULL;
    }
    mb_count_in(c, MB_LIVE_ALLOCATIONS, 1);
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
    mb_count_in(c, MB_LIVE_ALLOCATIONS, -1);
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
    assert_holds(ptr, size);
    if (!poison_on()) {
        mb_free_sized(ptr, size);
        return;
    }
    memset(ptr, MB_POISON_BYTE, size);
    mb_count(MB_LIVE_ALLOCATIONS, -1);
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
