"""minibuf's buffer protocol, from Python.

minibuf is a C library that reproduces CPython's buffer protocols; this
package puts its objects in CPython's hands:

- ndarray: the teaching exporter, with the Python interface of CPython's
  _testbuffer.ndarray, backed by minibuf's ndarray;
- memoryview: the interface of the built-in memoryview, backed by
  minibuf's memoryview and its managed buffer;
- the functions and constants of _testbuffer (get_pointer,
  get_contiguous, py_buffer_to_contiguous, is_contiguous, cmp_contig,
  slice_indices, get_sizeof_void_p, staticarray, ND_*, PyBUF_*) and
  PyBuffer_SizeFromFormat.

Every buffer operation is minibuf's C code (the extension _minibuf, which
holds the library renamed inside it); this file only turns Python values
into bytes and back with the struct module.  minibuf's objects export
their memory through CPython's protocol (bytes(m), struct.unpack_from,
NumPy read it in place), and CPython's exporters can be viewed by
minibuf's memoryview and ndarray.  Every minibuf object also speaks
DLPack (__dlpack__, __dlpack_device__: numpy.from_dlpack takes it without
a copy) when the library was built with its DLPack bridge.

>>> import minibuf
>>> m = minibuf.memoryview(minibuf.ndarray(list(range(12)), shape=[3, 4],
...                                         format='i'))
>>> m.shape, m.strides, m[1, 2]
((3, 4), (16, 4), 6)
"""
import struct as _struct

from . import _minibuf

# --- Constants ------------------------------------------------------------

PyBUF_SIMPLE = 0
PyBUF_WRITABLE = 0x0001
PyBUF_FORMAT = 0x0004
PyBUF_ND = 0x0008
PyBUF_STRIDES = 0x0010 | PyBUF_ND
PyBUF_C_CONTIGUOUS = 0x0020 | PyBUF_STRIDES
PyBUF_F_CONTIGUOUS = 0x0040 | PyBUF_STRIDES
PyBUF_ANY_CONTIGUOUS = 0x0080 | PyBUF_STRIDES
PyBUF_INDIRECT = 0x0100 | PyBUF_STRIDES
PyBUF_CONTIG = PyBUF_ND | PyBUF_WRITABLE
PyBUF_CONTIG_RO = PyBUF_ND
PyBUF_STRIDED = PyBUF_STRIDES | PyBUF_WRITABLE
PyBUF_STRIDED_RO = PyBUF_STRIDES
PyBUF_RECORDS = PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT
PyBUF_RECORDS_RO = PyBUF_STRIDES | PyBUF_FORMAT
PyBUF_FULL = PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT
PyBUF_FULL_RO = PyBUF_INDIRECT | PyBUF_FORMAT
PyBUF_READ = 0x100
PyBUF_WRITE = 0x200
PyBUF_UNUSED = 0x10000          # ndarray's getbuf when not re-exporting

ND_MAX_NDIM = 128
ND_VAREXPORT = 0x001
ND_WRITABLE = 0x002
ND_FORTRAN = 0x004
ND_SCALAR = 0x008
ND_PIL = 0x010
ND_REDIRECT = 0x020
ND_GETBUF_FAIL = 0x040
ND_GETBUF_UNDEFINED = 0x080
ND_LEGACY = 0x400               # minibuf's: exports with obj NULL

_OWN_FLAGS = (ND_VAREXPORT | ND_WRITABLE | ND_FORTRAN | ND_SCALAR | ND_PIL
              | ND_REDIRECT | ND_GETBUF_FAIL | ND_GETBUF_UNDEFINED
              | ND_LEGACY)


# --- Items as bytes --------------------------------------------------------

def _is_minibuf(obj):
    return isinstance(obj, _minibuf.Object)


def _supports_buffer(obj):
    return _minibuf.check_buffer(obj)


def _pack(fmt, items, itemsize):
    """The items packed one after another with struct, with _testbuffer's
    errors: ValueError for an item of the wrong kind or count, struct.error
    for one out of range."""
    packer = _struct.Struct(fmt)
    several = len(_struct.unpack(fmt, bytes(itemsize))) > 1
    data = bytearray(len(items) * itemsize)
    for i, item in enumerate(items):
        if isinstance(item, tuple) != several:
            raise ValueError("mismatch between initializer element and "
                             "format string")
        values = item if several else (item,)
        try:
            packer.pack_into(data, i * itemsize, *values)
        except _struct.error as e:
            if "required argument is not" in str(e):
                raise ValueError(str(e)) from None
            raise
    return bytes(data)


def _unpack(fmt, data):
    """One item: a value, or a tuple for a format of several codes."""
    values = _struct.unpack(fmt, data)
    return values[0] if len(values) == 1 else values


# --- The layout attributes ndarray and memoryview share --------------------

class _Layout:
    """The attributes of the current layout, each read from
    _minibuf.info() (which refuses a released memoryview); format reads
    _empty_format where the view has none: "" for ndarray, as
    _testbuffer's, "B" for memoryview, as CPython's."""

    __slots__ = ()
    _empty_format = ""

    def _info(self):
        return _minibuf.info(self)

    nbytes = property(lambda self: self._info()[0])
    itemsize = property(lambda self: self._info()[1])
    readonly = property(lambda self: self._info()[2])
    ndim = property(lambda self: self._info()[3])
    format = property(lambda self: self._info()[4] or self._empty_format)
    shape = property(lambda self: self._info()[5] or ())
    strides = property(lambda self: self._info()[6] or ())
    suboffsets = property(lambda self: self._info()[7] or ())
    c_contiguous = property(lambda self: self._info()[8])
    f_contiguous = property(lambda self: self._info()[9])
    contiguous = property(lambda self: self._info()[10])


# --- ndarray ----------------------------------------------------------------

class ndarray(_Layout, _minibuf.Object):
    """ndarray(obj, shape=None, strides=None, offset=0, format='B',
    flags=0, getbuf=PyBUF_UNUSED)

    From a list or tuple of items (or one item, for shape []): an array
    over memory of its own, packed with struct.  From an exporter: a
    re-exporter holding one request of it (getbuf, PyBUF_FULL_RO by
    default), passing requests on with ND_REDIRECT."""

    def __new__(cls, obj=None, shape=None, strides=None, offset=0,
                format=None, flags=0, getbuf=PyBUF_UNUSED):
        if (shape is None and _supports_buffer(obj)
                and not isinstance(obj, (list, tuple))):
            if strides is not None or offset != 0 or format is not None:
                raise TypeError("construction from exporter object only "
                                "takes 'obj', 'getbuf' and 'flags' "
                                "arguments")
            if getbuf == PyBUF_UNUSED:
                getbuf = PyBUF_FULL_RO
            if not isinstance(getbuf, int) or not isinstance(flags, int):
                raise TypeError("getbuf and flags must be integers")
            if flags & ~ND_REDIRECT:
                raise TypeError("flags must be 0 or ND_REDIRECT")
            self = _minibuf.nd_from_exporter(cls, obj, getbuf, flags)
            self._flags = flags
            self._offset = -1
            return self
        if getbuf != PyBUF_UNUSED:
            raise TypeError("getbuf argument only valid for construction "
                            "from exporter object")
        data, fmt, shape, strides = _layout(obj, shape, strides, format,
                                            flags, offset)
        self = _minibuf.nd_new(cls, data, fmt, shape, strides, offset,
                               flags & ~ND_SCALAR)
        self._flags = flags
        # A PIL layout's offset goes into its row pointers: it reads 0.
        self._offset = 0 if flags & ND_PIL else offset
        return self

    def push(self, items, shape=None, strides=None, offset=0, format=None,
             flags=0):
        data, fmt, shape, strides = _layout(items, shape, strides, format,
                                            flags, offset)
        _minibuf.nd_push(self, data, fmt, shape, strides, offset,
                         flags & ~ND_SCALAR)

    def pop(self):
        _minibuf.nd_pop(self)

    def add_suboffsets(self):
        _minibuf.nd_add_suboffsets(self)

    def memoryview_from_buffer(self):
        if len(self.format) > 128:
            raise TypeError("memoryview_from_buffer: format is limited to "
                            "128 characters")
        base = self.obj
        if isinstance(base, ndarray) and base.obj is not None:
            raise TypeError("memoryview_from_buffer(): ndarray must be "
                            "original exporter or consumer from "
                            "ndarray/original exporter")
        return _minibuf.mv_from_buffer(memoryview, self)

    @property
    def obj(self):
        return _minibuf.view_obj(self)

    @property
    def flags(self):
        return self._flags | (ND_PIL if self._info()[7] else 0)

    @property
    def offset(self):
        return self._offset

    def tobytes(self):
        return _minibuf.nd_tobytes(self)

    def tolist(self):
        info = self._info()
        fmt = info[4]
        if not fmt:
            raise ValueError("ndarray: tolist() does not support "
                             "format=NULL, use tobytes()")
        shape = info[5]
        if shape is None:
            shape = () if info[3] == 0 else (info[0] // info[1],)
        return _tolist(self, fmt, shape)

    def __len__(self):
        shape = self.shape
        if not shape:
            raise TypeError("0-d array has no len()")
        return shape[0]

    def __hash__(self):
        return _minibuf.hash(self)

    # Sub-arrays: views of part of the memory (minibuf's MbNdArray_Index
    # and MbNdArray_Slice), with _testbuffer's rules for keys: an int
    # indexes the first dimension; slices, alone or in a tuple, slice the
    # leading dimensions; an empty tuple is the whole.
    def _view(self, made):
        made._flags = self._flags & (ND_WRITABLE | ND_PIL)
        made._offset = -1
        return made

    def __getitem__(self, key):
        info = self._info()
        ndim, shape = info[3], info[5] or ()
        if ndim == 0:
            if isinstance(key, tuple) and key == ():
                return self.tolist()
            if key is Ellipsis:
                return self._view(_minibuf.nd_slice(ndarray, self, []))
            if hasattr(key, "__index__"):
                raise TypeError("invalid indexing of scalar")
            raise TypeError('cannot index memory using "%s"'
                            % type(key).__name__)
        if hasattr(key, "__index__") and not isinstance(key, tuple):
            i = key.__index__()
            if ndim == 1:
                # An item, read from the layout as it is (which may lack
                # shape, strides or format).
                length = shape[0] if shape else info[0] // info[1]
                if not _SSIZE_MIN <= i <= _SSIZE_MAX:
                    raise OverflowError("Python int too large to convert "
                                        "to C ssize_t")
                if i < 0:
                    i += length
                if not 0 <= i < length:
                    raise IndexError("index out of bounds")
                return _unpack(info[4] or "B",
                               _minibuf.nd_item_bytes(self, [i]))
            if i < 0:
                i += shape[0]
            return self._view(_minibuf.nd_index(ndarray, self, i))
        return self._view(_minibuf.nd_slice(ndarray, self,
                                            _fit(key, shape)))

    def __setitem__(self, key, value):
        info = self._info()
        if info[2]:
            raise TypeError("ndarray is not writable")
        ndim, shape, fmt = info[3], info[5] or (), info[4] or "B"
        if ndim == 0:
            if hasattr(key, "__index__") and not isinstance(key, tuple):
                raise TypeError("invalid indexing of scalar")
            if not (key == () or key is Ellipsis):
                raise TypeError('cannot index memory using "%s"'
                                % type(key).__name__)
            _minibuf.write_item(self, [], _pack_value(fmt, value))
            return
        if (ndim == 1 and hasattr(key, "__index__")
                and not isinstance(key, tuple)):
            i = key.__index__()
            if not _SSIZE_MIN <= i <= _SSIZE_MAX:
                raise OverflowError("Python int too large to convert to C "
                                    "ssize_t")
            if i < 0:
                i += shape[0]
            if not 0 <= i < shape[0]:
                raise IndexError("index out of bounds")
            _minibuf.write_item(self, [i], _pack_value(fmt, value))
            return
        target = self[key]
        if not _supports_buffer(value):
            raise TypeError("a bytes-like object is required, not '%s'"
                            % type(value).__name__)
        source = ndarray(value, getbuf=PyBUF_FULL_RO)
        if (target.shape != source.shape
                or (target.format or "B") != (source.format or "B")
                or target.itemsize != source.itemsize):
            raise ValueError("ndarray assignment: lvalue and rvalue have "
                             "different structures")
        _assign_rows(target, source)

    def __delitem__(self, key):
        raise TypeError("ndarray data cannot be deleted")


def _layout(items, shape, strides, format, flags, offset=0):
    """What nd_new needs from ndarray's arguments, checked as _testbuffer
    checks them: the packed items, the format, the shape and strides as
    lists."""
    fmt = "B" if format is None else format
    if shape is None:
        raise TypeError("shape is a required argument when constructing "
                        "from list, tuple or scalar")
    if not isinstance(shape, (list, tuple)):
        raise TypeError("shape must be a list or a tuple")
    if strides is not None and not isinstance(strides, (list, tuple)):
        raise TypeError("strides must be a list or a tuple")
    if not isinstance(fmt, str):
        raise TypeError("format must be a string")
    if not isinstance(offset, int) or not isinstance(flags, int):
        raise TypeError("offset and flags must be integers")
    if not isinstance(items, (list, tuple)):
        if shape != [] and shape != ():
            raise TypeError("items must be a list or a tuple")
        items = [items]
    elif len(shape) == 0 and isinstance(items, tuple) and len(items) != 1:
        items = [items]
    if len(items) == 0:
        raise ValueError("initializer list or tuple must not be empty")
    itemsize = _minibuf.size_from_format(fmt)
    if itemsize == 0:
        raise ValueError("itemsize must not be zero")
    data = _pack(fmt, items, itemsize)
    shape = list(shape)
    # An empty strides list means none, as in _testbuffer.
    if strides is not None:
        strides = list(strides) or None
    return data, fmt, shape, strides


def _assign_rows(target, source):
    """target[...] = source for two arrays of one structure, row by row
    in C order, each row through a copy (so that rows of one array that
    overlap take the source row as it was): minibuf's
    PyBuffer_ToContiguous and PyBuffer_FromContiguous on each."""
    shape = target.shape
    if len(shape) <= 1:
        _minibuf.from_contiguous(target, source.tobytes())
        return
    for i in range(shape[0]):
        _assign_rows(target[i], source[i])


def _fit(key, shape):
    """A slice or a tuple of slices, as (start, step, length) for each
    leading dimension."""
    if isinstance(key, slice):
        key = (key,)
    if not isinstance(key, tuple):
        raise TypeError('cannot index memory using "%s"' % type(key).__name__)
    fitted = []
    for n, k in enumerate(key):
        if not isinstance(k, slice):
            raise TypeError('cannot index memory using "%s"'
                            % type(k).__name__)
        extent = shape[n] if n < len(shape) else 0
        start, stop, step = k.indices(extent)
        fitted.append((start, step, len(range(start, stop, step))))
    return fitted


def _pack_value(fmt, value):
    """One item for an ndarray, packed with struct as _testbuffer packs
    it: a tuple for a format of several codes, a value for one."""
    several = len(_struct.unpack(fmt, bytes(_struct.calcsize(fmt)))) > 1
    if isinstance(value, tuple) != several:
        raise ValueError("mismatch between initializer element and format "
                         "string")
    return _struct.pack(fmt, *value) if several else _struct.pack(fmt, value)


def _tolist(obj, fmt, shape):
    """The items of an ndarray's own layout, nested by shape, each found
    by minibuf's PyBuffer_GetPointer and unpacked with struct."""
    if not shape:
        return _unpack(fmt, _minibuf.nd_item_bytes(obj, []))

    def level(prefix):
        dim = len(prefix)
        if dim == len(shape) - 1:
            return [_unpack(fmt, _minibuf.nd_item_bytes(obj, prefix + [i]))
                    for i in range(shape[dim])]
        return [level(prefix + [i]) for i in range(shape[dim])]
    return level([])


# --- memoryview -----------------------------------------------------------------

_NATIVE = "?cbBhHiIlLqQnNfdeP"


def _native_code(fmt):
    """The single native code of a memoryview format, or None."""
    if len(fmt) == 2 and fmt[0] == "@":
        fmt = fmt[1:]
    return fmt if len(fmt) == 1 and fmt in _NATIVE else None


class memoryview(_Layout, _minibuf.Object):
    """memoryview(object): a view of any exporter's memory, made by
    minibuf's PyMemoryView_FromObject."""

    _empty_format = "B"

    def __new__(cls, obj):
        if not _supports_buffer(obj):
            raise TypeError("memoryview: a bytes-like object is required, "
                            "not '%s'" % type(obj).__name__)
        return _minibuf.mv_new(cls, obj)

    obj = property(lambda self: (self._info(),
                                 _minibuf.view_obj(self))[1])

    def release(self):
        _minibuf.mv_release(self)

    def __enter__(self):
        self._info()
        return self

    def __exit__(self, *exc):
        self.release()

    def cast(self, format, shape=None):
        if not isinstance(format, str):
            raise TypeError("memoryview: format argument must be a string")
        if shape is not None and not isinstance(shape, (list, tuple)):
            raise TypeError("shape must be a list or a tuple")
        return _minibuf.mv_cast(memoryview, self, format, shape)

    def toreadonly(self):
        return _minibuf.mv_toreadonly(memoryview,
                                   self)

    def tobytes(self, order=None):
        if order is None:
            order = 'C'
        if order not in ('C', 'F', 'A'):
            raise ValueError("order must be 'C', 'F' or 'A'")
        return _minibuf.mv_tobytes(self, order)

    def hex(self, *args):
        return self.tobytes().hex(*args)

    def tolist(self):
        info = self._info()
        fmt = info[4] or "B"
        code = _native_code(fmt)
        if code is None:
            raise NotImplementedError(
                "memoryview: unsupported format %s" % fmt)
        return _mv_tolist(self, fmt, info[5] or ())

    def __len__(self):
        return _minibuf.mv_len(self)

    def __eq__(self, other):
        if self is other:
            return True
        if isinstance(self, memoryview) and _minibuf.mv_released(self):
            return False
        if isinstance(other, memoryview) and _minibuf.mv_released(other):
            return False
        if not _supports_buffer(other):
            return NotImplemented
        try:
            _minibuf.request(other, PyBUF_FULL_RO)
        except BufferError:
            return NotImplemented     # as memoryview, for such an exporter
        return _minibuf.mv_equal(self, other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return _minibuf.hash(self)

    def __repr__(self):
        if _minibuf.mv_released(self):
            return "<released memory at 0x%x>" % id(self)
        return "<memory at 0x%x>" % id(self)

    def __getitem__(self, key):
        info = self._info()
        fmt, ndim = info[4] or "B", info[3]
        if key is Ellipsis:
            return _minibuf.mv_new(memoryview, self)
        if isinstance(key, slice):
            start, stop, step = _slice_args(key, ndim, info)
            return _minibuf.mv_slice(memoryview, self, start, stop, step)
        # A 0-d view checks its key first, others their format first, as
        # memoryview does.
        if ndim == 0:
            index = _mv_key(key, ndim)
        if _native_code(fmt) is None:
            raise NotImplementedError(
                "memoryview: unsupported format %s" % fmt)
        index = _mv_key(key, ndim)
        return _unpack(fmt, _minibuf.mv_getitem(self, list(index)))

    def __setitem__(self, key, value):
        info = self._info()
        fmt, ndim = info[4] or "B", info[3]
        if isinstance(key, slice) or (key is Ellipsis and ndim > 0):
            if info[2]:
                raise TypeError("cannot modify read-only memory")
            if ndim != 1:
                raise NotImplementedError("memoryview slice assignments are "
                                          "currently restricted to ndim = 1")
            _assign_view(self[key], value)
            return
        code = _native_code(fmt)
        if code is None:
            raise NotImplementedError(
                "memoryview: unsupported format %s" % fmt)
        if info[2]:
            raise TypeError("cannot modify read-only memory")
        index = () if key is Ellipsis else _mv_key(key, ndim)
        _minibuf.mv_setitem(self, list(index), _pack_item(fmt, code, value))

    def __delitem__(self, key):
        raise TypeError("cannot delete memory")

    def __iter__(self):
        info = self._info()
        if info[3] == 0:
            raise TypeError("invalid indexing of 0-dim memory")
        if info[3] > 1:
            raise NotImplementedError("multi-dimensional sub-views are not "
                                      "implemented")
        fmt = info[4] or "B"
        if _native_code(fmt) is None:
            raise NotImplementedError(
                "memoryview: unsupported format %s" % fmt)
        for i in range(info[5][0]):
            yield self[i]

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle 'memoryview' object")

    def __sizeof__(self):
        info = self._info()
        return object.__sizeof__(self) + 3 * 8 * info[3]


_SSIZE_MAX = 2 ** 63 - 1
_SSIZE_MIN = -2 ** 63


def _slice_args(key, ndim, info):
    """A slice as MbMemoryView_Slice takes it: Python's values, clamped to
    Py_ssize_t, with its sentinels for open ends; minibuf adjusts them."""
    if ndim == 0:
        raise TypeError("invalid indexing of 0-dim memory")

    def clamp(value):
        value = value.__index__()
        return max(_SSIZE_MIN, min(_SSIZE_MAX, value))
    step = 1 if key.step is None else clamp(key.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if key.start is None:
        start = 0 if step > 0 else _SSIZE_MAX
    else:
        start = clamp(key.start)
    if key.stop is None:
        stop = _SSIZE_MAX if step > 0 else _SSIZE_MIN
    else:
        stop = clamp(key.stop)
    return start, stop, step


def _as_index(key):
    """key as an index, with memoryview's errors."""
    try:
        i = key.__index__()
    except AttributeError:
        raise TypeError("memoryview: invalid slice key") from None
    if not -2 ** 63 <= i < 2 ** 63:
        raise IndexError("cannot fit 'int' into an index-sized integer")
    return i


def _mv_key(key, ndim):
    """A memoryview key for one item, as a tuple of indices, with
    memoryview's errors."""
    if isinstance(key, tuple):
        if key and all(isinstance(k, slice) for k in key):
            raise NotImplementedError("multi-dimensional slicing is not "
                                      "implemented")
        if any(isinstance(k, slice) for k in key):
            raise TypeError("memoryview: invalid slice key")
        index = tuple(_as_index(k) for k in key)
        if ndim == 0 and index:
            raise TypeError("invalid indexing of 0-dim memory")
        if len(index) < ndim and index:
            raise NotImplementedError("sub-views are not implemented")
        return index
    if ndim == 0:
        raise TypeError("invalid indexing of 0-dim memory")
    index = (_as_index(key),)
    if ndim > 1:
        raise NotImplementedError("multi-dimensional sub-views are not "
                                  "implemented")
    return index


_INTEGER_CODES = "bBhHiIlLqQnNP"


def _pack_item(fmt, code, value):
    """value packed for m[i] = value, with memoryview's checks: TypeError
    for a value of the wrong kind, ValueError for one out of range."""
    invalid_type = TypeError("memoryview: invalid type for format '%s'"
                             % fmt)
    invalid_value = ValueError("memoryview: invalid value for format '%s'"
                               % fmt)
    if code in _INTEGER_CODES:
        if not hasattr(type(value), "__index__"):
            raise invalid_type
        value = value.__index__()
    elif code in "fde":
        if (isinstance(value, (str, bytes, bytearray))
                or not (hasattr(type(value), "__float__")
                        or hasattr(type(value), "__index__"))):
            raise invalid_type
    elif code == "c":
        if not isinstance(value, (bytes, bytearray)):
            raise invalid_type
        if len(value) != 1:
            raise invalid_value
    try:
        return _struct.pack(fmt, value)
    except (_struct.error, OverflowError):
        raise invalid_value from None


def _assign_view(target, value):
    """target[...] = value: minibuf's PyObject_CopyData, after
    memoryview's check that both have the same structure."""
    if not _supports_buffer(value):
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(value).__name__)
    src = memoryview(value)
    if (src.shape != target.shape or
            _struct.calcsize(src.format) != _struct.calcsize(target.format)
            or _native_code(src.format) != _native_code(target.format)):
        raise ValueError("memoryview assignment: lvalue and rvalue have "
                         "different structures")
    # Through a copy, as memoryview does, so that overlapping views give
    # the source as it was.
    _minibuf.from_contiguous(target, src.tobytes())


def _mv_tolist(m, fmt, shape):
    if not shape:
        return _unpack(fmt, _minibuf.mv_getitem(m, []))

    def level(prefix):
        dim = len(prefix)
        if dim == len(shape) - 1:
            return [_unpack(fmt, _minibuf.mv_getitem(m, prefix + [i]))
                    for i in range(shape[dim])]
        return [level(prefix + [i]) for i in range(shape[dim])]
    return level([])


# --- _testbuffer's functions --------------------------------------------------

def get_sizeof_void_p():
    return _struct.calcsize("P")


def slice_indices(key, length):
    """(start, stop, step, slicelength) of a slice for a length."""
    if not isinstance(key, slice):
        raise TypeError("first argument must be a slice object")
    if not isinstance(length, int):
        raise TypeError("second argument must be an int")
    start, stop, step = key.indices(length)
    return (start, stop, step, len(range(start, stop, step)))


def get_pointer(obj, indices):
    """The item at indices, found by minibuf's PyBuffer_GetPointer."""
    if not isinstance(indices, (list, tuple)):
        raise TypeError("indices must be a list or a tuple")
    info = _minibuf.request(obj, PyBUF_FULL_RO)
    fmt = info[4] or "B"
    return _unpack(fmt, _minibuf.item_bytes(obj, list(indices)))


def _order_arg(order):
    """An order argument, checked as _testbuffer's are."""
    if not isinstance(order, str):
        raise TypeError("order must be a str")
    order.encode("ascii")
    if order not in ('C', 'F', 'A'):
        raise ValueError("invalid order, must be C, F or A")
    return order


def _int_arg(value):
    if not isinstance(value, int):
        raise TypeError("an integer is required")
    if not -2 ** 63 <= value < 2 ** 63:
        raise OverflowError("Python int too large to convert to C long")
    return value


def get_contiguous(obj, buffertype, order):
    """minibuf's PyMemoryView_GetContiguous, as a memoryview."""
    buffertype = _int_arg(buffertype)
    order = _order_arg(order)
    if buffertype not in (PyBUF_READ, PyBUF_WRITE):
        raise ValueError("invalid buffer type")
    return _minibuf.mv_get_contiguous(memoryview, obj, buffertype, order)


def py_buffer_to_contiguous(obj, order, flags):
    """obj's `flags` view gathered in `order` by minibuf's
    PyBuffer_ToContiguous."""
    order = _order_arg(order)
    flags = _int_arg(flags)
    return _minibuf.to_contiguous(obj, order, flags)


def is_contiguous(obj, order):
    """minibuf's PyBuffer_IsContiguous on obj's own view."""
    order = _order_arg(order)
    if isinstance(obj, (ndarray, memoryview)):
        info = _minibuf.info(obj)
    else:
        info = _minibuf.request(obj, PyBUF_FULL_RO)
    return info[{'C': 8, 'F': 9, 'A': 10}[order]]


def cmp_contig(a, b):
    """Whether two buffers have the same structure and the same bytes in C
    order (minibuf's PyBuffer_ToContiguous on each)."""
    ra = _minibuf.request(a, PyBUF_FULL_RO)
    rb = _minibuf.request(b, PyBUF_FULL_RO)
    if ra[0] != rb[0] or (ra[5] or ()) != (rb[5] or ()):
        return False
    return (_minibuf.to_contiguous(a, 'C', PyBUF_FULL_RO)
            == _minibuf.to_contiguous(b, 'C', PyBUF_FULL_RO))


def PyBuffer_SizeFromFormat(format):
    """minibuf's PyBuffer_SizeFromFormat."""
    if not isinstance(format, str):
        raise TypeError("format must be a str")
    return _minibuf.size_from_format(format)


class staticarray(ndarray):
    """An exporter of twelve static bytes 0..11, as _testbuffer's."""

    def __new__(cls, legacy_mode=False):
        return ndarray.__new__(cls, list(range(12)), shape=[12],
                               flags=ND_LEGACY if legacy_mode else 0)


# What "from minibuf import *" gives: _testbuffer's names (memoryview is
# left out, so that it does not replace the built-in by accident).
__all__ = sorted(name for name in globals()
                 if not name.startswith("_") and name != "memoryview")
