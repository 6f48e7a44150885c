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
verdict trial_result_verdict(const trial_result *tr);
const char *verdict_name(verdict v);
const char *tv_name(tv v);      /* "met", "not_met", "unknown" */

#endif
