/* cpython: 3.11-3.11
 *
 * PyErr_Format's conversions, with the padding rules and the handling of
 * unknown conversions of CPython 3.11 (3.12 changed both).  A %c out of
 * range is left to the unit tests: 3.11.2 raises a ValueError without a
 * message where 3.11.7 raises OverflowError.
 */
#include "scenario.h"

#define SHOW(...)                               \
    do {                                        \
        PyErr_Format(PyExc_ValueError, __VA_ARGS__); \
        report(#__VA_ARGS__, -1);               \
    } while (0)

int
main(void)
{
    scenario_begin();
    SHOW("%d|%i|%u|%x|%c|%%|%s", -1, 2, 3u, 255u, 'c', "str");
    SHOW("%ld|%li|%lu|%lld|%lli|%llu|%zd|%zi|%zu", -1L, 2L, 3UL, -4LL, 5LL,
         6ULL, (Py_ssize_t)-7, (Py_ssize_t)8, (size_t)9);
    SHOW("%5d|%05d|%.4d|%6.4d|%06.4d|%.0d|%03.1d|%5.d", 42, -42, -42, -42,
         -42, 0, 5, 0);
    SHOW("%5u|%05u|%.3x|%5x|%05x|%x", 3u, 3u, 10u, 255u, 255u,
         (unsigned)-1);
    SHOW("%5s|%05s|%.2s|%5.1s|%3.5s|%.s|%.0s|", "ab", "ab", "abc", "abc",
         "abcdefgh", "ab", "ab");
    SHOW("%.100s", "a string shorter than its precision");
    /* The precision counts bytes, the width characters; bytes that are not
       UTF-8 (or a sequence the precision cuts) become U+FFFD. */
    SHOW("%.2s|%.3s|%.4s|%5.2s", "h\xc3\xa9llo", "h\xc3\xa9llo",
         "\xe2\x82\xac\xe2\x82\xac", "h\xc3\xa9llo");
    SHOW("%s|%5s|%.3s|%s", "\xff\xfe" "ab", "a\xe2\x82", "\xff\xfe" "ab",
         "\xed\xa0\x80|\xf4\x90\x80\x80|\xc0\xaf");
    SHOW("%5c|%5%|%c", 'A', 0xe9);
    SHOW("%-5d|%d", 1, 2);
    SHOW("before %lx after %d", 1UL, 2);
    SHOW("%zx", (size_t)1);
    SHOW("%q %d", 1);
    SHOW("trailing %");
    SHOW("%s%", "x");
    return scenario_end();
}
