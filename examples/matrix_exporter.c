/* An exporter to learn from: a read-only 2 x 3 matrix of C ints, written
 * against CPython's API as an extension would write it.  Build it as a
 * shared object and let the conformance checker grade it:
 *
 *     cc -shared -fPIC -o libmatrix.so matrix_exporter.c \
 *         $(pkg-config --cflags --libs minibuf)
 *     minibuf check ./libmatrix.so:make_matrix
 *
 * (`make` builds it as examples/.libs/libmatrix_exporter.so.)  The guide's
 * section 11 has the exercises: each turns on one of the MISTAKE_ blocks
 * below (cc -DMISTAKE_1 ...), a mistake real exporters have made, and the
 * checker names the rule it breaks.
 */
#include <Python.h>

typedef struct {
    PyObject_HEAD
    int items[2][3];
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
} Matrix;

/* bf_getbuffer: answer the request as the protocol says, or refuse it
   with BufferError, leaving view->obj NULL. */
static int
matrix_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Matrix *m = (Matrix *)self;
#ifndef MISTAKE_1   /* granting a writable view of read-only memory */
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "matrix is read-only");
        view->obj = NULL;
        return -1;
    }
#endif
    /* The items are in C order, so every request for contiguous memory
       but Fortran order can be granted. */
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS) {
#ifdef MISTAKE_3    /* refusing with the wrong exception type */
        PyErr_SetString(PyExc_ValueError, "matrix is not Fortran order");
#else
        PyErr_SetString(PyExc_BufferError, "matrix is not Fortran order");
#endif
        view->obj = NULL;
        return -1;
    }
    view->buf = m->items;
#ifdef MISTAKE_2    /* a view that holds no reference to its exporter */
    view->obj = self;
#else
    view->obj = Py_NewRef(self);
#endif
    view->len = sizeof(m->items);
    view->itemsize = sizeof(int);
    view->readonly = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"i" : NULL;
    /* Without PyBUF_ND the consumer sees len bytes in one dimension. */
    view->ndim = (flags & PyBUF_ND) == PyBUF_ND ? 2 : 1;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? m->shape : NULL;
#ifdef MISTAKE_4    /* strides the consumer did not ask for */
    view->strides = m->strides;
#else
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? m->strides
                                                             : NULL;
#endif
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static PyBufferProcs matrix_as_buffer = {
    .bf_getbuffer = matrix_getbuffer,
};

static PyTypeObject MatrixType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "example.Matrix",
    .tp_basicsize = sizeof(Matrix),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_as_buffer = &matrix_as_buffer,
};

/* The function minibuf check calls: a new matrix holding 0 .. 5. */
PyObject *make_matrix(void);

PyObject *
make_matrix(void)
{
    if (PyType_Ready(&MatrixType) < 0) {
        return NULL;
    }
    Matrix *m = PyObject_New(Matrix, &MatrixType);
    if (m == NULL) {
        return NULL;
    }
    for (int i = 0; i < 6; i++) {
        m->items[i / 3][i % 3] = i;
    }
    m->shape[0] = 2;
    m->shape[1] = 3;
    m->strides[0] = 3 * sizeof(int);
    m->strides[1] = sizeof(int);
    return (PyObject *)m;
}
