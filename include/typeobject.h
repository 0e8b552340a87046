/* The type object in CPython 3.11's layout: every field in CPython's order
 * with CPython's types, and the tables of slots it points to, so that the
 * positional and designated initializers of real types compile unchanged
 * (tests/differential/type_layout.c checks every offset against CPython
 * 3.11).  minibuf uses some fields and keeps the rest without calling
 * them; docs/api.md has the table.  Included by object.h; Python 2's
 * layout is in python2.h.
 */
/* Included alone, it is included by object.h, at its place there. */
#ifndef Py_OBJECT_H
#  include "object.h"
#endif
#ifndef Py_TYPEOBJECT_H
#define Py_TYPEOBJECT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PYGEN_RETURN = 0,
    PYGEN_ERROR = -1,
    PYGEN_NEXT = 1
} PySendResult;
typedef PySendResult (*sendfunc)(PyObject *iter, PyObject *value,
                                 PyObject **result);

typedef struct {
    binaryfunc nb_add;
    binaryfunc nb_subtract;
    binaryfunc nb_multiply;
    binaryfunc nb_remainder;
    binaryfunc nb_divmod;
    ternaryfunc nb_power;
    unaryfunc nb_negative;
    unaryfunc nb_positive;
    unaryfunc nb_absolute;
    inquiry nb_bool;
    unaryfunc nb_invert;
    binaryfunc nb_lshift;
    binaryfunc nb_rshift;
    binaryfunc nb_and;
    binaryfunc nb_xor;
    binaryfunc nb_or;
    unaryfunc nb_int;
    void *nb_reserved;
    unaryfunc nb_float;
    binaryfunc nb_inplace_add;
    binaryfunc nb_inplace_subtract;
    binaryfunc nb_inplace_multiply;
    binaryfunc nb_inplace_remainder;
    ternaryfunc nb_inplace_power;
    binaryfunc nb_inplace_lshift;
    binaryfunc nb_inplace_rshift;
    binaryfunc nb_inplace_and;
    binaryfunc nb_inplace_xor;
    binaryfunc nb_inplace_or;
    binaryfunc nb_floor_divide;
    binaryfunc nb_true_divide;
    binaryfunc nb_inplace_floor_divide;
    binaryfunc nb_inplace_true_divide;
    unaryfunc nb_index;
    binaryfunc nb_matrix_multiply;
    binaryfunc nb_inplace_matrix_multiply;
} PyNumberMethods;

typedef struct {
    lenfunc sq_length;
    binaryfunc sq_concat;
    ssizeargfunc sq_repeat;
    ssizeargfunc sq_item;
    void *was_sq_slice;
    ssizeobjargproc sq_ass_item;
    void *was_sq_ass_slice;
    objobjproc sq_contains;
    binaryfunc sq_inplace_concat;
    ssizeargfunc sq_inplace_repeat;
} PySequenceMethods;

typedef struct {
    lenfunc mp_length;
    binaryfunc mp_subscript;
    objobjargproc mp_ass_subscript;
} PyMappingMethods;

typedef struct {
    unaryfunc am_await;
    unaryfunc am_aiter;
    unaryfunc am_anext;
    sendfunc am_send;
} PyAsyncMethods;

/* The new protocol's two slots (pybuffer.h), as in CPython 3. */
typedef struct {
    getbufferproc bf_getbuffer;
    releasebufferproc bf_releasebuffer;
} PyBufferProcs;

struct _typeobject {
    PyObject_VAR_HEAD
    const char *tp_name;          /* "module.Name" or "Name" */
    Py_ssize_t tp_basicsize;      /* size of an instance */
    Py_ssize_t tp_itemsize;       /* size of each item of a var object */
    destructor tp_dealloc;
    Py_ssize_t tp_vectorcall_offset;
    getattrfunc tp_getattr;
    setattrfunc tp_setattr;
    PyAsyncMethods *tp_as_async;
    reprfunc tp_repr;
    PyNumberMethods *tp_as_number;
    PySequenceMethods *tp_as_sequence;
    PyMappingMethods *tp_as_mapping;
    hashfunc tp_hash;             /* NULL: inherited (object: by identity) */
    ternaryfunc tp_call;
    reprfunc tp_str;
    getattrofunc tp_getattro;
    setattrofunc tp_setattro;
    PyBufferProcs *tp_as_buffer;
    unsigned long tp_flags;
    const char *tp_doc;
    traverseproc tp_traverse;
    inquiry tp_clear;
    richcmpfunc tp_richcompare;
    Py_ssize_t tp_weaklistoffset;
    getiterfunc tp_iter;
    iternextfunc tp_iternext;
    struct PyMethodDef *tp_methods;
    struct PyMemberDef *tp_members;
    struct PyGetSetDef *tp_getset;
    PyTypeObject *tp_base;
    PyObject *tp_dict;
    descrgetfunc tp_descr_get;
    descrsetfunc tp_descr_set;
    Py_ssize_t tp_dictoffset;
    initproc tp_init;
    allocfunc tp_alloc;
    newfunc tp_new;
    freefunc tp_free;
    inquiry tp_is_gc;
    PyObject *tp_bases;
    PyObject *tp_mro;
    PyObject *tp_cache;
    PyObject *tp_subclasses;
    PyObject *tp_weaklist;
    destructor tp_del;
    unsigned int tp_version_tag;
    destructor tp_finalize;
    vectorcallfunc tp_vectorcall;
};

/* Type flags: the values are CPython 3.11's. */
#define Py_TPFLAGS_MANAGED_DICT (1UL << 4)
#define Py_TPFLAGS_SEQUENCE (1UL << 5)
#define Py_TPFLAGS_MAPPING (1UL << 6)
#define Py_TPFLAGS_DISALLOW_INSTANTIATION (1UL << 7)
#define Py_TPFLAGS_IMMUTABLETYPE (1UL << 8)
#define Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define Py_TPFLAGS_BASETYPE (1UL << 10)
#define Py_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define _Py_TPFLAGS_HAVE_VECTORCALL Py_TPFLAGS_HAVE_VECTORCALL
#define Py_TPFLAGS_READY (1UL << 12)
#define Py_TPFLAGS_READYING (1UL << 13)
#define Py_TPFLAGS_HAVE_GC (1UL << 14)
#define Py_TPFLAGS_HAVE_STACKLESS_EXTENSION 0
#define Py_TPFLAGS_METHOD_DESCRIPTOR (1UL << 17)
#define Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18)
#define Py_TPFLAGS_VALID_VERSION_TAG (1UL << 19)
#define Py_TPFLAGS_IS_ABSTRACT (1UL << 20)
#define Py_TPFLAGS_LONG_SUBCLASS (1UL << 24)
#define Py_TPFLAGS_LIST_SUBCLASS (1UL << 25)
#define Py_TPFLAGS_TUPLE_SUBCLASS (1UL << 26)
#define Py_TPFLAGS_BYTES_SUBCLASS (1UL << 27)
#define Py_TPFLAGS_UNICODE_SUBCLASS (1UL << 28)
#define Py_TPFLAGS_DICT_SUBCLASS (1UL << 29)
#define Py_TPFLAGS_BASE_EXC_SUBCLASS (1UL << 30)
#define Py_TPFLAGS_TYPE_SUBCLASS (1UL << 31)
#define Py_TPFLAGS_DEFAULT (Py_TPFLAGS_HAVE_STACKLESS_EXTENSION | 0)
#define Py_TPFLAGS_HAVE_FINALIZE (1UL << 0)

/* --- Types made from a spec (the stable ABI's way) ------------------------ */

#include "typeslots.h"

typedef struct {
    int slot;                 /* a slot id of typeslots.h, or 0 to end */
    void *pfunc;              /* the function (or doc, base, table) */
} PyType_Slot;

typedef struct {
    const char *name;         /* "module.Name" */
    int basicsize;            /* 0: the base's */
    int itemsize;
    unsigned int flags;
    PyType_Slot *slots;       /* ends with {0, NULL} */
} PyType_Spec;

/* A new heap type (a new reference) described by spec, deriving from
   bases (a type; NULL: object) or from its Py_tp_base slot.  Its instances
   each hold a reference to it, so it lives as long as they do.  Errors, as
   in CPython 3.11: RuntimeError "invalid slot offset", TypeError "bases
   must be types" and "type 'T' is not an acceptable base type";
   SystemError for a NULL spec or name.  minibuf has no tuples: bases is
   one type. */
PyAPI_FUNC(PyObject *) PyType_FromSpec(PyType_Spec *spec);
PyAPI_FUNC(PyObject *) PyType_FromSpecWithBases(PyType_Spec *spec,
                                                PyObject *bases);

/* The function (or value) a type has in a slot, or NULL; SystemError "bad
   argument to internal function" for a slot id that does not exist. */
PyAPI_FUNC(void *) PyType_GetSlot(PyTypeObject *type, int slot);

/* Python 2's buffer flags (Py_TPFLAGS_HAVE_GETCHARBUFFER,
   Py_TPFLAGS_HAVE_NEWBUFFER) are not defined here, as in CPython 3: code
   that tests them with #ifdef to tell Python 2 from 3 takes its Python 3
   branch, and code that needs them compiles in Python 2 mode (python2.h). */

#ifdef __cplusplus
}
#endif

#endif /* !Py_TYPEOBJECT_H */
