/* minibuf's own extensions: everything here starts with Mb or MB_, so a
 * reader can tell it from CPython's API at a glance.
 */
#ifndef MINIBUF_H
#define MINIBUF_H

#include <stdio.h>

#include "mbhost.h"
#include "mbversion.h"
#include "object.h"
#include "pep3118.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version as "MAJOR.MINOR.MICRO" and as MB_VERSION_HEX
   computes it: compare with the macros to detect a header/library mismatch. */
PyAPI_FUNC(const char *) MbVersion_String(void);
PyAPI_FUNC(unsigned long) MbVersion_Hex(void);

/* --- The error indicator as strings -----------------------------------------
 *
 * The name of the calling thread's current exception type ("TypeError",
 * "struct.error") and its message ("" when it has none); both NULL when no
 * exception is set.  The strings stay valid until the indicator changes.
 */
PyAPI_FUNC(const char *) MbErr_TypeName(void);
PyAPI_FUNC(const char *) MbErr_Message(void);

/* The exception type of the struct-format parser, named "struct.error". */
PyAPI_DATA(PyObject *) MbExc_StructError;

/* --- Struct format strings --------------------------------------------------
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

/* --- Accounting -------------------------------------------------------------
 *
 * Counters kept by the library for every thread together:
 *   live_objects      objects created and not yet deallocated;
 *   live_allocations  PyMem_/PyObject_ blocks not yet freed;
 *   live_exports      while tracking is on (below), views filled by
 *                     PyObject_GetBuffer (with a non-NULL obj) since it
 *                     was switched on and not yet released with
 *                     PyBuffer_Release; 0 while it is off;
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
   n = 0 cancels a pending failure.  MINIBUF_FAIL_AT=N in the environment
   does the same from a program's start (unless the program calls this
   first), and Py_Finalize then writes to stderr whether that allocation
   failed or how many were made. */
PyAPI_FUNC(void) MbAlloc_FailAt(Py_ssize_t n);

/* --- Tracking exports and objects -------------------------------------------
 *
 * With tracking on, minibuf records every view PyObject_GetBuffer fills
 * (the exporter's type, the request, the call stack where it was taken)
 * until PyBuffer_Release, and every object created until it is
 * deallocated; MbStats_Get then counts the live exports, and MbDebug_Report
 * lists what is still held.  Off by default (CPython keeps no such record,
 * and the hot paths then cost one test of a flag).  Switched on by
 * MbDebug_SetTracking(1), or by MINIBUF_DEBUG_LEAKS=1 in the environment,
 * which also makes Py_Finalize print the report to stderr when anything is
 * left.  Only what is made while tracking is on is recorded; switching it
 * off forgets every record.  A view is known by its address, or, if it was
 * copied before its release, by its obj and buf.
 */

/* Switch tracking on (1) or off (0); returns whether it was on. */
PyAPI_FUNC(int) MbDebug_SetTracking(int on);

/* Write the recorded exports and objects still held to out; returns how
   many there are (0 writes nothing). */
PyAPI_FUNC(Py_ssize_t) MbDebug_Report(FILE *out);

/* --- Naming requests --------------------------------------------------------
 *
 * MbRequest_Describe writes the name of a PyBUF_* request into out (size
 * bytes, always NUL-terminated when size > 0): the compound name when it is
 * one ("PyBUF_FULL_RO"), else its basic flags joined with '|'
 * ("PyBUF_C_CONTIGUOUS|PyBUF_FORMAT"), with unnamed bits in hexadecimal.
 * Returns the length of the whole name, as snprintf does.
 */
PyAPI_FUNC(size_t) MbRequest_Describe(int flags, char *out, size_t size);

/* --- The exporter conformance checker ---------------------------------------
 *
 * MbCheck_Exporter makes every kind of request of an exporter (PyBUF_SIMPLE,
 * ND, STRIDES, C_, F_ and ANY_CONTIGUOUS, INDIRECT, each alone, with
 * WRITABLE, with FORMAT and with both), each twice, and checks each answer
 * against the protocol's rules: a granted view has obj set and a reference
 * taken, shape/strides/suboffsets/format NULL or filled exactly as the
 * request allows, readonly 0 for WRITABLE, the contiguity promised, len ==
 * product(shape) * itemsize, a format whose size is itemsize, every element
 * inside the exported memory, no exception left set, and a release that
 * gives the reference back; a refused request returns -1 with an exception
 * set, view->obj NULL and the reference count unchanged; the same request
 * gets the same answer twice.
 *
 * Returns the number of violations (0: the exporter conforms), writing a
 * readable report to `report` unless it is NULL: one line per request
 * (granted with its fields, or refused with its exception), one per
 * violation, and the count.  -1 with TypeError if exporter exports no
 * buffer, and -1 with MemoryError (no verdict) if the exporter runs out of
 * memory.  The exporter is left as it was: every view taken is released,
 * and its reference count is put back after an exporter that takes too
 * few references or gives back too many (the checker holds one of its
 * own meanwhile, so such an exporter is reported, not freed).
 * Its source uses CPython's API only, so it also compiles against CPython
 * to judge a real extension's exporter there.
 */
PyAPI_FUNC(Py_ssize_t) MbCheck_Exporter(PyObject *exporter, FILE *report);

/* --- memoryview operations --------------------------------------------------
 *
 * What CPython offers only from Python, as C functions with CPython 3.11's
 * rules and messages.  Every one raises ValueError "operation forbidden on
 * released memoryview object" on a released view.  Functions returning
 * PyObject * return a new reference, or NULL with an exception.
 */

/* m.release(): 0; -1 with BufferError "memoryview has N exported
   buffer(s)" while it has exported buffers.  Releasing twice is fine. */
PyAPI_FUNC(int) MbMemoryView_Release(PyObject *mv);

/* m.cast(format) when shape is NULL, else m.cast(format, shape) with ndim
   entries (ndim 0: shape []). */
PyAPI_FUNC(PyObject *) MbMemoryView_Cast(PyObject *mv, const char *format,
                                         const Py_ssize_t *shape, int ndim);

/* m[start:stop:step] on the first dimension.  Indices are adjusted as
   Python adjusts them; pass 0 and PY_SSIZE_T_MAX for an open slice, or
   PY_SSIZE_T_MAX and PY_SSIZE_T_MIN with a negative step. */
PyAPI_FUNC(PyObject *) MbMemoryView_Slice(PyObject *mv, Py_ssize_t start,
                                          Py_ssize_t stop, Py_ssize_t step);

/* m.tobytes(order): order 'C', 'F' or 'A' ('\0' for the default, 'C'). */
PyAPI_FUNC(PyObject *) MbMemoryView_ToBytes(PyObject *mv, char order);

/* m.toreadonly(). */
PyAPI_FUNC(PyObject *) MbMemoryView_ToReadOnly(PyObject *mv);

/* m == other (other: a memoryview or any exporter; a non-exporter is
   simply unequal): 1, 0, or -1 with an exception.  Compares the structure
   and then every value, unpacked per format. */
PyAPI_FUNC(int) MbMemoryView_Equal(PyObject *mv, PyObject *other);

/* len(m): shape[0], or 1 for a 0-d view (3.11); -1 with an exception. */
PyAPI_FUNC(Py_ssize_t) MbMemoryView_Length(PyObject *mv);

/* m[index] with index a tuple of nindex integers (nindex 0: m[()] of a
   0-d view), for the native single-character formats: the item is copied
   into *out, which must be the format's C type.  SetItem writes *in. */
PyAPI_FUNC(int) MbMemoryView_GetItem(PyObject *mv, const Py_ssize_t *index,
                                     Py_ssize_t nindex, void *out);
PyAPI_FUNC(int) MbMemoryView_SetItem(PyObject *mv, const Py_ssize_t *index,
                                     Py_ssize_t nindex, const void *in);

/* --- The teaching exporter: ndarray -----------------------------------------
 *
 * An N-dimensional exporter as complete as CPython's _testbuffer.ndarray:
 * any struct format, shape, strides and offset over memory it owns, and
 * flags for writable, Fortran order and PIL-style suboffsets.  It can also
 * re-export another exporter with any request flags, which makes any request
 * possible and shows the Py_buffer it returned (MbNdArray_Buffer).
 *
 * Its bf_getbuffer applies the request rules in CPython's order, with
 * messages "ndarray is not writable", "ndarray is not C-contiguous", ...
 * Layouts form a stack: MbNdArray_Push and MbNdArray_Pop change the current
 * one, which is refused while buffers are exported unless the array was
 * made with MB_ND_VAREXPORT; then each export keeps its own layout alive
 * until it is released.
 */
#define MB_ND_DEFAULT 0x000
#define MB_ND_VAREXPORT 0x001          /* push and pop while exported */
#define MB_ND_WRITABLE 0x002
#define MB_ND_FORTRAN 0x004            /* default strides in Fortran order */
#define MB_ND_PIL 0x010                /* rows through a pointer table */
#define MB_ND_REDIRECT 0x020           /* re-exporter: pass requests on */
#define MB_ND_GETBUF_FAIL 0x040        /* every request fails */
#define MB_ND_GETBUF_UNDEFINED 0x080   /* and leaves view->obj garbage */
#define MB_ND_LEGACY 0x400             /* exports with view->obj == NULL */
#define MB_ND_MAX_NDIM 128

/* A layout: an item format, a shape, strides and an offset over a block of
   memory the array copies. */
typedef struct {
    const void *memory;       /* initial contents (NULL: zeros) */
    Py_ssize_t nbytes;        /* size of the memory */
    const char *format;       /* struct format of one item (NULL: "B") */
    int ndim;
    const Py_ssize_t *shape;  /* ndim extents */
    int nstrides;             /* 0 with strides NULL: C or Fortran strides */
    const Py_ssize_t *strides;
    Py_ssize_t offset;        /* byte offset of the first item */
    int flags;                /* MB_ND_* */
} MbNdArraySpec;

PyAPI_DATA(PyTypeObject) MbTypeObject_NdArray;
#define MbType_NdArray (&MbTypeObject_NdArray)
#define MbNdArray_Check(op) Py_IS_TYPE((op), MbType_NdArray)

/* A new array.  Errors: ValueError "ndim must not exceed 128", "itemsize
   must not be zero", "offset must be a multiple of itemsize", "offset out
   of bounds", "strides must be a multiple of itemsize", "len(shape) !=
   len(strides)", "elements of shape must be integers >= 0", "invalid
   combination of buffer, shape and strides"; TypeError "ND_FORTRAN cannot
   be used together with strides", "ndim = 0 cannot be used in conjunction
   with ND_PIL"; struct.error for the format. */
PyAPI_FUNC(PyObject *) MbNdArray_New(const MbNdArraySpec *spec);

/* A re-exporter holding PyObject_GetBuffer(exporter, getbuf); flags is 0 or
   MB_ND_REDIRECT (requests then go to the exporter itself). */
PyAPI_FUNC(PyObject *) MbNdArray_FromExporter(PyObject *exporter, int getbuf,
                                              int flags);

/* Make spec the current layout, or go back to the previous one: BufferError
   "cannot change structure: N exported buffer(s)", "structure of
   re-exporting object is immutable", "list only has a single base". */
PyAPI_FUNC(int) MbNdArray_Push(PyObject *nd, const MbNdArraySpec *spec);
PyAPI_FUNC(int) MbNdArray_Pop(PyObject *nd);

/* nd[index] and nd[slices]: new arrays that view part of nd's memory
   (writes through them reach nd), each a re-exporter of nd's current
   layout, which its export keeps in place.
   MbNdArray_Index drops the first dimension at index (0 <= index <
   shape[0]), following its pointer when the layout has suboffsets:
   IndexError "index out of bounds"; TypeError "invalid indexing of
   scalar" for a 0-d array.  A 1-D array gives a 0-d array of the item.
   MbNdArray_Slice keeps every dimension and applies n slices to the first
   n, each already fitted to its dimension (as slice.indices gives it:
   start, step and the number of items); a start below a dimension reached
   through a pointer moves that pointer's suboffset, as PEP 3118 says.
   n = 0 gives a view of the whole.  IndexError "too many slices: the
   array has N dimensions"; ValueError "slice does not fit the
   dimension"; NotImplementedError when a suboffset would turn negative
   (consumers would then stop following that pointer). */
typedef struct {
    Py_ssize_t start;
    Py_ssize_t step;
    Py_ssize_t length;
} MbNdSlice;

PyAPI_FUNC(PyObject *) MbNdArray_Index(PyObject *nd, Py_ssize_t index);
PyAPI_FUNC(PyObject *) MbNdArray_Slice(PyObject *nd, const MbNdSlice *slices,
                                       int n);

/* Give the current layout suboffsets that are all -1 (which make it
   non-contiguous, as any suboffsets do); a re-exporter's too, while it
   exports nothing.  TypeError for a layout with suboffsets already, or
   one without strides (a 0-d one has none), as _testbuffer says. */
PyAPI_FUNC(int) MbNdArray_AddSuboffsets(PyObject *nd);

/* The current layout as a complete Py_buffer (for a re-exporter, the view
   it received, whose obj is the object that answered; for a sub-array,
   its part of its array's view, obj the array), valid until the layout
   changes.  obj is borrowed, and NULL for an array that owns its
   memory. */
PyAPI_FUNC(const Py_buffer *) MbNdArray_Buffer(PyObject *nd);

/* --- Debugging stale pointers -----------------------------------------------
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

/* --- Types with Python 2's buffer slots -------------------------------------
 *
 * A type whose tp_flags hold MB_TPFLAGS_PYTHON2 has its tp_as_buffer
 * pointing to a table in Python 2.7's layout, MbPython2BufferProcs: the
 * four segment slots of the old protocol, then the new protocol's two
 * (used only when the type also has Py_TPFLAGS_HAVE_NEWBUFFER, 2.7's
 * bit 21, MB_TPFLAGS_PYTHON2_NEWBUFFER here).  Types defined in Python 2
 * mode (python2.h) are marked when they are made ready; minibuf's own
 * Python 2 exporters below are marked statically.  The bit is one that
 * neither CPython 3.11 nor 2.7 uses.
 */
#define MB_TPFLAGS_PYTHON2 (1UL << 2)
#define MB_TPFLAGS_PYTHON2_GETCHARBUFFER (1UL << 0)
#define MB_TPFLAGS_PYTHON2_NEWBUFFER (1UL << 21)

typedef struct {
    Py_ssize_t (*bf_getreadbuffer)(PyObject *, Py_ssize_t, void **);
    Py_ssize_t (*bf_getwritebuffer)(PyObject *, Py_ssize_t, void **);
    Py_ssize_t (*bf_getsegcount)(PyObject *, Py_ssize_t *);
    Py_ssize_t (*bf_getcharbuffer)(PyObject *, Py_ssize_t, char **);
    getbufferproc bf_getbuffer;
    releasebufferproc bf_releasebuffer;
} MbPython2BufferProcs;

/* PyType_Ready, and the creators of instances, for types defined in Python
   2 mode (python2.h maps the CPython names to these): each marks the type
   (MB_TPFLAGS_PYTHON2) when it has a table of its own and is not yet
   ready, then does what its CPython name does.  (In Python 2 mode the
   declarations of the CPython names, mapped, declare them.) */
#ifndef MB_PYTHON2
PyAPI_FUNC(int) MbPython2Type_Ready(PyTypeObject *type);
PyAPI_FUNC(PyObject *) MbPython2_New(PyTypeObject *type);
PyAPI_FUNC(PyVarObject *) MbPython2_NewVar(PyTypeObject *type,
                                          Py_ssize_t nitems);
PyAPI_FUNC(PyObject *) MbPython2_Init(PyObject *op, PyTypeObject *type);
PyAPI_FUNC(PyVarObject *) MbPython2_InitVar(PyVarObject *op,
                                           PyTypeObject *type,
                                           Py_ssize_t size);
#endif

/* --- Python 2 exporters of the old protocol ---------------------------------
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

#ifdef __cplusplus
}
#endif

#endif /* !MINIBUF_H */
