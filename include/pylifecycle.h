/* Starting and stopping the runtime.
 *
 * minibuf needs no set-up: these exist so that a program written for
 * CPython runs unchanged.  Both are cheap and may be called any number of
 * times.  Py_Finalize clears the calling thread's error indicator and, when
 * MINIBUF_DEBUG_LEAKS=1 is set in the environment, reports the buffer
 * exports and objects still held (MbDebug_Report, minibuf.h).
 */
#ifndef Py_PYLIFECYCLE_H
#define Py_PYLIFECYCLE_H

#include "pyport.h"

#ifdef __cplusplus
extern "C" {
#endif

PyAPI_FUNC(void) Py_Initialize(void);
PyAPI_FUNC(void) Py_InitializeEx(int initsigs);
PyAPI_FUNC(void) Py_Finalize(void);
PyAPI_FUNC(int) Py_FinalizeEx(void);
PyAPI_FUNC(int) Py_IsInitialized(void);

#ifdef __cplusplus
}
#endif

#endif /* !Py_PYLIFECYCLE_H */
