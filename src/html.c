/*
** html.c -- the HTML report: page, patient sections, index (see html.h).
**
** One self-contained page: inline CSS and SVG, no script, no reference to
** anything outside it (no URL, no font, no image file), so that it can be
** mailed, archived and opened offline, and cannot leak that it was opened.
** Colours are the Okabe-Ito palette, and every verdict and result also
** differs in lightness and pattern and is written out in words, so the
** page reads the same in greyscale, to colour-blind readers and on paper
** (@media print: A4, one patient per page).
**
** Safety: every string from a record or a criteria file goes through
** html_escape, in text and in attribute values alike (both are always
** double-quoted), so a record id "<script>" is text.  Bytes that are not
** UTF-8 and control characters become U+FFFD.
**
** The data-* hooks (docs/html.md) let a machine check the picture: badges
** carry the verdict, rows the result, times are RFC 3339 as in the NDJSON.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decide.h"
#include "eval.h"
#include "html.h"
#include "recview.h"
#include "timeutil.h"
#include "units.h"
#include "verdict.h"

static outbuf *criteria_cells(const trial *t);
static outbuf *criteria_notes(const trial *t);
static outbuf *criteria_rows(const trial *t, const outbuf *cells,
                             const outbuf *notes);
static outbuf *trial_heads(const trial *t);

/* html_ctx's heads: per trial, its section's opening, then its criteria
** table's head as in one page and as in --html-dir (h->dir is set after
** html_new). */
enum { HEAD_SECTION, HEAD_TABLE, HEAD_TABLE_DIR, HTML_HEADS };

/* html_ctx's rows: per criterion one opening per result and deciding,
** then its item in the list of deciding criteria. */
#define HTML_ROW_OPENS 7

static inline int
html_row_open(int crit, tv v, int decides)
{
    return crit * HTML_ROW_OPENS + (int)v * 2 + (decides != 0);
}

static inline int
html_row_li(int crit)
{
    return crit * HTML_ROW_OPENS + 6;
}

html_ctx *
html_new(const trialset *ts, const vocab *v)
{
    html_ctx *h = xcalloc(1, sizeof *h);
    h->ts = ts;
    h->v = v;
    h->ntrials = trialset_count(ts);
    h->clock = xcalloc((size_t)h->ntrials + 1, sizeof *h->clock);
    h->panels = xcalloc((size_t)h->ntrials + 1, sizeof *h->panels);
    h->cells = xcalloc((size_t)h->ntrials + 1, sizeof *h->cells);
    h->notes = xcalloc((size_t)h->ntrials + 1, sizeof *h->notes);
    h->rows = xcalloc((size_t)h->ntrials + 1, sizeof *h->rows);
    h->heads = xcalloc((size_t)h->ntrials + 1, sizeof *h->heads);
    for (int j = 0; j < h->ntrials; j++) {
        h->clock[j] = trial_clock_new(trialset_at(ts, j), v);
        h->panels[j] = html_panels_new(trialset_at(ts, j));
        h->cells[j] = criteria_cells(trialset_at(ts, j));
        h->notes[j] = criteria_notes(trialset_at(ts, j));
        h->rows[j] = criteria_rows(trialset_at(ts, j), h->cells[j], h->notes[j]);
        h->heads[j] = trial_heads(trialset_at(ts, j));
    }
    return h;
}

void
html_free(html_ctx *h)
{
    if (!h)
        return;
    for (int j = 0; j < h->ntrials; j++) {
        trial_clock_free(h->clock[j]);
        html_panels_free(h->panels[j]);
        for (int i = 0; i < trialset_at(h->ts, j)->ncrit; i++) {
            outbuf_release(&h->cells[j][i]);
            outbuf_release(&h->notes[j][i]);
        }
        for (int k = 0; k < trialset_at(h->ts, j)->ncrit * HTML_ROW_OPENS; k++)
            outbuf_release(&h->rows[j][k]);
        free(h->cells[j]);
        free(h->notes[j]);
        free(h->rows[j]);
        for (int k = 0; k < HTML_HEADS; k++)
            outbuf_release(&h->heads[j][k]);
        free(h->heads[j]);
    }
    free(h->cells);
    free(h->notes);
    free(h->rows);
    free(h->heads);
    free(h->clock);
    free(h->panels);
    free(h);
}

/*
** {======================================================================
** Escaping and numbers
** =======================================================================
*/

/* Length of the valid UTF-8 sequence at s (2-4 bytes, s[0] >= 0x80), or
** 0 when it is not one (overlong, surrogate, beyond U+10FFFF). */
static int
utf8_len(const unsigned char *s)
{
    unsigned c = s[0], cp, min;
    int n;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
        || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return n;
}

/*
** 1 for the bytes html_escape copies as they are: printable ASCII but
** & < > " '.  A table, one load a byte, not five comparisons: this loop
** sees every escaped byte of every page.  NUL is 0, so a scan stops there.
*/
static const unsigned char plain[256] = {
    /* 0x20: space ! " # $ % & ' ( ) * + , - . / */
    [0x20] = 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x30: 0 - 9 : ; < = > ? */
    [0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
    [0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    [0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x70: p - z { | } ~, not DEL */
    [0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

void
html_escape(outbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        /* four bytes a round, one pointer step: the scan is most of the
        ** instructions of escaping, and q[i] is read only after q[i - 1]
        ** was plain, so never past the NUL */
        const unsigned char *q = p;
        for (;; q += 4) {
            if (!plain[q[0]])
                break;
            if (!plain[q[1]]) {
                q += 1;
                break;
            }
            if (!plain[q[2]]) {
                q += 2;
                break;
            }
            if (!plain[q[3]]) {
                q += 3;
                break;
            }
        }
        outbuf_put(b, (const char *)p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        int n;
        switch (*p) {
        case '&':  html_lit(b, "&amp;"); n = 1; break;
        case '<':  html_lit(b, "&lt;"); n = 1; break;
        case '>':  html_lit(b, "&gt;"); n = 1; break;
        case '"':  html_lit(b, "&quot;"); n = 1; break;
        case '\'': html_lit(b, "&#39;"); n = 1; break;
        case '\t': case '\n': outbuf_put(b, (const char *)p, 1); n = 1; break;
        default:
            n = *p >= 0x80 ? utf8_len(p) : 0;
            if (n > 0) {
                outbuf_put(b, (const char *)p, (size_t)n);
            } else {
                html_lit(b, "\xef\xbf\xbd");     /* U+FFFD */
                n = 1;
            }
        }
        p += n;
    }
}

/* "00" to "99": numbers are written two digits a division. */
static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Digits of v (0 <= v < 10^width) into p, zero-padded. */
static void
digits(char *p, long v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

/* The dates html_time wrote, "YYYY-MM-DDT", per thread, day d's in slot
** d % 4: a page's thousands of times fall on a few days, and the calendar
** arithmetic of each was most of html_time's instructions.  One slot (the
** date written last) missed for every other time of a bar or a window,
** whose start and end are on different days. */
typedef struct date_memo {
    int set;
    int64_t day;                /* days since 1970-01-01 */
    char ymd[11];
} date_memo;
static _Thread_local date_memo dates[4];

/* Day's "YYYY-MM-DDT" (t a time on it) from the memo, made there if it
** is not; NULL when its year has not four digits. */
static const char *
date_text(ts_time t, int64_t day)
{
    date_memo *m = &dates[day & 3];
    if (!m->set || m->day != day) {
        int y, mo, d;
        ts_to_civil(t, &y, &mo, &d, NULL, NULL, NULL);
        if (y < 0 || y > 9999)
            return NULL;
        memcpy(m->ymd, "0000-00-00T", sizeof m->ymd);
        digits(m->ymd, y, 4);
        digits(m->ymd + 5, mo, 2);
        digits(m->ymd + 8, d, 2);
        m->day = day;
        m->set = 1;
    }
    return m->ymd;
}

/* t's "YYYY-MM-DDT" from the memo (date_text) and its second of the day
** in *sec; NULL when its year has not four digits. */
static inline const char *
day_split(ts_time t, unsigned *sec)
{
    int64_t day = t / TS_DAY, rem = t % TS_DAY;
    if (rem < 0)
        rem += TS_DAY, day--;
    *sec = (unsigned)rem;
    return date_text(t, day);
}

/* ts_format's text, without printf: a page prints thousands of times. */
void
html_time(outbuf *b, ts_time t)
{
    unsigned s;
    const char *ymd = day_split(t, &s);
    if (!ymd) {
        char buf[TS_FMT_LEN];
        ts_format(t, buf);
        outbuf_puts(b, buf);
        return;
    }
    /* the time of day straight into b, two digits a division */
    if (b->len + 21 > b->cap)
        outbuf_grow(b, 20);
    char *p = b->p + b->len;
    memcpy(p, ymd, 11);
    memcpy(p + 11, pairs + 2 * (s / 3600), 2);
    p[13] = ':';
    memcpy(p + 14, pairs + 2 * (s / 60 % 60), 2);
    p[16] = ':';
    memcpy(p + 17, pairs + 2 * (s % 60), 2);
    p[19] = 'Z';
    b->len += 20;
    b->p[b->len] = '\0';
}

/*
** A coordinate of the page, 0 <= v < 40,000,000: hundredths in 32 bits,
** whose divisions by 10 are cheaper, written straight into the buffer at
** p, which has room (no copy of a few bytes through memcpy: a page has
** thousands of numbers, and this was a tenth of the timeline's
** instructions); the same digits as html_num's general way.  Returns the
** length.  p has room for NUM_SMALL_MAX bytes: the point and both
** decimals are always written, past the length when they are not shown,
** which takes fewer instructions than deciding.
*/
#define NUM_SMALL_MAX 11        /* 8 digits, a point and 2 decimals */

static size_t
num_small_into(char *p, double v)
{
    uint32_t c = (uint32_t)(v * 100 + 0.5), u = c / 100, frac = c % 100;
    int nd = u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 : u < 10000 ? 4 : u < 100000 ? 5
             : u < 1000000 ? 6 : u < 10000000 ? 7 : 8;
    size_t n = (size_t)nd + (frac == 0 ? 0 : frac % 10 ? 3 : 2);
    int i = nd;
    for (; u >= 100; u /= 100, i -= 2) {
        p[i - 1] = pairs[2 * (u % 100) + 1];
        p[i - 2] = pairs[2 * (u % 100)];
    }
    if (u >= 10) {
        p[1] = pairs[2 * u + 1];
        p[0] = pairs[2 * u];
    } else {
        p[0] = (char)('0' + u);
    }
    p[nd] = '.';
    memcpy(p + nd + 1, pairs + 2 * frac, 2);
    return n;
}

/* Two digits at a time, straight into buf: a timeline writes tens of
** thousands of whole y, and a digit a division was 90 instructions one. */
size_t
html_whole(char *buf, unsigned v)
{
    size_t n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
               : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    for (size_t i = n; v >= 100; v /= 100, i -= 2)
        memcpy(buf + i - 2, pairs + 2 * (v % 100), 2);
    if (v >= 10)
        memcpy(buf, pairs + 2 * v, 2);
    else
        buf[0] = (char)('0' + v);
    return n;
}

static void
html_num_small(outbuf *b, double v)
{
    if (b->len + NUM_SMALL_MAX + 1 > b->cap)
        outbuf_grow(b, NUM_SMALL_MAX);
    b->len += num_small_into(b->p + b->len, v);
    b->p[b->len] = '\0';
}

/* open[0..n), v as html_num writes it and '"': a timeline has tens of
** thousands, each three appends before. */
void
html_attr_num(outbuf *b, const char *open, size_t n, double v)
{
    if (!(v >= 0 && v < 4e7)) {
        outbuf_put(b, open, n);
        html_num(b, v);
        outbuf_put(b, "\"", 1);
        return;
    }
    if (b->len + n + NUM_SMALL_MAX + 2 > b->cap)
        outbuf_grow(b, n + NUM_SMALL_MAX + 1);
    char *p = b->p + b->len;
    memcpy(p, open, n);
    size_t k = n + num_small_into(p + n, v);
    p[k++] = '"';
    b->len += k;
    b->p[b->len] = '\0';
}

void
html_num(outbuf *b, double v)
{
    char buf[48];
    if (v >= 0 && v < 4e7) {        /* nearly every number of a page */
        html_num_small(b, v);
        return;
    }
    if (!(v > -1e15 && v < 1e15)) {        /* huge or NaN: printf's way */
        snprintf(buf, sizeof buf, "%.2f", v);
        outbuf_puts(b, buf);
        return;
    }
    long long c = llround(v * 100);     /* hundredths, rounded */
    char *p = buf + sizeof buf;
    int neg = c < 0;
    unsigned long long u = neg ? (unsigned long long)-c : (unsigned long long)c;
    unsigned frac = (unsigned)(u % 100);
    u /= 100;
    if (frac % 10)
        *--p = (char)('0' + frac % 10), *--p = (char)('0' + frac / 10), *--p = '.';
    else if (frac)
        *--p = (char)('0' + frac / 10), *--p = '.';
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (neg)
        *--p = '-';
    outbuf_put(b, p, (size_t)(buf + sizeof buf - p));
}

/* A short time for people: "2026-03-01 09:45" (UTC).  Its date from
** html_time's memo: the evidence of a table falls on a few days, and the
** calendar arithmetic was half of this function's instructions. */
void
html_short_time(outbuf *b, ts_time t)
{
    unsigned sec;
    const char *ymd = day_split(t, &sec);
    if (!ymd) {
        int y, mo, d, h, mi, s;
        ts_to_civil(t, &y, &mo, &d, &h, &mi, &s);
        outbuf_printf(b, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
        return;
    }
    if (b->len + 17 > b->cap)
        outbuf_grow(b, 16);
    char *p = b->p + b->len;
    memcpy(p, ymd, 10);
    p[10] = ' ';
    memcpy(p + 11, pairs + 2 * (sec / 3600), 2);
    p[13] = ':';
    memcpy(p + 14, pairs + 2 * (sec / 60 % 60), 2);
    b->len += 16;
    b->p[b->len] = '\0';
}

/* }====================================================================== */

/*
** {======================================================================
** Page
** =======================================================================
*/

/* Okabe-Ito: bluish green #009E73 (met, eligible: solid), vermillion
** #D55E00 (not met, ineligible: hatched, so lighter on average and
** striped), yellow #F0E442 (unknown, incomplete: light, dotted). */
static const char page_style[] =
"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
"color:#111;background:#fff;margin:0 auto;padding:12px 20px;max-width:1240px}\n"
"h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:6px 0}"
"h3{font-size:16px;margin:14px 0 4px}\n"
"section.patient{border-top:3px solid #333;margin-top:18px;padding-top:6px}\n"
"header.patient-head dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:4px 0}\n"
"header.patient-head dt{font-weight:600}header.patient-head dd{margin:0}\n"
"header.patient-head div{display:flex;gap:6px}\n"
"section.trial{margin:10px 0 18px;padding-left:8px;border-left:4px solid #ccc}\n"
".badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:700;"
"font-size:13px;border:2px solid #000;vertical-align:middle;margin-left:8px}\n"
".badge[data-verdict=eligible]{background:#009E73;color:#fff;border-color:#005f45}\n"
".badge[data-verdict=ineligible]{background:repeating-linear-gradient(45deg,#fff 0 4px,"
"#f6c7a6 4px 8px);color:#7a2e00;border-color:#D55E00;border-style:dashed}\n"
".badge[data-verdict=incomplete]{background:#F0E442;color:#111;border-color:#8a8000;"
"border-style:dotted}\n"
".deciding{margin:4px 0}.deciding ul{margin:2px 0 2px 18px;padding:0}\n"
".eligible-since,.window-text{margin:2px 0}\n"
"table{border-collapse:collapse;margin:6px 0;font-size:13px}\n"
"th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}\n"
"thead th{background:#eee}\n"
"table.criteria{width:100%}table.criteria td.text{max-width:420px;min-width:260px}\n"
"table.criteria .note{display:block;color:#555;font-size:12px}\n"
"td.result{font-weight:700;white-space:nowrap}\n"
"tr[data-effect=ok] td.result{background:#009E73;color:#fff}\n"
"tr[data-effect=blocks] td.result{background:repeating-linear-gradient(45deg,#fff 0 4px,"
"#f6c7a6 4px 8px);color:#7a2e00}\n"
"tr[data-effect=unknown] td.result{background:#F0E442;color:#111}\n"
"tr.decides td:first-child{border-left:4px solid #000}\n"
"td.ev{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}\n"
"svg.timeline{display:block;max-width:100%;height:auto;margin:6px 0;"
"font:11px system-ui,Helvetica,Arial,sans-serif}\n"
"svg text{fill:#111}svg .muted{fill:#555}\n"
"svg .panel{fill:#fafafa;stroke:#ccc;x:170px;width:1010px;height:72px}\n"
"svg polyline.values{fill:none;stroke:#0072B2;stroke-width:1.5}\n"
"svg polyline.samples{marker:url(#ts-dot)}svg polyline.samples:not(.values){fill:none;stroke:none}\n"
"svg g.series[data-concept=vis] polyline.values{stroke:#CC79A7}\n"
"svg g.series[data-concept=vis] polyline.samples{marker:url(#ts-dot-vis)}\n"
"svg line.threshold{stroke:#000;stroke-width:1.2;stroke-dasharray:6 3}\n"
"svg rect.bar{fill:#56B4E9;stroke:#1b6a95}\n"
"svg rect.stay{fill:#E69F00;fill-opacity:.55;stroke:#8a5d00}\n"
"svg rect.window{fill:#0072B2;fill-opacity:.10;stroke:#0072B2;stroke-dasharray:2 2}\n"
/* Sizes shared by every element of a kind, from htmltimeline.c's layout
** (TL_ROW, TL_PANEL, TL_X0, TL_X1): there once rather than on each. */
"svg rect.bar,svg rect.stay,svg rect.stretch{height:12px}\n"
"svg rect.stretch,svg rect.at-now{stroke:#333;stroke-width:.5}\n"
"svg rect.at-now{width:8px;height:14px}\n"
/* A stretch's colour is what its result does to the verdict (data-effect
** of the table rows): class x marks an exclusion's row, where met is
** against the patient. */
"svg rect[data-result=met],svg rect.x[data-result=not_met],"
"svg rect[data-result=eligible]{fill:#009E73}\n"
"svg rect[data-result=not_met],svg rect.x[data-result=met],"
"svg rect[data-result=ineligible]{fill:url(#ts-hatch)}\n"
"svg rect[data-result=unknown],svg rect[data-result=incomplete]"
"{fill:url(#ts-dots)}\n"
"svg line.now{stroke:#000;stroke-width:2}\n"
"svg g.axis path{stroke:#999}svg g.axis text{text-anchor:middle}\n"
"svg .e{text-anchor:end}svg g.axis text.s{text-anchor:start}\n"
".legend span{display:inline-block;margin-right:14px}\n"
".sw{display:inline-block;width:22px;height:11px;border:1px solid #333;vertical-align:middle;"
"margin-right:4px}\n"
".sw.met{background:#009E73}.sw.not_met{background:repeating-linear-gradient(45deg,#fff 0 3px,"
"#D55E00 3px 6px)}.sw.unknown{background:radial-gradient(#8a8000 25%,#F0E442 30%);"
"background-size:5px 5px}\n"
"nav{margin:6px 0}\n"
"@page{size:A4;margin:12mm}\n"
"@media print{body{max-width:none;padding:0;font-size:11px}"
"section.patient{break-before:page;border-top:none}"
"svg.timeline,svg.funnel,tr{break-inside:avoid}nav{display:none}"
"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Patterns, defined once per page: the stretches refer to them. */
static const char page_defs[] =
"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">"
"<defs>"
"<pattern id=\"ts-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
"<rect width=\"3\" height=\"6\" fill=\"#D55E00\"/></pattern>"
"<pattern id=\"ts-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
"<rect width=\"5\" height=\"5\" fill=\"#F0E442\"/>"
"<circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" fill=\"#6b6300\"/></pattern>"
"<marker id=\"ts-dot\" markerWidth=\"6\" markerHeight=\"6\" refX=\"3\" refY=\"3\" "
"markerUnits=\"userSpaceOnUse\"><circle cx=\"3\" cy=\"3\" r=\"2.5\" fill=\"#0072B2\"/></marker>"
"<marker id=\"ts-dot-vis\" markerWidth=\"6\" markerHeight=\"6\" refX=\"3\" refY=\"3\" "
"markerUnits=\"userSpaceOnUse\"><circle cx=\"3\" cy=\"3\" r=\"2.5\" fill=\"#CC79A7\"/></marker>"
"</defs></svg>\n";

/* The index's rules (matrix, funnels, notes): not on --html-dir's patient
** pages, which have no index (800 bytes a page). */
static const char index_style[] =
"table.matrix td[data-verdict=eligible]{background:#009E73;color:#fff;font-weight:700}\n"
"table.matrix td[data-verdict=ineligible]{color:#7a2e00}\n"
"table.matrix td[data-verdict=incomplete]{background:#F0E442}\n"
"table.matrix td a{color:inherit}\n"
"svg.funnel{display:block;max-width:100%;height:auto;font:12px system-ui,Helvetica,Arial,sans-serif}\n"
"svg rect.funnel-step{fill:#D55E00}svg rect.funnel-unknown{fill:#F0E442;stroke:#8a8000}\n"
"svg rect.funnel-total{fill:#999}svg rect.funnel-eligible{fill:#009E73}\n"
"table.notes{width:100%}table.notes caption{text-align:left;font-weight:700;margin:8px 0 2px}\n"
;

void
html_page_begin(outbuf *b, const char *title, int with_index)
{
    outbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, "
                   "initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"trialscreen " TS_VERSION "\">\n"
                   "<title>");
    html_escape(b, title);
    html_lit(b, "</title>\n<style>\n");
    outbuf_puts(b, page_style);
    if (with_index)
        outbuf_puts(b, index_style);
    html_lit(b, "</style>\n</head>\n<body>\n");
    outbuf_puts(b, page_defs);
}

void
html_page_end(outbuf *b)
{
    html_lit(b, "</body>\n</html>\n");
}

/* }====================================================================== */

/*
** {======================================================================
** Patient section
** =======================================================================
*/

const char *
html_effect(tv v, int exclusion)
{
    if (v == TV_UNKNOWN)
        return "unknown";
    return (v == TV_MET) != (exclusion != 0) ? "ok" : "blocks";
}

static const char *
verdict_word(verdict v)
{
    return v == V_ELIGIBLE ? "Eligible" : v == V_INELIGIBLE ? "Ineligible"
                                                            : "Incomplete";
}

static const char *
sex_word(sex s)
{
    switch (s) {
    case SEX_FEMALE: return "female";
    case SEX_MALE:   return "male";
    case SEX_OTHER:  return "other";
    case SEX_UNKNOWN: return "unknown";
    case SEX_NONE:   break;
    }
    return "not given";
}

static const char *
at_word(at_source s)
{
    switch (s) {
    case AT_CLI:    return "--at";
    case AT_AS_OF:  return "as_of";
    case AT_LATEST: return "latest data";
    }
    return "";
}

/* The axis: from the first data (at most HTML_SPAN_BACK before the
** screening time) to the screening time, on whole steps, stretched to
** show the enrolment windows up to HTML_SPAN_AHEAD after it. */
static html_span
patient_span(const record *r, trial_result *const *res, int n)
{
    html_span sp;
    sp.now = record_at(r);
    ts_time first = record_first_time(r);
    if (first == TS_NONE || first < sp.now - HTML_SPAN_BACK)
        first = first == TS_NONE ? sp.now - HTML_STEP : sp.now - HTML_SPAN_BACK;
    ts_time t0 = first - ((first % HTML_STEP) + HTML_STEP) % HTML_STEP;
    if (t0 >= sp.now)
        t0 -= HTML_STEP;
    sp.t0 = t0;
    sp.t1 = sp.now;
    for (int j = 0; j < n; j++) {
        const trial_result *tr = res[j];
        if (!tr->has_window)
            continue;
        ts_time c = tr->closes;
        if (c != TS_NONE && c > sp.t1)
            sp.t1 = c < sp.now + HTML_SPAN_AHEAD ? c : sp.now + HTML_SPAN_AHEAD;
    }
    return sp;
}

static void
attr_time(outbuf *b, const char *name, ts_time t)
{
    outbuf_put(b, " ", 1);
    outbuf_puts(b, name);
    outbuf_put(b, "=\"", 2);
    html_time(b, t);
    outbuf_put(b, "\"", 1);
}

/* "58 years", as printf's "%ld years" writes it. */
static void
put_years(outbuf *b, long years)
{
    if (years < 0 || years > 999999999) {
        outbuf_printf(b, "%ld years", years);
        return;
    }
    char num[10];
    outbuf_put(b, num, html_whole(num, (unsigned)years));
    html_lit(b, " years");
}

/* The patient's header; appends, not printf: three calls were a fifth of
** its instructions. */
static void
patient_head(outbuf *b, const record *r)
{
    ts_time first = record_first_time(r), last = record_last_time(r);
    if (first == TS_NONE)
        first = last = record_at(r);
    html_lit(b, "<header class=\"patient-head\"");
    attr_time(b, "data-first", first);
    attr_time(b, "data-last", last);
    html_lit(b, ">\n<h2>Patient ");
    html_escape(b, record_id(r));
    html_lit(b, "</h2>\n<dl>");
    html_lit(b, "<div><dt>Age</dt><dd>");
    if (r->has_birth)
        put_years(b, ts_age(r->birth_y, r->birth_m, r->birth_d, record_at(r),
                            AGE_YEARS));
    else
        html_lit(b, "not given");
    html_lit(b, "</dd></div><div><dt>Sex</dt><dd>");
    outbuf_puts(b, sex_word(r->sex));
    html_lit(b, "</dd></div><div><dt>Screened at</dt><dd><time datetime=\"");
    html_time(b, record_at(r));
    html_lit(b, "\">");
    html_short_time(b, record_at(r));
    html_lit(b, " UTC</time> (");
    outbuf_puts(b, at_word(r->at_from));
    html_lit(b, ")</dd></div><div><dt>Data</dt><dd>");
    html_short_time(b, first);
    html_lit(b, " to ");
    html_short_time(b, last);
    html_lit(b, "</dd></div><div><dt>Source</dt><dd>");
    html_escape(b, record_source(r));
    if (r->line > 0) {
        char num[10];
        outbuf_put(b, ":", 1);
        outbuf_put(b, num, html_whole(num, (unsigned)r->line));
    }
    html_lit(b, "</dd></div></dl>\n</header>\n");
}

/* The deciding criteria in words: the one-line reason, then each
** deciding criterion with its reason. */
static void
trial_deciding(const html_ctx *h, int j, outbuf *b, const trial_result *tr)
{
    outbuf line = {0};
    decide_line(&line, tr);
    if (line.len == 0) {
        outbuf_release(&line);
        return;
    }
    html_lit(b, "<div class=\"deciding\"><p>");
    outbuf_put(&line, "", 1);
    html_escape(b, line.p);
    outbuf_release(&line);
    html_lit(b, "</p><ul>");
    const trial *t = tr->t;
    for (int i = 0; i < t->ncrit && tr->crit; i++) {
        if (!decide_is_deciding(tr, i))
            continue;
        const outbuf *li = &h->rows[j][html_row_li(i)];
        outbuf_put(b, li->p, li->len);
        const char *why = tr->crit[i] ? result_reason(tr->crit[i]) : NULL;
        html_escape(b, why ? why : "not evaluated");
        html_lit(b, "</li>");
    }
    html_lit(b, "</ul></div>\n");
}

static void
trial_window(outbuf *b, const trial_result *tr)
{
    if (tr->v == V_ELIGIBLE && tr->eligible_since != TS_NONE) {
        html_lit(b, "<p class=\"eligible-since\" data-trial=\"");
        html_escape(b, tr->t->id);
        outbuf_put(b, "\"", 1);
        attr_time(b, "data-time", tr->eligible_since);
        html_lit(b, ">Eligible since ");
        html_short_time(b, tr->eligible_since);
        html_lit(b, " UTC</p>\n");
    }
    if (!tr->has_window)
        return;
    html_lit(b, "<p class=\"window-text\">Enrolment window: ");
    if (tr->opens != TS_NONE)
        html_short_time(b, tr->opens);
    else
        html_lit(b, "not known");
    html_lit(b, " to ");
    if (tr->closes != TS_NONE)
        html_short_time(b, tr->closes);
    else
        html_lit(b, "not known");
    html_lit(b, " UTC</p>\n");
}

/* "58 mm[Hg] (03-01 09:45)" for each piece of evidence. */
static void
crit_reading(outbuf *b, const result *res)
{
    for (int i = 0; res && i < res->nev; i++) {
        const evidence *ev = &res->ev[i];
        if (i > 0)
            html_lit(b, "<br>");
        html_escape(b, ev->code);
        outbuf_put(b, " ", 1);
        html_escape(b, ev->value);
        if (ev->unit) {
            outbuf_put(b, " ", 1);
            html_escape(b, ev->unit);
        }
        if (ev->t != TS_NONE) {
            html_lit(b, " (");
            html_short_time(b, ev->t);
            outbuf_put(b, ")", 1);
        }
    }
}

static void
crit_evidence(outbuf *b, const result *res)
{
    for (int i = 0; res && i < res->nev; i++) {
        if (i > 0)
            html_lit(b, "<br>");
        html_escape(b, res->ev[i].pointer ? res->ev[i].pointer : "");
    }
    if (res && res->nmissing > 0) {
        outbuf_puts(b, res->nev ? "<br>missing: " : "missing: ");
        for (int i = 0; i < res->nmissing; i++) {
            if (i > 0)
                html_lit(b, ", ");
            html_escape(b, res->missing[i]);
        }
    }
}

/*
** The first two cells of each criterion's row (id, kind, registry text,
** how it is read) are the same for every patient and most of the table's
** bytes: escaped once per run.
*/
static outbuf *
criteria_cells(const trial *t)
{
    outbuf *cells = xcalloc((size_t)t->ncrit + 1, sizeof *cells);
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        outbuf *b = &cells[i];
        html_lit(b, "<td>");
        html_escape(b, c->id);
        outbuf_printf(b, "<br><small>%s</small></td><td class=\"text\">",
                      c->exclusion ? "exclusion" : "inclusion");
        html_escape(b, c->text);
    }
    return cells;
}

/*
** How each criterion is read (its note) is the same on every page, and
** was an eighth of a realistic page: a patient's table says it for the
** criteria that decided the verdict only, and the index (at the end of
** a one-file report, index.html of --html-dir) for all, once.
*/
static outbuf *
criteria_notes(const trial *t)
{
    outbuf *notes = xcalloc((size_t)t->ncrit + 1, sizeof *notes);
    for (int i = 0; i < t->ncrit; i++) {
        if (!t->crit[i].note)
            continue;
        outbuf_puts(&notes[i], "<span class=\"note\">Read as: ");
        html_escape(&notes[i], t->crit[i].note);
        outbuf_puts(&notes[i], "</span>");
    }
    return notes;
}

/*
** A row's opening, from '<tr' to the cell of the reading, depends on the
** patient only through the criterion's result and whether it decided the
** verdict: made once per run for each of the six, so that a row starts
** with one copy instead of escaping the criterion's id again and a dozen
** small appends (a sixth of the table's instructions).  The criterion's
** item in the deciding list ('<li><b>ID</b>: ') likewise.
*/
static outbuf *
criteria_rows(const trial *t, const outbuf *cells, const outbuf *notes)
{
    outbuf *rows = xcalloc((size_t)t->ncrit * HTML_ROW_OPENS + 1, sizeof *rows);
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        for (int v = 0; v < 3; v++) {
            for (int decides = 0; decides < 2; decides++) {
                outbuf *b = &rows[html_row_open(i, (tv)v, decides)];
                html_lit(b, "<tr data-criterion=\"");
                html_escape(b, c->id);
                html_lit(b, "\" data-result=\"");
                outbuf_puts(b, tv_name((tv)v));
                html_lit(b, "\" data-effect=\"");
                outbuf_puts(b, html_effect((tv)v, c->exclusion));
                outbuf_puts(b, decides ? "\" class=\"decides\">" : "\">");
                outbuf_put(b, cells[i].p, cells[i].len);
                if (decides)
                    outbuf_put(b, notes[i].p, notes[i].len);
                html_lit(b, "</td><td>");
            }
        }
        outbuf *li = &rows[html_row_li(i)];
        html_lit(li, "<li><b>");
        html_escape(li, c->id);
        html_lit(li, "</b>: ");
    }
    return rows;
}

/* The anchor of trial t's notes in the index: read-ID. */
static void
notes_anchor(outbuf *b, const trial *t)
{
    html_lit(b, "read-");
    html_escape(b, t->id);
}

static int
has_notes(const trial *t)
{
    for (int i = 0; i < t->ncrit; i++)
        if (t->crit[i].note)
            return 1;
    return 0;
}

/* What follows a row's reading up to its reason, by result (tv order). */
static const struct { const char *s; size_t n; } result_cells[3] = {
#define RESULT_CELL(w) { "</td><td class=\"result\">" w "</td><td>", \
                         sizeof("</td><td class=\"result\">" w "</td><td>") - 1 }
    RESULT_CELL("not met"), RESULT_CELL("unknown"), RESULT_CELL("met"),
#undef RESULT_CELL
};

/* A criteria table's head; dir: --html-dir's, whose notes are in index.html. */
static void
table_head(outbuf *b, const trial *t, int dir)
{
    html_lit(b, "<table class=\"criteria\" data-trial=\"");
    html_escape(b, t->id);
    html_lit(b, "\">\n<thead><tr><th>Criterion</th><th>Registry text");
    if (has_notes(t)) {
        outbuf_puts(b, dir ? " (<a href=\"index.html#" : " (<a href=\"#");
        notes_anchor(b, t);
        html_lit(b, "\">how each is read</a>)");
    }
    outbuf_puts(b, "</th><th>Reading</th><th>Result</th><th>Reason</th>"
                   "<th>Evidence</th></tr></thead>\n<tbody>\n");
}

static void
criteria_table(const html_ctx *h, int j, outbuf *b, const trial_result *tr)
{
    const trial *t = tr->t;
    const outbuf *head = &h->heads[j][h->dir ? HEAD_TABLE_DIR : HEAD_TABLE];
    outbuf_put(b, head->p, head->len);
    for (int i = 0; i < t->ncrit; i++) {
        const result *res = tr->crit ? tr->crit[i] : NULL;
        tv v = res ? res->value : TV_UNKNOWN;
        int decides = tr->crit && decide_is_deciding(tr, i);
        const outbuf *open = &h->rows[j][html_row_open(i, v, decides)];
        outbuf_put(b, open->p, open->len);
        crit_reading(b, res);
        outbuf_put(b, result_cells[v].s, result_cells[v].n);
        const char *why = res ? result_reason(res) : NULL;
        html_escape(b, why ? why : "not evaluated");
        html_lit(b, "</td><td class=\"ev\">");
        crit_evidence(b, res);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table>\n");
}

/* "NCT... title", escaped: a trial's heading and caption. */
static void
trial_name(outbuf *b, const trial *t)
{
    html_escape(b, t->id);
    outbuf_put(b, " ", 1);
    html_escape(b, t->title);
}

/*
** What a trial's section and its criteria table start with is the same
** for every patient but the verdict: made once per run, not four escapes
** of the trial's id and title per patient.
*/
static outbuf *
trial_heads(const trial *t)
{
    outbuf *heads = xcalloc(HTML_HEADS, sizeof *heads);
    outbuf *b = &heads[HEAD_SECTION];
    html_lit(b, "<section class=\"trial\" data-trial=\"");
    html_escape(b, t->id);
    html_lit(b, "\">\n<h3>");
    trial_name(b, t);
    html_lit(b, " <span class=\"badge\" data-trial=\"");
    html_escape(b, t->id);
    html_lit(b, "\" data-verdict=\"");
    table_head(&heads[HEAD_TABLE], t, 0);
    table_head(&heads[HEAD_TABLE_DIR], t, 1);
    return heads;
}

static void
trial_section(html_worker *w, outbuf *b, const record *r, int j,
              const trial_result *tr, const html_span *sp)
{
    const outbuf *head = &w->h->heads[j][HEAD_SECTION];
    outbuf_put(b, head->p, head->len);
    outbuf_puts(b, verdict_name(tr->v));
    outbuf_put(b, "\">", 2);
    outbuf_puts(b, verdict_word(tr->v));
    html_lit(b, "</span></h3>\n");
    trial_deciding(w->h, j, b, tr);
    trial_window(b, tr);
    html_timeline(w, b, r, j, tr, sp);
    criteria_table(w->h, j, b, tr);
    html_lit(b, "</section>\n");
}

static const char legend[] =
"<p class=\"legend\"><span><i class=\"sw met\"></i>eligible; criterion satisfied "
"(inclusion met, exclusion not met)</span>"
"<span><i class=\"sw not_met\"></i>ineligible; criterion against "
"(inclusion not met, exclusion met)</span>"
"<span><i class=\"sw unknown\"></i>incomplete; unknown</span>"
"<span>black line: screening time; dashed lines: thresholds; "
"shaded band: enrolment window; times UTC</span></p>\n";

void
html_patient(html_worker *w, outbuf *b, const record *r,
             trial_result *const *res, int n)
{
    html_span sp = patient_span(r, res, n);
    html_grid_run(w, r, sp.t0, res);
    html_timeline_begin(w, r, &sp);
    outbuf_puts(b, "<section class=\"patient\" id=\"" HTML_HOLE "\" data-patient=\"");
    html_escape(b, record_id(r));
    outbuf_put(b, "\"", 1);
    attr_time(b, "data-as-of", record_at(r));
    html_lit(b, ">\n");
    patient_head(b, r);
    outbuf_puts(b, legend);
    for (int j = 0; j < n; j++)
        trial_section(w, b, r, j, res[j], &sp);
    html_lit(b, "</section>\n");
}

/* }====================================================================== */

/*
** {======================================================================
** Index: verdict matrix and attrition funnels
** =======================================================================
*/

void
html_matrix_row(outbuf *b, const record *r, trial_result *const *res, int n,
                const char *href)
{
    html_lit(b, "<tr data-patient=\"");
    html_escape(b, record_id(r));
    html_lit(b, "\"><th><a href=\"");
    outbuf_puts(b, href);
    html_lit(b, "\">");
    html_escape(b, record_id(r));
    html_lit(b, "</a></th>");
    for (int j = 0; j < n; j++) {
        /* appends, not printf: its two calls a cell were five sixths of
        ** the index row's instructions */
        html_lit(b, "<td data-trial=\"");
        html_escape(b, res[j]->t->id);
        html_lit(b, "\" data-verdict=\"");
        outbuf_puts(b, verdict_name(res[j]->v));
        html_lit(b, "\"><a href=\"");
        outbuf_puts(b, href);
        html_lit(b, "\">");
        outbuf_puts(b, verdict_word(res[j]->v));
        html_lit(b, "</a></td>");
    }
    html_lit(b, "</tr>\n");
}

void
html_matrix_error(outbuf *b, const char *source, int line, int ntrials)
{
    html_lit(b, "<tr class=\"unreadable\"><th>");
    html_escape(b, source);
    if (line > 0)
        outbuf_printf(b, ":%d", line);
    outbuf_printf(b, "</th><td colspan=\"%d\">not read: see the diagnostics</td></tr>\n",
                  ntrials > 0 ? ntrials : 1);
}

#define FUNNEL_W 900
#define FUNNEL_LABEL 260
#define FUNNEL_ROW 20

/* One bar of a funnel: count out of total, from the label column. */
static void
funnel_bar(outbuf *b, const char *cls, const trial *t, const char *crit,
           long count, long total, int y, double x, const char *label)
{
    double wmax = FUNNEL_W - FUNNEL_LABEL - 60;
    double wd = total > 0 ? wmax * (double)count / (double)total : 0;
    outbuf_printf(b, "<text x=\"4\" y=\"%d\">", y + 14);
    html_escape(b, label);
    outbuf_printf(b, "</text><rect class=\"%s\" data-trial=\"", cls);
    html_escape(b, t->id);
    if (crit) {
        html_lit(b, "\" data-criterion=\"");
        html_escape(b, crit);
    }
    outbuf_printf(b, "\" data-count=\"%ld\" x=\"", count);
    html_num(b, FUNNEL_LABEL + x);
    outbuf_printf(b, "\" y=\"%d\" width=\"", y + 3);
    html_num(b, wd);
    outbuf_printf(b, "\" height=\"%d\"/>", FUNNEL_ROW - 6);
}

static void
funnel(outbuf *b, const summary *s, int j, const trial *t)
{
    long screened, eligible, ineligible, incomplete;
    summary_trial_counts(s, j, &screened, &eligible, &ineligible, &incomplete);
    int h = (t->ncrit + 2) * FUNNEL_ROW + 8;
    html_lit(b, "<figure><figcaption>");
    trial_name(b, t);
    outbuf_printf(b, ": %ld screened, %ld eligible, %ld ineligible, %ld "
                     "incomplete; per criterion, the records it excluded "
                     "(and left unknown, light)</figcaption>\n", screened,
                  eligible, ineligible, incomplete);
    html_lit(b, "<svg class=\"funnel\" data-trial=\"");
    html_escape(b, t->id);
    outbuf_printf(b, "\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
                  FUNNEL_W, h, FUNNEL_W, h);
    funnel_bar(b, "funnel-total", t, NULL, screened, screened, 0, 0, "screened");
    outbuf_printf(b, "<text x=\"%d\" y=\"14\">%ld</text>", FUNNEL_W - 56, screened);
    for (int i = 0; i < t->ncrit; i++) {
        long ex, unk;
        summary_crit_counts(s, j, i, &ex, &unk);
        int y = (i + 1) * FUNNEL_ROW;
        funnel_bar(b, "funnel-step", t, t->crit[i].id, ex, screened, y, 0,
                   t->crit[i].id);
        double wmax = FUNNEL_W - FUNNEL_LABEL - 60;
        double xu = screened > 0 ? wmax * (double)ex / (double)screened : 0;
        html_lit(b, "<rect class=\"funnel-unknown\" data-trial=\"");
        html_escape(b, t->id);
        html_lit(b, "\" data-criterion=\"");
        html_escape(b, t->crit[i].id);
        outbuf_printf(b, "\" data-count=\"%ld\" x=\"", unk);
        html_num(b, FUNNEL_LABEL + xu);
        outbuf_printf(b, "\" y=\"%d\" width=\"", y + 3);
        html_num(b, screened > 0 ? wmax * (double)unk / (double)screened : 0);
        outbuf_printf(b, "\" height=\"%d\"/><text x=\"%d\" y=\"%d\">%ld + %ld?"
                         "</text>", FUNNEL_ROW - 6, FUNNEL_W - 56, y + 14, ex, unk);
    }
    int y = (t->ncrit + 1) * FUNNEL_ROW;
    funnel_bar(b, "funnel-eligible", t, NULL, eligible, screened, y, 0, "eligible");
    outbuf_printf(b, "<text x=\"%d\" y=\"%d\">%ld</text></svg></figure>\n",
                  FUNNEL_W - 56, y + 14, eligible);
}

/* Every criterion of t with its registry text and how it is read: the
** patients' tables link here (criteria_notes). */
static void
notes_table(outbuf *b, const trial *t)
{
    if (!has_notes(t))
        return;
    html_lit(b, "<table class=\"notes\" id=\"");
    notes_anchor(b, t);
    html_lit(b, "\" data-trial=\"");
    html_escape(b, t->id);
    html_lit(b, "\">\n<caption>");
    trial_name(b, t);
    outbuf_puts(b, "</caption>\n<thead><tr><th>Criterion</th><th>Registry text</th>"
                   "<th>Read as</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        html_lit(b, "<tr data-criterion=\"");
        html_escape(b, c->id);
        html_lit(b, "\"><td>");
        html_escape(b, c->id);
        outbuf_puts(b, c->exclusion ? "<br><small>exclusion</small>" : "<br><small>inclusion</small>");
        html_lit(b, "</td><td>");
        html_escape(b, c->text);
        html_lit(b, "</td><td>");
        html_escape(b, c->note ? c->note : "");
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table>\n");
}

void
html_index_begin(outbuf *b, const trialset *ts)
{
    int n = trialset_count(ts);
    outbuf_puts(b, "<section class=\"index\" id=\"index\">\n<h2>Patients and "
                   "trials</h2>\n<table class=\"matrix\">\n<thead><tr>"
                   "<th>Patient</th>");
    for (int j = 0; j < n; j++) {
        const trial *t = trialset_at(ts, j);
        html_lit(b, "<th data-trial=\"");
        html_escape(b, t->id);
        html_lit(b, "\">");
        html_escape(b, t->id);
        html_lit(b, "<br><small>");
        html_escape(b, t->title);
        html_lit(b, "</small></th>");
    }
    html_lit(b, "</tr></thead>\n<tbody>\n");
}

void
html_index_end(outbuf *b, const trialset *ts, const summary *s)
{
    int n = trialset_count(ts);
    html_lit(b, "</tbody></table>\n<h2>Attrition</h2>\n");
    for (int j = 0; s && j < n; j++)
        funnel(b, s, j, trialset_at(ts, j));
    html_lit(b, "<h2>How the criteria are read</h2>\n");
    for (int j = 0; j < n; j++)
        notes_table(b, trialset_at(ts, j));
    html_lit(b, "</section>\n");
}

/* }====================================================================== */

/* FNV-1a, 64 bits: a stable name for an id that is not safe as is. */
static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int
name_safe(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void
html_page_stem(const char *id, char *buf, size_t size)
{
    size_t n = strlen(id), safe = 0;
    while (safe < n && name_safe((unsigned char)id[safe]))
        safe++;
    if (n > 0 && safe == n && n <= 64) {
        snprintf(buf, size, "patient-%s", id);
        return;
    }
    char part[41];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++)
        part[k++] = name_safe((unsigned char)id[i]) ? id[i] : '_';
    part[k] = '\0';
    snprintf(buf, size, "patient-%s%s%016llx", part, k ? "-" : "",
             (unsigned long long)fnv1a(id));
}

/* The names taken: an open-addressing hash set of strings. */
struct html_names {
    char **slot;
    size_t cap, n;
};

html_names *
html_names_new(void)
{
    html_names *ns = xcalloc(1, sizeof *ns);
    ns->cap = 1024;
    ns->slot = xcalloc(ns->cap, sizeof *ns->slot);
    return ns;
}

void
html_names_free(html_names *ns)
{
    if (!ns)
        return;
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slot[i]);
    free(ns->slot);
    free(ns);
}

/* The slot of s: where it is, or the empty one where it would go. */
static size_t
names_find(const html_names *ns, const char *s)
{
    size_t i = (size_t)fnv1a(s) & (ns->cap - 1);
    while (ns->slot[i] && strcmp(ns->slot[i], s) != 0)
        i = (i + 1) & (ns->cap - 1);
    return i;
}

static void
names_grow(html_names *ns)
{
    html_names old = *ns;
    ns->cap *= 2;
    ns->slot = xcalloc(ns->cap, sizeof *ns->slot);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i])
            ns->slot[names_find(ns, old.slot[i])] = old.slot[i];
    free(old.slot);
}

const char *
html_names_claim(html_names *ns, const char *stem)
{
    char buf[HTML_NAME_MAX + 24];
    snprintf(buf, sizeof buf, "%s", stem);
    for (long k = 2; ns->slot[names_find(ns, buf)]; k++)
        snprintf(buf, sizeof buf, "%s-%ld", stem, k);
    if (2 * (ns->n + 1) > ns->cap)
        names_grow(ns);
    size_t i = names_find(ns, buf);
    ns->slot[i] = xstrdup(buf);
    ns->n++;
    return ns->slot[i];
}

int
html_names_has(const html_names *ns, const char *name)
{
    return ns->slot[names_find(ns, name)] != NULL;
}

void
html_fill(outbuf *dst, const char *src, size_t len, const char *name)
{
    const char *end = src + len;
    while (src < end) {
        const char *h = memchr(src, HTML_HOLE[0], (size_t)(end - src));
        if (!h) {
            outbuf_put(dst, src, (size_t)(end - src));
            return;
        }
        outbuf_put(dst, src, (size_t)(h - src));
        outbuf_puts(dst, name);
        src = h + 1;
    }
}
