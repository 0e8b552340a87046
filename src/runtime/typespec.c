/* Types made from a spec: PyType_FromSpec, PyType_FromSpecWithBases and
 * PyType_GetSlot (CPython's stable-ABI way of defining a type).
 *
 * Ownership rules:
 * - A type made from a spec is a heap type in one block: the type object,
 *   its own tables of slots (async, number, mapping, sequence, buffer, as
 *   in CPython's heap types), a copy of its name and of its doc.  It is
 *   returned as a new reference; each instance holds another (PyObject_
 *   Init), given back by the instance's tp_dealloc (mb_heap_dealloc when
 *   the spec has none; a tp_dealloc of the program's must do it, as in
 *   CPython).  The last reference frees the block and drops the type's
 *   reference to its base.
 * - Slot ids are CPython's (typeslots.h); each names a field of the type
 *   or of one of its tables.  The spec's tables of methods, members and
 *   attributes are kept by pointer: they must outlive the type.
 */
#include "runtime.h"

typedef struct {
    PyTypeObject type;
    PyAsyncMethods as_async;
    PyNumberMethods as_number;
    PyMappingMethods as_mapping;
    PySequenceMethods as_sequence;
    PyBufferProcs as_buffer;
    void *data;                   /* mb_type_from_spec_with_data's, in the
                                     block after the strings, or NULL */
    char strings[];               /* the name, then the doc */
} HeapType;

/* Where a slot lives: a field of the type or of one of its tables. */
enum { IN_TYPE = 1, IN_ASYNC, IN_NUMBER, IN_MAPPING, IN_SEQUENCE, IN_BUFFER };

typedef struct {
    unsigned char table;
    unsigned short offset;
} SlotPlace;

#define TYPE(field) {IN_TYPE, offsetof(PyTypeObject, field)}
#define AM(field) {IN_ASYNC, offsetof(PyAsyncMethods, field)}
#define NB(field) {IN_NUMBER, offsetof(PyNumberMethods, field)}
#define MP(field) {IN_MAPPING, offsetof(PyMappingMethods, field)}
#define SQ(field) {IN_SEQUENCE, offsetof(PySequenceMethods, field)}
#define BF(field) {IN_BUFFER, offsetof(PyBufferProcs, field)}

static const SlotPlace places[] = {
    [Py_bf_getbuffer] = BF(bf_getbuffer),
    [Py_bf_releasebuffer] = BF(bf_releasebuffer),
    [Py_mp_ass_subscript] = MP(mp_ass_subscript),
    [Py_mp_length] = MP(mp_length),
    [Py_mp_subscript] = MP(mp_subscript),
    [Py_nb_absolute] = NB(nb_absolute),
    [Py_nb_add] = NB(nb_add),
    [Py_nb_and] = NB(nb_and),
    [Py_nb_bool] = NB(nb_bool),
    [Py_nb_divmod] = NB(nb_divmod),
    [Py_nb_float] = NB(nb_float),
    [Py_nb_floor_divide] = NB(nb_floor_divide),
    [Py_nb_index] = NB(nb_index),
    [Py_nb_inplace_add] = NB(nb_inplace_add),
    [Py_nb_inplace_and] = NB(nb_inplace_and),
    [Py_nb_inplace_floor_divide] = NB(nb_inplace_floor_divide),
    [Py_nb_inplace_lshift] = NB(nb_inplace_lshift),
    [Py_nb_inplace_multiply] = NB(nb_inplace_multiply),
    [Py_nb_inplace_or] = NB(nb_inplace_or),
    [Py_nb_inplace_power] = NB(nb_inplace_power),
    [Py_nb_inplace_remainder] = NB(nb_inplace_remainder),
    [Py_nb_inplace_rshift] = NB(nb_inplace_rshift),
    [Py_nb_inplace_subtract] = NB(nb_inplace_subtract),
    [Py_nb_inplace_true_divide] = NB(nb_inplace_true_divide),
    [Py_nb_inplace_xor] = NB(nb_inplace_xor),
    [Py_nb_int] = NB(nb_int),
    [Py_nb_invert] = NB(nb_invert),
    [Py_nb_lshift] = NB(nb_lshift),
    [Py_nb_multiply] = NB(nb_multiply),
    [Py_nb_negative] = NB(nb_negative),
    [Py_nb_or] = NB(nb_or),
    [Py_nb_positive] = NB(nb_positive),
    [Py_nb_power] = NB(nb_power),
    [Py_nb_remainder] = NB(nb_remainder),
    [Py_nb_rshift] = NB(nb_rshift),
    [Py_nb_subtract] = NB(nb_subtract),
    [Py_nb_true_divide] = NB(nb_true_divide),
    [Py_nb_xor] = NB(nb_xor),
    [Py_sq_ass_item] = SQ(sq_ass_item),
    [Py_sq_concat] = SQ(sq_concat),
    [Py_sq_contains] = SQ(sq_contains),
    [Py_sq_inplace_concat] = SQ(sq_inplace_concat),
    [Py_sq_inplace_repeat] = SQ(sq_inplace_repeat),
    [Py_sq_item] = SQ(sq_item),
    [Py_sq_length] = SQ(sq_length),
    [Py_sq_repeat] = SQ(sq_repeat),
    [Py_tp_alloc] = TYPE(tp_alloc),
    [Py_tp_base] = TYPE(tp_base),
    [Py_tp_bases] = TYPE(tp_bases),
    [Py_tp_call] = TYPE(tp_call),
    [Py_tp_clear] = TYPE(tp_clear),
    [Py_tp_dealloc] = TYPE(tp_dealloc),
    [Py_tp_del] = TYPE(tp_del),
    [Py_tp_descr_get] = TYPE(tp_descr_get),
    [Py_tp_descr_set] = TYPE(tp_descr_set),
    [Py_tp_doc] = TYPE(tp_doc),
    [Py_tp_getattr] = TYPE(tp_getattr),
    [Py_tp_getattro] = TYPE(tp_getattro),
    [Py_tp_hash] = TYPE(tp_hash),
    [Py_tp_init] = TYPE(tp_init),
    [Py_tp_is_gc] = TYPE(tp_is_gc),
    [Py_tp_iter] = TYPE(tp_iter),
    [Py_tp_iternext] = TYPE(tp_iternext),
    [Py_tp_methods] = TYPE(tp_methods),
    [Py_tp_new] = TYPE(tp_new),
    [Py_tp_repr] = TYPE(tp_repr),
    [Py_tp_richcompare] = TYPE(tp_richcompare),
    [Py_tp_setattr] = TYPE(tp_setattr),
    [Py_tp_setattro] = TYPE(tp_setattro),
    [Py_tp_str] = TYPE(tp_str),
    [Py_tp_traverse] = TYPE(tp_traverse),
    [Py_tp_members] = TYPE(tp_members),
    [Py_tp_getset] = TYPE(tp_getset),
    [Py_tp_free] = TYPE(tp_free),
    [Py_nb_matrix_multiply] = NB(nb_matrix_multiply),
    [Py_nb_inplace_matrix_multiply] = NB(nb_inplace_matrix_multiply),
    [Py_am_await] = AM(am_await),
    [Py_am_aiter] = AM(am_aiter),
    [Py_am_anext] = AM(am_anext),
    [Py_tp_finalize] = TYPE(tp_finalize),
    [Py_am_send] = AM(am_send),
};

#define SLOT_COUNT ((int)(sizeof(places) / sizeof(places[0])))

/* The address of the slot's field in type, or NULL when the type has no
   table for it.  Assumption: 0 < slot < SLOT_COUNT. */
static void **
field_of(PyTypeObject *type, int slot)
{
    const SlotPlace *place = &places[slot];
    void *table;
    assert(slot > 0 && slot < SLOT_COUNT);
    switch (place->table) {
    case IN_TYPE:
        table = type;
        break;
    case IN_ASYNC:
        table = type->tp_as_async;
        break;
    case IN_NUMBER:
        table = type->tp_as_number;
        break;
    case IN_MAPPING:
        table = type->tp_as_mapping;
        break;
    case IN_SEQUENCE:
        table = type->tp_as_sequence;
        break;
    default:
        table = type->tp_as_buffer;
        break;
    }
    return table ? (void **)(void *)((char *)table + place->offset) : NULL;
}

static int
valid_slot(int slot)
{
    return slot > 0 && slot < SLOT_COUNT && places[slot].table != 0;
}

/* The base the spec names: bases, else its Py_tp_base or Py_tp_bases
   slot, else object; NULL with CPython's TypeError. */
static PyTypeObject *
spec_base(const PyType_Spec *spec, PyObject *bases)
{
    for (const PyType_Slot *s = spec->slots; bases == NULL && s->slot; s++) {
        if (s->slot == Py_tp_base || s->slot == Py_tp_bases) {
            bases = s->pfunc;
        }
    }
    if (bases == NULL) {
        return &PyBaseObject_Type;
    }
    if (!PyType_Check(bases)) {
        PyErr_SetString(PyExc_TypeError, "bases must be types");
        return NULL;
    }
    PyTypeObject *base = (PyTypeObject *)bases;
    if (!(base->tp_flags & Py_TPFLAGS_BASETYPE)) {
        PyErr_Format(PyExc_TypeError, "type '%.100s' is not an acceptable "
                     "base type", base->tp_name);
        return NULL;
    }
    return base;
}

/* The spec's slots are all ones CPython knows, and its doc (or NULL). */
static int
check_slots(const PyType_Spec *spec, const char **doc)
{
    *doc = NULL;
    for (const PyType_Slot *s = spec->slots; s->slot; s++) {
        if (!valid_slot(s->slot)) {
            PyErr_SetString(PyExc_RuntimeError, "invalid slot offset");
            return -1;
        }
        if (s->slot == Py_tp_doc) {
            *doc = s->pfunc;
        }
    }
    return 0;
}

/* A heap type's block, zeroed, with its name and doc copied in and room
   for data_size bytes of data after them (aligned for any type). */
static HeapType *
alloc_heap_type(const char *name, const char *doc, size_t data_size)
{
    size_t name_size = strlen(name) + 1;
    size_t doc_size = doc ? strlen(doc) + 1 : 0;
    size_t align = _Alignof(max_align_t);
    size_t data_at = (sizeof(HeapType) + name_size + doc_size + align - 1)
                     / align * align;
    HeapType *heap = PyObject_Calloc(1, data_at + data_size);
    if (heap == NULL) {
        return NULL;
    }
    if (data_size > 0) {
        heap->data = (char *)heap + data_at;
    }
    memcpy(heap->strings, name, name_size);
    heap->type.tp_name = heap->strings;
    if (doc != NULL) {
        memcpy(heap->strings + name_size, doc, doc_size);
        heap->type.tp_doc = heap->strings + name_size;
    }
    heap->type.tp_as_async = &heap->as_async;
    heap->type.tp_as_number = &heap->as_number;
    heap->type.tp_as_mapping = &heap->as_mapping;
    heap->type.tp_as_sequence = &heap->as_sequence;
    heap->type.tp_as_buffer = &heap->as_buffer;
    return heap;
}

/* PyType_FromSpecWithBases with data_size bytes of data in the type's
   block (mb_type_data). */
static PyObject *
type_from_spec(PyType_Spec *spec, PyObject *bases, size_t data_size)
{
    const char *doc;
    if (spec == NULL || spec->name == NULL || spec->slots == NULL) {
        PyErr_BadInternalCall();
        return NULL;
    }
    PyTypeObject *base = spec_base(spec, bases);
    if (base == NULL || check_slots(spec, &doc) < 0) {
        return NULL;
    }
    HeapType *heap = alloc_heap_type(spec->name, doc, data_size);
    if (heap == NULL) {
        return PyErr_NoMemory();
    }
    PyTypeObject *type = &heap->type;
    PyObject_Init((PyObject *)type, &PyType_Type);
    type->tp_basicsize = spec->basicsize;
    type->tp_itemsize = spec->itemsize;
    type->tp_flags = spec->flags | Py_TPFLAGS_HEAPTYPE;
    type->tp_base = (PyTypeObject *)Py_NewRef(base);
    for (const PyType_Slot *s = spec->slots; s->slot; s++) {
        if (s->slot != Py_tp_doc && s->slot != Py_tp_base
            && s->slot != Py_tp_bases) {
            /* A heap type has every table. */
            void **field = field_of(type, s->slot);
            assert(field != NULL);
            if (field != NULL) {
                *field = s->pfunc;
            }
        }
    }
    if (type->tp_dealloc == NULL) {
        type->tp_dealloc = mb_heap_dealloc;
    }
    if (PyType_Ready(type) < 0) {
        Py_DECREF(type);
        return NULL;
    }
    return (PyObject *)type;
}

PyObject *
PyType_FromSpecWithBases(PyType_Spec *spec, PyObject *bases)
{
    return type_from_spec(spec, bases, 0);
}

PyObject *
PyType_FromSpec(PyType_Spec *spec)
{
    return type_from_spec(spec, NULL, 0);
}

PyObject *
mb_type_from_spec_with_data(PyType_Spec *spec, size_t data_size)
{
    return type_from_spec(spec, NULL, data_size);
}

void *
mb_type_data(PyTypeObject *type)
{
    assert(type->tp_flags & Py_TPFLAGS_HEAPTYPE);
    return ((HeapType *)type)->data;
}

void *
PyType_GetSlot(PyTypeObject *type, int slot)
{
    if (type == NULL || !valid_slot(slot)) {
        PyErr_BadInternalCall();
        return NULL;
    }
    if (slot == Py_bf_getbuffer || slot == Py_bf_releasebuffer) {
        /* Read through the table's own layout (either Python's). */
        PyBufferProcs *procs = mb_buffer_procs(type);
        if (procs == NULL) {
            return NULL;
        }
        return slot == Py_bf_getbuffer ? (void *)procs->bf_getbuffer
                                       : (void *)procs->bf_releasebuffer;
    }
    void **field = field_of(type, slot);
    return field ? *field : NULL;
}
