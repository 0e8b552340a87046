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
    "example: minibuf format '<2h 3s i'\n";

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
        return 1;
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
        return 1;
    }
    Py_ssize_t total = PyBuffer_SizeFromFormat(format);
    printf("total %zd bytes (PyBuffer_SizeFromFormat: %zd)\n", parser.size,
           total);
    return 0;
}
