--[[ minibuf for LuaJIT: share Lua-owned arrays with C code written for
CPython's buffer API, and read the arrays such code exports, through
libminibuf and LuaJIT's ffi, without Python and without copies.

    local minibuf = require("minibuf").load()  -- or .load("/path/to.so")
    local data = ffi.new("double[12]")
    local obj = minibuf.export(data, "double", {3, 2}, {4, 2})
    -- obj is a PyObject * any consumer can take a view of; data stays
    -- alive until the last view of obj is released.
    local view = minibuf.get_buffer(obj, minibuf.flags.FULL_RO)
    print(view:item(2, 1), view.ndim, view.format)
    view:release()

Objects are PyObject * cdata, given back with Py_DecRef when Lua collects
them (or at once with minibuf.decref).  Views are released when collected,
or at once with view:release().  Errors raise a Lua error "Type: message".
Only the host-facing API (mbhost.h) and CPython's own functions are used;
Py_buffer is the one structure mirrored here, checked against the
library's at load.  Everything runs on the thread that loaded the module.
]]
local ffi = require("ffi")

ffi.cdef [[
typedef struct _object PyObject;
typedef struct bufferinfo {
    void *buf;
    PyObject *obj;
    ptrdiff_t len;
    ptrdiff_t itemsize;
    int readonly;
    int ndim;
    char *format;
    ptrdiff_t *shape;
    ptrdiff_t *strides;
    ptrdiff_t *suboffsets;
    void *internal;
} Py_buffer;
typedef int (*MbHostGetBuffer)(PyObject *, void *, Py_buffer *, int);
typedef void (*MbHostReleaseBuffer)(PyObject *, void *, Py_buffer *);
typedef void (*MbHostRelease)(void *);

PyObject *MbHostType_New(const char *, MbHostGetBuffer, MbHostReleaseBuffer);
PyObject *MbHostObject_New(PyObject *, void *, MbHostRelease);
void *MbHostObject_Host(PyObject *);
PyObject *MbHostArray_New(const Py_buffer *, void *, MbHostRelease);
int MbBuffer_FillLayout(Py_buffer *, PyObject *, const Py_buffer *, int);
size_t MbBuffer_Size(void);
ptrdiff_t MbBuffer_FieldOffset(const char *);
ptrdiff_t MbObject_RefCount(PyObject *);
const char *MbObject_TypeName(PyObject *);
int MbRequest_Parse(const char *, int *);
const char *MbErr_TypeName(void);
const char *MbErr_Message(void);
void PyErr_Clear(void);
void PyErr_SetString(PyObject *, const char *);
extern PyObject *PyExc_BufferError;
void Py_IncRef(PyObject *);
void Py_DecRef(PyObject *);
int PyObject_GetBuffer(PyObject *, Py_buffer *, int);
void PyBuffer_Release(Py_buffer *);
int PyBuffer_ToContiguous(void *, const Py_buffer *, ptrdiff_t, char);
void *PyBuffer_GetPointer(const Py_buffer *, const ptrdiff_t *);
int PyBuffer_IsContiguous(const Py_buffer *, char);
PyObject *PyMemoryView_FromObject(PyObject *);
]]

local M = {}

-- The request flags (pybuffer.h); minibuf.request("ND|FORMAT") for names.
M.flags = {
    SIMPLE = 0x0, WRITABLE = 0x1, FORMAT = 0x4, ND = 0x8, STRIDES = 0x18,
    C_CONTIGUOUS = 0x38, F_CONTIGUOUS = 0x58, ANY_CONTIGUOUS = 0x98,
    INDIRECT = 0x118, CONTIG = 0x9, CONTIG_RO = 0x8, STRIDED = 0x19,
    STRIDED_RO = 0x18, RECORDS = 0x1d, RECORDS_RO = 0x1c, FULL = 0x11d,
    FULL_RO = 0x11c,
}

-- The struct format of each C type an array may hold.
local formats = {
    int8_t = "b", uint8_t = "B", int16_t = "h", uint16_t = "H",
    int32_t = "i", uint32_t = "I", int64_t = "q", uint64_t = "Q",
    float = "f", double = "d",
}
M.formats = formats

local lib

-- Raise the library's current exception as a Lua error, clearing it.
local function raise()
    local text = ffi.string(lib.MbErr_TypeName()) .. ": "
                 .. ffi.string(lib.MbErr_Message())
    lib.PyErr_Clear()
    error(text, 0)
end

-- Our mirror of Py_buffer must be the library's, field for field.
local function check_mirror()
    assert(tonumber(lib.MbBuffer_Size()) == ffi.sizeof("Py_buffer"),
           "Py_buffer: size differs from the library's")
    for _, field in ipairs({"buf", "obj", "len", "itemsize", "readonly",
                            "ndim", "format", "shape", "strides",
                            "suboffsets", "internal"}) do
        assert(tonumber(lib.MbBuffer_FieldOffset(field))
               == ffi.offsetof("Py_buffer", field),
               "Py_buffer." .. field .. ": offset differs")
    end
end

-- Load libminibuf from path (default: $MINIBUF_LIBRARY, else "minibuf").
function M.load(path)
    lib = ffi.load(path or os.getenv("MINIBUF_LIBRARY") or "minibuf")
    M.lib = lib
    check_mirror()
    return M
end

-- --- Objects ---------------------------------------------------------------

-- An owned reference: given back when Lua collects it.
local function own(obj)
    if obj == nil then
        raise()
    end
    return ffi.gc(obj, lib.Py_DecRef)
end

-- Give the reference back now.
function M.decref(obj)
    lib.Py_DecRef(ffi.gc(obj, nil))
end

function M.refcount(obj)
    return tonumber(lib.MbObject_RefCount(obj))
end

function M.type_name(obj)
    return ffi.string(lib.MbObject_TypeName(obj))
end

function M.request(text)
    local flags = ffi.new("int[1]")
    if lib.MbRequest_Parse(text, flags) < 0 then
        raise()
    end
    return flags[0]
end

function M.memoryview(obj)
    return own(lib.PyMemoryView_FromObject(obj))
end

-- Lua values that memory exported to C belongs to, by id, kept until the
-- library says the exporter is gone (one callback for every export).
local anchors, next_id = {}, 1
local release_anchor = ffi.cast("MbHostRelease", function(host)
    anchors[tonumber(ffi.cast("intptr_t", host))] = nil
end)

-- The object made by make(host) for an export holding value; value is
-- let go at once if none is made.
local function anchored_object(value, make)
    local id = next_id
    next_id = next_id + 1
    anchors[id] = value
    local obj = make(ffi.cast("void *", id))
    if obj == nil then
        anchors[id] = nil
    end
    return own(obj)
end

-- How many exports still hold Lua memory.
function M.anchored()
    local n = 0
    for _ in pairs(anchors) do
        n = n + 1
    end
    return n
end

-- A Py_buffer describing memory at ptr of C type ctype; shape and strides
-- (in items, default C order) are Lua tables.  The layout points into
-- arrays that must live while it is used.
local function describe(ptr, ctype, shape, strides, readonly)
    local ndim = #shape
    local itemsize = ffi.sizeof(ctype)
    local layout = ffi.new("Py_buffer")
    local dims = ffi.new("ptrdiff_t[?]", 2 * ndim + 1)
    local n, step = 1, 1
    for i = ndim, 1, -1 do
        dims[i - 1] = shape[i]
        dims[ndim + i - 1] = (strides and strides[i] or step) * itemsize
        n = n * shape[i]
        step = step * shape[i]
    end
    layout.buf = ptr
    layout.len = n * itemsize
    layout.itemsize = itemsize
    layout.readonly = readonly and 1 or 0
    layout.ndim = ndim
    layout.format = ffi.cast("char *", assert(formats[ctype],
                                               "no format for " .. ctype))
    layout.shape = dims
    layout.strides = dims + ndim
    return layout, dims
end

-- Export memory that Lua owns: ptr (a cdata pointer or array) holding
-- items of ctype, seen with shape and strides in items.  ptr is kept
-- alive until the last view of the object is released; nothing is copied.
-- opts.readonly makes the export read-only.
function M.export(ptr, ctype, shape, strides, opts)
    local layout = describe(ptr, ctype, shape, strides,
                            opts and opts.readonly)
    return anchored_object(ptr, function(host)
        return lib.MbHostArray_New(layout, host, release_anchor)
    end)
end

-- --- Exporter types with a Lua bf_getbuffer --------------------------------

-- A type whose instances answer each request with a Lua function:
-- describe(state, flags) returns the memory to export, as a table
-- {ptr = ..., ctype = ..., shape = {...}, strides = {...} or nil,
-- readonly = true or nil}, and minibuf grants or refuses the request from
-- it (MbBuffer_FillLayout); or it returns nil and a message to refuse
-- with BufferError.  The state (any Lua value) must keep ptr alive; every
-- description given is kept with the instance, so views stay valid.  The
-- callback lives as long as the process.
local types = {}

function M.exporter_type(name, describe_memory)
    local function getbuffer(exporter, host, view, flags)
        local entry = anchors[tonumber(ffi.cast("intptr_t", host))]
        local ok, memory, message = pcall(describe_memory, entry.state,
                                          flags)
        if not ok or memory == nil then
            lib.PyErr_SetString(lib.PyExc_BufferError,
                                tostring(ok and message or memory))
            return -1
        end
        local layout, dims = describe(memory.ptr, memory.ctype, memory.shape,
                                      memory.strides, memory.readonly)
        entry.kept[#entry.kept + 1] = dims
        return lib.MbBuffer_FillLayout(view, exporter, layout, flags)
    end
    local callback = ffi.cast("MbHostGetBuffer", getbuffer)
    types[#types + 1] = callback
    return own(lib.MbHostType_New(name, callback, nil))
end

-- An instance carrying state, kept until the instance is freed.
function M.new_exporter(type, state)
    return anchored_object({state = state, kept = {}}, function(host)
        return lib.MbHostObject_New(type, host, release_anchor)
    end)
end

-- --- Views -----------------------------------------------------------------

local View = {}
View.__index = View

-- A view of any exporter, released when collected or by view:release().
function M.get_buffer(obj, flags)
    local raw = ffi.new("Py_buffer")
    if lib.PyObject_GetBuffer(obj, raw, flags or M.flags.FULL_RO) < 0 then
        raise()
    end
    local view = setmetatable({raw = ffi.gc(raw, lib.PyBuffer_Release)},
                              View)
    view.ndim = raw.ndim
    view.len = tonumber(raw.len)
    view.itemsize = tonumber(raw.itemsize)
    view.readonly = raw.readonly ~= 0
    view.format = raw.format ~= nil and ffi.string(raw.format) or nil
    view.shape, view.strides = {}, {}
    for i = 1, raw.ndim do
        view.shape[i] = raw.shape ~= nil and tonumber(raw.shape[i - 1])
        view.strides[i] = raw.strides ~= nil and tonumber(raw.strides[i - 1])
    end
    return view
end

function View:release()
    lib.PyBuffer_Release(ffi.gc(self.raw, nil))
end

-- The C type of the items, from the format.
function View:ctype()
    for ctype, format in pairs(formats) do
        if format == (self.format or "B") then
            return ctype
        end
    end
    error("no C type for format '" .. tostring(self.format) .. "'", 2)
end

-- A pointer to the item at the given (1-based) indices.
function View:pointer(...)
    local indices = {...}
    assert(#indices == self.ndim, "one index per dimension")
    local index = ffi.new("ptrdiff_t[?]", self.ndim + 1)
    for i = 1, self.ndim do
        assert(indices[i] >= 1 and indices[i] <= self.shape[i],
               "index out of range")
        index[i - 1] = indices[i] - 1
    end
    return ffi.cast(self:ctype() .. " *",
                    lib.PyBuffer_GetPointer(self.raw, index))
end

function View:item(...)
    return tonumber(self:pointer(...)[0])
end

-- Every item, copied in C order into a Lua table.
function View:to_table()
    local ctype = self:ctype()
    local n = self.len / self.itemsize
    local copy = ffi.new(ctype .. "[?]", n + 1)
    if lib.PyBuffer_ToContiguous(copy, self.raw, self.len, 67) < 0 then
        raise()
    end
    local values = {}
    for i = 0, n - 1 do
        values[i + 1] = tonumber(copy[i])
    end
    return values
end

-- Functions that may call back into Lua (releases of exports made here,
-- Lua bf_getbuffer callbacks) stay out of compiled traces.
for _, f in ipairs({M.decref, M.get_buffer, M.memoryview, View.release}) do
    jit.off(f)
end

return M
