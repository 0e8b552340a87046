/* Output shared by the commands: views, exceptions, usage errors. */
#include <stdarg.h>

#include "tool.h"

void
print_tuple(FILE *out, const Py_ssize_t *values, int n)
{
    fputc('(', out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s%zd", i ? ", " : "", values[i]);
    }
    fputs(n == 1 ? ",)" : ")", out);
}

static void
print_array(FILE *out, const char *name, const Py_ssize_t *values, int ndim)
{
    fprintf(out, "  %-10s = ", name);
    if (values == NULL) {
        fputs("NULL\n", out);
        return;
    }
    print_tuple(out, values, ndim);
    fputc('\n', out);
}

void
show_view(FILE *out, const Py_buffer *view, PyObject *exporter,
          const char *memory)
{
    fprintf(out, "  %-10s = memory + %td\n", "buf",
            (const char *)view->buf - memory);
    if (view->obj == exporter) {
        fprintf(out, "  %-10s = the exporter (its reference count is now "
                "%zd)\n", "obj", Py_REFCNT(exporter));
    }
    else {
        fprintf(out, "  %-10s = %s\n", "obj", view->obj ? "another object"
                                                        : "NULL");
    }
    fprintf(out, "  %-10s = %zd\n", "len", view->len);
    fprintf(out, "  %-10s = %zd\n", "itemsize", view->itemsize);
    fprintf(out, "  %-10s = %d\n", "readonly", view->readonly);
    fprintf(out, "  %-10s = %d\n", "ndim", view->ndim);
    if (view->format != NULL) {
        fprintf(out, "  %-10s = \"%s\"\n", "format", view->format);
    }
    else if (view->itemsize != 1) {
        fprintf(out, "  %-10s = NULL (not asked for; itemsize still gives "
                "the item's real size)\n", "format");
    }
    else {
        fprintf(out, "  %-10s = NULL (unsigned bytes, \"B\")\n", "format");
    }
    print_array(out, "shape", view->shape, view->ndim);
    print_array(out, "strides", view->strides, view->ndim);
    print_array(out, "suboffsets", view->suboffsets, view->ndim);
    fprintf(out, "  %-10s = %s\n", "internal",
            view->internal ? "set (the exporter's own)" : "NULL");
    fprintf(out, "  contiguous: C %s, Fortran %s\n",
            PyBuffer_IsContiguous(view, 'C') ? "yes" : "no",
            PyBuffer_IsContiguous(view, 'F') ? "yes" : "no");
}

void
finish(int status)
{
    fflush(stdout);
    Py_Finalize();
    exit(status);
}

void
fail(const char *format, ...)
{
    va_list args;
    fflush(stdout);
    va_start(args, format);
    fprintf(stderr, "minibuf: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    finish(EXIT_FAILED);
}

const char *
take_exception(void)
{
    static char text[300];
    if (!PyErr_Occurred()) {
        return "no exception set";
    }
    if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
        PyErr_Clear();
        fail("out of memory (MemoryError)");
    }
    snprintf(text, sizeof(text), "%s: %s", MbErr_TypeName(),
             MbErr_Message());
    PyErr_Clear();
    return text;
}

PyObject *
need(PyObject *obj)
{
    if (obj == NULL) {
        fail("%s", take_exception());
    }
    return obj;
}

void
usage_error(const char *command, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "minibuf%s%s: ", command ? " " : "",
            command ? command : "");
    vfprintf(stderr, format, args);
    fprintf(stderr, " (try 'minibuf %s%s--help')\n", command ? command : "",
            command ? " " : "");
    va_end(args);
    finish(EXIT_USAGE);
}

int
wants_help(int argc, char **argv, const char *usage)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
    }
    return 0;
}
