/* Strided layouts for the copy tests (tests/test_copy.c) and the copy
 * fuzzer (tests/fuzz/fuzz_copy.c): a layout of up to 4 dimensions inside
 * an arena, made from a source of random numbers, and one whose items
 * alias each other; the Py_buffer that describes it; the offset of its
 * t-th item, for the reference copies written item by item; an
 * exporter that hands out a fixed view, for PyObject_CopyData; and a
 * sequence of ndarrays of many layouts.
 */
#ifndef MB_LAYOUTS_H
#define MB_LAYOUTS_H

#include <string.h>

#include <Python.h>

typedef struct {
    int ndim;
    Py_ssize_t itemsize;
    Py_ssize_t shape[4];
    Py_ssize_t strides[4];
    Py_ssize_t offset;        /* of the first item in the arena */
    Py_ssize_t nitems;
    size_t span;              /* bytes of the arena the layout may touch */
} Layout;

/* A number in [0, bound) from the caller's source. */
typedef unsigned (*RandomBelow)(void *source, unsigned bound);

/* A layout of the given shape: dimensions stored in a random order,
   mostly packed, else every other item or an odd padding, sometimes
   backwards.  The caller checks that l->span fits in its arena. */
static inline void
layout_random(Layout *l, int ndim, Py_ssize_t itemsize,
              const Py_ssize_t *shape, RandomBelow below, void *source)
{
    static const Py_ssize_t padding[] = {0, 0, 0, -1, -2, -2};
    int order[4] = {0, 1, 2, 3};
    l->ndim = ndim;
    l->itemsize = itemsize;
    l->nitems = 1;
    for (int i = 0; i < ndim; i++) {
        l->shape[i] = shape[i];
        l->nitems *= shape[i];
    }
    for (int i = ndim - 1; i > 0; i--) {
        int j = (int)below(source, (unsigned)i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    Py_ssize_t pad = padding[below(source, 6)];
    Py_ssize_t step = itemsize + (pad == -1   ? itemsize
                                  : pad == -2 ? (Py_ssize_t)below(source, 5)
                                              : 0);
    Py_ssize_t low = 0, high = 0;
    for (int k = 0; k < ndim; k++) {
        int i = order[k];
        Py_ssize_t stride = below(source, 5) == 0 ? -step : step;
        Py_ssize_t reach = stride * (shape[i] > 0 ? shape[i] - 1 : 0);
        l->strides[i] = stride;
        if (stride < 0) {
            low += reach;
        }
        else {
            high += reach;
        }
        step = step * (shape[i] > 0 ? shape[i] : 1)
               + (below(source, 3) == 0 ? 3 : 0);
    }
    l->offset = 64 - low;
    l->span = (size_t)(l->offset + high + itemsize + 64);
}

/* Give one dimension of l (of extent 2 or more) a stride under which
   items of different indices share bytes: 0, or a step smaller than what
   the other dimensions reach; then place it in the arena again. */
static inline void
layout_alias(Layout *l, RandomBelow below, void *source)
{
    int candidates[4], n = 0;
    for (int i = 0; i < l->ndim; i++) {
        if (l->shape[i] >= 2) {
            candidates[n++] = i;
        }
    }
    if (n == 0) {
        return;
    }
    int i = candidates[below(source, (unsigned)n)];
    static const int kinds = 3;
    switch (below(source, kinds)) {
    case 0:
        l->strides[i] = 0;
        break;
    case 1:
        l->strides[i] = l->itemsize > 1 ? -(l->itemsize / 2) : 0;
        break;
    default:
        l->strides[i] = l->itemsize * (Py_ssize_t)below(source, 3);
        break;
    }
    Py_ssize_t low = 0, high = 0;
    for (int k = 0; k < l->ndim; k++) {
        Py_ssize_t reach = l->strides[k]
                           * (l->shape[k] > 0 ? l->shape[k] - 1 : 0);
        if (reach < 0) {
            low += reach;
        }
        else {
            high += reach;
        }
    }
    l->offset = 64 - low;
    l->span = (size_t)(l->offset + high + l->itemsize + 64);
}

static inline Py_buffer
layout_view(const Layout *l, char *arena)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = arena + l->offset;
    view.itemsize = l->itemsize;
    view.len = l->nitems * l->itemsize;
    view.ndim = l->ndim;
    view.shape = (Py_ssize_t *)l->shape;
    view.strides = (Py_ssize_t *)l->strides;
    return view;
}

/* The byte offset in the arena of the t-th item in C (or Fortran) index
   order.  PyObject_CopyData copies item by item in CPython's order, C
   order starting at the second item and ending with the first (t = 1,
   2, ..., n - 1, 0): where destination items alias, the last write
   wins. */
static inline Py_ssize_t
layout_item_offset(const Layout *l, Py_ssize_t t, int fortran)
{
    Py_ssize_t offset = l->offset;
    for (int k = 0; k < l->ndim; k++) {
        int i = fortran ? k : l->ndim - 1 - k;
        offset += (t % l->shape[i]) * l->strides[i];
        t /= l->shape[i];
    }
    return offset;
}

/* An exporter that hands out a fixed view. */
typedef struct {
    PyObject_HEAD
    Py_buffer view;
} Fixed;

static inline int
fixed_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    (void)flags;
    *view = ((Fixed *)self)->view;
    view->obj = Py_NewRef(self);
    return 0;
}

static PyBufferProcs fixed_procs = {fixed_getbuffer, NULL};

static PyTypeObject FixedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tests.Fixed",
    .tp_basicsize = sizeof(Fixed),
    .tp_as_buffer = &fixed_procs,
};

/* A new Fixed exporter of view, or NULL with MemoryError. */
static inline PyObject *
fixed_new(Py_buffer view)
{
    Fixed *f = PyObject_New(Fixed, &FixedType);
    if (f != NULL) {
        f->view = view;
    }
    return (PyObject *)f;
}

/* A random number below bound from a linear congruential generator. */
static inline unsigned
layout_lcg_below(void *state, unsigned bound)
{
    unsigned *x = state;
    *x = *x * 1103515245u + 12345u;
    return (*x >> 8) % bound;
}

/* The i-th of a sequence of ndarrays for the tests of exporters that
   copy a layout (host arrays, the DLPack bridge), a new reference: C and
   Fortran order, every other column, backwards, 0-d, empty, extents of
   1, PIL, a struct item (i < 9), then random layouts of up to 4
   dimensions and item sizes 1, 2, 4, 8 and 12. */
static inline PyObject *
layout_ndarray_case(int i, int writable)
{
    static const Py_ssize_t s34[] = {3, 4}, s0[] = {2, 0, 3}, s11[] = {1, 5},
                            col[] = {32, 16}, back[] = {-8}, s4[] = {4};
    static const MbNdArraySpec table[] = {
        {NULL, 96, "d", 2, s34, 0, NULL, 0, 0},
        {NULL, 48, "i", 2, s34, 0, NULL, 0, MB_ND_FORTRAN},
        {NULL, 128, "d", 2, s34, 2, col, 0, 0},
        {NULL, 32, "q", 1, s4, 1, back, 24, 0},
        {NULL, 8, "d", 0, NULL, 0, NULL, 0, 0},
        {NULL, 2, "h", 3, s0, 0, NULL, 0, 0},
        {NULL, 5, "B", 2, s11, 0, NULL, 0, 0},
        {NULL, 12, "B", 2, s34, 0, NULL, 0, MB_ND_PIL},
        {NULL, 64, "2h", 2, s34, 0, NULL, 0, 0},
    };
    static const char *formats[] = {"B", "h", "i", "d", "3i"};
    static const Py_ssize_t sizes[] = {1, 2, 4, 8, 12};
    int fixed = (int)(sizeof(table) / sizeof(table[0]));
    int flags = writable ? MB_ND_WRITABLE : 0;
    if (i < fixed) {
        MbNdArraySpec spec = table[i];
        spec.flags |= flags;
        return MbNdArray_New(&spec);
    }
    /* ndarray takes strides and offsets in whole items only: draw until
       a layout has them. */
    unsigned state = (unsigned)i;
    for (;;) {
        Layout l;
        Py_ssize_t shape[4];
        int ndim = 1 + (int)layout_lcg_below(&state, 4);
        int k = (int)layout_lcg_below(&state, 5);
        for (int d = 0; d < ndim; d++) {
            shape[d] = (Py_ssize_t)layout_lcg_below(&state, 4);
        }
        layout_random(&l, ndim, sizes[k], shape, layout_lcg_below,
                      &state);
        Py_ssize_t shift = l.itemsize - l.offset % l.itemsize;
        MbNdArraySpec spec = {NULL, (Py_ssize_t)l.span + shift, formats[k],
                              ndim, l.shape, ndim, l.strides,
                              l.offset + shift, flags};
        PyObject *nd = MbNdArray_New(&spec);
        if (nd != NULL) {
            return nd;
        }
        PyErr_Clear();
    }
}

#endif /* !MB_LAYOUTS_H */
