/* The object model: reference counts, types, readiness, inheritance and
 * object creation. */
#include "testutil.h"

/* --- A type that records its destruction --------------------------------- */

typedef struct {
    PyObject_HEAD
    int *destroyed;
} Probe;

static void
probe_dealloc(PyObject *self)
{
    Probe *probe = (Probe *)self;
    if (probe->destroyed != NULL) {
        (*probe->destroyed)++;
    }
    PyObject_Free(self);
}

static PyTypeObject ProbeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Probe",
    .tp_basicsize = sizeof(Probe),
    .tp_dealloc = probe_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
};

static Probe *
new_probe(int *destroyed)
{
    Probe *probe = PyObject_New(Probe, &ProbeType);
    ck_assert_ptr_nonnull(probe);
    probe->destroyed = destroyed;
    return probe;
}

START_TEST(test_new_object_has_one_reference_and_its_type)
{
    int destroyed = 0;
    Probe *probe = new_probe(&destroyed);
    ck_assert_int_eq(Py_REFCNT(probe), 1);
    ck_assert_ptr_eq(Py_TYPE(probe), &ProbeType);
    ck_assert(Py_IS_TYPE(probe, &ProbeType));
    Py_DECREF(probe);
    ck_assert_int_eq(destroyed, 1);
}
END_TEST

START_TEST(test_reference_macros)
{
    int destroyed = 0;
    Probe *probe = new_probe(&destroyed);
    PyObject *obj = (PyObject *)probe;
    Py_INCREF(obj);
    ck_assert_int_eq(Py_REFCNT(obj), 2);
    Py_XINCREF(obj);
    ck_assert_int_eq(Py_REFCNT(obj), 3);
    Py_XINCREF(NULL);
    Py_XDECREF(NULL);
    ck_assert_ptr_eq(Py_NewRef(obj), obj);
    ck_assert_ptr_eq(Py_XNewRef(obj), obj);
    ck_assert_ptr_null(Py_XNewRef(NULL));
    ck_assert_int_eq(Py_REFCNT(obj), 5);
    Py_DECREF(obj);
    Py_DECREF(obj);
    Py_XDECREF(obj);
    Py_DECREF(obj);
    ck_assert_int_eq(destroyed, 0);
    ck_assert_int_eq(Py_REFCNT(obj), 1);
    Py_CLEAR(obj);
    ck_assert_ptr_null(obj);
    ck_assert_int_eq(destroyed, 1);
    Py_CLEAR(obj);
    ck_assert_int_eq(destroyed, 1);
}
END_TEST

START_TEST(test_static_objects_are_immortal)
{
    PyObject *type = (PyObject *)&ProbeType;
    Py_ssize_t count = Py_REFCNT(type);
    ck_assert_int_eq(count, MB_IMMORTAL_REFCNT);
    ck_assert(_Py_IsImmortal(type));
    Py_INCREF(type);
    ck_assert_int_eq(Py_REFCNT(type), count);
    for (int i = 0; i < 3; i++) {
        Py_DECREF(type);
    }
    ck_assert_int_eq(Py_REFCNT(type), count);
    ck_assert_int_eq(Py_REFCNT(PyExc_TypeError), count);
}
END_TEST

START_TEST(test_set_macros)
{
    Probe *probe = new_probe(NULL);
    Py_SET_REFCNT(probe, 7);
    ck_assert_int_eq(Py_REFCNT(probe), 7);
    Py_SET_REFCNT(probe, 1);
    Py_SET_TYPE(probe, &ProbeType);
    ck_assert_ptr_eq(Py_TYPE(probe), &ProbeType);
    Py_DECREF(probe);
}
END_TEST

/* --- Readiness and inheritance ------------------------------------------- */

static int
base_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, self, (void *)"base", 4, 1, flags);
}

static void
base_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)self;
    (void)view;
}

static int
own_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, self, (void *)"own", 3, 1, flags);
}

static PyBufferProcs base_procs = {base_getbuffer, base_releasebuffer};

static PyTypeObject BaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Base",
    .tp_basicsize = sizeof(Probe),
    .tp_itemsize = 3,
    .tp_dealloc = probe_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_as_buffer = &base_procs,
};

START_TEST(test_ready_inherits_from_base)
{
    static PyTypeObject Sub = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.Sub",
        .tp_flags = Py_TPFLAGS_DEFAULT,
    };
    Sub.tp_base = &BaseType;
    ck_assert_int_eq(PyType_Ready(&Sub), 0);
    ck_assert(Sub.tp_flags & Py_TPFLAGS_READY);
    ck_assert(BaseType.tp_flags & Py_TPFLAGS_READY);
    ck_assert_int_eq(Sub.tp_basicsize, sizeof(Probe));
    ck_assert_int_eq(Sub.tp_itemsize, 3);
    ck_assert_ptr_eq(Sub.tp_dealloc, probe_dealloc);
    ck_assert_ptr_eq(Sub.tp_free, PyObject_Free);
    /* No table of its own: the base's table is shared. */
    ck_assert_ptr_eq(Sub.tp_as_buffer, &base_procs);
    ck_assert_ptr_eq(Py_TYPE(&Sub), &PyType_Type);
    ck_assert_int_eq(PyType_Ready(&Sub), 0);
}
END_TEST

START_TEST(test_ready_fills_empty_buffer_slots_of_own_table)
{
    static PyBufferProcs only_get = {own_getbuffer, NULL};
    static PyBufferProcs empty = {NULL, NULL};
    static PyTypeObject WithGet = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.WithGet",
        .tp_as_buffer = &only_get,
    };
    static PyTypeObject WithEmpty = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.WithEmpty",
        .tp_as_buffer = &empty,
    };
    WithGet.tp_base = &BaseType;
    WithEmpty.tp_base = &BaseType;
    ck_assert_int_eq(PyType_Ready(&WithGet), 0);
    ck_assert_int_eq(PyType_Ready(&WithEmpty), 0);
    ck_assert_ptr_eq(WithGet.tp_as_buffer, &only_get);
    ck_assert_ptr_eq(only_get.bf_getbuffer, own_getbuffer);
    ck_assert_ptr_eq(only_get.bf_releasebuffer, base_releasebuffer);
    ck_assert_ptr_eq(empty.bf_getbuffer, base_getbuffer);
    ck_assert_ptr_eq(empty.bf_releasebuffer, base_releasebuffer);
}
END_TEST

START_TEST(test_ready_defaults_to_object)
{
    static PyTypeObject Plain = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.Plain",
    };
    ck_assert_int_eq(PyType_Ready(&Plain), 0);
    ck_assert_ptr_eq(Plain.tp_base, &PyBaseObject_Type);
    ck_assert_int_eq(Plain.tp_basicsize, sizeof(PyObject));
    ck_assert_ptr_null(Plain.tp_as_buffer);
    PyObject *obj = _PyObject_New(&Plain);
    ck_assert_ptr_nonnull(obj);
    Py_DECREF(obj);
}
END_TEST

START_TEST(test_ready_without_name_fails)
{
    static PyTypeObject Nameless = {PyVarObject_HEAD_INIT(NULL, 0)};
    ck_assert_int_eq(PyType_Ready(&Nameless), -1);
    assert_error(PyExc_SystemError, "Type does not define the tp_name field.");
    ck_assert(!(Nameless.tp_flags & Py_TPFLAGS_READY));
}
END_TEST

START_TEST(test_ready_refuses_a_cycle)
{
    static PyTypeObject A = {PyVarObject_HEAD_INIT(NULL, 0) .tp_name = "A"};
    static PyTypeObject B = {PyVarObject_HEAD_INIT(NULL, 0) .tp_name = "B"};
    A.tp_base = &B;
    B.tp_base = &A;
    ck_assert_int_eq(PyType_Ready(&A), -1);
    assert_error(PyExc_SystemError, "PyType_Ready: type 'A' is its own base");
    ck_assert(!(A.tp_flags & (Py_TPFLAGS_READY | Py_TPFLAGS_READYING)));
    ck_assert(!(B.tp_flags & (Py_TPFLAGS_READY | Py_TPFLAGS_READYING)));
}
END_TEST

START_TEST(test_is_subtype_and_type_check)
{
    static PyTypeObject Sub = {
        PyVarObject_HEAD_INIT(NULL, 0)
        .tp_name = "test.Sub2",
    };
    Sub.tp_base = &ProbeType;
    ck_assert_int_eq(PyType_Ready(&Sub), 0);
    ck_assert_int_eq(PyType_IsSubtype(&Sub, &ProbeType), 1);
    ck_assert_int_eq(PyType_IsSubtype(&Sub, &Sub), 1);
    ck_assert_int_eq(PyType_IsSubtype(&Sub, &PyBaseObject_Type), 1);
    ck_assert_int_eq(PyType_IsSubtype(&ProbeType, &Sub), 0);
    ck_assert_int_eq(PyType_IsSubtype(&ProbeType, &PyType_Type), 0);
    Probe *probe = (Probe *)_PyObject_New(&Sub);
    ck_assert_ptr_nonnull(probe);
    probe->destroyed = NULL;
    ck_assert(PyObject_TypeCheck(probe, &ProbeType));
    ck_assert(PyObject_TypeCheck(probe, &Sub));
    ck_assert(!PyObject_TypeCheck(probe, &PyType_Type));
    ck_assert(PyType_Check(&Sub));
    ck_assert(!PyType_Check(probe));
    ck_assert(PyType_CheckExact(&Sub));
    ck_assert_uint_eq(PyType_GetFlags(&Sub), Sub.tp_flags);
    Py_DECREF(probe);
}
END_TEST

/* --- Creation ------------------------------------------------------------ */

typedef struct {
    PyObject_VAR_HEAD
    long items[1];
} Vector;

static PyTypeObject VectorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Vector",
    .tp_basicsize = offsetof(Vector, items),
    .tp_itemsize = sizeof(long),
};

START_TEST(test_new_var_sets_size)
{
    Vector *v = PyObject_NewVar(Vector, &VectorType, 5);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(Py_SIZE(v), 5);
    for (int i = 0; i < 5; i++) {
        v->items[i] = i;
    }
    Py_SET_SIZE(v, 4);
    ck_assert_int_eq(Py_SIZE(v), 4);
    Py_DECREF(v);
}
END_TEST

START_TEST(test_new_var_overflow_is_memory_error)
{
    ck_assert_ptr_null(PyObject_NewVar(Vector, &VectorType,
                                       PY_SSIZE_T_MAX / 2));
    assert_error(PyExc_MemoryError, "");
    ck_assert_ptr_null(PyObject_NewVar(Vector, &VectorType, -1));
    ck_assert_ptr_nonnull(PyErr_Occurred());
    ck_assert(PyErr_ExceptionMatches(PyExc_SystemError));
    PyErr_Clear();
}
END_TEST

START_TEST(test_init_on_own_memory)
{
    PyObject *op = PyObject_Malloc(sizeof(Probe));
    ck_assert_ptr_eq(PyObject_Init(op, &ProbeType), op);
    ((Probe *)op)->destroyed = NULL;
    ck_assert_int_eq(Py_REFCNT(op), 1);
    Py_DECREF(op);
    PyVarObject *var = PyObject_Malloc(sizeof(Vector) + sizeof(long));
    ck_assert_ptr_eq(PyObject_InitVar(var, &VectorType, 2), var);
    ck_assert_int_eq(Py_SIZE(var), 2);
    Py_DECREF(var);
}
END_TEST

START_TEST(test_init_of_null_is_memory_error)
{
    ck_assert_ptr_null(PyObject_Init(NULL, &ProbeType));
    assert_error(PyExc_MemoryError, "");
    ck_assert_ptr_null(PyObject_InitVar(NULL, &VectorType, 1));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_new_under_allocation_failure)
{
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(PyObject_New(Probe, &ProbeType));
    assert_error(PyExc_MemoryError, "");
}
END_TEST

START_TEST(test_del_frees_object_memory)
{
    void *p = PyObject_Malloc(16);
    ck_assert_ptr_nonnull(p);
    PyObject_Del(p);
}
END_TEST

START_TEST(test_objects_are_counted)
{
    MbStats before, during, after;
    MbStats_Get(&before);
    Probe *probe = new_probe(NULL);
    MbStats_Get(&during);
    ck_assert_int_eq(during.live_objects, before.live_objects + 1);
    Py_DECREF(probe);
    MbStats_Get(&after);
    ck_assert_int_eq(after.live_objects, before.live_objects);
}
END_TEST

/* --- Life cycle ---------------------------------------------------------- */

START_TEST(test_initialize_and_finalize_are_idempotent)
{
    ck_assert_int_eq(Py_IsInitialized(), 0);
    Py_Initialize();
    Py_Initialize();
    ck_assert_int_eq(Py_IsInitialized(), 1);
    PyErr_SetString(PyExc_ValueError, "left behind");
    Py_Finalize();
    ck_assert_int_eq(Py_IsInitialized(), 0);
    assert_no_error();
    ck_assert_int_eq(Py_FinalizeEx(), 0);
    Py_InitializeEx(0);
    ck_assert_int_eq(Py_IsInitialized(), 1);
    Py_Finalize();
}
END_TEST

static Suite *
object_suite(void)
{
    Suite *s = suite_create("object");
    TCase *tc = mb_tcase(s, "references");
    tcase_add_test(tc, test_new_object_has_one_reference_and_its_type);
    tcase_add_test(tc, test_reference_macros);
    tcase_add_test(tc, test_set_macros);
    tcase_add_test(tc, test_static_objects_are_immortal);
    tcase_add_test(tc, test_objects_are_counted);
    tc = mb_tcase(s, "types");
    tcase_add_test(tc, test_ready_inherits_from_base);
    tcase_add_test(tc, test_ready_fills_empty_buffer_slots_of_own_table);
    tcase_add_test(tc, test_ready_defaults_to_object);
    tcase_add_test(tc, test_ready_without_name_fails);
    tcase_add_test(tc, test_ready_refuses_a_cycle);
    tcase_add_test(tc, test_is_subtype_and_type_check);
    tc = mb_tcase(s, "creation");
    tcase_add_test(tc, test_new_var_sets_size);
    tcase_add_test(tc, test_new_var_overflow_is_memory_error);
    tcase_add_test(tc, test_init_on_own_memory);
    tcase_add_test(tc, test_init_of_null_is_memory_error);
    tcase_add_test(tc, test_new_under_allocation_failure);
    tcase_add_test(tc, test_del_frees_object_memory);
    tc = mb_tcase(s, "lifecycle");
    tcase_add_test(tc, test_initialize_and_finalize_are_idempotent);
    return s;
}

int
main(void)
{
    return mb_run(object_suite());
}
