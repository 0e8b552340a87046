/* Fuzzing the copy functions: PyBuffer_ToContiguous, PyBuffer_FromContiguous
 * and PyObject_CopyData on fuzzed layouts (shapes, strides in any order and
 * direction, padding, item sizes, destinations whose items alias each
 * other), compared byte for byte with a naive copy written here in
 * CPython's order. */
#include <string.h>

#include "fuzz.h"
#include "../layouts.h"

#define ARENA 16384

/* fuzz_below as a RandomBelow source. */
static unsigned
below(void *source, unsigned bound)
{
    return fuzz_below(source, bound);
}

static char src_arena[ARENA], dst_arena[ARENA], expected[ARENA];
static char line[ARENA];

static void
fill(FuzzInput *in, char *arena)
{
    unsigned seed = fuzz_byte(in) * 2654435761u + 1;
    for (int i = 0; i < ARENA; i++) {
        seed = seed * 1103515245u + 12345u;
        arena[i] = (char)(seed >> 16);
    }
}

static void
check_to_contiguous(const Layout *from, char order)
{
    Py_buffer view = layout_view(from, src_arena);
    int fortran = order == 'F'
                  || (order == 'A' && !PyBuffer_IsContiguous(&view, 'C')
                      && PyBuffer_IsContiguous(&view, 'F'));
    for (Py_ssize_t t = 0; t < from->nitems; t++) {
        memcpy(expected + t * from->itemsize,
               src_arena + layout_item_offset(from, t, fortran),
               (size_t)from->itemsize);
    }
    FUZZ_CHECK(PyBuffer_ToContiguous(line, &view, view.len, order) == 0);
    FUZZ_CHECK(memcmp(line, expected, (size_t)view.len) == 0);
}

static void
check_from_contiguous(const Layout *to, char fort, Py_ssize_t len)
{
    Py_buffer view = layout_view(to, dst_arena);
    memcpy(expected, dst_arena, ARENA);
    if (PyBuffer_IsContiguous(&view, fort)) {
        memcpy(expected + to->offset, line, (size_t)len);
    }
    else {
        for (Py_ssize_t t = 0; t < len / to->itemsize; t++) {
            memcpy(expected + layout_item_offset(to, t, fort == 'F'),
                   line + t * to->itemsize, (size_t)to->itemsize);
        }
    }
    FUZZ_CHECK(PyBuffer_FromContiguous(&view, line, len, fort) == 0);
    FUZZ_CHECK(memcmp(dst_arena, expected, ARENA) == 0);
}

static void
check_copy_data(const Layout *to, const Layout *from)
{
    memcpy(expected, dst_arena, ARENA);
    for (Py_ssize_t k = 1; k <= from->nitems; k++) {
        Py_ssize_t t = k % from->nitems;          /* CPython's order */
        memcpy(expected + layout_item_offset(to, t, 0),
               src_arena + layout_item_offset(from, t, 0),
               (size_t)from->itemsize);
    }
    PyObject *dest = fixed_new(layout_view(to, dst_arena));
    PyObject *src = fixed_new(layout_view(from, src_arena));
    FUZZ_CHECK(dest != NULL && src != NULL);
    FUZZ_CHECK(PyObject_CopyData(dest, src) == 0);
    FUZZ_CHECK(memcmp(dst_arena, expected, ARENA) == 0);
    Py_DECREF(dest);
    Py_DECREF(src);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Py_ssize_t itemsizes[] = {1, 2, 3, 4, 8, 16};
    MbStats before = fuzz_begin();
    FuzzInput in = {data, size, 0};
    int ndim = (int)fuzz_below(&in, 5);
    Py_ssize_t itemsize = itemsizes[fuzz_below(&in, 6)];
    Py_ssize_t shape[4];
    /* Mostly small extents; sometimes past the engine's tiles. */
    Py_ssize_t most = fuzz_below(&in, 4) == 0 ? 40 : 6;
    for (int i = 0; i < ndim; i++) {
        shape[i] = fuzz_between(&in, 0, most);
    }
    Layout from, to;
    layout_random(&from, ndim, itemsize, shape, below, &in);
    layout_random(&to, ndim, itemsize, shape, below, &in);
    if (fuzz_below(&in, 4) == 0) {
        layout_alias(&to, below, &in);     /* destination items alias */
    }
    if (from.span > ARENA || to.span > ARENA) {
        fuzz_end(&before);
        return 0;
    }
    fill(&in, src_arena);
    fill(&in, dst_arena);
    char order = "CFA"[fuzz_below(&in, 3)];
    check_to_contiguous(&from, order);
    Py_ssize_t len = from.nitems * itemsize;
    if (fuzz_below(&in, 3) == 0) {
        len = fuzz_between(&in, 0, len);
    }
    check_from_contiguous(&to, "CFA"[fuzz_below(&in, 3)], len);
    check_copy_data(&to, &from);
    fuzz_end(&before);
    return 0;
}
