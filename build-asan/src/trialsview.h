/*
** trialsview.h -- the loaded trials as people read them (internal).
**
** "trialscreen trials" prints every trial with its criteria and, for
** each, its rule in plain words: a tree for the terminal, or a Markdown
** table per trial for the documentation (docs/trials.md is generated from
** it by "make docs").  The NDJSON listing stays in report.c.
**
** Like the reporters, these render into an outbuf and never print.
*/
#ifndef TRIALSVIEW_H
#define TRIALSVIEW_H

#include "criteria.h"
#include "report.h"
#include "rules.h"

/* Every trial of ts as a tree: metadata, inclusion, exclusion, cohorts. */
void trialsview_text(outbuf *out, const trialset *ts);

/* Every trial of ts as Markdown: a heading, its metadata and a table of
** criteria (id, inclusion/exclusion, registry text, rule, note). */
void trialsview_markdown(outbuf *out, const trialset *ts);

/*
** One rule in plain words on one line, e.g. "all of: in icu now;
** septic_shock present; latest vis > 120; held for more than 5 h".
** Nested lists are bracketed.  Not escaped: the caller escapes for its
** output format.
*/
void trialsview_rule(outbuf *out, const rule *r);

/* "<", "≤", ">", "≥", "=" for a one-sided comparison ("" otherwise). */
const char *trialsview_op(cmp_op op);

/* "y", "mo" or "d". */
const char *trialsview_age_unit(age_unit u);

/* A number as written in criteria: "2.5", "120", "0.001". */
void trialsview_number(outbuf *out, double x);

/* path relative to the current directory when it lies below it (so that
** the bundled criteria show as "criteria/x.yaml" wherever the checkout
** is); otherwise path itself.  Returns a pointer into path. */
const char *trialsview_path(const char *path);

#endif
