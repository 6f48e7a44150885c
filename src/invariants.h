/*
** invariants.h -- the three-valued invariants of the evaluator's results,
** as predicates for ts_assert (tsassert.h).
**
** Kept apart from the code that builds results so that every stage that
** makes or combines them checks the same rules, and tests can call them on
** results made wrong on purpose.  Each returns 1 when the rule holds.  The
** rules (docs/evaluation.md, "Since-times"; verdict.h):
**
**   - a truth value is TV_NOT_MET, TV_UNKNOWN or TV_MET;
**   - a met result whose certain since and possible since are both set
**     (not TS_NONE) has since_early <= since: it cannot certainly have held
**     from before it possibly began;
**   - counts are not negative, and a count above 0 comes with its array;
**   - a trial's verdict is one of the three; it has a window exactly when
**     opens and closes are both set, and then opens <= closes; only an
**     eligible patient has an eligible since or a cohort, and a cohort only
**     when exactly one is met.
*/
#ifndef INVARIANTS_H
#define INVARIANTS_H

#include "verdict.h"

static inline int
tv_valid(tv v)
{
    return v == TV_NOT_MET || v == TV_UNKNOWN || v == TV_MET;
}

static inline int
result_sound(const result *r)
{
    if (!r || !tv_valid(r->value))
        return 0;
    if (r->value == TV_MET && r->since != TS_NONE && r->since_early != TS_NONE
        && r->since_early > r->since)
        return 0;
    if (r->nev < 0 || (r->nev > 0 && !r->ev))
        return 0;
    if (r->nmissing < 0 || (r->nmissing > 0 && !r->missing))
        return 0;
    if (r->nkids < 0 || (r->nkids > 0 && !r->kids))
        return 0;
    return 1;
}

static inline int
trial_result_sound(const trial_result *tr)
{
    if (!tr)
        return 0;
    if (tr->v != V_INELIGIBLE && tr->v != V_INCOMPLETE && tr->v != V_ELIGIBLE)
        return 0;
    if (tr->has_window != (tr->opens != TS_NONE && tr->closes != TS_NONE))
        return 0;
    if (tr->has_window && tr->opens > tr->closes)
        return 0;
    if (!tr->has_window && (tr->opens != TS_NONE || tr->closes != TS_NONE))
        return 0;
    if (tr->v != V_ELIGIBLE && (tr->eligible_since != TS_NONE || tr->cohort))
        return 0;
    if (tr->cohort && tr->ncohort_met != 1)
        return 0;
    if (tr->ncohort_met < 0 || tr->nmissing < 0 || (tr->nmissing > 0 && !tr->missing))
        return 0;
    return 1;
}

#endif
