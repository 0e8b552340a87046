/* Zero-copy pixels in a program that is not Python: an image type of its
 * own exports 2-D strided pixels through the buffer protocol, and a
 * consumer that accepts any exporter draws them.
 *
 * The host is an image viewer of sorts.  Its images are grey, one byte per
 * pixel, with rows padded to a multiple of 16 bytes, as image libraries
 * lay them out.  A crop is a window into its parent's pixels: no copy, a
 * different start and the parent's row stride.  Both export themselves as
 * a 2-D buffer (shape (height, width), strides (row stride, 1)), refuse
 * requests that cannot describe padded rows, and count their exports so
 * that an image cannot be freed under a consumer.
 *
 * The consumer, draw(), knows nothing of images: it asks any exporter for
 * a strided buffer of bytes and prints it as shades, so it draws a bytes
 * object or a bytearray just as well.  Written only with CPython's API.
 */
#include <Python.h>

typedef struct {
    PyObject_HEAD
    unsigned char *pixels;    /* the first pixel */
    Py_ssize_t width, height, stride;
    PyObject *parent;         /* a crop's image, which owns the pixels */
    Py_ssize_t exports;
    Py_ssize_t shape[2], strides[2];
} Image;

static void
image_dealloc(PyObject *self)
{
    Image *image = (Image *)self;
    if (image->parent != NULL) {
        Py_DECREF(image->parent);
    }
    else {
        PyMem_Free(image->pixels);
    }
    PyObject_Free(self);
}

/* bf_getbuffer: the pixels as rows of bytes. */
static int
image_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Image *image = (Image *)self;
    int padded = image->stride != image->width;
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && padded) {
        PyErr_SetString(PyExc_BufferError, "image rows are padded: "
                        "request PyBUF_STRIDES");
        return -1;
    }
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS
        || ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && padded)
        || ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS
            && padded)) {
        PyErr_SetString(PyExc_BufferError, "image is not contiguous in "
                        "that order");
        return -1;
    }
    image->shape[0] = image->height;
    image->shape[1] = image->width;
    image->strides[0] = image->stride;
    image->strides[1] = 1;
    view->buf = image->pixels;
    view->obj = Py_NewRef(self);
    view->len = image->width * image->height;
    view->itemsize = 1;
    view->readonly = 0;
    view->format = (flags & PyBUF_FORMAT) ? (char *)"B" : NULL;
    view->ndim = (flags & PyBUF_ND) == PyBUF_ND ? 2 : 1;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? image->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                    ? image->strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    image->exports++;
    return 0;
}

static void
image_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((Image *)self)->exports--;
}

static PyBufferProcs image_as_buffer = {
    .bf_getbuffer = image_getbuffer,
    .bf_releasebuffer = image_releasebuffer,
};

static PyTypeObject ImageType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "host.Image",
    .tp_basicsize = sizeof(Image),
    .tp_dealloc = image_dealloc,
    .tp_as_buffer = &image_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A grey image with padded rows.",
};

/* A new image of width x height, rows padded to 16 bytes, filled with a
   diagonal gradient; NULL with MemoryError. */
static PyObject *
new_image(Py_ssize_t width, Py_ssize_t height)
{
    Image *image = PyObject_New(Image, &ImageType);
    if (image == NULL) {
        return NULL;
    }
    image->stride = (width + 15) / 16 * 16;
    image->pixels = PyMem_Malloc((size_t)(image->stride * height));
    if (image->pixels == NULL) {
        PyObject_Free(image);
        return PyErr_NoMemory();
    }
    image->width = width;
    image->height = height;
    image->parent = NULL;
    image->exports = 0;
    for (Py_ssize_t y = 0; y < height; y++) {
        for (Py_ssize_t x = 0; x < image->stride; x++) {
            image->pixels[y * image->stride + x] =
                (unsigned char)(x < width ? (x + 2 * y) * 255
                                            / (width + 2 * height - 3)
                                          : 0xEE);
        }
    }
    return (PyObject *)image;
}

/* A window of another image's pixels: no copy. */
static PyObject *
crop(PyObject *parent, Py_ssize_t x, Py_ssize_t y, Py_ssize_t width,
     Py_ssize_t height)
{
    Image *from = (Image *)parent;
    Image *image = PyObject_New(Image, &ImageType);
    if (image == NULL) {
        return NULL;
    }
    image->pixels = from->pixels + y * from->stride + x;
    image->width = width;
    image->height = height;
    image->stride = from->stride;
    image->parent = Py_NewRef(parent);
    image->exports = 0;
    return (PyObject *)image;
}

/* The consumer: draws any exporter of bytes, of one or two dimensions. */
static int
draw(const char *title, PyObject *exporter)
{
    static const char shades[] = " .:-=+*#%@";
    Py_buffer view;
    printf("%s\n", title);
    if (PyObject_GetBuffer(exporter, &view, PyBUF_STRIDED_RO) < 0) {
        PyErr_Print();
        return -1;
    }
    Py_ssize_t rows = view.ndim == 2 ? view.shape[0] : 1;
    Py_ssize_t cols = view.shape[view.ndim - 1];
    Py_ssize_t row_step = view.ndim == 2 ? view.strides[0] : 0;
    printf("  %zd x %zd bytes, row stride %zd, contiguous: %s\n", rows, cols,
           row_step, PyBuffer_IsContiguous(&view, 'C') ? "yes" : "no");
    for (Py_ssize_t r = 0; r < rows; r++) {
        printf("  |");
        for (Py_ssize_t c = 0; c < cols; c++) {
            const unsigned char *p = (const unsigned char *)view.buf
                                     + r * row_step
                                     + c * view.strides[view.ndim - 1];
            putchar(shades[*p * 10 / 256]);
        }
        printf("|\n");
    }
    PyBuffer_Release(&view);
    return 0;
}

int
main(void)
{
    Py_Initialize();
    if (PyType_Ready(&ImageType) < 0) {
        PyErr_Print();
        return 1;
    }
    PyObject *image = new_image(24, 6);
    PyObject *window = crop(image, 8, 2, 10, 3);
    char ramp[20];
    for (int i = 0; i < 20; i++) {
        ramp[i] = (char)(i * 255 / 19);
    }
    PyObject *bytes = PyBytes_FromStringAndSize(ramp, sizeof(ramp));
    int failed = image == NULL || window == NULL || bytes == NULL;
    if (!failed) {
        failed |= draw("the image (rows padded from 24 to 32 bytes):", image)
                  < 0;
        failed |= draw("a 10 x 3 crop at (8, 2), sharing the image's "
                       "pixels:", window) < 0;
        failed |= draw("a bytes object of 20 bytes from 0 to 255, drawn by "
                       "the same consumer:", bytes) < 0;
        /* A consumer that cannot take strides is refused, with a reason. */
        Py_buffer view;
        if (PyObject_GetBuffer(window, &view, PyBUF_SIMPLE) < 0) {
            printf("a request without PyBUF_STRIDES: ");
            fflush(stdout);
            PyErr_Print();
            fflush(stderr);
        }
        else {
            PyBuffer_Release(&view);
            failed = 1;
        }
        printf("exports still held: image %zd, crop %zd\n",
               ((Image *)image)->exports, ((Image *)window)->exports);
    }
    else {
        PyErr_Print();
    }
    Py_XDECREF(bytes);
    Py_XDECREF(window);
    Py_XDECREF(image);
    Py_Finalize();
    return failed;
}
