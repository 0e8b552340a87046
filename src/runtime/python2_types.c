/* Types with Python 2's buffer slots: marking the types defined in Python 2
 * mode, reading their 2.7-layout tables, and inheriting buffer slots
 * between tables of either layout.
 *
 * The rule the library keeps: a type whose tp_flags hold
 * MB_TPFLAGS_PYTHON2 has its tp_as_buffer pointing to a table in 2.7's
 * layout (MbPython2BufferProcs: four segment slots, then bf_getbuffer and
 * bf_releasebuffer); any other type's table is CPython 3's.  The bit is
 * set:
 * - on a type defined in Python 2 mode (python2.h) that has a table of its
 *   own, when it is first made ready: python2.h maps PyType_Ready and the
 *   creators of instances to MbPython2Type_Ready and friends here;
 * - statically, on minibuf's own Python 2 exporters;
 * - by inheritance, on a type without a table that shares its base's
 *   2.7-layout table.
 * As in 2.7, the new protocol's slots of a 2.7-layout table are used only
 * with Py_TPFLAGS_HAVE_NEWBUFFER (MB_TPFLAGS_PYTHON2_NEWBUFFER), and
 * bf_getcharbuffer only with Py_TPFLAGS_HAVE_GETCHARBUFFER.
 */
#include "runtime.h"

/* The Python 2 bits a type's flags carry along with its table. */
#define TABLE_FLAGS (MB_TPFLAGS_PYTHON2 | MB_TPFLAGS_PYTHON2_NEWBUFFER \
                     | MB_TPFLAGS_PYTHON2_GETCHARBUFFER)

/* Mark a type defined in Python 2 mode, before it is first made ready: a
   table of its own is in 2.7's layout.  A type already ready keeps what it
   was made. */
static void
mark(PyTypeObject *type)
{
    if (type != NULL && !(type->tp_flags & Py_TPFLAGS_READY)
        && type->tp_as_buffer != NULL) {
        type->tp_flags |= MB_TPFLAGS_PYTHON2;
    }
}

int
MbPython2Type_Ready(PyTypeObject *type)
{
    if (type == NULL) {
        mb_err_null_argument();
        return -1;
    }
    mark(type);
    return PyType_Ready(type);
}

PyObject *
MbPython2_New(PyTypeObject *type)
{
    mark(type);
    return _PyObject_New(type);
}

PyVarObject *
MbPython2_NewVar(PyTypeObject *type, Py_ssize_t nitems)
{
    mark(type);
    return _PyObject_NewVar(type, nitems);
}

PyObject *
MbPython2_Init(PyObject *op, PyTypeObject *type)
{
    mark(type);
    return PyObject_Init(op, type);
}

PyVarObject *
MbPython2_InitVar(PyVarObject *op, PyTypeObject *type, Py_ssize_t size)
{
    mark(type);
    return PyObject_InitVar(op, type, size);
}

/* --- Inheritance --------------------------------------------------------- */

/* Copy into the new protocol's slots of `mine` (either layout) the ones
   it leaves empty. */
static void
inherit_new_protocol(PyBufferProcs *mine, const PyBufferProcs *theirs)
{
    if (theirs != NULL) {
        if (mine->bf_getbuffer == NULL) {
            mine->bf_getbuffer = theirs->bf_getbuffer;
        }
        if (mine->bf_releasebuffer == NULL) {
            mine->bf_releasebuffer = theirs->bf_releasebuffer;
        }
    }
}

/* A 2.7-layout table fills its empty segment slots from its base's, as
   2.7 did, and its new protocol's slots only when the type has
   Py_TPFLAGS_HAVE_NEWBUFFER (without it, 2.7 ignores them). */
static void
inherit_into_python2(PyTypeObject *type, const PyTypeObject *base)
{
    MbPython2BufferProcs *mine = (MbPython2BufferProcs *)(void *)
                                 type->tp_as_buffer;
    const MbPython2BufferProcs *theirs = mb_python2_slots(base);
    if (theirs != NULL) {
#define INHERIT_SLOT(slot)              \
        if (mine->slot == NULL) {       \
            mine->slot = theirs->slot;  \
        }
        INHERIT_SLOT(bf_getreadbuffer)
        INHERIT_SLOT(bf_getwritebuffer)
        INHERIT_SLOT(bf_getsegcount)
        INHERIT_SLOT(bf_getcharbuffer)
#undef INHERIT_SLOT
    }
    if (type->tp_flags & MB_TPFLAGS_PYTHON2_NEWBUFFER) {
        inherit_new_protocol((PyBufferProcs *)(void *)&mine->bf_getbuffer,
                             mb_buffer_procs(base));
    }
}

void
mb_inherit_buffer_slots(PyTypeObject *type, const PyTypeObject *base)
{
    assert(base->tp_flags & Py_TPFLAGS_READY);
    if (base->tp_as_buffer == NULL) {
        return;
    }
    if (type->tp_as_buffer == NULL) {
        type->tp_as_buffer = base->tp_as_buffer;
        type->tp_flags = (type->tp_flags & ~TABLE_FLAGS)
                         | (base->tp_flags & TABLE_FLAGS);
        return;
    }
    if (type->tp_flags & MB_TPFLAGS_PYTHON2) {
        inherit_into_python2(type, base);
        return;
    }
    inherit_new_protocol(type->tp_as_buffer, mb_buffer_procs(base));
}
