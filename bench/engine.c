/* Two builds of the strided copy engine (src/protocol/strided.c) in one
 * process, timed in turns on the large copies of the benchmark: the
 * engine of the working tree against that of a git revision (`make
 * bench-engine BENCH_ENGINE_REV=HEAD~1`), or against itself.
 *
 * Copies of 16 MiB are bound by memory, which this kind of machine shares
 * with others: the same binary moves by a third from one run to the next,
 * more than a change to the engine does.  Within one process, with the
 * two builds and memcpy taking turns on the same memory, the slow spells
 * fall on all three alike, so the ratio of their medians tells a change of
 * ten percent from the noise (two builds of one source differ by up to 7%
 * on a case: docs/performance.md).  Each build's result is also compared
 * byte for byte with the other's.
 *
 * Usage: engine [--samples N] [CASE]   (a case name or prefix)
 *
 * Output, one line per case: the case, each build's median time over
 * memcpy's (and its fastest sample's), and the tree's median over the
 * base's (below 1, the tree is faster).  Exit status 1 if the two builds
 * copy differently or the engine declines a case.
 */
#define _DEFAULT_SOURCE
#include <Python.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "protocol.h"
#include "timing.h"

/* The engine of the revision and that of the working tree, built from
   strided.c with mb_layout_copy renamed. */
int mb_layout_copy_base(const MbLayout *dst, const MbLayout *src);
int mb_layout_copy_tree(const MbLayout *dst, const MbLayout *src);

/* A copy of `itemsize`-byte items: the strided layout (shape, and
   strides counted in items) into a contiguous destination in `order`
   ('C' or 'F'), or, when scatter is set, from a contiguous source in that
   order into the strided layout. */
typedef struct {
    const char *name;
    Py_ssize_t itemsize;
    int ndim;
    Py_ssize_t shape[3];
    Py_ssize_t strides[3];
    char order;
    int scatter;
} Case;

#define MIB16 ((Py_ssize_t)16 << 20)
/* The item-size sweep of bench/bench.c: 2048 rows of 16 MiB / S / 2048
   items of S bytes, C to Fortran order, and every second column of a
   twice wider array gathered into C and into Fortran order and scattered
   back from C order. */
#define COLS(S) (MIB16 / (S) / 2048)
#define ITEM_SIZE_CASES(S)                                              \
    {"to_contiguous_F_of_C_" #S "B_16MiB", S, 2, {2048, COLS(S)},       \
     {COLS(S), 1}, 'F', 0},                                             \
    {"to_contiguous_C_" #S "B_every_2nd_column_16MiB", S, 2,            \
     {2048, COLS(S)}, {2 * COLS(S), 2}, 'C', 0},                        \
    {"to_contiguous_F_" #S "B_every_2nd_column_16MiB", S, 2,            \
     {2048, COLS(S)}, {2 * COLS(S), 2}, 'F', 0},                        \
    {"from_contiguous_C_" #S "B_every_2nd_column_16MiB", S, 2,          \
     {2048, COLS(S)}, {2 * COLS(S), 2}, 'C', 1}

static const Case cases[] = {
    {"to_contiguous_F_uint8_every_2nd_column", 1, 2, {4096, 4096},
     {8192, 2}, 'F', 0},
    {"to_contiguous_F_of_C_float64_256x256x64", 8, 3, {256, 256, 64},
     {256 * 64, 64, 1}, 'F', 0},
    {"to_contiguous_C_float64_transposed_021", 8, 3, {256, 64, 256},
     {256 * 64, 1, 64}, 'C', 0},
    {"from_contiguous_C_float64_transposed_021", 8, 3, {256, 64, 256},
     {256 * 64, 1, 64}, 'C', 1},
    ITEM_SIZE_CASES(1), ITEM_SIZE_CASES(2), ITEM_SIZE_CASES(4),
    ITEM_SIZE_CASES(8), ITEM_SIZE_CASES(12), ITEM_SIZE_CASES(16),
};

/* The strided side of c over buf, and the contiguous side over flat. */
static void
layouts(const Case *c, char *buf, char *flat, MbLayout *strided,
        MbLayout *contiguous)
{
    memset(strided, 0, sizeof(*strided));
    strided->buf = buf;
    strided->itemsize = c->itemsize;
    strided->ndim = c->ndim;
    strided->nitems = 1;
    for (int i = 0; i < c->ndim; i++) {
        strided->shape[i] = c->shape[i];
        strided->strides[i] = c->strides[i] * c->itemsize;
        strided->nitems *= c->shape[i];
    }
    *contiguous = *strided;
    contiguous->buf = flat;
    contiguous->contiguous = 1;
    mb_contiguous_strides(c->ndim, contiguous->shape, contiguous->strides,
                          c->itemsize, c->order);
}

/* The span of the strided side's memory: its strides are positive. */
static size_t
span_of(const MbLayout *l)
{
    size_t span = (size_t)l->itemsize;
    for (int i = 0; i < l->ndim; i++) {
        span += (size_t)((l->shape[i] - 1) * l->strides[i]);
    }
    return span;
}

/* Case c, `samples` times in turns with memcpy: prints its line, and
   returns whether both builds copied it and alike. */
static int
run_case(const Case *c, int samples)
{
    MbLayout strided, contiguous;
    layouts(c, NULL, NULL, &strided, &contiguous);
    size_t bytes = (size_t)(strided.nitems * c->itemsize);
    size_t span = span_of(&strided);
    char *sparse = (char *)filled(span), *flat = (char *)filled(bytes);
    char *base_out = (char *)filled(c->scatter ? span : bytes);
    char *tree_out = (char *)filled(c->scatter ? span : bytes);
    char *scratch = (char *)filled(bytes);
    double *t = malloc(3 * (size_t)samples * sizeof(double));
    if (t == NULL) {
        fprintf(stderr, "engine: out of memory\n");
        exit(2);
    }
    int ok = 1;
    for (int k = 0; k < samples; k++) {
        double start = now();
        memcpy(scratch, flat, bytes);
        t[k] = now() - start;
        for (int turn = 0; turn < 2; turn++) {
            /* Which build goes first alternates. */
            int tree = (turn + k) % 2;
            char *out = tree ? tree_out : base_out;
            MbLayout src, dst;
            if (c->scatter) {
                layouts(c, out, flat, &dst, &src);
            }
            else {
                layouts(c, sparse, out, &src, &dst);
            }
            start = now();
            int rc = tree ? mb_layout_copy_tree(&dst, &src)
                          : mb_layout_copy_base(&dst, &src);
            t[(1 + tree) * samples + k] = now() - start;
            ok &= rc == 0;
        }
    }
    ok &= memcmp(base_out, tree_out, c->scatter ? span : bytes) == 0;
    for (int s = 0; s < 3; s++) {
        qsort(t + s * samples, (size_t)samples, sizeof(double),
              compare_doubles);
    }
    double memcpy_median = t[samples / 2];
    double base = t[samples + samples / 2];
    double tree = t[2 * samples + samples / 2];
    printf("%-44s base %5.2f (%5.2f)  tree %5.2f (%5.2f)  tree/base %.2f%s\n",
           c->name, base / memcpy_median, t[samples] / t[0],
           tree / memcpy_median, t[2 * samples] / t[0], tree / base,
           ok ? "" : "  DIFFERENT RESULTS");
    free(t);
    free(sparse);
    free(flat);
    free(base_out);
    free(tree_out);
    free(scratch);
    return ok;
}

int
main(int argc, char **argv)
{
    int samples = 31;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
            samples = atoi(argv[++i]);
        }
        else {
            only = argv[i];
        }
    }
    if (samples < 1) {
        fprintf(stderr, "usage: engine [--samples N] [CASE]\n");
        return 2;
    }
    printf("# times over memcpy's, medians of %d samples (fastest)\n",
           samples);
    int ok = 1;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (only == NULL
            || strncmp(cases[i].name, only, strlen(only)) == 0) {
            ok &= run_case(&cases[i], samples);
        }
    }
    return ok ? 0 : 1;
}
