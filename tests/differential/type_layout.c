/* cpython: 3.11-3.11
 *
 * CPython 3.11's type layout, as extension code compiles against it: the
 * offset of every PyTypeObject field, the sizes of the structures a type
 * definition names, and the values of the type flags, METH_ flags, type
 * slot ids, comparison ids and structmember.h's member types.  Positional
 * initializers, type specs and binary layouts are right only when all of
 * these are CPython's.
 */
#include "scenario.h"
#include <stddef.h>
#include <structmember.h>

typedef struct {
    const char *name;
    long value;
} Named;

#define OFFSET(type, field) {#type "." #field, (long)offsetof(type, field)}
#define SIZE(type) {"sizeof " #type, (long)sizeof(type)}
#define VALUE(name) {#name, (long)(name)}

static const Named type_fields[] = {
    OFFSET(PyTypeObject, tp_name), OFFSET(PyTypeObject, tp_basicsize),
    OFFSET(PyTypeObject, tp_itemsize), OFFSET(PyTypeObject, tp_dealloc),
    OFFSET(PyTypeObject, tp_vectorcall_offset),
    OFFSET(PyTypeObject, tp_getattr), OFFSET(PyTypeObject, tp_setattr),
    OFFSET(PyTypeObject, tp_as_async), OFFSET(PyTypeObject, tp_repr),
    OFFSET(PyTypeObject, tp_as_number), OFFSET(PyTypeObject, tp_as_sequence),
    OFFSET(PyTypeObject, tp_as_mapping), OFFSET(PyTypeObject, tp_hash),
    OFFSET(PyTypeObject, tp_call), OFFSET(PyTypeObject, tp_str),
    OFFSET(PyTypeObject, tp_getattro), OFFSET(PyTypeObject, tp_setattro),
    OFFSET(PyTypeObject, tp_as_buffer), OFFSET(PyTypeObject, tp_flags),
    OFFSET(PyTypeObject, tp_doc), OFFSET(PyTypeObject, tp_traverse),
    OFFSET(PyTypeObject, tp_clear), OFFSET(PyTypeObject, tp_richcompare),
    OFFSET(PyTypeObject, tp_weaklistoffset), OFFSET(PyTypeObject, tp_iter),
    OFFSET(PyTypeObject, tp_iternext), OFFSET(PyTypeObject, tp_methods),
    OFFSET(PyTypeObject, tp_members), OFFSET(PyTypeObject, tp_getset),
    OFFSET(PyTypeObject, tp_base), OFFSET(PyTypeObject, tp_dict),
    OFFSET(PyTypeObject, tp_descr_get), OFFSET(PyTypeObject, tp_descr_set),
    OFFSET(PyTypeObject, tp_dictoffset), OFFSET(PyTypeObject, tp_init),
    OFFSET(PyTypeObject, tp_alloc), OFFSET(PyTypeObject, tp_new),
    OFFSET(PyTypeObject, tp_free), OFFSET(PyTypeObject, tp_is_gc),
    OFFSET(PyTypeObject, tp_bases), OFFSET(PyTypeObject, tp_mro),
    OFFSET(PyTypeObject, tp_cache), OFFSET(PyTypeObject, tp_subclasses),
    OFFSET(PyTypeObject, tp_weaklist), OFFSET(PyTypeObject, tp_del),
    OFFSET(PyTypeObject, tp_version_tag), OFFSET(PyTypeObject, tp_finalize),
    OFFSET(PyTypeObject, tp_vectorcall),
};

static const Named other_fields[] = {
    OFFSET(PyType_Spec, name), OFFSET(PyType_Spec, basicsize),
    OFFSET(PyType_Spec, itemsize), OFFSET(PyType_Spec, flags),
    OFFSET(PyType_Spec, slots),
    OFFSET(PyMemberDef, name), OFFSET(PyMemberDef, type),
    OFFSET(PyMemberDef, offset), OFFSET(PyMemberDef, flags),
    OFFSET(PyMemberDef, doc),
};

static const Named sizes[] = {
    SIZE(PyTypeObject), SIZE(PyNumberMethods), SIZE(PySequenceMethods),
    SIZE(PyMappingMethods), SIZE(PyAsyncMethods), SIZE(PyBufferProcs),
    SIZE(PyMethodDef), SIZE(PyMemberDef), SIZE(PyGetSetDef),
    SIZE(PyType_Slot), SIZE(PyType_Spec),
};

static const Named type_flags[] = {
    VALUE(Py_TPFLAGS_MANAGED_DICT), VALUE(Py_TPFLAGS_SEQUENCE),
    VALUE(Py_TPFLAGS_MAPPING), VALUE(Py_TPFLAGS_DISALLOW_INSTANTIATION),
    VALUE(Py_TPFLAGS_IMMUTABLETYPE), VALUE(Py_TPFLAGS_HEAPTYPE),
    VALUE(Py_TPFLAGS_BASETYPE), VALUE(Py_TPFLAGS_HAVE_VECTORCALL),
    VALUE(Py_TPFLAGS_READY), VALUE(Py_TPFLAGS_READYING),
    VALUE(Py_TPFLAGS_HAVE_GC), VALUE(Py_TPFLAGS_METHOD_DESCRIPTOR),
    VALUE(Py_TPFLAGS_VALID_VERSION_TAG), VALUE(Py_TPFLAGS_IS_ABSTRACT),
    VALUE(Py_TPFLAGS_LONG_SUBCLASS), VALUE(Py_TPFLAGS_LIST_SUBCLASS),
    VALUE(Py_TPFLAGS_TUPLE_SUBCLASS), VALUE(Py_TPFLAGS_BYTES_SUBCLASS),
    VALUE(Py_TPFLAGS_UNICODE_SUBCLASS), VALUE(Py_TPFLAGS_DICT_SUBCLASS),
    VALUE(Py_TPFLAGS_BASE_EXC_SUBCLASS), VALUE(Py_TPFLAGS_TYPE_SUBCLASS),
    VALUE(Py_TPFLAGS_DEFAULT), VALUE(Py_TPFLAGS_HAVE_FINALIZE),
    VALUE(Py_TPFLAGS_HAVE_VERSION_TAG),
    VALUE(Py_TPFLAGS_HAVE_STACKLESS_EXTENSION),
};

static const Named method_flags[] = {
    VALUE(METH_VARARGS), VALUE(METH_KEYWORDS), VALUE(METH_NOARGS),
    VALUE(METH_O), VALUE(METH_CLASS), VALUE(METH_STATIC), VALUE(METH_COEXIST),
    VALUE(METH_FASTCALL), VALUE(METH_METHOD),
};

static const Named slot_ids[] = {
    VALUE(Py_bf_getbuffer), VALUE(Py_bf_releasebuffer),
    VALUE(Py_mp_ass_subscript), VALUE(Py_mp_length), VALUE(Py_mp_subscript),
    VALUE(Py_nb_absolute), VALUE(Py_nb_add), VALUE(Py_nb_and),
    VALUE(Py_nb_bool), VALUE(Py_nb_divmod), VALUE(Py_nb_float),
    VALUE(Py_nb_floor_divide), VALUE(Py_nb_index), VALUE(Py_nb_inplace_add),
    VALUE(Py_nb_inplace_and), VALUE(Py_nb_inplace_floor_divide),
    VALUE(Py_nb_inplace_lshift), VALUE(Py_nb_inplace_multiply),
    VALUE(Py_nb_inplace_or), VALUE(Py_nb_inplace_power),
    VALUE(Py_nb_inplace_remainder), VALUE(Py_nb_inplace_rshift),
    VALUE(Py_nb_inplace_subtract), VALUE(Py_nb_inplace_true_divide),
    VALUE(Py_nb_inplace_xor), VALUE(Py_nb_int), VALUE(Py_nb_invert),
    VALUE(Py_nb_lshift), VALUE(Py_nb_multiply), VALUE(Py_nb_negative),
    VALUE(Py_nb_or), VALUE(Py_nb_positive), VALUE(Py_nb_power),
    VALUE(Py_nb_remainder), VALUE(Py_nb_rshift), VALUE(Py_nb_subtract),
    VALUE(Py_nb_true_divide), VALUE(Py_nb_xor), VALUE(Py_sq_ass_item),
    VALUE(Py_sq_concat), VALUE(Py_sq_contains), VALUE(Py_sq_inplace_concat),
    VALUE(Py_sq_inplace_repeat), VALUE(Py_sq_item), VALUE(Py_sq_length),
    VALUE(Py_sq_repeat), VALUE(Py_tp_alloc), VALUE(Py_tp_base),
    VALUE(Py_tp_bases), VALUE(Py_tp_call), VALUE(Py_tp_clear),
    VALUE(Py_tp_dealloc), VALUE(Py_tp_del), VALUE(Py_tp_descr_get),
    VALUE(Py_tp_descr_set), VALUE(Py_tp_doc), VALUE(Py_tp_getattr),
    VALUE(Py_tp_getattro), VALUE(Py_tp_hash), VALUE(Py_tp_init),
    VALUE(Py_tp_is_gc), VALUE(Py_tp_iter), VALUE(Py_tp_iternext),
    VALUE(Py_tp_methods), VALUE(Py_tp_new), VALUE(Py_tp_repr),
    VALUE(Py_tp_richcompare), VALUE(Py_tp_setattr), VALUE(Py_tp_setattro),
    VALUE(Py_tp_str), VALUE(Py_tp_traverse), VALUE(Py_tp_members),
    VALUE(Py_tp_getset), VALUE(Py_tp_free), VALUE(Py_nb_matrix_multiply),
    VALUE(Py_nb_inplace_matrix_multiply), VALUE(Py_am_await),
    VALUE(Py_am_aiter), VALUE(Py_am_anext), VALUE(Py_tp_finalize),
    VALUE(Py_am_send),
};

static const Named comparisons[] = {
    VALUE(Py_LT), VALUE(Py_LE), VALUE(Py_EQ), VALUE(Py_NE), VALUE(Py_GT),
    VALUE(Py_GE),
};

static const Named member_types[] = {
    VALUE(T_SHORT), VALUE(T_INT), VALUE(T_LONG), VALUE(T_FLOAT),
    VALUE(T_DOUBLE), VALUE(T_STRING), VALUE(T_OBJECT), VALUE(T_CHAR),
    VALUE(T_BYTE), VALUE(T_UBYTE), VALUE(T_UINT), VALUE(T_USHORT),
    VALUE(T_ULONG), VALUE(T_STRING_INPLACE), VALUE(T_BOOL),
    VALUE(T_OBJECT_EX), VALUE(T_LONGLONG), VALUE(T_ULONGLONG),
    VALUE(T_PYSSIZET), VALUE(T_NONE), VALUE(READONLY), VALUE(READ_RESTRICTED),
    VALUE(PY_WRITE_RESTRICTED), VALUE(RESTRICTED),
};

static void
print_all(const Named *named, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        printf("%s %ld\n", named[i].name, named[i].value);
    }
}

#define PRINT_ALL(array) print_all(array, sizeof(array) / sizeof(array[0]))

int
main(void)
{
    scenario_begin();
    PRINT_ALL(type_fields);
    PRINT_ALL(other_fields);
    PRINT_ALL(sizes);
    PRINT_ALL(type_flags);
    PRINT_ALL(method_flags);
    PRINT_ALL(slot_ids);
    PRINT_ALL(comparisons);
    PRINT_ALL(member_types);
#ifdef Py_UNICODE_WIDE
    printf("Py_UNICODE_WIDE is defined\n");
#endif
    printf("Py_UNICODE_SIZE %d\n", (int)Py_UNICODE_SIZE);
    return scenario_end();
}
