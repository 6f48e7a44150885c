/*
** replayout.c -- one patient's replay as text, NDJSON or points.
**
** Text is for a terminal: per trial a line of totals, then a timeline,
** one character per grid point (█ eligible, ? incomplete, · ineligible),
** 48 points to a row (12 h at the default 15 min), each row labelled with
** the time of its first slot; rows are aligned to multiples of 48 steps
** from 00:00 UTC, so at 15 min and 1 h they start at 00:00 and 12:00.  A
** long stay mostly repeats itself: two or more full rows of one character
** in a row are printed as one line ("... all ·").  The screening time,
** the last point, takes the slot after the last grid point.
**
** --json: one line per patient, per trial the eligible intervals (see
** replay_next_interval), the first eligible point, the eligible time, the
** points per verdict and the distinct enrolment windows reported on the
** way.  --points: one line per grid point with every trial's verdict.
*/
#include <string.h>

#include "eval.h"
#include "replay.h"
#include "rules.h"
#include "timeutil.h"

#define ROW 48                  /* points per timeline row */

int
replay_next_interval(const replay_result *rr, int j, int *k, ts_time *from,
                     ts_time *to)
{
    const unsigned char *v = rr->v + (size_t)j * (size_t)rr->npoints;
    int n = rr->npoints, i = *k;
    while (i < n && v[i] != V_ELIGIBLE)
        i++;
    if (i >= n) {
        *k = n;
        return 0;
    }
    *from = rr->at[i];
    while (i < n && v[i] == V_ELIGIBLE)
        i++;
    *to = rr->at[i < n ? i : n - 1];
    *k = i;
    return 1;
}

static void
json_time(outbuf *b, ts_time t)
{
    char buf[TS_FMT_LEN];
    if (t == TS_NONE) {
        outbuf_puts(b, "null");
        return;
    }
    ts_format(t, buf);
    outbuf_json(b, buf);
}

static void
step_text(int64_t step, char *buf, size_t size)
{
    ts_format_seconds(step, buf, size);
}

void
replay_head(outbuf *b, const replay_opts *o)
{
    char st[64];
    if (o->output != REPLAY_TEXT || o->json)
        return;
    step_text(o->step, st, sizeof st);
    outbuf_printf(b, "# replay: one character per %s: \u2588 eligible, "
                  "? incomplete, \u00b7 ineligible (times UTC)\n", st);
}

/* ------------------------------------------------------------ points */

static void
format_points(outbuf *b, const trialset *ts, const replay_result *rr)
{
    for (int k = 0; k < rr->npoints; k++) {
        outbuf_puts(b, "{\"patient\":");
        outbuf_json(b, rr->id);
        outbuf_puts(b, ",\"at\":");
        json_time(b, rr->at[k]);
        outbuf_puts(b, ",\"verdicts\":{");
        for (int j = 0; j < rr->ntrials; j++) {
            if (j)
                outbuf_put(b, ",", 1);
            outbuf_json(b, trialset_at(ts, j)->id);
            outbuf_put(b, ":", 1);
            outbuf_json(b, verdict_name((verdict)rr->v[(size_t)j * (size_t)rr->npoints + (size_t)k]));
        }
        outbuf_puts(b, "}}\n");
    }
}

/* ------------------------------------------------------------ NDJSON */

typedef struct totals {
    int64_t eligible;           /* seconds */
    ts_time first;              /* first eligible point */
    int nintervals;
    int count[3];               /* points per verdict */
} totals;

static totals
trial_totals(const replay_result *rr, int j)
{
    totals t = { 0, TS_NONE, 0, {0, 0, 0} };
    ts_time from, to;
    int k = 0;
    while (replay_next_interval(rr, j, &k, &from, &to)) {
        if (t.first == TS_NONE)
            t.first = from;
        t.eligible += to - from;
        t.nintervals++;
    }
    for (int i = 0; i < rr->npoints; i++)
        t.count[rr->v[(size_t)j * (size_t)rr->npoints + (size_t)i]]++;
    return t;
}

static void
json_trial(outbuf *b, const replay_result *rr, int j)
{
    char d[64];
    totals t = trial_totals(rr, j);
    ts_time from, to;
    int k = 0, first = 1;
    outbuf_puts(b, "{\"eligible\":[");
    while (replay_next_interval(rr, j, &k, &from, &to)) {
        outbuf_puts(b, first ? "{\"from\":" : ",{\"from\":");
        json_time(b, from);
        outbuf_puts(b, ",\"to\":");
        json_time(b, to);
        outbuf_put(b, "}", 1);
        first = 0;
    }
    outbuf_puts(b, "],\"first_eligible\":");
    json_time(b, t.first);
    ts_format_seconds(t.eligible, d, sizeof d);
    outbuf_printf(b, ",\"eligible_seconds\":%lld,\"eligible_time\":",
                  (long long)t.eligible);
    outbuf_json(b, d);
    outbuf_printf(b, ",\"points\":{\"eligible\":%d,\"incomplete\":%d,"
                  "\"ineligible\":%d},\"windows\":[",
                  t.count[V_ELIGIBLE], t.count[V_INCOMPLETE], t.count[V_INELIGIBLE]);
    const replay_window *w = &rr->win[j * REPLAY_MAX_WINDOWS];
    int nw = rr->nwin[j] < REPLAY_MAX_WINDOWS ? rr->nwin[j] : REPLAY_MAX_WINDOWS;
    for (int i = 0; i < nw; i++) {
        outbuf_puts(b, i ? ",{\"opens\":" : "{\"opens\":");
        json_time(b, w[i].opens);
        outbuf_puts(b, ",\"closes\":");
        json_time(b, w[i].closes);
        outbuf_put(b, "}", 1);
    }
    outbuf_put(b, "]", 1);
    if (rr->nwin[j] > REPLAY_MAX_WINDOWS)
        outbuf_printf(b, ",\"windows_not_shown\":%d", rr->nwin[j] - REPLAY_MAX_WINDOWS);
    outbuf_put(b, "}", 1);
}

static void
format_json(outbuf *b, const trialset *ts, const replay_result *rr)
{
    char st[64];
    outbuf_puts(b, "{\"patient\":");
    outbuf_json(b, rr->id);
    outbuf_puts(b, ",\"source\":");
    outbuf_json(b, rr->source ? rr->source : "");
    if (rr->line > 0)
        outbuf_printf(b, ",\"line\":%d", rr->line);
    outbuf_puts(b, ",\"first_data\":");
    json_time(b, rr->first);
    outbuf_puts(b, ",\"from\":");
    json_time(b, rr->npoints ? rr->at[0] : TS_NONE);
    outbuf_puts(b, ",\"to\":");
    json_time(b, rr->end);
    step_text(rr->step, st, sizeof st);
    outbuf_puts(b, ",\"step\":");
    outbuf_json(b, st);
    outbuf_printf(b, ",\"points\":%d,\"trials\":{", rr->npoints);
    for (int j = 0; j < rr->ntrials; j++) {
        if (j)
            outbuf_put(b, ",", 1);
        outbuf_json(b, trialset_at(ts, j)->id);
        outbuf_put(b, ":", 1);
        json_trial(b, rr, j);
    }
    outbuf_puts(b, "}}\n");
}

/* -------------------------------------------------------------- text */

static const char *const glyph[3] = { "\u00b7", "?", "\u2588" };

/* The slot of a time: its step, rounding up (the screening time). */
static ts_time
slot_of(ts_time t, int64_t step)
{
    ts_time q = t / step;
    if (t % step != 0 && t > 0)
        q++;
    return q;
}

static void
row_label(outbuf *b, ts_time t)
{
    char buf[TS_FMT_LEN];
    ts_format_short(t, buf);
    outbuf_printf(b, "    %s ", buf);
}

/* A run of full rows of one glyph: as a row if it is one, else as
** "FIRST to LAST: all G". */
static void
flush_run(outbuf *b, const replay_result *rr, ts_time first, ts_time last, int g)
{
    row_label(b, first * ROW * rr->step);
    if (first == last) {
        for (int i = 0; i < ROW; i++)
            outbuf_puts(b, glyph[g]);
        outbuf_puts(b, "\n");
        return;
    }
    char end[TS_FMT_LEN];
    ts_format_short((last * ROW + ROW - 1) * rr->step, end);
    outbuf_printf(b, "to %s: all %s\n", end, glyph[g]);
}

/* Trial j's timeline: rows of ROW slots; a point's slot is its time in
** steps (rounded up: the screening time). */
static void
text_timeline(outbuf *b, const replay_result *rr, int j)
{
    const unsigned char *v = rr->v + (size_t)j * (size_t)rr->npoints;
    int n = rr->npoints, k = 0;
    ts_time run_first = 0, run_last = 0;
    int run_g = -1;                 /* glyph of the pending run, -1: none */
    while (k < n) {
        ts_time row = slot_of(rr->at[k], rr->step) / ROW;
        ts_time expect = row * ROW;
        int start = k, full = 1, same = v[k];
        for (; k < n && slot_of(rr->at[k], rr->step) / ROW == row; k++) {
            ts_time s = slot_of(rr->at[k], rr->step);
            full &= s == expect;
            if (v[k] != same)
                same = -1;
            expect = s + 1;
        }
        full &= expect == (row + 1) * ROW;
        if (full && same >= 0 && same == run_g && row == run_last + 1) {
            run_last = row;
            continue;
        }
        if (run_g >= 0)
            flush_run(b, rr, run_first, run_last, run_g);
        run_g = -1;
        if (full && same >= 0) {
            run_first = run_last = row;
            run_g = same;
            continue;
        }
        row_label(b, row * ROW * rr->step);
        ts_time slot = row * ROW;
        for (int i = start; i < k; i++) {
            ts_time s = slot_of(rr->at[i], rr->step);
            for (; slot < s; slot++)
                outbuf_puts(b, " ");
            outbuf_puts(b, glyph[v[i]]);
            slot++;
        }
        outbuf_puts(b, "\n");
    }
    if (run_g >= 0)
        flush_run(b, rr, run_first, run_last, run_g);
}

static void
text_trial(outbuf *b, const trialset *ts, const replay_result *rr, int j)
{
    const trial *t = trialset_at(ts, j);
    totals tt = trial_totals(rr, j);
    char d[64], f[TS_FMT_LEN];
    outbuf_printf(b, "  %s", t->id);
    if (t->title)
        outbuf_printf(b, " %s", t->title);
    if (tt.nintervals > 0) {
        ts_format_seconds(tt.eligible, d, sizeof d);
        ts_format_short(tt.first, f);
        outbuf_printf(b, ": eligible %s in %d interval%s, first at %s\n", d,
                      tt.nintervals, tt.nintervals == 1 ? "" : "s", f);
    } else if (tt.count[V_INCOMPLETE] > 0) {
        outbuf_printf(b, ": never eligible; incomplete at %d of %d points\n",
                      tt.count[V_INCOMPLETE], rr->npoints);
    } else {
        outbuf_puts(b, ": never eligible\n");
    }
    text_timeline(b, rr, j);
}

static void
format_text(outbuf *b, const trialset *ts, const replay_result *rr)
{
    char a[TS_FMT_LEN], z[TS_FMT_LEN];
    outbuf_escaped(b, rr->id);
    outbuf_puts(b, " (");
    outbuf_escaped(b, rr->source ? rr->source : "");
    if (rr->line > 0)
        outbuf_printf(b, ":%d", rr->line);
    if (rr->npoints == 0) {
        outbuf_puts(b, "): no points to replay (--from is after the screening time)\n\n");
        return;
    }
    ts_format_short(rr->at[0], a);
    ts_format_short(rr->end, z);
    outbuf_printf(b, "): %s to %s, %d point%s\n", a, z, rr->npoints,
                  rr->npoints == 1 ? "" : "s");
    for (int j = 0; j < rr->ntrials; j++)
        text_trial(b, ts, rr, j);
    outbuf_puts(b, "\n");
}

void
replay_format(outbuf *b, const replay_opts *o, const trialset *ts,
              const replay_result *rr)
{
    if (o->output == REPLAY_POINTS)
        format_points(b, ts, rr);
    else if (o->output == REPLAY_JSON || o->json)
        format_json(b, ts, rr);
    else
        format_text(b, ts, rr);
}
