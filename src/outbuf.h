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

/* A growable byte buffer.  Zero-initialise it ({0}) before use. */
typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

void outbuf_put(outbuf *b, const char *s, size_t n);
void outbuf_puts(outbuf *b, const char *s);
void outbuf_printf(outbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s with every non-printable character (C0 and C1 controls, DEL,
** bytes that are not UTF-8) written as \xNN: data from a record must never
** reach a terminal as an escape sequence. */
void outbuf_escaped(outbuf *b, const char *s);
/* Append s as a JSON string (quotes included), RFC 8259 escaping. */
void outbuf_json(outbuf *b, const char *s);
/* Write everything to f and empty the buffer.  Returns 0, or -1 with errno
** set if the write failed (the contents are dropped either way). */
int outbuf_write(outbuf *b, FILE *f);
void outbuf_release(outbuf *b);

#endif
