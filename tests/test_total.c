/*
** test_total.c -- the total leaf (src/total.c) at its boundaries: the
** look-back (now - W, now] for doses (a dose exactly W old does not
** count) and infusions (only the part inside), unit conversion of doses
** and rates, lower bounds when medications are not complete or an amount
** cannot be converted, and the since-time (when the total was reached);
** plus "known" conditions and first_of starts (clock.c, events.c).
*/
#define ET_VOCAB_FIXTURE
#include "evaltest.h"

#include <stdio.h>

#define AT "2026-03-01T12:00:00Z"

static void
given(record *r, const char *name, med_kind kind, double raw, const char *unit,
      const char *start, const char *end)
{
    med_entry *m = facts_add_med(r, et_concept(r, name));
    m->kind = kind;
    m->raw = raw;
    m->unit = unit;
    m->start = et_time(start);
    m->end = et_time(end);
}

/* total: [crystalloid, colloid], within: 24 h, at_least: 1 L. */
static rule *
total_rule(record *r)
{
    rule *ru = et_leaf(r, R_TOTAL, "crystalloid");
    const concept **cs = arena_alloc(r->a, 2 * sizeof *cs);
    cs[0] = et_concept(r, "crystalloid");
    cs[1] = et_concept(r, "colloid");
    ru->concepts = cs;
    ru->nconcepts = 2;
    et_cmp(ru, CMP_GE, 1, 0);
    ru->cmp.unit = "L";
    ru->cmp.scale = 0.001;
    ru->has_within = 1;
    ru->within = et_dur("24 h");
    return ru;
}

static record *
fresh(int complete)
{
    record *r = et_record(V, AT);
    if (complete)
        r->complete |= SEC_MEDICATIONS;
    return r;
}

static tv
total_of(record *r, ts_time *since)
{
    et_finish(r);
    result *res = et_eval(r, total_rule(r));
    if (since)
        *since = res->since;
    tv v = res->value;
    record_free(r);
    return v;
}

static void
dose_window_edges(void **state)
{
    (void)state;
    record *r = fresh(1);
    given(r, "crystalloid", MED_DOSE, 1, "L", "2026-02-28T12:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_NOT_MET);        /* exactly 24 h old */
    r = fresh(1);
    given(r, "crystalloid", MED_DOSE, 1000, "mL", "2026-02-28T12:00:01Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_MET);
    r = fresh(1);
    given(r, "crystalloid", MED_DOSE, 500, "mL", "2026-03-01T03:00:00Z", NULL);
    given(r, "colloid", MED_DOSE, 0.499, "L", "2026-03-01T05:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_NOT_MET);        /* 999 mL */
}

static void
infusion_part_inside(void **state)
{
    (void)state;
    ts_time since;
    /* 100 mL/h 02:00-22:00 the day before: 10 h inside = 1 L exactly. */
    record *r = fresh(1);
    given(r, "crystalloid", MED_INFUSION, 100, "mL/h", "2026-02-28T02:00:00Z",
          "2026-02-28T22:00:00Z");
    assert_int_equal(total_of(r, &since), TV_MET);
    assert_int_equal(since, et_time("2026-02-28T22:00:00Z"));
    r = fresh(1);
    given(r, "crystalloid", MED_INFUSION, 100, "mL/h", "2026-02-28T02:00:00Z",
          "2026-02-28T21:59:00Z");
    assert_int_equal(total_of(r, NULL), TV_NOT_MET);
    /* Running now: 4 mL/min since 07:50 = 1 L at 12:00. */
    r = fresh(1);
    given(r, "colloid", MED_INFUSION, 4, "mL/min", "2026-03-01T07:50:00Z", NULL);
    assert_int_equal(total_of(r, &since), TV_MET);
    assert_int_equal(since, et_time(AT));
    /* 0.5 L/h from 09:00: 1 L reached at 11:00. */
    r = fresh(1);
    given(r, "crystalloid", MED_INFUSION, 0.5, "L/h", "2026-03-01T09:00:00Z", NULL);
    assert_int_equal(total_of(r, &since), TV_MET);
    assert_int_equal(since, et_time("2026-03-01T11:00:00Z"));
}

static void
lower_bounds(void **state)
{
    (void)state;
    record *r = fresh(0);
    given(r, "crystalloid", MED_DOSE, 600, "mL", "2026-03-01T08:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_UNKNOWN);        /* not complete */
    r = fresh(0);
    given(r, "crystalloid", MED_DOSE, 1.2, "L", "2026-03-01T08:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_MET);
    r = fresh(1);
    given(r, "crystalloid", MED_DOSE, 600, "mL", "2026-03-01T08:00:00Z", NULL);
    given(r, "colloid", MED_DOSE, 20, "g", "2026-03-01T09:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_UNKNOWN);        /* g is not a volume */
    r = fresh(1);
    given(r, "crystalloid", MED_COURSE, 0, NULL, "2026-03-01T08:00:00Z", NULL);
    assert_int_equal(total_of(r, NULL), TV_UNKNOWN);        /* no amount */
    r = fresh(1);
    assert_int_equal(total_of(r, NULL), TV_NOT_MET);        /* none, complete */
}

static tv
pregnancy_known(cond_status st)
{
    record *r = et_record(V, AT);
    et_cond(r, "pregnancy", st, NULL);
    et_finish(r);
    rule *ru = et_leaf(r, R_CONDITION, "pregnancy");
    ru->known = 1;
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
known_condition(void **state)
{
    (void)state;
    assert_int_equal(pregnancy_known(ST_ACTIVE), TV_MET);
    assert_int_equal(pregnancy_known(ST_SUSPECTED), TV_NOT_MET);
    assert_int_equal(pregnancy_known(ST_ABSENT), TV_NOT_MET);
}

/* time_since {first_of: [{condition: septic_shock}, {medication: [norepi,
** vasopressin]}]} above 12 h: the earliest known start.  Its reason (which
** names the event that started it, or why none did) is kept in
** first_reason; values_only (the HTML grid), which makes no reason, must
** give the same value and times. */
static char first_reason[256];

static tv
first_of(const char *onset, cond_status st, const char *norepi_start)
{
    record *r = et_record(V, AT);
    r->complete |= SEC_MEDICATIONS;
    if (onset || st != ST_ACTIVE)
        et_cond(r, "septic_shock", st, onset);
    if (norepi_start) {
        et_infusion(r, "norepinephrine", 0.2, norepi_start, "2026-03-01T06:00:00Z");
        et_infusion(r, "vasopressin", 0.0004, "2026-03-01T06:00:00Z", NULL);
    }
    et_finish(r);
    rule *shock = et_leaf(r, R_TIME_SINCE, "septic_shock");
    shock->event = EV_CONDITION;
    rule *course = et_leaf(r, R_TIME_SINCE, "norepinephrine");
    const concept **cs = arena_alloc(r->a, 2 * sizeof *cs);
    cs[0] = et_concept(r, "norepinephrine");
    cs[1] = et_concept(r, "vasopressin");
    course->concepts = cs;
    course->nconcepts = 2;
    course->event = EV_MEDICATION;
    course->one_course = 1;
    rule *ru = et_leaf(r, R_TIME_SINCE, "septic_shock");
    ru->event = EV_FIRST_OF;
    ru->events = arena_alloc(r->a, 2 * sizeof *ru->events);
    ru->events[0] = shock;
    ru->events[1] = course;
    ru->nevents = 2;
    ru->dcmp.op = CMP_GT;
    ru->dcmp.lo = et_dur("12 h");
    const result *res = et_eval(r, ru);
    tv v = res->value;
    snprintf(first_reason, sizeof first_reason, "%s", result_reason(res));
    const result *vo = et_eval_mode(r, ru, 1);
    assert_int_equal(vo->value, v);
    assert_true(vo->since == res->since && vo->until == res->until);
    record_free(r);
    return v;
}

static void
first_of_starts(void **state)
{
    (void)state;
    /* The switch at 06:00 does not restart the course begun at 23:00. */
    assert_int_equal(first_of(NULL, ST_ACTIVE, "2026-02-28T23:00:00Z"), TV_MET);
    assert_non_null(strstr(first_reason, "earliest known start (drug course started)"));
    assert_int_equal(first_of(NULL, ST_ACTIVE, "2026-03-01T00:00:00Z"), TV_NOT_MET);
    /* An active onset earlier than the course decides. */
    assert_int_equal(first_of("2026-02-28T23:00:00Z", ST_ACTIVE,
                              "2026-03-01T02:00:00Z"), TV_MET);
    assert_non_null(strstr(first_reason, "earliest known start (septic_shock onset)"));
    /* A suspected onset is not a known start. */
    assert_int_equal(first_of("2026-02-28T23:00:00Z", ST_SUSPECTED,
                              "2026-03-01T02:00:00Z"), TV_NOT_MET);
    /* Neither known: unknown. */
    assert_int_equal(first_of(NULL, ST_SUSPECTED, NULL), TV_UNKNOWN);
    if (strncmp(first_reason, "no start known (", 16) != 0 || strlen(first_reason) < 20)
        fail_msg("reason '%s' does not say why no start is known", first_reason);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dose_window_edges),
        cmocka_unit_test(infusion_part_inside),
        cmocka_unit_test(lower_bounds),
        cmocka_unit_test(known_condition),
        cmocka_unit_test(first_of_starts),
    };
    return cmocka_run_group_tests(tests, et_vocab_setup, et_vocab_teardown);
}
