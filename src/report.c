/*
** report.c -- render screening results as text, NDJSON or CSV.
**
** Input: a record and one trial_result per selected trial (src/verdict.h).
** Output: bytes in an outbuf; nothing here touches a FILE except
** outbuf_write, so the caller sees every write error.
**
** Everything that comes from a record or a criteria file is untrusted
** text.  JSON output escapes it per RFC 8259 (and replaces bytes that are
** not UTF-8, so the output always parses); text output writes control
** characters as \xNN, so that an id such as "\u001b[2J" cannot clear the
** coordinator's terminal; CSV quotes per RFC 4180.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "decide.h"
#include "diag.h"
#include "report.h"
#include "timeutil.h"
#include "verdict.h"

/*
** {======================================================================
** CSV
** =======================================================================
*/

/* RFC 4180: quote a field that holds a comma, a quote or a line break,
** doubling the quotes inside. */
static void
csv_field(outbuf *b, const char *s)
{
    s = s ? s : "";
    if (!strpbrk(s, ",\"\r\n")) {
        outbuf_puts(b, s);
        return;
    }
    outbuf_put(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            outbuf_put(b, "\"", 1);
        outbuf_put(b, s, 1);
    }
    outbuf_put(b, "\"", 1);
}

/* }====================================================================== */

static const char *
crit_kind(const criterion *c)
{
    return c->exclusion ? "exclusion" : "inclusion";
}

/*
** The same times come back again and again in a record's report (the
** screening time, the samples that evidence quotes in several criteria
** and trials: three in four on the realistic cohort), and ts_format cost
** more than everything else about a member: each thread keeps the texts
** of the times it wrote last, quotes included, keyed by the time itself,
** so a text kept can never be the wrong one.
*/
typedef struct time_memo {
    ts_time t;
    size_t len;                 /* 0: an empty slot */
    char text[TS_FMT_LEN + 2];
} time_memo;

static _Thread_local time_memo time_memo_table[64];

static void
json_time(outbuf *b, ts_time t)
{
    if (t == TS_NONE) {
        outbuf_puts(b, "null");
        return;
    }
    time_memo *m = &time_memo_table[((uint64_t)t * 0x9E3779B97F4A7C15ULL) >> 58];
    if (m->len == 0 || m->t != t) {
        char buf[TS_FMT_LEN];
        ts_format(t, buf);
        /* Digits, '-', ':', 'T' and 'Z' only: nothing to escape. */
        size_t n = strlen(buf);
        m->text[0] = '"';
        memcpy(m->text + 1, buf, n);
        m->text[n + 1] = '"';
        m->len = n + 2;
        m->t = t;
    }
    outbuf_put(b, m->text, m->len);
}

/* ,"key":"value".  key is a literal: its piece ,"key": is one constant
** copy, with no strlen. */
static void
json_member_n(outbuf *b, const char *piece, size_t n, const char *value)
{
    outbuf_put(b, piece, n);
    outbuf_json(b, value);
}
#define json_member(b, key, value) \
    json_member_n((b), ",\"" key "\":", sizeof ",\"" key "\":" - 1, (value))

static void
json_strings(outbuf *b, const char *const *s, int n)
{
    outbuf_put(b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            outbuf_put(b, ",", 1);
        outbuf_json(b, s[i]);
    }
    outbuf_put(b, "]", 1);
}

/*
** {======================================================================
** NDJSON
** =======================================================================
*/

static void
json_evidence(outbuf *b, const evidence *ev)
{
    outbuf_puts(b, "{\"code\":");
    outbuf_json(b, ev->code);
    json_member(b, "value", ev->value);
    if (ev->unit)
        json_member(b, "unit", ev->unit);
    if (ev->t != TS_NONE) {
        outbuf_puts(b, ",\"time\":");
        json_time(b, ev->t);
    }
    if (ev->pointer)
        json_member(b, "pointer", ev->pointer);
    outbuf_put(b, "}", 1);
}

/* What comes before the result: the same for every record. */
static void
crit_head(outbuf *b, const criterion *c)
{
    outbuf_puts(b, "{\"id\":");
    outbuf_json(b, c->id);
    json_member(b, "kind", crit_kind(c));
    json_member(b, "text", c->text);
}

/* What comes after the result: the same for every record. */
static void
crit_tail(outbuf *b, const criterion *c)
{
    if (!c->evaluated)
        outbuf_puts(b, ",\"evaluated\":false");
    if (c->note)
        json_member(b, "note", c->note);
    outbuf_put(b, "}", 1);
}

/* res's reason written after b's end (not counted in b->len), with room
** made as needed: its length, or -2 when res is NULL or has no reason. */
static long
reason_into(outbuf *b, const result *res)
{
    long n = -2;
    for (size_t room = 256; res; room = 2 * (b->cap - b->len)) {
        outbuf_grow(b, room);
        n = result_reason_into(res, b->p + b->len, b->cap - b->len);
        if (n != -1)
            break;
    }
    return n;
}

/*
** ,"reason":"..." with the reason formatted or joined straight into the
** output (result_reason_into) and escaped there: no copy in the arena and
** no strlen.  The output's buffer is normally far bigger than a reason;
** when the room left is not enough, more is made and it is written again.
*/
static void
json_reason(outbuf *b, const result *res)
{
    outbuf_puts(b, ",\"reason\":\"");
    size_t start = b->len;
    long n = reason_into(b, res);
    if (n >= 0) {
        b->len += (size_t)n;
    } else {
        b->p[b->len] = '\0';
        outbuf_puts(b, "not evaluated");
    }
    outbuf_json_end(b, start);
}

/* The result of a criterion; its evidence unless --detail criteria. */
static void
crit_result(outbuf *b, const result *res, int with_evidence)
{
    json_member(b, "result", tv_name(res ? res->value : TV_UNKNOWN));
    json_reason(b, res);
    if (with_evidence) {
        outbuf_puts(b, ",\"evidence\":[");
        for (int i = 0; res && i < res->nev; i++) {
            if (i > 0)
                outbuf_put(b, ",", 1);
            json_evidence(b, &res->ev[i]);
        }
        outbuf_put(b, "]", 1);
    }
    if (res && res->nmissing > 0) {
        outbuf_puts(b, ",\"missing\":");
        json_strings(b, res->missing, res->nmissing);
    }
    if (res && res->value == TV_MET && res->since != TS_NONE) {
        outbuf_puts(b, ",\"since\":");
        json_time(b, res->since);
    }
    if (res && res->until != TS_NONE) {
        outbuf_puts(b, ",\"until\":");
        json_time(b, res->until);
    }
}

/*
** The criteria's ids, registry texts and notes are most of every NDJSON
** line, and they are the same in every record: escape them once, when the
** batch starts, and copy the bytes after that.
*/
typedef struct crit_parts {
    outbuf head, tail;
} crit_parts;

typedef struct trial_parts {
    const trial *t;
    crit_parts *crit;
} trial_parts;

struct report_cache {
    int n;
    trial_parts *t;
};

report_cache *
report_cache_new(const trialset *ts)
{
    report_cache *c = xcalloc(1, sizeof *c);
    c->n = trialset_count(ts);
    c->t = xcalloc((size_t)(c->n ? c->n : 1), sizeof *c->t);
    for (int i = 0; i < c->n; i++) {
        const trial *t = trialset_at(ts, i);
        c->t[i].t = t;
        c->t[i].crit = xcalloc((size_t)(t->ncrit ? t->ncrit : 1),
                               sizeof *c->t[i].crit);
        for (int j = 0; j < t->ncrit; j++) {
            crit_head(&c->t[i].crit[j].head, &t->crit[j]);
            crit_tail(&c->t[i].crit[j].tail, &t->crit[j]);
        }
    }
    return c;
}

void
report_cache_free(report_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        for (int j = 0; j < c->t[i].t->ncrit; j++) {
            outbuf_release(&c->t[i].crit[j].head);
            outbuf_release(&c->t[i].crit[j].tail);
        }
        free(c->t[i].crit);
    }
    free(c->t);
    free(c);
}

/* The cached parts of trial t (normally the i-th), or NULL. */
static const crit_parts *
cached_criteria(const report_cache *c, const trial *t, int i)
{
    if (!c)
        return NULL;
    if (i < c->n && c->t[i].t == t)
        return c->t[i].crit;
    for (int k = 0; k < c->n; k++)
        if (c->t[k].t == t)
            return c->t[k].crit;
    return NULL;
}

/* --detail criteria: what decided, without the texts and the evidence. */
static void
json_criterion_brief(outbuf *b, const criterion *c, const result *res)
{
    outbuf_puts(b, "{\"id\":");
    outbuf_json(b, c->id);
    json_member(b, "kind", crit_kind(c));
    crit_result(b, res, 0);
    outbuf_put(b, "}", 1);
}

static void
json_criterion(outbuf *b, const criterion *c, const result *res,
               const crit_parts *parts, report_detail detail)
{
    if (detail == DETAIL_CRITERIA) {
        json_criterion_brief(b, c, res);
        return;
    }
    if (parts)
        outbuf_put(b, parts->head.p, parts->head.len);
    else
        crit_head(b, c);
    crit_result(b, res, 1);
    if (parts)
        outbuf_put(b, parts->tail.p, parts->tail.len);
    else
        crit_tail(b, c);
}

static void
json_trial(outbuf *b, const trial_result *tr, const crit_parts *parts,
           report_detail detail)
{
    const trial *t = tr->t;
    outbuf_puts(b, "{\"trial\":");
    outbuf_json(b, t->id);
    json_member(b, "title", t->title);
    json_member(b, "verdict", verdict_name(tr->v));
    if (tr->has_window) {
        outbuf_puts(b, ",\"window\":{\"opens\":");
        json_time(b, tr->opens);
        outbuf_puts(b, ",\"closes\":");
        json_time(b, tr->closes);
        outbuf_put(b, "}", 1);
    }
    if (tr->v == V_ELIGIBLE && tr->eligible_since != TS_NONE) {
        outbuf_puts(b, ",\"eligible_since\":");
        json_time(b, tr->eligible_since);
    }
    outbuf_puts(b, ",\"missing\":");
    json_strings(b, tr->missing, tr->nmissing);
    if (tr->cohort)
        json_member(b, "cohort", tr->cohort->id);
    if (t->list_incomplete)
        outbuf_puts(b, ",\"exclusions_incomplete\":true");
    if (detail == DETAIL_VERDICTS) {
        outbuf_put(b, "}", 1);
        return;
    }
    outbuf_puts(b, ",\"criteria\":[");
    for (int i = 0; i < t->ncrit; i++) {
        if (i > 0)
            outbuf_put(b, ",", 1);
        json_criterion(b, &t->crit[i], tr->crit ? tr->crit[i] : NULL,
                       parts ? &parts[i] : NULL, detail);
    }
    outbuf_puts(b, "]}");
}

static void
ndjson_record(outbuf *b, const report_cache *cache, const record *r, int line,
              trial_result *const *res, int n, report_detail detail)
{
    outbuf_puts(b, "{\"patient\":");
    outbuf_json(b, record_id(r));
    json_member(b, "source", record_source(r));
    if (line > 0)
        outbuf_printf(b, ",\"line\":%d", line);
    outbuf_puts(b, ",\"as_of\":");
    json_time(b, record_at(r));
    outbuf_puts(b, ",\"trials\":[");
    for (int i = 0; i < n; i++) {
        if (i > 0)
            outbuf_put(b, ",", 1);
        json_trial(b, res[i], cached_criteria(cache, res[i]->t, i), detail);
    }
    outbuf_puts(b, "]}\n");
}

/* }====================================================================== */

/*
** {======================================================================
** Text
** =======================================================================
*/

#define C_RESET  "\033[0m"
#define C_BOLD   "\033[1m"
#define C_DIM    "\033[2m"
#define C_RED    "\033[31m"
#define C_GREEN  "\033[32m"
#define C_YELLOW "\033[33m"

/* Start a colour (when enabled); paint_end closes it. */
static void
paint(const report_opts *o, outbuf *b, const char *code)
{
    if (o->color)
        outbuf_puts(b, code);
}

static void
paint_end(const report_opts *o, outbuf *b)
{
    if (o->color)
        outbuf_puts(b, C_RESET);
}

/* "14:00" on the screening day, "2026-03-02 08:00" on any other. */
static void
clock_text(ts_time at, ts_time t, char *buf, size_t size)
{
    int y1, m1, d1, y2, m2, d2, h, mi, s;
    ts_to_civil(at, &y1, &m1, &d1, &h, &mi, &s);
    ts_to_civil(t, &y2, &m2, &d2, &h, &mi, &s);
    if (y1 == y2 && m1 == m2 && d1 == d2)
        snprintf(buf, size, "%02d:%02d", h, mi);
    else
        snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", y2, m2, d2, h, mi);
}

/* " — in 6 h" / " (2 h ago)" around clock text. */
static void
text_when(outbuf *b, ts_time at, ts_time t, const char *verb_future,
          const char *verb_past, int dash)
{
    char clock[40], dur[64];
    clock_text(at, t, clock, sizeof clock);
    if (t > at) {
        ts_format_seconds(t - at, dur, sizeof dur);
        if (dash)
            outbuf_printf(b, "%s %s — in %s", verb_future, clock, dur);
        else
            outbuf_printf(b, "%s %s (in %s)", verb_future, clock, dur);
    } else {
        ts_format_seconds(at - t, dur, sizeof dur);
        outbuf_printf(b, "%s %s (%s ago)", verb_past, clock, dur);
    }
}

/*
** "eligible since 09:00, window closes 21:30 — in 9 h 30 min" for an
** eligible patient; otherwise the window, from when it opens to when it
** closes, so a coordinator sees when the patient may become eligible.
*/
static void
text_window(outbuf *b, const trial_result *tr, ts_time at)
{
    char clock[40];
    int since = tr->v == V_ELIGIBLE && tr->eligible_since != TS_NONE;
    if (!since && !tr->has_window)
        return;
    outbuf_puts(b, "    ");
    if (since) {
        clock_text(at, tr->eligible_since, clock, sizeof clock);
        outbuf_printf(b, "eligible since %s", clock);
        if (tr->has_window) {
            outbuf_puts(b, ", ");
            text_when(b, at, tr->closes, "window closes", "closed", 1);
        }
    } else if (tr->opens <= at) {
        clock_text(at, tr->opens, clock, sizeof clock);
        outbuf_printf(b, "window opened %s, ", clock);
        text_when(b, at, tr->closes, "closes", "closed", 1);
    } else {
        text_when(b, at, tr->opens, "window opens", "window opened", 0);
        clock_text(at, tr->closes, clock, sizeof clock);
        outbuf_printf(b, ", closes %s", clock);
    }
    outbuf_puts(b, "\n");
}

/*
** A reason for people: escaped, and with the UCUM unit mm[Hg] written
** mmHg as on every monitor (the brackets are UCUM's way of saying "of
** mercury"; NDJSON keeps the UCUM code).
*/
static void
text_reason(outbuf *b, const char *s)
{
    static const char ucum[] = "mm[Hg]";
    const char *hit;
    while ((hit = strstr(s, ucum)) != NULL) {
        outbuf tmp = {0};
        outbuf_put(&tmp, s, (size_t)(hit - s));
        outbuf_put(&tmp, "", 1);
        outbuf_escaped(b, tmp.p);
        outbuf_release(&tmp);
        outbuf_puts(b, "mmHg");
        s = hit + sizeof ucum - 1;
    }
    outbuf_escaped(b, s);
}

/*
** A criterion's reason as text_reason writes it, formatted straight into
** the output (result_reason_into) like the NDJSON one: most are printable
** ASCII with no UCUM code to spell out, and stay as written; the others
** are copied aside and written again through text_reason.
*/
static void
text_result_reason(outbuf *b, const result *res)
{
    size_t start = b->len;
    long n = reason_into(b, res);
    if (n < 0) {
        b->p[b->len] = '\0';
        text_reason(b, "not evaluated");
        return;
    }
    const char *t = b->p + start;
    if (outbuf_plain_len(t, (size_t)n) == (size_t)n && !strstr(t, "mm[Hg]")) {
        b->len += (size_t)n;
        return;
    }
    char small[512];
    char *copy = (size_t)n < sizeof small ? small : xmalloc((size_t)n + 1);
    memcpy(copy, t, (size_t)n + 1);
    b->p[start] = '\0';
    text_reason(b, copy);
    if (copy != small)
        free(copy);
}

/* Marks and colours show the criterion's effect on eligibility: an
** exclusion that is met is a red ✗, one that is not met a green ✓ (its
** reason says which way the criterion itself went). */
static void
text_criterion(const report_opts *o, outbuf *b, const criterion *c,
               const result *res, int width)
{
    tv v = res ? res->value : TV_UNKNOWN;
    int good = (v == TV_MET) != (c->exclusion != 0);
    const char *mark = v == TV_UNKNOWN ? "?" : good ? "✓" : "✗";
    const char *colour = v == TV_UNKNOWN ? C_YELLOW : good ? C_GREEN : C_RED;
    outbuf_puts(b, "      ");
    paint(o, b, colour);
    outbuf_puts(b, mark);
    paint_end(o, b);
    outbuf_puts(b, " ");
    size_t before = b->len;
    outbuf_escaped(b, c->id);
    for (int pad = width - (int)(b->len - before); pad > 0; pad--)
        outbuf_put(b, " ", 1);
    outbuf_puts(b, "  ");
    text_result_reason(b, res);
    if (!c->evaluated) {
        paint(o, b, C_DIM);
        outbuf_puts(b, " [not evaluated]");
        paint_end(o, b);
    }
    outbuf_puts(b, "\n");
}

static void
text_list(outbuf *b, const char *label, const char *const *s, int n)
{
    outbuf_printf(b, "    %s: ", label);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            outbuf_puts(b, ", ");
        outbuf_escaped(b, s[i]);
    }
    outbuf_puts(b, "\n");
}

/* " — not met: inc-x; excluded by exc-y" on the trial's line. */
static void
text_deciding(outbuf *b, const trial_result *tr)
{
    outbuf why = {0};
    decide_line(&why, tr);
    if (why.len > 0) {
        outbuf_put(&why, "", 1);
        outbuf_puts(b, " — ");
        outbuf_escaped(b, why.p);
    }
    outbuf_release(&why);
}

static void
text_trial(const report_opts *o, outbuf *b, const trial_result *tr, ts_time at)
{
    const trial *t = tr->t;
    static const char *const word[] = { "INELIGIBLE", "INCOMPLETE", "ELIGIBLE" };
    static const char *const colour[] = { C_RED, C_YELLOW, C_GREEN };
    int v = tr->v >= V_INELIGIBLE && tr->v <= V_ELIGIBLE ? (int)tr->v : 1;

    outbuf_puts(b, "  ");
    paint(o, b, C_BOLD);
    paint(o, b, colour[v]);
    outbuf_printf(b, "%-10s", word[v]);
    paint_end(o, b);
    outbuf_puts(b, "  ");
    outbuf_escaped(b, t->id);
    if (t->title) {
        outbuf_puts(b, "  ");
        outbuf_escaped(b, t->title);
    }
    text_deciding(b, tr);
    outbuf_puts(b, "\n");
    text_window(b, tr, at);
    if (tr->cohort) {
        outbuf_puts(b, "    cohort: ");
        outbuf_escaped(b, tr->cohort->id);
        outbuf_puts(b, "\n");
    }

    int width = 0;
    for (int i = 0; i < t->ncrit; i++) {
        int w = (int)strlen(t->crit[i].id);
        if (w > width)
            width = w;
    }
    if (width > 28)
        width = 28;
    for (int pass = 0; pass < 2 && o->detail != DETAIL_VERDICTS; pass++) {
        int header = 0;
        for (int i = 0; i < t->ncrit; i++) {
            if (t->crit[i].exclusion != pass)
                continue;
            if (!header++)
                outbuf_printf(b, "    %s\n", pass ? "exclusion" : "inclusion");
            text_criterion(o, b, &t->crit[i], tr->crit ? tr->crit[i] : NULL,
                           width);
        }
    }
    if (tr->v == V_INCOMPLETE && tr->nmissing > 0)
        text_list(b, "missing", tr->missing, tr->nmissing);
    if (t->list_incomplete)
        outbuf_puts(b, "    note: the registry's exclusion list is incomplete;"
                       " check the full protocol\n");
}

static const char *
at_from_text(at_source s)
{
    switch (s) {
    case AT_CLI:    return "from --at";
    case AT_AS_OF:  return "from as_of";
    case AT_LATEST: return "latest time in the record";
    }
    return "";
}

static void
text_record(const report_opts *o, outbuf *b, const record *r, int line,
            trial_result *const *res, int n)
{
    ts_time at = record_at(r);
    char when[TS_FMT_LEN];

    paint(o, b, C_BOLD);
    outbuf_escaped(b, record_id(r));
    paint_end(o, b);
    outbuf_puts(b, "  ");
    outbuf_escaped(b, record_source(r));
    if (line > 0)
        outbuf_printf(b, ":%d", line);
    outbuf_puts(b, "\n  ");
    if (r->has_birth) {
        long years = ts_age(r->birth_y, r->birth_m, r->birth_d, at, AGE_YEARS);
        long months = ts_age(r->birth_y, r->birth_m, r->birth_d, at, AGE_MONTHS);
        long days = ts_age(r->birth_y, r->birth_m, r->birth_d, at, AGE_DAYS);
        if (years >= 2)
            outbuf_printf(b, "age %ld, ", years);
        else if (months >= 1)
            outbuf_printf(b, "age %ld mo, ", months);
        else if (days >= 0)
            outbuf_printf(b, "age %ld d, ", days);
    }
    ts_format_short(at, when);
    outbuf_printf(b, "screened at %s UTC (%s)\n", when, at_from_text(r->at_from));
    for (int i = 0; i < n; i++) {
        outbuf_puts(b, "\n");
        text_trial(o, b, res[i], at);
    }
    if (decide_sections_hint(r, res, n))
        outbuf_puts(b, "\n  hint: no section of this record is marked complete, so"
                       " a condition,\n  procedure, medication or location that"
                       " is not listed is unknown, not\n  absent; list the"
                       " complete sections in \"complete\" or use"
                       " --assume-complete\n");
    outbuf_puts(b, "\n");
}

/* }====================================================================== */

/* The columns after the first nine: why a row is what it is. */
static void
csv_why(outbuf *b, const record *r, int line, const trial_result *tr)
{
    char at[TS_FMT_LEN];
    outbuf tmp = {0};
    ts_format(record_at(r), at);
    outbuf_printf(b, "%s,", at);
    if (line > 0)
        outbuf_printf(b, "%d", line);
    outbuf_put(b, ",", 1);
    csv_field(b, tr->t->title);
    outbuf_put(b, ",", 1);
    decide_line(&tmp, tr);
    outbuf_put(&tmp, "", 1);
    csv_field(b, tmp.p);
    outbuf_put(b, ",", 1);
    tmp.len = 0;
    /* One criterion a line: a reason may hold "; " itself. */
    decide_reasons(&tmp, tr, "\n");
    outbuf_put(&tmp, "", 1);
    csv_field(b, tmp.p);
    outbuf_puts(b, ",\n");         /* error: empty for a screened record */
    outbuf_release(&tmp);
}

static void
csv_record(outbuf *b, const record *r, int line, trial_result *const *res,
           int n)
{
    for (int i = 0; i < n; i++) {
        const trial_result *tr = res[i];
        char t1[TS_FMT_LEN] = "", t2[TS_FMT_LEN] = "", t3[TS_FMT_LEN] = "";
        if (tr->has_window && tr->opens != TS_NONE)
            ts_format(tr->opens, t1);
        if (tr->has_window && tr->closes != TS_NONE)
            ts_format(tr->closes, t2);
        if (tr->v == V_ELIGIBLE && tr->eligible_since != TS_NONE)
            ts_format(tr->eligible_since, t3);
        csv_field(b, record_id(r));
        outbuf_put(b, ",", 1);
        csv_field(b, record_source(r));
        outbuf_put(b, ",", 1);
        csv_field(b, tr->t->id);
        outbuf_printf(b, ",%s,%s,%s,%s,", verdict_name(tr->v), t1, t2, t3);
        /* The list is one field: join first, then quote as a whole. */
        outbuf joined = {0};
        for (int k = 0; k < tr->nmissing; k++) {
            if (k > 0)
                outbuf_put(&joined, ";", 1);
            outbuf_puts(&joined, tr->missing[k]);
        }
        csv_field(b, joined.p ? joined.p : "");
        outbuf_release(&joined);
        outbuf_put(b, ",", 1);
        csv_field(b, tr->cohort ? tr->cohort->id : "");
        /* A truncated exclusion list is said in every output. */
        outbuf_puts(b, tr->t->list_incomplete ? ",true," : ",false,");
        csv_why(b, r, line, tr);
    }
}

/* A record that could not be read still has its row, so that no patient
** silently disappears from a spreadsheet. */
static void
csv_error(outbuf *b, const char *source, int line, const ts_error *err)
{
    char msg[1024];
    ts_error e = *err;
    e.file = NULL;
    e.line = err->line > 0 ? err->line : line;
    ts_error_format(&e, msg, sizeof msg);
    outbuf_put(b, ",", 1);
    csv_field(b, source);
    outbuf_puts(b, ",,,,,,,,,,");
    if (line > 0)
        outbuf_printf(b, "%d", line);
    outbuf_puts(b, ",,,,");
    csv_field(b, msg);
    outbuf_puts(b, "\n");
}

void
report_begin(const report_opts *o, outbuf *out)
{
    if (o->format == REPORT_CSV)
        outbuf_puts(out, "patient,source,trial,verdict,window_opens,"
                         "window_closes,eligible_since,missing,cohort,"
                         "exclusions_incomplete,screened_at,line,title,"
                         "deciding,reasons,error\n");
}

void
report_record(const report_opts *o, outbuf *out, const record *r, int line,
              trial_result *const *res, int n)
{
    report_record_cached(o, NULL, out, r, line, res, n);
}

void
report_record_cached(const report_opts *o, const report_cache *cache,
                     outbuf *out, const record *r, int line,
                     trial_result *const *res, int n)
{
    switch (o->format) {
    case REPORT_TEXT:   text_record(o, out, r, line, res, n); break;
    case REPORT_NDJSON: ndjson_record(out, cache, r, line, res, n, o->detail); break;
    case REPORT_CSV:    csv_record(out, r, line, res, n); break;
    case REPORT_HTML:   break;      /* screen.c calls html.c */
    }
}

void
report_error(const report_opts *o, outbuf *out, outbuf *diag,
             const char *source, int line, const ts_error *err, int io)
{
    int eline = err->line > 0 ? err->line : line;
    if (out && o->format == REPORT_NDJSON) {
        outbuf_puts(out, "{\"source\":");
        outbuf_json(out, source);
        json_member(out, "error", err->msg);
        if (eline > 0)
            outbuf_printf(out, ",\"line\":%d", eline);
        if (eline > 0 && err->column > 0)
            outbuf_printf(out, ",\"column\":%d", err->column);
        if (err->path[0])
            json_member(out, "path", err->path);
        outbuf_puts(out, "}\n");
    }
    if (out && o->format == REPORT_CSV)
        csv_error(out, source, line, err);
    if (!diag)
        return;
    /* An I/O message names its file itself ("cannot open 'x': ..."). */
    ts_error e = *err;
    e.level = TS_LEVEL_ERROR;
    e.file = io ? NULL : source;
    e.line = io ? 0 : eline;
    diag_put(diag, &e);
}

/*
** {======================================================================
** The trials verb
** =======================================================================
*/

static void
trials_json(outbuf *b, const trial *t)
{
    outbuf_puts(b, "{\"trial\":");
    outbuf_json(b, t->id);
    json_member(b, "title", t->title);
    if (t->file)
        json_member(b, "file", t->file);
    outbuf_printf(b, ",\"criteria_count\":%d", t->ncrit);
    if (t->list_incomplete)
        outbuf_puts(b, ",\"exclusions_incomplete\":true");
    outbuf_puts(b, ",\"criteria\":[");
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        outbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        outbuf_json(b, c->id);
        json_member(b, "kind", crit_kind(c));
        json_member(b, "text", c->text);
        if (!c->evaluated)
            outbuf_puts(b, ",\"evaluated\":false");
        outbuf_puts(b, "}");
    }
    outbuf_puts(b, "]}\n");
}

/* NDJSON only: the text and markdown listings are trialsview.c's. */
void
report_trials(const report_opts *o, outbuf *out, const trialset *ts)
{
    (void)o;
    for (int i = 0; i < trialset_count(ts); i++)
        trials_json(out, trialset_at(ts, i));
}

/* }====================================================================== */
