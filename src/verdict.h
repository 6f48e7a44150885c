/*
** verdict.h -- results of evaluation (internal).
**
** Every rule node evaluates to a result: a truth value, a reason a
** coordinator can read, the evidence that decided it, the data that was
** missing, and time bounds.
**
** Time bounds (docs/evaluation.md, "Since-times").  Samples are discrete,
** so "since when has this held" has two answers: since, the certain
** since (it certainly held from then to the screening time; meaningful
** for a met result), and since_early, the possible since (it may have held
** from then; meaningful for a met or unknown result).  TS_NONE, the
** smallest ts_time, means unbounded: an untimed fact or condition, a run
** that reaches the start of the data.  So combinators take plain maxima
** and minima.  until is the latest time the current value can persist as
** time passes ("less than 24 h after ECMO start" is met until start +
** 24 h); TS_NONE means no limit.
*/
#ifndef VERDICT_H
#define VERDICT_H

#include <stdarg.h>

#include "eval.h"
#include "facts.h"
#include "rules.h"

typedef struct evidence {
    const char *code;           /* concept name, "birth_date", fact name */
    const char *value;          /* formatted value, e.g. "58" or "true" */
    const char *unit;           /* unit of value as shown, or NULL */
    ts_time t;                  /* time of the item, or TS_NONE */
    const char *pointer;        /* JSON Pointer into the record: "/observations/17" */
} evidence;

/* A reason made of the reasons of kids, not made yet (result.c). */
typedef struct reason_join reason_join;

typedef struct result {
    tv value;
    /* The reason, one line, no full stop: read it with result_reason().
    ** Most results are kids whose reasons no report shows, so a reason is
    ** made when it is first read: until then reason_text is NULL and
    ** reason_fmt or reason_join (if not NULL) says how to make it. */
    const char *reason_text;
    const arena_fmt *reason_fmt;
    const reason_join *reason_join;
    ts_time since;              /* certain since; TS_NONE = unbounded */
    ts_time since_early;        /* possible start; TS_NONE = unbounded */
    ts_time until;              /* latest moment it can still hold; TS_NONE = none */
    int nev;
    evidence *ev;
    int nmissing;
    const char **missing;       /* data items whose absence made it unknown */
    int nkids;
    struct result **kids;       /* children's results (combinators) */
    const rule *rule;
} result;

typedef struct eval_ctx {
    const record *r;
    const trial *t;
    arena *a;
    result **crit;              /* per criterion, filled as evaluated (refs) */
    int *busy;                  /* per criterion: being evaluated (cycle guard) */
    int values_only;            /* only the values are wanted (the HTML
                                ** grid, eval_trial_values): no evidence
                                ** is kept, no JSON Pointer made, no
                                ** reason captured (all are ""), no
                                ** missing item listed */
    int timed;                  /* values_only: since-times are read
                                ** (inside a held-for, whose value reads
                                ** its kid's; throughout for
                                ** eval_trial_quiet), so no any may stop
                                ** at a met kid */
    long cut;                   /* values_only: the anys that stopped at a
                                ** met kid (their since-times are not
                                ** made) */
} eval_ctx;

struct trial_result {
    const trial *t;
    verdict v;
    result **crit;              /* t->ncrit results, in trial order */
    int has_window;
    ts_time opens, closes;      /* TS_NONE when not known */
    ts_time eligible_since;     /* eligible verdicts: since when (TS_NONE:
                                ** no criterion carries a time) */
    int nmissing;
    const char **missing;       /* union over undecided criteria, deduplicated */
    const cohort *cohort;       /* for eligible patients, when exactly one applies */
    int ncohort_met;            /* how many cohorts are met (for reporting) */
};

/* eval.c: the dispatcher, for the combinators' kids and references. */
result *eval_rule(eval_ctx *cx, const rule *ru);

/* result.c: building results (below eval.c and every leaf). */
result *result_new(eval_ctx *cx, const rule *ru, tv value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* result_new with no reason yet (""), without the variadic call. */
result *result_blank(eval_ctx *cx, const rule *ru, tv value);
/* The reason of res, made now if it was not yet; NULL if it has none.
** Reading a result that way writes into it (the text is kept) and into
** the arena it was evaluated in: see result.c for why that is safe. */
const char *result_reason(const result *res);
/* The same text written into out[0..size) with its NUL and kept nowhere,
** for a report that copies it straight into its output: its length, -1
** if it does not fit in size (try again with more room), -2 if res has
** no reason (result_reason would return NULL). */
long result_reason_into(const result *res, char *out, size_t size);
/* Set the reason: fmt and its arguments, formatted when first read (so a
** %s argument must live as long as the result: never a stack buffer);
** result_set_reason: a reason made already (static or in the arena);
** result_same_reason: the reason of src, as it is or will be. */
void result_say(eval_ctx *cx, result *res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void result_vsay(eval_ctx *cx, result *res, const char *fmt, va_list ap);
void result_set_reason(result *res, const char *text);
void result_same_reason(result *dst, const result *src);
/* The reason of res: the reasons of kids[0..n) whose value is want (all
** if want < 0) joined with "; ", leaving out empty ones if skip_empty, ""
** if there are none; made when read, from the kids' values then. */
void result_join_reasons(eval_ctx *cx, result *res, result *const *kids, int n,
                         int want, int skip_empty);
void result_add_evidence(eval_ctx *cx, result *res, const char *code,
                         const char *value, const char *unit, ts_time t,
                         const char *pointer);
void result_add_missing(eval_ctx *cx, result *res, const char *item);
void result_take(eval_ctx *cx, result *dst, const result *src); /* evidence + missing */
/* The reasons of the results r[0..n) whose value is want (of all, if want
** < 0) joined with "; ", leaving out empty ones if skip_empty; NULL if
** there are none.  One allocation, however many reasons. */
const char *result_reasons_join(eval_ctx *cx, result *const *r, int n, int want,
                                int skip_empty);
int result_cmp_value(const num_cmp_t *c, double canonical);   /* 1 if it satisfies */
const char *result_cmp_text(eval_ctx *cx, const num_cmp_t *c); /* "< 65 mm[Hg]" */
const char *result_fmt_value(eval_ctx *cx, const num_cmp_t *c, double canonical); /* "58 mm[Hg]" */
const char *result_pointer(eval_ctx *cx, const char *section, int index); /* "/observations/17" */
const char *result_fmt_time(eval_ctx *cx, ts_time t);   /* "2026-03-01 08:00" */
const char *result_num(eval_ctx *cx, double v);         /* num_format's "0.05" */

/* series.c: R_LATEST, R_ANY_VALUE, R_ALL_VALUES, R_SUSTAINED, R_EPISODE,
** R_CONSECUTIVE on observation concepts (and R_LATEST on derived ones via
** derived.c). */
result *eval_series(eval_ctx *cx, const rule *ru);

/* derived.c: the current value of a derived quantity. */
typedef struct derived_value {
    int known;                  /* a value could be computed */
    double v;                   /* in the concept's canonical unit */
    int lower_bound;            /* a sum over an incomplete section */
} derived_value;
/* Compute concept c (kind CK_DERIVED: vis, bmi, steroid_dose) for cx->r at
** its screening time, adding evidence and missing items to res. */
derived_value derived_compute(eval_ctx *cx, const concept *c, result *res);
/* VIS at time t of cx->r (no evidence; weight-based rates converted as
** at the screening time), and whether c is one of VIS's drugs: for the
** HTML timeline. */
derived_value derived_vis_at(eval_ctx *cx, ts_time t);
int derived_is_vis_drug(const concept *c);
/* Evaluate R_LATEST on a derived concept, including VIS's since-time
** search (the time from which the threshold has been exceeded). */
result *eval_derived(eval_ctx *cx, const rule *ru);

/* events.c: R_AGE, R_SEX, R_TIME_SINCE, R_DURATION, R_CONDITION,
** R_PROCEDURE, R_LOCATION, R_MEDICATION, R_FACT. */
result *eval_event(eval_ctx *cx, const rule *ru);
/* total.c: R_TOTAL, an amount of medications given over a look-back. */
result *eval_total(eval_ctx *cx, const rule *ru);

#endif
