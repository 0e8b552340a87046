/* UTF-8 as CPython's decoder reads it: the length of each valid sequence,
 * and for an invalid one the reason and the number of bytes the error
 * covers, which is what the "replace" error handler turns into one
 * U+FFFD.  Used for the messages of struct formats (structfmt.c), for
 * PyErr_Format's %s (strformat.c), and for str (objects/unicode.c).
 */
#include "runtime.h"

/* Length of the valid UTF-8 sequence at s[0..n), or 0 with the reason and
   the number of bytes the error covers, following CPython's decoder. */
size_t
mb_utf8_sequence(const unsigned char *s, size_t n, const char **reason,
                 size_t *error_length)
{
    assert(n >= 1);
    unsigned char c = s[0];
    size_t need;
    unsigned char low = 0x80, high = 0xBF;   /* range of the 2nd byte */
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        low = c == 0xE0 ? 0xA0 : 0x80;
        high = c == 0xED ? 0x9F : 0xBF;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        low = c == 0xF0 ? 0x90 : 0x80;
        high = c == 0xF4 ? 0x8F : 0xBF;
    }
    else {
        *reason = "invalid start byte";
        *error_length = 1;
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) {
            *reason = "unexpected end of data";
            *error_length = i;
            return 0;
        }
        unsigned char lo = i == 1 ? low : 0x80, hi = i == 1 ? high : 0xBF;
        if (s[i] < lo || s[i] > hi) {
            *reason = "invalid continuation byte";
            *error_length = i;
            return 0;
        }
    }
    return need;
}

/* The code point of the valid UTF-8 sequence of `length` bytes at s. */
long
mb_utf8_code_point(const unsigned char *s, size_t length)
{
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    long c = s[0] & lead_mask[length];
    for (size_t i = 1; i < length; i++) {
        c = (c << 6) | (s[i] & 0x3F);
    }
    return c;
}

/* CPython's UnicodeDecodeError for the invalid sequence of error_length
   bytes at s[i]; -1. */
int
mb_utf8_decode_error(const unsigned char *s, size_t i, size_t error_length,
                     const char *reason)
{
    if (error_length == 1) {
        PyErr_Format(PyExc_UnicodeDecodeError,
                     "'utf-8' codec can't decode byte 0x%02x in position "
                     "%zd: %s", s[i], (Py_ssize_t)i, reason);
    }
    else {
        PyErr_Format(PyExc_UnicodeDecodeError,
                     "'utf-8' codec can't decode bytes in position %zd-%zd: "
                     "%s", (Py_ssize_t)i, (Py_ssize_t)(i + error_length - 1),
                     reason);
    }
    return -1;
}
