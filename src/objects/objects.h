/* The objects layer: the exporters minibuf defines.  All a higher layer
 * may include of it (runtime.h explains the layers).
 */
#ifndef MB_OBJECTS_H
#define MB_OBJECTS_H

#include "../protocol/protocol.h"

/* --- bytes (bytes.c) ----------------------------------------------------- */

/* A new bytes object of size bytes that the caller fills (not zeroed);
   CPython's errors for a negative or too large size. */
PyObject *mb_bytes_for_filling(Py_ssize_t size);

#endif /* !MB_OBJECTS_H */
