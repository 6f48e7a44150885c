/*
** jsonbuild.c -- the fast build: a JSON text straight into cJSON's tree.
**
** One forward pass here checks a record's grammar and builds the very
** tree cJSON 1.7.15 would build (same node types, keys in `string`, values
** in `valuestring` and `valuedouble`, siblings linked both ways with the
** first child's `prev` at the last, as cJSON's parse_array and
** parse_object leave them), in the document's arena, and stores each
** node's byte offset in its valueint as it goes, with the line table:
** positions then cost no second pass (jsondoc.c, "positions").  Most
** records are plain (printable ASCII, no backslash: odd_bytes tells, eight
** bytes at a time) and their strings are found with memchr and copied;
** the others have their strings checked byte by byte as the validator
** checks them (UTF-8 by RFC 3629, escapes, no \u0000 or lone surrogate)
** and unescaped by the validator's own json_unescape, as cJSON decodes them.
**
** It gives up (NULL) on anything it does not know to be right, and then
** jsondoc.c does what it did before: its validator finds the problem and
** says it, or passes the text for cJSON to parse.  So this pass may refuse
** more than it must, never accept what the validator would refuse, and
** never build a tree that differs from cJSON's: it refuses a control
** character in a string, a byte outside a string that is not a token or a
** blank (so a BOM too), a number off the RFC grammar or longer than 63
** characters (cJSON cuts there), a number that is not finite, two members
** of one object with the same key, nesting deeper than JSON_MAX_DEPTH, and
** anything after the value.  tests/test_jsondoc.c compares its trees
** and positions with cJSON's and the skim's; the record fuzzer compares
** its trees with cJSON's.
**
** Why not cJSON: cJSON tries "null", "false" and "true" with strncmp
** before it looks at a value's first byte, copies every number and calls
** strtod with localeconv, and its nodes carry no offsets, so a record
** with a warning needed a second pass to place it.  cJSON's parse was
** 26 % of a realistic run; see docs/performance.md.
*/
#include "jsoncheck.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
** Any byte that is not printable ASCII or a blank, or is a backslash, in
** buf[0..len)?  Eight bytes at a time (SWAR): a byte below 0x20 or at or
** above 0x80, or equal to '\\', sets its high bit in the mask.  Blanks
** (\t \n \r) are allowed here and looked for by *blanks.
*/
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static int
odd_bytes(const char *buf, size_t len, int *blanks)
{
    size_t i = 0;
    *blanks = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, buf + i, 8);
        /* A byte b sets its high bit in x - 0x20.. when b < 0x20 or
        ** b >= 0xA0, and in (x ^ '\\'..) - 1.. when b is a backslash or
        ** b >= 0x80 (but 0xDC, which the first catches).  A borrow only
        ** starts at such a byte, so the lowest odd byte of a word always
        ** shows, and a clean word sets no high bit: no & ~x needed. */
        if ((((x - ONES * 0x20) | ((x ^ (ONES * '\\')) - ONES)) & HIGHS) == 0)
            continue;
        for (size_t k = i; k < i + 8; k++) {
            unsigned char c = (unsigned char)buf[k];
            if (c == '\t' || c == '\n' || c == '\r')
                *blanks = 1;
            else if (c < 0x20 || c >= 0x80 || c == '\\')
                return 1;
        }
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\t' || c == '\n' || c == '\r')
            *blanks = 1;
        else if (c < 0x20 || c >= 0x80 || c == '\\')
            return 1;
    }
    return 0;
}

typedef struct builder {
    json_doc *d;
    const char *buf, *p, *end;
    int plain;                  /* odd_bytes found nothing */
    int blanks;                 /* plain, with a \t, \n or \r somewhere */
} builder;

/* Past blanks, adding lines to the table as the validator does (NDJSON
** records have no blanks at all: the call is for the pretty-printed). */
static inline void
skip_ws(builder *b)
{
    if ((unsigned char)*b->p <= ' ')
        b->p = json_blanks(b->d, b->buf, b->p);
}

static cJSON *
node_new(builder *b, int type, const char *at)
{
    cJSON *n = arena_alloc_raw(b->d->a, sizeof *n);
    n->next = n->prev = n->child = NULL;
    n->type = type;
    n->valuestring = n->string = NULL;
    n->valueint = (int)(at - b->buf);
    n->valuedouble = 0;
    return n;
}

/*
** The string whose opening quote is at b->p, in a text that is not plain:
** checked as the validator checks it (scan_string in jsoncheck.c), then
** unescaped into the arena; NULL if anything is wrong with it.
*/
static char *
read_string_any(builder *b)
{
    const char *s = b->p + 1, *p = s;
    int escaped = 0;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20)                   /* a control character, or the end */
            return NULL;
        if (c == '\\') {
            escaped = 1;
            char e = p[1];
            if (e == 'u') {
                int n = json_u_escape(p);
                if (n <= 0)
                    return NULL;
                p += n;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                p += 2;
            } else {
                return NULL;
            }
        } else if (c >= 0x80) {
            char why[96];
            int n = json_utf8_seq((const unsigned char *)p, why, sizeof why);
            if (n == 0)
                return NULL;
            p += n;
        } else {
            p++;
        }
    }
    size_t n = (size_t)(p - s);
    char *copy;
    if (escaped) {
        copy = json_unescape(b->d->a, s, p, &n);
    } else {
        copy = arena_alloc_raw(b->d->a, n + 1);
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    b->p = p + 1;
    return copy;
}

/* The string whose opening quote is at b->p, copied into the arena (a
** plain text has no escape to undo); NULL if it does not end or holds a
** blank. */
static char *
read_string(builder *b)
{
    if (!b->plain)
        return read_string_any(b);
    const char *s = b->p + 1;
    const char *q = memchr(s, '"', (size_t)(b->end - s));
    if (!q)
        return NULL;
    size_t n = (size_t)(q - s);
    if (b->blanks && (memchr(s, '\t', n) || memchr(s, '\n', n) || memchr(s, '\r', n)))
        return NULL;
    char *copy = arena_alloc_raw(b->d->a, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    b->p = q + 1;
    return copy;
}

static int
digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 10^0 .. 10^22: every one exact in a double. */
static const double pow10s[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
** The number at b->p, of the RFC grammar and at most 63 characters (else
** -1), into *v as strtod reads it.  Most numbers have at most 15 digits
** and a small exponent: then the digits m are exact in a double, and so
** is 10^k for k <= 22, so m * 10^k or m / 10^k, one correctly rounded
** operation, is the correctly rounded value that strtod gives (Clinger's
** fast path).  The others go to strtod itself.  -0 becomes 0.
*/
static int
read_number(builder *b, double *v)
{
    const char *start = b->p, *p = start;
    int neg = *p == '-';
    if (neg)
        p++;
    uint64_t m = 0;
    int digits = 0, scale = 0;
    if (*p == '0') {
        p++;
    } else if (digit(*p)) {
        for (; digit(*p); p++, digits++)
            m = m * 10 + (uint64_t)(*p - '0');
    } else {
        return -1;
    }
    if (*p == '.') {
        if (!digit(*++p))
            return -1;
        for (; digit(*p); p++, scale++) {
            if (m == 0 && *p == '0')
                continue;           /* leading zeros of 0.05 are no digits */
            m = m * 10 + (uint64_t)(*p - '0');
            digits++;
        }
    }
    int has_exp = 0;
    if (*p == 'e' || *p == 'E') {
        has_exp = 1;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!digit(*p))
            return -1;
        while (digit(*p))
            p++;
    }
    if (digit(*p) || p - start > 63)
        return -1;
    b->p = p;
    if (!has_exp && digits <= 15 && scale <= 22) {
        /* m < 10^15 < 2^53: exact */
        double x = scale ? (double)m / pow10s[scale] : (double)m;
        *v = neg && x != 0 ? -x : x;
        return 0;
    }
    char tmp[64];
    memcpy(tmp, start, (size_t)(p - start));
    tmp[p - start] = '\0';
    char *after;
    double x = strtod(tmp, &after);
    if (after != tmp + (p - start) || !isfinite(x))
        return -1;
    *v = x == 0 ? 0.0 : x;
    return 0;
}

/* Is the literal word at p?  Byte by byte, so as never to read past
** the NUL that ends the text. */
static int
literal(const char *p, const char *word)
{
    for (; *word; p++, word++)
        if (*p != *word)
            return 0;
    return 1;
}

/* A value that is not a container, at b->p: a node, or NULL. */
static cJSON *
read_scalar(builder *b)
{
    const char *at = b->p;
    switch (*at) {
    case '"': {
        char *s = read_string(b);
        if (!s)
            return NULL;
        cJSON *n = node_new(b, cJSON_String, at);
        n->valuestring = s;
        return n;
    }
    case 't':
        if (!literal(at, "true"))
            return NULL;
        b->p += 4;
        return node_new(b, cJSON_True, at);
    case 'f':
        if (!literal(at, "false"))
            return NULL;
        b->p += 5;
        return node_new(b, cJSON_False, at);
    case 'n':
        if (!literal(at, "null"))
            return NULL;
        b->p += 4;
        return node_new(b, cJSON_NULL, at);
    default: {
        double v;
        if (read_number(b, &v) < 0)
            return NULL;
        cJSON *n = node_new(b, cJSON_Number, at);
        n->valuedouble = v;
        return n;
    }
    }
}

/*
** Two members of one object with the same key?  Compared pairwise in
** small objects (records' are); past SMALL_OBJECT members, the keys are
** sorted (a copy of their pointers, in the arena) and neighbours compared.
*/
#define SMALL_OBJECT 16

static int
by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
keys_unique(builder *b, const cJSON *obj)
{
    int n = 0;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (++n > SMALL_OBJECT)
            break;
        for (const cJSON *k = obj->child; k != m; k = k->next)
            if (k->string[0] == m->string[0] && strcmp(k->string, m->string) == 0)
                return 0;
    }
    if (n <= SMALL_OBJECT)
        return 1;
    n = 0;
    for (const cJSON *m = obj->child; m; m = m->next)
        n++;
    const char **keys = arena_alloc_raw(b->d->a, (size_t)n * sizeof *keys);
    n = 0;
    for (const cJSON *m = obj->child; m; m = m->next)
        keys[n++] = m->string;
    qsort(keys, (size_t)n, sizeof *keys, by_key);
    for (int i = 1; i < n; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            return 0;
    return 1;
}

/* An open container and its last member so far. */
typedef struct open_node {
    cJSON *node, *last;
} open_node;

/* "key": at b->p (after blanks), up to the value (blanks skipped). */
static char *
read_key(builder *b)
{
    if (*b->p != '"')
        return NULL;
    char *key = read_string(b);
    if (!key)
        return NULL;
    skip_ws(b);
    if (*b->p != ':')
        return NULL;
    b->p++;
    skip_ws(b);
    return key;
}

/* The whole text: its tree, or NULL.  No recursion: the open containers
** are a stack, as in the validator. */
static cJSON *
build(builder *b)
{
    open_node stack[JSON_MAX_DEPTH];
    int depth = 0;
    cJSON *root = NULL;
    char *key = NULL;
    skip_ws(b);
    for (;;) {
        /* A value at b->p. */
        cJSON *n;
        char c = *b->p;
        if (c == '{' || c == '[') {
            if (depth == JSON_MAX_DEPTH)
                return NULL;
            n = node_new(b, c == '{' ? cJSON_Object : cJSON_Array, b->p);
        } else if (!(n = read_scalar(b))) {
            return NULL;
        }
        if (depth > 0) {
            open_node *o = &stack[depth - 1];
            if (o->node->type == cJSON_Object)
                n->string = key;
            if (o->last) {
                o->last->next = n;
                n->prev = o->last;
            } else {
                o->node->child = n;
            }
            o->last = n;
        } else {
            root = n;
        }
        if (c == '{' || c == '[') {
            stack[depth].node = n;
            stack[depth++].last = NULL;
            b->p++;
            skip_ws(b);
            if (*b->p != (c == '{' ? '}' : ']')) {
                if (c == '{' && !(key = read_key(b)))
                    return NULL;
                continue;               /* its first member */
            }
            /* empty: closed below */
        }
        /* After a value: a comma and the next member, or closings. */
        for (;;) {
            if (depth == 0) {
                skip_ws(b);
                return b->p == b->end ? root : NULL;
            }
            open_node *o = &stack[depth - 1];
            int obj = o->node->type == cJSON_Object;
            if (o->last) {              /* else an empty one, at its closing */
                skip_ws(b);
            }
            if (*b->p == ',' && o->last) {
                b->p++;
                skip_ws(b);
                if (obj && !(key = read_key(b)))
                    return NULL;
                break;                  /* the next member's value */
            }
            if (*b->p != (obj ? '}' : ']'))
                return NULL;
            b->p++;
            if (o->node->child)
                o->node->child->prev = o->last;
            if (obj && !keys_unique(b, o->node))
                return NULL;
            depth--;
        }
    }
}

cJSON *
json_build(json_doc *d)
{
    builder b;
    b.plain = !odd_bytes(d->buf, d->len, &b.blanks);
    b.d = d;
    b.buf = d->buf;
    b.p = d->buf;
    b.end = d->buf + d->len;
    int nlines = d->nlines;
    cJSON *root = build(&b);
    if (!root)
        d->nlines = nlines;         /* the validator adds them again */
    else
        d->ascii = b.plain;         /* else a byte may not be a column */
    return root;
}
