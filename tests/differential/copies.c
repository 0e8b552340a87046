/* cpython: 3.11-3.13
 *
 * PyBuffer_ToContiguous, PyBuffer_FromContiguous and PyObject_CopyData:
 * every order, contiguous and strided, negative strides, suboffsets, length
 * rules, partial copies, destinations whose items alias each other (zero
 * and overlapping strides: the order of the writes shows), and CopyData's
 * messages and index sharing.
 */
#include "scenario.h"

static unsigned char source[64];

/* A view over `source` described by the arguments. */
static Py_buffer
make_view(Py_ssize_t offset, Py_ssize_t itemsize, int ndim,
          Py_ssize_t *shape, Py_ssize_t *strides, Py_ssize_t *suboffsets)
{
    return make_layout(source + offset, itemsize, NULL, ndim, shape, strides,
                       suboffsets);
}

static void
print_bytes(const unsigned char *p, Py_ssize_t n)
{
    printf("  [");
    for (Py_ssize_t i = 0; i < n; i++) {
        printf(i ? " %d" : "%d", p[i]);
    }
    printf("]\n");
}

/* Copies view to contiguous memory in each order of `orders`. */
static void
to_contiguous_in(const char *label, Py_buffer *view, const char *orders)
{
    for (int o = 0; orders[o] != '\0'; o++) {
        unsigned char out[64];
        memset(out, 0xee, sizeof(out));
        int result = PyBuffer_ToContiguous(out, view, view->len, orders[o]);
        printf("ToContiguous %s '%c' -> %d\n", label, orders[o], result);
        print_error();
        if (result == 0) {
            print_bytes(out, view->len);
        }
    }
}

static void
to_contiguous(const char *label, Py_buffer *view)
{
    to_contiguous_in(label, view, "CFAX");
}

static void
from_contiguous(const char *label, Py_buffer *view, Py_ssize_t len)
{
    const char orders[] = {'C', 'F', 'A', 'X'};
    unsigned char in[64];
    for (int i = 0; i < 64; i++) {
        in[i] = (unsigned char)(100 + i);
    }
    for (int o = 0; o < 4; o++) {
        for (int i = 0; i < 64; i++) {
            source[i] = (unsigned char)i;
        }
        int result = PyBuffer_FromContiguous(view, in, len, orders[o]);
        printf("FromContiguous %s len %ld '%c' -> %d\n", label, (long)len,
               orders[o], result);
        print_error();
        print_bytes(source, 32);
    }
}

static void
copy_data(const char *label, PyObject *dest, PyObject *src)
{
    for (int i = 0; i < 64; i++) {
        source[i] = (unsigned char)i;
    }
    int result = PyObject_CopyData(dest, src);
    printf("CopyData %s -> %d\n", label, result);
    print_error();
    print_bytes(source, 40);
}

int
main(void)
{
    scenario_begin();
    for (int i = 0; i < 64; i++) {
        source[i] = (unsigned char)i;
    }

    Py_ssize_t s23[] = {2, 3}, c23[] = {3, 1}, f23[] = {1, 2};
    Py_ssize_t strided23[] = {8, 2}, neg23[] = {-8, -2};
    Py_ssize_t s6[] = {6}, st6[] = {3}, negst6[] = {-1};
    Py_ssize_t s223[] = {2, 2, 3}, st223[] = {16, 4, 1};
    Py_ssize_t sub[] = {0, -1};

    Py_buffer v = make_view(0, 1, 2, s23, c23, NULL);
    to_contiguous("2x3 C", &v);
    v = make_view(0, 1, 2, s23, f23, NULL);
    to_contiguous("2x3 F", &v);
    v = make_view(0, 1, 2, s23, strided23, NULL);
    to_contiguous("2x3 strided", &v);
    v = make_view(20, 1, 2, s23, neg23, NULL);
    to_contiguous("2x3 negative", &v);
    v = make_view(0, 2, 1, s6, st6, NULL);
    v.len = 12;
    to_contiguous("6 items of 2 with stride 3", &v);
    v = make_view(30, 1, 1, s6, negst6, NULL);
    to_contiguous("reversed", &v);
    v = make_view(0, 1, 3, s223, st223, NULL);
    to_contiguous("2x2x3", &v);
    v = make_view(0, 1, 2, s23, NULL, NULL);
    to_contiguous("2x3 strides NULL", &v);
    v = make_view(0, 4, 1, NULL, NULL, NULL);
    v.len = 12;
    to_contiguous("1-D shape NULL", &v);
    /* CPython crashes copying a 0-d view in an order other than C, F or
       A (tests/test_copy.c covers minibuf's answer). */
    v = make_view(3, 2, 0, NULL, NULL, NULL);
    to_contiguous_in("0-d", &v, "CFA");

    /* PIL: two row pointers in front of the data. */
    unsigned char *rows[2] = {source + 40, source + 20};
    Py_ssize_t pil_strides[] = {sizeof(unsigned char *), 1};
    Py_buffer pil;
    memset(&pil, 0, sizeof(pil));
    pil.buf = rows;
    pil.itemsize = 1;
    pil.len = 6;
    pil.ndim = 2;
    pil.shape = s23;
    pil.strides = pil_strides;
    pil.suboffsets = sub;
    to_contiguous("PIL", &pil);

    v = make_view(0, 1, 2, s23, c23, NULL);
    unsigned char out[64];
    printf("ToContiguous len mismatch -> %d\n",
           PyBuffer_ToContiguous(out, &v, 5, 'C'));
    print_error();
    printf("ToContiguous len 0 of an empty view -> %d\n",
           PyBuffer_ToContiguous(out, &(Py_buffer){.buf = source, .len = 0,
                                 .itemsize = 1, .ndim = 1}, 0, 'C'));

    v = make_view(0, 1, 2, s23, strided23, NULL);
    from_contiguous("2x3 strided", &v, 6);
    from_contiguous("2x3 strided", &v, 4);
    from_contiguous("2x3 strided", &v, 100);
    v = make_view(0, 1, 2, s23, c23, NULL);
    from_contiguous("2x3 C", &v, 6);
    from_contiguous("2x3 C", &v, 3);
    v = make_view(0, 1, 2, s23, f23, NULL);
    from_contiguous("2x3 F", &v, 6);
    v = make_view(20, 1, 2, s23, neg23, NULL);
    from_contiguous("2x3 negative", &v, 6);
    v = make_view(0, 2, 1, s6, st6, NULL);
    v.len = 12;
    from_contiguous("6 items of 2 stride 3", &v, 12);
    from_contiguous("6 items of 2 stride 3", &v, 7);
    from_contiguous("PIL", &pil, 6);
    /* Destinations whose items alias each other: the last write wins. */
    Py_ssize_t zero_rows[] = {0, 1}, overlapping[] = {2, 1};
    v = make_view(0, 1, 2, s23, zero_rows, NULL);
    v.len = 6;
    from_contiguous("2x3 rows on one row", &v, 6);
    v = make_view(0, 1, 2, s23, overlapping, NULL);
    v.len = 6;
    from_contiguous("2x3 rows overlapping", &v, 6);

    /* PyObject_CopyData. */
    PyObject *bytes = PyBytes_FromStringAndSize("0123456789", 10);
    PyObject *array = PyByteArray_FromStringAndSize("abcdefghij", 10);
    PyObject *small = PyByteArray_FromStringAndSize("xy", 2);
    PyObject *plain = new_plain(&PlainType);
    printf("CopyData bytearray <- bytes -> %d\n",
           PyObject_CopyData(array, bytes));
    print_error();
    printf("  %s\n", PyByteArray_AS_STRING(array));
    printf("CopyData bytes <- bytearray -> %d\n",
           PyObject_CopyData(bytes, array));
    print_error();
    printf("CopyData small <- bytes -> %d, exports %ld\n",
           PyObject_CopyData(small, bytes),
           (long)((PyByteArrayObject *)small)->ob_exports);
    print_error();
    printf("CopyData plain <- bytes -> %d\n", PyObject_CopyData(plain, bytes));
    print_error();
    printf("CopyData array <- plain -> %d\n", PyObject_CopyData(array, plain));
    print_error();
    printf("CopyData array <- array -> %d\n", PyObject_CopyData(array, array));
    print_error();

    PyObject *c_dest = new_fixed(make_view(0, 1, 2, s23, c23, NULL), 1);
    PyObject *f_dest = new_fixed(make_view(0, 1, 2, s23, f23, NULL), 1);
    PyObject *strided_dest = new_fixed(make_view(0, 1, 2, s23, strided23,
                                                 NULL), 1);
    PyObject *neg_src = new_fixed(make_view(30, 1, 2, s23, neg23, NULL), 0);
    PyObject *f_src = new_fixed(make_view(32, 1, 2, s23, f23, NULL), 0);
    PyObject *flat_dest = new_fixed(make_view(0, 1, 1, s6, st6, NULL), 1);
    PyObject *ro_dest = new_fixed(make_view(0, 1, 2, s23, c23, NULL), 0);
    Py_buffer aliased = make_view(0, 1, 2, s23, zero_rows, NULL);
    aliased.len = 6;
    PyObject *zero_dest = new_fixed(aliased, 1);
    aliased = make_view(0, 1, 2, s23, overlapping, NULL);
    aliased.len = 6;
    PyObject *overlapping_dest = new_fixed(aliased, 1);
    PyObject *c_src = new_fixed(make_view(40, 1, 2, s23, c23, NULL), 0);
    copy_data("C <- negative", c_dest, neg_src);
    copy_data("F <- negative", f_dest, neg_src);
    copy_data("strided <- F", strided_dest, f_src);
    copy_data("C <- F", c_dest, f_src);
    copy_data("1-D stride 3 <- 2x3 F", flat_dest, f_src);
    copy_data("read-only dest", ro_dest, f_src);
    copy_data("rows on one row <- C", zero_dest, c_src);
    copy_data("rows on one row <- F", zero_dest, f_src);
    copy_data("rows overlapping <- C", overlapping_dest, c_src);

    Py_DECREF(c_dest);
    Py_DECREF(f_dest);
    Py_DECREF(strided_dest);
    Py_DECREF(neg_src);
    Py_DECREF(f_src);
    Py_DECREF(flat_dest);
    Py_DECREF(ro_dest);
    Py_DECREF(zero_dest);
    Py_DECREF(overlapping_dest);
    Py_DECREF(c_src);
    Py_DECREF(plain);
    Py_DECREF(small);
    Py_DECREF(array);
    Py_DECREF(bytes);
    return scenario_end();
}
