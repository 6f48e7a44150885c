/*
** facts.h -- the fact model of one patient record (internal).
**
** record.c builds this from JSON; eval.c, series.c and derived.c read it.
** Everything is allocated from the record's arena.  All per-concept lists
** are indexed by concept->index and are sorted by time (observations by
** time, the others by start or onset) with ties kept in input order.
**
** Items timed after the screening time are dropped when the record is
** read ("anything timed after the screening time is ignored everywhere"),
** and an end after the screening time is read as "still running"
** (TS_NONE): so no evaluator ever has to look at the future.
*/
#ifndef FACTS_H
#define FACTS_H

#include "arena.h"
#include "record.h"
#include "ts.h"
#include "vocab.h"
#include "warnings.h"

typedef enum value_type { VAL_NUMBER, VAL_BOOL, VAL_STRING } value_type;

/* One observation. */
typedef struct sample {
    ts_time t;
    value_type type;
    int ok;                 /* number converted to the concept's unit */
    double v;               /* value in the concept's canonical unit (if ok) */
    double raw;             /* number as recorded */
    const char *unit;       /* unit as recorded, or NULL */
    const char *str;        /* VAL_STRING: the text; VAL_BOOL: "true"/"false" */
    int b;                  /* VAL_BOOL */
    const char *why;        /* !ok: why it is unusable, naming both units */
    int src;                /* index in the record's "observations" array */
} sample;

typedef struct series {
    int n;
    sample *s;
    int first_unusable;     /* index of the first sample that is not a
                            ** usable number, or n (set by facts_finish) */
} series;

typedef enum med_kind {
    MED_INFUSION,           /* rate + unit per time: one constant-rate interval */
    MED_REGIMEN,            /* dose + unit per time (mg/d) */
    MED_DOSE,               /* dose + amount unit (mg, U): one administration */
    MED_COURSE              /* neither rate nor dose */
} med_kind;

typedef struct med_entry {
    ts_time start;
    ts_time end;            /* TS_NONE: running at the screening time; for
                            ** MED_DOSE without end: given once at start */
    med_kind kind;
    int ok;                 /* amount converted to the concept's unit */
    double amount;          /* rate or dose in the concept's unit (if ok) */
    double raw;             /* as recorded */
    const char *unit;       /* as recorded */
    const char *why;        /* !ok and kind != MED_COURSE: why */
    int src;                /* index in "medications" */
} med_entry;

typedef struct med_list {
    int n;
    med_entry *e;           /* sorted by start */
} med_list;

typedef enum cond_status {
    ST_ACTIVE, ST_SUSPECTED, ST_RESOLVED, ST_ABSENT
} cond_status;

typedef struct cond_entry {
    ts_time onset;          /* TS_NONE if not given */
    ts_time end;            /* TS_NONE if not given */
    cond_status status;
    int src;                /* index in "conditions" */
} cond_entry;

typedef struct cond_list {
    int n;
    cond_entry *e;
} cond_list;

typedef struct proc_entry {
    ts_time start;
    ts_time end;            /* TS_NONE: ongoing */
    int nattrs;
    const char **keys;      /* extra string attributes: "mode", "intent" */
    const char **vals;
    int src;                /* index in "procedures" */
} proc_entry;

typedef struct proc_list {
    int n;
    proc_entry *e;
} proc_list;

typedef struct loc_entry {
    ts_time start;
    ts_time end;            /* TS_NONE: still there (end is exclusive) */
    int src;                /* index in "locations" */
} loc_entry;

typedef struct loc_list {
    int n;
    loc_entry *e;
} loc_list;

typedef struct fact_entry {
    value_type type;
    int b;                  /* VAL_BOOL */
    double n;               /* VAL_NUMBER */
    const char *s;          /* VAL_STRING */
    ts_time t;              /* TS_NONE if the fact has no time */
} fact_entry;

typedef enum at_source { AT_CLI, AT_AS_OF, AT_LATEST } at_source;

typedef enum sex { SEX_NONE, SEX_FEMALE, SEX_MALE, SEX_OTHER, SEX_UNKNOWN } sex;

struct record {
    arena *a;
    const vocab *vocab;
    const char *id;
    const char *source;
    int line;               /* 1-based line in source (NDJSON), 0 for a file */
    ts_time at;             /* the screening time */
    at_source at_from;
    int has_birth;
    int birth_y, birth_m, birth_d;
    const char *birth_str;  /* as written, for evidence */
    sex sex;
    unsigned complete;      /* SEC_* bits: record's "complete" plus CLI's */

    /* Indexed by concept->index; only the list matching the concept's kind
    ** is ever filled. */
    series *obs;
    med_list *meds;
    cond_list *conds;
    proc_list *procs;
    loc_list *locs;
    fact_entry **facts;     /* NULL: fact not recorded */

    /* Every warning with its position ("3:12: observations[0].code:
    ** unknown code 'x' (ignored)"), only when the reader was asked for
    ** them (RW_ALL) or a builder added them; capped at 100. */
    int nwarn;
    const char **warn;
    /* What the reader ignored, one group per reason (warnings.h). */
    warn_group *groups;
    int ngroups, capgroups;
    int more_warnings;      /* ignored items past WARN_MAX_GROUPS groups */
};

/*
** Builder: used by record.c and by tests that make records without JSON.
** facts_new allocates the record and its arena with empty lists; the
** add functions append; facts_finish sorts every list and drops items timed
** after r->at (which must be set by then).
*/
record *facts_new(const vocab *v, const char *id);
sample *facts_add_sample(record *r, const concept *c);
med_entry *facts_add_med(record *r, const concept *c);
cond_entry *facts_add_cond(record *r, const concept *c);
proc_entry *facts_add_proc(record *r, const concept *c);
loc_entry *facts_add_loc(record *r, const concept *c);
fact_entry *facts_set_fact(record *r, const concept *c);
void facts_warn(record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void facts_finish(record *r);

/* The latest numeric sample of concept c at or before r->at, usable (ok),
** or NULL.  Used for weight and height. */
const sample *facts_latest_ok(const record *r, const concept *c);

#endif
