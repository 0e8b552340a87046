/* Objects, types and reference counts.
 *
 * Ownership rules, as in CPython:
 * - Every object starts with PyObject (a reference count and a type).  A
 *   function documented as returning a "new reference" hands one reference to
 *   its caller, who must give it back with Py_DECREF; a "borrowed reference"
 *   is valid only while someone else holds one.
 * - When the count reaches zero, _Py_Dealloc calls the type's tp_dealloc,
 *   which releases what the object owns and then calls tp_free.
 * - Instances of heap types (types made at run time, such as the exception
 *   types of PyErr_NewException) hold a reference to their type.
 * - Statically allocated objects (everything initialised with
 *   PyObject_HEAD_INIT, such as type objects) are immortal, as in CPython
 *   3.12: they start at MB_IMMORTAL_REFCNT, and Py_INCREF and Py_DECREF leave
 *   them alone (_Py_IsImmortal), so threads may share them (raising the
 *   same exception type, say) without racing on their count.  Other
 *   objects and their counts must not be shared between threads without a
 *   lock.
 *
 * Type objects are reached through constant pointers (PyBytes_Type is
 * (*MbType_Bytes)), not exported as structures: a position-independent
 * executable would otherwise get its own copy of each type object through a
 * copy relocation while the library kept using the original, and type checks
 * would fail.  The price: &PyBytes_Type is not a constant expression, so a
 * static initializer cannot name it; set tp_base before PyType_Ready.
 */
#ifndef Py_OBJECT_H
#define Py_OBJECT_H

#include "pyport.h"

typedef struct _typeobject PyTypeObject;

typedef struct _object {
    Py_ssize_t ob_refcnt;
    PyTypeObject *ob_type;
} PyObject;

typedef struct {
    PyObject ob_base;
    Py_ssize_t ob_size;       /* number of items in the variable part */
} PyVarObject;

#include "pybuffer.h"

/* The count of immortal objects, as in CPython 3.12: an object whose count
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

typedef void (*destructor)(PyObject *);
typedef void (*freefunc)(void *);
typedef Py_hash_t (*hashfunc)(PyObject *);

/* Python 2's segment slots (old-buffer-protocol.txt, and
   Objects/abstract.c of 2.7): a segment count with the total length, and
   for each segment a pointer and its length (or -1 with an exception). */
typedef Py_ssize_t (*readbufferproc)(PyObject *, Py_ssize_t, void **);
typedef Py_ssize_t (*writebufferproc)(PyObject *, Py_ssize_t, void **);
typedef Py_ssize_t (*segcountproc)(PyObject *, Py_ssize_t *);
typedef Py_ssize_t (*charbufferproc)(PyObject *, Py_ssize_t, char **);

/* The slots of the buffer protocols.  CPython 3's two slots come first, so
   CPython 3's positional initializers compile; Python 2's four follow (set
   them by name: Python 2 put them first).  A type with bf_getbuffer is
   served by the new protocol only. */
typedef struct {
    getbufferproc bf_getbuffer;
    releasebufferproc bf_releasebuffer;
    readbufferproc bf_getreadbuffer;
    writebufferproc bf_getwritebuffer;
    segcountproc bf_getsegcount;
    charbufferproc bf_getcharbuffer;
} PyBufferProcs;

/* A subset of CPython's type object, with CPython's field names and in
   CPython's relative order: designated initializers written for CPython
   compile as long as they set only these fields. */
struct _typeobject {
    PyObject_VAR_HEAD
    const char *tp_name;          /* "module.Name" or "Name" */
    Py_ssize_t tp_basicsize;      /* size of an instance */
    Py_ssize_t tp_itemsize;       /* size of each item of a var object */
    destructor tp_dealloc;
    hashfunc tp_hash;             /* NULL: inherited (object: by identity) */
    PyBufferProcs *tp_as_buffer;
    unsigned long tp_flags;
    const char *tp_doc;
    PyTypeObject *tp_base;
    freefunc tp_free;
};

/* Type flags: the values are CPython 3.11's. */
#define Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define Py_TPFLAGS_BASETYPE (1UL << 10)
#define Py_TPFLAGS_READY (1UL << 12)
#define Py_TPFLAGS_READYING (1UL << 13)
#define Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18)
#define Py_TPFLAGS_BASE_EXC_SUBCLASS (1UL << 30)
#define Py_TPFLAGS_TYPE_SUBCLASS (1UL << 31)
#define Py_TPFLAGS_DEFAULT Py_TPFLAGS_HAVE_VERSION_TAG

/* Python 2's buffer flags, so that Python 2 code compiles: minibuf looks at
   the slots themselves (as 2.7's old-protocol functions did), so they are
   0. */
#define Py_TPFLAGS_HAVE_GETCHARBUFFER 0
#define Py_TPFLAGS_HAVE_NEWBUFFER 0

PyAPI_DATA(PyTypeObject *const) MbType_Type;
PyAPI_DATA(PyTypeObject *const) MbType_BaseObject;
#define PyType_Type (*MbType_Type)
#define PyBaseObject_Type (*MbType_BaseObject)

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

/* The hash of an object, through its type's tp_hash; -1 with an exception
   if it cannot be hashed.  Objects hash by identity unless their type says
   otherwise; bytes and read-only byte memoryviews hash their contents as
   CPython does with PYTHONHASHSEED=0. */
PyAPI_FUNC(Py_hash_t) PyObject_Hash(PyObject *obj);

/* The tp_hash of unhashable types: TypeError "unhashable type: 'T'". */
PyAPI_FUNC(Py_hash_t) PyObject_HashNotImplemented(PyObject *obj);

/* Fill in the inherited parts of a type and mark it ready.  0 on success,
   -1 with an exception set. */
PyAPI_FUNC(int) PyType_Ready(PyTypeObject *type);

/* 1 if a is b or derives from b, else 0. */
PyAPI_FUNC(int) PyType_IsSubtype(PyTypeObject *a, PyTypeObject *b);

/* The flags of a type (tp_flags). */
PyAPI_FUNC(unsigned long) PyType_GetFlags(PyTypeObject *type);

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

#endif /* !Py_OBJECT_H */
