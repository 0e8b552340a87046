/* Exporters and requests described on the command line. */
#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "tool.h"

/* A number, or usage_error. */
static Py_ssize_t
parse_number(const char *command, const char *option, const char *text)
{
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || value > PY_SSIZE_T_MAX
        || value < PY_SSIZE_T_MIN) {
        usage_error(command, "%s: not a number: '%s'", option, text);
    }
    return (Py_ssize_t)value;
}

/* A comma-separated list of numbers into values; the count. */
static int
parse_list(const char *command, const char *option, const char *text,
           Py_ssize_t *values)
{
    int n = 0;
    char item[64];
    const char *p = text;
    if (*p == '\0') {
        return 0;                   /* "" is the empty list: ndim 0 */
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t length = comma ? (size_t)(comma - p) : strlen(p);
        if (length >= sizeof(item)) {
            usage_error(command, "%s: not a number in '%s'", option, text);
        }
        if (n == PyBUF_MAX_NDIM) {
            usage_error(command, "%s: more than %d values", option,
                        PyBUF_MAX_NDIM);
        }
        memcpy(item, p, length);
        item[length] = '\0';
        values[n++] = parse_number(command, option, item);
        if (comma == NULL) {
            return n;
        }
        p = comma + 1;
    }
}

typedef struct {
    const char *name;
    int value;
} Name;

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The value of the name p[0, length) in names (in any case), or -1. */
static int
lookup(const Name *names, size_t count, const char *p, size_t length)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(names[i].name) == length
            && strncasecmp(names[i].name, p, length) == 0) {
            return names[i].value;
        }
    }
    return -1;
}

static int
parse_ndarray_flags(const char *command, const char *text)
{
    static const Name names[] = {
        {"writable", MB_ND_WRITABLE},
        {"fortran", MB_ND_FORTRAN},
        {"pil", MB_ND_PIL},
        {"legacy", MB_ND_LEGACY},
    };
    int flags = 0;
    const char *p = text;
    while (*p != '\0') {
        size_t length = strcspn(p, ",|");
        int flag = lookup(names, COUNT(names), p, length);
        if (flag < 0) {
            usage_error(command, "--flags: unknown flag in '%s' (writable, "
                        "fortran, pil, legacy)", text);
        }
        flags |= flag;
        p += length + (p[length] != '\0');
    }
    return flags;
}

/* The value of option argv[*i], given as "--name VALUE" or
   "--name=VALUE"; advances *i past it. */
static const char *
option_value(const char *command, int argc, char **argv, int *i,
             const char *name)
{
    const char *arg = argv[*i];
    size_t length = strlen(name);
    if (arg[length] == '=') {
        (*i)++;
        return arg + length + 1;
    }
    if (*i + 1 >= argc) {
        usage_error(command, "%s needs a value", name);
    }
    *i += 2;
    return argv[*i - 1];
}

static int
is_option(const char *arg, const char *name)
{
    size_t length = strlen(name);
    return strncmp(arg, name, length) == 0
           && (arg[length] == '\0' || arg[length] == '=');
}

/* The exporter's kind from argv[*i] (bytes, bytearray or ndarray). */
static Kind
parse_kind(const char *command, int argc, char **argv, int *i)
{
    if (*i >= argc) {
        usage_error(command, "which exporter? (bytes, bytearray or "
                    "ndarray)");
    }
    const char *name = argv[(*i)++];
    if (strcmp(name, "bytes") == 0) {
        return EXPORTER_BYTES;
    }
    if (strcmp(name, "bytearray") == 0) {
        return EXPORTER_BYTEARRAY;
    }
    if (strcmp(name, "ndarray") != 0) {
        usage_error(command, "unknown exporter '%s' (bytes, bytearray or "
                    "ndarray)", name);
    }
    return EXPORTER_NDARRAY;
}

/* The layout options of an ndarray (--shape, --strides, --offset,
   --format, --itemsize, --flags, --memory) at argv[*i]: 1 with the value
   stored and *i advanced, 0 if argv[*i] is none of them. */
static int
parse_layout_option(const char *command, int argc, char **argv, int *i,
                    ExporterSpec *spec, Py_ssize_t *itemsize,
                    int *shape_given)
{
    const char *arg = argv[*i];
    if (is_option(arg, "--shape")) {
        spec->ndim = parse_list(command, "--shape",
                                option_value(command, argc, argv, i,
                                             "--shape"), spec->shape);
        *shape_given = 1;
    }
    else if (is_option(arg, "--strides")) {
        spec->nstrides = parse_list(command, "--strides",
                                    option_value(command, argc, argv, i,
                                                 "--strides"),
                                    spec->strides);
        if (spec->nstrides == 0) {
            spec->nstrides = -1;        /* given, and empty */
        }
    }
    else if (is_option(arg, "--offset")) {
        spec->offset = parse_number(command, "--offset",
                                    option_value(command, argc, argv, i,
                                                 "--offset"));
    }
    else if (is_option(arg, "--format")) {
        spec->format = option_value(command, argc, argv, i, "--format");
    }
    else if (is_option(arg, "--itemsize")) {
        *itemsize = parse_number(command, "--itemsize",
                                 option_value(command, argc, argv, i,
                                              "--itemsize"));
        if (*itemsize <= 0) {
            usage_error(command, "--itemsize must be positive");
        }
    }
    else if (is_option(arg, "--flags")) {
        spec->flags = parse_ndarray_flags(
            command, option_value(command, argc, argv, i, "--flags"));
    }
    else if (is_option(arg, "--memory")) {
        spec->memory = parse_number(command, "--memory",
                                    option_value(command, argc, argv, i,
                                                 "--memory"));
        if (spec->memory < 0) {
            usage_error(command, "--memory must not be negative");
        }
    }
    else {
        return 0;
    }
    if (spec->kind != EXPORTER_NDARRAY) {
        usage_error(command, "%.*s is for ndarray", (int)strcspn(arg, "="),
                    arg);
    }
    return 1;
}

/* What the options left out: the default shape (3, 4), C strides, and
   the format ("B", or "Ns" for --itemsize N). */
static void
complete_layout(const char *command, ExporterSpec *spec, Py_ssize_t itemsize,
                int shape_given)
{
    static const Py_ssize_t default_shape[2] = {3, 4};
    if (spec->nstrides > 0 && spec->nstrides != spec->ndim && shape_given) {
        usage_error(command, "--shape and --strides differ in length");
    }
    if (!shape_given && spec->kind == EXPORTER_NDARRAY) {
        spec->ndim = 2;
        memcpy(spec->shape, default_shape, sizeof(default_shape));
        if (spec->nstrides > 0 && spec->nstrides != 2) {
            usage_error(command, "--strides needs a --shape of as many "
                        "values");
        }
    }
    if (spec->nstrides < 0) {
        spec->nstrides = 0;
    }
    if (itemsize > 0) {
        if (spec->format != NULL) {
            usage_error(command, "give --format or --itemsize, not both");
        }
        snprintf(spec->itemsize_format, sizeof(spec->itemsize_format),
                 "%zds", itemsize);
        spec->format = spec->itemsize_format;
    }
    if (spec->format == NULL) {
        spec->format = "B";
    }
}

void
parse_exporter(const char *command, int argc, char **argv, int *next,
               ExporterSpec *spec, int kind_given)
{
    int i = *next, shape_given = 0;
    Py_ssize_t itemsize = 0;
    memset(spec, 0, sizeof(*spec));
    spec->kind = kind_given ? parse_kind(command, argc, argv, &i)
                            : EXPORTER_NDARRAY;
    spec->data = "minibuf";
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (is_option(argv[i], "--data")) {
            if (spec->kind == EXPORTER_NDARRAY) {
                usage_error(command, "--data is for bytes and bytearray");
            }
            spec->data = option_value(command, argc, argv, &i, "--data");
        }
        else if (!parse_layout_option(command, argc, argv, &i, spec,
                                      &itemsize, &shape_given)) {
            break;                      /* the command's own option */
        }
    }
    complete_layout(command, spec, itemsize, shape_given);
    *next = i;
}

/* The most memory the tool gives an ndarray. */
#define MEMORY_LIMIT ((Py_ssize_t)1 << 30)

/* The bytes the layout reaches from the start of memory (just enough: the
   offset covers what negative strides reach before the first item), or
   -1 past MEMORY_LIMIT. */
static Py_ssize_t
memory_needed(const ExporterSpec *spec, Py_ssize_t itemsize)
{
    Py_ssize_t high, strides[PyBUF_MAX_NDIM];
    if (__builtin_add_overflow(spec->offset, itemsize, &high)
        || high > MEMORY_LIMIT) {
        return -1;
    }
    /* A negative offset or extent is MbNdArray_New's to refuse. */
    if (high < 0) {
        high = 0;
    }
    for (int i = 0; i < spec->ndim; i++) {
        if (spec->shape[i] <= 0) {
            return high;
        }
    }
    if (spec->nstrides > 0) {
        memcpy(strides, spec->strides, sizeof(Py_ssize_t) * spec->ndim);
    }
    else {
        PyBuffer_FillContiguousStrides(spec->ndim, (Py_ssize_t *)spec->shape,
                                       strides, (int)itemsize,
                                       spec->flags & MB_ND_FORTRAN ? 'F'
                                                                   : 'C');
    }
    for (int i = 0; i < spec->ndim; i++) {
        Py_ssize_t span;
        if (__builtin_mul_overflow(strides[i], spec->shape[i] - 1, &span)
            || (span > 0 && __builtin_add_overflow(high, span, &high))
            || high > MEMORY_LIMIT) {
            return -1;
        }
    }
    return high;
}

Py_ssize_t
ndarray_memory(const ExporterSpec *spec, Py_ssize_t itemsize)
{
    Py_ssize_t nbytes = spec->memory;
    if (nbytes == 0 && itemsize > 0) {
        nbytes = memory_needed(spec, itemsize);
    }
    return nbytes > MEMORY_LIMIT ? -1 : nbytes;
}

PyObject *
make_exporter(const ExporterSpec *spec, const char **memory)
{
    if (spec->kind == EXPORTER_BYTES || spec->kind == EXPORTER_BYTEARRAY) {
        PyObject *obj = spec->kind == EXPORTER_BYTES
            ? PyBytes_FromString(spec->data)
            : PyByteArray_FromStringAndSize(spec->data,
                                            (Py_ssize_t)strlen(spec->data));
        if (obj != NULL) {
            *memory = spec->kind == EXPORTER_BYTES
                      ? PyBytes_AS_STRING(obj) : PyByteArray_AS_STRING(obj);
        }
        return obj;
    }
    Py_ssize_t itemsize = PyBuffer_SizeFromFormat(spec->format);
    if (itemsize < 0) {
        return NULL;
    }
    Py_ssize_t nbytes = ndarray_memory(spec, itemsize);
    if (nbytes < 0) {
        PyErr_SetString(PyExc_ValueError, "the layout reaches more than "
                        "1 GiB of memory");
        return NULL;
    }
    unsigned char *contents = malloc((size_t)nbytes + 1);
    if (contents == NULL) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < nbytes; i++) {
        contents[i] = (unsigned char)i;
    }
    MbNdArraySpec nd = {contents, nbytes, spec->format, spec->ndim,
                        spec->shape, spec->nstrides,
                        spec->nstrides > 0 ? spec->strides : NULL,
                        spec->offset, spec->flags};
    PyObject *array = MbNdArray_New(&nd);
    free(contents);
    if (array != NULL) {
        const Py_buffer *view = MbNdArray_Buffer(array);
        /* The memory starts at the first item less the offset, or, with
           a PIL layout, at the table of row pointers buf points to. */
        *memory = (const char *)view->buf
                  - ((spec->flags & MB_ND_PIL) ? 0 : spec->offset);
    }
    return array;
}

void
describe_exporter(FILE *out, const ExporterSpec *spec)
{
    if (spec->kind != EXPORTER_NDARRAY) {
        fprintf(out, "exporter: %s b'%s'\n",
                spec->kind == EXPORTER_BYTES ? "bytes" : "bytearray",
                spec->data);
        return;
    }
    fprintf(out, "exporter: ndarray, shape ");
    print_tuple(out, spec->shape, spec->ndim);
    if (spec->nstrides > 0) {
        fprintf(out, ", strides ");
        print_tuple(out, spec->strides, spec->nstrides);
    }
    fprintf(out, ", format '%s'", spec->format);
    if (spec->offset != 0) {
        fprintf(out, ", offset %zd", spec->offset);
    }
    if (spec->memory != 0) {
        fprintf(out, ", %zd bytes of memory", spec->memory);
    }
    fprintf(out, "%s%s%s%s\n",
            spec->flags & MB_ND_WRITABLE ? ", writable" : "",
            spec->flags & MB_ND_FORTRAN ? ", Fortran order" : "",
            spec->flags & MB_ND_PIL ? ", PIL-style (suboffsets)" : "",
            spec->flags & MB_ND_LEGACY ? ", legacy (views with obj NULL)"
                                       : "");
}

int
parse_request(const char *text, int *flags)
{
    if (MbRequest_Parse(text, flags) < 0) {
        (void)take_exception();     /* MemoryError: ends the tool */
        return -1;
    }
    return 0;
}
