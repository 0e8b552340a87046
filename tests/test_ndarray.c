/* ndarray: construction and its checks, the layout stack, re-export and
 * redirect, forced failures, the legacy export, suboffsets and hashing. */
#include "testutil.h"

static const int numbers[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

static PyObject *
ints(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides,
     Py_ssize_t offset, int flags)
{
    return MbNdArray_New(&(MbNdArraySpec){
        .memory = numbers, .nbytes = sizeof(numbers), .format = "i",
        .ndim = ndim, .shape = shape, .nstrides = strides ? ndim : 0,
        .strides = strides, .offset = offset, .flags = flags});
}

/* The int at index of an exported view (through PyBuffer_GetPointer). */
static int
int_at(PyObject *nd, const Py_ssize_t *index)
{
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(nd, &view, PyBUF_FULL_RO), 0);
    int x;
    memcpy(&x, PyBuffer_GetPointer(&view, index), sizeof(x));
    PyBuffer_Release(&view);
    return x;
}

START_TEST(test_layouts)
{
    PyObject *c = ints(2, (Py_ssize_t[]){3, 4}, NULL, 0, 0);
    ck_assert_int_eq(int_at(c, (Py_ssize_t[]){1, 2}), 6);
    const Py_buffer *v = MbNdArray_Buffer(c);
    ck_assert_int_eq(v->strides[0], 16);
    ck_assert_int_eq(v->readonly, 1);
    ck_assert_str_eq(v->format, "i");
    ck_assert_int_eq(v->len, 48);
    PyObject *f = ints(2, (Py_ssize_t[]){3, 4}, NULL, 0, MB_ND_FORTRAN);
    ck_assert_int_eq(int_at(f, (Py_ssize_t[]){1, 2}), 7);
    ck_assert_int_eq(MbNdArray_Buffer(f)->strides[1], 12);
    PyObject *neg = ints(1, (Py_ssize_t[]){4}, (Py_ssize_t[]){-8}, 44, 0);
    ck_assert_int_eq(int_at(neg, (Py_ssize_t[]){1}), 9);
    PyObject *zero = ints(2, (Py_ssize_t[]){3, 0}, NULL, 0, 0);
    ck_assert_int_eq(MbNdArray_Buffer(zero)->len, 0);
    PyObject *broadcast = ints(2, (Py_ssize_t[]){3, 4},
                               (Py_ssize_t[]){0, 4}, 0, 0);
    ck_assert_int_eq(int_at(broadcast, (Py_ssize_t[]){2, 3}), 3);
    PyObject *scalar = ints(0, NULL, NULL, 20, MB_ND_WRITABLE);
    ck_assert_int_eq(int_at(scalar, NULL), 5);
    ck_assert_ptr_null(MbNdArray_Buffer(scalar)->shape);
    PyObject *objs[] = {c, f, neg, zero, broadcast, scalar};
    for (size_t k = 0; k < 6; k++) {
        Py_DECREF(objs[k]);
    }
}
END_TEST

START_TEST(test_pil_layout)
{
    PyObject *pil = ints(2, (Py_ssize_t[]){3, 4}, NULL, 0, MB_ND_PIL);
    const Py_buffer *v = MbNdArray_Buffer(pil);
    ck_assert_ptr_nonnull(v->suboffsets);
    ck_assert_int_eq(v->suboffsets[0], 0);
    ck_assert_int_eq(v->suboffsets[1], -1);
    ck_assert_int_eq(v->strides[0], (Py_ssize_t)sizeof(char *));
    ck_assert_int_eq(int_at(pil, (Py_ssize_t[]){2, 1}), 9);
    ck_assert_int_eq(PyBuffer_IsContiguous(v, 'A'), 0);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(pil, &view, PyBUF_STRIDED_RO), -1);
    assert_error(PyExc_BufferError,
                 "ndarray cannot be represented without suboffsets");
    /* Rows read backwards still go through the table. */
    PyObject *back = ints(2, (Py_ssize_t[]){3, 4}, (Py_ssize_t[]){-16, 4}, 32,
                          MB_ND_PIL);
    ck_assert_int_eq(int_at(back, (Py_ssize_t[]){0, 1}), 9);
    Py_DECREF(back);
    Py_DECREF(pil);
}
END_TEST

START_TEST(test_construction_errors)
{
    Py_ssize_t many[129];
    for (int i = 0; i < 129; i++) {
        many[i] = 1;
    }
    ck_assert_ptr_null(ints(129, many, NULL, 0, 0));
    assert_error(PyExc_ValueError, "ndim must not exceed 128");
    ck_assert_ptr_null(MbNdArray_New(&(MbNdArraySpec){
        .memory = numbers, .nbytes = 4, .format = "0i", .ndim = 0}));
    assert_error(PyExc_ValueError, "itemsize must not be zero");
    ck_assert_ptr_null(MbNdArray_New(&(MbNdArraySpec){
        .memory = numbers, .nbytes = 4, .format = "T{i}", .ndim = 0}));
    assert_error(MbExc_StructError, "bad char in struct format");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){2}, NULL, 2, 0));
    assert_error(PyExc_ValueError, "offset must be a multiple of itemsize");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){2}, NULL, 48, 0));
    assert_error(PyExc_ValueError, "offset out of bounds");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){2}, (Py_ssize_t[]){6}, 0, 0));
    assert_error(PyExc_ValueError, "strides must be a multiple of itemsize");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){13}, NULL, 0, 0));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){4}, (Py_ssize_t[]){-4}, 8, 0));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    ck_assert_ptr_null(ints(1, (Py_ssize_t[]){-1}, NULL, 0, 0));
    assert_error(PyExc_ValueError, "elements of shape must be integers >= 0");
    ck_assert_ptr_null(ints(2, (Py_ssize_t[]){2, 2}, (Py_ssize_t[]){8, 4}, 0,
                            MB_ND_FORTRAN));
    assert_error(PyExc_TypeError,
                 "ND_FORTRAN cannot be used together with strides");
    ck_assert_ptr_null(ints(0, NULL, NULL, 0, MB_ND_PIL));
    assert_error(PyExc_TypeError,
                 "ndim = 0 cannot be used in conjunction with ND_PIL");
    ck_assert_ptr_null(MbNdArray_New(&(MbNdArraySpec){
        .memory = numbers, .nbytes = 48, .format = "i", .ndim = 2,
        .shape = (Py_ssize_t[]){2, 2}, .nstrides = 1,
        .strides = (Py_ssize_t[]){4}}));
    assert_error(PyExc_ValueError, "len(shape) != len(strides)");
    ck_assert_ptr_null(ints(2, (Py_ssize_t[]){PY_SSIZE_T_MAX / 2, 4}, NULL,
                            0, 0));
    assert_error(PyExc_ValueError,
                 "invalid combination of buffer, shape and strides");
    ck_assert_ptr_null(MbNdArray_New(NULL));
    assert_error(PyExc_SystemError, "null argument to internal routine");
}
END_TEST

START_TEST(test_layout_stack)
{
    PyObject *nd = ints(1, (Py_ssize_t[]){4}, NULL, 0, 0);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(nd, &view, PyBUF_SIMPLE), 0);
    MbNdArraySpec two = {.memory = "ab", .nbytes = 2, .ndim = 1,
                         .shape = (Py_ssize_t[]){2}};
    ck_assert_int_eq(MbNdArray_Push(nd, &two), -1);
    assert_error(PyExc_BufferError, "cannot change structure: 1 exported "
                 "buffer");
    ck_assert_int_eq(MbNdArray_Pop(nd), -1);
    assert_error(PyExc_BufferError, "cannot change structure: 1 exported "
                 "buffer");
    PyBuffer_Release(&view);
    ck_assert_int_eq(MbNdArray_Pop(nd), -1);
    assert_error(PyExc_BufferError, "list only has a single base");
    ck_assert_int_eq(MbNdArray_Push(nd, &two), 0);
    ck_assert_int_eq(MbNdArray_Buffer(nd)->len, 2);
    ck_assert_int_eq(MbNdArray_Pop(nd), 0);
    ck_assert_int_eq(MbNdArray_Buffer(nd)->len, 16);
    two.flags = MB_ND_VAREXPORT;
    ck_assert_int_eq(MbNdArray_Push(nd, &two), -1);
    assert_error(PyExc_ValueError,
                 "ND_VAREXPORT flag can only be used during object creation");
    Py_DECREF(nd);
}
END_TEST

START_TEST(test_varexport_keeps_old_layouts_alive)
{
    PyObject *nd = ints(1, (Py_ssize_t[]){4}, NULL, 0, MB_ND_VAREXPORT);
    Py_buffer first, second;
    ck_assert_int_eq(PyObject_GetBuffer(nd, &first, PyBUF_FULL_RO), 0);
    MbNdArraySpec two = {.memory = "ab", .nbytes = 2, .ndim = 1,
                         .shape = (Py_ssize_t[]){2}};
    ck_assert_int_eq(MbNdArray_Push(nd, &two), 0);
    ck_assert_int_eq(PyObject_GetBuffer(nd, &second, PyBUF_FULL_RO), 0);
    ck_assert_int_eq(second.len, 2);
    /* Pop the exported head: both exports still read their layouts. */
    ck_assert_int_eq(MbNdArray_Pop(nd), 0);
    ck_assert_int_eq(((char *)second.buf)[1], 'b');
    ck_assert_int_eq(((int *)first.buf)[3], 3);
    PyBuffer_Release(&second);
    PyBuffer_Release(&first);
    ck_assert_int_eq(MbNdArray_Buffer(nd)->len, 16);
    Py_DECREF(nd);
}
END_TEST

START_TEST(test_reexport_shows_any_request)
{
    PyObject *b = PyBytes_FromString("abcd");
    PyObject *re = MbNdArray_FromExporter(b, PyBUF_SIMPLE, 0);
    const Py_buffer *v = MbNdArray_Buffer(re);
    ck_assert_ptr_null(v->shape);
    ck_assert_ptr_null(v->format);
    ck_assert_int_eq(v->len, 4);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(re, &view, PyBUF_SIMPLE), 0);
    ck_assert_ptr_eq(view.obj, re);
    PyBuffer_Release(&view);
    ck_assert_int_eq(PyObject_GetBuffer(re, &view, PyBUF_ND), -1);
    assert_error(PyExc_BufferError,
                 "re-exporter does not provide format, shape or strides");
    ck_assert_int_eq(MbNdArray_Push(re, &(MbNdArraySpec){.nbytes = 1,
                                                         .ndim = 0}), -1);
    assert_error(PyExc_BufferError,
                 "structure of re-exporting object is immutable");
    PyObject *strided = MbNdArray_FromExporter(b, PyBUF_STRIDES, 0);
    ck_assert_int_eq(PyObject_GetBuffer(strided, &view, PyBUF_FULL_RO), 0);
    ck_assert_str_eq(view.format, "B");
    PyBuffer_Release(&view);
    ck_assert_ptr_null(MbNdArray_FromExporter(b, PyBUF_WRITABLE, 0));
    assert_error(PyExc_BufferError, "Object is not writable.");
    ck_assert_ptr_null(MbNdArray_FromExporter(b, 0, MB_ND_WRITABLE));
    assert_error(PyExc_TypeError, "construction from exporter object only "
                 "takes 'obj', 'getbuf' and 'flags' arguments");
    Py_DECREF(strided);
    Py_DECREF(re);
    ck_assert_int_eq(Py_REFCNT(b), 1);
    Py_DECREF(b);
}
END_TEST

START_TEST(test_redirect_reaches_the_root)
{
    PyObject *root = ints(1, (Py_ssize_t[]){4}, NULL, 0, 0);
    PyObject *mid = MbNdArray_FromExporter(root, PyBUF_FULL_RO,
                                           MB_ND_REDIRECT);
    PyObject *top = MbNdArray_FromExporter(mid, PyBUF_FULL_RO,
                                           MB_ND_REDIRECT);
    Py_buffer view;
    ck_assert_int_eq(PyObject_GetBuffer(top, &view, PyBUF_FULL_RO), 0);
    ck_assert_ptr_eq(view.obj, root);
    PyObject *mv = PyMemoryView_FromObject(top);
    ck_assert_ptr_eq(PyMemoryView_GET_BASE(mv), root);
    PyBuffer_Release(&view);
    Py_DECREF(mv);
    PyObject *plain = MbNdArray_FromExporter(root, PyBUF_FULL_RO, 0);
    ck_assert_int_eq(PyObject_GetBuffer(plain, &view, PyBUF_FULL_RO), 0);
    ck_assert_ptr_eq(view.obj, plain);
    PyBuffer_Release(&view);
    Py_DECREF(plain);
    Py_DECREF(top);
    Py_DECREF(mid);
    Py_DECREF(root);
}
END_TEST

START_TEST(test_forced_failures)
{
    PyObject *fail = ints(1, (Py_ssize_t[]){4}, NULL, 0, MB_ND_GETBUF_FAIL);
    Py_buffer view;
    view.obj = NULL;
    ck_assert_int_eq(PyObject_GetBuffer(fail, &view, PyBUF_SIMPLE), -1);
    assert_error(PyExc_BufferError, "ND_GETBUF_FAIL: forced test exception");
    ck_assert_ptr_null(view.obj);
    PyObject *undefined = ints(1, (Py_ssize_t[]){4}, NULL, 0,
                               MB_ND_GETBUF_FAIL | MB_ND_GETBUF_UNDEFINED);
    ck_assert_int_eq(PyObject_GetBuffer(undefined, &view, PyBUF_SIMPLE), -1);
    PyErr_Clear();
    ck_assert_ptr_eq(view.obj, (PyObject *)0x1);
    /* memoryview must not keep a half-built view. */
    ck_assert_ptr_null(PyMemoryView_FromObject(undefined));
    PyErr_Clear();
    Py_DECREF(undefined);
    Py_DECREF(fail);
}
END_TEST

START_TEST(test_legacy_export_leaves_obj_null)
{
    PyObject *legacy = ints(1, (Py_ssize_t[]){4}, NULL, 0, MB_ND_LEGACY);
    PyObject *mv = PyMemoryView_FromObject(legacy);
    ck_assert_ptr_nonnull(mv);
    ck_assert_ptr_null(PyMemoryView_GET_BASE(mv));
    int x;
    ck_assert_int_eq(MbMemoryView_GetItem(mv, (Py_ssize_t[]){2}, 1, &x), 0);
    ck_assert_int_eq(x, 2);
    Py_DECREF(mv);
    Py_DECREF(legacy);
}
END_TEST

START_TEST(test_add_suboffsets)
{
    PyObject *nd = ints(2, (Py_ssize_t[]){3, 4}, NULL, 0, 0);
    ck_assert_int_eq(PyBuffer_IsContiguous(MbNdArray_Buffer(nd), 'C'), 1);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(nd), 0);
    const Py_buffer *v = MbNdArray_Buffer(nd);
    ck_assert_int_eq(v->suboffsets[0], -1);
    ck_assert_int_eq(PyBuffer_IsContiguous(v, 'C'), 0);
    ck_assert_int_eq(int_at(nd, (Py_ssize_t[]){2, 3}), 11);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(nd), -1);
    assert_error(PyExc_TypeError, "cannot add suboffsets to PIL-style array");
    /* A re-exporter takes them on a copy of its exporter's arrays; one
       holding a view without strides cannot. */
    PyObject *re = MbNdArray_FromExporter(nd, PyBUF_FULL_RO, 0);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(re), -1);
    assert_error(PyExc_TypeError, "cannot add suboffsets to PIL-style array");
    Py_DECREF(re);
    Py_DECREF(nd);
    nd = ints(2, (Py_ssize_t[]){3, 4}, NULL, 0, 0);
    re = MbNdArray_FromExporter(nd, PyBUF_FULL_RO, 0);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(re), 0);
    ck_assert_int_eq(MbNdArray_Buffer(re)->suboffsets[1], -1);
    ck_assert_int_eq(MbNdArray_Buffer(nd)->suboffsets == NULL, 1);
    ck_assert_int_eq(int_at(re, (Py_ssize_t[]){1, 2}), 6);
    Py_DECREF(re);
    re = MbNdArray_FromExporter(nd, PyBUF_ND, 0);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(re), -1);
    assert_error(PyExc_TypeError, "cannot add suboffsets to array without "
                                  "strides");
    Py_DECREF(re);
    Py_DECREF(nd);
    /* A 0-d array has no strides: _testbuffer's message. */
    nd = ints(0, NULL, NULL, 0, 0);
    ck_assert_int_eq(MbNdArray_AddSuboffsets(nd), -1);
    assert_error(PyExc_TypeError, "cannot add suboffsets to array without "
                                  "strides");
    Py_DECREF(nd);
}
END_TEST

START_TEST(test_hash)
{
    PyObject *ro = MbNdArray_New(&(MbNdArraySpec){
        .memory = "abcd", .nbytes = 4, .ndim = 1,
        .shape = (Py_ssize_t[]){4}});
    PyObject *b = PyBytes_FromString("abcd");
    ck_assert_int_eq(PyObject_Hash(ro), PyObject_Hash(b));
    PyObject *rw = ints(1, (Py_ssize_t[]){4}, NULL, 0, MB_ND_WRITABLE);
    ck_assert_int_eq(PyObject_Hash(rw), -1);
    assert_error(PyExc_ValueError, "cannot hash writable ndarray object");
    PyObject *mv = PyMemoryView_FromObject(rw);
    PyObject *ro_view = MbMemoryView_ToReadOnly(mv);
    PyObject *bytes_view = MbMemoryView_Cast(ro_view, "B", NULL, 0);
    ck_assert_int_eq(PyObject_Hash(bytes_view), -1);
    assert_error(PyExc_ValueError, "cannot hash writable ndarray object");
    Py_DECREF(bytes_view);
    Py_DECREF(ro_view);
    Py_DECREF(mv);
    Py_DECREF(rw);
    Py_DECREF(b);
    Py_DECREF(ro);
}
END_TEST

/* --- Sub-arrays ----------------------------------------------------------- */

START_TEST(test_index_drops_the_first_dimension)
{
    static const Py_ssize_t shape[2] = {3, 4};
    PyObject *nd = ints(2, shape, NULL, 0, MB_ND_WRITABLE);
    PyObject *row = MbNdArray_Index(nd, 2);
    ck_assert_ptr_nonnull(row);
    const Py_buffer *view = MbNdArray_Buffer(row);
    ck_assert_int_eq(view->ndim, 1);
    ck_assert_int_eq(view->shape[0], 4);
    ck_assert_int_eq(int_at(row, (Py_ssize_t[]){1}), 9);
    /* The view writes into nd's memory, and holds nd's layout in place. */
    Py_buffer w;
    ck_assert_int_eq(PyObject_GetBuffer(row, &w, PyBUF_FULL), 0);
    ((int *)w.buf)[0] = 80;
    PyBuffer_Release(&w);
    ck_assert_int_eq(int_at(nd, (Py_ssize_t[]){2, 0}), 80);
    ck_assert_int_eq(MbNdArray_Pop(nd), -1);
    assert_error(PyExc_BufferError, "cannot change structure: 1 exported "
                                    "buffer");
    PyObject *item = MbNdArray_Index(row, 3);
    ck_assert_int_eq(MbNdArray_Buffer(item)->ndim, 0);
    ck_assert_int_eq(int_at(item, NULL), 11);
    ck_assert_ptr_null(MbNdArray_Index(item, 0));
    assert_error(PyExc_TypeError, "invalid indexing of scalar");
    ck_assert_ptr_null(MbNdArray_Index(nd, 3));
    assert_error(PyExc_IndexError, "index out of bounds");
    Py_DECREF(item);
    Py_DECREF(row);
    Py_DECREF(nd);
}
END_TEST

START_TEST(test_slices)
{
    static const Py_ssize_t shape[2] = {3, 4};
    PyObject *nd = ints(2, shape, NULL, 0, 0);
    /* nd[::-2, 1:3]: rows 2 and 0, columns 1 and 2. */
    MbNdSlice key[2] = {{2, -2, 2}, {1, 1, 2}};
    PyObject *sub = MbNdArray_Slice(nd, key, 2);
    ck_assert_ptr_nonnull(sub);
    const Py_buffer *view = MbNdArray_Buffer(sub);
    ck_assert_int_eq(view->shape[0], 2);
    ck_assert_int_eq(view->strides[0], -32);
    ck_assert_int_eq(view->len, 16);
    ck_assert_int_eq(int_at(sub, (Py_ssize_t[]){0, 0}), 9);
    ck_assert_int_eq(int_at(sub, (Py_ssize_t[]){1, 1}), 2);
    Py_DECREF(sub);
    ck_assert_ptr_null(MbNdArray_Slice(nd, key, 3));
    assert_error(PyExc_IndexError, "too many slices: the array has 2 "
                                   "dimensions");
    MbNdSlice outside = {3, 1, 1};
    ck_assert_ptr_null(MbNdArray_Slice(nd, &outside, 1));
    assert_error(PyExc_ValueError, "slice does not fit the dimension");
    Py_DECREF(nd);
}
END_TEST

/* An exporter of two rows of two bytes through row pointers that point at
   each row's first item, its columns backwards (strides (8, -1),
   suboffsets (0, -1)): a layout minibuf's ndarray never makes, whose
   column slices would need a negative suboffset. */
static char pointed_rows[2][2] = {{'a', 'b'}, {'c', 'd'}};
static char *row_pointers[2] = {&pointed_rows[0][1], &pointed_rows[1][1]};

static int
pointed_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    static Py_ssize_t shape[2] = {2, 2}, strides[2] = {8, -1};
    static Py_ssize_t suboffsets[2] = {0, -1};
    (void)flags;
    *view = (Py_buffer){.buf = row_pointers, .obj = Py_NewRef(self),
                        .len = 4, .itemsize = 1, .readonly = 1, .ndim = 2,
                        .format = (char *)"B", .shape = shape,
                        .strides = strides,
                        .suboffsets = suboffsets};
    return 0;
}

static PyBufferProcs pointed_procs = {pointed_getbuffer, NULL};

static PyTypeObject PointedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "test.Pointed",
    .tp_basicsize = sizeof(PyObject),
    .tp_as_buffer = &pointed_procs,
};

/* A layout with suboffsets: slicing a later dimension moves the
   suboffset, and never below 0. */
START_TEST(test_slices_of_a_pil_layout)
{
    static const Py_ssize_t shape[2] = {3, 4};
    static const Py_ssize_t backwards[2] = {16, -4};
    PyObject *nd = ints(2, shape, NULL, 0, MB_ND_PIL);
    MbNdSlice key[2] = {{1, 1, 2}, {1, 1, 3}};
    PyObject *sub = MbNdArray_Slice(nd, key, 2);
    ck_assert_int_eq(MbNdArray_Buffer(sub)->suboffsets[0], 4);
    ck_assert_int_eq(int_at(sub, (Py_ssize_t[]){1, 2}), 11);
    Py_DECREF(sub);
    PyObject *row = MbNdArray_Index(nd, 1);
    ck_assert_int_eq(int_at(row, (Py_ssize_t[]){3}), 7);
    Py_DECREF(row);
    Py_DECREF(nd);
    /* Backwards columns: the rows point at their lowest byte, 12 bytes
       before the first item, and a slice brings that down. */
    nd = ints(2, shape, backwards, 12, MB_ND_PIL);
    ck_assert_int_eq(MbNdArray_Buffer(nd)->suboffsets[0], 12);
    MbNdSlice last_two[2] = {{0, 1, 3}, {2, 1, 2}};
    sub = MbNdArray_Slice(nd, last_two, 2);
    ck_assert_int_eq(MbNdArray_Buffer(sub)->suboffsets[0], 4);
    ck_assert_int_eq(int_at(sub, (Py_ssize_t[]){2, 0}), 9);
    Py_DECREF(sub);
    Py_DECREF(nd);
    /* Another exporter's layout that would need a negative suboffset. */
    PyObject *pointed = _PyObject_New(&PointedType);
    nd = MbNdArray_FromExporter(pointed, PyBUF_FULL_RO, 0);
    MbNdSlice second_column[2] = {{0, 1, 2}, {1, 1, 1}};
    ck_assert_ptr_null(MbNdArray_Slice(nd, second_column, 2));
    assert_error(PyExc_NotImplementedError, "this slice of a layout with "
                 "suboffsets would need a negative suboffset");
    Py_DECREF(nd);
    Py_DECREF(pointed);
}
END_TEST

static Suite *
ndarray_suite(void)
{
    Suite *s = suite_create("ndarray");
    TCase *tc = mb_tcase(s, "construction");
    tcase_add_test(tc, test_layouts);
    tcase_add_test(tc, test_pil_layout);
    tcase_add_test(tc, test_construction_errors);
    tc = mb_tcase(s, "layout stack");
    tcase_add_test(tc, test_layout_stack);
    tcase_add_test(tc, test_varexport_keeps_old_layouts_alive);
    tc = mb_tcase(s, "re-export");
    tcase_add_test(tc, test_reexport_shows_any_request);
    tcase_add_test(tc, test_redirect_reaches_the_root);
    tcase_add_test(tc, test_forced_failures);
    tcase_add_test(tc, test_legacy_export_leaves_obj_null);
    tc = mb_tcase(s, "sub-arrays");
    tcase_add_test(tc, test_index_drops_the_first_dimension);
    tcase_add_test(tc, test_slices);
    tcase_add_test(tc, test_slices_of_a_pil_layout);
    tc = mb_tcase(s, "suboffsets and hash");
    tcase_add_test(tc, test_add_suboffsets);
    tcase_add_test(tc, test_hash);
    return s;
}

int
main(void)
{
    return mb_run(ndarray_suite());
}
