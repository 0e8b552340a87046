/* minibuf's umbrella header: a program written for CPython's buffer API
 * includes <Python.h> and compiles unchanged against minibuf.  minibuf's own
 * extensions are in minibuf.h, included here too.
 */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patchlevel.h"
#include "pyport.h"
#include "object.h"
#include "pymem.h"
#include "objimpl.h"
#include "pyerrors.h"
#include "pylifecycle.h"
#include "bytesobject.h"
#include "bytearrayobject.h"
#include "abstract.h"
#include "bufferobject.h"
#include "memoryobject.h"
#include "minibuf.h"

#endif /* !Py_PYTHON_H */
