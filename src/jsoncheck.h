/*
** jsoncheck.h -- the strict JSON validator behind jsondoc.c (internal).
**
** jsondoc.c checks with json_check_text every text it does not let cJSON
** parse first, and every text that fails there (to explain the failure).
** Contract: a text passes only if it is exactly one RFC 8259 JSON value
** in UTF-8 (no overlong forms, surrogates or code points above U+10FFFF),
** with no control characters, bad escapes, lone surrogates or \u0000 in
** its strings, only numbers of the RFC grammar that are finite as doubles,
** no duplicate key in any object, and nesting of at most JSON_MAX_DEPTH.
** The first problem is reported in *ck->err: message, line:column from
** the document's line table, and the JSON path of the value being read
** (none for a broken structure).  The validator never recurses, never
** reads past the NUL that ends the text, and allocates only from ck->tmp.
*/
#ifndef JSONCHECK_H
#define JSONCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "jsondoc.h"

/*
** The document.  buf is the caller's text, not a copy: positions are
** computed from it, so it must stay alive as long as the document (the
** record reader frees the document before it returns).
*/
struct json_doc {
    arena *a;               /* the document, its tree and its tables */
    cJSON *root;
    const char *buf;
    size_t len;
    size_t *lines;          /* offset of the first byte of each line */
    int nlines, caplines;
    int line_base;
    int have_offsets;       /* valueint of every node holds its offset */
    int ascii;              /* every byte is ASCII (a byte is a column) */
    int built;              /* the tree is jsonbuild.c's (not cJSON's) */
};

/* One open container of the validator. */
typedef struct frame {
    char kind;              /* '{' or '[' */
    int index;              /* array: index of the current element */
    unsigned serial;        /* object: its number in the key set */
    const char *key;        /* object: current key (unescaped), or NULL */
    size_t keylen;
    size_t off;             /* offset of the bracket */
    size_t first_key;       /* object: its keys in the key stack from here */
    int hashed;             /* object: its keys are in the hash set too */
} frame;

typedef struct key_entry {
    unsigned serial;
    uint32_t hash;
    const char *key;
    size_t len;
    size_t off;             /* offset of the key's opening quote */
} key_entry;

typedef struct checker {
    const char *buf;
    const char *p;          /* next byte; *p == '\0' at the end */
    json_doc *doc;          /* its line table is filled as we go */
    ts_error *err;
    arena *tmp;             /* unescaped keys and the tables: the doc's */
    frame stack[JSON_MAX_DEPTH];
    int depth;
    unsigned nobjects;
    key_entry *open_keys;   /* keys of the open objects, innermost last */
    size_t nopen, capopen;
    key_entry *keys;        /* the hash set's keys */
    size_t nkeys, capkeys;
    uint32_t *slots;        /* open addressing: 1 + index into keys, 0 empty */
    size_t nslots;
    int maybe_neg_zero;     /* a number may read as -0 */
} checker;

/*
** A checker is set up by its caller: zeroed, then buf and p (the text and
** where to start), doc (whose line table it fills: the caller adds the
** first line), err and tmp (the doc's arena).  After a check,
** maybe_neg_zero says a number may read as -0.
*/

/* Fill *ck->err (position of off, path unless the structure is broken);
** returns -1. */
int json_fail_at(checker *ck, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Past the JSON blanks at p in the text buf of d, noting in d's line
** table the lines they end; json_skip_ws_slow does it at ck->p. */
const char *json_blanks(json_doc *d, const char *buf, const char *p);
void json_skip_ws_slow(checker *ck);

/* Most values are not preceded by blanks (NDJSON has none at all). */
static inline void
json_skip_ws(checker *ck)
{
    if ((unsigned char)*ck->p <= ' ')
        json_skip_ws_slow(ck);
}

/* Refuse UTF-16/32 and NUL bytes in buf[0..len); 0 or -1 with err set. */
int json_check_encoding(checker *ck, size_t len);
/* The whole text from ck->p (after the BOM); 0 or -1 with err set. */
int json_check_text(checker *ck);

/* Strings, for jsonbuild.c too.  Length of the valid UTF-8 sequence at s
** (RFC 3629: no overlong form, surrogate or code point above U+10FFFF), or
** 0 with the reason in why; four hex digits at s (stops at a NUL), or -1;
** a string body s..e that passed the check, unescaped into a, NUL-ended. */
int json_utf8_seq(const unsigned char *s, char *why, size_t whysize);
long json_hex4(const char *s);
/* The \u escape at p (at its backslash): its length, 6 or 12 for a
** surrogate pair; JSON_U_HEX if the four hex digits are not there,
** JSON_U_ZERO for \u0000, JSON_U_LONE for a lone surrogate. */
enum { JSON_U_HEX = 0, JSON_U_ZERO = -1, JSON_U_LONE = -2 };
int json_u_escape(const char *p);
char *json_unescape(arena *a, const char *s, const char *e, size_t *outlen);

/* In jsondoc.c, the document's line table: note that a line starts at
** byte start of the text. */
void json_add_line(json_doc *d, size_t start);
/* Line (plus line_base) and column (in characters) of byte off. */
void json_locate(const json_doc *d, size_t off, int *line, int *column);

/*
** jsonbuild.c: a valid text (but for a BOM and numbers of more than 63
** characters) checked and built into cJSON's tree in d's arena in one
** pass, each node's offset in its valueint and the line table filled,
** d->ascii set if every byte is ASCII; NULL if the text is not such, for
** the validator to decide.
*/
cJSON *json_build(json_doc *d);

#endif
