/* cpython: 3.6-3.12
 *
 * The old protocol's functions as CPython 3's wrappers: what they return
 * for bytes, bytearray and exporters defined here, that the view is
 * released before they return (seen by a counting exporter), the request
 * each makes, the exception each keeps or replaces, NULL arguments with and
 * without a pending exception.  (3.13 removed them from the headers.)
 */
#include "scenario.h"

static void
all_four(const char *title, PyObject *obj, const void *data)
{
    const char *chars = NULL;
    const void *read = NULL;
    void *write = NULL;
    Py_ssize_t len = -1;
    printf("== %s\n", title);
    int result = PyObject_AsCharBuffer(obj, &chars, &len);
    printf("AsCharBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld", (long)(chars - (const char *)data),
               (long)len);
    }
    printf("\n");
    print_error();
    len = -1;
    result = PyObject_AsReadBuffer(obj, &read, &len);
    printf("AsReadBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld",
               (long)((const char *)read - (const char *)data), (long)len);
    }
    printf("\n");
    print_error();
    len = -1;
    result = PyObject_AsWriteBuffer(obj, &write, &len);
    printf("AsWriteBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld",
               (long)((char *)write - (const char *)data), (long)len);
    }
    printf("\n");
    print_error();
    printf("CheckReadBuffer -> %d, exception set: %d\n",
           PyObject_CheckReadBuffer(obj), PyErr_Occurred() != NULL);
}

static void
counted(const char *title, Exporter *ex)
{
    all_four(title, (PyObject *)ex, ex->data);
    printf("getbuffer calls %d, release calls %d, last flags %d\n",
           ex->getbuffer_calls, ex->release_calls, ex->last_flags);
}

/* counted for a new exporter, which it then gives back. */
static void
counted_new(const char *title, Exporter *ex)
{
    counted(title, ex);
    Py_DECREF(ex);
}

static void
null_arguments(PyObject *obj)
{
    const char *chars;
    const void *read;
    void *write;
    Py_ssize_t len;
    for (int pending = 0; pending < 2; pending++) {
        printf("== NULL arguments, %s\n",
               pending ? "KeyError pending" : "nothing pending");
#define TRY(call)                                               \
        do {                                                    \
            if (pending) {                                      \
                PyErr_SetString(PyExc_KeyError, "pending");     \
            }                                                   \
            report(#call, call);                                \
        } while (0)
        TRY(PyObject_AsCharBuffer(NULL, &chars, &len));
        TRY(PyObject_AsCharBuffer(obj, NULL, &len));
        TRY(PyObject_AsCharBuffer(obj, &chars, NULL));
        TRY(PyObject_AsReadBuffer(NULL, &read, &len));
        TRY(PyObject_AsReadBuffer(obj, NULL, &len));
        TRY(PyObject_AsReadBuffer(obj, &read, NULL));
        TRY(PyObject_AsWriteBuffer(NULL, &write, &len));
        TRY(PyObject_AsWriteBuffer(obj, NULL, &len));
        TRY(PyObject_AsWriteBuffer(obj, &write, NULL));
#undef TRY
    }
}

int
main(void)
{
    scenario_begin();
    PyObject *bytes = PyBytes_FromStringAndSize("immutable", 9);
    all_four("bytes", bytes, PyBytes_AS_STRING(bytes));

    PyObject *array = PyByteArray_FromStringAndSize("mutable", 7);
    all_four("bytearray", array, PyByteArray_AS_STRING(array));
    printf("bytearray exports afterwards: %ld\n",
           (long)((PyByteArrayObject *)array)->ob_exports);
    /* The export was released before the pointer came back, so the
       bytearray can be resized at once. */
    const void *stale;
    Py_ssize_t len;
    PyObject_AsReadBuffer(array, &stale, &len);
    report("Resize after AsReadBuffer", PyByteArray_Resize(array, 100));

    PyObject *empty = PyByteArray_FromStringAndSize(NULL, 0);
    all_four("empty bytearray", empty, PyByteArray_AS_STRING(empty));

    counted_new("read-only exporter", new_exporter("read-only", 9, 1));
    counted_new("writable exporter", new_exporter("writable", 8, 0));
    Exporter *failing = new_exporter("failing", 7, 0);
    failing->fail = 1;
    PyErr_SetString(PyExc_KeyError, "pending before CheckReadBuffer");
    printf("CheckReadBuffer with a pending exception, failing exporter -> "
           "%d, exception set: %d\n",
           PyObject_CheckReadBuffer((PyObject *)failing),
           PyErr_Occurred() != NULL);
    counted("failing exporter", failing);
    Exporter *nullobj = new_exporter("null obj", 8, 0);
    nullobj->null_obj = 1;
    counted("exporter leaving obj NULL", nullobj);

    PyObject *plain = new_plain(&PlainType);
    all_four("plain object", plain, NULL);
    PyObject *slots = new_plain(&EmptySlotsType);
    all_four("empty slots", slots, NULL);

    null_arguments(bytes);

    Py_DECREF(slots);
    Py_DECREF(plain);
    Py_DECREF(nullobj);
    Py_DECREF(failing);
    Py_DECREF(empty);
    Py_DECREF(array);
    Py_DECREF(bytes);
    return scenario_end();
}
