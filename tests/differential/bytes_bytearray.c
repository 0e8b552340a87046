/* cpython: 3.8-3.13
 *
 * bytes and bytearray: creation, sizes, the errors of the accessors, the
 * export lock of bytearray (a resize to another size is refused while a
 * buffer is exported, a same-size resize is allowed), Concat and
 * FromObject, and the report of a bytearray deallocated with exports.
 * That export is never released, on purpose:
 * minibuf leaves: 1 buffer export(s) not released:
 */
#include "scenario.h"

static void
show_bytes(const char *label, PyObject *o)
{
    if (o == NULL) {
        printf("%s -> NULL\n", label);
        print_error();
        return;
    }
    printf("%s -> %s of size %ld: '%s'\n", label, Py_TYPE(o)->tp_name,
           (long)Py_SIZE(o), PyBytes_Check(o) ? PyBytes_AS_STRING(o)
                                             : PyByteArray_AS_STRING(o));
}

int
main(void)
{
    scenario_begin();
    PyObject *b = PyBytes_FromStringAndSize("hello", 5);
    show_bytes("PyBytes_FromStringAndSize", b);
    printf("PyBytes_Size -> %ld, GET_SIZE %ld, Check %d, CheckExact %d\n",
           (long)PyBytes_Size(b), (long)PyBytes_GET_SIZE(b),
           PyBytes_Check(b), PyBytes_CheckExact(b));
    printf("AsString == AS_STRING: %d, NUL after: %d\n",
           PyBytes_AsString(b) == PyBytes_AS_STRING(b),
           PyBytes_AS_STRING(b)[5] == '\0');
    PyObject *partial = PyBytes_FromStringAndSize("hello world", 3);
    show_bytes("PyBytes_FromStringAndSize 3 of 11", partial);
    PyObject *from = PyBytes_FromString("from a string");
    show_bytes("PyBytes_FromString", from);
    show_bytes("PyBytes_FromStringAndSize negative",
               PyBytes_FromStringAndSize("x", -1));

    PyObject *a = PyByteArray_FromStringAndSize("array", 5);
    show_bytes("PyByteArray_FromStringAndSize", a);
    printf("PyBytes_AsString(bytearray) -> %s\n",
           PyBytes_AsString(a) ? "set" : "NULL");
    print_error();
    printf("PyBytes_Size(bytearray) -> %ld\n", (long)PyBytes_Size(a));
    print_error();
    printf("PyByteArray_Size -> %ld, GET_SIZE %ld, Check %d, CheckExact %d, "
           "on bytes %d\n", (long)PyByteArray_Size(a),
           (long)PyByteArray_GET_SIZE(a), PyByteArray_Check(a),
           PyByteArray_CheckExact(a), PyByteArray_Check(b));
    printf("AsString == AS_STRING: %d\n",
           PyByteArray_AsString(a) == PyByteArray_AS_STRING(a));
    show_bytes("PyByteArray_FromStringAndSize negative",
               PyByteArray_FromStringAndSize("x", -1));
    PyObject *empty = PyByteArray_FromStringAndSize(NULL, 0);
    printf("empty bytearray: AS_STRING is NULL: %d, first byte %d\n",
           PyByteArray_AS_STRING(empty) == NULL,
           PyByteArray_AS_STRING(empty)[0]);

    /* The export lock. */
    Py_buffer view;
    report("GetBuffer", PyObject_GetBuffer(a, &view, PyBUF_SIMPLE));
    printf("exports %ld\n", (long)((PyByteArrayObject *)a)->ob_exports);
    report("Resize to 10 while exported", PyByteArray_Resize(a, 10));
    report("Resize to 2 while exported", PyByteArray_Resize(a, 2));
    report("Resize to 5 (same size) while exported",
           PyByteArray_Resize(a, 5));
    PyBuffer_Release(&view);
    printf("exports %ld\n", (long)((PyByteArrayObject *)a)->ob_exports);
    report("Resize to 10", PyByteArray_Resize(a, 10));
    printf("size %ld, first five '%.5s', NUL at 10: %d\n",
           (long)PyByteArray_GET_SIZE(a), PyByteArray_AS_STRING(a),
           PyByteArray_AS_STRING(a)[10] == '\0');
    report("Resize to 3", PyByteArray_Resize(a, 3));
    show_bytes("after shrinking", a);
    report("Resize to 0", PyByteArray_Resize(a, 0));
    printf("size %ld, AS_STRING NULL: %d\n", (long)PyByteArray_GET_SIZE(a),
           PyByteArray_AS_STRING(a) == NULL);
    report("Resize to 4", PyByteArray_Resize(a, 4));

    /* Concat and FromObject. */
    PyObject *plain = new_plain(&PlainType);
    PyObject *cat = PyByteArray_Concat(b, from);
    show_bytes("Concat(bytes, bytes)", cat);
    Py_XDECREF(cat);
    Exporter *ex = new_exporter("exp", 3, 1);
    cat = PyByteArray_Concat((PyObject *)ex, b);
    show_bytes("Concat(exporter, bytes)", cat);
    Py_XDECREF(cat);
    printf("exporter: getbuffer calls %d, release calls %d, flags %d\n",
           ex->getbuffer_calls, ex->release_calls, ex->last_flags);
    show_bytes("Concat(bytes, plain)", PyByteArray_Concat(b, plain));
    show_bytes("Concat(plain, bytes)", PyByteArray_Concat(plain, b));
    ex->fail = 1;
    show_bytes("Concat(bytes, failing)",
               PyByteArray_Concat(b, (PyObject *)ex));
    printf("exporter: getbuffer calls %d, release calls %d\n",
           ex->getbuffer_calls, ex->release_calls);
    ex->fail = 0;
    PyObject *copy = PyByteArray_FromObject((PyObject *)ex);
    show_bytes("FromObject(exporter)", copy);
    printf("exporter: getbuffer flags %d, release calls %d\n",
           ex->last_flags, ex->release_calls);
    Py_XDECREF(copy);
    copy = PyByteArray_FromObject(b);
    show_bytes("FromObject(bytes)", copy);
    Py_XDECREF(copy);
    show_bytes("FromObject(plain)", PyByteArray_FromObject(plain));

    /* Dropping view->obj without releasing: the bytearray reports it. */
    PyObject *lost = PyByteArray_FromStringAndSize("lost", 4);
    PyObject_GetBuffer(lost, &view, PyBUF_SIMPLE);
    printf("dropping a bytearray that still counts an export\n");
    Py_DECREF(view.obj);
    Py_DECREF(lost);
    flush_stderr();
    printf("after the drop, an exception is set: %d\n",
           PyErr_Occurred() != NULL);

    Py_DECREF(ex);
    Py_DECREF(plain);
    Py_DECREF(empty);
    Py_DECREF(a);
    Py_DECREF(from);
    Py_DECREF(partial);
    Py_DECREF(b);
    return scenario_end();
}
