/* Python 2's buffer object: windows on objects and memory. */
/* The buffer object is Python 2's: its slots are read as Python 2 code
   reads them. */
#define MB_PYTHON2
#include "testutil.h"

/* The window's pointer and length through the read slot. */
static Py_ssize_t
read_window(PyObject *b, char **pointer)
{
    void *p = NULL;
    Py_ssize_t n = Py_TYPE(b)->tp_as_buffer->bf_getreadbuffer(b, 0, &p);
    *pointer = p;
    return n;
}

static PyObject *
base_of(const char *text)
{
    const char *data[] = {text};
    Py_ssize_t lengths[] = {(Py_ssize_t)strlen(text)};
    return MbSegments_New(1, data, lengths);
}

START_TEST(test_offsets_and_sizes)
{
    PyObject *base = base_of("hello world");
    char *start;
    read_window(base, &start);
    struct {
        Py_ssize_t offset, size, at, len;
    } cases[] = {
        {0, Py_END_OF_BUFFER, 0, 11}, {2, Py_END_OF_BUFFER, 2, 9},
        {2, 3, 2, 3}, {20, Py_END_OF_BUFFER, 11, 0}, {8, 10, 8, 3},
        {0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PyObject *b = PyBuffer_FromObject(base, cases[i].offset,
                                          cases[i].size);
        ck_assert_ptr_nonnull(b);
        ck_assert(PyBuffer_Check(b));
        char *p;
        ck_assert_int_eq(read_window(b, &p), cases[i].len);
        ck_assert_ptr_eq(p, start + cases[i].at);
        Py_DECREF(b);
    }
    ck_assert_ptr_null(PyBuffer_FromObject(base, -1, 2));
    assert_error(PyExc_ValueError, "offset must be zero or positive");
    ck_assert_ptr_null(PyBuffer_FromObject(base, 0, -2));
    assert_error(PyExc_ValueError, "size must be zero or positive");
    ck_assert_int_eq(Py_REFCNT(base), 1);
    Py_DECREF(base);
}
END_TEST

START_TEST(test_buffer_of_buffer_refers_to_the_base)
{
    PyObject *base = base_of("hello world");
    char *start;
    read_window(base, &start);
    PyObject *outer = PyBuffer_FromObject(base, 2, 6);
    PyObject *inner = PyBuffer_FromObject(outer, 1, 100);
    ck_assert_int_eq(Py_REFCNT(outer), 1);
    ck_assert_int_eq(Py_REFCNT(base), 3);
    char *p;
    ck_assert_int_eq(read_window(inner, &p), 5);
    ck_assert_ptr_eq(p, start + 3);
    Py_DECREF(inner);
    inner = PyBuffer_FromObject(outer, 10, Py_END_OF_BUFFER);
    ck_assert_int_eq(read_window(inner, &p), 0);
    Py_DECREF(inner);
    Py_DECREF(outer);
    Py_DECREF(base);
}
END_TEST

START_TEST(test_base_requirements)
{
    PyObject *bytes = PyBytes_FromStringAndSize("new protocol only", 17);
    PyObject *ro = MbLegacyReadOnly_New("ro", 2);
    ck_assert_ptr_null(PyBuffer_FromObject(bytes, 0, -1));
    assert_error(PyExc_TypeError, "buffer object expected");
    ck_assert_ptr_null(PyBuffer_FromReadWriteObject(ro, 0, -1));
    assert_error(PyExc_TypeError, "buffer object expected");
    ck_assert_ptr_null(PyBuffer_FromObject(NULL, 0, -1));
    assert_error(PyExc_SystemError, "null argument to internal routine");
    PyObject *b = PyBuffer_FromObject(ro, 0, -1);
    char *c;
    ck_assert_int_eq(Py_TYPE(b)->tp_as_buffer->bf_getcharbuffer(b, 0, &c),
                     -1);
    assert_error(PyExc_TypeError, "char buffer type not available");
    Py_DECREF(b);
    Py_DECREF(ro);
    Py_DECREF(bytes);
}
END_TEST

START_TEST(test_slots_of_the_buffer)
{
    PyObject *base = base_of("abcdef");
    PyObject *ro = PyBuffer_FromObject(base, 1, 3);
    PyObject *rw = PyBuffer_FromReadWriteObject(base, 1, 3);
    const PyBufferProcs *procs = Py_TYPE(ro)->tp_as_buffer;
    void *p;
    Py_ssize_t total;
    ck_assert_int_eq(procs->bf_getsegcount(ro, &total), 1);
    ck_assert_int_eq(total, 3);
    ck_assert_int_eq(procs->bf_getreadbuffer(ro, 1, &p), -1);
    assert_error(PyExc_SystemError, "accessing non-existent buffer segment");
    ck_assert_int_eq(procs->bf_getwritebuffer(ro, 0, &p), -1);
    assert_error(PyExc_TypeError, "buffer is read-only");
    ck_assert_int_eq(procs->bf_getwritebuffer(rw, 0, &p), 3);
    ((char *)p)[0] = 'B';
    char *start;
    read_window(base, &start);
    ck_assert_int_eq(start[1], 'B');
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(rw, &view, PyBUF_WRITABLE), 0);
    ck_assert_ptr_eq(view.buf, start + 1);
    ck_assert_int_eq(view.len, 3);
    PyBuffer_Release(&view);
    ck_assert_int_eq(PyObject_GetBuffer(ro, &view, PyBUF_WRITABLE), -1);
    assert_error(PyExc_BufferError, "Object is not writable.");
    Py_DECREF(rw);
    Py_DECREF(ro);
    Py_DECREF(base);
}
END_TEST

START_TEST(test_memory_buffers)
{
    static char memory[] = "raw memory";
    PyObject *b = PyBuffer_FromMemory(memory, 3);
    char *p;
    ck_assert_int_eq(read_window(b, &p), 3);
    ck_assert_ptr_eq(p, memory);
    void *w;
    ck_assert_int_eq(Py_TYPE(b)->tp_as_buffer->bf_getwritebuffer(b, 0, &w),
                     -1);
    assert_error(PyExc_TypeError, "buffer is read-only");
    Py_DECREF(b);
    b = PyBuffer_FromReadWriteMemory(memory + 4, 6);
    ck_assert_int_eq(Py_TYPE(b)->tp_as_buffer->bf_getwritebuffer(b, 0, &w),
                     6);
    ck_assert_ptr_eq(w, memory + 4);
    Py_DECREF(b);
    /* Python 2 accepted -1 here and failed on first use. */
    ck_assert_ptr_null(PyBuffer_FromMemory(memory, Py_END_OF_BUFFER));
    assert_error(PyExc_ValueError, "size must be zero or positive");
    ck_assert_ptr_null(PyBuffer_FromMemory(NULL, 3));
    assert_error(PyExc_SystemError, "null argument to internal routine");
    b = PyBuffer_FromMemory(NULL, 0);
    ck_assert_ptr_nonnull(b);
    Py_DECREF(b);
}
END_TEST

START_TEST(test_new_owns_zeroed_memory)
{
    PyObject *b = PyBuffer_New(5);
    char *p;
    ck_assert_int_eq(read_window(b, &p), 5);
    ck_assert_int_eq(memcmp(p, "\0\0\0\0\0", 5), 0);
    void *w;
    ck_assert_int_eq(Py_TYPE(b)->tp_as_buffer->bf_getwritebuffer(b, 0, &w),
                     5);
    ck_assert_ptr_eq(w, p);
    Py_DECREF(b);
    ck_assert_ptr_null(PyBuffer_New(-1));
    assert_error(PyExc_ValueError, "size must be zero or positive");
    ck_assert_ptr_null(PyBuffer_New(PY_SSIZE_T_MAX));
    assert_error(PyExc_MemoryError, "");
    b = PyBuffer_New(0);
    ck_assert_int_eq(read_window(b, &p), 0);
    Py_DECREF(b);
}
END_TEST

static Suite *
python2_buffer_suite(void)
{
    Suite *s = suite_create("python 2 buffer");
    TCase *tc = mb_tcase(s, "buffer");
    tcase_add_test(tc, test_offsets_and_sizes);
    tcase_add_test(tc, test_buffer_of_buffer_refers_to_the_base);
    tcase_add_test(tc, test_base_requirements);
    tcase_add_test(tc, test_slots_of_the_buffer);
    tcase_add_test(tc, test_memory_buffers);
    tcase_add_test(tc, test_new_owns_zeroed_memory);
    return s;
}

int
main(void)
{
    return mb_run(python2_buffer_suite());
}
