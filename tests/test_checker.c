/* The exporter conformance checker (MbCheck_Exporter): every built-in
 * exporter passes, a correct exporter written here passes, and each of its
 * deliberately broken variants is caught by the rule it breaks. */
#include "testutil.h"

/* --- An exporter with a fault chosen per object --------------------------- */

typedef enum {
    CORRECT,
    NO_OBJ,
    NO_REFERENCE,
    TWO_REFERENCES,
    SHAPE_WITHOUT_ND,
    NO_STRIDES,
    SUBOFFSETS_WITHOUT_INDIRECT,
    FORMAT_WITHOUT_FORMAT,
    READONLY_FOR_WRITABLE,
    FALSE_CONTIGUITY,
    WRONG_LEN,
    WRONG_FORMAT_SIZE,
    OUTSIDE_MEMORY,
    CHANGING_ANSWERS,
    SILENT_REFUSAL,
    OBJ_ON_REFUSAL,
    BAD_RESULT,
    SHAPE_ON_0D,
    RELEASE_DROPS_REFERENCE,
    GRANT_WITH_ERROR,
    VALUE_ERROR_REFUSAL,
    NOT_A_FORMAT,
    SHORT_STRUCTURE,
    PEP3118_FORMAT,
    NDIM_0_WITHOUT_ND,
} Fault;

/* A writable C-contiguous 3 x 4 array of doubles. */
typedef struct {
    PyObject_HEAD
    Fault fault;
    int calls;
    double data[2][12];
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
    Py_ssize_t suboffsets[2];
} Array;

static int
refuse(Array *a, Py_buffer *view, const char *message)
{
    if (a->fault == SILENT_REFUSAL) {
        return -1;
    }
    PyErr_SetString(a->fault == VALUE_ERROR_REFUSAL ? PyExc_ValueError
                                                    : PyExc_BufferError,
                    message);
    if (a->fault == OBJ_ON_REFUSAL) {
        view->obj = (PyObject *)a;       /* no reference: left behind */
    }
    return a->fault == BAD_RESULT ? -2 : -1;
}

/* The format the exporter gives: "d", or the fault's. */
static const char *
format_of(Fault f)
{
    switch (f) {
    case WRONG_FORMAT_SIZE:
        return "i";
    case NOT_A_FORMAT:
        return "dy";
    case SHORT_STRUCTURE:
        return "T{<i:a:}";        /* 4 bytes, for itemsize 8 */
    case PEP3118_FORMAT:
        return "Zf";              /* PEP 3118's, not struct's: 8 bytes */
    default:
        return "d";
    }
}

static int
array_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Array *a = (Array *)self;
    Fault f = a->fault;
    a->calls++;
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS
        && f != FALSE_CONTIGUITY) {
        return refuse(a, view, "not Fortran-contiguous");
    }
    if (f == SILENT_REFUSAL || f == OBJ_ON_REFUSAL || f == BAD_RESULT) {
        if ((flags & PyBUF_ND) != PyBUF_ND) {
            return refuse(a, view, "only N-dimensional requests");
        }
    }
    int nd = (flags & PyBUF_ND) == PyBUF_ND || f == SHAPE_WITHOUT_ND;
    view->buf = a->data[f == CHANGING_ANSWERS ? a->calls % 2 : 0];
    view->obj = f == NO_OBJ ? NULL : self;
    if (f != NO_OBJ && f != NO_REFERENCE) {
        Py_INCREF(self);
    }
    if (f == TWO_REFERENCES) {
        Py_INCREF(self);
    }
    view->len = 12 * sizeof(double) + (f == WRONG_LEN ? 8 : 0);
    view->itemsize = sizeof(double);
    view->readonly = f == READONLY_FOR_WRITABLE;
    view->format = (flags & PyBUF_FORMAT) || f == FORMAT_WITHOUT_FORMAT
                   ? (char *)format_of(f) : NULL;
    view->ndim = nd ? 2 : f == NDIM_0_WITHOUT_ND ? 0 : 1;
    view->shape = nd ? a->shape : NULL;
    a->shape[1] = f == OUTSIDE_MEMORY && !(flags & 0x10) ? 8 : 4;
    if (f == OUTSIDE_MEMORY && !(flags & 0x10) && nd) {
        view->len = 24 * sizeof(double);
    }
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                    && f != NO_STRIDES ? a->strides : NULL;
    view->suboffsets = f == SUBOFFSETS_WITHOUT_INDIRECT ? a->suboffsets
                                                        : NULL;
    if (f == SHAPE_ON_0D) {
        view->ndim = 0;
        view->len = sizeof(double);
        view->shape = a->shape;
        view->strides = NULL;
    }
    view->internal = NULL;
    if (f == GRANT_WITH_ERROR) {
        PyErr_SetString(PyExc_ValueError, "left set");
    }
    return 0;
}

static void
array_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    if (((Array *)self)->fault == RELEASE_DROPS_REFERENCE) {
        Py_DECREF(self);
    }
}

static PyBufferProcs array_procs = {array_getbuffer, array_releasebuffer};

static PyTypeObject ArrayType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Array",
    .tp_basicsize = sizeof(Array),
    .tp_as_buffer = &array_procs,
};

static PyObject *
new_array(Fault fault)
{
    Array *a = PyObject_New(Array, &ArrayType);
    ck_assert_ptr_nonnull(a);
    a->fault = fault;
    a->calls = 0;
    memset(a->data, 0, sizeof(a->data));
    a->shape[0] = 3;
    a->shape[1] = 4;
    a->strides[0] = 4 * sizeof(double);
    a->strides[1] = sizeof(double);
    a->suboffsets[0] = a->suboffsets[1] = -1;
    return (PyObject *)a;
}

/* --- Running the checker ------------------------------------------------- */

typedef struct {
    PyObject *exporter;
    Py_ssize_t violations;
} Check;

static void
run_check(void *arg)
{
    Check *c = arg;
    c->violations = MbCheck_Exporter(c->exporter, stderr);
}

/* The checker's verdict on exporter (a reference it steals), with its
   report in out. */
static Py_ssize_t
check(PyObject *exporter, char *out, size_t size)
{
    ck_assert_ptr_nonnull(exporter);
    Check c = {exporter, -2};
    mb_capture_stderr(run_check, &c, out, size);
    Py_DECREF(exporter);
    return c.violations;
}

static char report[65536];

START_TEST(test_a_correct_exporter_passes)
{
    ck_assert_int_eq(check(new_array(CORRECT), report, sizeof(report)), 0);
    ck_assert_ptr_nonnull(strstr(report, "exporter 'test.Array'\n"));
    ck_assert_ptr_nonnull(strstr(report, "  PyBUF_FULL_RO"));
    ck_assert_ptr_nonnull(strstr(report, "granted: ndim 2, len 96, "
                                         "itemsize 8, readonly 0, format "
                                         "\"d\", shape 3x4, strides 32,8\n"));
    ck_assert_ptr_nonnull(strstr(report, "refused: BufferError: not "
                                         "Fortran-contiguous\n"));
    ck_assert_ptr_nonnull(strstr(report, "0 violations, 0 deviations in "
                                         "28 requests\n"));
}
END_TEST

/* PEP 3118's formats beyond struct's pass when they describe itemsize
   bytes. */
START_TEST(test_a_pep3118_format_passes)
{
    ck_assert_int_eq(check(new_array(PEP3118_FORMAT), report,
                           sizeof(report)), 0);
    ck_assert_ptr_nonnull(strstr(report, "format \"Zf\""));
}
END_TEST

/* What only CPython's own exporters do is a deviation, with its reason:
   reported, not counted.  NumPy answers requests without PyBUF_ND with
   ndim 0. */
START_TEST(test_deviations_do_not_fail)
{
    ck_assert_int_eq(check(new_array(NDIM_0_WITHOUT_ND), report,
                           sizeof(report)), 0);
    ck_assert_ptr_nonnull(strstr(report, "  deviation: PyBUF_SIMPLE: ndim "
                                         "is not 1 without PyBUF_ND "
                                         "(CPython's exporters: "));
    ck_assert_ptr_nonnull(strstr(report, "[ndim-without-nd]\n"));
    ck_assert_ptr_nonnull(strstr(report, "0 violations, 4 deviations in "
                                         "28 requests\n"));
    ck_assert_ptr_null(strstr(report, "violation:"));
}
END_TEST

/* Each broken variant, and a violation its report must show. */
static const struct {
    Fault fault;
    const char *violation;
} broken[] = {
    {NO_OBJ, "granted, but view->obj is NULL"},
    {NO_REFERENCE, "granted, but the exporter's reference count did not "
                   "rise by one"},
    {TWO_REFERENCES, "granted, but the exporter's reference count did not "
                     "rise by one"},
    {SHAPE_WITHOUT_ND, "shape is set without PyBUF_ND"},
    {NO_STRIDES, "strides are NULL for PyBUF_STRIDES"},
    {SUBOFFSETS_WITHOUT_INDIRECT, "suboffsets are set without "
                                  "PyBUF_INDIRECT"},
    {FORMAT_WITHOUT_FORMAT, "format is set without PyBUF_FORMAT"},
    {READONLY_FOR_WRITABLE, "readonly for PyBUF_WRITABLE"},
    {FALSE_CONTIGUITY, "not Fortran-contiguous as requested"},
    {WRONG_LEN, "len is not product(shape) * itemsize"},
    {WRONG_FORMAT_SIZE, "the format does not describe exactly itemsize "
                        "bytes"},
    {OUTSIDE_MEMORY, "elements lie outside the memory of the fullest "
                     "answer"},
    {CHANGING_ANSWERS, "the same request gets two different views"},
    {SILENT_REFUSAL, "refused without an exception"},
    {OBJ_ON_REFUSAL, "refused, but view->obj is set"},
    {BAD_RESULT, "a refused request does not return -1"},
    {SHAPE_ON_0D, "a 0-d view has shape, strides or suboffsets"},
    {RELEASE_DROPS_REFERENCE, "release does not give back the reference "
                              "taken"},
    {GRANT_WITH_ERROR, "granted with an exception set"},
    {VALUE_ERROR_REFUSAL, "refused with an exception that is not "
                          "BufferError (CPython's documentation) "
                          "[refusal-not-buffererror]"},
    {NOT_A_FORMAT, "format is not a PEP 3118 format (PEP 3118) "
                   "[format-invalid]"},
    {SHORT_STRUCTURE, "the format does not describe exactly itemsize "
                      "bytes (PEP 3118) [format-size]"},
};

START_TEST(test_each_broken_exporter_is_caught)
{
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        PyObject *exporter = new_array(broken[i].fault);
        /* Exporters that take too few or too many references, or give
           back too many, leave the count as the checker found it: it
           holds a reference of its own and puts the count back. */
        Py_INCREF(exporter);
        Py_ssize_t n = check(exporter, report, sizeof(report));
        ck_assert_int_eq(Py_REFCNT(exporter), 1);
        ck_assert_msg(n > 0, "fault %zu not caught", i);
        if (strstr(report, broken[i].violation) == NULL) {
            fprintf(stderr, "%s", report);
        }
        ck_assert_msg(strstr(report, broken[i].violation) != NULL,
                      "fault %zu: no \"%s\" in the report", i,
                      broken[i].violation);
        char count[64];
        snprintf(count, sizeof(count), "\n%zd violation%s, ", n,
                 n == 1 ? "" : "s");
        ck_assert_ptr_nonnull(strstr(report, count));
        Py_DECREF(exporter);
    }
}
END_TEST

/* Exporters that do not take their reference, or that give back two,
   with the caller holding the only reference: the checker's verdict, and
   the object left as it was (the sanitizer build catches a use after
   free). */
START_TEST(test_reference_faults_with_a_single_reference)
{
    static const Fault faults[] = {NO_REFERENCE, RELEASE_DROPS_REFERENCE,
                                   TWO_REFERENCES};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        PyObject *exporter = new_array(faults[i]);
        ck_assert_int_gt(MbCheck_Exporter(exporter, NULL), 0);
        ck_assert_int_eq(Py_REFCNT(exporter), 1);
        Py_DECREF(exporter);
    }
}
END_TEST

START_TEST(test_report_may_be_null)
{
    PyObject *exporter = new_array(WRONG_LEN);
    ck_assert_int_gt(MbCheck_Exporter(exporter, NULL), 0);
    Py_DECREF(exporter);
}
END_TEST

/* --- The built-in exporters ---------------------------------------------- */

static PyObject *
new_ndarray(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides,
            Py_ssize_t offset, const char *format, int flags)
{
    static const char memory[512];
    MbNdArraySpec spec = {memory, sizeof(memory), format, ndim, shape,
                          strides ? ndim : 0, strides, offset, flags};
    return MbNdArray_New(&spec);
}

START_TEST(test_every_built_in_exporter_passes)
{
    static const Py_ssize_t shape[3] = {3, 4, 2};
    static const Py_ssize_t strided[2] = {-64, 16};
    static const Py_ssize_t cast_shape[2] = {4, 6};
    PyObject *base = PyBytes_FromStringAndSize("0123456789abcdefghijklmn",
                                               24);
    PyObject *mv = PyMemoryView_FromObject(base);
    PyObject *nd = new_ndarray(2, shape, NULL, 0, "i", MB_ND_WRITABLE);
    PyObject *nd_view = PyMemoryView_FromObject(nd);
    PyObject *exporters[] = {
        PyBytes_FromStringAndSize("hello", 5),
        PyBytes_FromStringAndSize(NULL, 0),
        PyByteArray_FromStringAndSize("hello", 5),
        PyByteArray_FromStringAndSize(NULL, 0),
        PyMemoryView_FromObject(base),
        MbMemoryView_Slice(mv, 1, 20, 3),
        MbMemoryView_Cast(mv, "B", cast_shape, 2),
        MbMemoryView_ToReadOnly(nd_view),
        new_ndarray(3, shape, NULL, 0, "h", MB_ND_WRITABLE),
        new_ndarray(3, shape, NULL, 0, "d", MB_ND_FORTRAN),
        new_ndarray(2, shape, strided, 192, "<q", 0),
        new_ndarray(2, shape, NULL, 0, "B", MB_ND_PIL | MB_ND_WRITABLE),
        new_ndarray(0, shape, NULL, 8, "d", 0),
        new_ndarray(1, shape, NULL, 0, "3s", MB_ND_GETBUF_FAIL),
        MbNdArray_FromExporter(nd, PyBUF_FULL_RO, 0),
        MbNdArray_FromExporter(nd, PyBUF_FULL, MB_ND_REDIRECT),
    };
    for (size_t i = 0; i < sizeof(exporters) / sizeof(exporters[0]); i++) {
        ck_assert_msg(check(exporters[i], report, sizeof(report)) == 0,
                      "exporter %zu:\n%s", i, report);
    }
    Py_DECREF(nd_view);
    Py_DECREF(nd);
    Py_DECREF(mv);
    Py_DECREF(base);
}
END_TEST

/* ndarray's teaching flags that break the protocol on purpose. */
START_TEST(test_ndarray_legacy_modes_are_caught)
{
    static const Py_ssize_t shape[1] = {4};
    ck_assert_int_gt(check(new_ndarray(1, shape, NULL, 0, "B", MB_ND_LEGACY),
                           report, sizeof(report)), 0);
    ck_assert_ptr_nonnull(strstr(report, "granted, but view->obj is NULL"));
}
END_TEST

START_TEST(test_non_exporters_are_refused)
{
    PyObject *plain = _PyObject_New(&PyBaseObject_Type);
    ck_assert_int_eq(MbCheck_Exporter(plain, NULL), -1);
    assert_error(PyExc_TypeError, "a bytes-like object is required, not "
                 "'object'");
    ck_assert_int_eq(MbCheck_Exporter(NULL, NULL), -1);
    assert_error(PyExc_TypeError, "a bytes-like object is required, not "
                 "'NULL'");
    Py_DECREF(plain);
}
END_TEST

static Suite *
checker_suite(void)
{
    Suite *s = suite_create("checker");
    TCase *tc = mb_tcase(s, "rules");
    tcase_add_test(tc, test_a_correct_exporter_passes);
    tcase_add_test(tc, test_a_pep3118_format_passes);
    tcase_add_test(tc, test_deviations_do_not_fail);
    tcase_add_test(tc, test_each_broken_exporter_is_caught);
    tcase_add_test(tc, test_reference_faults_with_a_single_reference);
    tcase_add_test(tc, test_report_may_be_null);
    tc = mb_tcase(s, "built-in");
    tcase_add_test(tc, test_every_built_in_exporter_passes);
    tcase_add_test(tc, test_ndarray_legacy_modes_are_caught);
    tcase_add_test(tc, test_non_exporters_are_refused);
    return s;
}

int
main(void)
{
    return mb_run(checker_suite());
}
