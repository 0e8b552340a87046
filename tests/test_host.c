/* The host-facing API (mbhost.h): exporter types made of callbacks, host
 * arrays answering every request as the protocol says (compared with
 * ndarray over the same layouts), the release callback called once after
 * the last view, MbBuffer_FillLayout's refusals, and the function forms.
 */
#include "testutil.h"

#include "layouts.h"

/* --- A host: a record of what minibuf called ------------------------------ */

typedef struct {
    double data[12];
    Py_ssize_t shape[2], strides[2];
    int getbuffer_calls, releasebuffer_calls, released;
    int refuse;                 /* 1: refuse with BufferError, 2: silently */
} Host;

static void
release_host(void *host)
{
    ((Host *)host)->released++;
}

/* The host's own bf_getbuffer: a 3x2 view of every other double. */
static int
host_getbuffer(PyObject *exporter, void *host_pointer, Py_buffer *view,
               int flags)
{
    Host *host = host_pointer;
    host->getbuffer_calls++;
    if (host->refuse == 1) {
        PyErr_SetString(PyExc_BufferError, "the host says no");
        return -1;
    }
    if (host->refuse == 2) {
        return -1;
    }
    Py_buffer layout = {
        .buf = host->data, .len = 6 * sizeof(double),
        .itemsize = sizeof(double), .readonly = 0, .ndim = 2,
        .format = (char *)"d", .shape = host->shape,
        .strides = host->strides,
    };
    return MbBuffer_FillLayout(view, exporter, &layout, flags);
}

static void
host_releasebuffer(PyObject *exporter, void *host, Py_buffer *view)
{
    ck_assert_ptr_eq(view->obj, exporter);
    ((Host *)host)->releasebuffer_calls++;
}

static Host
new_host(void)
{
    Host host = {.shape = {3, 2}, .strides = {32, 8}};
    for (int i = 0; i < 12; i++) {
        host.data[i] = i;
    }
    return host;
}

START_TEST(test_host_type)
{
    Host host = new_host();
    PyObject *type = MbHostType_New("rust.Matrix", host_getbuffer,
                                    host_releasebuffer);
    ck_assert_ptr_nonnull(type);
    ck_assert_str_eq(((PyTypeObject *)type)->tp_name, "rust.Matrix");
    PyObject *m = MbHostObject_New(type, &host, release_host);
    ck_assert_ptr_nonnull(m);
    Py_DECREF(type);            /* the instance keeps its type */
    ck_assert_ptr_eq(MbHostObject_Host(m), &host);
    ck_assert_str_eq(MbObject_TypeName(m), "rust.Matrix");

    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(m, &view, PyBUF_FULL), 0);
    ck_assert_ptr_eq(view.obj, m);      /* set by minibuf */
    ck_assert_int_eq(MbObject_RefCount(m), 2);
    ck_assert_ptr_eq(view.buf, host.data);
    ck_assert_str_eq(view.format, "d");
    ck_assert_int_eq(view.strides[0], 32);
    double *item = PyBuffer_GetPointer(&view, (Py_ssize_t[]){2, 1});
    ck_assert(*item == 9.0);
    /* The consumer's copy is the host's memory, in C order. */
    double copy[6];
    ck_assert_int_eq(PyBuffer_ToContiguous(copy, &view, sizeof(copy), 'C'),
                     0);
    ck_assert(copy[0] == 0 && copy[1] == 1 && copy[2] == 4 && copy[5] == 9);

    /* The request rules, with the type's name in the messages. */
    Py_buffer refused;
    ck_assert_int_eq(PyObject_GetBuffer(m, &refused, PyBUF_C_CONTIGUOUS), -1);
    ck_assert_ptr_null(refused.obj);
    assert_error(PyExc_BufferError, "Matrix is not C-contiguous");
    ck_assert_int_eq(PyObject_GetBuffer(m, &refused, PyBUF_SIMPLE), -1);
    assert_error(PyExc_BufferError, "Matrix is not C-contiguous");

    /* The object outlives its last reference while a view holds one. */
    Py_DECREF(m);
    ck_assert_int_eq(host.released, 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(host.releasebuffer_calls, 1);
    ck_assert_int_eq(host.released, 1);
    ck_assert_int_eq(host.getbuffer_calls, 3);
}
END_TEST

START_TEST(test_host_refusals)
{
    Host host = new_host();
    PyObject *type = MbHostType_New("lua.Grid", host_getbuffer, NULL);
    PyObject *m = MbHostObject_New(type, &host, NULL);
    Py_DECREF(type);
    Py_buffer view;
    host.refuse = 1;
    ck_assert_int_eq(PyObject_GetBuffer(m, &view, PyBUF_FULL_RO), -1);
    ck_assert_ptr_null(view.obj);
    assert_error(PyExc_BufferError, "the host says no");
    host.refuse = 2;
    ck_assert_int_eq(PyObject_GetBuffer(m, &view, PyBUF_FULL_RO), -1);
    assert_error(PyExc_BufferError, "lua.Grid: request refused by the host");
    /* Without releasebuffer, a release only drops the reference. */
    host.refuse = 0;
    ck_assert_int_eq(PyObject_GetBuffer(m, &view, PyBUF_STRIDES), 0);
    PyBuffer_Release(&view);
    ck_assert_int_eq(MbObject_RefCount(m), 1);
    Py_DECREF(m);
}
END_TEST

START_TEST(test_not_host_objects)
{
    PyObject *bytes = PyBytes_FromString("abc");
    ck_assert_ptr_null(MbHostObject_New((PyObject *)&PyBytes_Type, NULL,
                                        NULL));
    assert_error(PyExc_TypeError, "'bytes' is not a host exporter type");
    ck_assert_ptr_null(MbHostObject_New(bytes, NULL, NULL));
    assert_error(PyExc_TypeError, "'bytes' is not a host exporter type");
    ck_assert_ptr_null(MbHostObject_New(NULL, NULL, NULL));
    assert_error(PyExc_TypeError, "'NULL' is not a host exporter type");
    ck_assert_ptr_null(MbHostObject_Host(bytes));
    assert_error(PyExc_TypeError, "'bytes' object is not a host object");
    ck_assert_ptr_null(MbHostType_New(NULL, host_getbuffer, NULL));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(MbHostType_New("x.Y", NULL, NULL));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    ck_assert_ptr_null(MbMemoryView_Buffer(bytes));
    assert_error(PyExc_TypeError, "memoryview expected");
    Py_DECREF(bytes);
}
END_TEST

/* --- Host arrays answer as ndarray does ---------------------------------- */

/* Every request of the request table, asked of the host array and of an
   ndarray over the same layout: the same answers, field for field, except
   where _testbuffer's own policy refuses a format without a shape. */
static void
compare_with_ndarray(PyObject *array, PyObject *nd)
{
    for (int flags = 0; flags <= 0x1ff; flags++) {
        Py_buffer a, b;
        int ra = PyObject_GetBuffer(array, &a, flags);
        char message_a[200] = "";
        if (ra < 0) {
            snprintf(message_a, sizeof(message_a), "%s", MbErr_Message());
            PyErr_Clear();
        }
        int rb = PyObject_GetBuffer(nd, &b, flags);
        if (rb < 0 && strstr(MbErr_Message(), "cannot cast") != NULL) {
            PyErr_Clear();
            ck_assert_int_eq(ra, 0);
            ck_assert_ptr_null(a.shape);
            ck_assert_ptr_nonnull(a.format);
            PyBuffer_Release(&a);
            continue;
        }
        ck_assert_msg(ra == rb, "request %#x: %d, ndarray %d", flags, ra, rb);
        if (ra < 0) {
            const char *expected = MbErr_Message() + strlen("ndarray");
            ck_assert_str_eq(message_a + strlen("hostarray"), expected);
            PyErr_Clear();
            continue;
        }
        ck_assert_ptr_eq(a.buf, b.buf);
        ck_assert_int_eq(a.len, b.len);
        ck_assert_int_eq(a.itemsize, b.itemsize);
        ck_assert_int_eq(a.readonly, b.readonly);
        ck_assert_int_eq(a.ndim, b.ndim);
        ck_assert((a.format == NULL) == (b.format == NULL));
        ck_assert((a.shape == NULL) == (b.shape == NULL));
        ck_assert((a.strides == NULL) == (b.strides == NULL));
        ck_assert((a.suboffsets == NULL) == (b.suboffsets == NULL));
        for (int i = 0; a.shape && i < a.ndim; i++) {
            ck_assert_int_eq(a.shape[i], b.shape[i]);
        }
        for (int i = 0; a.strides && i < a.ndim; i++) {
            ck_assert_int_eq(a.strides[i], b.strides[i]);
        }
        PyBuffer_Release(&a);
        PyBuffer_Release(&b);
    }
}

START_TEST(test_host_array_answers)
{
    for (int i = 0; i < 60; i++) {
        for (int writable = 0; writable < 2; writable++) {
            PyObject *nd = layout_ndarray_case(i, writable);
            ck_assert_msg(nd != NULL, "case %d: %s", i, MbErr_Message());
            Py_buffer layout = *MbNdArray_Buffer(nd);
            PyObject *array = MbHostArray_New(&layout, NULL, NULL);
            ck_assert_msg(array != NULL, "case %d: %s", i, MbErr_Message());
            ck_assert_str_eq(MbObject_TypeName(array), "minibuf.hostarray");
            compare_with_ndarray(array, nd);
            /* The checker, slow under valgrind, on every fourth layout. */
            if (i % 4 == 0) {
                ck_assert_int_eq(MbCheck_Exporter(array, NULL), 0);
            }
            Py_DECREF(array);
            Py_DECREF(nd);
        }
    }
}
END_TEST

static void
count_release(void *counter)
{
    ++*(int *)counter;
}

START_TEST(test_host_array_lifetime)
{
    /* The description is copied: the host's arrays may go at once. */
    float *data = calloc(8, sizeof(float));
    Py_ssize_t *dims = malloc(2 * sizeof(Py_ssize_t));
    char *format = strdup("<f");
    dims[0] = 4;
    dims[1] = 2 * sizeof(float);
    Py_buffer layout = {.buf = data, .len = 4 * sizeof(float),
                        .itemsize = sizeof(float), .ndim = 1,
                        .format = format, .shape = dims, .strides = dims + 1};
    int released = 0;
    PyObject *array = MbHostArray_New(&layout, &released, count_release);
    free(dims);
    free(format);
    PyObject *mv = PyMemoryView_FromObject(array);
    Py_DECREF(array);
    const Py_buffer *view = MbMemoryView_Buffer(mv);
    ck_assert_ptr_eq(view->buf, data);
    ck_assert_str_eq(view->format, "<f");
    ck_assert_int_eq(view->shape[0], 4);
    ck_assert_int_eq(view->strides[0], 8);
    /* Writes through the memoryview reach the host's memory. */
    float value = 2.5f;
    ck_assert_int_eq(MbMemoryView_SetItem(mv, (Py_ssize_t[]){3}, 1,
                                          &value), -1);
    assert_error(PyExc_NotImplementedError,
                 "memoryview: unsupported format <f");
    ck_assert_int_eq(released, 0);
    Py_DECREF(mv);
    ck_assert_int_eq(released, 1);
    free(data);
}
END_TEST

START_TEST(test_host_array_writes)
{
    double data[6] = {0};
    Py_buffer layout = {.buf = data, .len = 3 * sizeof(double),
                        .itemsize = sizeof(double), .ndim = 1,
                        .format = (char *)"d", .shape = (Py_ssize_t[]){3},
                        .strides = (Py_ssize_t[]){-16}};
    layout.buf = data + 4;
    PyObject *array = MbHostArray_New(&layout, NULL, NULL);
    PyObject *mv = PyMemoryView_FromObject(array);
    double value = 7.0;
    ck_assert_int_eq(MbMemoryView_SetItem(mv, (Py_ssize_t[]){2}, 1, &value),
                     0);
    ck_assert(data[0] == 7.0);
    Py_DECREF(mv);
    /* Read-only memory refuses writers with the protocol's message. */
    layout.readonly = 1;
    PyObject *frozen = MbHostArray_New(&layout, NULL, NULL);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(frozen, &view, PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError, "hostarray is not writable");
    Py_DECREF(frozen);
    Py_DECREF(array);
}
END_TEST

START_TEST(test_bad_layouts)
{
    Py_ssize_t shape[2] = {3, 2}, strides[2] = {16, 8};
    struct {
        Py_buffer layout;
        const char *message;
    } cases[] = {
        {{.len = 8, .itemsize = 8, .ndim = -1}, "layout: ndim must be "
         "between 0 and 64"},
        {{.len = 8, .itemsize = 8, .ndim = 65, .shape = shape,
          .strides = strides}, "layout: ndim must be between 0 and 64"},
        {{.len = 48, .itemsize = 8, .ndim = 2, .strides = strides},
         "layout: shape and strides are needed when ndim > 0"},
        {{.len = 48, .itemsize = 8, .ndim = 2, .shape = shape},
         "layout: shape and strides are needed when ndim > 0"},
        {{.len = 0, .itemsize = 0, .ndim = 0}, "layout: itemsize must be "
         "positive"},
        {{.len = 48, .itemsize = 8, .ndim = 2, .shape = (Py_ssize_t[]){-1, 2},
          .strides = strides}, "layout: extents of shape must be >= 0"},
        {{.len = 40, .itemsize = 8, .ndim = 2, .shape = shape,
          .strides = strides}, "layout: len must be product(shape) * "
         "itemsize"},
        {{.len = 8, .itemsize = 8, .ndim = 2,
          .shape = (Py_ssize_t[]){PY_SSIZE_T_MAX, 4}, .strides = strides},
         "layout: len must be product(shape) * itemsize"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Py_buffer view;
        ck_assert_ptr_null(MbHostArray_New(&cases[i].layout, NULL, NULL));
        assert_error(PyExc_ValueError, cases[i].message);
        ck_assert_int_eq(MbBuffer_FillLayout(&view, NULL, &cases[i].layout,
                                             PyBUF_FULL_RO), -1);
        ck_assert_ptr_null(view.obj);
        assert_error(PyExc_ValueError, cases[i].message);
    }
    /* Formats are checked once, by the host array. */
    Py_buffer layout = {.len = 48, .itemsize = 8, .ndim = 2, .shape = shape,
                        .strides = strides, .format = (char *)"i"};
    ck_assert_ptr_null(MbHostArray_New(&layout, NULL, NULL));
    assert_error(PyExc_ValueError, "layout: format 'i' describes 4 bytes, "
                                   "not itemsize 8");
    layout.format = (char *)"T{i";
    ck_assert_ptr_null(MbHostArray_New(&layout, NULL, NULL));
    assert_error(PyExc_ValueError, "layout: format 'T{i' is not PEP 3118: "
                                   "the '{' at position 1 is never closed");
    layout.format = (char *)"T{i:a:i:b:}";
    PyObject *array = MbHostArray_New(&layout, NULL, NULL);
    ck_assert_ptr_nonnull(array);
    Py_DECREF(array);
    ck_assert_int_eq(MbBuffer_FillLayout(NULL, NULL, &layout, 0), -1);
    assert_error(PyExc_SystemError, "bad argument to internal function");
}
END_TEST

START_TEST(test_fill_layout_without_exporter)
{
    char bytes[6] = "abcdef";
    Py_buffer layout = {.buf = bytes, .len = 3, .itemsize = 1, .ndim = 1,
                        .readonly = 1, .shape = (Py_ssize_t[]){3},
                        .strides = (Py_ssize_t[]){2}};
    Py_buffer view;
    ck_assert_int_eq(MbBuffer_FillLayout(&view, NULL, &layout, PyBUF_ND),
                     -1);
    assert_error(PyExc_BufferError, "object is not C-contiguous");
    ck_assert_int_eq(MbBuffer_FillLayout(&view, NULL, &layout,
                                         PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError, "object is not writable");
    ck_assert_int_eq(MbBuffer_FillLayout(&view, NULL, &layout,
                                         PyBUF_RECORDS_RO), 0);
    ck_assert_ptr_null(view.obj);
    ck_assert_str_eq(view.format, "B");
    ck_assert_ptr_eq(view.strides, layout.strides);
}
END_TEST

/* --- Function forms ------------------------------------------------------ */

START_TEST(test_function_forms)
{
    ck_assert_uint_eq(MbBuffer_Size(), sizeof(Py_buffer));
    ck_assert_int_eq(MbBuffer_FieldOffset("buf"), offsetof(Py_buffer, buf));
    ck_assert_int_eq(MbBuffer_FieldOffset("ndim"),
                     offsetof(Py_buffer, ndim));
    ck_assert_int_eq(MbBuffer_FieldOffset("internal"),
                     offsetof(Py_buffer, internal));
    ck_assert_int_eq(MbBuffer_FieldOffset("smalltable"), -1);
    ck_assert_int_eq(MbBuffer_FieldOffset(NULL), -1);

    PyObject *bytes = PyBytes_FromString("xyz");
    PyObject *mv = PyMemoryView_FromObject(bytes);
    ck_assert_int_eq(MbObject_RefCount(bytes), 2);
    ck_assert_str_eq(MbObject_TypeName(mv), "memoryview");
    ck_assert_ptr_eq(MbMemoryView_Buffer(mv), PyMemoryView_GET_BUFFER(mv));
    Py_DecRef(mv);
    Py_IncRef(bytes);
    ck_assert_int_eq(MbObject_RefCount(bytes), 2);
    Py_DecRef(bytes);
    Py_DecRef(bytes);
    Py_DecRef(NULL);
}
END_TEST

START_TEST(test_request_names)
{
    struct {
        const char *text;
        int flags;
    } good[] = {
        {"FULL_RO", PyBUF_FULL_RO}, {"PyBUF_ND|PyBUF_FORMAT", 0xc},
        {"strides,writable", PyBUF_STRIDES | PyBUF_WRITABLE},
        {"0x11d", 0x11d}, {"284", 284}, {"simple", 0}, {"0", 0},
        {"pybuf_any_contiguous", PyBUF_ANY_CONTIGUOUS},
        {"WRITEABLE", PyBUF_WRITABLE},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int flags = -1;
        ck_assert_int_eq(MbRequest_Parse(good[i].text, &flags), 0);
        ck_assert_int_eq(flags, good[i].flags);
    }
    const char *bad[] = {"", "FULL|", "|ND", "ND||FORMAT", "0x400", "-1",
                         "PyBUF_", "FULLRO", "12abc"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int flags = 7;
        char message[64];
        ck_assert_int_eq(MbRequest_Parse(bad[i], &flags), -1);
        ck_assert_int_eq(flags, 7);
        snprintf(message, sizeof(message), "unknown request: '%s'", bad[i]);
        assert_error(PyExc_ValueError, message);
    }
}
END_TEST

/* --- Allocation failures ------------------------------------------------- */

START_TEST(test_allocation_failures)
{
    Host host = new_host();
    Py_buffer layout = {.buf = host.data, .len = 48, .itemsize = 8,
                        .ndim = 2, .shape = host.shape,
                        .strides = (Py_ssize_t[]){16, 8}};
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(MbHostType_New("a.B", host_getbuffer, NULL));
    assert_error(PyExc_MemoryError, "");
    PyObject *type = MbHostType_New("a.B", host_getbuffer, NULL);
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(MbHostObject_New(type, &host, release_host));
    assert_error(PyExc_MemoryError, "");
    MbAlloc_FailAt(1);
    ck_assert_ptr_null(MbHostArray_New(&layout, &host, release_host));
    assert_error(PyExc_MemoryError, "");
    /* A failed creation calls nothing: the host still owns its pointer. */
    ck_assert_int_eq(host.released, 0);
    Py_DECREF(type);
}
END_TEST

static Suite *
host_suite(void)
{
    Suite *s = suite_create("host API");
    TCase *tc = mb_tcase(s, "host exporters");
    tcase_add_test(tc, test_host_type);
    tcase_add_test(tc, test_host_refusals);
    tcase_add_test(tc, test_not_host_objects);
    tc = mb_tcase(s, "host arrays");
    tcase_set_timeout(tc, 120);    /* 120 layouts, under valgrind too */
    tcase_add_test(tc, test_host_array_answers);
    tcase_add_test(tc, test_host_array_lifetime);
    tcase_add_test(tc, test_host_array_writes);
    tcase_add_test(tc, test_bad_layouts);
    tcase_add_test(tc, test_fill_layout_without_exporter);
    tc = mb_tcase(s, "function forms");
    tcase_add_test(tc, test_function_forms);
    tcase_add_test(tc, test_request_names);
    tcase_add_test(tc, test_allocation_failures);
    return s;
}

int
main(void)
{
    return mb_run(host_suite());
}
