//! Share Rust arrays with C code written for CPython's buffer API, and read
//! the arrays such code exports, through libminibuf: no Python, no copies.
//!
//! ```no_run
//! use minibuf::{flags, Object};
//! // A Vec moves into an exporter any PyObject_GetBuffer consumer can read.
//! let matrix = Object::from_array2(vec![0.0f64; 12], [3, 2], [4, 2])?;
//! // Any exporter (this one, or one a C library returns) can be viewed.
//! let view = matrix.buffer(flags::FULL_RO)?;
//! assert_eq!(view.shape(), &[3, 2]);
//! # Ok::<(), minibuf::Error>(())
//! ```
//!
//! Objects are owned references ([`Object`], given back on drop); views
//! ([`Buffer`]) hold their exporter and are released on drop.  Neither is
//! `Send`: an object and its views belong to one thread at a time, as
//! libminibuf's threads rules say.  Memory a Rust program exports stays
//! where it is until the last view of it is released: owned data moves
//! into the exporter ([`Object::from_vec`], [`Object::from_array2`]), and
//! borrowed data is exported only for the length of a closure that must
//! not let the object escape ([`with_slice`], [`with_slice_mut`]).
//!
//! Only minibuf's host-facing API (`mbhost.h`) and CPython's own functions
//! are called; `Py_buffer` is the one structure mirrored, checked against
//! the library's by [`layout_matches`].

use std::ffi::{c_char, c_int, c_void, CStr};
use std::fmt;
use std::ptr::{self, NonNull};

/// The C declarations, as `mbhost.h` and `pybuffer.h` make them.
#[allow(non_camel_case_types, non_snake_case)]
pub mod ffi {
    use std::ffi::{c_char, c_int, c_void};

    /// An object: opaque, only ever behind a pointer.
    #[repr(C)]
    pub struct PyObject {
        _opaque: [u8; 0],
    }

    /// CPython's `Py_buffer`, field for field.
    #[repr(C)]
    #[derive(Debug)]
    pub struct Py_buffer {
        pub buf: *mut c_void,
        pub obj: *mut PyObject,
        pub len: isize,
        pub itemsize: isize,
        pub readonly: c_int,
        pub ndim: c_int,
        pub format: *mut c_char,
        pub shape: *mut isize,
        pub strides: *mut isize,
        pub suboffsets: *mut isize,
        pub internal: *mut c_void,
    }

    pub type MbHostRelease = Option<unsafe extern "C" fn(host: *mut c_void)>;
    pub type MbHostGetBuffer = Option<
        unsafe extern "C" fn(*mut PyObject, *mut c_void, *mut Py_buffer, c_int) -> c_int,
    >;
    pub type MbHostReleaseBuffer =
        Option<unsafe extern "C" fn(*mut PyObject, *mut c_void, *mut Py_buffer)>;

    extern "C" {
        pub fn MbHostType_New(
            name: *const c_char,
            getbuffer: MbHostGetBuffer,
            releasebuffer: MbHostReleaseBuffer,
        ) -> *mut PyObject;
        pub fn MbHostObject_New(
            type_: *mut PyObject,
            host: *mut c_void,
            release: MbHostRelease,
        ) -> *mut PyObject;
        pub fn MbHostObject_Host(obj: *mut PyObject) -> *mut c_void;
        pub fn MbHostArray_New(
            layout: *const Py_buffer,
            host: *mut c_void,
            release: MbHostRelease,
        ) -> *mut PyObject;
        pub fn MbBuffer_FillLayout(
            view: *mut Py_buffer,
            exporter: *mut PyObject,
            layout: *const Py_buffer,
            flags: c_int,
        ) -> c_int;
        pub fn MbBuffer_Size() -> usize;
        pub fn MbBuffer_FieldOffset(field: *const c_char) -> isize;
        pub fn MbObject_RefCount(obj: *mut PyObject) -> isize;
        pub fn MbObject_TypeName(obj: *mut PyObject) -> *const c_char;
        pub fn MbRequest_Parse(text: *const c_char, flags: *mut c_int) -> c_int;
        pub fn MbErr_TypeName() -> *const c_char;
        pub fn MbErr_Message() -> *const c_char;
        pub fn PyErr_Clear();
        pub fn PyErr_Occurred() -> *mut PyObject;
        pub fn Py_IncRef(obj: *mut PyObject);
        pub fn Py_DecRef(obj: *mut PyObject);
        pub fn PyObject_GetBuffer(obj: *mut PyObject, view: *mut Py_buffer, flags: c_int)
            -> c_int;
        pub fn PyBuffer_Release(view: *mut Py_buffer);
        pub fn PyBuffer_ToContiguous(
            buf: *mut c_void,
            view: *const Py_buffer,
            len: isize,
            order: c_char,
        ) -> c_int;
        pub fn PyBuffer_GetPointer(view: *const Py_buffer, indices: *const isize) -> *mut c_void;
        pub fn PyBuffer_IsContiguous(view: *const Py_buffer, order: c_char) -> c_int;
        pub fn PyMemoryView_FromObject(obj: *mut PyObject) -> *mut PyObject;
    }
}

/// The request flags (`PyBUF_*`), as numbers; [`request`] reads names.
pub mod flags {
    pub const SIMPLE: i32 = 0x0;
    pub const WRITABLE: i32 = 0x1;
    pub const FORMAT: i32 = 0x4;
    pub const ND: i32 = 0x8;
    pub const STRIDES: i32 = 0x18;
    pub const C_CONTIGUOUS: i32 = 0x38;
    pub const F_CONTIGUOUS: i32 = 0x58;
    pub const ANY_CONTIGUOUS: i32 = 0x98;
    pub const INDIRECT: i32 = 0x118;
    pub const CONTIG: i32 = 0x9;
    pub const CONTIG_RO: i32 = 0x8;
    pub const STRIDED: i32 = 0x19;
    pub const STRIDED_RO: i32 = 0x18;
    pub const RECORDS: i32 = 0x1d;
    pub const RECORDS_RO: i32 = 0x1c;
    pub const FULL: i32 = 0x11d;
    pub const FULL_RO: i32 = 0x11c;
}

/// An exception from the library: its type's name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: String,
    pub message: String,
}

impl Error {
    /// The calling thread's current exception, which is cleared.
    fn take() -> Error {
        // SAFETY: both return NULL or a NUL-terminated string valid until
        // the indicator changes, which is after the copies.
        let text = |p: *const c_char| unsafe {
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        let error = Error {
            kind: text(unsafe { ffi::MbErr_TypeName() }),
            message: text(unsafe { ffi::MbErr_Message() }),
        };
        unsafe { ffi::PyErr_Clear() };
        error
    }

    fn new(kind: &str, message: String) -> Error {
        Error { kind: kind.to_string(), message }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// The calling thread's current exception, cleared, if one is set: what
/// a C function that returned -1 or NULL left.
pub fn take_error() -> Option<Error> {
    // SAFETY: reads the calling thread's indicator.
    (!unsafe { ffi::PyErr_Occurred() }.is_null()).then(Error::take)
}

/// Whether this crate's `Py_buffer` is the library's, field for field.
pub fn layout_matches() -> bool {
    use std::mem::{offset_of, size_of};
    let fields: [(&CStr, usize); 11] = [
        (c"buf", offset_of!(ffi::Py_buffer, buf)),
        (c"obj", offset_of!(ffi::Py_buffer, obj)),
        (c"len", offset_of!(ffi::Py_buffer, len)),
        (c"itemsize", offset_of!(ffi::Py_buffer, itemsize)),
        (c"readonly", offset_of!(ffi::Py_buffer, readonly)),
        (c"ndim", offset_of!(ffi::Py_buffer, ndim)),
        (c"format", offset_of!(ffi::Py_buffer, format)),
        (c"shape", offset_of!(ffi::Py_buffer, shape)),
        (c"strides", offset_of!(ffi::Py_buffer, strides)),
        (c"suboffsets", offset_of!(ffi::Py_buffer, suboffsets)),
        (c"internal", offset_of!(ffi::Py_buffer, internal)),
    ];
    // SAFETY: the functions only read their argument.
    unsafe {
        ffi::MbBuffer_Size() == size_of::<ffi::Py_buffer>()
            && fields
                .iter()
                .all(|(name, offset)| ffi::MbBuffer_FieldOffset(name.as_ptr()) == *offset as isize)
    }
}

/// The request a text names: "FULL_RO", "PyBUF_ND|PyBUF_FORMAT", "0x11c".
pub fn request(text: &str) -> Result<i32> {
    let text = std::ffi::CString::new(text)
        .map_err(|_| Error::new("ValueError", "request with a NUL byte".into()))?;
    let mut flags: c_int = 0;
    // SAFETY: text is NUL-terminated and flags a valid int.
    if unsafe { ffi::MbRequest_Parse(text.as_ptr(), &mut flags) } < 0 {
        return Err(Error::take());
    }
    Ok(flags)
}

/// Item types and their struct format codes.
///
/// # Safety
/// `FORMAT` must describe exactly `Self`'s size and representation.
pub unsafe trait Element: Copy + 'static {
    const FORMAT: &'static CStr;
}

macro_rules! element {
    ($($t:ty => $f:literal),*) => {
        $(unsafe impl Element for $t { const FORMAT: &'static CStr = $f; })*
    };
}
element!(i8 => c"b", u8 => c"B", i16 => c"h", u16 => c"H", i32 => c"i",
         u32 => c"I", i64 => c"q", u64 => c"Q", f32 => c"f", f64 => c"d");

/// An owned reference to an object: `Py_DecRef` on drop, `Py_IncRef` on
/// clone.
#[derive(Debug)]
pub struct Object {
    ptr: NonNull<ffi::PyObject>,
}

impl Object {
    /// Take over a new reference (a C function's result); `Err` with the
    /// library's exception for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or a new reference the caller gives up.
    pub unsafe fn from_new_reference(ptr: *mut ffi::PyObject) -> Result<Object> {
        NonNull::new(ptr).map(|ptr| Object { ptr }).ok_or_else(Error::take)
    }

    pub fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    pub fn type_name(&self) -> String {
        // SAFETY: tp_name is a NUL-terminated string of the live type.
        unsafe { CStr::from_ptr(ffi::MbObject_TypeName(self.as_ptr())) }
            .to_string_lossy()
            .into_owned()
    }

    pub fn ref_count(&self) -> isize {
        unsafe { ffi::MbObject_RefCount(self.as_ptr()) }
    }

    /// A view of the object (`PyObject_GetBuffer` with `flags`).
    pub fn buffer(&self, flags: i32) -> Result<Buffer> {
        Buffer::new(self, flags)
    }

    /// `memoryview(obj)`.
    pub fn memoryview(&self) -> Result<Object> {
        unsafe { Object::from_new_reference(ffi::PyMemoryView_FromObject(self.as_ptr())) }
    }

    /// A writable one-dimensional exporter of `data`, which it owns (and
    /// drops when its last view is released).
    pub fn from_vec<T: Element>(data: Vec<T>) -> Result<Object> {
        let n = data.len();
        Object::from_array(data, &[n], &[1])
    }

    /// A writable two-dimensional exporter of `shape[0]` x `shape[1]` items
    /// of `data`, item (i, j) at `data[i * strides[0] + j * strides[1]]`
    /// (strides in items, possibly negative when the first item is not
    /// `data[0]`: see [`Object::from_array`]).
    pub fn from_array2<T: Element>(
        data: Vec<T>,
        shape: [usize; 2],
        strides: [isize; 2],
    ) -> Result<Object> {
        Object::from_array(data, &shape, &strides)
    }

    /// A writable exporter of any shape over `data` (which it owns): item
    /// `index` at `data[start + sum(index[k] * strides[k])]`, where start
    /// makes the lowest item `data[0]`.  `Err` (ValueError) when an item
    /// would fall outside `data`.
    pub fn from_array<T: Element>(data: Vec<T>, shape: &[usize], strides: &[isize]) -> Result<Object> {
        let mut data = Box::new(data);
        let layout = Layout::new::<T>(data.as_mut_ptr(), data.len(), shape, strides, false)?;
        unsafe extern "C" fn drop_vec<T>(host: *mut c_void) {
            // SAFETY: host is the Box given to MbHostArray_New below.
            drop(unsafe { Box::from_raw(host as *mut Vec<T>) });
        }
        let host = Box::into_raw(data) as *mut c_void;
        // SAFETY: the layout describes memory inside the vector, which
        // lives until the library calls drop_vec, exactly once.
        let result = unsafe {
            Object::from_new_reference(ffi::MbHostArray_New(&layout.view, host, Some(drop_vec::<T>)))
        };
        if result.is_err() {
            // A failed creation calls nothing: the vector is still ours.
            unsafe { drop_vec::<T>(host) };
        }
        result
    }
}

impl Clone for Object {
    fn clone(&self) -> Object {
        unsafe { ffi::Py_IncRef(self.as_ptr()) };
        Object { ptr: self.ptr }
    }
}

impl Drop for Object {
    fn drop(&mut self) {
        unsafe { ffi::Py_DecRef(self.as_ptr()) };
    }
}

/// A description of Rust memory as a `Py_buffer`, with the arrays it
/// points to.
struct Layout {
    view: ffi::Py_buffer,
    _dims: Vec<isize>,
}

impl Layout {
    /// Items of T at `base` (n of them), seen with shape and strides in
    /// items from the lowest item reached, `base` itself; ValueError
    /// when an item would fall outside.
    fn new<T: Element>(
        base: *mut T,
        n: usize,
        shape: &[usize],
        strides: &[isize],
        readonly: bool,
    ) -> Result<Layout> {
        let value_error = |m: &str| Error::new("ValueError", m.to_string());
        if shape.len() != strides.len() || shape.len() > 64 {
            return Err(value_error("shape and strides: up to 64 dimensions, one stride each"));
        }
        let size = std::mem::size_of::<T>() as isize;
        let (mut low, mut high, mut count) = (0isize, 0isize, 1usize);
        for (&extent, &stride) in shape.iter().zip(strides) {
            count = count.checked_mul(extent).ok_or_else(|| value_error("too many items"))?;
            let reach = stride
                .checked_mul(extent.saturating_sub(1) as isize)
                .ok_or_else(|| value_error("strides reach too far"))?;
            if reach < 0 {
                low += reach;
            } else {
                high += reach;
            }
        }
        if count > 0 && (high - low) as usize >= n {
            return Err(value_error("the layout reaches outside the data"));
        }
        let mut dims: Vec<isize> = shape.iter().map(|&e| e as isize).collect();
        dims.extend(strides.iter().map(|&s| s * size));
        let ndim = shape.len();
        let view = ffi::Py_buffer {
            // SAFETY: -low < n when there are items: inside the data.
            buf: unsafe { base.offset(if count > 0 { -low } else { 0 }) } as *mut c_void,
            obj: ptr::null_mut(),
            len: count as isize * size,
            itemsize: size,
            readonly: readonly as c_int,
            ndim: ndim as c_int,
            format: T::FORMAT.as_ptr() as *mut c_char,
            shape: dims.as_mut_ptr(),
            strides: dims[ndim..].as_mut_ptr(),
            suboffsets: ptr::null_mut(),
            internal: ptr::null_mut(),
        };
        Ok(Layout { view, _dims: dims })
    }
}

/// Aborts the process if a borrowed export is still held when its scope
/// ends, even by unwinding: C code would keep a pointer into memory the
/// borrow no longer protects.
struct BorrowGuard<'a>(&'a Object);

impl Drop for BorrowGuard<'_> {
    fn drop(&mut self) {
        if self.0.ref_count() != 1 {
            eprintln!(
                "minibuf: a borrowed slice's exporter is still held ({} references) \
                 after its scope: aborting",
                self.0.ref_count()
            );
            std::process::abort();
        }
    }
}

fn with_borrowed<T: Element, R>(
    base: *mut T,
    n: usize,
    readonly: bool,
    f: impl FnOnce(&Object) -> R,
) -> R {
    let layout = Layout::new::<T>(base, n, &[n], &[1], readonly)
        .expect("a one-dimensional layout of a whole slice always fits");
    // SAFETY: the slice outlives the object, which BorrowGuard checks.
    let object = unsafe {
        Object::from_new_reference(ffi::MbHostArray_New(&layout.view, ptr::null_mut(), None))
    }
    .unwrap_or_else(|e| panic!("minibuf: {e}"));
    let guard = BorrowGuard(&object);
    let result = f(guard.0);
    drop(guard);
    result
}

/// Export a borrowed slice, read-only, for the length of `f`; every view
/// of it must be released (and the object not kept) when `f` returns.
pub fn with_slice<T: Element, R>(data: &[T], f: impl FnOnce(&Object) -> R) -> R {
    with_borrowed(data.as_ptr() as *mut T, data.len(), true, f)
}

/// Export a borrowed slice, writable: C consumers change it in place.
pub fn with_slice_mut<T: Element, R>(data: &mut [T], f: impl FnOnce(&Object) -> R) -> R {
    with_borrowed(data.as_mut_ptr(), data.len(), false, f)
}

/// A view of an exporter, released on drop.  It holds the exporter, so
/// it may outlive the [`Object`] it was taken from.
#[derive(Debug)]
pub struct Buffer {
    view: ffi::Py_buffer,
}

impl Buffer {
    pub fn new(object: &Object, flags: i32) -> Result<Buffer> {
        // SAFETY: a zeroed Py_buffer is a valid argument.
        let mut view: ffi::Py_buffer = unsafe { std::mem::zeroed() };
        if unsafe { ffi::PyObject_GetBuffer(object.as_ptr(), &mut view, flags) } < 0 {
            return Err(Error::take());
        }
        Ok(Buffer { view })
    }

    /// The raw view, for C functions that take a `Py_buffer *`.
    pub fn raw(&self) -> &ffi::Py_buffer {
        &self.view
    }

    pub fn as_ptr(&self) -> *const c_void {
        self.view.buf
    }

    pub fn ndim(&self) -> usize {
        self.view.ndim as usize
    }

    pub fn itemsize(&self) -> usize {
        self.view.itemsize as usize
    }

    pub fn len_bytes(&self) -> usize {
        self.view.len as usize
    }

    pub fn readonly(&self) -> bool {
        self.view.readonly != 0
    }

    /// The format, or None when the request did not ask for it ("B").
    pub fn format(&self) -> Option<&str> {
        if self.view.format.is_null() {
            None
        } else {
            unsafe { CStr::from_ptr(self.view.format) }.to_str().ok()
        }
    }

    unsafe fn array(&self, p: *const isize) -> Option<&[isize]> {
        (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p, self.ndim()) })
    }

    /// The shape: empty when the request did not ask for it.
    pub fn shape(&self) -> &[isize] {
        unsafe { self.array(self.view.shape) }.unwrap_or(&[])
    }

    /// The strides in bytes, when the request asked for them.
    pub fn strides(&self) -> Option<&[isize]> {
        unsafe { self.array(self.view.strides) }
    }

    pub fn suboffsets(&self) -> Option<&[isize]> {
        unsafe { self.array(self.view.suboffsets) }
    }

    /// Whether the view is contiguous in order 'C', 'F' or 'A'.
    pub fn is_contiguous(&self, order: char) -> bool {
        unsafe { ffi::PyBuffer_IsContiguous(&self.view, order as c_char) != 0 }
    }

    fn check_items<T: Element>(&self) -> Result<()> {
        let expected = T::FORMAT.to_str().unwrap();
        let format = self.format().unwrap_or("B");
        let native = format.strip_prefix(['@', '=']).unwrap_or(format);
        if native == expected && self.itemsize() == std::mem::size_of::<T>() {
            Ok(())
        } else {
            Err(Error::new(
                "TypeError",
                format!("items of format '{format}' are not {}", std::any::type_name::<T>()),
            ))
        }
    }

    /// The items in C order, copied (`PyBuffer_ToContiguous`).
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        self.check_items::<T>()?;
        let n = self.len_bytes() / std::mem::size_of::<T>();
        let mut items = Vec::<T>::with_capacity(n);
        // SAFETY: room for len bytes; set_len after the copy wrote them.
        unsafe {
            if ffi::PyBuffer_ToContiguous(items.as_mut_ptr() as *mut c_void, &self.view, self.view.len, b'C' as c_char) < 0 {
                return Err(Error::take());
            }
            items.set_len(n);
        }
        Ok(items)
    }

    /// The items themselves, without a copy, when the view is C-contiguous
    /// and aligned for T.
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.check_items::<T>()?;
        let n = self.len_bytes() / std::mem::size_of::<T>();
        if !self.is_contiguous('C') || (self.view.buf as usize) % std::mem::align_of::<T>() != 0 {
            return Err(Error::new("BufferError", "the view is not C-contiguous and aligned".into()));
        }
        Ok(unsafe { std::slice::from_raw_parts(self.view.buf as *const T, n) })
    }

    /// The item at `index` (one per dimension), following suboffsets;
    /// None out of range.
    pub fn get<T: Element>(&self, index: &[usize]) -> Result<Option<T>> {
        self.check_items::<T>()?;
        if index.len() != self.ndim()
            || self.shape().len() != self.ndim()
            || index.iter().zip(self.shape()).any(|(&i, &n)| i as isize >= n)
        {
            return Ok(None);
        }
        let index: Vec<isize> = index.iter().map(|&i| i as isize).collect();
        // SAFETY: the index is inside the shape, so the pointer is an item.
        Ok(Some(unsafe {
            (ffi::PyBuffer_GetPointer(&self.view, index.as_ptr()) as *const T).read_unaligned()
        }))
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        unsafe { ffi::PyBuffer_Release(&mut self.view) };
    }
}
