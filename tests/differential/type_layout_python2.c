/* cpython: 2.7-2.7
 *
 * Python 2 mode's type layout (MB_PYTHON2), as code written for Python 2.7
 * compiles against it: the offset of every PyTypeObject field and of every
 * slot of 2.7's PyBufferProcs, the sizes of the slot tables, the type
 * flags and the version.  Py_buffer's public fields are at 2.7's offsets;
 * its private tail is not (docs/differences.md).
 */
#define MB_PYTHON2
#include "scenario.h"
#include <stddef.h>

typedef struct {
    const char *name;
    long value;
} Named;

#define OFFSET(type, field) {#type "." #field, (long)offsetof(type, field)}
#define SIZE(type) {"sizeof " #type, (long)sizeof(type)}
#define VALUE(name) {#name, (long)(name)}

static const Named fields[] = {
    OFFSET(PyTypeObject, tp_name), OFFSET(PyTypeObject, tp_basicsize),
    OFFSET(PyTypeObject, tp_itemsize), OFFSET(PyTypeObject, tp_dealloc),
    OFFSET(PyTypeObject, tp_print), OFFSET(PyTypeObject, tp_getattr),
    OFFSET(PyTypeObject, tp_setattr), OFFSET(PyTypeObject, tp_compare),
    OFFSET(PyTypeObject, tp_repr), OFFSET(PyTypeObject, tp_as_number),
    OFFSET(PyTypeObject, tp_as_sequence), OFFSET(PyTypeObject, tp_as_mapping),
    OFFSET(PyTypeObject, tp_hash), OFFSET(PyTypeObject, tp_call),
    OFFSET(PyTypeObject, tp_str), OFFSET(PyTypeObject, tp_getattro),
    OFFSET(PyTypeObject, tp_setattro), OFFSET(PyTypeObject, tp_as_buffer),
    OFFSET(PyTypeObject, tp_flags), OFFSET(PyTypeObject, tp_doc),
    OFFSET(PyTypeObject, tp_traverse), OFFSET(PyTypeObject, tp_clear),
    OFFSET(PyTypeObject, tp_richcompare),
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
    OFFSET(PyTypeObject, tp_version_tag),
    OFFSET(PyBufferProcs, bf_getreadbuffer),
    OFFSET(PyBufferProcs, bf_getwritebuffer),
    OFFSET(PyBufferProcs, bf_getsegcount),
    OFFSET(PyBufferProcs, bf_getcharbuffer),
    OFFSET(PyBufferProcs, bf_getbuffer),
    OFFSET(PyBufferProcs, bf_releasebuffer),
    OFFSET(Py_buffer, buf), OFFSET(Py_buffer, obj), OFFSET(Py_buffer, len),
    OFFSET(Py_buffer, itemsize), OFFSET(Py_buffer, readonly),
    OFFSET(Py_buffer, ndim), OFFSET(Py_buffer, format),
    OFFSET(Py_buffer, shape), OFFSET(Py_buffer, strides),
    OFFSET(Py_buffer, suboffsets),
};

static const Named sizes[] = {
    SIZE(PyTypeObject), SIZE(PyNumberMethods), SIZE(PySequenceMethods),
    SIZE(PyMappingMethods), SIZE(PyBufferProcs),
};

static const Named type_flags[] = {
    VALUE(Py_TPFLAGS_HAVE_GETCHARBUFFER), VALUE(Py_TPFLAGS_HAVE_SEQUENCE_IN),
    VALUE(Py_TPFLAGS_GC), VALUE(Py_TPFLAGS_HAVE_INPLACEOPS),
    VALUE(Py_TPFLAGS_CHECKTYPES), VALUE(Py_TPFLAGS_HAVE_RICHCOMPARE),
    VALUE(Py_TPFLAGS_HAVE_WEAKREFS), VALUE(Py_TPFLAGS_HAVE_ITER),
    VALUE(Py_TPFLAGS_HAVE_CLASS), VALUE(Py_TPFLAGS_HEAPTYPE),
    VALUE(Py_TPFLAGS_BASETYPE), VALUE(Py_TPFLAGS_READY),
    VALUE(Py_TPFLAGS_READYING), VALUE(Py_TPFLAGS_HAVE_GC),
    VALUE(Py_TPFLAGS_HAVE_STACKLESS_EXTENSION), VALUE(Py_TPFLAGS_HAVE_INDEX),
    VALUE(Py_TPFLAGS_HAVE_VERSION_TAG), VALUE(Py_TPFLAGS_VALID_VERSION_TAG),
    VALUE(Py_TPFLAGS_IS_ABSTRACT), VALUE(Py_TPFLAGS_HAVE_NEWBUFFER),
    VALUE(Py_TPFLAGS_INT_SUBCLASS), VALUE(Py_TPFLAGS_LONG_SUBCLASS),
    VALUE(Py_TPFLAGS_LIST_SUBCLASS), VALUE(Py_TPFLAGS_TUPLE_SUBCLASS),
    VALUE(Py_TPFLAGS_STRING_SUBCLASS), VALUE(Py_TPFLAGS_UNICODE_SUBCLASS),
    VALUE(Py_TPFLAGS_DICT_SUBCLASS), VALUE(Py_TPFLAGS_BASE_EXC_SUBCLASS),
    VALUE(Py_TPFLAGS_TYPE_SUBCLASS), VALUE(Py_TPFLAGS_DEFAULT_EXTERNAL),
    VALUE(Py_TPFLAGS_DEFAULT_CORE), VALUE(Py_TPFLAGS_DEFAULT),
};

static const Named version[] = {
    VALUE(PY_MAJOR_VERSION), VALUE(PY_MINOR_VERSION), VALUE(PY_MICRO_VERSION),
    VALUE(PY_RELEASE_LEVEL), VALUE(PY_RELEASE_SERIAL), VALUE(PY_VERSION_HEX),
    VALUE(Py_END_OF_BUFFER), VALUE(Py_UNICODE_SIZE),
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
    PRINT_ALL(fields);
    PRINT_ALL(sizes);
    PRINT_ALL(type_flags);
    PRINT_ALL(version);
    printf("PY_VERSION %s\n", PY_VERSION);
#ifdef Py_UNICODE_WIDE
    printf("Py_UNICODE_WIDE is defined\n");
#endif
    return scenario_end();
}
