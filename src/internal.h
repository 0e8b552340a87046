/* Declarations shared by the library's modules and never installed.
 *
 * Everything here has hidden visibility (the library is compiled with
 * -fvisibility=hidden), so none of it is part of the ABI.
 */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stdarg.h>

#include "Python.h"

#if defined(__GNUC__) || defined(__clang__)
#  define MB_HIDDEN __attribute__((visibility("hidden")))
#else
#  define MB_HIDDEN
#endif

/* --- Built-in type objects (object.c) -------------------------------------
 *
 * The library names them directly; programs reach them through the MbType_
 * pointers (object.h explains why).
 */
MB_HIDDEN extern PyTypeObject mb_type_type;
MB_HIDDEN extern PyTypeObject mb_object_type;

/* --- Accounting (mem.c) --------------------------------------------------- */

void mb_count_object(Py_ssize_t delta);
void mb_count_export(Py_ssize_t delta);

/* --- Exceptions (errors.c) ------------------------------------------------- */

/* Set type with a message that is already formatted; never fails (falls
   back to MemoryError when the message cannot be stored). */
void mb_err_set(PyObject *type, const char *message, size_t length);

/* CPython's answer to a NULL argument: SystemError "null argument to
   internal routine", unless an exception is already set, which is kept. */
void mb_err_null_argument(void);

/* The formatter behind PyErr_Format (strformat.c): a new PyMem_Malloc'd,
   NUL-terminated string, or NULL on failure with *length untouched. */
char *mb_vformat(const char *format, va_list args, size_t *length);

#endif /* !MB_INTERNAL_H */
