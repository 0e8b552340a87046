/* str: a minimal text type, enough for the checks code around buffers
 * makes (PyUnicode_Check before asking for a buffer: a str must be encoded
 * first) and for attribute names.
 *
 * A str holds valid UTF-8 with a NUL after it; its length counts code
 * points.  It hashes as CPython's str does with PYTHONHASHSEED=0.
 */
#ifndef Py_UNICODEOBJECT_H
#define Py_UNICODEOBJECT_H

#include <wchar.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* wchar_t is 4 bytes on the platforms minibuf builds for, as in CPython's
   builds there: array('u') exports its items with format "w". */
typedef wchar_t Py_UNICODE;
typedef uint32_t Py_UCS4;
typedef uint16_t Py_UCS2;
typedef uint8_t Py_UCS1;
#define Py_UNICODE_SIZE 4
#define Py_UNICODE_WIDE

PyAPI_DATA(PyTypeObject) MbTypeObject_Unicode;
#define MbType_Unicode (&MbTypeObject_Unicode)
#define PyUnicode_Type MbTypeObject_Unicode

#define PyUnicode_Check(op) \
    PyType_HasFeature(Py_TYPE(op), Py_TPFLAGS_UNICODE_SUBCLASS)
#define PyUnicode_CheckExact(op) Py_IS_TYPE((op), &PyUnicode_Type)

/* A new str from NUL-terminated (or size bytes of) UTF-8; NULL with
   UnicodeDecodeError and CPython's message for invalid UTF-8, SystemError
   "Negative size passed to PyUnicode_FromStringAndSize". */
PyAPI_FUNC(PyObject *) PyUnicode_FromString(const char *utf8);
PyAPI_FUNC(PyObject *) PyUnicode_FromStringAndSize(const char *utf8,
                                                   Py_ssize_t size);

/* A new str formatted as PyErr_Format formats its message. */
PyAPI_FUNC(PyObject *) PyUnicode_FromFormat(const char *format, ...);

/* The UTF-8 text (valid while the str lives) and its length in bytes;
   NULL with TypeError "bad argument type for built-in operation" for an
   object that is not a str. */
PyAPI_FUNC(const char *) PyUnicode_AsUTF8(PyObject *unicode);
PyAPI_FUNC(const char *) PyUnicode_AsUTF8AndSize(PyObject *unicode,
                                                 Py_ssize_t *size);

/* The number of code points; -1 with TypeError as above. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_GetLength(PyObject *unicode);

#ifdef __cplusplus
}
#endif

#endif /* !Py_UNICODEOBJECT_H */
