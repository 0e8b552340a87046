/* What the probes of tests/claims/probes/ share: show(), which prints the
 * pending exception the same way on CPython and on minibuf, and
 * old_functions(), which shows what the four old functions answer.
 */
#ifndef CLAIMS_SHOW_H
#define CLAIMS_SHOW_H

#include <Python.h>

/* The pending exception as "what: Type: message", or "what: no
   exception"; the exception is cleared. */
static void
show(const char *what)
{
    if (!PyErr_Occurred()) {
        printf("%s: no exception\n", what);
        return;
    }
#ifdef MINIBUF_H
    printf("%s: %s: %s\n", what, MbErr_TypeName(), MbErr_Message());
    PyErr_Clear();
#else
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    PyObject *text = value ? PyObject_Str(value) : NULL;
    printf("%s: %s: %s\n", what, ((PyTypeObject *)type)->tp_name,
           text ? PyUnicode_AsUTF8(text) : "");
#endif
}

/* Each old function's result on o, and the exception it leaves. */
static void
old_functions(PyObject *o)
{
    const char *chars;
    const void *bytes;
    void *writable;
    Py_ssize_t len;
    printf("PyObject_AsCharBuffer %d\n",
           PyObject_AsCharBuffer(o, &chars, &len));
    show("PyObject_AsCharBuffer");
    printf("PyObject_AsReadBuffer %d\n",
           PyObject_AsReadBuffer(o, &bytes, &len));
    show("PyObject_AsReadBuffer");
    printf("PyObject_AsWriteBuffer %d\n",
           PyObject_AsWriteBuffer(o, &writable, &len));
    show("PyObject_AsWriteBuffer");
    printf("PyObject_CheckReadBuffer %d\n", PyObject_CheckReadBuffer(o));
    show("PyObject_CheckReadBuffer");
}

#endif
