/* minibuf's own extensions: everything here starts with Mb or MB_, so a
 * reader can tell it from CPython's API at a glance.
 */
#ifndef MINIBUF_H
#define MINIBUF_H

#include "mbversion.h"

/* The library's version as "MAJOR.MINOR.MICRO" and as MB_VERSION_HEX
   computes it: compare with the macros to detect a header/library mismatch. */
PyAPI_FUNC(const char *) MbVersion_String(void);
PyAPI_FUNC(unsigned long) MbVersion_Hex(void);

/* --- The error indicator as strings --------------------------------------
 *
 * The name of the calling thread's current exception type ("TypeError",
 * "struct.error") and its message ("" when it has none); both NULL when no
 * exception is set.  The strings stay valid until the indicator changes.
 */
PyAPI_FUNC(const char *) MbErr_TypeName(void);
PyAPI_FUNC(const char *) MbErr_Message(void);

/* The exception type of the struct-format parser, named "struct.error". */
PyAPI_DATA(PyObject *) MbExc_StructError;

/* --- Struct format strings ------------------------------------------------
 *
 * The parser behind PyBuffer_SizeFromFormat, open to programs that want to
 * walk a format code by code, as the struct module reads it: an optional
 * byte-order character first ('@' native sizes and alignment, the default;
 * '=', '<', '>', '!' standard sizes, no alignment), then codes with optional
 * repeat counts, whitespace between codes ignored.
 *
 *     MbFormatParser p;
 *     MbFormatCode code;
 *     if (MbFormat_Start(&p, "<2h3sx") < 0) ...;
 *     while ((r = MbFormat_Next(&p, &code)) == 1) ...;
 *     if (r < 0) ...;    (struct.error is set)
 *     p.size is then the total, as struct.calcsize gives it.
 */
typedef struct {
    char code;            /* the format character: 'i', 's', 'x', ... */
    Py_ssize_t count;     /* its repeat count (1 when none was written) */
    Py_ssize_t itemsize;  /* bytes of one value; for 's' and 'p', count */
    Py_ssize_t nitems;    /* values it stands for: count, 1 for 's' and 'p',
                             0 for the pad byte 'x' */
    Py_ssize_t alignment; /* alignment rounded up to before it (1: none) */
    Py_ssize_t padding;   /* bytes inserted before it for that alignment */
    Py_ssize_t offset;    /* offset of its first byte in the struct */
    Py_ssize_t size;      /* bytes it occupies */
} MbFormatCode;

typedef struct {
    const char *next;     /* where the next code starts */
    char byteorder;       /* '@', '=', '<', '>' or '!' */
    Py_ssize_t size;      /* bytes so far, including padding */
} MbFormatParser;

/* Begin walking format.  The format must be valid UTF-8 and ASCII, as a
   str format given to struct must be: otherwise -1 with UnicodeDecodeError
   or UnicodeEncodeError and CPython's message.  0 on success. */
PyAPI_FUNC(int) MbFormat_Start(MbFormatParser *parser, const char *format);

/* The next code in *code and 1; 0 at the end; -1 with struct.error
   ("bad char in struct format", "repeat count given without format
   specifier", "total struct size too long"). */
PyAPI_FUNC(int) MbFormat_Next(MbFormatParser *parser, MbFormatCode *code);

/* --- Accounting -----------------------------------------------------------
 *
 * Counters kept by the library for every thread together:
 *   live_objects      objects created and not yet deallocated;
 *   live_allocations  PyMem_/PyObject_ blocks not yet freed;
 *   live_exports      buffers obtained with PyObject_GetBuffer (with a
 *                     non-NULL obj) and not yet released with
 *                     PyBuffer_Release; releasing a view that did not come
 *                     from PyObject_GetBuffer, which CPython's documentation
 *                     forbids, shows as a negative count;
 *   allocations       allocation requests so far, failed ones included;
 *   injected_failures allocations made to fail by MbAlloc_FailAt.
 */
typedef struct {
    Py_ssize_t live_objects;
    Py_ssize_t live_allocations;
    Py_ssize_t live_exports;
    Py_ssize_t allocations;
    Py_ssize_t injected_failures;
} MbStats;

PyAPI_FUNC(void) MbStats_Get(MbStats *stats);

/* Make the n-th allocation request from now fail (n = 1: the next one), once.
   n = 0 cancels a pending failure. */
PyAPI_FUNC(void) MbAlloc_FailAt(Py_ssize_t n);

/* --- Debugging stale pointers ----------------------------------------------
 *
 * The old buffer protocol's functions release their export before they
 * return the pointer, so a bytearray may be resized (moving its storage)
 * while a consumer still holds the old pointer.  With poisoning on, storage
 * that a bytearray frees or moves is overwritten with MB_POISON_BYTE and
 * quarantined for a while instead of being freed, so a stale read shows the
 * pattern even without a sanitizer.  Off by default; switched on by
 * MbDebug_SetPoison(1) or by MINIBUF_POISON=1 in the environment.  When off
 * it costs one test of a flag per free.
 */
#define MB_POISON_BYTE 0xDD

PyAPI_FUNC(void) MbDebug_SetPoison(int on);

/* --- Python 2 exporters of the old protocol ----------------------------------
 *
 * Objects that fill only Python 2's segment slots, to study the old
 * protocol with.  All return new references, or NULL with an exception.
 *
 * MbSegments_New: a writable object of nsegments segments (copies of
 * lengths[i] bytes at data[i]) with all four slots; asking for a segment
 * that does not exist raises SystemError "accessing non-existent buffer
 * segment".
 * MbLegacyReadOnly_New: one read-only segment: bf_getreadbuffer and
 * bf_getsegcount only.
 * MbLegacyChar_New: one segment of character data: bf_getcharbuffer and
 * bf_getsegcount only.
 */
PyAPI_FUNC(PyObject *) MbSegments_New(Py_ssize_t nsegments,
                                      const char *const *data,
                                      const Py_ssize_t *lengths);
PyAPI_FUNC(PyObject *) MbLegacyReadOnly_New(const char *data, Py_ssize_t len);
PyAPI_FUNC(PyObject *) MbLegacyChar_New(const char *data, Py_ssize_t len);

#endif /* !MINIBUF_H */
