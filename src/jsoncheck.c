/*
** jsoncheck.c -- the RFC 8259 validator that jsondoc.c runs before cJSON.
**
** cJSON 1.7.15 is a lenient parser (duplicate keys, trailing garbage,
** 1e999, "\u0000", "\uqqqq", raw tabs, invalid UTF-8 and leading zeros all
** pass; docs/patient-record.md, "Errors", says what a record may not hold) and its nodes carry no
** positions.  A screener must not guess what a malformed record meant, so
** every text is first checked here, byte by byte, by a small validator that
** knows the whole grammar and reports line:column and the JSON path of the
** first problem.  Only a text that passes is handed to cJSON (jsondoc.c),
** which is then nothing but a tree builder.
**
** The validator is non-recursive: an explicit stack of at most
** JSON_MAX_DEPTH frames, so a file of 100,000 '[' costs 65 steps.  Duplicate
** keys: an object's first LINEAR_KEYS keys are compared with each other
** (records are made of small objects, and comparing four short keys costs
** less than hashing them); past that, its keys go into one hash set for the
** whole document keyed by (object serial number, unescaped key), so an
** object with 10^5 members is still linear.
**
** Positions: while it scans, the validator fills the document's line table
** (json_add_line, in jsondoc.c) for its messages; the offsets of values
** for later messages are found by jsondoc.c's skim.  Everything it needs
** (unescaped keys, key set) is allocated in the document's arena.
*/
#include "jsoncheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define MAX_NUMBER_LEN 4096     /* "number too long": strtod need not see more */
#define KEY_SHOW 40             /* bytes of a key quoted in a message */
#define LINEAR_KEYS 16          /* keys of one object compared pairwise */

/* ------------------------------------------------------------------- errors */

/* The JSON path of the value being read, "medications[3].rate". */
static void
build_path(const checker *ck, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < ck->depth; i++) {
        const frame *f = &ck->stack[i];
        char part[KEY_SHOW + 16];
        if (f->kind == '[') {
            snprintf(part, sizeof part, "[%d]", f->index);
        } else if (f->key) {
            size_t k = 0, len = f->keylen < KEY_SHOW ? f->keylen : KEY_SHOW;
            if (n > 0)
                part[k++] = '.';
            for (size_t j = 0; j < len; j++) {
                unsigned char c = (unsigned char)f->key[j];
                part[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
            }
            part[k] = '\0';
        } else {
            break;
        }
        size_t plen = strlen(part);
        if (n + plen + 1 > size)
            break;
        memcpy(out + n, part, plen + 1);
        n += plen;
    }
}

int
json_fail_at(checker *ck, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ck->err->msg, sizeof ck->err->msg, fmt, ap);
    va_end(ap);
    json_locate(ck->doc, off, &ck->err->line, &ck->err->column);
    /* A path helps for a bad value ("observations[0].value: number out
    ** of range"); for a broken structure ("expected ',' or '}'") the last
    ** key read is a red herring, the line and column say it all. */
    if (strncmp(ck->err->msg, "expected", 8) != 0 &&
        strncmp(ck->err->msg, "trailing comma", 14) != 0 &&
        strncmp(ck->err->msg, "unexpected end", 14) != 0)
        build_path(ck, ck->err->path, sizeof ck->err->path);
    return -1;
}

/* Quote a key for a message: printable, and cut after KEY_SHOW bytes. */
static void
show_key(const char *key, size_t len, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 5 < size; i++) {
        unsigned char c = (unsigned char)key[i];
        if (i == KEY_SHOW) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[n] = '\0';
}

/* ------------------------------------------------------------------- UTF-8 */

/*
** Length of the valid UTF-8 sequence at s (which is followed by a NUL
** somewhere), or 0 with a message in why.  RFC 3629: no overlong forms,
** no surrogates, nothing above U+10FFFF.
*/
int
json_utf8_seq(const unsigned char *s, char *why, size_t whysize)
{
    unsigned c = s[0];
    int n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC0 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF7) {
        n = 4;
        cp = c & 0x07;
    } else {
        goto bad_byte;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad_byte;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) {
        snprintf(why, whysize, "invalid UTF-8: overlong encoding");
        return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        snprintf(why, whysize, "invalid UTF-8: encoded surrogate U+%04X", cp);
        return 0;
    }
    if (cp > 0x10FFFF) {
        snprintf(why, whysize, "invalid UTF-8: code point above U+10FFFF");
        return 0;
    }
    return n;
bad_byte:
    snprintf(why, whysize,
             "invalid UTF-8 byte 0x%02x (file may be Latin-1; convert to UTF-8)", c);
    return 0;
}

/* "'x'", "U+000C" or "end of input", for "found ..." in messages. */
static void
describe_char(const char *p, char *out, size_t size)
{
    unsigned char c = (unsigned char)*p;
    if (c == '\0')
        snprintf(out, size, "end of input");
    else if (c == '\'')
        snprintf(out, size, "\"'\"");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(out, size, "'%c'", c);
    else
        snprintf(out, size, "U+%04X", c);
}

/*
** An unexpected byte outside strings: invalid UTF-8 gets the UTF-8
** message (a Latin-1 file is the likely cause), anything else "found X".
*/
static int
fail_unexpected(checker *ck, const char *what)
{
    char why[128], found[32];
    unsigned char c = (unsigned char)*ck->p;
    if (c >= 0x80 && json_utf8_seq((const unsigned char *)ck->p, why, sizeof why) == 0)
        return json_fail_at(ck, (size_t)(ck->p - ck->buf), "%s", why);
    describe_char(ck->p, found, sizeof found);
    if (c >= 0x80)
        snprintf(found, sizeof found, "a non-ASCII character");
    return json_fail_at(ck, (size_t)(ck->p - ck->buf), "%s, found %s", what, found);
}

/* ------------------------------------------------------------------ scanner */

/* Past the JSON blanks at p in the text buf of d, noting in d's line table
** the lines they end (\n, \r\n or \r): the validator's and jsonbuild.c's. */
const char *
json_blanks(json_doc *d, const char *buf, const char *p)
{
    for (;;) {
        char c = *p;
        if (c == ' ' || c == '\t') {
            p++;
        } else if (c == '\n') {
            p++;
            json_add_line(d, (size_t)(p - buf));
        } else if (c == '\r') {
            p++;
            if (*p != '\n')
                json_add_line(d, (size_t)(p - buf));
        } else {
            return p;
        }
    }
}

void
json_skip_ws_slow(checker *ck)
{
    ck->p = json_blanks(ck->doc, ck->buf, ck->p);
}

/* Four hex digits at s (stops at the NUL), or -1. */
long
json_hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int h = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t
put_utf8(char *o, unsigned long cp)
{
    static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (int i = n - 1; i > 0; i--, cp >>= 6)
        o[i] = (char)(0x80 | (cp & 0x3F));
    o[0] = (char)(lead[n] | cp);
    return (size_t)n;
}

/* Decode the (already validated) string body s..e into the arena. */
char *
json_unescape(arena *a, const char *s, const char *e, size_t *outlen)
{
    char *out = arena_alloc(a, (size_t)(e - s) + 1), *o = out;
    while (s < e) {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        s++;
        switch (*s++) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned long cp = (unsigned long)json_hex4(s);
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned long lo = (unsigned long)json_hex4(s + 2);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
            o += put_utf8(o, cp);
            break;
        }
        default: *o++ = s[-1]; break;     /* " \ / */
        }
    }
    *o = '\0';
    *outlen = (size_t)(o - out);
    return out;
}

int
json_u_escape(const char *p)
{
    long cp = json_hex4(p + 2);
    if (cp < 0)
        return JSON_U_HEX;
    if (cp == 0)
        return JSON_U_ZERO;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return JSON_U_LONE;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = (p[6] == '\\' && p[7] == 'u') ? json_hex4(p + 8) : -1;
        return lo < 0xDC00 || lo > 0xDFFF ? JSON_U_LONE : 12;
    }
    return 6;
}

/* One \u escape at p (pointing at the backslash); advances *pp past it
** (and past the low half of a surrogate pair). */
static int
check_u_escape(checker *ck, const char **pp)
{
    const char *p = *pp;
    size_t off = (size_t)(p - ck->buf);
    int n = json_u_escape(p);
    if (n == JSON_U_HEX)
        return json_fail_at(ck, off, "invalid \\u escape (expected 4 hex digits)");
    if (n == JSON_U_ZERO)
        return json_fail_at(ck, off, "\\u0000 is not allowed in strings");
    if (n == JSON_U_LONE)
        return json_fail_at(ck, off, "lone surrogate '%.6s'", p);
    *pp = p + n;
    return 0;
}

/* Bytes that stand for themselves in a string: printable ASCII but '"'
** and '\\'. */
#define PLAIN16(c) \
    P(c + 0) P(c + 1) P(c + 2) P(c + 3) P(c + 4) P(c + 5) P(c + 6) P(c + 7) \
    P(c + 8) P(c + 9) P(c + 10) P(c + 11) P(c + 12) P(c + 13) P(c + 14) P(c + 15)
#define P(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\'),
static const unsigned char plain_byte[256] = {
    PLAIN16(0x00) PLAIN16(0x10) PLAIN16(0x20) PLAIN16(0x30)
    PLAIN16(0x40) PLAIN16(0x50) PLAIN16(0x60) PLAIN16(0x70)
};
#undef P
#undef PLAIN16

/*
** A string at ck->p (the opening quote).  If key is not NULL, also return
** its unescaped bytes (pointing into the text when there are no escapes).
*/
static int
scan_string(checker *ck, const char **key, size_t *keylen)
{
    const char *start = ck->p, *p = start + 1;
    int escaped = 0;
    char why[128];
    for (;;) {
        /* Plain ASCII is most of every record: skip it in a tight loop. */
        while (plain_byte[(unsigned char)*p])
            p++;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\0')
            return json_fail_at(ck, (size_t)(start - ck->buf), "unterminated string");
        if (c == '\n' || c == '\r')
            return json_fail_at(ck, (size_t)(p - ck->buf),
                           "line break in string (missing closing quote?)");
        if (c < 0x20)
            return json_fail_at(ck, (size_t)(p - ck->buf),
                           "control character U+%04X in string (write it as an escape)", c);
        if (c == '\\') {
            escaped = 1;
            char e = p[1];
            if (e == 'u') {
                if (check_u_escape(ck, &p) < 0)
                    return -1;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                p += 2;
            } else if (e > 0x20 && e < 0x7f) {
                return json_fail_at(ck, (size_t)(p - ck->buf), "invalid escape '\\%c'", e);
            } else {
                return json_fail_at(ck, (size_t)(p - ck->buf), "invalid escape");
            }
            continue;
        }
        int n = json_utf8_seq((const unsigned char *)p, why, sizeof why);
        if (n == 0)
            return json_fail_at(ck, (size_t)(p - ck->buf), "%s", why);
        p += n;
    }
    if (key) {
        if (escaped) {
            *key = json_unescape(ck->tmp, start + 1, p, keylen);
        } else {
            *key = start + 1;
            *keylen = (size_t)(p - start - 1);
        }
    }
    ck->p = p + 1;
    return 0;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 8259 s6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, finite. */
static int
scan_number(checker *ck)
{
    const char *start = ck->p, *p = start;
    size_t off = (size_t)(start - ck->buf);
    if (*p == '-')
        p++;
    if (!is_digit(*p))
        return json_fail_at(ck, off, "invalid number (digit expected after '-')");
    const char *int_start = p;
    /* Only a negative number below 1 (or with a huge negative exponent,
    ** see below) can read as -0, which must become 0. */
    if (*start == '-' && *p == '0')
        ck->maybe_neg_zero = 1;
    if (*p == '0') {
        p++;
        if (is_digit(*p))
            return json_fail_at(ck, off, "invalid number (leading zero)");
    } else {
        while (is_digit(*p))
            p++;
    }
    long magnitude = (long)(p - int_start);     /* value < 10^magnitude */
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return json_fail_at(ck, off, "invalid number (digit expected after '.')");
        while (is_digit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        int neg = *p == '-';
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return json_fail_at(ck, off, "invalid number (digit expected in exponent)");
        long e = 0;
        while (is_digit(*p)) {
            if (e < 100000)
                e = e * 10 + (*p - '0');
            p++;
        }
        magnitude += neg ? -e : e;
        if (*start == '-' && neg && e > 300)
            ck->maybe_neg_zero = 1;
    }
    size_t n = (size_t)(p - start);
    if (n > MAX_NUMBER_LEN)
        return json_fail_at(ck, off, "number too long (%zu characters)", n);
    /* Below 10^308 a number cannot overflow a double (DBL_MAX is 1.8e308):
    ** only the rare one above needs strtod to tell. */
    if (magnitude <= 308) {
        ck->p = p;
        return 0;
    }
    /* strtod on a copy: the text after the token could extend it ("0x1"). */
    char small[64], *copy = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(copy, start, n);
    copy[n] = '\0';
    double v = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    if (!isfinite(v))
        return json_fail_at(ck, off, "number out of range");
    ck->p = p;
    return 0;
}

static int
is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

/* true, false, null; anything else that starts a word is named in full. */
static int
scan_literal(checker *ck)
{
    static const char *const words[] = { "true", "false", "null" };
    const char *p = ck->p;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(p, words[i], n) == 0 && !is_word_char(p[n])) {
            ck->p = p + n;
            return 0;
        }
    }
    if (!is_word_char(*p))
        return fail_unexpected(ck, "expected a value");
    size_t n = 0;
    while (is_word_char(p[n]))
        n++;
    return json_fail_at(ck, (size_t)(p - ck->buf), "expected a value, found '%.*s%s'",
                   (int)(n > 20 ? 20 : n), p, n > 20 ? "..." : "");
}

/* ---------------------------------------------------------------- key set */

/* Double a table in the arena; unlike arena_grow, leave the new part
** as it is (it is written before it is read). */
static void *
grow_table(arena *a, void *old, size_t n, size_t newcap, size_t elsize)
{
    void *p = arena_alloc_raw(a, newcap * elsize);
    if (n)
        memcpy(p, old, n * elsize);
    return p;
}

static uint32_t
key_hash(unsigned serial, const char *key, size_t len)
{
    uint32_t h = 2166136261u ^ serial;
    h *= 16777619u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

static void
keyset_grow(checker *ck)
{
    size_t n = ck->nslots ? 2 * ck->nslots : 64;
    uint32_t *slots = arena_alloc(ck->tmp, n * sizeof *slots);
    for (size_t i = 0; i < ck->nkeys; i++) {
        size_t j = ck->keys[i].hash & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    ck->slots = slots;
    ck->nslots = n;
}

/* The hash set: the key with hash h of object serial, or NULL and it is
** added. */
static const key_entry *
keyset_put(checker *ck, unsigned serial, uint32_t h, const char *key, size_t len,
           size_t off)
{
    if (2 * (ck->nkeys + 1) > ck->nslots)
        keyset_grow(ck);
    size_t j = h & (ck->nslots - 1);
    while (ck->slots[j]) {
        const key_entry *k = &ck->keys[ck->slots[j] - 1];
        if (k->hash == h && k->serial == serial && k->len == len
            && memcmp(k->key, key, len) == 0)
            return k;
        j = (j + 1) & (ck->nslots - 1);
    }
    if (ck->nkeys == ck->capkeys) {
        size_t cap = ck->capkeys ? 2 * ck->capkeys : 256;
        ck->keys = grow_table(ck->tmp, ck->keys, ck->nkeys, cap, sizeof *ck->keys);
        ck->capkeys = cap;
    }
    ck->keys[ck->nkeys] = (key_entry){ serial, h, key, len, off };
    ck->slots[j] = (uint32_t)++ck->nkeys;
    return NULL;
}

/* Add a key of object serial; return the earlier entry if it is there. */
static const key_entry *
keyset_add(checker *ck, unsigned serial, const char *key, size_t len, size_t off)
{
    return keyset_put(ck, serial, key_hash(serial, key, len), key, len, off);
}

/*
** A key of the innermost object f: the earlier one if f has it already,
** else NULL and the key is remembered.  Compared with the object's other
** keys one by one while it has few, through the hash set after that.
*/
static const key_entry *
key_seen(checker *ck, frame *f, const char *key, size_t len, size_t off)
{
    if (f->hashed)
        return keyset_add(ck, f->serial, key, len, off);
    for (size_t i = f->first_key; i < ck->nopen; i++) {
        const key_entry *k = &ck->open_keys[i];
        if (k->len == len && memcmp(k->key, key, len) == 0)
            return k;
    }
    if (ck->nopen - f->first_key == LINEAR_KEYS) {
        /* A big object: from now on, the hash set. */
        for (size_t i = f->first_key; i < ck->nopen; i++) {
            const key_entry *k = &ck->open_keys[i];
            keyset_add(ck, f->serial, k->key, k->len, k->off);
        }
        ck->nopen = f->first_key;
        f->hashed = 1;
        return keyset_add(ck, f->serial, key, len, off);
    }
    if (ck->nopen == ck->capopen) {
        size_t cap = ck->capopen ? 2 * ck->capopen : 64;
        ck->open_keys = grow_table(ck->tmp, ck->open_keys, ck->nopen, cap,
                                   sizeof *ck->open_keys);
        ck->capopen = cap;
    }
    ck->open_keys[ck->nopen++] = (key_entry){ f->serial, 0, key, len, off };
    return NULL;
}

/* ---------------------------------------------------------------- grammar */

/* An object key at ck->p, then ':'. */
static int
check_key(checker *ck, int after_comma)
{
    frame *f = &ck->stack[ck->depth - 1];
    size_t off = (size_t)(ck->p - ck->buf);
    const char *key;
    size_t len;
    f->key = NULL;
    if (*ck->p != '"') {
        if (after_comma && *ck->p == '}')
            return json_fail_at(ck, off, "trailing comma in object");
        return fail_unexpected(ck, after_comma ? "expected string key after ','"
                                               : "expected string key or '}'");
    }
    if (scan_string(ck, &key, &len) < 0)
        return -1;
    const key_entry *first = key_seen(ck, f, key, len, off);
    if (first) {
        char shown[KEY_SHOW + 8];
        int fl, fc;
        json_locate(ck->doc, first->off, &fl, &fc);
        show_key(key, len, shown, sizeof shown);
        return json_fail_at(ck, off, "duplicate key '%s' (first at %d:%d)", shown, fl, fc);
    }
    f->key = key;
    f->keylen = len;
    json_skip_ws(ck);
    if (*ck->p != ':')
        return fail_unexpected(ck, "expected ':' after object key");
    ck->p++;
    return 0;
}

static int
open_container(checker *ck, char kind)
{
    size_t off = (size_t)(ck->p - ck->buf);
    if (ck->depth == JSON_MAX_DEPTH)
        return json_fail_at(ck, off, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    frame *f = &ck->stack[ck->depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->off = off;
    f->first_key = ck->nopen;
    if (kind == '{')
        f->serial = ++ck->nobjects;
    ck->p++;
    return 0;
}

/* An object's keys are forgotten when it closes. */
static void
close_container(checker *ck)
{
    ck->nopen = ck->stack[--ck->depth].first_key;
}

/* End of input inside a container: point at the end, name the opener. */
static int
fail_unclosed(checker *ck)
{
    const frame *f = &ck->stack[ck->depth - 1];
    int l, c;
    json_locate(ck->doc, f->off, &l, &c);
    return json_fail_at(ck, (size_t)(ck->p - ck->buf),
                   "unexpected end of input ('%c' at %d:%d is not closed)", f->kind, l, c);
}

enum { S_VALUE, S_KEY, S_KEY_AFTER_COMMA, S_AFTER };

/* The whole text, from the first non-blank byte. */
int
json_check_text(checker *ck)
{
    int state = S_VALUE;
    for (;;) {
        json_skip_ws(ck);
        if (*ck->p == '\0' && ck->depth > 0)
            return fail_unclosed(ck);
        if (state == S_KEY || state == S_KEY_AFTER_COMMA) {
            if (check_key(ck, state == S_KEY_AFTER_COMMA) < 0)
                return -1;
            state = S_VALUE;
        } else if (state == S_VALUE) {
            char c = *ck->p;
            if (c == '{' || c == '[') {
                if (open_container(ck, c) < 0)
                    return -1;
                json_skip_ws(ck);
                if (*ck->p == (c == '{' ? '}' : ']')) {
                    ck->p++;
                    close_container(ck);
                    state = S_AFTER;
                } else {
                    state = c == '{' ? S_KEY : S_VALUE;
                }
                continue;
            }
            int rc;
            if (c == '"')
                rc = scan_string(ck, NULL, NULL);
            else if (c == '-' || is_digit(c))
                rc = scan_number(ck);
            else if (c == '\0')
                rc = json_fail_at(ck, (size_t)(ck->p - ck->buf),
                             "unexpected end of input (expected a value)");
            else
                rc = scan_literal(ck);
            if (rc < 0)
                return -1;
            state = S_AFTER;
        } else if (ck->depth == 0) {
            if (*ck->p != '\0')
                return fail_unexpected(ck, "expected end of input after the JSON value");
            return 0;
        } else {
            frame *f = &ck->stack[ck->depth - 1];
            char close = f->kind == '{' ? '}' : ']';
            if (*ck->p == close) {
                ck->p++;
                close_container(ck);
            } else if (*ck->p == ',') {
                ck->p++;
                if (f->kind == '{') {
                    state = S_KEY_AFTER_COMMA;
                } else {
                    json_skip_ws(ck);
                    f->index++;
                    if (*ck->p == ']')
                        return json_fail_at(ck, (size_t)(ck->p - ck->buf), "trailing comma in array");
                    state = S_VALUE;
                }
            } else {
                return fail_unexpected(ck, f->kind == '{'
                                       ? "expected ',' or '}' after object member"
                                       : "expected ',' or ']' after array element");
            }
        }
    }
}

/*
** Before the grammar: encodings the grammar would report confusingly.
** UTF-32/16 by BOM or by the RFC 4627 NUL pattern of the first bytes,
** then any NUL at all.
*/
int
json_check_encoding(checker *ck, size_t len)
{
    const unsigned char *b = (const unsigned char *)ck->buf;
    const char *enc = NULL;
    if (len >= 4 && ((b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
                     || (b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)))
        enc = "UTF-32";
    else if (len >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)))
        enc = "UTF-16";
    else if (len >= 4 && ((b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3])
                          || (b[0] && b[1] == 0 && b[2] == 0 && b[3] == 0)))
        enc = "UTF-32";
    else if (len >= 4 && ((b[0] == 0 && b[1] && b[2] == 0 && b[3])
                          || (b[0] && b[1] == 0 && b[2] && b[3] == 0)))
        enc = "UTF-16";
    else if (len == 2 && ((b[0] == 0 && b[1]) || (b[0] && b[1] == 0)))
        enc = "UTF-16";
    if (enc)
        return json_fail_at(ck, 0, "file is %s; save as UTF-8", enc);
    const char *nul = memchr(ck->buf, '\0', len);
    if (nul) {
        /* The grammar has not run, so find the lines before the NUL here. */
        for (const char *p = ck->buf; p < nul; p++)
            if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
                json_add_line(ck->doc, (size_t)(p + 1 - ck->buf));
        return json_fail_at(ck, (size_t)(nul - ck->buf), "NUL byte");
    }
    return 0;
}
