/*
** summary.h -- batch totals and per-criterion attrition (--summary).
**
** Per trial: how many records were screened and how many came out
** eligible, ineligible, incomplete.  Per criterion: how many records it
** excluded (an inclusion not met, an exclusion met), how many it left
** unknown, which data items were most often missing for it, and how many
** more records would be eligible if that criterion alone were dropped
** (records for which it is the only criterion not satisfied).
**
** Each worker thread keeps a summary of its own (no locks); they are
** merged at the end.  Every figure is a sum, so the result does not depend
** on which thread screened which record -- nor on which process: the
** NDJSON summary lists every missing item with its count (the text table
** the top SUMMARY_TOP_MISSING), so that "trialscreen merge" combines the
** summaries of a split batch exactly.
*/
#ifndef SUMMARY_H
#define SUMMARY_H

#include "criteria.h"
#include "eval.h"
#include "fhir.h"
#include "report.h"

typedef struct summary summary;

/* A summary for the trials of ts (as selected; ts must outlive it). */
summary *summary_new(const trialset *ts);
void summary_free(summary *s);          /* NULL-safe */

/* One screened record: res[0..n) in trialset order (n = trialset_count). */
void summary_add(summary *s, trial_result *const *res, int n);
/* One record that could not be read or was invalid. */
void summary_add_unreadable(summary *s);
/* Add src's counts to dst (same trialset). */
void summary_merge(summary *dst, const summary *src);

/* The counts of trial i (trialset order), and of its criterion c: the
** HTML report's attrition funnel. */
void summary_trial_counts(const summary *s, int i, long *screened,
                          long *eligible, long *ineligible, long *incomplete);
void summary_crit_counts(const summary *s, int i, int c, long *excluded,
                         long *unknown);

/* The FHIR resources the run skipped, per reason (--summary shows them
** when there are any). */
void summary_set_skipped(summary *s, const fhir_counts *c);
/* ,"fhir_skipped":{"type":3,...} -- nothing when no resource was skipped:
** the NDJSON summary's member, also written by merge. */
void summary_skipped_json(outbuf *b, const fhir_counts *c);

/*
** The missing items of one criterion with how many records missed each:
** the tally here, and in merge.c, which adds up the tallies of the
** summaries of a split batch and must write them in the same bytes.
** Zero-filled is empty.
*/
typedef struct summary_miss {
    char *item;
    long n;
} summary_miss;

typedef struct summary_misses {
    summary_miss *m;
    int n, cap;
} summary_misses;

/* n more records missing item (copied on first sight). */
void summary_misses_add(summary_misses *t, const char *item, long n);
void summary_misses_release(summary_misses *t);

/* One criterion of the NDJSON summary, {"id":...,"missing":[...]}: every
** missing item, most often first, ties by name. */
void summary_crit_json(outbuf *b, const char *id, const char *kind,
                       long excluded, long unknown, long if_dropped,
                       const summary_misses *t);

/* How many most-often-missing items the text table shows per criterion. */
#define SUMMARY_TOP_MISSING 3

/*
** Render: text (a table per trial) or NDJSON (one line,
** {"summary":{...}}; see docs/trialscreen.1, SUMMARY).  CSV is not a
** summary format: the caller picks text for it.
*/
void summary_report(const summary *s, report_format format, outbuf *out);

#endif
