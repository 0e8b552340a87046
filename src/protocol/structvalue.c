/* Reading the values of one item of a struct format, and comparing them
 * as Python compares what struct.unpack returns: memoryview equality.
 *
 * Values are integers (bool is an integer, as in Python), floats or byte
 * strings; 'x' pads give none.  Integers compare by value, floats by value
 * (NaN equals nothing), an integer equals a float only when the float is
 * that exact integer, byte strings by contents; other pairs differ.
 */
#include <math.h>

#include "protocol.h"

typedef enum { VALUE_INT, VALUE_FLOAT, VALUE_BYTES } ValueKind;

/* One value as struct.unpack would give it. */
typedef struct {
    ValueKind kind;
    int negative;                     /* integers: sign */
    unsigned long long magnitude;     /* integers: absolute value */
    double d;                         /* floats */
    const unsigned char *bytes;       /* byte strings: the bytes */
    Py_ssize_t nbytes;
} Value;

/* Walks the values of one item (at `item`) of a struct format. */
typedef struct {
    MbFormatParser parser;
    MbFormatCode code;
    const char *item;
    Py_ssize_t itemsize;              /* the bytes the item has */
    Py_ssize_t left;                  /* values left in the current code */
    Py_ssize_t at;                    /* offset of the next value */
    int little;                       /* byte order of the format */
} ValueReader;

/* Unsigned integer of n bytes at p in the given byte order. */
static unsigned long long
load_unsigned(const unsigned char *p, Py_ssize_t n, int little)
{
    unsigned long long x = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        x = (x << 8) | p[little ? n - 1 - i : i];
    }
    return x;
}

static int
native_is_little(void)
{
    const unsigned one = 1;
    return *(const unsigned char *)&one == 1;
}

/* IEEE 754 half precision to double. */
static double
half_to_double(unsigned bits)
{
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> 10) & 0x1f;
    double mantissa = bits & 0x3ff;
    double x;
    if (exponent == 0) {
        x = ldexp(mantissa, -24);
    }
    else if (exponent == 31) {
        x = mantissa == 0 ? (double)INFINITY : (double)NAN;
    }
    else {
        x = ldexp(mantissa + 1024, exponent - 25);
    }
    return sign ? -x : x;
}

/* 0, or -1 with the format's exception (UnicodeError). */
static int
values_start(ValueReader *reader, const char *format, const char *item,
             Py_ssize_t itemsize)
{
    if (MbFormat_Start(&reader->parser, format) < 0) {
        return -1;
    }
    reader->item = item;
    reader->itemsize = itemsize;
    reader->left = 0;
    reader->little = reader->parser.byteorder == '<'
                     || ((reader->parser.byteorder == '@'
                          || reader->parser.byteorder == '=')
                         && native_is_little());
    return 0;
}

/* The next value and 1; 0 at the end; -1 with struct.error.  Long: one
   case per format code, kept in one switch so that the codes read as the
   table struct's documentation gives. */
static int
values_next(ValueReader *reader, Value *value)
{
    while (reader->left == 0) {
        int r = MbFormat_Next(&reader->parser, &reader->code);
        if (r <= 0) {
            return r;
        }
        reader->left = reader->code.nitems;
        reader->at = reader->code.offset;
    }
    const MbFormatCode *code = &reader->code;
    const unsigned char *p = (const unsigned char *)reader->item + reader->at;
    Py_ssize_t size = code->itemsize;
    reader->left--;
    assert(reader->at + size <= reader->itemsize);
    reader->at += size;
    value->kind = VALUE_INT;
    value->negative = 0;
    switch (code->code) {
    case 'c':
    case 's':
        value->kind = VALUE_BYTES;
        value->bytes = p;
        value->nbytes = size;
        return 1;
    case 'p': {
        /* A Pascal string: a length byte, then at most size - 1 bytes. */
        Py_ssize_t n = size > 0 ? p[0] : 0;
        value->kind = VALUE_BYTES;
        value->bytes = p + (size > 0);
        value->nbytes = n < size - 1 ? n : (size > 0 ? size - 1 : 0);
        return 1;
    }
    case '?':
        value->magnitude = p[0] != 0;
        return 1;
    case 'e':
        value->kind = VALUE_FLOAT;
        value->d = half_to_double((unsigned)load_unsigned(p, 2,
                                                          reader->little));
        return 1;
    case 'f': {
        uint32_t bits = (uint32_t)load_unsigned(p, 4, reader->little);
        float f;
        memcpy(&f, &bits, 4);
        value->kind = VALUE_FLOAT;
        value->d = (double)f;
        return 1;
    }
    case 'd': {
        uint64_t bits = load_unsigned(p, 8, reader->little);
        memcpy(&value->d, &bits, 8);
        value->kind = VALUE_FLOAT;
        return 1;
    }
    case 'b': case 'h': case 'i': case 'l': case 'q': case 'n': {
        unsigned long long x = load_unsigned(p, size, reader->little);
        int bits = (int)(8 * size);
        if (bits < 64 && (x >> (bits - 1)) & 1) {
            x |= ~0ULL << bits;           /* sign-extend */
        }
        value->negative = (long long)x < 0;
        value->magnitude = value->negative ? 0ULL - x : x;
        return 1;
    }
    default:                              /* B H I L Q N P */
        value->magnitude = load_unsigned(p, size, reader->little);
        return 1;
    }
}

/* An integer and a float are equal when the float is that integer. */
static int
int_equals_float(const Value *i, double d)
{
    if (!isfinite(d) || d != floor(d) || fabs(d) >= 18446744073709551616.0) {
        return 0;
    }
    return (d < 0) == (i->negative && i->magnitude != 0)
           && (unsigned long long)fabs(d) == i->magnitude;
}

/* 1 if Python would call the two values equal. */
static int
value_equal(const Value *a, const Value *b)
{
    if (a->kind == VALUE_BYTES || b->kind == VALUE_BYTES) {
        return a->kind == b->kind && a->nbytes == b->nbytes
               && memcmp(a->bytes, b->bytes, (size_t)a->nbytes) == 0;
    }
    if (a->kind == VALUE_FLOAT && b->kind == VALUE_FLOAT) {
        return a->d == b->d;
    }
    if (a->kind == VALUE_FLOAT) {
        return int_equals_float(b, a->d);
    }
    if (b->kind == VALUE_FLOAT) {
        return int_equals_float(a, b->d);
    }
    return a->magnitude == b->magnitude
           && (a->negative == b->negative || a->magnitude == 0);
}

int
mb_items_equal(const char *format_a, const char *a, Py_ssize_t size_a,
               const char *format_b, const char *b, Py_ssize_t size_b)
{
    ValueReader ra, rb;
    Value va, vb;
    if (values_start(&ra, format_a, a, size_a) < 0
        || values_start(&rb, format_b, b, size_b) < 0) {
        return -1;
    }
    for (;;) {
        int na = values_next(&ra, &va);
        int nb = values_next(&rb, &vb);
        if (na < 0 || nb < 0) {
            return -1;
        }
        if (na != nb) {
            return 0;
        }
        if (na == 0) {
            return 1;
        }
        if (!value_equal(&va, &vb)) {
            return 0;
        }
    }
}
