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

PyAPI_FUNC(void *) PyMem_Malloc(size_t size);
PyAPI_FUNC(void *) PyMem_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void *) PyMem_Realloc(void *ptr, size_t new_size);
PyAPI_FUNC(void) PyMem_Free(void *ptr);

PyAPI_FUNC(void *) PyObject_Malloc(size_t size);
PyAPI_FUNC(void *) PyObject_Calloc(size_t nelem, size_t elsize);
PyAPI_FUNC(void *) PyObject_Realloc(void *ptr, size_t new_size);
PyAPI_FUNC(void) PyObject_Free(void *ptr);

#define PyMem_New(type, n) \
    ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type) ? NULL : \
     ((type *)PyMem_Malloc((size_t)(n) * sizeof(type))))
#define PyMem_Del PyMem_Free

#endif /* !Py_PYMEM_H */
