/*
** report.h -- verdict trees out: text, NDJSON, CSV (internal).
**
** Reporters render into an outbuf (outbuf.h) and never write to a FILE themselves:
** the caller writes each finished record with outbuf_write and checks the
** result.  That keeps every write error in one place (cli.c), and lets a
** later version render records on worker threads, one buffer each, and
** write them in input order.
**
** The NDJSON shape is a contract (docs/trialscreen.1, "NDJSON OUTPUT");
** text is for people and may change.
*/
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "criteria.h"
#include "eval.h"
#include "record.h"
#include "outbuf.h"
#include "ts.h"

typedef enum report_format {
    REPORT_TEXT,
    REPORT_NDJSON,
    REPORT_CSV,
    REPORT_HTML             /* screen only: html.c renders it */
} report_format;

/*
** How much of each trial is reported (--detail): everything (criteria
** with registry text, reason, evidence, notes), the criteria without their
** texts and evidence (id, kind, result, reason, missing, since, until), or
** the verdicts only (verdict, window, missing, cohort).  CSV has one
** level: its row is a verdict.
*/
typedef enum report_detail {
    DETAIL_FULL,
    DETAIL_CRITERIA,
    DETAIL_VERDICTS
} report_detail;

typedef struct report_opts {
    report_format format;
    int color;              /* ANSI colours in text output */
    report_detail detail;
} report_opts;

/* Anything that comes before the first record (the CSV header). */
void report_begin(const report_opts *o, outbuf *out);

/*
** One screened record: res[0..n) are its results, one per selected trial,
** in trialset order; line is its 1-based line in an NDJSON source, or 0.
** Text: a block; NDJSON: one line; CSV: one row per trial.
*/
void report_record(const report_opts *o, outbuf *out, const record *r,
                   int line, trial_result *const *res, int n);

/*
** The same as report_record, with the parts of the output that are equal
** in every record (criterion ids, texts, notes) rendered once beforehand:
** for batches.  The cache belongs to one trialset (it must outlive the
** cache) and is only read while reporting, so threads may share it.
** A NULL cache renders everything.
*/
typedef struct report_cache report_cache;
report_cache *report_cache_new(const trialset *ts);
void report_cache_free(report_cache *c);     /* NULL-safe */
void report_record_cached(const report_opts *o, const report_cache *cache,
                          outbuf *out, const record *r, int line,
                          trial_result *const *res, int n);

/*
** A record that could not be read (io = 1: an I/O error whose message
** names the file) or that is invalid (io = 0: err from record_parse).
** source and line (1-based, 0 for a whole file) say which record.  The
** NDJSON error line goes to out (when the format is NDJSON and out is
** not NULL); a one-line diagnostic goes to diag (when not NULL):
** "PATH:LINE:COLUMN: path: message" or "error: message".
*/
void report_error(const report_opts *o, outbuf *out, outbuf *diag,
                  const char *source, int line, const ts_error *err, int io);

/* The `trials --json` listing: every trial of ts with its criteria, one
** NDJSON line each (the text and markdown listings are trialsview.c's). */
void report_trials(const report_opts *o, outbuf *out, const trialset *ts);

#endif
