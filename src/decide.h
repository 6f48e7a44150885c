/*
** decide.h -- why a trial got its verdict, in one line (internal).
**
** The verdict tree says everything; a coordinator scanning fifty patients
** wants the one reason on the trial's own line, and a spreadsheet wants it
** in a column.  This is that reason, computed from the results alone (no
** re-evaluation):
**
**   ineligible  "not met: inc-refractory-shock; excluded by exc-obstructive-shock"
**   incomplete  "unknown: inc-myocardial (lvef)"
**   eligible    "" (nothing to explain)
**
** Criteria are listed in trial order, at most DECIDE_SHOWN of them ("+2
** more" after that), and an unknown one with up to DECIDE_MISSING of the
** data items it lacks.
*/
#ifndef DECIDE_H
#define DECIDE_H

#include "report.h"
#include "verdict.h"

#define DECIDE_SHOWN 3
#define DECIDE_MISSING 3

/* Is criterion i of tr one that decided its verdict? */
int decide_is_deciding(const trial_result *tr, int i);

/* Append the one-line reason (plain text, not escaped) to b. */
void decide_line(outbuf *b, const trial_result *tr);

/* Append "id: reason" for each deciding criterion, joined with sep (a
** reason may itself hold "; "). */
void decide_reasons(outbuf *b, const trial_result *tr, const char *sep);

/*
** 1 when the record marks no section complete and most of the data the
** undecided trials miss are conditions, procedures, medications or
** locations: then "not listed" reads as unknown, and saying "complete"
** (or --assume-complete) would decide them.
*/
int decide_sections_hint(const record *r, trial_result *const *res, int n);

#endif
