/* Objects, types and reference counts.
 *
 * Ownership rules, as in CPython:
 * - Every object starts with PyObject (a reference count and a type).  A
 *   function documented as returning a "new reference" hands one reference to
 *   its caller, who must give it back with Py_DECREF; a "borrowed reference"
 *   is valid only while someone else holds one.
 * - When the count reaches zero, _Py_Dealloc calls the type's tp_dealloc,
 *   which releases what the object owns and then calls tp_free.
 * - Instances of heap types (types made at run time: PyType_FromSpec, the
 *   exception types of PyErr_NewException) hold a reference to their type,
 *   which is freed with its last reference.
 * - Statically allocated objects (everything initialised with
 *   PyObject_HEAD_INIT, such as type objects) are immortal, as CPython
 *   3.13 makes static objects (3.12 only its built-in types and
 *   exceptions): they start at MB_IMMORTAL_REFCNT, and Py_INCREF and
 *   Py_DECREF leave them alone (_Py_IsImmortal), so threads may share them
 *   (raising the same exception type, say) without racing on their count.
 *   Other objects and their counts must not be shared between threads
 *   without a lock.
 *
 * The type object has CPython 3.11's layout, field for field (typeobject.h),
 * or Python 2.7's when the program defines MB_PYTHON2 before including
 * Python.h (python2.h); docs/api.md says which fields minibuf uses.
 *
 * The built-in type objects are exported under minibuf's own names
 * (PyBytes_Type is MbTypeObject_Bytes, and MbType_Bytes is its address),
 * so that a program may name them in static initializers, as
 * PyVarObject_HEAD_INIT(&PyType_Type, 0) does, and a host that also has
 * CPython's names loaded never confuses the two.  The library refers to
 * them only through those exported names (its link keeps them
 * preemptible), so a position-independent executable that gets its own
 * copy of a type object through a copy relocation shares that copy with
 * the library, and type checks agree.
 */
#ifndef Py_OBJECT_H
#define Py_OBJECT_H

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _typeobject PyTypeObject;

typedef struct _object {
    Py_ssize_t ob_refcnt;
    PyTypeObject *ob_type;
} PyObject;

typedef struct {
    PyObject ob_base;
    Py_ssize_t ob_size;       /* number of items in the variable part */
} PyVarObject;

/* The count of immortal objects, CPython 3.12's value: an object whose count
   has the top bit of its low 32 bits set is never changed by Py_INCREF and
   Py_DECREF (a cheap test: no object has 2**31 references). */
#define MB_IMMORTAL_REFCNT ((Py_ssize_t)UINT32_MAX)
#define _Py_IsImmortal(op) ((int32_t)(op)->ob_refcnt < 0)

#define PyObject_HEAD PyObject ob_base;
#define PyObject_VAR_HEAD PyVarObject ob_base;
#define PyObject_HEAD_INIT(type) { MB_IMMORTAL_REFCNT, (type) },
#define PyVarObject_HEAD_INIT(type, size) { PyObject_HEAD_INIT(type) (size) },

#define _PyObject_CAST(op) ((PyObject *)(op))
#define _PyVarObject_CAST(op) ((PyVarObject *)(op))

#ifdef __cplusplus
}
#endif

#include "pybuffer.h"

/* A buffer table or a type written for the other mode (Python 2's four
   segment slots given to CPython 3's two, or the reverse; see python2.h)
   puts functions of one type into slots of another.  C compilers only
   warn about that, and the result crashes at the first request, so in C
   it is an error from here on, as C++ and GCC 14 make it anyway. */
#if !defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#  pragma GCC diagnostic error "-Wincompatible-pointer-types"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --- The function types of the slots ------------------------------------ */

typedef PyObject *(*unaryfunc)(PyObject *);
typedef PyObject *(*binaryfunc)(PyObject *, PyObject *);
typedef PyObject *(*ternaryfunc)(PyObject *, PyObject *, PyObject *);
typedef int (*inquiry)(PyObject *);
typedef Py_ssize_t (*lenfunc)(PyObject *);
typedef PyObject *(*ssizeargfunc)(PyObject *, Py_ssize_t);
typedef PyObject *(*ssizessizeargfunc)(PyObject *, Py_ssize_t, Py_ssize_t);
typedef int (*ssizeobjargproc)(PyObject *, Py_ssize_t, PyObject *);
typedef int (*ssizessizeobjargproc)(PyObject *, Py_ssize_t, Py_ssize_t,
                                    PyObject *);
typedef int (*objobjargproc)(PyObject *, PyObject *, PyObject *);
typedef int (*objobjproc)(PyObject *, PyObject *);
typedef int (*visitproc)(PyObject *, void *);
typedef int (*traverseproc)(PyObject *, visitproc, void *);
typedef void (*freefunc)(void *);
typedef void (*destructor)(PyObject *);
typedef PyObject *(*getattrfunc)(PyObject *, char *);
typedef PyObject *(*getattrofunc)(PyObject *, PyObject *);
typedef int (*setattrfunc)(PyObject *, char *, PyObject *);
typedef int (*setattrofunc)(PyObject *, PyObject *, PyObject *);
typedef PyObject *(*reprfunc)(PyObject *);
typedef Py_hash_t (*hashfunc)(PyObject *);
typedef PyObject *(*richcmpfunc)(PyObject *, PyObject *, int);
typedef PyObject *(*getiterfunc)(PyObject *);
typedef PyObject *(*iternextfunc)(PyObject *);
typedef PyObject *(*descrgetfunc)(PyObject *, PyObject *, PyObject *);
typedef int (*descrsetfunc)(PyObject *, PyObject *, PyObject *);
typedef int (*initproc)(PyObject *, PyObject *, PyObject *);
typedef PyObject *(*newfunc)(PyTypeObject *, PyObject *, PyObject *);
typedef PyObject *(*allocfunc)(PyTypeObject *, Py_ssize_t);
typedef PyObject *(*vectorcallfunc)(PyObject *, PyObject *const *, size_t,
                                    PyObject *);

/* Comparison operators of tp_richcompare. */
#define Py_LT 0
#define Py_LE 1
#define Py_EQ 2
#define Py_NE 3
#define Py_GT 4
#define Py_GE 5

/* The tables a type points to: methodobject.h, structmember.h (included
   by the program itself, as in CPython) and descrobject.h. */
typedef struct PyMethodDef PyMethodDef;
typedef struct PyMemberDef PyMemberDef;
typedef struct PyGetSetDef PyGetSetDef;

#ifdef __cplusplus
}
#endif

/* The type object and its flags, in CPython 3.11's layout or Python 2.7's. */
#ifdef MB_PYTHON2
#include "python2.h"
#else
#include "typeobject.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_DATA(PyTypeObject) MbTypeObject_Type;
#define MbType_Type (&MbTypeObject_Type)
PyAPI_DATA(PyTypeObject) MbTypeObject_BaseObject;
#define MbType_BaseObject (&MbTypeObject_BaseObject)
#define PyType_Type MbTypeObject_Type
#define PyBaseObject_Type MbTypeObject_BaseObject

/* Called by Py_DECREF when the count reaches zero. */
PyAPI_FUNC(void) _Py_Dealloc(PyObject *op);

static inline Py_ssize_t
_Py_REFCNT(const PyObject *ob)
{
    return ob->ob_refcnt;
}
#define Py_REFCNT(ob) _Py_REFCNT(_PyObject_CAST(ob))

static inline PyTypeObject *
_Py_TYPE(const PyObject *ob)
{
    return ob->ob_type;
}
#define Py_TYPE(ob) _Py_TYPE(_PyObject_CAST(ob))

static inline Py_ssize_t
_Py_SIZE(const PyVarObject *ob)
{
    return ob->ob_size;
}
#define Py_SIZE(ob) _Py_SIZE(_PyVarObject_CAST(ob))

static inline int
_Py_IS_TYPE(const PyObject *ob, const PyTypeObject *type)
{
    return ob->ob_type == type;
}
#define Py_IS_TYPE(ob, type) _Py_IS_TYPE(_PyObject_CAST(ob), (type))

static inline void
_Py_SET_REFCNT(PyObject *ob, Py_ssize_t refcnt)
{
    ob->ob_refcnt = refcnt;
}
#define Py_SET_REFCNT(ob, refcnt) _Py_SET_REFCNT(_PyObject_CAST(ob), (refcnt))

static inline void
_Py_SET_TYPE(PyObject *ob, PyTypeObject *type)
{
    ob->ob_type = type;
}
#define Py_SET_TYPE(ob, type) _Py_SET_TYPE(_PyObject_CAST(ob), (type))

static inline void
_Py_SET_SIZE(PyVarObject *ob, Py_ssize_t size)
{
    ob->ob_size = size;
}
#define Py_SET_SIZE(ob, size) _Py_SET_SIZE(_PyVarObject_CAST(ob), (size))

static inline void
_Py_INCREF(PyObject *op)
{
    if (!_Py_IsImmortal(op)) {
        op->ob_refcnt++;
    }
}
#define Py_INCREF(op) _Py_INCREF(_PyObject_CAST(op))

static inline void
_Py_DECREF(PyObject *op)
{
    if (!_Py_IsImmortal(op) && --op->ob_refcnt == 0) {
        _Py_Dealloc(op);
    }
}
#define Py_DECREF(op) _Py_DECREF(_PyObject_CAST(op))

static inline void
_Py_XINCREF(PyObject *op)
{
    if (op != NULL) {
        Py_INCREF(op);
    }
}
#define Py_XINCREF(op) _Py_XINCREF(_PyObject_CAST(op))

static inline void
_Py_XDECREF(PyObject *op)
{
    if (op != NULL) {
        Py_DECREF(op);
    }
}
#define Py_XDECREF(op) _Py_XDECREF(_PyObject_CAST(op))

/* Set op to NULL before dropping the reference, so that a destructor that
   looks at op again sees NULL. */
#define Py_CLEAR(op)                                    \
    do {                                                \
        PyObject *_py_tmp = _PyObject_CAST(op);         \
        if (_py_tmp != NULL) {                          \
            (op) = NULL;                                \
            Py_DECREF(_py_tmp);                         \
        }                                               \
    } while (0)

static inline PyObject *
_Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}
#define Py_NewRef(obj) _Py_NewRef(_PyObject_CAST(obj))

static inline PyObject *
_Py_XNewRef(PyObject *obj)
{
    Py_XINCREF(obj);
    return obj;
}
#define Py_XNewRef(obj) _Py_XNewRef(_PyObject_CAST(obj))

/* Py_INCREF and Py_XDECREF as exported functions (NULL allowed), for
   programs and hosts that cannot use inline functions or macros. */
PyAPI_FUNC(void) Py_IncRef(PyObject *op);
PyAPI_FUNC(void) Py_DecRef(PyObject *op);

/* --- None and NotImplemented --------------------------------------------- */

/* The singletons, statically allocated and immortal. */
PyAPI_DATA(PyObject *const) MbNone;
PyAPI_DATA(PyObject *const) MbNotImplemented;
#define Py_None (MbNone)
#define Py_NotImplemented (MbNotImplemented)
#define Py_RETURN_NONE return Py_NewRef(Py_None)
#define Py_RETURN_NOTIMPLEMENTED return Py_NewRef(Py_NotImplemented)
#define Py_IsNone(x) ((x) == Py_None)

/* --- Hashing, attributes, types ------------------------------------------ */

/* The hash of an object, through its type's tp_hash; -1 with an exception
   if it cannot be hashed.  Objects hash by identity unless their type says
   otherwise; bytes and read-only byte memoryviews hash their contents as
   CPython does with PYTHONHASHSEED=0. */
PyAPI_FUNC(Py_hash_t) PyObject_Hash(PyObject *obj);

/* The tp_hash of unhashable types: TypeError "unhashable type: 'T'". */
PyAPI_FUNC(Py_hash_t) PyObject_HashNotImplemented(PyObject *obj);

/* object.__getattribute__ and __setattr__, for tp_getattro and
   tp_setattro: minibuf's objects have no attributes and no dictionaries,
   so they raise AttributeError "'T' object has no attribute 'name'" (name
   a str).  A name that is not a str is TypeError "attribute name must be
   string, not 'T'", as in CPython. */
PyAPI_FUNC(PyObject *) PyObject_GenericGetAttr(PyObject *obj,
                                               PyObject *name);
PyAPI_FUNC(int) PyObject_GenericSetAttr(PyObject *obj, PyObject *name,
                                        PyObject *value);

/* Fill in the inherited parts of a type and mark it ready.  0 on success,
   -1 with an exception set. */
PyAPI_FUNC(int) PyType_Ready(PyTypeObject *type);

/* 1 if a is b or derives from b, else 0. */
PyAPI_FUNC(int) PyType_IsSubtype(PyTypeObject *a, PyTypeObject *b);

/* The flags of a type (tp_flags). */
PyAPI_FUNC(unsigned long) PyType_GetFlags(PyTypeObject *type);

/* tp_alloc and tp_new of object: a zeroed instance of tp_basicsize
   (+ nitems * tp_itemsize) bytes with its header set, a new reference, or
   NULL with MemoryError; PyType_GenericNew calls type->tp_alloc(type, 0)
   and ignores its arguments. */
PyAPI_FUNC(PyObject *) PyType_GenericAlloc(PyTypeObject *type,
                                           Py_ssize_t nitems);
PyAPI_FUNC(PyObject *) PyType_GenericNew(PyTypeObject *type, PyObject *args,
                                         PyObject *kwds);

#define PyType_HasFeature(t, f) ((PyType_GetFlags(t) & (f)) != 0)
#define PyType_Check(op) \
    PyType_HasFeature(Py_TYPE(op), Py_TPFLAGS_TYPE_SUBCLASS)
#define PyType_CheckExact(op) Py_IS_TYPE((op), &PyType_Type)

static inline int
_PyObject_TypeCheck(PyObject *ob, PyTypeObject *type)
{
    return Py_IS_TYPE(ob, type) || PyType_IsSubtype(Py_TYPE(ob), type);
}
#define PyObject_TypeCheck(ob, type) \
    _PyObject_TypeCheck(_PyObject_CAST(ob), (type))

#ifdef __cplusplus
}
#endif

#endif /* !Py_OBJECT_H */
