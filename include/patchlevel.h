/* The CPython version whose behaviour minibuf reproduces.
 *
 * minibuf follows CPython 3.11 for the new buffer protocol and memoryview, so
 * code that tests PY_VERSION_HEX sees 3.11; in Python 2 mode (MB_PYTHON2
 * defined before Python.h is included: python2.h) it sees 2.7.18.
 * minibuf's own version is in mbversion.h (MB_VERSION_*), generated from
 * configure.ac.
 */
#ifndef Py_PATCHLEVEL_H
#define Py_PATCHLEVEL_H

#define PY_RELEASE_LEVEL_ALPHA 0xA
#define PY_RELEASE_LEVEL_BETA 0xB
#define PY_RELEASE_LEVEL_GAMMA 0xC
#define PY_RELEASE_LEVEL_FINAL 0xF

#ifdef MB_PYTHON2
#define PY_MAJOR_VERSION 2
#define PY_MINOR_VERSION 7
#define PY_MICRO_VERSION 18
#define PY_VERSION "2.7.18"
#else
#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 11
#define PY_MICRO_VERSION 0
#define PY_VERSION "3.11.0"
#endif
#define PY_RELEASE_LEVEL PY_RELEASE_LEVEL_FINAL
#define PY_RELEASE_SERIAL 0
#define PY_VERSION_HEX ((PY_MAJOR_VERSION << 24) | \
                        (PY_MINOR_VERSION << 16) | \
                        (PY_MICRO_VERSION << 8) | \
                        (PY_RELEASE_LEVEL << 4) | PY_RELEASE_SERIAL)

#endif /* !Py_PATCHLEVEL_H */
