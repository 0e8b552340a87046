/* Creating objects.
 *
 * PyObject_New(T, type) allocates type->tp_basicsize bytes and initialises
 * the header (count 1, the type); PyObject_NewVar adds n items of
 * tp_itemsize.  Both return a new reference, or NULL with MemoryError.  The
 * memory comes from PyObject_Malloc, so a tp_dealloc gives it back with
 * PyObject_Free (tp_free) or PyObject_Del.
 *
 * minibuf has no cycle collector: the PyObject_GC_ functions allocate and
 * free as the plain ones do, tracking is a no-op, and tp_traverse and
 * tp_clear are kept but never called.  A reference cycle is never freed,
 * as in CPython without its collector.
 */
#ifndef Py_OBJIMPL_H
#define Py_OBJIMPL_H

#include "object.h"
#include "pymem.h"

#ifdef __cplusplus
extern "C" {
#endif

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
#define PyObject_INIT(op, typeobj) PyObject_Init(_PyObject_CAST(op), (typeobj))
#define PyObject_INIT_VAR(op, typeobj, size) \
    PyObject_InitVar(_PyVarObject_CAST(op), (typeobj), (size))
#define PyObject_NEW(type, typeobj) PyObject_New(type, typeobj)
#define PyObject_NEW_VAR(type, typeobj, n) PyObject_NewVar(type, typeobj, n)
#define PyObject_Del PyObject_Free
#define PyObject_DEL PyObject_Free

/* The cycle collector's API, without a collector. */
#define PyObject_GC_New(type, typeobj) ((type *)_PyObject_New(typeobj))
#define PyObject_GC_NewVar(type, typeobj, n) \
    ((type *)_PyObject_NewVar((typeobj), (n)))
PyAPI_FUNC(void) PyObject_GC_Track(void *op);
PyAPI_FUNC(void) PyObject_GC_UnTrack(void *op);
PyAPI_FUNC(void) PyObject_GC_Del(void *op);
PyAPI_FUNC(int) PyObject_GC_IsTracked(PyObject *op);

#define Py_VISIT(op)                                                    \
    do {                                                                \
        if (op) {                                                       \
            int vret = visit(_PyObject_CAST(op), arg);                  \
            if (vret) {                                                 \
                return vret;                                            \
            }                                                           \
        }                                                               \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif /* !Py_OBJIMPL_H */
