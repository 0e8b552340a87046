/* The old buffer protocol's lifetime hazard, made visible.
 *
 * PyObject_AsReadBuffer hands back a pointer after releasing the export it
 * took, so nothing stops the object from moving its memory: a bytearray may
 * be resized at once (that is legal), and the pointer then points at freed
 * storage.  This program does exactly that and reads through the stale
 * pointer, which is a bug: run it under AddressSanitizer to see it caught,
 * or with MINIBUF_POISON=1, which makes minibuf overwrite freed bytearray
 * storage with 0xdd and keep it aside, so the stale bytes show the pattern.
 *
 * Then it does the same the safe way: PyObject_GetBuffer holds the export,
 * the resize is refused with BufferError until PyBuffer_Release.
 */
#include <Python.h>

static void
show(const char *label, const unsigned char *p, Py_ssize_t n)
{
    printf("%s:", label);
    for (Py_ssize_t i = 0; i < n; i++) {
        printf(" %02x", p[i]);
    }
    printf("\n");
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    Py_Initialize();
    PyObject *array = PyByteArray_FromStringAndSize("0123456789abcdef", 16);
    if (array == NULL) {
        PyErr_Print();
        return 1;
    }

    printf("== the hazard: PyObject_AsReadBuffer\n");
    const void *p;
    Py_ssize_t len;
    if (PyObject_AsReadBuffer(array, &p, &len) < 0) {
        PyErr_Print();
        return 1;
    }
    printf("got %zd bytes; exports held afterwards: %zd\n", len,
           ((PyByteArrayObject *)array)->ob_exports);
    show("through the pointer", p, len);
    if (PyByteArray_Resize(array, 4096) < 0) {
        PyErr_Print();
        return 1;
    }
    printf("resized to 4096: allowed, the storage moved: %s\n",
           (const void *)PyByteArray_AS_STRING(array) != p ? "yes" : "no");
    /* The bug: p points at the old, freed storage. */
    show("through the stale pointer", p, len);

    printf("== the safe way: PyObject_GetBuffer\n");
    Py_buffer view;
    if (PyObject_GetBuffer(array, &view, PyBUF_SIMPLE) < 0) {
        PyErr_Print();
        return 1;
    }
    printf("exports held: %zd\n", ((PyByteArrayObject *)array)->ob_exports);
    if (PyByteArray_Resize(array, 8192) < 0) {
        printf("resize while exported: ");
        PyErr_Print();
    }
    show("through the view, still valid", view.buf, 16);
    PyBuffer_Release(&view);
    printf("after PyBuffer_Release, resize: %s\n",
           PyByteArray_Resize(array, 8192) == 0 ? "allowed" : "refused");

    Py_DECREF(array);
    Py_Finalize();
    return 0;
}
