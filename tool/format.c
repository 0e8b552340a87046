/* minibuf format: a struct format explained code by code. */
#include "tool.h"

static const char usage[] =
    "usage: minibuf format FORMAT\n"
    "\n"
    "Explain a struct-module format string as PyBuffer_SizeFromFormat reads\n"
    "it: each code's repeat count, offset, size, alignment and the padding\n"
    "inserted before it, and the total.  The first character may choose the\n"
    "byte order, sizes and alignment: @ native (the default), = native\n"
    "order with standard sizes, < little-endian, > and ! big-endian (all\n"
    "three standard).\n"
    "\n"
    "A format beyond struct's, in the rest of PEP 3118's language\n"
    "(structures T{...} with :names:, sub-arrays (2,3), Zd, g, O, w, &,\n"
    "...; MbPep3118_Parse, minibuf(3)), is shown as a tree of its items\n"
    "with their offsets and sizes.  Exit status: 0 for a format of either\n"
    "language, 1 for one of neither.\n"
    "\n"
    "examples: minibuf format '<2h 3s i'\n"
    "          minibuf format 'T{i:a:=d:b:}'\n";

static const char *
byte_order(char c)
{
    switch (c) {
    case '=':
        return "'=': native byte order, standard sizes, no alignment";
    case '<':
        return "'<': little-endian, standard sizes, no alignment";
    case '>':
        return "'>': big-endian, standard sizes, no alignment";
    case '!':
        return "'!': network order (big-endian), standard sizes, no "
               "alignment";
    default:
        return "'@': native byte order, sizes and alignment";
    }
}

/* One item of a PEP 3118 format, indented by its depth. */
static void
show_item(const MbPep3118Field *f)
{
    printf("%6zd %6zd  %*s", f->offset, f->size, 2 * f->depth, "");
    if (f->name != NULL) {
        printf("%.*s: ", f->name_length, f->name);
    }
    if (f->ndim > 0) {
        print_tuple(stdout, f->shape, f->ndim);
        printf(" x ");
    }
    else if (f->count != 1 || strchr("spt", f->code) != NULL) {
        printf("%zd %s", f->count, f->code == 't' ? "bits " : "x ");
    }
    if (f->code == 'T') {
        printf("structure");
    }
    else if (f->target != 0) {
        printf("'%c%c'", f->code, f->target);
    }
    else {
        printf("'%c'", f->code);
    }
    if (f->byteorder != '@') {
        printf(" (%c)", f->byteorder);
    }
    printf("\n");
}

/* A format beyond struct's, read as PEP 3118's: 0, or 1 if it is not one
   either. */
static int
show_pep3118(const char *format)
{
    MbPep3118Info info;
    if (MbPep3118_Parse(format, NULL, 0, &info) < 0) {
        printf("not a PEP 3118 format either: %s\n", info.error);
        return 1;
    }
    MbPep3118Field *fields = PyMem_New(MbPep3118Field, info.nfields);
    if (fields == NULL && info.nfields > 0) {
        PyErr_NoMemory();
        (void)take_exception();     /* MemoryError: ends the tool */
    }
    (void)MbPep3118_Parse(format, fields, info.nfields, &info);
    printf("PEP 3118 reads it as %zd byte%s:\n", info.itemsize,
           info.itemsize == 1 ? "" : "s");
    printf("%6s %6s  %s\n", "offset", "size", "item");
    for (Py_ssize_t i = 0; i < info.nfields; i++) {
        show_item(&fields[i]);
    }
    PyMem_Free(fields);
    return 0;
}

int
command_format(int argc, char **argv)
{
    if (wants_help(argc, argv, usage)) {
        return 0;
    }
    if (argc != 1) {
        usage_error("format", argc ? "one format, please" : "which format?");
    }
    const char *format = argv[0];
    MbFormatParser parser;
    MbFormatCode code;
    printf("format \"%s\"\n", format);
    if (MbFormat_Start(&parser, format) < 0) {
        printf("  %s\n", take_exception());
        return show_pep3118(format);
    }
    printf("byte order %s\n", byte_order(parser.byteorder));
    int r, first = 1;
    while ((r = MbFormat_Next(&parser, &code)) == 1) {
        if (first) {
            printf("%-5s %7s %7s %8s %6s %10s %8s\n", "code", "count",
                   "items", "offset", "size", "alignment", "padding");
            first = 0;
        }
        printf("%-5c %7zd %7zd %8zd %6zd %10zd %8zd\n", code.code,
               code.count, code.nitems, code.offset, code.size,
               code.alignment, code.padding);
    }
    if (r < 0) {
        printf("  %s\n", take_exception());
        return show_pep3118(format);
    }
    Py_ssize_t total = PyBuffer_SizeFromFormat(format);
    printf("total %zd bytes (PyBuffer_SizeFromFormat: %zd)\n", parser.size,
           total);
    return 0;
}
