/* The DLPack bridge (mbdlpack.h): every dtype both ways, many layouts
 * round-tripped without a copy, what DLPack cannot describe, tensors that
 * cannot be imported, and the deleters called exactly once.  Built twice:
 * as tests/test_dlpack against the library's bridge (the system's
 * dlpack.h), and as tests/test_dlpack_v1 with the bridge compiled against
 * a DLPack 1.0 header (tests/dlpack_v1), for the versioned structure.
 */
#include "testutil.h"

#include <mbdlpack.h>

#include "layouts.h"

#if defined(DLPACK_MAJOR_VERSION) && DLPACK_MAJOR_VERSION >= 1
#  define VERSIONED 1
#else
#  define VERSIONED 0
#endif

/* --- Exports ------------------------------------------------------------- */

/* A host array of n items of format in 64 bytes of memory, 0, 1, 2, ... */
static PyObject *
host_array(unsigned char *memory, const char *format, Py_ssize_t itemsize,
           Py_ssize_t n, int readonly)
{
    for (int i = 0; i < 64; i++) {
        memory[i] = (unsigned char)i;
    }
    Py_buffer layout = {.buf = memory, .len = n * itemsize,
                        .itemsize = itemsize, .readonly = readonly,
                        .ndim = 1, .format = (char *)format,
                        .shape = &n, .strides = &itemsize};
    return MbHostArray_New(&layout, NULL, NULL);
}

START_TEST(test_dtypes)
{
    struct {
        const char *format;
        Py_ssize_t itemsize;
        int code, bits;
        const char *back;        /* the format an import gives */
    } cases[] = {
        {"b", 1, kDLInt, 8, "b"}, {"B", 1, kDLUInt, 8, "B"},
        {"h", 2, kDLInt, 16, "h"}, {"H", 2, kDLUInt, 16, "H"},
        {"i", 4, kDLInt, 32, "i"}, {"I", 4, kDLUInt, 32, "I"},
        {"l", sizeof(long), kDLInt, 8 * sizeof(long), "q"},
        {"L", sizeof(long), kDLUInt, 8 * sizeof(long), "Q"},
        {"q", 8, kDLInt, 64, "q"}, {"Q", 8, kDLUInt, 64, "Q"},
        {"n", 8, kDLInt, 64, "q"}, {"N", 8, kDLUInt, 64, "Q"},
        {"e", 2, kDLFloat, 16, "e"}, {"f", 4, kDLFloat, 32, "f"},
        {"d", 8, kDLFloat, 64, "d"}, {"?", 1, 6, 8, "?"},
        {"Zf", 8, kDLComplex, 64, "Zf"}, {"Zd", 16, kDLComplex, 128, "Zd"},
        {"<l", 4, kDLInt, 32, "i"}, {"=q", 8, kDLInt, 64, "q"},
        {"@d", 8, kDLFloat, 64, "d"}, {"^H", 2, kDLUInt, 16, "H"},
        {"<Zd", 16, kDLComplex, 128, "Zd"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        unsigned char memory[64];
        Py_ssize_t n = 64 / cases[k].itemsize;
        PyObject *array = host_array(memory, cases[k].format,
                                     cases[k].itemsize, n, 0);
        DLManagedTensor *t = MbDLPack_Export(array);
        ck_assert_msg(t != NULL, "%s: %s", cases[k].format, MbErr_Message());
        const DLTensor *dl = &t->dl_tensor;
        ck_assert_int_eq(dl->dtype.code, cases[k].code);
        ck_assert_int_eq(dl->dtype.bits, cases[k].bits);
        ck_assert_int_eq(dl->dtype.lanes, 1);
        ck_assert_ptr_eq(dl->data, memory);
        ck_assert_int_eq(dl->device.device_type, kDLCPU);
        ck_assert_int_eq(dl->ndim, 1);
        ck_assert_int_eq(dl->shape[0], n);
        ck_assert_int_eq(dl->strides[0], 1);
        ck_assert_uint_eq(dl->byte_offset, 0);
        ck_assert_int_eq(MbObject_RefCount(array), 2);  /* the export */

        PyObject *back = MbDLPack_Import(t);
        Py_buffer view;
        ck_assert_int_eq(PyObject_GetBuffer(back, &view, PyBUF_FULL), 0);
        ck_assert_str_eq(view.format, cases[k].back);
        ck_assert_ptr_eq(view.buf, memory);
        ck_assert_int_eq(view.itemsize, cases[k].itemsize);
        ck_assert_int_eq(view.shape[0], n);
        ck_assert_int_eq(view.strides[0], cases[k].itemsize);
        PyBuffer_Release(&view);
        /* The import's last reference calls the export's deleter. */
        Py_DECREF(back);
        ck_assert_int_eq(MbObject_RefCount(array), 1);
        Py_DECREF(array);
    }
}
END_TEST

START_TEST(test_layouts)
{
    int exported = 0;
    for (int i = 0; i < 200; i++) {
        PyObject *nd = layout_ndarray_case(i, 1);
        const Py_buffer *layout = MbNdArray_Buffer(nd);
        DLManagedTensor *t = MbDLPack_Export(nd);
        if (layout->suboffsets != NULL) {
            ck_assert_ptr_null(t);
            assert_error(PyExc_BufferError,
                         "DLPack cannot describe suboffsets");
            Py_DECREF(nd);
            continue;
        }
        if (layout->itemsize == 12 || strcmp(layout->format, "2h") == 0) {
            char message[64];
            snprintf(message, sizeof(message), "DLPack has no type for "
                     "format '%s'", layout->format);
            ck_assert_ptr_null(t);
            assert_error(PyExc_BufferError, message);
            Py_DECREF(nd);
            continue;
        }
        ck_assert_msg(t != NULL, "case %d: %s", i, MbErr_Message());
        exported++;
        ck_assert_ptr_eq(t->dl_tensor.data, layout->buf);
        PyObject *back = MbDLPack_Import(t);
        ck_assert_ptr_eq(MbHostObject_Host(back), t);
        Py_buffer view;
        ck_assert_int_eq(PyObject_GetBuffer(back, &view, PyBUF_FULL), 0);
        /* The same memory, the same layout: no copy was made. */
        ck_assert_ptr_eq(view.buf, layout->buf);
        ck_assert_int_eq(view.len, layout->len);
        ck_assert_int_eq(view.ndim, layout->ndim);
        for (int d = 0; d < view.ndim; d++) {
            ck_assert_int_eq(view.shape[d], layout->shape[d]);
            ck_assert_int_eq(view.strides[d], layout->strides[d]);
        }
        ck_assert_int_eq(PyObject_CopyData(back, nd), 0);
        PyBuffer_Release(&view);
        Py_DECREF(back);
        ck_assert_int_eq(MbObject_RefCount(nd), 1);
        Py_DECREF(nd);
    }
    ck_assert_int_ge(exported, 150);
}
END_TEST

/* The values written through the tensor are the exporter's. */
START_TEST(test_no_copy)
{
    PyObject *array = PyByteArray_FromStringAndSize("abcdef", 6);
    DLManagedTensor *t = MbDLPack_Export(array);
    ((char *)t->dl_tensor.data)[1] = 'X';
    ck_assert_str_eq(PyByteArray_AsString(array), "aXcdef");
    /* The export keeps the bytearray from moving its storage. */
    ck_assert_int_eq(PyByteArray_Resize(array, 100), -1);
    assert_error(PyExc_BufferError, "Existing exports of data: object "
                                    "cannot be re-sized");
    t->deleter(t);
    ck_assert_int_eq(PyByteArray_Resize(array, 100), 0);
    Py_DECREF(array);
}
END_TEST

START_TEST(test_export_refusals)
{
    unsigned char memory[64];
    struct {
        const char *format;
        Py_ssize_t itemsize;
        const char *message;
    } formats[] = {
        {">i", 4, "DLPack has no type for format '>i'"},
        {"!h", 2, "DLPack has no type for format '!h'"},
        {"T{ii}", 8, "DLPack has no type for format 'T{ii}'"},
        {"2d", 16, "DLPack has no type for format '2d'"},
        {"c", 1, "DLPack has no type for format 'c'"},
        {"Zg", 2 * sizeof(long double), "DLPack has no type for format "
                                        "'Zg'"},
        {"P", sizeof(void *), "DLPack has no type for format 'P'"},
        {"(2)B", 2, "DLPack has no type for format '(2)B'"},
    };
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        PyObject *array = host_array(memory, formats[k].format,
                                     formats[k].itemsize, 2, 0);
        ck_assert_msg(array != NULL, "%s", MbErr_Message());
        ck_assert_ptr_null(MbDLPack_Export(array));
        assert_error(PyExc_BufferError, formats[k].message);
        ck_assert_int_eq(MbObject_RefCount(array), 1);
        Py_DECREF(array);
    }
    /* Byte strides that are not whole items. */
    Py_ssize_t shape = 3, stride = 12;
    Py_buffer layout = {.buf = memory, .len = 24, .itemsize = 8, .ndim = 1,
                        .format = (char *)"d", .shape = &shape,
                        .strides = &stride};
    PyObject *odd = MbHostArray_New(&layout, NULL, NULL);
    ck_assert_ptr_null(MbDLPack_Export(odd));
    assert_error(PyExc_BufferError, "DLPack counts strides in items: stride "
                                    "12 of dimension 0 is not a multiple of "
                                    "the item size 8");
    Py_DECREF(odd);
    /* The legacy structure cannot say read-only. */
    PyObject *bytes = PyBytes_FromString("abc");
    ck_assert_ptr_null(MbDLPack_Export(bytes));
    assert_error(PyExc_BufferError, "a read-only buffer cannot be exported "
                                    "as DLManagedTensor, which has no "
                                    "read-only flag");
    ck_assert_int_eq(MbObject_RefCount(bytes), 1);
    Py_DECREF(bytes);
    /* The exporter's own refusal, and an object that exports nothing. */
    MbNdArraySpec spec = {NULL, 4, "B", 1, (Py_ssize_t[]){4}, 0, NULL, 0,
                          MB_ND_GETBUF_FAIL};
    PyObject *failing = MbNdArray_New(&spec);
    ck_assert_ptr_null(MbDLPack_Export(failing));
    assert_error(PyExc_BufferError, "ND_GETBUF_FAIL: forced test exception");
    Py_DECREF(failing);
    ck_assert_ptr_null(MbDLPack_Export(Py_None));
    assert_error(PyExc_TypeError, "a bytes-like object is required, not "
                                  "'NoneType'");
}
END_TEST

/* --- Imports ------------------------------------------------------------- */

typedef struct {
    DLManagedTensor managed;
    int64_t shape[3], strides[3];
    double data[24];
    int deleted;
} Producer;

static void
count_deletion(DLManagedTensor *self)
{
    ((Producer *)self->manager_ctx)->deleted++;
}

/* A 2x3 tensor of doubles 0..23 every other item, C order by default. */
static void
producer_init(Producer *p)
{
    memset(p, 0, sizeof(*p));
    for (int i = 0; i < 24; i++) {
        p->data[i] = i;
    }
    p->shape[0] = 2;
    p->shape[1] = 3;
    p->strides[0] = 6;
    p->strides[1] = 2;
    DLTensor *t = &p->managed.dl_tensor;
    t->data = p->data;
    t->device.device_type = kDLCPU;
    t->ndim = 2;
    t->dtype.code = kDLFloat;
    t->dtype.bits = 64;
    t->dtype.lanes = 1;
    t->shape = p->shape;
    t->strides = p->strides;
    p->managed.manager_ctx = p;
    p->managed.deleter = count_deletion;
}

START_TEST(test_import)
{
    Producer p;
    producer_init(&p);
    p.managed.dl_tensor.byte_offset = 8;
    PyObject *array = MbDLPack_Import(&p.managed);
    ck_assert_ptr_nonnull(array);
    PyObject *mv = PyMemoryView_FromObject(array);
    Py_DECREF(array);
    double value;
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){1, 2}, 2,
                                          &value), 0);
    ck_assert(value == 1 + 6 + 4);          /* byte_offset is one item */
    value = -1;
    ck_assert_int_eq(MbMemoryView_SetItem(mv, (Py_ssize_t[]){0, 1}, 2,
                                          &value), 0);
    ck_assert(p.data[3] == -1);             /* written in place */
    const Py_buffer *view = MbMemoryView_Buffer(mv);
    ck_assert_int_eq(view->strides[0], 48);
    ck_assert_int_eq(view->strides[1], 16);
    ck_assert_int_eq(view->readonly, 0);
    ck_assert_int_eq(p.deleted, 0);
    Py_DECREF(mv);
    ck_assert_int_eq(p.deleted, 1);

    /* No strides: C order. */
    producer_init(&p);
    p.managed.dl_tensor.strides = NULL;
    array = MbDLPack_Import(&p.managed);
    Py_buffer c;
    ck_assert_int_eq(PyObject_GetBuffer(array, &c, PyBUF_C_CONTIGUOUS), 0);
    ck_assert_int_eq(c.strides[0], 24);
    ck_assert_int_eq(c.strides[1], 8);
    ck_assert_int_eq(c.len, 48);
    PyBuffer_Release(&c);
    Py_DECREF(array);
    ck_assert_int_eq(p.deleted, 1);

    /* A 0-d tensor, and one without a deleter. */
    producer_init(&p);
    p.managed.dl_tensor.ndim = 0;
    p.managed.dl_tensor.shape = NULL;
    p.managed.deleter = NULL;
    array = MbDLPack_Import(&p.managed);
    ck_assert_int_eq(PyObject_GetBuffer(array, &c, PyBUF_FULL_RO), 0);
    ck_assert_int_eq(c.ndim, 0);
    ck_assert_int_eq(c.len, 8);
    PyBuffer_Release(&c);
    Py_DECREF(array);
}
END_TEST

START_TEST(test_import_refusals)
{
    Producer p;
    const char *message[] = {
        "DLPack device type 2 is not CPU memory",
        "DLPack dtype (code 4, bits 16, lanes 1) has no PEP 3118 format",
        "DLPack dtype (code 2, bits 32, lanes 4) has no PEP 3118 format",
        "DLPack dtype (code 0, bits 12, lanes 1) has no PEP 3118 format",
        "DLPack dtype (code 5, bits 32, lanes 1) has no PEP 3118 format",
        "DLPack dtype (code 6, bits 32, lanes 1) has no PEP 3118 format",
        "DLPack dtype (code 3, bits 64, lanes 1) has no PEP 3118 format",
        "DLPack tensor of ndim 65: 0 to 64 dimensions are supported",
        "DLPack tensor of ndim -1: 0 to 64 dimensions are supported",
        "DLPack tensor shape or strides do not fit in memory",
        "DLPack tensor shape or strides do not fit in memory",
        "DLPack tensor shape or strides do not fit in memory",
        "layout: shape and strides are needed when ndim > 0",
        "layout: extents of shape must be >= 0",
    };
    for (int k = 0; k < (int)(sizeof(message) / sizeof(message[0])); k++) {
        producer_init(&p);
        DLTensor *t = &p.managed.dl_tensor;
        switch (k) {
        case 0: t->device.device_type = kDLCUDA; break;
        case 1: t->dtype.code = kDLBfloat; t->dtype.bits = 16; break;
        case 2: t->dtype.bits = 32; t->dtype.lanes = 4; break;
        case 3: t->dtype.code = kDLInt; t->dtype.bits = 12; break;
        case 4: t->dtype.code = kDLComplex; t->dtype.bits = 32; break;
        case 5: t->dtype.code = 6; t->dtype.bits = 32; break;
        case 6: t->dtype.code = kDLOpaqueHandle; break;
        case 7: t->ndim = 65; break;
        case 8: t->ndim = -1; break;
        case 9: p.shape[0] = INT64_MAX; break;
        case 10: p.strides[0] = INT64_MAX / 4; break;
        case 11: p.shape[0] = p.shape[1] = (int64_t)1 << 31; break;
        case 12: t->shape = NULL; break;
        case 13: p.shape[1] = -3; break;
        }
        ck_assert_ptr_null(MbDLPack_Import(&p.managed));
        ck_assert_msg(PyErr_ExceptionMatches(k >= 12 ? PyExc_ValueError
                                                     : PyExc_BufferError),
                      "case %d: %s", k, MbErr_TypeName());
        ck_assert_str_eq(MbErr_Message(), message[k]);
        PyErr_Clear();
        /* A failed import leaves the tensor to its owner. */
        ck_assert_int_eq(p.deleted, 0);
    }
    ck_assert_ptr_null(MbDLPack_Import(NULL));
    assert_error(PyExc_SystemError, "bad argument to internal function");
}
END_TEST

/* --- DLPack 1.x ---------------------------------------------------------- */

#if VERSIONED
static int versioned_deletions;

static void
count_versioned_deletion(DLManagedTensorVersioned *self)
{
    (void)self;
    versioned_deletions++;
}

START_TEST(test_versioned)
{
    /* A read-only exporter exports, and says so. */
    PyObject *bytes = PyBytes_FromString("abcd");
    DLManagedTensorVersioned *t = MbDLPack_ExportVersioned(bytes);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(t->version.major, 1);
    ck_assert_uint_eq(t->version.minor, 0);
    ck_assert_uint_eq(t->flags, DLPACK_FLAG_BITMASK_READ_ONLY);
    ck_assert_int_eq(t->dl_tensor.dtype.code, kDLUInt);
    ck_assert_int_eq(t->dl_tensor.shape[0], 4);
    PyObject *back = MbDLPack_ImportVersioned(t);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(back, &view, PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError, "hostarray is not writable");
    ck_assert_int_eq(PyObject_GetBuffer(back, &view, PyBUF_SIMPLE), 0);
    ck_assert_ptr_eq(view.buf, PyBytes_AsString(bytes));
    PyBuffer_Release(&view);
    Py_DECREF(back);
    ck_assert_int_eq(MbObject_RefCount(bytes), 1);

    /* A writable one has no flag. */
    PyObject *array = PyByteArray_FromStringAndSize("xy", 2);
    t = MbDLPack_ExportVersioned(array);
    ck_assert_uint_eq(t->flags, 0);
    t->deleter(t);
    Py_DECREF(array);

    /* Another major version is refused and left to its owner. */
    double data[2] = {1, 2};
    int64_t shape = 2;
    DLManagedTensorVersioned other = {
        .version = {2, 0}, .deleter = count_versioned_deletion,
        .dl_tensor = {.data = data, .device = {kDLCPU, 0}, .ndim = 1,
                      .dtype = {kDLFloat, 64, 1}, .shape = &shape},
    };
    ck_assert_ptr_null(MbDLPack_ImportVersioned(&other));
    assert_error(PyExc_BufferError, "DLPack version 2.0 is not supported "
                                    "(this build reads 1.x)");
    other.version.major = 1;
    other.version.minor = 3;
    back = MbDLPack_ImportVersioned(&other);
    ck_assert_int_eq(PyObject_GetBuffer(back, &view, PyBUF_WRITABLE), 0);
    PyBuffer_Release(&view);
    Py_DECREF(back);
    ck_assert_int_eq(versioned_deletions, 1);
    ck_assert_ptr_null(MbDLPack_ImportVersioned(NULL));
    assert_error(PyExc_SystemError, "bad argument to internal function");
    Py_DECREF(bytes);
}
END_TEST
#endif

static Suite *
dlpack_suite(void)
{
    Suite *s = suite_create(VERSIONED ? "DLPack bridge (1.x header)"
                                      : "DLPack bridge");
    TCase *tc = mb_tcase(s, "exports");
    tcase_add_test(tc, test_dtypes);
    tcase_add_test(tc, test_layouts);
    tcase_add_test(tc, test_no_copy);
    tcase_add_test(tc, test_export_refusals);
    tc = mb_tcase(s, "imports");
    tcase_add_test(tc, test_import);
    tcase_add_test(tc, test_import_refusals);
#if VERSIONED
    tcase_add_test(tc, test_versioned);
#endif
    return s;
}

int
main(void)
{
    return mb_run(dlpack_suite());
}
