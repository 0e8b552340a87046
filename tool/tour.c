/* minibuf tour: a guided walk through the buffer protocol.
 *
 * Every value printed comes from a call made here: nothing in the text is
 * written in by hand but the explanations.  No address is printed; where
 * one matters, its relation to another is (equal, moved, offset).
 */
#include "tool.h"

static const char usage[] =
    "usage: minibuf tour [SECTION]\n"
    "\n"
    "A guided, runnable walk through CPython's buffer protocol with real\n"
    "calls, in six sections (SECTION, 1 to 6, shows one):\n"
    "  1  an exporter and a consumer\n"
    "  2  the request flags one by one on bytes, bytearray and\n"
    "     N-dimensional arrays\n"
    "  3  memoryview's managed buffer\n"
    "  4  bytearray's export lock\n"
    "  5  the old functions, and why their pointer outlives its export\n"
    "  6  a strided copy\n";

static void
section(int number, const char *title)
{
    printf("\n%d. %s\n", number, title);
    for (size_t i = 0; i < strlen(title) + 3; i++) {
        putchar('-');
    }
    putchar('\n');
}

/* The tour's calls succeed unless the library runs out of memory, which
 * ends the tour (need(), take_exception()): a failure is never shown as a
 * result.
 */

/* Make a request and say what came of it in one line. */
static int
ask(PyObject *exporter, int flags, Py_buffer *view)
{
    char name[96];
    MbRequest_Describe(flags, name, sizeof(name));
    int result = PyObject_GetBuffer(exporter, view, flags);
    printf("  %-34s ", name);
    if (result < 0) {
        printf("refused: %s\n", take_exception());
        return -1;
    }
    printf("granted: ndim %d", view->ndim);
    if (view->shape != NULL) {
        printf(", shape ");
        print_tuple(stdout, view->shape, view->ndim);
    }
    else {
        printf(", shape NULL");
    }
    if (view->strides != NULL) {
        printf(", strides ");
        print_tuple(stdout, view->strides, view->ndim);
    }
    if (view->suboffsets != NULL) {
        printf(", suboffsets ");
        print_tuple(stdout, view->suboffsets, view->ndim);
    }
    printf(", format %s%s%s, readonly %d\n", view->format ? "\"" : "",
           view->format ? view->format : "NULL", view->format ? "\"" : "",
           view->readonly);
    return 0;
}

static void
ask_and_release(PyObject *exporter, int flags)
{
    Py_buffer view;
    if (ask(exporter, flags, &view) == 0) {
        PyBuffer_Release(&view);
    }
}

/* An array over memory that holds 0, 1, 2, ... as items of the format
   ("i": int32, "B": bytes). */
static PyObject *
ndarray(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides,
        const char *format, int flags)
{
    static union {
        unsigned char bytes[256];
        int ints[64];
    } memory;
    for (int i = 0; i < 256; i++) {
        if (strcmp(format, "i") == 0 && i < 64) {
            memory.ints[i] = i;
        }
        else if (strcmp(format, "i") != 0) {
            memory.bytes[i] = (unsigned char)i;
        }
    }
    MbNdArraySpec spec = {&memory, sizeof(memory), format, ndim, shape,
                          strides ? ndim : 0, strides, 0, flags};
    return need(MbNdArray_New(&spec));
}

static void
exporter_and_consumer(void)
{
    section(1, "An exporter and a consumer");
    printf("An exporter owns memory; a consumer asks it for a Py_buffer, a\n"
           "description of that memory, and gives it back when done.\n\n");
    PyObject *b = need(PyBytes_FromString("minibuf"));
    Py_ssize_t before = Py_REFCNT(b);
    Py_buffer view;
    int result = PyObject_GetBuffer(b, &view, PyBUF_SIMPLE);
    if (result < 0) {
        fail("%s", take_exception());
    }
    printf("b = bytes b'minibuf'\n");
    printf("PyObject_GetBuffer(b, &view, PyBUF_SIMPLE) -> %d\n", result);
    printf("  view.buf is the bytes' own storage: %s\n",
           view.buf == PyBytes_AS_STRING(b) ? "yes (no copy)" : "no");
    printf("  view.len %zd, view.readonly %d, view.itemsize %zd\n",
           view.len, view.readonly, view.itemsize);
    printf("  view.obj is b: %s; b's reference count %zd -> %zd\n",
           view.obj == b ? "yes" : "no", before, Py_REFCNT(b));
    PyBuffer_Release(&view);
    printf("PyBuffer_Release(&view): reference count back to %zd, view.obj "
           "is %s\n", Py_REFCNT(b), view.obj ? "still set" : "now NULL");
    printf("The consumer must release exactly once: the reference in\n"
           "view.obj keeps the memory alive until then.\n");
    Py_DECREF(b);
}

static void
requests(void)
{
    section(2, "Requests, one flag at a time");
    printf("The flags say what the consumer can handle; the exporter fills\n"
           "only those fields, or refuses with BufferError.\n\n");
    PyObject *b = need(PyBytes_FromString("minibuf"));
    PyObject *a = need(PyByteArray_FromStringAndSize("minibuf", 7));
    printf("bytes b'minibuf':\n");
    ask_and_release(b, PyBUF_SIMPLE);
    ask_and_release(b, PyBUF_WRITABLE);
    ask_and_release(b, PyBUF_FORMAT);
    ask_and_release(b, PyBUF_ND);
    ask_and_release(b, PyBUF_STRIDES);
    printf("bytearray b'minibuf' (writable):\n");
    ask_and_release(a, PyBUF_WRITABLE);
    static const Py_ssize_t shape[2] = {3, 4};
    PyObject *c = ndarray(2, shape, NULL, "i", MB_ND_WRITABLE);
    printf("a 3 x 4 array of int32 (0, 1, 2, ...) in C order (rows one "
           "after another):\n");
    ask_and_release(c, PyBUF_SIMPLE);
    ask_and_release(c, PyBUF_ND);
    ask_and_release(c, PyBUF_STRIDES | PyBUF_FORMAT);
    ask_and_release(c, PyBUF_F_CONTIGUOUS);
    PyObject *f = ndarray(2, shape, NULL, "i", MB_ND_FORTRAN);
    printf("the same shape in Fortran order (columns one after another):\n");
    ask_and_release(f, PyBUF_ND);
    ask_and_release(f, PyBUF_F_CONTIGUOUS);
    ask_and_release(f, PyBUF_ANY_CONTIGUOUS);
    static const Py_ssize_t half[2] = {3, 2}, every_other[2] = {16, 8};
    PyObject *s = ndarray(2, half, every_other, "i", 0);
    printf("every other column of the C array (strides (16, 8)):\n");
    ask_and_release(s, PyBUF_ND);
    ask_and_release(s, PyBUF_ANY_CONTIGUOUS);
    ask_and_release(s, PyBUF_STRIDES);
    PyObject *p = ndarray(2, shape, NULL, "i", MB_ND_PIL);
    printf("rows reached through a table of pointers (PIL style):\n");
    ask_and_release(p, PyBUF_STRIDES);
    ask_and_release(p, PyBUF_INDIRECT);
    Py_buffer view;
    if (PyObject_GetBuffer(p, &view, PyBUF_FULL_RO) < 0) {
        fail("%s", take_exception());
    }
    Py_ssize_t index[2] = {2, 3};
    int value;
    memcpy(&value, PyBuffer_GetPointer(&view, index), sizeof(value));
    printf("  PyBuffer_GetPointer follows the suboffsets: item (2, 3) "
           "holds %d\n", value);
    PyBuffer_Release(&view);
    Py_DECREF(p);
    Py_DECREF(s);
    Py_DECREF(f);
    Py_DECREF(c);
    Py_DECREF(a);
    Py_DECREF(b);
}

static Py_ssize_t
exports_of(PyObject *bytearray)
{
    return ((PyByteArrayObject *)bytearray)->ob_exports;
}

static void
managed_buffer(void)
{
    section(3, "memoryview and its managed buffer");
    printf("A memoryview does not ask the exporter again for each view: it\n"
           "asks once, keeps the answer in a managed buffer, and every\n"
           "slice or cast of it shares that one export.\n\n");
    PyObject *a = need(PyByteArray_FromStringAndSize("0123456789", 10));
    printf("a = bytearray b'0123456789': exports %zd\n", exports_of(a));
    PyObject *m = need(PyMemoryView_FromObject(a));
    printf("m = memoryview(a): exports %zd\n", exports_of(a));
    PyObject *s = need(MbMemoryView_Slice(m, 2, 8, 2));
    PyObject *bytes = need(MbMemoryView_ToBytes(s, 'C'));
    printf("s = m[2:8:2], which holds b'%s': exports still %zd\n",
           PyBytes_AS_STRING(bytes), exports_of(a));
    Py_DECREF(bytes);
    Py_DECREF(m);
    printf("drop m: exports %zd (s keeps the managed buffer)\n",
           exports_of(a));
    Py_DECREF(s);
    printf("drop s: exports %zd\n", exports_of(a));
    Py_DECREF(a);
}

static void
export_lock(void)
{
    section(4, "The export lock of bytearray");
    printf("While a buffer of a bytearray is exported its storage must not\n"
           "move, so it refuses to change size.\n\n");
    PyObject *a = need(PyByteArray_FromStringAndSize("minibuf", 7));
    Py_buffer view;
    if (PyObject_GetBuffer(a, &view, PyBUF_SIMPLE) < 0) {
        fail("%s", take_exception());
    }
    printf("with a view exported, PyByteArray_Resize(a, 100) -> %d\n",
           PyByteArray_Resize(a, 100));
    printf("  %s\n", take_exception());
    PyBuffer_Release(&view);
    int result = PyByteArray_Resize(a, 100);
    if (result < 0) {
        fail("%s", take_exception());
    }
    printf("after PyBuffer_Release, PyByteArray_Resize(a, 100) -> %d\n",
           result);
    Py_DECREF(a);
}

static void
old_protocol(void)
{
    section(5, "The old functions, and why their pointer outlives its "
               "export");
    printf("PyObject_AsReadBuffer and its siblings get a buffer, release it,\n"
           "and only then return the pointer: nothing holds the export\n"
           "while the caller uses it.\n\n");
    PyObject *a = need(PyByteArray_FromStringAndSize("minibuf", 7));
    const void *p;
    Py_ssize_t len;
    int result = PyObject_AsReadBuffer(a, &p, &len);
    if (result < 0) {
        fail("%s", take_exception());
    }
    printf("PyObject_AsReadBuffer(a, &p, &len) -> %d, len %zd\n", result,
           len);
    printf("  p is a's storage: %s; exports held now: %zd\n",
           p == PyByteArray_AS_STRING(a) ? "yes" : "no", exports_of(a));
    result = PyByteArray_Resize(a, 4096);
    if (result < 0) {
        fail("%s", take_exception());
    }
    printf("so PyByteArray_Resize(a, 4096) is allowed -> %d, and the "
           "storage %s\n", result,
           p == PyByteArray_AS_STRING(a) ? "stayed" : "moved");
    printf("  p now points at memory a no longer owns: reading it is a\n"
           "  use after free (examples/lifetime_hazard shows it, and\n"
           "  docs/old-protocol.md explains it).\n");
    printf("The new protocol's answer: hold the Py_buffer until done.\n");
    Py_DECREF(a);
}

static void
print_bytes(const char *label, const unsigned char *bytes, Py_ssize_t n)
{
    printf("%s", label);
    for (Py_ssize_t i = 0; i < n; i++) {
        printf(" %d", bytes[i]);
    }
    printf("\n");
}

static void
strided_copy(void)
{
    section(6, "A strided copy");
    printf("PyBuffer_ToContiguous gathers a strided view into contiguous\n"
           "memory in C or Fortran order; PyBuffer_FromContiguous scatters\n"
           "it back; PyObject_CopyData copies between two exporters.\n\n");
    static const Py_ssize_t shape[2] = {3, 2}, strides[2] = {6, 2};
    PyObject *s = ndarray(2, shape, strides, "B", MB_ND_WRITABLE);
    Py_buffer view;
    if (PyObject_GetBuffer(s, &view, PyBUF_FULL) < 0) {
        fail("%s", take_exception());
    }
    unsigned char out[6];
    printf("every other byte of rows of 6: shape (3, 2), strides (6, 2), "
           "over memory 0, 1, 2, ...\n");
    (void)PyBuffer_ToContiguous(out, &view, view.len, 'C');
    print_bytes("  ToContiguous 'C':", out, 6);
    (void)PyBuffer_ToContiguous(out, &view, view.len, 'F');
    print_bytes("  ToContiguous 'F':", out, 6);
    static const unsigned char values[6] = {90, 91, 92, 93, 94, 95};
    (void)PyBuffer_FromContiguous(&view, values, 6, 'C');
    (void)PyBuffer_ToContiguous(out, &view, view.len, 'C');
    print_bytes("  FromContiguous 'C' of 90..95, then ToContiguous 'C':",
                out, 6);
    printf("  the bytes between stay as they were: memory[1] is %d\n",
           ((unsigned char *)view.buf)[1]);
    PyObject *f = ndarray(2, shape, NULL, "B", MB_ND_WRITABLE | MB_ND_FORTRAN);
    Py_buffer fview;
    if (PyObject_CopyData(f, s) < 0
        || PyObject_GetBuffer(f, &fview, PyBUF_FULL_RO) < 0) {
        fail("%s", take_exception());
    }
    print_bytes("  PyObject_CopyData into a Fortran-order array, whose "
                "memory then holds:", fview.buf, 6);
    PyBuffer_Release(&fview);
    PyBuffer_Release(&view);
    Py_DECREF(f);
    Py_DECREF(s);
    printf("\nNext: 'minibuf request', 'minibuf matrix', 'minibuf layout' "
           "and 'minibuf format'\nshow any exporter, request, layout or "
           "format; 'minibuf --help' lists them.\n");
}

int
command_tour(int argc, char **argv)
{
    static void (*const sections[])(void) = {
        exporter_and_consumer, requests, managed_buffer, export_lock,
        old_protocol, strided_copy,
    };
    const int count = (int)(sizeof(sections) / sizeof(sections[0]));
    if (wants_help(argc, argv, usage)) {
        return 0;
    }
    if (argc > 1) {
        usage_error("tour", "unexpected argument '%s'", argv[1]);
    }
    if (argc == 1) {
        char *end;
        long n = strtol(argv[0], &end, 10);
        if (*end != '\0' || n < 1 || n > count) {
            usage_error("tour", "no section '%s' (1 to %d)", argv[0],
                        count);
        }
        sections[n - 1]();
        return 0;
    }
    printf("minibuf tour: CPython's buffer protocol, with real calls\n");
    for (int i = 0; i < count; i++) {
        sections[i]();
    }
    return 0;
}
