/* Creating objects.
 *
 * PyObject_New(T, type) allocates type->tp_basicsize bytes and initialises
 * the header (count 1, the type); PyObject_NewVar adds n items of
 * tp_itemsize.  Both return a new reference, or NULL with MemoryError.  The
 * memory comes from PyObject_Malloc, so a tp_dealloc gives it back with
 * PyObject_Free (tp_free) or PyObject_Del.
 */
#ifndef Py_OBJIMPL_H
#define Py_OBJIMPL_H

PyAPI_FUNC(PyObject *) PyObject_Init(PyObject *op, PyTypeObject *type);
PyAPI_FUNC(PyVarObject *) PyObject_InitVar(PyVarObject *op,
                                           PyTypeObject *type,
                                           Py_ssize_t size);
PyAPI_FUNC(PyObject *) _PyObject_New(PyTypeObject *type);
PyAPI_FUNC(PyVarObject *) _PyObject_NewVar(PyTypeObject *type,
                                           Py_ssize_t nitems);

#define PyObject_New(type, typeobj) ((type *)_PyObject_New(typeobj))
#define PyObject_NewVar(type, typeobj, n) \
    ((type *)_PyObject_NewVar((typeobj), (n)))
#define PyObject_Del PyObject_Free
#define PyObject_DEL PyObject_Free

#endif /* !Py_OBJIMPL_H */
