/* Declarations shared by the library's modules and never installed.
 *
 * Everything here has hidden visibility (the library is compiled with
 * -fvisibility=hidden), so none of it is part of the ABI.
 */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stdarg.h>

#include "Python.h"

/* The library's own messages must not name its source files: it raises
   SystemError "bad argument to internal function" through the function,
   not through the macro that adds the caller's file and line. */
#undef PyErr_BadInternalCall

#if defined(__GNUC__) || defined(__clang__)
#  define MB_HIDDEN __attribute__((visibility("hidden")))
#else
#  define MB_HIDDEN
#endif

/* --- Built-in type objects (object.c) -------------------------------------
 *
 * The library names them directly; programs reach them through the MbType_
 * pointers (object.h explains why).
 */
MB_HIDDEN extern PyTypeObject mb_type_type;
MB_HIDDEN extern PyTypeObject mb_object_type;

/* --- Accounting (mem.c) --------------------------------------------------- */

void mb_count_object(Py_ssize_t delta);
void mb_count_export(Py_ssize_t delta);

/* Give back storage whose old contents a consumer may still be reading
   through a stale pointer (a bytearray's, when it moves or dies).  With the
   poison setting on (MbDebug_SetPoison, MINIBUF_POISON=1), the bytes are
   overwritten with MB_POISON_BYTE and kept in a small quarantine instead of
   being freed at once, so a stale read shows the pattern.  Assumption: ptr
   came from PyObject_Malloc and holds size bytes. */
void mb_release_storage(void *ptr, size_t size);

/* Free what the poison setting has kept back (at Py_Finalize). */
void mb_flush_quarantine(void);

/* --- The protocol (buffer.c) ---------------------------------------------- */

/* Call obj's bf_getbuffer and count the export (PyObject_GetBuffer without
   its checks, for the callers CPython lets call the slot directly).
   Assumption: the slot exists. */
int mb_call_getbuffer(PyObject *obj, Py_buffer *view, int flags);

/* --- Exceptions (errors.c) ------------------------------------------------- */

/* Set type with a message that is already formatted; never fails (falls
   back to MemoryError when the message cannot be stored). */
void mb_err_set(PyObject *type, const char *message, size_t length);

/* CPython's answer to a NULL argument: SystemError "null argument to
   internal routine", unless an exception is already set, which is kept. */
void mb_err_null_argument(void);

/* The formatter behind PyErr_Format (strformat.c): a new PyMem_Malloc'd,
   NUL-terminated string, or NULL on failure with *length untouched. */
char *mb_vformat(const char *format, va_list args, size_t *length);

/* --- Hashing (hash.c) ----------------------------------------------------- */

/* The hash CPython gives bytes with these contents (PYTHONHASHSEED=0). */
Py_hash_t mb_hash_bytes(const void *data, Py_ssize_t length);

/* --- Layouts (layout.c) --------------------------------------------------------
 *
 * A view's structure with shape and strides always filled in, on the stack:
 * what the copy functions and memoryview work from.
 */
typedef struct {
    char *buf;
    Py_ssize_t itemsize;
    Py_ssize_t nitems;                   /* product(shape) */
    int ndim;
    Py_ssize_t shape[PyBUF_MAX_NDIM];
    Py_ssize_t strides[PyBUF_MAX_NDIM];
    const Py_ssize_t *suboffsets;        /* the view's, or NULL */
} MbLayout;

/* Describe view completely, filling in what it leaves out as CPython does
   (1-D shape len/itemsize, C strides); -1 with ValueError or OverflowError
   naming `caller` for a view that cannot be described. */
int mb_layout_of_view(MbLayout *layout, const Py_buffer *view,
                      const char *caller);

/* A contiguous layout in order 'C' or 'F' over buf, with the shape and
   itemsize of `like`. */
void mb_layout_contiguous(MbLayout *layout, char *buf, const MbLayout *like,
                          char order);

/* PyBuffer_FillContiguousStrides with a Py_ssize_t itemsize. */
void mb_contiguous_strides(int ndim, const Py_ssize_t *shape,
                          Py_ssize_t *strides, Py_ssize_t itemsize,
                          char order);

/* The address a PIL-style pointer at p leads to, plus suboffset.  The
   pointer is read with memcpy: p need not be aligned. */
static inline char *
mb_follow(const char *p, Py_ssize_t suboffset)
{
    char *target;
    memcpy(&target, p, sizeof(target));
    return target + suboffset;
}

/* --- Values of struct items (structvalue.c) ---------------------------------- */

typedef enum { MB_VALUE_INT, MB_VALUE_FLOAT, MB_VALUE_BYTES } MbValueKind;

/* One value as struct.unpack would give it. */
typedef struct {
    MbValueKind kind;
    int negative;                     /* integers: sign */
    unsigned long long magnitude;     /* integers: absolute value */
    double d;                         /* floats */
    const unsigned char *bytes;       /* byte strings: the bytes */
    Py_ssize_t nbytes;
} MbValue;

/* Walks the values of one item (at `item`) of a struct format. */
typedef struct {
    MbFormatParser parser;
    MbFormatCode code;
    const char *item;
    Py_ssize_t left;                  /* values left in the current code */
    Py_ssize_t at;                    /* offset of the next value */
    int little;                       /* byte order of the format */
} MbValueReader;

/* 0, or -1 with the format's exception (UnicodeError). */
int mb_values_start(MbValueReader *reader, const char *format,
                    const char *item);

/* The next value and 1; 0 at the end; -1 with struct.error. */
int mb_values_next(MbValueReader *reader, MbValue *value);

/* 1 if Python would call the two values equal. */
int mb_value_equal(const MbValue *a, const MbValue *b);

/* 1 if the items unpack to equal values, 0 if not, -1 with an exception
   if a format cannot be read.  Assumption: the formats' sizes fit in the
   items. */
int mb_items_equal(const char *format_a, const char *a, const char *format_b,
                   const char *b);

/* --- Copies (copy.c) ------------------------------------------------------------- */

/* Copy every item of src to the item of dst with the same index.
   Assumptions: same ndim, shape and itemsize; the two do not overlap. */
void mb_layout_copy(const MbLayout *dst, const MbLayout *src);

#endif /* !MB_INTERNAL_H */
