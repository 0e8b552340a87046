/* The strided copy engine: every item of one layout to the item with the
 * same index in another (mb_layout_copy), as fast as the layouts allow.
 *
 * How:
 * - dimensions of extent 1 are dropped and neighbouring dimensions that
 *   both sides step through as one are merged, so a contiguous or
 *   row-padded array becomes one or two loops;
 * - when both sides are contiguous along the innermost dimension, each row
 *   is one memcpy;
 * - rows run along the dimension both sides step through least, made
 *   the innermost;
 * - when the destination steps least along one dimension and the source
 *   along another (a transposition: C <-> Fortran, swapped axes, with or
 *   without gaps), the two dimensions are copied in tiles small enough
 *   for the first-level cache, so that neither side is walked against
 *   the cache; tiles of 1, 2 and 4 bytes are transposed in SSE2
 *   registers, 16 x 16 bytes at a time;
 * - rows are copied item by item with loops specialised for items of 1,
 *   2, 4, 8, 12 (three 4-byte fields, an RGB float pixel) and 16 bytes,
 *   unrolled, and with SSE2 for the gather of every other item of 1, 2 or
 *   4 bytes;
 * - a destination of 4 MiB or more, already in memory, is written with
 *   streaming stores, in tiles and in gathered rows; a gather of 8-byte
 *   items whose source plane fits the second-level cache (swapped axes
 *   into C order) sweeps the destination two rows at a time instead of
 *   tiling it.
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
   keeps the source's lines in the cache.  Into pages the kernel has yet to
   supply they cost more than they save (the kernel zeroes each page
   through the cache first), so they are used only where every page of the
   destination is resident, which mincore tells. */
#if defined(__SSE2__) && defined(__x86_64__) && defined(HAVE_MINCORE)
#define HAVE_STREAMING_STORES 1
#include <sys/mman.h>
#include <unistd.h>
#endif

/* Destinations of at least this many bytes are written with streaming
   stores, where the items allow it. */
#define STREAM_BYTES ((Py_ssize_t)4 << 20)

/* A plane whose source spans at most this many bytes stays in the
   second-level cache while it is swept (sweep_in_pairs). */
#define SWEEP_BYTES ((size_t)256 << 10)

/* Lines this many bytes apart fall in the same set of the second-level
   cache (a way of 64 KiB, in the caches of 256 KiB to 1 MiB of x86-64
   processors): a tile whose source rows are a multiple of it apart has
   its lines, a few per row, in one set, too many for its ways, and read
   item by item they come from the third-level cache again and again
   (C <-> Fortran of a 3-D float64 array, rows 128 or 512 KiB apart).
   Such a tile's rows are first copied, whole, into a buffer (copy_tile). */
#define ALIASING_STRIDE ((size_t)64 << 10)

/* k * stride in unsigned arithmetic, wrapping around: multiples of the
   strides are computed before it is known that they will be used (for a
   row of fewer than four items, the unrolled steps never are), and
   hostile strides must not make computing them undefined. */
#define TIMES(k, stride) ((Py_ssize_t)((size_t)(k) * (size_t)(stride)))

/* |stride|, in unsigned arithmetic (PY_SSIZE_T_MIN included). */
static inline size_t
magnitude(Py_ssize_t stride)
{
    return stride < 0 ? 0 - (size_t)stride : (size_t)stride;
}

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

#if defined(__SSE2__)
/* K items of e bytes along q from p: contiguous (ssq = e), or every other
   one (ssq = 2 e), read as 32 bytes, the last of which is the byte after
   the K-th item. */
static inline __m128i
load_items(const char *p, Py_ssize_t e, int every_other)
{
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    if (!every_other) {
        return a;
    }
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    switch (e) {
    case 1:
        return _mm_packus_epi16(_mm_and_si128(a, _mm_set1_epi16(0xff)),
                                _mm_and_si128(b, _mm_set1_epi16(0xff)));
    case 2:
        /* The low halves sign-extended, so that the saturating pack
           keeps them as they are. */
        return _mm_packs_epi32(_mm_srai_epi32(_mm_slli_epi32(a, 16), 16),
                               _mm_srai_epi32(_mm_slli_epi32(b, 16), 16));
    default:
        return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(a),
                                               _mm_castsi128_ps(b),
                                               _MM_SHUFFLE(2, 0, 2, 0)));
    }
}
#endif

/* Whether a row is gathered by gather_every_other: every other item of 1,
   2 or 4 bytes into contiguous items. */
static inline int
takes_every_other(Py_ssize_t ds, Py_ssize_t ss, Py_ssize_t itemsize)
{
    return ds == itemsize && ss == 2 * itemsize
           && (itemsize == 1 || itemsize == 2 || itemsize == 4);
}

/* Every other item of e = 1, 2 or 4 bytes from s into n contiguous items
   at d: 32 bytes in, 16 out per step with SSE2 (load_items), written with
   streaming stores from the first 16-byte boundary when `stream` is set
   and d is aligned to its items; the rest item by item.  A step reads e
   bytes past its last item, so it runs only while another item follows:
   the source may end at its last item. */
static void
gather_every_other(char *d, const char *s, Py_ssize_t n, Py_ssize_t e,
                   int stream)
{
    Py_ssize_t i = 0, k = 16 / e;
#if defined(__SSE2__)
    if (stream && (uintptr_t)d % (uintptr_t)e == 0) {
        for (; i < n && (uintptr_t)(d + i * e) % 16 != 0; i++) {
            memcpy(d + i * e, s + 2 * i * e, (size_t)e);
        }
        for (; i + k < n; i += k) {
            _mm_stream_si128((__m128i *)(void *)(d + i * e),
                             load_items(s + 2 * i * e, e, 1));
        }
    }
    for (; i + k < n; i += k) {
        _mm_storeu_si128((__m128i *)(void *)(d + i * e),
                         load_items(s + 2 * i * e, e, 1));
    }
#else
    (void)stream, (void)k;
#endif
    for (; i < n; i++) {
        memcpy(d + i * e, s + 2 * i * e, (size_t)e);
    }
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
    if (takes_every_other(ds, ss, itemsize)) {
        gather_every_other(d, s, n, itemsize, 0);
        return;
    }
    switch (itemsize) {
    case 1:
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
    case 12:
        COPY_ROW(12);
        return;
    case 16:
        COPY_ROW(16);
        return;
    default:
        copy_row_of_any_size(d, ds, s, ss, n, itemsize);
        return;
    }
}

/* --- Tiles ---------------------------------------------------------------
 *
 * A tile is `width` items along p, the dimension along which the
 * destination steps least (dsp), by `height` items along q, the one along
 * which the source steps least (ssq).  Rows run along p, so the writes are
 * sequential; successive rows step along q, so the source lines a tile
 * reads are used up while they are in the cache.
 */

/* Items per side of a tile: rows of at least a cache line of the
   destination, and never fewer than 16 items (16 x 16 items of 8 bytes
   are two 2 KiB blocks; of 1 byte, 64 x 64 is one 4 KiB block). */
static inline Py_ssize_t
tile_items(Py_ssize_t itemsize)
{
    return itemsize >= MB_CACHE_LINE / 16 ? 16 : MB_CACHE_LINE / itemsize;
}

/* One tile of items of SIZE bytes, each written with STORE(destination,
   source), the destination stepping DSTEP bytes along p. */
#define COPY_TILE(SIZE, STORE, DSTEP)                                   \
    for (Py_ssize_t j = 0; j < height; j++) {                           \
        char *dr = d + j * dsq;                                         \
        const char *sr = s + j * ssq;                                   \
        for (Py_ssize_t i = 0; i < width; i++) {                        \
            STORE(dr + i * (DSTEP), sr + i * ssp);                      \
        }                                                               \
    }

#define STORE1(d, s) (*(d) = *(s))
#define STORE2(d, s) memcpy(d, s, 2)
#define STORE4(d, s) memcpy(d, s, 4)
#define STORE8(d, s) memcpy(d, s, 8)
#define STORE12(d, s) memcpy(d, s, 12)
#define STORE16(d, s) memcpy(d, s, 16)

#if defined(__SSE2__)
/* --- Tiles transposed in registers ---------------------------------------
 *
 * Items of E = 1, 2 or 4 bytes, K = 16 / E to a 16-byte vector.  A K x K
 * block of items is transposed in log2(K) rounds of interleaving row i
 * with row i + K / 2 (each round moves one bit of the row number into the
 * column number).  A tile is N = 64 / E items along q (tall tiles: up to
 * TILE_LINES(E) * N) by up to TILE_LINES(E) * N along p (that many cache
 * lines of each row of the destination, written one after the other), and
 * goes through two buffers in the first-level cache (18 KiB of stack at
 * most), so that every line of the source and of the destination is
 * touched once, start to end: rows a power of two apart share cache sets,
 * and a tile that read or wrote a vector of each row at a time would
 * evict its own lines before it came back to them.  Runs of one line per
 * destination row are too short: a page of memory is opened for every
 * line written (measured: docs/performance.md).  The
 * source lines of the tile PREFETCH_TILES further along q are asked for,
 * into the second-level cache, while this one is copied: the rows of a
 * tile are too many streams for the hardware's prefetchers, and share
 * too few sets of the first-level cache to wait there.
 */

/* The statement S(i) for i = 0 .. K - 1, written out so that the vectors
   stay in registers. */
#define FOR_16(S)                                                       \
    do {                                                              \
        S(0); S(1); S(2); S(3); S(4); S(5); S(6); S(7); S(8);           \
        S(9); S(10); S(11); S(12); S(13); S(14); S(15);                 \
    } while (0)
#define FOR_8(S)                                                        \
    do {                                                              \
        S(0); S(1); S(2); S(3); S(4); S(5); S(6); S(7);                 \
    } while (0)
#define FOR_4(S)                                                        \
    do {                                                              \
        S(0); S(1); S(2); S(3);                                         \
    } while (0)

#define INTERLEAVE_16(LO, HI, out, in)                                  \
    do {                                                              \
        out[0] = LO(in[0], in[8]);                                      \
        out[1] = HI(in[0], in[8]);                                      \
        out[2] = LO(in[1], in[9]);                                      \
        out[3] = HI(in[1], in[9]);                                      \
        out[4] = LO(in[2], in[10]);                                     \
        out[5] = HI(in[2], in[10]);                                     \
        out[6] = LO(in[3], in[11]);                                     \
        out[7] = HI(in[3], in[11]);                                     \
        out[8] = LO(in[4], in[12]);                                     \
        out[9] = HI(in[4], in[12]);                                     \
        out[10] = LO(in[5], in[13]);                                    \
        out[11] = HI(in[5], in[13]);                                    \
        out[12] = LO(in[6], in[14]);                                    \
        out[13] = HI(in[6], in[14]);                                    \
        out[14] = LO(in[7], in[15]);                                    \
        out[15] = HI(in[7], in[15]);                                    \
    } while (0)
#define INTERLEAVE_8(LO, HI, out, in)                                   \
    do {                                                              \
        out[0] = LO(in[0], in[4]);                                      \
        out[1] = HI(in[0], in[4]);                                      \
        out[2] = LO(in[1], in[5]);                                      \
        out[3] = HI(in[1], in[5]);                                      \
        out[4] = LO(in[2], in[6]);                                      \
        out[5] = HI(in[2], in[6]);                                      \
        out[6] = LO(in[3], in[7]);                                      \
        out[7] = HI(in[3], in[7]);                                      \
    } while (0)
#define INTERLEAVE_4(LO, HI, out, in)                                   \
    do {                                                              \
        out[0] = LO(in[0], in[2]);                                      \
        out[1] = HI(in[0], in[2]);                                      \
        out[2] = LO(in[1], in[3]);                                      \
        out[3] = HI(in[1], in[3]);                                      \
    } while (0)

#define UNPACKLO_1 _mm_unpacklo_epi8
#define UNPACKHI_1 _mm_unpackhi_epi8
#define UNPACKLO_2 _mm_unpacklo_epi16
#define UNPACKHI_2 _mm_unpackhi_epi16
#define UNPACKLO_4 _mm_unpacklo_epi32
#define UNPACKHI_4 _mm_unpackhi_epi32

/* How many tiles ahead the source is prefetched. */
#define PREFETCH_TILES 2

/* Cache lines of each destination row a tile of items of E bytes
   transposed in registers writes, at most: two for items of 1 and 2
   bytes, one for 4 bytes, whose tiles measured slower when wider.  Where
   the source steps two items along q, a tile of 1- or 2-byte items is as
   many bands of N items tall (a tall tile): it then reads four lines of
   each source row instead of two. */
#define TILE_LINES(E) ((E) <= 2 ? 2 : 1)

/* Row c of a band of the destination: 64 bytes at dr, streamed when
   `stream` is set and they are a whole cache line. */
static inline void
store_line(char *dr, const __m128i line[4], int stream)
{
#if defined(HAVE_STREAMING_STORES)
    if (stream && (uintptr_t)dr % MB_CACHE_LINE == 0) {
        for (int k = 0; k < 4; k++) {
            _mm_stream_si128((__m128i *)(void *)(dr + 16 * k), line[k]);
        }
        return;
    }
#else
    (void)stream;
#endif
    for (int k = 0; k < 4; k++) {
        _mm_storeu_si128((__m128i *)(void *)(dr + 16 * k), line[k]);
    }
}

/* NAME(d, s, ssp, dsq, ssq, lines, stream): a tile of lines * N items
   along p by BANDS * N along q, of items of E bytes whose destination is
   contiguous along p (dsp = E) and whose source steps E or 2 E bytes
   along q.  First the source rows, BANDS * N items along q each, into
   `rows`; then, for each band of K destination rows, K x K blocks of
   `rows` transposed into `band` and the band's rows stored, `lines` lines
   of 64 bytes each.  Assumptions: 1 <= lines <= TILE_LINES(E); when
   ssq = 2 E, an item follows the tile along q. */
#define TRANSPOSE_TILE(NAME, E, BANDS, K, FOR_K, INTERLEAVE_K, ROUNDS)    \
    static MB_OUT_OF_LINE void                                          \
    NAME(char *d, const char *s, Py_ssize_t ssp, Py_ssize_t dsq,        \
         Py_ssize_t ssq, int lines, int stream)                         \
    {                                                                   \
        enum { N = 64 / (E), KV = (K), LINES = TILE_LINES(E) };         \
        __m128i rows[LINES * N][4 * (BANDS)], band[K][4 * LINES];       \
        int every_other = ssq != (E);                                   \
        assert(lines >= 1 && lines <= LINES);                           \
        lines = LINES == 1 ? 1 : lines; /* a constant: loops unroll */  \
        for (Py_ssize_t r = 0; r < lines * N; r++) {                    \
            const char *sr = s + r * ssp;                               \
            const char *ahead = sr + (BANDS) * N * ssq * PREFETCH_TILES; \
            for (int k = 0; k < 2 * (BANDS); k++) {                     \
                _mm_prefetch(ahead + 64 * k, _MM_HINT_T1);              \
            }                                                           \
            for (int m = 0; m < 4 * (BANDS); m++) {                     \
                rows[r][m] = load_items(sr + m * (K) * ssq, (E),        \
                                        every_other);                   \
            }                                                           \
        }                                                               \
        for (int jb = 0; jb < 4 * (BANDS); jb++) {                      \
            for (int ib = 0; ib < 4 * lines; ib++) {                    \
                __m128i v[K], t[K];                                     \
                FOR_K(LOAD_FROM_ROWS);                                  \
                ROUNDS(INTERLEAVE_K, UNPACKLO_##E, UNPACKHI_##E);       \
                FOR_K(STORE_TO_BAND);                                   \
            }                                                           \
            for (int c = 0; c < (K); c++) {                             \
                char *dr = d + ((K) * jb + c) * dsq;                    \
                for (int l = 0; l < lines; l++) {                       \
                    store_line(dr + 64 * l, &band[c][4 * l], stream);   \
                }                                                       \
            }                                                           \
        }                                                               \
    }

#define LOAD_FROM_ROWS(x) (v[x] = rows[ib * KV + (x)][jb])
#define STORE_TO_BAND(c) (band[c][ib] = v[c])
/* log2(K) rounds from v, the result in v. */
#define ROUNDS_4(I, LO, HI)                                             \
    do {                                                                \
        I(LO, HI, t, v);                                                \
        I(LO, HI, v, t);                                                \
        I(LO, HI, t, v);                                                \
        I(LO, HI, v, t);                                                \
    } while (0)
#define ROUNDS_3(I, LO, HI)                                             \
    do {                                                                \
        I(LO, HI, t, v);                                                \
        I(LO, HI, v, t);                                                \
        I(LO, HI, t, v);                                                \
        memcpy(v, t, sizeof(v));                                        \
    } while (0)
#define ROUNDS_2(I, LO, HI)                                             \
    do {                                                                \
        I(LO, HI, t, v);                                                \
        I(LO, HI, v, t);                                                \
    } while (0)

TRANSPOSE_TILE(transpose_tile_1, 1, 1, 16, FOR_16, INTERLEAVE_16, ROUNDS_4)
TRANSPOSE_TILE(transpose_tile_2, 2, 1, 8, FOR_8, INTERLEAVE_8, ROUNDS_3)
TRANSPOSE_TILE(transpose_tile_4, 4, 1, 4, FOR_4, INTERLEAVE_4, ROUNDS_2)
TRANSPOSE_TILE(transpose_tall_tile_1, 1, TILE_LINES(1), 16, FOR_16,
               INTERLEAVE_16, ROUNDS_4)
TRANSPOSE_TILE(transpose_tall_tile_2, 2, TILE_LINES(2), 8, FOR_8,
               INTERLEAVE_8, ROUNDS_3)
#endif

/* Whether rows of items of itemsize bytes starting at d, dsq apart, can
   be written with streaming stores: items of 4 and 12 bytes aligned to 4,
   of 8 and 16 aligned to 8. */
static int
can_stream(const char *d, Py_ssize_t dsq, Py_ssize_t itemsize)
{
    uintptr_t grain = itemsize == 4 || itemsize == 12 ? 4
                      : itemsize == 8 || itemsize == 16 ? 8 : 0;
    return grain != 0 && ((uintptr_t)d | (uintptr_t)dsq) % grain == 0;
}

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

/* Items of 12 and 16 bytes, as three 4-byte and two 8-byte streaming
   stores.  Assumption: d is aligned to 4 and to 8 bytes. */
static inline void
stream12(char *d, const char *s)
{
    stream4(d, s);
    stream4(d + 4, s + 4);
    stream4(d + 8, s + 8);
}

static inline void
stream16(char *d, const char *s)
{
    stream8(d, s);
    stream8(d + 8, s + 8);
}


/* A tile (or a row: height 1) of items contiguous along p in the
   destination, written with streaming stores.  Assumption: can_stream. */
static void
stream_tile(char *d, const char *s, Py_ssize_t width, Py_ssize_t height,
            Py_ssize_t ssp, Py_ssize_t dsq, Py_ssize_t ssq,
            Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 4:
        COPY_TILE(4, stream4, 4)
        return;
    case 8:
        COPY_TILE(8, stream8, 8)
        return;
    case 12:
        COPY_TILE(12, stream12, 12)
        return;
    default:
        assert(itemsize == 16);
        COPY_TILE(16, stream16, 16)
        return;
    }
}

/* A plane of 8-byte items gathered row by row of the destination, two
   rows at a time: each pair of source items along q (16 bytes) goes, by
   one interleave, to the same place in the two rows, which are written
   start to end with 16-byte streaming stores.  Only two lines of the
   destination are open at once, and where its rows are adjacent the plane
   is written in the order of memory; the source lines, read once per pair
   of rows, stay in the second-level cache when the plane's source does
   (SWEEP_BYTES).  Tiles, which write each row a line at a time and so
   scatter the writes, are the better order everywhere else (measured:
   docs/performance.md).  Assumptions: the source steps 8 bytes along q;
   d and dsq are multiples of 16; np is even. */
static void
sweep_in_pairs(char *d, const char *s, Py_ssize_t np, Py_ssize_t nq,
               Py_ssize_t ssp, Py_ssize_t dsq)
{
    assert((uintptr_t)d % 16 == 0 && dsq % 16 == 0 && np % 2 == 0);
    Py_ssize_t j = 0;
    for (; j + 1 < nq; j += 2) {
        char *d0 = d + j * dsq, *d1 = d0 + dsq;
        const char *sr = s + j * 8;
        for (Py_ssize_t i = 0; i < np; i += 2) {
            __m128i a = _mm_loadu_si128(
                (const __m128i *)(const void *)(sr + i * ssp));
            __m128i b = _mm_loadu_si128(
                (const __m128i *)(const void *)(sr + (i + 1) * ssp));
            _mm_stream_si128((__m128i *)(void *)(d0 + 8 * i),
                             _mm_unpacklo_epi64(a, b));
            _mm_stream_si128((__m128i *)(void *)(d1 + 8 * i),
                             _mm_unpackhi_epi64(a, b));
        }
    }
    if (j < nq) {
        const Py_ssize_t height = 1, ssq = 0;
        stream_tile(d + j * dsq, s + j * 8, np, height, ssp, dsq, ssq, 8);
    }
}

/* Whether the plane p, q of the nest is copied by sweep_in_pairs: a
   streamed copy of 8-byte items, contiguous along p in the destination
   and along q in the source, whose source for one sweep of p (np lines
   ssp apart) spans at most SWEEP_BYTES. */
static int
sweeps_in_pairs(const char *d, const LoopNest *nest, int p, int q)
{
    Py_ssize_t np = nest->shape[p];
    return nest->stream && nest->itemsize == 8
           && nest->dst_strides[p] == 8 && nest->src_strides[q] == 8
           && nest->dst_strides[q] % 16 == 0 && (uintptr_t)d % 16 == 0
           && np % 2 == 0
           && magnitude(nest->src_strides[p]) <= SWEEP_BYTES / (size_t)np;
}
#endif

/* A row gathered into contiguous destination items with streaming stores
   (a tile of one row) where the items allow it; copy_row otherwise. */
static void
copy_row_streamed(char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss,
                  Py_ssize_t n, Py_ssize_t itemsize)
{
#if defined(HAVE_STREAMING_STORES)
    if (takes_every_other(ds, ss, itemsize)) {
        gather_every_other(d, s, n, itemsize, 1);
        return;
    }
    if (ds == itemsize && ss != itemsize && can_stream(d, 0, itemsize)) {
        const Py_ssize_t width = n, height = 1, ssp = ss, dsq = 0, ssq = 0;
        stream_tile(d, s, width, height, ssp, dsq, ssq, itemsize);
        return;
    }
#endif
    copy_row(d, ds, s, ss, n, itemsize);
}

/* Whether the tiles of a plane are transposed in registers, those that
   are whole (in_registers): items of 1, 2 or 4 bytes, contiguous along p
   in the destination, whose source steps one or two items along q. */
static inline int
register_tiles(Py_ssize_t dsp, Py_ssize_t ssq, Py_ssize_t itemsize)
{
#if defined(__SSE2__)
    return (itemsize == 1 || itemsize == 2 || itemsize == 4)
           && dsp == itemsize && (ssq == itemsize || ssq == 2 * itemsize);
#else
    (void)dsp, (void)ssq, (void)itemsize;
    return 0;
#endif
}

/* Whether a tile is transposed in registers: register_tiles, N items
   along q (or a tall tile's TILE_LINES(itemsize) * N, where the source
   steps two items along q), 1 to TILE_LINES(itemsize) lines of the
   destination along p, and, where the source steps two items along q, an
   item after the tile along q (more_q). */
static inline int
in_registers(Py_ssize_t width, Py_ssize_t height, Py_ssize_t dsp,
             Py_ssize_t ssq, Py_ssize_t itemsize, int more_q)
{
    Py_ssize_t items = tile_items(itemsize);
    return register_tiles(dsp, ssq, itemsize)
           && (height == items
               || (height == TILE_LINES(itemsize) * items
                   && ssq != itemsize))
           && width % items == 0 && width >= items
           && width <= TILE_LINES(itemsize) * items
           && (ssq == itemsize || more_q);
}

#if defined(__SSE2__)
/* A tile of items of 1, 2 or 4 bytes, transposed in registers.
   Assumption: in_registers. */
static void
transpose_tile(char *d, const char *s, Py_ssize_t width, Py_ssize_t height,
               Py_ssize_t ssp, Py_ssize_t dsq, Py_ssize_t ssq,
               Py_ssize_t itemsize, int stream)
{
    int lines = (int)(width / tile_items(itemsize));
    int tall = height > tile_items(itemsize);
    if (itemsize == 1) {
        (tall ? transpose_tall_tile_1 : transpose_tile_1)(d, s, ssp, dsq, ssq,
                                                          lines, stream);
    }
    else if (itemsize == 2) {
        (tall ? transpose_tall_tile_2 : transpose_tile_2)(d, s, ssp, dsq, ssq,
                                                          lines, stream);
    }
    else {
        transpose_tile_4(d, s, ssp, dsq, ssq, lines, stream);
    }
}
#endif

/* Whether a tile's source rows are first copied whole into a buffer
   (copy_tile_through_buffer): items of 8 to 16 bytes (whose tiles are not
   transposed in registers), contiguous along q in the source, in rows a
   multiple of ALIASING_STRIDE apart. */
static inline int
buffers_rows(Py_ssize_t ssp, Py_ssize_t ssq, Py_ssize_t itemsize)
{
    return itemsize >= 8 && itemsize <= 16 && ssq == itemsize && ssp != 0
           && magnitude(ssp) % ALIASING_STRIDE == 0;
}

static void copy_tile_through_buffer(char *d, const char *s,
                                     Py_ssize_t width, Py_ssize_t height,
                                     Py_ssize_t dsp, Py_ssize_t ssp,
                                     Py_ssize_t dsq, Py_ssize_t ssq,
                                     Py_ssize_t itemsize, int stream,
                                     int more_q);

/* One tile (see above); more_q says whether items follow the tile along
   q. */
static void
copy_tile(char *d, const char *s, Py_ssize_t width, Py_ssize_t height,
          Py_ssize_t dsp, Py_ssize_t ssp, Py_ssize_t dsq, Py_ssize_t ssq,
          Py_ssize_t itemsize, int stream, int more_q)
{
    if (buffers_rows(ssp, ssq, itemsize)) {
        copy_tile_through_buffer(d, s, width, height, dsp, ssp, dsq, ssq,
                                 itemsize, stream, more_q);
        return;
    }
#if defined(__SSE2__)
    if (in_registers(width, height, dsp, ssq, itemsize, more_q)) {
        transpose_tile(d, s, width, height, ssp, dsq, ssq, itemsize, stream);
        return;
    }
#endif
#if defined(HAVE_STREAMING_STORES)
    if (stream && dsp == itemsize && can_stream(d, dsq, itemsize)) {
        stream_tile(d, s, width, height, ssp, dsq, ssq, itemsize);
        return;
    }
#else
    (void)stream;
#endif
    switch (itemsize) {
    case 1:
        COPY_TILE(1, STORE1, dsp)
        return;
    case 2:
        COPY_TILE(2, STORE2, dsp)
        return;
    case 4:
        if (dsp == 4) {
            COPY_TILE(4, STORE4, 4)
        }
        else {
            COPY_TILE(4, STORE4, dsp)
        }
        return;
    case 8:
        if (dsp == 8) {
            COPY_TILE(8, STORE8, 8)
        }
        else {
            COPY_TILE(8, STORE8, dsp)
        }
        return;
    case 12:
        COPY_TILE(12, STORE12, dsp)
        return;
    case 16:
        COPY_TILE(16, STORE16, dsp)
        return;
    default:
        for (Py_ssize_t j = 0; j < height; j++) {
            copy_row(d + j * dsq, dsp, s + j * ssq, ssp, width, itemsize);
        }
        return;
    }
}

/* A tile whose source rows are first copied, whole and one after the
   other, into a buffer on the stack (16 x 16 items of 16 bytes at most),
   then copied from there.  Assumption: buffers_rows. */
static MB_OUT_OF_LINE void
copy_tile_through_buffer(char *d, const char *s, Py_ssize_t width,
                         Py_ssize_t height, Py_ssize_t dsp, Py_ssize_t ssp,
                         Py_ssize_t dsq, Py_ssize_t ssq, Py_ssize_t itemsize,
                         int stream, int more_q)
{
    char rows[16 * 16 * 16];
    Py_ssize_t row = height * itemsize;
    assert(width * row <= (Py_ssize_t)sizeof(rows));
    for (Py_ssize_t i = 0; i < width; i++) {
        memcpy(rows + i * row, s + i * ssp, (size_t)row);
    }
    copy_tile(d, rows, width, height, dsp, row, dsq, ssq, itemsize, stream,
              more_q);
}

/* The width of the next tile, whose rows start at d with `left` items to
   go along p (at most `items`), and whether to stream it (*stream, set by
   the caller when the copy streams).  Items contiguous along p (dsp, the
   item size) are streamed when can_stream says so, and items of 1 and 2
   bytes in tiles transposed in registers; only whole cache lines: a
   streaming store that fills part of a line costs a memory transaction of
   its own.  So where the destination is not on a line boundary, a narrow
   tile written with ordinary stores reaches the next boundary (if an
   item starts there), and a tail shorter than a whole number of lines is
   written the same way. */
static Py_ssize_t
tile_width(const char *d, Py_ssize_t left, Py_ssize_t items, Py_ssize_t dsp,
           Py_ssize_t itemsize, int *stream)
{
    Py_ssize_t width = left < items ? left : items;
    int streamable = dsp == itemsize
                     && (dsp == 1 || (dsp == 2 && (uintptr_t)d % 2 == 0)
                         || can_stream(d, 0, dsp));
    if (!*stream || !streamable) {
        *stream = 0;
        return width;
    }
    /* Items to the next line boundary, and items that make whole lines. */
    Py_ssize_t lead = 0;
    while ((uintptr_t)(d + lead * dsp) % MB_CACHE_LINE != 0) {
        if (++lead == MB_CACHE_LINE) {
            *stream = 0;
            return width;
        }
    }
    if (lead != 0) {
        *stream = 0;
        return lead < width ? lead : width;
    }
    Py_ssize_t common = MB_CACHE_LINE;     /* gcd(line, item size) */
    while (dsp % common != 0) {
        common /= 2;
    }
    Py_ssize_t line = MB_CACHE_LINE / common;
    if (width < line) {
        *stream = 0;
        return width;
    }
    return width - width % line;
}

/* Dimensions p and q of the nest copied in tiles. */
static void
copy_tiles(char *d, const char *s, const LoopNest *nest, int p, int q)
{
    Py_ssize_t np = nest->shape[p], nq = nest->shape[q];
    Py_ssize_t dsp = nest->dst_strides[p], dsq = nest->dst_strides[q];
    Py_ssize_t ssp = nest->src_strides[p], ssq = nest->src_strides[q];
    Py_ssize_t items = tile_items(nest->itemsize);
    /* Tiles transposed in registers reach up to TILE_LINES lines along
       p, in whole lines where they can, and are tall where the source
       steps two items along q. */
    Py_ssize_t wide = items, tall = items;
    if (register_tiles(dsp, ssq, nest->itemsize)) {
        wide = TILE_LINES(nest->itemsize) * items;
        tall = ssq != nest->itemsize ? wide : items;
    }
#if defined(HAVE_STREAMING_STORES)
    if (sweeps_in_pairs(d, nest, p, q)) {
        sweep_in_pairs(d, s, np, nq, ssp, dsq);
        return;
    }
#endif
    for (Py_ssize_t p0 = 0, width; p0 < np; p0 += width) {
        int stream = nest->stream;
        width = tile_width(d + p0 * dsp, np - p0, wide, dsp, nest->itemsize,
                           &stream);
        if (width > items) {
            width -= width % items;
        }
        for (Py_ssize_t q0 = 0, height; q0 < nq; q0 += height) {
            height = q0 + tall < nq ? tall : nq - q0;
            if (height > items) {
                height -= height % items;
                if (q0 + height == nq) {
                    /* A tall tile reads an item past its end, and none
                       follows: the last N items go as below. */
                    height -= items;
                }
            }
            int more_q = q0 + height < nq;
            if (!more_q && q0 > 0
                && !in_registers(width, height, dsp, ssq, nest->itemsize, 0)
                && in_registers(width, items, dsp, ssq, nest->itemsize, 1)) {
                /* The last tile, short or with no item after it, would
                   not go through the registers: a whole tile ending one
                   item before the end does, writing again some of what
                   the tile before it wrote (the same values), and the
                   last item along q goes on its own. */
                q0 = nq - items - 1;
                copy_tile(d + p0 * dsp + q0 * dsq, s + p0 * ssp + q0 * ssq,
                          width, items, dsp, ssp, dsq, ssq, nest->itemsize,
                          stream, 1);
                q0 = nq - 1;
                height = 1;
            }
            copy_tile(d + p0 * dsp + q0 * dsq, s + p0 * ssp + q0 * ssq,
                      width, height, dsp, ssp, dsq, ssq, nest->itemsize,
                      stream, more_q);
        }
    }
}

/* The dimension of the nest along which strides (one side's) are
   smallest in magnitude; the innermost of equals. */
static int
smallest_stride(const Py_ssize_t *strides, int ndim)
{
    int best = ndim - 1;
    for (int i = ndim - 2; i >= 0; i--) {
        if (magnitude(strides[i]) < magnitude(strides[best])) {
            best = i;
        }
    }
    return best;
}

/* The dimensions along which the destination (*p) and the source (*q)
   step least, when they differ: a transposition, copied in tiles.  When
   they are the same dimension, it is made the innermost, where rows run
   (the order of the copy cannot be seen), and 0 is returned. */
static int
transposition(LoopNest *nest, int *p, int *q)
{
    int inner = nest->ndim - 1;
    *p = smallest_stride(nest->dst_strides, nest->ndim);
    *q = smallest_stride(nest->src_strides, nest->ndim);
    if (*p != *q) {
        return 1;
    }
    if (*p != inner) {
        Py_ssize_t t = nest->shape[*p];
        nest->shape[*p] = nest->shape[inner];
        nest->shape[inner] = t;
        t = nest->dst_strides[*p];
        nest->dst_strides[*p] = nest->dst_strides[inner];
        nest->dst_strides[inner] = t;
        t = nest->src_strides[*p];
        nest->src_strides[*p] = nest->src_strides[inner];
        nest->src_strides[inner] = t;
    }
    return 0;
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
