/* minibuf's own extensions: everything here starts with Mb or MB_, so a
 * reader can tell it from CPython's API at a glance.
 */
#ifndef MINIBUF_H
#define MINIBUF_H

#include "mbversion.h"

/* The library's version as "MAJOR.MINOR.MICRO" and as MB_VERSION_HEX
   computes it: compare with the macros to detect a header/library mismatch. */
PyAPI_FUNC(const char *) MbVersion_String(void);
PyAPI_FUNC(unsigned long) MbVersion_Hex(void);

/* --- The error indicator as strings --------------------------------------
 *
 * The name of the calling thread's current exception type ("TypeError",
 * "struct.error") and its message ("" when it has none); both NULL when no
 * exception is set.  The strings stay valid until the indicator changes.
 */
PyAPI_FUNC(const char *) MbErr_TypeName(void);
PyAPI_FUNC(const char *) MbErr_Message(void);

/* The exception type of the struct-format parser, named "struct.error". */
PyAPI_DATA(PyObject *) MbExc_StructError;

/* --- Accounting -----------------------------------------------------------
 *
 * Counters kept by the library for every thread together:
 *   live_objects      objects created and not yet deallocated;
 *   live_allocations  PyMem_/PyObject_ blocks not yet freed;
 *   live_exports      buffers obtained with PyObject_GetBuffer (with a
 *                     non-NULL obj) and not yet released;
 *   allocations       allocation requests so far, failed ones included;
 *   injected_failures allocations made to fail by MbAlloc_FailAt.
 */
typedef struct {
    Py_ssize_t live_objects;
    Py_ssize_t live_allocations;
    Py_ssize_t live_exports;
    Py_ssize_t allocations;
    Py_ssize_t injected_failures;
} MbStats;

PyAPI_FUNC(void) MbStats_Get(MbStats *stats);

/* Make the n-th allocation request from now fail (n = 1: the next one), once.
   n = 0 cancels a pending failure. */
PyAPI_FUNC(void) MbAlloc_FailAt(Py_ssize_t n);

#endif /* !MINIBUF_H */
