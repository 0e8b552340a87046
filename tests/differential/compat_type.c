/* cpython: 3.6-3.13
 *
 * Source compatibility: a static type defined with PyVarObject_HEAD_INIT and
 * designated initializers, made ready, instantiated with PyObject_New, and
 * errors raised with PyErr_Format.  The same file builds against CPython and
 * against minibuf and prints the same thing.
 */
#include "scenario.h"

typedef struct {
    PyObject_HEAD
    long value;
} Counter;

static int deallocs;

static void
counter_dealloc(PyObject *self)
{
    deallocs++;
    Py_TYPE(self)->tp_free(self);
}

static PyTypeObject CounterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compat.Counter",
    .tp_basicsize = sizeof(Counter),
    .tp_itemsize = 0,
    .tp_dealloc = counter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A counter.",
};

static PyTypeObject SubCounterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "compat.SubCounter",
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

int
main(void)
{
    scenario_begin();
    report("PyType_Ready(Counter)", PyType_Ready(&CounterType));
    SubCounterType.tp_base = &CounterType;
    report("PyType_Ready(SubCounter)", PyType_Ready(&SubCounterType));
    printf("ready flag set: %d\n",
           (CounterType.tp_flags & Py_TPFLAGS_READY) != 0);
    printf("SubCounter inherits basicsize: %d\n",
           SubCounterType.tp_basicsize == CounterType.tp_basicsize);
    printf("SubCounter inherits dealloc: %d\n",
           SubCounterType.tp_dealloc == counter_dealloc);
    printf("type of the type is PyType_Type: %d\n",
           Py_TYPE(&CounterType) == &PyType_Type);

    Counter *c = PyObject_New(Counter, &CounterType);
    c->value = 41;
    printf("new object: refcnt=%ld type=%s\n", (long)Py_REFCNT(c),
           Py_TYPE(c)->tp_name);
    Py_INCREF(c);
    printf("after Py_INCREF: %ld\n", (long)Py_REFCNT(c));
    Py_DECREF(c);
    printf("after Py_DECREF: %ld\n", (long)Py_REFCNT(c));

    Counter *s = PyObject_New(Counter, &SubCounterType);
    printf("subclass instance passes PyObject_TypeCheck: %d\n",
           PyObject_TypeCheck(s, &CounterType));
    printf("base instance passes the subclass check: %d\n",
           PyObject_TypeCheck(c, &SubCounterType));
    printf("PyType_IsSubtype(SubCounter, Counter): %d\n",
           PyType_IsSubtype(&SubCounterType, &CounterType));

    PyErr_Format(PyExc_ValueError, "value %ld of %.100s is %s (%d%%)",
                 c->value + 1, Py_TYPE(c)->tp_name, "wrong", 50);
    printf("matches ValueError: %d, Exception: %d, TypeError: %d\n",
           PyErr_ExceptionMatches(PyExc_ValueError),
           PyErr_ExceptionMatches(PyExc_Exception),
           PyErr_ExceptionMatches(PyExc_TypeError));
    report("PyErr_Format", -1);

    PyErr_Format(PyExc_TypeError, "%.5s|%5d|%zd|%zu|%x|%c|%u|%lu",
                 "truncated", 42, (Py_ssize_t)-3, (size_t)3, 255, 'q', 9u,
                 10ul);
    report("PyErr_Format conversions", -1);

    PyObject *type, *value, *traceback;
    PyErr_SetString(PyExc_IndexError, "fetched and restored");
    PyErr_Fetch(&type, &value, &traceback);
    printf("after fetch, occurred: %d\n", PyErr_Occurred() != NULL);
    printf("fetched IndexError is a LookupError: %d\n",
           PyErr_GivenExceptionMatches(type, PyExc_LookupError));
    PyErr_Restore(type, value, traceback);
    report("PyErr_Restore", -1);

    PyErr_SetNone(PyExc_KeyError);
    report("PyErr_SetNone(KeyError)", -1);
    PyErr_NoMemory();
    report("PyErr_NoMemory", -1);

    PyObject *error = PyErr_NewException("compat.Error", PyExc_ValueError,
                                         NULL);
    PyErr_SetString(error, "raised with a new exception type");
    printf("new type matches ValueError: %d\n",
           PyErr_ExceptionMatches(PyExc_ValueError));
    report("PyErr_NewException", -1);
    Py_DECREF(error);
    PyErr_NewException("nodot", NULL, NULL);
    report("PyErr_NewException without a dot", -1);

    Py_DECREF(s);
    Py_DECREF(c);
    printf("deallocs: %d\n", deallocs);
    return scenario_end();
}
