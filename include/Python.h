/* minibuf's umbrella header: a program written for CPython's buffer API
 * includes <Python.h> and compiles unchanged against minibuf.  minibuf's own
 * extensions are in minibuf.h, included here too.  A program written for
 * Python 2 defines MB_PYTHON2 first (python2.h).  Every header here also
 * compiles on its own, in C and in C++.  structmember.h is left to the
 * program to include, as in CPython.
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
#include "longobject.h"
#include "boolobject.h"
#include "unicodeobject.h"
#include "methodobject.h"
#include "descrobject.h"
#include "abstract.h"
#include "bufferobject.h"
#include "memoryobject.h"
#include "outside.h"
#include "minibuf.h"

#endif /* !Py_PYTHON_H */
