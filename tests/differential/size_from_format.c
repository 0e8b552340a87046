/* cpython: 3.9-3.13
 *
 * PyBuffer_SizeFromFormat against struct.calcsize: hand-picked edge cases,
 * then 30000 formats generated from a fixed seed out of every code, count,
 * byte-order character, whitespace and a few bad characters and bytes.
 * Sizes, and every exception with its message, must agree.
 */
#include "scenario.h"

static const char *edge_cases[] = {
    "", "B", "ii", "3s", "@ci", "ci", "=ci", "<ci", ">ci", "!ci", "ib", "bi",
    "ci0i", "3x4s", "  i  ", "<n", "=P", "z", "T{i}", "i#", "Zd", "w", "3",
    "i3", "3 ", " 3i", "3 i", " <i", "i<", "@", "<", "@@i", "0s", "0p", "0i",
    "c0q", "cq", "qc", "hc", "ch", "cd", "?q", "@3si", "=3si", "e", "<e",
    "n", "N", "P", "cP", "2c3x", "\t i \n", "\x0bi\x0c", "\ri",
    "99999999999999999999i", "9223372036854775807x",
    "9223372036854775807c", "9223372036854775806xx",
    "4611686018427387904h", "9223372036854775807s", "1152921504606846976q",
    "2305843009213693951ic", "c9223372036854775807x",
    "\xc3\xa9", "i\xc3\xa9", "\xc3\xa9\xc3\xa9", "x\xc3\xa9y\xe2\x82\xac",
    "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff", "ab\xc3", "\xe2\x82",
    ("\xf0\x9f\x98" "A"), "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\xc0\xaf", "i\x80",
};

/* A small deterministic generator, the same on every build. */
static unsigned long long state = 0x9e3779b97f4a7c15ULL;

static unsigned
next_random(unsigned bound)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % bound);
}

static void
random_format(char *out, size_t size)
{
    static const char codes[] = "xcbB?hHiIlLqQnNefdspP";
    static const char prefixes[] = "@=<>!";
    static const char spaces[] = " \t\n";
    static const char bad[] = "zZwT{}:&#(),-+.a\x7f";
    size_t n = 0;
    if (next_random(3) == 0) {
        out[n++] = prefixes[next_random(5)];
    }
    unsigned codes_wanted = next_random(6);
    for (unsigned k = 0; k < codes_wanted && n + 24 < size; k++) {
        unsigned roll = next_random(100);
        if (roll < 8) {
            out[n++] = spaces[next_random(3)];
        }
        if (roll < 40) {
            /* A count, sometimes long enough to overflow. */
            unsigned digits = next_random(100) < 90 ? 1 + next_random(2)
                                                    : 1 + next_random(20);
            for (unsigned d = 0; d < digits; d++) {
                out[n++] = (char)('0' + next_random(10));
            }
        }
        if (roll >= 97) {
            out[n++] = bad[next_random(sizeof(bad) - 1)];
        }
        else if (roll >= 95) {
            out[n++] = prefixes[next_random(5)];
        }
        else if (roll < 96 || next_random(2)) {
            out[n++] = codes[next_random(sizeof(codes) - 1)];
        }
    }
    out[n] = '\0';
}

static void
show(const char *format)
{
    Py_ssize_t size = PyBuffer_SizeFromFormat(format);
    printf("'");
    for (const unsigned char *p = (const unsigned char *)format; *p; p++) {
        printf(*p >= 32 && *p < 127 ? "%c" : "\\x%02x", *p);
    }
    printf("' -> %ld\n", (long)size);
    print_error();
}

int
main(void)
{
    scenario_begin();
    for (size_t i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++) {
        show(edge_cases[i]);
    }
    char format[128];
    for (int i = 0; i < 30000; i++) {
        random_format(format, sizeof(format));
        show(format);
    }
    return scenario_end();
}
