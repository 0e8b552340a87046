/* cpython: 3.11-3.11
 *
 * The object API around buffer code: generic attribute access (every
 * lookup fails, as on an object with no attributes), Py_IncRef and
 * Py_DecRef as functions, Py_SET_REFCNT and Py_SET_SIZE, the PyMem_
 * allocation macros, PyType_GenericAlloc and PyType_GenericNew, and
 * PyObject_HashNotImplemented.
 */
#include "scenario.h"

static void
attributes(void)
{
    PyObject *bytes = PyBytes_FromString("abc");
    PyObject *name = PyUnicode_FromString("upper_case");
    PyObject *number = PyLong_FromLong(3);
    PyObject *found = PyObject_GenericGetAttr(bytes, name);
    printf("GenericGetAttr(b'abc', 'upper_case') -> %s\n",
           found ? "object" : "NULL");
    print_error();
    found = PyObject_GenericGetAttr(bytes, number);
    printf("GenericGetAttr(b'abc', 3) -> %s\n", found ? "object" : "NULL");
    print_error();
    report("GenericSetAttr(b'abc', 'upper_case', 3)",
           PyObject_GenericSetAttr(bytes, name, number));
    report("GenericSetAttr(b'abc', 'upper_case', NULL)",
           PyObject_GenericSetAttr(bytes, name, NULL));
    report("GenericSetAttr(b'abc', 3, 3)",
           PyObject_GenericSetAttr(bytes, number, number));
    Py_DECREF(bytes);
    Py_DECREF(name);
    Py_DECREF(number);
}

static void
counts(void)
{
    PyObject *array = PyByteArray_FromStringAndSize("xyz", 3);
    Py_ssize_t start = Py_REFCNT(array);
    Py_IncRef(array);
    Py_IncRef(array);
    printf("Py_IncRef twice: %+ld\n", (long)(Py_REFCNT(array) - start));
    Py_DecRef(array);
    printf("Py_DecRef once: %+ld\n", (long)(Py_REFCNT(array) - start));
    Py_IncRef(NULL);
    Py_DecRef(NULL);
    printf("Py_IncRef(NULL), Py_DecRef(NULL): nothing happens\n");
    Py_SET_REFCNT(array, Py_REFCNT(array) + 5);
    printf("Py_SET_REFCNT(+5): %+ld\n", (long)(Py_REFCNT(array) - start));
    Py_SET_REFCNT(array, start);
    Py_DECREF(array);

    PyObject *bytes = PyBytes_FromString("abcdef");
    Py_SET_SIZE(bytes, 3);
    printf("Py_SET_SIZE(b'abcdef', 3): size %ld, PyBytes_Size %ld\n",
           (long)Py_SIZE(bytes), (long)PyBytes_Size(bytes));
    Py_DECREF(bytes);
}

static void
memory(void)
{
    int *numbers = PyMem_New(int, 4);
    for (int i = 0; i < 4; i++) {
        numbers[i] = i * i;
    }
    PyMem_Resize(numbers, int, 8);
    printf("PyMem_Resize keeps the items: %d %d %d %d\n", numbers[0],
           numbers[1], numbers[2], numbers[3]);
    PyMem_Del(numbers);
    double *values = PyMem_NEW(double, 2);
    values[1] = 1.5;
    PyMem_RESIZE(values, double, 3);
    printf("PyMem_RESIZE keeps the items: %g\n", values[1]);
    PyMem_DEL(values);
    char *huge = PyMem_New(char, PY_SSIZE_T_MAX);
    printf("PyMem_New past PY_SSIZE_T_MAX bytes: %s\n",
           huge ? "memory" : "NULL");
    print_error();
    long *longs = PyMem_New(long, 1);
    long *kept = longs;
    PyMem_Resize(longs, long, PY_SSIZE_T_MAX / 4);
    printf("PyMem_Resize past the limit: %s\n", longs ? "memory" : "NULL");
    print_error();
    PyMem_Free(kept);
}

typedef struct {
    PyObject_HEAD
    long value;
} Plain;

static void
generic_creation(void)
{
    PyType_Slot slots[] = {
        {Py_tp_hash, (void *)PyObject_HashNotImplemented},
        {0, NULL},
    };
    PyType_Spec spec = {"object_api.Plain", sizeof(Plain), 0,
                        Py_TPFLAGS_DEFAULT, slots};
    PyObject *type = PyType_FromSpec(&spec);
    PyTypeObject *tp = (PyTypeObject *)type;
    printf("tp_alloc is PyType_GenericAlloc %d, tp_new is set %d\n",
           tp->tp_alloc == PyType_GenericAlloc, tp->tp_new != NULL);
    PyObject *a = PyType_GenericAlloc(tp, 0);
    printf("PyType_GenericAlloc: zeroed %d, count %ld, of the type %d\n",
           ((Plain *)a)->value == 0, (long)Py_REFCNT(a), Py_IS_TYPE(a, tp));
    PyObject *b = PyType_GenericNew(tp, NULL, NULL);
    printf("PyType_GenericNew: zeroed %d, of the type %d\n",
           ((Plain *)b)->value == 0, Py_IS_TYPE(b, tp));
    report("hash of an unhashable instance", (long)PyObject_Hash(b));
    Py_DECREF(a);
    Py_DECREF(b);
    Py_DECREF(type);
}

int
main(void)
{
    scenario_begin();
    attributes();
    counts();
    memory();
    generic_creation();
    return scenario_end();
}
