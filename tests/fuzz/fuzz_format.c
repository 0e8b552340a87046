/* Fuzzing the struct-format parser: PyBuffer_SizeFromFormat on any text,
 * checked against the code-by-code walk of MbFormat_Start/MbFormat_Next. */
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
    free(format);
    fuzz_end(&before);
    return 0;
}
