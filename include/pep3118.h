/* PEP 3118's format language: the whole of it, as exporters may put it in
 * Py_buffer.format, beyond the struct module's subset that
 * PyBuffer_SizeFromFormat reads (minibuf.h's MbFormat_ walks that subset).
 *
 * A format is a sequence of items.  Each item is: an optional byte-order
 * character, which holds from there to the end of the enclosing structure
 * ('@' native order, sizes and alignment, the default; '^' native order
 * and sizes, no alignment; '=' native order, '<' little-endian, '>' and
 * '!' big-endian, all three with standard sizes and no alignment); an
 * optional repeat count or sub-array shape "(2,3)"; a code; an optional
 * name ":name:".  The codes: the struct module's '?' 'c' 'b' 'B' 'h' 'H'
 * 'i' 'I' 'l' 'L' 'q' 'Q' 'n' 'N' 'e' 'f' 'd' 's' 'p' 'P' 'x', and PEP
 * 3118's 'g' (long double), 'Z' followed by 'f', 'd' or 'g' (complex),
 * 'O' (object pointer), 'u' (UCS-2), 'w' (UCS-4), 't' (bits), '&'
 * followed by an item (a pointer to it), 'T{...}' (a structure of the
 * items inside) and 'X{...}' (a function pointer, its signature ignored).
 * Whitespace between items is ignored.
 *
 * Sizes: native sizes are the C compiler's; standard sizes are struct's
 * (l and L 4 bytes), and the codes struct does not have ('g' 'O' 'u' 'w'
 * 'n' 'N' 'P' '&' 'X') keep their native size in every mode.  's' and
 * 'p' are count bytes, 't' is count bits rounded up to bytes, 'x' is
 * count pad bytes.  Alignment (under '@' only): each item starts at a
 * multiple of its natural alignment, as struct places it; a structure is
 * aligned to its most aligned member and padded at its end to a multiple
 * of that, as a C compiler lays it out; the format itself, like struct,
 * is not padded at its end.
 *
 * The parser needs nothing but Py_ssize_t: it touches no object and no
 * exception, so the conformance checker compiled against CPython uses it
 * too.  Included by minibuf.h.
 */
#ifndef MB_PEP3118_H
#define MB_PEP3118_H

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The sub-array dimensions one item may have: "(2,3,4)i". */
#define MB_PEP3118_MAX_DIMS 8

/* One item of a format.  A structure ('T') comes first, then its members,
   one level deeper; the member list ends where the depth falls back. */
typedef struct {
    int depth;             /* 0 for the format's own items, +1 per 'T{' */
    char code;             /* the code: 'i', 's', 'x', 'T', 'Z', '&', ... */
    char target;           /* 'Z': the float code ('f', 'd', 'g'); '&': the
                              code pointed to; else 0 */
    char byteorder;        /* '@', '^', '=', '<', '>' or '!' in force */
    Py_ssize_t count;      /* repeat count (1 when none was written); the
                              length of 's' and 'p', the bits of 't' */
    int ndim;              /* sub-array dimensions, 0 for none */
    Py_ssize_t shape[MB_PEP3118_MAX_DIMS];
    Py_ssize_t offset;     /* bytes from the start of the item the whole
                              format describes */
    Py_ssize_t size;       /* bytes it occupies, count and shape included */
    Py_ssize_t alignment;  /* what its offset was rounded up to (1: none) */
    const char *name;      /* its ":name:" inside the format string (not
                              NUL-terminated), or NULL */
    int name_length;
} MbPep3118Field;

typedef struct {
    Py_ssize_t itemsize;   /* bytes the format describes */
    Py_ssize_t nfields;    /* items found, structures and members
                              included, even past the array's capacity */
    Py_ssize_t error_at;   /* the byte where the format went wrong, or -1 */
    char error[160];       /* why it is not PEP 3118, or "" */
} MbPep3118Info;

/* Parse format.  0 if it is a PEP 3118 format, with info->itemsize its
   size and its first `capacity` items in fields (fields may be NULL when
   capacity is 0); -1 if not, with the reason in info->error and its place
   in info->error_at.  Sets no exception.  Assumption: format and info are
   not NULL. */
PyAPI_FUNC(int) MbPep3118_Parse(const char *format, MbPep3118Field *fields,
                                Py_ssize_t capacity, MbPep3118Info *info);

#ifdef __cplusplus
}
#endif

#endif /* !MB_PEP3118_H */
