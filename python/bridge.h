/* The bridge between the Python module's two halves, which cannot include
 * each other's Python.h: _minibuf.c is compiled against CPython's headers,
 * mbside.c against minibuf's (with every minibuf name renamed, so that
 * each call binds to the right library; python/build.sh).  Only C types
 * cross: a minibuf object is a `void *`, a view is a `void *` to a
 * Py_buffer, whose layout is the same on both sides (each side checks it
 * at compile time).
 *
 * Errors: a function that fails returns -1 or NULL and leaves minibuf's
 * exception set; mbs_take_error moves it into an MbsError the CPython side
 * turns into a CPython exception of the same type name and message.
 * Every function is called with the GIL held.
 */
#ifndef MB_PYTHON_BRIDGE_H
#define MB_PYTHON_BRIDGE_H

#include <stddef.h>
#include <sys/types.h>

typedef ssize_t mbs_ssize_t;

typedef struct {
    char type[64];          /* "ValueError", "struct.error", ... */
    char message[512];
} MbsError;

/* The pending minibuf exception into *error (cleared); 0 if none. */
int mbs_take_error(MbsError *error);
/* Set a minibuf exception of the type named (an unknown name:
   SystemError). */
void mbs_set_error(const char *type, const char *message);

void mbs_incref(void *object);
void mbs_decref(void *object);
int mbs_is_ndarray(void *object);
int mbs_is_memoryview(void *object);

/* --- A CPython exporter seen by minibuf ----------------------------------- */

/* bf_getbuffer of a CPython exporter: fill *view (every field but obj)
   from `exporter` for `flags`, keeping what must be released in
   view->internal; 0, or -1 after mbs_set_error.  release gives back what
   getbuffer kept.  forget drops the CPython reference. */
typedef struct {
    int (*getbuffer)(void *exporter, void *view, int flags);
    void (*release)(void *exporter, void *view);
    void (*forget)(void *exporter);
} MbsForeignProcs;

/* A minibuf object whose buffer is `exporter`'s; it holds the reference
   the caller passes (forget drops it when the object goes). */
void *mbs_foreign_new(void *exporter, const MbsForeignProcs *procs);

/* --- Views ----------------------------------------------------------------- */

enum { MBS_VIEW_SIZE = 80 };   /* sizeof(Py_buffer) on both sides */

int mbs_get_buffer(void *object, void *view, int flags);
void mbs_release(void *view);
int mbs_is_contiguous(const void *view, char order);
void *mbs_get_pointer(const void *view, const mbs_ssize_t *indices);
/* Write `size` bytes at the item `indices` of object's PyBUF_FULL view. */
int mbs_write_item(void *object, const mbs_ssize_t *indices, int n,
                   const void *bytes, mbs_ssize_t size);
int mbs_to_contiguous(void *destination, const void *view, mbs_ssize_t len,
                      char order);
int mbs_from_contiguous(void *view, const void *source, mbs_ssize_t len,
                        char order);
mbs_ssize_t mbs_size_from_format(const char *format);
/* PyObject_CopyData(destination, source). */
int mbs_copy_data(void *destination, void *source);
mbs_ssize_t mbs_hash(void *object);

/* --- ndarray ----------------------------------------------------------------- */

typedef struct {
    const void *memory;
    mbs_ssize_t nbytes;
    const char *format;
    int ndim;
    const mbs_ssize_t *shape;
    int nstrides;
    const mbs_ssize_t *strides;
    mbs_ssize_t offset;
    int flags;
} MbsLayout;

void *mbs_nd_new(const MbsLayout *layout);
void *mbs_nd_from_exporter(void *exporter, int getbuf, int flags);
int mbs_nd_push(void *nd, const MbsLayout *layout);
int mbs_nd_pop(void *nd);
int mbs_nd_add_suboffsets(void *nd);
void *mbs_nd_index(void *nd, mbs_ssize_t index);
/* slices: n triples (start, step, length). */
void *mbs_nd_slice(void *nd, const mbs_ssize_t *slices, int n);
const void *mbs_nd_buffer(void *nd);
/* The address of the item at `indices` (n of them) of an ndarray's own
   layout, which may lack shape (1-D) or strides (C order): minibuf's
   PyBuffer_GetPointer after PyBuffer_FillContiguousStrides.  NULL with
   IndexError outside. */
const void *mbs_nd_item(void *nd, const mbs_ssize_t *indices, int n);
/* The bytes of an ndarray's own layout in C order, into a block the
   caller frees with free(); its length in *len. */
char *mbs_nd_tobytes(void *nd, mbs_ssize_t *len);
/* The object in an ndarray's or memoryview's own view (borrowed), or
   NULL; for a CPython exporter's bridge, *foreign gets the CPython
   object. */
void *mbs_view_obj(void *object, void **foreign);

/* --- memoryview -------------------------------------------------------------- */

void *mbs_mv_from_object(void *object);
void *mbs_mv_from_buffer(const void *view);
void *mbs_mv_get_contiguous(void *object, int buffertype, char order);
const void *mbs_mv_buffer(void *mv);
int mbs_mv_released(void *mv);
/* The contiguity memoryview reports (its flags, as CPython computes them
   when the view is made): 1 for C, 2 for Fortran. */
int mbs_mv_contiguity(void *mv);
int mbs_mv_release(void *mv);
void *mbs_mv_cast(void *mv, const char *format, const mbs_ssize_t *shape,
                  int ndim);
void *mbs_mv_slice(void *mv, mbs_ssize_t start, mbs_ssize_t stop,
                   mbs_ssize_t step);
/* m.tobytes(order) into a new block the caller frees with free(); its
   length in *len. */
char *mbs_mv_tobytes(void *mv, char order, mbs_ssize_t *len);
void *mbs_mv_toreadonly(void *mv);
int mbs_mv_equal(void *mv, void *other);
mbs_ssize_t mbs_mv_length(void *mv);
int mbs_mv_getitem(void *mv, const mbs_ssize_t *index, mbs_ssize_t nindex,
                   void *out);
int mbs_mv_setitem(void *mv, const mbs_ssize_t *index, mbs_ssize_t nindex,
                   const void *in);

/* --- DLPack ------------------------------------------------------------------ */

/* MbDLPack_Export(object): a DLManagedTensor, as void *; NULL with
   BufferError when minibuf was built without the DLPack bridge. */
void *mbs_dlpack_export(void *object);
/* Calls the tensor's deleter (a tensor no consumer took). */
void mbs_dlpack_delete(void *tensor);

#endif /* !MB_PYTHON_BRIDGE_H */
