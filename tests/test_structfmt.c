/* Struct format strings: PyBuffer_SizeFromFormat and the MbFormat walk.
 * (tests/differential/size_from_format.c compares 30000 generated formats
 * with CPython's struct.calcsize.) */
#include "testutil.h"

START_TEST(test_sizes)
{
    struct {
        const char *format;
        Py_ssize_t size;
    } cases[] = {
        {"B", 1}, {"", 0}, {"ii", 8}, {"3s", 3}, {"@ci", 8}, {"ci", 8},
        {"=ci", 5}, {"<ci", 5}, {">ci", 5}, {"!ci", 5}, {"ib", 5},
        {"bi", 8}, {"ci0i", 8}, {"3x4s", 7}, {"  i  ", 4}, {"ic", 5},
        {"cq", 16}, {"qc", 9}, {"hc", 3}, {"ch", 4}, {"cd", 16},
        {"?q", 16}, {"@3si", 8}, {"=3si", 7}, {"c0q", 8}, {"0s", 0},
        {"l", (Py_ssize_t)sizeof(long)}, {"<l", 4}, {"<L", 4}, {"n", 8},
        {"P", (Py_ssize_t)sizeof(void *)}, {"e", 2}, {"<e", 2}, {"2c3x", 5},
        {"\t i \n", 4}, {"@", 0}, {"<", 0},
        {"9223372036854775807x", PY_SSIZE_T_MAX},
        {"9223372036854775806xx", PY_SSIZE_T_MAX},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(PyBuffer_SizeFromFormat(cases[i].format)
                      == cases[i].size, "format '%s'", cases[i].format);
    }
}
END_TEST

START_TEST(test_struct_errors)
{
    const char *bad_char[] = {"<n", "=P", "z", "T{i}", "i#", "Zd", "w",
                              "3 i", " <i", "i<", "@@i", "3 "};
    for (size_t i = 0; i < sizeof(bad_char) / sizeof(bad_char[0]); i++) {
        ck_assert_int_eq(PyBuffer_SizeFromFormat(bad_char[i]), -1);
        assert_error(MbExc_StructError, "bad char in struct format");
    }
    ck_assert_int_eq(PyBuffer_SizeFromFormat("3"), -1);
    assert_error(MbExc_StructError,
                 "repeat count given without format specifier");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("i3"), -1);
    assert_error(MbExc_StructError,
                 "repeat count given without format specifier");
    const char *too_long[] = {"99999999999999999999i",
                              "4611686018427387904h",
                              "9223372036854775807c9223372036854775807c",
                              "c9223372036854775807q"};
    for (size_t i = 0; i < sizeof(too_long) / sizeof(too_long[0]); i++) {
        ck_assert_int_eq(PyBuffer_SizeFromFormat(too_long[i]), -1);
        assert_error(MbExc_StructError, "total struct size too long");
    }
    ck_assert_int_eq(PyBuffer_SizeFromFormat(NULL), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_text_errors)
{
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xff"), -1);
    assert_error(PyExc_UnicodeDecodeError, "'utf-8' codec can't decode byte "
                 "0xff in position 0: invalid start byte");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("ab\xe2\x82"), -1);
    assert_error(PyExc_UnicodeDecodeError, "'utf-8' codec can't decode bytes "
                 "in position 2-3: unexpected end of data");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xf0\x9f\x98" "A"), -1);
    assert_error(PyExc_UnicodeDecodeError, "'utf-8' codec can't decode bytes "
                 "in position 0-2: invalid continuation byte");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xed\xa0\x80"), -1);
    assert_error(PyExc_UnicodeDecodeError, "'utf-8' codec can't decode byte "
                 "0xed in position 0: invalid continuation byte");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("x\xc3\xa9y\xe2\x82\xac"), -1);
    assert_error(PyExc_UnicodeEncodeError, "'ascii' codec can't encode "
                 "character '\\xe9' in position 1: ordinal not in range(128)");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xc3\xa9\xe2\x82\xac"), -1);
    assert_error(PyExc_UnicodeEncodeError, "'ascii' codec can't encode "
                 "characters in position 0-1: ordinal not in range(128)");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xe2\x82\xac"), -1);
    assert_error(PyExc_UnicodeEncodeError, "'ascii' codec can't encode "
                 "character '\\u20ac' in position 0: ordinal not in "
                 "range(128)");
    ck_assert_int_eq(PyBuffer_SizeFromFormat("\xf0\x9f\x98\x80"), -1);
    assert_error(PyExc_UnicodeEncodeError, "'ascii' codec can't encode "
                 "character '\\U0001f600' in position 0: ordinal not in "
                 "range(128)");
    ck_assert(PyErr_GivenExceptionMatches(PyExc_UnicodeEncodeError,
                                          PyExc_ValueError));
}
END_TEST

START_TEST(test_walk_reports_each_code)
{
    MbFormatParser p;
    MbFormatCode code;
    ck_assert_int_eq(MbFormat_Start(&p, "c 2h 3s x0q"), 0);
    ck_assert_int_eq(p.byteorder, '@');
    struct {
        char code;
        Py_ssize_t count, itemsize, nitems, alignment, padding, offset,
                   size;
    } expected[] = {
        {'c', 1, 1, 1, 1, 0, 0, 1},
        {'h', 2, 2, 2, 2, 1, 2, 4},
        {'s', 3, 3, 1, 1, 0, 6, 3},
        {'x', 1, 1, 0, 1, 0, 9, 1},
        {'q', 0, 8, 0, 8, 6, 16, 0},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        ck_assert_int_eq(MbFormat_Next(&p, &code), 1);
        ck_assert_int_eq(code.code, expected[i].code);
        ck_assert_int_eq(code.count, expected[i].count);
        ck_assert_int_eq(code.itemsize, expected[i].itemsize);
        ck_assert_int_eq(code.nitems, expected[i].nitems);
        ck_assert_int_eq(code.alignment, expected[i].alignment);
        ck_assert_int_eq(code.padding, expected[i].padding);
        ck_assert_int_eq(code.offset, expected[i].offset);
        ck_assert_int_eq(code.size, expected[i].size);
    }
    ck_assert_int_eq(MbFormat_Next(&p, &code), 0);
    ck_assert_int_eq(p.size, 16);
    ck_assert_int_eq(MbFormat_Next(&p, &code), 0);
}
END_TEST

START_TEST(test_walk_standard_sizes_have_no_alignment)
{
    MbFormatParser p;
    MbFormatCode code;
    ck_assert_int_eq(MbFormat_Start(&p, ">ciq"), 0);
    ck_assert_int_eq(p.byteorder, '>');
    Py_ssize_t offsets[] = {0, 1, 5};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(MbFormat_Next(&p, &code), 1);
        ck_assert_int_eq(code.offset, offsets[i]);
        ck_assert_int_eq(code.padding, 0);
        ck_assert_int_eq(code.alignment, 1);
    }
    ck_assert_int_eq(MbFormat_Next(&p, &code), 0);
    ck_assert_int_eq(p.size, 13);
    ck_assert_int_eq(MbFormat_Start(&p, "i!"), 0);
    ck_assert_int_eq(MbFormat_Next(&p, &code), 1);
    ck_assert_int_eq(MbFormat_Next(&p, &code), -1);
    assert_error(MbExc_StructError, "bad char in struct format");
    ck_assert_int_eq(MbFormat_Start(NULL, "i"), -1);
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_size_from_format_does_not_allocate)
{
    MbStats before, after;
    MbStats_Get(&before);
    ck_assert_int_eq(PyBuffer_SizeFromFormat("3i2x?"), 15);
    MbStats_Get(&after);
    ck_assert_int_eq(after.allocations, before.allocations);
}
END_TEST

static Suite *
structfmt_suite(void)
{
    Suite *s = suite_create("structfmt");
    TCase *tc = mb_tcase(s, "size");
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_struct_errors);
    tcase_add_test(tc, test_text_errors);
    tcase_add_test(tc, test_size_from_format_does_not_allocate);
    tc = mb_tcase(s, "walk");
    tcase_add_test(tc, test_walk_reports_each_code);
    tcase_add_test(tc, test_walk_standard_sizes_have_no_alignment);
    return s;
}

int
main(void)
{
    return mb_run(structfmt_suite());
}
