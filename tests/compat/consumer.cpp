// A C++ consumer of the buffer protocol, written as C++ code around
// Python's C API usually is: a move-only RAII guard that owns a Py_buffer
// and releases it in its destructor, a reference guard for new objects,
// and standard containers for the copies.
#include <Python.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

// Owns one reference; gives it back when it goes out of scope.
class Ref {
public:
    explicit Ref(PyObject *object = nullptr) : object_(object) {}
    Ref(const Ref &) = delete;
    Ref &operator=(const Ref &) = delete;
    ~Ref() { Py_XDECREF(object_); }
    PyObject *get() const { return object_; }
    explicit operator bool() const { return object_ != nullptr; }

private:
    PyObject *object_;
};

// Owns one exported view; releases it when it goes out of scope.
class BufferView {
public:
    BufferView(PyObject *exporter, int flags)
    {
        ok_ = PyObject_GetBuffer(exporter, &view_, flags) == 0;
    }
    BufferView(BufferView &&other) noexcept : view_(other.view_), ok_(other.ok_)
    {
        other.ok_ = false;
    }
    BufferView(const BufferView &) = delete;
    BufferView &operator=(const BufferView &) = delete;
    ~BufferView()
    {
        if (ok_) {
            PyBuffer_Release(&view_);
        }
    }
    bool ok() const { return ok_; }
    const Py_buffer &view() const { return view_; }

    // The items in C order, whatever the layout.
    std::vector<unsigned char> bytes() const
    {
        std::vector<unsigned char> out(static_cast<size_t>(view_.len));
        if (!out.empty()
            && PyBuffer_ToContiguous(out.data(), &view_, view_.len, 'C') < 0) {
            out.clear();
        }
        return out;
    }

private:
    Py_buffer view_{};
    bool ok_ = false;
};

std::string describe(const Py_buffer &view)
{
    std::string text = "ndim " + std::to_string(view.ndim) + ", format "
                       + (view.format ? view.format : "NULL") + ", shape (";
    for (int i = 0; i < view.ndim; i++) {
        text += (i ? "," : "") + std::to_string(view.shape[i]);
    }
    return text + "), readonly " + std::to_string(view.readonly);
}

void consume(const char *label, PyObject *object, int flags)
{
    BufferView guard(object, flags);
    if (!guard.ok()) {
        std::printf("%s: refused: ", label);
        std::fflush(stdout);
        PyErr_Print();
        return;
    }
    BufferView moved(std::move(guard));
    std::vector<unsigned char> copy = moved.bytes();
    std::string text(copy.begin(), copy.end());
    std::printf("%s: %s, %zu bytes \"%s\"\n", label,
                describe(moved.view()).c_str(), copy.size(), text.c_str());
}

}  // namespace

int main()
{
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    Py_Initialize();
    {
        Ref bytes(PyBytes_FromStringAndSize("C++ reads", 9));
        Ref array(PyByteArray_FromStringAndSize("and writes", 10));
        Ref view(PyMemoryView_FromObject(array.get()));
        consume("bytes, PyBUF_FULL_RO", bytes.get(), PyBUF_FULL_RO);
        consume("bytes, PyBUF_WRITABLE", bytes.get(), PyBUF_WRITABLE);
        consume("bytearray, PyBUF_CONTIG", array.get(), PyBUF_CONTIG);
        consume("memoryview, PyBUF_RECORDS_RO", view.get(), PyBUF_RECORDS_RO);
        consume("None, PyBUF_SIMPLE", Py_None, PyBUF_SIMPLE);

        BufferView writable(array.get(), PyBUF_WRITABLE);
        static_cast<char *>(writable.view().buf)[0] = 'A';
        Ref text(PyUnicode_FromString("caf\xc3\xa9"));
        std::printf("str is not an exporter: %d, length %zd, UTF-8 \"%s\"\n",
                    !PyObject_CheckBuffer(text.get()),
                    PyUnicode_GetLength(text.get()),
                    PyUnicode_AsUTF8(text.get()));
    }
    {
        Ref array(PyByteArray_FromStringAndSize("xyz", 3));
        std::printf("bytearray after the guards: %s\n",
                    PyByteArray_AsString(array.get()));
    }
    Py_Finalize();
    return 0;
}
