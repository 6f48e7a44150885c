/*
** replay.c -- the replay verb, wired onto the worker pool (see replay.h).
**
** Per record, on a worker thread: parse it once (with --to as its
** screening time when given), lay out the grid, and walk it.  At each
** point, a trial is evaluated again only if one of its change instants
** (replaywhen.c) lies between the previous point and this one, both
** included, or, while it is ineligible, once a criterion that excludes
** the patient can have changed; otherwise its verdict cannot have
** changed and the previous one is kept.  When some trial needs evaluating, the record is viewed
** as it was at the point (recview.c: what `--at t` would have read) and
** those trials are screened on the view with eval_trial_quiet: the
** screen verb's values, times, verdict and window, without the reasons
** and evidence that replay never prints (half its instructions).
** --every-point evaluates every trial at every point: the audit mode,
** and what the tests compare the skipping against.
**
** Thread safety is screen.c's: each worker has its own arena, result
** buffers and summary; the trialset, the vocabulary and the trial clocks
** are only read once built.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "cli.h"
#include "diag.h"
#include "eval.h"
#include "fhir.h"
#include "input.h"
#include "outfile.h"
#include "progress.h"
#include "recview.h"
#include "replay.h"
#include "replaywhen.h"
#include "verdict.h"

enum { F_ITEM = 1, F_BAD = 2 };

typedef struct rworker {
    arena *a;                   /* one point's view and results */
    replay_result rr;
    instants *inst;             /* per trial */
    int *cursor;                /* per trial, into inst */
    unsigned char *need;        /* per trial: evaluate at this point */
    ts_time *until;             /* per trial: ineligible at least until this
                                ** instant (TS_NONE: not known to be) */
    replaysum *sum;
} rworker;

typedef struct replay_ctx {
    const replay_opts *o;
    const trialset *ts;
    const vocab *v;
    int ntrials;
    trial_clock **clock;        /* per trial */
    fhir_input *in;             /* records and FHIR (fhirin.c), as screen */
    rworker *w;
    outfile out;
    int flush_each;
    int out_tty;
    progress *prog;
    report_opts ro;             /* for error lines */
    long done;
    long long bytes;
    int bad;
} replay_ctx;

/* floor(t / step) * step for any sign of t. */
static ts_time
floor_step(ts_time t, int64_t step)
{
    ts_time q = t / step;
    if (t % step != 0 && t < 0)
        q--;
    return q * step;
}

static void
grow_result(replay_result *rr, int npoints, int ntrials)
{
    if (npoints > rr->cap_points || ntrials > rr->cap_trials) {
        int np = npoints > rr->cap_points ? npoints + npoints / 2 + 16 : rr->cap_points;
        int nt = ntrials > rr->cap_trials ? ntrials : rr->cap_trials;
        free(rr->at);
        free(rr->v);
        rr->at = xmalloc((size_t)np * sizeof *rr->at);
        rr->v = xmalloc((size_t)np * (size_t)nt);
        rr->cap_points = np;
        if (nt > rr->cap_trials) {
            free(rr->nwin);
            free(rr->win);
            rr->nwin = xcalloc((size_t)nt, sizeof *rr->nwin);
            rr->win = xcalloc((size_t)nt * REPLAY_MAX_WINDOWS, sizeof *rr->win);
            rr->cap_trials = nt;
        }
    }
}

/*
** The grid: multiples of step from the first one at or after start, up to
** end, then end itself if it is not one of them.  Returns the number of
** points, or -1 if there would be more than REPLAY_MAX_POINTS.
*/
static int
grid_count(ts_time start, ts_time end, int64_t step)
{
    if (start == TS_NONE || start > end)
        return 0;
    ts_time g0 = floor_step(start, step);
    if (g0 < start)
        g0 += step;
    ts_time last = floor_step(end, step);
    long long n = g0 <= last ? (last - g0) / step + 1 : 0;
    if (last != end)
        n++;
    return n > REPLAY_MAX_POINTS ? -1 : (int)n;
}

static void
grid_fill(replay_result *rr, ts_time start, ts_time end, int64_t step)
{
    ts_time g = floor_step(start, step);
    if (g < start)
        g += step;
    int k = 0;
    for (; g <= end && k < rr->npoints; g += step)
        rr->at[k++] = g;
    if (k < rr->npoints)
        rr->at[k++] = end;
}

/* Is there a change instant of trial j in [prev, t]? */
static int
changed(rworker *w, int j, ts_time prev, ts_time t)
{
    const instants *in = &w->inst[j];
    int c = w->cursor[j];
    while (c < in->n && in->t[c] < prev)
        c++;
    w->cursor[j] = c;
    return c < in->n && in->t[c] <= t;
}

/* The windows reported while the patient was eligible or incomplete
** (an ineligible stretch is not evaluated at every change). */
static void
add_window(replay_result *rr, int j, const trial_result *tr)
{
    if (!tr->has_window || tr->v == V_INELIGIBLE)
        return;
    replay_window *win = &rr->win[j * REPLAY_MAX_WINDOWS];
    int n = rr->nwin[j];
    for (int i = 0; i < n && i < REPLAY_MAX_WINDOWS; i++)
        if (win[i].opens == tr->opens && win[i].closes == tr->closes)
            return;
    if (n < REPLAY_MAX_WINDOWS)
        win[n] = (replay_window){ tr->opens, tr->closes };
    rr->nwin[j] = n + 1;        /* counts past the cap: "and more" */
}

/*
** An ineligible verdict lasts as long as one of the criteria that made it
** so keeps its value: until the latest of their next change instants.
** Most patients are ineligible most of the time, for a reason that does
** not change at every new vital sign (age, a missing diagnosis, a
** location), so this is where most evaluations are saved.
*/
static ts_time
ineligible_until(replay_ctx *c, int j, const trial_result *tr, const record *r,
                 ts_time t)
{
    const trial *tl = trialset_at(c->ts, j);
    ts_time until = TS_NONE;
    for (int i = 0; i < tl->ncrit; i++) {
        tv bad = tl->crit[i].exclusion ? TV_MET : TV_NOT_MET;
        if (tr->crit[i]->value != bad)
            continue;
        ts_time next = trial_clock_next(c->clock[j], i, r, t);
        if (until == TS_NONE || next > until)
            until = next;
    }
    return until;
}

/* Every trial at every point of rr's grid, for the parsed record r. */
static void
replay_points(replay_ctx *c, rworker *w, const record *r)
{
    replay_result *rr = &w->rr;
    int n = rr->npoints, nt = c->ntrials;
    rr->evaluations = 0;
    memset(rr->nwin, 0, (size_t)nt * sizeof *rr->nwin);
    if (n == 0)
        return;
    for (int j = 0; j < nt; j++) {
        trial_clock_instants(c->clock[j], r, rr->at[0], rr->at[n - 1], &w->inst[j]);
        w->cursor[j] = 0;
        w->until[j] = TS_NONE;
    }
    for (int k = 0; k < n; k++) {
        int any = 0;
        for (int j = 0; j < nt; j++) {
            if (k == 0 || c->o->every_point || trial_clock_every_point(c->clock[j]))
                w->need[j] = 1;
            else if (w->until[j] != TS_NONE)
                w->need[j] = rr->at[k] >= w->until[j];
            else
                w->need[j] = changed(w, j, rr->at[k - 1], rr->at[k]) != 0;
            any |= w->need[j];
            if (!w->need[j])
                rr->v[j * n + k] = rr->v[j * n + k - 1];
        }
        if (!any)
            continue;
        record *view = record_view_at(r, rr->at[k], w->a);
        for (int j = 0; j < nt; j++) {
            if (!w->need[j])
                continue;
            trial_result *tr = eval_trial_quiet(trialset_at(c->ts, j), view,
                                                 w->a);
            rr->v[j * n + k] = (unsigned char)trial_result_verdict(tr);
            add_window(rr, j, tr);
            rr->evaluations++;
            w->until[j] = tr->v == V_INELIGIBLE && !c->o->every_point
                          ? ineligible_until(c, j, tr, r, rr->at[k]) : TS_NONE;
        }
        arena_reset(w->a);
    }
}

/* Parse, lay out the grid, replay, render into out (when not NULL).
** Returns 0, or -1 with err filled. */
static int
replay_item(replay_ctx *c, rworker *w, const input_item *item, outbuf *out,
            outbuf *diag, ts_error *err)
{
    const replay_opts *o = c->o;
    record *r;
    if (item->kind == INPUT_FHIR) {
        /* A patient's FHIR resources, made into a record (fhirmap.c). */
        size_t len = 0;
        char *text = fhir_map(item->extra, c->v, &len, err);
        if (!text)
            return -1;
        r = record_parse(text, len, item->source, item->line > 0 ? item->line - 1 : 0,
                         c->v, &o->ropts, err);
        free(text);
    } else {
        r = record_parse(item->buf, item->len, item->source,
                         item->line > 0 ? item->line - 1 : 0, c->v,
                         &o->ropts, err);
    }
    if (!r) {
        /* The reader names screen's option; replay's is --to. */
        char *at = strstr(err->msg, "use --at");
        if (at)
            memcpy(at, "use --to", 8);
        return -1;
    }
    if (o->verbose)
        for (int i = 0; i < record_nwarnings(r); i++) {
            const char *wt = record_warning(r, i);
            int wl = item->line, wc = 0, skip = 0;
            /* "5:15: ..." carries its own position (as in screen.c). */
            if (sscanf(wt, "%d:%d: %n", &wl, &wc, &skip) != 2 || skip == 0)
                wl = item->line, wc = 0, skip = 0;
            diag_putf(diag, TS_LEVEL_WARNING, item->source, wl, wc, "%s",
                      wt + skip);
        }
    replay_result *rr = &w->rr;
    rr->end = record_at(r);
    rr->first = record_first_time(r);
    ts_time start = o->from != TS_NONE ? o->from
                    : rr->first != TS_NONE ? rr->first : rr->end;
    int n = grid_count(start, rr->end, o->step);
    if (n < 0) {
        ts_error_set(err, 0, 0, "replay: more than %d points from the first "
                     "timestamp to the screening time; use --from or a longer "
                     "--step", REPLAY_MAX_POINTS);
        record_free(r);
        return -1;
    }
    grow_result(rr, n, c->ntrials);
    rr->npoints = n;
    rr->ntrials = c->ntrials;
    rr->step = o->step;
    grid_fill(rr, start, rr->end, o->step);
    replay_points(c, w, r);
    /* id and source live in the record's arena: render before freeing. */
    rr->id = record_id(r);
    rr->source = record_source(r);
    rr->line = item->line;
    if (w->sum)
        replaysum_add(w->sum, rr);
    if (out)
        replay_format(out, c->o, c->ts, rr);
    record_free(r);
    return 0;
}

static int
replay_read(void *vctx, batch_slot *s)
{
    replay_ctx *c = vctx;
    return fhirin_next(c->in, &s->item);
}

static void
replay_work(void *vctx, int wi, batch_slot *s)
{
    replay_ctx *c = vctx;
    rworker *w = &c->w[wi];
    const input_item *item = &s->item;
    outbuf *out = c->o->summary ? NULL : &s->out;

    if (item->kind == INPUT_WARNING) {
        ts_error e = item->err;
        e.level = TS_LEVEL_WARNING;
        diag_put(&s->diag, &e);
        return;
    }
    s->flags |= F_ITEM;
    if (item->kind == INPUT_ERROR) {
        report_error(&c->ro, out, &s->diag, item->source, item->line, &item->err,
                     item->err.file == NULL);
        s->flags |= F_BAD;
        if (w->sum)
            replaysum_add_unreadable(w->sum);
        return;
    }
    ts_error err;
    ts_error_clear(&err);
    err.file = item->source;
    if (replay_item(c, w, item, out, &s->diag, &err) != 0) {
        if (!err.file)
            err.file = item->source;
        report_error(&c->ro, out, &s->diag, item->source, item->line, &err, 0);
        s->flags |= F_BAD;
        if (w->sum)
            replaysum_add_unreadable(w->sum);
    }
}

static int
replay_write(void *vctx, batch_slot *s)
{
    replay_ctx *c = vctx;
    int rc = 0;
    if (s->diag.len > 0) {
        progress_clear(c->prog);
        (void)outbuf_write(&s->diag, stderr);
        fflush(stderr);
    }
    if (s->flags & F_BAD)
        c->bad++;
    if (s->out.len > 0) {
        if (c->out_tty)
            progress_clear(c->prog);
        rc = outfile_write(&c->out, &s->out, c->flush_each);
    }
    if (s->flags & F_ITEM) {
        c->done++;
        c->bytes += (long long)s->item.len + (s->item.line > 0);
    }
    progress_update(c->prog, c->done, c->bytes, 0);
    return rc;
}

/* The writer gave up (a closed pipe, a full disk): wake the thread that
** reads, if it is blocked on its input. */
static void
replay_interrupt(void *vctx)
{
    replay_ctx *c = vctx;
    fhirin_interrupt(c->in);
}

static const batch_ops replay_ops = {
    replay_read, replay_work, replay_write, replay_interrupt, NULL
};

static void
workers_release(replay_ctx *c, int jobs)
{
    for (int i = 0; i < jobs; i++) {
        rworker *w = &c->w[i];
        arena_free(w->a);
        free(w->rr.at);
        free(w->rr.v);
        free(w->rr.nwin);
        free(w->rr.win);
        for (int j = 0; j < c->ntrials; j++)
            instants_release(&w->inst[j]);
        free(w->inst);
        free(w->cursor);
        free(w->need);
        free(w->until);
        replaysum_free(w->sum);
    }
    free(c->w);
}

int
replay_run(const replay_opts *o, const trialset *ts, const vocab *v)
{
    replay_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.ts = ts;
    c.v = v;
    c.ntrials = trialset_count(ts);
    c.ro = (report_opts){ o->json || o->output != REPLAY_TEXT ? REPORT_NDJSON
                                                              : REPORT_TEXT, 0,
                          DETAIL_FULL };
    if (o->summary)
        c.ro.format = REPORT_TEXT;

    signal(SIGPIPE, SIG_IGN);
    if (outfile_open(&c.out, o->outpath) != 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0, "cannot create '%s': %s",
                    o->outpath, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    c.flush_each = o->output == REPLAY_TEXT && !o->summary && !o->outpath;
    c.out_tty = !o->outpath && isatty(STDOUT_FILENO);

    c.clock = xcalloc((size_t)c.ntrials + 1, sizeof *c.clock);
    for (int j = 0; j < c.ntrials; j++)
        c.clock[j] = trial_clock_new(trialset_at(ts, j), v);
    int jobs = o->jobs < 1 ? 1 : o->jobs;
    c.w = xcalloc((size_t)jobs, sizeof *c.w);
    for (int i = 0; i < jobs; i++) {
        rworker *w = &c.w[i];
        w->a = arena_new();
        w->inst = xcalloc((size_t)c.ntrials + 1, sizeof *w->inst);
        w->cursor = xcalloc((size_t)c.ntrials + 1, sizeof *w->cursor);
        w->need = xcalloc((size_t)c.ntrials + 1, 1);
        w->until = xcalloc((size_t)c.ntrials + 1, sizeof *w->until);
        w->sum = o->summary ? replaysum_new(ts, o->step, o->min_window) : NULL;
    }
    if (o->progress)
        c.prog = progress_new(stderr, input_total_bytes(o->paths, o->npaths));
    c.in = fhirin_new(input_new(o->paths, o->npaths, o->max_record));

    int stopped = 0;
    if (!o->summary) {
        outbuf head = {0};
        replay_head(&head, o);
        stopped = outfile_write(&c.out, &head, 0) != 0;
        outbuf_release(&head);
    }
    if (!stopped && batch_run(&replay_ops, &c, jobs) < 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                    "cannot start worker threads");
        c.bad = 1;
    }
    progress_update(c.prog, c.done, c.bytes, 1);
    progress_free(c.prog);
    if (o->summary && !c.out.closed_pipe && !c.out.failed) {
        outbuf b = {0};
        for (int i = 1; i < jobs; i++)
            replaysum_merge(c.w[0].sum, c.w[i].sum);
        replaysum_report(c.w[0].sum, o->json, &b);
        outfile_write(&c.out, &b, 0);
        outbuf_release(&b);
    }
    int failed = 0;
    if (!c.out.closed_pipe) {
        if ((c.out.failed || outfile_commit(&c.out) != 0) && !c.out.closed_pipe) {
            if (o->outpath)
                diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                            "writing '%s': %s", o->outpath, strerror(c.out.err));
            else
                diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                            "writing output: %s", strerror(c.out.err));
            failed = 1;
            outfile_abort(&c.out);  /* the temporary file, what was held */
        }
    } else {
        outfile_abort(&c.out);
    }
    fhirin_free(c.in);
    workers_release(&c, jobs);
    for (int j = 0; j < c.ntrials; j++)
        trial_clock_free(c.clock[j]);
    free(c.clock);
    return failed || c.bad ? EXIT_BAD_INPUT : EXIT_OK;
}
