/* The message formatter behind PyErr_Format.
 *
 * It accepts the conversions of CPython 3.11's PyUnicode_FromFormat that
 * apply to C values: %% %c %d %i %u %x %s %p, the length modifiers l, ll and
 * z on %d, %i and %u, the '0' flag, a width and a precision.  As in CPython
 * 3.11:
 * - numbers are padded by putting zeros or spaces in front of the digits
 *   and their sign ("%05d" of -42 is "00-42"); the width of %c, %p and %%
 *   is ignored; the '-' flag and %lx are unknown;
 * - the precision of %s counts bytes, the width characters: the argument
 *   is cut to `precision` bytes, then decoded as UTF-8 with invalid bytes
 *   (an invalid sequence, or one the cut broke) replaced by U+FFFD, then
 *   padded to `width` characters; "%.s" has no precision;
 * - %c takes a code point and writes it in UTF-8;
 * - %p always starts with "0x";
 * - an unknown conversion stops the formatting: the rest of the format is
 *   copied as it is, because the remaining arguments cannot be known.
 * A NULL %s argument, which crashes CPython, is written as "(null)".
 */
#include <stdarg.h>

#include "runtime.h"

/* A growing, PyMem-allocated string. */
typedef struct {
    char *data;
    size_t length;
    size_t capacity;
    int failed;
} Writer;

static void
writer_append(Writer *w, const char *text, size_t n)
{
    if (w->failed) {
        return;
    }
    if (w->length + n + 1 > w->capacity) {
        size_t capacity = w->capacity ? w->capacity : 64;
        while (capacity < w->length + n + 1) {
            capacity *= 2;
        }
        char *data = PyMem_Realloc(w->data, capacity);
        if (data == NULL) {
            w->failed = 1;
            return;
        }
        w->data = data;
        w->capacity = capacity;
    }
    memcpy(w->data + w->length, text, n);
    w->length += n;
    w->data[w->length] = '\0';
}

static void
writer_pad(Writer *w, long count)
{
    for (; count > 0; count--) {
        writer_append(w, " ", 1);
    }
}

/* Writes code point c in UTF-8 into out; returns the length, 0 if c is out
   of range. */
static size_t
utf8_encode(long c, char out[4])
{
    if (c < 0 || c > 0x10FFFF) {
        return 0;
    }
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* The flag, width and precision of one conversion. */
typedef struct {
    int zero;          /* '0': pad numbers with zeros */
    long width;
    long precision;    /* -1 when absent */
} Spec;

/* Writes an integer given as sign and magnitude, in base 10 or 16, padded
   as CPython 3.11 pads it: the precision and then the width are reached by
   adding zeros (or spaces for the width without the '0' flag) in front of
   the digits and their sign, so "%05d" of -42 is "00-42". */
static void
write_integer(Writer *w, const Spec *spec, int negative,
              unsigned long long magnitude, unsigned base)
{
    char text[32];
    int n = (int)sizeof(text);
    do {
        text[--n] = "0123456789abcdef"[magnitude % base];
        magnitude /= base;
    } while (magnitude != 0);
    if (negative) {
        text[--n] = '-';
    }
    long length = (long)sizeof(text) - n;
    long zeros = spec->precision > length ? spec->precision - length : 0;
    long pad = spec->width > length + zeros ? spec->width - length - zeros
                                            : 0;
    if (spec->zero) {
        zeros += pad;
        pad = 0;
    }
    writer_pad(w, pad);
    for (; zeros > 0; zeros--) {
        writer_append(w, "0", 1);
    }
    writer_append(w, text + n, (size_t)length);
}

/* Reads the integer argument of a %d, %i, %u or %x conversion with length
   modifier length_mod ('l', 'q' for ll, 'z', or 0) and writes it. */
static void
write_integer_arg(Writer *w, const Spec *spec, char length_mod,
                  char conversion, va_list *args)
{
    long long value = 0;
    unsigned long long uvalue = 0;
    int is_signed = conversion == 'd' || conversion == 'i';
    switch (length_mod) {
    case 'q':
        if (is_signed) {
            value = va_arg(*args, long long);
        }
        else {
            uvalue = va_arg(*args, unsigned long long);
        }
        break;
    case 'l':
        if (is_signed) {
            value = va_arg(*args, long);
        }
        else {
            uvalue = va_arg(*args, unsigned long);
        }
        break;
    case 'z':
        if (is_signed) {
            value = va_arg(*args, Py_ssize_t);
        }
        else {
            uvalue = va_arg(*args, size_t);
        }
        break;
    default:
        if (is_signed) {
            value = va_arg(*args, int);
        }
        else {
            uvalue = va_arg(*args, unsigned int);
        }
        break;
    }
    int negative = 0;
    if (is_signed) {
        negative = value < 0;
        /* The magnitude of LLONG_MIN does not fit in long long. */
        uvalue = negative ? 0ULL - (unsigned long long)value
                          : (unsigned long long)value;
    }
    write_integer(w, spec, negative, uvalue, conversion == 'x' ? 16 : 10);
}

/* The first n bytes of s decoded as UTF-8 with the "replace" error
   handler: each valid sequence as it is, each invalid one as U+FFFD.
   Writes them to w unless w is NULL; returns the number of characters. */
static long
write_decoded(Writer *w, const unsigned char *s, size_t n)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    long characters = 0;
    for (size_t i = 0; i < n; characters++) {
        const char *reason;
        size_t error_length = 0;
        size_t length = mb_utf8_sequence(s + i, n - i, &reason,
                                         &error_length);
        if (w != NULL) {
            if (length > 0) {
                writer_append(w, (const char *)s + i, length);
            }
            else {
                writer_append(w, replacement, 3);
            }
        }
        i += length > 0 ? length : error_length;
    }
    return characters;
}

static void
write_string(Writer *w, const Spec *spec, const char *s)
{
    if (s == NULL) {
        s = "(null)";
    }
    size_t bytes = spec->precision >= 0
                   ? strnlen(s, (size_t)spec->precision) : strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    writer_pad(w, spec->width - write_decoded(NULL, u, bytes));
    (void)write_decoded(w, u, bytes);
}

static void
write_pointer(Writer *w, void *p)
{
    char buffer[64];
    int n = snprintf(buffer + 2, sizeof(buffer) - 2, "%p", p);
    char *text = buffer + 2;
    if (n < 2 || text[1] != 'x') {
        /* Some C libraries write no prefix (or "(nil)"): add one. */
        text = buffer;
        text[0] = '0';
        text[1] = 'x';
        n += 2;
    }
    writer_append(w, text, (size_t)n);
}

/* Formats one conversion starting after its '%'; returns the position after
   it, or NULL if the conversion is unknown.  May set an exception (%c out
   of range) and mark the writer failed.  Long: the flag, width,
   precision and length modifier are read in order, then one case per
   conversion, so the whole grammar of a conversion reads in one place. */
static const char *
format_one(Writer *w, const char *f, va_list *args)
{
    Spec spec = {0, 0, -1};
    for (; *f == '0'; f++) {
        spec.zero = 1;
    }
    for (; *f >= '0' && *f <= '9'; f++) {
        if (spec.width < 100000) {
            spec.width = spec.width * 10 + (*f - '0');
        }
    }
    if (*f == '.') {
        /* A '.' without digits leaves the precision unset. */
        for (f++; *f >= '0' && *f <= '9'; f++) {
            long digits = spec.precision < 0 ? 0 : spec.precision;
            if (digits < 100000) {
                spec.precision = digits * 10 + (*f - '0');
            }
        }
    }
    char length_mod = 0;
    if (f[0] == 'l' && f[1] == 'l') {
        length_mod = 'q';
        f += 2;
    }
    else if (*f == 'l' || *f == 'z') {
        length_mod = *f++;
    }
    if (*f == 'x' && length_mod != 0) {
        return NULL;
    }
    switch (*f) {
    case 'd': case 'i': case 'u': case 'x':
        write_integer_arg(w, &spec, length_mod, *f, args);
        return f + 1;
    case '%':
        if (length_mod != 0) {
            return NULL;
        }
        writer_append(w, "%", 1);
        return f + 1;
    case 'c': {
        char utf8[4];
        if (length_mod != 0) {
            return NULL;
        }
        size_t n = utf8_encode(va_arg(*args, int), utf8);
        if (n == 0) {
            PyErr_SetString(PyExc_OverflowError,
                            "character argument not in range(0x110000)");
            w->failed = 1;
            return f + 1;
        }
        writer_append(w, utf8, n);
        return f + 1;
    }
    case 's':
        if (length_mod != 0) {
            return NULL;
        }
        write_string(w, &spec, va_arg(*args, const char *));
        return f + 1;
    case 'p':
        if (length_mod != 0) {
            return NULL;
        }
        write_pointer(w, va_arg(*args, void *));
        return f + 1;
    default:
        return NULL;
    }
}

char *
mb_vformat(const char *format, va_list args, size_t *length)
{
    Writer w = {NULL, 0, 0, 0};
    va_list ap;
    va_copy(ap, args);
    writer_append(&w, "", 0);
    const char *f = format;
    while (*f != '\0' && !w.failed) {
        const char *percent = strchr(f, '%');
        if (percent == NULL) {
            writer_append(&w, f, strlen(f));
            break;
        }
        writer_append(&w, f, (size_t)(percent - f));
        const char *next = format_one(&w, percent + 1, &ap);
        if (next == NULL) {
            writer_append(&w, percent, strlen(percent));
            break;
        }
        f = next;
    }
    va_end(ap);
    if (w.failed) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        PyMem_Free(w.data);
        return NULL;
    }
    *length = w.length;
    return w.data;
}
