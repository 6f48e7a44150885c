/*
** eval.h -- screening: rule tree x record -> verdict tree.
**
** eval_trial runs one record against one trial and returns, per criterion,
** met / not met / unknown with a reason, evidence, missing data and
** since/until times; then the trial's verdict, enrolment window, missing
** data and cohort.  Everything is allocated in the arena passed in (the
** record's, normally), so one arena_reset frees a whole screening.
** The verdict structures are in src/verdict.h.
*/
#ifndef EVAL_H
#define EVAL_H

#include "arena.h"
#include "criteria.h"
#include "record.h"

typedef struct trial_result trial_result;

typedef enum verdict {
    V_INELIGIBLE, V_INCOMPLETE, V_ELIGIBLE
} verdict;

trial_result *eval_trial(const trial *t, const record *r, arena *a);
/* eval_trial without the words: values, since/until times, verdict,
** window and eligible_since exactly as eval_trial gives them, but no
** reason, evidence, missing data or cohort (replay.c, which reports
** verdicts and windows only). */
trial_result *eval_trial_quiet(const trial *t, const record *r, arena *a);
verdict trial_result_verdict(const trial_result *tr);
/* The verdict from the criteria's values (tv, vals[i] for criterion i),
** by eval_trial's rule. */
verdict trial_verdict_of(const trial *t, const unsigned char *vals);
/* Evaluate again only the criteria with redo[i] set, into vals[i] (the
** others keep theirs), and return the verdict from vals: what eval_trial
** gives when the others' values have not changed (htmlgrid.c). */
verdict eval_trial_values(const trial *t, const record *r, arena *a,
                          const unsigned char *redo, unsigned char *vals);
const char *verdict_name(verdict v);
const char *tv_name(tv v);      /* "met", "not_met", "unknown" */

#endif
