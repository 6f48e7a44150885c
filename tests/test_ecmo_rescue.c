/*
** test_ecmo_rescue.c -- every criterion of NCT05184296 (ECMO-RESCUE) at its
** boundaries, through the whole pipeline: the real vocabulary and criteria
** files, records parsed from JSON, eval_trial.
**
** The readings tested are those of docs/evaluation.md ("Precise
** readings") and docs/trials.md (NCT05184296), which is what clinical cases are
** written from; docs/evaluation.md gives the since/window semantics.  Each
** test starts from the eligible example patient (examples/ecmo-rescue-
** eligible.json, rebuilt here piece by piece) and changes only what the
** boundary needs, so a failure points at one criterion.
**
** Times are minutes after 2026-03-01T00:00Z (negative: the day before); the
** screening time is the record's as_of, 12:00.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criteria.h"
#include "eval.h"
#include "facts.h"
#include "record.h"
#include "rules.h"
#include "timeutil.h"
#include "verdict.h"
#include "vocab.h"

#define HM(h, m) ((h) * 60 + (m))       /* 2026-03-01 hh:mm, in minutes */
#define NOW HM(12, 0)
#define NONE (-100000)                  /* no such time */

static vocab *V;
static trialset *TS;
static const trial *TR;

/*
** {======================================================
** Record builder
** =======================================================
*/

/* A comma-separated list of JSON items, e.g. the observations of one code. */
typedef struct sb {
    char s[8192];
} sb;

static void sb_add(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_add(sb *b, const char *fmt, ...)
{
    size_t n = strlen(b->s);
    va_list ap;
    if (n > 0)
        n += (size_t)snprintf(b->s + n, sizeof b->s - n, ", ");
    va_start(ap, fmt);
    int k = vsnprintf(b->s + n, sizeof b->s - n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof b->s - n);
}

/* RFC 3339 for minute m; rotating buffers so a call may use several. */
static const char *
when(int m)
{
    static char buf[16][TS_FMT_LEN];
    static int next;
    char *s = buf[next++ % 16];
    ts_format(ts_from_civil(2026, 3, 1, 0, 0, 0) + (ts_time)m * TS_MINUTE, s);
    return s;
}

static ts_time
instant(int m)
{
    return ts_from_civil(2026, 3, 1, 0, 0, 0) + (ts_time)m * TS_MINUTE;
}

enum { C_COND = 1, C_PROC = 2, C_MED = 4 };

static const char *const fact_names[] = {
    "adequate_fluid_resuscitation", "informed_consent", "irreversible_condition",
    "comatose_after_cpr", "anticoagulation_contraindicated",
    "pad_prevents_femoral_cannulation", "life_expectancy_under_1y",
    "in_other_interventional_trial", "refractory_arrhythmia",
};
#define NFACTS (int)(sizeof fact_names / sizeof fact_names[0])

typedef struct patient {
    const char *as_of;
    const char *birth;          /* NULL: not recorded */
    unsigned complete;          /* C_* */
    sb loc, weight, map, lactate, svo2, lvef, ci, meds, conds, procs;
    const char *fact[NFACTS];   /* JSON text of the value; NULL: not recorded */
    const char *replace;        /* a base condition left out (see conds_except) */
} patient;

static void
obs(sb *b, const char *code, double v, const char *unit, int m)
{
    sb_add(b, "{\"code\": \"%s\", \"value\": %.10g, \"unit\": \"%s\", \"time\": \"%s\"}",
           code, v, unit, when(m));
}

/*
** A series: value normal at minute normal (NONE: none), then value low
** every 30 min from first to last, last included (however it falls).
*/
static void
run(sb *b, const char *code, const char *unit, double normal_v, double low_v,
    int normal, int first, int last)
{
    b->s[0] = '\0';
    if (normal != NONE)
        obs(b, code, normal_v, unit, normal);
    for (int m = first; m < last; m += 30)
        obs(b, code, low_v, unit, m);
    obs(b, code, low_v, unit, last);
}

static void
map_run(patient *p, int normal, int first, int last)
{
    run(&p->map, "map", "mm[Hg]", 72, 58, normal, first, last);
}

/* Two values of code at minutes m1 and m2 (in that order). */
static void
pair(sb *b, const char *code, double v1, double v2, const char *unit, int m1, int m2)
{
    b->s[0] = '\0';
    obs(b, code, v1, unit, m1);
    obs(b, code, v2, unit, m2);
}

/* An infusion from start to end (NONE: still running). */
static void
infusion(sb *b, const char *code, double rate, const char *unit, int start, int end)
{
    if (end == NONE)
        sb_add(b, "{\"code\": \"%s\", \"rate\": %.10g, \"unit\": \"%s\", \"start\": \"%s\"}",
               code, rate, unit, when(start));
    else
        sb_add(b, "{\"code\": \"%s\", \"rate\": %.10g, \"unit\": \"%s\", \"start\": \"%s\", "
               "\"end\": \"%s\"}", code, rate, unit, when(start), when(end));
}

static void
set_fact(patient *p, const char *name, const char *json)
{
    for (int i = 0; i < NFACTS; i++)
        if (strcmp(fact_names[i], name) == 0) {
            p->fact[i] = json;
            return;
        }
    fail_msg("no fact slot '%s'", name);
}

/*
** The eligible example: in the ICU since 21:30 the day before, septic
** shock since 23:00, fluids at 02:00; norepinephrine 0.8 from 02:00 and
** 1.0 ug/kg/min from 04:00 with epinephrine 24 ug/min (80 kg: 0.3
** ug/kg/min) from 04:00, so VIS = 100 + 30 = 130 since 04:00; MAP 72 at
** 04:00 then < 65 every 30 min from 04:30 to 12:00; lactate 54.1 mg/dL
** (6.0 mmol/L) at 06:10 and 6.4 mmol/L at 09:00; LVEF 25 % at 08:00.
** The conditions septic_shock, pulmonary_embolism (absent) and pregnancy
** (absent) are added by conds_except, so a test can replace any of them.
*/
static void
base(patient *p)
{
    memset(p, 0, sizeof *p);
    p->as_of = "2026-03-01T12:00:00Z";    /* NOW; not when(): it rotates */
    p->birth = "1961-04-17";
    p->complete = C_COND | C_PROC | C_MED;
    sb_add(&p->loc, "{\"code\": \"icu\", \"start\": \"%s\"}", when(HM(-3, 30)));
    obs(&p->weight, "weight", 80, "kg", HM(-3, 40));
    map_run(p, HM(4, 0), HM(4, 30), NOW);
    obs(&p->lactate, "lactate", 54.1, "mg/dL", HM(6, 10));
    obs(&p->lactate, "lactate", 6.4, "mmol/L", HM(9, 0));
    obs(&p->lvef, "loinc:10230-1", 25, "%", HM(8, 0));
    infusion(&p->meds, "norepinephrine", 0.8, "ug/kg/min", HM(2, 0), HM(4, 0));
    infusion(&p->meds, "norepinephrine", 1.0, "ug/kg/min", HM(4, 0), NONE);
    infusion(&p->meds, "epinephrine", 24, "ug/min", HM(4, 0), NONE);
    sb_add(&p->procs, "{\"code\": \"mechanical_ventilation\", \"start\": \"%s\"}",
           when(HM(-2, 0)));
    set_fact(p, "adequate_fluid_resuscitation",
             "{\"value\": true, \"time\": \"2026-03-01T02:00:00Z\"}");
    set_fact(p, "informed_consent", "true");
    set_fact(p, "irreversible_condition", "false");
    set_fact(p, "comatose_after_cpr", "false");
    set_fact(p, "anticoagulation_contraindicated", "false");
    set_fact(p, "pad_prevents_femoral_cannulation", "false");
    set_fact(p, "life_expectancy_under_1y", "false");
    set_fact(p, "in_other_interventional_trial", "false");
}

/* The base conditions but p->replace, then p->conds. */
static void
conds_except(const patient *p, sb *out)
{
    static const char *const std[][2] = {
        {"septic_shock", "{\"code\": \"septic_shock\", \"onset\": \"2026-02-28T23:00:00Z\"}"},
        {"pulmonary_embolism", "{\"code\": \"pulmonary_embolism\", \"status\": \"absent\"}"},
        {"pregnancy", "{\"code\": \"pregnancy\", \"status\": \"absent\"}"},
    };
    out->s[0] = '\0';
    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
        if (!p->replace || strcmp(p->replace, std[i][0]) != 0)
            sb_add(out, "%s", std[i][1]);
    if (p->conds.s[0])
        sb_add(out, "%s", p->conds.s);
}

static void
build(const patient *p, char *json, size_t size)
{
    sb complete = {{0}}, o = {{0}}, facts = {{0}}, conds;
    const sb *lists[] = {&p->weight, &p->map, &p->lactate, &p->svo2, &p->lvef, &p->ci};

    if (p->complete & C_COND)
        sb_add(&complete, "\"conditions\"");
    if (p->complete & C_PROC)
        sb_add(&complete, "\"procedures\"");
    if (p->complete & C_MED)
        sb_add(&complete, "\"medications\"");
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (lists[i]->s[0])
            sb_add(&o, "%s", lists[i]->s);
    for (int i = 0; i < NFACTS; i++)
        if (p->fact[i])
            sb_add(&facts, "\"%s\": %s", fact_names[i], p->fact[i]);
    conds_except(p, &conds);
    int n = snprintf(json, size,
        "{\"format\": \"patient-record/1\", \"id\": \"T-1\", \"as_of\": \"%s\", %s%s%s"
        "\"sex\": \"male\", \"complete\": [%s], \"locations\": [%s], "
        "\"observations\": [%s], \"medications\": [%s], \"conditions\": [%s], "
        "\"procedures\": [%s], \"facts\": {%s}}",
        p->as_of, p->birth ? "\"birth_date\": \"" : "", p->birth ? p->birth : "",
        p->birth ? "\", " : "", complete.s, p->loc.s, o.s, p->meds.s, conds.s,
        p->procs.s, facts.s);
    assert_true(n > 0 && (size_t)n < size);
}

/* }====================================================== */

/*
** {======================================================
** Screening and assertions
** =======================================================
*/

static trial_result *
screen_json(const char *json, record **out)
{
    ts_error err;
    record_opts o = {.at = TS_NONE, .assume_complete = 0, .strict = 1};
    record *r = record_parse(json, strlen(json), "test.json", 0, V, &o, &err);
    if (!r)
        fail_msg("record rejected: %s: %s\n%s", err.path, err.msg, json);
    /* A warning means a typo in a code here: the test would prove nothing. */
    if (record_nwarnings(r) > 0)
        fail_msg("record warning: %s", record_warning(r, 0));
    *out = r;
    return eval_trial(TR, r, r->a);
}

static trial_result *
screen(const patient *p, record **out)
{
    static char json[1 << 17];
    build(p, json, sizeof json);
    return screen_json(json, out);
}

static const result *
crit(const trial_result *tr, const char *id)
{
    for (int i = 0; i < TR->ncrit; i++)
        if (strcmp(TR->crit[i].id, id) == 0)
            return tr->crit[i];
    fail_msg("no criterion '%s' in %s", id, TR->id);
    return NULL;
}

static int
has_missing(const char *const *list, int n, const char *item)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], item) == 0)
            return 1;
    return 0;
}

/*
** Screen p and check criterion id; when item is given (unknown results),
** it must be among the criterion's and the trial's missing data.  Returns
** the trial's verdict.
*/
static verdict
check(const patient *p, const char *id, tv want, const char *item, int where)
{
    record *r;
    trial_result *tr = screen(p, &r);
    const result *res = crit(tr, id);
    if (res->value != want)
        fail_msg("at %d: %s is %s, expected %s: %s", where, id, tv_name(res->value),
                 tv_name(want), result_reason(res));
    if (item && !has_missing(res->missing, res->nmissing, item))
        fail_msg("at %d: %s: '%s' not among its missing data", where, id, item);
    if (item && tr->v == V_INCOMPLETE && !has_missing(tr->missing, tr->nmissing, item))
        fail_msg("at %d: '%s' not in the trial's missing list", where, item);
    verdict v = tr->v;
    record_free(r);
    return v;
}

#define EXPECT(p, id, want) check((p), (id), (want), NULL, __LINE__)
#define EXPECT_MISSING(p, id, item) check((p), (id), TV_UNKNOWN, (item), __LINE__)

/* }====================================================== */

/*
** {======================================================
** inc-age
** =======================================================
*/

static void
test_age(void **state)
{
    (void)state;
    static const struct { const char *birth; tv want; } cases[] = {
        {"2008-03-02", TV_NOT_MET},     /* 17 y 364 d: 18 tomorrow */
        {"2008-03-01", TV_MET},         /* 18 today */
        {"1950-03-02", TV_MET},         /* 75 y 364 d */
        {"1950-03-01", TV_NOT_MET},     /* 76 today */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&p);
        p.birth = cases[i].birth;
        verdict v = EXPECT(&p, "inc-age", cases[i].want);
        assert_int_equal(v, cases[i].want == TV_MET ? V_ELIGIBLE : V_INELIGIBLE);
    }
    base(&p);
    p.birth = NULL;
    assert_int_equal(EXPECT_MISSING(&p, "inc-age", "birth_date"), V_INCOMPLETE);

    /* Ages are taken at the UTC date: 20:00 at -05:00 is 2 March in UTC. */
    base(&p);
    p.birth = "2008-03-02";
    p.as_of = "2026-03-01T20:00:00-05:00";
    EXPECT(&p, "inc-age", TV_MET);
}

/* }====================================================== */

/*
** {======================================================
** inc-refractory-shock
** =======================================================
*/

/* Only the MAP path can decide: lactate normal, SvO2 normal. */
static void
map_only(patient *p)
{
    base(p);
    pair(&p->lactate, "lactate", 2.0, 2.1, "mmol/L", HM(10, 0), HM(11, 0));
    pair(&p->svo2, "svo2", 70, 70, "%", HM(10, 0), HM(11, 0));
}

/* Only the lactate path can decide: MAP back to normal, SvO2 normal. */
static void
lactate_only(patient *p)
{
    base(p);
    run(&p->map, "map", "mm[Hg]", 72, 72, NONE, HM(11, 0), NOW);
    pair(&p->svo2, "svo2", 70, 70, "%", HM(10, 0), HM(11, 0));
}

/* Only the SvO2 path can decide. */
static void
svo2_only(patient *p)
{
    base(p);
    run(&p->map, "map", "mm[Hg]", 72, 72, NONE, HM(11, 0), NOW);
    pair(&p->lactate, "lactate", 2.0, 2.1, "mmol/L", HM(10, 0), HM(11, 0));
}

#define SHOCK "inc-refractory-shock"

/*
** The base: the group holds since the latest of its parts' since-times,
** max(icu 21:30, septic shock 23:00, fluids 02:00, VIS > 120 04:00,
** any(MAP 04:30, lactate 06:10) = 04:30) = 04:30, so "more than 5 h"
** since 09:30.  Possibly earlier: the lactate run starts the lactate data,
** so it may have begun at any time, and the group possibly held since
** VIS rose, 04:00: more than 5 h possibly since 09:00.
*/
static void
test_shock_base(void **state)
{
    (void)state;
    patient p;
    record *r;
    base(&p);
    trial_result *tr = screen(&p, &r);
    const result *res = crit(tr, SHOCK);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, instant(HM(9, 30)));
    assert_int_equal(res->since_early, instant(HM(9, 0)));
    record_free(r);
}

/*
** In the ICU now: a stay covering the screening time (end exclusive; an
** end after it is still running).  Admission starts the group's clock.
*/
static void
test_shock_location(void **state)
{
    (void)state;
    static const struct { const char *code; int start, end; tv want; } cases[] = {
        {"icu", HM(-3, 30), HM(11, 0), TV_NOT_MET},     /* left at 11:00 for the ward */
        {"icu", HM(-3, 30), NOW, TV_UNKNOWN},           /* left now, nowhere known */
        {"icu", HM(-3, 30), NOW + 1, TV_MET},           /* leaves after now */
        {"picu", HM(-3, 30), NONE, TV_NOT_MET},         /* picu is not icu */
        /* Admitted later than the shock began: the 5-h clock runs on the
        ** shock state only, so an ICU stay of 5 h does not restart it. */
        {"icu", HM(7, 0), NONE, TV_MET},
        {"icu", HM(11, 59), NONE, TV_MET},
        {NULL, 0, 0, TV_UNKNOWN},                       /* no location at all */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&p);
        p.loc.s[0] = '\0';
        if (cases[i].code && cases[i].end == NONE)
            sb_add(&p.loc, "{\"code\": \"%s\", \"start\": \"%s\"}", cases[i].code,
                   when(cases[i].start));
        else if (cases[i].code)
            sb_add(&p.loc, "{\"code\": \"%s\", \"start\": \"%s\", \"end\": \"%s\"}",
                   cases[i].code, when(cases[i].start), when(cases[i].end));
        if (i == 0)     /* and went to the ward */
            sb_add(&p.loc, "{\"code\": \"ward\", \"start\": \"%s\"}", when(HM(11, 0)));
        check(&p, SHOCK, cases[i].want, cases[i].want == TV_UNKNOWN ? "icu" : NULL,
              (int)i);
    }
}

/* Conditions, as (criterion, code, status or NULL = not listed,
** conditions complete, expected value). */
typedef struct cond_case {
    const char *crit, *code, *status;
    int complete;
    tv want;
} cond_case;

static void
run_cond_cases(const cond_case *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cond_case *c = &cs[i];
        patient p;
        base(&p);
        if (!c->complete)
            p.complete &= ~(unsigned)C_COND;
        if (c->status)
            sb_add(&p.conds, "{\"code\": \"%s\", \"status\": \"%s\"}", c->code, c->status);
        p.replace = c->code;
        /* Not listed in an incomplete section: the concept is missing. */
        const char *item = !c->status && !c->complete ? c->code : NULL;
        verdict v = check(&p, c->crit, c->want, item, (int)i);
        int excl = c->crit[0] == 'e';
        if (c->want == (excl ? TV_MET : TV_NOT_MET))
            assert_int_equal(v, V_INELIGIBLE);
        else if (c->want == TV_UNKNOWN)
            assert_int_equal(v, V_INCOMPLETE);
        else if (c->complete)
            assert_int_equal(v, V_ELIGIBLE);
    }
}

static void
test_shock_septic(void **state)
{
    (void)state;
    static const cond_case cases[] = {
        {SHOCK, "septic_shock", "active", 1, TV_MET},
        {SHOCK, "septic_shock", "absent", 1, TV_NOT_MET},
        {SHOCK, "septic_shock", "resolved", 1, TV_NOT_MET},
        {SHOCK, "septic_shock", "suspected", 1, TV_UNKNOWN},
        {SHOCK, "septic_shock", NULL, 1, TV_NOT_MET},
        {SHOCK, "septic_shock", NULL, 0, TV_UNKNOWN},
    };
    run_cond_cases(cases, sizeof cases / sizeof cases[0]);

    /* A diagnosis charted after the shock state began does not restart
    ** the 5-h clock: it must hold now, and it moves the criterion's since. */
    patient p;
    base(&p);
    p.replace = "septic_shock";
    sb_add(&p.conds, "{\"code\": \"septic_shock\", \"onset\": \"%s\"}", when(HM(7, 30)));
    EXPECT(&p, SHOCK, TV_MET);
}

static void
test_shock_fluids(void **state)
{
    (void)state;
    static const struct { const char *json; tv want; } cases[] = {
        {"true", TV_MET},                   /* no time: does not constrain */
        {"false", TV_NOT_MET},
        {"\"yes\"", TV_UNKNOWN},            /* only a boolean can be true */
        /* Timed: holds from its time, and must hold now; the 5-h clock
        ** runs on the shock state only, so a later assessment does not
        ** restart it. */
        {"{\"value\": true, \"time\": \"2026-03-01T11:00:00Z\"}", TV_MET},
        {"{\"value\": true, \"time\": \"2026-03-01T06:59:00Z\"}", TV_MET},
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&p);
        set_fact(&p, "adequate_fluid_resuscitation", cases[i].json);
        check(&p, SHOCK, cases[i].want, NULL, (int)i);
    }
    base(&p);
    set_fact(&p, "adequate_fluid_resuscitation", NULL);
    EXPECT_MISSING(&p, SHOCK, "adequate_fluid_resuscitation");
}

/*
** VIS > 120 now, from norepinephrine (since 02:00) and epinephrine (from
** epi_start), rates in ug/kg/min: 100 x each.  Not complete: the sum is a
** lower bound, decided only above 120 or when all six VIS drugs are listed
** (here the other four stopped before 02:00).
*/
static void
test_shock_vis(void **state)
{
    (void)state;
    static const struct {
        double ne, epi;
        int epi_start, complete, six;
        tv want;
    } cases[] = {
        {1.1, 0.1, HM(4, 0), 1, 0, TV_NOT_MET},     /* 110 + 10 = 120: not > 120 */
        {1.1, 0.101, HM(4, 0), 1, 0, TV_MET},       /* 120.1 */
        {1.1, 0.1, HM(4, 0), 0, 0, TV_UNKNOWN},     /* 120 or more */
        {1.1, 0.101, HM(4, 0), 0, 0, TV_MET},       /* 120.1 or more */
        {1.1, 0.1, HM(4, 0), 0, 1, TV_NOT_MET},     /* all six listed */
        {1.0, 0.3, HM(7, 0), 1, 0, TV_NOT_MET},     /* > 120 for exactly 5 h */
        {1.0, 0.3, HM(6, 59), 1, 0, TV_MET},
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&p);
        if (!cases[i].complete)
            p.complete &= ~(unsigned)C_MED;
        p.meds.s[0] = '\0';
        infusion(&p.meds, "norepinephrine", cases[i].ne, "ug/kg/min", HM(2, 0), NONE);
        infusion(&p.meds, "epinephrine", cases[i].epi, "ug/kg/min", cases[i].epi_start, NONE);
        if (cases[i].six) {
            infusion(&p.meds, "dopamine", 5, "ug/kg/min", HM(0, 0), HM(1, 0));
            infusion(&p.meds, "dobutamine", 5, "ug/kg/min", HM(0, 0), HM(1, 0));
            infusion(&p.meds, "milrinone", 0.5, "ug/kg/min", HM(0, 0), HM(1, 0));
            infusion(&p.meds, "vasopressin", 0.0005, "U/kg/min", HM(0, 0), HM(1, 0));
        }
        verdict v = check(&p, SHOCK, cases[i].want,
                          cases[i].want == TV_UNKNOWN ? "medications" : NULL, (int)i);
        if (cases[i].want == TV_NOT_MET)
            assert_int_equal(v, V_INELIGIBLE);
    }
    /* Epinephrine in ug/min (the base) with no weight: VIS unknown. */
    base(&p);
    p.weight.s[0] = '\0';
    EXPECT_MISSING(&p, SHOCK, "weight");
}

/*
** MAP < 65 sustained (1 h maximum gap), with the other paths not met:
** a run of MAP 58 every 30 min from first to last, after a normal value at
** normal (NONE: the run starts the data), then optionally one last value.
*/
static void
test_shock_map(void **state)
{
    (void)state;
    static const struct { int normal, first, last; double tail; tv want; } cases[] = {
        {HM(4, 0), HM(4, 30), NOW, 0, TV_MET},          /* the base: 7 h 30 */
        {HM(6, 30), HM(7, 0), NOW, 0, TV_NOT_MET},      /* 5 h 00: not more */
        {HM(6, 0), HM(6, 30), NOW, 0, TV_MET},          /* 5 h 30 */
        {HM(4, 0), HM(7, 30), NOW, 0, TV_UNKNOWN},      /* 4 h 30 after a gap */
        {HM(4, 0), HM(6, 30), NOW, 0, TV_MET},          /* 5 h 30 after a gap */
        {NONE, HM(8, 0), NOW, 0, TV_UNKNOWN},           /* 4 h, starts the data */
        {HM(4, 0), HM(4, 30), HM(10, 59), 0, TV_UNKNOWN}, /* latest 1 h 01 old */
        {HM(4, 0), HM(4, 30), HM(11, 0), 0, TV_MET},    /* latest 1 h old */
        {HM(4, 0), HM(4, 30), HM(11, 30), 70, TV_NOT_MET}, /* latest normal */
        {HM(4, 0), HM(4, 30), HM(11, 30), 65, TV_NOT_MET}, /* 65: not < 65 */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        map_only(&p);
        map_run(&p, cases[i].normal, cases[i].first, cases[i].last);
        if (cases[i].tail > 0)
            obs(&p.map, "map", cases[i].tail, "mm[Hg]", NOW);
        verdict v = check(&p, SHOCK, cases[i].want, NULL, (int)i);
        if (cases[i].want == TV_NOT_MET)
            assert_int_equal(v, V_INELIGIBLE);
    }
    map_only(&p);   /* latest too old, or no MAP at all: MAP is missing */
    map_run(&p, HM(4, 0), HM(4, 30), HM(10, 59));
    EXPECT_MISSING(&p, SHOCK, "map");
    p.map.s[0] = '\0';
    EXPECT_MISSING(&p, SHOCK, "map");
}

/*
** The two latest lactate values > 5 mmol/L at least 30 min apart,
** non-decreasing, the latest within 6 h (two latest too close, or the
** earlier not > 5: not met); the other paths not met.  The
** since-time is the first value of the run (so a normal value at 06:30
** then a run from 07:00 is exactly 5 h: not met); a run that starts the
** lactate data may have begun earlier (unknown; see the report).
*/
static void
test_shock_lactate(void **state)
{
    (void)state;
    static const struct {
        int n;
        double v[3];
        const char *unit;
        int m[3];
        tv want;
    } cases[] = {
        {2, {6.0, 6.5}, "mmol/L", {HM(6, 0), HM(6, 29)}, TV_NOT_MET},  /* 29 min apart */
        {2, {6.0, 6.5}, "mmol/L", {HM(6, 0), HM(6, 30)}, TV_MET},      /* 30 min */
        {2, {6.0, 6.5}, "mmol/L", {HM(6, 0), HM(6, 31)}, TV_MET},      /* 31 min */
        {2, {6.0, 6.0}, "mmol/L", {HM(6, 0), HM(7, 0)}, TV_MET},       /* equal */
        {2, {6.5, 6.0}, "mmol/L", {HM(6, 0), HM(7, 0)}, TV_NOT_MET},   /* decreasing */
        {2, {45.04, 45.04}, "mg/dL", {HM(6, 0), HM(7, 0)}, TV_NOT_MET}, /* 5.0: not > 5 */
        {2, {45.05, 45.05}, "mg/dL", {HM(6, 0), HM(7, 0)}, TV_MET},    /* 5.001 */
        {2, {6.0, 6.5}, "mmol/L", {HM(5, 0), HM(5, 59)}, TV_UNKNOWN},  /* 6 h 01 old */
        {2, {6.0, 6.5}, "mmol/L", {HM(5, 0), HM(6, 0)}, TV_MET},       /* 6 h old */
        {1, {6.0}, "mmol/L", {HM(9, 0)}, TV_UNKNOWN},                  /* one value */
        {2, {45.04, 54.1}, "mg/dL", {HM(6, 0), HM(7, 0)}, TV_NOT_MET}, /* earlier not > 5 */
        {3, {2.0, 6.0, 6.5}, "mmol/L", {HM(6, 30), HM(7, 0), HM(8, 0)}, TV_NOT_MET},
        {3, {2.0, 6.0, 6.5}, "mmol/L", {HM(6, 30), HM(6, 59), HM(8, 0)}, TV_MET},
        {2, {6.0, 6.5}, "mmol/L", {HM(7, 0), HM(8, 0)}, TV_UNKNOWN},   /* starts the data */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lactate_only(&p);
        p.lactate.s[0] = '\0';
        for (int k = 0; k < cases[i].n; k++)
            obs(&p.lactate, "lactate", cases[i].v[k], cases[i].unit, cases[i].m[k]);
        check(&p, SHOCK, cases[i].want, cases[i].n == 1 ? "lactate" : NULL, (int)i);
    }
}

static void
test_shock_svo2(void **state)
{
    (void)state;
    static const struct { double v1, v2; const char *unit; tv want; } cases[] = {
        {50, 48, "%", TV_MET},
        {50, 50, "%", TV_MET},              /* equal accepted */
        {48, 50, "%", TV_NOT_MET},          /* increasing */
        {0.55, 0.55, "1", TV_NOT_MET},      /* 55 %: not < 55 */
        {0.549, 0.549, "1", TV_MET},
        {55, 55, "%", TV_NOT_MET},
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        svo2_only(&p);
        pair(&p.svo2, "svo2", cases[i].v1, cases[i].v2, cases[i].unit, HM(6, 0), HM(7, 0));
        check(&p, SHOCK, cases[i].want, NULL, (int)i);
    }
    svo2_only(&p);      /* one value */
    p.svo2.s[0] = '\0';
    obs(&p.svo2, "svo2", 50, "%", HM(7, 0));
    EXPECT_MISSING(&p, SHOCK, "svo2");
}

/* }====================================================== */

/*
** {======================================================
** inc-myocardial, inc-consent, facts
** =======================================================
*/

#define MYO "inc-myocardial"

/* Cardiac index normal, no refractory arrhythmia: LVEF decides. */
static void
myo_only(patient *p)
{
    base(p);
    run(&p->ci, "cardiac_index", "L/min/m2", 2.5, 2.5, NONE, HM(11, 0), NOW);
    set_fact(p, "refractory_arrhythmia", "false");
}

static void
test_myocardial_lvef(void **state)
{
    (void)state;
    static const struct { double v; int m; tv want; } cases[] = {
        {34, HM(8, 0), TV_MET},
        {35, HM(8, 0), TV_NOT_MET},
        {36, HM(8, 0), TV_NOT_MET},
        {25, HM(-12, 0), TV_MET},           /* exactly 24 h old: within */
        {25, HM(-12, -1), TV_UNKNOWN},      /* 24 h 01 min old */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        myo_only(&p);
        p.lvef.s[0] = '\0';
        obs(&p.lvef, "lvef", cases[i].v, "%", cases[i].m);
        verdict v = check(&p, MYO, cases[i].want, cases[i].want == TV_UNKNOWN ? "lvef" : NULL,
                          (int)i);
        if (cases[i].want == TV_NOT_MET)
            assert_int_equal(v, V_INELIGIBLE);
    }
    myo_only(&p);       /* 0.34 in unit "1" is 34 % */
    p.lvef.s[0] = '\0';
    obs(&p.lvef, "lvef", 0.34, "1", HM(8, 0));
    EXPECT(&p, MYO, TV_MET);
    myo_only(&p);
    p.lvef.s[0] = '\0';
    EXPECT_MISSING(&p, MYO, "lvef");
}

static void
test_myocardial_ci(void **state)
{
    (void)state;
    patient p;
    /* CI < 2 for 3 h 00 after a normal reading: not more than 3 h. */
    myo_only(&p);
    p.lvef.s[0] = '\0';
    obs(&p.lvef, "lvef", 50, "%", HM(9, 0));
    run(&p.ci, "cardiac_index", "L/min/m2", 2.5, 1.8, HM(8, 30), HM(9, 0), NOW);
    EXPECT(&p, MYO, TV_NOT_MET);
    /* 3 h 30 */
    run(&p.ci, "cardiac_index", "L/min/m2", 2.5, 1.8, HM(8, 0), HM(8, 30), NOW);
    EXPECT(&p, MYO, TV_MET);
    /* 2 h starting the data: may be longer. */
    run(&p.ci, "cardiac_index", "L/min/m2", 2.5, 1.8, NONE, HM(10, 0), NOW);
    EXPECT(&p, MYO, TV_UNKNOWN);
    /* Exactly 2: not < 2. */
    run(&p.ci, "cardiac_index", "L/min/m2", 2.5, 2.0, HM(6, 0), HM(6, 30), NOW);
    EXPECT(&p, MYO, TV_NOT_MET);
}

static void
test_myocardial_arrhythmia(void **state)
{
    (void)state;
    patient p;
    myo_only(&p);
    p.lvef.s[0] = '\0';
    obs(&p.lvef, "lvef", 50, "%", HM(9, 0));
    set_fact(&p, "refractory_arrhythmia", "true");
    EXPECT(&p, MYO, TV_MET);
    set_fact(&p, "refractory_arrhythmia", "false");
    EXPECT(&p, MYO, TV_NOT_MET);
    set_fact(&p, "refractory_arrhythmia", NULL);
    EXPECT_MISSING(&p, MYO, "refractory_arrhythmia");
}

/*
** The criteria that read one fact: true, false, not recorded, a string.
** The base patient is eligible, so the verdict follows the criterion.
*/
static void
test_facts(void **state)
{
    (void)state;
    static const struct { const char *crit, *fact; } cases[] = {
        {"inc-consent", "informed_consent"},
        {"exc-cardiac-arrest", "comatose_after_cpr"},
        {"exc-irreversible-or-late", "irreversible_condition"},
        {"exc-bleeding", "anticoagulation_contraindicated"},
        {"exc-pad", "pad_prevents_femoral_cannulation"},
        {"exc-life-expectancy", "life_expectancy_under_1y"},
        {"exc-other-trial", "in_other_interventional_trial"},
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int excl = cases[i].crit[0] == 'e';
        base(&p);
        set_fact(&p, cases[i].fact, "true");
        assert_int_equal(check(&p, cases[i].crit, TV_MET, NULL, (int)i),
                         excl ? V_INELIGIBLE : V_ELIGIBLE);
        set_fact(&p, cases[i].fact, "{\"value\": true, \"time\": \"2026-03-01T11:00:00Z\"}");
        check(&p, cases[i].crit, TV_MET, NULL, (int)i);
        set_fact(&p, cases[i].fact, "false");
        assert_int_equal(check(&p, cases[i].crit, TV_NOT_MET, NULL, (int)i),
                         excl ? V_ELIGIBLE : V_INELIGIBLE);
        set_fact(&p, cases[i].fact, NULL);
        assert_int_equal(check(&p, cases[i].crit, TV_UNKNOWN, cases[i].fact, (int)i),
                         V_INCOMPLETE);
        set_fact(&p, cases[i].fact, "\"yes\"");
        check(&p, cases[i].crit, TV_UNKNOWN, NULL, (int)i);
    }
}

/* }====================================================== */

/*
** {======================================================
** Exclusions
** =======================================================
*/

static void
test_exclusion_conditions(void **state)
{
    (void)state;
    static const cond_case cases[] = {
        {"exc-other-cardiac", "acute_myocardial_infarction", "active", 1, TV_MET},
        {"exc-other-cardiac", "chronic_heart_failure", "active", 1, TV_MET},
        {"exc-other-cardiac", "congenital_heart_disease", "active", 1, TV_MET},
        {"exc-other-cardiac", "pericardial_effusion", "active", 1, TV_MET},
        /* "Moderate to severe" AR and "severe" coarctation: the narrow
        ** concept decides; the broad one alone leaves the severity
        ** unknown, ruled out it rules the narrow one out. */
        {"exc-other-cardiac", "aortic_regurgitation_moderate_severe", "active", 1, TV_MET},
        {"exc-other-cardiac", "aortic_regurgitation_moderate_severe", "absent", 1, TV_NOT_MET},
        {"exc-other-cardiac", "aortic_regurgitation", "active", 1, TV_UNKNOWN},
        {"exc-other-cardiac", "aortic_regurgitation", "active", 0, TV_UNKNOWN},
        {"exc-other-cardiac", "aortic_regurgitation", "absent", 0, TV_UNKNOWN},
        {"exc-other-cardiac", "aortic_regurgitation", "absent", 1, TV_NOT_MET},
        {"exc-other-cardiac", "aortic_coarctation_severe", "active", 1, TV_MET},
        {"exc-other-cardiac", "aortic_coarctation", "active", 1, TV_UNKNOWN},
        {"exc-other-cardiac", "aortic_coarctation", "resolved", 1, TV_NOT_MET},
        {"exc-other-cardiac", "acute_myocardial_infarction", "suspected", 1, TV_UNKNOWN},
        {"exc-other-cardiac", "acute_myocardial_infarction", "resolved", 1, TV_NOT_MET},
        {"exc-other-cardiac", "acute_myocardial_infarction", "absent", 1, TV_NOT_MET},
        {"exc-other-cardiac", "acute_myocardial_infarction", NULL, 1, TV_NOT_MET},
        {"exc-other-cardiac", "acute_myocardial_infarction", NULL, 0, TV_UNKNOWN},

        /* "High suspicion" is enough here. */
        {"exc-obstructive-shock", "pulmonary_embolism", "active", 1, TV_MET},
        {"exc-obstructive-shock", "pulmonary_embolism", "suspected", 1, TV_MET},
        {"exc-obstructive-shock", "tension_pneumothorax", "suspected", 1, TV_MET},
        {"exc-obstructive-shock", "cardiac_tamponade", "suspected", 1, TV_MET},
        {"exc-obstructive-shock", "cardiac_tamponade", "active", 1, TV_MET},
        {"exc-obstructive-shock", "pulmonary_embolism", "resolved", 1, TV_NOT_MET},
        {"exc-obstructive-shock", "pulmonary_embolism", "absent", 1, TV_NOT_MET},
        {"exc-obstructive-shock", "tension_pneumothorax", NULL, 1, TV_NOT_MET},
        {"exc-obstructive-shock", "tension_pneumothorax", NULL, 0, TV_UNKNOWN},

        {"exc-bleeding", "active_bleeding", "active", 1, TV_MET},
        {"exc-bleeding", "active_bleeding", "suspected", 1, TV_UNKNOWN},
        {"exc-bleeding", "active_bleeding", "absent", 1, TV_NOT_MET},
        {"exc-bleeding", "active_bleeding", NULL, 1, TV_NOT_MET},
        {"exc-bleeding", "active_bleeding", NULL, 0, TV_UNKNOWN},

        {"exc-neuro", "irreversible_brain_damage", "active", 1, TV_MET},
        {"exc-neuro", "irreversible_brain_damage", "suspected", 1, TV_UNKNOWN},
        {"exc-neuro", "irreversible_brain_damage", "absent", 1, TV_NOT_MET},
        {"exc-neuro", "irreversible_brain_damage", NULL, 1, TV_NOT_MET},
        {"exc-neuro", "irreversible_brain_damage", NULL, 0, TV_UNKNOWN},

        {"exc-special-population", "pregnancy", "active", 1, TV_MET},
        {"exc-special-population", "aids", "active", 1, TV_MET},
        {"exc-special-population", "pregnancy", "suspected", 1, TV_UNKNOWN},
        {"exc-special-population", "aids", "absent", 0, TV_NOT_MET},
        {"exc-special-population", "aids", NULL, 1, TV_NOT_MET},
        {"exc-special-population", "aids", NULL, 0, TV_UNKNOWN},
    };
    run_cond_cases(cases, sizeof cases / sizeof cases[0]);
}

/* Conditions not complete but every concept listed absent: not met. */
static void
test_exclusion_all_absent(void **state)
{
    (void)state;
    static const char *const other[] = {
        "acute_myocardial_infarction", "chronic_heart_failure", "congenital_heart_disease",
        "pericardial_effusion", "aortic_regurgitation", "aortic_coarctation",
    };
    patient p;
    base(&p);
    p.complete &= ~(unsigned)C_COND;
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        sb_add(&p.conds, "{\"code\": \"%s\", \"status\": \"absent\"}", other[i]);
    EXPECT(&p, "exc-other-cardiac", TV_NOT_MET);
    EXPECT_MISSING(&p, "exc-obstructive-shock", "cardiac_tamponade");
    sb_add(&p.conds, "{\"code\": \"tension_pneumothorax\", \"status\": \"absent\"}");
    sb_add(&p.conds, "{\"code\": \"cardiac_tamponade\", \"status\": \"absent\"}");
    EXPECT(&p, "exc-obstructive-shock", TV_NOT_MET);
}

static void
test_cardiac_arrest(void **state)
{
    (void)state;
    static const struct { int start, end; tv want; } cases[] = {
        {HM(10, 0), HM(10, 30), TV_NOT_MET},    /* 30 min: not > 30 min */
        {HM(10, 0), HM(10, 31), TV_MET},
        {HM(-10, 0), HM(-10, 29), TV_NOT_MET},  /* the day before: 29 min */
        {HM(-10, 0), HM(-9, 0), TV_MET},        /* the day before: 1 h */
    };
    patient p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&p);
        sb_add(&p.procs, "{\"code\": \"cpr\", \"start\": \"%s\", \"end\": \"%s\"}",
               when(cases[i].start), when(cases[i].end));
        verdict v = check(&p, "exc-cardiac-arrest", cases[i].want, NULL, (int)i);
        assert_int_equal(v, cases[i].want == TV_MET ? V_INELIGIBLE : V_ELIGIBLE);
    }
    /* Procedures not complete and no CPR listed: unknown. */
    base(&p);
    p.complete &= ~(unsigned)C_PROC;
    EXPECT_MISSING(&p, "exc-cardiac-arrest", "cpr");
    /* ... but comatose after CPR decides alone. */
    set_fact(&p, "comatose_after_cpr", "true");
    EXPECT(&p, "exc-cardiac-arrest", TV_MET);
}

/*
** "Meets the inclusion criteria for more than 12 h": a patient whose
** group (ICU, septic shock, fluids, VIS all from the day before) is
** completed by a MAP run from T0 after a normal reading, and whose
** myocardial criterion is an untimed fact.  inc-refractory-shock is met
** from T0 + 5 h; the exclusion from T0 + 5 h + 12 h, strictly after.
*/
static void
late(patient *p, int clinical_minutes)
{
    int t0 = NOW - clinical_minutes - 5 * 60;
    base(p);
    p->loc.s[0] = '\0';
    sb_add(&p->loc, "{\"code\": \"icu\", \"start\": \"%s\"}", when(HM(-18, 0)));
    p->replace = "septic_shock";
    sb_add(&p->conds, "{\"code\": \"septic_shock\", \"onset\": \"%s\"}", when(HM(-18, 0)));
    set_fact(p, "adequate_fluid_resuscitation",
             "{\"value\": true, \"time\": \"2026-02-28T08:00:00Z\"}");
    p->meds.s[0] = '\0';
    infusion(&p->meds, "norepinephrine", 1.0, "ug/kg/min", HM(-16, 0), NONE);
    infusion(&p->meds, "epinephrine", 0.3, "ug/kg/min", HM(-16, 0), NONE);
    map_run(p, t0 - 30, t0, NOW);
    pair(&p->lactate, "lactate", 2.0, 2.1, "mmol/L", HM(10, 0), HM(11, 0));
    pair(&p->svo2, "svo2", 70, 70, "%", HM(10, 0), HM(11, 0));
    p->lvef.s[0] = '\0';
    set_fact(p, "refractory_arrhythmia", "true");
}

static void
test_irreversible_or_late(void **state)
{
    (void)state;
    patient p;
    record *r;

    /* 11 h 59: T0 = 12:00 - 11:59 - 5:00 = 2026-02-28 19:01. */
    late(&p, HM(11, 59));
    trial_result *tr = screen(&p, &r);
    assert_int_equal(crit(tr, "exc-irreversible-or-late")->value, TV_NOT_MET);
    assert_int_equal(crit(tr, SHOCK)->value, TV_MET);
    assert_int_equal(tr->v, V_ELIGIBLE);
    /* Opens when the clinical criteria became met, 19:01 + 5 h = 00:01;
    ** closes 12 h later, 12:01. */
    assert_true(tr->has_window);
    assert_int_equal(tr->opens, instant(HM(0, 1)));
    assert_int_equal(tr->closes, instant(HM(12, 1)));
    record_free(r);

    late(&p, HM(12, 0));    /* exactly 12 h: not more than 12 h */
    assert_int_equal(EXPECT(&p, "exc-irreversible-or-late", TV_NOT_MET), V_ELIGIBLE);
    late(&p, HM(12, 1));
    assert_int_equal(EXPECT(&p, "exc-irreversible-or-late", TV_MET), V_INELIGIBLE);

    /* Age and consent do not start the clock: consent given 1 min ago. */
    late(&p, HM(12, 1));
    set_fact(&p, "informed_consent", "{\"value\": true, \"time\": \"2026-03-01T11:59:00Z\"}");
    EXPECT(&p, "exc-irreversible-or-late", TV_MET);

    /* The clinical criteria unknown (no LVEF) but the shock criterion met
    ** only since 09:30: even if they hold, they cannot have held for more
    ** than 12 h, so the exclusion is not met. */
    base(&p);
    p.lvef.s[0] = '\0';
    EXPECT(&p, "exc-irreversible-or-late", TV_NOT_MET);

    /* The same with the shock criterion met 12 h 01 min ago and the
    ** myocardial criterion unknown: it may have held long enough. */
    late(&p, HM(12, 1));
    set_fact(&p, "refractory_arrhythmia", NULL);
    EXPECT_MISSING(&p, "exc-irreversible-or-late", "refractory_arrhythmia");
}

/* }====================================================== */

/*
** {======================================================
** The example records, whole
** =======================================================
*/

static trial_result *
screen_file(const char *path, record **out)
{
    static char buf[1 << 17];
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run the tests from the source tree)", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return screen_json(buf, out);
}

/*
** Eligible.  Window: opens at inc-refractory-shock's since, 04:30 + 5 h =
** 09:30 (see test_shock_base).  Closes at the earliest moment the
** exclusion "met for more than 12 h" may be met: the clinical criteria
** (shock since 09:30, LVEF since 08:00) certainly hold since 09:30 and
** possibly since 09:00 (the lactate run starts the lactate data, so the
** group possibly held since VIS rose at 04:00, + 5 h), so 09:00 + 12 h =
** 21:00.  READING: with the certain since only, it would be 21:30.
*/
static void
test_example_eligible(void **state)
{
    (void)state;
    record *r;
    trial_result *tr = screen_file("examples/ecmo-rescue-eligible.json", &r);
    assert_int_equal(tr->v, V_ELIGIBLE);
    for (int i = 0; i < TR->ncrit; i++)
        assert_int_equal(tr->crit[i]->value, TR->crit[i].exclusion ? TV_NOT_MET : TV_MET);
    assert_true(tr->has_window);
    assert_int_equal(tr->opens, instant(HM(9, 30)));
    assert_int_equal(tr->closes, instant(HM(21, 0)));
    assert_int_equal(tr->nmissing, 0);
    record_free(r);

    /* The builder's base patient is the same patient. */
    patient p;
    base(&p);
    tr = screen(&p, &r);
    assert_int_equal(tr->v, V_ELIGIBLE);
    assert_int_equal(tr->opens, instant(HM(9, 30)));
    assert_int_equal(tr->closes, instant(HM(21, 0)));
    record_free(r);
}

static void
test_example_ineligible(void **state)
{
    (void)state;
    record *r;
    trial_result *tr = screen_file("examples/ecmo-rescue-ineligible.json", &r);
    assert_int_equal(tr->v, V_INELIGIBLE);
    for (int i = 0; i < TR->ncrit; i++) {
        int pe = strcmp(TR->crit[i].id, "exc-obstructive-shock") == 0;
        tv want = TR->crit[i].exclusion && !pe ? TV_NOT_MET : TV_MET;
        assert_int_equal(tr->crit[i]->value, want);
    }
    assert_int_equal(tr->nmissing, 0);      /* listed for incomplete only */
    record_free(r);
}

static void
test_example_incomplete(void **state)
{
    (void)state;
    static const char *const missing[] = {
        "lvef", "cardiac_index", "refractory_arrhythmia", "informed_consent",
        "acute_myocardial_infarction", "chronic_heart_failure", "congenital_heart_disease",
        "pericardial_effusion", "aortic_regurgitation", "aortic_coarctation",
        "tension_pneumothorax", "cardiac_tamponade", "active_bleeding",
        "irreversible_brain_damage", "aids",
    };
    static const struct { const char *id; tv want; } crits[] = {
        {"inc-age", TV_MET}, {SHOCK, TV_MET}, {MYO, TV_UNKNOWN},
        {"inc-consent", TV_UNKNOWN}, {"exc-other-cardiac", TV_UNKNOWN},
        {"exc-obstructive-shock", TV_UNKNOWN}, {"exc-cardiac-arrest", TV_NOT_MET},
        {"exc-irreversible-or-late", TV_NOT_MET}, {"exc-bleeding", TV_UNKNOWN},
        {"exc-pad", TV_NOT_MET}, {"exc-neuro", TV_UNKNOWN},
        {"exc-life-expectancy", TV_NOT_MET}, {"exc-special-population", TV_UNKNOWN},
        {"exc-other-trial", TV_NOT_MET},
    };
    record *r;
    trial_result *tr = screen_file("examples/ecmo-rescue-incomplete.json", &r);
    assert_int_equal(tr->v, V_INCOMPLETE);
    assert_int_equal(TR->ncrit, (int)(sizeof crits / sizeof crits[0]));
    for (size_t i = 0; i < sizeof crits / sizeof crits[0]; i++)
        if (crit(tr, crits[i].id)->value != crits[i].want)
            fail_msg("%s is %s", crits[i].id, tv_name(crit(tr, crits[i].id)->value));
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        if (!has_missing(tr->missing, tr->nmissing, missing[i]))
            fail_msg("'%s' not in the missing list", missing[i]);
    assert_int_equal(tr->nmissing, (int)(sizeof missing / sizeof missing[0]));
    record_free(r);
}

/* }====================================================== */

static int
group_setup(void **state)
{
    (void)state;
    ts_error err;
    V = vocab_new();
    if (vocab_load(V, "criteria/concepts.yaml", &err) != 0)
        fail_msg("concepts.yaml: %d:%d: %s", err.line, err.column, err.msg);
    TS = trialset_new(V);
    if (trialset_load(TS, "criteria/nct05184296.yaml", &err) != 0)
        fail_msg("nct05184296.yaml: %d:%d: %s", err.line, err.column, err.msg);
    TR = trialset_find(TS, "NCT05184296");
    assert_non_null(TR);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    trialset_free(TS);
    vocab_free(V);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_shock_base),
        cmocka_unit_test(test_shock_location),
        cmocka_unit_test(test_shock_septic),
        cmocka_unit_test(test_shock_fluids),
        cmocka_unit_test(test_shock_vis),
        cmocka_unit_test(test_shock_map),
        cmocka_unit_test(test_shock_lactate),
        cmocka_unit_test(test_shock_svo2),
        cmocka_unit_test(test_myocardial_lvef),
        cmocka_unit_test(test_myocardial_ci),
        cmocka_unit_test(test_myocardial_arrhythmia),
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_exclusion_conditions),
        cmocka_unit_test(test_exclusion_all_absent),
        cmocka_unit_test(test_cardiac_arrest),
        cmocka_unit_test(test_irreversible_or_late),
        cmocka_unit_test(test_example_eligible),
        cmocka_unit_test(test_example_ineligible),
        cmocka_unit_test(test_example_incomplete),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
