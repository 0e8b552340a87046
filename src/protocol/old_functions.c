/* The old buffer protocol's four functions: PyObject_AsCharBuffer,
 * PyObject_AsReadBuffer, PyObject_CheckReadBuffer, PyObject_AsWriteBuffer.
 *
 * Two implementations live side by side, chosen by the layout of the
 * object's buffer table:
 * - CPython 3's table (or none) gets CPython 3's wrappers (3.6 to 3.12): a
 *   PyBUF_SIMPLE or PyBUF_WRITABLE request whose view is released before
 *   the pointer is returned;
 * - a table in 2.7's layout (a type defined in Python 2 mode, minibuf's
 *   Python 2 objects: runtime/python2_types.c) gets Python 2.7.18's
 *   functions, which use the segment slots only, even beside bf_getbuffer:
 *   one slot each, a single segment required, 2.7's messages, and a slot's
 *   own error passed on.  As in 2.7, bf_getcharbuffer counts only when the
 *   type has Py_TPFLAGS_HAVE_GETCHARBUFFER.
 *
 * Lifetime: in both, nothing keeps the memory in place after the call.  In
 * CPython 3 the export is released at once, so a bytearray can be resized
 * under the returned pointer; Python 2 never had an export to hold.
 */
#include "protocol.h"

/* --- Python 2.7's functions ---------------------------------------------- */

typedef enum { READ_SEGMENT, WRITE_SEGMENT, CHAR_SEGMENT } SegmentKind;

static int
has_segment_slot(PyObject *obj, const MbPython2BufferProcs *procs,
                 SegmentKind kind)
{
    switch (kind) {
    case READ_SEGMENT:
        return procs->bf_getreadbuffer != NULL;
    case WRITE_SEGMENT:
        return procs->bf_getwritebuffer != NULL;
    default:
        return procs->bf_getcharbuffer != NULL
               && (Py_TYPE(obj)->tp_flags
                   & MB_TPFLAGS_PYTHON2_GETCHARBUFFER);
    }
}

/* Segment 0 of obj through the slot of `kind`; returns its length, or -1
   with the slot's exception. */
static Py_ssize_t
call_segment_slot(const MbPython2BufferProcs *procs, SegmentKind kind,
                  PyObject *obj, void **pointer)
{
    switch (kind) {
    case READ_SEGMENT:
        return procs->bf_getreadbuffer(obj, 0, pointer);
    case WRITE_SEGMENT:
        return procs->bf_getwritebuffer(obj, 0, pointer);
    default: {
        char *chars = NULL;
        Py_ssize_t length = procs->bf_getcharbuffer(obj, 0, &chars);
        *pointer = chars;
        return length;
    }
    }
}

/* Python 2.7's As*Buffer: the slot of `kind` and the segment count must
   exist (else TypeError `missing`), there must be exactly one segment. */
static int
python2_segment(PyObject *obj, const MbPython2BufferProcs *procs,
                SegmentKind kind, const char *missing, void **buffer,
                Py_ssize_t *buffer_len)
{
    if (!has_segment_slot(obj, procs, kind) || procs->bf_getsegcount == NULL) {
        PyErr_SetString(PyExc_TypeError, missing);
        return -1;
    }
    if (procs->bf_getsegcount(obj, NULL) != 1) {
        PyErr_SetString(PyExc_TypeError,
                        "expected a single-segment buffer object");
        return -1;
    }
    void *pointer;
    Py_ssize_t length = call_segment_slot(procs, kind, obj, &pointer);
    if (length < 0) {
        return -1;
    }
    *buffer = pointer;
    *buffer_len = length;
    return 0;
}

/* --- CPython 3's wrappers ------------------------------------------------ */

/* Ask for a PyBUF_SIMPLE view, keep its pointer and length, release it. */
static int
python3_read(PyObject *obj, const void **buffer, Py_ssize_t *buffer_len)
{
    Py_buffer view;
    if (mb_get_buffer(obj, &view, PyBUF_SIMPLE) != 0) {
        return -1;
    }
    *buffer = view.buf;
    *buffer_len = view.len;
    PyBuffer_Release(&view);
    return 0;
}

/* --- The four functions -------------------------------------------------- */

int
PyObject_AsCharBuffer(PyObject *obj, const char **buffer,
                      Py_ssize_t *buffer_len)
{
    if (obj == NULL || buffer == NULL || buffer_len == NULL) {
        mb_err_null_argument();
        return -1;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(Py_TYPE(obj));
    if (procs != NULL) {
        void *pointer;
        if (python2_segment(obj, procs, CHAR_SEGMENT, "expected a string or "
                            "other character buffer object", &pointer,
                            buffer_len) < 0) {
            return -1;
        }
        *buffer = pointer;
        return 0;
    }
    const void *pointer;
    if (python3_read(obj, &pointer, buffer_len) < 0) {
        return -1;
    }
    *buffer = pointer;
    return 0;
}

int
PyObject_AsReadBuffer(PyObject *obj, const void **buffer,
                      Py_ssize_t *buffer_len)
{
    if (obj == NULL || buffer == NULL || buffer_len == NULL) {
        mb_err_null_argument();
        return -1;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(Py_TYPE(obj));
    if (procs != NULL) {
        void *pointer;
        if (python2_segment(obj, procs, READ_SEGMENT,
                            "expected a readable buffer object", &pointer,
                            buffer_len) < 0) {
            return -1;
        }
        *buffer = pointer;
        return 0;
    }
    return python3_read(obj, buffer, buffer_len);
}

int
PyObject_AsWriteBuffer(PyObject *obj, void **buffer, Py_ssize_t *buffer_len)
{
    if (obj == NULL || buffer == NULL || buffer_len == NULL) {
        mb_err_null_argument();
        return -1;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(Py_TYPE(obj));
    if (procs != NULL) {
        return python2_segment(obj, procs, WRITE_SEGMENT,
                               "expected a writeable buffer object", buffer,
                               buffer_len);
    }
    /* Any failure is replaced (CPython calls the slot directly). */
    Py_buffer view;
    if (mb_get_buffer(obj, &view, PyBUF_WRITABLE) != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "expected a writable bytes-like object");
        return -1;
    }
    *buffer = view.buf;
    *buffer_len = view.len;
    PyBuffer_Release(&view);
    return 0;
}

int
PyObject_CheckReadBuffer(PyObject *obj)
{
    if (obj == NULL) {
        return 0;
    }
    const MbPython2BufferProcs *procs = mb_python2_slots(Py_TYPE(obj));
    if (procs != NULL) {
        return procs->bf_getreadbuffer != NULL
               && procs->bf_getsegcount != NULL
               && procs->bf_getsegcount(obj, NULL) == 1;
    }
    /* As CPython 3: only -1 is a refusal; any other answer is a yes, its
       view released (none, if the exporter did not fill it) and its
       exception, if any, left set. */
    Py_buffer view;
    if (!PyObject_CheckBuffer(obj)) {
        return 0;
    }
    view.obj = NULL;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) == -1) {
        PyErr_Clear();
        return 0;
    }
    PyBuffer_Release(&view);
    return 1;
}
