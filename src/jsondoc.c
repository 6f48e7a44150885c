/*
** jsondoc.c -- strict JSON: one parse, and our validator explains.
**
** cJSON 1.7.15 is a lenient parser and its nodes carry no positions.  For
** almost every valid record one pass of our own checks the grammar and
** builds cJSON's tree with every node's offset (jsonbuild.c; see "One
** parse" below).  Every text that pass refuses is checked by the
** validator of jsoncheck.c,
** which knows the whole grammar and reports line:column and the JSON path
** of the first problem; only a text that passes is then given to cJSON.
** This file is that glue: the allocation hooks, the tree, the one parse,
** the positions and the API of jsondoc.h.
**
** Positions: the skim below finds the byte offset of every value in
** pre-order (a container before its children, members in document order).
** cJSON keeps members in document order too, so a pre-order walk of its
** tree meets the nodes in the same order, and we store each offset in the
** node's valueint.  valueint is otherwise useless to us (it saturates at
** INT_MAX and nobody may read it as a number), which is why we can borrow
** it.  Texts longer than INT_MAX bytes are refused for the same reason.
** The texts jsonbuild.c takes get their offsets as they are built.  For
** the others, only records with a problem or a warning need positions,
** so the offsets are found the first time one is asked for, by one
** forward skim of the text (it passed the check: the skim trusts the
** grammar), and many
** positions are resolved at once in one more forward pass
** (json_doc_positions): linear in the record, however many are asked for.
** json_doc_positions skims only as far as the last node it wants (the
** skim is a cursor, walked in step with the tree), since the first items
** of a record's warning groups are seldom at its end.
**
** Memory: a document lives in an arena of its own (arena_take), and so
** does everything the check needs (line table, offsets, key set).  cJSON
** allocates through hooks that use that arena while it parses one of our
** texts (a thread-local pointer: workers parse concurrently) and malloc
** otherwise; its free hook does nothing for arena memory.  So building a
** tree costs no malloc, and freeing it is one arena_give: the tree is
** never passed to cJSON_Delete.
*/
#include "jsondoc.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "jsoncheck.h"

/* ---------------------------------------------------------------- positions */

void
json_add_line(json_doc *d, size_t start)
{
    if (d->nlines == d->caplines) {
        int cap = d->caplines ? 2 * d->caplines : 16;
        d->lines = arena_grow(d->a, d->lines, (size_t)d->caplines, (size_t)cap,
                              sizeof *d->lines);
        d->caplines = cap;
    }
    d->lines[d->nlines++] = start;
}

/*
** Line by binary search over the line table, column by counting the
** characters (bytes that are not UTF-8 continuation bytes) from the start
** of the line.  Line 1 starts after the BOM, so the BOM is not a column.
*/
void
json_locate(const json_doc *d, size_t off, int *line, int *column)
{
    int lo = 0, hi = d->nlines - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (d->lines[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t start = d->lines[lo];
    int col = 1;
    for (size_t i = start; i < off && i < d->len; i++)
        if (((unsigned char)d->buf[i] & 0xC0) != 0x80)
            col++;
    *line = d->line_base + lo + 1;
    *column = col;
}

/* --------------------------------------------------------------- the tree */

/* The arena cJSON allocates from on this thread, while it parses. */
static _Thread_local arena *tree_arena;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *
tree_malloc(size_t n)
{
    return tree_arena ? arena_alloc_raw(tree_arena, n) : malloc(n);
}

/* cJSON frees a half-built tree when a parse fails; in the arena there is
** nothing to free (and free() must never see arena memory). */
static void
tree_free(void *p)
{
    if (!tree_arena)
        free(p);
}

static void
install_hooks(void)
{
    cJSON_Hooks h = { tree_malloc, tree_free };
    cJSON_InitHooks(&h);
}

/* cJSON builds the tree of a checked text in arena a. */
static cJSON *
build_tree(arena *a, const char *buf, size_t len)
{
    /* len + 1 and require_null_terminated: cJSON sees the NUL and must end
    ** exactly there (input-hardening.md s1.1). */
    const char *end = NULL;
    tree_arena = a;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    tree_arena = NULL;
    return root;
}

/*
** Pre-order walks of cJSON's tree (a container before its children,
** members in document order), for the tree check, -0 and the skim.
** cJSON nodes have no parent pointer, hence the stack; a walk deeper than
** JSON_MAX_DEPTH + 1 stops (too_deep), which cannot happen after the check.
*/
typedef struct walk {
    cJSON *stack[JSON_MAX_DEPTH + 1];
    int depth, too_deep;
} walk;

/* The node after n: its first child if descend, else the next sibling of
** n or of its nearest ancestor that has one; NULL at the end. */
static inline cJSON *
walk_next(walk *w, cJSON *n, int descend)
{
    if (descend && n->child) {
        if (w->depth == JSON_MAX_DEPTH + 1) {
            w->too_deep = 1;
            return NULL;
        }
        w->stack[w->depth++] = n;
        return n->child;
    }
    while (n && !n->next)
        n = w->depth ? w->stack[--w->depth] : NULL;
    return n ? n->next : NULL;
}

/* -0 becomes 0 (jsondoc.h), in a tree the validator passed (jsonbuild.c
** does it for the plain texts). */
static void
unsign_zeros(cJSON *root)
{
    walk w;
    w.depth = w.too_deep = 0;
    for (cJSON *n = root; n; n = walk_next(&w, n, 1))
        if (cJSON_IsNumber(n) && n->valuedouble == 0)
            n->valuedouble = 0.0;
}

static size_t
bom_length(const char *buf, size_t len)
{
    return (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
}

/* Bytes that end a number or a literal in a text that passed the check. */
static const unsigned char ends_scalar[256] = {
    ['\0'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
    [','] = 1, [']'] = 1, ['}'] = 1,
};

/* Past the string whose opening quote is at p, in a text that passed the
** check: the first quote after it that no odd run of backslashes escapes
** (strchr is the library's vectorised search). */
static const char *
skip_string(const char *p)
{
    for (;;) {
        const char *q = strchr(p + 1, '"'), *b = q;
        while (b[-1] == '\\')
            b--;
        if ((q - b) % 2 == 0)
            return q + 1;
        p = q;
    }
}

/*
** The skim: the offset of every value in pre-order and the line table, in
** one forward pass over a text that passed the check: it trusts the
** grammar, so it only has to tell keys from values and find where values
** start, which costs a small fraction of checking again.  It is a cursor
** (skim_next gives the next value's offset) so that json_doc_positions
** can stop at the last value it wants: the first items of a record's
** warning groups are mostly near its start.
*/
typedef struct skim {
    json_doc *d;
    const char *p;
    char open[JSON_MAX_DEPTH];
    int depth, want_key;
} skim;

static void
skim_start(skim *s, json_doc *d)
{
    s->d = d;
    s->p = d->buf + bom_length(d->buf, d->len);
    s->depth = s->want_key = 0;
    d->nlines = 1;
}

/* The offset of the next value, or -1 at the end of the text (or past
** JSON_MAX_DEPTH, which cannot happen after the check). */
static int
skim_next(skim *s)
{
    const char *buf = s->d->buf, *p = s->p;
    int off = -1;
    while (off < 0) {
        char c = *p;
        if (c == '\0')
            break;
        switch (c) {
        case ' ': case '\t': case ':':
            p++;
            break;
        case '\n':
            p++;
            json_add_line(s->d, (size_t)(p - buf));
            break;
        case '\r':
            p++;
            if (*p != '\n')
                json_add_line(s->d, (size_t)(p - buf));
            break;
        case '{': case '[':
            if (s->depth == JSON_MAX_DEPTH) {
                s->p = p;
                return -1;
            }
            off = (int)(p - buf);
            s->open[s->depth++] = c;
            s->want_key = c == '{';
            p++;
            break;
        case '}': case ']':
            s->depth--;
            p++;
            break;
        case ',':
            s->want_key = s->depth > 0 && s->open[s->depth - 1] == '{';
            p++;
            break;
        case '"':
            if (!s->want_key)
                off = (int)(p - buf);
            s->want_key = 0;
            p = skip_string(p);
            break;
        default:                        /* a number or a literal */
            off = (int)(p - buf);
            for (p++; !ends_scalar[(unsigned char)*p]; p++)
                ;
            break;
        }
    }
    s->p = p;
    return off;
}

/* Bytes where skim_skip_flat stops to look. */
static const unsigned char flat_stop[256] = {
    ['\0'] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1, [']'] = 1, ['}'] = 1,
};

/*
** Past the rest of an object or array of scalars whose opening bracket
** skim_next has just given: to its closing bracket, which the next
** skim_next steps over.  Its members get no offsets, which is the point:
** this is a few instructions a byte, not a skim_next a value.  Lines are
** added as skim_next adds them.
*/
static void
skim_skip_flat(skim *s)
{
    const char *buf = s->d->buf, *p = s->p;
    for (;;) {
        while (!flat_stop[(unsigned char)*p])
            p++;
        char c = *p;
        if (c == '"') {
            p = skip_string(p);
        } else if (c == '\n') {
            p++;
            json_add_line(s->d, (size_t)(p - buf));
        } else if (c == '\r') {
            p++;
            if (*p != '\n')
                json_add_line(s->d, (size_t)(p - buf));
        } else {
            break;                  /* the closing bracket (or the end) */
        }
    }
    s->p = p;
}

/*
** A bit of cJSON's type field that cJSON does not use (its types take the
** low byte, its flags 256 and 512): it marks, for the time of one
** find_some_offsets, the nodes whose offsets are wanted.
*/
#define WANTED (1 << 14)

/* An object or array whose members are all scalars and none wanted. */
static int
flat_unwanted(const cJSON *c)
{
    for (const cJSON *k = c->child; k; k = k->next)
        if (k->child || (k->type & WANTED))
            return 0;
    return 1;
}

/*
** The skim walked in step with the tree: each node met gets the offset of
** the next value in its valueint.  With left < 0, every node, and the
** text must end where the tree does (find_offsets).  Otherwise the walk
** stops at the last of the left nodes marked WANTED (and unmarks them),
** and passes over items no wanted node is in (find_some_offsets).
** Returns -1 if the skim and the tree disagree (cannot happen after the
** check).
*/
static int
skim_tree(json_doc *d, int left)
{
    walk w;
    w.depth = w.too_deep = 0;
    skim s;
    skim_start(&s, d);
    for (cJSON *c = d->root; c && left != 0;) {
        int off = skim_next(&s);
        if (off < 0)
            return -1;
        c->valueint = off;
        int skip = 0;
        if (left > 0) {
            if (c->type & WANTED) {
                c->type &= ~WANTED;
                left--;
            }
            skip = c->child && flat_unwanted(c);
            if (skip)
                skim_skip_flat(&s);     /* an item no warning is about */
        }
        c = walk_next(&w, c, !skip);
    }
    if (w.too_deep || (left < 0 && (skim_next(&s) >= 0 || *s.p != '\0')))
        return -1;
    return 0;
}

/*
** The offset of every value, the first time a position is asked for (the
** skim above), stored in the tree.  Returns -1 if that fails (positions
** are then 0:0).
*/
static int
find_offsets(json_doc *d)
{
    if (d->have_offsets)
        return d->have_offsets > 0 ? 0 : -1;
    d->have_offsets = -1;
    if (skim_tree(d, -1) < 0)
        return -1;
    d->have_offsets = 1;
    return 0;
}

/* The wanted nodes are the caller's const pointers into the doc's tree
** (json_doc_root gives the tree as const), whose valueint and type hold
** the offsets the doc finds: the one place that writes through them, so
** the cast lives here alone (through uintptr_t, which -Wcast-qual accepts
** as deliberate). */
static cJSON *
node_cache(const cJSON *node)
{
    return (cJSON *)(uintptr_t)node;
}

/*
** The offsets of nodes[0..n) and of every node before them in pre-order
** (skim_tree: the skim stops at the last wanted node).  The rest of the
** tree keeps no offset, so the document does not count as having its
** offsets (a later json_doc_position skims it all).  Returns -1 if the
** skim and the tree disagree (cannot happen after the check).
*/
static int
find_some_offsets(json_doc *d, const cJSON *const *nodes, int n)
{
    int left = 0;
    for (int i = 0; i < n; i++)
        if (nodes[i] && !(nodes[i]->type & WANTED)) {
            node_cache(nodes[i])->type |= WANTED;
            left++;
        }
    int rc = left > 0 ? skim_tree(d, left) : 0;
    for (int i = 0; i < n; i++)
        if (nodes[i] && (nodes[i]->type & WANTED)) {
            node_cache(nodes[i])->type &= ~WANTED;   /* not in the tree */
            node_cache(nodes[i])->valueint = -1;
        }
    return rc;
}

void
json_doc_position(json_doc *doc, const cJSON *node, int *line, int *column)
{
    *line = *column = 0;
    if (!doc || !node || !doc->root || find_offsets(doc) < 0
        || node->valueint < 0)
        return;
    json_locate(doc, (size_t)node->valueint, line, column);
}

/*
** Many positions at once, in time linear in the text: the nodes are taken
** in the order of their offsets and the line and column found in one
** forward walk (json_locate for each would count from the start of the
** line every time: a one-line NDJSON record made that quadratic).
*/
void
json_doc_positions(json_doc *doc, const cJSON *const *nodes, int n,
                   int *lines, int *columns)
{
    for (int i = 0; i < n; i++)
        lines[i] = columns[i] = 0;
    if (n <= 0 || !doc || !doc->root)
        return;
    if (doc->have_offsets ? doc->have_offsets < 0
                          : find_some_offsets(doc, nodes, n) < 0)
        return;
    int *order = arena_alloc_raw(doc->a, (size_t)n * sizeof *order);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (!nodes[i] || nodes[i]->valueint < 0)
            continue;
        /* Insertion sort: nodes come nearly in order (they are met in
        ** document order while reading). */
        int j = m++, off = nodes[i]->valueint;
        while (j > 0 && nodes[order[j - 1]]->valueint > off) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    int li = 0, col = 1;
    size_t pos = doc->lines[0];
    for (int k = 0; k < m; k++) {
        size_t off = (size_t)nodes[order[k]]->valueint;
        while (li + 1 < doc->nlines && doc->lines[li + 1] <= off) {
            pos = doc->lines[++li];
            col = 1;
        }
        if (doc->ascii && off >= pos && off <= doc->len) {
            col += (int)(off - pos);        /* a byte is a character */
            pos = off;
        }
        for (; pos < off && pos < doc->len; pos++)
            if (((unsigned char)doc->buf[pos] & 0xC0) != 0x80)
                col++;
        lines[order[k]] = doc->line_base + li + 1;
        columns[order[k]] = col;
    }
}

/*
** {======================================================================
** One parse: ours for nearly all texts, cJSON after the validator for the rest
** =======================================================================
**
** cJSON accepts more than RFC 8259 (jsoncheck.c lists what).  Rather than
** validating every text and then parsing it, a valid text is checked and
** built into cJSON's tree in one pass of our own, with the offsets and
** the line table (jsonbuild.c).  A text that pass refuses goes to the
** validator, which finds the first problem with its line, column and
** path, so every message is the validator's, byte for byte; a text the
** validator then passes (one with a BOM or a number of more than 63
** characters) is parsed by cJSON, and its offsets are found by the skim
** above when a position is first asked for.
*/

/* }====================================================================== */

json_doc *
json_doc_parse(const char *buf, size_t len, int line_base, ts_error *err)
{
    ts_error dummy;
    if (!err)
        err = &dummy;
    /* The hooks go in before any record is read, whichever way it is
    ** parsed: cJSON's global hooks must not change while it is in use. */
    pthread_once(&hooks_once, install_hooks);
    arena *a = arena_take();
    json_doc *d = arena_alloc(a, sizeof *d);
    d->a = a;
    d->buf = buf;
    d->len = len;
    d->line_base = line_base;
    checker ck = { 0 };
    ck.buf = buf;
    ck.p = buf;
    ck.doc = d;
    ck.err = err;
    ck.tmp = a;

    size_t bom = bom_length(buf, len);
    json_add_line(d, bom);
    if (len > INT_MAX - 1) {
        json_fail_at(&ck, 0, "record too large (%zu bytes)", len);
        goto fail;
    }
    if (buf[len] != '\0') {
        json_fail_at(&ck, 0, "text is not NUL-terminated");
        goto fail;
    }
    /* The one parse (see above): offsets and lines come with the tree. */
    if ((d->root = json_build(d))) {
        d->built = d->have_offsets = 1;
        return d;
    }
    if (json_check_encoding(&ck, len) < 0)
        goto fail;
    ck.p = buf + bom;
    json_skip_ws(&ck);
    if (*ck.p == '\0') {
        json_fail_at(&ck, (size_t)(ck.p - buf), "empty record");
        goto fail;
    }
    if (json_check_text(&ck) < 0)
        goto fail;

    d->root = build_tree(a, buf, len);
    if (!d->root) {
        json_fail_at(&ck, 0, "cannot build the JSON tree (out of memory?)");
        goto fail;
    }
    if (ck.maybe_neg_zero)
        unsign_zeros(d->root);
    return d;
fail:
    json_doc_free(d);
    return NULL;
}

/*
** For tests and the fuzzers: a tree jsonbuild.c built must
** be the one cJSON builds from the same text, node for node: types, keys,
** strings, numbers to the bit (cJSON's -0 read as 0), both sibling links
** and the first child's prev.  Returns 2 if the fast build made the tree
** and cJSON makes the same, 1 if the fast build did not take the text,
** 0 if the trees differ.
*/
static int
same_node(const cJSON *a, const cJSON *b)
{
    double x = b->valuedouble == 0 ? 0.0 : b->valuedouble;
    if ((a->type & 0xFF) != (b->type & 0xFF)
        || memcmp(&a->valuedouble, &x, sizeof x) != 0
        || !a->string != !b->string || (a->string && strcmp(a->string, b->string) != 0)
        || !a->valuestring != !b->valuestring
        || (a->valuestring && strcmp(a->valuestring, b->valuestring) != 0)
        || !a->child != !b->child || !a->next != !b->next)
        return 0;
    const cJSON *ka = a->child, *kb = b->child, *lasta = NULL;
    for (; ka && kb; lasta = ka, ka = ka->next, kb = kb->next) {
        if ((lasta ? ka->prev != lasta : 0) || !same_node(ka, kb))
            return 0;
    }
    return !ka && !kb && (!a->child || a->child->prev == lasta);
}

int
json_doc_same_as_cjson(const json_doc *doc)
{
    if (!doc || !doc->root || !doc->built)
        return 1;
    cJSON *c = cJSON_ParseWithLengthOpts(doc->buf, doc->len + 1, NULL, 1);
    int same = c && same_node(doc->root, c);
    cJSON_Delete(c);
    return same ? 2 : 0;
}

void
json_doc_free(json_doc *doc)
{
    if (doc)
        arena_give(doc->a);     /* the tree, the tables and doc itself */
}

const cJSON *
json_doc_root(const json_doc *doc)
{
    return doc ? doc->root : NULL;
}

const char *
json_type_name(const cJSON *node)
{
    if (!node)
        return "nothing";
    if (cJSON_IsString(node))
        return "string";
    if (cJSON_IsNumber(node))
        return "number";
    if (cJSON_IsObject(node))
        return "object";
    if (cJSON_IsArray(node))
        return "array";
    if (cJSON_IsBool(node))
        return "boolean";
    if (cJSON_IsNull(node))
        return "null";
    return "invalid";
}
