/* The CPython version whose behaviour minibuf reproduces.
 *
 * minibuf follows CPython 3.11 for the new buffer protocol and memoryview, so
 * code that tests PY_VERSION_HEX sees 3.11.  minibuf's own version is in
 * mbversion.h (MB_VERSION_*), generated from configure.ac.
 */
#ifndef Py_PATCHLEVEL_H
#define Py_PATCHLEVEL_H

#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 11
#define PY_MICRO_VERSION 0
#define PY_RELEASE_LEVEL 0xF
#define PY_RELEASE_SERIAL 0
#define PY_VERSION "3.11.0"
#define PY_VERSION_HEX ((PY_MAJOR_VERSION << 24) | \
                        (PY_MINOR_VERSION << 16) | \
                        (PY_MICRO_VERSION << 8) | \
                        (PY_RELEASE_LEVEL << 4) | PY_RELEASE_SERIAL)

#endif /* !Py_PATCHLEVEL_H */
