/* The DLPack bridge: any PEP 3118 exporter as a DLPack tensor, and any
 * DLPack tensor as an exporter, without a copy and without Python.
 *
 * DLPack (dlpack/dlpack.h, Debian's libdlpack-dev) is how NumPy, PyTorch,
 * JAX and CuPy hand each other memory: a DLTensor (data, device, ndim,
 * dtype, shape, strides counted in items, byte_offset) in a managed
 * structure whose deleter the consumer calls, once, when it is done.
 * The bridge is in the library when configure found dlpack.h
 * (MB_HAVE_DLPACK in mbversion.h); the versioned functions when that
 * header is DLPack 1.x (MB_DLPACK_VERSIONED).
 *
 * Types: PEP 3118 formats map to DLPack dtypes and back, native byte
 * order only ('@', '=' and '<' on a little-endian machine):
 *   b h i l q n -> int, B H I L Q N -> uint (bits: 8 * itemsize),
 *   e f d -> float 16/32/64, Zf Zd -> complex 64/128, ? -> bool (code 6,
 *   DLPack's kDLBool since 0.8).
 * Back, int and uint of 8/16/32/64 bits give b h i q and B H I Q.
 *
 * Ownership rules:
 * - An export holds a view of the exporter (PyObject_GetBuffer, so the
 *   exporter stays alive and, for a bytearray, unresizable) until the
 *   consumer calls the tensor's deleter, which releases the view and
 *   frees the tensor.  It must be called exactly once, on a thread that
 *   may touch the exporter (docs/threads.md).
 * - An import takes the tensor: the object it returns calls the tensor's
 *   deleter exactly once, when its last reference goes (after the last
 *   view of it is released).  A failed import leaves the tensor the
 *   caller's.
 */
#ifndef MB_DLPACK_H
#define MB_DLPACK_H

#include <dlpack/dlpack.h>

#include "object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A DLPack tensor of the exporter's memory: PyObject_GetBuffer with
   PyBUF_FULL_RO, the dtype from the format, the strides converted to
   items, device kDLCPU, byte_offset 0.  NULL with BufferError when DLPack
   cannot describe the view: "DLPack has no type for format 'F'",
   "DLPack cannot describe suboffsets", "DLPack counts strides in items:
   stride S of dimension D is not a multiple of the item size N", or, for
   this structure without a read-only flag, "a read-only buffer cannot be
   exported as DLManagedTensor, which has no read-only flag"; the
   exporter's own error when it refuses; MemoryError. */
PyAPI_FUNC(DLManagedTensor *) MbDLPack_Export(PyObject *exporter);

/* An exporter (minibuf.hostarray) of the tensor's memory, writable: the
   format from the dtype, shape and strides (in bytes; C order when the
   tensor has none), buf = data + byte_offset.  Its host pointer
   (MbHostObject_Host) is the tensor.  NULL with BufferError when the
   tensor cannot be exported: "DLPack device type T is not CPU memory",
   "DLPack dtype (code C, bits B, lanes L) has no PEP 3118 format", "DLPack
   tensor of ndim N: 0 to 64 dimensions are supported", "DLPack tensor
   shape or strides do not fit in memory"; ValueError for a NULL shape
   with ndim > 0 or a negative extent; SystemError for a NULL tensor;
   MemoryError. */
PyAPI_FUNC(PyObject *) MbDLPack_Import(DLManagedTensor *tensor);

#if defined(DLPACK_MAJOR_VERSION) && DLPACK_MAJOR_VERSION >= 1
/* DLPack 1.x: MbDLPack_Export into the versioned structure, with its
   version set to the header's and DLPACK_FLAG_BITMASK_READ_ONLY for a
   read-only view (which it exports). */
PyAPI_FUNC(DLManagedTensorVersioned *)
MbDLPack_ExportVersioned(PyObject *exporter);

/* DLPack 1.x: MbDLPack_Import of the versioned structure; read-only when
   the tensor has DLPACK_FLAG_BITMASK_READ_ONLY.  BufferError "DLPack
   version M.N is not supported (this build reads 1.x)" for another major
   version. */
PyAPI_FUNC(PyObject *)
MbDLPack_ImportVersioned(DLManagedTensorVersioned *tensor);
#endif

#ifdef __cplusplus
}
#endif

#endif /* !MB_DLPACK_H */
