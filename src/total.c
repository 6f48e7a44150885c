/*
** total.c -- the `total` leaf: how much of a group of medications (IV
** fluids: crystalloid, colloid, blood_product) was given over a look-back.
**
** CLASSIC asks for "at least 1 L of IV fluid in the last 24 hours"; the
** record charts bags as doses (500 mL at 08:00) and drips as rates
** (125 mL/h from 06:00 to 14:00).  The look-back is (now - W, now]: a
** dose counts when given inside it (a dose exactly W old does not), an
** infusion or regimen counts its rate times the part of its interval
** inside it, and a dose with an end is spread evenly over its interval.
**
** The sum is exact only when the medications are complete and every
** entry converts to the concepts' unit; otherwise it is a lower bound (a
** bag not charted may have been given): reaching an "at least" threshold
** is met, falling short is unknown.  The leaf is met from the moment the
** volume given since the start of the look-back reached the threshold:
** from then on every later look-back holds at least that much.
*/
#include <stdio.h>
#include <string.h>

#include "leaf.h"
#include "units.h"
#include "verdict.h"

/* One entry's contribution: amount over [start, end) (end == start: a
** single dose given at start). */
typedef struct part {
    ts_time start, end;
    double amount;          /* in the concepts' unit */
} part;

typedef struct tally {
    int n;
    part *p;
    int bad;                /* entries whose amount could not be read */
    const char *why;        /* the first of them, in words */
} tally;

/* The amount of entry m in the concepts' unit (cu) into *out: 0, or -1
** with *why naming both units. */
static int
entry_amount(eval_ctx *cx, const char *name, const med_entry *m, const char *cu,
             ts_time now, ts_time *end, double *out, const char **why)
{
    char buf[256];
    double f;
    unit_ctx ctx = { 0, 0 };
    const char *to = cu;

    *end = m->end == TS_NONE ? (m->kind == MED_DOSE ? m->start : now) : m->end;
    if (m->kind == MED_COURSE || !m->unit) {
        *why = arena_printf(cx->a, "%s from %s has no amount", name,
                            result_fmt_time(cx, m->start));
        return -1;
    }
    if (m->kind != MED_DOSE)
        to = arena_printf(cx->a, "%s/h", cu);
    if (unit_factor(m->unit, to, &ctx, &f, buf, sizeof buf) != UNIT_OK) {
        *why = arena_printf(cx->a, "%s from %s: '%s' cannot be converted to "
                            "'%s'", name, result_fmt_time(cx, m->start), m->unit, to);
        return -1;
    }
    /* A dose as given; a rate per hour over the interval. */
    *out = m->kind == MED_DOSE ? m->raw * f
                               : m->raw * f * (double)(*end - m->start) / TS_HOUR;
    return 0;
}

static void
collect(eval_ctx *cx, const rule *ru, tally *t)
{
    const char *cu = ru->concepts[0]->unit;
    int cap = 0;
    for (int i = 0; i < ru->nconcepts; i++)
        cap += cx->r->meds[ru->concepts[i]->index].n;
    t->p = arena_alloc(cx->a, (size_t)(cap > 0 ? cap : 1) * sizeof *t->p);
    for (int i = 0; i < ru->nconcepts; i++) {
        const med_list *l = &cx->r->meds[ru->concepts[i]->index];
        for (int j = 0; j < l->n; j++) {
            const med_entry *m = &l->e[j];
            const char *why = NULL;
            ts_time end;
            double a = 0;
            if (entry_amount(cx, ru->concepts[i]->name, m, cu, cx->r->at,
                             &end, &a, &why) < 0) {
                if (!t->bad++)
                    t->why = why;
                continue;
            }
            t->p[t->n++] = (part){ m->start, end, a };
        }
    }
}

/* The amount given in (a, b]. */
static double
sum_between(const tally *t, ts_time a, ts_time b)
{
    double s = 0;
    for (int i = 0; i < t->n; i++) {
        const part *p = &t->p[i];
        if (p->end == p->start) {
            if (p->start > a && p->start <= b)
                s += p->amount;
            continue;
        }
        ts_time lo = p->start > a ? p->start : a;
        ts_time hi = p->end < b ? p->end : b;
        if (hi > lo)
            s += p->amount * (double)(hi - lo) / (double)(p->end - p->start);
    }
    return s;
}

/*
** The first instant t in (from, now] at which the amount given in
** (from, t] satisfies the comparison (an "at least" or "above", which only
** grows with t).  The amount is monotone, so a binary search finds it.
*/
static ts_time
reached_at(const rule *ru, const tally *t, ts_time from, ts_time now)
{
    ts_time lo = from, hi = now;       /* fails at lo, holds at hi */
    while (hi - lo > 1) {
        ts_time mid = lo + (hi - lo) / 2;
        if (result_cmp_value(&ru->cmp, sum_between(t, from, mid)))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* A lower bound v of the true amount: what v says of the comparison. */
static tv
bound_value(const num_cmp_t *c, double v)
{
    int ok = result_cmp_value(c, v);
    switch (c->op) {
    case CMP_GT: case CMP_GE: return ok ? TV_MET : TV_UNKNOWN;
    case CMP_LT: case CMP_LE: return ok ? TV_UNKNOWN : TV_NOT_MET;
    case CMP_EQ: case CMP_BETWEEN: {
        num_cmp_t above = *c;
        above.op = CMP_GT;
        above.lo = c->op == CMP_EQ ? c->lo : c->hi;
        return result_cmp_value(&above, v) ? TV_NOT_MET : TV_UNKNOWN;
    }
    case CMP_NONE: break;
    }
    return TV_UNKNOWN;
}

static void
add_evidence(eval_ctx *cx, const rule *ru, result *res, ts_time from)
{
    for (int i = 0; i < ru->nconcepts; i++) {
        const med_list *l = &cx->r->meds[ru->concepts[i]->index];
        for (int j = 0; j < l->n; j++) {
            const med_entry *m = &l->e[j];
            int inside = m->kind == MED_DOSE && m->end == TS_NONE
                       ? m->start > from
                       : m->end == TS_NONE || m->end > from;
            if (!inside)
                continue;
            result_add_evidence(cx, res, ru->concepts[i]->name,
                                m->kind == MED_COURSE ? NULL : result_num(cx, m->raw),
                                m->kind == MED_COURSE ? NULL : m->unit, m->start,
                                result_pointer(cx, "medications", m->src));
        }
    }
}

result *
eval_total(eval_ctx *cx, const rule *ru)
{
    result *res = leaf_new(cx, ru);
    ts_time now = cx->r->at, from = ts_shift(now, ru->within, -1);
    int complete = leaf_complete(cx, SEC_MEDICATIONS);
    tally t = { 0, NULL, 0, NULL };
    const char *names = ru->concepts[0]->name, *bound = "";
    double sum;
    tv v;

    for (int i = 1; i < ru->nconcepts && !cx->values_only; i++)
        names = arena_printf(cx->a, "%s%s%s", names,
                             i == ru->nconcepts - 1 ? " and " : ", ",
                             ru->concepts[i]->name);
    collect(cx, ru, &t);
    sum = sum_between(&t, from, now);
    if (t.bad)
        bound = arena_printf(cx->a, "; a lower bound: %s", t.why);
    else if (!complete)
        bound = "; a lower bound: medications not complete";
    v = t.bad || !complete ? bound_value(&ru->cmp, sum)
                           : result_cmp_value(&ru->cmp, sum) ? TV_MET : TV_NOT_MET;
    add_evidence(cx, ru, res, from);
    leaf_say(cx, res, v, "%s of %s given in the last %s (%s)%s",
             result_fmt_value(cx, &ru->cmp, sum), names, leaf_dur_str(cx, ru->within),
             result_cmp_text(cx, &ru->cmp), bound);
    if (v == TV_MET) {
        ts_time since = (ru->cmp.op == CMP_GT || ru->cmp.op == CMP_GE)
                      ? reached_at(ru, &t, from, now) : now;
        leaf_times(res, since, TS_NONE);
        if (t.bad || !complete)
            res->since_early = TS_NONE;
    }
    if (v == TV_UNKNOWN) {
        if (t.bad)
            result_add_missing(cx, res, arena_printf(cx->a, "amount: %s", t.why));
        else
            result_add_missing(cx, res, arena_printf(cx->a, "%s given in the "
                               "last %s (medications not complete)", names,
                               leaf_dur_str(cx, ru->within)));
    }
    return res;
}
