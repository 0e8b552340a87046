/* Names of buffer requests: PyBUF_* flags as a reader writes them.
 *
 * A request is described by its compound name when it is one (PyBUF_FULL_RO)
 * and otherwise by the basic flags it is made of, joined with '|', the
 * strongest structure first (PyBUF_INDIRECT, the contiguity requests,
 * PyBUF_STRIDES, PyBUF_ND), each standing for the bits it implies.  Bits no
 * PyBUF_* name covers are shown in hexadecimal.
 *
 * Written with CPython's API only (shared.h), for the checker.
 */
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
