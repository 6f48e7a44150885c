/*
** replaysum.c -- the feasibility summary of replay --summary.
**
** Per trial, over the patients replayed: how many were ever eligible;
** how many were incomplete at some point and never ineligible (more data
** might have made them eligible); the median and quartiles of eligible
** time per ever-eligible patient and of the time from a patient's first
** data to its first eligible point; the hour of day and the weekday
** (UTC) of first eligibility; and how many eligible intervals were
** shorter than --min-window, the windows a site screening at that
** interval would miss.  Quartiles interpolate linearly between the
** sorted values (the method of R's default and of most spreadsheets).
**
** Each worker keeps its own summary; replay.c merges them at the end.
** The per-patient values are kept to compute exact quartiles: two 8-byte
** numbers per ever-eligible patient and trial.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "eval.h"
#include "replay.h"
#include "rules.h"
#include "timeutil.h"

typedef struct values {
    int64_t *v;
    long n, cap;
} values;

typedef struct trial_sum {
    long ever_eligible;
    long incomplete_never_ineligible;
    values eligible_time;       /* seconds, per ever-eligible patient */
    values to_first;            /* first data to first eligible point */
    long hour[24];
    long weekday[7];            /* Monday first */
    long intervals, short_intervals;
} trial_sum;

struct replaysum {
    const trialset *ts;
    int ntrials;
    int64_t step, min_window;
    long patients, unreadable;
    trial_sum *t;
};

replaysum *
replaysum_new(const trialset *ts, int64_t step, int64_t min_window)
{
    replaysum *s = xcalloc(1, sizeof *s);
    s->ts = ts;
    s->ntrials = trialset_count(ts);
    s->step = step;
    s->min_window = min_window;
    s->t = xcalloc((size_t)s->ntrials + 1, sizeof *s->t);
    return s;
}

static void
push(values *v, int64_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->v = xrealloc(v->v, (size_t)v->cap * sizeof *v->v);
    }
    v->v[v->n++] = x;
}

/* 0 = Monday, from days since 1970-01-01 (a Thursday). */
static int
weekday(ts_time t)
{
    int64_t days = t / TS_DAY - (t % TS_DAY < 0);
    return (int)(((days + 3) % 7 + 7) % 7);
}

void
replaysum_add(replaysum *s, const replay_result *rr)
{
    s->patients++;
    for (int j = 0; j < s->ntrials; j++) {
        trial_sum *t = &s->t[j];
        const unsigned char *v = rr->v + (size_t)j * (size_t)rr->npoints;
        int inc = 0, inel = 0;
        for (int k = 0; k < rr->npoints; k++) {
            inc |= v[k] == V_INCOMPLETE;
            inel |= v[k] == V_INELIGIBLE;
        }
        if (inc && !inel)
            t->incomplete_never_ineligible++;
        ts_time from, to, first = TS_NONE;
        int64_t total = 0;
        int k = 0;
        while (replay_next_interval(rr, j, &k, &from, &to)) {
            if (first == TS_NONE)
                first = from;
            total += to - from;
            t->intervals++;
            if (to - from < s->min_window)
                t->short_intervals++;
        }
        if (first == TS_NONE)
            continue;
        t->ever_eligible++;
        push(&t->eligible_time, total);
        if (rr->first != TS_NONE)
            push(&t->to_first, first - rr->first > 0 ? first - rr->first : 0);
        t->hour[(first % TS_DAY + TS_DAY) % TS_DAY / TS_HOUR]++;
        t->weekday[weekday(first)]++;
    }
}

void
replaysum_add_unreadable(replaysum *s)
{
    s->unreadable++;
}

static void
merge_values(values *dst, const values *src)
{
    for (long i = 0; i < src->n; i++)
        push(dst, src->v[i]);
}

void
replaysum_merge(replaysum *dst, const replaysum *src)
{
    dst->patients += src->patients;
    dst->unreadable += src->unreadable;
    for (int j = 0; j < dst->ntrials; j++) {
        trial_sum *d = &dst->t[j];
        const trial_sum *x = &src->t[j];
        d->ever_eligible += x->ever_eligible;
        d->incomplete_never_ineligible += x->incomplete_never_ineligible;
        merge_values(&d->eligible_time, &x->eligible_time);
        merge_values(&d->to_first, &x->to_first);
        for (int i = 0; i < 24; i++)
            d->hour[i] += x->hour[i];
        for (int i = 0; i < 7; i++)
            d->weekday[i] += x->weekday[i];
        d->intervals += x->intervals;
        d->short_intervals += x->short_intervals;
    }
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct quartiles {
    int known;
    double q1, median, q3;      /* seconds */
} quartiles;

/* Linear interpolation between closest ranks; sorts v. */
static double
quantile(const values *v, double p)
{
    double h = (double)(v->n - 1) * p;
    long lo = (long)floor(h);
    long hi = lo + 1 < v->n ? lo + 1 : lo;
    return (double)v->v[lo] + (h - (double)lo) * (double)(v->v[hi] - v->v[lo]);
}

static quartiles
quartiles_of(values *v)
{
    quartiles q = {0, 0, 0, 0};
    if (v->n == 0)
        return q;
    qsort(v->v, (size_t)v->n, sizeof *v->v, cmp_i64);
    q.known = 1;
    q.q1 = quantile(v, 0.25);
    q.median = quantile(v, 0.5);
    q.q3 = quantile(v, 0.75);
    return q;
}

static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static void
json_quartiles(outbuf *b, const char *key, quartiles q)
{
    outbuf_printf(b, ",\"%s\":", key);
    if (!q.known) {
        outbuf_puts(b, "null");
        return;
    }
    outbuf_printf(b, "{\"median_seconds\":%.0f,\"q1_seconds\":%.0f,\"q3_seconds\":%.0f}",
                  q.median, q.q1, q.q3);
}

static void
json_trial(outbuf *b, const replaysum *s, int j, quartiles et, quartiles tf)
{
    const trial_sum *t = &s->t[j];
    outbuf_puts(b, "{\"trial\":");
    outbuf_json(b, trialset_at(s->ts, j)->id);
    outbuf_printf(b, ",\"ever_eligible\":%ld,\"incomplete_never_ineligible\":%ld",
                  t->ever_eligible, t->incomplete_never_ineligible);
    json_quartiles(b, "eligible_time", et);
    json_quartiles(b, "first_data_to_eligible", tf);
    outbuf_puts(b, ",\"first_eligible_hour\":[");
    for (int i = 0; i < 24; i++)
        outbuf_printf(b, i ? ",%ld" : "%ld", t->hour[i]);
    outbuf_puts(b, "],\"first_eligible_weekday\":{");
    for (int i = 0; i < 7; i++)
        outbuf_printf(b, "%s\"%s\":%ld", i ? "," : "", days[i], t->weekday[i]);
    outbuf_printf(b, "},\"intervals\":%ld,\"short_intervals\":%ld}",
                  t->intervals, t->short_intervals);
}

static void
text_duration(outbuf *b, quartiles q)
{
    char m[64], lo[64], hi[64];
    if (!q.known) {
        outbuf_puts(b, "-");
        return;
    }
    ts_format_seconds((int64_t)llround(q.median), m, sizeof m);
    ts_format_seconds((int64_t)llround(q.q1), lo, sizeof lo);
    ts_format_seconds((int64_t)llround(q.q3), hi, sizeof hi);
    char buf[200];
    snprintf(buf, sizeof buf, "%s (%s to %s)", m, lo, hi);
    outbuf_puts(b, buf);
}

static void
text_trial(outbuf *b, const replaysum *s, int j, quartiles et, quartiles tf)
{
    const trial_sum *t = &s->t[j];
    const trial *tr = trialset_at(s->ts, j);
    double pct = s->patients ? 100.0 * (double)t->ever_eligible / (double)s->patients : 0;
    outbuf_printf(b, "%s%s%s\n", tr->id, tr->title ? " " : "", tr->title ? tr->title : "");
    outbuf_printf(b, "  ever eligible                 %ld of %ld (%.1f%%)\n",
                  t->ever_eligible, s->patients, pct);
    outbuf_printf(b, "  incomplete, never ineligible  %ld\n",
                  t->incomplete_never_ineligible);
    outbuf_puts(b, "  eligible time                 ");
    text_duration(b, et);
    outbuf_puts(b, "\n  first data to eligible        ");
    text_duration(b, tf);
    outbuf_printf(b, "\n  intervals                     %ld, of which %ld shorter than ",
                  t->intervals, t->short_intervals);
    char mw[64];
    ts_format_seconds(s->min_window, mw, sizeof mw);
    outbuf_printf(b, "%s\n  first eligible, hour (UTC)    ", mw);
    for (int i = 0; i < 24; i++)
        outbuf_printf(b, i ? " %ld" : "%ld", t->hour[i]);
    outbuf_puts(b, "  (00 to 23)\n  first eligible, weekday       ");
    for (int i = 0; i < 7; i++)
        outbuf_printf(b, "%s%s %ld", i ? ", " : "", days[i], t->weekday[i]);
    outbuf_puts(b, "\n");
}

void
replaysum_report(const replaysum *s, int json, outbuf *b)
{
    /* quartiles_of sorts each trial's values in place: they sit behind
    ** s->t, so the summary itself stays as it was. */
    char st[64], mw[64];
    ts_format_seconds(s->step, st, sizeof st);
    ts_format_seconds(s->min_window, mw, sizeof mw);
    if (json) {
        outbuf_printf(b, "{\"summary\":{\"patients\":%ld,\"unreadable\":%ld,"
                      "\"step\":", s->patients, s->unreadable);
        outbuf_json(b, st);
        outbuf_puts(b, ",\"min_window\":");
        outbuf_json(b, mw);
        outbuf_puts(b, ",\"trials\":[");
    } else {
        outbuf_printf(b, "Feasibility: %ld patients replayed every %s", s->patients, st);
        if (s->unreadable)
            outbuf_printf(b, " (%ld records unreadable)", s->unreadable);
        outbuf_puts(b, "; times are medians (quartiles), UTC\n\n");
    }
    for (int j = 0; j < s->ntrials; j++) {
        quartiles et = quartiles_of(&s->t[j].eligible_time);
        quartiles tf = quartiles_of(&s->t[j].to_first);
        if (json) {
            if (j)
                outbuf_put(b, ",", 1);
            json_trial(b, s, j, et, tf);
        } else {
            if (j)
                outbuf_puts(b, "\n");
            text_trial(b, s, j, et, tf);
        }
    }
    if (json)
        outbuf_puts(b, "]}}\n");
}

void
replaysum_free(replaysum *s)
{
    if (!s)
        return;
    for (int j = 0; j < s->ntrials; j++) {
        free(s->t[j].eligible_time.v);
        free(s->t[j].to_first.v);
    }
    free(s->t);
    free(s);
}
