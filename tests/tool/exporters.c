/* Exporters in a shared object, for 'minibuf check LIBRARY:SYMBOL': one
 * that conforms, one that breaks the protocol (it grants PyBUF_WRITABLE
 * but says readonly, and gives a format to requests without
 * PyBUF_FORMAT), one that takes no reference for the views it grants (the
 * checker must report it, not be crashed by it), and a maker that returns
 * NULL without an exception. */
#include <Python.h>

typedef enum { CONFORMING, BROKEN, UNREFERENCED } Kind;

typedef struct {
    PyObject_HEAD
    char data[16];
    Kind kind;
} Block;

static int
block_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Block *b = (Block *)self;
    if (PyBuffer_FillInfo(view, self, b->data, sizeof(b->data), 0,
                          flags) < 0) {
        return -1;
    }
    if (b->kind == BROKEN) {
        view->readonly = 1;
        view->format = (char *)"B";
    }
    if (b->kind == UNREFERENCED) {
        Py_DECREF(self);
    }
    return 0;
}

static PyBufferProcs block_procs = {block_getbuffer, NULL};

static PyTypeObject BlockType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "example.Block",
    .tp_basicsize = sizeof(Block),
    .tp_as_buffer = &block_procs,
};

static PyObject *
new_block(Kind kind)
{
    Block *b = PyObject_New(Block, &BlockType);
    if (b != NULL) {
        memset(b->data, 0, sizeof(b->data));
        b->kind = kind;
    }
    return (PyObject *)b;
}

PyObject *make_block(void);
PyObject *make_broken_block(void);
PyObject *make_unreferenced_block(void);
PyObject *make_nothing(void);

PyObject *
make_block(void)
{
    return new_block(CONFORMING);
}

PyObject *
make_unreferenced_block(void)
{
    return new_block(UNREFERENCED);
}

PyObject *
make_nothing(void)
{
    return NULL;
}

PyObject *
make_broken_block(void)
{
    return new_block(BROKEN);
}
