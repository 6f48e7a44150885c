/*
** outbuf.c -- growable output buffers and the escaping every reporter uses.
**
** Everything that comes from a record or a criteria file is untrusted
** text.  outbuf_json escapes it per RFC 8259 (and replaces bytes that are
** not UTF-8, so the output always parses); outbuf_escaped writes control
** characters as \xNN, so that an id such as "\u001b[2J" cannot clear the
** coordinator's terminal.  Both copy runs of plain ASCII at once: they
** write most of every report, and a character at a time was the largest
** single cost of NDJSON output.  The declarations are in report.h.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "report.h"

void
outbuf_put(outbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void
outbuf_puts(outbuf *b, const char *s)
{
    outbuf_put(b, s, strlen(s));
}

void
outbuf_printf(outbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        outbuf_put(b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    outbuf_put(b, big, (size_t)n);
    free(big);
}

int
outbuf_write(outbuf *b, FILE *f)
{
    size_t n = b->len;
    b->len = 0;
    if (n > 0 && fwrite(b->p, 1, n, f) != n)
        return -1;
    return ferror(f) ? -1 : 0;
}

void
outbuf_free(outbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0
** if the bytes there are not UTF-8 (overlong, surrogate, > U+10FFFF). */
static int
utf8_decode(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0], min;
    int n;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, *cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, *cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, *cp = c & 0x07, min = 0x10000;
    else
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

/* Characters that change how a terminal shows what follows: controls,
** DEL, C1 controls (0x9b is a one-byte CSI) and the bidirectional
** overrides and isolates ("Trojan Source"). */
static int
unsafe_for_terminal(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void
outbuf_escaped(outbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        /* Printable ASCII is safe: copy runs of it at once. */
        const unsigned char *q = p;
        while (*q >= 0x20 && *q < 0x7f)
            q++;
        if (q > p) {
            outbuf_put(b, (const char *)p, (size_t)(q - p));
            p = q;
            continue;
        }
        unsigned cp;
        int n = utf8_decode(p, &cp);
        if (n == 0 || unsafe_for_terminal(cp)) {
            int k = n ? n : 1;
            for (int i = 0; i < k; i++)
                outbuf_printf(b, "\\x%02x", p[i]);
            p += k;
            continue;
        }
        outbuf_put(b, (const char *)p, (size_t)n);
        p += n;
    }
}

/* Bytes that go into a JSON string as they are: printable ASCII other
** than the quote and the backslash.  Runs of them are copied in one go,
** which is most of every report (criterion texts, reasons, codes). */
static size_t
json_plain_run(const unsigned char *p)
{
    const unsigned char *q = p;
    while (*q >= 0x20 && *q < 0x7f && *q != '"' && *q != '\\')
        q++;
    return (size_t)(q - p);
}

void
outbuf_json(outbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    outbuf_put(b, "\"", 1);
    while (*p) {
        size_t run = json_plain_run(p);
        if (run > 0) {
            outbuf_put(b, (const char *)p, run);
            p += run;
            continue;
        }
        unsigned cp;
        int n = utf8_decode(p, &cp);
        if (n == 0) {
            outbuf_puts(b, "\\ufffd");      /* never emit invalid UTF-8 */
            p++;
            continue;
        }
        switch (cp) {
        case '"':  outbuf_puts(b, "\\\""); break;
        case '\\': outbuf_puts(b, "\\\\"); break;
        case '\b': outbuf_puts(b, "\\b"); break;
        case '\f': outbuf_puts(b, "\\f"); break;
        case '\n': outbuf_puts(b, "\\n"); break;
        case '\r': outbuf_puts(b, "\\r"); break;
        case '\t': outbuf_puts(b, "\\t"); break;
        default:
            /* U+2028/2029 are valid JSON but end a line in JavaScript. */
            if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
                outbuf_printf(b, "\\u%04x", cp);
            else
                outbuf_put(b, (const char *)p, (size_t)n);
        }
        p += n;
    }
    outbuf_put(b, "\"", 1);
}
