/* PEP 3118's format language: MbPep3118_Parse on every code, on the
 * formats real exporters write (NumPy, ctypes, array), on layouts of
 * structures, and on every error, with its message and position.
 * (tests/checker_real.sh checks the sizes against NumPy's itemsizes.) */
#include "testutil.h"

static Py_ssize_t
size_of(const char *format)
{
    MbPep3118Info info;
    int r = MbPep3118_Parse(format, NULL, 0, &info);
    ck_assert_msg(r == 0, "format '%s': %s", format, info.error);
    ck_assert(!PyErr_Occurred());
    return info.itemsize;
}

START_TEST(test_sizes)
{
    struct {
        const char *format;
        Py_ssize_t size;
    } cases[] = {
        /* struct's language: the same sizes as PyBuffer_SizeFromFormat */
        {"", 0}, {"B", 1}, {"ci", 8}, {"ic", 5}, {"=ci", 5}, {"<l", 4},
        {"l", (Py_ssize_t)sizeof(long)}, {"3s", 3}, {"c0q", 8}, {"2c3x", 5},
        {"e", 2}, {"?", 1}, {"n", (Py_ssize_t)sizeof(Py_ssize_t)},
        /* PEP 3118's codes */
        {"g", (Py_ssize_t)sizeof(long double)}, {"Zf", 8}, {"Zd", 16},
        {"Zg", 2 * (Py_ssize_t)sizeof(long double)}, {"O", 8}, {"u", 2},
        {"w", 4}, {"3w", 12}, {"&i", 8}, {"&T{ii}", 8}, {"X{}", 8},
        {"X{i:i}", 8}, {"5t", 1}, {"9t", 2}, {"0t", 0}, {"<P", 8},
        {">i", 4}, {"^ci", 5}, {"@i=d", 12}, {"=g", 16},
        /* structures and sub-arrays, as NumPy and ctypes write them */
        {"T{i:a:=d:b:}", 12}, {"T{i:a:xxxxd:b:}", 16}, {"T{<i:a:<d:b:}", 12},
        {"T{(2,3)i:x:}", 24}, {"T{}", 0}, {"T{cd}", 16}, {"T{dc}", 16},
        {"2T{cd}", 32}, {"cT{d}", 16}, {"T{c T{c d:in:} c}", 32},
        {"^T{cd}", 9}, {"T{^cd}", 9}, {"T{=i}c", 5}, {"(2,3)d", 48},
        {" T{ i : a : } ", 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(size_of(cases[i].format) == cases[i].size,
                      "format '%s': %zd, not %zd", cases[i].format,
                      size_of(cases[i].format), cases[i].size);
    }
}
END_TEST

/* Every struct format is a PEP 3118 format of the same size. */
START_TEST(test_struct_formats_agree)
{
    const char *formats[] = {"@b i x q ?", "<2h 3s i", "=3si", "!q",
                             "9223372036854775807x", "4s0i", "Pn"};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        ck_assert_int_eq(size_of(formats[i]),
                         PyBuffer_SizeFromFormat(formats[i]));
    }
}
END_TEST

START_TEST(test_fields)
{
    MbPep3118Field f[8];
    MbPep3118Info info;
    ck_assert_int_eq(MbPep3118_Parse("T{i:a:xxxxd:b:} 3w:text:", f, 8,
                                     &info), 0);
    ck_assert_int_eq(info.nfields, 8);
    ck_assert_int_eq(info.itemsize, 28);
    /* The structure, then its members one level deeper. */
    ck_assert_int_eq(f[0].code, 'T');
    ck_assert_int_eq(f[0].depth, 0);
    ck_assert_int_eq(f[0].size, 16);
    ck_assert_int_eq(f[0].alignment, 8);
    ck_assert_int_eq(f[1].code, 'i');
    ck_assert_int_eq(f[1].depth, 1);
    ck_assert_int_eq(f[1].name_length, 1);
    ck_assert_int_eq(f[1].name[0], 'a');
    ck_assert_int_eq(f[6].code, 'd');
    ck_assert_int_eq(f[6].offset, 8);
    ck_assert_int_eq(f[7].code, 'w');
    ck_assert_int_eq(f[7].count, 3);
    ck_assert_int_eq(f[7].offset, 16);
    ck_assert_int_eq(f[7].size, 12);
    ck_assert(strncmp(f[7].name, "text", 4) == 0);
    /* A nested structure's members are placed where it lies. */
    ck_assert_int_eq(MbPep3118_Parse("cT{c(2,3)d:m:}Zf&>h", f, 8, &info), 0);
    ck_assert_int_eq(f[1].code, 'T');
    ck_assert_int_eq(f[1].offset, 8);
    ck_assert_int_eq(f[3].offset, 16);
    ck_assert_int_eq(f[3].ndim, 2);
    ck_assert_int_eq(f[3].shape[1], 3);
    ck_assert_int_eq(f[4].code, 'Z');
    ck_assert_int_eq(f[4].target, 'f');
    ck_assert_int_eq(f[4].offset, 64);
    ck_assert_int_eq(f[5].code, '&');
    ck_assert_int_eq(f[5].target, 'h');
    ck_assert_int_eq(info.nfields, 6);
    /* Fewer slots than items: counted, not written past. */
    f[2].code = '#';
    ck_assert_int_eq(MbPep3118_Parse("iii", f, 2, &info), 0);
    ck_assert_int_eq(info.nfields, 3);
    ck_assert_int_eq(f[2].code, '#');
}
END_TEST

START_TEST(test_errors)
{
    struct {
        const char *format;
        const char *error;
        Py_ssize_t at;
    } cases[] = {
        {"y", "bad character 'y' at position 0", 0},
        {"ii\001", "bad byte 0x01 at position 2", 2},
        {"Zq", "the 'Z' at position 0 is not followed by 'f', 'd' or 'g'",
         0},
        {"T{ii", "the '{' at position 1 is never closed", 1},
        {"Ti", "the 'T' at position 0 is not followed by '{'", 0},
        {"i}", "unexpected '}' at position 1", 1},
        {"3", "repeat count at position 0 without a code", 0},
        {"T{i 3}", "repeat count at position 4 without a code", 4},
        {"(2,3)", "sub-array shape at position 0 without a code", 0},
        {"(2,x)i", "the sub-array shape at position 0 needs a number here",
         3},
        {"(2,3i", "the sub-array shape at position 0 is not closed with "
                  "')'", 4},
        {"i:a", "the name at position 1 is not closed with ':'", 1},
        {"i::", "empty name at position 1", 1},
        {":a:", "the name at position 0 follows no item", 0},
        {"&", "the '&' at position 0 points to nothing", 0},
        {"X", "the 'X' at position 0 is not followed by '{'", 0},
        {"X{{}", "the '{' at position 1 is never closed", 1},
        {"3 i", "bad character ' ' at position 1", 1},
        {"99999999999999999999i", "the number at position 0 is too large",
         0},
        {"9223372036854775807d", "the format describes more than "
                                 "PY_SSIZE_T_MAX bytes", 20},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MbPep3118Info info;
        MbPep3118Field f[4];
        ck_assert_int_eq(MbPep3118_Parse(cases[i].format, f, 4, &info), -1);
        ck_assert_msg(strcmp(info.error, cases[i].error) == 0,
                      "format '%s': \"%s\"", cases[i].format, info.error);
        ck_assert_int_eq(info.error_at, cases[i].at);
        ck_assert_int_eq(info.itemsize, 0);
        ck_assert_int_eq(info.nfields, 0);
        ck_assert(!PyErr_Occurred());
    }
}
END_TEST

/* Structures nest at most 64 deep: no format exhausts the stack. */
START_TEST(test_nesting_limit)
{
    char deep[400];
    MbPep3118Info info;
    for (int depth = 64; depth <= 65; depth++) {
        size_t n = 0;
        for (int i = 0; i < depth; i++) {
            deep[n++] = 'T';
            deep[n++] = '{';
        }
        deep[n++] = 'i';
        for (int i = 0; i < depth; i++) {
            deep[n++] = '}';
        }
        deep[n] = '\0';
        int r = MbPep3118_Parse(deep, NULL, 0, &info);
        ck_assert_int_eq(r, depth == 64 ? 0 : -1);
    }
    ck_assert_str_eq(info.error, "structures nest deeper than 64 at "
                                 "position 128");
}
END_TEST

static Suite *
pep3118_suite(void)
{
    Suite *s = suite_create("PEP 3118 formats");
    TCase *tc = mb_tcase(s, "parser");
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_struct_formats_agree);
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_nesting_limit);
    return s;
}

int
main(void)
{
    return mb_run(pep3118_suite());
}
