/* For the library's files whose source also compiles against CPython's
 * headers (request.c, checker.c), so that the exporter conformance checker
 * can judge a real extension's exporter inside CPython.  Against minibuf
 * their declarations come from minibuf.h; against CPython, from here.
 * These files use CPython's API only.
 */
#ifndef MB_SHARED_H
#define MB_SHARED_H

#include <Python.h>

#ifndef MINIBUF_H
size_t MbRequest_Describe(int flags, char *out, size_t size);
Py_ssize_t MbCheck_Exporter(PyObject *exporter, FILE *report);
#endif

#endif /* !MB_SHARED_H */
