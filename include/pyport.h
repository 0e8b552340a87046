/* Basic types and the export macros shared by every minibuf header.
 *
 * Py_ssize_t is the signed size type of CPython on POSIX (ssize_t).  Every
 * function the library exports is declared with PyAPI_FUNC or PyAPI_DATA;
 * everything else in the library is compiled with hidden visibility, so the
 * shared object exports exactly the public API (tests/exports.list).
 */
#ifndef Py_PYPORT_H
#define Py_PYPORT_H

#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>

typedef ssize_t Py_ssize_t;
typedef Py_ssize_t Py_hash_t;
typedef size_t Py_uhash_t;

#define PY_SSIZE_T_MAX ((Py_ssize_t)(((size_t)-1) >> 1))
#define PY_SSIZE_T_MIN (-PY_SSIZE_T_MAX - 1)

#if defined(__GNUC__) || defined(__clang__)
#  define PyAPI_FUNC(RTYPE) __attribute__((visibility("default"))) RTYPE
#  define PyAPI_DATA(RTYPE) extern __attribute__((visibility("default"))) RTYPE
#else
#  define PyAPI_FUNC(RTYPE) RTYPE
#  define PyAPI_DATA(RTYPE) extern RTYPE
#endif

#define Py_LOCAL_INLINE(type) static inline type
#if defined(__GNUC__) || defined(__clang__)
#  define Py_UNUSED(name) _unused_ ## name __attribute__((unused))
#else
#  define Py_UNUSED(name) _unused_ ## name
#endif
#define Py_ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))
#define Py_MIN(x, y) (((x) > (y)) ? (y) : (x))
#define Py_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define Py_ABS(x) ((x) < 0 ? -(x) : (x))

#endif /* !Py_PYPORT_H */
