/* The checker layer: the exporter conformance checker.  Its source uses
 * CPython's API only (and the request rules, ../protocol/requests.h), so
 * that it also compiles against CPython to judge a real extension's
 * exporter there (tests/checker_cpython.sh).  Against minibuf its
 * declaration comes from minibuf.h; against CPython, from here.
 */
#ifndef MB_CHECKER_H
#define MB_CHECKER_H

#include "../protocol/requests.h"
#include <pep3118.h>

#ifndef MINIBUF_H
Py_ssize_t MbCheck_Exporter(PyObject *exporter, FILE *report);
#endif

#endif /* !MB_CHECKER_H */
