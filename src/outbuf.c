/*
** outbuf.c -- growable output buffers and the escaping every reporter uses.
**
** Everything that comes from a record or a criteria file is untrusted
** text.  outbuf_json escapes it per RFC 8259 (and replaces bytes that are
** not UTF-8, so the output always parses); outbuf_escaped writes control
** characters as \xNN, so that an id such as "\u001b[2J" cannot clear the
** coordinator's terminal.  Both copy runs of plain ASCII at once: they
** write most of every report, and a character at a time was the largest
** single cost of NDJSON output.  The declarations are in outbuf.h.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "outbuf.h"

void
outbuf_grow(outbuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
}

/* Room for n more bytes and the NUL. */
static void
reserve(outbuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap)
        outbuf_grow(b, n);
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
outbuf_release(outbuf *b)
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

static size_t term_plain_prefix(const unsigned char *s, size_t n);

size_t
outbuf_plain_len(const char *s, size_t n)
{
    return term_plain_prefix((const unsigned char *)s, n);
}

void
outbuf_escaped(outbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (p < end) {
        /* Printable ASCII is safe: copy runs of it at once. */
        size_t run = term_plain_prefix(p, (size_t)(end - p));
        if (run > 0) {
            outbuf_put(b, (const char *)p, run);
            p += run;
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
** than the quote and the backslash. */
#define PLAIN16(c) \
    P(c + 0) P(c + 1) P(c + 2) P(c + 3) P(c + 4) P(c + 5) P(c + 6) P(c + 7) \
    P(c + 8) P(c + 9) P(c + 10) P(c + 11) P(c + 12) P(c + 13) P(c + 14) P(c + 15)
#define P(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\'),
static const unsigned char json_plain[256] = {
    PLAIN16(0x00) PLAIN16(0x10) PLAIN16(0x20) PLAIN16(0x30)
    PLAIN16(0x40) PLAIN16(0x50) PLAIN16(0x60) PLAIN16(0x70)
};
#undef P
#undef PLAIN16

/*
** Whether any of the 8 bytes in x needs more than a copy in a JSON string:
** a control (< 0x20), the quote, the backslash, DEL or a byte >= 0x80
** (UTF-8, checked byte by byte).  The usual "has a zero byte" test: exact
** for the word as a whole, which is all this asks.
*/
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGH)

static int
json_special8(unsigned long long x)
{
    unsigned long long q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
    /* below 0x20; 0x80 and up (x itself); 0x7f and up (x + 1 carries
    ** into the high bit; a carry out of 0xff goes with a byte already
    ** counted); the quote; the backslash: no branch. */
    unsigned long long m = ((x - ONES * 0x20) & ~x) | x | (x + ONES)
                         | HAS_ZERO(q) | HAS_ZERO(bs);
    return (m & HIGH) != 0;
}

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define JSON_SSE2 1

/* The bytes at p..p+15 that need more than a copy, as a bit mask: signed,
** below 0x20 is also 0x80 and up; then the quote, the backslash, DEL. */
static unsigned
json_special16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
** A JSON string.  No byte becomes more than 6 ("\u001f", "\ufffd" for
** one invalid byte), so room for all of s is made once and the bytes are
** written in place: printable ASCII other than the quote and the
** backslash (most of every report: reasons, codes, times) in runs,
** sixteen bytes at a time with SSE2 and eight without while it lasts,
** the rest escaped.
*/
/* The escaped bytes of p..end written from o (room for six times as
** many), the quotes left to the caller; returns where it stopped. */
static char *
json_escape(char *o, const unsigned char *p, const unsigned char *end)
{
    static const char hex[] = "0123456789abcdef";
    while (p < end) {
#ifdef JSON_SSE2
        /* Sixteen bytes at a time: copy them all (there is room for six
        ** times the rest), keep those before the first special one. */
        while (end - p >= 16) {
            unsigned m = json_special16(p);
            memcpy(o, p, 16);
            if (m) {
                int k = __builtin_ctz(m);
                o += k;
                p += k;
                break;
            }
            o += 16;
            p += 16;
        }
#endif
        unsigned long long x;
        while (end - p >= 8) {
            memcpy(&x, p, 8);
            if (json_special8(x))
                break;
            memcpy(o, p, 8);
            o += 8;
            p += 8;
        }
        const unsigned char *q = p;
        while (q < end && json_plain[*q])
            q++;
        if (q > p) {
            memcpy(o, p, (size_t)(q - p));
            o += q - p;
            p = q;
            continue;
        }
        if (p == end)
            break;
        unsigned cp;
        int n = utf8_decode(p, &cp);
        if (n == 0) {
            memcpy(o, "\\ufffd", 6);        /* never emit invalid UTF-8 */
            o += 6;
            p++;
            continue;
        }
        const char *esc = NULL;
        switch (cp) {
        case '"':  esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            break;
        }
        if (esc) {
            *o++ = esc[0];
            *o++ = esc[1];
        } else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
            /* U+2028/2029 are valid JSON but end a line in JavaScript. */
            memcpy(o, "\\u", 2);
            o[2] = hex[(cp >> 12) & 0xf];
            o[3] = hex[(cp >> 8) & 0xf];
            o[4] = hex[(cp >> 4) & 0xf];
            o[5] = hex[cp & 0xf];
            o += 6;
        } else {
            memcpy(o, p, (size_t)n);
            o += n;
        }
        p += n;
    }
    return o;
}

void
outbuf_json_n(outbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    reserve(b, 6 * len + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    o = json_escape(o, p, p + len);
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->p);
}

/*
** Most strings a report writes whole are short (codes, values, units,
** pointers, missing items: a dozen bytes): copying them a byte at a time
** while checking each costs less than measuring them first and setting
** up the escaper.  A string longer than that, or one with a byte to
** escape, goes on from there through json_escape.
*/
#define JSON_SHORT 32

void
outbuf_json(outbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    reserve(b, JSON_SHORT + 2);
    char *o = b->p + b->len;
    *o++ = '"';
    const char *stop = o + JSON_SHORT;        /* inside the room reserved */
    while (json_plain[*p] && o < stop)
        *o++ = (char)*p++;
    if (*p != '\0') {
        size_t rest = strlen((const char *)p);
        b->len = (size_t)(o - b->p);
        reserve(b, 6 * rest + 1);
        o = json_escape(b->p + b->len, p, p + rest);
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->p);
}

/*
** How many of the n bytes at s are printable ASCII (0x20 to 0x7e), which
** text output copies as they are: sixteen at a time with SSE2 (signed,
** below 0x20 also catches 0x80 and up), reasons and criterion texts being
** a hundred bytes or so.
*/
static size_t
term_plain_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
#ifdef JSON_SSE2
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
        i++;
    return i;
}

/* How many of the n bytes at s go into a JSON string as they are. */
static size_t
plain_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
#ifdef JSON_SSE2
    for (; n - i >= 16; i += 16) {
        unsigned m = json_special16(s + i);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && json_plain[s[i]])
        i++;
    return i;
}

/*
** A text written raw into b from start on, after its opening quote (a
** reason formatted straight into the report, result_reason_into): made
** what outbuf_json would have made of it, in place.  Most such texts are
** plain ASCII and only get their closing quote; from the first byte that
** is not, the rest is copied aside and escaped back.
*/
void
outbuf_json_end(outbuf *b, size_t start)
{
    size_t n = b->len - start;
    size_t k = plain_prefix((const unsigned char *)b->p + start, n);
    if (k < n) {
        /* With its NUL (b->p[b->len]): json_escape reads a UTF-8
        ** sequence to its end, and a cut one must stop there. */
        size_t m = n - k;
        char small[512];
        char *tmp = m < sizeof small ? small : xmalloc(m + 1);
        memcpy(tmp, b->p + start + k, m + 1);
        b->len = start + k;
        reserve(b, 6 * m + 1);
        const unsigned char *t = (const unsigned char *)tmp;
        char *o = json_escape(b->p + b->len, t, t + m);
        b->len = (size_t)(o - b->p);
        if (tmp != small)
            free(tmp);
    }
    outbuf_put(b, "\"", 1);
}
