/*
** replay.h -- the replay verb: every trial's verdict over a patient's stay.
**
** For each record, the verdict of every trial at each point of a grid:
** multiples of --step (counted from 00:00 UTC) from the record's first
** timestamp (or --from) to its screening time (or --to), plus the
** screening time itself; each point exactly as `screen --at t` would
** screen it.  cli.c parses the options and loads the criteria; replay.c
** runs the batch on the worker pool of batch.c and decides, per trial
** and point, whether anything can have changed since the last point
** (replaywhen.c) before evaluating a view of the record at that point
** (recview.c); replayout.c renders a patient (text timeline, NDJSON
** intervals, one line per point) and replaysum.c the feasibility summary.
*/
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>

#include "criteria.h"
#include "record.h"
#include "report.h"
#include "vocab.h"

#define REPLAY_MAX_POINTS 2000000   /* per record: about 57 years of hours */
#define REPLAY_MAX_WINDOWS 16       /* distinct windows kept per trial */

typedef enum replay_output {
    REPLAY_TEXT,            /* a timeline per trial */
    REPLAY_JSON,            /* one line per patient: intervals */
    REPLAY_POINTS           /* one line per grid point */
} replay_output;

typedef struct replay_opts {
    const char *const *paths;   /* at least one; "-" is standard input */
    int npaths;
    record_opts ropts;          /* ropts.at: --to, or TS_NONE */
    replay_output output;
    int json;                   /* --json (with --summary: NDJSON summary) */
    int summary;                /* --summary: the feasibility summary only */
    int every_point;            /* --every-point: no skipping (audit, tests) */
    ts_time from;               /* --from, or TS_NONE */
    int64_t step;               /* seconds, > 0 */
    int64_t min_window;         /* seconds: shorter intervals are counted */
    int verbose;
    int progress;
    int jobs;
    size_t max_record;
    const char *outpath;        /* --output FILE, or NULL */
} replay_opts;

int replay_run(const replay_opts *o, const trialset *ts, const vocab *v);

/* One patient's replay: filled by replay.c, read by replayout.c and
** replaysum.c.  Buffers are reused from record to record. */
typedef struct replay_window {
    ts_time opens, closes;      /* TS_NONE when not known */
} replay_window;

typedef struct replay_result {
    const char *id;
    const char *source;
    int line;                   /* 1-based NDJSON line, 0 for a file */
    ts_time first;              /* the record's first timestamp, or TS_NONE */
    ts_time end;                /* its screening time (or --to) */
    int64_t step;
    int npoints;
    ts_time *at;                /* [npoints] */
    int ntrials;
    unsigned char *v;           /* [ntrials * npoints]: verdict of trial j at
                                ** point k is v[j * npoints + k] */
    int *nwin;                  /* [ntrials] */
    replay_window *win;         /* [ntrials * REPLAY_MAX_WINDOWS] */
    long evaluations;           /* trial evaluations done (the rest reused) */
    int cap_points, cap_trials; /* allocated sizes */
} replay_result;

/* An eligible interval of trial j: maximal runs of eligible points; from
** is the run's first point, to the first later point that is not
** eligible, or the last point.  Start with *k = 0; returns 0 after the
** last interval. */
int replay_next_interval(const replay_result *rr, int j, int *k,
                         ts_time *from, ts_time *to);

/* replayout.c */
void replay_head(outbuf *b, const replay_opts *o);
void replay_format(outbuf *b, const replay_opts *o, const trialset *ts,
                   const replay_result *rr);

/* replaysum.c: the feasibility summary, one per worker, merged at the end. */
typedef struct replaysum replaysum;
replaysum *replaysum_new(const trialset *ts, int64_t step, int64_t min_window);
void replaysum_add(replaysum *s, const replay_result *rr);
void replaysum_add_unreadable(replaysum *s);
void replaysum_merge(replaysum *dst, const replaysum *src);
void replaysum_report(const replaysum *s, int json, outbuf *b);
void replaysum_free(replaysum *s);      /* NULL-safe */

#endif
