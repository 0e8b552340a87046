/* What the fuzz harnesses share.
 *
 * Each harness defines LLVMFuzzerTestOneInput.  It is built twice: with
 * clang's libFuzzer and the sanitizers by `make fuzz`, and with replay.c by
 * `make check`, which runs it over its seed corpus and the inputs of
 * crashes found before (tests/fuzz/corpus/NAME/).  A broken invariant
 * aborts, which both builds report.
 */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <Python.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when an invariant does not hold. */
#define FUZZ_CHECK(condition)                                           \
    do {                                                                \
        if (!(condition)) {                                             \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,  \
                    __LINE__, #condition);                              \
            abort();                                                    \
        }                                                               \
    } while (0)

/* Reads the input as a stream of small numbers; past the end, zeros. */
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t next;
} FuzzInput;

static inline unsigned
fuzz_byte(FuzzInput *in)
{
    return in->next < in->size ? in->data[in->next++] : 0;
}

/* A number in [0, bound). */
static inline unsigned
fuzz_below(FuzzInput *in, unsigned bound)
{
    unsigned value = fuzz_byte(in) | (fuzz_byte(in) << 8);
    return bound ? value % bound : 0;
}

/* A number in [low, high]. */
static inline Py_ssize_t
fuzz_between(FuzzInput *in, Py_ssize_t low, Py_ssize_t high)
{
    return low + (Py_ssize_t)fuzz_below(in, (unsigned)(high - low + 1));
}

/* The library's counts at the start of an input, to compare at the end:
   an input must leave no object, allocation or export behind. */
static inline MbStats
fuzz_begin(void)
{
    static int started;
    if (!started) {
        (void)MbDebug_SetTracking(1);
        started = 1;
    }
    MbStats stats;
    MbStats_Get(&stats);
    return stats;
}

static inline void
fuzz_end(const MbStats *before)
{
    MbStats after;
    PyErr_Clear();
    MbStats_Get(&after);
    if (after.live_objects != before->live_objects
        || after.live_allocations != before->live_allocations
        || after.live_exports != before->live_exports) {
        (void)MbDebug_Report(stderr);
    }
    FUZZ_CHECK(after.live_objects == before->live_objects);
    FUZZ_CHECK(after.live_allocations == before->live_allocations);
    FUZZ_CHECK(after.live_exports == before->live_exports);
}

#endif /* !MB_FUZZ_H */
