/* bytearray: mutable, resizable bytes, exported writable.
 *
 * Ownership rules:
 * - ob_bytes is owned by the object (PyObject_Malloc); ob_start points at
 *   the first logical byte inside it.  The contents are always followed by
 *   a NUL byte; an empty bytearray may have no allocation and then exports
 *   _PyByteArray_empty_string, never NULL.
 * - Every successful bf_getbuffer counts one export in ob_exports and every
 *   bf_releasebuffer gives it back.  While ob_exports > 0 the storage must
 *   not move, so any change of size fails with BufferError.
 * - A bytearray deallocated with exports still counted (possible only when
 *   a consumer dropped view->obj without releasing) reports it through
 *   PyErr_Print, as CPython does.
 * - Storage that moves or dies goes through mb_release_storage, so that the
 *   poison setting can show stale pointers into it (minibuf.h).
 */
#include "objects.h"

static char empty_string[] = "";
char *const MbByteArray_EmptyString = empty_string;

static int
bytearray_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    if (view == NULL) {
        PyErr_SetString(
            PyExc_BufferError,
            "bytearray_getbuffer: view==NULL argument is obsolete");
        return -1;
    }
    /* Cannot fail: the storage is writable. */
    (void)mb_fill_info(view, self, PyByteArray_AS_STRING(self),
                       Py_SIZE(self), 0, flags);
    ((PyByteArrayObject *)self)->ob_exports++;
    return 0;
}

static void
bytearray_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((PyByteArrayObject *)self)->ob_exports--;
}

static PyBufferProcs bytearray_as_buffer = {
    .bf_getbuffer = bytearray_getbuffer,
    .bf_releasebuffer = bytearray_releasebuffer,
};

static void
bytearray_dealloc(PyObject *self)
{
    PyByteArrayObject *array = (PyByteArrayObject *)self;
    if (array->ob_exports > 0) {
        PyErr_SetString(PyExc_SystemError,
                        "deallocated bytearray object has exported buffers");
        PyErr_Print();
    }
    mb_release_storage(array->ob_bytes, (size_t)array->ob_alloc);
    Py_TYPE(self)->tp_free(self);
}

PyTypeObject MbTypeObject_ByteArray = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "bytearray",
    .tp_basicsize = sizeof(PyByteArrayObject),
    .tp_dealloc = bytearray_dealloc,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_as_buffer = &bytearray_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_READY,
    .tp_doc = "A mutable sequence of bytes.",
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};


/* 1 if o is a bytearray; otherwise SystemError (CPython asserts). */
static int
check_bytearray(PyObject *o)
{
    if (o == NULL || !PyByteArray_Check(o)) {
        PyErr_BadInternalCall();
        return 0;
    }
    return 1;
}

PyObject *
PyByteArray_FromStringAndSize(const char *bytes, Py_ssize_t size)
{
    if (size < 0) {
        PyErr_SetString(PyExc_SystemError,
                        "Negative size passed to "
                        "PyByteArray_FromStringAndSize");
        return NULL;
    }
    if (size == PY_SSIZE_T_MAX) {
        return PyErr_NoMemory();
    }
    PyByteArrayObject *array = PyObject_New(PyByteArrayObject,
                                            &PyByteArray_Type);
    if (array == NULL) {
        return NULL;
    }
    Py_SET_SIZE(array, size);
    array->ob_alloc = 0;
    array->ob_bytes = array->ob_start = NULL;
    array->ob_exports = 0;
    if (size > 0) {
        array->ob_bytes = PyObject_Calloc(1, (size_t)size + 1);
        if (array->ob_bytes == NULL) {
            Py_DECREF(array);
            return PyErr_NoMemory();
        }
        array->ob_start = array->ob_bytes;
        array->ob_alloc = size + 1;
        if (bytes != NULL) {
            memcpy(array->ob_bytes, bytes, (size_t)size);
        }
    }
    return (PyObject *)array;
}

int
PyByteArray_Resize(PyObject *self, Py_ssize_t len)
{
    if (!check_bytearray(self)) {
        return -1;
    }
    if (len < 0) {
        PyErr_SetString(PyExc_SystemError,
                        "Negative size passed to PyByteArray_Resize");
        return -1;
    }
    PyByteArrayObject *array = (PyByteArrayObject *)self;
    if (len == Py_SIZE(self)) {
        return 0;
    }
    if (array->ob_exports > 0) {
        PyErr_SetString(PyExc_BufferError,
                        "Existing exports of data: object cannot be re-sized");
        return -1;
    }
    if (len == PY_SSIZE_T_MAX) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t offset = array->ob_start - array->ob_bytes;
    if (offset + len + 1 > array->ob_alloc || len + 1 < array->ob_alloc / 2) {
        /* Grow with an eighth to spare, or shrink to fit. */
        Py_ssize_t alloc = len + 1;
        if (len > Py_SIZE(self) && len / 8 <= PY_SSIZE_T_MAX - alloc) {
            alloc += len / 8;
        }
        char *bytes = PyObject_Malloc((size_t)alloc);
        if (bytes == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        Py_ssize_t kept = Py_MIN(len, Py_SIZE(self));
        if (kept > 0) {
            memcpy(bytes, array->ob_start, (size_t)kept);
        }
        mb_release_storage(array->ob_bytes, (size_t)array->ob_alloc);
        array->ob_bytes = array->ob_start = bytes;
        array->ob_alloc = alloc;
    }
    if (len > Py_SIZE(self)) {
        memset(array->ob_start + Py_SIZE(self), 0,
               (size_t)(len - Py_SIZE(self)));
    }
    Py_SET_SIZE(self, len);
    array->ob_start[len] = '\0';
    return 0;
}

char *
PyByteArray_AsString(PyObject *self)
{
    return check_bytearray(self) ? PyByteArray_AS_STRING(self) : NULL;
}

Py_ssize_t
PyByteArray_Size(PyObject *self)
{
    return check_bytearray(self) ? Py_SIZE(self) : -1;
}

PyObject *
PyByteArray_FromObject(PyObject *o)
{
    Py_buffer view;
    if (o == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (!PyObject_CheckBuffer(o)) {
        PyErr_Format(PyExc_TypeError, "cannot convert '%.200s' object to "
                     "bytearray", Py_TYPE(o)->tp_name);
        return NULL;
    }
    if (mb_get_buffer(o, &view, PyBUF_FULL_RO) < 0) {
        return NULL;
    }
    PyObject *array = PyByteArray_FromStringAndSize(NULL, view.len);
    if (array != NULL
        && PyBuffer_ToContiguous(PyByteArray_AS_STRING(array), &view,
                                 view.len, 'C') < 0) {
        Py_CLEAR(array);
    }
    PyBuffer_Release(&view);
    return array;
}

PyObject *
PyByteArray_Concat(PyObject *a, PyObject *b)
{
    Py_buffer va, vb;
    PyObject *result = NULL;
    if (a == NULL || b == NULL) {
        mb_err_null_argument();
        return NULL;
    }
    if (mb_get_buffer(a, &va, PyBUF_SIMPLE) != 0) {
        goto cannot_concat;
    }
    if (mb_get_buffer(b, &vb, PyBUF_SIMPLE) != 0) {
        PyBuffer_Release(&va);
        goto cannot_concat;
    }
    if (va.len < 0 || vb.len < 0) {
        /* CPython adds the lengths first: a negative sum gets this error,
           a positive one a memcpy of a negative size. */
        PyErr_SetString(PyExc_SystemError, "Negative size passed to "
                        "PyByteArray_FromStringAndSize");
    }
    else if (va.len > PY_SSIZE_T_MAX - vb.len) {
        PyErr_NoMemory();
    }
    else {
        result = PyByteArray_FromStringAndSize(NULL, va.len + vb.len);
        if (result != NULL) {
            char *out = PyByteArray_AS_STRING(result);
            if (va.len > 0) {
                memcpy(out, va.buf, (size_t)va.len);
            }
            if (vb.len > 0) {
                memcpy(out + va.len, vb.buf, (size_t)vb.len);
            }
        }
    }
    PyBuffer_Release(&va);
    PyBuffer_Release(&vb);
    return result;

cannot_concat:
    PyErr_Format(PyExc_TypeError, "can't concat %.100s to %.100s",
                 Py_TYPE(b)->tp_name, Py_TYPE(a)->tp_name);
    return NULL;
}
