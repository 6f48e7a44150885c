/*
** result.c -- building results: the operations every evaluator stage uses
** on the verdict tree of verdict.h (new result, evidence, missing items,
** joined reasons) and the formatting of thresholds, values, times and
** JSON Pointers into the record that reasons and evidence quote.
**
** Reasons are made when they are read (result_reason), not when they are
** set: a result keeps its format and arguments (arena_capture) or, for a
** combinator, which kids' reasons it joins.  A criterion's tree has
** several results for every reason a report shows (kids that disagree
** with their parent, the parts of a combinator that only its own reason
** quotes), and replay and the HTML grid read no reason at all.
**
** It sits below eval.c and the leaves (series, derived, events, clock,
** total) so that they all call down into it and none calls back up into
** the dispatcher: the evaluator's call graph is a tree
** (tests/callgraph.sh checks it).  Everything is allocated in the
** evaluation's arena.
*/
#include "verdict.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "units.h"

/*
** {======================================================
** Result construction
** =======================================================
*/

/*
** Every field set by one assignment, not a memset and then the times
** again: a criterion makes several results.  Most are made blank (every
** leaf's, and the combinators'): not through result_new, whose variadic
** entry stores all the argument registers first.
*/
result *
result_blank(eval_ctx *cx, const rule *ru, tv value)
{
    result *res = arena_alloc_raw(cx->a, sizeof *res);
    *res = (result){ .value = value, .rule = ru, .reason_text = "",
                     .since = TS_NONE, .since_early = TS_NONE,
                     .until = TS_NONE };
    return res;
}

result *
result_new(eval_ctx *cx, const rule *ru, tv value, const char *fmt, ...)
{
    result *res = result_blank(cx, ru, value);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        result_vsay(cx, res, fmt, ap);
        va_end(ap);
    }
    return res;
}

/* A reason to make from kids' reasons (result_join_reasons). */
struct reason_join {
    arena *a;                   /* the evaluation's: where it is made */
    result *const *kids;
    int n, want, skip_empty;
};

void
result_vsay(eval_ctx *cx, result *res, const char *fmt, va_list ap)
{
    /* The HTML grid reads values only: even capturing the arguments was
    ** a twentieth of its evaluations. */
    if (cx->values_only) {
        result_set_reason(res, "");
        return;
    }
    res->reason_fmt = arena_capture(cx->a, fmt, ap);
    res->reason_join = NULL;
    res->reason_text = res->reason_fmt ? NULL : arena_vprintf(cx->a, fmt, ap);
}

void
result_say(eval_ctx *cx, result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    result_vsay(cx, res, fmt, ap);
    va_end(ap);
}

void
result_set_reason(result *res, const char *text)
{
    res->reason_text = text;
    res->reason_fmt = NULL;
    res->reason_join = NULL;
}

void
result_same_reason(result *dst, const result *src)
{
    dst->reason_text = src->reason_text;
    dst->reason_fmt = src->reason_fmt;
    dst->reason_join = src->reason_join;
}

void
result_join_reasons(eval_ctx *cx, result *res, result *const *kids, int n,
                    int want, int skip_empty)
{
    if (cx->values_only) {      /* every reason is "" (result_vsay) */
        result_set_reason(res, "");
        return;
    }
    reason_join *j = arena_alloc_raw(cx->a, sizeof *j);
    j->a = cx->a;
    j->kids = kids;
    j->n = n;
    j->want = want;
    j->skip_empty = skip_empty;
    res->reason_text = NULL;
    res->reason_fmt = NULL;
    res->reason_join = j;
}

static const char *join_now(arena *a, result *const *r, int n, int want,
                            int skip_empty);

/*
** Thread safety.  This writes into a const result and allocates in the
** arena it was evaluated in.  A result, its arena and the record it
** quotes belong to one evaluation, and every reader of them runs in the
** thread that evaluated it: a batch worker renders the records it
** screened itself (screen.c), case files, replay's verdicts, the HTML
** page and grid evaluate and read in one thread.  Nothing reads a result
** after its arena is reset.  A result is always allocated writable
** (result_new, leaf_new), so casting const away is defined.
*/
const char *
result_reason(const result *res)
{
    const char *text;
    if (res->reason_text)
        return res->reason_text;
    if (res->reason_fmt) {
        text = arena_fmt_text(res->reason_fmt, NULL);
    } else if (res->reason_join) {
        const reason_join *j = res->reason_join;
        text = join_now(j->a, j->kids, j->n, j->want, j->skip_empty);
    } else {
        return NULL;
    }
    union { const result *c; result *w; } u = { res };
    result *w = u.w;
    w->reason_text = text ? text : "";
    return w->reason_text;
}

static long
text_into(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n >= size)
        return -1;
    memcpy(out, s, n + 1);
    return (long)n;
}

/*
** A report reads most reasons once, to copy them into its output: made
** by result_reason, each was written into the arena, measured, and copied
** again (a join: its kids' texts measured twice and copied twice).  This
** writes the text where the report wants it, kids' texts in place.  A
** text already made is used as it is; nothing is kept, so reading again
** makes the same text again (from the same arguments and kids' values).
*/
long
result_reason_into(const result *res, char *out, size_t size)
{
    if (res->reason_text)
        return text_into(res->reason_text, out, size);
    if (res->reason_fmt)
        return arena_fmt_into(res->reason_fmt, out, size);
    if (!res->reason_join)
        return -2;
    const reason_join *j = res->reason_join;
    if (size == 0)
        return -1;
    size_t o = 0;
    int count = 0;
    out[0] = '\0';
    for (int i = 0; i < j->n; i++) {
        const result *k = j->kids[i];
        if (j->want >= 0 && (int)k->value != j->want)
            continue;
        /* The kid after the "; " that goes before it if it is kept. */
        size_t at = o + (count ? 2 : 0);
        if (at >= size)
            return -1;
        long n = result_reason_into(k, out + at, size - at);
        if (n == -2)
            n = text_into("(null)", out + at, size - at);
        if (n < 0)
            return -1;
        if (j->skip_empty && n == 0) {
            out[o] = '\0';
            continue;
        }
        if (count)
            memcpy(out + o, "; ", 2);
        o = at + (size_t)n;
        count++;
    }
    return (long)o;
}

void
result_add_evidence(eval_ctx *cx, result *res, const char *code,
                    const char *value, const char *unit, ts_time t,
                    const char *pointer)
{
    /* Capacity doubles at each power of two (the list is only ever
    ** appended to, here): an infusion changing rate hourly has dozens of
    ** entries, and growing by one copied the list once per entry. */
    if (cx->values_only)
        return;
    int n = res->nev;
    if ((n & (n - 1)) == 0)
        res->ev = arena_grow(cx->a, res->ev, (size_t)n, n ? 2 * (size_t)n : 1,
                             sizeof *res->ev);
    evidence *e = &res->ev[res->nev++];
    e->code = code;
    e->value = value;
    e->unit = unit;
    e->t = t;
    e->pointer = pointer;
}

void
result_add_missing(eval_ctx *cx, result *res, const char *item)
{
    /* No value depends on the list, which only reports read: the HTML
    ** grid (values_only) keeps none, as it keeps no evidence. */
    if (cx->values_only)
        return;
    for (int i = 0; i < res->nmissing; i++)
        if (strcmp(res->missing[i], item) == 0)
            return;
    res->missing = arena_grow(cx->a, res->missing, (size_t)res->nmissing,
                              (size_t)res->nmissing + 1, sizeof *res->missing);
    res->missing[res->nmissing++] = item;
}

/* The same item of evidence: the same pointer into the record and code. */
static int
same_evidence(const evidence *a, const evidence *b)
{
    return a->pointer && b->pointer && strcmp(a->pointer, b->pointer) == 0
           && strcmp(a->code, b->code) == 0;
}

static uint32_t
evidence_hash(const evidence *e)
{
    uint32_t h = 2166136261u;   /* FNV-1a over pointer, NUL, code */
    for (const char *p = e->pointer; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ 0u) * 16777619u;
    for (const char *p = e->code ? e->code : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/*
** src's evidence appended to dst's, each item once, in order.  Up to
** TAKE_LINEAR items a search per item; beyond, dst's items are hashed:
** one criterion can gather tens of thousands (every rate change of an
** infusion over a long stay, merged up an all-of), and 40,000 took
** seconds of strcmp per criterion.  Both give the same list.
*/
#define TAKE_LINEAR 64

static void
take_evidence(eval_ctx *cx, result *dst, const result *src)
{
    if (dst->nev + src->nev <= TAKE_LINEAR) {   /* dst grows as src is added */
        for (int i = 0; i < src->nev; i++) {
            const evidence *e = &src->ev[i];
            int dup = 0;
            for (int j = 0; j < dst->nev && !dup; j++)
                dup = same_evidence(&dst->ev[j], e);
            if (!dup)
                result_add_evidence(cx, dst, e->code, e->value, e->unit, e->t,
                                    e->pointer);
        }
        return;
    }
    size_t cap = 16;
    while (cap < 2 * ((size_t)dst->nev + (size_t)src->nev))
        cap *= 2;
    int *slot = arena_alloc_raw(cx->a, cap * sizeof *slot);    /* index + 1 */
    memset(slot, 0, cap * sizeof *slot);
    for (int j = 0; j < dst->nev; j++) {
        if (!dst->ev[j].pointer)
            continue;
        size_t k = evidence_hash(&dst->ev[j]) & (cap - 1);
        while (slot[k] && !same_evidence(&dst->ev[slot[k] - 1], &dst->ev[j]))
            k = (k + 1) & (cap - 1);
        if (!slot[k])
            slot[k] = j + 1;
    }
    for (int i = 0; i < src->nev; i++) {
        const evidence *e = &src->ev[i];
        size_t k = 0;
        if (e->pointer) {
            k = evidence_hash(e) & (cap - 1);
            while (slot[k] && !same_evidence(&dst->ev[slot[k] - 1], e))
                k = (k + 1) & (cap - 1);
            if (slot[k])
                continue;
        }
        result_add_evidence(cx, dst, e->code, e->value, e->unit, e->t,
                            e->pointer);
        if (e->pointer)
            slot[k] = dst->nev;
    }
}

void
result_take(eval_ctx *cx, result *dst, const result *src)
{
    /* With values_only, src has no evidence and no missing item
    ** (result_add_evidence, result_add_missing). */
    if (cx->values_only)
        return;
    take_evidence(cx, dst, src);
    for (int i = 0; i < src->nmissing; i++)
        result_add_missing(cx, dst, src->missing[i]);
}

/* }====================================================== */

/*
** {======================================================
** Helpers shared by the leaves
** =======================================================
*/

int
result_cmp_value(const num_cmp_t *c, double canonical)
{
    double v = canonical * (c->scale != 0 ? c->scale : 1);
    switch (c->op) {
    case CMP_GT: return num_cmp(v, c->lo) > 0;
    case CMP_GE: return num_cmp(v, c->lo) >= 0;
    case CMP_LT: return num_cmp(v, c->lo) < 0;
    case CMP_LE: return num_cmp(v, c->lo) <= 0;
    case CMP_EQ: return num_cmp(v, c->lo) == 0;
    case CMP_BETWEEN: return num_cmp(v, c->lo) >= 0 && num_cmp(v, c->hi) <= 0;
    case CMP_NONE: break;
    }
    return 0;
}

/* Units that read better left out of a sentence: "1", "{score}". */
static const char *
shown_unit(const char *unit)
{
    if (!unit || !*unit || strcmp(unit, "1") == 0 || unit[0] == '{')
        return NULL;
    return unit;
}

static const char *
cmp_text_make(eval_ctx *cx, const num_cmp_t *c)
{
    static const char *const sym[] = {
        [CMP_GT] = ">", [CMP_GE] = "\u2265", [CMP_LT] = "<",
        [CMP_LE] = "\u2264", [CMP_EQ] = "="
    };
    char lo[32], hi[32];
    const char *u = shown_unit(c->unit);
    num_format(c->lo, lo, sizeof lo);
    num_format(c->hi, hi, sizeof hi);
    if (c->op == CMP_BETWEEN)
        return arena_printf(cx->a, "%s\u2013%s%s%s", lo, hi, u ? " " : "",
                            u ? u : "");
    if (c->op == CMP_NONE)
        return "";
    return arena_printf(cx->a, "%s %s%s%s", sym[c->op], lo, u ? " " : "",
                        u ? u : "");
}

/*
** A rule's threshold is the same text for every record, and formatting
** its numbers (num_format) cost more than the rest of most leaves: each
** thread keeps the texts of the comparisons it met last.  An entry is used
** only when the comparison is equal in value to the one it was made for
** (the address alone is not enough: a criteria file freed and another
** loaded, by `test`, may put a different rule at the same address), so
** the cache can never change a text.
*/
typedef struct cmp_memo {
    const num_cmp_t *key;
    cmp_op op;
    double lo, hi;
    char unit[24];              /* c->unit, "" for NULL */
    size_t len;
    char text[64];
} cmp_memo;

#define CMP_SLOTS 256
static _Thread_local cmp_memo *cmp_memo_table;  /* arena_thread_table */

static int
memo_matches(const cmp_memo *m, const num_cmp_t *c)
{
    return m->key == c && m->op == c->op
        && memcmp(&m->lo, &c->lo, sizeof c->lo) == 0
        && memcmp(&m->hi, &c->hi, sizeof c->hi) == 0
        && strcmp(m->unit, c->unit ? c->unit : "") == 0;
}

const char *
result_cmp_text(eval_ctx *cx, const num_cmp_t *c)
{
    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    /* Fibonacci hashing: rules sit at regular strides in the arena. */
    uint64_t h = (uint64_t)(uintptr_t)c * 0x9E3779B97F4A7C15ULL;
    if (!cmp_memo_table)
        cmp_memo_table = arena_thread_table(ARENA_TABLE_CMP,
                                            CMP_SLOTS * sizeof *cmp_memo_table);
    if (!cmp_memo_table)
        return cmp_text_make(cx, c);
    cmp_memo *m = &cmp_memo_table[h >> 56];     /* 256 slots */
    if (memo_matches(m, c))
        return arena_strndup(cx->a, m->text, m->len);
    const char *t = cmp_text_make(cx, c);
    size_t tl = strlen(t), ul = c->unit ? strlen(c->unit) : 0;
    if (tl < sizeof m->text && ul < sizeof m->unit) {
        m->key = c;
        m->op = c->op;
        m->lo = c->lo;
        m->hi = c->hi;
        memcpy(m->unit, c->unit ? c->unit : "", ul + 1);
        memcpy(m->text, t, tl + 1);
        m->len = tl;
    }
    return t;
}

/* The memo tables of values (result_num, result_fmt_value): a value's
** text kept by its bits. */
typedef struct num_memo {
    uint64_t bits;
    size_t len;                 /* 0: an empty slot */
    char text[32];
} num_memo;

/* m's text for v, made with format if m holds another value. */
static num_memo *
num_memo_get(num_memo *table, double v, void (*format)(double, char *, size_t))
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    num_memo *m = &table[(bits * 0x9E3779B97F4A7C15ULL) >> 58];   /* 64 slots */
    if (m->len == 0 || m->bits != bits) {
        format(v, m->text, sizeof m->text);
        m->len = strlen(m->text);
        m->bits = bits;
    }
    return m;
}

static _Thread_local num_memo clinical_memo_table[64];

/* "58 mm[Hg]": the value as num_format_clinical writes it (kept per
** thread: replay reads the same values at every step), and the unit. */
const char *
result_fmt_value(eval_ctx *cx, const num_cmp_t *c, double canonical)
{
    const char *u = shown_unit(c->unit);
    const num_memo *m = num_memo_get(clinical_memo_table,
                                     canonical * (c->scale != 0 ? c->scale : 1),
                                     num_format_clinical);
    size_t ul = u ? strlen(u) : 0;
    char *p = arena_alloc_raw(cx->a, m->len + (u ? 1 + ul : 0) + 1);
    memcpy(p, m->text, m->len);
    if (u) {
        p[m->len] = ' ';
        memcpy(p + m->len + 1, u, ul);
    }
    p[m->len + (u ? 1 + ul : 0)] = '\0';
    return p;
}

/* "/section/index", made for every piece of evidence: no printf. */
const char *
result_pointer(eval_ctx *cx, const char *section, int index)
{
    if (cx->values_only)        /* no evidence will hold it */
        return "";
    char num[16], *d = num + sizeof num;
    unsigned u = index < 0 ? 0 - (unsigned)index : (unsigned)index;
    do
        *--d = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (index < 0)
        *--d = '-';
    size_t sl = strlen(section), dl = (size_t)(num + sizeof num - d);
    char *p = arena_alloc_raw(cx->a, sl + dl + 3);
    p[0] = '/';
    memcpy(p + 1, section, sl);
    p[sl + 1] = '/';
    memcpy(p + sl + 2, d, dl);
    p[sl + dl + 2] = '\0';
    return p;
}

/*
** Reasons quote the same few times over and over (the latest sample, an
** onset, in every criterion that reads them): each thread keeps the texts
** of the times it formatted last, keyed by the time itself, so a kept
** text is never the wrong one.
*/
typedef struct time_memo {
    ts_time t;
    size_t len;                 /* 0: an empty slot */
    char text[TS_FMT_LEN];
} time_memo;

static _Thread_local time_memo time_memo_table[64];

const char *
result_fmt_time(eval_ctx *cx, ts_time t)
{
    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    time_memo *m = &time_memo_table[((uint64_t)t * 0x9E3779B97F4A7C15ULL) >> 58];
    if (m->len == 0 || m->t != t) {
        ts_format_short(t, m->text);
        m->len = strlen(m->text);
        m->t = t;
    }
    return arena_strndup(cx->a, m->text, m->len);
}

/*
** Doses and rates as recorded, for evidence: the same few values recur
** (a drip's rate in every criterion and trial that reads the drug), and
** num_format falls back on snprintf for many of them.  Kept per thread
** like the times, keyed by the value's bits, so never the wrong text.
*/
static _Thread_local num_memo num_memo_table[64];

const char *
result_num(eval_ctx *cx, double v)
{
    if (cx->values_only)        /* quoted by evidence and reasons alone */
        return "";
    const num_memo *m = num_memo_get(num_memo_table, v, num_format);
    return arena_strndup(cx->a, m->text, m->len);
}

/* }====================================================== */

/*
** {======================================================
** Reasons
** =======================================================
*/

/*
** Joining two at a time ("%s; %s") copied the first reasons again for
** every later one; this measures them all, then copies each once.  A
** single reason is returned as it is.
*/
static const char *
join_now(arena *a, result *const *r, int n, int want, int skip_empty)
{
    size_t len = 0;
    int count = 0;
    const char *only = NULL;
    for (int i = 0; i < n; i++) {
        if (want >= 0 && (int)r[i]->value != want)
            continue;
        const char *s = result_reason(r[i]);
        s = s ? s : "(null)";
        if (skip_empty && !*s)
            continue;
        len += strlen(s) + (count ? 2 : 0);
        only = s;
        count++;
    }
    if (count <= 1)
        return only;
    char *out = arena_alloc_raw(a, len + 1), *o = out;
    for (int i = 0, k = 0; i < n; i++) {
        if (want >= 0 && (int)r[i]->value != want)
            continue;
        const char *s = r[i]->reason_text ? r[i]->reason_text : "(null)";
        if (skip_empty && !*s)
            continue;
        if (k++) {
            memcpy(o, "; ", 2);
            o += 2;
        }
        size_t sl = strlen(s);
        memcpy(o, s, sl);
        o += sl;
    }
    *o = '\0';
    return out;
}

const char *
result_reasons_join(eval_ctx *cx, result *const *r, int n, int want, int skip_empty)
{
    return join_now(cx->a, r, n, want, skip_empty);
}

/* }====================================================== */
