/* cpython: 3.6-3.12
 *
 * The request matrix: every single and compound PyBUF_* request, alone and
 * with WRITABLE and FORMAT added, plus odd values (0x10 alone, PyBUF_READ,
 * -1), against bytes, bytearray, an empty bytearray and exporters defined
 * here (read-only, writable, failing, one that leaves obj NULL), and against
 * objects that do not export.  Every Py_buffer field, the exception, the
 * reference count changes and the exporter's call counts are printed.
 * (3.13 rejects PyBUF_READ and PyBUF_WRITE with SystemError.)
 */
#include "scenario.h"

/* Fill the view with a recognisable pattern, so that fields an exporter
   leaves alone show as such. */
static void
poison(Py_buffer *view)
{
    static char marker[] = "untouched";
    view->buf = marker;
    view->obj = NULL;
    view->len = -77;
    view->itemsize = -77;
    view->readonly = -77;
    view->ndim = -77;
    view->format = marker;
    view->shape = NULL;
    view->strides = NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
}

static void
request_one(PyObject *obj, const void *data, const char *name, int flags)
{
    Py_buffer view;
    poison(&view);
    Py_ssize_t before = Py_REFCNT(obj);
    int result = PyObject_GetBuffer(obj, &view, flags);
    printf("%s (%d) -> %d, refs %+ld\n", name, flags, result,
           (long)(Py_REFCNT(obj) - before));
    print_error();
    if (result == 0) {
        print_view(&view, obj, data);
        PyBuffer_Release(&view);
        printf("  after release: obj=%s refs %+ld\n",
               view.obj == NULL ? "NULL" : "set",
               (long)(Py_REFCNT(obj) - before));
    }
    else if (view.len == -77 && view.obj == NULL && view.ndim == -77) {
        printf("  view untouched\n");
    }
    else {
        printf("  view written: obj=%s\n", view.obj ? "set" : "NULL");
    }
}

static void
matrix(const char *title, PyObject *obj, const void *data)
{
    printf("== %s: PyObject_CheckBuffer -> %d\n", title,
           PyObject_CheckBuffer(obj));
    for (int i = 0; i < N_REQUESTS; i++) {
        char name[64];
        request_one(obj, data, requests[i].name, requests[i].flags);
        snprintf(name, sizeof(name), "%s|WRITABLE", requests[i].name);
        request_one(obj, data, name, requests[i].flags | PyBUF_WRITABLE);
        snprintf(name, sizeof(name), "%s|FORMAT", requests[i].name);
        request_one(obj, data, name, requests[i].flags | PyBUF_FORMAT);
    }
}

static void
counts(const char *title, Exporter *ex)
{
    printf("%s: getbuffer calls %d, release calls %d\n", title,
           ex->getbuffer_calls, ex->release_calls);
}

int
main(void)
{
    scenario_begin();

    PyObject *bytes = PyBytes_FromStringAndSize("abcdefgh", 8);
    matrix("bytes", bytes, PyBytes_AS_STRING(bytes));

    PyObject *array = PyByteArray_FromStringAndSize("abcdefgh", 8);
    matrix("bytearray", array, PyByteArray_AS_STRING(array));
    printf("bytearray exports after the matrix: %ld\n",
           (long)((PyByteArrayObject *)array)->ob_exports);

    PyObject *empty = PyByteArray_FromStringAndSize(NULL, 0);
    Py_buffer view;
    PyObject_GetBuffer(empty, &view, PyBUF_FULL_RO);
    printf("empty bytearray: buf is NULL: %d, len %ld, buf[0] == 0: %d\n",
           view.buf == NULL, (long)view.len, ((char *)view.buf)[0] == 0);
    PyBuffer_Release(&view);

    Exporter *ro = new_exporter("read-only", 9, 1);
    matrix("read-only exporter", (PyObject *)ro, ro->data);
    counts("read-only exporter", ro);

    Exporter *rw = new_exporter("writable", 8, 0);
    matrix("writable exporter", (PyObject *)rw, rw->data);
    counts("writable exporter", rw);

    Exporter *odd = new_exporter("odd", 3, 2);
    request_one((PyObject *)odd, odd->data, "readonly=2 WRITABLE",
                PyBUF_WRITABLE);

    Exporter *failing = new_exporter("x", 1, 0);
    failing->fail = 1;
    request_one((PyObject *)failing, failing->data, "failing FULL_RO",
                PyBUF_FULL_RO);
    counts("failing exporter", failing);

    Exporter *nullobj = new_exporter("nullobj", 7, 0);
    nullobj->null_obj = 1;
    request_one((PyObject *)nullobj, nullobj->data, "obj NULL FULL",
                PyBUF_FULL);
    counts("obj-NULL exporter", nullobj);

    PyObject *plain = new_plain(&PlainType);
    printf("== plain object: PyObject_CheckBuffer -> %d\n",
           PyObject_CheckBuffer(plain));
    request_one(plain, NULL, "plain SIMPLE", PyBUF_SIMPLE);
    PyObject *slots = new_plain(&EmptySlotsType);
    printf("== empty slots: PyObject_CheckBuffer -> %d\n",
           PyObject_CheckBuffer(slots));
    request_one(slots, NULL, "empty slots FULL", PyBUF_FULL);

    /* A NULL view: the exporters answer in their own words. */
    printf("bytes, view NULL -> %d\n",
           PyObject_GetBuffer(bytes, NULL, PyBUF_SIMPLE));
    print_error();
    printf("bytearray, view NULL -> %d\n",
           PyObject_GetBuffer(array, NULL, PyBUF_SIMPLE));
    print_error();

    Py_DECREF(plain);
    Py_DECREF(slots);
    Py_DECREF(nullobj);
    Py_DECREF(failing);
    Py_DECREF(odd);
    Py_DECREF(rw);
    Py_DECREF(ro);
    Py_DECREF(empty);
    Py_DECREF(array);
    Py_DECREF(bytes);
    return scenario_end();
}
