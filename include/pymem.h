/* Memory allocation.
 *
 * As in CPython, the PyMem_ and PyObject_ allocators return NULL on failure
 * without setting an exception (call PyErr_NoMemory), and a request for 0
 * bytes returns a unique non-NULL pointer.  Memory from one family must be
 * given back to the same family.  Every allocation is counted (MbStats_Get)
 * and can be made to fail on purpose (MbAlloc_FailAt), see minibuf.h.
 */
#ifndef Py_PYMEM_H
#define Py_PYMEM_H

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(void *) PyMem_Malloc(size_t size);
PyAPI_FUNC(void *) PyMem_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void *) PyMem_Realloc(void *ptr, size_t new_size);
PyAPI_FUNC(void) PyMem_Free(void *ptr);

PyAPI_FUNC(void *) PyObject_Malloc(size_t size);
PyAPI_FUNC(void *) PyObject_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void *) PyObject_Realloc(void *ptr, size_t new_size);
PyAPI_FUNC(void) PyObject_Free(void *ptr);

/* The macros of CPython's pymem.h.  PyMem_New and PyMem_Resize count in
   items of type and give NULL when the byte count overflows; PyMem_Resize
   assigns the result to p (NULL on failure, the old block then lost to p:
   keep a copy, as in CPython). */
#define PyObject_MALLOC(n) PyObject_Malloc(n)
#define PyObject_REALLOC(p, n) PyObject_Realloc((p), (n))
#define PyObject_FREE(p) PyObject_Free(p)
#define PyMem_MALLOC(n) PyMem_Malloc(n)
#define PyMem_REALLOC(p, n) PyMem_Realloc((p), (n))
#define PyMem_FREE(p) PyMem_Free(p)
#define PyMem_New(type, n) \
    ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type) ? NULL : \
     ((type *)PyMem_Malloc((size_t)(n) * sizeof(type))))
#define PyMem_NEW(type, n) PyMem_New(type, n)
#define PyMem_Resize(p, type, n) \
    ((p) = ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type)) ? NULL : \
     (type *)PyMem_Realloc((p), (size_t)(n) * sizeof(type)))
#define PyMem_RESIZE(p, type, n) PyMem_Resize(p, type, n)
#define PyMem_Del PyMem_Free
#define PyMem_DEL PyMem_Free

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYMEM_H */
