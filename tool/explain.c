/* What the tool adds to an exporter's answer so that a learner can read
 * it: the rule a refused request broke (the protocol's, or one exporter's
 * own policy), what the bits of a request given as a number ask for, and
 * the same request made in real CPython with _testbuffer, CPython's test
 * exporter, to check the answer there.
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* The request's PyBUF_ names joined with '|' (ready for Python, where
   _testbuffer defines them), or its number when no name describes it. */
static void
request_text(int flags, char *out, size_t size)
{
    char name[256];
    MbRequest_Describe(flags, name, sizeof(name));
    if (strstr(name, "0x") != NULL) {
        snprintf(out, size, "%#x", (unsigned)flags);
    }
    else {
        snprintf(out, size, "%s", name);
    }
}

void
explain_request_bits(FILE *out, int flags)
{
    /* Each flag whose mask includes others, with its own bit. */
    static const struct {
        int own;
        const char *name;
        int mask;
        const char *includes;
    } partial[] = {
        {0x10, "PyBUF_STRIDES", PyBUF_STRIDES, "PyBUF_ND"},
        {0x20, "PyBUF_C_CONTIGUOUS", PyBUF_C_CONTIGUOUS, "PyBUF_STRIDES"},
        {0x40, "PyBUF_F_CONTIGUOUS", PyBUF_F_CONTIGUOUS, "PyBUF_STRIDES"},
        {0x80, "PyBUF_ANY_CONTIGUOUS", PyBUF_ANY_CONTIGUOUS,
         "PyBUF_STRIDES"},
        {0x100, "PyBUF_INDIRECT", PyBUF_INDIRECT, "PyBUF_STRIDES"},
    };
    for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
        if ((flags & partial[i].own) == 0
            || (flags & partial[i].mask) == partial[i].mask) {
            continue;
        }
        fprintf(out, "  note: %#x is %s's own bit without %s: %s is %#x, "
                "and exporters test whole masks ((flags & %s) == %s), so "
                "on its own the bit asks for nothing%s\n",
                (unsigned)partial[i].own, partial[i].name,
                partial[i].includes, partial[i].name,
                (unsigned)partial[i].mask, partial[i].name, partial[i].name,
                partial[i].own == PyBUF_READ
                    ? " (0x100 is also PyBUF_READ, a flag of "
                      "PyMemoryView_FromMemory, not of requests)" : "");
    }
    if (flags & PyBUF_WRITE) {
        fprintf(out, "  note: 0x200 is PyBUF_WRITE, a flag of "
                "PyMemoryView_FromMemory, not of requests: exporters "
                "ignore it\n");
    }
    if (flags & ~0x3ff) {
        fprintf(out, "  note: %#x are bits no flag of the protocol uses: "
                "exporters ignore them\n", (unsigned)(flags & ~0x3ff));
    }
}

const char *
refusal_rule(const char *exception, int flags)
{
    if (strstr(exception, "not writable") != NULL) {
        return "the protocol: PyBUF_WRITABLE asks for memory the consumer "
               "may write, and this exporter's is read-only";
    }
    if (strstr(exception, "cannot cast to unsigned bytes") != NULL) {
        return "_testbuffer's own policy, not the protocol: a request for "
               "the format without PyBUF_ND (no shape); the protocol lets "
               "an exporter grant it as one dimension, as bytes and "
               "bytearray do";
    }
    if (strstr(exception, "without suboffsets") != NULL
        || strstr(exception, "requires suboffsets") != NULL) {
        return "the protocol: without PyBUF_INDIRECT the consumer cannot "
               "follow suboffsets, and this memory needs them";
    }
    if (strstr(exception, "not C-contiguous") != NULL) {
        if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS) {
            return "the protocol: PyBUF_C_CONTIGUOUS asks for the items in "
                   "C order, last index fastest, with no gaps, and these "
                   "strides are not";
        }
        return "the protocol: a request without PyBUF_STRIDES gets no "
               "strides, and no strides means C order, so the memory must "
               "be C-contiguous, and it is not";
    }
    if (strstr(exception, "not Fortran contiguous") != NULL) {
        return "the protocol: PyBUF_F_CONTIGUOUS asks for the items in "
               "Fortran order, first index fastest, with no gaps, and these "
               "strides are not";
    }
    if (strstr(exception, "not contiguous") != NULL) {
        return "the protocol: PyBUF_ANY_CONTIGUOUS asks for C or Fortran "
               "order with no gaps, and these strides are neither";
    }
    return NULL;
}

const char *
construction_note(const char *exception)
{
    if (strstr(exception, "must be a multiple of itemsize") != NULL) {
        return "_testbuffer's ndarray checking its own arguments, not the "
               "protocol: a Py_buffer's strides and offset may be any "
               "number of bytes (a column of a struct array steps by the "
               "struct's size, not its field's)";
    }
    return NULL;
}

/* One item of the format as a Python value struct packs: 0 for a single
   number, else what struct unpacks from zero bytes. */
static void
item_expression(const char *format, char *out, size_t size)
{
    const char *code = format[0] == '@' ? format + 1 : format;
    if (strlen(code) == 1 && strchr("bBhHiIlLqQnNfde?", code[0]) != NULL) {
        snprintf(out, size, "0");
    }
    else if (strlen(code) == 1 && code[0] == 'c') {
        snprintf(out, size, "b'\\0'");
    }
    else if (strspn(code, "0123456789") > 0
             && strcmp(code + strspn(code, "0123456789"), "s") == 0) {
        snprintf(out, size, "bytes(%d)", atoi(code));
    }
    else {
        snprintf(out, size, "(lambda v: v[0] if len(v) == 1 else v)("
                 "struct.unpack('%s', bytes(struct.calcsize('%s'))))",
                 format, format);
    }
}

/* A bytes or bytearray spec as CPython makes it, into out; 0 if it does
   not fit. */
static int
bytes_in_python(const ExporterSpec *spec, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "%sb'",
                                   spec->kind == EXPORTER_BYTES
                                       ? "" : "bytearray(");
    for (const char *c = spec->data; *c != '\0' && used + 8 < size; c++) {
        unsigned char byte = (unsigned char)*c;
        used += (size_t)snprintf(out + used, size - used,
                                 byte >= 0x20 && byte < 0x7f
                                 && byte != '\'' && byte != '\\'
                                     ? "%c" : "\\x%02x", byte);
    }
    snprintf(out + used, size - used, "'%s",
             spec->kind == EXPORTER_BYTES ? "" : ")");
    return used + 8 < size;
}

/* The exporter as CPython makes it with _testbuffer, into out; 0 when
   _testbuffer has none like it.  *needs_struct: whether the expression
   uses the struct module. */
static int
exporter_in_python(const ExporterSpec *spec, char *out, size_t size,
                   int *needs_struct)
{
    *needs_struct = 0;
    if (spec->kind != EXPORTER_NDARRAY) {
        return bytes_in_python(spec, out, size);
    }
    Py_ssize_t itemsize = PyBuffer_SizeFromFormat(spec->format);
    Py_ssize_t memory = itemsize > 0 ? ndarray_memory(spec, itemsize) : -1;
    if (spec->flags & MB_ND_LEGACY || memory < 0) {
        (void)take_exception();
        return 0;
    }
    char item[300], items[400];
    item_expression(spec->format, item, sizeof(item));
    if (spec->ndim == 0) {
        /* _testbuffer makes a 0-d array of one scalar, without offset. */
        if (spec->offset != 0 || memory > itemsize) {
            return 0;
        }
        snprintf(items, sizeof(items), "%s", item);
    }
    else {
        snprintf(items, sizeof(items), "[%s] * %zd", item,
                 (memory + itemsize - 1) / itemsize);
    }
    *needs_struct = strstr(item, "struct.") != NULL;
    size_t used = (size_t)snprintf(out, size, "ndarray(%s, shape=[", items);
#define APPEND(...)                                                     \
    (used += used < size ? (size_t)snprintf(out + used, size - used,   \
                                            __VA_ARGS__) : 0)
    for (int i = 0; i < spec->ndim; i++) {
        APPEND("%s%zd", i ? ", " : "", spec->shape[i]);
    }
    APPEND("]");
    if (spec->nstrides > 0) {
        APPEND(", strides=[");
        for (int i = 0; i < spec->nstrides; i++) {
            APPEND("%s%zd", i ? ", " : "", spec->strides[i]);
        }
        APPEND("]");
    }
    if (spec->offset != 0) {
        APPEND(", offset=%zd", spec->offset);
    }
    APPEND(", format='%s'", spec->format);
    static const struct {
        int flag;
        const char *name;
    } nd_flags[] = {{MB_ND_WRITABLE, "ND_WRITABLE"},
                    {MB_ND_FORTRAN, "ND_FORTRAN"},
                    {MB_ND_PIL, "ND_PIL"}};
    int any = 0;
    for (size_t i = 0; i < sizeof(nd_flags) / sizeof(nd_flags[0]); i++) {
        if (spec->flags & nd_flags[i].flag) {
            APPEND("%s%s", any ? "|" : ", flags=", nd_flags[i].name);
            any = 1;
        }
    }
    APPEND(")");
#undef APPEND
    return used < size;
}

void
print_in_cpython(FILE *out, const ExporterSpec *spec, int flags)
{
    char exporter[1024], request[300];
    int needs_struct;
    if (!exporter_in_python(spec, exporter, sizeof(exporter),
                            &needs_struct)) {
        fprintf(out, "in CPython: _testbuffer has no exporter like this "
                "one\n");
        return;
    }
    if (flags < 0) {
        snprintf(request, sizeof(request), "REQUEST");
    }
    else {
        request_text(flags, request, sizeof(request));
    }
    fprintf(out, "in CPython (from _testbuffer import *%s): "
            "ndarray(%s, getbuf=%s)\n",
            needs_struct ? "; import struct" : "", exporter, request);
}

void
print_in_cpython_memoryview(FILE *out, const ExporterSpec *spec)
{
    char exporter[1024];
    int needs_struct;
    if (!exporter_in_python(spec, exporter, sizeof(exporter),
                            &needs_struct)) {
        fprintf(out, "(_testbuffer has no exporter like this one)");
        return;
    }
    fprintf(out, "from _testbuffer import *%s; m = memoryview(%s)",
            needs_struct ? "; import struct" : "", exporter);
}
