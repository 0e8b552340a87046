/* cpython: 3.11-3.11
 *
 * Exporter types made from specs (PyType_FromSpec, PyType_FromSpecWithBases):
 * what the new type holds, buffers through its instances, PyType_GetSlot,
 * the type's reference counted by its instances and freed with the last
 * one, and CPython's errors for bad specs.
 */
#include "scenario.h"

typedef struct {
    PyObject_HEAD
    char data[8];
    int exports;
} Blob;

static int
blob_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Blob *blob = (Blob *)self;
    if (PyBuffer_FillInfo(view, self, blob->data, sizeof(blob->data), 0,
                          flags) < 0) {
        return -1;
    }
    blob->exports++;
    return 0;
}

static void
blob_releasebuffer(PyObject *self, Py_buffer *view)
{
    (void)view;
    ((Blob *)self)->exports--;
}

/* A heap type's instances hold a reference to it, which their deallocator
   gives back (CPython 3.8 and later). */
static void
blob_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    printf("  blob_dealloc (exports %d)\n", ((Blob *)self)->exports);
    type->tp_free(self);
    Py_DECREF(type);
}

static const char blob_doc[] = "Blob(): eight writable bytes.";

static PyType_Slot blob_slots[] = {
    {Py_bf_getbuffer, blob_getbuffer},
    {Py_bf_releasebuffer, blob_releasebuffer},
    {Py_tp_dealloc, blob_dealloc},
    {Py_tp_doc, (void *)blob_doc},
    {0, NULL},
};

static PyType_Spec blob_spec = {
    .name = "specs.Blob",
    .basicsize = sizeof(Blob),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
             | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = blob_slots,
};

static void
show_type(const char *label, PyObject *object)
{
    if (object == NULL) {
        printf("%s -> NULL\n", label);
        print_error();
        return;
    }
    PyTypeObject *type = (PyTypeObject *)object;
    unsigned long shown = Py_TPFLAGS_HEAPTYPE | Py_TPFLAGS_BASETYPE
                          | Py_TPFLAGS_READY | Py_TPFLAGS_IMMUTABLETYPE
                          | Py_TPFLAGS_HAVE_GC;
    printf("%s -> '%s' flags %#lx itemsize %ld doc %s base %s\n", label,
           type->tp_name, type->tp_flags & shown, (long)type->tp_itemsize,
           type->tp_doc ? type->tp_doc : "NULL",
           type->tp_base ? type->tp_base->tp_name : "NULL");
    printf("  a type %d, buffer slot %s, dealloc %s\n", PyType_Check(object),
           PyType_GetSlot(type, Py_bf_getbuffer) ? "set" : "empty",
           PyType_GetSlot(type, Py_tp_dealloc) ? "set" : "empty");
}

static void
instances(PyObject *type_object)
{
    PyTypeObject *type = (PyTypeObject *)type_object;
    Py_ssize_t before = Py_REFCNT(type_object);
    Blob *blob = PyObject_New(Blob, type);
    memcpy(blob->data, "abcdefgh", 8);
    blob->exports = 0;
    printf("an instance adds %ld to the type's count\n",
           (long)(Py_REFCNT(type_object) - before));
    Py_buffer view;
    int result = PyObject_GetBuffer((PyObject *)blob, &view,
                                    PyBUF_WRITABLE);
    printf("PyObject_GetBuffer(blob, PyBUF_WRITABLE) -> %d, exports %d\n",
           result, blob->exports);
    print_view(&view, (PyObject *)blob, blob->data);
    PyBuffer_Release(&view);
    printf("after release: exports %d\n", blob->exports);
    printf("a type check %d, exact %d\n", PyObject_TypeCheck(blob, type),
           Py_IS_TYPE(blob, type));

    /* The module lets go of its type while an instance lives: the type
       stays until the instance goes. */
    Py_DECREF(type_object);
    printf("instance's type still named '%s'\n", Py_TYPE(blob)->tp_name);
    Py_DECREF(blob);
}

static void
get_slot(PyTypeObject *type)
{
    printf("GetSlot(bf_getbuffer) is blob_getbuffer %d\n",
           PyType_GetSlot(type, Py_bf_getbuffer) == (void *)blob_getbuffer);
    printf("GetSlot(bf_releasebuffer) is blob_releasebuffer %d\n",
           PyType_GetSlot(type, Py_bf_releasebuffer)
           == (void *)blob_releasebuffer);
    printf("GetSlot(tp_doc) %s\n", (char *)PyType_GetSlot(type, Py_tp_doc));
    printf("GetSlot(nb_add) %s\n",
           PyType_GetSlot(type, Py_nb_add) ? "set" : "NULL");
    print_error();
    void *slot = PyType_GetSlot(type, 300);
    printf("GetSlot(300) %s, SystemError %d\n", slot ? "set" : "NULL",
           PyErr_ExceptionMatches(PyExc_SystemError));
    PyErr_Clear();
    printf("GetSlot(bytes, bf_getbuffer) %s\n",
           PyType_GetSlot(&PyBytes_Type, Py_bf_getbuffer) ? "set" : "NULL");
}

static void
bad_specs(void)
{
    static PyType_Slot unknown[] = {{200, blob_getbuffer}, {0, NULL}};
    static PyType_Slot negative[] = {{-1, blob_getbuffer}, {0, NULL}};
    static PyType_Slot none[] = {{0, NULL}};
    PyType_Spec spec = {"specs.Bad", 0, 0, Py_TPFLAGS_DEFAULT, unknown};
    show_type("slot 200", PyType_FromSpec(&spec));
    spec.slots = negative;
    show_type("slot -1", PyType_FromSpec(&spec));
    spec.slots = none;
    show_type("bases None", PyType_FromSpecWithBases(&spec, Py_None));
    show_type("base bool", PyType_FromSpecWithBases(&spec,
                                                    (PyObject *)&PyBool_Type));
}

static void
with_bases(void)
{
    static PyType_Slot none[] = {{0, NULL}};
    static PyType_Slot bytearray_base[] = {
        {Py_tp_base, NULL}, {0, NULL},
    };
    bytearray_base[0].pfunc = &PyByteArray_Type;
    PyType_Spec spec = {"specs.Sub", 0, 0, Py_TPFLAGS_DEFAULT, none};
    PyObject *sub = PyType_FromSpecWithBases(&spec,
                                             (PyObject *)&PyBytes_Type);
    show_type("bytes base", sub);
    printf("  buffer slot is bytes's %d, a bytes subtype %d\n",
           PyType_GetSlot((PyTypeObject *)sub, Py_bf_getbuffer)
           == PyType_GetSlot(&PyBytes_Type, Py_bf_getbuffer),
           PyType_IsSubtype((PyTypeObject *)sub, &PyBytes_Type));
    Py_DECREF(sub);
    spec.slots = bytearray_base;
    sub = PyType_FromSpec(&spec);
    show_type("Py_tp_base bytearray", sub);
    Py_DECREF(sub);
    spec.name = "NoDot";
    spec.slots = none;
    sub = PyType_FromSpec(&spec);
    show_type("name without a dot", sub);
    Py_DECREF(sub);
}

int
main(void)
{
    scenario_begin();
    PyObject *type = PyType_FromSpec(&blob_spec);
    show_type("PyType_FromSpec(blob_spec)", type);
    get_slot((PyTypeObject *)type);
    instances(type);
    bad_specs();
    with_bases();
    return scenario_end();
}
