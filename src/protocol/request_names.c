/* Names of buffer requests: PyBUF_* flags as a reader writes them, and
 * back (MbRequest_Parse).
 *
 * A request is described by its compound name when it is one (PyBUF_FULL_RO)
 * and otherwise by the basic flags it is made of, joined with '|', the
 * strongest structure first (PyBUF_INDIRECT, the contiguity requests,
 * PyBUF_STRIDES, PyBUF_ND), each standing for the bits it implies.  Bits no
 * PyBUF_* name covers are shown in hexadecimal.
 *
 * Written with CPython's API only (shared.h), for the checker.
 */
#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "requests.h"

typedef struct {
    int flags;          /* every bit the request sets */
    int own;            /* the bit that tells it from weaker requests */
    const char *name;
} RequestName;

/* Compound requests, matched exactly.  PyBUF_CONTIG_RO and
   PyBUF_STRIDED_RO are left out: they are PyBUF_ND and PyBUF_STRIDES. */
static const RequestName compound[] = {
    {PyBUF_FULL, 0, "PyBUF_FULL"},
    {PyBUF_FULL_RO, 0, "PyBUF_FULL_RO"},
    {PyBUF_RECORDS, 0, "PyBUF_RECORDS"},
    {PyBUF_RECORDS_RO, 0, "PyBUF_RECORDS_RO"},
    {PyBUF_STRIDED, 0, "PyBUF_STRIDED"},
    {PyBUF_CONTIG, 0, "PyBUF_CONTIG"},
    {PyBUF_SIMPLE, 0, "PyBUF_SIMPLE"},
};

/* Basic requests, strongest first.  A name is used when its own bit is
   left to describe and every bit it implies is in the request. */
static const RequestName basic[] = {
    {PyBUF_INDIRECT, 0x100, "PyBUF_INDIRECT"},
    {PyBUF_C_CONTIGUOUS, 0x20, "PyBUF_C_CONTIGUOUS"},
    {PyBUF_F_CONTIGUOUS, 0x40, "PyBUF_F_CONTIGUOUS"},
    {PyBUF_ANY_CONTIGUOUS, 0x80, "PyBUF_ANY_CONTIGUOUS"},
    {PyBUF_STRIDES, 0x10, "PyBUF_STRIDES"},
    {PyBUF_ND, PyBUF_ND, "PyBUF_ND"},
    {PyBUF_FORMAT, PyBUF_FORMAT, "PyBUF_FORMAT"},
    {PyBUF_WRITABLE, PyBUF_WRITABLE, "PyBUF_WRITABLE"},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Append text to out (of size bytes, *used already written), truncating
   and keeping the NUL; *used counts what the whole text needs. */
static void
append(char *out, size_t size, size_t *used, const char *text)
{
    size_t n = strlen(text);
    if (*used < size) {
        size_t room = size - *used - 1;
        size_t copied = n < room ? n : room;
        memcpy(out + *used, text, copied);
        out[*used + copied] = '\0';
    }
    *used += n;
}

size_t
MbRequest_Describe(int flags, char *out, size_t size)
{
    size_t used = 0;
    if (size > 0) {
        out[0] = '\0';
    }
    for (size_t i = 0; i < COUNT(compound); i++) {
        if (flags == compound[i].flags) {
            append(out, size, &used, compound[i].name);
            return used;
        }
    }
    int rest = flags;
    for (size_t i = 0; i < COUNT(basic); i++) {
        if ((rest & basic[i].own) != 0
            && (flags & basic[i].flags) == basic[i].flags) {
            append(out, size, &used, used > 0 ? "|" : "");
            append(out, size, &used, basic[i].name);
            rest &= ~basic[i].flags;
        }
    }
    if (rest != 0) {
        char hex[16];
        snprintf(hex, sizeof(hex), "%#x", (unsigned)rest);
        append(out, size, &used, used > 0 ? "|" : "");
        append(out, size, &used, hex);
    }
    return used;
}

/* Every name MbRequest_Parse knows, without its PyBUF_ prefix. */
static const RequestName parsed[] = {
    {PyBUF_SIMPLE, 0, "SIMPLE"}, {PyBUF_WRITABLE, 0, "WRITABLE"},
    {PyBUF_WRITABLE, 0, "WRITEABLE"}, {PyBUF_FORMAT, 0, "FORMAT"},
    {PyBUF_ND, 0, "ND"}, {PyBUF_STRIDES, 0, "STRIDES"},
    {PyBUF_C_CONTIGUOUS, 0, "C_CONTIGUOUS"},
    {PyBUF_F_CONTIGUOUS, 0, "F_CONTIGUOUS"},
    {PyBUF_ANY_CONTIGUOUS, 0, "ANY_CONTIGUOUS"},
    {PyBUF_INDIRECT, 0, "INDIRECT"}, {PyBUF_CONTIG, 0, "CONTIG"},
    {PyBUF_CONTIG_RO, 0, "CONTIG_RO"}, {PyBUF_STRIDED, 0, "STRIDED"},
    {PyBUF_STRIDED_RO, 0, "STRIDED_RO"}, {PyBUF_RECORDS, 0, "RECORDS"},
    {PyBUF_RECORDS_RO, 0, "RECORDS_RO"}, {PyBUF_FULL, 0, "FULL"},
    {PyBUF_FULL_RO, 0, "FULL_RO"},
};

/* The flags of the name of `length` characters at p (any case, PyBUF_
   prefix optional), or -1. */
static int
flags_of_name(const char *p, size_t length)
{
    if (length > 6 && strncasecmp(p, "PyBUF_", 6) == 0) {
        p += 6;
        length -= 6;
    }
    for (size_t i = 0; i < COUNT(parsed); i++) {
        if (strlen(parsed[i].name) == length
            && strncasecmp(parsed[i].name, p, length) == 0) {
            return parsed[i].flags;
        }
    }
    return -1;
}

/* The request text names (MbRequest_Parse without the exception). */
static int
parse(const char *text, int *flags)
{
    if (isdigit((unsigned char)text[0])) {
        char *end;
        errno = 0;
        long value = strtol(text, &end, 0);
        if (errno != 0 || *end != '\0' || value < 0 || value > 0x3ff) {
            return -1;
        }
        *flags = (int)value;
        return 0;
    }
    int result = 0;
    const char *p = text;
    do {
        size_t length = strcspn(p, "|,");
        int flag = flags_of_name(p, length);
        if (flag < 0) {
            return -1;
        }
        result |= flag;
        p += length;
    } while (*p != '\0' && *++p != '\0');
    if (p[-1] == '|' || p[-1] == ',') {
        return -1;
    }
    *flags = result;
    return 0;
}

int
MbRequest_Parse(const char *text, int *flags)
{
    if (text == NULL || flags == NULL) {
        PyErr_BadInternalCall();
        return -1;
    }
    if (parse(text, flags) < 0) {
        PyErr_Format(PyExc_ValueError, "unknown request: '%.200s'", text);
        return -1;
    }
    return 0;
}
