/*
** yamldoc.h -- a small positioned YAML tree for the criteria loader
** (internal).
**
** libyaml's event stream is turned into scalars, sequences and mappings,
** each with its 1-based line and column, under hard limits (size, depth,
** node count) and with the YAML features that criteria files do not need
** refused outright: anchors, aliases, tags other than !!str, more than one
** document, duplicate keys.  Scalar typing is ours and narrow: see the
** ydoc_bool / ydoc_number / ydoc_string helpers.
*/
#ifndef YAMLDOC_H
#define YAMLDOC_H

#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "ts.h"

#define YDOC_MAX_BYTES  (4u << 20)  /* 4 MiB: criteria files are a few kB */
#define YDOC_MAX_DEPTH  64          /* sequences and mappings, nested */
#define YDOC_MAX_NODES  100000

typedef enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP } ynode_kind;

typedef struct ynode ynode;

struct ynode {
    ynode_kind kind;
    int line, column;           /* 1-based */
    int quoted;                 /* scalar written quoted, block or !!str */
    const char *str;            /* scalar text, NUL-terminated */
    size_t len;
    int n;                      /* Y_SEQ: items; Y_MAP: key/value pairs */
    ynode **items;              /* Y_SEQ: n items; Y_MAP: key0, val0, key1, ... */
};

typedef struct ydoc {
    arena *a;
    const char *name;           /* as given to ydoc_parse */
    ynode *root;
} ydoc;

/*
** Parse buf[0..len) (buf[len] must be NUL).  name is stored in err->file
** on failure and in the document, and must outlive both.  Returns NULL and
** fills err (message, line, column) on any error.
*/
ydoc *ydoc_parse(const char *name, const char *buf, size_t len, ts_error *err);
/* The same with libyaml always, even for a bundled file's bytes (which
** ydoc_parse unpacks from the build's packing instead: ydocpack.h). */
ydoc *ydoc_parse_yaml(const char *name, const char *buf, size_t len,
                      ts_error *err);
/* Read and parse a file: a regular file only (a FIFO or a device is
** refused, never waited on), at most YDOC_MAX_BYTES. */
ydoc *ydoc_parse_file(const char *path, ts_error *err);
void ydoc_free(ydoc *d);

/* Mapping access: the value for key, or NULL.  Keys are unique. */
const ynode *ydoc_get(const ynode *map, const char *key);
/*
** strcmp(a, b) == 0, the first bytes compared inline: the loader matches
** some fifteen thousand keys and names against tables at every start, and
** nearly every pair differs at its first byte.
*/
static inline int
ydoc_same(const char *a, const char *b)
{
    return a[0] == b[0] && (a[0] == '\0' || strcmp(a + 1, b + 1) == 0);
}
/* "'s'" in buf, cut to size - 1 bytes as snprintf would cut it: the name
** of a slot for messages, built at every start for every key, so not
** with snprintf's machinery. */
const char *ydoc_quoted(char *buf, size_t size, const char *s);
#define YKEY(m, i) ((m)->items[2 * (i)])
#define YVAL(m, i) ((m)->items[2 * (i) + 1])

/* Set err to msg at n's position; returns -1 for "return ydoc_error(...)". */
int ydoc_error(ts_error *err, const ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "a mapping", "a list", "the number 5", "'abc'": for "expected X, found Y". */
const char *ydoc_describe(const ynode *n, char *buf, size_t size);

/*
** Typed scalars.  Each returns 0, or -1 with err set at n ("expected true
** or false, found 'yes' ('yes' is not a boolean here; write true or
** false)").  what names the slot in messages ("'list_incomplete'").
**   bool:   plain true / false only;
**   number: plain decimal, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?,
**           finite;
**   string: any scalar except a plain true, false, null, ~ or empty one.
*/
int ydoc_bool(const ynode *n, const char *what, int *out, ts_error *err);
int ydoc_number(const ynode *n, const char *what, double *out, ts_error *err);
int ydoc_string(const ynode *n, const char *what, const char **out, ts_error *err);
/* A plain null, ~ or empty scalar. */
int ydoc_is_null(const ynode *n);
/* A plain scalar that ydoc_number would accept. */
int ydoc_is_number(const ynode *n);

int ydoc_expect_map(const ynode *n, const char *what, ts_error *err);
int ydoc_expect_seq(const ynode *n, const char *what, ts_error *err);

/*
** Check that every key of map is one of allowed (NULL-terminated); the
** first other key is an error: "unknown key 'exclusoin' (did you mean
** 'exclusion'?)" or, with no close match, "unknown key 'x' in <where>;
** expected one of a, b, c".
*/
int ydoc_check_keys(const ynode *map, const char *const *allowed,
                    const char *where, ts_error *err);

/* Levenshtein distance, capped: returns max + 1 when it exceeds max. */
int ydoc_distance(const char *a, const char *b, int max);
/* The candidate closest to word within distance 2 (and shorter than word
** itself), or NULL. */
const char *ydoc_suggest(const char *word, const char *const *cands);

#endif
