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

int
PyObject_CheckBuffer(PyObject *obj)
{
    if (obj == NULL) {
        return 0;
    }
    PyBufferProcs *procs = Py_TYPE(obj)->tp_as_buffer;
    return procs != NULL && procs->bf_getbuffer != NULL;
}

/* The error of PyObject_GetBuffer when the object or its exporter fails
   to follow the rules; kept out of the hot path. */
static int
getbuffer_error(PyObject *obj, int result)
{
    if (obj == NULL) {
        mb_err_null_argument();
    }
    else if (result == 0) {
        PyErr_Format(PyExc_TypeError,
                     "a bytes-like object is required, not '%.100s'",
                     Py_TYPE(obj)->tp_name);
    }
    else if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_SystemError,
                     "bf_getbuffer of '%.100s' failed without setting an "
                     "exception", Py_TYPE(obj)->tp_name);
    }
    return result == 0 ? -1 : result;
}

int
PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags)
{
    if (obj == NULL || !PyObject_CheckBuffer(obj)) {
        return getbuffer_error(obj, 0);
    }
    int result = mb_call_getbuffer(obj, view, flags);
    return result == 0 ? 0 : getbuffer_error(obj, result);
}

void
PyBuffer_Release(Py_buffer *view)
{
    PyObject *obj;
    if (view == NULL || (obj = view->obj) == NULL) {
        return;
    }
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
    return mb_fill_info(view, exporter, buf, len, readonly, flags);
}
