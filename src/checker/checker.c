/* The exporter conformance checker: MbCheck_Exporter.
 *
 * It makes every kind of request of an exporter (PyBUF_SIMPLE, ND, STRIDES,
 * C_, F_ and ANY_CONTIGUOUS, INDIRECT, each alone, with WRITABLE, with
 * FORMAT and with both: 28 requests), each twice, and checks every answer
 * against the rules below.  Each rule has an id, a source and a severity:
 * what PEP 3118 or CPython's documentation require (a MUST) is a
 * violation, which fails; what only CPython's own exporters do is a
 * deviation, reported with its reason, which does not.
 *
 *   granted:  the result is 0 and no exception is set; obj is set and a
 *             reference to it taken;
 *             shape, strides and suboffsets are NULL unless ND, STRIDES
 *             and INDIRECT allow them, filled when they are required, and
 *             all NULL for ndim 0; format is NULL without FORMAT; readonly
 *             is 0 for WRITABLE; the contiguity asked for holds; len is
 *             product(shape) * itemsize; the format is PEP 3118's and
 *             describes exactly itemsize bytes; every element lies in the
 *             memory of the fullest answer (PyBUF_FULL_RO's) or, for a
 *             contiguous view, in [buf, buf + len); release gives the
 *             reference back; (deviation) ndim is 1 without ND;
 *   refused:  the result is -1, BufferError is set, view->obj is NULL and
 *             the exporter's reference count is unchanged;
 *   twice:    (deviations) the same request gets the same answer (the
 *             same fields, or the same exception type).
 *
 * Any exporter, however broken, gets a verdict: the checker holds a
 * reference of its own, and after each answer and each release puts the
 * exporter's reference count back where the protocol says it must be, so
 * an exporter that takes too few references or gives back too many is
 * reported instead of freed under the checker.  A MemoryError is not a
 * verdict: the checker stops and returns -1 with it set.
 *
 * Written with CPython's API only (and the PEP 3118 parser, which needs
 * nothing else), so that the same file compiles against CPython and
 * judges a real extension's exporter there (tests/checker_cpython.sh).
 * Addresses are never printed: the report is the same from run to run.
 */
#include <string.h>

#include "checker.h"

/* Views, shapes and strides of any ndim this protocol allows. */
#define MAX_NDIM 64

#define MAX_SEEN 16

/* Where a rule comes from. */
#define PEP "PEP 3118"
#define DOCS "CPython's documentation"
#define EXPORTERS "CPython's exporters"

typedef struct {
    const char *id;          /* short and stable, for scripts */
    int must;                /* 1: a violation; 0: a deviation */
    const char *source;
    const char *text;        /* what the answer did */
    const char *reason;      /* a deviation's: why it is only that */
} Rule;

#define MUST_RULE(name, id, source, text) \
    static const Rule name = {id, 1, source, text, NULL}

MUST_RULE(OBJ_NULL, "obj-null", DOCS, "granted, but view->obj is NULL");
MUST_RULE(GRANT_WITH_ERROR, "grant-with-error", DOCS,
          "granted with an exception set");
MUST_RULE(GRANT_REFCOUNT, "grant-refcount", DOCS,
          "granted, but the exporter's reference count did not rise by "
          "one");
MUST_RULE(REFUSAL_RESULT, "refusal-result", DOCS,
          "a refused request does not return -1");
MUST_RULE(REFUSAL_SILENT, "refusal-silent", DOCS,
          "refused without an exception");
MUST_RULE(REFUSAL_TYPE, "refusal-not-buffererror", DOCS,
          "refused with an exception that is not BufferError");
MUST_RULE(REFUSAL_OBJ, "refusal-obj-set", DOCS,
          "refused, but view->obj is set");
MUST_RULE(REFUSAL_REFCOUNT, "refusal-refcount", DOCS,
          "refused, but the exporter's reference count changed");
MUST_RULE(NDIM_RANGE, "ndim-range", DOCS, "ndim is outside [0, 64]");
MUST_RULE(SHAPE_WITHOUT_ND, "shape-without-nd", DOCS,
          "shape is set without PyBUF_ND");
MUST_RULE(SHAPE_MISSING, "shape-missing", DOCS,
          "shape is NULL for PyBUF_ND");
MUST_RULE(STRIDES_WITHOUT, "strides-without-strides", DOCS,
          "strides are set without PyBUF_STRIDES");
MUST_RULE(STRIDES_MISSING, "strides-missing", DOCS,
          "strides are NULL for PyBUF_STRIDES");
MUST_RULE(SUBOFFSETS_WITHOUT, "suboffsets-without-indirect", DOCS,
          "suboffsets are set without PyBUF_INDIRECT");
MUST_RULE(ZERO_DIM, "zero-dim-fields", DOCS,
          "a 0-d view has shape, strides or suboffsets");
MUST_RULE(FORMAT_WITHOUT, "format-without-format", DOCS,
          "format is set without PyBUF_FORMAT");
MUST_RULE(READONLY, "readonly-for-writable", DOCS,
          "readonly for PyBUF_WRITABLE");
MUST_RULE(NOT_C, "not-c-contiguous", DOCS, "not C-contiguous as requested");
MUST_RULE(NOT_F, "not-f-contiguous", DOCS,
          "not Fortran-contiguous as requested");
MUST_RULE(NOT_ANY, "not-contiguous", DOCS, "not contiguous as requested");
MUST_RULE(NO_STRIDES_NOT_C, "no-strides-not-c", DOCS,
          "without strides, the buffer must be C-contiguous");
MUST_RULE(NEGATIVE_LEN, "negative-len", DOCS, "len is negative");
MUST_RULE(NEGATIVE_ITEMSIZE, "negative-itemsize", DOCS,
          "itemsize is negative");
MUST_RULE(NEGATIVE_SHAPE, "negative-shape", DOCS,
          "shape has a negative extent");
MUST_RULE(LEN_MISMATCH, "len-mismatch", DOCS,
          "len is not product(shape) * itemsize");
MUST_RULE(FORMAT_INVALID, "format-invalid", PEP,
          "format is not a PEP 3118 format");
MUST_RULE(FORMAT_SIZE, "format-size", PEP,
          "the format does not describe exactly itemsize bytes");
MUST_RULE(CONTIGUOUS_EXTENT, "contiguous-extent", DOCS,
          "a contiguous view's elements are not [buf, buf + len)");
MUST_RULE(OUTSIDE_MEMORY, "outside-memory", DOCS,
          "elements lie outside the memory of the fullest answer");
MUST_RULE(RELEASE_REFCOUNT, "release-refcount", DOCS,
          "release does not give back the reference taken");

static const Rule NDIM_WITHOUT_ND = {
    "ndim-without-nd", 0, EXPORTERS, "ndim is not 1 without PyBUF_ND",
    "PyBuffer_FillInfo answers with ndim 1; neither PEP 3118 nor the "
    "documentation requires it",
};
static const Rule TWICE_GRANTED_REFUSED = {
    "twice-granted-refused", 0, EXPORTERS,
    "the same request is granted once and refused once",
    "CPython's exporters answer a request the same way every time",
};
static const Rule TWICE_VIEWS = {
    "twice-different-views", 0, EXPORTERS,
    "the same request gets two different views",
    "CPython's exporters answer a request the same way every time",
};
static const Rule TWICE_ERRORS = {
    "twice-different-errors", 0, EXPORTERS,
    "the same request is refused with two exceptions",
    "CPython's exporters answer a request the same way every time",
};

typedef struct {
    FILE *out;
    Py_ssize_t violations;
    Py_ssize_t deviations;
    const char *request;     /* the name of the request being judged */
    const Rule *seen[MAX_SEEN];  /* its findings so far, counted once */
    int nseen;
    /* The fullest answer's memory, when it is known: [low, high). */
    int have_memory;
    uintptr_t low, high;
} Judge;

/* Count and report a finding of the current request, once. */
static void
violation(Judge *j, const Rule *rule)
{
    for (int i = 0; i < j->nseen; i++) {
        if (j->seen[i] == rule) {
            return;
        }
    }
    if (j->nseen < MAX_SEEN) {
        j->seen[j->nseen++] = rule;
    }
    if (rule->must) {
        j->violations++;
    }
    else {
        j->deviations++;
    }
    if (j->out == NULL) {
        return;
    }
    if (rule->must) {
        fprintf(j->out, "  violation: %s: %s (%s) [%s]\n", j->request,
                rule->text, rule->source, rule->id);
    }
    else {
        fprintf(j->out, "  deviation: %s: %s (%s: %s) [%s]\n", j->request,
                rule->text, rule->source, rule->reason, rule->id);
    }
}

#define RULE(judge, condition, rule)                                    \
    do {                                                                \
        if (!(condition)) {                                             \
            violation((judge), &(rule));                                \
        }                                                               \
    } while (0)

/* "Type: message" of the current exception, into out; the exception
   stays set. */
static void
describe_exception(char *out, size_t size)
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    const char *name = type ? ((PyTypeObject *)type)->tp_name : "NULL";
#ifdef MINIBUF_H
    PyErr_Restore(type, value, traceback);
    snprintf(out, size, "%s: %s", name, MbErr_Message());
#else
    PyErr_NormalizeException(&type, &value, &traceback);
    PyObject *text = value ? PyObject_Str(value) : NULL;
    const char *message = text ? PyUnicode_AsUTF8(text) : NULL;
    snprintf(out, size, "%s: %s", name, message ? message : "");
    Py_XDECREF(text);
    PyErr_Clear();
    PyErr_Restore(type, value, traceback);
#endif
}

/* The bytes [*low, *high) the elements of a view without suboffsets
   occupy; 0 when the view is empty.  Unsigned arithmetic: a hostile view
   gives a wrong range, never undefined behaviour. */
static int
extent(const Py_buffer *view, uintptr_t *low, uintptr_t *high)
{
    uintptr_t lo = (uintptr_t)view->buf, hi = lo + (uintptr_t)view->len;
    if (view->shape == NULL) {
        *low = lo;
        *high = hi;
        return view->len > 0;
    }
    Py_ssize_t strides[MAX_NDIM];
    if (view->strides != NULL) {
        memcpy(strides, view->strides, sizeof(Py_ssize_t) * view->ndim);
    }
    else {
        PyBuffer_FillContiguousStrides(view->ndim, view->shape, strides,
                                       (int)view->itemsize, 'C');
    }
    hi = lo + (uintptr_t)view->itemsize;
    for (int i = 0; i < view->ndim; i++) {
        if (view->shape[i] == 0) {
            return 0;
        }
        uintptr_t span = (uintptr_t)strides[i]
                         * ((uintptr_t)view->shape[i] - 1);
        if (strides[i] < 0) {
            lo += span;
        }
        else {
            hi += span;
        }
    }
    *low = lo;
    *high = hi;
    return 1;
}

/* The fields a request allows or requires: shape, strides, suboffsets
   and format, and ndim 1 without shape. */
static void
judge_fields(Judge *j, const Py_buffer *view, int flags)
{
    int ndim = view->ndim;
    if (!mb_wants_shape(flags)) {
        RULE(j, view->shape == NULL, SHAPE_WITHOUT_ND);
        RULE(j, ndim == 1, NDIM_WITHOUT_ND);
    }
    else if (ndim > 0) {
        RULE(j, view->shape != NULL, SHAPE_MISSING);
    }
    if (!mb_wants_strides(flags)) {
        RULE(j, view->strides == NULL, STRIDES_WITHOUT);
    }
    else if (ndim > 0) {
        RULE(j, view->strides != NULL, STRIDES_MISSING);
    }
    if (!mb_accepts_suboffsets(flags)) {
        RULE(j, view->suboffsets == NULL, SUBOFFSETS_WITHOUT);
    }
    if (ndim == 0) {
        RULE(j, view->shape == NULL && view->strides == NULL
             && view->suboffsets == NULL, ZERO_DIM);
    }
    if (!mb_wants_format(flags)) {
        RULE(j, view->format == NULL, FORMAT_WITHOUT);
    }
}

/* What the request was promised: writable memory and the contiguity
   asked for (without strides, C-contiguity). */
static void
judge_promises(Judge *j, const Py_buffer *view, int flags)
{
    if (mb_wants_writable(flags)) {
        RULE(j, view->readonly == 0, READONLY);
    }
    if (mb_wants_c_contiguous(flags)) {
        RULE(j, PyBuffer_IsContiguous(view, 'C'), NOT_C);
    }
    if (mb_wants_f_contiguous(flags)) {
        RULE(j, PyBuffer_IsContiguous(view, 'F'), NOT_F);
    }
    if (mb_wants_any_contiguous(flags)) {
        RULE(j, PyBuffer_IsContiguous(view, 'A'), NOT_ANY);
    }
    if (view->strides == NULL) {
        RULE(j, PyBuffer_IsContiguous(view, 'C'), NO_STRIDES_NOT_C);
    }
}

/* len, itemsize, the extents and the format agree with each other. */
static void
judge_sizes(Judge *j, const Py_buffer *view)
{
    RULE(j, view->len >= 0, NEGATIVE_LEN);
    RULE(j, view->itemsize >= 0, NEGATIVE_ITEMSIZE);
    if (view->shape != NULL) {
        Py_ssize_t n = view->itemsize;
        int negative = 0;
        for (int i = 0; i < view->ndim; i++) {
            negative |= view->shape[i] < 0;
            n = (Py_ssize_t)((size_t)n * (size_t)view->shape[i]);
        }
        RULE(j, !negative, NEGATIVE_SHAPE);
        RULE(j, negative || n == view->len, LEN_MISMATCH);
    }
    if (view->format != NULL) {
        MbPep3118Info info;
        if (MbPep3118_Parse(view->format, NULL, 0, &info) < 0) {
            violation(j, &FORMAT_INVALID);
        }
        else {
            RULE(j, info.itemsize == view->itemsize, FORMAT_SIZE);
        }
    }
}

/* Every element lies in [buf, buf + len) for a contiguous view, and in
   the memory of the fullest answer. */
static void
judge_memory(Judge *j, const Py_buffer *view)
{
    uintptr_t low, high;
    if (view->suboffsets != NULL || view->len < 0 || view->itemsize < 0
        || !extent(view, &low, &high)) {
        return;
    }
    if (PyBuffer_IsContiguous(view, 'A')) {
        RULE(j, low == (uintptr_t)view->buf
             && high == (uintptr_t)view->buf + (uintptr_t)view->len,
             CONTIGUOUS_EXTENT);
    }
    if (j->have_memory) {
        RULE(j, low >= j->low && high <= j->high, OUTSIDE_MEMORY);
    }
}

/* The rules for a granted request. */
static void
judge_granted(Judge *j, const Py_buffer *view, int flags)
{
    RULE(j, view->ndim >= 0 && view->ndim <= MAX_NDIM, NDIM_RANGE);
    if (view->ndim < 0 || view->ndim > MAX_NDIM) {
        return;
    }
    judge_fields(j, view, flags);
    judge_promises(j, view, flags);
    judge_sizes(j, view);
    judge_memory(j, view);
}

static int
same_array(const Py_ssize_t *a, const Py_ssize_t *b, int n)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return memcmp(a, b, sizeof(Py_ssize_t) * (size_t)n) == 0;
}

/* Whether two granted answers to the same request are the same. */
static int
same_answer(const Py_buffer *a, const Py_buffer *b)
{
    if (a->buf != b->buf || a->obj != b->obj || a->len != b->len
        || a->itemsize != b->itemsize || a->readonly != b->readonly
        || a->ndim != b->ndim) {
        return 0;
    }
    if ((a->format == NULL) != (b->format == NULL)
        || (a->format != NULL && strcmp(a->format, b->format) != 0)) {
        return 0;
    }
    int n = a->ndim >= 0 && a->ndim <= MAX_NDIM ? a->ndim : 0;
    return same_array(a->shape, b->shape, n)
           && same_array(a->strides, b->strides, n)
           && same_array(a->suboffsets, b->suboffsets, n);
}

/* Print what a granted view holds (no addresses). */
static void
show_granted(Judge *j, const Py_buffer *view)
{
    if (j->out == NULL) {
        return;
    }
    fprintf(j->out, "granted: ndim %d, len %zd, itemsize %zd, readonly %d, "
            "format %s%s%s", view->ndim, view->len, view->itemsize,
            view->readonly, view->format ? "\"" : "",
            view->format ? view->format : "NULL", view->format ? "\"" : "");
    if (view->shape != NULL && view->ndim > 0 && view->ndim <= MAX_NDIM) {
        fprintf(j->out, ", shape");
        for (int i = 0; i < view->ndim; i++) {
            fprintf(j->out, "%s%zd", i ? "x" : " ", view->shape[i]);
        }
    }
    if (view->strides != NULL && view->ndim > 0 && view->ndim <= MAX_NDIM) {
        fprintf(j->out, ", strides");
        for (int i = 0; i < view->ndim; i++) {
            fprintf(j->out, "%s%zd", i ? "," : " ", view->strides[i]);
        }
    }
    if (view->suboffsets != NULL) {
        fprintf(j->out, ", suboffsets");
    }
    fprintf(j->out, "\n");
}

static Py_ssize_t
reference_count(PyObject *op)
{
    return op != NULL ? Py_REFCNT(op) : 0;
}

/* Objects whose count never changes (immortal) cannot show a reference
   taken or given back. */
static int
counted(PyObject *op)
{
    return Py_REFCNT(op) < ((Py_ssize_t)1 << 29);
}

/* One answer to a request, as the exporter gave it. */
typedef struct {
    Py_buffer view;
    int result;
    int count_right;         /* the exporter's count changed as it must */
    int error_on_grant;      /* granted with an exception set */
    PyObject *error;         /* the exception type, when refused */
    int obj_left;            /* refused with view->obj set */
    char message[256];
} Answer;

/* Put the exporter's reference count back to `count` after an exporter
   that took too few or too many references, so that every later step (and
   the caller) finds the count the protocol promises; the checker's own
   reference keeps the object alive meanwhile.  Assumption: count >= 2
   (the caller's reference and the checker's). */
static void
restore_count(PyObject *exporter, Py_ssize_t count)
{
    if (!counted(exporter)) {
        return;
    }
    assert(count >= 2);
    while (Py_REFCNT(exporter) < count) {
        Py_INCREF(exporter);
    }
    while (Py_REFCNT(exporter) > count) {
        Py_DECREF(exporter);
    }
}

/* Ask once, through the slot itself as PyObject_GetBuffer calls it: what
   the exporter answers, with nothing added on the consumer's side.  A
   MemoryError is left set (the caller stops: no verdict can be given);
   any other exception is recorded and cleared.  Assumption: the
   exporter has bf_getbuffer. */
static void
ask(PyObject *exporter, int flags, Answer *a)
{
    assert(PyObject_CheckBuffer(exporter));
    memset(a, 0, sizeof(*a));
    Py_ssize_t before = reference_count(exporter);
    getbufferproc getbuffer = (getbufferproc)PyType_GetSlot(
        Py_TYPE(exporter), Py_bf_getbuffer);
    a->result = getbuffer(exporter, &a->view, flags);
    int granted = a->result == 0;
    Py_ssize_t expected = before + (granted && a->view.obj == exporter);
    a->count_right = reference_count(exporter) == expected;
    restore_count(exporter, expected);
    if (granted) {
        a->error_on_grant = PyErr_Occurred() != NULL;
        PyErr_Clear();
        return;
    }
    a->error = PyErr_Occurred();
    if (a->error != NULL
        && !PyErr_GivenExceptionMatches(a->error, PyExc_MemoryError)) {
        describe_exception(a->message, sizeof(a->message));
        PyErr_Clear();
    }
    a->obj_left = a->view.obj != NULL;
    a->view.obj = NULL;
}

/* Release a granted answer; 1 if the release gave back exactly the
   reference its view held, else 0 with the count put back as it should
   be. */
static int
release_answer(PyObject *exporter, Answer *a)
{
    Py_ssize_t before = reference_count(exporter);
    Py_ssize_t expected = before - (a->view.obj == exporter);
    PyBuffer_Release(&a->view);
    int right = reference_count(exporter) == expected;
    restore_count(exporter, expected);
    return right || !counted(exporter);
}

/* Whether the answer was a MemoryError (left set by ask). */
static int
out_of_memory(const Answer *a)
{
    return a->result != 0 && a->error != NULL
           && PyErr_GivenExceptionMatches(a->error, PyExc_MemoryError);
}

/* The rules every answer, granted or refused, must follow. */
static void
judge_answer(Judge *j, PyObject *exporter, const Answer *a)
{
    if (a->result == 0) {
        RULE(j, a->view.obj != NULL, OBJ_NULL);
        RULE(j, !a->error_on_grant, GRANT_WITH_ERROR);
        if (a->view.obj == exporter && counted(exporter)) {
            RULE(j, a->count_right, GRANT_REFCOUNT);
        }
        return;
    }
    RULE(j, a->result == -1, REFUSAL_RESULT);
    RULE(j, a->error != NULL, REFUSAL_SILENT);
    RULE(j, a->error == NULL
         || PyErr_GivenExceptionMatches(a->error, PyExc_BufferError),
         REFUSAL_TYPE);
    RULE(j, !a->obj_left, REFUSAL_OBJ);
    if (counted(exporter)) {
        RULE(j, a->count_right, REFUSAL_REFCOUNT);
    }
}

/* Make one request twice and judge both answers; -1 with MemoryError
   set if either was a MemoryError (nothing is judged), else 0. */
static int
judge_request(Judge *j, PyObject *exporter, int flags)
{
    char name[96];
    MbRequest_Describe(flags, name, sizeof(name));
    j->request = name;
    j->nseen = 0;
    Answer answers[2];
    ask(exporter, flags, &answers[0]);
    if (!out_of_memory(&answers[0])) {
        ask(exporter, flags, &answers[1]);
    }
    else {
        answers[1] = answers[0];
    }
    const Answer *first = &answers[0], *second = &answers[1];
    if (out_of_memory(first) || out_of_memory(second)) {
        for (int k = 0; k < 2; k++) {
            if (answers[k].result == 0) {
                (void)release_answer(exporter, &answers[k]);
            }
        }
        return -1;
    }
    if (j->out != NULL) {
        fprintf(j->out, "  %-48s ", name);
        if (first->result == 0) {
            show_granted(j, &first->view);
        }
        else {
            fprintf(j->out, "refused: %s\n", first->message);
        }
    }
    judge_answer(j, exporter, first);
    judge_answer(j, exporter, second);
    if (first->result == 0) {
        judge_granted(j, &first->view, flags);
    }
    if ((first->result == 0) != (second->result == 0)) {
        violation(j, &TWICE_GRANTED_REFUSED);
    }
    else if (first->result == 0 && !same_answer(&first->view,
                                                &second->view)) {
        violation(j, &TWICE_VIEWS);
    }
    else if (first->result != 0 && first->error != second->error) {
        violation(j, &TWICE_ERRORS);
    }
    for (int k = 0; k < 2; k++) {
        if (answers[k].result == 0) {
            RULE(j, release_answer(exporter, &answers[k]),
                 RELEASE_REFCOUNT);
        }
    }
    return 0;
}

/* The fullest answer, PyBUF_FULL_RO's, gives the memory the elements of
   every other answer must lie in.  -1 with MemoryError if it was one. */
static int
find_memory(Judge *j, PyObject *exporter)
{
    j->have_memory = 0;
    Answer a;
    ask(exporter, PyBUF_FULL_RO, &a);
    if (out_of_memory(&a)) {
        return -1;
    }
    if (a.result != 0) {
        return 0;
    }
    const Py_buffer view = a.view;
    if (view.suboffsets == NULL && view.ndim >= 0 && view.ndim <= MAX_NDIM
        && view.len >= 0 && view.itemsize >= 0) {
        j->have_memory = extent(&view, &j->low, &j->high);
    }
    (void)release_answer(exporter, &a);
    return 0;
}

Py_ssize_t
MbCheck_Exporter(PyObject *exporter, FILE *report)
{
    static const int structures[] = {
        PyBUF_SIMPLE, PyBUF_ND, PyBUF_STRIDES, PyBUF_C_CONTIGUOUS,
        PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT,
    };
    static const int modifiers[] = {
        0, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_WRITABLE | PyBUF_FORMAT,
    };
    if (exporter == NULL || !PyObject_CheckBuffer(exporter)) {
        PyErr_Format(PyExc_TypeError, "a bytes-like object is required, "
                     "not '%.100s'", exporter ? Py_TYPE(exporter)->tp_name
                                              : "NULL");
        return -1;
    }
    Judge j = {report, 0, 0, "", {NULL}, 0, 0, 0, 0};
    if (report != NULL) {
        fprintf(report, "exporter '%s'\n", Py_TYPE(exporter)->tp_name);
    }
    /* The checker's own reference: an exporter that gives back more
       references than it takes cannot free itself under the checker. */
    Py_INCREF(exporter);
    Py_ssize_t result = -1;
    if (find_memory(&j, exporter) < 0) {
        goto out;
    }
    int requests = 0;
    for (size_t s = 0; s < sizeof(structures) / sizeof(int); s++) {
        for (size_t m = 0; m < sizeof(modifiers) / sizeof(int); m++) {
            if (judge_request(&j, exporter,
                              structures[s] | modifiers[m]) < 0) {
                goto out;
            }
            requests++;
        }
    }
    if (report != NULL) {
        fprintf(report, "%zd violation%s, %zd deviation%s in %d requests\n",
                j.violations, j.violations == 1 ? "" : "s", j.deviations,
                j.deviations == 1 ? "" : "s", requests);
    }
    result = j.violations;
out:
    Py_DECREF(exporter);
    return result;
}
