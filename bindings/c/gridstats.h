/* gridstats: a small C library written for CPython's buffer API
 * (gridstats.c), which the hosts in bindings/ call with their arrays.
 * Errors: -1 or NULL with an exception set.
 */
#ifndef GRIDSTATS_H
#define GRIDSTATS_H

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The sum of every item of an exporter of doubles ('d'), any layout. */
int gridstats_sum(PyObject *exporter, double *sum);

/* Multiply every item of a writable exporter of doubles by factor, in
   place. */
int gridstats_scale(PyObject *exporter, double factor);

/* A new read-only grid of rows x cols doubles, item (i, j) = i * cols + j:
   a new reference. */
PyObject *gridstats_new_grid(Py_ssize_t rows, Py_ssize_t cols);

#ifdef __cplusplus
}
#endif

#endif /* !GRIDSTATS_H */
