/* minibuf layout: where each element of a layout lies in memory.
 *
 * The layout is made into an ndarray, so what is drawn is what
 * PyBuffer_GetPointer finds for each index (following suboffsets): first a
 * table of element -> byte offset, then a map of the memory, one cell per
 * itemsize bytes, with each cell labelled by the element that starts
 * there ('.' for bytes no element uses, '*' where several elements start;
 * in a PIL layout's table of row pointers, "->N" where a pointer to offset
 * N starts and "ptr" for the rest of it).  --svg FILE draws the same
 * map as an SVG image.
 */
#include <errno.h>

#include "tool.h"

static const char usage[] =
    "usage: minibuf layout [LAYOUT OPTIONS] [--svg FILE]\n"
    "\n"
    "Draw where each element of a layout lies in memory: a table of\n"
    "element -> byte offset (found with PyBuffer_GetPointer, which follows\n"
    "suboffsets) and a map of the memory, one cell per item.  With\n"
    "--svg FILE, the map is also written as an SVG image.\n"
    "\n"
    "layout options (an ndarray's; memory holds the bytes 0, 1, 2, ...):\n"
    "  --shape 3,4      extents (default 3,4)\n"
    "  --strides 32,8   bytes between items along each dimension\n"
    "  --offset N       bytes before the first item\n"
    "  --format FMT     struct format of one item (default B)\n"
    "  --itemsize N     items of N bytes\n"
    "  --flags LIST     fortran (default strides in Fortran order), pil\n"
    "                   (rows through pointers: suboffsets), writable\n"
    "  --memory N       bytes of memory (default: just enough)\n"
    "\n"
    "example: minibuf layout --shape 3,4 --strides 64,16 --format d\n";

/* Longest label: an index of up to 4 dimensions. */
#define MAX_LABEL 24
#define MAX_CELLS 4096
#define MAX_ELEMENTS 4096

typedef struct {
    Py_ssize_t nbytes, itemsize, table;     /* table: PIL row pointers */
    Py_ssize_t per_line;                    /* cells per line */
    Py_ssize_t ncells;
    char labels[MAX_CELLS][MAX_LABEL];
    int first_index[MAX_CELLS];             /* for the SVG's colours */
} Map;

static void
index_label(char *out, const Py_ssize_t *index, int ndim)
{
    int used = 0;
    if (ndim == 0) {
        snprintf(out, MAX_LABEL, "()");
        return;
    }
    for (int i = 0; i < ndim && used < MAX_LABEL - 6; i++) {
        used += snprintf(out + used, (size_t)(MAX_LABEL - used), "%s%zd",
                         i ? "," : "", index[i]);
    }
}

/* The next index in C order; 0 after the last. */
static int
next_index(Py_ssize_t *index, const Py_ssize_t *shape, int ndim)
{
    for (int i = ndim - 1; i >= 0; i--) {
        if (++index[i] < shape[i]) {
            return 1;
        }
        index[i] = 0;
    }
    return 0;
}

/* Cells per line: the largest stride that fits 16 cells, so that rows of
   the array line up (with suboffsets, a row's items); else 8. */
static Py_ssize_t
cells_per_line(const Py_buffer *view)
{
    Py_ssize_t best = 0;
    if (view->suboffsets != NULL) {
        Py_ssize_t row = 1;
        for (int i = 1; i < view->ndim; i++) {
            row *= view->shape[i];
        }
        return row >= 1 && row <= 16 ? row : 8;
    }
    for (int i = 0; i < view->ndim; i++) {
        if (view->shape[i] <= 1) {
            continue;
        }
        size_t s = view->strides[i] < 0 ? 0 - (size_t)view->strides[i]
                                        : (size_t)view->strides[i];
        size_t size = (size_t)view->itemsize;
        if (s > 0 && s % size == 0 && s / size <= 16
            && (Py_ssize_t)(s / size) > best) {
            best = (Py_ssize_t)(s / size);
        }
    }
    return best > 0 ? best : 8;
}

/* Where cell c is drawn: its line and column.  A PIL layout's table of
   pointers has lines of its own, so that the rows after it line up. */
static void
position(const Map *map, Py_ssize_t c, Py_ssize_t *line, Py_ssize_t *column)
{
    Py_ssize_t data = (map->table + map->itemsize - 1) / map->itemsize;
    Py_ssize_t table_lines = (data + map->per_line - 1) / map->per_line;
    if (c < data) {
        *line = c / map->per_line;
        *column = c % map->per_line;
    }
    else {
        *line = table_lines + (c - data) / map->per_line;
        *column = (c - data) % map->per_line;
    }
}

/* Write the map to path as SVG, or fail with the reason it cannot be
   written. */
static void
write_svg(const char *path, const Map *map, const char *title)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fail("cannot write %s: %s", path, strerror(errno));
    }
    const int cell = 64, height = 28, margin = 56;
    Py_ssize_t lines, column;
    position(map, map->ncells - 1, &lines, &column);
    lines++;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zd\" "
            "height=\"%zd\" font-family=\"monospace\" font-size=\"12\">\n",
            margin + map->per_line * cell + 8, 40 + lines * height + 8);
    fprintf(f, "<text x=\"4\" y=\"18\">%s</text>\n", title);
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        Py_ssize_t line;
        position(map, c, &line, &column);
        Py_ssize_t x = margin + column * cell;
        Py_ssize_t y = 30 + line * height;
        const char *label = map->labels[c];
        const char *fill = "#ffffff";
        static const char *const colours[] = {"#cfe2f3", "#d9ead3",
                                              "#fff2cc", "#f4cccc",
                                              "#d9d2e9", "#fce5cd"};
        if (strcmp(label, "ptr") == 0 || strncmp(label, "->", 2) == 0) {
            fill = "#cccccc";
        }
        else if (strcmp(label, ".") != 0) {
            fill = colours[map->first_index[c] % 6];
        }
        if (column == 0) {
            fprintf(f, "<text x=\"4\" y=\"%zd\">%zd</text>\n", y + 18,
                    c * map->itemsize);
        }
        fprintf(f, "<rect x=\"%zd\" y=\"%zd\" width=\"%d\" height=\"%d\" "
                "fill=\"%s\" stroke=\"#444444\"/>\n", x, y, cell, height,
                fill);
        fprintf(f, "<text x=\"%zd\" y=\"%zd\" text-anchor=\"middle\">%s"
                "</text>\n", x + cell / 2, y + 18, label);
    }
    fprintf(f, "</svg>\n");
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        fail("cannot write %s: %s", path, strerror(errno));
    }
}

/* The layout options and --svg FILE; *svg NULL without it. */
static void
parse_arguments(int argc, char **argv, ExporterSpec *spec, const char **svg)
{
    int next = 0;
    *svg = NULL;
    parse_exporter("layout", argc, argv, &next, spec, 0);
    while (next < argc) {
        if (strcmp(argv[next], "--svg") == 0 && next + 1 < argc) {
            *svg = argv[next + 1];
            next += 2;
        }
        else if (strncmp(argv[next], "--svg=", 6) == 0) {
            *svg = argv[next] + 6;
            next++;
        }
        else {
            usage_error("layout", "unexpected argument '%s'", argv[next]);
        }
    }
}

/* The number of elements of the view; -1 after saying there are too many
   to draw. */
static Py_ssize_t
count_elements(const Py_buffer *view)
{
    Py_ssize_t nitems = 1;
    for (int i = 0; i < view->ndim; i++) {
        nitems *= view->shape[i];
    }
    if (nitems > MAX_ELEMENTS) {
        printf("%zd elements: too many to draw (at most %d)\n", nitems,
               MAX_ELEMENTS);
        return -1;
    }
    return nitems;
}

/* Print each element's offset from memory; the end of the last byte any
   element reaches. */
static Py_ssize_t
print_offsets(const Py_buffer *view, Py_ssize_t nitems, const char *memory)
{
    Py_ssize_t index[PyBUF_MAX_NDIM] = {0}, high = 0;
    printf("%-16s byte offset\n", "element");
    for (Py_ssize_t t = 0; t < nitems; t++) {
        char label[MAX_LABEL];
        index_label(label, index, view->ndim);
        Py_ssize_t offset = (const char *)PyBuffer_GetPointer(view, index)
                            - memory;
        printf("%-16s %zd\n", label, offset);
        if (offset + view->itemsize > high) {
            high = offset + view->itemsize;
        }
        next_index(index, view->shape, view->ndim);
    }
    return high;
}

/* Label the map's cells: the row pointers of a PIL table, then each
   element at the cell where it starts ('*' where several do). */
static void
label_cells(Map *map, const Py_buffer *view, Py_ssize_t nitems,
            const char *memory)
{
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        strcpy(map->labels[c], c * view->itemsize < map->table ? "ptr" : ".");
    }
    for (Py_ssize_t row = 0; map->table > 0 && row < view->shape[0]; row++) {
        const char *target;
        memcpy(&target, memory + row * (Py_ssize_t)sizeof(char *),
               sizeof(target));
        Py_ssize_t c = row * (Py_ssize_t)sizeof(char *) / view->itemsize;
        snprintf(map->labels[c], MAX_LABEL, "->%td", target - memory);
    }
    Py_ssize_t index[PyBUF_MAX_NDIM] = {0};
    for (Py_ssize_t t = 0; t < nitems; t++) {
        Py_ssize_t offset = (const char *)PyBuffer_GetPointer(view, index)
                            - memory;
        Py_ssize_t c = offset / view->itemsize;
        if (strcmp(map->labels[c], ".") == 0) {
            index_label(map->labels[c], index, view->ndim);
            map->first_index[c] = view->ndim ? (int)index[0] : 0;
        }
        else if (c * view->itemsize >= map->table) {
            strcpy(map->labels[c], "*");
        }
        next_index(index, view->shape, view->ndim);
    }
}

/* Print the map, a line of cells at a time. */
static void
print_map(const Map *map)
{
    printf("\nmemory: %zd bytes, one cell per item of %zd byte%s, %zd "
           "cell%s per line%s\n", map->nbytes, map->itemsize,
           map->itemsize == 1 ? "" : "s", map->per_line,
           map->per_line == 1 ? "" : "s",
           map->table ? "; \"->N\": a row pointer to offset N" : "");
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        Py_ssize_t line, column, next_line = -1, next_column;
        position(map, c, &line, &column);
        if (c + 1 < map->ncells) {
            position(map, c + 1, &next_line, &next_column);
        }
        if (column == 0) {
            printf("%6zd |", c * map->itemsize);
        }
        printf(" %-7s|", map->labels[c]);
        if (next_line != line) {
            printf("\n");
        }
    }
}

/* Draw the view: its offsets, then its map of memory (and the SVG).
   0, or 1 when it is too large to draw. */
static int
draw(const Py_buffer *view, const ExporterSpec *spec, const char *memory,
     const char *svg)
{
    static Map map;
    Py_ssize_t nitems = count_elements(view);
    if (nitems < 0) {
        return 1;
    }
    Py_ssize_t high = print_offsets(view, nitems, memory);
    memset(&map, 0, sizeof(map));
    map.itemsize = view->itemsize;
    map.table = view->suboffsets
                ? view->shape[0] * (Py_ssize_t)sizeof(char *) : 0;
    /* The memory is the table and the bytes the layout needs. */
    map.nbytes = Py_MAX(Py_MAX(spec->memory, high), map.table);
    map.ncells = (map.nbytes + view->itemsize - 1) / view->itemsize;
    if (map.ncells > MAX_CELLS) {
        printf("%zd bytes: too many to draw\n", map.nbytes);
        return 1;
    }
    map.per_line = cells_per_line(view);
    label_cells(&map, view, nitems, memory);
    print_map(&map);
    if (svg != NULL) {
        char title[256];
        snprintf(title, sizeof(title), "%zd bytes, one cell per item of "
                 "%zd bytes", map.nbytes, view->itemsize);
        write_svg(svg, &map, title);
        printf("\nwrote %s\n", svg);
    }
    return 0;
}

int
command_layout(int argc, char **argv)
{
    if (wants_help(argc, argv, usage)) {
        return 0;
    }
    ExporterSpec spec;
    const char *svg, *memory;
    parse_arguments(argc, argv, &spec, &svg);
    PyObject *array = make_exporter(&spec, &memory);
    if (array == NULL) {
        printf("the layout cannot be made: %s\n", take_exception());
        return 1;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(array, &view, PyBUF_FULL_RO) < 0) {
        printf("%s\n", take_exception());
        Py_DECREF(array);
        return 1;
    }
    describe_exporter(stdout, &spec);
    int status = draw(&view, &spec, memory, svg);
    PyBuffer_Release(&view);
    Py_DECREF(array);
    return status;
}
