/* Python 2 mode: Python 2.7's view of the type object, for code written
 * for Python 2.  A program gets it by defining MB_PYTHON2 before it
 * includes Python.h:
 *
 *     #define MB_PYTHON2
 *     #include <Python.h>
 *
 * It then sees 2.7's PyBufferProcs (the four segment slots first, then
 * bf_getbuffer and bf_releasebuffer) with 2.7's proc types, 2.7's
 * PyTypeObject field order, 2.7's type flags (Py_TPFLAGS_DEFAULT includes
 * Py_TPFLAGS_HAVE_GETCHARBUFFER; Py_TPFLAGS_HAVE_NEWBUFFER must be added to
 * use bf_getbuffer, as in 2.7), PY_MAJOR_VERSION 2, and the PyString_
 * names for the byte string type.  Py_buffer keeps CPython 3's layout (2.7
 * had two more private words, smalltable, which minibuf does not fill).
 *
 * One library serves both modes.  A type defined in this mode is marked
 * when it is made ready (PyType_Ready, and PyObject_New and the other
 * creators of instances, here mapped to MbPython2Type_Ready and friends):
 * the flag MB_TPFLAGS_PYTHON2 says that its tp_as_buffer points to a table
 * in 2.7's layout, and every function of the library reads the table so.
 * The fields the library reads lie at the same offsets in both type
 * layouts (tests/differential/type_layout_python2.c and type_layout.c
 * check them against 2.7 and 3.11).  Included by object.h;
 * docs/old-protocol.md puts the two layouts side by side.
 */
/* Included alone, it turns Python 2 mode on and is included by object.h,
   at its place there; after Python.h in the other mode, it cannot. */
#ifndef Py_OBJECT_H
#  ifndef MB_PYTHON2
#    define MB_PYTHON2
#  endif
#  include "object.h"
#elif !defined(MB_PYTHON2)
#  error "python2.h: define MB_PYTHON2 before including Python.h"
#endif
#ifndef Py_PYTHON2_H
#define Py_PYTHON2_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- Python 2's slot types ----------------------------------------------- */

typedef Py_ssize_t (*readbufferproc)(PyObject *, Py_ssize_t, void **);
typedef Py_ssize_t (*writebufferproc)(PyObject *, Py_ssize_t, void **);
typedef Py_ssize_t (*segcountproc)(PyObject *, Py_ssize_t *);
typedef Py_ssize_t (*charbufferproc)(PyObject *, Py_ssize_t, char **);
/* Their int-typed forms, from before Py_ssize_t. */
typedef int (*getreadbufferproc)(PyObject *, int, void **);
typedef int (*getwritebufferproc)(PyObject *, int, void **);
typedef int (*getsegcountproc)(PyObject *, int *);
typedef int (*getcharbufferproc)(PyObject *, int, char **);

typedef int (*printfunc)(PyObject *, FILE *, int);
typedef int (*cmpfunc)(PyObject *, PyObject *);
typedef int (*coercion)(PyObject **, PyObject **);
typedef PyObject *(*intargfunc)(PyObject *, int);
typedef PyObject *(*intintargfunc)(PyObject *, int, int);
typedef int (*intobjargproc)(PyObject *, int, PyObject *);
typedef int (*intintobjargproc)(PyObject *, int, int, PyObject *);

/* --- The tables of slots, in 2.7's layout -------------------------------- */

typedef struct {
    binaryfunc nb_add;
    binaryfunc nb_subtract;
    binaryfunc nb_multiply;
    binaryfunc nb_divide;
    binaryfunc nb_remainder;
    binaryfunc nb_divmod;
    ternaryfunc nb_power;
    unaryfunc nb_negative;
    unaryfunc nb_positive;
    unaryfunc nb_absolute;
    inquiry nb_nonzero;
    unaryfunc nb_invert;
    binaryfunc nb_lshift;
    binaryfunc nb_rshift;
    binaryfunc nb_and;
    binaryfunc nb_xor;
    binaryfunc nb_or;
    coercion nb_coerce;
    unaryfunc nb_int;
    unaryfunc nb_long;
    unaryfunc nb_float;
    unaryfunc nb_oct;
    unaryfunc nb_hex;
    binaryfunc nb_inplace_add;
    binaryfunc nb_inplace_subtract;
    binaryfunc nb_inplace_multiply;
    binaryfunc nb_inplace_divide;
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
} PyNumberMethods;

typedef struct {
    lenfunc sq_length;
    binaryfunc sq_concat;
    ssizeargfunc sq_repeat;
    ssizeargfunc sq_item;
    ssizessizeargfunc sq_slice;
    ssizeobjargproc sq_ass_item;
    ssizessizeobjargproc sq_ass_slice;
    objobjproc sq_contains;
    binaryfunc sq_inplace_concat;
    ssizeargfunc sq_inplace_repeat;
} PySequenceMethods;

typedef struct {
    lenfunc mp_length;
    binaryfunc mp_subscript;
    objobjargproc mp_ass_subscript;
} PyMappingMethods;

/* 2.7's buffer slots: the table MbPython2BufferProcs (minibuf.h) is. */
typedef struct {
    readbufferproc bf_getreadbuffer;
    writebufferproc bf_getwritebuffer;
    segcountproc bf_getsegcount;
    charbufferproc bf_getcharbuffer;
    getbufferproc bf_getbuffer;
    releasebufferproc bf_releasebuffer;
} PyBufferProcs;

/* --- The type object, in 2.7's layout ------------------------------------ */

struct _typeobject {
    PyObject_VAR_HEAD
    const char *tp_name;
    Py_ssize_t tp_basicsize, tp_itemsize;
    destructor tp_dealloc;
    printfunc tp_print;
    getattrfunc tp_getattr;
    setattrfunc tp_setattr;
    cmpfunc tp_compare;
    reprfunc tp_repr;
    PyNumberMethods *tp_as_number;
    PySequenceMethods *tp_as_sequence;
    PyMappingMethods *tp_as_mapping;
    hashfunc tp_hash;
    ternaryfunc tp_call;
    reprfunc tp_str;
    getattrofunc tp_getattro;
    setattrofunc tp_setattro;
    PyBufferProcs *tp_as_buffer;
    long tp_flags;
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
};

/* --- Type flags: 2.7's values -------------------------------------------- */

#define Py_TPFLAGS_HAVE_GETCHARBUFFER (1L << 0)
#define Py_TPFLAGS_HAVE_SEQUENCE_IN (1L << 1)
#define Py_TPFLAGS_GC 0
#define Py_TPFLAGS_HAVE_INPLACEOPS (1L << 3)
#define Py_TPFLAGS_CHECKTYPES (1L << 4)
#define Py_TPFLAGS_HAVE_RICHCOMPARE (1L << 5)
#define Py_TPFLAGS_HAVE_WEAKREFS (1L << 6)
#define Py_TPFLAGS_HAVE_ITER (1L << 7)
#define Py_TPFLAGS_HAVE_CLASS (1L << 8)
#define Py_TPFLAGS_HEAPTYPE (1L << 9)
#define Py_TPFLAGS_BASETYPE (1L << 10)
#define Py_TPFLAGS_READY (1L << 12)
#define Py_TPFLAGS_READYING (1L << 13)
#define Py_TPFLAGS_HAVE_GC (1L << 14)
#define Py_TPFLAGS_HAVE_STACKLESS_EXTENSION 0
#define Py_TPFLAGS_HAVE_INDEX (1L << 17)
#define Py_TPFLAGS_HAVE_VERSION_TAG (1L << 18)
#define Py_TPFLAGS_VALID_VERSION_TAG (1L << 19)
#define Py_TPFLAGS_IS_ABSTRACT (1L << 20)
#define Py_TPFLAGS_HAVE_NEWBUFFER (1L << 21)
#define Py_TPFLAGS_INT_SUBCLASS (1L << 23)
#define Py_TPFLAGS_LONG_SUBCLASS (1L << 24)
#define Py_TPFLAGS_LIST_SUBCLASS (1L << 25)
#define Py_TPFLAGS_TUPLE_SUBCLASS (1L << 26)
#define Py_TPFLAGS_STRING_SUBCLASS (1L << 27)
#define Py_TPFLAGS_UNICODE_SUBCLASS (1L << 28)
#define Py_TPFLAGS_DICT_SUBCLASS (1L << 29)
#define Py_TPFLAGS_BASE_EXC_SUBCLASS (1L << 30)
#define Py_TPFLAGS_TYPE_SUBCLASS (1L << 31)
#define Py_TPFLAGS_DEFAULT_EXTERNAL \
    (Py_TPFLAGS_HAVE_GETCHARBUFFER | Py_TPFLAGS_HAVE_SEQUENCE_IN | \
     Py_TPFLAGS_HAVE_INPLACEOPS | Py_TPFLAGS_HAVE_RICHCOMPARE | \
     Py_TPFLAGS_HAVE_WEAKREFS | Py_TPFLAGS_HAVE_ITER | \
     Py_TPFLAGS_HAVE_CLASS | Py_TPFLAGS_HAVE_STACKLESS_EXTENSION | \
     Py_TPFLAGS_HAVE_INDEX | 0)
#define Py_TPFLAGS_DEFAULT_CORE \
    (Py_TPFLAGS_DEFAULT_EXTERNAL | Py_TPFLAGS_HAVE_VERSION_TAG)
#define Py_TPFLAGS_DEFAULT Py_TPFLAGS_DEFAULT_EXTERNAL

/* --- Types defined in this mode are marked when first used --------------- */

/* PyType_Ready, and the creators of instances, mark the types defined in
   this mode (minibuf.h, MbPython2Type_Ready). */
#define PyType_Ready(type) MbPython2Type_Ready(type)
#define _PyObject_New(type) MbPython2_New(type)
#define _PyObject_NewVar(type, n) MbPython2_NewVar(type, n)
#define PyObject_Init(op, type) MbPython2_Init(op, type)
#define PyObject_InitVar(op, type, size) MbPython2_InitVar(op, type, size)

/* --- Python 2's str is bytes --------------------------------------------- */

#define PyStringObject PyBytesObject
#define PyString_Type PyBytes_Type
#define PyString_Check PyBytes_Check
#define PyString_CheckExact PyBytes_CheckExact
#define PyString_FromString PyBytes_FromString
#define PyString_FromStringAndSize PyBytes_FromStringAndSize
#define PyString_AsString PyBytes_AsString
#define PyString_Size PyBytes_Size
#define PyString_AS_STRING PyBytes_AS_STRING
#define PyString_GET_SIZE PyBytes_GET_SIZE

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYTHON2_H */
