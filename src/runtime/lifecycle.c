/* Py_Initialize and Py_Finalize, and the version query.
 *
 * The built-in types are complete in their static definitions, so starting
 * the runtime only records that it was started.  Finalizing clears the
 * calling thread's error indicator and frees the storage the poison setting
 * kept back and the thread's cached blocks; objects a program still holds
 * stay valid.  With MINIBUF_DEBUG_LEAKS set, it first reports the exports
 * and objects still held (MbDebug_Report); with MINIBUF_FAIL_AT=N set,
 * whether the N-th allocation failed or how many allocations were made.
 */
#include "runtime.h"

static int initialized;

void
Py_Initialize(void)
{
    initialized = 1;
}

void
Py_InitializeEx(int initsigs)
{
    (void)initsigs;
    Py_Initialize();
}

int
Py_FinalizeEx(void)
{
    if (getenv("MINIBUF_DEBUG_LEAKS") != NULL) {
        (void)MbDebug_Report(stderr);
    }
    mb_report_fail_at(stderr);
    PyErr_Clear();
    mb_flush_quarantine();
    mb_flush_caches();
    mb_flush_retained();
    initialized = 0;
    return 0;
}

void
Py_Finalize(void)
{
    (void)Py_FinalizeEx();
}

int
Py_IsInitialized(void)
{
    return initialized;
}

const char *
MbVersion_String(void)
{
    return MB_VERSION;
}

unsigned long
MbVersion_Hex(void)
{
    return MB_VERSION_HEX;
}
