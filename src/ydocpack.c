/*
** ydocpack.c -- the bundled criteria's trees, unpacked (ydocpack.h).
**
** Unpacking is a walk of the bytes that allocates what libyaml's builder
** would have (yamldoc.c): a node per scalar, list and mapping and an items
** array for each non-empty list or mapping; a scalar's text is not copied
** but pointed to in the packing, where it is stored with its NUL (so the
** packing must outlive the tree: the generated table does).  It is only
** ever given the generated table, but it checks every length against the
** end anyway: a packing that does not add up gives NULL and the file is
** parsed the slow way.
*/
#include "ydocpack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const unsigned char *p, *end;
    arena *a;
    int bad;
} reader;

static size_t
get_num_slow(reader *r)
{
    size_t v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
        if (r->p == r->end) {
            r->bad = 1;
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (size_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

/* Most numbers (lines, columns, lengths under 128) are one byte. */
static inline size_t
get_num(reader *r)
{
    if (r->p != r->end && *r->p < 0x80)
        return *r->p++;
    return get_num_slow(r);
}

static ynode *
get_node(reader *r, int depth)
{
    if (r->bad || depth > YDOC_MAX_DEPTH || r->p == r->end) {
        r->bad = 1;
        return NULL;
    }
    /* Not zero-filled: every field is set below, on every path that
    ** returns the node. */
    ynode *n = arena_alloc_raw(r->a, sizeof *n);
    unsigned tag = *r->p++;
    n->kind = (ynode_kind)(tag & 3);
    n->quoted = (int)(tag >> 2);
    n->line = (int)get_num(r);
    n->column = (int)get_num(r);
    size_t count = get_num(r);
    if (r->bad)
        return NULL;
    if (n->kind == Y_SCALAR) {
        /* The text and its NUL are in the packing, which lives as long
        ** as the program: pointed to, not copied. */
        if (count >= (size_t)(r->end - r->p) || r->p[count] != '\0' ||
            memchr(r->p, '\0', count)) {
            r->bad = 1;
            return NULL;
        }
        n->str = (const char *)r->p;
        n->len = count;
        n->n = 0;
        n->items = NULL;
        r->p += count + 1;
        return n;
    }
    size_t items = n->kind == Y_MAP ? 2 * count : count;
    if (n->kind != Y_SEQ && n->kind != Y_MAP) {
        r->bad = 1;
        return NULL;
    }
    /* Each item takes at least five bytes: a bound that needs no trust. */
    if (items > (size_t)(r->end - r->p) / 5) {
        r->bad = 1;
        return NULL;
    }
    n->str = NULL;
    n->len = 0;
    n->n = (int)count;
    n->items = NULL;
    /* Filled below, or the whole tree is dropped. */
    if (items > 0)
        n->items = arena_alloc_raw(r->a, items * sizeof *n->items);
    for (size_t i = 0; i < items && !r->bad; i++)
        n->items[i] = get_node(r, depth + 1);
    return r->bad ? NULL : n;
}

ydoc *
ydoc_unpack(const char *name, const unsigned char *p, size_t n)
{
    ydoc *d = xcalloc(1, sizeof *d);
    reader r = { p, p + n, NULL, 0 };
    d->a = r.a = arena_new();
    d->name = name;
    d->root = get_node(&r, 0);
    if (r.bad || r.p != r.end) {
        ydoc_free(d);
        return NULL;
    }
    return d;
}

ydoc *
ydoc_bundled(const char *name, const char *buf, size_t len)
{
    for (int i = 0; i < ydoc_nbundles; i++) {
        const ydoc_bundle *b = &ydoc_bundles[i];
        if (b->len == len && memcmp(b->text, buf, len) == 0)
            return ydoc_unpack(name, b->pack, b->packlen);
    }
    return NULL;
}
