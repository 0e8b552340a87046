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
 * - a destination of 4 MiB or more, already in memory, gets its items of 4
 *   and 8 bytes written with streaming stores, in tiles and in gathered
 *   rows.
 * The engine copies only when the order of the copy cannot be seen: it
 * declines layouts with suboffsets (which may point anywhere), layouts
 * whose memory may overlap, and destinations whose items may overlap each
 * other (a zero stride, say), and copy.c then copies item by item in
 * CPython's order.  Nothing here allocates: the loop nest lives on the
 * stack (ndim <= 64).
 */
#include "protocol.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Streaming stores (MOVNTI) write whole cache lines to memory without
   reading them first: for a transposition or a gather whose destination is
   larger than the caches, that is a third less memory traffic, and it
   keeps the source's lines in the cache.  Into pages the kernel has yet to supply
   they cost more than they save (the kernel zeroes each page through the
   cache first), so they are used only where every page of the
   destination is resident, which mincore tells. */
#if defined(__SSE2__) && defined(__x86_64__) && defined(HAVE_MINCORE)
#define HAVE_STREAMING_STORES 1
#include <sys/mman.h>
#include <unistd.h>
#endif

/* Items per side of a tile in the tiled transposition: 16 x 16 items of
   8 bytes are two 2 KiB blocks, rows of two cache lines. */
#define TILE 16

/* Destinations of at least this many bytes are written with streaming
   stores, where the items allow it. */
#define STREAM_BYTES ((Py_ssize_t)4 << 20)

/* k * stride in unsigned arithmetic, wrapping around: multiples of the
   strides are computed before it is known that they will be used (for a
   row of fewer than four items, the unrolled steps never are), and
   hostile strides must not make computing them undefined. */
#define TIMES(k, stride) ((Py_ssize_t)((size_t)(k) * (size_t)(stride)))

/* A loop nest after simplification: extents and the strides of both sides,
   innermost last. */
typedef struct {
    int ndim;
    int stream;               /* write tiles with streaming stores */
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
    assert(dst->suboffsets == NULL && src->suboffsets == NULL);
    nest->ndim = 0;
    nest->stream = 0;
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
            && nest->dst_strides[k - 1] == TIMES(dst->strides[i], n)
            && nest->src_strides[k - 1] == TIMES(src->strides[i], n)) {
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
        Py_ssize_t ss2 = TIMES(2, ss), ss3 = TIMES(3, ss);              \
        Py_ssize_t ss4 = TIMES(4, ss), ds2 = TIMES(2, ds);              \
        Py_ssize_t ds3 = TIMES(3, ds), ds4 = TIMES(4, ds);              \
        for (; i + 4 <= n; i += 4) {                                    \
            memcpy(d, s, SIZE);                                         \
            memcpy(d + ds, s + ss, SIZE);                               \
            memcpy(d + ds2, s + ss2, SIZE);                             \
            memcpy(d + ds3, s + ss3, SIZE);                             \
            d += ds4;                                                   \
            s += ss4;                                                   \
        }                                                               \
        for (; i < n; i++, d += ds, s += ss) {                          \
            memcpy(d, s, SIZE);                                         \
        }                                                               \
    } while (0)

/* Every other byte of s into n contiguous bytes at d: 32 bytes in, 16 out
   per step with SSE2; the tail byte by byte.  A step reads the byte after
   its last item, so it runs only while another item follows: the source
   may end at its last item.  Returns how many were copied. */
static Py_ssize_t
gather_every_other_byte(char *d, const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    const __m128i low_bytes = _mm_set1_epi16(0x00ff);
    for (; i + 16 < n; i += 16) {
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

/* A row of items of any other size: a call of memcpy per item, out of
   line so that the fixed sizes' loops need no saved registers. */
static MB_OUT_OF_LINE void
copy_row_of_any_size(char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss,
                     Py_ssize_t n, Py_ssize_t itemsize)
{
    for (Py_ssize_t i = 0; i < n; i++, d += ds, s += ss) {
        memcpy(d, s, (size_t)itemsize);
    }
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
        copy_row_of_any_size(d, ds, s, ss, n, itemsize);
        return;
    }
}

/* --- Tiles --------------------------------------------------------------- */

/* One tile of `height` rows of `width` items of SIZE bytes: rows along p
   (destination contiguous, source stride ssp), stepping along q; each item
   written with STORE(destination, source). */
#define COPY_TILE(SIZE, STORE)                                          \
    for (Py_ssize_t j = 0; j < height; j++) {                           \
        char *dr = d + j * dsq;                                         \
        const char *sr = s + j * ssq;                                   \
        for (Py_ssize_t i = 0; i < width; i++) {                        \
            STORE(dr + i * (SIZE), sr + i * ssp);                       \
        }                                                               \
    }

#define STORE4(d, s) memcpy(d, s, 4)
#define STORE8(d, s) memcpy(d, s, 8)

#if defined(HAVE_STREAMING_STORES)
/* Assumption: d is aligned to the item's size. */
static inline void
stream4(char *d, const char *s)
{
    assert((uintptr_t)d % 4 == 0);
    int v;
    memcpy(&v, s, 4);
    _mm_stream_si32((int *)(void *)d, v);
}

/* Assumption: d is aligned to the item's size. */
static inline void
stream8(char *d, const char *s)
{
    assert((uintptr_t)d % 8 == 0);
    long long v;
    memcpy(&v, s, 8);
    _mm_stream_si64((long long *)(void *)d, v);
}

/* Whether every page of the bytes [low, high) is resident. */
static int
resident(uintptr_t low, uintptr_t high)
{
    unsigned char pages[4096];
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = low & ~(page - 1);
    while (start < high) {
        size_t n = (size_t)((high - start + page - 1) / page);
        if (n > sizeof(pages)) {
            n = sizeof(pages);
        }
        if (mincore((void *)start, n * page, pages) != 0) {
            return 0;
        }
        for (size_t i = 0; i < n; i++) {
            if (!(pages[i] & 1)) {
                return 0;
            }
        }
        start += n * page;
    }
    return 1;
}

/* Whether rows can be streamed: items of 4 or 8 bytes, aligned. */
static int
can_stream(const char *d, Py_ssize_t dsq, Py_ssize_t itemsize)
{
    return (itemsize == 4 || itemsize == 8)
           && ((uintptr_t)d | (uintptr_t)dsq) % (uintptr_t)itemsize == 0;
}
#endif

/* A row gathered into contiguous destination items with streaming stores
   (a tile of one row) where the items allow it; copy_row otherwise. */
static void
copy_row_streamed(char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss,
                  Py_ssize_t n, Py_ssize_t itemsize)
{
#if defined(HAVE_STREAMING_STORES)
    if (ds == itemsize && ss != itemsize && can_stream(d, 0, itemsize)) {
        const Py_ssize_t width = n, height = 1, ssp = ss, dsq = 0, ssq = 0;
        if (itemsize == 4) {
            COPY_TILE(4, stream4)
        }
        else {
            COPY_TILE(8, stream8)
        }
        return;
    }
#endif
    copy_row(d, ds, s, ss, n, itemsize);
}

static void
copy_tile(char *d, const char *s, Py_ssize_t width, Py_ssize_t height,
          Py_ssize_t ssp, Py_ssize_t dsq, Py_ssize_t ssq, Py_ssize_t itemsize,
          int stream)
{
#if defined(HAVE_STREAMING_STORES)
    if (stream && can_stream(d, dsq, itemsize)) {
        if (itemsize == 4) {
            COPY_TILE(4, stream4)
        }
        else {
            COPY_TILE(8, stream8)
        }
        return;
    }
#else
    (void)stream;
#endif
    switch (itemsize) {
    case 4:
        COPY_TILE(4, STORE4)
        return;
    case 8:
        COPY_TILE(8, STORE8)
        return;
    default:
        for (Py_ssize_t j = 0; j < height; j++) {
            copy_row(d + j * dsq, itemsize, s + j * ssq, ssp, width,
                     itemsize);
        }
        return;
    }
}

/* The width of the next tile, whose rows start at d with `left` items of
   dsp bytes to go along p, and whether to stream it (*stream, set by the
   caller when the copy streams).  Only items of 4 and 8 bytes aligned to
   their size are streamed, and only whole cache lines: a streaming store
   that fills part of a line costs a memory transaction of its own.  So
   where the destination is not on a line boundary, a narrow tile written
   with ordinary stores reaches the next boundary, and the tail shorter
   than a line is written the same way.  Assumption: dsp is the item
   size. */
static Py_ssize_t
tile_width(const char *d, Py_ssize_t left, Py_ssize_t dsp, int *stream)
{
    Py_ssize_t width = left < TILE ? left : TILE;
    if (!*stream || (dsp != 4 && dsp != 8) || (uintptr_t)d % (uintptr_t)dsp) {
        *stream = 0;
        return width;
    }
    Py_ssize_t line = MB_CACHE_LINE / dsp;
    Py_ssize_t misaligned = (Py_ssize_t)((uintptr_t)d % MB_CACHE_LINE);
    if (misaligned != 0) {
        Py_ssize_t lead = (MB_CACHE_LINE - misaligned) / dsp;
        *stream = 0;
        return lead < width ? lead : width;
    }
    if (width < line) {
        *stream = 0;
        return width;
    }
    return width - width % line;
}

/* Dimensions p (along which the destination is contiguous) and q (along
   which the source is) copied in TILE x TILE tiles.  Rows run along p, so
   the writes are sequential; successive rows step along q, so the source
   lines a tile reads are used up while they are in the cache. */
static void
copy_tiles(char *d, const char *s, const LoopNest *nest, int p, int q)
{
    Py_ssize_t np = nest->shape[p], nq = nest->shape[q];
    Py_ssize_t dsp = nest->dst_strides[p], dsq = nest->dst_strides[q];
    Py_ssize_t ssp = nest->src_strides[p], ssq = nest->src_strides[q];
    assert(dsp == nest->itemsize && ssq == nest->itemsize);
    for (Py_ssize_t p0 = 0, width; p0 < np; p0 += width) {
        int stream = nest->stream;
        width = tile_width(d + p0 * dsp, np - p0, dsp, &stream);
        for (Py_ssize_t q0 = 0; q0 < nq; q0 += TILE) {
            Py_ssize_t height = q0 + TILE < nq ? TILE : nq - q0;
            copy_tile(d + p0 * dsp + q0 * dsq, s + p0 * ssp + q0 * ssq,
                      width, height, ssp, dsq, ssq, nest->itemsize, stream);
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
        else if (nest->stream) {
            copy_row_streamed(d, nest->dst_strides[inner], s,
                              nest->src_strides[inner], nest->shape[inner],
                              nest->itemsize);
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
            d -= TIMES(nest->dst_strides[k], nest->shape[k]);
            s -= TIMES(nest->src_strides[k], nest->shape[k]);
            index[k] = 0;
        }
        if (k < 0) {
            return;
        }
    }
}

/* The bytes [*lowest, *highest) that one side of the nest can touch from
   buf.  Computed in unsigned arithmetic: strides so large that the result
   wraps only make the answer wrong, and the answer only decides whether
   the engine may copy, never what is copied.  Assumption: no extent is 0. */
static void
extent_of(const char *buf, const Py_ssize_t *strides, const LoopNest *nest,
          uintptr_t *lowest, uintptr_t *highest)
{
    uintptr_t low = (uintptr_t)buf;
    uintptr_t high = low + (uintptr_t)nest->itemsize;
    for (int i = 0; i < nest->ndim; i++) {
        assert(nest->shape[i] > 0);
        uintptr_t span = (uintptr_t)strides[i]
                         * (uintptr_t)(nest->shape[i] - 1);
        if (strides[i] < 0) {
            low += span;
        }
        else {
            high += span;
        }
    }
    *lowest = low;
    *highest = high;
}

/* |stride|, in unsigned arithmetic (PY_SSIZE_T_MIN included). */
static inline size_t
magnitude(Py_ssize_t stride)
{
    return stride < 0 ? 0 - (size_t)stride : (size_t)stride;
}

/* Whether items of one side of the nest may share bytes, the dimensions
   taken by increasing |stride|: each stride must step past everything the
   smaller ones reach.  Out of line: the common case needs no sorting and
   no room for it.  Assumption: every extent is at least 2. */
static MB_OUT_OF_LINE int
overlaps_when_sorted(const Py_ssize_t *strides, const LoopNest *nest)
{
    size_t steps[PyBUF_MAX_NDIM];
    Py_ssize_t counts[PyBUF_MAX_NDIM];
    int n = nest->ndim;
    for (int i = 0; i < n; i++) {
        size_t step = magnitude(strides[i]);
        int j = i;
        for (; j > 0 && steps[j - 1] > step; j--) {
            steps[j] = steps[j - 1];
            counts[j] = counts[j - 1];
        }
        steps[j] = step;
        counts[j] = nest->shape[i];
    }
    size_t reach = (size_t)nest->itemsize;
    for (int i = 0; i < n; i++) {
        assert(counts[i] >= 2);
        size_t span;
        if (steps[i] < reach
            || __builtin_mul_overflow(steps[i], (size_t)(counts[i] - 1),
                                      &span)
            || __builtin_add_overflow(reach, span, &reach)) {
            return 1;
        }
    }
    return 0;
}

/* Whether two items of one side of the nest (strides: that side's) may
   share bytes, so that the order of the writes would show.  The test is
   sufficient for "no": with the dimensions taken by increasing |stride|,
   each stride must step past everything the smaller ones reach.  A zero
   stride (one item seen at several indices) fails it.  The common order,
   strides growing from the innermost dimension out (C order, padded or
   reversed), is tried first without sorting.  Assumption: every extent of
   the nest is at least 2. */
static int
may_overlap_itself(const Py_ssize_t *strides, const LoopNest *nest)
{
    size_t reach = (size_t)nest->itemsize;
    for (int i = nest->ndim - 1; i >= 0; i--) {
        size_t step = magnitude(strides[i]), span;
        if (step < reach) {
            return overlaps_when_sorted(strides, nest);
        }
        if (__builtin_mul_overflow(step, (size_t)(nest->shape[i] - 1), &span)
            || __builtin_add_overflow(reach, span, &reach)) {
            return 1;
        }
    }
    return 0;
}

int
mb_layout_copy(const MbLayout *dst, const MbLayout *src)
{
    LoopNest nest;
    int p, q;
    assert(dst->ndim == src->ndim && dst->itemsize == src->itemsize);
    for (int i = 0; i < src->ndim; i++) {
        assert(dst->shape[i] == src->shape[i]);
    }
    if (dst->suboffsets != NULL || src->suboffsets != NULL) {
        return -1;
    }
    if (!simplify(&nest, dst, src)) {
        return 0;
    }
    if (!dst->contiguous && may_overlap_itself(nest.dst_strides, &nest)) {
        return -1;
    }
    uintptr_t d_low, d_high, s_low, s_high;
    extent_of(dst->buf, nest.dst_strides, &nest, &d_low, &d_high);
    extent_of(src->buf, nest.src_strides, &nest, &s_low, &s_high);
    if (d_low < s_high && s_low < d_high) {
        return -1;
    }
    if (nest.ndim == 0) {
        memcpy(dst->buf, src->buf, (size_t)src->itemsize);
        return 0;
    }
#if defined(HAVE_STREAMING_STORES)
    nest.stream = src->nitems * src->itemsize >= STREAM_BYTES
                  && resident(d_low, d_high);
#endif
    if (nest.ndim == 1 && !nest.stream) {
        copy_row(dst->buf, nest.dst_strides[0], src->buf, nest.src_strides[0],
                 nest.shape[0], nest.itemsize);
    }
    else if (nest.ndim > 1 && transposition(&nest, &p, &q)) {
        copy_nest(dst->buf, src->buf, &nest, p, q);
    }
    else {
        copy_nest(dst->buf, src->buf, &nest, -1, -1);
    }
#if defined(HAVE_STREAMING_STORES)
    if (nest.stream) {
        /* Order the streamed stores before any later store. */
        _mm_sfence();
    }
#endif
    return 0;
}
