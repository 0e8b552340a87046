/* The strided copy engine: every item of one layout to the item with the
 * same index in another (mb_layout_copy), as fast as the layouts allow.
 *
 * How:
 * - dimensions of extent 1 are dropped and neighbouring dimensions that
 *   both sides step through as one are merged, so a contiguous or
 *   row-padded array becomes one or two loops;
 * - when both sides are contiguous along the innermost dimension, each row
 *   is one memcpy;
 * - when the source is contiguous along one dimension and the destination
 *   along another (C <-> Fortran), the two dimensions are copied in square
 *   tiles small enough for the first-level cache, so that neither side is
 *   walked against the cache;
 * - otherwise rows are copied item by item with loops specialised for
 *   items of 1, 2, 4, 8 and 16 bytes, unrolled, and with SSE2 for the
 *   every-other-byte gather;
 * - layouts with suboffsets are walked dimension by dimension.
 * Nothing here allocates: the loop nest lives on the stack (ndim <= 64).
 */
#include "internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Items per side of a tile in the tiled transposition: 32 x 32 items of
   8 bytes are two 8 KiB blocks. */
#define TILE 32

/* A loop nest after simplification: extents and the strides of both sides,
   innermost last. */
typedef struct {
    int ndim;
    Py_ssize_t itemsize;
    Py_ssize_t shape[PyBUF_MAX_NDIM];
    Py_ssize_t dst_strides[PyBUF_MAX_NDIM];
    Py_ssize_t src_strides[PyBUF_MAX_NDIM];
} LoopNest;

/* Drops extents of 1 and merges each dimension into the next when both
   sides step through them as one.  Returns 0 if there is nothing to copy.
   Assumption: neither layout has suboffsets. */
static int
simplify(LoopNest *nest, const MbLayout *dst, const MbLayout *src)
{
    nest->ndim = 0;
    nest->itemsize = src->itemsize;
    for (int i = 0; i < src->ndim; i++) {
        Py_ssize_t n = src->shape[i];
        if (n == 0) {
            return 0;
        }
        if (n == 1) {
            continue;
        }
        int k = nest->ndim;
        if (k > 0
            && nest->dst_strides[k - 1] == dst->strides[i] * n
            && nest->src_strides[k - 1] == src->strides[i] * n) {
            nest->shape[k - 1] *= n;
            nest->dst_strides[k - 1] = dst->strides[i];
            nest->src_strides[k - 1] = src->strides[i];
            continue;
        }
        nest->shape[k] = n;
        nest->dst_strides[k] = dst->strides[i];
        nest->src_strides[k] = src->strides[i];
        nest->ndim++;
    }
    return 1;
}

/* --- Rows ---------------------------------------------------------------- */

/* n items of a fixed size SIZE from s (stride ss) to d (stride ds), four at
   a time. */
#define COPY_ROW(SIZE)                                                  \
    do {                                                                \
        Py_ssize_t i = 0;                                               \
        Py_ssize_t ss2 = 2 * ss, ss3 = 3 * ss, ds2 = 2 * ds, ds3 = 3 * ds; \
        for (; i + 4 <= n; i += 4) {                                    \
            memcpy(d, s, SIZE);                                         \
            memcpy(d + ds, s + ss, SIZE);                               \
            memcpy(d + ds2, s + ss2, SIZE);                             \
            memcpy(d + ds3, s + ss3, SIZE);                             \
            d += 4 * ds;                                                \
            s += 4 * ss;                                                \
        }                                                               \
        for (; i < n; i++, d += ds, s += ss) {                          \
            memcpy(d, s, SIZE);                                         \
        }                                                               \
    } while (0)

/* Every other byte of s into n contiguous bytes at d: 32 bytes in, 16 out
   per step with SSE2; the tail byte by byte.  Returns how many were
   copied. */
static Py_ssize_t
gather_every_other_byte(char *d, const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    const __m128i low_bytes = _mm_set1_epi16(0x00ff);
    for (; i + 16 <= n; i += 16) {
        __m128i a = _mm_loadu_si128(
            (const __m128i *)(const void *)(s + 2 * i));
        __m128i b = _mm_loadu_si128(
            (const __m128i *)(const void *)(s + 2 * i + 16));
        __m128i packed = _mm_packus_epi16(_mm_and_si128(a, low_bytes),
                                          _mm_and_si128(b, low_bytes));
        _mm_storeu_si128((__m128i *)(void *)(d + i), packed);
    }
#endif
    for (; i < n; i++) {
        d[i] = s[2 * i];
    }
    return n;
}

/* One row of n items with strides ds and ss. */
static void
copy_row(char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss, Py_ssize_t n,
         Py_ssize_t itemsize)
{
    if (ds == itemsize && ss == itemsize) {
        memcpy(d, s, (size_t)(n * itemsize));
        return;
    }
    switch (itemsize) {
    case 1:
        if (ds == 1 && ss == 2) {
            gather_every_other_byte(d, s, n);
            return;
        }
        COPY_ROW(1);
        return;
    case 2:
        COPY_ROW(2);
        return;
    case 4:
        COPY_ROW(4);
        return;
    case 8:
        COPY_ROW(8);
        return;
    case 16:
        COPY_ROW(16);
        return;
    default:
        for (Py_ssize_t i = 0; i < n; i++, d += ds, s += ss) {
            memcpy(d, s, (size_t)itemsize);
        }
        return;
    }
}

/* --- Tiles --------------------------------------------------------------- */

/* Dimensions p (along which the destination is contiguous) and q (along
   which the source is) copied in TILE x TILE tiles.  Rows run along p, so
   the writes are sequential; successive rows step along q, so the source
   lines a tile reads are used up while they are in the cache. */
/* One tile of `height` rows of `width` items of SIZE bytes: rows along p
   (destination contiguous, source stride ssp), stepping along q. */
#define COPY_TILE(SIZE)                                                 \
    for (Py_ssize_t j = 0; j < height; j++) {                           \
        char *dr = d + j * dsq;                                         \
        const char *sr = s + j * ssq;                                   \
        for (Py_ssize_t i = 0; i < width; i++) {                        \
            memcpy(dr + i * (SIZE), sr + i * ssp, SIZE);                \
        }                                                               \
    }

static void
copy_tile(char *d, const char *s, Py_ssize_t width, Py_ssize_t height,
          Py_ssize_t ssp, Py_ssize_t dsq, Py_ssize_t ssq, Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 4:
        COPY_TILE(4)
        return;
    case 8:
        COPY_TILE(8)
        return;
    default:
        for (Py_ssize_t j = 0; j < height; j++) {
            copy_row(d + j * dsq, itemsize, s + j * ssq, ssp, width,
                     itemsize);
        }
        return;
    }
}

static void
copy_tiles(char *d, const char *s, const LoopNest *nest, int p, int q)
{
    Py_ssize_t np = nest->shape[p], nq = nest->shape[q];
    Py_ssize_t dsp = nest->dst_strides[p], dsq = nest->dst_strides[q];
    Py_ssize_t ssp = nest->src_strides[p], ssq = nest->src_strides[q];
    for (Py_ssize_t p0 = 0; p0 < np; p0 += TILE) {
        Py_ssize_t width = p0 + TILE < np ? TILE : np - p0;
        for (Py_ssize_t q0 = 0; q0 < nq; q0 += TILE) {
            Py_ssize_t height = q0 + TILE < nq ? TILE : nq - q0;
            copy_tile(d + p0 * dsp + q0 * dsq, s + p0 * ssp + q0 * ssq,
                      width, height, ssp, dsq, ssq, nest->itemsize);
        }
    }
}

/* The dimensions along which the destination (*p) and the source (*q) are
   contiguous, when they differ: a transposition, copied in tiles.  0 if
   the layouts are not transposed to each other. */
static int
transposition(const LoopNest *nest, int *p, int *q)
{
    int inner = nest->ndim - 1;
    Py_ssize_t size = nest->itemsize;
    if (nest->dst_strides[inner] == size && nest->src_strides[inner] == size) {
        return 0;
    }
    *p = *q = -1;
    for (int i = 0; i <= inner; i++) {
        if (*p < 0 && nest->dst_strides[i] == size) {
            *p = i;
        }
        if (*q < 0 && nest->src_strides[i] == size) {
            *q = i;
        }
    }
    return *p >= 0 && *q >= 0 && *p != *q;
}

/* --- Loop nests ---------------------------------------------------------- */

/* Runs the kernel for each index of the other dimensions, stepping the
   pointers with an odometer: tiles over dimensions p and q when p >= 0,
   else rows of the innermost dimension. */
static void
copy_nest(char *d, const char *s, const LoopNest *nest, int p, int q)
{
    Py_ssize_t index[PyBUF_MAX_NDIM];
    int inner = nest->ndim - 1;
    for (int k = 0; k < nest->ndim; k++) {
        index[k] = 0;
    }
    for (;;) {
        if (p >= 0) {
            copy_tiles(d, s, nest, p, q);
        }
        else {
            copy_row(d, nest->dst_strides[inner], s, nest->src_strides[inner],
                     nest->shape[inner], nest->itemsize);
        }
        int k = p >= 0 ? inner : inner - 1;
        for (; k >= 0; k--) {
            if (k == p || k == q) {
                continue;
            }
            d += nest->dst_strides[k];
            s += nest->src_strides[k];
            if (++index[k] < nest->shape[k]) {
                break;
            }
            d -= nest->dst_strides[k] * nest->shape[k];
            s -= nest->src_strides[k] * nest->shape[k];
            index[k] = 0;
        }
        if (k < 0) {
            return;
        }
    }
}

/* Copy the layouts with no suboffsets. */
static void
copy_direct(const MbLayout *dst, const MbLayout *src)
{
    LoopNest nest;
    int p, q;
    if (!simplify(&nest, dst, src)) {
        return;
    }
    if (nest.ndim == 0) {
        memcpy(dst->buf, src->buf, (size_t)src->itemsize);
        return;
    }
    if (nest.ndim == 1) {
        copy_row(dst->buf, nest.dst_strides[0], src->buf, nest.src_strides[0],
                 nest.shape[0], nest.itemsize);
    }
    else if (transposition(&nest, &p, &q)) {
        copy_nest(dst->buf, src->buf, &nest, p, q);
    }
    else {
        copy_nest(dst->buf, src->buf, &nest, -1, -1);
    }
}

/* Copy dimension `dim` and those inside it, following suboffsets. */
static void
copy_indirect(const MbLayout *dst, char *d, const MbLayout *src,
              const char *s, int dim)
{
    if (dim == src->ndim) {
        memcpy(d, s, (size_t)src->itemsize);
        return;
    }
    for (Py_ssize_t i = 0; i < src->shape[dim]; i++) {
        char *dp = d + i * dst->strides[dim];
        const char *sp = s + i * src->strides[dim];
        if (dst->suboffsets != NULL && dst->suboffsets[dim] >= 0) {
            dp = mb_follow(dp, dst->suboffsets[dim]);
        }
        if (src->suboffsets != NULL && src->suboffsets[dim] >= 0) {
            sp = mb_follow(sp, src->suboffsets[dim]);
        }
        copy_indirect(dst, dp, src, sp, dim + 1);
    }
}

void
mb_layout_copy(const MbLayout *dst, const MbLayout *src)
{
    if (dst->suboffsets == NULL && src->suboffsets == NULL) {
        copy_direct(dst, src);
    }
    else {
        copy_indirect(dst, dst->buf, src, src->buf, 0);
    }
}
