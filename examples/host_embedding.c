/* A host that is not Python, reaching minibuf only through the host API
 * (mbhost.h), as a foreign function interface would: no PyTypeObject, no
 * macro, no inline function, no structure but Py_buffer.
 *
 * The host is a small data logger.  It keeps a table of readings, 4
 * samples of 3 channels as doubles, in column-major order (one channel
 * after another), and a growable log of bytes.  It shares both with a C
 * library written for CPython's buffer API, channel_means(), which knows
 * nothing of the host:
 * - the table as a host array: described once, every request answered by
 *   minibuf, the host told when the last view is gone;
 * - the log through a type made of two callbacks, which counts its
 *   exports so that the log cannot grow under a consumer.
 * docs/embedding.md walks through this program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minibuf.h>

/* --- The library written for CPython's API --------------------------------- */

/* The mean of each channel (column) of a 2-D exporter of doubles, any
   strides, printed; 0, or -1 with an exception set. */
static int
channel_means(PyObject *table)
{
    Py_buffer view;
    if (PyObject_GetBuffer(table, &view, PyBUF_RECORDS_RO) < 0) {
        return -1;
    }
    if (view.ndim != 2 || strcmp(view.format, "d") != 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_TypeError, "a 2-D table of doubles expected");
        return -1;
    }
    for (Py_ssize_t j = 0; j < view.shape[1]; j++) {
        double sum = 0;
        for (Py_ssize_t i = 0; i < view.shape[0]; i++) {
            Py_ssize_t at[2] = {i, j};
            double value;
            memcpy(&value, PyBuffer_GetPointer(&view, at), sizeof(value));
            sum += value;
        }
        printf("  channel %zd: mean %.2f\n", j, sum / (double)view.shape[0]);
    }
    PyBuffer_Release(&view);
    return 0;
}

/* --- The host ------------------------------------------------------------- */

/* Prints the pending exception as the host would report it, and clears
   it. */
static void
report(const char *what)
{
    printf("%s: %s: %s\n", what, MbErr_TypeName(), MbErr_Message());
    PyErr_Clear();
}

/* The table's release callback: no view of it is left. */
static void
table_released(void *host)
{
    (void)host;
    printf("host: no view of the table is left; it may be freed\n");
}

/* The host's growable log, exported through two callbacks. */
typedef struct {
    char *bytes;
    Py_ssize_t length;
    Py_ssize_t exports;      /* views granted and not yet released */
} Log;

/* getbuffer of the log type: the bytes, as one writable dimension.  The
   view's shape points at log->length, which cannot change while a view
   is held: log_append refuses to grow the log then. */
static int
log_getbuffer(PyObject *exporter, void *host, Py_buffer *view, int flags)
{
    static Py_ssize_t one = 1;
    static char bytes_format[] = "B";
    Log *log = host;
    Py_buffer layout = {.buf = log->bytes, .len = log->length,
                        .itemsize = 1, .ndim = 1, .format = bytes_format,
                        .shape = &log->length, .strides = &one};
    if (MbBuffer_FillLayout(view, exporter, &layout, flags) < 0) {
        return -1;
    }
    log->exports++;
    return 0;
}

static void
log_releasebuffer(PyObject *exporter, void *host, Py_buffer *view)
{
    (void)exporter;
    (void)view;
    Log *log = host;
    log->exports--;
}

/* Appends text to the log, unless a consumer holds a view of it. */
static int
log_append(Log *log, const char *text)
{
    if (log->exports > 0) {
        printf("host: cannot grow the log: %zd view(s) held\n",
               log->exports);
        return -1;
    }
    size_t n = strlen(text);
    char *grown = realloc(log->bytes, (size_t)log->length + n);
    if (grown == NULL) {
        return -1;
    }
    memcpy(grown + log->length, text, n);
    log->bytes = grown;
    log->length += (Py_ssize_t)n;
    return 0;
}

static void
log_free(void *host)
{
    Log *log = host;
    printf("host: the log is freed (%zd bytes)\n", log->length);
    free(log->bytes);
    free(log);
}

int
main(void)
{
    /* The table, column-major: channel 0's four samples, then 1's, 2's. */
    static double readings[12] = {1, 2, 3, 4,  10, 20, 30, 40,
                                  0.5, 0.5, 1.5, 1.5};
    static char doubles[] = "d";
    Py_ssize_t shape[2] = {4, 3};
    Py_ssize_t strides[2] = {sizeof(double), 4 * sizeof(double)};
    Py_buffer layout = {.buf = readings, .len = sizeof(readings),
                        .itemsize = sizeof(double), .readonly = 1,
                        .ndim = 2, .format = doubles, .shape = shape,
                        .strides = strides};
    PyObject *table = MbHostArray_New(&layout, readings, table_released);
    if (table == NULL) {
        report("MbHostArray_New");
        return 1;
    }
    printf("table: a %s, refcount %zd\n", MbObject_TypeName(table),
           MbObject_RefCount(table));
    printf("channel_means(table):\n");
    if (channel_means(table) < 0) {
        report("channel_means");
    }

    /* Requests the layout cannot answer are refused as CPython would. */
    Py_buffer view;
    if (PyObject_GetBuffer(table, &view, PyBUF_C_CONTIGUOUS) < 0) {
        report("C-contiguous request");
    }
    if (PyObject_GetBuffer(table, &view, PyBUF_WRITABLE) < 0) {
        report("writable request");
    }

    /* A memoryview holds a view, so the table outlives the host's
       reference until the memoryview goes. */
    PyObject *mv = PyMemoryView_FromObject(table);
    Py_DecRef(table);
    const Py_buffer *seen = MbMemoryView_Buffer(mv);
    Py_ssize_t at[2] = {3, 1};
    printf("memoryview of the table: strides (%zd, %zd), item [3, 1] %.1f\n",
           seen->strides[0], seen->strides[1],
           *(const double *)PyBuffer_GetPointer(seen, at));
    printf("dropping the memoryview:\n");
    Py_DecRef(mv);

    /* The log, through a type made of callbacks. */
    PyObject *type = MbHostType_New("logger.Log", log_getbuffer,
                                    log_releasebuffer);
    Log *log = calloc(1, sizeof(*log));
    PyObject *exporter = log ? MbHostObject_New(type, log, log_free) : NULL;
    if (exporter == NULL) {
        free(log);
        Py_DecRef(type);
        return 1;
    }
    Py_DecRef(type);         /* each instance holds its type */
    log_append(log, "boot;");
    PyObject *held = PyMemoryView_FromObject(exporter);
    printf("a memoryview of the log: %zd bytes\n",
           MbMemoryView_Buffer(held)->len);
    log_append(log, "sample;");
    Py_DecRef(held);
    log_append(log, "sample;");
    if (PyObject_GetBuffer(exporter, &view, PyBUF_WRITABLE) == 0) {
        ((char *)view.buf)[0] = 'B';     /* a consumer writes through */
        printf("log via a view: %.*s\n", (int)view.len, (char *)view.buf);
        PyBuffer_Release(&view);
    }
    Py_DecRef(exporter);
    return 0;
}
