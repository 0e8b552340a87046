/* Hashing bytes as CPython does: SipHash-1-3 over the bytes, with the key
 * CPython uses when PYTHONHASHSEED=0 (all zeros), 0 for no bytes, and -1
 * turned into -2.  bytes and read-only byte memoryviews hash this way, so
 * their hashes equal CPython's under PYTHONHASHSEED=0.
 *
 * And as Python 2.7 hashed its str (and its read-only buffer objects) with
 * hash randomization off, its default: a multiplicative hash seeded with
 * the first byte, mixed with the length.
 */
#include "runtime.h"

#define ROTATE(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIP_ROUND(v0, v1, v2, v3)                   \
    do {                                            \
        v0 += v1; v1 = ROTATE(v1, 13); v1 ^= v0;    \
        v0 = ROTATE(v0, 32);                        \
        v2 += v3; v3 = ROTATE(v3, 16); v3 ^= v2;    \
        v0 += v3; v3 = ROTATE(v3, 21); v3 ^= v0;    \
        v2 += v1; v1 = ROTATE(v1, 17); v1 ^= v2;    \
        v2 = ROTATE(v2, 32);                        \
    } while (0)

/* Little-endian 64-bit word of the n <= 8 bytes at p. */
static uint64_t
load_le(const unsigned char *p, size_t n)
{
    uint64_t word = 0;
    for (size_t i = 0; i < n; i++) {
        word |= (uint64_t)p[i] << (8 * i);
    }
    return word;
}

static uint64_t
siphash13(uint64_t k0, uint64_t k1, const unsigned char *data, size_t length)
{
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
    uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
    uint64_t v3 = k1 ^ 0x7465646279746573ULL;
    size_t whole = length & ~(size_t)7;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load_le(data + i, 8);
        v3 ^= m;
        SIP_ROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t last = ((uint64_t)length << 56)
                    | load_le(data + whole, length - whole);
    v3 ^= last;
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

Py_hash_t
mb_hash_bytes(const void *data, Py_ssize_t length)
{
    if (length == 0) {
        return 0;
    }
    Py_hash_t x = (Py_hash_t)siphash13(0, 0, data, (size_t)length);
    return x == -1 ? -2 : x;
}

Py_hash_t
mb_hash_python2_string(const void *data, Py_ssize_t length)
{
    const unsigned char *p = data;
    if (length == 0) {
        return 0;
    }
    /* Unsigned arithmetic: 2.7's signed long wrapped the same way. */
    uint64_t x = (uint64_t)p[0] << 7;
    for (Py_ssize_t i = 0; i < length; i++) {
        x = (1000003 * x) ^ p[i];
    }
    x ^= (uint64_t)length;
    Py_hash_t h = (Py_hash_t)x;
    return h == -1 ? -2 : h;
}
