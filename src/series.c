/*
** series.c -- leaves on an observation's values over time: the latest
** value, any or all values in a look-back window, a sustained condition,
** an episode in a window, and consecutive values with spacing and trend.
**
** Samples are three-valued like everything else.  A usable number either
** qualifies (Q) or does not (N); a sample that is not a usable number (a
** string, or a number whose unit could not be converted) is U, and is never
** taken for either: it can only make a leaf unknown, or end a certain run
** while the possible run goes on through it.  Missing data is treated the
** same way: the certain since-time stops at it, the possible one reaches
** back over it to the last sample that rules the condition out.
**
** Every threshold goes through result_cmp_value (the rule's unit and the 1e-9
** tolerance of docs/evaluation.md), every look-back through ts_shift, and a
** look-back includes its end: a value exactly 6 h old is within 6 h.  The
** record holds nothing after the screening time, so "now" is r->at and the
** samples end at or before it.
**
** The samples are sorted by time (facts.c), so a look-back's first sample
** is found by binary search, and a sample is compared with the threshold
** only when a rule looks at it (state()): a rule on the last 6 h of a
** nine-day series reads the samples of those 6 h and the few around them
** that decide where a run starts, not the whole series.
*/
#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "tsassert.h"
#include "units.h"

/* How a sample stands against the rule's comparison (S_UNSET: not looked
** at yet). */
enum { S_UNSET, S_N, S_Q, S_U };

/* One leaf being evaluated: the rule, its samples and their states. */
typedef struct leaf {
    eval_ctx *cx;
    const rule *ru;
    const concept *c;
    const char *name;           /* as shown in reasons: "MAP", "lactate" */
    const char *cmp;            /* "< 65 mm[Hg]" */
    const sample *s;
    unsigned char *st;          /* per sample: use state(), not st[] */
    int n;
    int first_unusable;         /* the series' (facts.h) */
    ts_time now;
    ts_time wstart;             /* start of the look-back, TS_NONE if none */
} leaf;

/*
** {======================================================
** Samples
** =======================================================
*/

/*
** Reasons read better with the usual abbreviations in capitals; any other
** concept is shown by its name with spaces ("cardiac index").  Only
** reasons quote it: values_only (the HTML grid) makes none.
*/
static const char *
shown_name(eval_ctx *cx, const concept *c)
{
    if (cx->values_only)
        return "";
    static const char *const abbrev[][2] = {
        {"map", "MAP"}, {"sbp", "SBP"}, {"dbp", "DBP"}, {"lvef", "LVEF"},
        {"svo2", "SvO2"}, {"scvo2", "ScvO2"}, {"pcwp", "PCWP"},
        {"sofa", "SOFA"}, {"gcs", "GCS"}, {"bmi", "BMI"}, {"vis", "VIS"},
    };
    /* The first letter before strcmp: most names match none of them. */
    for (size_t i = 0; i < sizeof abbrev / sizeof abbrev[0]; i++)
        if (c->name[0] == abbrev[i][0][0] && strcmp(c->name, abbrev[i][0]) == 0)
            return abbrev[i][1];
    char *s = arena_strdup(cx->a, c->name);
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    return s;
}

static int
usable(const sample *s)
{
    return s->type == VAL_NUMBER && s->ok;
}

/* The state of sample i, compared with the threshold the first time a rule
** looks at it. */
static int
state(const leaf *lf, int i)
{
    unsigned char *st = &lf->st[i];
    if (*st == S_UNSET)
        *st = !usable(&lf->s[i]) ? S_U : result_cmp_value(&lf->ru->cmp, lf->s[i].v) ? S_Q : S_N;
    return *st;
}

static const char *
why_unusable(const leaf *lf, const sample *s)
{
    if (s->why)
        return s->why;
    if (s->type == VAL_STRING)      /* the value itself: "<5" or "positive" */
        return arena_printf(lf->cx->a, "value \"%s\" is a string, not a number",
                            s->str ? s->str : "");
    if (s->type == VAL_BOOL)
        return "value is a boolean";
    return "value could not be read";
}

/* A number in the rule's unit, without the unit (evidence carries it). */
static const char *
number(eval_ctx *cx, const num_cmp_t *c, double canonical)
{
    return result_num(cx, canonical * (c->scale != 0 ? c->scale : 1));
}

/* Evidence for one sample: in the rule's unit when usable, else as recorded. */
static void
add_sample(leaf *lf, result *res, int i)
{
    const sample *s = &lf->s[i];
    const char *val, *unit;

    if (usable(s)) {
        val = number(lf->cx, &lf->ru->cmp, s->v);
        unit = lf->ru->cmp.unit;
    } else if (s->type == VAL_NUMBER) {
        val = result_num(lf->cx, s->raw);
        unit = s->unit;
    } else {
        val = s->str ? s->str : "";
        unit = NULL;
    }
    result_add_evidence(lf->cx, res, lf->c->name, val, unit, s->t,
                        result_pointer(lf->cx, "observations", s->src));
}

/* "58 mm[Hg]"; a value recorded in another unit also shows as recorded,
** "6.00577 mmol/L (54.1 mg/dL)", so a reviewer can find it in the record. */
static const char *
value_of(leaf *lf, int i)
{
    const sample *sm = &lf->s[i];
    if (lf->cx->values_only)    /* no reason is made (result.c) */
        return "";
    const char *v = result_fmt_value(lf->cx, &lf->ru->cmp, sm->v);
    const char *u = lf->ru->cmp.unit;
    if (sm->unit && u && strcmp(sm->unit, u) != 0) {
        char raw[32];
        num_format(sm->raw, raw, sizeof raw);
        return arena_printf(lf->cx->a, "%s (%s %s)", v, raw, sm->unit);
    }
    return v;
}

static const char *
time_of(leaf *lf, int i)
{
    if (lf->cx->values_only)
        return "";
    return result_fmt_time(lf->cx, lf->s[i].t);
}

/*
** Look-backs as clinicians write them: whole hours up to 72 h stay in
** hours ("48 h", not "2 d"); anything else in its shortest exact form.
*/
static const char *
duration(leaf *lf, ts_duration d)
{
    char buf[64];
    if (lf->cx->values_only)    /* no reason is made (result.c) */
        return "";
    if (d.months == 0 && d.seconds > 0 && d.seconds % TS_HOUR == 0 &&
        d.seconds <= 72 * TS_HOUR)
        return arena_printf(lf->cx->a, "%d h", (int)(d.seconds / TS_HOUR));
    ts_format_duration(d, buf, sizeof buf);
    return arena_strdup(lf->cx->a, buf);
}

static const char *
elapsed(leaf *lf, int64_t secs)
{
    char buf[64];
    ts_format_seconds(secs, buf, sizeof buf);
    return arena_strdup(lf->cx->a, buf);
}

/* " in the last 6 h", or "" with no look-back. */
static const char *
in_window(leaf *lf)
{
    if (!lf->ru->has_within || lf->cx->values_only)
        return "";
    return arena_printf(lf->cx->a, " in the last %s", duration(lf, lf->ru->within));
}

/* The loader sets 1 h; a rule built without one gets the same. */
static ts_duration
max_gap(const rule *ru)
{
    ts_duration d = ru->max_gap;
    if (d.seconds == 0 && d.months == 0)
        d.seconds = TS_HOUR;
    return d;
}

/* Samples i and j (i < j) are no more than the maximum gap apart. */
static int
no_gap(const leaf *lf, int i, int j)
{
    return lf->s[j].t <= ts_shift(lf->s[i].t, max_gap(lf->ru), +1);
}

/* Index of the first sample at or after the look-back start (binary
** search: the samples are sorted by time). */
static int
window_first(const leaf *lf)
{
    int lo = 0, hi = lf->n;
    if (lf->wstart == TS_NONE)
        return 0;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (lf->s[mid].t < lf->wstart)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
** Since-times of the run that ends at the latest sample `last`
** (docs/evaluation.md, "Since-times"), with `gap` the leaf's maximum gap
** (a look-back W for "latest within W").
**
** run_first: the first sample of the gap-free run of Q samples ending at
** last -- the certain since.
*/
static int
run_first(const leaf *lf, int last, ts_duration gap)
{
    int i = last;
    while (i > 0 && state(lf, i - 1) == S_Q &&
           lf->s[i].t <= ts_shift(lf->s[i - 1].t, gap, +1))
        i--;
    return i;
}

/*
** The possible since: walk back from last through Q and U samples, across
** gaps, to the last N sample; the first Q sample after it when that lies
** within the gap of it, else the N sample's own time (the condition may
** have begun right after it); TS_NONE (unbounded) when there is none.
** Also the possible since of an unknown leaf: a stale or unreadable run
** still says since when it may have lasted.
*/
static ts_time
walk_back(const leaf *lf, int last, ts_duration gap)
{
    int k = last;
    while (k >= 0 && state(lf, k) != S_N)
        k--;
    if (k < 0)
        return TS_NONE;
    for (int j = k + 1; j <= last; j++)
        if (state(lf, j) == S_Q)
            return lf->s[j].t <= ts_shift(lf->s[k].t, gap, +1) ? lf->s[j].t
                                                               : lf->s[k].t;
    return lf->s[k].t;
}

/*
** The gap that bounds a run for since-times: the look-back W of "latest
** within W" and of consecutive values (a value W old is still current);
** no limit for a latest value without a look-back; else the rule's
** maximum gap (sustained).
*/
static ts_duration
run_gap(const leaf *lf)
{
    const rule *ru = lf->ru;
    if (ru->kind == R_LATEST || ru->kind == R_CONSECUTIVE) {
        if (ru->has_within)
            return ru->within;
        if (ru->kind == R_LATEST)
            return (ts_duration){ INT64_MAX / 4, 0 };
    }
    return max_gap(ru);
}

/* An unknown leaf whose latest sample is last keeps its possible since. */
static result *
keep_early(const leaf *lf, result *res, int last)
{
    if (last >= 0 && last < lf->n)
        res->since_early = walk_back(lf, last, run_gap(lf));
    return res;
}

/* A met leaf: certain since from the run, possible since from the walk. */
static void
run_times(const leaf *lf, result *res, int last)
{
    ts_duration gap = run_gap(lf);
    res->since = lf->s[run_first(lf, last, gap)].t;
    res->since_early = walk_back(lf, last, gap);
}

/* }====================================================== */

/*
** {======================================================
** Common outcomes
** =======================================================
*/

static result *
no_data(leaf *lf)
{
    result *res = result_new(lf->cx, lf->ru, TV_UNKNOWN, "no %s value%s",
                             lf->name, in_window(lf));
    result_add_missing(lf->cx, res, lf->c->name);
    return res;
}

static result *
too_old(leaf *lf, int i)
{
    result *res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                             "latest %s is from %s, older than %s", lf->name,
                             time_of(lf, i), duration(lf, lf->ru->within));
    add_sample(lf, res, i);
    result_add_missing(lf->cx, res, lf->c->name);
    return res;
}

static result *
unusable(leaf *lf, int i, const char *what)
{
    result *res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                             "%s %s at %s is unusable: %s", what, lf->name,
                             time_of(lf, i), why_unusable(lf, &lf->s[i]));
    add_sample(lf, res, i);
    return res;
}

static result *
latest_fails(leaf *lf, int i)
{
    result *res = result_new(lf->cx, lf->ru, TV_NOT_MET,
                             "latest %s %s at %s is not %s", lf->name,
                             value_of(lf, i), time_of(lf, i), lf->cmp);
    add_sample(lf, res, i);
    return res;
}

/* The latest sample, when it must exist, be usable and be recent enough;
** returns its index, or -1 with *out set to the unknown result. */
static int
latest_sample(leaf *lf, result **out)
{
    int i = lf->n - 1;
    if (lf->n == 0) {
        *out = no_data(lf);
        return -1;
    }
    if (lf->wstart != TS_NONE && lf->s[i].t < lf->wstart) {
        *out = keep_early(lf, too_old(lf, i), i);
        return -1;
    }
    if (state(lf, i) == S_U) {
        *out = keep_early(lf, unusable(lf, i, "latest"), i);
        return -1;
    }
    return i;
}

/* }====================================================== */

/*
** {======================================================
** latest, any_value, all_values
** =======================================================
*/

static result *
eval_latest(leaf *lf)
{
    result *res;
    int last = latest_sample(lf, &res);
    if (last < 0)
        return res;
    if (state(lf, last) == S_N)
        return latest_fails(lf, last);

    res = result_new(lf->cx, lf->ru, TV_MET, "latest %s %s at %s is %s",
                     lf->name, value_of(lf, last), time_of(lf, last), lf->cmp);
    add_sample(lf, res, last);
    /* A single qualifying value is met since its own sample; a run of
    ** them (no gap longer than the look-back) since its first. */
    run_times(lf, res, last);
    return res;
}

static result *
eval_any_value(leaf *lf)
{
    int first = window_first(lf), u = -1;
    result *res;

    if (first == lf->n)
        return no_data(lf);
    for (int i = first; i < lf->n; i++) {
        if (state(lf, i) == S_Q) {
            res = result_new(lf->cx, lf->ru, TV_MET, "%s %s at %s is %s",
                             lf->name, value_of(lf, i), time_of(lf, i), lf->cmp);
            add_sample(lf, res, i);
            /* A timed item: the data show it met from the first
            ** qualifying sample in the window. */
            res->since = res->since_early = lf->s[i].t;
            return res;
        }
        if (state(lf, i) == S_U && u < 0)
            u = i;
    }
    if (u >= 0) {
        res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                         "no usable %s %s%s, but %s at %s is unusable: %s",
                         lf->name, lf->cmp, in_window(lf), lf->name,
                         time_of(lf, u), why_unusable(lf, &lf->s[u]));
        add_sample(lf, res, u);
        return res;
    }
    res = result_new(lf->cx, lf->ru, TV_NOT_MET, "no %s %s%s (%d values, latest %s at %s)",
                     lf->name, lf->cmp, in_window(lf), lf->n - first,
                     value_of(lf, lf->n - 1), time_of(lf, lf->n - 1));
    add_sample(lf, res, lf->n - 1);
    return res;
}

/*
** all_values carries no time: which values fall in a sliding window says
** nothing about since when they all have qualified.
*/
static result *
eval_all_values(leaf *lf)
{
    int first = window_first(lf), u = -1;
    result *res;

    if (first == lf->n)
        return no_data(lf);
    for (int i = first; i < lf->n; i++) {
        if (state(lf, i) == S_N) {
            res = result_new(lf->cx, lf->ru, TV_NOT_MET, "%s %s at %s is not %s",
                             lf->name, value_of(lf, i), time_of(lf, i), lf->cmp);
            add_sample(lf, res, i);
            return res;
        }
        if (state(lf, i) == S_U && u < 0)
            u = i;
    }
    if (u >= 0)
        return unusable(lf, u, "a");
    res = result_new(lf->cx, lf->ru, TV_MET, "all %d %s values%s are %s",
                     lf->n - first, lf->name, in_window(lf), lf->cmp);
    add_sample(lf, res, first);
    if (lf->n - 1 != first)
        add_sample(lf, res, lf->n - 1);
    return res;
}

/* }====================================================== */

/*
** {======================================================
** sustained
** =======================================================
*/

/*
** The latest sample must qualify and be no older than the maximum gap.
** The certain since is the first sample of the gap-free run of Q samples
** ending at it.  The possible since: the run's own start if an N sample
** bounds it within the gap; across a gap (or an unusable sample), the time
** of the last N sample before it; unbounded if there is none.  Durations
** are judged by the R_HELD_FOR parent from these two.
*/
static result *
eval_sustained(leaf *lf)
{
    result *res;
    int last = latest_sample(lf, &res);
    if (last < 0)
        return res;
    if (state(lf, last) == S_N)
        return latest_fails(lf, last);
    if (lf->now > ts_shift(lf->s[last].t, max_gap(lf->ru), +1)) {
        res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                         "latest %s %s at %s is %s but older than the %s maximum gap",
                         lf->name, value_of(lf, last), time_of(lf, last), lf->cmp,
                         duration(lf, max_gap(lf->ru)));
        add_sample(lf, res, last);
        result_add_missing(lf->cx, res, lf->c->name);
        return keep_early(lf, res, last);
    }

    int first = run_first(lf, last, max_gap(lf->ru));
    ts_time since = lf->s[first].t, early = walk_back(lf, last, max_gap(lf->ru));
    int bound = first - 1;      /* the sample that bounds the possible run */
    while (bound >= 0 && state(lf, bound) != S_N)
        bound--;

    const char *more = "";
    if (early == TS_NONE)
        more = "; it may have begun earlier: no data before";
    else if (early != since)
        more = arena_printf(lf->cx->a, "; it may have begun after %s (data missing between)",
                            result_fmt_time(lf->cx, early));
    res = result_new(lf->cx, lf->ru, TV_MET, "%s %s since %s (%s)%s", lf->name,
                     lf->cmp, result_fmt_time(lf->cx, since),
                     elapsed(lf, lf->now - since), more);
    if (bound >= 0)
        add_sample(lf, res, bound);
    add_sample(lf, res, first);
    if (first != last)
        add_sample(lf, res, last);
    res->since = since;
    res->since_early = early;
    return res;
}

/* }====================================================== */

/*
** {======================================================
** episode in a window
** =======================================================
*/

/* t + d >= end: an extent [t, end] lasts at least d. */
static int
lasts(ts_time t, ts_time end, ts_duration d)
{
    return ts_shift(t, d, +1) <= end;
}

/*
** The nearest N samples around eval_episode's candidate runs, which come
** in order (a and b only grow): found by scans that resume where the last
** one stopped, so a long stretch without an N sample costs one pass, not
** one per candidate (each unusable sample is a candidate of its own:
** 20,000 of them took half a second, 100,000 many seconds).
*/
typedef struct n_cursor {
    int scanned;                /* samples before it were looked at ... */
    int last_n;                 /* ... and the last N among them (-1: none) */
    int next_n;                 /* the last rightward scan's first N (n: none;
                                ** -1: no scan yet): none between that
                                ** scan's start and it */
} n_cursor;

/* The last N sample before a, or -1. */
static int
n_before(const leaf *lf, n_cursor *c, int a)
{
    ts_assert(a >= c->scanned);
    for (; c->scanned < a; c->scanned++)
        if (state(lf, c->scanned) == S_N)
            c->last_n = c->scanned;
    return c->last_n;
}

/* The first N sample at or after from, or n; from at or after the last
** scan's start. */
static int
n_from(const leaf *lf, n_cursor *c, int from)
{
    if (from <= c->next_n)
        return c->next_n;
    int k;
    for (k = from; k < lf->n && state(lf, k) != S_N; k++)
        ;
    c->next_n = k;
    return k;
}

/*
** The possible extent of candidate run [a, b] (Q samples, or a single U
** sample): a side bounded by an N sample within the maximum gap stays at
** the run's end sample; a side next to missing data (a gap, an unusable
** sample, the start of the data, or no data after it up to now) reaches
** to the nearest N sample beyond it, or to the start of time / now.
*/
static void
possible_extent(const leaf *lf, n_cursor *c, int a, int b, ts_time *lo,
                ts_time *hi)
{
    int k;
    if (a > 0 && state(lf, a - 1) == S_N && no_gap(lf, a - 1, a)) {
        *lo = lf->s[a].t;
    } else {
        k = n_before(lf, c, a);
        *lo = k < 0 ? TS_NONE : lf->s[k].t;
    }
    if ((b + 1 < lf->n && state(lf, b + 1) == S_N && no_gap(lf, b, b + 1)) ||
        (b + 1 == lf->n && lf->now <= ts_shift(lf->s[b].t, max_gap(lf->ru), +1))) {
        /* Bounded by a non-qualifying sample, or the latest sample is
        ** recent: the time since it is no gap over the maximum, not
        ** missing data (docs/evaluation.md, "Episode in a window"). */
        *hi = lf->s[b].t;
    } else {
        k = n_from(lf, c, b + 1);
        *hi = k < lf->n ? lf->s[k].t : lf->now;
    }
}

/* Clip [lo, hi] (lo TS_NONE: unbounded) to the window. */
static ts_time
clip_lo(const leaf *lf, ts_time lo)
{
    if (lf->wstart != TS_NONE && (lo == TS_NONE || lo < lf->wstart))
        return lf->wstart;
    return lo;
}

/*
** Met: some gap-free run of Q samples lasts at least D inside the window
** (from its first sample, or the window start, to its last sample); since
** is when the earliest such episode completed, first + D.  Unknown: some
** run, or unusable sample, next to missing data could reach D.  Missing
** data between N samples never hides an episode.
*/
static result *
eval_episode(leaf *lf)
{
    const rule *ru = lf->ru;
    int met_a = -1, met_b = -1, long_a = -1, long_b = -1, maybe = 0, any_u = 0;
    int64_t longest = -1;
    ts_time since = TS_NONE, early = TS_NONE;
    int early_unbounded = 0;
    result *res;

    int wfirst = window_first(lf), a0;
    if (wfirst == lf->n)
        return no_data(lf);
    /* Runs that end before the last N sample ahead of the window can
    ** neither reach into it nor be an episode in it: start after that
    ** sample.  What they could add is "unusable values" to the message,
    ** which the series' index tells without reading them. */
    for (a0 = wfirst; a0 > 0 && state(lf, a0 - 1) != S_N; a0--)
        ;
    if (lf->first_unusable < a0)
        any_u = 1;
    /* Before a0 the last N sample is a0 - 1 (the loop above stops there). */
    n_cursor cur = { a0, a0 - 1, -1 };

    for (int a = a0; a < lf->n; a++) {
        int b = a;
        if (state(lf, a) == S_N)
            continue;
        if (state(lf, a) == S_Q)
            while (b + 1 < lf->n && state(lf, b + 1) == S_Q && no_gap(lf, b, b + 1))
                b++;
        else
            any_u = 1;

        /* With no window, an extent reaching the start of the data is
        ** unbounded (TS_NONE, which ts_shift keeps): it could last any time. */
        ts_time lo, hi;
        possible_extent(lf, &cur, a, b, &lo, &hi);
        if (hi >= clip_lo(lf, lo) && lasts(clip_lo(lf, lo), hi, ru->lasting))
            maybe = 1;

        if (state(lf, a) == S_Q && lf->s[b].t >= clip_lo(lf, TS_NONE)) {
            ts_time first = clip_lo(lf, lf->s[a].t);
            if (lf->s[b].t - first > longest) {
                longest = lf->s[b].t - first;
                long_a = a, long_b = b;
            }
            if (lasts(first, lf->s[b].t, ru->lasting)) {
                ts_time done = ts_shift(lf->s[a].t, ru->lasting, +1);
                if (met_a < 0 || done < since)
                    since = done, met_a = a, met_b = b;
                if (lo == TS_NONE)
                    early_unbounded = 1;
                else if (early == TS_NONE || ts_shift(lo, ru->lasting, +1) < early)
                    early = ts_shift(lo, ru->lasting, +1);
            }
        }
        a = b;
    }

    if (met_a >= 0) {
        res = result_new(lf->cx, lf->ru, TV_MET, "%s %s from %s to %s (%s)%s",
                         lf->name, lf->cmp, time_of(lf, met_a), time_of(lf, met_b),
                         elapsed(lf, lf->s[met_b].t - lf->s[met_a].t), in_window(lf));
        add_sample(lf, res, met_a);
        if (met_b != met_a)
            add_sample(lf, res, met_b);
        res->since = since;
        res->since_early = early_unbounded ? TS_NONE : early;
        return res;
    }
    const char *seen = longest < 0 ? "none seen"
        : arena_printf(lf->cx->a, "longest seen %s from %s", elapsed(lf, longest),
                       time_of(lf, long_a));
    if (maybe) {
        res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                         "no episode of %s %s lasting %s seen%s (%s), but %s "
                         "could hide one", lf->name, lf->cmp, duration(lf, ru->lasting),
                         in_window(lf), seen,
                         any_u ? "unusable values or missing data" : "missing data");
        result_add_missing(lf->cx, res, lf->c->name);
    } else {
        res = result_new(lf->cx, lf->ru, TV_NOT_MET,
                         "no episode of %s %s lasting %s%s (%s)", lf->name, lf->cmp,
                         duration(lf, ru->lasting), in_window(lf), seen);
    }
    if (long_a >= 0) {
        add_sample(lf, res, long_a);
        if (long_b != long_a)
            add_sample(lf, res, long_b);
    }
    return res;
}

/* }====================================================== */

/*
** {======================================================
** consecutive values
** =======================================================
*/

/*
** The `count` (2) latest samples -- adjacent samples, never a pair picked
** further back -- must all qualify, each at least `spacing` after the one
** before it (exactly `spacing` is enough), the trend accepting equal
** values.  A latest sample that does not qualify, or an earlier one of the
** pair, makes the leaf not met; too few samples, or an unreadable one,
** unknown.  The since-time is the first of the current run of qualifying
** values (when the lactacemia began), not the second sample.
*/
static result *
eval_consecutive(leaf *lf)
{
    const rule *ru = lf->ru;
    int count = ru->count > 0 ? ru->count : 2;
    result *res;
    int last = latest_sample(lf, &res);
    if (last < 0)
        return res;
    if (state(lf, last) == S_N)
        return latest_fails(lf, last);

    int first = last - count + 1;
    if (first < 0) {
        res = result_new(lf->cx, lf->ru, TV_UNKNOWN,
                         "only %d %s value%s (latest %s at %s); %d needed",
                         last + 1, lf->name, last ? "s" : "", value_of(lf, last),
                         time_of(lf, last), count);
        add_sample(lf, res, last);
        result_add_missing(lf->cx, res, lf->c->name);
        return keep_early(lf, res, last);
    }
    for (int k = last - 1; k >= first; k--) {
        if (state(lf, k) == S_U) {
            res = unusable(lf, k, "an earlier");
            add_sample(lf, res, last);
            return keep_early(lf, res, last);
        }
        if (state(lf, k) == S_N) {
            res = result_new(lf->cx, lf->ru, TV_NOT_MET,
                             "%s %s at %s is not %s (latest %s at %s)", lf->name,
                             value_of(lf, k), time_of(lf, k), lf->cmp,
                             value_of(lf, last), time_of(lf, last));
            add_sample(lf, res, k);
            add_sample(lf, res, last);
            return res;
        }
    }

    /* The chosen values from the earliest: "6 mmol/L at ..., 7 mmol/L at ...". */
    const char *list = "";
    for (int k = first; k <= last; k++)
        list = arena_printf(lf->cx->a, "%s%s%s at %s", list, *list ? ", " : "",
                            value_of(lf, k), time_of(lf, k));

    for (int k = first + 1; k <= last; k++) {
        const char *bad = NULL;
        int c = num_cmp(lf->s[k].v, lf->s[k - 1].v);
        if (lf->s[k].t < ts_shift(lf->s[k - 1].t, ru->spacing, +1))
            bad = arena_printf(lf->cx->a, "only %s apart, %s needed",
                               elapsed(lf, lf->s[k].t - lf->s[k - 1].t),
                               duration(lf, ru->spacing));
        else if (ru->trend == TREND_NON_DECREASING && c < 0)
            bad = "decreasing";
        else if (ru->trend == TREND_NON_INCREASING && c > 0)
            bad = "increasing";
        if (bad) {
            res = result_new(lf->cx, lf->ru, TV_NOT_MET, "%s %s: %s, %s",
                             lf->name, lf->cmp, list, bad);
            for (int m = first; m <= last; m++)
                add_sample(lf, res, m);
            return res;
        }
    }

    const char *how = ru->trend == TREND_NON_DECREASING ? ", non-decreasing"
                      : ru->trend == TREND_NON_INCREASING ? ", non-increasing" : "";
    int since = run_first(lf, last, run_gap(lf));
    res = result_new(lf->cx, lf->ru, TV_MET, "%s %s: %s%s; since %s", lf->name,
                     lf->cmp, list, how, time_of(lf, since));
    for (int k = first; k <= last; k++)
        add_sample(lf, res, k);
    run_times(lf, res, last);
    return res;
}

/* }====================================================== */

result *
eval_series(eval_ctx *cx, const rule *ru)
{
    const record *r = cx->r;
    leaf lf;

    if (ru->nconcepts < 1 || !ru->concepts[0])
        return result_new(cx, ru, TV_UNKNOWN, "internal error: rule without a concept");
    if (ru->kind == R_LATEST && ru->concepts[0]->kind == CK_DERIVED)
        return eval_derived(cx, ru);

    memset(&lf, 0, sizeof lf);
    lf.cx = cx;
    lf.ru = ru;
    lf.c = ru->concepts[0];
    lf.name = shown_name(cx, lf.c);
    lf.cmp = result_cmp_text(cx, &ru->cmp);
    lf.now = r->at;
    lf.wstart = ru->has_within ? ts_shift(r->at, ru->within, -1) : TS_NONE;
    if (r->obs) {
        lf.n = r->obs[lf.c->index].n;
        lf.s = r->obs[lf.c->index].s;
        lf.first_unusable = r->obs[lf.c->index].first_unusable;
    }
    lf.st = arena_alloc(cx->a, (size_t)(lf.n ? lf.n : 1));    /* S_UNSET */

    switch (ru->kind) {
    case R_LATEST:      return eval_latest(&lf);
    case R_ANY_VALUE:   return eval_any_value(&lf);
    case R_ALL_VALUES:  return eval_all_values(&lf);
    case R_SUSTAINED:   return eval_sustained(&lf);
    case R_EPISODE:     return eval_episode(&lf);
    case R_CONSECUTIVE: return eval_consecutive(&lf);
    default:
        break;
    }
    return result_new(cx, ru, TV_UNKNOWN, "internal error: rule kind %d is not a series rule",
                      (int)ru->kind);
}
