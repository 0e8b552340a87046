/* What the probes of tests/claims/probes/ share: show(), which prints the
 * pending exception the same way on CPython and on minibuf.
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

#endif
