/* PEP 3118's format language (include/pep3118.h says what is read and how
 * items are sized and aligned).
 *
 * A recursive-descent parser: items are laid out as they are read, each
 * structure's members first relative to the structure, then moved to the
 * structure's place once its alignment (its most aligned member) is
 * known.  Every sum and product is checked against PY_SSIZE_T_MAX, and
 * structures nest at most MAX_DEPTH deep, so no format, however hostile,
 * overflows or exhausts the stack.
 *
 * Written with nothing but Py_ssize_t from Python.h, so that the checker
 * compiled against CPython uses it (tests/checker_cpython.sh).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pep3118.h>

#define MAX_DEPTH 64

typedef struct {
    const char *format;       /* the whole string, for positions */
    const char *p;            /* the next character */
    MbPep3118Field *fields;
    Py_ssize_t capacity;
    MbPep3118Info *info;
    int emit;                 /* record items (not inside what '&' names) */
} Parser;

/* Record why the format is not PEP 3118, at `at`; returns -1. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(Parser *ps, const char *at, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(ps->info->error, sizeof(ps->info->error), format, args);
    va_end(args);
    ps->info->error_at = at - ps->format;
    return -1;
}

/* a + b or a * b into *out, or -1 when past PY_SSIZE_T_MAX. */
static int
add(Parser *ps, Py_ssize_t a, Py_ssize_t b, Py_ssize_t *out)
{
    if (a > PY_SSIZE_T_MAX - b) {
        return fail(ps, ps->p, "the format describes more than "
                    "PY_SSIZE_T_MAX bytes");
    }
    *out = a + b;
    return 0;
}

static int
multiply(Parser *ps, Py_ssize_t a, Py_ssize_t b, Py_ssize_t *out)
{
    if (b != 0 && a > PY_SSIZE_T_MAX / b) {
        return fail(ps, ps->p, "the format describes more than "
                    "PY_SSIZE_T_MAX bytes");
    }
    *out = a * b;
    return 0;
}

/* --- Codes ---------------------------------------------------------------- */

typedef struct {
    Py_ssize_t size;
    Py_ssize_t alignment;
} Sizing;

#define NATIVE(type) {sizeof(type), _Alignof(type)}

typedef struct {
    unsigned short u;
} Ucs2;

typedef struct {
    unsigned int u;
} Ucs4;

/* The native size and alignment of a code that stands alone; 0 if it is
   not one. */
static int
native_sizing(char code, Sizing *s)
{
    static const struct {
        char code;
        Sizing sizing;
    } table[] = {
        {'?', NATIVE(_Bool)}, {'c', NATIVE(char)}, {'b', NATIVE(signed char)},
        {'B', NATIVE(unsigned char)}, {'h', NATIVE(short)},
        {'H', NATIVE(unsigned short)}, {'i', NATIVE(int)},
        {'I', NATIVE(unsigned int)}, {'l', NATIVE(long)},
        {'L', NATIVE(unsigned long)}, {'q', NATIVE(long long)},
        {'Q', NATIVE(unsigned long long)}, {'n', NATIVE(Py_ssize_t)},
        {'N', NATIVE(size_t)}, {'e', {2, 2}}, {'f', NATIVE(float)},
        {'d', NATIVE(double)}, {'g', NATIVE(long double)},
        {'s', {1, 1}}, {'p', {1, 1}}, {'x', {1, 1}}, {'t', {1, 1}},
        {'P', NATIVE(void *)}, {'O', NATIVE(void *)}, {'&', NATIVE(void *)},
        {'X', NATIVE(void (*)(void))}, {'u', NATIVE(Ucs2)},
        {'w', NATIVE(Ucs4)},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].code == code) {
            *s = table[i].sizing;
            return 1;
        }
    }
    return 0;
}

/* Size and alignment of one element of `code` (with its 'Z' target) in
   byte order `order`: struct's standard sizes outside '@' and '^' for the
   codes struct has, native ones otherwise; alignment only under '@'. */
static void
element_sizing(char code, char target, char order, Sizing *s)
{
    static const char standard_codes[] = "?cbBhHiIlLqQefd";
    static const Py_ssize_t standard_sizes[] = {1, 1, 1, 1, 2, 2, 4, 4, 4, 4,
                                                8, 8, 2, 4, 8};
    if (code == 'Z') {
        element_sizing(target, 0, order, s);
        s->size *= 2;
    }
    else {
        const char *standard = strchr(standard_codes, code);
        (void)native_sizing(code, s);
        if (order != '@' && order != '^' && standard != NULL) {
            s->size = standard_sizes[standard - standard_codes];
        }
    }
    if (order != '@') {
        s->alignment = 1;
    }
}

/* --- Items ----------------------------------------------------------------- */

static int parse_item(Parser *ps, int depth, char *order, Py_ssize_t *offset,
                      Py_ssize_t *alignment, char *code);

static void
skip_spaces(Parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n'
           || *ps->p == '\r' || *ps->p == '\f' || *ps->p == '\v') {
        ps->p++;
    }
}

/* A decimal number at ps->p into *n; -1 past PY_SSIZE_T_MAX. */
static int
number(Parser *ps, Py_ssize_t *n)
{
    const char *start = ps->p;
    *n = 0;
    while (*ps->p >= '0' && *ps->p <= '9') {
        Py_ssize_t digit = *ps->p - '0';
        if (*n > (PY_SSIZE_T_MAX - digit) / 10) {
            return fail(ps, start, "the number at position %zd is too "
                        "large", (Py_ssize_t)(start - ps->format));
        }
        *n = *n * 10 + digit;
        ps->p++;
    }
    return 0;
}

/* "(k1,k2,...)" into the field's shape. */
static int
sub_array(Parser *ps, MbPep3118Field *f)
{
    const char *open = ps->p++;
    for (;;) {
        skip_spaces(ps);
        if (*ps->p < '0' || *ps->p > '9') {
            return fail(ps, ps->p, "the sub-array shape at position %zd "
                        "needs a number here", (Py_ssize_t)(open - ps->format));
        }
        if (f->ndim == MB_PEP3118_MAX_DIMS) {
            return fail(ps, open, "the sub-array shape at position %zd has "
                        "more than %d dimensions",
                        (Py_ssize_t)(open - ps->format), MB_PEP3118_MAX_DIMS);
        }
        if (number(ps, &f->shape[f->ndim++]) < 0) {
            return -1;
        }
        skip_spaces(ps);
        if (*ps->p == ')') {
            ps->p++;
            return 0;
        }
        if (*ps->p != ',') {
            return fail(ps, ps->p, "the sub-array shape at position %zd is "
                        "not closed with ')'", (Py_ssize_t)(open - ps->format));
        }
        ps->p++;
    }
}

/* Skip the braces of 'X{...}' (a signature, not laid out). */
static int
skip_braces(Parser *ps)
{
    const char *open = ps->p;
    int level = 0;
    do {
        if (*ps->p == '\0') {
            return fail(ps, open, "the '{' at position %zd is never closed",
                        (Py_ssize_t)(open - ps->format));
        }
        level += (*ps->p == '{') - (*ps->p == '}');
        ps->p++;
    } while (level > 0);
    return 0;
}

/* Record field f; its index, or -1 when it is not kept (past the
   caller's capacity, or inside what '&' names). */
static Py_ssize_t
record(Parser *ps, const MbPep3118Field *f)
{
    if (!ps->emit) {
        return -1;
    }
    Py_ssize_t index = ps->info->nfields++;
    if (index >= ps->capacity) {
        return -1;
    }
    ps->fields[index] = *f;
    return index;
}

/* The items up to '}' (inside a structure: `open` is its '{') or to the
   end (open NULL), laid out from 0: their *size, without padding at the
   end, and the *alignment of the most aligned. */
static int
parse_items(Parser *ps, int depth, char order, const char *open,
            Py_ssize_t *size, Py_ssize_t *alignment)
{
    *size = 0;
    *alignment = 1;
    char code;
    int r;
    while ((r = parse_item(ps, depth, &order, size, alignment, &code)) > 0) {
    }
    if (r < 0) {
        return -1;
    }
    if (*ps->p == '}' && open == NULL) {
        return fail(ps, ps->p, "unexpected '}' at position %zd",
                    (Py_ssize_t)(ps->p - ps->format));
    }
    if (*ps->p == '\0' && open != NULL) {
        return fail(ps, open, "the '{' at position %zd is never closed",
                    (Py_ssize_t)(open - ps->format));
    }
    ps->p += open != NULL;
    return 0;
}

/* 'T{...}': its members at depth + 1, then its own size: padded at the end
   to its alignment when laid out natively.  *s gets one structure's size
   and alignment; `first` is where its members are recorded. */
static int
structure(Parser *ps, int depth, char order, const char *at, Sizing *s)
{
    if (*ps->p != '{') {
        return fail(ps, at, "the 'T' at position %zd is not followed by "
                    "'{'", (Py_ssize_t)(at - ps->format));
    }
    if (depth >= MAX_DEPTH) {
        return fail(ps, at, "structures nest deeper than %d at position %zd",
                    MAX_DEPTH, (Py_ssize_t)(at - ps->format));
    }
    const char *open = ps->p++;
    Py_ssize_t size, alignment;
    if (parse_items(ps, depth + 1, order, open, &size, &alignment) < 0) {
        return -1;
    }
    if (order != '@') {
        alignment = 1;
    }
    Py_ssize_t rest = size % alignment;
    if (rest != 0 && add(ps, size, alignment - rest, &size) < 0) {
        return -1;
    }
    s->size = size;
    s->alignment = alignment;
    return 0;
}

/* Move the members recorded from index `first` on by `by` bytes. */
static void
shift_members(Parser *ps, Py_ssize_t first, Py_ssize_t by)
{
    if (!ps->emit) {
        return;
    }
    for (Py_ssize_t i = first; i < ps->info->nfields && i < ps->capacity;
         i++) {
        ps->fields[i].offset += by;
    }
}

/* The code of an item and the size of one element of it: 'Z' and its
   target, '&' and the item it names, 'T{...}', 'X{...}'. */
static int
code_element(Parser *ps, int depth, char order, MbPep3118Field *f,
             Sizing *s)
{
    const char *at = ps->p;
    f->code = *ps->p++;
    if (f->code == ':') {
        return fail(ps, at, "the name at position %zd follows no item",
                    (Py_ssize_t)(at - ps->format));
    }
    if (f->code == 'T') {
        return structure(ps, depth, order, at, s);
    }
    if (f->code == 'Z') {
        f->target = *ps->p;
        if (f->target != 'f' && f->target != 'd' && f->target != 'g') {
            return fail(ps, at, "the 'Z' at position %zd is not followed by "
                        "'f', 'd' or 'g'", (Py_ssize_t)(at - ps->format));
        }
        ps->p++;
    }
    else if (f->code == '&') {
        int emit = ps->emit;
        char inner_order = order;
        Py_ssize_t offset = 0, alignment = 1;
        ps->emit = 0;
        int r = parse_item(ps, depth + 1, &inner_order, &offset, &alignment,
                           &f->target);
        ps->emit = emit;
        if (r <= 0) {
            return r < 0 ? -1 : fail(ps, at, "the '&' at position %zd points "
                                     "to nothing",
                                     (Py_ssize_t)(at - ps->format));
        }
    }
    else if (f->code == 'X') {
        if (*ps->p != '{') {
            return fail(ps, at, "the 'X' at position %zd is not followed by "
                        "'{'", (Py_ssize_t)(at - ps->format));
        }
        if (skip_braces(ps) < 0) {
            return -1;
        }
    }
    else if (!native_sizing(f->code, s)) {
        if ((unsigned char)f->code < 0x20 || (unsigned char)f->code > 0x7e) {
            return fail(ps, at, "bad byte 0x%02x at position %zd",
                        (unsigned char)f->code, (Py_ssize_t)(at - ps->format));
        }
        return fail(ps, at, "bad character '%c' at position %zd", f->code,
                    (Py_ssize_t)(at - ps->format));
    }
    element_sizing(f->code, f->target, order, s);
    return 0;
}

/* The bytes an item of `count` elements (or of f's sub-array shape) of
   one element's size `s` occupies. */
static int
item_size(Parser *ps, const MbPep3118Field *f, const Sizing *s,
          Py_ssize_t *size)
{
    Py_ssize_t n = f->count;
    for (int i = 0; i < f->ndim; i++) {
        if (multiply(ps, n, f->shape[i], &n) < 0) {
            return -1;
        }
    }
    if (f->code == 't') {
        *size = n / 8 + (n % 8 != 0);
        return 0;
    }
    return multiply(ps, n, s->size, size);
}

/* ":name:" after an item, kept in field `index` when it was recorded. */
static int
field_name(Parser *ps, Py_ssize_t index)
{
    skip_spaces(ps);
    if (*ps->p != ':') {
        return 0;
    }
    const char *open = ps->p++;
    const char *end = strchr(ps->p, ':');
    if (end == NULL) {
        return fail(ps, open, "the name at position %zd is not closed with "
                    "':'", (Py_ssize_t)(open - ps->format));
    }
    if (end == ps->p) {
        return fail(ps, open, "empty name at position %zd",
                    (Py_ssize_t)(open - ps->format));
    }
    if (index >= 0) {
        ps->fields[index].name = ps->p;
        ps->fields[index].name_length = (int)(end - ps->p);
    }
    ps->p = end + 1;
    return 0;
}

/* Byte-order characters, a count or a sub-array shape: what may come
   before a code.  *order changes for the rest of the enclosing list;
   *counted is where a count or shape was written, or NULL. */
static int
prefix(Parser *ps, char *order, MbPep3118Field *f, const char **counted)
{
    for (;;) {
        skip_spaces(ps);
        if (*ps->p == '\0' || strchr("@^=<>!", *ps->p) == NULL) {
            break;
        }
        *order = *ps->p++;
    }
    f->byteorder = *order;
    f->count = 1;
    *counted = NULL;
    if (*ps->p >= '0' && *ps->p <= '9') {
        *counted = ps->p;
        if (number(ps, &f->count) < 0) {
            return -1;
        }
    }
    else if (*ps->p == '(') {
        *counted = ps->p;
        if (sub_array(ps, f) < 0) {
            return -1;
        }
    }
    if (*counted == NULL) {
        skip_spaces(ps);
    }
    return 0;
}

/* One item at ps->p, laid out at *offset (which it advances) in the list
   of byte order *order at `depth`; its alignment raises *alignment.  1
   with its code in *code; 0 at the end of the list ('\0' or '}'). */
static int
parse_item(Parser *ps, int depth, char *order, Py_ssize_t *offset,
           Py_ssize_t *alignment, char *code)
{
    MbPep3118Field f;
    memset(&f, 0, sizeof(f));
    f.depth = depth;
    const char *counted;
    if (prefix(ps, order, &f, &counted) < 0) {
        return -1;
    }
    if (*ps->p == '\0' || *ps->p == '}') {
        if (counted != NULL) {
            return fail(ps, counted, "%s at position %zd without a code",
                        *counted == '(' ? "sub-array shape" : "repeat count",
                        (Py_ssize_t)(counted - ps->format));
        }
        return 0;
    }
    Py_ssize_t first_member = ps->info->nfields + 1;
    Py_ssize_t index = record(ps, &f);
    Sizing s = {0, 1};
    if (code_element(ps, depth, *order, &f, &s) < 0
        || item_size(ps, &f, &s, &f.size) < 0) {
        return -1;
    }
    f.alignment = s.alignment;
    Py_ssize_t rest = *offset % s.alignment;
    if (rest != 0 && add(ps, *offset, s.alignment - rest, offset) < 0) {
        return -1;
    }
    f.offset = *offset;
    if (add(ps, *offset, f.size, offset) < 0) {
        return -1;
    }
    if (s.alignment > *alignment) {
        *alignment = s.alignment;
    }
    if (index >= 0) {
        MbPep3118Field *kept = &ps->fields[index];
        *kept = f;
    }
    if (f.code == 'T') {
        shift_members(ps, first_member, f.offset);
    }
    *code = f.code;
    return field_name(ps, index) < 0 ? -1 : 1;
}

int
MbPep3118_Parse(const char *format, MbPep3118Field *fields,
                Py_ssize_t capacity, MbPep3118Info *info)
{
    Parser ps = {format, format, fields, fields ? capacity : 0, info, 1};
    info->itemsize = 0;
    info->nfields = 0;
    info->error_at = -1;
    info->error[0] = '\0';
    Py_ssize_t alignment;
    if (parse_items(&ps, 0, '@', NULL, &info->itemsize, &alignment) < 0) {
        info->itemsize = 0;
        info->nfields = 0;
        return -1;
    }
    return 0;
}
