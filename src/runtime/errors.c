/* The exception types and the per-thread error indicator.
 *
 * Ownership rules:
 * - The indicator of each thread holds one reference to its type and one to
 *   its value (an exception instance, or NULL when there is no message).
 *   Setting an exception stores the new pair first and only then drops the
 *   old one, so a destructor run by that drop sees a consistent indicator.
 * - PyErr_Fetch moves both references out to the caller; PyErr_Restore
 *   takes ownership of what it is given.
 * - Exception instances are minibuf-private objects holding the message
 *   text as str() of the exception shows it (for a KeyError, the repr() of
 *   the key, as CPython prints it); instances of heap exception types hold
 *   a reference to their type (object.c).
 */
#include "runtime.h"

/* An exception instance: only the message, stored inline. */
typedef struct {
    PyObject_HEAD
    size_t length;
    char message[];
} ExceptionObject;

/* --- The exception types ------------------------------------------------- */

#define EXCEPTION_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE \
                         | Py_TPFLAGS_READY | Py_TPFLAGS_BASE_EXC_SUBCLASS)

/* Defines the static type exc_NAME and the exported pointer to it. */
#define EXCEPTION_TYPE(NAME, TP_NAME, BASE)                             \
    static PyTypeObject exc_##NAME = {                                  \
        PyVarObject_HEAD_INIT(&PyType_Type, 0)                         \
        .tp_name = TP_NAME,                                             \
        .tp_basicsize = sizeof(ExceptionObject),                        \
        .tp_dealloc = exception_dealloc,                                \
        .tp_flags = EXCEPTION_FLAGS,                                    \
        .tp_base = BASE,                                                \
        .tp_free = PyObject_Free,                                       \
    }

static void
exception_dealloc(PyObject *self)
{
    PyObject_Free(self);
}

EXCEPTION_TYPE(BaseException, "BaseException", &PyBaseObject_Type);
EXCEPTION_TYPE(Exception, "Exception", &exc_BaseException);
EXCEPTION_TYPE(TypeError, "TypeError", &exc_Exception);
EXCEPTION_TYPE(ValueError, "ValueError", &exc_Exception);
EXCEPTION_TYPE(BufferError, "BufferError", &exc_Exception);
EXCEPTION_TYPE(MemoryError, "MemoryError", &exc_Exception);
EXCEPTION_TYPE(SystemError, "SystemError", &exc_Exception);
EXCEPTION_TYPE(LookupError, "LookupError", &exc_Exception);
EXCEPTION_TYPE(IndexError, "IndexError", &exc_LookupError);
EXCEPTION_TYPE(KeyError, "KeyError", &exc_LookupError);
EXCEPTION_TYPE(ArithmeticError, "ArithmeticError", &exc_Exception);
EXCEPTION_TYPE(OverflowError, "OverflowError", &exc_ArithmeticError);
EXCEPTION_TYPE(RuntimeError, "RuntimeError", &exc_Exception);
EXCEPTION_TYPE(NotImplementedError, "NotImplementedError", &exc_RuntimeError);
EXCEPTION_TYPE(UnicodeError, "UnicodeError", &exc_ValueError);
EXCEPTION_TYPE(UnicodeDecodeError, "UnicodeDecodeError", &exc_UnicodeError);
EXCEPTION_TYPE(UnicodeEncodeError, "UnicodeEncodeError", &exc_UnicodeError);
EXCEPTION_TYPE(AttributeError, "AttributeError", &exc_Exception);
EXCEPTION_TYPE(StructError, "struct.error", &exc_Exception);

PyObject *PyExc_BaseException = (PyObject *)&exc_BaseException;
PyObject *PyExc_Exception = (PyObject *)&exc_Exception;
PyObject *PyExc_TypeError = (PyObject *)&exc_TypeError;
PyObject *PyExc_ValueError = (PyObject *)&exc_ValueError;
PyObject *PyExc_BufferError = (PyObject *)&exc_BufferError;
PyObject *PyExc_MemoryError = (PyObject *)&exc_MemoryError;
PyObject *PyExc_SystemError = (PyObject *)&exc_SystemError;
PyObject *PyExc_LookupError = (PyObject *)&exc_LookupError;
PyObject *PyExc_IndexError = (PyObject *)&exc_IndexError;
PyObject *PyExc_KeyError = (PyObject *)&exc_KeyError;
PyObject *PyExc_ArithmeticError = (PyObject *)&exc_ArithmeticError;
PyObject *PyExc_OverflowError = (PyObject *)&exc_OverflowError;
PyObject *PyExc_RuntimeError = (PyObject *)&exc_RuntimeError;
PyObject *PyExc_NotImplementedError = (PyObject *)&exc_NotImplementedError;
PyObject *PyExc_UnicodeError = (PyObject *)&exc_UnicodeError;
PyObject *PyExc_UnicodeDecodeError = (PyObject *)&exc_UnicodeDecodeError;
PyObject *PyExc_UnicodeEncodeError = (PyObject *)&exc_UnicodeEncodeError;
PyObject *PyExc_AttributeError = (PyObject *)&exc_AttributeError;
PyObject *MbExc_StructError = (PyObject *)&exc_StructError;

/* --- The indicator ------------------------------------------------------- */

MB_THREAD_LOCAL MbIndicator mb_indicator;
#define indicator mb_indicator

void
PyErr_Restore(PyObject *type, PyObject *value, PyObject *traceback)
{
    PyObject *old_type = indicator.type;
    PyObject *old_value = indicator.value;
    PyObject *old_traceback = indicator.traceback;
    if (type == NULL) {
        Py_XDECREF(value);
        Py_XDECREF(traceback);
        value = traceback = NULL;
    }
    indicator.type = type;
    indicator.value = value;
    indicator.traceback = traceback;
    Py_XDECREF(old_type);
    Py_XDECREF(old_value);
    Py_XDECREF(old_traceback);
}

void
PyErr_Fetch(PyObject **ptype, PyObject **pvalue, PyObject **ptraceback)
{
    *ptype = indicator.type;
    *pvalue = indicator.value;
    *ptraceback = indicator.traceback;
    indicator.type = indicator.value = indicator.traceback = NULL;
}

void
PyErr_Clear(void)
{
    PyErr_Restore(NULL, NULL, NULL);
}

PyObject *
PyErr_Occurred(void)
{
    return indicator.type;
}

/* 1 if type can be raised; otherwise sets SystemError as CPython does. */
static int
check_exception_type(PyObject *type)
{
    if (PyExceptionClass_Check(type)) {
        return 1;
    }
    const char *name = PyType_Check(type) ? ((PyTypeObject *)type)->tp_name
                                           : Py_TYPE(type)->tp_name;
    PyErr_Format(PyExc_SystemError,
                 "_PyErr_SetObject: exception <class '%.200s'> is not a "
                 "BaseException subclass", name);
    return 0;
}

PyObject *
PyErr_NoMemory(void)
{
    Py_INCREF(PyExc_MemoryError);
    PyErr_Restore(PyExc_MemoryError, NULL, NULL);
    return NULL;
}

void
PyErr_SetNone(PyObject *type)
{
    if (type == NULL) {
        PyErr_Clear();
        return;
    }
    if (!check_exception_type(type)) {
        return;
    }
    Py_INCREF(type);
    PyErr_Restore(type, NULL, NULL);
}

/* The text of `message` as Python's repr() writes a str: in quotes, with
   backslash escapes for the quote, the backslash and control characters.
   Other bytes are kept as they are (non-ASCII text is assumed printable).
   A PyMem block, or NULL. */
static char *
python_repr(const char *message, size_t length, size_t *repr_length)
{
    if (length > ((size_t)PY_SSIZE_T_MAX - 3) / 4) {
        return NULL;
    }
    char quote = memchr(message, '\'', length) != NULL
                 && memchr(message, '"', length) == NULL ? '"' : '\'';
    char *out = PyMem_Malloc(4 * length + 3);
    if (out == NULL) {
        return NULL;
    }
    size_t n = 0;
    out[n++] = quote;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)message[i];
        if (c == (unsigned char)quote || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        }
        else if (c == '\t' || c == '\n' || c == '\r') {
            out[n++] = '\\';
            out[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        }
        else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
        }
        else {
            out[n++] = (char)c;
        }
    }
    out[n++] = quote;
    *repr_length = n;
    return out;
}

void
mb_err_set(PyObject *type, const char *message, size_t length)
{
    if (type == NULL) {
        PyErr_Clear();
        return;
    }
    if (!check_exception_type(type)) {
        return;
    }
    /* str() of a KeyError is the repr() of its key. */
    char *repr = NULL;
    if (PyType_IsSubtype((PyTypeObject *)type,
                         (PyTypeObject *)PyExc_KeyError)) {
        repr = python_repr(message, length, &length);
        if (repr == NULL) {
            PyErr_NoMemory();
            return;
        }
        message = repr;
    }
    if (length > (size_t)PY_SSIZE_T_MAX - sizeof(ExceptionObject) - 1) {
        PyMem_Free(repr);
        PyErr_NoMemory();
        return;
    }
    ExceptionObject *exc = PyObject_Malloc(sizeof(ExceptionObject)
                                           + length + 1);
    if (exc == NULL) {
        PyMem_Free(repr);
        PyErr_NoMemory();
        return;
    }
    PyObject_Init((PyObject *)exc, (PyTypeObject *)type);
    exc->length = length;
    memcpy(exc->message, message, length);
    exc->message[length] = '\0';
    PyMem_Free(repr);
    Py_INCREF(type);
    PyErr_Restore(type, (PyObject *)exc, NULL);
}

void
PyErr_SetString(PyObject *type, const char *message)
{
    if (message == NULL) {
        message = "";
    }
    mb_err_set(type, message, strlen(message));
}

PyObject *
PyErr_Format(PyObject *type, const char *format, ...)
{
    va_list args;
    size_t length;
    va_start(args, format);
    char *message = mb_vformat(format, args, &length);
    va_end(args);
    if (message != NULL) {
        mb_err_set(type, message, length);
        PyMem_Free(message);
    }
    return NULL;
}

int
PyErr_GivenExceptionMatches(PyObject *err, PyObject *exc)
{
    if (err == NULL || exc == NULL) {
        return 0;
    }
    if (PyExceptionInstance_Check(err)) {
        err = (PyObject *)Py_TYPE(err);
    }
    if (PyExceptionClass_Check(err) && PyExceptionClass_Check(exc)) {
        return PyType_IsSubtype((PyTypeObject *)err, (PyTypeObject *)exc);
    }
    return err == exc;
}

int
PyErr_ExceptionMatches(PyObject *exc)
{
    return PyErr_GivenExceptionMatches(indicator.type, exc);
}

void
mb_err_null_argument(void)
{
    if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_SystemError,
                        "null argument to internal routine");
    }
}

void
PyErr_BadInternalCall(void)
{
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
}

void
_PyErr_BadInternalCall(const char *filename, int lineno)
{
    PyErr_Format(PyExc_SystemError, "%s:%d: bad argument to internal function",
                 filename, lineno);
}

/* --- Reading the indicator as text --------------------------------------- */

const char *
MbErr_TypeName(void)
{
    if (indicator.type == NULL) {
        return NULL;
    }
    return PyType_Check(indicator.type)
           ? ((PyTypeObject *)indicator.type)->tp_name
           : Py_TYPE(indicator.type)->tp_name;
}

const char *
MbErr_Message(void)
{
    if (indicator.type == NULL) {
        return NULL;
    }
    if (indicator.value == NULL
        || !PyExceptionInstance_Check(indicator.value)) {
        return "";
    }
    return ((ExceptionObject *)indicator.value)->message;
}

void
PyErr_Print(void)
{
    const char *name = MbErr_TypeName();
    if (name == NULL) {
        return;
    }
    const char *message = MbErr_Message();
    if (message[0] == '\0') {
        fprintf(stderr, "%s\n", name);
    }
    else {
        fprintf(stderr, "%s: %s\n", name, message);
    }
    fflush(stderr);
    PyErr_Clear();
}

/* --- New exception types ------------------------------------------------- */

PyObject *
PyErr_NewException(const char *name, PyObject *base, PyObject *dict)
{
    if (name == NULL || dict != NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    if (strchr(name, '.') == NULL) {
        PyErr_SetString(PyExc_SystemError,
                        "PyErr_NewException: name must be module.class");
        return NULL;
    }
    if (base == NULL) {
        base = PyExc_Exception;
    }
    if (!PyExceptionClass_Check(base)) {
        PyErr_SetString(PyExc_TypeError,
                        "PyErr_NewException: base must be an exception type");
        return NULL;
    }
    /* The name is stored after the type, in the same block. */
    size_t length = strlen(name);
    PyTypeObject *type = PyObject_Calloc(1, sizeof(PyTypeObject) + length + 1);
    if (type == NULL) {
        return PyErr_NoMemory();
    }
    char *stored_name = (char *)(type + 1);
    memcpy(stored_name, name, length + 1);
    PyObject_Init((PyObject *)type, &PyType_Type);
    type->tp_name = stored_name;
    type->tp_dealloc = mb_heap_dealloc;
    type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
                     | Py_TPFLAGS_HEAPTYPE;
    Py_INCREF(base);
    type->tp_base = (PyTypeObject *)base;
    if (PyType_Ready(type) < 0) {
        Py_DECREF(type);
        return NULL;
    }
    return (PyObject *)type;
}
