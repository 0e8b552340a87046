/* The minibuf command-line tool: what its commands share.
 *
 * Every command writes only computed values and never an address, so its
 * output is the same from run to run and can be compared with a file
 * (tests/tool/).  Exit statuses: 0 done; 1 the answer is "no" (an exporter
 * breaks the protocol, a layout or format cannot be made); 2 bad
 * arguments, with one line on stderr; 3 the command could not finish (the
 * library ran out of memory, an output could not be written), with one
 * line on stderr.  Every exit goes through Py_Finalize.
 */
#ifndef MB_TOOL_H
#define MB_TOOL_H

#include <Python.h>

/* --- Exporters described on the command line (exporter.c) ---------------- */

typedef enum { EXPORTER_BYTES, EXPORTER_BYTEARRAY, EXPORTER_NDARRAY } Kind;

typedef struct {
    Kind kind;
    const char *data;              /* bytes and bytearray: the contents */
    int ndim;                      /* ndarray: the layout */
    Py_ssize_t shape[PyBUF_MAX_NDIM];
    int nstrides;                  /* 0: C (or Fortran) strides */
    Py_ssize_t strides[PyBUF_MAX_NDIM];
    Py_ssize_t offset;
    const char *format;
    int flags;                     /* MB_ND_* */
    Py_ssize_t memory;             /* bytes of memory; 0: just enough */
    char itemsize_format[32];      /* the format --itemsize N stands for */
} ExporterSpec;

/* The exporter's part of the commands' usage texts. */
#define EXPORTER_USAGE                                                    \
    "exporter:\n"                                                         \
    "  bytes [--data TEXT]        an immutable bytes object\n"            \
    "  bytearray [--data TEXT]    a writable bytearray\n"                 \
    "  ndarray [OPTIONS]          an N-dimensional array (minibuf's\n"    \
    "                             _testbuffer.ndarray), its memory the\n" \
    "                             bytes 0, 1, 2, ...:\n"                  \
    "    --shape 3,4              extents (default 3,4; \"\" for 0-d)\n"  \
    "    --strides 32,8           bytes between items (default C order)\n"\
    "    --offset N               bytes before the first item\n"          \
    "    --format FMT             struct format of one item (default B)\n"\
    "    --itemsize N             items of N bytes (format \"Ns\")\n"     \
    "    --flags LIST             writable, fortran, pil (suboffsets),\n" \
    "                             legacy (views with obj NULL, which\n"   \
    "                             the protocol forbids)\n"                \
    "    --memory N               bytes of memory (default: just enough)\n"

/* Parse "KIND [OPTIONS]" from argv[*next] on (KIND: bytes, bytearray or
   ndarray; the options --data, --shape, --strides, --offset, --format,
   --itemsize, --flags, --memory), leaving *next at the first argument it
   does not take.  A layout alone (layout: kind_given 0) takes the ndarray
   options with no kind.  Exits with status 2 on a bad argument. */
void parse_exporter(const char *command, int argc, char **argv, int *next,
                    ExporterSpec *spec, int kind_given);

/* Make the exporter; NULL with an exception.  *memory gets the start of
   the memory it exports from, to show addresses relative to it. */
PyObject *make_exporter(const ExporterSpec *spec, const char **memory);

/* The bytes of memory an ndarray spec's layout needs (its --memory, or
   just enough), or -1 past the tool's limit of 1 GiB. */
Py_ssize_t ndarray_memory(const ExporterSpec *spec, Py_ssize_t itemsize);

/* One line saying what the exporter is. */
void describe_exporter(FILE *out, const ExporterSpec *spec);

/* Parse a request: flag names joined with '|' or ',' (with or without
   PyBUF_, any case: FULL_RO, ND|WRITABLE), or a number.  -1 if not one. */
int parse_request(const char *text, int *flags);

/* --- Output (show.c) ----------------------------------------------------- */

/* Every field of a view; buf and suboffset pointers relative to memory. */
void show_view(FILE *out, const Py_buffer *view, PyObject *exporter,
               const char *memory);

#define EXIT_NO 1
#define EXIT_USAGE 2
#define EXIT_FAILED 3

/* "Type: message" of the current exception, which is cleared ("no
   exception set" when there is none).  A MemoryError is not an answer to
   show: the command cannot finish (fail). */
const char *take_exception(void);

/* obj, or, when it is NULL, fail with the exception's text. */
PyObject *need(PyObject *obj);

/* Flush the output, finalize the library and exit with status. */
void finish(int status) __attribute__((noreturn));

/* "minibuf: message" on stderr; exits with status 3 (EXIT_FAILED). */
void fail(const char *format, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* "minibuf COMMAND: message" and a hint on stderr; exits with status 2. */
void usage_error(const char *command, const char *format, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Whether argv holds --help or -h; if so the usage is printed. */
int wants_help(int argc, char **argv, const char *usage);

/* Print a list of n numbers as "(a, b, c)". */
void print_tuple(FILE *out, const Py_ssize_t *values, int n);

/* --- Explanations for a learner (explain.c) ------------------------------ */

/* Notes on the bits of a request that no PyBUF_ name covers whole (an
   exporter ignores them): one line each, "  note: ...". */
void explain_request_bits(FILE *out, int flags);

/* The rule a refused request broke, from the exception's text ("Type:
   message") and the request: whose rule it is (the protocol's, or one
   exporter's own policy) and what it asks.  NULL if the message is not
   one the tool knows. */
const char *refusal_rule(const char *exception, int flags);

/* Whether an exporter that cannot be made was refused by one of
   _testbuffer's own checks of its arguments: a line saying so, or NULL. */
const char *construction_note(const char *exception);

/* One line: the same request (flags; < 0 for the word REQUEST) of the
   same exporter in CPython, with _testbuffer's ndarray, to check the
   answer there. */
void print_in_cpython(FILE *out, const ExporterSpec *spec, int flags);

/* "from _testbuffer import *; m = memoryview(EXPORTER)": the exporter's
   memoryview in CPython, on one line without its end. */
void print_in_cpython_memoryview(FILE *out, const ExporterSpec *spec);

/* --- The commands -------------------------------------------------------- */

int command_tour(int argc, char **argv);
int command_request(int argc, char **argv);
int command_matrix(int argc, char **argv);
int command_layout(int argc, char **argv);
int command_format(int argc, char **argv);
int command_check(int argc, char **argv);
int command_memoryview(int argc, char **argv);

#endif /* !MB_TOOL_H */
