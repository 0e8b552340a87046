/* cpython: 2.7-2.7
 *
 * The old protocol's functions on types that fill only Python 2's segment
 * slots: which slot each function uses, the single-segment rule with 0, 1
 * and 2 segments, every missing-slot message, a slot's own error, and NULL
 * arguments with and without a pending exception.
 */
#include "legacy_exporter.h"

static void
all_four(const char *title, Legacy *l)
{
    PyObject *obj = (PyObject *)l;
    const char *chars = NULL;
    const void *read = NULL;
    void *write = NULL;
    Py_ssize_t len = -1;
    printf("== %s (%ld segments%s)\n", title, (long)l->nsegments,
           l->fail ? ", failing" : "");
    l->log[0] = '\0';
    int result = PyObject_AsCharBuffer(obj, &chars, &len);
    printf("AsCharBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld", (long)(chars - l->data[0]),
               (long)len);
    }
    printf(", slots '%s'\n", l->log);
    print_error();
    l->log[0] = '\0';
    result = PyObject_AsReadBuffer(obj, &read, &len);
    printf("AsReadBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld", (long)((const char *)read - l->data[0]),
               (long)len);
    }
    printf(", slots '%s'\n", l->log);
    print_error();
    l->log[0] = '\0';
    result = PyObject_AsWriteBuffer(obj, &write, &len);
    printf("AsWriteBuffer -> %d", result);
    if (result == 0) {
        printf(", data+%ld, len %ld", (long)((char *)write - l->data[0]),
               (long)len);
    }
    printf(", slots '%s'\n", l->log);
    print_error();
    l->log[0] = '\0';
    printf("CheckReadBuffer -> %d, slots '%s', exception set: %d\n",
           PyObject_CheckReadBuffer(obj), l->log, PyErr_Occurred() != NULL);
}

int
main(void)
{
    scenario_begin();
    PyTypeObject *types[] = {&AllSlots, &ReadSlots, &WriteSlots, &CharSlots,
                             &NoSegcount};
    const char *names[] = {"all four slots", "read and segcount",
                           "write and segcount", "char and segcount",
                           "no segcount"};
    for (int t = 0; t < 5; t++) {
        for (Py_ssize_t n = 0; n <= 2; n++) {
            Legacy *l = new_legacy(types[t], n);
            all_four(names[t], l);
            l->fail = 1;
            if (n == 1) {
                all_four(names[t], l);
            }
            Py_DECREF(l);
        }
    }

    Legacy *l = new_legacy(&AllSlots, 1);
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
        TRY(PyObject_AsCharBuffer((PyObject *)l, NULL, &len));
        TRY(PyObject_AsReadBuffer((PyObject *)l, &read, NULL));
        TRY(PyObject_AsWriteBuffer(NULL, &write, &len));
#undef TRY
    }
    Py_DECREF(l);
    return scenario_end();
}
