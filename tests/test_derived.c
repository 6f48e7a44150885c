/*
** test_derived.c -- derived quantities (derived.c): VIS at and around its
** threshold, lower bounds over an incomplete medication section, a rate
** that needs a missing weight, VIS's since-time, BMI (40 exactly, missing
** inputs) and the prednisolone-equivalent dose (stress-dose
** hydrocortisone, single doses in the last 24 h, per-kg regimens).
*/
#define ET_RECORD_FIXTURE
#include "evaltest.h"
#include "units.h"

/* A medication entry from start_ago minutes ago to end_ago (-1: running).
** amount is in the concept's unit when unit is NULL. */
static med_entry *
med(const char *name, med_kind kind, double amount, const char *unit,
    int start_ago, int end_ago)
{
    const concept *c = et_concept(R, name);
    med_entry *m = facts_add_med(R, c);
    m->kind = kind;
    m->start = ago(start_ago);
    m->end = end_ago < 0 ? TS_NONE : ago(end_ago);
    m->raw = amount;
    m->unit = unit ? unit : c->unit;
    m->ok = !unit || (c->unit && strcmp(unit, c->unit) == 0);
    m->amount = m->ok ? amount : 0;
    m->src = next_src++;
    return m;
}

static med_entry *
drip(const char *name, double rate, int start_ago, int end_ago)
{
    return med(name, MED_INFUSION, rate, NULL, start_ago, end_ago);
}

static rule *
latest(const char *name, cmp_op op, double lo)
{
    rule *ru = et_leaf(R, R_LATEST, name);
    et_cmp(ru, op, lo, 0);
    return ru;
}

/* derived_compute outside any rule. */
static derived_value
compute(const char *name)
{
    eval_ctx *cx = arena_alloc(R->a, sizeof *cx);
    cx->r = R;
    cx->a = R->a;
    et_finish(R);
    result *res = result_new(cx, NULL, TV_UNKNOWN, NULL);
    return derived_compute(cx, et_concept(R, name), res);
}

/*
** {======================================================
** VIS
** =======================================================
*/

/* Norepinephrine 1.1 + epinephrine 0.1 ug/kg/min is VIS 120, not > 120. */
static void
vis_120_is_not_above_120(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    drip("norepinephrine", 1.1, 3 * H, -1);
    drip("epinephrine", 0.1, 2 * H, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "VIS 120 is not > 120");
    assert_int_equal(et_eval(R, latest("vis", CMP_GE, 120))->value, TV_MET);

    derived_value dv = compute("vis");
    assert_true(dv.known);
    assert_false(dv.lower_bound);
    assert_int_equal(num_cmp(dv.v, 120), 0);
}

static void
vis_120_1_is_above_120(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    drip("norepinephrine", 1.101, 3 * H, -1);
    drip("epinephrine", 0.1, 2 * H, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_MET);
    assert_string_equal(result_reason(res), "VIS 120.1 is > 120");
    assert_true(res->since != TS_NONE);
    assert_int_equal(res->since, ago(2 * H));
    assert_int_equal(res->since_early, ago(2 * H));
    /* Evidence: each running drug, in its unit, from its start. */
    assert_int_equal(res->nev, 2);
    assert_string_equal(res->ev[0].code, "epinephrine");
    assert_string_equal(res->ev[0].value, "0.1");
    assert_string_equal(res->ev[0].unit, "ug/kg/min");
    assert_int_equal(res->ev[0].t, ago(2 * H));
    assert_string_equal(res->ev[0].pointer, "/medications/1");
}

static void
vis_weights(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    drip("dopamine", 5, H, -1);
    drip("dobutamine", 5, H, -1);
    drip("milrinone", 0.5, H, -1);
    drip("vasopressin", 0.0004, H, -1);
    derived_value dv = compute("vis");
    assert_int_equal(num_cmp(dv.v, 5 + 5 + 5 + 4), 0);
}

/* Not complete and not all six listed: 100 may be more. */
static void
vis_lower_bound_unknown(void **state)
{
    (void)state;
    drip("norepinephrine", 0.9, 3 * H, -1);
    drip("epinephrine", 0.1, 2 * H, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_string_equal(result_reason(res), "VIS 100 from the listed drugs; others may be "
                        "running (medications not marked complete)");
    assert_true(et_has_missing(res, "medications"));
    assert_true(compute("vis").lower_bound);
}

static void
vis_lower_bound_proves_above(void **state)
{
    (void)state;
    drip("norepinephrine", 1.3, 3 * H, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->nmissing, 0);
}

/* All six drugs listed (some stopped): nothing can be running unlisted. */
static void
vis_all_six_listed(void **state)
{
    (void)state;
    drip("norepinephrine", 0.9, 3 * H, -1);
    drip("epinephrine", 0.1, 2 * H, -1);
    drip("dopamine", 5, 10 * H, 9 * H);
    drip("dobutamine", 5, 10 * H, 9 * H);
    drip("milrinone", 0.5, 10 * H, 9 * H);
    drip("vasopressin", 0.03, 10 * H, 9 * H);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_false(compute("vis").lower_bound);
}

/* "Below" on a lower bound can be refuted, never proven. */
static void
vis_below_with_lower_bound(void **state)
{
    (void)state;
    drip("dopamine", 5, H, -1);
    result *res = run(latest("vis", CMP_LT, 10));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "medications"));
    R->meds[et_concept(R, "dopamine")->index].e[0].amount = 15;
    assert_int_equal(et_eval(R, latest("vis", CMP_LT, 10))->value, TV_NOT_MET);
    assert_int_equal(et_eval(R, latest("vis", CMP_LE, 15))->value, TV_UNKNOWN);
    R->complete = SEC_MEDICATIONS;
    assert_int_equal(et_eval(R, latest("vis", CMP_LE, 15))->value, TV_MET);
}

static void
vis_missing_weight(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    med_entry *m = med("norepinephrine", MED_INFUSION, 80, "ug/min", 3 * H, -1);
    m->why = "cannot convert 'ug/min' to 'ug/kg/min' without the patient's weight";
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "without the patient's weight"));
    assert_true(et_has_missing(res, "weight"));
    assert_false(et_has_missing(res, "medications"));
    assert_string_equal(res->ev[0].unit, "ug/min");
}

/* A course recorded without a rate: its contribution is unknown. */
static void
vis_course_without_rate(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    med("epinephrine", MED_COURSE, 0, NULL, 2 * H, -1);
    drip("norepinephrine", 1.0, 3 * H, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "epinephrine is running without a rate"));
    assert_true(et_has_missing(res, "epinephrine rate"));

    R->meds[et_concept(R, "norepinephrine")->index].e[0].amount = 1.3;
    assert_int_equal(et_eval(R, latest("vis", CMP_GT, 120))->value, TV_MET);
}

/* An infusion that ended exactly now is not running (end is exclusive). */
static void
vis_ended_now_not_running(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    drip("norepinephrine", 2.0, 3 * H, 0);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "VIS 0 is not > 120");
}

/*
** The since-time walks back over rate changes: VIS > 120 holds on
** [-400 min, now] (130, then 160), not before (100).
*/
static void
vis_since_walks_change_points(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    drip("norepinephrine", 1.0, 600, 300);
    drip("norepinephrine", 1.3, 300, -1);
    drip("epinephrine", 0.3, 400, -1);
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(400));
    assert_int_equal(res->since_early, ago(400));

    /* With epinephrine only from 200 min ago: 100 then 130 + 30. */
    R->meds[et_concept(R, "epinephrine")->index].e[0].start = ago(200);
    res = et_eval(R, latest("vis", CMP_GT, 120));
    assert_int_equal(res->since, ago(300));
}

/*
** Many contributions that cannot be computed, overlapping: each missing
** item is listed once and the first reason kept, whatever the number of
** entries (derived.c keeps the texts it would discard from being made at
** all; made, 40,000 such entries once filled the machine's memory while
** the since-time was walked).  Both kinds, a course without a rate and a
** rate that needs the weight, and each entry still in the evidence.
*/
static void
vis_many_unknown_parts_said_once(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    for (int i = 0; i < 150; i++) {
        med("epinephrine", MED_COURSE, 0, NULL, 5 * H - i, -1);
        med("norepinephrine", MED_INFUSION, 10, "ug/min", 5 * H - i, -1);
    }
    result *res = run(latest("vis", CMP_GT, 120));
    assert_int_equal(res->value, TV_UNKNOWN);
    int rate = 0, weight = 0;
    for (int i = 0; i < res->nmissing; i++) {
        rate += strcmp(res->missing[i], "epinephrine rate") == 0;
        weight += strcmp(res->missing[i], "weight") == 0;
    }
    assert_int_equal(rate, 1);
    assert_int_equal(weight, 1);
    /* epinephrine comes before norepinephrine in VIS's table */
    assert_string_equal(result_reason(res),
                        "VIS 0 from the listed drugs; epinephrine is running without a rate");
    assert_int_equal(res->nev, 300);
}

/*
** An all-of of two VIS rules that read the same 300 entries: the parent
** takes each item of evidence once, in the kids' order (result_take, which
** hashes past a few dozen items instead of comparing each with each).
*/
static void
evidence_taken_once(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    for (int i = 0; i < 300; i++)
        drip(i % 2 ? "norepinephrine" : "epinephrine", 0.5, 6 * H - i, -1);
    rule *all = et_combine(R, R_ALL, 2, latest("vis", CMP_GT, 10),
                           latest("vis", CMP_GE, 10));
    result *res = run(all);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->nev, 300);
    for (int i = 0; i < res->nev; i++)
        for (int j = 0; j < i; j++)
            assert_false(strcmp(res->ev[i].pointer, res->ev[j].pointer) == 0
                         && strcmp(res->ev[i].code, res->ev[j].code) == 0);
    /* the kids' order: epinephrine's entries, then norepinephrine's (VIS
    ** adds the drugs in its table's order), each by start */
    assert_string_equal(res->ev[0].code, "epinephrine");
    assert_int_equal(res->ev[0].t, ago(6 * H));
    assert_string_equal(res->ev[149].code, "epinephrine");
    assert_string_equal(res->ev[150].code, "norepinephrine");
    assert_int_equal(res->ev[150].t, ago(6 * H - 1));
    assert_string_equal(res->ev[299].code, "norepinephrine");
    assert_int_equal(res->ev[299].t, ago(6 * H - 299));
}

/*
** The since-time over a long stay of consecutive rate changes (each entry
** ends where the next starts): VIS 130 for 400 entries of 5 min but one,
** 100 (entry 150): held since that entry's end.  The same with an old
** entry of the same drug at rate 0 never ended, which is running at
** every point (the entries that can be running are searched by start and
** by the latest end so far: this one makes every entry a candidate).
*/
static void
vis_since_over_many_entries(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    for (int k = 0; k < 2; k++) {
        et_record_teardown(state);
        et_record_setup(state);
        R->complete = SEC_MEDICATIONS;
        if (k == 1)
            drip("norepinephrine", 0, 48 * H, -1);
        for (int i = 0; i < 400; i++) {
            int start = 2000 - 5 * i, end = i == 399 ? -1 : start - 5;
            drip("norepinephrine", i == 150 ? 1.0 : 1.3, start, end);
        }
        result *res = run(latest("vis", CMP_GT, 120));
        assert_int_equal(res->value, TV_MET);
        assert_int_equal(res->since, ago(2000 - 5 * 150 - 5));
        assert_int_equal(res->since_early, ago(2000 - 5 * 150 - 5));
    }
}

/* }====================================================== */

/*
** {======================================================
** BMI
** =======================================================
*/

static void
bmi_40_exactly(void **state)
{
    (void)state;
    obs("weight", 122.5, 10 * H);
    obs("height", 175, 20 * H);
    result *res = run(latest("bmi", CMP_GE, 40));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == TS_NONE);
    assert_string_equal(result_reason(res), "BMI 40 kg/m2 is \u2265 40 kg/m2");
    assert_int_equal(res->nev, 2);
    assert_int_equal(et_eval(R, latest("bmi", CMP_GT, 40))->value, TV_NOT_MET);

    R->obs[et_concept(R, "weight")->index].s[0].v = 122.4;
    assert_int_equal(et_eval(R, latest("bmi", CMP_GE, 40))->value, TV_NOT_MET);
}

static void
bmi_observation_preferred(void **state)
{
    (void)state;
    obs("weight", 80, 10 * H);
    obs("height", 175, 20 * H);
    obs("bmi", 41, 30 * H);
    result *res = run(latest("bmi", CMP_GE, 40));
    assert_int_equal(res->value, TV_MET);
    assert_string_equal(res->ev[0].code, "bmi");
}

static void
bmi_missing_height(void **state)
{
    (void)state;
    obs("weight", 122.5, 10 * H);
    result *res = run(latest("bmi", CMP_GE, 40));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "height"));
    assert_false(et_has_missing(res, "weight"));
    assert_string_equal(result_reason(res), "no BMI: no height recorded");
    assert_false(compute("bmi").known);
}

/* }====================================================== */

/*
** {======================================================
** Prednisolone-equivalent dose
** =======================================================
*/

/* Stress-dose hydrocortisone 200 mg/d is 50 mg/d prednisolone. */
static void
steroid_stress_dose(void **state)
{
    (void)state;
    med("hydrocortisone", MED_REGIMEN, 200, "mg/d", 2 * 24 * H, -1);
    result *res = run(latest("steroid_dose", CMP_GT, 10));
    assert_int_equal(res->value, TV_MET);     /* a lower bound proves "above" */
    assert_true(res->since == TS_NONE);
    derived_value dv = compute("steroid_dose");
    assert_int_equal(num_cmp(dv.v, 50), 0);
    assert_true(dv.lower_bound);
    assert_string_equal(result_reason(res),
                        "prednisolone-equivalent dose 50 mg/d from the listed drugs is > 10 mg/d");
}

/* Single doses count in the 24 h up to now; one exactly 24 h ago does not. */
static void
steroid_single_doses(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    med("hydrocortisone", MED_DOSE, 50, "mg", 24 * H, -1);
    med("hydrocortisone", MED_DOSE, 50, "mg", 18 * H, -1);
    med("hydrocortisone", MED_DOSE, 50, "mg", 12 * H, -1);
    med("hydrocortisone", MED_DOSE, 50, "mg", 6 * H, -1);
    med("hydrocortisone", MED_DOSE, 50, "mg", 0, -1);
    assert_int_equal(num_cmp(compute("steroid_dose").v, 50), 0);
    result *res = et_eval(R, latest("steroid_dose", CMP_GT, 50));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_int_equal(res->nev, 4);
}

static void
steroid_equivalences(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    med("dexamethasone", MED_DOSE, 6, "mg", 3 * H, -1);
    med("methylprednisolone", MED_REGIMEN, 40, "mg/d", 3 * H, -1);
    med("prednisone", MED_REGIMEN, 5, "mg/d", 3 * H, -1);
    med("prednisolone", MED_REGIMEN, 5, "mg/d", 30 * 24 * H, 24 * H);  /* stopped */
    med("hydrocortisone", MED_INFUSION, 8, "mg/h", 3 * H, -1);
    derived_value dv = compute("steroid_dose");
    assert_int_equal(num_cmp(dv.v, 6 * 6.67 + 40 * 1.25 + 5 + 8 * 24 * 0.25), 0);
    assert_false(dv.lower_bound);
}

/* At most 10 on a lower bound: unknown until the section is complete. */
static void
steroid_lower_bound(void **state)
{
    (void)state;
    med("prednisolone", MED_REGIMEN, 5, "mg/d", 3 * H, -1);
    result *res = run(latest("steroid_dose", CMP_LE, 10));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "medications"));
    assert_int_equal(et_eval(R, latest("steroid_dose", CMP_GT, 10))->value, TV_UNKNOWN);
    R->complete = SEC_MEDICATIONS;
    assert_int_equal(et_eval(R, latest("steroid_dose", CMP_LE, 10))->value, TV_MET);
    assert_int_equal(et_eval(R, latest("steroid_dose", CMP_GT, 10))->value, TV_NOT_MET);
}

static void
steroid_course_and_weight(void **state)
{
    (void)state;
    R->complete = SEC_MEDICATIONS;
    med("methylprednisolone", MED_REGIMEN, 1, "mg/kg/d", 3 * H, -1);
    result *res = run(latest("steroid_dose", CMP_GT, 10));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "weight"));

    obs("weight", 70, 5 * H);
    et_finish(R);
    assert_int_equal(num_cmp(compute("steroid_dose").v, 87.5), 0);

    med("dexamethasone", MED_COURSE, 0, NULL, 3 * H, -1);
    res = run(latest("steroid_dose", CMP_LT, 100));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "dexamethasone dose"));
}

/* }====================================================== */

#define T(f) cmocka_unit_test_setup_teardown(f, et_record_setup, et_record_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(vis_120_is_not_above_120),
        T(vis_120_1_is_above_120),
        T(vis_weights),
        T(vis_lower_bound_unknown),
        T(vis_lower_bound_proves_above),
        T(vis_all_six_listed),
        T(vis_below_with_lower_bound),
        T(vis_missing_weight),
        T(vis_course_without_rate),
        T(vis_ended_now_not_running),
        T(vis_since_walks_change_points),
        T(vis_many_unknown_parts_said_once),
        T(evidence_taken_once),
        T(vis_since_over_many_entries),
        T(bmi_40_exactly),
        T(bmi_observation_preferred),
        T(bmi_missing_height),
        T(steroid_stress_dose),
        T(steroid_single_doses),
        T(steroid_equivalences),
        T(steroid_lower_bound),
        T(steroid_course_and_weight),
    };
    return cmocka_run_group_tests(tests, et_vocab_setup, et_vocab_teardown);
}
