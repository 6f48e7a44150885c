/*
** yamldoc.c -- libyaml events in, a small positioned tree out.
**
** We use libyaml's event API only: its document API expands aliases into
** a graph (and "&a [*a]" into a cycle) and has no depth limit, while the
** event stream lets us stop at the first event we do not like.  Everything
** a criteria file does not need is an error at its own position: anchors,
** aliases, tags other than !!str, a second document, duplicate keys.  The
** limits (4 MiB, depth 64, 100 000 nodes) keep hostile input cheap: flow
** nesting is quadratic inside libyaml 0.2.5, so 100 000 '[' must be cut
** off at the 65th, not after the parser has seen them all.
**
** Scalars keep their text and whether they were quoted; deciding what a
** scalar means (boolean, number, string) is done by the narrow typed
** getters at the end of this file, never by YAML 1.1's resolver.
*/
#include "yamldoc.h"
#include "ydocpack.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

struct frame {
    ynode *node;
    int count;                  /* items so far (keys and values) */
    int cap;                    /* room in node->items */
};

struct builder {
    ydoc *d;
    const char *buf;
    size_t len;
    struct frame stack[YDOC_MAX_DEPTH];
    int depth;
    long nodes;
    int ndocs;
    ts_error *err;
};

/* ---------------------------------------------------------------- errors */

int
ydoc_error(ts_error *err, const ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->line = n ? n->line : 0;
    err->column = n ? n->column : 0;
    return -1;
}

static int
mark_error(struct builder *b, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
mark_error(struct builder *b, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err->msg, sizeof b->err->msg, fmt, ap);
    va_end(ap);
    b->err->line = (int)m.line + 1;
    b->err->column = (int)m.column + 1;
    return -1;
}

/* Column in characters, as libyaml counts them: continuation bytes of a
** UTF-8 sequence do not start a column.  A UTF-8 BOM is not column 1. */
static void
offset_to_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
    size_t i = 0;
    int l = 1, c = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (off > len)
        off = len;
    for (; i < off; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* The byte at a 0-based libyaml mark (line, column in characters), or -1. */
static int
byte_at_mark(const char *buf, size_t len, yaml_mark_t m)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (size_t l = 0; l < m.line && i < len; i++)
        if (buf[i] == '\n')
            l++;
    for (size_t c = 0; i < len; i++) {
        if (((unsigned char)buf[i] & 0xC0) == 0x80)
            continue;
        if (c++ == m.column)
            return (unsigned char)buf[i];
    }
    return -1;
}

static void
reader_error(struct builder *b, const yaml_parser_t *p)
{
    ts_error *err = b->err;
    size_t off = p->problem_offset;
    /* libyaml points at the bad continuation byte of a sequence; the byte
    ** to name (0xe9 of a Latin-1 'e acute', say) is the one that led it. */
    if (strstr(p->problem, "trailing UTF-8") && off > 0 && off <= b->len) {
        off--;
        while (off > 0 && ((unsigned char)b->buf[off] & 0xC0) == 0x80)
            off--;
    }
    offset_to_pos(b->buf, b->len, off, &err->line, &err->column);
    if (strstr(p->problem, "control characters") && p->problem_value == 0)
        snprintf(err->msg, sizeof err->msg, "NUL byte (control characters "
                 "are not allowed)");
    else if (strstr(p->problem, "control characters"))
        snprintf(err->msg, sizeof err->msg, "control character 0x%02x is "
                 "not allowed", (unsigned)p->problem_value);
    else if (strstr(p->problem, "UTF-8") && off < b->len)
        snprintf(err->msg, sizeof err->msg, "invalid UTF-8 byte 0x%02x (%s; "
                 "the file may be Latin-1: save it as UTF-8)",
                 (unsigned char)b->buf[off], p->problem);
    else if (strstr(p->problem, "UTF-8"))
        snprintf(err->msg, sizeof err->msg, "invalid UTF-8 (%s; save the "
                 "file as UTF-8)", p->problem);
    else
        snprintf(err->msg, sizeof err->msg, "%s", p->problem);
}

/*
** libyaml's own words, problem first, then what it was doing and where
** that started when it is somewhere else.  A tab where indentation was
** expected gets a hint, because libyaml's message does not mention tabs.
*/
static void
parser_error(struct builder *b, const yaml_parser_t *p)
{
    ts_error *err = b->err;
    char extra[160] = "";
    size_t n;

    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(err->msg, sizeof err->msg, "out of memory reading YAML");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        reader_error(b, p);
        return;
    }
    err->line = (int)p->problem_mark.line + 1;
    err->column = (int)p->problem_mark.column + 1;
    if (p->context && (p->context_mark.line != p->problem_mark.line ||
                       p->context_mark.column != p->problem_mark.column))
        snprintf(extra, sizeof extra, " (started at %d:%d)",
                 (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    if (byte_at_mark(b->buf, b->len, p->problem_mark) == '\t') {
        n = strlen(extra);
        snprintf(extra + n, sizeof extra - n,
                 " (tabs are not allowed for indentation; use spaces)");
    }
    snprintf(err->msg, sizeof err->msg, "%s%s%s%s",
             p->problem ? p->problem : "invalid YAML",
             p->context ? " " : "", p->context ? p->context : "", extra);
}

/* ------------------------------------------------------------- building */

static ynode *
new_node(struct builder *b, ynode_kind kind, yaml_mark_t m)
{
    if (++b->nodes > YDOC_MAX_NODES) {
        mark_error(b, m, "more than %d YAML nodes", YDOC_MAX_NODES);
        return NULL;
    }
    ynode *n = arena_alloc(b->d->a, sizeof *n);
    n->kind = kind;
    n->line = (int)m.line + 1;
    n->column = (int)m.column + 1;
    return n;
}

static int
add_child(struct builder *b, ynode *n)
{
    if (b->depth == 0) {
        b->d->root = n;
        return 0;
    }
    struct frame *f = &b->stack[b->depth - 1];
    ynode *p = f->node;
    int count = f->count;
    /* In a mapping every other child is a key, and a key must be text. */
    if (p->kind == Y_MAP && count % 2 == 0 && n->kind != Y_SCALAR)
        return ydoc_error(b->err, n, "a mapping key must be a plain name, "
                          "not %s", n->kind == Y_MAP ? "a mapping" : "a list");
    if (count == f->cap) {
        int cap = f->cap ? f->cap * 2 : 8;
        p->items = arena_grow(b->d->a, p->items, (size_t)f->cap, (size_t)cap,
                              sizeof *p->items);
        f->cap = cap;
    }
    p->items[count++] = n;
    f->count = count;
    p->n = p->kind == Y_MAP ? count / 2 : count;
    return 0;
}

static int
compare_keys(const void *pa, const void *pb)
{
    const ynode *a = *(ynode *const *)pa, *b = *(ynode *const *)pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->str, b->str, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    /* Same key: file order, so the first of a run is the first written. */
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->column < b->column ? -1 : a->column > b->column;
}

static int
before(const ynode *a, const ynode *b)
{
    return a->line < b->line || (a->line == b->line && a->column < b->column);
}

/*
** libyaml does not notice "a: 1 ... a: 2", and a repeated key would
** silently replace (or shadow) a rule.  Sorting the keys keeps a mapping
** of many keys at n log n; the duplicate reported is the one written
** first in the file.
*/
static int
check_duplicates(struct builder *b, const ynode *map)
{
    if (map->n < 2)
        return 0;
    ynode **keys = xmalloc((size_t)map->n * sizeof *keys);
    const ynode *dup = NULL, *first = NULL;
    for (int i = 0; i < map->n; i++)
        keys[i] = YKEY(map, i);
    qsort(keys, (size_t)map->n, sizeof *keys, compare_keys);
    for (int i = 1; i < map->n; i++) {
        if (keys[i]->len == keys[i - 1]->len &&
            memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0 &&
            (!dup || before(keys[i], dup))) {
            dup = keys[i];
            first = keys[i - 1];
        }
    }
    free(keys);
    if (!dup)
        return 0;
    return ydoc_error(b->err, dup, "duplicate key '%s' (first at %d:%d)",
                      dup->str, first->line, first->column);
}

static void
tag_name(const char *tag, char *buf, size_t size)
{
    size_t k = strlen(YAML_TAG_PREFIX);
    if (strncmp(tag, YAML_TAG_PREFIX, k) == 0)
        snprintf(buf, size, "!!%s", tag + k);
    else
        snprintf(buf, size, "%s", tag);
}

static int
check_anchor_tag(struct builder *b, yaml_mark_t m, const yaml_char_t *anchor,
                 const yaml_char_t *tag, int scalar)
{
    char name[64];
    if (anchor)
        return mark_error(b, m, "anchors and aliases are not supported in "
                          "criteria files");
    if (!tag || (scalar && strcmp((const char *)tag, YAML_TAG_PREFIX "str") == 0))
        return 0;
    tag_name((const char *)tag, name, sizeof name);
    return mark_error(b, m, "YAML tags are not supported in criteria files "
                      "(found '%s'; only !!str is allowed)", name);
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
    const char *tag = (const char *)ev->data.scalar.tag;
    if (check_anchor_tag(b, ev->start_mark, ev->data.scalar.anchor,
                         ev->data.scalar.tag, 1) < 0)
        return -1;
    ynode *n = new_node(b, Y_SCALAR, ev->start_mark);
    if (!n)
        return -1;
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    /* A "\0" escape would cut every C string made from this scalar. */
    if (memchr(v, '\0', len))
        return ydoc_error(b->err, n, "text contains a NUL character");
    n->str = arena_strndup(b->d->a, v, len);
    n->len = len;
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || tag != NULL;
    return add_child(b, n);
}

static int
on_start(struct builder *b, const yaml_event_t *ev, ynode_kind kind)
{
    const yaml_char_t *anchor = kind == Y_MAP ? ev->data.mapping_start.anchor
                                              : ev->data.sequence_start.anchor;
    const yaml_char_t *tag = kind == Y_MAP ? ev->data.mapping_start.tag
                                           : ev->data.sequence_start.tag;
    if (check_anchor_tag(b, ev->start_mark, anchor, tag, 0) < 0)
        return -1;
    if (b->depth == YDOC_MAX_DEPTH)
        return mark_error(b, ev->start_mark, "nesting deeper than %d levels",
                          YDOC_MAX_DEPTH);
    ynode *n = new_node(b, kind, ev->start_mark);
    if (!n || add_child(b, n) < 0)
        return -1;
    b->stack[b->depth].node = n;
    b->stack[b->depth].count = 0;
    b->stack[b->depth].cap = 0;
    b->depth++;
    return 0;
}

static int
on_event(struct builder *b, const yaml_event_t *ev, int *done)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (b->ndocs++ > 0)
            return mark_error(b, ev->start_mark, "more than one document "
                              "(second starts at %d:%d)",
                              (int)ev->start_mark.line + 1,
                              (int)ev->start_mark.column + 1);
        return 0;
    case YAML_ALIAS_EVENT:
        return mark_error(b, ev->start_mark, "anchors and aliases are not "
                          "supported in criteria files");
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, Y_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, Y_MAP);
    case YAML_SEQUENCE_END_EVENT:
        b->depth--;
        return 0;
    case YAML_MAPPING_END_EVENT:
        b->depth--;
        return check_duplicates(b, b->stack[b->depth].node);
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return 0;
    default:
        return 0;
    }
}

static int
sniff_encoding(struct builder *b)
{
    const unsigned char *u = (const unsigned char *)b->buf;
    if (b->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                        (u[0] == 0xFE && u[1] == 0xFF))) {
        b->err->line = b->err->column = 1;
        snprintf(b->err->msg, sizeof b->err->msg,
                 "file is UTF-16; save it as UTF-8");
        return -1;
    }
    return 0;
}

ydoc *
ydoc_parse_yaml(const char *name, const char *buf, size_t len, ts_error *err)
{
    yaml_parser_t p;
    yaml_event_t ev;
    struct builder b;
    int done = 0, rc = 0;

    ts_error_clear(err);
    err->file = name;
    if (len > YDOC_MAX_BYTES) {
        ts_error_set(err, 0, 0, "file larger than %u MiB", YDOC_MAX_BYTES >> 20);
        return NULL;
    }
    memset(&b, 0, sizeof b);
    b.buf = buf;
    b.len = len;
    b.err = err;
    if (sniff_encoding(&b) < 0)
        return NULL;
    b.d = xcalloc(1, sizeof *b.d);
    b.d->a = arena_new();
    b.d->name = name;

    if (!yaml_parser_initialize(&p)) {
        ts_error_set(err, 0, 0, "out of memory reading YAML");
        ydoc_free(b.d);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    while (!done && rc == 0) {
        if (!yaml_parser_parse(&p, &ev)) {
            parser_error(&b, &p);
            rc = -1;
            break;
        }
        rc = on_event(&b, &ev, &done);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);

    if (rc == 0 && (!b.d->root || ydoc_is_null(b.d->root))) {
        ts_error_set(err, b.d->root ? b.d->root->line : 1,
                     b.d->root ? b.d->root->column : 1, "no criteria found");
        rc = -1;
    }
    if (rc < 0) {
        ydoc_free(b.d);
        return NULL;
    }
    ts_error_clear(err);
    return b.d;
}

/* The bundled criteria come unpacked (ydocpack.h): the same tree, without
** libyaml's cost at every start. */
ydoc *
ydoc_parse(const char *name, const char *buf, size_t len, ts_error *err)
{
    ydoc *d = ydoc_bundled(name, buf, len);
    if (!d)
        return ydoc_parse_yaml(name, buf, len, err);
    ts_error_clear(err);
    return d;
}

/*
** O_NONBLOCK so that opening a FIFO does not wait for a writer; the fstat
** then refuses it.  The read loop has its own cap because st_size can be 0
** or wrong for special files.
*/
static char *
read_file(const char *path, size_t *lenp, ts_error *err)
{
    struct stat st;
    size_t len = 0, cap = 64 * 1024;
    char *buf;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        ts_error_set(err, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        ts_error_set(err, 0, 0, "cannot read: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        ts_error_set(err, 0, 0, S_ISDIR(st.st_mode) ? "is a directory"
                                                    : "not a regular file");
        close(fd);
        return NULL;
    }
    /* O_NONBLOCK stays: a regular file's reads ignore it (and clearing it
    ** was two system calls a file at every start).  Room for the size
    ** fstat gave and one byte more, so that one read sees the end; 64 kB
    ** only for an empty (or huge) file.  A buffer as big as the one
    ** inputcrit.c read the file into a moment ago reuses its pages,
    ** already mapped, where a 64 kB one faulted in new ones. */
    if (st.st_size > 0 && (uintmax_t)st.st_size < YDOC_MAX_BYTES)
        cap = (size_t)st.st_size + 1;
    buf = xmalloc(cap + 1);
    for (;;) {
        ssize_t k;
        if (len == cap) {
            if (cap > YDOC_MAX_BYTES)
                break;
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        k = read(fd, buf + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            ts_error_set(err, 0, 0, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (k == 0)
            break;
        len += (size_t)k;
        /* A regular file gives less than asked only at its end: no
        ** second read to be told so. */
        if (len < cap)
            break;
    }
    close(fd);
    buf[len] = '\0';
    *lenp = len;
    return buf;
}

ydoc *
ydoc_parse_file(const char *path, ts_error *err)
{
    size_t len;
    char *buf;
    ydoc *d;

    ts_error_clear(err);
    err->file = path;
    buf = read_file(path, &len, err);
    if (!buf)
        return NULL;
    d = ydoc_parse(path, buf, len, err);
    free(buf);
    return d;
}

void
ydoc_free(ydoc *d)
{
    if (!d)
        return;
    arena_free(d->a);
    free(d);
}

/* --------------------------------------------------------------- access */

const ynode *
ydoc_get(const ynode *map, const char *key)
{
    if (!map || map->kind != Y_MAP)
        return NULL;
    for (int i = 0; i < map->n; i++)
        if (ydoc_same(YKEY(map, i)->str, key))
            return YVAL(map, i);
    return NULL;
}

const char *
ydoc_quoted(char *buf, size_t size, const char *s)
{
    size_t n = strlen(s), at = 0;
    if (size == 0)
        return buf;
    if (at < size - 1)
        buf[at++] = '\'';
    size_t take = n < size - 1 - at ? n : size - 1 - at;
    memcpy(buf + at, s, take);
    at += take;
    if (at < size - 1)
        buf[at++] = '\'';
    buf[at] = '\0';
    return buf;
}

const char *
ydoc_describe(const ynode *n, char *buf, size_t size)
{
    if (n->kind == Y_MAP)
        snprintf(buf, size, "a mapping");
    else if (n->kind == Y_SEQ)
        snprintf(buf, size, "a list");
    else if (!n->quoted && n->len == 0)
        snprintf(buf, size, "nothing");
    else if (n->len > 40)
        snprintf(buf, size, "'%.40s...'", n->str);
    else
        snprintf(buf, size, "'%s'", n->str);
    return buf;
}

int
ydoc_is_null(const ynode *n)
{
    return n->kind == Y_SCALAR && !n->quoted &&
           (n->len == 0 || ydoc_same(n->str, "null") || ydoc_same(n->str, "~"));
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing else: no
** .inf, .nan, 0x1F, 0o17, 1_000, 012, +5, .5 or 5. */
static int
is_decimal(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (isdigit((unsigned char)*s))
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

int
ydoc_is_number(const ynode *n)
{
    return n->kind == Y_SCALAR && !n->quoted && is_decimal(n->str);
}

static int
is_yaml11_bool(const char *s)
{
    static const char *const words[] = {
        "y", "yes", "n", "no", "on", "off", "true", "false", NULL
    };
    for (int i = 0; words[i]; i++)
        if (strcasecmp(s, words[i]) == 0)
            return 1;
    return 0;
}

int
ydoc_bool(const ynode *n, const char *what, int *out, ts_error *err)
{
    char d[64];
    if (n->kind == Y_SCALAR && !n->quoted) {
        if (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0) {
            *out = n->str[0] == 't';
            return 0;
        }
        if (is_yaml11_bool(n->str))
            return ydoc_error(err, n, "expected true or false for %s, found "
                              "'%s' ('%s' is not a boolean here; write true "
                              "or false)", what, n->str, n->str);
    }
    return ydoc_error(err, n, "expected true or false for %s, found %s%s", what,
                      n->kind == Y_SCALAR && n->quoted ? "the string " : "",
                      ydoc_describe(n, d, sizeof d));
}

int
ydoc_number(const ynode *n, const char *what, double *out, ts_error *err)
{
    char d[64];
    if (n->kind != Y_SCALAR || n->quoted || !is_decimal(n->str)) {
        const char *hint = "";
        if (n->kind == Y_SCALAR && n->quoted && is_decimal(n->str))
            hint = " (a quoted number is text; remove the quotes)";
        else if (n->kind == Y_SCALAR && n->len > 0 && !ydoc_is_null(n) &&
                 strpbrk(n->str, "0123456789"))
            hint = " (write a plain decimal number such as 5, 0.5 or 1e-3)";
        return ydoc_error(err, n, "expected a number for %s, found %s%s",
                          what, ydoc_describe(n, d, sizeof d), hint);
    }
    double v = strtod(n->str, NULL);
    if (!isfinite(v))
        return ydoc_error(err, n, "number out of range for %s: %s", what, n->str);
    *out = v == 0 ? 0 : v;     /* -0 is 0 */
    return 0;
}

int
ydoc_string(const ynode *n, const char *what, const char **out, ts_error *err)
{
    char d[64];
    if (n->kind != Y_SCALAR || ydoc_is_null(n))
        return ydoc_error(err, n, "expected text for %s, found %s", what,
                          ydoc_describe(n, d, sizeof d));
    if (!n->quoted && (ydoc_same(n->str, "true") || ydoc_same(n->str, "false")))
        return ydoc_error(err, n, "expected text for %s, found the boolean "
                          "%s (quote it if you mean the word)", what, n->str);
    *out = n->str;
    return 0;
}

int
ydoc_expect_map(const ynode *n, const char *what, ts_error *err)
{
    char d[64];
    if (n->kind == Y_MAP)
        return 0;
    return ydoc_error(err, n, "expected a mapping for %s, found %s", what,
                      ydoc_describe(n, d, sizeof d));
}

int
ydoc_expect_seq(const ynode *n, const char *what, ts_error *err)
{
    char d[64];
    if (n->kind == Y_SEQ)
        return 0;
    return ydoc_error(err, n, "expected a list for %s, found %s", what,
                      ydoc_describe(n, d, sizeof d));
}

/* ------------------------------------------------------ did you mean */

int
ydoc_distance(const char *a, const char *b, int max)
{
    enum { MAXLEN = 64 };
    int prev[MAXLEN + 1], cur[MAXLEN + 1];
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > MAXLEN || lb > MAXLEN || abs(la - lb) > max)
        return max + 1;
    for (int j = 0; j <= lb; j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        int best = cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? sub : del;
            if (ins < cur[j])
                cur[j] = ins;
            if (cur[j] < best)
                best = cur[j];
        }
        if (best > max)
            return max + 1;
        memcpy(prev, cur, sizeof prev);
    }
    return prev[lb] > max ? max + 1 : prev[lb];
}

const char *
ydoc_suggest(const char *word, const char *const *cands)
{
    const char *best = NULL;
    int bestd = 3, wl = (int)strlen(word);
    for (int i = 0; cands[i]; i++) {
        int d = ydoc_distance(word, cands[i], 2);
        if (d < bestd && d < wl) {
            bestd = d;
            best = cands[i];
        }
    }
    return best;
}

int
ydoc_check_keys(const ynode *map, const char *const *allowed,
                const char *where, ts_error *err)
{
    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i);
        int ok = 0;
        for (int j = 0; allowed[j] && !ok; j++)
            ok = ydoc_same(k->str, allowed[j]);
        if (ok)
            continue;
        const char *s = ydoc_suggest(k->str, allowed);
        if (s)
            return ydoc_error(err, k, "unknown key '%s' (did you mean '%s'?)",
                              k->str, s);
        char list[256];
        size_t n = 0;
        list[0] = '\0';
        for (int j = 0; allowed[j] && n < sizeof list; j++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
                                  j ? ", " : "", allowed[j]);
        return ydoc_error(err, k, "unknown key '%s' in %s; expected one of %s",
                          k->str, where, list);
    }
    return 0;
}
