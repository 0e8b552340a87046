/* bool: Py_True and Py_False, the two instances of a subtype of int. */
#ifndef Py_BOOLOBJECT_H
#define Py_BOOLOBJECT_H

#include "longobject.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) MbTypeObject_Bool;
#define MbType_Bool (&MbTypeObject_Bool)
#define PyBool_Type MbTypeObject_Bool
#define PyBool_Check(op) Py_IS_TYPE((op), &PyBool_Type)

/* Statically allocated and immortal, like None. */
PyAPI_DATA(PyObject *const) MbTrue;
PyAPI_DATA(PyObject *const) MbFalse;
#define Py_True (MbTrue)
#define Py_False (MbFalse)
#define Py_IsTrue(x) ((x) == Py_True)
#define Py_IsFalse(x) ((x) == Py_False)
#define Py_RETURN_TRUE return Py_NewRef(Py_True)
#define Py_RETURN_FALSE return Py_NewRef(Py_False)

/* Py_True or Py_False (a new reference). */
PyAPI_FUNC(PyObject *) PyBool_FromLong(long ok);

#ifdef __cplusplus
}
#endif

#endif /* !Py_BOOLOBJECT_H */
