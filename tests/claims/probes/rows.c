/* What CPython and minibuf do in the situations docs/differences.md and
 * docs/limits.md describe, one situation per argument: built against a
 * CPython (tests/claims/probe.py embeds it), and against minibuf by make
 * (tests/claims/minibuf.py reads its answers), run in a process of its
 * own, it prints what it sees; a crash shows as the process's signal.  The
 * situations that need CPython's interpreter (imports, attribute lookup,
 * repr, dicts, tuples, running Python code) are compiled against CPython
 * only (interpreter_situation).
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
static Plain HeadInit = {PyObject_HEAD_INIT(&PyBaseObject_Type)};

/* An exporter whose views have the ndim and format set below. */
static int exported_ndim = 1, no_shape;
static const char *exported_format = "B";

static int
odd_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    /* One dimension of 4 items; the other dimensions' entries are there
       for the views of more than 64 dimensions, which are refused. */
    static char memory[16];
    static Py_ssize_t shape[65] = {4}, strides[65] = {2};
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
    view.format = (char *)"i";
    view.strides = strided ? strides : NULL;
    int result = from ? PyBuffer_FromContiguous(&view, source, 24, order)
                      : PyBuffer_ToContiguous(target, &view, 24, order);
    printf("result %d, copied %d\n", result, memcmp(source, target, 24) == 0);
    show(from ? "PyBuffer_FromContiguous" : "PyBuffer_ToContiguous");
}

static void
immortality(void)
{
    PyType_Ready(&Static);
#ifdef MINIBUF_H
    PyObject *struct_error = MbExc_StructError;
#else
    PyObject *module = PyImport_ImportModule("struct");
    PyObject *struct_error = PyObject_GetAttrString(module, "error");
#endif
    PyObject *objects[] = {(PyObject *)&Static, (PyObject *)&HeadInit,
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

/* Whether each allocator returns NULL, and sets no exception, for a
   request above PY_SSIZE_T_MAX bytes. */
static void
oversized_requests(void)
{
    size_t too_many = (size_t)PY_SSIZE_T_MAX + 1;
    void *results[] = {PyMem_Malloc(too_many), PyMem_Calloc(1, too_many),
                       PyMem_Realloc(NULL, too_many),
                       PyObject_Malloc(too_many),
                       PyObject_Calloc(1, too_many),
                       PyObject_Realloc(NULL, too_many)};
    int nulls = 0;
    for (int i = 0; i < 6; i++) {
        nulls += results[i] == NULL;
    }
    printf("NULL from %d of 6\n", nulls);
    show("the allocators");
}

#ifndef MINIBUF_H
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

/* The situations that need CPython's interpreter: 1 if s is one of them
   (and it ran), 0 otherwise. */
static int
interpreter_situation(const char *s)
{
    if (strcmp(s, "new-exception-dict") == 0) {
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
    else if (strcmp(s, "slots-called") == 0) {
        slots_called();
    }
    else if (strcmp(s, "from-spec") == 0) {
        from_spec();
    }
    else if (strcmp(s, "print-traceback") == 0) {
        print_traceback();
    }
    else {
        return 0;
    }
    return 1;
}
#else
static int
interpreter_situation(const char *s)
{
    (void)s;
    return 0;
}
#endif

/* Long: one branch per situation, each a few lines. */
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
        show("PyType_Ready");
    }
    else if (strcmp(s, "new-exception-class-base") == 0) {
        PyObject *e = PyErr_NewException("probe.E", (PyObject *)&PyLong_Type,
                                         NULL);
        printf("made %d, an exception class %d\n", e != NULL,
               e ? PyType_IsSubtype((PyTypeObject *)e,
                                    (PyTypeObject *)PyExc_BaseException)
                 : -1);
        show("PyErr_NewException");
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
        show("PyBuffer_FromContiguous");
    }
    else if (strcmp(s, "zero-d-to-contiguous-X") == 0
             || strcmp(s, "zero-d-from-contiguous-X") == 0) {
        double item = 1.5, other = 0;
        Py_buffer view = {0};
        view.len = 8;
        view.itemsize = 8;
        view.format = (char *)"d";
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
        show(s[7] == 't' ? "PyBuffer_ToContiguous" : "PyBuffer_FromContiguous");
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
    else if (strcmp(s, "memoryview-65-dimensions") == 0) {
        exported_ndim = 65;
        PyObject *m = PyMemoryView_FromObject(odd_exporter());
        printf("made %d\n", m != NULL);
        show("PyMemoryView_FromObject");
    }
    else if (strcmp(s, "hashes") == 0) {
        /* str of 1, 2 and 4 bytes a character (in CPython's storage), and
           bytes. */
        const char *texts[] = {"abc", "caf\xc3\xa9", "\xe2\x82\xac",
                               "\xf0\x9f\x98\x80"};
        for (int i = 0; i < 4; i++) {
            printf("%zd ", (Py_ssize_t)PyObject_Hash(
                               PyUnicode_FromString(texts[i])));
        }
        printf("%zd\n", (Py_ssize_t)PyObject_Hash(PyBytes_FromString("abc")));
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
#ifdef MINIBUF_H
        /* memoryview's == is a minibuf function (docs/differences.md). */
        printf("equal %d\n", MbMemoryView_Equal(a, b));
#else
        printf("equal %d\n", PyObject_RichCompareBool(a, b, Py_EQ));
#endif
        show("==");
    }
    else if (strncmp(s, "bytearray-from-", 15) == 0) {
        /* bytearray-from-{int,str,list}: 3, "ab", [65, 66]. */
        const char *kind = s + 15;
        PyObject *x = strcmp(kind, "int") == 0 ? PyLong_FromLong(3)
                      : strcmp(kind, "str") == 0 ? PyUnicode_FromString("ab")
#ifndef MINIBUF_H
                      : strcmp(kind, "list") == 0
                          ? Py_BuildValue("[ii]", 65, 66)
#endif
                          : NULL;
        PyObject *b = PyByteArray_FromObject(x);
        if (b != NULL) {
            printf("bytearray of %zd:", PyByteArray_Size(b));
            for (Py_ssize_t i = 0; i < PyByteArray_Size(b); i++) {
                printf(" %d", PyByteArray_AsString(b)[i]);
            }
            printf("\n");
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
    else if (strcmp(s, "format-objects") == 0) {
        PyObject *text = PyUnicode_FromString("caf\xc3\xa9");
        PyErr_Format(PyExc_ValueError, "%U %R %S %A %V", text, text, text,
                     text, text, "unused");
        show("PyErr_Format");
    }
    else if (strcmp(s, "old-functions-without-table") == 0) {
        /* The old functions on an object whose type has no buffer
           table. */
        old_functions(PyLong_FromLong(5));
    }
    else if (strcmp(s, "oversized-requests") == 0) {
        oversized_requests();
    }
    else if (strcmp(s, "generic-getattr") == 0) {
        PyType_Ready(&Static);
        PyObject *o = (PyObject *)PyObject_New(Plain, &Static);
        PyObject *found = PyObject_GenericGetAttr(o,
                                                  PyUnicode_FromString("y"));
        printf("found %d\n", found != NULL);
        show("PyObject_GenericGetAttr");
        found = PyObject_GenericGetAttr(o, PyLong_FromLong(3));
        printf("found %d\n", found != NULL);
        show("PyObject_GenericGetAttr");
    }
    else if (strcmp(s, "print-set-error") == 0) {
        /* PyErr_Print of an exception set from C (no traceback). */
        dup2(1, 2);
        PyErr_SetString(PyExc_ValueError, "set from C");
        PyErr_Print();
    }
    else if (strcmp(s, "key-error") == 0) {
        /* A KeyError whose key holds U+00E9 and U+200B. */
        PyErr_SetString(PyExc_KeyError, "\xc3\xa9\xe2\x80\x8b");
        show("KeyError");
    }
    else if (strcmp(s, "bytes-shared") == 0) {
        printf("one byte shared %d, empty shared %d\n",
               PyBytes_FromStringAndSize("x", 1)
                   == PyBytes_FromStringAndSize("x", 1),
               PyBytes_FromStringAndSize(NULL, 0)
                   == PyBytes_FromStringAndSize("", 0));
    }
    else if (strcmp(s, "new-contents") == 0) {
        /* The first byte of new bytes and bytearrays of NULL, and of the
           bytes a bytearray grows by. */
        PyObject *grown = PyByteArray_FromStringAndSize("ab", 2);
        PyByteArray_Resize(grown, 64);
        printf("bytes %d, bytearray %d, grown %d\n",
               PyBytes_AsString(PyBytes_FromStringAndSize(NULL, 4))[0],
               PyByteArray_AsString(
                   PyByteArray_FromStringAndSize(NULL, 4))[0],
               PyByteArray_AsString(grown)[63]);
    }
    else if (strcmp(s, "bytes-too-large") == 0) {
        PyObject *b = PyBytes_FromStringAndSize(NULL, PY_SSIZE_T_MAX);
        printf("made %d\n", b != NULL);
        show("PyBytes_FromStringAndSize");
    }
    else if (strncmp(s, "from-memory-", 12) == 0) {
        /* from-memory-{null,negative,flags}: NULL memory of 8 bytes, a
           size of -1, or flags 0x300. */
        static char memory[8];
        const char *kind = s + 12;
        int null = strcmp(kind, "null") == 0;
        PyObject *m = PyMemoryView_FromMemory(
            null ? NULL : memory, strcmp(kind, "negative") == 0 ? -1 : 8,
            strcmp(kind, "flags") == 0 ? 0x300 : PyBUF_READ);
        printf("made %d\n", m != NULL);
        show("PyMemoryView_FromMemory");
    }
    else if (strcmp(s, "immortality") == 0) {
        immortality();
    }
    else if (!interpreter_situation(s)) {
        printf("unknown situation '%s'\n", s);
        return 2;
    }
    fflush(stdout);
    return 0;
}
