/* None and NotImplemented: statically allocated, immortal singletons of
 * types that cannot be instantiated, as in CPython (NoneType,
 * NotImplementedType).  They hash by identity.
 */
#include "runtime.h"

#define SINGLETON_TYPE(NAME, TP_NAME)                                   \
    static PyTypeObject NAME = {                                        \
        PyVarObject_HEAD_INIT(&PyType_Type, 0)                         \
        .tp_name = TP_NAME,                                             \
        .tp_basicsize = sizeof(PyObject),                               \
        .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_READY,              \
        .tp_base = &PyBaseObject_Type,                                     \
    }

SINGLETON_TYPE(none_type, "NoneType");
SINGLETON_TYPE(not_implemented_type, "NotImplementedType");

static PyObject none = {MB_IMMORTAL_REFCNT, &none_type};
static PyObject not_implemented = {MB_IMMORTAL_REFCNT,
                                   &not_implemented_type};

PyObject *const MbNone = &none;
PyObject *const MbNotImplemented = &not_implemented;
