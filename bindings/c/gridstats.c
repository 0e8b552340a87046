/* gridstats: a small C library written for CPython's buffer API, as an
 * extension author writes one, that the hosts in bindings/ (Rust, LuaJIT)
 * call with their own arrays and whose grids they read, through minibuf
 * and without Python.  It includes <Python.h> and nothing of minibuf's:
 * tests/bindings.sh also compiles it against CPython's headers.
 *
 * Ownership rules: the functions borrow the exporters they are given and
 * hold a view only while they run; gridstats_new_grid returns a new
 * reference.  Errors: -1 or NULL with an exception set.
 */
#include "gridstats.h"

/* --- Consumers ------------------------------------------------------------ */

/* Ask exporter for a view of doubles in any layout (strided, or with
   suboffsets), writable when asked. */
static int
get_doubles(PyObject *exporter, Py_buffer *view, int writable)
{
    int flags = PyBUF_FULL_RO | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(exporter, view, flags) < 0) {
        return -1;
    }
    if (view->format == NULL || strcmp(view->format, "d") != 0) {
        PyErr_Format(PyExc_TypeError, "gridstats: expected items of "
                     "format 'd', got '%s'",
                     view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* Advance index (row-major) within shape; 0 past the last item. */
static int
next_index(Py_ssize_t *index, const Py_buffer *view)
{
    for (int d = view->ndim - 1; d >= 0; d--) {
        if (++index[d] < view->shape[d]) {
            return 1;
        }
        index[d] = 0;
    }
    return 0;
}

/* Apply fn to every item of the view. */
static void
for_each_item(const Py_buffer *view, void (*fn)(double *, void *),
              void *arg)
{
    Py_ssize_t index[64] = {0};
    if (view->len == 0) {
        return;
    }
    do {
        fn((double *)PyBuffer_GetPointer(view, index), arg);
    } while (next_index(index, view));
}

static void
add(double *item, void *sum)
{
    *(double *)sum += *item;
}

static void
multiply(double *item, void *factor)
{
    *item *= *(double *)factor;
}

/* The sum of every item of a 'd' exporter. */
int
gridstats_sum(PyObject *exporter, double *sum)
{
    Py_buffer view;
    if (get_doubles(exporter, &view, 0) < 0) {
        return -1;
    }
    *sum = 0;
    for_each_item(&view, add, sum);
    PyBuffer_Release(&view);
    return 0;
}

/* Multiply every item of a writable 'd' exporter by factor, in place. */
int
gridstats_scale(PyObject *exporter, double factor)
{
    Py_buffer view;
    if (get_doubles(exporter, &view, 1) < 0) {
        return -1;
    }
    for_each_item(&view, multiply, &factor);
    PyBuffer_Release(&view);
    return 0;
}

/* --- An exporter: a grid of doubles ------------------------------------------
 *
 * rows x cols doubles, row-major, item (i, j) = i * cols + j, exported
 * read-only with the request rules checked by hand, as extension types
 * do it.
 */
typedef struct {
    PyObject_HEAD
    double *data;
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
} Grid;

static int
grid_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Grid *grid = (Grid *)self;
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "Grid is read-only");
        view->obj = NULL;
        return -1;
    }
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS
        && grid->shape[0] > 1 && grid->shape[1] > 1) {
        PyErr_SetString(PyExc_BufferError, "Grid is not Fortran contiguous");
        view->obj = NULL;
        return -1;
    }
    view->buf = grid->data;
    view->obj = Py_NewRef(self);
    view->itemsize = sizeof(double);
    view->len = grid->shape[0] * grid->shape[1] * view->itemsize;
    view->readonly = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"d" : NULL;
    view->ndim = 2;
    view->shape = (flags & PyBUF_ND) ? grid->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                    ? grid->strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    if (view->shape == NULL) {
        view->ndim = 1;         /* the bytes, C-contiguous */
    }
    return 0;
}

static void
grid_dealloc(PyObject *self)
{
    PyMem_Free(((Grid *)self)->data);
    Py_TYPE(self)->tp_free(self);
}

static PyBufferProcs grid_as_buffer = {grid_getbuffer, NULL};

static PyTypeObject GridType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gridstats.Grid",
    .tp_basicsize = sizeof(Grid),
    .tp_dealloc = grid_dealloc,
    .tp_as_buffer = &grid_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A read-only grid of doubles.",
};

/* A new grid of rows x cols doubles. */
PyObject *
gridstats_new_grid(Py_ssize_t rows, Py_ssize_t cols)
{
    if (rows < 0 || cols < 0) {
        PyErr_SetString(PyExc_ValueError, "gridstats: negative extent");
        return NULL;
    }
    if (PyType_Ready(&GridType) < 0) {
        return NULL;
    }
    Grid *grid = PyObject_New(Grid, &GridType);
    if (grid == NULL) {
        return NULL;
    }
    grid->data = PyMem_New(double, (size_t)(rows * cols) + 1);
    if (grid->data == NULL) {
        Py_DECREF(grid);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < rows * cols; k++) {
        grid->data[k] = (double)k;
    }
    grid->shape[0] = rows;
    grid->shape[1] = cols;
    grid->strides[0] = cols * (Py_ssize_t)sizeof(double);
    grid->strides[1] = sizeof(double);
    return (PyObject *)grid;
}
