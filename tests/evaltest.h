/*
** evaltest.h -- helpers for evaluator tests: a vocabulary, records and
** rules built in code, without JSON or YAML, so each leaf can be tested on
** exactly the data it needs.  Header-only; include once per test program.
**
**   vocab *v = et_vocab();
**   record *r = et_record(v, "2026-03-01T12:00:00Z");
**   et_obs(r, "map", 58, "2026-03-01T06:00:00Z");
**   et_finish(r);
**   rule *ru = et_leaf(r, R_SUSTAINED, "map");
**   et_cmp(ru, CMP_LT, 65, 0);
**   result *res = et_eval(r, ru);
**
** Two fixtures, each opt-in (define its macro before including: they
** define variables a test program that does not use them would not want):
**
**   ET_VOCAB_FIXTURE: V, the test vocabulary, made and freed by
**   et_vocab_setup and et_vocab_teardown (a cmocka group's).
**
**   ET_RECORD_FIXTURE (with the vocabulary): R, a fresh record at NOW for
**   each test (et_record_setup, et_record_teardown), its times written as
**   minutes before NOW (ago; H minutes an hour) so that each boundary is
**   visible in the test; obs adds a usable value, run finishes R and
**   evaluates a rule.
*/
#ifndef EVALTEST_H
#define EVALTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "rules.h"
#include "timeutil.h"
#include "verdict.h"
#include "vocab.h"

struct et_concept {
    const char *name;
    concept_kind kind;
    const char *unit;
};

/* The concepts the tests use, with canonical units as in concepts.yaml. */
static const struct et_concept et_concepts[] = {
    {"map", CK_OBSERVATION, "mm[Hg]"},
    {"sbp", CK_OBSERVATION, "mm[Hg]"},
    {"lactate", CK_OBSERVATION, "mmol/L"},
    {"svo2", CK_OBSERVATION, "%"},
    {"lvef", CK_OBSERVATION, "%"},
    {"cardiac_index", CK_OBSERVATION, "L/min/m2"},
    {"weight", CK_OBSERVATION, "kg"},
    {"height", CK_OBSERVATION, "cm"},
    {"platelets", CK_OBSERVATION, "10*3/uL"},
    {"sofa", CK_OBSERVATION, "{score}"},
    {"pcwp", CK_OBSERVATION, "mm[Hg]"},
    {"crt_finger", CK_OBSERVATION, "s"},
    {"bmi", CK_DERIVED, "kg/m2"},
    {"vis", CK_DERIVED, "{score}"},
    {"steroid_dose", CK_DERIVED, "mg/d"},
    {"norepinephrine", CK_MEDICATION, "ug/kg/min"},
    {"epinephrine", CK_MEDICATION, "ug/kg/min"},
    {"dopamine", CK_MEDICATION, "ug/kg/min"},
    {"dobutamine", CK_MEDICATION, "ug/kg/min"},
    {"milrinone", CK_MEDICATION, "ug/kg/min"},
    {"vasopressin", CK_MEDICATION, "U/kg/min"},
    {"crystalloid", CK_MEDICATION, "mL"},
    {"colloid", CK_MEDICATION, "mL"},
    {"hydrocortisone", CK_MEDICATION, "mg/d"},
    {"prednisolone", CK_MEDICATION, "mg/d"},
    {"prednisone", CK_MEDICATION, "mg/d"},
    {"methylprednisolone", CK_MEDICATION, "mg/d"},
    {"dexamethasone", CK_MEDICATION, "mg/d"},
    {"tacrolimus", CK_MEDICATION, NULL},
    {"septic_shock", CK_CONDITION, NULL},
    {"sepsis", CK_CONDITION, NULL},
    {"pulmonary_embolism", CK_CONDITION, NULL},
    {"acute_myocardial_infarction", CK_CONDITION, NULL},
    {"pregnancy", CK_CONDITION, NULL},
    {"ecmo", CK_PROCEDURE, NULL},
    {"cpr", CK_PROCEDURE, NULL},
    {"mechanical_ventilation", CK_PROCEDURE, NULL},
    {"renal_replacement_therapy", CK_PROCEDURE, NULL},
    {"icu", CK_LOCATION, NULL},
    {"picu", CK_LOCATION, NULL},
    {"ward", CK_LOCATION, NULL},
    {"informed_consent", CK_FACT, NULL},
    {"adequate_fluid_resuscitation", CK_FACT, NULL},
    {"refractory_arrhythmia", CK_FACT, NULL},
};

static inline vocab *
et_vocab(void)
{
    vocab *v = vocab_new();
    ts_error err;
    for (size_t i = 0; i < sizeof et_concepts / sizeof et_concepts[0]; i++) {
        concept *c = vocab_add(v, et_concepts[i].name, et_concepts[i].kind,
                               et_concepts[i].unit, &err);
        assert_non_null(c);
        if (strcmp(c->name, "lactate") == 0)
            c->molar_mass = 90.08;
    }
    return v;
}

static inline ts_time
et_time(const char *s)
{
    ts_time t;
    if (!s)
        return TS_NONE;
    assert_int_equal(ts_parse_time(s, &t, NULL, 0), 0);
    return t;
}

static inline const concept *
et_concept(const record *r, const char *name)
{
    const concept *c = vocab_find(r->vocab, name);
    if (!c)
        fail_msg("evaltest: no concept '%s'", name);
    return c;
}

static inline record *
et_record(const vocab *v, const char *at)
{
    record *r = facts_new(v, "TEST-1");
    r->source = "test.json";
    r->at = et_time(at);
    r->at_from = AT_CLI;
    return r;
}

/* A numeric observation already in the concept's canonical unit. */
static inline sample *
et_obs(record *r, const char *name, double v, const char *time)
{
    const concept *c = et_concept(r, name);
    sample *s = facts_add_sample(r, c);
    s->t = et_time(time);
    s->type = VAL_NUMBER;
    s->ok = 1;
    s->v = s->raw = v;
    s->unit = c->unit;
    return s;
}

/* An infusion (rate in the concept's unit) from start to end (NULL: running). */
static inline med_entry *
et_infusion(record *r, const char *name, double rate, const char *start,
            const char *end)
{
    const concept *c = et_concept(r, name);
    med_entry *m = facts_add_med(r, c);
    m->kind = MED_INFUSION;
    m->start = et_time(start);
    m->end = et_time(end);
    m->ok = 1;
    m->amount = m->raw = rate;
    m->unit = c->unit;
    return m;
}

static inline cond_entry *
et_cond(record *r, const char *name, cond_status st, const char *onset)
{
    cond_entry *e = facts_add_cond(r, et_concept(r, name));
    e->status = st;
    e->onset = et_time(onset);
    e->end = TS_NONE;
    return e;
}

static inline proc_entry *
et_proc(record *r, const char *name, const char *start, const char *end)
{
    proc_entry *e = facts_add_proc(r, et_concept(r, name));
    e->start = et_time(start);
    e->end = et_time(end);
    return e;
}

static inline loc_entry *
et_loc(record *r, const char *name, const char *start, const char *end)
{
    loc_entry *e = facts_add_loc(r, et_concept(r, name));
    e->start = et_time(start);
    e->end = et_time(end);
    return e;
}

static inline fact_entry *
et_fact_bool(record *r, const char *name, int b, const char *time)
{
    fact_entry *f = facts_set_fact(r, et_concept(r, name));
    f->type = VAL_BOOL;
    f->b = b;
    f->t = et_time(time);
    return f;
}

static inline void
et_finish(record *r)
{
    facts_finish(r);
}

/* A rule node allocated in the record's arena (tests only). */
static inline rule *
et_rule(record *r, rule_kind kind)
{
    rule *ru = arena_alloc(r->a, sizeof *ru);
    ru->kind = kind;
    ru->count = 2;
    ru->max_gap.seconds = TS_HOUR;
    return ru;
}

static inline rule *
et_leaf(record *r, rule_kind kind, const char *name)
{
    rule *ru = et_rule(r, kind);
    const concept **cs = arena_alloc(r->a, sizeof *cs);
    cs[0] = et_concept(r, name);
    ru->nconcepts = 1;
    ru->concepts = cs;
    return ru;
}

/* Numeric comparison in the concept's own unit (scale 1). */
static inline void
et_cmp(rule *ru, cmp_op op, double lo, double hi)
{
    ru->cmp.op = op;
    ru->cmp.lo = lo;
    ru->cmp.hi = hi;
    ru->cmp.scale = 1;
    ru->cmp.unit = ru->nconcepts ? ru->concepts[0]->unit : NULL;
}

static inline ts_duration
et_dur(const char *s)
{
    ts_duration d;
    assert_int_equal(ts_parse_duration(s, &d, NULL, 0), 0);
    return d;
}

static inline rule *
et_combine(record *r, rule_kind kind, int n, ...)
{
    rule *ru = et_rule(r, kind);
    va_list ap;
    va_start(ap, n);
    ru->kids = arena_alloc(r->a, (size_t)n * sizeof *ru->kids);
    for (int i = 0; i < n; i++)
        ru->kids[i] = va_arg(ap, rule *);
    va_end(ap);
    ru->nkids = n;
    return ru;
}

static inline rule *
et_held_for(record *r, cmp_op op, const char *dur, rule *kid)
{
    rule *ru = et_combine(r, R_HELD_FOR, 1, kid);
    ru->hold.op = op;
    ru->hold.lo = et_dur(dur);
    return ru;
}

/* Evaluate one rule against r, outside any trial; values_only as the
** HTML grid evaluates (eval_trial_values). */
static inline result *
et_eval_mode(record *r, const rule *ru, int values_only)
{
    static trial t;
    eval_ctx *cx = arena_alloc(r->a, sizeof *cx);
    t.id = "TEST";
    cx->r = r;
    cx->t = &t;
    cx->a = r->a;
    cx->values_only = values_only;
    return eval_rule(cx, ru);
}

static inline result *
et_eval(record *r, const rule *ru)
{
    return et_eval_mode(r, ru, 0);
}

/* Is item among the data res says are missing? */
static inline int
et_has_missing(const result *res, const char *item)
{
    for (int i = 0; i < res->nmissing; i++)
        if (strcmp(res->missing[i], item) == 0)
            return 1;
    return 0;
}

#if defined(ET_VOCAB_FIXTURE) || defined(ET_RECORD_FIXTURE)
static vocab *V;

static inline int
et_vocab_setup(void **state)
{
    (void)state;
    V = et_vocab();
    return 0;
}

static inline int
et_vocab_teardown(void **state)
{
    (void)state;
    vocab_free(V);
    return 0;
}
#endif

#ifdef ET_RECORD_FIXTURE
#define NOW "2026-03-01T12:00:00Z"
#define H 60                    /* minutes in an hour, for readability */

static record *R;
static int next_src;            /* the next entry's src: in order of adding */

static inline int
et_record_setup(void **state)
{
    (void)state;
    R = et_record(V, NOW);
    next_src = 0;
    return 0;
}

static inline int
et_record_teardown(void **state)
{
    (void)state;
    arena_free(R->a);
    R = NULL;
    return 0;
}

static inline ts_time
ago(int minutes)
{
    return R->at - (ts_time)minutes * TS_MINUTE;
}

/* A usable value of concept name, minutes before now. */
static inline sample *
obs(const char *name, double v, int minutes)
{
    sample *s = et_obs(R, name, v, NOW);
    s->t = ago(minutes);
    s->src = next_src++;
    return s;
}

static inline result *
run(const rule *ru)
{
    et_finish(R);
    return et_eval(R, ru);
}
#endif

#endif
