/* CPython functions that minibuf does not provide, declared so that a call
 * is a compile-time error that says why, instead of an implicit
 * declaration and a link error.
 *
 * minibuf reproduces the buffer protocols and the object model under them;
 * it has no interpreter, so nothing that parses arguments, builds modules,
 * imports, calls or looks up attributes by name.  Code around buffer calls
 * that uses these (an extension's module boilerplate, say) keeps them
 * behind its own build switch; docs/differences.md lists the scope.
 */
#ifndef Py_OUTSIDE_H
#define Py_OUTSIDE_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#  define MB_OUTSIDE(what) \
    __attribute__((unavailable("minibuf has no interpreter: " what)))
#elif defined(__GNUC__)
#  define MB_OUTSIDE(what) \
    __attribute__((error("minibuf has no interpreter: " what)))
#else
#  define MB_OUTSIDE(what)
#endif

/* A module's definition, in CPython 3.11's layout, so that an extension's
   module boilerplate compiles; creating the module is what cannot. */
typedef struct PyModuleDef_Base {
    PyObject_HEAD
    PyObject *(*m_init)(void);
    Py_ssize_t m_index;
    PyObject *m_copy;
} PyModuleDef_Base;

#define PyModuleDef_HEAD_INIT {PyObject_HEAD_INIT(NULL) NULL, 0, NULL}

typedef struct PyModuleDef_Slot {
    int slot;
    void *value;
} PyModuleDef_Slot;

#define Py_mod_create 1
#define Py_mod_exec 2

typedef struct PyModuleDef {
    PyModuleDef_Base m_base;
    const char *m_name;
    const char *m_doc;
    Py_ssize_t m_size;
    PyMethodDef *m_methods;
    PyModuleDef_Slot *m_slots;
    traverseproc m_traverse;
    inquiry m_clear;
    freefunc m_free;
} PyModuleDef;

#ifdef __cplusplus
#  define PyMODINIT_FUNC extern "C" PyObject *
#else
#  define PyMODINIT_FUNC PyObject *
#endif

MB_OUTSIDE("no argument parsing (PyArg_ParseTuple)")
int PyArg_ParseTuple(PyObject *args, const char *format, ...);
MB_OUTSIDE("no argument parsing (PyArg_ParseTupleAndKeywords)")
int PyArg_ParseTupleAndKeywords(PyObject *args, PyObject *kw,
                                const char *format, char **keywords, ...);
MB_OUTSIDE("no argument parsing (PyArg_UnpackTuple)")
int PyArg_UnpackTuple(PyObject *args, const char *name, Py_ssize_t min,
                      Py_ssize_t max, ...);
MB_OUTSIDE("no value building (Py_BuildValue)")
PyObject *Py_BuildValue(const char *format, ...);
MB_OUTSIDE("no modules (PyModule_Create2)")
PyObject *PyModule_Create2(struct PyModuleDef *def, int apiver);
MB_OUTSIDE("no modules (PyModuleDef_Init)")
PyObject *PyModuleDef_Init(struct PyModuleDef *def);
MB_OUTSIDE("no modules (PyModule_GetState)")
void *PyModule_GetState(PyObject *module);
MB_OUTSIDE("no modules (PyModule_AddObjectRef)")
int PyModule_AddObjectRef(PyObject *module, const char *name,
                          PyObject *value);
MB_OUTSIDE("no modules (PyModule_AddObject)")
int PyModule_AddObject(PyObject *module, const char *name, PyObject *value);
MB_OUTSIDE("no modules (PyModule_AddIntConstant)")
int PyModule_AddIntConstant(PyObject *module, const char *name, long value);
MB_OUTSIDE("no modules (PyModule_AddType)")
int PyModule_AddType(PyObject *module, PyTypeObject *type);
MB_OUTSIDE("no imports (PyImport_ImportModule)")
PyObject *PyImport_ImportModule(const char *name);
MB_OUTSIDE("no calls (PyObject_Call)")
PyObject *PyObject_Call(PyObject *callable, PyObject *args, PyObject *kw);
MB_OUTSIDE("no calls (PyObject_CallObject)")
PyObject *PyObject_CallObject(PyObject *callable, PyObject *args);
MB_OUTSIDE("no calls (PyObject_CallFunction)")
PyObject *PyObject_CallFunction(PyObject *callable, const char *format,
                                ...);
MB_OUTSIDE("no calls (PyObject_CallMethod)")
PyObject *PyObject_CallMethod(PyObject *obj, const char *name,
                              const char *format, ...);
MB_OUTSIDE("no attribute lookup by name (PyObject_GetAttrString)")
PyObject *PyObject_GetAttrString(PyObject *obj, const char *name);
MB_OUTSIDE("no attribute lookup by name (PyObject_SetAttrString)")
int PyObject_SetAttrString(PyObject *obj, const char *name, PyObject *value);
MB_OUTSIDE("no repr or str of objects (PyObject_Repr)")
PyObject *PyObject_Repr(PyObject *obj);
MB_OUTSIDE("no repr or str of objects (PyObject_Str)")
PyObject *PyObject_Str(PyObject *obj);
MB_OUTSIDE("no floats (PyFloat_FromDouble)")
PyObject *PyFloat_FromDouble(double value);
MB_OUTSIDE("no floats (PyFloat_AsDouble)")
double PyFloat_AsDouble(PyObject *obj);
MB_OUTSIDE("no number protocol (PyNumber_Index)")
PyObject *PyNumber_Index(PyObject *obj);
MB_OUTSIDE("no truth testing (PyObject_IsTrue)")
int PyObject_IsTrue(PyObject *obj);
MB_OUTSIDE("no comparisons (PyObject_RichCompare)")
PyObject *PyObject_RichCompare(PyObject *a, PyObject *b, int op);
MB_OUTSIDE("no sequences or mappings (PyObject_GetItem)")
PyObject *PyObject_GetItem(PyObject *obj, PyObject *key);
MB_OUTSIDE("no sequences or mappings (PyObject_Length)")
Py_ssize_t PyObject_Length(PyObject *obj);
MB_OUTSIDE("no sequences or mappings (PyObject_Size)")
Py_ssize_t PyObject_Size(PyObject *obj);
MB_OUTSIDE("no warnings (PyErr_WarnEx)")
int PyErr_WarnEx(PyObject *category, const char *message,
                 Py_ssize_t stack_level);
MB_OUTSIDE("no capsules (PyCapsule_New)")
PyObject *PyCapsule_New(void *pointer, const char *name,
                        void (*destructor)(PyObject *));
MB_OUTSIDE("no capsules (PyCapsule_GetPointer)")
void *PyCapsule_GetPointer(PyObject *capsule, const char *name);
MB_OUTSIDE("no tuples (PyTuple_Pack)")
PyObject *PyTuple_Pack(Py_ssize_t n, ...);
MB_OUTSIDE("no tuples (PyTuple_GetItem)")
PyObject *PyTuple_GetItem(PyObject *tuple, Py_ssize_t index);
MB_OUTSIDE("no tuples (PyTuple_New)")
PyObject *PyTuple_New(Py_ssize_t size);
MB_OUTSIDE("no lists (PyList_New)")
PyObject *PyList_New(Py_ssize_t size);
MB_OUTSIDE("no lists (PyList_Append)")
int PyList_Append(PyObject *list, PyObject *item);
MB_OUTSIDE("no dicts (PyDict_New)")
PyObject *PyDict_New(void);

#define PyModule_Create(module) PyModule_Create2((module), 1013)

#ifdef __cplusplus
}
#endif

#endif /* !Py_OUTSIDE_H */
