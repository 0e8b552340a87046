/* Asking for a buffer and giving it back: the core of the new protocol.
 *
 * Ownership rules:
 * - PyObject_GetBuffer passes the request to the exporter's bf_getbuffer,
 *   which fills the view and stores a new reference to itself (or to the
 *   object it redirects to) in view->obj.
 * - PyBuffer_Release calls bf_releasebuffer while view->obj and its
 *   reference are still in place, then clears view->obj and drops the
 *   reference.  A view whose obj is NULL is left alone, so a second release
 *   does nothing.
 * - Exports are counted for MbStats where the library calls bf_getbuffer
 *   (mb_call_getbuffer), at the outermost call of a thread only: an
 *   exporter that redirects a request to another exporter calls
 *   PyObject_GetBuffer on the consumer's view, and that view is released
 *   once.
 *
 * Where CPython reads through NULL, minibuf is defined: a NULL object gets
 * SystemError "null argument to internal routine", a NULL view in
 * PyBuffer_Release does nothing, and an exporter that fails without setting
 * an exception gets SystemError.
 */
#include "internal.h"

/* Nesting depth of PyObject_GetBuffer calls on this thread. */
static _Thread_local int getbuffer_depth;

int
PyObject_CheckBuffer(PyObject *obj)
{
    if (obj == NULL) {
        return 0;
    }
    PyBufferProcs *procs = Py_TYPE(obj)->tp_as_buffer;
    return procs != NULL && procs->bf_getbuffer != NULL;
}

int
mb_call_getbuffer(PyObject *obj, Py_buffer *view, int flags)
{
    getbuffer_depth++;
    int result = Py_TYPE(obj)->tp_as_buffer->bf_getbuffer(obj, view, flags);
    getbuffer_depth--;
    if (result == 0 && getbuffer_depth == 0 && view != NULL
        && view->obj != NULL) {
        mb_count_export(1);
    }
    return result;
}

int
PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags)
{
    if (obj == NULL) {
        mb_err_null_argument();
        return -1;
    }
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "a bytes-like object is required, not '%.100s'",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    int result = mb_call_getbuffer(obj, view, flags);
    if (result != 0 && !PyErr_Occurred()) {
        PyErr_Format(PyExc_SystemError,
                     "bf_getbuffer of '%.100s' failed without setting an "
                     "exception", Py_TYPE(obj)->tp_name);
    }
    return result;
}

void
PyBuffer_Release(Py_buffer *view)
{
    if (view == NULL || view->obj == NULL) {
        return;
    }
    PyObject *obj = view->obj;
    PyBufferProcs *procs = Py_TYPE(obj)->tp_as_buffer;
    if (procs != NULL && procs->bf_releasebuffer != NULL) {
        procs->bf_releasebuffer(obj, view);
    }
    view->obj = NULL;
    mb_count_export(-1);
    Py_DECREF(obj);
}

int
PyBuffer_FillInfo(Py_buffer *view, PyObject *exporter, void *buf,
                  Py_ssize_t len, int readonly, int flags)
{
    if (view == NULL) {
        PyErr_SetString(PyExc_BufferError,
                        "PyBuffer_FillInfo: view==NULL argument is obsolete");
        return -1;
    }
    /* CPython tests readonly == 1 literally: 2 counts as writable. */
    if ((flags & PyBUF_WRITABLE) && readonly == 1) {
        PyErr_SetString(PyExc_BufferError, "Object is not writable.");
        return -1;
    }
    view->obj = Py_XNewRef(exporter);
    view->buf = buf;
    view->len = len;
    view->readonly = readonly;
    view->itemsize = 1;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"B" : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                    ? &view->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}
