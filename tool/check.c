/* minibuf check: the conformance checker on exporters. */
#include <dlfcn.h>

#include "tool.h"

static const char usage[] =
    "usage: minibuf check [EXPORTER [OPTIONS] | LIBRARY:SYMBOL]\n"
    "\n"
    "Run the exporter conformance checker (MbCheck_Exporter, minibuf(3)):\n"
    "every kind of request, each twice, with each answer checked against\n"
    "the protocol's rules.  Prints one line per request and one per\n"
    "finding: a violation breaks a MUST of PEP 3118 or CPython's\n"
    "documentation; a deviation only differs from what CPython's own\n"
    "exporters do, and is reported with its reason.  Each names its\n"
    "source and its rule.  Exit status: 0 if every exporter conforms\n"
    "(deviations allowed), 1 if one violates a rule, 2 for a usage error\n"
    "(a library that does not load, a symbol it does not have).\n"
    "\n"
    "  minibuf check                 every built-in exporter\n"
    "  minibuf check bytes           one built-in exporter, described as\n"
    "                                for 'minibuf request'\n"
    "  minibuf check ./libx.so:make  the exporter returned by\n"
    "                                'PyObject *make(void)' in a shared\n"
    "                                object built against minibuf\n";

/* Check one exporter (a reference this steals); its violations. */
static Py_ssize_t
check_one(const char *what, PyObject *exporter)
{
    printf("== %s\n", what);
    if (exporter == NULL) {
        printf("cannot be made: %s\n", PyErr_Occurred()
               ? take_exception()
               : "NULL returned without an exception set");
        return 1;
    }
    Py_ssize_t n = MbCheck_Exporter(exporter, stdout);
    if (n < 0) {
        printf("%s\n", take_exception());
        n = 1;
    }
    Py_DECREF(exporter);
    printf("\n");
    return n;
}

static PyObject *
ndarray(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides,
        Py_ssize_t offset, const char *format, int flags)
{
    static const char memory[256];
    MbNdArraySpec spec = {memory, sizeof(memory), format, ndim, shape,
                          strides ? ndim : 0, strides, offset, flags};
    return MbNdArray_New(&spec);
}

static Py_ssize_t
check_built_ins(void)
{
    static const Py_ssize_t shape[3] = {3, 4, 2};
    static const Py_ssize_t every_other[2] = {-32, 8};
    Py_ssize_t n = 0;
    n += check_one("bytes", PyBytes_FromString("minibuf"));
    n += check_one("bytearray", PyByteArray_FromStringAndSize("minibuf",
                                                              7));
    PyObject *base = PyBytes_FromString("0123456789ab");
    n += check_one("memoryview of bytes", PyMemoryView_FromObject(base));
    Py_XDECREF(base);
    n += check_one("ndarray, C order, writable",
                   ndarray(2, shape, NULL, 0, "i", MB_ND_WRITABLE));
    n += check_one("ndarray, Fortran order",
                   ndarray(3, shape, NULL, 0, "h", MB_ND_FORTRAN));
    n += check_one("ndarray, backwards rows, every other column",
                   ndarray(2, shape, every_other, 96, "f", 0));
    n += check_one("ndarray, PIL-style rows",
                   ndarray(2, shape, NULL, 0, "B", MB_ND_PIL));
    n += check_one("ndarray, 0-d", ndarray(0, shape, NULL, 0, "d", 0));
    PyObject *nd = ndarray(2, shape, NULL, 0, "B", MB_ND_WRITABLE);
    n += check_one("memoryview of an ndarray",
                   nd ? PyMemoryView_FromObject(nd) : NULL);
    Py_XDECREF(nd);
    return n;
}

/* "PATH:SYMBOL": the exporter the symbol makes. */
static Py_ssize_t
check_shared_object(const char *argument)
{
    const char *colon = strrchr(argument, ':');
    if (colon == NULL || colon == argument || colon[1] == '\0') {
        usage_error("check", "expected LIBRARY:SYMBOL, not '%s'", argument);
    }
    char path[4096];
    snprintf(path, sizeof(path), "%.*s", (int)(colon - argument), argument);
    /* What cannot be found is a usage error (exit 2), not a verdict. */
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        usage_error("check", "cannot load %s: %s", path, dlerror());
    }
    PyObject *(*make)(void);
    *(void **)&make = dlsym(library, colon + 1);
    if (make == NULL) {
        usage_error("check", "no symbol '%s' in %s", colon + 1, path);
    }
    Py_ssize_t n = check_one(argument, make());
    /* The library stays loaded: objects it made may still refer to it. */
    return n;
}

int
command_check(int argc, char **argv)
{
    if (wants_help(argc, argv, usage)) {
        return 0;
    }
    Py_ssize_t violations;
    if (argc == 0) {
        violations = check_built_ins();
    }
    else if (strchr(argv[0], ':') != NULL) {
        if (argc > 1) {
            usage_error("check", "unexpected argument '%s'", argv[1]);
        }
        violations = check_shared_object(argv[0]);
    }
    else {
        ExporterSpec spec;
        int next = 0;
        const char *memory;
        parse_exporter("check", argc, argv, &next, &spec, 1);
        if (next < argc) {
            usage_error("check", "unexpected argument '%s'", argv[next]);
        }
        violations = check_one(argv[0], make_exporter(&spec, &memory));
    }
    printf("%s\n", violations == 0 ? "every exporter conforms"
                                   : "some exporter breaks the protocol");
    return violations == 0 ? 0 : 1;
}
