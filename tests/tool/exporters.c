/* Exporters in a shared object, for 'minibuf check LIBRARY:SYMBOL': one
 * that conforms and one that breaks the protocol (it grants
 * PyBUF_WRITABLE but says readonly, and gives a format to requests
 * without PyBUF_FORMAT). */
#include <Python.h>

typedef struct {
    PyObject_HEAD
    char data[16];
    int broken;
} Block;

static int
block_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Block *b = (Block *)self;
    if (PyBuffer_FillInfo(view, self, b->data, sizeof(b->data), 0,
                          flags) < 0) {
        return -1;
    }
    if (b->broken) {
        view->readonly = 1;
        view->format = (char *)"B";
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
new_block(int broken)
{
    Block *b = PyObject_New(Block, &BlockType);
    if (b != NULL) {
        memset(b->data, 0, sizeof(b->data));
        b->broken = broken;
    }
    return (PyObject *)b;
}

PyObject *make_block(void);
PyObject *make_broken_block(void);

PyObject *
make_block(void)
{
    return new_block(0);
}

PyObject *
make_broken_block(void)
{
    return new_block(1);
}
