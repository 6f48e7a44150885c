/*
** eval.c -- the evaluator: rule tree x record -> verdict tree.
**
** This file holds the three-valued combinators, the held-for node and the
** trial-level verdict, window, missing list and cohort.  The leaves live
** next door: series.c (observation values over time), derived.c (VIS,
** BMI, steroid dose), events.c (age, sex, conditions, procedures,
** locations, medications, facts, time since an event, with clock.c) and
** total.c (amounts given).  This file dispatches to them; they build
** their results with result.c and leaf.c and never call back up here
** (tests/callgraph.sh checks that the calls between these files form no
** cycle).
**
** Time bounds travel up the tree with each result (see verdict.h): the
** certain and the possible "since", and "until".  A node that is not met
** now but will be met by the mere passage of time (a clock still running)
** keeps a future since, so the trial can say when its window opens and
** closes without any trial-specific arithmetic.
*/
#include "verdict.h"
#include "invariants.h"
#include "tsassert.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "units.h"

/* A result whose reason is a kid's, as it is or will be:
** result_new(..., "%s", reason) without the copy. */
static result *
result_as(eval_ctx *cx, const rule *ru, tv value, const result *k)
{
    result *res = result_blank(cx, ru, value);
    result_same_reason(res, k);
    if (!res->reason_text && !res->reason_fmt && !res->reason_join)
        res->reason_text = "(null)";
    return res;
}

/*
** {======================================================
** Combinators
** =======================================================
*/

/* Join the reasons of the kids whose value is want (or all if want < 0). */
static const char *
join_reasons(eval_ctx *cx, result **kids, int n, int want)
{
    const char *s = result_reasons_join(cx, kids, n, want, 1);
    return s ? s : "";
}

/* A kid's reason as an argument of a reason: made now (the kid's result
** and its text live as long as the parent's). */
static const char *
kid_reason(const result *k)
{
    return result_reason(k);
}

/* Take evidence and missing items from the kids whose value is want. */
static void
take_from(eval_ctx *cx, result *res, result **kids, int n, tv want)
{
    for (int i = 0; i < n; i++)
        if (kids[i]->value == want)
            result_take(cx, res, kids[i]);
}

static result **
eval_kids(eval_ctx *cx, const rule *ru)
{
    result **kids = arena_alloc(cx->a, (size_t)ru->nkids * sizeof *kids);
    for (int i = 0; i < ru->nkids; i++)
        kids[i] = eval_rule(cx, ru->kids[i]);
    return kids;
}

/*
** Since-times (verdict.h) are instants where TS_NONE, the smallest
** ts_time, means "unbounded": so the latest of several bounds is their
** maximum and the earliest their minimum, with no special case for
** unbounded ones.
*/
static ts_time
time_max(ts_time a, ts_time b)
{
    return a > b ? a : b;
}

static ts_time
time_min(ts_time a, ts_time b)
{
    return a < b ? a : b;
}

/* The result of a combinator over kids, with its reason, evidence and
** missing items taken from the kids that share its value. */
static result *
combine(eval_ctx *cx, const rule *ru, result **kids, tv v)
{
    result *res = result_blank(cx, ru, v);
    res->kids = kids;
    res->nkids = ru->nkids;
    result_join_reasons(cx, res, kids, ru->nkids, (int)v, 1);
    take_from(cx, res, kids, ru->nkids, v);
    return res;
}

/*
** The kids in order up to the first whose value is stop, which alone
** decides the node's value (values_only): NULL then, else every kid's
** result.  An all stops at a kid not met, which leaves it no since-times
** (eval_all); an any at a met kid only outside a held-for (eval_any): the
** kids after it would be read for their since-times alone, and for the
** reason and the evidence, which values_only makes none of.
*/
static result **
eval_kids_until(eval_ctx *cx, const rule *ru, tv stop)
{
    result **kids = arena_alloc(cx->a, (size_t)ru->nkids * sizeof *kids);
    for (int i = 0; i < ru->nkids; i++) {
        kids[i] = eval_rule(cx, ru->kids[i]);
        if (kids[i]->value == stop)
            return NULL;
    }
    return kids;
}

/*
** all: Kleene AND.  It holds once every kid holds: both its since-times
** are the latest of its kids' (a met kid's certain since, a met or unknown
** kid's possible since).  until is the earliest of its kids'.
*/
static result *
eval_all(eval_ctx *cx, const rule *ru)
{
    result **kids;
    if (cx->values_only) {
        kids = eval_kids_until(cx, ru, TV_NOT_MET);
        if (!kids)
            return result_blank(cx, ru, TV_NOT_MET);
    } else {
        kids = eval_kids(cx, ru);
    }
    tv v = TV_MET;
    for (int i = 0; i < ru->nkids; i++)
        if (kids[i]->value < v)
            v = kids[i]->value;

    result *res = combine(cx, ru, kids, v);
    if (v == TV_NOT_MET)
        return res;
    ts_time since = TS_NONE, early = TS_NONE, until = TS_NONE;
    for (int i = 0; i < ru->nkids; i++) {
        const result *k = kids[i];
        since = time_max(since, k->since);
        early = time_max(early, k->since_early);
        if (k->until != TS_NONE && (until == TS_NONE || k->until < until))
            until = k->until;
    }
    res->since = v == TV_MET ? since : TS_NONE;
    res->since_early = early;
    res->until = until;
    return res;
}

/*
** any: Kleene OR.  The certain since is the earliest of its met kids'; the
** possible since the earliest of its met and unknown kids' (an unknown kid
** may have held from its own possible since).
*/
static result *
eval_any(eval_ctx *cx, const rule *ru)
{
    result **kids;
    if (cx->values_only && !cx->timed) {
        kids = eval_kids_until(cx, ru, TV_MET);
        if (!kids) {
            cx->cut++;          /* since-times not made (eval_criterion) */
            return result_blank(cx, ru, TV_MET);
        }
    } else {
        kids = eval_kids(cx, ru);
    }
    tv v = TV_NOT_MET;
    for (int i = 0; i < ru->nkids; i++)
        if (kids[i]->value > v)
            v = kids[i]->value;

    result *res = combine(cx, ru, kids, v);
    if (v == TV_NOT_MET)
        return res;
    ts_time since = INT64_MAX, early = INT64_MAX, until = TS_NONE;
    int until_open = 0;
    for (int i = 0; i < ru->nkids; i++) {
        const result *k = kids[i];
        if (k->value == TV_NOT_MET)
            continue;
        early = time_min(early, k->since_early);
        if (k->value != TV_MET)
            continue;
        since = time_min(since, k->since);
        if (k->until == TS_NONE)
            until_open = 1;
        else if (k->until > until)
            until = k->until;
    }
    res->since = v == TV_MET ? since : TS_NONE;
    res->since_early = early;
    res->until = until_open ? TS_NONE : until;
    return res;
}

/* not: no since-times (what does not hold has no start in the data). */
static result *
eval_not(eval_ctx *cx, const rule *ru)
{
    result *k = eval_rule(cx, ru->kids[0]);
    result *res = result_new(cx, ru, (tv)(TV_MET - k->value), "not: %s",
                             kid_reason(k));
    res->kids = arena_alloc(cx->a, sizeof *res->kids);
    res->kids[0] = k;
    res->nkids = 1;
    result_take(cx, res, k);
    return res;
}

/* The first concept named in a rule tree, for a missing item. */
static const char *
first_concept(const rule *ru)
{
    if (ru->nconcepts > 0 && ru->concepts[0])
        return ru->concepts[0]->name;
    for (int i = 0; i < ru->nkids; i++) {
        const char *s = first_concept(ru->kids[i]);
        if (s)
            return s;
    }
    return NULL;
}

/*
** needs_check: what the data show is not enough on its own (a steroid
** course that may have begun in hospital): met becomes unknown, and the
** coordinator is asked to check; not met and unknown stay as they are.
*/
static result *
eval_check(eval_ctx *cx, const rule *ru)
{
    result *k = eval_rule(cx, ru->kids[0]);
    result *res;
    if (k->value == TV_MET) {
        const char *what = first_concept(ru->kids[0]);
        res = result_new(cx, ru, TV_UNKNOWN, "%s: to be checked by hand",
                         kid_reason(k));
        result_add_missing(cx, res, what ? arena_printf(cx->a, "manual check: %s",
                                                        what) : "manual check");
    } else {
        res = result_as(cx, ru, k->value, k);
    }
    res->kids = arena_alloc(cx->a, sizeof *res->kids);
    res->kids[0] = k;
    res->nkids = 1;
    result_take(cx, res, k);
    if (k->value != TV_NOT_MET)
        res->since_early = k->since_early;
    return res;
}

/* The k-th earliest (1-based) of n times, sorting t in place. */
static ts_time
kth_earliest(ts_time *t, int n, int k)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            ts_time x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return t[k - 1];
}

/*
** at_least N of: met once N kids are met, so its certain since is the
** N-th earliest of the met kids' certain sinces, and its possible since
** the N-th earliest of the met and unknown kids' possible ones.
*/
static result *
eval_at_least(eval_ctx *cx, const rule *ru)
{
    result **kids = eval_kids(cx, ru);
    int met = 0, unknown = 0;
    for (int i = 0; i < ru->nkids; i++) {
        if (kids[i]->value == TV_MET)
            met++;
        else if (kids[i]->value == TV_UNKNOWN)
            unknown++;
    }
    tv v = met >= ru->n ? TV_MET
         : met + unknown < ru->n ? TV_NOT_MET : TV_UNKNOWN;
    result *res = result_new(cx, ru, v, "%d of %d met, at least %d needed%s%s",
                             met, ru->nkids, ru->n,
                             v == TV_MET ? ": " : "",
                             v == TV_MET ? join_reasons(cx, kids, ru->nkids, TV_MET) : "");
    res->kids = kids;
    res->nkids = ru->nkids;
    take_from(cx, res, kids, ru->nkids, v == TV_MET ? TV_MET : TV_UNKNOWN);
    if (v == TV_NOT_MET) {
        take_from(cx, res, kids, ru->nkids, TV_NOT_MET);
        return res;
    }
    ts_time *c = arena_alloc(cx->a, (size_t)ru->nkids * sizeof *c);
    ts_time *p = arena_alloc(cx->a, (size_t)ru->nkids * sizeof *p);
    int nc = 0, np = 0;
    for (int i = 0; i < ru->nkids; i++) {
        if (kids[i]->value == TV_NOT_MET)
            continue;
        p[np++] = kids[i]->since_early;
        if (kids[i]->value == TV_MET)
            c[nc++] = kids[i]->since;
    }
    res->since = v == TV_MET ? kth_earliest(c, nc, ru->n) : TS_NONE;
    res->since_early = kth_earliest(p, np, ru->n);
    return res;
}

/*
** held for D: met when the certain since is more than D ago, not met when
** even the possible since is not, unknown in between (an unknown kid can
** never make it met, but can make it "not yet").  It holds from each of
** its kid's bounds + D.
*/
static result *
eval_held_for(eval_ctx *cx, const rule *ru)
{
    cx->timed++;
    result *k = eval_rule(cx, ru->kids[0]);
    cx->timed--;
    ts_time now = cx->r->at;
    /* The texts a reason quotes must outlive this frame: it is made
    ** when read (result.c), so they go into the arena, not the stack. */
    char durbuf[64];
    ts_format_duration(ru->hold.lo, durbuf, sizeof durbuf);
    const char *dur = arena_strdup(cx->a, durbuf);
    const char *op = ru->hold.op == CMP_GE ? "at least" : "more than";
    int strict = ru->hold.op != CMP_GE;
    result *res;

    ts_time done_at = ts_shift(k->since, ru->hold.lo, +1);
    ts_time early_at = ts_shift(k->since_early, ru->hold.lo, +1);
    /* With "more than", the clock must have run past done_at; TS_NONE
    ** (unbounded) has always run past it. */
    int certain = k->value == TV_MET &&
                  (k->since == TS_NONE || (strict ? now > done_at : now >= done_at));
    int possible = k->since_early == TS_NONE ||
                   (strict ? now > early_at : now >= early_at);

    if (k->value == TV_NOT_MET) {
        res = result_as(cx, ru, TV_NOT_MET, k);
    } else if (certain) {
        if (k->since == TS_NONE) {
            res = result_new(cx, ru, TV_MET, "held for %s %s (no start in the "
                             "data): %s", op, dur, kid_reason(k));
        } else {
            char held[64];
            ts_format_seconds(now - k->since, held, sizeof held);
            res = result_new(cx, ru, TV_MET, "held for %s (%s %s): %s",
                             arena_strdup(cx->a, held), op, dur, kid_reason(k));
        }
    } else if (!possible) {
        char held[64];
        ts_format_seconds(now - k->since_early, held, sizeof held);
        res = result_new(cx, ru, TV_NOT_MET,
                         "held for at most %s, not %s %s yet (met at %s if it goes on): %s",
                         arena_strdup(cx->a, held), op, dur,
                         result_fmt_time(cx, k->value == TV_MET ? done_at : early_at),
                         kid_reason(k));
    } else if (k->value == TV_MET) {
        char held[64];
        ts_format_seconds(now - k->since, held, sizeof held);
        res = result_new(cx, ru, TV_UNKNOWN,
                         "certainly held for %s, possibly longer (data missing before %s); "
                         "%s %s needed: %s", arena_strdup(cx->a, held),
                         result_fmt_time(cx, k->since), op, dur, kid_reason(k));
        result_add_missing(cx, res, "data before the current run");
    } else {
        res = result_as(cx, ru, TV_UNKNOWN, k);
    }
    result_take(cx, res, k);
    if (res->value != TV_NOT_MET) {
        res->since = res->value == TV_MET ? done_at : TS_NONE;
        res->since_early = early_at;
        res->until = k->until;
    }
    res->kids = arena_alloc(cx->a, sizeof *res->kids);
    res->kids[0] = k;
    res->nkids = 1;
    return res;
}

/* }====================================================== */

/*
** {======================================================
** Criteria and trials
** =======================================================
*/

static result *eval_criterion(eval_ctx *cx, int i);

static result *
eval_reference(eval_ctx *cx, const rule *ru)
{
    const result *k = eval_criterion(cx, ru->ref_index);
    result *res = result_new(cx, ru, k->value, "%s %s", ru->ref_id,
                             k->value == TV_MET ? "met"
                             : k->value == TV_NOT_MET ? "not met" : "unknown");
    res->since = k->since;
    res->since_early = k->since_early;
    res->until = k->until;
    for (int i = 0; i < k->nmissing; i++)
        result_add_missing(cx, res, k->missing[i]);
    return res;
}

static result *
dispatch(eval_ctx *cx, const rule *ru)
{
    switch (ru->kind) {
    case R_ALL:         return eval_all(cx, ru);
    case R_ANY:         return eval_any(cx, ru);
    case R_NOT:         return eval_not(cx, ru);
    case R_AT_LEAST:    return eval_at_least(cx, ru);
    case R_HELD_FOR:    return eval_held_for(cx, ru);
    case R_CHECK:       return eval_check(cx, ru);
    case R_CRITERION:   return eval_reference(cx, ru);
    case R_LATEST:
        if (ru->nconcepts && ru->concepts[0]->kind == CK_DERIVED)
            return eval_derived(cx, ru);
        return eval_series(cx, ru);
    case R_ANY_VALUE:
    case R_ALL_VALUES:
    case R_SUSTAINED:
    case R_EPISODE:
    case R_CONSECUTIVE: return eval_series(cx, ru);
    case R_AGE:
    case R_SEX:
    case R_TIME_SINCE:
    case R_DURATION:
    case R_CONDITION:
    case R_PROCEDURE:
    case R_LOCATION:
    case R_MEDICATION:
    case R_FACT:        return eval_event(cx, ru);
    case R_TOTAL:       return eval_total(cx, ru);
    }
    return result_new(cx, ru, TV_UNKNOWN, "internal error: unknown rule kind %d",
                      (int)ru->kind);
}

/* Every result passes here on its way up: the invariants are checked once
** per node (invariants.h; compiled out in the normal build). */
result *
eval_rule(eval_ctx *cx, const rule *ru)
{
    result *res = dispatch(cx, ru);
    ts_assert(result_sound(res));
    return res;
}

/*
** A criterion's result, made once per context.  busy[i] bit 1: being
** evaluated; bit 2: evaluated (values_only) with an any stopped early, so
** without all its since-times: made again where they are read (in a
** held-for), and a result that used it is not complete either.
*/
static result *
eval_criterion(eval_ctx *cx, int i)
{
    const criterion *c = &cx->t->crit[i];
    if (cx->crit[i] && !(cx->busy[i] & 2))
        return cx->crit[i];
    if (cx->crit[i] && !cx->timed) {
        cx->cut++;
        return cx->crit[i];
    }
    if (cx->busy[i] & 1)    /* the loader rejects cycles; be safe anyway */
        return result_new(cx, NULL, TV_UNKNOWN, "criterion '%s' refers to itself", c->id);
    cx->busy[i] = 1;
    long cut = cx->cut;
    result *res;
    if (!c->evaluated) {
        res = result_new(cx, NULL, TV_UNKNOWN,
                         "not evaluated automatically: check by hand");
        result_add_missing(cx, res, arena_printf(cx->a, "manual check: %s", c->id));
    } else {
        res = eval_rule(cx, c->rule);
    }
    cx->busy[i] = cx->cut != cut ? 2 : 0;
    cx->crit[i] = res;
    return res;
}

static void
add_missing(eval_ctx *cx, trial_result *tr, const result *res)
{
    for (int i = 0; i < res->nmissing; i++) {
        int dup = 0;
        for (int j = 0; j < tr->nmissing && !dup; j++)
            dup = strcmp(tr->missing[j], res->missing[i]) == 0;
        if (dup)
            continue;
        tr->missing = arena_grow(cx->a, tr->missing, (size_t)tr->nmissing,
                                 (size_t)tr->nmissing + 1, sizeof *tr->missing);
        tr->missing[tr->nmissing++] = res->missing[i];
    }
}

/*
** The enrolment window is the trial's own time limit, declared once in its
** file (window: from, opens, closes) and reported whatever the verdict, so
** a coordinator sees when a patient may become eligible or until when
** missing data must be chased.  It exists when the anchor rule is met: it
** opens at the anchor's certain since + opens and closes at its possible
** since + closes -- the earliest moment the limit may have run out, so
** that inside the window the patient is certainly within it.  None when
** that possible since is unbounded or the window would be empty (closes
** before it opens).
*/
static void
find_window(eval_ctx *cx, trial_result *tr)
{
    const trial *t = cx->t;
    tr->has_window = 0;
    tr->opens = tr->closes = TS_NONE;
    if (!t->window_from)
        return;
    const result *a = eval_rule(cx, t->window_from);
    if (a->value != TV_MET || a->since == TS_NONE || a->since_early == TS_NONE)
        return;
    ts_time opens = ts_shift(a->since, t->window_opens, +1);
    ts_time closes = ts_shift(a->since_early, t->window_closes, +1);
    if (closes < opens)         /* a single instant is still a window */
        return;
    tr->has_window = 1;
    tr->opens = opens;
    tr->closes = closes;
}

/*
** Since when an eligible patient has been eligible, as the data show it:
** the latest of the inclusion criteria's certain sinces and the window's
** opening.  Exclusions are judged at the screening time only, so they do
** not move it.  TS_NONE when nothing carries a time.
*/
static ts_time
find_eligible_since(const eval_ctx *cx, const trial_result *tr)
{
    ts_time since = tr->has_window ? tr->opens : TS_NONE;
    for (int i = 0; i < cx->t->ncrit; i++)
        if (!cx->t->crit[i].exclusion)
            since = time_max(since, tr->crit[i]->since);
    return since;
}

static void
find_cohort(eval_ctx *cx, trial_result *tr)
{
    for (int i = 0; i < cx->t->ncohorts; i++) {
        const result *res = eval_rule(cx, cx->t->cohorts[i].rule);
        if (res->value == TV_MET) {
            tr->ncohort_met++;
            tr->cohort = &cx->t->cohorts[i];
        }
    }
    if (tr->ncohort_met != 1)
        tr->cohort = NULL;
}

/* A context for evaluating t's criteria on r, results in a. */
static void
ctx_init(eval_ctx *cx, const trial *t, const record *r, arena *a)
{
    size_t n = (size_t)(t->ncrit ? t->ncrit : 1);
    memset(cx, 0, sizeof *cx);
    cx->r = r;
    cx->t = t;
    cx->a = a;
    cx->crit = arena_alloc(a, n * sizeof *cx->crit);
    cx->busy = arena_alloc(a, n * sizeof *cx->busy);
}

/* What criterion c's value v does to the verdict: the one rule both
** eval_trial and eval_trial_values follow. */
static void
judge(const criterion *c, tv v, int *ineligible, int *undecided)
{
    tv good = c->exclusion ? TV_NOT_MET : TV_MET;
    tv bad = c->exclusion ? TV_MET : TV_NOT_MET;
    if (v == bad)
        *ineligible = 1;
    else if (v != good)
        *undecided = 1;
}

verdict
trial_verdict_of(const trial *t, const unsigned char *vals)
{
    int ineligible = 0, undecided = 0;
    for (int i = 0; i < t->ncrit; i++)
        judge(&t->crit[i], (tv)vals[i], &ineligible, &undecided);
    return ineligible ? V_INELIGIBLE : undecided ? V_INCOMPLETE : V_ELIGIBLE;
}

/*
** The HTML grid's partial screening (htmlgrid.c): between two grid points
** only the criteria with a change instant in the step can change value,
** so only those (redo[i] set) are evaluated again; the others keep vals[i]
** from the previous point.  A redone criterion that refers to another
** evaluates that one afresh in the same context, as eval_trial would (its
** own change instants include the referenced criterion's, replaywhen.c).
** The verdict then follows from the values alone, by eval_trial's rule;
** the window, missing list and cohort are not made (the grid draws none),
** nor the evidence (values_only: gathering it was a tenth of the grid),
** an all stops at its first kid not met, and an any at its first met
** kid outside a held-for (eval_kids_until).
*/
verdict
eval_trial_values(const trial *t, const record *r, arena *a,
                  const unsigned char *redo, unsigned char *vals)
{
    eval_ctx cx;
    ctx_init(&cx, t, r, a);
    cx.values_only = 1;
    for (int i = 0; i < t->ncrit; i++)
        if (redo[i])
            vals[i] = (unsigned char)eval_criterion(&cx, i)->value;
    return trial_verdict_of(t, vals);
}

/*
** One trial on one record.  quiet (replay): values_only, so that no
** reason, evidence or missing item is made, but with timed set throughout
** so that no any stops at a met kid: every since-time is made, and the
** window and eligible_since are eval_trial's (an all stopped at a kid not
** met is not met and has none, as in full).  No missing list or cohort.
*/
static trial_result *
screen_trial(const trial *t, const record *r, arena *a, int quiet)
{
    eval_ctx cx;
    ctx_init(&cx, t, r, a);
    cx.values_only = quiet;
    cx.timed = quiet;

    trial_result *tr = arena_alloc(a, sizeof *tr);
    tr->t = t;
    tr->crit = cx.crit;
    int ineligible = 0, undecided = 0;
    for (int i = 0; i < t->ncrit; i++)
        judge(&t->crit[i], eval_criterion(&cx, i)->value, &ineligible, &undecided);
    tr->v = ineligible ? V_INELIGIBLE : undecided ? V_INCOMPLETE : V_ELIGIBLE;
    if (tr->v == V_INCOMPLETE && !quiet)
        for (int i = 0; i < t->ncrit; i++)
            if (tr->crit[i]->value == TV_UNKNOWN)
                add_missing(&cx, tr, tr->crit[i]);
    find_window(&cx, tr);
    tr->eligible_since = TS_NONE;
    if (tr->v == V_ELIGIBLE) {
        tr->eligible_since = find_eligible_since(&cx, tr);
        if (!quiet)
            find_cohort(&cx, tr);
    }
    ts_assert(trial_result_sound(tr));
    return tr;
}

trial_result *
eval_trial(const trial *t, const record *r, arena *a)
{
    return screen_trial(t, r, a, 0);
}

trial_result *
eval_trial_quiet(const trial *t, const record *r, arena *a)
{
    return screen_trial(t, r, a, 1);
}

verdict
trial_result_verdict(const trial_result *tr)
{
    return tr->v;
}

const char *
verdict_name(verdict v)
{
    switch (v) {
    case V_ELIGIBLE:   return "eligible";
    case V_INELIGIBLE: return "ineligible";
    case V_INCOMPLETE: return "incomplete";
    }
    return "?";
}

const char *
tv_name(tv v)
{
    switch (v) {
    case TV_MET:     return "met";
    case TV_NOT_MET: return "not_met";
    case TV_UNKNOWN: return "unknown";
    }
    return "?";
}

/* }====================================================== */
