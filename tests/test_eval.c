/*
** test_eval.c -- the combinators, held-for and the trial verdict/window.
**
** Leaves are booleans facts (met / not met / missing = unknown) so that the
** Kleene tables are tested on every combination; held-for bounds use timed
** facts and sustained MAP runs.  Reasons are made when read: the lazy
** formatter (arena_capture, arena_fmt_text) must give what the eager one
** (arena_printf) gives, and joined reasons what result_reasons_join gives.
*/
#include "evaltest.h"

#include <stdio.h>
#include "leaf.h"
#include "units.h"

#define AT "2026-03-01T12:00:00Z"

static const char *const fact_names[] = {
    "informed_consent", "adequate_fluid_resuscitation", "refractory_arrhythmia"
};

/* Set fact i to the truth value v (TV_UNKNOWN: leave it unrecorded). */
static void
set_fact(record *r, int i, tv v, const char *time)
{
    if (v != TV_UNKNOWN)
        et_fact_bool(r, fact_names[i], v == TV_MET, time);
}

static rule *
fact_rule(record *r, int i)
{
    rule *ru = et_leaf(r, R_FACT, fact_names[i]);
    ru->fact_type = VAL_BOOL;
    ru->fact_bool = 1;
    return ru;
}

static tv
kleene_and(tv a, tv b)
{
    return a < b ? a : b;
}

static tv
kleene_or(tv a, tv b)
{
    return a > b ? a : b;
}

static void
test_kleene_tables(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
            record *r = et_record(v, AT);
            set_fact(r, 0, (tv)a, NULL);
            set_fact(r, 1, (tv)b, NULL);
            et_finish(r);
            rule *all = et_combine(r, R_ALL, 2, fact_rule(r, 0), fact_rule(r, 1));
            rule *any = et_combine(r, R_ANY, 2, fact_rule(r, 0), fact_rule(r, 1));
            rule *not = et_combine(r, R_NOT, 1, fact_rule(r, 0));
            assert_int_equal(et_eval(r, all)->value, kleene_and((tv)a, (tv)b));
            assert_int_equal(et_eval(r, any)->value, kleene_or((tv)a, (tv)b));
            assert_int_equal(et_eval(r, not)->value, TV_MET - a);
            record_free(r);
        }
    }
    vocab_free(v);
}

/* at_least 2 of 3: met with two met, not met when even the unknowns
** cannot reach 2, unknown otherwise. */
static void
test_at_least(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    for (int code = 0; code < 27; code++) {
        tv vals[3] = {(tv)(code % 3), (tv)(code / 3 % 3), (tv)(code / 9)};
        int met = 0, unk = 0;
        record *r = et_record(v, AT);
        for (int i = 0; i < 3; i++) {
            set_fact(r, i, vals[i], NULL);
            met += vals[i] == TV_MET;
            unk += vals[i] == TV_UNKNOWN;
        }
        et_finish(r);
        rule *ru = et_combine(r, R_AT_LEAST, 3, fact_rule(r, 0), fact_rule(r, 1),
                              fact_rule(r, 2));
        ru->n = 2;
        tv want = met >= 2 ? TV_MET : met + unk < 2 ? TV_NOT_MET : TV_UNKNOWN;
        assert_int_equal(et_eval(r, ru)->value, want);
        record_free(r);
    }
    vocab_free(v);
}

/* A missing fact is listed as missing by the unknown combinator. */
static void
test_missing_propagates(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    et_finish(r);
    result *res = et_eval(r, et_combine(r, R_ALL, 2, fact_rule(r, 0), fact_rule(r, 1)));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_int_equal(res->nmissing, 1);
    assert_string_equal(res->missing[0], "adequate_fluid_resuscitation");
    record_free(r);
    vocab_free(v);
}

/*
** Held for more than 5 h over a timed fact: a timed fact holds from its
** time, both bounds.  5 h exactly is not "more than 5 h".
*/
static void
check_timed_fact(vocab *v, const char *time, cmp_op op, tv want)
{
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, time);
    et_finish(r);
    result *res = et_eval(r, et_held_for(r, op, "5 h", fact_rule(r, 0)));
    assert_int_equal(res->value, want);
    if (want == TV_MET)
        assert_int_equal(res->since, et_time(time) + 5 * TS_HOUR);
    record_free(r);
}

static void
test_held_for_timed_fact(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    check_timed_fact(v, "2026-03-01T07:00:01Z", CMP_GT, TV_NOT_MET);  /* 4:59:59 */
    check_timed_fact(v, "2026-03-01T07:00:00Z", CMP_GT, TV_NOT_MET);  /* 5:00:00 */
    check_timed_fact(v, "2026-03-01T06:59:59Z", CMP_GT, TV_MET);      /* 5:00:01 */
    check_timed_fact(v, "2026-03-01T07:00:00Z", CMP_GE, TV_MET);      /* at least */
    check_timed_fact(v, "2026-03-01T07:00:01Z", CMP_GE, TV_NOT_MET);
    vocab_free(v);
}

/* A fact without a time is unbounded (docs/evaluation.md, Since-times: "Untimed:
** unbounded"): as far as the data show it has held for ever.  An unknown
** one without a time may have held for ever too. */
static void
test_held_for_untimed(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    et_finish(r);
    result *res = et_eval(r, et_held_for(r, CMP_GT, "5 h", fact_rule(r, 0)));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, TS_NONE);
    record_free(r);

    r = et_record(v, AT);
    et_finish(r);
    res = et_eval(r, et_held_for(r, CMP_GT, "5 h", fact_rule(r, 0)));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_int_equal(res->since_early, TS_NONE);
    record_free(r);
    vocab_free(v);
}

/* MAP samples every 30 min from first to 12:00 below 65, optionally with a
** normal reading at 'normal' or a gap before the run. */
static rule *
map_sustained(record *r)
{
    rule *ru = et_leaf(r, R_SUSTAINED, "map");
    et_cmp(ru, CMP_LT, 65, 0);
    return ru;
}

static void
low_map_run(record *r, ts_time from)
{
    for (ts_time t = from; t <= et_time(AT); t += 30 * TS_MINUTE) {
        char buf[TS_FMT_LEN];
        ts_format(t, buf);
        et_obs(r, "map", 58, buf);
    }
}

/*
** Run bounded by a normal reading: both bounds are the run's first sample,
** so 5 h 00 min is not met and 5 h 30 min is met.
*/
static void
test_held_for_run_after_normal(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    et_obs(r, "map", 72, "2026-03-01T06:30:00Z");
    low_map_run(r, et_time("2026-03-01T07:00:00Z"));
    et_finish(r);
    result *res = et_eval(r, et_held_for(r, CMP_GT, "5 h", map_sustained(r)));
    assert_int_equal(res->value, TV_NOT_MET);
    record_free(r);

    r = et_record(v, AT);
    et_obs(r, "map", 72, "2026-03-01T06:00:00Z");
    low_map_run(r, et_time("2026-03-01T06:30:00Z"));
    et_finish(r);
    res = et_eval(r, et_held_for(r, CMP_GT, "5 h", map_sustained(r)));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, et_time("2026-03-01T11:30:00Z"));
    record_free(r);
    vocab_free(v);
}

/*
** Run bounded by a gap (or by the start of the data): the possible since
** is earlier than the certain one, so a 3 h run is unknown, not "not met".
*/
static void
test_held_for_run_after_gap(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    et_obs(r, "map", 72, "2026-03-01T04:00:00Z");
    low_map_run(r, et_time("2026-03-01T09:00:00Z"));    /* gap 04:00 -> 09:00 */
    et_finish(r);
    result *res = et_eval(r, et_held_for(r, CMP_GT, "5 h", map_sustained(r)));
    assert_int_equal(res->value, TV_UNKNOWN);
    record_free(r);

    /* The normal reading is 8 h back: even the possible run is too short. */
    r = et_record(v, AT);
    et_obs(r, "map", 72, "2026-03-01T08:00:00Z");
    low_map_run(r, et_time("2026-03-01T09:30:00Z"));    /* gap 08:00 -> 09:30 */
    et_finish(r);
    res = et_eval(r, et_held_for(r, CMP_GT, "5 h", map_sustained(r)));
    assert_int_equal(res->value, TV_NOT_MET);
    record_free(r);

    /* Start of the data: unbounded possible since. */
    r = et_record(v, AT);
    low_map_run(r, et_time("2026-03-01T09:00:00Z"));
    et_finish(r);
    res = et_eval(r, et_held_for(r, CMP_GT, "5 h", map_sustained(r)));
    assert_int_equal(res->value, TV_UNKNOWN);
    record_free(r);
    vocab_free(v);
}

/* et_eval as the HTML grid evaluates (eval_trial_values): values only. */
static result *
eval_values_only(record *r, const rule *ru)
{
    return et_eval_mode(r, ru, 1);
}

/*
** values_only stops an all at its first kid that is not met (eval.c,
** eval_kids_all): every value and since-time must still be what the full
** evaluation gives (an any's times aside, below), for every combination
** of three facts met, not met or unrecorded, untimed or timed before or
** within a held-for's 5 h, the all alone, under a held-for, a not and an
** any.
*/
static void
test_values_only_all(void **state)
{
    (void)state;
    static const char *const times[] = {
        NULL, "2026-03-01T05:00:00Z", "2026-03-01T10:00:00Z"
    };
    vocab *v = et_vocab();
    int shortcut = 0;
    for (int code = 0; code < 27 * 27; code++) {
        record *r = et_record(v, AT);
        for (int i = 0, c = code; i < 3; i++, c /= 9)
            set_fact(r, i, (tv)(c % 3), times[c / 3 % 3]);
        et_finish(r);
        rule *all = et_combine(r, R_ALL, 3, fact_rule(r, 0), fact_rule(r, 1),
                               fact_rule(r, 2));
        rule *pair = et_combine(r, R_ALL, 2, fact_rule(r, 0), fact_rule(r, 1));
        const rule *rules[] = {
            all,
            et_held_for(r, CMP_GT, "5 h", all),
            et_combine(r, R_NOT, 1, pair),
            et_combine(r, R_ANY, 2, pair, fact_rule(r, 2)),
            et_held_for(r, CMP_GE, "5 h",
                        et_combine(r, R_ANY, 2, pair, fact_rule(r, 2))),
        };
        for (size_t k = 0; k < sizeof rules / sizeof *rules; k++) {
            const result *full = et_eval(r, rules[k]);
            const result *vo = eval_values_only(r, rules[k]);
            assert_int_equal(vo->value, full->value);
            if (k == 3)         /* an any outside a held-for: no times */
                continue;
            assert_true(vo->since == full->since);
            assert_true(vo->since_early == full->since_early);
            assert_true(vo->until == full->until);
        }
        shortcut += et_eval(r, all)->value == TV_NOT_MET;
        record_free(r);
    }
    assert_true(shortcut > 100);
    vocab_free(v);
}

static rule *
ref_rule(record *r, int i, const char *id)
{
    rule *ru = et_rule(r, R_CRITERION);
    ru->ref_index = i;
    ru->ref_id = id;
    return ru;
}

/*
** values_only also stops an any, and a leaf's list of concepts, at its
** first met kid outside a held-for (eval.c, eval_kids_any): a held-for
** reads its kid's since-times, so none stops there, and a criterion whose
** evaluation stopped one is evaluated again where a held-for refers to it.
** eval_trial_values must give eval_trial's values for a trial whose
** criterion 0 is an any, 1 is 0 (so without times either), 2 holds 1 for
** more than 5 h, 3 holds 0, 4 holds 0 or 5 at least 5 h and 5 is an any
** of a fact and a held-for, over every combination of three facts as in
** test_values_only_all, the criteria redone all together (0 and 1 first,
** stopped, then again for 2) and one at a time; and a held-for over a
** condition leaf of two concepts, the first recorded at each time.
*/
static void
test_values_only_any(void **state)
{
    (void)state;
    static const char *const times[] = {
        NULL, "2026-03-01T05:00:00Z", "2026-03-01T10:00:00Z"
    };
    vocab *v = et_vocab();
    int stopped = 0;
    for (int code = 0; code < 27 * 27; code++) {
        record *r = et_record(v, AT);
        for (int i = 0, c = code; i < 3; i++, c /= 9)
            set_fact(r, i, (tv)(c % 3), times[c / 3 % 3]);
        et_finish(r);
        criterion crit[6] = {
            { .id = "c0", .evaluated = 1,
              .rule = et_combine(r, R_ANY, 2, fact_rule(r, 0), fact_rule(r, 1)) },
            { .id = "c1", .evaluated = 1, .rule = ref_rule(r, 0, "c0") },
            { .id = "c2", .evaluated = 1,
              .rule = et_held_for(r, CMP_GT, "5 h", ref_rule(r, 1, "c1")) },
            { .id = "c3", .evaluated = 1,
              .rule = et_held_for(r, CMP_GT, "5 h", ref_rule(r, 0, "c0")) },
            { .id = "c4", .evaluated = 1,
              .rule = et_held_for(r, CMP_GE, "5 h",
                                  et_combine(r, R_ANY, 2, ref_rule(r, 0, "c0"),
                                             ref_rule(r, 5, "c5"))) },
            { .id = "c5", .evaluated = 1,
              .rule = et_combine(r, R_ANY, 2, fact_rule(r, 2),
                                 et_held_for(r, CMP_GT, "5 h", fact_rule(r, 1))) },
        };
        trial t = { .id = "TEST", .ncrit = 6, .crit = crit };
        const trial_result *tr = eval_trial(&t, r, r->a);
        unsigned char all[6] = { 1, 1, 1, 1, 1, 1 }, vals[6];
        verdict vd = eval_trial_values(&t, r, r->a, all, vals);
        assert_int_equal(vd, trial_result_verdict(tr));
        for (int i = 0; i < 6; i++)
            assert_int_equal(vals[i], tr->crit[i]->value);
        for (int i = 0; i < 6; i++) {
            unsigned char one[6] = { 0 };
            one[i] = 1;
            eval_trial_values(&t, r, r->a, one, vals);
            assert_int_equal(vals[i], tr->crit[i]->value);
        }
        stopped += tr->crit[0]->value == TV_MET;
        record_free(r);
    }
    assert_true(stopped > 100);
    /* A leaf's concepts under a held-for: the first met one's onset is
    ** the since the held-for reads. */
    for (int k = 0; k < 3; k++) {
        record *r = et_record(v, AT);
        et_cond(r, "pulmonary_embolism", ST_ACTIVE, times[k]);
        et_finish(r);
        rule *cond = et_leaf(r, R_CONDITION, "pulmonary_embolism");
        const concept **cs = arena_alloc(r->a, 2 * sizeof *cs);
        cs[0] = cond->concepts[0];
        cs[1] = et_concept(r, "acute_myocardial_infarction");
        cond->concepts = cs;
        cond->nconcepts = 2;
        const rule *held = et_held_for(r, CMP_GT, "5 h", cond);
        assert_int_equal(eval_values_only(r, held)->value, et_eval(r, held)->value);
        record_free(r);
    }
    vocab_free(v);
}

/* all: since is the latest of the kids'; an untimed kid does not
** constrain it.  any: the earliest of the met kids'. */
static void
test_since_combination(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, "2026-03-01T04:00:00Z");
    set_fact(r, 1, TV_MET, "2026-03-01T06:00:00Z");
    set_fact(r, 2, TV_MET, NULL);
    et_finish(r);
    result *all = et_eval(r, et_combine(r, R_ALL, 3, fact_rule(r, 0),
                                        fact_rule(r, 1), fact_rule(r, 2)));
    assert_int_equal(all->value, TV_MET);
    assert_true(all->since != TS_NONE);
    assert_int_equal(all->since, et_time("2026-03-01T06:00:00Z"));
    result *any = et_eval(r, et_combine(r, R_ANY, 2, fact_rule(r, 0),
                                        fact_rule(r, 1)));
    assert_int_equal(any->since, et_time("2026-03-01T04:00:00Z"));
    /* An untimed met kid: it has held for ever as far as the data show. */
    result *any2 = et_eval(r, et_combine(r, R_ANY, 2, fact_rule(r, 1),
                                         fact_rule(r, 2)));
    assert_int_equal(any2->since, TS_NONE);
    assert_int_equal(any2->since_early, TS_NONE);
    record_free(r);

    /* any: the possible since is the earliest over met AND unknown kids;
    ** the certain one over met kids only.  Fact 1 is unknown (a string
    ** where a boolean is needed) but timed at 03:00. */
    r = et_record(v, AT);
    set_fact(r, 0, TV_MET, "2026-03-01T06:00:00Z");
    fact_entry *f = facts_set_fact(r, vocab_find(v, fact_names[1]));
    f->type = VAL_STRING;
    f->s = "pending";
    f->t = et_time("2026-03-01T03:00:00Z");
    et_finish(r);
    result *any3 = et_eval(r, et_combine(r, R_ANY, 2, fact_rule(r, 0),
                                         fact_rule(r, 1)));
    assert_int_equal(any3->value, TV_MET);
    assert_int_equal(any3->since, et_time("2026-03-01T06:00:00Z"));
    assert_int_equal(any3->since_early, et_time("2026-03-01T03:00:00Z"));
    /* all: the latest of the kids' possible sinces, unknown kids too. */
    result *all3 = et_eval(r, et_combine(r, R_ALL, 2, fact_rule(r, 0),
                                         fact_rule(r, 1)));
    assert_int_equal(all3->value, TV_UNKNOWN);
    assert_int_equal(all3->since_early, et_time("2026-03-01T06:00:00Z"));
    record_free(r);
    vocab_free(v);
}

/* A trial built in code: inclusion fact + clock, exclusion "clinical
** criterion held > 12 h" -- the ECMO-RESCUE shape. */
static trial *
clock_trial(record *r)
{
    trial *t = arena_alloc(r->a, sizeof *t);
    t->id = "NCT-TEST";
    t->ncrit = 3;
    t->crit = arena_alloc(r->a, 3 * sizeof *t->crit);
    criterion *c = t->crit;
    c[0].id = "inc-clinical";
    c[0].evaluated = 1;
    c[0].rule = et_held_for(r, CMP_GT, "5 h", fact_rule(r, 0));
    c[1].id = "inc-consent";
    c[1].evaluated = 1;
    c[1].rule = fact_rule(r, 1);
    c[2].id = "exc-late";
    c[2].exclusion = 1;
    c[2].evaluated = 1;
    rule *ref = et_rule(r, R_CRITERION);
    ref->ref_id = "inc-clinical";
    ref->ref_index = 0;
    c[2].rule = et_held_for(r, CMP_GT, "12 h", ref);
    /* window: {from: {criterion: inc-clinical}, closes: 12 h} */
    t->window_from = ref;
    t->window_closes = et_dur("12 h");
    return t;
}

static void
test_trial_window(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, "2026-03-01T01:00:00Z");     /* clinical since 01:00 */
    set_fact(r, 1, TV_MET, NULL);
    et_finish(r);
    trial *t = clock_trial(r);
    trial_result *tr = eval_trial(t, r, r->a);
    assert_int_equal(tr->v, V_ELIGIBLE);
    assert_true(tr->has_window);
    /* met at 06:00 (01:00 + 5 h); excluded after 18:00 (06:00 + 12 h). */
    assert_int_equal(tr->opens, et_time("2026-03-01T06:00:00Z"));
    assert_int_equal(tr->closes, et_time("2026-03-01T18:00:00Z"));
    assert_int_equal(tr->nmissing, 0);
    record_free(r);

    /* 12 h after becoming met: ineligible. */
    r = et_record(v, "2026-03-01T18:00:01Z");
    set_fact(r, 0, TV_MET, "2026-03-01T01:00:00Z");
    set_fact(r, 1, TV_MET, NULL);
    et_finish(r);
    tr = eval_trial(clock_trial(r), r, r->a);
    assert_int_equal(tr->v, V_INELIGIBLE);
    record_free(r);

    /* Consent missing: incomplete, consent listed as missing. */
    r = et_record(v, AT);
    set_fact(r, 0, TV_MET, "2026-03-01T01:00:00Z");
    et_finish(r);
    tr = eval_trial(clock_trial(r), r, r->a);
    assert_int_equal(tr->v, V_INCOMPLETE);
    assert_int_equal(tr->nmissing, 1);
    assert_string_equal(tr->missing[0], "adequate_fluid_resuscitation");
    record_free(r);
    vocab_free(v);
}

/*
** Cohorts: a group is reported for an eligible patient only when exactly
** one applies.  Two groups met at once (an overlap in the trial file) must
** not be reported as either: the coordinator would enrol the patient in
** the wrong arm.  Cohort A is "consent recorded", cohort B "fluids
** adequate"; the trial's one inclusion is consent.
*/
static trial *
cohort_trial(record *r)
{
    trial *t = arena_alloc(r->a, sizeof *t);
    t->id = "NCT-TEST";
    t->ncrit = 1;
    t->crit = arena_alloc(r->a, sizeof *t->crit);
    t->crit[0].id = "inc-consent";
    t->crit[0].evaluated = 1;
    t->crit[0].rule = fact_rule(r, 0);
    t->ncohorts = 2;
    t->cohorts = arena_alloc(r->a, 2 * sizeof *t->cohorts);
    t->cohorts[0].id = "consented";
    t->cohorts[0].rule = fact_rule(r, 0);
    t->cohorts[1].id = "resuscitated";
    t->cohorts[1].rule = fact_rule(r, 1);
    return t;
}

static void
test_two_cohorts_met_report_none(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    /* Only the first group applies: reported. */
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    set_fact(r, 1, TV_NOT_MET, NULL);
    et_finish(r);
    trial_result *tr = eval_trial(cohort_trial(r), r, r->a);
    assert_int_equal(tr->v, V_ELIGIBLE);
    assert_int_equal(tr->ncohort_met, 1);
    assert_non_null(tr->cohort);
    assert_string_equal(tr->cohort->id, "consented");
    record_free(r);

    /* Both apply: no group is reported, and the count says why. */
    r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    set_fact(r, 1, TV_MET, NULL);
    et_finish(r);
    tr = eval_trial(cohort_trial(r), r, r->a);
    assert_int_equal(tr->v, V_ELIGIBLE);
    assert_int_equal(tr->ncohort_met, 2);
    assert_null(tr->cohort);
    record_free(r);

    /* The second one unknown: only the first is met, so it is reported. */
    r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    et_finish(r);
    tr = eval_trial(cohort_trial(r), r, r->a);
    assert_int_equal(tr->ncohort_met, 1);
    assert_non_null(tr->cohort);
    assert_string_equal(tr->cohort->id, "consented");
    record_free(r);
    vocab_free(v);
}

/* needs_check: met becomes unknown with a manual check asked for; not
** met and unknown stay; the possible since is kept. */
static void
test_needs_check(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    for (int a = 0; a < 3; a++) {
        record *r = et_record(v, AT);
        set_fact(r, 0, (tv)a, "2026-03-01T03:00:00Z");
        et_finish(r);
        result *res = et_eval(r, et_combine(r, R_CHECK, 1, fact_rule(r, 0)));
        tv want = a == TV_MET ? TV_UNKNOWN : (tv)a;
        assert_int_equal(res->value, want);
        if (a == TV_MET) {
            assert_int_equal(res->nmissing, 1);
            assert_string_equal(res->missing[0], "manual check: informed_consent");
            assert_non_null(strstr(result_reason(res), "to be checked by hand"));
            assert_int_equal(res->since_early, et_time("2026-03-01T03:00:00Z"));
        }
        record_free(r);
    }
    vocab_free(v);
}

/* needs_check keeps its kid's possible since, not its certain one: a MAP
** run certain from 09:00 after a gap from a normal reading at 04:00 may
** have begun at 04:00, and a clock on the checked rule must say so. */
static void
test_needs_check_keeps_possible_since(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    et_obs(r, "map", 72, "2026-03-01T04:00:00Z");
    low_map_run(r, et_time("2026-03-01T09:00:00Z"));    /* gap 04:00 -> 09:00 */
    et_finish(r);
    result *res = et_eval(r, et_combine(r, R_CHECK, 1, map_sustained(r)));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_int_equal(res->since_early, et_time("2026-03-01T04:00:00Z"));
    record_free(r);
    vocab_free(v);
}

/*
** An incomplete verdict lists what is missing for the criteria still
** unknown, not for those already decided: an exclusion that is not met
** whatever its missing part turns out to be must not send the
** coordinator after that part's data.
*/
static void
test_missing_only_from_unknown_criteria(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_NOT_MET, NULL);       /* informed_consent false */
    et_finish(r);                           /* fluids, arrhythmia missing */
    trial *t = arena_alloc(r->a, sizeof *t);
    t->id = "NCT-TEST";
    t->ncrit = 2;
    t->crit = arena_alloc(r->a, 2 * sizeof *t->crit);
    t->crit[0].id = "inc-fluids";
    t->crit[0].evaluated = 1;
    t->crit[0].rule = fact_rule(r, 1);
    /* at least 2 of (consent, arrhythmia): consent is not met, so even a
    ** recorded arrhythmia cannot make it met: not met, with the missing
    ** arrhythmia carried in its result. */
    rule *two = et_combine(r, R_AT_LEAST, 2, fact_rule(r, 0), fact_rule(r, 2));
    two->n = 2;
    t->crit[1].id = "exc-two";
    t->crit[1].exclusion = 1;
    t->crit[1].evaluated = 1;
    t->crit[1].rule = two;
    trial_result *tr = eval_trial(t, r, r->a);
    assert_int_equal(tr->crit[1]->value, TV_NOT_MET);
    assert_int_equal(tr->v, V_INCOMPLETE);
    assert_int_equal(tr->nmissing, 1);
    assert_string_equal(tr->missing[0], "adequate_fluid_resuscitation");
    record_free(r);
    vocab_free(v);
}

/*
** A window exists only when its anchor is met.  A fluid assessment
** recorded at 03:00 as the text "done" is unknown (not true or false)
** although it carries a time: no window may be reported from it.
*/
static void
test_no_window_from_unknown_anchor(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, NULL);
    fact_entry *f = facts_set_fact(r, et_concept(r, "adequate_fluid_resuscitation"));
    f->type = VAL_STRING;
    f->s = "done";
    f->t = et_time("2026-03-01T03:00:00Z");
    et_finish(r);
    trial *t = arena_alloc(r->a, sizeof *t);
    t->id = "NCT-TEST";
    t->ncrit = 1;
    t->crit = arena_alloc(r->a, sizeof *t->crit);
    t->crit[0].id = "inc-consent";
    t->crit[0].evaluated = 1;
    t->crit[0].rule = fact_rule(r, 0);
    t->window_from = fact_rule(r, 1);
    t->window_closes = et_dur("12 h");
    trial_result *tr = eval_trial(t, r, r->a);
    assert_int_equal(tr->v, V_ELIGIBLE);
    assert_int_equal(et_eval(r, t->window_from)->value, TV_UNKNOWN);
    assert_false(tr->has_window);
    assert_int_equal(tr->closes, TS_NONE);

    /* Recorded as true at 03:00: the window is 03:00 to 15:00. */
    f->type = VAL_BOOL;
    f->b = 1;
    tr = eval_trial(t, r, r->a);
    assert_true(tr->has_window);
    assert_int_equal(tr->opens, et_time("2026-03-01T03:00:00Z"));
    assert_int_equal(tr->closes, et_time("2026-03-01T15:00:00Z"));
    record_free(r);
    vocab_free(v);
}

/* at_least N: met since the N-th earliest met kid. */
static void
test_at_least_since(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    set_fact(r, 0, TV_MET, "2026-03-01T04:00:00Z");
    set_fact(r, 1, TV_MET, "2026-03-01T06:00:00Z");
    set_fact(r, 2, TV_MET, "2026-03-01T02:00:00Z");
    et_finish(r);
    rule *ru = et_combine(r, R_AT_LEAST, 3, fact_rule(r, 0), fact_rule(r, 1),
                          fact_rule(r, 2));
    ru->n = 2;
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, et_time("2026-03-01T04:00:00Z"));
    record_free(r);
    vocab_free(v);
}

/* A criterion marked "evaluate: false" is always unknown and says so. */
static void
test_not_evaluated(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    et_finish(r);
    trial *t = arena_alloc(r->a, sizeof *t);
    t->id = "NCT-TEST";
    t->ncrit = 1;
    t->crit = arena_alloc(r->a, sizeof *t->crit);
    t->crit[0].id = "inc-manual";
    trial_result *tr = eval_trial(t, r, r->a);
    assert_int_equal(tr->v, V_INCOMPLETE);
    assert_int_equal(tr->crit[0]->value, TV_UNKNOWN);
    assert_string_equal(tr->missing[0], "manual check: inc-manual");
    record_free(r);
    vocab_free(v);
}

/* ---------------------------------------------------------------------- */
/* Lazy reasons                                                           */
/* ---------------------------------------------------------------------- */

/* fmt captured now and formatted after the call, or NULL if it cannot be
** captured. */
static char *lazy(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *
lazy(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    arena_fmt *f = arena_capture(a, fmt, ap);
    va_end(ap);
    if (!f)
        return NULL;
    size_t len;
    char *s = arena_fmt_text(f, &len);
    assert_int_equal(len, strlen(s));
    return s;
}

/* Both formatters, and the C library, agree (the reason texts must stay
** byte-identical). */
#define SAME(a, want, ...) do {                                         \
        char exp_[512];                                                 \
        snprintf(exp_, sizeof exp_, __VA_ARGS__);                       \
        assert_string_equal(exp_, want);                                \
        assert_string_equal(arena_printf(a, __VA_ARGS__), want);        \
        char *got_ = lazy(a, __VA_ARGS__);                              \
        assert_non_null(got_);                                          \
        assert_string_equal(got_, want);                                \
    } while (0)

static void
test_lazy_format_conversions(void **state)
{
    (void)state;
    arena *a = arena_new();
    SAME(a, "plain text", "plain text");
    SAME(a, "", "%s", "");
    SAME(a, "MAP 55 mm[Hg] is < 65", "%s %d %s is < %d", "MAP", 55, "mm[Hg]", 65);
    SAME(a, "abc|ab|", "%.*s|%.2s|%.0s", 3, "abcdef", "abcdef", "x");
    SAME(a, "-7 -42 -1234567890123", "%d %ld %lld", -7, -42L, -1234567890123LL);
    SAME(a, "-9223372036854775808", "%lld", (long long)INT64_MIN);
    SAME(a, "   42|00042|  -42|-0042|123456", "%5d|%05d|%5d|%05d|%3d", 42, 42, -42,
         -42, 123456);
    SAME(a, "100% sure, 5%", "100%% sure, %d%%", 5);
    SAME(a, "\u2265 65 mm[Hg]", "\u2265 %d %s", 65, "mm[Hg]");
    /* Compiled formats (text around %s, %.*s, %d) and the ones left to
    ** quick_format give the same. */
    SAME(a, "ab|abcdef|x", "%.*s|%.*s|%s", 2, "abcdef", -1, "abcdef", "x");
    SAME(a, "%d at the end: 7", "%%d at the end: %d", 7);
    SAME(a, "0", "%s%s%d%s", "", "", 0, "");
    SAME(a, "-0 0 -1 2147483647 -2147483648", "-%d %d %d %d %d", 0, 0, -1,
         INT32_MAX, INT32_MIN);
    SAME(a, "starts, ends", "%s, %s", "starts", "ends");
    /* A NULL %s was accepted before (printed as glibc prints it). */
    const char *volatile none = NULL;    /* not known to be NULL */
    assert_string_equal(arena_printf(a, "[%s]", none), "[(null)]");
    assert_string_equal(lazy(a, "[%s]", none), "[(null)]");
    arena_free(a);
}

static void
test_lazy_format_refuses(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* Conversions quick_format does not do are formatted at once. */
    assert_null(lazy(a, "%x", 255u));
    assert_null(lazy(a, "%-5d", 3));
    assert_null(lazy(a, "%5s", "ab"));
    assert_null(lazy(a, "%.3d", 3));
    assert_null(lazy(a, "%g", 1.5));
    assert_null(lazy(a, "%d %d %d %d %d %d %d %d %d %d %d %d %d",
                     1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));
    /* Twelve is the most kept. */
    assert_string_equal(lazy(a, "%d %d %d %d %d %d %d %d %d %d %d %d",
                             1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                        "1 2 3 4 5 6 7 8 9 10 11 12");
    arena_free(a);
}

static void
test_lazy_format_long(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* Longer than the room left in a block, and than a block. */
    size_t n = 100000;
    char *big = arena_alloc(a, n + 1);
    memset(big, 'x', n);
    for (int i = 0; i < 3; i++) {
        char *e = arena_printf(a, "<%s>%d", big, i);
        assert_int_equal(strlen(e), n + 3);
        assert_int_equal(e[n + 2], '0' + i);
        char *s = lazy(a, "<%s>%d", big, i);
        assert_non_null(s);
        assert_int_equal(strlen(s), n + 3);
        assert_int_equal(s[0], '<');
        assert_int_equal(s[n + 1], '>');
        assert_int_equal(s[n + 2], '0' + i);
    }
    /* Many short ones fill blocks: each comes out whole. */
    for (int i = 0; i < 5000; i++) {
        char want[64];
        snprintf(want, sizeof want, "reason %d of %s", i, "many");
        assert_string_equal(lazy(a, "reason %d of %s", i, "many"), want);
    }
    arena_free(a);
}

/* arena_fmt_into: the text with its NUL when it fits, -1 for every room
** too small, compiled formats and the others alike. */
static void into_fmt(arena *a, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
into_fmt(arena *a, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    arena_fmt *f = arena_capture(a, fmt, ap);
    va_end(ap);
    assert_non_null(f);
    char buf[128];
    size_t n = strlen(want);
    for (size_t size = 0; size <= n + 1; size++) {
        memset(buf, '#', sizeof buf);
        int got = arena_fmt_into(f, buf, size);
        if (size <= n) {
            assert_int_equal(got, -1);
        } else {
            assert_int_equal(got, (int)n);
            assert_string_equal(buf, want);
        }
    }
}

static void
test_lazy_format_into(void **state)
{
    (void)state;
    arena *a = arena_new();
    into_fmt(a, "MAP 55 is < 65 mm[Hg]", "MAP %d is < %d %s", 55, 65, "mm[Hg]");
    into_fmt(a, "-123 lead", "%d %.*s", -123, 4, "leading");
    into_fmt(a, "100% of 00042", "100%% of %05d", 42);
    into_fmt(a, "plain", "plain");
    into_fmt(a, "", "%s", "");
    arena_free(a);
}

/* The text is made when read: the arguments are read then, not before. */
static void
test_lazy_reason_read_late(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    char *name = arena_strdup(a, "lactate");
    result *res = result_new(&cx, NULL, TV_MET, "%s above %d", name, 2);
    assert_null(res->reason_text);
    name[0] = 'L';
    assert_string_equal(result_reason(res), "Lactate above 2");
    /* Read again: the same text, kept. */
    const char *first = result_reason(res);
    name[0] = 'l';
    assert_ptr_equal(result_reason(res), first);
    arena_free(a);
}

static void
test_lazy_join(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    result *k[4];
    k[0] = result_new(&cx, NULL, TV_MET, "one %d", 1);
    k[1] = result_new(&cx, NULL, TV_NOT_MET, "two");
    k[2] = result_new(&cx, NULL, TV_MET, "%s", "");
    k[3] = result_new(&cx, NULL, TV_MET, "four");
    for (int want = -1; want <= 2; want++)
        for (int skip = 0; skip <= 1; skip++) {
            result *j = result_new(&cx, NULL, TV_MET, NULL);
            result_join_reasons(&cx, j, k, 4, want, skip);
            const char *eager = result_reasons_join(&cx, k, 4, want, skip);
            assert_string_equal(result_reason(j), eager ? eager : "");
        }
    result *j = result_new(&cx, NULL, TV_MET, NULL);
    result_join_reasons(&cx, j, k, 4, TV_MET, 1);
    assert_string_equal(result_reason(j), "one 1; four");
    /* A join of joins, and a reason shared with a kid. */
    result *jj = result_new(&cx, NULL, TV_MET, NULL);
    result *two[2] = { j, k[1] };
    result_join_reasons(&cx, jj, two, 2, -1, 1);
    assert_string_equal(result_reason(jj), "one 1; four; two");
    result *same = result_new(&cx, NULL, TV_NOT_MET, NULL);
    result_same_reason(same, k[1]);
    assert_string_equal(result_reason(same), "two");
    /* A blank result: its value, reason "", no times, nothing else. */
    result *b = result_blank(&cx, NULL, TV_MET);
    assert_int_equal(b->value, TV_MET);
    assert_string_equal(result_reason(b), "");
    assert_true(b->since == TS_NONE && b->since_early == TS_NONE &&
                b->until == TS_NONE);
    assert_true(b->nev == 0 && b->nmissing == 0 && b->nkids == 0);
    arena_free(a);
}

/* result_reason_into writes what result_reason makes, and refuses (-1)
** whenever the room is too small, for every size. */
static void
into_is(const result *res, const char *want)
{
    char buf[256];
    size_t n = strlen(want);
    for (size_t size = 0; size <= n + 1; size++) {
        memset(buf, '#', sizeof buf);
        long got = result_reason_into(res, buf, size);
        if (size <= n) {
            assert_int_equal(got, -1);
        } else {
            assert_int_equal(got, (long)n);
            assert_string_equal(buf, want);
        }
    }
}

static void
test_reason_into(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    result *k[5];
    k[0] = result_new(&cx, NULL, TV_MET, "one %d", 1);
    k[1] = result_new(&cx, NULL, TV_NOT_MET, "two");
    k[2] = result_new(&cx, NULL, TV_MET, "%s", "");
    k[3] = result_new(&cx, NULL, TV_MET, "four \u2265 %s", "4");
    k[4] = result_new(&cx, NULL, TV_UNKNOWN, NULL);
    k[4]->reason_text = NULL;           /* no reason: "(null)" in a join */
    char buf[64];
    assert_int_equal(result_reason_into(k[4], buf, sizeof buf), -2);
    for (int want = -1; want <= 2; want++)
        for (int skip = 0; skip <= 1; skip++) {
            result *j = result_new(&cx, NULL, TV_MET, NULL);
            result_join_reasons(&cx, j, k, 5, want, skip);
            const char *eager = result_reasons_join(&cx, k, 5, want, skip);
            into_is(j, eager ? eager : "");
            /* Written, nothing is kept: result_reason makes the same. */
            assert_null(j->reason_text);
            assert_string_equal(result_reason(j), eager ? eager : "");
            into_is(j, eager ? eager : "");
        }
    /* A join of joins, a kid whose text is made already, a kid skipped
    ** as empty after a kept one. */
    result *j = result_new(&cx, NULL, TV_MET, NULL);
    result_join_reasons(&cx, j, k, 4, TV_MET, 1);
    result *jj = result_new(&cx, NULL, TV_MET, NULL);
    result *two[3] = { j, k[2], k[1] };
    result_join_reasons(&cx, jj, two, 3, -1, 1);
    (void)result_reason(k[1]);
    into_is(jj, "one 1; four \u2265 4; two");
    result *keep = result_new(&cx, NULL, TV_MET, NULL);
    result_join_reasons(&cx, keep, two, 3, -1, 0);
    into_is(keep, "one 1; four \u2265 4; ; two");
    for (int i = 0; i < 4; i++)
        into_is(k[i], result_reason(k[i]));
    arena_free(a);
}

/* Times in reasons are kept per thread by value: however times share
** the table's slots, each text is ts_format_short's. */
static void
test_fmt_time_memo(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    char want[TS_FMT_LEN];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 2000; i++) {
            ts_time t = (round == 1 ? 1999 - i : i) * (ts_time)(7 * 60 + 1)
                      + (ts_time)1772352000 * (round == 2 ? 0 : 1);
            ts_format_short(t, want);
            assert_string_equal(result_fmt_time(&cx, t), want);
        }
    ts_format_short(TS_NONE, want);
    assert_string_equal(result_fmt_time(&cx, TS_NONE), want);
    ts_format_short(0, want);
    assert_string_equal(result_fmt_time(&cx, 0), want);
    arena_free(a);
}

/* Values in evidence are kept per thread by their bits: each text is
** num_format's, whatever shares a slot (0 and -0 are two keys). */
static void
test_num_memo(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    char want[32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 3000; i++) {
            int k = round ? 2999 - i : i;
            double v = k % 3 == 0 ? k * 0.05 : k % 3 == 1 ? -k / 7.0 : k * 1e6;
            num_format(v, want, sizeof want);
            assert_string_equal(result_num(&cx, v), want);
        }
    /* result_fmt_value: num_format_clinical's text of the scaled value,
    ** then the unit when it reads well in a sentence. */
    num_cmp_t c = { .op = CMP_GT, .unit = "mm[Hg]", .scale = 1 };
    char num[32], full[64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 3000; i++) {
            double v = (round ? 2999 - i : i) * 0.37;
            c.unit = i % 3 == 0 ? "mm[Hg]" : i % 3 == 1 ? "{score}" : NULL;
            c.scale = i % 2 ? 1 : 1000;
            num_format_clinical(v * c.scale, num, sizeof num);
            snprintf(full, sizeof full, "%s%s", num, i % 3 == 0 ? " mm[Hg]" : "");
            assert_string_equal(result_fmt_value(&cx, &c, v), full);
        }
    const double odd[] = { 0.0, -0.0, 1e300, -1e-300, 0.1 + 0.2, 0.3 };
    for (int r = 0; r < 2; r++)
        for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
            num_format(odd[i], want, sizeof want);
            assert_string_equal(result_num(&cx, odd[i]), want);
        }
    arena_free(a);
}

/* Durations in reasons are kept per thread by both parts: the same
** seconds with other months is another text. */
static void
test_dur_memo(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    char want[DUR_TEXT_LEN];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 400; i++) {
            int k = round ? 399 - i : i;
            ts_duration d = { .seconds = (int64_t)(k / 4) * (k % 2 ? 1800 : 3600),
                              .months = k % 4 < 2 ? 0 : k % 13 };
            if (d.months == 0 && d.seconds > 0 && d.seconds < 72 * TS_HOUR &&
                d.seconds % TS_HOUR == 0)
                snprintf(want, sizeof want, "%lld h", (long long)(d.seconds / TS_HOUR));
            else
                ts_format_duration(d, want, sizeof want);
            assert_string_equal(leaf_dur_str(&cx, d), want);
        }
    /* One number of seconds with 100 numbers of months: more than the
    ** table has slots, so some share one. */
    for (int round = 0; round < 2; round++)
        for (int m = 0; m < 100; m++) {
            ts_duration d = { .seconds = 0, .months = m };
            ts_format_duration(d, want, sizeof want);
            assert_string_equal(leaf_dur_str(&cx, d), want);
        }
    arena_free(a);
}

/* Threshold texts are kept per thread: a comparison changed in place (as
** a rule freed and another loaded at its address) gets its own text. */
static void
test_cmp_text_memo(void **state)
{
    (void)state;
    arena *a = arena_new();
    eval_ctx cx = { .a = a };
    char unit[16] = "mm[Hg]";
    num_cmp_t *c = arena_alloc(a, sizeof *c);
    *c = (num_cmp_t){ .op = CMP_LT, .lo = 65, .unit = unit, .scale = 1 };
    assert_string_equal(result_cmp_text(&cx, c), "< 65 mm[Hg]");
    const char *first = result_cmp_text(&cx, c);
    assert_string_equal(first, "< 65 mm[Hg]");
    c->lo = 70;
    assert_string_equal(result_cmp_text(&cx, c), "< 70 mm[Hg]");
    c->op = CMP_GE;
    assert_string_equal(result_cmp_text(&cx, c), "\u2265 70 mm[Hg]");
    strcpy(unit, "kPa");
    assert_string_equal(result_cmp_text(&cx, c), "\u2265 70 kPa");
    c->op = CMP_BETWEEN;
    c->hi = 80.5;
    assert_string_equal(result_cmp_text(&cx, c), "70\u201380.5 kPa");
    c->hi = 81;
    assert_string_equal(result_cmp_text(&cx, c), "70\u201381 kPa");
    c->unit = NULL;
    assert_string_equal(result_cmp_text(&cx, c), "70\u201381");
    /* The texts handed out are the caller's: the first is unchanged. */
    assert_string_equal(first, "< 65 mm[Hg]");
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kleene_tables),
        cmocka_unit_test(test_at_least),
        cmocka_unit_test(test_missing_propagates),
        cmocka_unit_test(test_held_for_timed_fact),
        cmocka_unit_test(test_held_for_untimed),
        cmocka_unit_test(test_needs_check),
        cmocka_unit_test(test_at_least_since),
        cmocka_unit_test(test_held_for_run_after_normal),
        cmocka_unit_test(test_held_for_run_after_gap),
        cmocka_unit_test(test_since_combination),
        cmocka_unit_test(test_trial_window),
        cmocka_unit_test(test_two_cohorts_met_report_none),
        cmocka_unit_test(test_not_evaluated),
        cmocka_unit_test(test_needs_check_keeps_possible_since),
        cmocka_unit_test(test_missing_only_from_unknown_criteria),
        cmocka_unit_test(test_no_window_from_unknown_anchor),
        cmocka_unit_test(test_lazy_format_conversions),
        cmocka_unit_test(test_lazy_format_refuses),
        cmocka_unit_test(test_lazy_format_long),
        cmocka_unit_test(test_lazy_reason_read_late),
        cmocka_unit_test(test_lazy_join),
        cmocka_unit_test(test_fmt_time_memo),
        cmocka_unit_test(test_num_memo),
        cmocka_unit_test(test_dur_memo),
        cmocka_unit_test(test_lazy_format_into),
        cmocka_unit_test(test_reason_into),
        cmocka_unit_test(test_cmp_text_memo),
        cmocka_unit_test(test_values_only_all),
        cmocka_unit_test(test_values_only_any),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
