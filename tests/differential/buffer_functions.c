/* cpython: 3.11-3.12
 *
 * PyBuffer_FillInfo, PyBuffer_Release, PyBuffer_IsContiguous,
 * PyBuffer_GetPointer and PyBuffer_FillContiguousStrides on hand-built
 * views, with the edge cases of the specification.  (3.13 adds a
 * SystemError to FillInfo for PyBUF_READ and PyBUF_WRITE.)
 */
#include "scenario.h"

static char memory[64];

static void
fill_info(const char *label, PyObject *exporter, void *buf, Py_ssize_t len,
          int readonly, int flags)
{
    Py_buffer view;
    memset(&view, 0x5a, sizeof(view));
    view.obj = NULL;
    Py_ssize_t before = exporter ? Py_REFCNT(exporter) : 0;
    int result = PyBuffer_FillInfo(&view, exporter, buf, len, readonly,
                                   flags);
    printf("FillInfo %s -> %d", label, result);
    if (exporter) {
        printf(", refs %+ld", (long)(Py_REFCNT(exporter) - before));
    }
    printf("\n");
    print_error();
    if (result == 0) {
        print_view(&view, exporter, memory);
        PyBuffer_Release(&view);
    }
    else {
        printf("  len field still the marker: %d\n",
               view.len == (Py_ssize_t)0x5a5a5a5a5a5a5a5aLL);
    }
}

static void
contiguity(const char *label, Py_ssize_t len, Py_ssize_t itemsize, int ndim,
           Py_ssize_t *shape, Py_ssize_t *strides, Py_ssize_t *suboffsets)
{
    Py_buffer view;
    memset(&view, 0, sizeof(view));
    view.buf = memory;
    view.len = len;
    view.itemsize = itemsize;
    view.ndim = ndim;
    view.shape = shape;
    view.strides = strides;
    view.suboffsets = suboffsets;
    printf("IsContiguous %-28s C=%d F=%d A=%d c=%d x=%d\n", label,
           PyBuffer_IsContiguous(&view, 'C'),
           PyBuffer_IsContiguous(&view, 'F'),
           PyBuffer_IsContiguous(&view, 'A'),
           PyBuffer_IsContiguous(&view, 'c'),
           PyBuffer_IsContiguous(&view, 'X'));
}

static void
strides_for(const char *label, int ndim, Py_ssize_t *shape, int itemsize)
{
    const char orders[] = {'C', 'F', 'A', 'x'};
    for (int o = 0; o < 4; o++) {
        Py_ssize_t strides[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
        PyBuffer_FillContiguousStrides(ndim, shape, strides, itemsize,
                                       orders[o]);
        printf("FillContiguousStrides %s order %c:", label, orders[o]);
        for (int i = 0; i < ndim + 1 && i < 8; i++) {
            printf(" %ld", (long)strides[i]);
        }
        printf("\n");
    }
}

int
main(void)
{
    scenario_begin();
    Exporter *ex = new_exporter("exporter", 8, 0);
    PyObject *obj = (PyObject *)ex;

    /* PyBuffer_FillInfo. */
    printf("FillInfo view NULL -> %d\n",
           PyBuffer_FillInfo(NULL, obj, memory, 4, 0, PyBUF_SIMPLE));
    print_error();
    for (int i = 0; i < N_REQUESTS; i++) {
        fill_info(requests[i].name, obj, memory, 8, 0, requests[i].flags);
    }
    fill_info("readonly=1 WRITABLE", obj, memory, 8, 1, PyBUF_WRITABLE);
    fill_info("readonly=1 CONTIG", obj, memory, 8, 1, PyBUF_CONTIG);
    fill_info("readonly=1 FULL_RO", obj, memory, 8, 1, PyBUF_FULL_RO);
    fill_info("readonly=2 WRITABLE", obj, memory, 8, 2, PyBUF_WRITABLE);
    fill_info("readonly=-1 FULL", obj, memory, 8, -1, PyBUF_FULL);
    fill_info("len=-5", obj, memory, -5, 0, PyBUF_FULL_RO);
    fill_info("buf=NULL", obj, NULL, 0, 0, PyBUF_FULL_RO);
    fill_info("exporter NULL", NULL, memory + 8, 4, 1, PyBUF_RECORDS_RO);
    fill_info("flags -1 readonly=1", obj, memory, 8, 1, -1);

    /* PyBuffer_Release: bf_releasebuffer runs while obj is still held,
       then obj is cleared and the reference dropped; nothing else moves. */
    Py_buffer view;
    Py_ssize_t before = Py_REFCNT(obj);
    PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO);
    PyBuffer_Release(&view);
    printf("Release: release calls %d, obj set during release %d, refs "
           "during release %+ld, refs after %+ld\n", ex->release_calls,
           ex->obj_set_in_release,
           ex->refcnt_in_release - (long)before,
           (long)(Py_REFCNT(obj) - before));
    printf("  fields kept: buf=%d len=%ld ndim=%d format=%s obj=%s\n",
           view.buf == (void *)ex->data, (long)view.len, view.ndim,
           view.format ? view.format : "NULL", view.obj ? "set" : "NULL");
    PyBuffer_Release(&view);
    printf("  second release: release calls %d, refs %+ld\n",
           ex->release_calls, (long)(Py_REFCNT(obj) - before));
    ex->null_obj = 1;
    PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE);
    PyBuffer_Release(&view);
    printf("  obj NULL: release calls %d\n", ex->release_calls);
    ex->null_obj = 0;

    /* PyBuffer_IsContiguous. */
    Py_ssize_t s1[] = {3}, st1[] = {4};
    Py_ssize_t s2[] = {2, 3}, c2[] = {12, 4}, f2[] = {4, 8};
    Py_ssize_t s13[] = {1, 3}, st13[] = {100, 1};
    Py_ssize_t s20[] = {2, 0}, st20[] = {5, 5};
    Py_ssize_t s213[] = {2, 1, 3}, st213[] = {3, 999, 1};
    Py_ssize_t neg[] = {-4}, zero1[] = {0}, pad[] = {8};
    Py_ssize_t sub[] = {-1}, sub2[] = {-1, -1};
    Py_ssize_t s0[] = {0}, st0[] = {7};
    Py_ssize_t s31[] = {3, 1}, st31[] = {1, 77};
    contiguity("1-D contiguous", 12, 4, 1, s1, st1, NULL);
    contiguity("1-D strides NULL", 12, 4, 1, s1, NULL, NULL);
    contiguity("1-D shape/strides NULL", 12, 4, 1, NULL, NULL, NULL);
    contiguity("1-D negative stride", 12, 4, 1, s1, neg, NULL);
    contiguity("1-D zero stride", 12, 4, 1, s1, zero1, NULL);
    contiguity("1-D padded stride", 12, 4, 1, s1, pad, NULL);
    contiguity("1-D suboffsets -1", 12, 4, 1, s1, st1, sub);
    contiguity("2x3 C", 24, 4, 2, s2, c2, NULL);
    contiguity("2x3 F", 24, 4, 2, s2, f2, NULL);
    contiguity("2x3 strides NULL", 24, 4, 2, s2, NULL, NULL);
    contiguity("2x3 C suboffsets", 24, 4, 2, s2, c2, sub2);
    contiguity("1x3 strides NULL", 3, 1, 2, s13, NULL, NULL);
    contiguity("1x3 strides (100,1)", 3, 1, 2, s13, st13, NULL);
    contiguity("2x0 strides (5,5)", 0, 1, 2, s20, st20, NULL);
    contiguity("2x1x3 strides (3,999,1)", 6, 1, 3, s213, st213, NULL);
    contiguity("3x1 strides (1,77)", 3, 1, 2, s31, st31, NULL);
    contiguity("len 0 shape (0,) stride 7", 0, 1, 1, s0, st0, NULL);
    contiguity("len 0 nonsense", 0, 4, 2, s2, st1, NULL);
    contiguity("0-d", 4, 4, 0, NULL, NULL, NULL);
    contiguity("0-d suboffsets", 4, 4, 0, NULL, NULL, sub);

    /* PyBuffer_GetPointer, with and without suboffsets. */
    Py_buffer v;
    memset(&v, 0, sizeof(v));
    v.buf = memory;
    v.itemsize = 4;
    v.ndim = 2;
    v.shape = s2;
    v.strides = c2;
    Py_ssize_t at[] = {1, 2};
    printf("GetPointer C (1,2) -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));
    v.strides = f2;
    printf("GetPointer F (1,2) -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));
    Py_ssize_t back[] = {-12, -4};
    v.buf = memory + 20;
    v.strides = back;
    printf("GetPointer negative (1,2) -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));
    char *rows[2] = {memory + 32, memory + 8};
    Py_ssize_t pil_strides[] = {sizeof(char *), 4};
    Py_ssize_t pil_sub[] = {2, -1};
    v.buf = rows;
    v.strides = pil_strides;
    v.suboffsets = pil_sub;
    printf("GetPointer PIL (1,2) -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));
    at[0] = 0;
    printf("GetPointer PIL (0,2) -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));
    v.ndim = 0;
    v.buf = memory + 5;
    printf("GetPointer 0-d -> data+%ld\n",
           (long)((char *)PyBuffer_GetPointer(&v, at) - memory));

    /* PyBuffer_FillContiguousStrides. */
    Py_ssize_t s234[] = {2, 3, 4};
    Py_ssize_t s203[] = {2, 0, 3};
    strides_for("(2,3,4) itemsize 2", 3, s234, 2);
    strides_for("(2,0,3) itemsize 8", 3, s203, 8);
    strides_for("ndim 0", 0, s234, 4);

    Py_DECREF(ex);
    return scenario_end();
}
