--[[ The LuaJIT host's tests: Lua arrays handed to gridstats (a C library
written for CPython's API, bindings/c/gridstats.c) and changed in place,
gridstats' grids read from Lua, a Lua bf_getbuffer, refusals, and every
export let go once its last view is released.  Prints TAP.

    luajit test.lua LIBMINIBUF LIBGRIDSTATS    (run by tests/bindings.sh)
]]
local ffi = require("ffi")
local minibuf = require("minibuf").load(arg[1])
ffi.cdef [[
int gridstats_sum(PyObject *exporter, double *sum);
int gridstats_scale(PyObject *exporter, double factor);
PyObject *gridstats_new_grid(ptrdiff_t rows, ptrdiff_t cols);
]]
local gridstats = ffi.load(arg[2])

local tests, failures = {}, 0
local function test(name, fn)
    tests[#tests + 1] = {name, fn}
end

-- The library's current error as "Type: message", cleared.
local function library_error()
    local text = ffi.string(minibuf.lib.MbErr_TypeName()) .. ": "
                 .. ffi.string(minibuf.lib.MbErr_Message())
    minibuf.lib.PyErr_Clear()
    return text
end

local function sum(obj)
    local result = ffi.new("double[1]")
    assert(gridstats.gridstats_sum(obj, result) == 0, "sum failed")
    return result[0]
end

test("Py_buffer's mirror matches the library's", function()
    local lib = minibuf.lib
    assert(tonumber(lib.MbBuffer_Size()) == ffi.sizeof("Py_buffer"))
    assert(tonumber(lib.MbBuffer_FieldOffset("suboffsets"))
           == ffi.offsetof("Py_buffer", "suboffsets"))
    assert(tonumber(lib.MbBuffer_FieldOffset("smalltable")) == -1)
end)

test("a strided Lua array crosses into C and is changed in place",
     function()
    local data = ffi.new("double[12]")        -- a 3x4 array
    for i = 0, 11 do
        data[i] = i
    end
    -- Every other column: a 3x2 view, strides (4, 2) in items.
    local obj = minibuf.export(data, "double", {3, 2}, {4, 2})
    assert(minibuf.type_name(obj) == "minibuf.hostarray")
    assert(sum(obj) == 0 + 2 + 4 + 6 + 8 + 10)
    assert(gridstats.gridstats_scale(obj, 10) == 0)
    for i = 0, 11 do
        assert(data[i] == (i % 2 == 0 and 10 * i or i), "item " .. i)
    end
    local view = minibuf.get_buffer(obj, minibuf.flags.FULL_RO)
    assert(ffi.cast("double *", view.raw.buf) == data)   -- no copy
    assert(view.strides[1] == 32 and view.strides[2] == 16)
    assert(view:item(3, 2) == 100)
    view:release()
    minibuf.decref(obj)
end)

test("a read-only export refuses writers", function()
    local data = ffi.new("double[3]", {1, 2, 3})
    local obj = minibuf.export(data, "double", {3}, nil, {readonly = true})
    assert(sum(obj) == 6)
    assert(gridstats.gridstats_scale(obj, 2) == -1)
    assert(library_error() == "BufferError: hostarray is not writable")
    local ok, message = pcall(minibuf.get_buffer, obj, minibuf.flags.FULL)
    assert(not ok and message == "BufferError: hostarray is not writable")
    minibuf.decref(obj)
end)

test("C's grid is read from Lua without a copy", function()
    local grid = ffi.gc(gridstats.gridstats_new_grid(3, 4),
                        minibuf.lib.Py_DecRef)
    local view = minibuf.get_buffer(grid, minibuf.flags.FULL_RO)
    assert(view.ndim == 2 and view.shape[1] == 3 and view.shape[2] == 4)
    assert(view.format == "d" and view.readonly)
    assert(view:item(2, 3) == 6)
    local again = minibuf.get_buffer(grid, minibuf.request("C_CONTIGUOUS"))
    assert(again.raw.buf == view.raw.buf)
    local values = view:to_table()
    assert(#values == 12 and values[12] == 11)
    again:release()
    view:release()
    local ok, message = pcall(minibuf.get_buffer, grid, minibuf.flags.FULL)
    assert(not ok and message == "BufferError: Grid is read-only")
    ok, message = pcall(minibuf.get_buffer, grid,
                        minibuf.flags.F_CONTIGUOUS)
    assert(not ok and message == "BufferError: Grid is not Fortran "
                                 .. "contiguous")
    assert(minibuf.refcount(grid) == 1)
end)

test("a Lua bf_getbuffer answers requests", function()
    local Matrix = minibuf.exporter_type("lua.Matrix", function(state, flags)
        if state.locked then
            return nil, "matrix is locked"
        end
        return {ptr = state.data, ctype = "float", shape = {2, 3}}
    end)
    local state = {data = ffi.new("float[6]", {1, 2, 3, 4, 5, 6})}
    local m = minibuf.new_exporter(Matrix, state)
    assert(minibuf.type_name(m) == "lua.Matrix")
    local view = minibuf.get_buffer(m, minibuf.flags.FULL)
    assert(view.format == "f" and view:item(2, 1) == 4)
    assert(view.raw.obj == m)
    view:release()
    local ok, message = pcall(minibuf.get_buffer, m,
                              minibuf.flags.F_CONTIGUOUS)
    assert(not ok and message == "BufferError: Matrix is not Fortran "
                                 .. "contiguous")
    state.locked = true
    ok, message = pcall(minibuf.get_buffer, m, minibuf.flags.SIMPLE)
    assert(not ok and message == "BufferError: matrix is locked")
    -- A description that cannot be exported is a refusal too.
    state.locked = false
    local Broken = minibuf.exporter_type("lua.Broken", function()
        return {ptr = nil, ctype = "char", shape = {1}}
    end)
    local b = minibuf.new_exporter(Broken, {})
    ok, message = pcall(minibuf.get_buffer, b, minibuf.flags.SIMPLE)
    assert(not ok and message:find("no format for char", 1, true), message)
    minibuf.decref(b)
    minibuf.decref(m)
end)

test("gridstats refuses items that are not doubles", function()
    local data = ffi.new("int32_t[4]")
    local obj = minibuf.export(data, "int32_t", {4})
    local result = ffi.new("double[1]")
    assert(gridstats.gridstats_sum(obj, result) == -1)
    assert(library_error() == "TypeError: gridstats: expected items of "
                              .. "format 'd', got 'i'")
    minibuf.decref(obj)
end)

test("exports outlive their last reference until their last view",
     function()
    local before = minibuf.anchored()
    local obj = minibuf.export(ffi.new("uint8_t[4]"), "uint8_t", {4})
    local mv = minibuf.memoryview(obj)
    minibuf.decref(obj)
    assert(minibuf.anchored() == before + 1)
    minibuf.decref(mv)
    assert(minibuf.anchored() == before)
    -- Collected references are given back too.
    for _ = 1, 100 do
        minibuf.export(ffi.new("double[2]"), "double", {2})
    end
    collectgarbage()
    collectgarbage()
    assert(minibuf.anchored() == before, "left " .. minibuf.anchored())
end)

test("requests by name", function()
    assert(minibuf.request("FULL_RO") == minibuf.flags.FULL_RO)
    assert(minibuf.request("PyBUF_ND|PyBUF_FORMAT") == 0xc)
    local ok, message = pcall(minibuf.request, "NONSENSE")
    assert(not ok and message == "ValueError: unknown request: 'NONSENSE'")
end)

test("nothing is left held at the end", function()
    collectgarbage()
    collectgarbage()
    assert(minibuf.anchored() == 0, "exports left: " .. minibuf.anchored())
end)

print("1.." .. #tests)
for i, case in ipairs(tests) do
    local ok, message = pcall(case[2])
    if ok then
        print("ok " .. i .. " - " .. case[1])
    else
        failures = failures + 1
        print("not ok " .. i .. " - " .. case[1])
        io.stderr:write(case[1] .. ": " .. tostring(message) .. "\n")
    end
end
