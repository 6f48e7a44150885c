/*
** rules.h -- the rule tree of a trial (internal).
**
** criteria.c builds it from YAML; eval.c, series.c and derived.c walk it.
** The YAML syntax of each node is given next to its kind below; the
** user-facing reference is docs/criteria-language.md.
**
** All thresholds are converted at load time so that the evaluator compares
** values in the concept's canonical unit: a rule written "below: 5, unit:
** mmol/L" on a concept whose unit is mg/dL stores the factor that takes a
** canonical value to the rule's unit, and keeps the rule's unit for
** messages.  Everything is allocated in the trialset's arena and lives
** until trialset_free.
*/
#ifndef RULES_H
#define RULES_H

#include "criteria.h"
#include "facts.h"
#include "timeutil.h"
#include "vocab.h"

#define RULE_MAX_DEPTH 32       /* rule nesting; evaluation recurses */

typedef enum rule_kind {
    /* Combinators. */
    R_ALL,          /* all: [rule, ...]                                  */
    R_ANY,          /* any: [rule, ...]                                  */
    R_NOT,          /* not: rule                                         */
    R_AT_LEAST,     /* at_least: N, of: [rule, ...]                      */
    R_HELD_FOR,     /* any rule with "for: {more_than: 5 h}" (or
                    ** at_least) is wrapped in one of these              */
    R_CRITERION,    /* criterion: inc-refractory-shock (same trial)      */
    R_CHECK,        /* needs_check: rule -- met by the data, but a
                    ** coordinator must confirm: met becomes unknown   */

    /* Demographics. */
    R_AGE,          /* age: {between: [18, 75]}   unit: a | mo | d (default a) */
    R_SEX,          /* sex: female   or   sex: [female, other]           */

    /* Values of an observation (or derived quantity for R_LATEST). */
    R_LATEST,       /* latest: lvef, below: 35, unit: "%", within: 24 h  */
    R_ANY_VALUE,    /* any_value: lactate, above: 2, unit: mmol/L, within: 48 h */
    R_ALL_VALUES,   /* all_values: map, at_least: 65, unit: mm[Hg], within: 6 h */
    R_SUSTAINED,    /* sustained: map, below: 65, unit: mm[Hg], max_gap: 1 h */
    R_EPISODE,      /* episode: sbp, below: 90, unit: mm[Hg],
                    **   lasting: 30 min, within: 48 h, max_gap: 1 h     */
    R_CONSECUTIVE,  /* consecutive: lactate, above: 5, unit: mmol/L,
                    **   spacing: 30 min, trend: non_decreasing, within: 6 h */

    /* Events and presence. */
    R_TIME_SINCE,   /* time_since: {medication: norepinephrine},
                    **   between: [6 h, 24 h]   (also procedure, condition,
                    **   location; procedure may add "ongoing: true")    */
    R_DURATION,     /* duration: {procedure: cpr}, above: 30 min         */
    R_CONDITION,    /* condition: [pulmonary_embolism, ...], suspected: true,
                    **   within: 6 mo (onset in the look-back), or
                    **   active_within: 48 h (present at some time in it) */
    R_PROCEDURE,    /* procedure: ecmo, ongoing: true | within: 30 d,
                    **   attribute: {mode: [VA, null]}                   */
    R_LOCATION,     /* location: icu  (in it now)                        */
    R_MEDICATION,   /* medication: [tacrolimus, ...]  running now, or
                    **   within: 30 d (given in the look-back);
                    **   infusion: true ignores single doses;
                    **   one_course: true reads the list as one class
                    **   course (switches and 1-h pauses do not end it) */
    R_TOTAL,        /* total: [crystalloid, colloid], within: 24 h,
                    **   at_least: 1, unit: L -- doses given in
                    **   (now - within, now] plus each infusion's rate x
                    **   the part of its interval inside it            */
    R_FACT          /* fact: informed_consent, is: true
                    **   (or above/below/... for numbers, equals: "x");
                    **   within: 48 h ignores a timed fact older than that */
} rule_kind;

typedef enum cmp_op {
    CMP_NONE,
    CMP_GT,         /* above     */
    CMP_GE,         /* at_least  */
    CMP_LT,         /* below     */
    CMP_LE,         /* at_most   */
    CMP_EQ,         /* equals    */
    CMP_BETWEEN     /* between: [lo, hi], both inclusive */
} cmp_op;

/* A numeric comparison: value OP lo (or lo <= value <= hi). */
typedef struct num_cmp {
    cmp_op op;
    double lo, hi;          /* thresholds in the rule's unit */
    const char *unit;       /* the rule's unit as written, or NULL */
    double scale;           /* canonical value * scale = value in unit */
} num_cmp_t;

/* A duration comparison (time_since, duration, held-for). */
typedef struct dur_cmp {
    cmp_op op;
    ts_duration lo, hi;
} dur_cmp;

/* Which section an event comes from (time_since, duration). */
typedef enum event_kind {
    EV_NONE, EV_MEDICATION, EV_PROCEDURE, EV_CONDITION, EV_LOCATION,
    EV_FIRST_OF     /* {first_of: [event, ...]}: the earliest known start */
} event_kind;

typedef enum trend {
    TREND_ANY, TREND_NON_DECREASING, TREND_NON_INCREASING
} trend;

typedef struct rule rule;

struct rule {
    rule_kind kind;
    int line, column;           /* where the rule starts in its file */

    /* R_ALL, R_ANY, R_NOT (one kid), R_AT_LEAST, R_HELD_FOR (one kid). */
    int nkids;
    rule **kids;
    int n;                      /* R_AT_LEAST: how many */
    dur_cmp hold;               /* R_HELD_FOR: op is CMP_GT or CMP_GE */

    /* Leaves. */
    int nconcepts;
    const concept **concepts;   /* the subject(s); concepts[0] for single */
    num_cmp_t cmp;              /* value comparison (values, age, facts) */
    dur_cmp dcmp;               /* time comparison (time_since, duration) */
    age_unit age_unit;          /* R_AGE */
    unsigned sexes;             /* R_SEX: bit (1 << sex) */

    int has_within;
    ts_duration within;         /* look-back: latest within, window length */
    int active_within;          /* R_CONDITION: "within" means present at some
                                ** time in the look-back, not onset in it */
    ts_duration max_gap;        /* R_SUSTAINED, R_EPISODE (default 1 h) */
    ts_duration lasting;        /* R_EPISODE: at least this long */
    int count;                  /* R_CONSECUTIVE: values needed (2) */
    ts_duration spacing;        /* R_CONSECUTIVE: first to last apart */
    trend trend;                /* R_CONSECUTIVE */

    event_kind event;           /* R_TIME_SINCE, R_DURATION */
    int ongoing;                /* R_PROCEDURE / R_TIME_SINCE: must be running */
    int suspected;              /* R_CONDITION: suspected counts as present */
    int infusion;               /* R_MEDICATION: only continuous administration
                                ** (infusion, regimen, course), no single dose */
    int one_course;             /* R_MEDICATION: the concepts are one class
                                ** course; R_TIME_SINCE with several
                                ** medications sets it too */
    int known;                  /* R_CONDITION: a suspected entry counts as
                                ** absent ("known pregnancy") */
    int nevents;                /* R_TIME_SINCE with EV_FIRST_OF: the events */
    rule **events;              /* (R_TIME_SINCE leaves without comparison) */

    const char *attr_key;       /* R_PROCEDURE attribute test */
    int nattr_vals;
    const char **attr_vals;     /* allowed values; NULL entry = "not given" */

    /* R_FACT non-numeric comparison. */
    value_type fact_type;       /* VAL_BOOL: is; VAL_STRING: equals */
    int fact_bool;
    const char *fact_str;

    const char *ref_id;         /* R_CRITERION */
    int ref_index;              /* index into trial->crit */
};

typedef struct criterion {
    const char *id;
    int exclusion;              /* 0 inclusion, 1 exclusion */
    const char *text;           /* registry text, verbatim */
    const char *note;           /* interpretation and its source, or NULL */
    int evaluated;              /* 0: "evaluate: false", always unknown */
    rule *rule;                 /* NULL iff !evaluated */
    int line, column;
} criterion;

typedef struct cohort {
    const char *id;
    const char *text;
    const char *note;
    rule *rule;
    int line, column;
} cohort;

struct trial {
    const char *id;             /* NCT05184296 */
    const char *title;          /* short title: ECMO-RESCUE */
    const char *official_title;
    const char *source;         /* URL of the registry record */
    const char *version;        /* date of the criteria text encoded */
    const char *note;
    int list_incomplete;        /* the registry list is truncated */
    const char *incomplete_note;
    const char *file;
    int line, column;
    int ncrit;
    criterion *crit;            /* inclusion first, then exclusion, file order */
    int ncohorts;
    cohort *cohorts;
    /* window: {from: rule, opens: D, closes: D}: the enrolment window,
    ** from the certain since of `from` + opens to its possible since +
    ** closes, when `from` is met (docs/evaluation.md). */
    rule *window_from;          /* NULL: the trial has no window */
    ts_duration window_opens, window_closes;
    const char *window_note;
};

/* rulenames.c: names for the parser, messages and docs.  A kind's name is
** its YAML key ("latest"; R_HELD_FOR: "for"); "?" for no kind. */
const char *rule_kind_name(rule_kind k);
const char *cmp_op_name(cmp_op op);

#endif
