/*
** outbuf.h -- growable output buffers (outbuf.c).
**
** Every renderer writes into an outbuf, never into a FILE: the caller
** writes each finished record with outbuf_write and checks the result, in
** one place, and worker threads render into buffers of their own that
** are written in input order.  A header of its own so that the batch and
** diagnostic layers, which move buffers and not verdicts, do not pull in
** report.h, eval.h and record.h.
*/
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A growable byte buffer.  Zero-initialise it ({0}) before use. */
typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

/* Make room for n more bytes and the NUL (outbuf_put's slow path). */
void outbuf_grow(outbuf *b, size_t n);

/*
** Reports are built from many small pieces ("{\"id\":", ","): inline, so
** that a piece whose length is a constant (a literal through outbuf_puts,
** whose strlen the compiler folds) is copied by a few moves, with no call.
*/
static inline void
outbuf_put(outbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        outbuf_grow(b, n);
    if (n > 0)                  /* s may be NULL then (an empty outbuf's p) */
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void
outbuf_puts(outbuf *b, const char *s)
{
    outbuf_put(b, s, strlen(s));
}

void outbuf_printf(outbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s with every non-printable character (C0 and C1 controls, DEL,
** bytes that are not UTF-8) written as \xNN: data from a record must never
** reach a terminal as an escape sequence. */
void outbuf_escaped(outbuf *b, const char *s);
/* How many of the n bytes at s outbuf_escaped copies as they are
** (printable ASCII, from the start). */
size_t outbuf_plain_len(const char *s, size_t n);
/* Append s as a JSON string (quotes included), RFC 8259 escaping;
** outbuf_json_n when its length n (up to its NUL) is known. */
void outbuf_json(outbuf *b, const char *s);
void outbuf_json_n(outbuf *b, const char *s, size_t n);
/* The bytes from start to the end of b, written raw after a '"' the
** caller put, escaped in place as outbuf_json would and the string closed. */
void outbuf_json_end(outbuf *b, size_t start);
/* Write everything to f and empty the buffer.  Returns 0, or -1 with errno
** set if the write failed (the contents are dropped either way). */
int outbuf_write(outbuf *b, FILE *f);
void outbuf_release(outbuf *b);

#endif
