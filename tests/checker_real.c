/* The exporter conformance checker on real exporters nobody here wrote:
 * src/checker/checker.c, compiled against Debian's CPython 3.11 by
 * tests/checker_real.sh, judges NumPy arrays, array.array of every type
 * code, ctypes arrays and structures, mmap and BytesIO.getbuffer().
 *
 * With no argument, one line per exporter of the list read from standard
 * input ("EXPRESSION" per line, Python, evaluated after the imports):
 * "EXPRESSION -> verdict", the verdict naming each rule found broken
 * (violations) or departed from (deviations).  With an argument, the
 * checker's whole report on that one expression.
 */
#include <stdlib.h>

#include "../src/checker/checker.h"

static PyObject *globals;

/* The rule ids of the report's findings of `kind` ("violation" or
   "deviation"), each once, into out. */
static void
findings(const char *report, const char *kind, char *out, size_t size)
{
    char marker[32];
    snprintf(marker, sizeof(marker), "  %s: ", kind);
    out[0] = '\0';
    for (const char *line = strstr(report, marker); line != NULL;
         line = strstr(line + 1, marker)) {
        const char *end = strchr(line, '\n');
        const char *open = end ? end : line + strlen(line);
        while (open > line && *open != '[') {
            open--;
        }
        const char *close = strchr(open, ']');
        if (*open != '[' || close == NULL) {
            continue;
        }
        char id[64];
        snprintf(id, sizeof(id), " %.*s", (int)(close - open - 1), open + 1);
        char spaced[1100];
        snprintf(spaced, sizeof(spaced), "%s ", out);
        char needle[66];
        snprintf(needle, sizeof(needle), "%s ", id);
        if (strstr(spaced, needle) == NULL) {
            strncat(out, id, size - strlen(out) - 1);
        }
    }
}

/* The checker's report on expression, in a string the caller frees; NULL
   if the expression cannot be evaluated (its exception printed). */
static char *
report_on(const char *expression, Py_ssize_t *verdict)
{
    PyObject *exporter = PyRun_String(expression, Py_eval_input, globals,
                                      globals);
    if (exporter == NULL) {
        PyErr_Print();
        return NULL;
    }
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    *verdict = MbCheck_Exporter(exporter, out);
    fclose(out);
    if (*verdict < 0) {
        PyErr_Print();
    }
    Py_DECREF(exporter);
    return text;
}

static int
verdicts(void)
{
    char line[1024];
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0') {
            continue;
        }
        Py_ssize_t verdict;
        char *report = report_on(line, &verdict);
        if (report == NULL) {
            return 1;
        }
        char violations[1024], deviations[1024];
        findings(report, "violation", violations, sizeof(violations));
        findings(report, "deviation", deviations, sizeof(deviations));
        printf("%s -> %s%s%s%s%s\n", line,
               verdict == 0 ? "conforms" : "violations:", violations,
               deviations[0] ? "; deviations:" : "", deviations,
               verdict > 0 && violations[0] == '\0' ? " (?)" : "");
        free(report);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    Py_Initialize();
    globals = PyDict_New();
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject *ok = PyRun_String(
        "import array, ctypes, io, mmap\n"
        "import numpy as np\n"
        "def read_only(a):\n"
        "    a.flags.writeable = False\n"
        "    return a\n"
        "class Pair(ctypes.Structure):\n"
        "    _fields_ = [('a', ctypes.c_int), ('b', ctypes.c_double)]\n"
        "class Packed(ctypes.Structure):\n"
        "    _pack_ = 1\n"
        "    _fields_ = [('a', ctypes.c_int), ('b', ctypes.c_double)]\n",
        Py_file_input, globals, globals);
    if (ok == NULL) {
        PyErr_Print();
        return 1;
    }
    Py_DECREF(ok);
    int status;
    if (argc > 1) {
        Py_ssize_t verdict;
        char *report = report_on(argv[1], &verdict);
        status = report == NULL;
        if (report != NULL) {
            printf("%s-> %zd\n", report, verdict);
            free(report);
        }
    }
    else {
        status = verdicts();
    }
    Py_DECREF(globals);
    return Py_FinalizeEx() < 0 || status;
}
