/* Attribute tables: what a type's tp_getset holds.  minibuf keeps the
 * table and never calls it (it has no attribute lookup).
 */
#ifndef Py_DESCROBJECT_H
#define Py_DESCROBJECT_H

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef PyObject *(*getter)(PyObject *, void *);
typedef int (*setter)(PyObject *, PyObject *, void *);

struct PyGetSetDef {
    const char *name;
    getter get;
    setter set;
    const char *doc;
    void *closure;
};

#ifdef __cplusplus
}
#endif

#endif /* !Py_DESCROBJECT_H */
