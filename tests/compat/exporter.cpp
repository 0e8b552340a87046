// A C++ exporter: a matrix of doubles held in a std::vector, exported as a
// two-dimensional C-contiguous buffer of format "d" from a heap type made
// from a spec (the C++-friendly way, with no designated initializers),
// plus a static type whose slots are filled in at run time, as C++
// extensions did before type specs.
#include <Python.h>

#include <cstdio>
#include <new>
#include <vector>

namespace {

struct Matrix {
    PyObject_HEAD
    std::vector<double> *cells;
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
    int exports;
};

int matrix_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Matrix *m = reinterpret_cast<Matrix *>(self);
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "matrix is read-only");
        return -1;
    }
    if ((flags & PyBUF_ND) != PyBUF_ND) {
        PyErr_SetString(PyExc_BufferError, "matrix needs PyBUF_ND");
        return -1;
    }
    view->obj = Py_NewRef(self);
    view->buf = m->cells->data();
    view->len = static_cast<Py_ssize_t>(m->cells->size() * sizeof(double));
    view->readonly = 1;
    view->itemsize = sizeof(double);
    view->format = (flags & PyBUF_FORMAT) ? const_cast<char *>("d") : nullptr;
    view->ndim = 2;
    view->shape = m->shape;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? m->strides
                                                             : nullptr;
    view->suboffsets = nullptr;
    view->internal = nullptr;
    m->exports++;
    return 0;
}

void matrix_releasebuffer(PyObject *self, Py_buffer *)
{
    reinterpret_cast<Matrix *>(self)->exports--;
}

void matrix_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    delete reinterpret_cast<Matrix *>(self)->cells;
    type->tp_free(self);
    Py_DECREF(type);
}

PyType_Slot matrix_slots[] = {
    {Py_bf_getbuffer, reinterpret_cast<void *>(matrix_getbuffer)},
    {Py_bf_releasebuffer, reinterpret_cast<void *>(matrix_releasebuffer)},
    {Py_tp_dealloc, reinterpret_cast<void *>(matrix_dealloc)},
    {0, nullptr},
};

PyType_Spec matrix_spec = {
    "linalg.Matrix", sizeof(Matrix), 0, Py_TPFLAGS_DEFAULT, matrix_slots,
};

PyObject *matrix_new(PyTypeObject *type, Py_ssize_t rows, Py_ssize_t cols)
{
    Matrix *m = PyObject_New(Matrix, type);
    if (m == nullptr) {
        return nullptr;
    }
    m->cells = new (std::nothrow) std::vector<double>(
        static_cast<size_t>(rows * cols));
    for (size_t i = 0; i < m->cells->size(); i++) {
        (*m->cells)[i] = 0.5 * static_cast<double>(i);
    }
    m->shape[0] = rows;
    m->shape[1] = cols;
    m->strides[0] = cols * static_cast<Py_ssize_t>(sizeof(double));
    m->strides[1] = sizeof(double);
    m->exports = 0;
    return reinterpret_cast<PyObject *>(m);
}

// A static type filled in at run time.
struct Scalar {
    PyObject_HEAD
    double value;
};

int scalar_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Scalar *s = reinterpret_cast<Scalar *>(self);
    return PyBuffer_FillInfo(view, self, &s->value, sizeof(double), 0, flags);
}

PyBufferProcs scalar_as_buffer = {scalar_getbuffer, nullptr};
PyTypeObject ScalarType;

int scalar_ready()
{
    ScalarType.tp_name = "linalg.Scalar";
    ScalarType.tp_basicsize = sizeof(Scalar);
    ScalarType.tp_flags = Py_TPFLAGS_DEFAULT;
    ScalarType.tp_as_buffer = &scalar_as_buffer;
    ScalarType.tp_new = PyType_GenericNew;
    return PyType_Ready(&ScalarType);
}

void show(const char *label, PyObject *exporter, int flags)
{
    Py_buffer view;
    if (PyObject_GetBuffer(exporter, &view, flags) < 0) {
        std::printf("%s: ", label);
        std::fflush(stdout);
        PyErr_Print();
        return;
    }
    std::printf("%s: ndim %d format %s itemsize %zd len %zd", label,
                view.ndim, view.format ? view.format : "NULL", view.itemsize,
                view.len);
    if (view.shape != nullptr) {
        std::printf(" shape (%zd,%zd)", view.shape[0],
                    view.ndim > 1 ? view.shape[1] : 0);
    }
    std::printf(" strides %s", view.strides ? "set" : "NULL");
    if (view.ndim == 2 && view.strides != nullptr) {
        Py_ssize_t index[2] = {1, 2};
        void *item = PyBuffer_GetPointer(&view, index);
        std::printf(" [1][2]=%g", *static_cast<double *>(item));
    }
    std::printf("\n");
    PyBuffer_Release(&view);
}

}  // namespace

int main()
{
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    Py_Initialize();
    PyObject *type = PyType_FromSpec(&matrix_spec);
    if (type == nullptr || scalar_ready() < 0) {
        PyErr_Print();
        return 1;
    }
    PyObject *m = matrix_new(reinterpret_cast<PyTypeObject *>(type), 2, 3);
    show("PyBUF_RECORDS_RO", m, PyBUF_RECORDS_RO);
    show("PyBUF_ND", m, PyBUF_ND);
    show("PyBUF_SIMPLE", m, PyBUF_SIMPLE);
    show("PyBUF_FULL", m, PyBUF_FULL);
    PyObject *view = PyMemoryView_FromObject(m);
    std::printf("memoryview: exports %d, C-contiguous %d\n",
                reinterpret_cast<Matrix *>(m)->exports,
                PyBuffer_IsContiguous(PyMemoryView_GET_BUFFER(view), 'C'));
    Py_DECREF(view);
    std::printf("after the memoryview: exports %d\n",
                reinterpret_cast<Matrix *>(m)->exports);
    Py_DECREF(m);
    Py_DECREF(type);

    PyObject *scalar = ScalarType.tp_new(&ScalarType, nullptr, nullptr);
    reinterpret_cast<Scalar *>(scalar)->value = 2.25;
    show("Scalar, PyBUF_WRITABLE", scalar, PyBUF_WRITABLE);
    Py_DECREF(scalar);
    Py_Finalize();
    return 0;
}
