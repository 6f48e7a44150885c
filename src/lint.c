/*
** lint.c -- "trialscreen lint": problems in criteria files, all of them.
**
** Three passes.  (1) Every file is loaded on its own into one trialset,
** so that an error in one file does not hide the others.  (2) A trial
** file that fails to load is searched for more errors: each criterion's
** rule is parsed on its own (rule_parse, the loader's own code, so the
** messages are the loader's), and ids and texts are checked; the loader's
** first error is not repeated.  (3) Each trial that loads is checked for
** what is legal but wrong:
**
**   overlap     an inclusion leaf that must hold and an exclusion leaf
**               that excludes on its own, on the same subject (age in the
**               same unit, values or facts of one concept, time since one
**               event), accept a common value: a patient there meets
**               both, so is ineligible.  A warning (NCT04843982 age 60);
**               an error when every patient who meets the inclusion leaf
**               meets the exclusion leaf (the trial can never be eligible).
**   never-met   a rule that no record can meet: conjuncts of an "all"
**               that cannot both hold (latest lactate > 5 and < 3), an age
**               bound no whole number of years passes, an episode longer
**               than its look-back window.
**   no-effect   a modifier the evaluator never reads in its combination
**               (`infusion: true` without `within`; `one_course` on one
**               drug): a warning, the rule does not say what was meant.
**   empty-text  a criterion whose registry text is empty.
**   list-incomplete
**               a trial whose exclusion list is marked incomplete (a
**               warning: true, but every user should know).
**
** Subjects are compared on one value each ("same value") only where the
** evaluator reads one value: age, the latest value, a fact, the time since
** an event.  "any lactate > 4" and "any lactate < 2" can both hold (two
** samples), so they never contradict; they can still overlap.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critload.h"
#include "diag.h"
#include "input.h"
#include "lint.h"
#include "trialsview.h"

/*
** {======================================================================
** Findings
** =======================================================================
*/

static void add(lint_report *r, lint_level level, const char *check,
                const char *file, int line, int column, int order,
                const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void
add(lint_report *r, lint_level level, const char *check, const char *file,
    int line, int column, int order, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* The loader's first error is found again by the search for more. */
    for (int i = 0; i < r->n; i++)
        if (r->d[i].line == line && r->d[i].column == column &&
            r->d[i].order == order && strcmp(r->d[i].msg, msg) == 0)
            return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->d = xrealloc(r->d, (size_t)r->cap * sizeof *r->d);
    }
    lint_diag *d = &r->d[r->n++];
    d->level = level;
    d->check = check;
    d->file = xstrdup(file ? file : "");
    d->line = line;
    d->column = column;
    d->msg = xstrdup(msg);
    d->order = order;
    if (level == LINT_ERROR)
        r->errors++;
    else
        r->warnings++;
}

void
lint_report_release(lint_report *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++) {
        free(r->d[i].file);
        free(r->d[i].msg);
    }
    free(r->d);
    memset(r, 0, sizeof *r);
}

static int
diag_cmp(const void *pa, const void *pb)
{
    const lint_diag *a = pa, *b = pb;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return strcmp(a->msg, b->msg);
}

void
lint_sort(lint_report *r)
{
    if (r->n > 1)
        qsort(r->d, (size_t)r->n, sizeof *r->d, diag_cmp);
}

void
lint_format(const lint_report *r, int ndjson, outbuf *out)
{
    for (int i = 0; i < r->n; i++) {
        const lint_diag *d = &r->d[i];
        const char *level = d->level == LINT_ERROR ? "error" : "warning";
        const char *file = trialsview_path(d->file);
        if (ndjson) {
            outbuf_puts(out, "{\"file\":");
            outbuf_json(out, file);
            outbuf_printf(out, ",\"line\":%d,\"column\":%d,\"level\":\"%s\","
                          "\"check\":\"%s\",\"message\":", d->line, d->column,
                          level, d->check);
            outbuf_json(out, d->msg);
            outbuf_puts(out, "}\n");
            continue;
        }
        diag_putf(out, d->level == LINT_ERROR ? TS_LEVEL_ERROR
                                              : TS_LEVEL_WARNING,
                  file, d->line, d->column, "%s", d->msg);
    }
}

/* }====================================================================== */

/*
** {======================================================================
** Subjects and intervals
** =======================================================================
*/

typedef enum subject {
    S_NONE, S_AGE, S_VALUE, S_FACT, S_BOOL, S_SEX, S_SINCE, S_LASTED
} subject;

/* What one leaf accepts, as an interval (or a set) on its subject. */
typedef struct bound {
    subject s;
    int key;                /* age unit, or concept index */
    int same_value;         /* the leaf reads one value (see the top) */
    const rule *r;
    double lo, hi;          /* canonical unit; whole numbers for age */
    int lo_open, hi_open;
    unsigned set;           /* S_BOOL: 1 << value; S_SEX: sexes */
} bound;

/* Thresholds equal within the evaluator's tolerance are equal. */
static int
near(double a, double b)
{
    if (isinf(a) || isinf(b))
        return a == b;
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static void
from_cmp(bound *b, cmp_op op, double lo, double hi)
{
    b->lo = -INFINITY;
    b->hi = INFINITY;
    b->lo_open = b->hi_open = 0;
    switch (op) {
    case CMP_GT: b->lo = lo; b->lo_open = 1; break;
    case CMP_GE: b->lo = lo; break;
    case CMP_LT: b->hi = lo; b->hi_open = 1; break;
    case CMP_LE: b->hi = lo; break;
    case CMP_EQ: b->lo = b->hi = lo; break;
    case CMP_BETWEEN: b->lo = lo; b->hi = hi; break;
    default: break;
    }
}

/* Ages are whole numbers from 0: "age < 18" is "age <= 17". */
static void
whole_numbers(bound *b)
{
    if (!isinf(b->lo))
        b->lo = b->lo_open ? floor(b->lo + 1e-9) + 1 : ceil(b->lo - 1e-9);
    if (!isinf(b->hi))
        b->hi = b->hi_open ? ceil(b->hi - 1e-9) - 1 : floor(b->hi + 1e-9);
    if (b->lo < 0)
        b->lo = 0;
    b->lo_open = b->hi_open = 0;
}

/* The bound of a leaf, or s == S_NONE when it has none we compare. */
static bound
leaf_bound(const rule *r)
{
    bound b;
    memset(&b, 0, sizeof b);
    b.r = r;
    switch (r->kind) {
    case R_AGE:
        b.s = S_AGE;
        b.key = (int)r->age_unit;
        b.same_value = 1;
        from_cmp(&b, r->cmp.op, r->cmp.lo, r->cmp.hi);
        whole_numbers(&b);
        return b;
    case R_LATEST:
    case R_ANY_VALUE:
    case R_ALL_VALUES:
        b.s = S_VALUE;
        b.same_value = r->kind == R_LATEST;
        break;
    case R_FACT:
        if (r->fact_type == VAL_BOOL) {
            b.s = S_BOOL;
            b.key = r->concepts[0]->index;
            b.set = 1u << (r->fact_bool != 0);
            b.same_value = 1;
            return b;
        }
        if (r->fact_type != VAL_NUMBER)
            return b;
        b.s = S_FACT;
        b.same_value = 1;
        break;
    case R_SEX:
        b.s = S_SEX;
        b.set = r->sexes;
        b.same_value = 1;
        return b;
    case R_TIME_SINCE:
    case R_DURATION:
        /* A class course or a first_of has no one concept to compare. */
        if (r->one_course || r->event == EV_FIRST_OF)
            return b;
        b.s = r->kind == R_TIME_SINCE ? S_SINCE : S_LASTED;
        b.key = r->concepts[0]->index;
        b.same_value = 1;
        from_cmp(&b, r->dcmp.op, (double)ts_duration_approx(r->dcmp.lo),
                 (double)ts_duration_approx(r->dcmp.hi));
        return b;
    default:
        return b;
    }
    /* Values and numeric facts: thresholds into the concept's unit. */
    b.key = r->concepts[0]->index;
    double scale = r->cmp.scale > 0 ? r->cmp.scale : 1;
    from_cmp(&b, r->cmp.op, r->cmp.lo / scale, r->cmp.hi / scale);
    return b;
}

static int
same_subject(const bound *a, const bound *b)
{
    return a->s != S_NONE && a->s == b->s && a->key == b->key;
}

static int
is_empty(const bound *b)
{
    if (b->s == S_BOOL || b->s == S_SEX)
        return b->set == 0;
    if (near(b->lo, b->hi))
        return b->lo_open || b->hi_open;
    return b->lo > b->hi;
}

/* a and b on the same subject: what both accept. */
static bound
intersect(const bound *a, const bound *b)
{
    bound s = *a;
    s.set = a->set & b->set;
    if (near(b->lo, a->lo))
        s.lo_open = a->lo_open || b->lo_open;
    else if (b->lo > a->lo)
        s.lo = b->lo, s.lo_open = b->lo_open;
    if (near(b->hi, a->hi))
        s.hi_open = a->hi_open || b->hi_open;
    else if (b->hi < a->hi)
        s.hi = b->hi, s.hi_open = b->hi_open;
    return s;
}

/* Does a accept only what b accepts? */
static int
inside(const bound *a, const bound *b)
{
    if (a->s == S_BOOL || a->s == S_SEX)
        return (a->set & ~b->set) == 0;
    bound s = intersect(a, b);
    return near(s.lo, a->lo) && s.lo_open == a->lo_open &&
           near(s.hi, a->hi) && s.hi_open == a->hi_open;
}

/* }====================================================================== */

/*
** {======================================================================
** Bounds in words
** =======================================================================
*/

/* The unit a bound of leaf r is shown in. */
static const char *
shown_unit(const rule *r)
{
    if (r->kind == R_AGE)
        return trialsview_age_unit(r->age_unit);
    return r->cmp.unit;
}

/* A value of the bound's subject, from canonical units into r's. */
static void
put_value(outbuf *out, const rule *r, subject s, double v)
{
    char buf[64];
    if (s == S_SINCE || s == S_LASTED) {
        int64_t secs = (int64_t)llround(v);
        /* As trialsview writes durations: hours up to three days. */
        if (secs > 0 && secs % TS_HOUR == 0 && secs <= 3 * TS_DAY)
            outbuf_printf(out, "%lld h", (long long)(secs / TS_HOUR));
        else {
            ts_format_seconds(secs, buf, sizeof buf);
            outbuf_puts(out, buf);
        }
        return;
    }
    trialsview_number(out, s == S_AGE ? v : v * (r->cmp.scale > 0 ?
                                                 r->cmp.scale : 1));
    const char *u = shown_unit(r);
    if (u && *u)
        outbuf_printf(out, " %s", u);
}

/* The subject's name: "age", "latest lactate", "time since ecmo start". */
static void
put_subject(outbuf *out, const rule *r, int plain)
{
    const char *name = r->nconcepts > 0 ? r->concepts[0]->name : "";
    switch (r->kind) {
    case R_AGE:        outbuf_puts(out, "age"); break;
    case R_LATEST:     outbuf_printf(out, "%s%s", plain ? "" : "latest ", name);
                       break;
    case R_ANY_VALUE:  outbuf_printf(out, "%s%s", plain ? "" : "any ", name);
                       break;
    case R_ALL_VALUES: outbuf_printf(out, "%s%s", plain ? "" : "every ", name);
                       break;
    case R_TIME_SINCE: outbuf_printf(out, "time since %s start", name); break;
    case R_DURATION:   outbuf_printf(out, "%s duration", name); break;
    default:           outbuf_puts(out, name); break;
    }
}

/*
** "age ≤ 60 y": the interval b of leaf r's subject.  show_lo / show_hi
** pick the sides to write; the numbers are those of view (the leaf's own
** for its bound, the shared interval's for an overlap).
*/
static void
put_interval(outbuf *out, const rule *r, const bound *view, int show_lo,
             int show_hi, int plain)
{
    int lo = show_lo && !isinf(view->lo), hi = show_hi && !isinf(view->hi);
    if (view->s == S_BOOL || view->s == S_SEX) {
        trialsview_rule(out, r);
        return;
    }
    if (lo && hi && near(view->lo, view->hi)) {
        put_subject(out, r, plain);
        outbuf_puts(out, " = ");
        put_value(out, r, view->s, view->lo);
        return;
    }
    if (lo && hi) {
        put_value(out, r, view->s, view->lo);
        outbuf_printf(out, " %s ", view->lo_open ? "<" : "≤");
    }
    put_subject(out, r, plain);
    if (lo && !hi) {
        outbuf_printf(out, " %s ", view->lo_open ? ">" : "≥");
        put_value(out, r, view->s, view->lo);
    } else if (hi) {
        outbuf_printf(out, " %s ", view->hi_open ? "<" : "≤");
        put_value(out, r, view->s, view->hi);
    }
}

/* The leaf's own comparison, written as in its file ("age ≥ 60 y", not
** the whole numbers it was turned into). */
static bound
as_written(const bound *b)
{
    bound w = *b;
    const rule *r = b->r;
    if (r->kind == R_AGE)
        from_cmp(&w, r->cmp.op, r->cmp.lo, r->cmp.hi);
    return w;
}

/* The leaf b, showing only the sides that bound the overlap s (both when
** neither does): "(age ≤ 60 y)" for inc-age [18, 60] against age >= 60. */
static void
put_leaf(outbuf *out, const bound *b, const bound *s)
{
    bound w = as_written(b);
    int lo = !isinf(b->lo) && near(b->lo, s->lo);
    int hi = !isinf(b->hi) && near(b->hi, s->hi);
    if (!lo && !hi)
        lo = hi = 1;
    put_interval(out, b->r, &w, lo, hi, 0);
}

/* }====================================================================== */

/*
** {======================================================================
** Rules that can never be met
** =======================================================================
*/

typedef struct trial_ctx {
    const trial *t;
    int order;
    lint_report *r;
} trial_ctx;

/* Nodes whose children must all hold. */
static int
conjunctive(const rule *r)
{
    return r->kind == R_ALL || r->kind == R_HELD_FOR ||
           (r->kind == R_AT_LEAST && r->n == r->nkids);
}

/* The leaves that must hold for r to hold, through all / for. */
static void
required_leaves(const rule *r, bound *out, int *n, int max)
{
    if (conjunctive(r)) {
        for (int i = 0; i < r->nkids; i++)
            required_leaves(r->kids[i], out, n, max);
        return;
    }
    bound b = leaf_bound(r);
    if (b.s != S_NONE && *n < max)
        out[(*n)++] = b;
}

/* The leaves that are enough for r to hold, through any. */
static void
sufficient_leaves(const rule *r, bound *out, int *n, int max)
{
    if (r->kind == R_ANY || (r->kind == R_AT_LEAST && r->n == 1) ||
        (r->kind == R_ALL && r->nkids == 1)) {
        for (int i = 0; i < r->nkids; i++)
            sufficient_leaves(r->kids[i], out, n, max);
        return;
    }
    bound b = leaf_bound(r);
    if (b.s != S_NONE && *n < max)
        out[(*n)++] = b;
}

#define MAX_LEAVES 256

static void
never_leaf(trial_ctx *c, const rule *r)
{
    const trial *t = c->t;
    bound b = leaf_bound(r);
    if (b.s == S_AGE && is_empty(&b)) {
        outbuf w = {0};
        trialsview_rule(&w, r);
        add(c->r, LINT_ERROR, "never-met", t->file, r->line, r->column,
            c->order, "%s: no age in whole %s passes; the rule can never be "
            "met", w.p, r->age_unit == AGE_YEARS ? "years" : r->age_unit ==
            AGE_MONTHS ? "months" : "days");
        outbuf_release(&w);
    }
    if (r->kind == R_EPISODE && r->has_within &&
        ts_duration_approx(r->lasting) > ts_duration_approx(r->within)) {
        char l[64], w[64];
        ts_format_duration(r->lasting, l, sizeof l);
        ts_format_duration(r->within, w, sizeof w);
        add(c->r, LINT_ERROR, "never-met", t->file, r->line, r->column,
            c->order, "an episode lasting %s cannot fit in the look-back of "
            "%s; the rule can never be met", l, w);
    }
}

/*
** Modifiers the evaluator never reads in this combination: the author
** meant something the rule does not say.  `infusion: true` filters the
** look-back of `within` only (what runs now is never a single dose);
** `one_course: true` on one drug is that drug's own course.
*/
static void
no_effect(trial_ctx *c, const rule *r)
{
    if (r->kind != R_MEDICATION)
        return;
    if (r->infusion && !r->has_within)
        add(c->r, LINT_WARNING, "no-effect", c->t->file, r->line, r->column,
            c->order, "'infusion: true' changes nothing without 'within': a "
            "drug running now is never a single dose (add 'within: D' for "
            "an infusion given in the last D)");
    if (r->one_course && r->nconcepts == 1)
        add(c->r, LINT_WARNING, "no-effect", c->t->file, r->line, r->column,
            c->order, "'one_course: true' changes nothing with one drug: "
            "list the drugs of the class");
}

/* The conjuncts of a top-most all: two on one value that cannot both hold. */
static void
never_conjunction(trial_ctx *c, const rule *r)
{
    bound *b = xcalloc(MAX_LEAVES, sizeof *b);
    int n = 0;
    required_leaves(r, b, &n, MAX_LEAVES);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++) {
            if (!same_subject(&b[i], &b[j]) || !b[i].same_value ||
                !b[j].same_value)
                continue;
            bound s = intersect(&b[j], &b[i]);
            if (!is_empty(&s))
                continue;
            outbuf x = {0}, y = {0};
            trialsview_rule(&x, b[j].r);
            trialsview_rule(&y, b[i].r);
            add(c->r, LINT_ERROR, "never-met", c->t->file, b[i].r->line,
                b[i].r->column, c->order, "'%s' (at %d:%d) and '%s' must both "
                "hold and cannot; the rule can never be met", x.p,
                b[j].r->line, b[j].r->column, y.p);
            outbuf_release(&x);
            outbuf_release(&y);
        }
    free(b);
}

static void
never_met(trial_ctx *c, const rule *r, int in_conjunction)
{
    if (!r)
        return;
    if (conjunctive(r) && !in_conjunction)
        never_conjunction(c, r);
    never_leaf(c, r);
    no_effect(c, r);
    for (int i = 0; i < r->nkids; i++)
        never_met(c, r->kids[i], conjunctive(r));
}

/* }====================================================================== */

/*
** {======================================================================
** Overlapping inclusion and exclusion
** =======================================================================
*/

/* Does the exclusion look back at least as far as the inclusion?  Then
** the inclusion's latest value (or recorded fact) is one the exclusion
** sees. */
static int
covers_window(const rule *inc, const rule *exc)
{
    if (inc->kind != R_LATEST && inc->kind != R_FACT)
        return 1;
    if (!exc->has_within)
        return 1;
    return inc->has_within &&
           ts_duration_approx(inc->within) <= ts_duration_approx(exc->within);
}

static void
overlap_pair(trial_ctx *c, const criterion *ic, const bound *i,
             const criterion *ec, const bound *e)
{
    bound s = intersect(i, e);
    if (is_empty(&s))
        return;
    /* The shared values in the unit of the exclusion when it alone bounds
    ** them (36 mg/dL, not 3.996447602 mmol/L), else in the inclusion's. */
    const rule *view = i->r;
    if ((isinf(s.lo) || near(s.lo, e->lo)) && (isinf(s.hi) || near(s.hi, e->hi)))
        view = e->r;
    outbuf a = {0}, b = {0}, m = {0};
    put_leaf(&a, i, &s);
    put_leaf(&b, e, &s);
    if (inside(i, e) && i->same_value && e->same_value &&
        covers_window(i->r, e->r)) {
        add(c->r, LINT_ERROR, "overlap", c->t->file, i->r->line,
            i->r->column, c->order, "inclusion '%s' (%s) implies exclusion "
            "'%s' (%s): no patient can be eligible", ic->id, a.p, ec->id, b.p);
    } else if (s.s == S_BOOL || s.s == S_SEX) {
        add(c->r, LINT_WARNING, "overlap", c->t->file, i->r->line,
            i->r->column, c->order, "inclusion '%s' (%s) and exclusion '%s' "
            "(%s) overlap: such a patient is ineligible", ic->id, a.p,
            ec->id, b.p);
    } else if (near(s.lo, s.hi)) {
        put_value(&m, view, s.s, s.lo);
        outbuf with = {0};
        if (s.s == S_AGE)
            outbuf_puts(&with, "aged");
        else {
            outbuf_puts(&with, "with ");
            put_subject(&with, view, 1);
        }
        add(c->r, LINT_WARNING, "overlap", c->t->file, i->r->line,
            i->r->column, c->order, "inclusion '%s' (%s) and exclusion '%s' "
            "(%s) overlap at %s: a patient %s exactly %s is ineligible",
            ic->id, a.p, ec->id, b.p, m.p, with.p, m.p);
        outbuf_release(&with);
    } else {
        put_interval(&m, view, &s, 1, 1, 1);
        add(c->r, LINT_WARNING, "overlap", c->t->file, i->r->line,
            i->r->column, c->order, "inclusion '%s' (%s) and exclusion '%s' "
            "(%s) overlap for %s: such a patient is ineligible", ic->id, a.p,
            ec->id, b.p, m.p);
    }
    outbuf_release(&a);
    outbuf_release(&b);
    outbuf_release(&m);
}

static void
overlaps(trial_ctx *c)
{
    const trial *t = c->t;
    bound *inc = xcalloc(MAX_LEAVES, sizeof *inc);
    bound *exc = xcalloc(MAX_LEAVES, sizeof *exc);
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *ic = &t->crit[i];
        int ni = 0;
        if (ic->exclusion || !ic->rule)
            continue;
        required_leaves(ic->rule, inc, &ni, MAX_LEAVES);
        for (int j = 0; j < t->ncrit; j++) {
            const criterion *ec = &t->crit[j];
            int ne = 0;
            if (!ec->exclusion || !ec->rule)
                continue;
            sufficient_leaves(ec->rule, exc, &ne, MAX_LEAVES);
            for (int a = 0; a < ni; a++)
                for (int b = 0; b < ne; b++)
                    if (same_subject(&inc[a], &exc[b]))
                        overlap_pair(c, ic, &inc[a], ec, &exc[b]);
        }
    }
    free(inc);
    free(exc);
}

/* }====================================================================== */

static int
blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

void
lint_trial(const trial *t, int order, lint_report *r)
{
    trial_ctx c = { t, order, r };
    if (t->list_incomplete)
        add(r, LINT_WARNING, "list-incomplete", t->file, t->line, t->column,
            order, "trial '%s': exclusion list incomplete (list_incomplete: "
            "true): an eligible patient may meet an exclusion criterion that "
            "is not encoded", t->id);
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *cr = &t->crit[i];
        if (blank(cr->text))
            add(r, LINT_ERROR, "empty-text", t->file, cr->line, cr->column,
                order, "criterion '%s' has an empty 'text' (quote the "
                "registry text it encodes)", cr->id);
        never_met(&c, cr->rule, 0);
    }
    for (int i = 0; i < t->ncohorts; i++)
        never_met(&c, t->cohorts[i].rule, 0);
    overlaps(&c);
}

/*
** {======================================================================
** Files: load each, and search a failed one for more errors
** =======================================================================
*/

/*
** A rule that fails to parse: its own first error, then every sub-rule
** (the items of all / any / of, the rule of not / needs_check) parsed on
** its own, so that every problem of a criterion is reported, not the
** first.  A sub-rule's error that is also its parent's first is the same
** finding, which add() does not repeat.
*/
static void
search_rule(lint_report *r, const vocab *v, arena *a, const ynode *n,
            const char *file, int order, int depth)
{
    static const char *const lists[] = { "all", "any", "of", NULL };
    static const char *const singles[] = { "not", "needs_check", NULL };
    ts_error err;
    ts_error_clear(&err);
    if (rule_parse(a, v, n, &err))
        return;
    add(r, LINT_ERROR, "load", file, err.line, err.column, order, "%s", err.msg);
    if (n->kind != Y_MAP || depth >= RULE_MAX_DEPTH)
        return;
    for (int k = 0; lists[k]; k++) {
        const ynode *l = ydoc_get(n, lists[k]);
        for (int i = 0; l && l->kind == Y_SEQ && i < l->n; i++)
            search_rule(r, v, a, l->items[i], file, order, depth + 1);
    }
    for (int k = 0; singles[k]; k++) {
        const ynode *one = ydoc_get(n, singles[k]);
        if (one)
            search_rule(r, v, a, one, file, order, depth + 1);
    }
}

/* A file that failed: the rule of every criterion and cohort on its own,
** duplicate ids, missing or empty text. */
static void
search_file(lint_report *r, const vocab *v, const char *file, int order)
{
    static const char *const lists[] = { "inclusion", "exclusion", "cohorts" };
    ts_error err;
    ydoc *d = ydoc_parse_file(file, &err);
    if (!d)
        return;
    if (d->root->kind != Y_MAP || vocab_is_doc(d)) {
        ydoc_free(d);
        return;
    }
    arena *a = arena_new();
    const ynode *ids[2][MAX_LEAVES];
    int nids[2] = { 0, 0 };
    for (int k = 0; k < 3; k++) {
        const ynode *list = ydoc_get(d->root, lists[k]);
        int cohorts = k == 2;
        for (int i = 0; list && list->kind == Y_SEQ && i < list->n; i++) {
            const ynode *item = list->items[i];
            if (item->kind != Y_MAP)
                continue;
            const ynode *id = ydoc_get(item, "id"), *text = ydoc_get(item, "text");
            const ynode *rn = ydoc_get(item, "rule");
            if (!cohorts && !text)
                add(r, LINT_ERROR, "load", file, item->line, item->column,
                    order, "criterion has no 'text'");
            else if (!cohorts && text->kind == Y_SCALAR && text->quoted &&
                     blank(text->str))
                add(r, LINT_ERROR, "empty-text", file, item->line,
                    item->column, order, "criterion '%s' has an empty 'text' "
                    "(quote the registry text it encodes)",
                    id && id->kind == Y_SCALAR ? id->str : "?");
            if (id && id->kind == Y_SCALAR) {
                for (int j = 0; j < nids[cohorts]; j++) {
                    const ynode *f = ids[cohorts][j];
                    if (strcmp(f->str, id->str) != 0)
                        continue;
                    /* The loader's words and positions, so that its own
                    ** report of the first one is not repeated. */
                    if (cohorts)
                        add(r, LINT_ERROR, "load", file, id->line, id->column,
                            order, "duplicate cohort id '%s' (first at %d:%d)",
                            id->str, f->line, f->column);
                    else
                        add(r, LINT_ERROR, "load", file, id->line, id->column,
                            order, "duplicate criterion id '%s' (first at "
                            "%d:%d)", id->str, f->line, f->column);
                    break;
                }
                if (nids[cohorts] < MAX_LEAVES)
                    ids[cohorts][nids[cohorts]++] = cohorts ? item : id;
            }
            if (rn)
                search_rule(r, v, a, rn, file, order, 0);
        }
    }
    arena_free(a);
    ydoc_free(d);
}

int
lint_paths(const char *const *paths, int npaths, lint_report *r,
           ts_error *err)
{
    input_list files = {0};
    ts_error_clear(err);
    if (input_lint_files(paths, npaths, &files, err) != 0) {
        input_list_release(&files);
        return -1;
    }
    vocab *v = vocab_new();
    trialset *ts = trialset_new(v);
    for (int i = 0; i < files.n; i++) {
        ts_error e;
        ts_error_clear(&e);
        if (trialset_load(ts, files.s[i], &e) == 0)
            continue;
        add(r, LINT_ERROR, "load", files.s[i], e.line, e.column, i, "%s",
            e.msg);
        search_file(r, v, files.s[i], i);
    }
    for (int i = 0; i < trialset_count(ts); i++) {
        const trial *t = trialset_at(ts, i);
        int order = 0;
        for (int k = 0; k < files.n; k++)
            if (t->file && strcmp(t->file, files.s[k]) == 0)
                order = k;
        lint_trial(t, order, r);
    }
    lint_sort(r);
    trialset_free(ts);
    vocab_free(v);
    input_list_release(&files);
    return 0;
}

/* }====================================================================== */
