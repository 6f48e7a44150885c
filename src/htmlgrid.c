/*
** htmlgrid.c -- every criterion and verdict over the timeline's grid.
**
** The timeline's criterion rows say when each criterion was met, not met
** or unknown.  That is replay (docs/replay.md) with every criterion kept,
** not only the verdict: at each point of an hourly grid (multiples of
** HTML_STEP from t0, then the screening time), the record as `screen --at
** t` would have read it (record_view_at) is screened with eval_trial.  A
** trial is evaluated again only at a point that has one of its change
** instants (replaywhen.c) since the previous point, both included: in
** between, no criterion of it can change, so the previous column is kept.
** The instants are not listed and sorted but marked on the grid's steps
** directly (trial_clock_grid_marks): sorting them cost an eighth of a run.
** The record's item times are sorted out once for all the trials and
** criteria (w->cg, a clock_grid): shifting each by each offset, again for
** every trial and criterion, was a sixteenth.
** At such a point only the criteria with an instant of their own in the
** step (trial_clock_crit_marks), and any that sums volumes on a record
** with a volume given (trial_clock_crit_every_point_in), are evaluated
** again, values only (eval_trial_values); the others keep the previous
** column's value and the verdict follows from the values.  That needs a
** previous column with every value: after a skipped one the whole trial
** is evaluated.  Which points are evaluated or skipped does not depend on
** it, so the page is what evaluating whole trials gives
** (test_partial_grid_is_full checks every cell against eval_trial).
** Replay's other shortcut is taken too: while the trial is ineligible
** because of a criterion that cannot change before an instant (the
** latest next change instant of the criteria that exclude the patient,
** trial_clock_grid_next), the trial is not evaluated: the verdict stays
** ineligible, that criterion keeps its value, and the other criteria are
** HTML_SKIPPED there (no stretch drawn: docs/html.md).  Most patients are
** ineligible for most trials for a reason that does not change every
** hour (age, location, a diagnosis), and this is where most of the cost
** of the rows goes.
**
** The grid is hourly to keep a 10,000-patient --html-dir within 3 times
** the cost of --json (docs/html.md, "Grid"); the verdict row's eligible
** stretches are then `replay --step 1h`'s intervals.
*/
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "html.h"
#include "recview.h"
#include "verdict.h"

html_worker *
html_worker_new(const html_ctx *h)
{
    html_worker *w = xcalloc(1, sizeof *w);
    w->h = h;
    w->a = arena_new();
    w->until = xcalloc((size_t)h->ntrials + 1, sizeof *w->until);
    w->hold = xcalloc((size_t)h->ntrials + 1, sizeof *w->hold);
    w->g.crit = xcalloc((size_t)h->ntrials + 1, sizeof *w->g.crit);
    w->cmark = xcalloc((size_t)h->ntrials + 1, sizeof *w->cmark);
    w->full = xcalloc((size_t)h->ntrials + 1, 1);
    int most = 1;
    for (int j = 0; j < h->ntrials; j++)
        if (trialset_at(h->ts, j)->ncrit > most)
            most = trialset_at(h->ts, j)->ncrit;
    w->redo = xcalloc((size_t)most, 1);
    w->every = xmalloc((size_t)most);
    memset(w->every, 1, (size_t)most);
    w->cready = xcalloc((size_t)h->ntrials + 1, 1);
    w->vals = xcalloc((size_t)most, 1);
    w->cg = clock_grid_new();
    return w;
}

void
html_worker_free(html_worker *w)
{
    if (!w)
        return;
    for (int j = 0; j < w->h->ntrials; j++) {
        free(w->g.crit[j]);
        free(w->cmark[j]);
    }
    free(w->cmark);
    clock_grid_free(w->cg);
    free(w->full);
    free(w->redo);
    free(w->every);
    free(w->cready);
    free(w->vals);
    free(w->mark);
    free(w->until);
    free(w->hold);
    free(w->g.crit);
    free(w->g.at);
    free(w->g.verdict);
    free(w->g.stamp_at);
    outbuf_release(&w->g.stamps);
    free(w->items);
    for (int i = 0; i < w->cap_samp; i++)
        outbuf_release(&w->samp_text[i]);
    free(w->samp_text);
    free(w->samp_c);
    free(w->held);
    free(w->x_at);
    outbuf_release(&w->xs);
    arena_free(w->a);
    free(w);
}

/* Room for n points in every array. */
static void
grid_reserve(html_worker *w, int n)
{
    html_grid *g = &w->g;
    if (n <= g->cap_points)
        return;
    int cap = n + n / 2 + 8;
    int nt = w->h->ntrials;
    free(g->at);
    free(g->verdict);
    free(w->mark);
    w->mark = xmalloc((size_t)cap * (size_t)(nt ? nt : 1));
    free(g->stamp_at);
    g->stamp_at = xmalloc(((size_t)cap + 1) * sizeof *g->stamp_at);
    g->at = xmalloc((size_t)cap * sizeof *g->at);
    g->verdict = xmalloc((size_t)cap * (size_t)(nt ? nt : 1));
    for (int j = 0; j < nt; j++) {
        int nc = trialset_at(w->h->ts, j)->ncrit;
        free(g->crit[j]);
        g->crit[j] = xmalloc((size_t)cap * (size_t)(nc ? nc : 1));
        free(w->cmark[j]);
        w->cmark[j] = xmalloc((size_t)cap * (size_t)(nc ? nc : 1));
    }
    g->cap_points = cap;
}

/* Multiples of HTML_STEP from t0 (itself one) to now, then now. */
static void
grid_fill(html_grid *g, ts_time t0, ts_time now)
{
    int k = 0;
    for (ts_time t = t0; t <= now; t += HTML_STEP)
        g->at[k++] = t;
    if (k == 0 || g->at[k - 1] != now)
        g->at[k++] = now;
    g->n = k;
}

static void
keep_previous(html_grid *g, int j, int ncrit, int k)
{
    int n = g->n;
    g->verdict[j * n + k] = g->verdict[j * n + k - 1];
    for (int i = 0; i < ncrit; i++)
        g->crit[j][i * n + k] = g->crit[j][i * n + k - 1];
}

/* Under the shortcut: only criterion hold is known. */
static void
skip(html_grid *g, int j, int ncrit, int hold, int k)
{
    int n = g->n;
    g->verdict[j * n + k] = (unsigned char)V_INELIGIBLE;
    for (int i = 0; i < ncrit; i++)
        g->crit[j][i * n + k] = i == hold ? g->crit[j][i * n + k - 1]
                                          : HTML_SKIPPED;
}

/* An ineligible verdict at point k: until when it surely stays so, and
** the criterion that keeps it (replay.c's ineligible_until). */
static ts_time
ineligible_until(html_worker *w, int j, const trial *tl, int k, int *hold)
{
    const html_grid *g = &w->g;
    ts_time until = TS_NONE;
    for (int i = 0; i < tl->ncrit; i++) {
        tv bad = tl->crit[i].exclusion ? TV_MET : TV_NOT_MET;
        if (g->crit[j][i * g->n + k] != bad)
            continue;
        ts_time next = trial_clock_grid_next(w->h->clock[j], i, w->cg, g->at[k]);
        if (until == TS_NONE || next > until)
            until = next, *hold = i;
    }
    return until;
}

static void
store(html_grid *g, int j, int k, const trial_result *tr)
{
    int n = g->n;
    g->verdict[j * n + k] = (unsigned char)trial_result_verdict(tr);
    for (int i = 0; i < tr->t->ncrit; i++)
        g->crit[j][i * n + k] = (unsigned char)(tr->crit && tr->crit[i]
                                                ? tr->crit[i]->value : TV_UNKNOWN);
}

/*
** Point k of trial j when point k - 1 has every value: only the criteria
** marked in the step (or summing volumes the record has, marked nowhere)
** are evaluated again, the others keep their values (eval_trial_values).
** The trial that sums volumes is so evaluated at every point only in that
** criterion, and on a record without fluids in none: its sums are 0 at
** every point.  With nothing to redo, the column is the previous one and
** the view is not even made.
*/
static verdict
redo_some(html_worker *w, const record *r, record **view, int j,
          const trial *t, int k)
{
    html_grid *g = &w->g;
    const trial_clock *c = w->h->clock[j];
    int n = g->n, cap = g->cap_points, any = 0;
    /* The criteria's own marks, made the first time they are needed: most
    ** trials of most patients never get here (skipped while ineligible,
    ** or evaluated at the first point only). */
    if (!w->cready[j]) {
        for (int i = 0; i < t->ncrit; i++)
            trial_clock_grid_marks(c, i, w->cg, w->cmark[j] + (size_t)i * (size_t)cap);
        w->cready[j] = 1;
    }
    for (int i = 0; i < t->ncrit; i++) {
        w->vals[i] = g->crit[j][i * n + k - 1];
        w->redo[i] = w->cmark[j][(size_t)i * (size_t)cap + (size_t)k]
                     || trial_clock_crit_every_point_in(c, i, r);
        any |= w->redo[i];
    }
    verdict v;
    if (any) {
        if (!*view)
            *view = record_view_at_held(r, g->at[k], w->a, w->held,
                                        w->nheld);
        v = eval_trial_values(t, *view, w->a, w->redo, w->vals);
        g->evaluations++;
        g->partial++;
    } else {
        v = trial_verdict_of(t, w->vals);
    }
    g->verdict[j * n + k] = (unsigned char)v;
    for (int i = 0; i < t->ncrit; i++)
        g->crit[j][i * n + k] = w->vals[i];
    return v;
}

void
html_grid_run(html_worker *w, const record *r, ts_time t0,
               trial_result *const *res)
{
    const html_ctx *h = w->h;
    ts_time now = record_at(r);
    long n = t0 <= now ? (now - t0) / HTML_STEP + 2 : 1;
    grid_reserve(w, (int)n);
    html_grid *g = &w->g;
    grid_fill(g, t0 <= now ? t0 : now, now);
    g->stamps.len = 0;
    for (int k = 0; k < g->n; k++) {
        g->stamp_at[k] = g->stamps.len;
        html_time(&g->stamps, g->at[k]);
    }
    g->stamp_at[g->n] = g->stamps.len;
    g->evaluations = g->partial = 0;
    int nc = vocab_count(r->vocab);
    if (nc > w->cap_held) {
        free(w->held);
        w->held = xmalloc(((size_t)nc + 1) * sizeof *w->held);
        w->cap_held = nc;
    }
    w->nheld = record_held(r, w->held);
    int cap = g->cap_points;
    clock_grid_set(w->cg, r, g->at[0], HTML_STEP, g->n, now);
    for (int j = 0; j < h->ntrials; j++) {
        unsigned char *m = w->mark + (size_t)j * (size_t)cap;
        trial_clock_grid_marks(h->clock[j], -1, w->cg, m);
        w->until[j] = TS_NONE;
        w->full[j] = 0;
        w->cready[j] = 0;
    }
    for (int k = 0; k < g->n; k++) {
        record *view = NULL;
        for (int j = 0; j < h->ntrials; j++) {
            const trial *t = trialset_at(h->ts, j);
            int every = trial_clock_every_point(h->clock[j]);
            if (k > 0 && !every && !w->mark[(size_t)j * (size_t)cap + (size_t)k]) {
                keep_previous(g, j, t->ncrit, k);
                continue;
            }
            /* The shortcut holds for a trial evaluated at every point too
            ** (one that sums volumes): the criterion that keeps it
            ** ineligible has instants of its own (trial_clock_grid_next). */
            if (k > 0 && w->until[j] != TS_NONE
                && g->at[k] < w->until[j]) {
                skip(g, j, t->ncrit, w->hold[j], k);
                w->full[j] = 0;
                continue;
            }
            /* The last point is the screening time: the record as it is
            ** there is the record itself, already screened. */
            verdict v;
            if (k == g->n - 1 && res) {
                store(g, j, k, res[j]);
                v = trial_result_verdict(res[j]);
            } else if (k > 0 && w->full[j]) {
                v = redo_some(w, r, &view, j, t, k);
            } else {
                if (!view)
                    view = record_view_at_held(r, g->at[k], w->a, w->held,
                                               w->nheld);
                /* Every criterion, values only (eval_trial_values): the
                ** grid keeps no reason, evidence or window. */
                v = eval_trial_values(t, view, w->a, w->every, w->vals);
                g->evaluations++;
                g->verdict[j * g->n + k] = (unsigned char)v;
                for (int i = 0; i < t->ncrit; i++)
                    g->crit[j][i * g->n + k] = w->vals[i];
            }
            w->full[j] = 1;
            /* (nothing to skip after the last point) */
            w->until[j] = v == V_INELIGIBLE && k < g->n - 1
                          ? ineligible_until(w, j, t, k, &w->hold[j])
                          : TS_NONE;
        }
        if (view)
            arena_reset(w->a);
    }
}
