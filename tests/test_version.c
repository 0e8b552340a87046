/* The version in AC_INIT, the generated header and the library agree. */
#include "testutil.h"

START_TEST(test_header_matches_library)
{
    ck_assert_str_eq(MbVersion_String(), MB_VERSION);
    ck_assert_uint_eq(MbVersion_Hex(), MB_VERSION_HEX);
    char expected[32];
    snprintf(expected, sizeof(expected), "%d.%d.%d", MB_VERSION_MAJOR,
             MB_VERSION_MINOR, MB_VERSION_MICRO);
    ck_assert_str_eq(MB_VERSION, expected);
    ck_assert_uint_eq(MB_VERSION_HEX, ((unsigned)MB_VERSION_MAJOR << 16)
                      | ((unsigned)MB_VERSION_MINOR << 8)
                      | (unsigned)MB_VERSION_MICRO);
}
END_TEST

START_TEST(test_header_matches_configure)
{
    /* PACKAGE_VERSION comes from AC_INIT through the compiler's -D flags. */
    ck_assert_str_eq(MbVersion_String(), PACKAGE_VERSION);
}
END_TEST

START_TEST(test_claims_cpython_3_11)
{
    ck_assert_int_eq(PY_MAJOR_VERSION, 3);
    ck_assert_int_eq(PY_MINOR_VERSION, 11);
    ck_assert_int_eq(PY_VERSION_HEX >> 16, 0x030B);
}
END_TEST

static Suite *
version_suite(void)
{
    Suite *s = suite_create("version");
    TCase *tc = mb_tcase(s, "version");
    tcase_add_test(tc, test_header_matches_library);
    tcase_add_test(tc, test_header_matches_configure);
    tcase_add_test(tc, test_claims_cpython_3_11);
    return s;
}

int
main(void)
{
    return mb_run(version_suite());
}
