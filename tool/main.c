/* minibuf: the command-line tool that shows what the buffer protocol does.
 *
 *     minibuf tour | request | matrix | memoryview | layout | format | check
 *             [--help]
 */
#include "tool.h"

static const char usage[] =
    "usage: minibuf COMMAND [ARGUMENTS]\n"
    "\n"
    "See what CPython's buffer protocol does, with minibuf's real calls.\n"
    "\n"
    "commands:\n"
    "  tour      a guided walk through the protocol, from the old\n"
    "            functions to strided copies\n"
    "  request   make one request of an exporter and show the Py_buffer\n"
    "            it fills, or the exception it raises\n"
    "  matrix    every kind of request against one exporter, as a table\n"
    "  memoryview  a memoryview of an exporter, sliced and cast: what each\n"
    "            view holds and the export they share\n"
    "  layout    draw where each element of a layout lies in memory\n"
    "            (text, or SVG with --svg FILE)\n"
    "  format    explain a struct format: offsets, sizes, padding\n"
    "  check     run the conformance checker on exporters\n"
    "\n"
    "'minibuf COMMAND --help' tells more about each.  minibuf(1) is the\n"
    "manual.\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"tour", command_tour},
    {"request", command_request},
    {"matrix", command_matrix},
    {"layout", command_layout},
    {"format", command_format},
    {"check", command_check},
    {"memoryview", command_memoryview},
};

int
main(int argc, char **argv)
{
    Py_Initialize();
    if (argc < 2) {
        usage_error(NULL, "a command is needed");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        finish(0);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("minibuf %s\n", MbVersion_String());
        finish(0);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            finish(commands[i].run(argc - 2, argv + 2));
        }
    }
    usage_error(NULL, "unknown command '%s'", argv[1]);
}
