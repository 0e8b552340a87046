/* minibuf memoryview: a memoryview of an exporter, sliced and cast step by
 * step, each step's view shown with the export it shares. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char memoryview_usage[] =
    "usage: minibuf memoryview EXPORTER [OPTIONS] [STEP ...]\n"
    "\n"
    "Make memoryview(exporter), then each STEP of it in turn, and show\n"
    "every view: buf as an offset into the exporter's memory (a slice or a\n"
    "cast copies nothing), shape, strides, format, and how many memoryviews\n"
    "share the exporter's one export (the managed buffer's count).  Last,\n"
    "the same steps in CPython with _testbuffer, to check them there.\n"
    "\n"
    "STEP:\n"
    "  --slice START:STOP[:STEP]  m[START:STOP:STEP] (first dimension;\n"
    "                             each part may be left out: ::-1)\n"
    "  --cast FORMAT[SHAPE]       m.cast(FORMAT) or, with a shape,\n"
    "                             m.cast(FORMAT, [2, 3]): --cast 'i[2,3]'\n"
    "\n" EXPORTER_USAGE;

/* One step of the command line. */
typedef struct {
    int is_slice;
    Py_ssize_t start, stop, step;    /* PY_SSIZE_T_MIN: left out */
    char format[32];
    int ndim;                        /* -1: no shape */
    Py_ssize_t shape[PyBUF_MAX_NDIM];
    const char *text;                /* as written, for Python */
} Step;

/* One part of a slice: a number, or PY_SSIZE_T_MIN when empty. */
static Py_ssize_t
slice_part(const char *text, size_t n)
{
    if (n == 0) {
        return PY_SSIZE_T_MIN;
    }
    char *end;
    long long value = strtoll(text, &end, 10);
    if ((size_t)(end - text) != n) {
        usage_error("memoryview", "not a slice: '%s'", text);
    }
    return (Py_ssize_t)value;
}

static void
parse_slice(const char *text, Step *step)
{
    const char *colon = strchr(text, ':');
    if (colon == NULL) {
        usage_error("memoryview", "a slice needs a ':': '%s'", text);
    }
    const char *second = strchr(colon + 1, ':');
    step->is_slice = 1;
    step->start = slice_part(text, (size_t)(colon - text));
    const char *stop_end = second ? second : colon + 1 + strlen(colon + 1);
    step->stop = slice_part(colon + 1, (size_t)(stop_end - colon - 1));
    step->step = second ? slice_part(second + 1, strlen(second + 1))
                        : PY_SSIZE_T_MIN;
    if (step->step == 0) {
        usage_error("memoryview", "a slice step cannot be zero");
    }
}

static void
parse_cast(const char *text, Step *step)
{
    size_t n = strcspn(text, "[");
    if (n == 0 || n >= sizeof(step->format)) {
        usage_error("memoryview", "not a cast: '%s'", text);
    }
    memcpy(step->format, text, n);
    step->format[n] = '\0';
    step->ndim = -1;
    if (text[n] == '\0') {
        return;
    }
    const char *p = text + n + 1;
    step->ndim = 0;
    while (*p != ']') {
        char *end;
        long long value = strtoll(p, &end, 10);
        if (end == p || step->ndim == PyBUF_MAX_NDIM
            || (*end != ',' && *end != ']')) {
            usage_error("memoryview", "not a shape: '%s'", text);
        }
        step->shape[step->ndim++] = (Py_ssize_t)value;
        p = *end == ',' ? end + 1 : end;
    }
    if (p[1] != '\0') {
        usage_error("memoryview", "not a cast: '%s'", text);
    }
}

/* The memoryview of one step of mv; NULL with an exception. */
static PyObject *
apply(PyObject *mv, const Step *step)
{
    if (!step->is_slice) {
        return MbMemoryView_Cast(mv, step->format,
                                 step->ndim < 0 ? NULL : step->shape,
                                 step->ndim < 0 ? 0 : step->ndim);
    }
    int backwards = step->step != PY_SSIZE_T_MIN && step->step < 0;
    Py_ssize_t start = step->start, stop = step->stop;
    if (start == PY_SSIZE_T_MIN) {
        start = backwards ? PY_SSIZE_T_MAX : 0;
    }
    if (stop == PY_SSIZE_T_MIN) {
        stop = backwards ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX;
    }
    return MbMemoryView_Slice(mv, start, stop,
                              step->step == PY_SSIZE_T_MIN ? 1 : step->step);
}

/* The view of mv, and the export it shares. */
static void
show_memoryview(PyObject *mv, PyObject *exporter, const char *memory)
{
    show_view(stdout, MbMemoryView_Buffer(mv), exporter, memory);
    Py_ssize_t sharing = ((PyMemoryViewObject *)mv)->mbuf->exports;
    printf("  export: the exporter's one export, shared by %zd "
           "memoryview%s\n", sharing, sharing == 1 ? "" : "s");
}

/* A step as Python: "m[1:3]", "m.cast('i', [2, 3])". */
static void
print_step(const Step *step)
{
    if (step->is_slice) {
        printf("m[%s]", step->text);
        return;
    }
    printf("m.cast('%s'", step->format);
    if (step->ndim >= 0) {
        printf(", [");
        for (int k = 0; k < step->ndim; k++) {
            printf("%s%zd", k ? ", " : "", step->shape[k]);
        }
        printf("]");
    }
    printf(")");
}

/* The steps of the command line, parsed from argv[next] on; *nsteps gets
   their number.  Exits with status 2 on a bad argument. */
static Step *
parse_steps(int argc, char **argv, int next, int *nsteps)
{
    Step *steps = calloc((size_t)argc + 1, sizeof(Step));
    if (steps == NULL) {
        fail("out of memory");
    }
    *nsteps = 0;
    for (; next < argc; next++) {
        Step *step = &steps[(*nsteps)++];
        int is_slice = strcmp(argv[next], "--slice") == 0;
        if (next + 1 == argc
            || (!is_slice && strcmp(argv[next], "--cast") != 0)) {
            free(steps);
            usage_error("memoryview", "unexpected argument '%s'",
                        argv[next]);
        }
        step->text = argv[++next];
        if (is_slice) {
            parse_slice(step->text, step);
        }
        else {
            parse_cast(step->text, step);
        }
    }
    return steps;
}

int
command_memoryview(int argc, char **argv)
{
    if (wants_help(argc, argv, memoryview_usage)) {
        return 0;
    }
    ExporterSpec spec;
    int next = 0, nsteps;
    parse_exporter("memoryview", argc, argv, &next, &spec, 1);
    Step *steps = parse_steps(argc, argv, next, &nsteps);
    const char *memory;
    PyObject *exporter = make_exporter(&spec, &memory);
    if (exporter == NULL) {
        printf("the exporter cannot be made: %s\n", take_exception());
        free(steps);
        return EXIT_NO;
    }
    describe_exporter(stdout, &spec);
    /* Every view made is kept until the end, as a Python session keeps
       the earlier memoryviews alive while they are named. */
    PyObject **views = calloc((size_t)nsteps + 1, sizeof(PyObject *));
    int status = 0, made = 0;
    printf("m = memoryview(exporter)\n");
    views[made] = views ? PyMemoryView_FromObject(exporter) : NULL;
    for (int i = 0;; i++) {
        if (views == NULL || views[made] == NULL) {
            printf("  %s\n", take_exception());
            status = EXIT_NO;
            break;
        }
        show_memoryview(views[made++], exporter, memory);
        if (i == nsteps) {
            break;
        }
        printf("m = ");
        print_step(&steps[i]);
        printf("\n");
        views[made] = apply(views[made - 1], &steps[i]);
    }
    printf("in CPython: ");
    print_in_cpython_memoryview(stdout, &spec);
    for (int i = 0; i < nsteps; i++) {
        printf("; m = ");
        print_step(&steps[i]);
    }
    printf("; print(m.shape, m.strides, m.format, m.itemsize, m.nbytes, "
           "m.readonly)\n");
    for (int i = made; i-- > 0;) {
        Py_DECREF(views[i]);
    }
    free(views);
    free(steps);
    Py_DECREF(exporter);
    return status;
}
