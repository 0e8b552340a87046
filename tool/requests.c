/* minibuf request and minibuf matrix: requests made of one exporter. */
#include "tool.h"

static const char request_usage[] =
    "usage: minibuf request EXPORTER [OPTIONS] REQUEST\n"
    "\n"
    "Call PyObject_GetBuffer(exporter, &view, REQUEST) and show every field\n"
    "of the Py_buffer it fills (buf as an offset into the exporter's\n"
    "memory), or the exception it raises and the rule the request broke;\n"
    "then release the view.  Last, the same request in CPython with\n"
    "_testbuffer, to check the answer there.\n"
    "\n"
    "REQUEST: PyBUF_* names joined with '|' or ',', with or without PyBUF_\n"
    "(FULL_RO, ND|WRITABLE, C_CONTIGUOUS,FORMAT), or a number (0x11c).\n"
    "\n" EXPORTER_USAGE;

static const char matrix_usage[] =
    "usage: minibuf matrix EXPORTER [OPTIONS]\n"
    "\n"
    "Make every kind of request of one exporter and show, as a table, which\n"
    "succeed, what each view holds, and why the others fail (each rule\n"
    "they broke, once); then the exporter in CPython with _testbuffer.\n"
    "\n" EXPORTER_USAGE;

/* The exporter, or a message and exit status 1. */
static PyObject *
exporter_or_exit(const ExporterSpec *spec, const char **memory)
{
    PyObject *exporter = make_exporter(spec, memory);
    if (exporter == NULL) {
        const char *exception = take_exception();
        const char *note = construction_note(exception);
        printf("the exporter cannot be made: %s\n", exception);
        if (note != NULL) {
            printf("  note: %s\n", note);
        }
        finish(EXIT_NO);
    }
    return exporter;
}

int
command_request(int argc, char **argv)
{
    if (wants_help(argc, argv, request_usage)) {
        return 0;
    }
    ExporterSpec spec;
    int next = 0, flags;
    parse_exporter("request", argc, argv, &next, &spec, 1);
    if (next >= argc) {
        usage_error("request", "which request? (FULL_RO, ND|WRITABLE, ...)");
    }
    if (next + 1 < argc) {
        usage_error("request", "unexpected argument '%s'", argv[next + 1]);
    }
    if (parse_request(argv[next], &flags) < 0) {
        usage_error("request", "not a request: '%s'", argv[next]);
    }
    const char *memory;
    PyObject *exporter = exporter_or_exit(&spec, &memory);
    char name[128];
    MbRequest_Describe(flags, name, sizeof(name));
    describe_exporter(stdout, &spec);
    printf("request: %s (%#x)\n", name, (unsigned)flags);
    explain_request_bits(stdout, flags);
    Py_buffer view;
    int result = PyObject_GetBuffer(exporter, &view, flags);
    printf("PyObject_GetBuffer -> %d\n", result);
    if (result < 0) {
        const char *exception = take_exception();
        const char *rule = refusal_rule(exception, flags);
        printf("  %s\n", exception);
        if (rule != NULL) {
            printf("  rule: %s\n", rule);
        }
    }
    else {
        show_view(stdout, &view, exporter, memory);
        PyBuffer_Release(&view);
        printf("PyBuffer_Release: the exporter's reference count is back "
               "to %zd\n", Py_REFCNT(exporter));
    }
    print_in_cpython(stdout, &spec, flags);
    Py_DECREF(exporter);
    return 0;
}

static void
print_field(const Py_ssize_t *values, int ndim, int width)
{
    char text[64] = "NULL";
    if (values != NULL) {
        int used = snprintf(text, sizeof(text), "(");
        for (int i = 0; i < ndim && used < (int)sizeof(text) - 8; i++) {
            used += snprintf(text + used, sizeof(text) - (size_t)used,
                             "%s%zd", i ? "," : "", values[i]);
        }
        snprintf(text + used, sizeof(text) - (size_t)used, ")");
    }
    printf(" %-*s", width, text);
}

/* The rest of the matrix's row for one request: the view's fields, or
   the exception; returns the rule a refusal broke (NULL if none is
   known, or the request was granted). */
static const char *
matrix_row(PyObject *exporter, int flags)
{
    Py_buffer view;
    if (PyObject_GetBuffer(exporter, &view, flags) < 0) {
        const char *exception = take_exception();
        printf(" no  %s\n", exception);
        return refusal_rule(exception, flags);
    }
    printf(" yes %-4d %-4d %-6s", view.ndim, view.readonly,
           view.format ? view.format : "NULL");
    print_field(view.shape, view.ndim, 12);
    print_field(view.strides, view.ndim, 12);
    print_field(view.suboffsets, view.ndim, 0);
    printf("\n");
    PyBuffer_Release(&view);
    return NULL;
}

int
command_matrix(int argc, char **argv)
{
#define REQUEST(name) {name, #name}
    static const struct {
        int flags;
        const char *name;
    } requests[] = {
        REQUEST(PyBUF_SIMPLE), REQUEST(PyBUF_WRITABLE),
        REQUEST(PyBUF_FORMAT), REQUEST(PyBUF_ND), REQUEST(PyBUF_STRIDES),
        REQUEST(PyBUF_C_CONTIGUOUS), REQUEST(PyBUF_F_CONTIGUOUS),
        REQUEST(PyBUF_ANY_CONTIGUOUS), REQUEST(PyBUF_INDIRECT),
        REQUEST(PyBUF_CONTIG), REQUEST(PyBUF_CONTIG_RO),
        REQUEST(PyBUF_STRIDED), REQUEST(PyBUF_STRIDED_RO),
        REQUEST(PyBUF_RECORDS), REQUEST(PyBUF_RECORDS_RO),
        REQUEST(PyBUF_FULL), REQUEST(PyBUF_FULL_RO),
    };
#undef REQUEST
    if (wants_help(argc, argv, matrix_usage)) {
        return 0;
    }
    ExporterSpec spec;
    int next = 0;
    parse_exporter("matrix", argc, argv, &next, &spec, 1);
    if (next < argc) {
        usage_error("matrix", "unexpected argument '%s'", argv[next]);
    }
    const char *memory;
    PyObject *exporter = exporter_or_exit(&spec, &memory);
    describe_exporter(stdout, &spec);
    printf("%-33s %-3s %-4s %-4s %-6s %-12s %-12s %s\n", "request", "ok",
           "ndim", "ro", "format", "shape", "strides", "suboffsets");
    /* The rules the refusals broke, each said once under the table. */
    const char *rules[sizeof(requests) / sizeof(requests[0])];
    size_t nrules = 0;
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        printf("%-33s", requests[i].name);
        const char *rule = matrix_row(exporter, requests[i].flags);
        size_t k = 0;
        while (k < nrules && rules[k] != rule) {
            k++;
        }
        if (rule != NULL && k == nrules) {
            rules[nrules++] = rule;
        }
    }
    if (nrules > 0) {
        printf("why the refusals:\n");
    }
    for (size_t k = 0; k < nrules; k++) {
        printf("  %s\n", rules[k]);
    }
    print_in_cpython(stdout, &spec, -1);
    Py_DECREF(exporter);
    return 0;
}
