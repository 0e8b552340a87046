/* What bench/bench.c and bench/engine.c share to lay out a case: large
 * blocks of memory in huge pages where the system allows (as NumPy
 * arranges for its arrays), and filled, so that no page fault is timed
 * and no copy reads the kernel's one page of zeros.  Both exit on
 * failure: a benchmark without its memory has nothing to say.
 */
#ifndef BENCH_BLOCKS_H
#define BENCH_BLOCKS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* n bytes on a 2 MiB boundary, asked for in transparent huge pages,
   not written. */
static inline void *
big_alloc(size_t n)
{
    void *p = NULL;
    size_t huge = (size_t)2 << 20;
    size_t rounded = (n + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, rounded) != 0) {
        fprintf(stderr, "bench: out of memory for %zu bytes\n", n);
        exit(2);
    }
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

/* big_alloc(n) with every byte written. */
static inline void *
filled(size_t n)
{
    unsigned char *p = big_alloc(n);
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(i * 7 + 3);
    }
    return p;
}

#endif
