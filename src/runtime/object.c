/* Objects and types: creation, destruction, readiness and inheritance.
 *
 * Ownership rules:
 * - PyObject_Init gives a new object its first reference and, for a heap
 *   type, a reference to the type; _Py_Dealloc (reached from Py_DECREF)
 *   calls tp_dealloc.  As in CPython 3.8 and later, the instance's
 *   reference to a heap type is dropped by its tp_dealloc: a heap type
 *   made without one gets mb_heap_dealloc, which runs the base's and then
 *   drops it; a heap type's own tp_dealloc must do so itself.
 * - Static types are immortal (object.h); one whose count still reaches
 *   zero was never given PyObject_HEAD_INIT, and the process stops with a
 *   message rather than free static memory, as CPython does.
 * - PyType_Ready copies what a type leaves empty from its base, including the
 *   buffer slots, as CPython 3.11 does (and 2.7 did for its four slots): a
 *   type with its own PyBufferProcs table gets the base's slots written
 *   into the empty entries of that table; a type without a table shares the
 *   base's (python2_types.c, for tables of either layout).  As in CPython,
 *   tp_new is not inherited by a static type whose base is object.
 * - minibuf has no cycle collector: the PyObject_GC_ functions allocate
 *   and free as the plain ones do; tp_traverse and tp_clear are never
 *   called.
 */
#include "runtime.h"

/* --- The built-in types "type" and "object" ------------------------------ */

static void
object_dealloc(PyObject *self)
{
    Py_TYPE(self)->tp_free(self);
}

/* By identity: the address rotated by 4 bits, as CPython's pointer hash. */
static Py_hash_t
object_hash(PyObject *self)
{
    size_t y = (size_t)self;
    y = (y >> 4) | (y << (8 * sizeof(void *) - 4));
    Py_hash_t x = (Py_hash_t)y;
    return x == -1 ? -2 : x;
}

/* Only heap types (PyType_FromSpec, PyErr_NewException) are ever freed:
   their name and tables live in the same block as the type. */
static void
type_dealloc(PyObject *self)
{
    PyTypeObject *type = (PyTypeObject *)self;
    if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        fprintf(stderr, "Fatal Python error: type_dealloc: "
                "static type '%s' deallocated\n", type->tp_name);
        abort();
    }
    Py_XDECREF(type->tp_base);
    PyObject_Free(type);
}

PyTypeObject MbTypeObject_BaseObject = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "object",
    .tp_basicsize = sizeof(PyObject),
    .tp_dealloc = object_dealloc,
    .tp_hash = object_hash,
    .tp_getattro = PyObject_GenericGetAttr,
    .tp_setattro = PyObject_GenericSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_READY,
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = PyType_GenericNew,
    .tp_free = PyObject_Free,
};

PyTypeObject MbTypeObject_Type = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    .tp_name = "type",
    .tp_basicsize = sizeof(PyTypeObject),
    .tp_dealloc = type_dealloc,
    .tp_hash = object_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_READY
                | Py_TPFLAGS_TYPE_SUBCLASS,
    .tp_base = &PyBaseObject_Type,
    .tp_free = PyObject_Free,
};

static int ensure_ready(PyTypeObject *type);

/* --- Readiness and inheritance ------------------------------------------- */

/* Flags that say "derives from a built-in" and pass from base to subtype. */
#define INHERITED_FLAGS \
    (Py_TPFLAGS_BASE_EXC_SUBCLASS | Py_TPFLAGS_TYPE_SUBCLASS \
     | Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_BYTES_SUBCLASS \
     | Py_TPFLAGS_UNICODE_SUBCLASS)

/* Assumption: base is ready. */
static void
inherit(PyTypeObject *type, const PyTypeObject *base)
{
    assert(base->tp_flags & Py_TPFLAGS_READY);
    if (type->tp_basicsize == 0) {
        type->tp_basicsize = base->tp_basicsize;
    }
    if (type->tp_itemsize == 0) {
        type->tp_itemsize = base->tp_itemsize;
    }
    if (type->tp_dealloc == NULL) {
        type->tp_dealloc = base->tp_dealloc;
    }
    if (type->tp_free == NULL) {
        type->tp_free = base->tp_free;
    }
    if (type->tp_alloc == NULL) {
        type->tp_alloc = base->tp_alloc;
    }
    if (type->tp_new == NULL && ((type->tp_flags & Py_TPFLAGS_HEAPTYPE)
                                 || base != &PyBaseObject_Type)) {
        type->tp_new = base->tp_new;
    }
    if (type->tp_hash == NULL) {
        type->tp_hash = base->tp_hash;
    }
    if (type->tp_getattro == NULL) {
        type->tp_getattro = base->tp_getattro;
    }
    if (type->tp_setattro == NULL) {
        type->tp_setattro = base->tp_setattro;
    }
    type->tp_flags |= base->tp_flags & INHERITED_FLAGS;
    mb_inherit_buffer_slots(type, base);
}

int
PyType_Ready(PyTypeObject *type)
{
    if (type->tp_flags & Py_TPFLAGS_READY) {
        return 0;
    }
    if (type->tp_flags & Py_TPFLAGS_READYING) {
        PyErr_Format(PyExc_SystemError,
                     "PyType_Ready: type '%.100s' is its own base",
                     type->tp_name ? type->tp_name : "?");
        return -1;
    }
    if (type->tp_name == NULL) {
        PyErr_SetString(PyExc_SystemError,
                        "Type does not define the tp_name field.");
        return -1;
    }
    type->tp_flags |= Py_TPFLAGS_READYING;
    if (type->tp_base == NULL) {
        type->tp_base = &PyBaseObject_Type;
    }
    PyTypeObject *base = type->tp_base;
    if (PyType_Ready(base) < 0) {
        type->tp_flags &= ~Py_TPFLAGS_READYING;
        return -1;
    }
    if (Py_TYPE(type) == NULL) {
        Py_SET_TYPE(type, Py_TYPE(base));
    }
    inherit(type, base);
    type->tp_flags = (type->tp_flags & ~Py_TPFLAGS_READYING)
                     | Py_TPFLAGS_READY;
    return 0;
}

int
PyType_IsSubtype(PyTypeObject *a, PyTypeObject *b)
{
    for (PyTypeObject *t = a; t != NULL; t = t->tp_base) {
        if (t == b) {
            return 1;
        }
    }
    /* Every type derives from object, ready or not. */
    return b == &PyBaseObject_Type;
}

Py_hash_t
PyObject_Hash(PyObject *obj)
{
    if (obj == NULL) {
        mb_err_null_argument();
        return -1;
    }
    PyTypeObject *type = Py_TYPE(obj);
    if (type->tp_hash == NULL && ensure_ready(type) < 0) {
        return -1;
    }
    /* A static type defined ready without tp_hash hashes by identity. */
    return type->tp_hash ? type->tp_hash(obj) : object_hash(obj);
}

Py_hash_t
PyObject_HashNotImplemented(PyObject *obj)
{
    PyErr_Format(PyExc_TypeError, "unhashable type: '%.200s'",
                 Py_TYPE(obj)->tp_name);
    return -1;
}

unsigned long
PyType_GetFlags(PyTypeObject *type)
{
    return type->tp_flags;
}

/* --- Creation and destruction -------------------------------------------- */

PyObject *
PyObject_Init(PyObject *op, PyTypeObject *type)
{
    if (op == NULL) {
        return PyErr_NoMemory();
    }
    Py_SET_TYPE(op, type);
    Py_SET_REFCNT(op, 1);
    if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        Py_INCREF(type);
    }
    mb_count_object(1);
    if (mb_tracking()) {
        mb_track_object(op);
    }
    return op;
}

PyVarObject *
PyObject_InitVar(PyVarObject *op, PyTypeObject *type, Py_ssize_t size)
{
    if (op == NULL) {
        return (PyVarObject *)PyErr_NoMemory();
    }
    Py_SET_SIZE(op, size);
    return (PyVarObject *)PyObject_Init((PyObject *)op, type);
}

/* A type used before PyType_Ready is made ready here, so that its size and
   destructor are known. */
static int
ensure_ready(PyTypeObject *type)
{
    return (type->tp_flags & Py_TPFLAGS_READY) ? 0 : PyType_Ready(type);
}

PyObject *
_PyObject_New(PyTypeObject *type)
{
    if (ensure_ready(type) < 0) {
        return NULL;
    }
    return PyObject_Init(PyObject_Malloc((size_t)type->tp_basicsize), type);
}

PyVarObject *
_PyObject_NewVar(PyTypeObject *type, Py_ssize_t nitems)
{
    if (ensure_ready(type) < 0) {
        return NULL;
    }
    if (nitems < 0) {
        PyErr_BadInternalCall();
        return NULL;
    }
    size_t basic = (size_t)type->tp_basicsize;
    size_t item = (size_t)type->tp_itemsize;
    if (item != 0 && (size_t)nitems > (PY_SSIZE_T_MAX - basic) / item) {
        return (PyVarObject *)PyErr_NoMemory();
    }
    /* Round up to a pointer's alignment, as CPython's _PyObject_VAR_SIZE. */
    size_t size = basic + (size_t)nitems * item;
    size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    return PyObject_InitVar(PyObject_Malloc(size), type, nitems);
}

void
_Py_Dealloc(PyObject *op)
{
    PyTypeObject *type = Py_TYPE(op);
    mb_count_object(-1);
    if (mb_tracking()) {
        mb_untrack_object(op);
    }
    if (type->tp_dealloc != NULL) {
        type->tp_dealloc(op);
    }
    else {
        PyObject_Free(op);
    }
}

void
mb_heap_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    const PyTypeObject *base = type;
    while (base->tp_dealloc == mb_heap_dealloc) {
        base = base->tp_base;
    }
    if (base->tp_dealloc != NULL) {
        base->tp_dealloc(self);
    }
    else {
        PyObject_Free(self);
    }
    Py_DECREF(type);
}

void
Py_IncRef(PyObject *op)
{
    Py_XINCREF(op);
}

void
Py_DecRef(PyObject *op)
{
    Py_XDECREF(op);
}

/* --- object's tp_alloc and tp_new ---------------------------------------- */

PyObject *
PyType_GenericAlloc(PyTypeObject *type, Py_ssize_t nitems)
{
    if (ensure_ready(type) < 0) {
        return NULL;
    }
    if (nitems < 0) {
        PyErr_BadInternalCall();
        return NULL;
    }
    /* As CPython: room for one item more than asked, for a sentinel. */
    size_t basic = (size_t)type->tp_basicsize;
    size_t item = (size_t)type->tp_itemsize;
    if (item != 0
        && (size_t)nitems + 1 > (PY_SSIZE_T_MAX - basic) / item) {
        return PyErr_NoMemory();
    }
    size_t size = basic + ((size_t)nitems + 1) * item;
    size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    void *block = PyObject_Calloc(1, size);
    if (item == 0) {
        return PyObject_Init(block, type);
    }
    return (PyObject *)PyObject_InitVar(block, type, nitems);
}

PyObject *
PyType_GenericNew(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    return type->tp_alloc(type, 0);
}

/* --- Attributes ---------------------------------------------------------- */

/* The attribute's name as text, or NULL with CPython's TypeError. */
static const char *
attribute_name(PyObject *name)
{
    if (name == NULL || !PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "attribute name must be string, not "
                     "'%.200s'", name ? Py_TYPE(name)->tp_name : "NULL");
        return NULL;
    }
    return PyUnicode_AsUTF8(name);
}

PyObject *
PyObject_GenericGetAttr(PyObject *obj, PyObject *name)
{
    const char *text = attribute_name(name);
    if (text != NULL) {
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no "
                     "attribute '%.400s'", Py_TYPE(obj)->tp_name, text);
    }
    return NULL;
}

int
PyObject_GenericSetAttr(PyObject *obj, PyObject *name, PyObject *value)
{
    (void)value;
    (void)PyObject_GenericGetAttr(obj, name);
    return -1;
}

/* --- The cycle collector's API, without a collector ----------------------- */

void
PyObject_GC_Track(void *op)
{
    (void)op;
}

void
PyObject_GC_UnTrack(void *op)
{
    (void)op;
}

void
PyObject_GC_Del(void *op)
{
    PyObject_Free(op);
}

int
PyObject_GC_IsTracked(PyObject *op)
{
    (void)op;
    return 0;
}
