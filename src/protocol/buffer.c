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
 * - With tracking on (runtime/tracking.c), the library records each view
 *   it has bf_getbuffer fill (mb_call_getbuffer) and forgets it at
 *   release.
 *
 * Where CPython reads through NULL, minibuf is defined: a NULL object gets
 * SystemError "null argument to internal routine", and a NULL view in
 * PyBuffer_Release does nothing.  The exporter's result passes through as
 * in CPython's release build; with tracking on (the debug mode), an
 * exporter that fails without setting an exception gets SystemError
 * (mb_tracked_getbuffer).  minibuf's own consumers refuse a view granted
 * with an exception set (mb_get_buffer, mb_granted_with_error).
 */
#include "protocol.h"

int
PyObject_CheckBuffer(PyObject *obj)
{
    return obj != NULL && mb_has_getbuffer(obj);
}

/* PyObject_GetBuffer's error for an object that is NULL or exports
   nothing.  The errors are kept out of the hot path. */
static MB_COLD int
not_an_exporter(PyObject *obj)
{
    if (obj == NULL) {
        mb_err_null_argument();
    }
    else {
        PyErr_Format(PyExc_TypeError,
                     "a bytes-like object is required, not '%.100s'",
                     Py_TYPE(obj)->tp_name);
    }
    return -1;
}

MB_COLD int
mb_granted_with_error(PyObject *obj, Py_buffer *view)
{
    PyTypeObject *type = Py_TYPE(obj);
    Py_INCREF(type);
    PyBuffer_Release(view);
    PyErr_Format(PyExc_SystemError, "bf_getbuffer of '%.100s' succeeded "
                 "with an exception set", type->tp_name);
    Py_DECREF(type);
    return -1;
}

/* The debug mode's call: CPython's debug build checks the slot's result;
   minibuf checks it when tracking is on, and records the export. */
int
mb_tracked_getbuffer(getbufferproc getbuffer, PyObject *obj,
                     Py_buffer *view, int flags)
{
    int result = getbuffer(obj, view, flags);
    if (result == -1 && !PyErr_Occurred() && mb_tracking_on()) {
        PyErr_SetString(PyExc_SystemError,
                        "bf_getbuffer failed without setting an exception");
    }
    if (result == 0) {
        mb_track_export(view, flags);
    }
    return result;
}

int
PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags)
{
    PyBufferProcs *procs;
    if (obj == NULL || (procs = mb_buffer_procs(Py_TYPE(obj))) == NULL
        || procs->bf_getbuffer == NULL) {
        return not_an_exporter(obj);
    }
    if (mb_tracking()) {
        return mb_tracked_getbuffer(procs->bf_getbuffer, obj, view, flags);
    }
    return procs->bf_getbuffer(obj, view, flags);
}

void
PyBuffer_Release(Py_buffer *view)
{
    PyObject *obj;
    if (view == NULL || (obj = view->obj) == NULL) {
        return;
    }
    PyBufferProcs *procs = mb_buffer_procs(Py_TYPE(obj));
    if (procs != NULL && procs->bf_releasebuffer != NULL) {
        procs->bf_releasebuffer(obj, view);
    }
    if (mb_tracking()) {
        mb_untrack_export(view);
    }
    view->obj = NULL;
    Py_DECREF(obj);
}

int
PyBuffer_FillInfo(Py_buffer *view, PyObject *exporter, void *buf,
                  Py_ssize_t len, int readonly, int flags)
{
    return mb_fill_info(view, exporter, buf, len, readonly, flags);
}
