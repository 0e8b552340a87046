/* bytes: immutable bytes, exported read-only through PyBuffer_FillInfo.
 *
 * Ownership: the contents live inside the object, so an export holds only
 * the reference in view->obj; bytes counts no exports and has no
 * bf_releasebuffer, as in CPython.
 *
 * Unlike CPython, minibuf does not share the empty and one-byte objects:
 * each call returns a new object.
 */
#include "objects.h"

#define BYTES_HEADER_SIZE (offsetof(PyBytesObject, ob_sval) + 1)

static int
bytes_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    return mb_fill_info(view, self, PyBytes_AS_STRING(self), Py_SIZE(self),
                        1, flags);
}

/* The contents' hash, kept in ob_shash once computed. */
static Py_hash_t
bytes_hash(PyObject *self)
{
    PyBytesObject *op = (PyBytesObject *)self;
    if (op->ob_shash == -1) {
        op->ob_shash = mb_hash_bytes(op->ob_sval, Py_SIZE(op));
    }
    return op->ob_shash;
}

static PyBufferProcs bytes_as_buffer = {
    .bf_getbuffer = bytes_getbuffer,
};

/* Exact bytes objects come from new_bytes; instances of subtypes from
   PyObject_NewVar. */
static void
bytes_dealloc(PyObject *self)
{
    if (Py_TYPE(self) == &PyBytes_Type) {
        mb_payload_free(self, BYTES_HEADER_SIZE + (size_t)Py_SIZE(self));
    }
    else {
        PyObject_Free(self);
    }
}

PyTypeObject MbTypeObject_Bytes = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "bytes",
    .tp_basicsize = BYTES_HEADER_SIZE,
    .tp_itemsize = 1,
    .tp_dealloc = bytes_dealloc,
    .tp_hash = bytes_hash,
    .tp_as_buffer = &bytes_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_READY,
    .tp_doc = "An immutable sequence of bytes.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};


/* A new bytes object of size bytes, zero-filled unless the caller will
   fill them.  `too_big` is the message of the OverflowError for a size that
   cannot be allocated. */
static PyBytesObject *
new_bytes(Py_ssize_t size, const char *too_big, int zero)
{
    if ((size_t)size > (size_t)PY_SSIZE_T_MAX - BYTES_HEADER_SIZE) {
        PyErr_SetString(PyExc_OverflowError, too_big);
        return NULL;
    }
    size_t total = BYTES_HEADER_SIZE + (size_t)size;
    PyBytesObject *op = mb_payload_malloc(
        total, offsetof(PyBytesObject, ob_sval), zero);
    if (op == NULL) {
        return (PyBytesObject *)PyErr_NoMemory();
    }
    PyObject_InitVar((PyVarObject *)op, &PyBytes_Type, size);
    op->ob_shash = -1;
    op->ob_sval[size] = '\0';
    return op;
}

static PyObject *
negative_size(void)
{
    PyErr_SetString(PyExc_SystemError,
                    "Negative size passed to PyBytes_FromStringAndSize");
    return NULL;
}

/* As PyBytes_FromStringAndSize(NULL, size), which CPython's callers use,
   with its errors; but not zeroed. */
PyObject *
mb_bytes_for_filling(Py_ssize_t size)
{
    if (size < 0) {
        return negative_size();
    }
    return (PyObject *)new_bytes(size, "byte string is too large", 0);
}

PyObject *
PyBytes_FromStringAndSize(const char *str, Py_ssize_t size)
{
    if (size < 0) {
        return negative_size();
    }
    PyBytesObject *op = new_bytes(size, "byte string is too large",
                                  str == NULL);
    if (op != NULL && str != NULL && size > 0) {
        memcpy(op->ob_sval, str, (size_t)size);
    }
    return (PyObject *)op;
}

PyObject *
PyBytes_FromString(const char *str)
{
    if (str == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    size_t size = strlen(str);
    PyBytesObject *op = new_bytes((Py_ssize_t)size, "byte string is too long",
                                  0);
    if (op != NULL) {
        memcpy(op->ob_sval, str, size);
    }
    return (PyObject *)op;
}

/* 1 if o is bytes; otherwise TypeError as CPython words it. */
static int
check_bytes(PyObject *o)
{
    if (o == NULL) {
        mb_err_null_argument();
        return 0;
    }
    if (!PyBytes_Check(o)) {
        PyErr_Format(PyExc_TypeError, "expected bytes, %.200s found",
                     Py_TYPE(o)->tp_name);
        return 0;
    }
    return 1;
}

char *
PyBytes_AsString(PyObject *o)
{
    return check_bytes(o) ? PyBytes_AS_STRING(o) : NULL;
}

Py_ssize_t
PyBytes_Size(PyObject *o)
{
    return check_bytes(o) ? Py_SIZE(o) : -1;
}
