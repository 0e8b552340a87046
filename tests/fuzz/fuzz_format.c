/* Fuzzing the format parsers: PyBuffer_SizeFromFormat on any text,
 * checked against the code-by-code walk of MbFormat_Start/MbFormat_Next,
 * and the PEP 3118 parser, which must accept every struct format with the
 * same size and lay out every item inside the whole. */
#include <string.h>

#include "fuzz.h"

/* The error of a format that is refused: struct.error, or the Unicode
   errors of text that is not ASCII. */
static int
expected_error(void)
{
    return PyErr_ExceptionMatches(MbExc_StructError)
           || PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)
           || PyErr_ExceptionMatches(PyExc_UnicodeEncodeError);
}

/* The PEP 3118 parser on the same text: a superset of struct's language,
   with items that lie inside what they belong to. */
static void
check_pep3118(const char *format, Py_ssize_t struct_size)
{
    MbPep3118Field fields[16];
    MbPep3118Info info;
    int r = MbPep3118_Parse(format, fields, 16, &info);
    FUZZ_CHECK(r == 0 || r == -1);
    FUZZ_CHECK(!PyErr_Occurred());
    if (r < 0) {
        FUZZ_CHECK(info.error[0] != '\0' && info.error_at >= 0);
        FUZZ_CHECK((size_t)info.error_at <= strlen(format));
        FUZZ_CHECK(struct_size < 0);
        return;
    }
    if (struct_size >= 0) {
        FUZZ_CHECK(info.itemsize == struct_size);
    }
    for (Py_ssize_t i = 0; i < info.nfields && i < 16; i++) {
        const MbPep3118Field *f = &fields[i];
        FUZZ_CHECK(f->size >= 0 && f->offset >= 0 && f->alignment >= 1);
        if (f->depth == 0) {
            FUZZ_CHECK(f->offset + f->size <= info.itemsize);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MbStats before = fuzz_begin();
    char *format = malloc(size + 1);
    FUZZ_CHECK(format != NULL);
    memcpy(format, data, size);
    format[size] = '\0';

    Py_ssize_t total = PyBuffer_SizeFromFormat(format);
    FUZZ_CHECK(total >= -1);
    FUZZ_CHECK((total < 0) == (PyErr_Occurred() != NULL));
    if (total < 0) {
        FUZZ_CHECK(expected_error());
        PyErr_Clear();
    }

    /* The walk must agree: same verdict, same size, codes in order. */
    MbFormatParser parser;
    MbFormatCode code;
    int r = MbFormat_Start(&parser, format);
    Py_ssize_t end = 0;
    while (r == 0 && (r = MbFormat_Next(&parser, &code)) == 1) {
        FUZZ_CHECK(code.offset == end + code.padding);
        FUZZ_CHECK(code.padding >= 0 && code.padding < code.alignment);
        FUZZ_CHECK(code.alignment >= 1);
        FUZZ_CHECK(code.size >= 0 && code.count >= 0);
        end = code.offset + code.size;
        FUZZ_CHECK(end == parser.size);
        r = 0;
    }
    if (r < 0) {
        FUZZ_CHECK(total < 0);
        FUZZ_CHECK(expected_error());
        PyErr_Clear();
    }
    else {
        FUZZ_CHECK(total == parser.size);
    }
    check_pep3118(format, total);
    free(format);
    fuzz_end(&before);
    return 0;
}
