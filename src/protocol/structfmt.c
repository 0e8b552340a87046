/* Struct-module format strings: the parser behind PyBuffer_SizeFromFormat.
 *
 * It reads a format as CPython's struct.calcsize does, with CPython's
 * errors, without allocating and in one pass:
 * - the format arrives as C bytes and becomes a str first, so invalid UTF-8
 *   raises UnicodeDecodeError; struct then wants ASCII, so any other
 *   character raises UnicodeEncodeError (both with CPython's messages);
 * - a byte-order character is recognised only in the first position;
 * - whitespace between codes is skipped, but not between a count and its
 *   code;
 * - in native mode ('@' or none) each code is aligned to its C type's
 *   alignment, with no padding at the end of the struct;
 * - 's' and 'p' take their count as a byte length, 'x' is padding.
 */
#include <stdalign.h>
#include <stdbool.h>

#include "protocol.h"

/* --- The tables of sizes ------------------------------------------------- */

/* For each format character: its size and alignment in native mode, its
   standard size (0: not a standard code), 0 everywhere for an unknown
   character.  Native sizes and alignments are those of the C types, so on
   LP64 'l' is 8 bytes where the standard size is 4. */
typedef struct {
    unsigned char native_size;
    unsigned char native_alignment;
    unsigned char standard_size;
} CodeInfo;

#define NATIVE(c, type) [c] = {sizeof(type), alignof(type), 0}
#define BOTH(c, type, standard) \
    [c] = {sizeof(type), alignof(type), standard}

static const CodeInfo codes[128] = {
    ['x'] = {1, 1, 1},
    BOTH('c', char, 1),
    BOTH('b', signed char, 1),
    BOTH('B', unsigned char, 1),
    BOTH('?', bool, 1),
    BOTH('h', short, 2),
    BOTH('H', unsigned short, 2),
    BOTH('i', int, 4),
    BOTH('I', unsigned int, 4),
    BOTH('l', long, 4),
    BOTH('L', unsigned long, 4),
    BOTH('q', long long, 8),
    BOTH('Q', unsigned long long, 8),
    NATIVE('n', Py_ssize_t),
    NATIVE('N', size_t),
    ['e'] = {2, alignof(short), 2},
    BOTH('f', float, 4),
    BOTH('d', double, 8),
    ['s'] = {1, 1, 1},
    ['p'] = {1, 1, 1},
    NATIVE('P', void *),
};

#undef NATIVE
#undef BOTH

/* --- Checking the text --------------------------------------------------- */

/* CPython's UnicodeEncodeError for the run of non-ASCII characters
   [start, end) (in code points), the first of which is `first`; -1. */
static int
encode_error(Py_ssize_t start, Py_ssize_t end, long first)
{
    if (end - start > 1) {
        PyErr_Format(PyExc_UnicodeEncodeError,
                     "'ascii' codec can't encode characters in position "
                     "%zd-%zd: ordinal not in range(128)", start, end - 1);
        return -1;
    }
    char shown[16];
    if (first < 0x100) {
        snprintf(shown, sizeof(shown), "\\x%02x", (unsigned)first);
    }
    else if (first < 0x10000) {
        snprintf(shown, sizeof(shown), "\\u%04x", (unsigned)first);
    }
    else {
        snprintf(shown, sizeof(shown), "\\U%08x", (unsigned)first);
    }
    PyErr_Format(PyExc_UnicodeEncodeError,
                 "'ascii' codec can't encode character '%s' in position %zd: "
                 "ordinal not in range(128)", shown, start);
    return -1;
}

/* Raises what CPython raises when format, as bytes, is not valid UTF-8 or
   not ASCII; 0 if it is ASCII. */
static int
check_ascii(const char *format)
{
    const unsigned char *s = (const unsigned char *)format;
    unsigned char any = 0;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        any |= s[n];
    }
    if (any < 0x80) {
        return 0;
    }
    size_t i = 0;
    Py_ssize_t character = 0;          /* index in code points */
    Py_ssize_t bad_start = -1, bad_end = -1;
    long first_bad = 0;
    while (i < n) {
        const char *reason = NULL;
        size_t error_length = 0;
        size_t length = mb_utf8_sequence(s + i, n - i, &reason,
                                         &error_length);
        if (length == 0) {
            return mb_utf8_decode_error(s, i, error_length, reason);
        }
        if (length > 1) {
            /* The first run of non-ASCII characters is the one reported. */
            if (bad_start < 0) {
                bad_start = character;
                first_bad = mb_utf8_code_point(s + i, length);
            }
            if (bad_end < 0 || bad_end == character) {
                bad_end = character + 1;
            }
        }
        i += length;
        character++;
    }
    if (bad_start < 0) {
        return 0;
    }
    return encode_error(bad_start, bad_end, first_bad);
}

/* --- Walking the codes --------------------------------------------------- */

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
           || c == '\f';
}

static int
struct_error(const char *message)
{
    PyErr_SetString(MbExc_StructError, message);
    return -1;
}

/* The next code of the format after *next: its character, repeat count,
   size of one unit and alignment, with *next moved past it.  1, 0 at the
   end, -1 with struct.error. */
static inline int
scan_code(const char **next, int native, char *code, Py_ssize_t *count,
          Py_ssize_t *unit, Py_ssize_t *alignment)
{
    const char *s = *next;
    while (is_space(*s)) {
        s++;
    }
    if (*s == '\0') {
        *next = s;
        return 0;
    }
    Py_ssize_t n = 1;
    if (*s >= '0' && *s <= '9') {
        n = 0;
        for (; *s >= '0' && *s <= '9'; s++) {
            int digit = *s - '0';
            if (n > (PY_SSIZE_T_MAX - digit) / 10) {
                return struct_error("total struct size too long");
            }
            n = n * 10 + digit;
        }
        if (*s == '\0') {
            return struct_error("repeat count given without format "
                                "specifier");
        }
    }
    unsigned char c = (unsigned char)*s;
    const CodeInfo *info = c < 128 ? &codes[c] : &codes[0];
    Py_ssize_t size = native ? info->native_size : info->standard_size;
    if (size == 0) {
        return struct_error("bad char in struct format");
    }
    *code = (char)c;
    *count = n;
    *unit = size;
    *alignment = native ? info->native_alignment : 1;
    *next = s + 1;
    return 1;
}

/* Round *size up to alignment and add count units of unit bytes; -1 with
   struct.error if the total overflows. */
static inline int
add_code(Py_ssize_t *size, Py_ssize_t count, Py_ssize_t unit,
         Py_ssize_t alignment, Py_ssize_t *padding)
{
    Py_ssize_t offset, bytes;
    /* Alignments are powers of two: no division on this path. */
    *padding = (Py_ssize_t)((0 - (size_t)*size) & (size_t)(alignment - 1));
    if (__builtin_add_overflow(*size, *padding, &offset)
        || __builtin_mul_overflow(count, unit, &bytes)
        || __builtin_add_overflow(offset, bytes, size)) {
        return struct_error("total struct size too long");
    }
    return 0;
}

int
MbFormat_Start(MbFormatParser *parser, const char *format)
{
    if (parser == NULL || format == NULL) {
        mb_err_null_argument();
        return -1;
    }
    if (check_ascii(format) < 0) {
        return -1;
    }
    parser->byteorder = '@';
    if (strchr("@=<>!", format[0]) != NULL && format[0] != '\0') {
        parser->byteorder = format[0];
        format++;
    }
    parser->next = format;
    parser->size = 0;
    return 0;
}

int
MbFormat_Next(MbFormatParser *parser, MbFormatCode *code)
{
    /* Set by scan_code when it returns 1; initialised for compilers that
       cannot see it (gcc -O1). */
    char c = 0;
    Py_ssize_t count = 0, unit = 0, alignment = 1, padding = 0;
    int r = scan_code(&parser->next, parser->byteorder == '@', &c, &count,
                      &unit, &alignment);
    if (r <= 0) {
        return r;
    }
    Py_ssize_t before = parser->size;
    if (add_code(&parser->size, count, unit, alignment, &padding) < 0) {
        return -1;
    }
    int string = c == 's' || c == 'p';
    code->code = c;
    code->count = count;
    code->itemsize = string ? count : unit;
    code->nitems = c == 'x' ? 0 : string ? 1 : count;
    code->alignment = alignment;
    code->padding = padding;
    code->offset = before + padding;
    code->size = count * unit;
    return 1;
}

Py_ssize_t
PyBuffer_SizeFromFormat(const char *format)
{
    MbFormatParser parser;
    char c = 0;
    Py_ssize_t count = 0, unit = 0, alignment = 1, padding = 0;
    int r;
    if (MbFormat_Start(&parser, format) < 0) {
        return -1;
    }
    int native = parser.byteorder == '@';
    while ((r = scan_code(&parser.next, native, &c, &count, &unit,
                          &alignment)) > 0) {
        if (add_code(&parser.size, count, unit, alignment, &padding) < 0) {
            return -1;
        }
    }
    return r < 0 ? -1 : parser.size;
}
