/* Fuzzing the copy functions: PyBuffer_ToContiguous, PyBuffer_FromContiguous
 * and PyObject_CopyData on fuzzed layouts (shapes, strides in any order and
 * direction, padding, item sizes, offsets, sometimes overlapping), compared
 * byte for byte with a naive copy written here. */
#include <string.h>

#include "fuzz.h"

#define ARENA 16384

typedef struct {
    int ndim;
    Py_ssize_t itemsize;
    Py_ssize_t shape[4];
    Py_ssize_t strides[4];
    Py_ssize_t offset;          /* of the first item in the arena */
    Py_ssize_t nitems;
} Layout;

/* A layout of the given shape with dimensions stored in a fuzzed order,
   padded and sometimes backwards; 0 if it does not fit in the arena. */
static int
make_layout(FuzzInput *in, Layout *l, int ndim, Py_ssize_t itemsize,
            const Py_ssize_t *shape)
{
    int order[4] = {0, 1, 2, 3};
    l->ndim = ndim;
    l->itemsize = itemsize;
    l->nitems = 1;
    for (int i = 0; i < ndim; i++) {
        l->shape[i] = shape[i];
        l->nitems *= shape[i];
    }
    for (int i = ndim - 1; i > 0; i--) {
        int j = (int)fuzz_below(in, (unsigned)i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    Py_ssize_t step = itemsize + fuzz_between(in, 0, 3) * itemsize / 2;
    Py_ssize_t low = 0, high = 0;
    for (int k = 0; k < ndim; k++) {
        int i = order[k];
        Py_ssize_t stride = fuzz_below(in, 4) == 0 ? -step : step;
        Py_ssize_t reach = stride * (shape[i] > 0 ? shape[i] - 1 : 0);
        l->strides[i] = stride;
        if (stride < 0) {
            low += reach;
        }
        else {
            high += reach;
        }
        step = step * (shape[i] > 0 ? shape[i] : 1) + fuzz_between(in, 0, 5);
    }
    l->offset = -low + fuzz_between(in, 0, 64);
    return l->offset + high + itemsize <= ARENA;
}

static Py_buffer
view_of(const Layout *l, char *arena)
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

/* The offset of the t-th item in C (or Fortran) index order. */
static Py_ssize_t
item_offset(const Layout *l, Py_ssize_t t, int fortran)
{
    Py_ssize_t offset = l->offset;
    for (int k = 0; k < l->ndim; k++) {
        int i = fortran ? k : l->ndim - 1 - k;
        offset += (t % l->shape[i]) * l->strides[i];
        t /= l->shape[i];
    }
    return offset;
}

/* An exporter of a fixed layout, for CopyData. */
typedef struct {
    PyObject_HEAD
    Py_buffer layout;
} Fixed;

static int
fixed_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    (void)flags;
    *view = ((Fixed *)self)->layout;
    view->obj = Py_NewRef(self);
    return 0;
}

static PyBufferProcs fixed_procs = {fixed_getbuffer, NULL};

static PyTypeObject FixedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fuzz.Fixed",
    .tp_basicsize = sizeof(Fixed),
    .tp_as_buffer = &fixed_procs,
};

static PyObject *
new_fixed(Py_buffer layout)
{
    Fixed *f = PyObject_New(Fixed, &FixedType);
    FUZZ_CHECK(f != NULL);
    f->layout = layout;
    return (PyObject *)f;
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
    Py_buffer view = view_of(from, src_arena);
    int fortran = order == 'F'
                  || (order == 'A' && !PyBuffer_IsContiguous(&view, 'C')
                      && PyBuffer_IsContiguous(&view, 'F'));
    for (Py_ssize_t t = 0; t < from->nitems; t++) {
        memcpy(expected + t * from->itemsize,
               src_arena + item_offset(from, t, fortran),
               (size_t)from->itemsize);
    }
    FUZZ_CHECK(PyBuffer_ToContiguous(line, &view, view.len, order) == 0);
    FUZZ_CHECK(memcmp(line, expected, (size_t)view.len) == 0);
}

static void
check_from_contiguous(const Layout *to, char fort, Py_ssize_t len)
{
    Py_buffer view = view_of(to, dst_arena);
    memcpy(expected, dst_arena, ARENA);
    if (PyBuffer_IsContiguous(&view, fort)) {
        memcpy(expected + to->offset, line, (size_t)len);
    }
    else {
        for (Py_ssize_t t = 0; t < len / to->itemsize; t++) {
            memcpy(expected + item_offset(to, t, fort == 'F'),
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
    for (Py_ssize_t t = 0; t < from->nitems; t++) {
        memcpy(expected + item_offset(to, t, 0),
               src_arena + item_offset(from, t, 0), (size_t)from->itemsize);
    }
    PyObject *dest = new_fixed(view_of(to, dst_arena));
    PyObject *src = new_fixed(view_of(from, src_arena));
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
    if (!make_layout(&in, &from, ndim, itemsize, shape)
        || !make_layout(&in, &to, ndim, itemsize, shape)) {
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
