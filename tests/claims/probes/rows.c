/* What CPython does in the situations docs/differences.md and
 * docs/limits.md describe, one situation per argument: built against a
 * CPython (tests/claims/probe.py embeds it), run in a process of its own,
 * it prints what it sees; a crash shows as the process's signal.
 *
 * usage: rows SITUATION
 */
#include <Python.h>
#include <string.h>
#include <unistd.h>
#include "show.h"

typedef struct {
    PyObject_HEAD
} Plain;

static PyTypeObject Static = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Static", sizeof(Plain)};
static PyTypeObject OwnBaseTyped = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0) "probe.A", sizeof(Plain)};
static PyTypeObject OwnBaseUntyped = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.A", sizeof(Plain)};
static PyTypeObject Var = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Var", sizeof(PyVarObject), 16};
static PyObject HeadInit = {PyObject_HEAD_INIT(&PyBaseObject_Type)};

/* An exporter whose views have the ndim and format set below. */
static int exported_ndim = 1, no_shape;
static const char *exported_format = "B";

static int
odd_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    static char memory[16];
    static Py_ssize_t shape[1] = {4}, strides[1] = {2};
    (void)flags;
    memset(view, 0, sizeof(*view));
    view->buf = memory;
    view->obj = Py_NewRef(self);
    view->len = 8;
    view->itemsize = 2;
    view->ndim = exported_ndim;
    view->format = (char *)exported_format;
    view->shape = no_shape ? NULL : shape;
    view->strides = strides;
    return 0;
}

static PyBufferProcs odd_procs = {odd_getbuffer, NULL};
static PyTypeObject Odd = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Odd", sizeof(Plain)};

static PyObject *
odd_exporter(void)
{
    Odd.tp_as_buffer = &odd_procs;
    if (PyType_Ready(&Odd) < 0) {
        return NULL;
    }
    return (PyObject *)PyObject_New(Plain, &Odd);
}

/* A copy of a 2-D view of ints without shape, in `order`, with strides
   if `strided`: its result and whether the bytes arrived. */
static void
copy_without_shape(char order, int strided, int from)
{
    char source[24], target[24];
    for (int i = 0; i < 24; i++) {
        source[i] = (char)i;
        target[i] = 0;
    }
    Py_ssize_t strides[2] = {12, 4};
    Py_buffer view = {0};
    view.buf = from ? target : source;
    view.len = 24;
    view.itemsize = 4;
    view.ndim = 2;
    view.format = "i";
    view.strides = strided ? strides : NULL;
    int result = from ? PyBuffer_FromContiguous(&view, source, 24, order)
                      : PyBuffer_ToContiguous(target, &view, 24, order);
    printf("result %d, copied %d\n", result, memcmp(source, target, 24) == 0);
}

static void
immortality(void)
{
    PyType_Ready(&Static);
    PyObject *module = PyImport_ImportModule("struct");
    PyObject *struct_error = PyObject_GetAttrString(module, "error");
    PyObject *objects[] = {(PyObject *)&Static, &HeadInit,
                           (PyObject *)&PyLong_Type, PyExc_TypeError,
                           struct_error};
    const char *names[] = {"readied static type", "PyObject_HEAD_INIT object",
                           "int", "TypeError", "struct.error"};
    for (int i = 0; i < 5; i++) {
        Py_ssize_t before = Py_REFCNT(objects[i]);
        Py_INCREF(objects[i]);
        printf("%s: %s\n", names[i],
               Py_REFCNT(objects[i]) == before ? "immortal" : "counted");
    }
}

/* A type whose repr and call slots say they were called. */
static PyObject *
said_repr(PyObject *self)
{
    (void)self;
    return PyUnicode_FromString("tp_repr called");
}

static PyObject *
said_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self, (void)args, (void)kwargs;
    return PyUnicode_FromString("tp_call called");
}

static PyTypeObject Slotted = {
    PyVarObject_HEAD_INIT(NULL, 0) "probe.Slotted", sizeof(Plain)};

static void
slots_called(void)
{
    Slotted.tp_repr = said_repr;
    Slotted.tp_call = said_call;
    PyType_Ready(&Slotted);
    PyObject *o = (PyObject *)PyObject_New(Plain, &Slotted);
    printf("%s\n", PyUnicode_AsUTF8(PyObject_Repr(o)));
    printf("%s\n", PyUnicode_AsUTF8(PyObject_CallNoArgs(o)));
}

/* What a type made by PyType_FromSpec has beyond its name and slots. */
static void
from_spec(void)
{
    PyType_Slot slots[] = {{0, NULL}};
    PyType_Spec spec = {"probe.Spec", sizeof(Plain), 0, Py_TPFLAGS_DEFAULT,
                        slots};
    PyObject *type = PyType_FromSpec(&spec);
    const char *names[] = {"__module__", "__qualname__", "__dict__"};
    for (int i = 0; i < 3; i++) {
        PyObject *value = PyObject_GetAttrString(type, names[i]);
        printf("%s: %s\n", names[i],
               value ? PyUnicode_AsUTF8(PyObject_Repr(value)) : "missing");
        PyErr_Clear();
    }
}

/* PyErr_Print of an exception raised by Python code: stderr goes to
   stdout so that the traceback is seen. */
static void
print_traceback(void)
{
    dup2(1, 2);
    PyObject *globals = PyDict_New();
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject *result = PyRun_String("1 / 0", Py_file_input, globals,
                                    globals);
    printf("raised %d\n", result == NULL);
    fflush(stdout);
    PyErr_Print();
}

int
main(int argc, char **argv)
{
    Py_Initialize();
    const char *s = argc > 1 ? argv[1] : "";
    if (strcmp(s, "static-type-to-zero") == 0) {
        PyType_Ready(&Static);
        Py_SET_REFCNT((PyObject *)&Static, 1);
        Py_DECREF((PyObject *)&Static);
        printf("survived\n");
    }
    else if (strcmp(s, "own-base-typed") == 0) {
        OwnBaseTyped.tp_base = &OwnBaseTyped;
        printf("result %d\n", PyType_Ready(&OwnBaseTyped));
        show("PyType_Ready");
    }
    else if (strcmp(s, "own-base-untyped") == 0) {
        OwnBaseUntyped.tp_base = &OwnBaseUntyped;
        printf("result %d\n", PyType_Ready(&OwnBaseUntyped));
    }
    else if (strcmp(s, "new-exception-class-base") == 0) {
        PyObject *e = PyErr_NewException("probe.E", (PyObject *)&PyLong_Type,
                                         NULL);
        printf("made %d, an exception class %d\n", e != NULL,
               e ? PyObject_IsSubclass(e, PyExc_BaseException) : -1);
    }
    else if (strcmp(s, "new-exception-object-base") == 0) {
        PyObject *e = PyErr_NewException("probe.E", PyLong_FromLong(5),
                                         NULL);
        printf("made %d\n", e != NULL);
        show("PyErr_NewException");
    }
    else if (strcmp(s, "newvar-overflow") == 0) {
        PyType_Ready(&Var);
        PyVarObject *o = PyObject_NewVar(PyVarObject, &Var,
                                         (Py_ssize_t)1 << 60);
        printf("made %d\n", o != NULL);
        show("PyObject_NewVar");
    }
    else if (strcmp(s, "from-contiguous-negative-strided") == 0
             || strcmp(s, "from-contiguous-negative") == 0) {
        char source[64] = {0}, target[64];
        Py_ssize_t shape[1] = {4}, strides[1] = {s[24] ? 2 : 1};
        Py_buffer view = {0};
        view.buf = target;
        view.len = 4;
        view.itemsize = 1;
        view.ndim = 1;
        view.shape = shape;
        view.strides = strides;
        printf("result %d\n", PyBuffer_FromContiguous(&view, source, -1,
                                                      'C'));
    }
    else if (strcmp(s, "zero-d-to-contiguous-X") == 0
             || strcmp(s, "zero-d-from-contiguous-X") == 0) {
        double item = 1.5, other = 0;
        Py_buffer view = {0};
        view.len = 8;
        view.itemsize = 8;
        view.format = "d";
        int result;
        if (s[7] == 't') {
            view.buf = &item;
            result = PyBuffer_ToContiguous(&other, &view, 8, 'X');
        }
        else {
            view.buf = &other;
            result = PyBuffer_FromContiguous(&view, &item, 8, 'X');
        }
        printf("result %d, copied %d\n", result, other == 1.5);
    }
    else if (strncmp(s, "no-shape-", 9) == 0) {
        /* no-shape-{to,from}-ORDER[-strided] */
        int from = strncmp(s + 9, "from", 4) == 0;
        const char *order = s + 9 + (from ? 5 : 3);
        copy_without_shape(order[0], strstr(s, "strided") != NULL, from);
    }
    else if (strcmp(s, "memoryview-ndim-negative") == 0) {
        exported_ndim = -1;
        PyObject *m = PyMemoryView_FromObject(odd_exporter());
        printf("made %d\n", m != NULL);
        show("PyMemoryView_FromObject");
    }
    else if (strcmp(s, "memoryview-no-shape") == 0) {
        exported_ndim = 2;
        no_shape = 1;
        PyObject *m = PyMemoryView_FromObject(odd_exporter());
        printf("made %d\n", m != NULL);
        show("PyMemoryView_FromObject");
    }
    else if (strncmp(s, "memoryview-equal-", 17) == 0) {
        exported_format = s + 17;
        PyObject *exporter = odd_exporter();
        PyObject *a = PyMemoryView_FromObject(exporter);
        PyObject *b = PyMemoryView_FromObject(exporter);
        printf("equal %d\n", PyObject_RichCompareBool(a, b, Py_EQ));
        show("==");
    }
    else if (strncmp(s, "bytearray-from-", 15) == 0) {
        const char *kind = s + 15;
        PyObject *x = strcmp(kind, "int") == 0 ? PyLong_FromLong(3)
                      : strcmp(kind, "list") == 0
                          ? Py_BuildValue("[ii]", 65, 66)
                          : PyUnicode_FromString("ab");
        PyObject *b = PyByteArray_FromObject(x);
        if (b != NULL) {
            printf("%s\n", PyUnicode_AsUTF8(PyObject_Repr(b)));
        }
        show("PyByteArray_FromObject");
    }
    else if (strncmp(s, "null-", 5) == 0) {
        /* A NULL argument where the docs say CPython crashes. */
        const char *call = s + 5;
        long result = -2;
        if (strcmp(call, "GetBuffer") == 0) {
            Py_buffer view;
            result = PyObject_GetBuffer(NULL, &view, PyBUF_SIMPLE);
        }
        else if (strcmp(call, "CheckBuffer") == 0) {
            result = PyObject_CheckBuffer(NULL);
        }
        else if (strcmp(call, "Release") == 0) {
            PyBuffer_Release(NULL);
            result = 0;
        }
        else if (strcmp(call, "IsContiguous") == 0) {
            result = PyBuffer_IsContiguous(NULL, 'C');
        }
        else if (strcmp(call, "GetPointer") == 0) {
            result = PyBuffer_GetPointer(NULL, NULL) != NULL;
        }
        else if (strcmp(call, "SizeFromFormat") == 0) {
            result = (long)PyBuffer_SizeFromFormat(NULL);
        }
        else if (strcmp(call, "CheckReadBuffer") == 0) {
            result = PyObject_CheckReadBuffer(NULL);
        }
        else if (strcmp(call, "BytesFromString") == 0) {
            result = PyBytes_FromString(NULL) != NULL;
        }
        else if (strcmp(call, "BytesSize") == 0) {
            result = (long)PyBytes_Size(NULL);
        }
        else if (strcmp(call, "ByteArrayFromObject") == 0) {
            result = PyByteArray_FromObject(NULL) != NULL;
        }
        else if (strcmp(call, "ByteArrayConcat") == 0) {
            result = PyByteArray_Concat(NULL, NULL) != NULL;
        }
        printf("survived: %ld\n", result);
        show(call);
    }
    else if (strncmp(s, "get-contiguous-", 15) == 0) {
        /* get-contiguous-TYPE-ORDER: a buffer type (r, w) and an order. */
        PyObject *bytes = PyBytes_FromString("abcd");
        int type = s[15] == 'w' ? PyBUF_WRITE : s[15] == 'r' ? PyBUF_READ
                                                             : 0x42;
        PyObject *m = PyMemoryView_GetContiguous(bytes, type, s[17]);
        printf("made %d\n", m != NULL);
        show("PyMemoryView_GetContiguous");
    }
    else if (strncmp(s, "bytearray-on-", 13) == 0) {
        /* bytearray-on-{bytes,null}-{AsString,Size,Resize} */
        PyObject *o = strncmp(s + 13, "bytes", 5) == 0
                          ? PyBytes_FromString("ab") : NULL;
        const char *call = strchr(s + 13, '-') + 1;
        long result = -2;
        if (strcmp(call, "AsString") == 0) {
            result = PyByteArray_AsString(o) != NULL;
        }
        else if (strcmp(call, "Size") == 0) {
            result = (long)PyByteArray_Size(o);
        }
        else if (strcmp(call, "Resize") == 0) {
            result = PyByteArray_Resize(o, 1);
        }
        printf("survived: %ld\n", result);
        show(call);
    }
    else if (strcmp(s, "bytearray-resize-negative") == 0) {
        PyObject *b = PyByteArray_FromStringAndSize("abc", 3);
        printf("result %d\n", PyByteArray_Resize(b, -1));
        show("PyByteArray_Resize");
    }
    else if (strcmp(s, "new-unready") == 0) {
        static PyTypeObject Unready = {
            PyVarObject_HEAD_INIT(NULL, 0) "probe.Unready", 48};
        PyObject *o = (PyObject *)PyObject_New(Plain, &Unready);
        printf("made %d, ready %d\n", o != NULL,
               (Unready.tp_flags & Py_TPFLAGS_READY) != 0);
    }
    else if (strcmp(s, "new-exception-dict") == 0) {
        PyObject *dict = Py_BuildValue("{s:i}", "answer", 42);
        PyObject *e = PyErr_NewException("probe.E", NULL, dict);
        PyObject *answer = e ? PyObject_GetAttrString(e, "answer") : NULL;
        printf("answer %ld\n", answer ? PyLong_AsLong(answer) : -1L);
    }
    else if (strcmp(s, "matches-tuple") == 0) {
        PyObject *both = PyTuple_Pack(2, PyExc_ValueError, PyExc_TypeError);
        printf("matches %d\n",
               PyErr_GivenExceptionMatches(PyExc_TypeError, both));
    }
    else if (strcmp(s, "format-null-s") == 0) {
        PyErr_Format(PyExc_ValueError, "%s", (char *)NULL);
        show("PyErr_Format");
    }
    else if (strncmp(s, "view-without-", 13) == 0) {
        /* view-without-shape (IsContiguous) or -strides (GetPointer). */
        static char memory[24];
        Py_ssize_t shape[2] = {2, 3}, strides[2] = {12, 4}, index[2] = {1, 1};
        Py_buffer view = {0};
        view.buf = memory;
        view.len = 24;
        view.itemsize = 4;
        view.ndim = 2;
        if (strcmp(s + 13, "shape") == 0) {
            view.strides = strides;
            printf("contiguous %d\n", PyBuffer_IsContiguous(&view, 'C'));
        }
        else {
            view.shape = shape;
            printf("pointer %td\n",
                   (char *)PyBuffer_GetPointer(&view, index) - memory);
        }
    }
    else if (strcmp(s, "newvar-negative") == 0) {
        PyType_Ready(&Var);
        PyVarObject *o = PyObject_NewVar(PyVarObject, &Var, -1);
        printf("made %d, size %zd\n", o != NULL, o ? Py_SIZE(o) : 0);
        show("PyObject_NewVar");
    }
    else if (strcmp(s, "slots-called") == 0) {
        slots_called();
    }
    else if (strcmp(s, "from-spec") == 0) {
        from_spec();
    }
    else if (strcmp(s, "format-objects") == 0) {
        PyObject *text = PyUnicode_FromString("caf\xc3\xa9");
        PyErr_Format(PyExc_ValueError, "%U %R %S %A %V", text, text, text,
                     text, text, "unused");
        show("PyErr_Format");
    }
    else if (strcmp(s, "print-traceback") == 0) {
        print_traceback();
    }
    else if (strcmp(s, "immortality") == 0) {
        immortality();
    }
    else {
        printf("unknown situation '%s'\n", s);
        return 2;
    }
    fflush(stdout);
    return 0;
}
