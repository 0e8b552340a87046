/* minibuf layout: where each element of a layout lies in memory.
 *
 * The layout is made into an ndarray, so what is drawn is what
 * PyBuffer_GetPointer finds for each index (following suboffsets): first a
 * table of element -> byte offset, then a map of the memory, one cell per
 * itemsize bytes, with each cell labelled by the element that starts
 * there ('.' for bytes no element uses; "0,1+2" where element (0, 1) and
 * two more start, as with a zero stride; in a PIL layout's table of row
 * pointers, "->N" where a pointer to offset N starts and "ptr" for the
 * rest of it).  A line of the map is a row of the array (its longest
 * stride of at most 64 items), wrapped every 16 cells and lined up on
 * the first element, so rows read as rows whatever the offset.  --svg
 * FILE draws the same map as an SVG image, with the layout as caption,
 * buf marked and arrows from row pointers to their rows.
 */
#include <assert.h>
#include <errno.h>

#include "tool.h"

static const char usage[] =
    "usage: minibuf layout [LAYOUT OPTIONS] [--svg FILE]\n"
    "\n"
    "Draw where each element of a layout lies in memory: a table of\n"
    "element -> byte offset (found with PyBuffer_GetPointer, which follows\n"
    "suboffsets) and a map of the memory, one cell per item, a row of the\n"
    "array per line (wrapped every 16 cells), '>' where buf points.  With\n"
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

/* Cells on one line of the map; a row of more wraps onto the next. */
#define WRAP 16
/* The longest row drawn as a row. */
#define MAX_ROW 64

typedef struct {
    Py_ssize_t nbytes, itemsize, table;     /* table: PIL row pointers */
    Py_ssize_t row;                         /* cells per row of the map */
    Py_ssize_t anchor;                      /* a cell where a row starts */
    int has_rows;                           /* row: a stride of the array */
    Py_ssize_t ncells;
    Py_ssize_t buf_cell;                    /* where buf points */
    char labels[MAX_CELLS][MAX_LABEL];
    int first_index[MAX_CELLS];             /* for the SVG's colours */
    Py_ssize_t targets[MAX_CELLS];          /* row pointers: target cell */
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

/* Cells per row of the map: the largest stride, in items, of at most
   MAX_ROW items (with suboffsets, the items of a row); 0 when no stride
   is a whole number of items greater than one (the map then has no rows
   to line up, only lines of WRAP cells). */
static Py_ssize_t
cells_per_row(const Py_buffer *view)
{
    Py_ssize_t best = 0;
    if (view->suboffsets != NULL) {
        Py_ssize_t row = 1;
        for (int i = 1; i < view->ndim; i++) {
            row *= view->shape[i];
        }
        return row >= 1 && row <= MAX_ROW ? row : 0;
    }
    for (int i = 0; i < view->ndim; i++) {
        if (view->shape[i] <= 1) {
            continue;
        }
        size_t s = view->strides[i] < 0 ? 0 - (size_t)view->strides[i]
                                        : (size_t)view->strides[i];
        size_t size = (size_t)view->itemsize;
        if (s > 0 && s % size == 0 && s / size <= MAX_ROW
            && (Py_ssize_t)(s / size) > best) {
            best = (Py_ssize_t)(s / size);
        }
    }
    return best > 1 ? best : 0;
}

/* Where cell c is drawn: its line and column.  Rows start at the anchor
   (and every `row` cells from it; the cells before the first row start
   a line of their own) and wrap every WRAP cells.  A PIL layout's table
   of pointers has lines of its own, so that the rows after it line up. */
static void
position(const Map *map, Py_ssize_t c, Py_ssize_t *line, Py_ssize_t *column)
{
    Py_ssize_t data = (map->table + map->itemsize - 1) / map->itemsize;
    Py_ssize_t table_lines = (data + WRAP - 1) / WRAP;
    if (c < data) {
        *line = c / WRAP;
        *column = c % WRAP;
        return;
    }
    Py_ssize_t wraps = (map->row + WRAP - 1) / WRAP;
    Py_ssize_t first = data + (map->anchor - data) % map->row;
    Py_ssize_t lead = first > data ? (first - data + WRAP - 1) / WRAP : 0;
    if (c < first) {
        *line = table_lines + (c - data) / WRAP;
        *column = (c - data) % WRAP;
        return;
    }
    Py_ssize_t in_row = (c - first) % map->row;
    *line = table_lines + lead + (c - first) / map->row * wraps
            + in_row / WRAP;
    *column = in_row % WRAP;
}

/* The number of lines the map takes. */
static Py_ssize_t
count_lines(const Map *map)
{
    Py_ssize_t line, column;
    position(map, map->ncells - 1, &line, &column);
    return line + 1;
}

/* The SVG's geometry: cells, lines, the left margin (offsets and the
   arrows' lanes), the room above the map (title and caption). */
enum { SVG_CELL = 64, SVG_HEIGHT = 28, SVG_MARGIN = 56, SVG_TOP = 48 };

/* The map's cells, each with its label; buf's outlined in red. */
static void
svg_cells(FILE *f, const Map *map)
{
    static const char *const colours[] = {"#cfe2f3", "#d9ead3", "#fff2cc",
                                          "#f4cccc", "#d9d2e9", "#fce5cd"};
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        Py_ssize_t line, column;
        position(map, c, &line, &column);
        Py_ssize_t x = SVG_MARGIN + column * SVG_CELL;
        Py_ssize_t y = SVG_TOP + line * SVG_HEIGHT;
        const char *label = map->labels[c];
        const char *fill = "#ffffff";
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
                "fill=\"%s\" stroke=\"%s\" stroke-width=\"%d\"/>\n", x, y,
                SVG_CELL, SVG_HEIGHT, fill,
                c == map->buf_cell ? "#cc0000" : "#444444",
                c == map->buf_cell ? 3 : 1);
        fprintf(f, "<text x=\"%zd\" y=\"%zd\" text-anchor=\"middle\">%s"
                "</text>\n", x + SVG_CELL / 2, y + 18, label);
    }
}

/* Arrows from each row pointer to the row it leads to, down the left
   margin: from under the pointer, along a lane of the margin, into the
   row. */
static void
svg_arrows(FILE *f, const Map *map)
{
    for (Py_ssize_t c = 0, k = 0; c < map->ncells; c++) {
        if (map->targets[c] < 0) {
            continue;
        }
        Py_ssize_t line, column, to_line, to_column;
        position(map, c, &line, &column);
        position(map, map->targets[c], &to_line, &to_column);
        Py_ssize_t lane = SVG_MARGIN - 4 - 4 * (k++ % 4);
        Py_ssize_t below = SVG_TOP + (line + 1) * SVG_HEIGHT;
        fprintf(f, "<path d=\"M%zd,%zd V%zd H%zd V%zd H%zd\" fill=\"none\" "
                "stroke=\"#cc0000\" marker-end=\"url(#arrow)\"/>\n",
                SVG_MARGIN + column * SVG_CELL + 8, below - 4,
                below + 2 + 2 * (k % 4), lane,
                SVG_TOP + to_line * SVG_HEIGHT + SVG_HEIGHT / 2,
                SVG_MARGIN + to_column * SVG_CELL);
    }
}

/* Write the map to path as SVG, titled and captioned, with a legend, or
   fail with the reason it cannot be written. */
static void
write_svg(const char *path, const Map *map, const char *title,
          const char *caption)
{
    static const char legend[] =
        "cells: the element that starts there; . none; +N and N more; "
        "->N a row pointer to offset N, ptr its other bytes; red: buf";
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fail("cannot write %s: %s", path, strerror(errno));
    }
    Py_ssize_t lines = count_lines(map);
    Py_ssize_t across = map->row < WRAP ? map->row : WRAP;
    Py_ssize_t width = SVG_MARGIN + across * SVG_CELL + 8;
    Py_ssize_t text = (Py_ssize_t)(strlen(legend) + 2) * 8;
    if (text > width) {
        width = text;
    }
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zd\" "
            "height=\"%zd\" font-family=\"monospace\" font-size=\"12\">\n"
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
            "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
            "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>"
            "</defs>\n", width, SVG_TOP + lines * SVG_HEIGHT + 32);
    fprintf(f, "<text x=\"4\" y=\"16\">%s</text>\n", title);
    fprintf(f, "<text x=\"4\" y=\"34\">%s</text>\n", caption);
    svg_cells(f, map);
    svg_arrows(f, map);
    fprintf(f, "<text x=\"4\" y=\"%zd\">%s</text>\n</svg>\n",
            SVG_TOP + lines * SVG_HEIGHT + 22, legend);
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

/* Label the map's cells: the row pointers of a PIL table (and the cells
   they lead to), then each element at the cell where it starts ("+N"
   added where N more start there). */
static void
label_cells(Map *map, const Py_buffer *view, Py_ssize_t nitems,
            const char *memory)
{
    static Py_ssize_t more[MAX_CELLS];
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        strcpy(map->labels[c], c * view->itemsize < map->table ? "ptr" : ".");
        map->targets[c] = -1;
        more[c] = 0;
    }
    for (Py_ssize_t row = 0; map->table > 0 && row < view->shape[0]; row++) {
        const char *target;
        memcpy(&target, memory + row * (Py_ssize_t)sizeof(char *),
               sizeof(target));
        Py_ssize_t c = row * (Py_ssize_t)sizeof(char *) / view->itemsize;
        snprintf(map->labels[c], MAX_LABEL, "->%td", target - memory);
        map->targets[c] = (target - memory) / view->itemsize;
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
            more[c]++;
        }
        next_index(index, view->shape, view->ndim);
    }
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        if (more[c] > 0) {
            size_t used = strlen(map->labels[c]);
            snprintf(map->labels[c] + used, MAX_LABEL - used, "+%zd",
                     more[c]);
        }
    }
}

/* Print the map, a line of cells at a time, each starting with the
   offset of its first cell; buf's cell is marked with '>'. */
static void
print_map(const Map *map)
{
    printf("\nmemory: %zd bytes, one cell per item of %zd byte%s, %s %zd "
           "cell%s%s; '>': where buf points%s\n", map->nbytes,
           map->itemsize, map->itemsize == 1 ? "" : "s",
           map->has_rows ? "rows of" : "lines of", map->row,
           map->row == 1 ? "" : "s",
           map->row > WRAP ? " (wrapped every 16)" : "",
           map->table ? "; \"->N\": a row pointer to offset N" : "");
    Py_ssize_t previous_line = -1;
    for (Py_ssize_t c = 0; c < map->ncells; c++) {
        Py_ssize_t line, column;
        position(map, c, &line, &column);
        if (line != previous_line) {
            assert(column == 0);
            printf("%s%6zd |", previous_line >= 0 ? "\n" : "",
                   c * map->itemsize);
            previous_line = line;
        }
        printf("%c%-7s|", c == map->buf_cell ? '>' : ' ', map->labels[c]);
    }
    printf("\n");
}

/* "shape (3, 4), strides (32, 8), format 'd', offset 0": the caption. */
static void
describe_layout(const Py_buffer *view, const ExporterSpec *spec, char *out,
                size_t size)
{
    size_t used = (size_t)snprintf(out, size, "shape (");
    for (int i = 0; i < view->ndim && used < size; i++) {
        used += (size_t)snprintf(out + used, size - used, "%s%zd",
                                 i ? ", " : "", view->shape[i]);
    }
    for (int i = 0; i < view->ndim && used < size; i++) {
        used += (size_t)snprintf(out + used, size - used, "%s%zd",
                                 i ? ", " : "), strides (", view->strides[i]);
    }
    if (used < size) {
        snprintf(out + used, size - used, "), format '%s', offset %zd%s",
                 spec->format, spec->offset,
                 view->suboffsets ? ", rows through pointers" : "");
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
    map.row = cells_per_row(view);
    map.has_rows = map.row != 0;
    Py_ssize_t zero[PyBUF_MAX_NDIM] = {0};
    map.anchor = map.row == 0
        ? 0 : ((const char *)PyBuffer_GetPointer(view, zero) - memory)
              / view->itemsize;
    if (map.row == 0) {
        map.row = WRAP;
    }
    map.buf_cell = ((const char *)view->buf - memory) / view->itemsize;
    label_cells(&map, view, nitems, memory);
    print_map(&map);
    if (svg != NULL) {
        char title[256], caption[512];
        snprintf(title, sizeof(title), "%zd bytes, one cell per item of "
                 "%zd byte%s", map.nbytes, view->itemsize,
                 view->itemsize == 1 ? "" : "s");
        describe_layout(view, spec, caption, sizeof(caption));
        write_svg(svg, &map, title, caption);
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
