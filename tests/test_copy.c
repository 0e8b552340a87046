/* PyBuffer_ToContiguous, PyBuffer_FromContiguous and PyObject_CopyData:
 * randomized layouts checked byte for byte against a reference copy written
 * here, and the cases where minibuf defines what CPython leaves undefined. */
#include "testutil.h"
#include "layouts.h"

/* --- Random layouts and the reference copy ------------------------------- */

/* Small layouts reach every branch of the copy engine's set-up; large ones
   (extents past the engine's 32 x 32 tiles and 16-byte vector blocks) reach
   its tiles, vector loops and their ragged edges. */
typedef struct {
    int rounds;
    int max_ndim;
    unsigned max_extent[5];    /* by ndim */
    size_t arena;
} Scale;

static const Scale small_layouts = {2000, 4, {1, 6, 6, 6, 6}, 8192};
static const Scale large_layouts = {300, 3, {1, 300, 150, 40, 0}, 1 << 22};

#define ARENA 8192


static unsigned long long seed = 12345;

static unsigned
rnd(unsigned bound)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed >> 33) % bound);
}

/* rnd as a RandomBelow source. */
static unsigned
below(void *source, unsigned bound)
{
    (void)source;
    return rnd(bound);
}

static void
fill_random(char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bytes[i] = (char)rnd(256);
    }
}

/* A random shape and itemsize for the scale, and a layout of it for each
   of the n shapes (all of the same shape) that fits in the arena. */
static void
random_layouts(const Scale *scale, Layout *shapes, int n)
{
    static const Py_ssize_t itemsizes[] = {1, 1, 2, 3, 4, 8, 16};
    for (;;) {
        int ndim = (int)rnd((unsigned)scale->max_ndim + 1);
        Py_ssize_t itemsize = itemsizes[rnd(7)], shape[4];
        for (int i = 0; i < ndim; i++) {
            shape[i] = (Py_ssize_t)rnd(scale->max_extent[ndim]);
        }
        int fits = 1;
        for (int k = 0; k < n; k++) {
            layout_random(&shapes[k], ndim, itemsize, shape, below, NULL);
            fits = fits && shapes[k].span <= scale->arena;
        }
        if (fits) {
            return;
        }
    }
}

/* Arenas of the scale's size, freed by the caller. */
static char *
new_arena(const Scale *scale)
{
    char *arena = malloc(scale->arena);
    ck_assert_ptr_nonnull(arena);
    return arena;
}

static void
check_to_contiguous(const Scale *scale)
{
    char *arena = new_arena(scale), *out = new_arena(scale);
    char *expected = new_arena(scale);
    for (int round = 0; round < scale->rounds; round++) {
        Layout s;
        random_layouts(scale, &s, 1);
        Py_ssize_t itemsize = s.itemsize;
        fill_random(arena, s.span);
        Py_buffer view = layout_view(&s, arena);
        const char orders[] = "CFA";
        for (int o = 0; o < 3; o++) {
            /* 'A' copies a Fortran-contiguous view as it lies. */
            int fortran = orders[o] == 'F'
                          || (orders[o] == 'A'
                              && !PyBuffer_IsContiguous(&view, 'C')
                              && PyBuffer_IsContiguous(&view, 'F'));
            for (Py_ssize_t t = 0; t < s.nitems; t++) {
                memcpy(expected + t * itemsize,
                       arena + layout_item_offset(&s, t, fortran),
                       (size_t)itemsize);
            }
            ck_assert_int_eq(PyBuffer_ToContiguous(out, &view, view.len,
                                                   orders[o]), 0);
            ck_assert_msg(memcmp(out, expected, (size_t)view.len) == 0,
                          "round %d order %c", round, orders[o]);
        }
    }
    free(arena);
    free(out);
    free(expected);
}

/* Destinations whose items alias each other, one round in four. */
static void
maybe_alias(const Scale *scale, Layout *l)
{
    if (rnd(4) == 0) {
        Layout aliased = *l;
        layout_alias(&aliased, below, NULL);
        if (aliased.span <= scale->arena) {
            *l = aliased;
        }
    }
}

static void
check_from_contiguous(const Scale *scale)
{
    char *arena = new_arena(scale), *in = new_arena(scale);
    char *expected = new_arena(scale);
    for (int round = 0; round < scale->rounds; round++) {
        Layout s;
        random_layouts(scale, &s, 1);
        maybe_alias(scale, &s);
        Py_ssize_t itemsize = s.itemsize;
        fill_random(arena, s.span);
        fill_random(in, s.span);
        Py_buffer view = layout_view(&s, arena);
        char fort = "CFA"[rnd(3)];
        /* Sometimes fewer bytes than the view holds, not a whole item. */
        Py_ssize_t len = rnd(3) == 0 ? (Py_ssize_t)rnd((unsigned)view.len + 1)
                                     : view.len;
        memcpy(expected, arena, s.span);
        if (PyBuffer_IsContiguous(&view, fort)) {
            memcpy(expected + s.offset, in, (size_t)len);
        }
        else {
            for (Py_ssize_t t = 0; t < len / itemsize; t++) {
                memcpy(expected + layout_item_offset(&s, t, fort == 'F'),
                       in + t * itemsize, (size_t)itemsize);
            }
        }
        ck_assert_int_eq(PyBuffer_FromContiguous(&view, in, len, fort), 0);
        ck_assert_msg(memcmp(arena, expected, s.span) == 0,
                      "round %d fort %c len %zd", round, fort, len);
    }
    free(arena);
    free(in);
    free(expected);
}

START_TEST(test_to_contiguous_matches_reference)
{
    check_to_contiguous(&small_layouts);
}
END_TEST

START_TEST(test_from_contiguous_matches_reference)
{
    check_from_contiguous(&small_layouts);
}
END_TEST

START_TEST(test_large_to_contiguous_matches_reference)
{
    check_to_contiguous(&large_layouts);
}
END_TEST

START_TEST(test_large_from_contiguous_matches_reference)
{
    check_from_contiguous(&large_layouts);
}
END_TEST

static PyObject *
new_fixed(Py_buffer view)
{
    PyObject *f = fixed_new(view);
    ck_assert_ptr_nonnull(f);
    return f;
}

static void
check_copy_data(const Scale *scale)
{
    char *src_arena = new_arena(scale), *dst_arena = new_arena(scale);
    char *expected = new_arena(scale);
    for (int round = 0; round < scale->rounds; round++) {
        Layout layouts[2];
        random_layouts(scale, layouts, 2);
        maybe_alias(scale, &layouts[1]);
        const Layout *from = &layouts[0], *to = &layouts[1];
        fill_random(src_arena, from->span);
        fill_random(dst_arena, to->span);
        memcpy(expected, dst_arena, to->span);
        for (Py_ssize_t k = 1; k <= from->nitems; k++) {
            Py_ssize_t t = k % from->nitems;      /* CPython's order */
            memcpy(expected + layout_item_offset(to, t, 0),
                   src_arena + layout_item_offset(from, t, 0),
                   (size_t)from->itemsize);
        }
        PyObject *dest = new_fixed(layout_view(to, dst_arena));
        PyObject *src = new_fixed(layout_view(from, src_arena));
        ck_assert_int_eq(PyObject_CopyData(dest, src), 0);
        ck_assert_msg(memcmp(dst_arena, expected, to->span) == 0, "round %d",
                      round);
        Py_DECREF(dest);
        Py_DECREF(src);
    }
    free(src_arena);
    free(dst_arena);
    free(expected);
}

START_TEST(test_copy_data_matches_reference)
{
    check_copy_data(&small_layouts);
}
END_TEST

START_TEST(test_large_copy_data_matches_reference)
{
    check_copy_data(&large_layouts);
}
END_TEST

/* A view of buf with the given structure; len from shape and itemsize. */
static Py_buffer
strided_view(void *buf, Py_ssize_t itemsize, int ndim, Py_ssize_t *shape,
             Py_ssize_t *strides)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = buf;
    view.itemsize = itemsize;
    view.len = itemsize;
    for (int i = 0; i < ndim; i++) {
        view.len *= shape[i];
    }
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    return view;
}

/* The items of view (strides, no suboffsets) one after the other in C
   or Fortran order, copied one at a time: the reference for the engine. */
static void
gathered_by_hand(char *out, const Py_buffer *view, char order)
{
    Py_ssize_t index[PyBUF_MAX_NDIM] = {0};
    int ndim = view->ndim;
    for (Py_ssize_t t = 0; t < view->len / view->itemsize; t++) {
        const char *item = view->buf;
        for (int i = 0; i < ndim; i++) {
            item += index[i] * view->strides[i];
        }
        memcpy(out + t * view->itemsize, item, (size_t)view->itemsize);
        for (int k = 0; k < ndim; k++) {
            int i = order == 'C' ? ndim - 1 - k : k;
            if (++index[i] < view->shape[i]) {
                break;
            }
            index[i] = 0;
        }
    }
}

/* Whether PyBuffer_ToContiguous of view in `order`, into memory already
   written `misalign` bytes past a cache line, gives gathered_by_hand's
   bytes. */
static int
to_contiguous_matches(const Py_buffer *view, char order,
                      Py_ssize_t misalign)
{
    size_t bytes = (size_t)view->len;
    char *out = malloc(bytes + 128), *expected = malloc(bytes);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(expected);
    memset(out, 0, bytes + 128);
    char *dst = out + (64 - (uintptr_t)out % 64) + misalign;
    ck_assert_int_eq(PyBuffer_ToContiguous(dst, view, view->len, order), 0);
    gathered_by_hand(expected, view, order);
    int same = memcmp(dst, expected, bytes) == 0;
    free(out);
    free(expected);
    return same;
}

/* Transpositions of several MiB, into memory already written (resident),
   take the engine's streaming stores where the items are 4 or 8 bytes and
   aligned, in tiles of whole cache lines: a destination `misalign` bytes
   past a line starts with a narrower tile, and rows that do not end on a
   line end with one.  Shapes that are not multiples of the tile, item
   sizes without streaming and a destination not aligned to its items take
   the other paths. */
START_TEST(test_large_transpositions_match_reference)
{
    static const struct {
        Py_ssize_t rows, cols, itemsize, misalign;
    } cases[] = {
        {1024, 1024, 8, 0}, {1023, 1031, 8, 0}, {1024, 2048, 4, 0},
        {1031, 1023, 4, 0}, {700, 1500, 8, 1}, {600, 700, 16, 0},
        {2047, 2049, 2, 0}, {1024, 1024, 8, 8}, {1023, 1031, 8, 40},
        {1031, 1023, 4, 4}, {1024, 2048, 4, 36}, {1500, 700, 8, 56},
        {200, 300, 128, 0}, {200, 300, 128, 64},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        Py_ssize_t rows = cases[k].rows, cols = cases[k].cols;
        Py_ssize_t size = cases[k].itemsize;
        size_t bytes = (size_t)(rows * cols * size);
        char *src = malloc(bytes);
        ck_assert_ptr_nonnull(src);
        fill_random(src, bytes);
        Py_ssize_t shape[2] = {rows, cols};
        Py_ssize_t strides[2] = {cols * size, size};
        Py_buffer view = strided_view(src, size, 2, shape, strides);
        ck_assert_msg(to_contiguous_matches(&view, 'F', cases[k].misalign),
                      "case %zu", k);
        free(src);
    }
}
END_TEST

/* Transpositions whose source is not contiguous along either dimension
   (every col_step-th item of each row, rows walked forwards or backwards)
   into a Fortran-ordered destination `misalign` bytes past a cache line,
   and scattered back: every item size, tiles of 1, 2 and 4 bytes
   transposed in registers (two lines of the destination wide for 1 and 2
   bytes, one where fewer items are left), with streaming stores from
   4 MiB, shapes that are and are not multiples of the tiles.  The source is allocated to end at its last
   item, so that a read past it shows in the sanitizer build. */
START_TEST(test_strided_transpositions_of_every_item_size)
{
    static const struct {
        Py_ssize_t rows, cols, itemsize, col_step, misalign;
        int backwards;
    } cases[] = {
        {256, 256, 1, 2, 0, 0}, {256, 256, 1, 1, 0, 0},
        {2048, 2048, 1, 2, 0, 0}, {2048, 2048, 1, 2, 5, 0},
        {1023, 1025, 1, 2, 0, 1}, {300, 129, 1, 2, 3, 0},
        {64, 64, 1, 2, 0, 0}, {65, 63, 1, 1, 0, 1},
        {1500, 1501, 2, 2, 0, 0}, {513, 511, 2, 1, 1, 1},
        {1500, 1501, 2, 2, 6, 0}, {1100, 1030, 2, 2, 2, 1},
        {1100, 1000, 4, 2, 0, 0}, {300, 400, 4, 3, 4, 1},
        {1024, 700, 8, 2, 0, 0}, {301, 299, 8, 2, 8, 1},
        {700, 600, 12, 2, 0, 0}, {700, 601, 12, 1, 4, 1},
        {300, 300, 12, 1, 2, 0}, {133, 144, 12, 1, 4, 1},
        {600, 700, 16, 2, 0, 0}, {201, 133, 16, 3, 16, 1},
        {200, 300, 3, 2, 1, 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        Py_ssize_t rows = cases[k].rows, cols = cases[k].cols;
        Py_ssize_t size = cases[k].itemsize;
        Py_ssize_t row_stride = cols * cases[k].col_step * size;
        Py_ssize_t span = (rows - 1) * row_stride
                          + (cols - 1) * cases[k].col_step * size + size;
        size_t bytes = (size_t)(rows * cols * size);
        char *src = malloc((size_t)span), *back = calloc(1, (size_t)span);
        char *out = malloc(bytes + 128), *expected = malloc(bytes);
        ck_assert_ptr_nonnull(src);
        ck_assert_ptr_nonnull(back);
        ck_assert_ptr_nonnull(out);
        ck_assert_ptr_nonnull(expected);
        fill_random(src, (size_t)span);
        memset(out, 0, bytes + 128);
        char *dst = out + (64 - (uintptr_t)out % 64) + cases[k].misalign;
        Py_ssize_t shape[2] = {rows, cols};
        Py_ssize_t strides[2] = {row_stride, cases[k].col_step * size};
        char *first = src;
        if (cases[k].backwards) {
            strides[0] = -row_stride;
            first = src + (rows - 1) * row_stride;
        }
        Py_buffer view = strided_view(first, size, 2, shape, strides);
        ck_assert_int_eq(PyBuffer_ToContiguous(dst, &view, view.len, 'F'),
                         0);
        for (Py_ssize_t c = 0; c < cols; c++) {
            for (Py_ssize_t r = 0; r < rows; r++) {
                memcpy(expected + (c * rows + r) * size,
                       first + r * strides[0] + c * strides[1],
                       (size_t)size);
            }
        }
        ck_assert_msg(memcmp(dst, expected, bytes) == 0, "case %zu", k);
        /* Scattered back into zeroed memory: the items come back where
           they were. */
        Py_buffer into = strided_view(back + (first - src), size, 2, shape,
                                      strides);
        ck_assert_int_eq(PyBuffer_FromContiguous(&into, expected, view.len,
                                                 'F'), 0);
        /* One assertion per case: Check reports each one to its parent
           process, a system call per item otherwise. */
        Py_ssize_t wrong = -1;
        for (Py_ssize_t r = 0; r < rows && wrong < 0; r++) {
            for (Py_ssize_t c = 0; c < cols; c++) {
                Py_ssize_t at = (first - src) + r * strides[0]
                                + c * strides[1];
                if (memcmp(back + at, src + at, (size_t)size) != 0) {
                    wrong = r * cols + c;
                    break;
                }
            }
        }
        ck_assert_msg(wrong < 0, "case %zu: item %zd scattered wrongly", k,
                      wrong);
        free(src);
        free(back);
        free(out);
        free(expected);
    }
}
END_TEST

/* An array of 8-byte items, planes x rows x cols, seen with its last two
   axes swapped (NumPy's transpose(0, 2, 1)) and gathered into C order: a
   copy of several MiB whose source rows (cols items, row_pad more
   between rows) span little enough for the second-level cache is swept
   two destination rows at a time with streaming stores, from rows walked
   forwards or backwards; an odd number of destination rows ends with one
   row on its own; an odd number of columns, a destination 8 bytes past
   16 and rows too far apart take the tiles.  The source ends at its last
   item, so that a read past it shows in the sanitizer build. */
START_TEST(test_large_swapped_axes_gathers_match_reference)
{
    static const struct {
        Py_ssize_t planes, rows, cols, row_pad, misalign;
        int backwards;
    } cases[] = {
        {64, 256, 64, 0, 0, 0},  {40, 256, 63, 0, 0, 0},
        {40, 254, 65, 3, 0, 1},  {64, 256, 64, 0, 8, 0},
        {40, 255, 64, 0, 0, 0},  {8, 1024, 64, 0, 0, 0},
        {2, 4096, 130, 0, 16, 1},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        Py_ssize_t planes = cases[k].planes, rows = cases[k].rows;
        Py_ssize_t cols = cases[k].cols;
        Py_ssize_t row_stride = (cols + cases[k].row_pad) * 8;
        Py_ssize_t plane_stride = rows * row_stride;
        Py_ssize_t span = planes * plane_stride - cases[k].row_pad * 8;
        char *src = malloc((size_t)span);
        ck_assert_ptr_nonnull(src);
        fill_random(src, (size_t)span);
        Py_ssize_t shape[3] = {planes, cols, rows};
        Py_ssize_t strides[3] = {plane_stride, 8, row_stride};
        char *first = src;
        if (cases[k].backwards) {
            strides[2] = -row_stride;
            first = src + (rows - 1) * row_stride;
        }
        Py_buffer view = strided_view(first, 8, 3, shape, strides);
        ck_assert_msg(to_contiguous_matches(&view, 'C', cases[k].misalign),
                      "case %zu", k);
        free(src);
    }
}
END_TEST

/* A 3-D array whose outermost rows are a multiple of 64 KiB apart (a C
   array of 8 x 128 x 64 float64 has them 64 KiB apart), to Fortran
   order: the tiles of items of 8, 12 and 16 bytes read their source rows
   through a buffer, whole tiles and partial ones, rows walked forwards
   and backwards, streamed from 4 MiB.  The source ends at its last item,
   so that a read past it shows in the sanitizer build. */
START_TEST(test_transpositions_of_rows_64_kib_apart_match_reference)
{
    static const struct {
        Py_ssize_t n0, n1, n2, itemsize, apart;  /* apart: in 64 KiB */
        int backwards;
    } cases[] = {
        {40, 8, 64, 8, 1, 0},   {70, 16, 70, 8, 2, 1},
        {64, 128, 64, 8, 1, 0}, {64, 130, 66, 8, 2, 0},
        {33, 10, 50, 16, 1, 1}, {33, 10, 50, 12, 3, 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        Py_ssize_t n0 = cases[k].n0, n1 = cases[k].n1, n2 = cases[k].n2;
        Py_ssize_t size = cases[k].itemsize;
        Py_ssize_t s0 = cases[k].apart << 16, s1 = n2 * size;
        Py_ssize_t span = (n0 - 1) * s0 + n1 * s1;
        char *src = malloc((size_t)span);
        ck_assert_ptr_nonnull(src);
        fill_random(src, (size_t)span);
        Py_ssize_t shape[3] = {n0, n1, n2}, strides[3] = {s0, s1, size};
        char *first = src;
        if (cases[k].backwards) {
            strides[0] = -s0;
            first = src + (n0 - 1) * s0;
        }
        Py_buffer view = strided_view(first, size, 3, shape, strides);
        ck_assert_msg(to_contiguous_matches(&view, 'F', 0), "case %zu", k);
        free(src);
    }
}
END_TEST

/* Gathers of several MiB into contiguous memory already written take the
   streaming stores: every other item, in one dimension and in rows; items
   of 1, 2 and 4 bytes sixteen bytes at a time from the first 16-byte
   boundary of a destination `misalign` bytes past one (not at all when
   it is not aligned to its items), items of 8, 12 and 16 bytes one at a
   time.  The source ends at its last item, so that a read past it shows
   in the sanitizer build. */
START_TEST(test_large_gathers_match_reference)
{
    static const struct {
        Py_ssize_t rows, cols, itemsize, misalign;
    } cases[] = {{1, 600000, 8, 0},   {1, 1100000, 4, 0}, {700, 900, 8, 0},
                 {1000, 1101, 4, 0},  {1, 400000, 12, 0}, {600, 701, 12, 0},
                 {1, 300000, 16, 0},  {500, 700, 16, 0},  {1, 4200000, 1, 0},
                 {3, 1500001, 1, 5},  {1, 2200000, 2, 6}, {1000, 2101, 2, 3},
                 {1, 1100000, 4, 12}, {1000, 1101, 4, 2}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        Py_ssize_t rows = cases[k].rows, cols = cases[k].cols;
        Py_ssize_t size = cases[k].itemsize;
        size_t span = (size_t)(2 * rows * cols * size - size);
        char *src = malloc(span);
        ck_assert_ptr_nonnull(src);
        fill_random(src, span);
        Py_ssize_t shape[2] = {rows, cols};
        Py_ssize_t strides[2] = {2 * cols * size, 2 * size};
        Py_buffer view = strided_view(src, size, 2, shape, strides);
        ck_assert_msg(to_contiguous_matches(&view, 'C', cases[k].misalign),
                      "case %zu", k);
        free(src);
    }
}
END_TEST

/* Every other item (of 1, 2 and 4 bytes) of a source that ends at its
   last item: the vector gather must not read past it (a regression the
   copy fuzzer found; the sanitizer build catches the read). */
START_TEST(test_gather_reads_nothing_past_the_last_item)
{
    for (Py_ssize_t e = 1; e <= 4; e *= 2) {
        for (Py_ssize_t n = 1; n <= 70; n++) {
            unsigned char *src = malloc((size_t)((2 * n - 1) * e));
            unsigned char out[70 * 4];
            ck_assert_ptr_nonnull(src);
            for (Py_ssize_t i = 0; i < (2 * n - 1) * e; i++) {
                src[i] = (unsigned char)i;
            }
            Py_ssize_t shape[1] = {n}, strides[1] = {2 * e};
            Py_buffer view = strided_view(src, e, 1, shape, strides);
            ck_assert_int_eq(PyBuffer_ToContiguous(out, &view, n * e, 'C'),
                             0);
            Py_ssize_t wrong = -1;
            for (Py_ssize_t i = 0; i < n * e && wrong < 0; i++) {
                if (out[i] != (unsigned char)(2 * (i / e) * e + i % e)) {
                    wrong = i;
                }
            }
            ck_assert_msg(wrong < 0, "items of %zd bytes, %zd of them: "
                          "byte %zd", e, n, wrong);
            free(src);
        }
    }
}
END_TEST

START_TEST(test_copies_do_not_allocate)
{
    static char arena[ARENA];
    char out[ARENA];
    Py_ssize_t shape[] = {5, 4, 3};
    Layout s;
    layout_random(&s, 3, 8, shape, below, NULL);
    Py_buffer view = layout_view(&s, arena);
    view.strides[2] = 8 * 5 * 4;       /* certainly not contiguous */
    view.strides[0] = 8;
    view.strides[1] = 8 * 5;
    view.buf = arena;
    MbStats before, after;
    MbStats_Get(&before);
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &view, view.len, 'C'), 0);
    ck_assert_int_eq(PyBuffer_FromContiguous(&view, out, view.len, 'C'), 0);
    ck_assert_int_eq(PyBuffer_FromContiguous(&view, out, 40, 'F'), 0);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
}
END_TEST

/* --- CPython's rules and minibuf's answers to the undefined -------------- */

static char memory[256];

START_TEST(test_to_contiguous_length_rules)
{
    Py_ssize_t shape[] = {4}, strides[] = {2};
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    v.buf = memory;
    v.len = 4;
    v.itemsize = 1;
    v.ndim = 1;
    v.shape = shape;
    v.strides = strides;
    char out[16];
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 3, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: len != view->len");
    v.len = -4;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, -4, 'C'), -1);
    assert_error(PyExc_ValueError,
                 "PyBuffer_ToContiguous: len must not be negative");
    v.len = 2;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 2, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: view->len does "
                 "not match its shape and itemsize");
    /* Fewer bytes than len: the rest of the output would be left as it
       was (uninitialised memory in memoryview.tobytes()). */
    v.len = 8;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 8, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: view->len does "
                 "not match its shape and itemsize");
    ck_assert_int_eq(PyBuffer_ToContiguous(NULL, &v, 2, 'C'), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    ck_assert_int_eq(PyBuffer_ToContiguous(out, NULL, 2, 'C'), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_to_contiguous_of_views_that_cannot_be_described)
{
    char out[64];
    Py_ssize_t strides[] = {2, 1}, big[] = {PY_SSIZE_T_MAX / 2, 4};
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    v.buf = memory;
    v.itemsize = 1;
    v.len = 6;
    v.ndim = 2;
    v.strides = strides;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 6, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: a view of 2 "
                 "dimensions needs a shape");
    v.ndim = 65;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 6, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_ToContiguous: number of "
                 "dimensions must not exceed 64");
    v.ndim = 2;
    v.shape = big;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 6, 'C'), -1);
    assert_error(PyExc_OverflowError, "PyBuffer_ToContiguous: "
                 "product(shape) * itemsize does not fit in Py_ssize_t");
}
END_TEST

START_TEST(test_zero_dim_copies)
{
    /* CPython crashes on a 0-d view with an order other than C, F, A;
       minibuf copies its one item. */
    char out[4] = {0};
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    memcpy(memory, "zd", 2);
    v.buf = memory;
    v.itemsize = 2;
    v.len = 2;
    ck_assert_int_eq(PyBuffer_ToContiguous(out, &v, 2, 'X'), 0);
    ck_assert_int_eq(memcmp(out, "zd", 2), 0);
    ck_assert_int_eq(PyBuffer_FromContiguous(&v, "ok", 2, 'X'), 0);
    ck_assert_int_eq(memcmp(memory, "ok", 2), 0);
}
END_TEST

START_TEST(test_from_contiguous_rules)
{
    Py_ssize_t shape[] = {3}, strides[] = {2};
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    memset(memory, '.', 8);
    v.buf = memory;
    v.len = 3;
    v.itemsize = 1;
    v.ndim = 1;
    v.shape = shape;
    v.strides = strides;
    /* Longer input is clamped to view->len. */
    ck_assert_int_eq(PyBuffer_FromContiguous(&v, "abcdef", 6, 'C'), 0);
    ck_assert_int_eq(memcmp(memory, "a.b.c.", 6), 0);
    ck_assert_int_eq(PyBuffer_FromContiguous(&v, "xyz", -1, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_FromContiguous: len and "
                 "view->len must not be negative");
    v.len = 5;
    ck_assert_int_eq(PyBuffer_FromContiguous(&v, "xyz", 5, 'C'), -1);
    assert_error(PyExc_ValueError, "PyBuffer_FromContiguous: view->len does "
                 "not match its shape and itemsize");
    ck_assert_int_eq(PyBuffer_FromContiguous(NULL, "x", 1, 'C'), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    /* CPython reads through NULL strides here; minibuf uses C strides. */
    Py_ssize_t s22[] = {2, 2};
    Py_buffer c;
    memset(&c, 0, sizeof(c));
    c.buf = memory;
    c.len = 4;
    c.itemsize = 1;
    c.ndim = 2;
    c.shape = s22;
    ck_assert_int_eq(PyBuffer_FromContiguous(&c, "1234", 4, 'F'), 0);
    ck_assert_int_eq(memcmp(memory, "1324", 4), 0);
}
END_TEST

START_TEST(test_from_contiguous_overlap_keeps_cpythons_order)
{
    /* Reversing in place: items are copied one by one, first to last, as
       CPython copies them, so later items read already-written bytes. */
    Py_ssize_t shape[] = {4}, strides[] = {-1};
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    memcpy(memory, "abcd", 4);
    v.buf = memory + 3;
    v.len = 4;
    v.itemsize = 1;
    v.ndim = 1;
    v.shape = shape;
    v.strides = strides;
    ck_assert_int_eq(PyBuffer_FromContiguous(&v, memory, 4, 'C'), 0);
    ck_assert_int_eq(memcmp(memory, "abba", 4), 0);
}
END_TEST

START_TEST(test_copy_data_index_sharing)
{
    /* A 1-D destination takes only the first index of a 2-D source, so
       CPython writes dest[0] and dest[1] several times; the last copy of
       its order wins. */
    memcpy(memory, "abcdef", 6);
    memset(memory + 100, '.', 8);
    Py_ssize_t s23[] = {2, 3}, c23[] = {3, 1};
    Py_ssize_t s6[] = {6}, st6[] = {1};
    Py_buffer src = strided_view(memory, 1, 2, s23, c23);
    Py_buffer dst = strided_view(memory + 100, 1, 1, s6, st6);
    /* C-contiguous both, so a plain copy: */
    PyObject *d = new_fixed(dst), *s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), 0);
    ck_assert_int_eq(memcmp(memory + 100, "abcdef", 6), 0);
    Py_DECREF(d);
    Py_DECREF(s);
    /* Strided destination: element-wise with the shared index. */
    Py_ssize_t st6b[] = {2};
    memset(memory + 100, '.', 16);
    dst.strides = st6b;
    dst.len = 6;
    d = new_fixed(dst);
    s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), 0);
    ck_assert_int_eq(memcmp(memory + 100, "a.f.........", 12), 0);
    Py_DECREF(d);
    /* A destination too short in a dimension would be written outside:
       2 x 3 (strided) from 3 x 2. */
    Py_ssize_t strided23[] = {6, 2}, wide[] = {3, 2};
    dst = strided_view(memory + 100, 1, 2, s23, strided23);
    d = new_fixed(dst);
    src = strided_view(memory, 1, 2, wide, NULL);
    Py_DECREF(s);
    s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), -1);
    assert_error(PyExc_BufferError, "PyObject_CopyData: the source's shape "
                 "reaches outside the destination's");
    Py_DECREF(d);
    Py_DECREF(s);
}
END_TEST

/* A destination whose rows are one row (strides (0, 1)): CPython writes
   in C order from the second item, ending with the first, so the row
   ends as 1, 5, 6. */
START_TEST(test_copy_data_into_a_destination_that_aliases_itself)
{
    unsigned char src_bytes[6] = {1, 2, 3, 4, 5, 6}, row[3] = {0, 0, 0};
    Py_ssize_t shape[] = {2, 3}, c_strides[] = {3, 1}, one_row[] = {0, 1};
    Py_buffer src = strided_view(src_bytes, 1, 2, shape, c_strides);
    Py_buffer dst = strided_view(row, 1, 2, shape, one_row);
    PyObject *d = new_fixed(dst), *s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), 0);
    ck_assert_int_eq(row[0], 1);
    ck_assert_int_eq(row[1], 5);
    ck_assert_int_eq(row[2], 6);
    /* PyBuffer_FromContiguous writes in plain C order: 4, 5, 6. */
    ck_assert_int_eq(PyBuffer_FromContiguous(&dst, src_bytes, 6, 'C'), 0);
    ck_assert_int_eq(row[0], 4);
    Py_DECREF(d);
    Py_DECREF(s);
}
END_TEST

/* A source whose shape holds more items than its len: the copy would walk
   items that are not there (here 2**60 rows of stride 0), so it is
   refused, as the other copies refuse it. */
START_TEST(test_copy_data_refuses_a_len_its_shape_does_not_describe)
{
    Py_ssize_t rows[] = {(Py_ssize_t)1 << 60, 4}, strides[] = {0, 1};
    Py_buffer src = strided_view(memory, 1, 2, rows, strides);
    src.len = 4;
    PyObject *d = PyByteArray_FromStringAndSize(NULL, 16);
    PyObject *s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), -1);
    assert_error(PyExc_ValueError, "PyObject_CopyData: view->len does not "
                 "match its shape and itemsize");
    Py_DECREF(d);
    Py_DECREF(s);
}
END_TEST

START_TEST(test_copy_data_larger_source_items)
{
    Py_ssize_t s3[] = {3}, s6[] = {6}, st2[] = {2}, st4[] = {4};
    Py_buffer src = strided_view(memory, 2, 1, s3, st4);
    Py_buffer dst = strided_view(memory + 100, 1, 1, s6, st2);
    PyObject *d = new_fixed(dst), *s = new_fixed(src);
    ck_assert_int_eq(PyObject_CopyData(d, s), -1);
    assert_error(PyExc_BufferError, "PyObject_CopyData: the source's items "
                 "are larger than the destination's");
    Py_DECREF(d);
    Py_DECREF(s);
}
END_TEST

START_TEST(test_copy_data_messages)
{
    PyObject *bytes = PyBytes_FromStringAndSize("0123", 4);
    PyObject *array = PyByteArray_FromStringAndSize("abcdef", 6);
    PyObject *small = PyByteArray_FromStringAndSize("ab", 2);
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_int_eq(PyObject_CopyData(array, bytes), 0);
    ck_assert_int_eq(memcmp(PyByteArray_AS_STRING(array), "0123ef", 6), 0);
    ck_assert_int_eq(PyObject_CopyData(bytes, array), -1);
    assert_error(PyExc_BufferError, "Object is not writable.");
    ck_assert_int_eq(PyObject_CopyData(small, bytes), -1);
    assert_error(PyExc_BufferError,
                 "destination is too small to receive data from source");
    ck_assert_int_eq(((PyByteArrayObject *)small)->ob_exports, 0);
    ck_assert_int_eq(PyObject_CopyData(plain, bytes), -1);
    assert_error(PyExc_TypeError,
                 "both destination and source must be bytes-like objects");
    ck_assert_int_eq(PyObject_CopyData(array, plain), -1);
    assert_error(PyExc_TypeError,
                 "both destination and source must be bytes-like objects");
    ck_assert_int_eq(PyObject_CopyData(NULL, bytes), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
    ck_assert_int_eq(PyObject_CopyData(array, array), 0);
    Py_DECREF(plain);
    Py_DECREF(small);
    Py_DECREF(array);
    Py_DECREF(bytes);
}
END_TEST

static Suite *
copy_suite(void)
{
    Suite *s = suite_create("copy");
    TCase *tc = mb_tcase(s, "randomized");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_to_contiguous_matches_reference);
    tcase_add_test(tc, test_from_contiguous_matches_reference);
    tcase_add_test(tc, test_copy_data_matches_reference);
    tcase_add_test(tc, test_large_to_contiguous_matches_reference);
    tcase_add_test(tc, test_large_from_contiguous_matches_reference);
    tcase_add_test(tc, test_large_copy_data_matches_reference);
    tcase_add_test(tc, test_large_transpositions_match_reference);
    tcase_add_test(tc, test_gather_reads_nothing_past_the_last_item);
    tcase_add_test(tc, test_large_gathers_match_reference);
    tcase_add_test(tc, test_copies_do_not_allocate);
    tcase_add_test(tc, test_strided_transpositions_of_every_item_size);
    tcase_add_test(tc, test_large_swapped_axes_gathers_match_reference);
    tcase_add_test(tc, test_transpositions_of_rows_64_kib_apart_match_reference);
    tc = mb_tcase(s, "rules");
    tcase_add_test(tc, test_to_contiguous_length_rules);
    tcase_add_test(tc, test_to_contiguous_of_views_that_cannot_be_described);
    tcase_add_test(tc, test_zero_dim_copies);
    tcase_add_test(tc, test_from_contiguous_rules);
    tcase_add_test(tc, test_from_contiguous_overlap_keeps_cpythons_order);
    tcase_add_test(tc, test_copy_data_index_sharing);
    tcase_add_test(tc, test_copy_data_into_a_destination_that_aliases_itself);
    tcase_add_test(tc, test_copy_data_refuses_a_len_its_shape_does_not_describe);
    tcase_add_test(tc, test_copy_data_larger_source_items);
    tcase_add_test(tc, test_copy_data_messages);
    return s;
}

int
main(void)
{
    return mb_run(copy_suite());
}
