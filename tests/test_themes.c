/* The themes of CPython's Lib/test/test_buffer.py, written anew for
 * minibuf's ndarray and memoryview:
 * - the request matrix over C, Fortran, PIL, strided, negatively strided,
 *   offset, zero-shape, zero-stride and 0-d arrays, each answer checked
 *   against the acceptance rule written out here, field by field and item by
 *   item;
 * - randomized structures checked element by element against a reference
 *   model of their own;
 * - contiguous copies in C, Fortran and A order;
 * - casts between bytes and every native format;
 * - release rules in every order.
 */
#include "testutil.h"

/* --- A reference model of an array --------------------------------------- */

#define MAX_ITEMS 512

typedef struct {
    const char *name;
    int ndim;
    Py_ssize_t shape[4];
    Py_ssize_t strides[4];    /* bytes; all zero: default strides */
    Py_ssize_t offset;
    int flags;
} Layout;

static const Layout layouts[] = {
    {"C 3x4", 2, {3, 4}, {0}, 0, MB_ND_WRITABLE},
    {"Fortran 3x4", 2, {3, 4}, {0}, 0, MB_ND_FORTRAN},
    {"PIL 3x4", 2, {3, 4}, {0}, 0, MB_ND_PIL | MB_ND_WRITABLE},
    {"strided 3x2", 2, {3, 2}, {32, 8}, 0, 0},
    {"negative 3x4", 2, {3, 4}, {-16, -4}, 44, MB_ND_WRITABLE},
    {"offset 1-D", 1, {5}, {4}, 12, 0},
    {"zero shape 2x0x3", 3, {2, 0, 3}, {0}, 0, 0},
    {"zero strides 3x4", 2, {3, 4}, {0, 4}, 0, 0},
    {"0-d", 0, {0}, {0}, 8, MB_ND_WRITABLE},
    {"1-D", 1, {12}, {0}, 0, 0},
    {"3-D C", 3, {2, 2, 3}, {0}, 0, 0},
    {"3-D mixed", 3, {2, 2, 3}, {4, 24, 8}, 0, 0},
};

static int memory[64];

static PyObject *
make(const Layout *l)
{
    int explicit = 0;
    for (int i = 0; i < l->ndim; i++) {
        explicit |= l->strides[i] != 0;
    }
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = memory, .nbytes = sizeof(memory), .format = "i",
        .ndim = l->ndim, .shape = l->shape,
        .nstrides = explicit ? l->ndim : 0,
        .strides = explicit ? l->strides : NULL, .offset = l->offset,
        .flags = l->flags});
    ck_assert_msg(nd != NULL, "%s: %s", l->name, MbErr_Message());
    return nd;
}

/* The byte offset, in `memory`, of the t-th item in C or Fortran order. */
static Py_ssize_t
reference_offset(const Layout *l, Py_ssize_t t, int fortran)
{
    Py_ssize_t strides[4];
    int explicit = 0;
    for (int i = 0; i < l->ndim; i++) {
        explicit |= l->strides[i] != 0;
    }
    Py_ssize_t step = 4;
    for (int k = 0; k < l->ndim; k++) {
        int i = (l->flags & MB_ND_FORTRAN) ? k : l->ndim - 1 - k;
        strides[i] = explicit ? l->strides[i] : step;
        step *= l->shape[i];
    }
    Py_ssize_t offset = l->offset;
    for (int k = 0; k < l->ndim; k++) {
        int i = fortran ? k : l->ndim - 1 - k;
        offset += (t % l->shape[i]) * strides[i];
        t /= l->shape[i];
    }
    return offset;
}

static Py_ssize_t
item_count(const Layout *l)
{
    Py_ssize_t n = 1;
    for (int i = 0; i < l->ndim; i++) {
        n *= l->shape[i];
    }
    return n;
}

/* Contiguity of the reference model: the items in C (or Fortran) order lie
   at consecutive offsets. */
static int
reference_contiguous(const Layout *l, int fortran)
{
    if (l->flags & MB_ND_PIL) {
        return 0;
    }
    for (Py_ssize_t t = 0; t < item_count(l); t++) {
        if (reference_offset(l, t, fortran)
            != reference_offset(l, 0, fortran) + 4 * t) {
            return 0;
        }
    }
    return 1;
}

/* --- The acceptance rule (CPython's verify_getbuf) ----------------------- */

/* NULL if the request must succeed, else the message it must fail with
   (`who` is "ndarray" or "memoryview"). */
static const char *
expected_refusal(const Layout *l, int flags, const char *who)
{
    static char message[128];
    int c = reference_contiguous(l, 0), f = reference_contiguous(l, 1);
    const char *why = NULL;
    int nd = !strcmp(who, "ndarray");
    if ((flags & PyBUF_WRITABLE) && !(l->flags & MB_ND_WRITABLE)) {
        why = nd ? "ndarray is not writable"
                 : "underlying buffer is not writable";
    }
    else if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c) {
        why = nd ? "ndarray is not C-contiguous"
                 : "underlying buffer is not C-contiguous";
    }
    else if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !f) {
        why = nd ? "ndarray is not Fortran contiguous"
                 : "underlying buffer is not Fortran contiguous";
    }
    else if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS
             && !c && !f) {
        why = nd ? "ndarray is not contiguous"
                 : "underlying buffer is not contiguous";
    }
    else if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT
             && (l->flags & MB_ND_PIL)) {
        why = nd ? "ndarray cannot be represented without suboffsets"
                 : "underlying buffer requires suboffsets";
    }
    else if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c) {
        why = nd ? "ndarray is not C-contiguous"
                 : "underlying buffer is not C-contiguous";
    }
    else if ((flags & PyBUF_ND) != PyBUF_ND && (flags & PyBUF_FORMAT)) {
        why = nd ? "ndarray: cannot cast to unsigned bytes if the format "
                   "flag is present"
                 : "cannot cast to unsigned bytes if the format flag is "
                   "present";
    }
    if (why == NULL) {
        return NULL;
    }
    snprintf(message, sizeof(message), "%s%s", nd ? "" : "memoryview: ",
             why);
    return message;
}

/* Every field and every item of a successful answer. */
static void
check_answer(const Layout *l, int flags, const Py_buffer *v,
             PyObject *exporter, const char *label)
{
    ck_assert_msg(v->obj == exporter, "%s: obj", label);
    ck_assert_int_eq(v->itemsize, 4);
    ck_assert_int_eq(v->len, 4 * item_count(l));
    ck_assert_int_eq(v->readonly, !(l->flags & MB_ND_WRITABLE));
    if (flags & PyBUF_FORMAT) {
        ck_assert_str_eq(v->format, "i");
    }
    else {
        ck_assert_msg(v->format == NULL, "%s: format", label);
    }
    if ((flags & PyBUF_ND) == PyBUF_ND) {
        ck_assert_int_eq(v->ndim, l->ndim);
        for (int i = 0; i < l->ndim; i++) {
            ck_assert_int_eq(v->shape[i], l->shape[i]);
        }
    }
    else {
        ck_assert_int_eq(v->ndim, 1);
        ck_assert_ptr_null(v->shape);
    }
    if (l->ndim > 0) {
        ck_assert_msg(((flags & PyBUF_STRIDES) == PyBUF_STRIDES)
                      == (v->strides != NULL), "%s: strides", label);
    }
    ck_assert_msg((v->suboffsets != NULL) == ((l->flags & MB_ND_PIL) != 0),
                  "%s: suboffsets", label);
    /* Items, by index through the view, or in order when the view only
       promises contiguity. */
    Py_ssize_t n = item_count(l);
    Py_ssize_t index[4] = {0};
    for (Py_ssize_t t = 0; t < n; t++) {
        const char *expected = (const char *)memory
                               + reference_offset(l, t, 0);
        const char *got;
        if ((flags & PyBUF_ND) == PyBUF_ND) {
            for (int k = 0, u = (int)t; k < l->ndim; k++) {
                int i = l->ndim - 1 - k;
                index[i] = u % l->shape[i];
                u /= (int)l->shape[i];
            }
            got = PyBuffer_GetPointer(v, index);
        }
        else {
            got = (const char *)v->buf + 4 * t;
        }
        ck_assert_msg(memcmp(got, expected, 4) == 0, "%s: item %zd", label,
                      t);
    }
}

static void
request(const Layout *l, PyObject *exporter, int flags, const char *who)
{
    char label[128];
    snprintf(label, sizeof(label), "%s, %s, flags %d", l->name, who, flags);
    const char *refusal = expected_refusal(l, flags, who);
    Py_buffer view;
    int result = PyObject_GetBuffer(exporter, &view, flags);
    if (refusal != NULL) {
        ck_assert_msg(result == -1, "%s: accepted", label);
        assert_error(PyExc_BufferError, refusal);
        return;
    }
    ck_assert_msg(result == 0, "%s: refused with %s", label,
                  MbErr_Message());
    check_answer(l, flags, &view, exporter, label);
    PyBuffer_Release(&view);
}

static const int base_requests[] = {
    PyBUF_SIMPLE, PyBUF_ND, PyBUF_STRIDES, PyBUF_C_CONTIGUOUS,
    PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT, 0x10,
};

START_TEST(test_request_matrix)
{
    for (int i = 0; i < 64; i++) {
        memory[i] = i;
    }
    for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++) {
        const Layout *l = &layouts[k];
        PyObject *nd = make(l);
        PyObject *mv = PyMemoryView_FromObject(nd);
        ck_assert_ptr_nonnull(mv);
        for (size_t r = 0; r < sizeof(base_requests) / sizeof(int); r++) {
            for (int extra = 0; extra < 4; extra++) {
                int flags = base_requests[r]
                            | (extra & 1 ? PyBUF_WRITABLE : 0)
                            | (extra & 2 ? PyBUF_FORMAT : 0);
                request(l, nd, flags, "ndarray");
                request(l, mv, flags, "memoryview");
            }
        }
        Py_DECREF(mv);
        Py_DECREF(nd);
    }
}
END_TEST

/* --- Contiguous copies --------------------------------------------------- */

START_TEST(test_contiguous_copies)
{
    for (int i = 0; i < 64; i++) {
        memory[i] = 1000 + i;
    }
    for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++) {
        const Layout *l = &layouts[k];
        PyObject *nd = make(l);
        PyObject *mv = PyMemoryView_FromObject(nd);
        const char orders[] = "CFA";
        for (int o = 0; o < 3; o++) {
            int fortran = orders[o] == 'F'
                          || (orders[o] == 'A' && !reference_contiguous(l, 0)
                              && reference_contiguous(l, 1));
            PyObject *bytes = MbMemoryView_ToBytes(mv, orders[o]);
            ck_assert_ptr_nonnull(bytes);
            const char *got = PyBytes_AS_STRING(bytes);
            for (Py_ssize_t t = 0; t < item_count(l); t++) {
                int item;
                memcpy(&item, got + 4 * t, sizeof(item));
                ck_assert_msg(item == memory[reference_offset(l, t, fortran)
                                             / 4],
                              "%s order %c item %zd", l->name, orders[o], t);
            }
            Py_DECREF(bytes);
            /* GetContiguous gives the same values in C or Fortran order. */
            PyObject *copy = PyMemoryView_GetContiguous(nd, PyBUF_READ,
                                                        orders[o]);
            ck_assert_ptr_nonnull(copy);
            ck_assert(PyBuffer_IsContiguous(PyMemoryView_GET_BUFFER(copy),
                                            orders[o]));
            ck_assert_int_eq(MbMemoryView_Equal(copy, mv), 1);
            Py_DECREF(copy);
        }
        Py_DECREF(mv);
        Py_DECREF(nd);
    }
}
END_TEST

/* --- Randomized structures ----------------------------------------------- */

static unsigned long long seed = 2718281828ULL;

static unsigned
rnd(unsigned bound)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed >> 33) % bound);
}

START_TEST(test_random_structures)
{
    static const struct {
        const char *format;
        Py_ssize_t size;
    } formats[] = {{"B", 1}, {"h", 2}, {"i", 4}, {"q", 8}, {"d", 8},
                   {"3s", 3}, {"<H", 2}};
    static unsigned char arena[2048];
    for (int i = 0; i < 2048; i++) {
        arena[i] = (unsigned char)rnd(256);
    }
    int built = 0;
    for (int round = 0; round < 2000; round++) {
        int f = (int)rnd(7);
        Py_ssize_t itemsize = formats[f].size;
        int ndim = (int)rnd(4);
        Py_ssize_t shape[3], strides[3];
        Py_ssize_t low = 0, high = 0;
        for (int i = 0; i < ndim; i++) {
            shape[i] = rnd(5);
            strides[i] = itemsize * ((Py_ssize_t)rnd(13) - 6);
            Py_ssize_t span = strides[i] * (shape[i] ? shape[i] - 1 : 0);
            if (span < 0) {
                low += span;
            }
            else {
                high += span;
            }
        }
        Py_ssize_t offset = itemsize * (Py_ssize_t)rnd(40);
        PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
            .memory = arena, .nbytes = 512, .format = formats[f].format,
            .ndim = ndim, .shape = shape, .nstrides = ndim,
            .strides = strides, .offset = offset});
        /* The reference's own verdict on whether the layout fits. */
        int empty = 0;
        for (int i = 0; i < ndim; i++) {
            empty |= shape[i] == 0;
        }
        int fits = offset + itemsize <= 512
                   && (empty || (offset + low >= 0
                                 && offset + high + itemsize <= 512));
        ck_assert_msg((nd != NULL) == fits, "round %d: %s", round,
                      nd ? "accepted" : MbErr_Message());
        if (nd == NULL) {
            ck_assert(PyErr_ExceptionMatches(PyExc_ValueError));
            PyErr_Clear();
            continue;
        }
        built++;
        PyObject *mv = PyMemoryView_FromObject(nd);
        PyObject *bytes = MbMemoryView_ToBytes(mv, 'C');
        const char *out = PyBytes_AS_STRING(bytes);
        Py_ssize_t n = PyBytes_GET_SIZE(bytes) / itemsize;
        const Py_buffer *v = MbNdArray_Buffer(nd);
        for (Py_ssize_t t = 0; t < n; t++) {
            Py_ssize_t at = offset, u = t;
            for (int i = ndim - 1; i >= 0; i--) {
                at += (u % shape[i]) * strides[i];
                u /= shape[i];
            }
            ck_assert_msg(memcmp(out + t * itemsize, arena + at,
                                 (size_t)itemsize) == 0,
                          "round %d item %zd", round, t);
            ck_assert_int_eq(memcmp((const char *)v->buf - offset + at,
                                    arena + at, (size_t)itemsize), 0);
        }
        /* A contiguous copy compares equal to the original. */
        PyObject *copy = PyMemoryView_GetContiguous(mv, PyBUF_READ, 'C');
        int equal = MbMemoryView_Equal(copy, mv);
        ck_assert_msg(equal == 1 || !strcmp(formats[f].format, "d"),
                      "round %d: copy differs", round);
        Py_DECREF(copy);
        Py_DECREF(bytes);
        Py_DECREF(mv);
        Py_DECREF(nd);
    }
    ck_assert_int_gt(built, 500);
}
END_TEST

/* --- Casts --------------------------------------------------------------- */

START_TEST(test_casts_round_trip)
{
    static const char *formats[] = {"c", "b", "B", "?", "h", "H", "i", "I",
                                    "l", "L", "q", "Q", "n", "N", "f", "d",
                                    "P", "@i", "@B"};
    unsigned char data[48];
    for (int i = 0; i < 48; i++) {
        data[i] = (unsigned char)(i % 2);    /* valid for '?' too */
    }
    PyObject *b = PyBytes_FromStringAndSize((const char *)data, 48);
    PyObject *m = PyMemoryView_FromObject(b);
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        PyObject *to = MbMemoryView_Cast(m, formats[k], NULL, 0);
        ck_assert_msg(to != NULL, "%s: %s", formats[k], MbErr_Message());
        const Py_buffer *v = PyMemoryView_GET_BUFFER(to);
        ck_assert_str_eq(v->format, formats[k]);
        ck_assert_int_eq(v->shape[0] * v->itemsize, 48);
        PyObject *back = MbMemoryView_Cast(to, "B", NULL, 0);
        ck_assert_int_eq(MbMemoryView_Equal(back, m), 1);
        PyObject *grid = MbMemoryView_Cast(back, formats[k],
                                           (Py_ssize_t[]){2, v->shape[0] / 2},
                                           2);
        ck_assert_ptr_nonnull(grid);
        PyObject *flat = MbMemoryView_Cast(grid, "B", NULL, 0);
        ck_assert_int_eq(MbMemoryView_Equal(flat, m), 1);
        Py_DECREF(flat);
        Py_DECREF(grid);
        Py_DECREF(back);
        Py_DECREF(to);
    }
    Py_DECREF(m);
    Py_DECREF(b);
}
END_TEST

/* --- Release rules in every order ---------------------------------------- */

/* Four views sharing a managed buffer over a writable ndarray, released or
   dropped in every order: the base's export goes only with the last. */
START_TEST(test_release_orders)
{
    static const int permutations[24][4] = {
        {0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 2, 3, 1},
        {0, 3, 1, 2}, {0, 3, 2, 1}, {1, 0, 2, 3}, {1, 0, 3, 2},
        {1, 2, 0, 3}, {1, 2, 3, 0}, {1, 3, 0, 2}, {1, 3, 2, 0},
        {2, 0, 1, 3}, {2, 0, 3, 1}, {2, 1, 0, 3}, {2, 1, 3, 0},
        {2, 3, 0, 1}, {2, 3, 1, 0}, {3, 0, 1, 2}, {3, 0, 2, 1},
        {3, 1, 0, 2}, {3, 1, 2, 0}, {3, 2, 0, 1}, {3, 2, 1, 0},
    };
    for (int p = 0; p < 24; p++) {
        for (int explicit = 0; explicit < 2; explicit++) {
            PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
                .memory = memory, .nbytes = 48, .format = "i", .ndim = 1,
                .shape = (Py_ssize_t[]){12}, .flags = MB_ND_WRITABLE});
            PyObject *views[4];
            views[0] = PyMemoryView_FromObject(nd);
            views[1] = PyMemoryView_FromObject(views[0]);
            views[2] = MbMemoryView_Slice(views[0], 2, 8, 2);
            views[3] = MbMemoryView_Cast(views[0], "B", (Py_ssize_t[]){6, 8},
                                         2);
            MbNdArraySpec other = {.memory = "x", .nbytes = 1, .ndim = 0};
            for (int k = 0; k < 4; k++) {
                /* While any view lives, the layout is exported. */
                ck_assert_int_eq(MbNdArray_Push(nd, &other), -1);
                PyErr_Clear();
                int v = permutations[p][k];
                if (explicit) {
                    ck_assert_int_eq(MbMemoryView_Release(views[v]), 0);
                }
                Py_DECREF(views[v]);
            }
            ck_assert_int_eq(MbNdArray_Push(nd, &other), 0);
            Py_DECREF(nd);
        }
    }
}
END_TEST

/* A view exported by a view, directly or through a redirecting
   re-exporter, blocks its release. */
START_TEST(test_reexported_view_blocks_release)
{
    PyObject *nd = MbNdArray_New(&(MbNdArraySpec){
        .memory = memory, .nbytes = 48, .format = "i", .ndim = 1,
        .shape = (Py_ssize_t[]){12}});
    PyObject *mv = PyMemoryView_FromObject(nd);
    PyObject *re = MbNdArray_FromExporter(mv, PyBUF_FULL_RO, MB_ND_REDIRECT);
    ck_assert_int_eq(MbMemoryView_Release(mv), -1);
    assert_error(PyExc_BufferError, "memoryview has 1 exported buffer");
    PyObject *top = PyMemoryView_FromObject(re);
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(top), mv);
    ck_assert_int_eq(MbMemoryView_Release(mv), -1);
    assert_error(PyExc_BufferError, "memoryview has 2 exported buffers");
    Py_DECREF(top);
    ck_assert_int_eq(MbMemoryView_Release(mv), -1);
    assert_error(PyExc_BufferError, "memoryview has 1 exported buffer");
    Py_DECREF(re);
    ck_assert_int_eq(MbMemoryView_Release(mv), 0);
    Py_DECREF(mv);
    Py_DECREF(nd);
}
END_TEST

static Suite *
themes_suite(void)
{
    Suite *s = suite_create("themes");
    TCase *tc = mb_tcase(s, "themes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_request_matrix);
    tcase_add_test(tc, test_contiguous_copies);
    tcase_add_test(tc, test_random_structures);
    tcase_add_test(tc, test_casts_round_trip);
    tcase_add_test(tc, test_release_orders);
    tcase_add_test(tc, test_reexported_view_blocks_release);
    return s;
}

int
main(void)
{
    return mb_run(themes_suite());
}
