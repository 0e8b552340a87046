/* The error indicator and the exception types.
 *
 * Each thread has its own indicator: a type, a value and a traceback (always
 * NULL here), holding one reference to each.  The PyErr_Set* functions
 * replace what is there; PyErr_Fetch moves it out to the caller (new
 * references) and PyErr_Restore moves it back in (stealing them).
 *
 * Exception types are type objects with CPython's names and hierarchy; the
 * value is an exception instance carrying the message, or NULL when there is
 * none (PyErr_SetNone, PyErr_NoMemory).  MbErr_TypeName and MbErr_Message
 * (minibuf.h) give the current one as C strings.
 */
#ifndef Py_ERRORS_H
#define Py_ERRORS_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyObject *) PyExc_BaseException;
PyAPI_DATA(PyObject *) PyExc_Exception;
PyAPI_DATA(PyObject *) PyExc_TypeError;
PyAPI_DATA(PyObject *) PyExc_ValueError;
PyAPI_DATA(PyObject *) PyExc_BufferError;
PyAPI_DATA(PyObject *) PyExc_MemoryError;
PyAPI_DATA(PyObject *) PyExc_SystemError;
PyAPI_DATA(PyObject *) PyExc_IndexError;
PyAPI_DATA(PyObject *) PyExc_OverflowError;
PyAPI_DATA(PyObject *) PyExc_NotImplementedError;
PyAPI_DATA(PyObject *) PyExc_KeyError;
PyAPI_DATA(PyObject *) PyExc_RuntimeError;
PyAPI_DATA(PyObject *) PyExc_LookupError;
PyAPI_DATA(PyObject *) PyExc_ArithmeticError;
PyAPI_DATA(PyObject *) PyExc_UnicodeError;
PyAPI_DATA(PyObject *) PyExc_UnicodeDecodeError;
PyAPI_DATA(PyObject *) PyExc_UnicodeEncodeError;
PyAPI_DATA(PyObject *) PyExc_AttributeError;

PyAPI_FUNC(void) PyErr_SetString(PyObject *type, const char *message);
PyAPI_FUNC(void) PyErr_SetNone(PyObject *type);

/* Set an exception whose message is formatted as CPython 3.11's
   PyUnicode_FromFormat formats C values: %s (with a precision such as
   %.100s), %c, %d, %i, %u, %x, %p and %%, l, ll and z on %d, %i and %u, the
   '0' flag and a width (src/strformat.c lists the details).  Not a printf
   format, so it has no format attribute, as in CPython.  Returns NULL. */
PyAPI_FUNC(PyObject *) PyErr_Format(PyObject *type, const char *format,
                                    ...);

/* The current exception type (a borrowed reference), or NULL. */
PyAPI_FUNC(PyObject *) PyErr_Occurred(void);
PyAPI_FUNC(void) PyErr_Clear(void);
PyAPI_FUNC(void) PyErr_Fetch(PyObject **ptype, PyObject **pvalue,
                             PyObject **ptraceback);
PyAPI_FUNC(void) PyErr_Restore(PyObject *type, PyObject *value,
                               PyObject *traceback);

/* 1 if err is exc, derives from it, or is an instance of it. */
PyAPI_FUNC(int) PyErr_GivenExceptionMatches(PyObject *err, PyObject *exc);
PyAPI_FUNC(int) PyErr_ExceptionMatches(PyObject *exc);

/* Set MemoryError without allocating; returns NULL. */
PyAPI_FUNC(PyObject *) PyErr_NoMemory(void);

/* SystemError "bad argument to internal function" (the macro adds the
   caller's file and line, as CPython's does). */
PyAPI_FUNC(void) PyErr_BadInternalCall(void);
PyAPI_FUNC(void) _PyErr_BadInternalCall(const char *filename, int lineno);
#define PyErr_BadInternalCall() _PyErr_BadInternalCall(__FILE__, __LINE__)

/* Write "Type: message" (or "Type" alone when there is no message) to
   stderr and clear the indicator. */
PyAPI_FUNC(void) PyErr_Print(void);

/* A new exception type called name ("module.Name") deriving from base
   (Exception when NULL).  dict must be NULL: minibuf types have no
   dictionaries.  Returns a new reference, or NULL with an exception. */
PyAPI_FUNC(PyObject *) PyErr_NewException(const char *name, PyObject *base,
                                          PyObject *dict);

#define PyExceptionClass_Check(x) \
    (PyType_Check(x) && \
     PyType_HasFeature((PyTypeObject *)(x), Py_TPFLAGS_BASE_EXC_SUBCLASS))
#define PyExceptionInstance_Check(x) \
    PyType_HasFeature(Py_TYPE(x), Py_TPFLAGS_BASE_EXC_SUBCLASS)

#ifdef __cplusplus
}
#endif

#endif /* !Py_ERRORS_H */
