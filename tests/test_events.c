/*
** test_events.c -- the demographic, event and presence leaves (events.c).
**
** Every leaf at its boundaries (just below, at, just above) and with its
** data missing: ages around birthdays and 29 February, condition statuses
** against the suspected flag and section completeness, look-backs by
** calendar months, procedure attributes, merged location stays and
** infusion courses, the since/until bounds of time windows, procedure
** durations, and facts of each type.
*/
#include "evaltest.h"

#include <stdio.h>

#define AT "2026-03-01T12:00:00Z"

static vocab *voc;

static int
setup(void **state)
{
    (void)state;
    voc = et_vocab();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    vocab_free(voc);
    return 0;
}

static void
assert_has(const char *s, const char *part)
{
    if (!s || !strstr(s, part))
        fail_msg("'%s' does not contain '%s'", s ? s : "(null)", part);
}

static void
assert_missing(const result *res, const char *item)
{
    if (!et_has_missing(res, item))
        fail_msg("'%s' not among the %d missing items", item, res->nmissing);
}

/* A rule on several concepts at once: "any of these". */
static rule *
leaf_n(record *r, rule_kind kind, int n, const char *const *names)
{
    rule *ru = et_rule(r, kind);
    const concept **cs = arena_alloc(r->a, (size_t)n * sizeof *cs);
    for (int i = 0; i < n; i++)
        cs[i] = et_concept(r, names[i]);
    ru->nconcepts = n;
    ru->concepts = cs;
    return ru;
}

/* ------------------------------------------------------------------ */
/* Age and sex                                                        */
/* ------------------------------------------------------------------ */

/* Age of someone born on birth, screened at at, against rule op lo hi. */
static result *
age_at(record **rp, const char *birth, const char *at, age_unit u,
       cmp_op op, double lo, double hi)
{
    record *r = et_record(voc, at);
    if (birth) {
        r->has_birth = 1;
        assert_int_equal(ts_parse_date(birth, &r->birth_y, &r->birth_m,
                                       &r->birth_d, NULL, 0), 0);
        r->birth_str = birth;
    }
    et_finish(r);
    rule *ru = et_rule(r, R_AGE);
    ru->age_unit = u;
    et_cmp(ru, op, lo, hi);
    *rp = r;
    return et_eval(r, ru);
}

static tv
age_value(const char *birth, const char *at, age_unit u, cmp_op op,
          double lo, double hi)
{
    record *r;
    tv v = age_at(&r, birth, at, u, op, lo, hi)->value;
    record_free(r);
    return v;
}

/* A lower bound is met since the birthday that reached it; an upper
** bound does not constrain since. */
static void
test_age_since(void **state)
{
    (void)state;
    static const struct {
        const char *birth; age_unit u; cmp_op op; double lo, hi; const char *since;
    } cases[] = {
        {"2008-03-01", AGE_YEARS, CMP_GE, 18, 0, "2026-03-01T00:00:00Z"},
        {"2008-02-29", AGE_YEARS, CMP_GE, 18, 0, "2026-03-01T00:00:00Z"},  /* common year */
        {"2004-02-29", AGE_YEARS, CMP_GE, 18, 0, "2022-03-01T00:00:00Z"},
        {"1970-05-01", AGE_YEARS, CMP_BETWEEN, 18, 75, "1988-05-01T00:00:00Z"},
        {"1970-05-01", AGE_YEARS, CMP_GT, 17, 0, "1988-05-01T00:00:00Z"},  /* > 17: 18 */
        {"2026-01-31", AGE_DAYS, CMP_GE, 29, 0, "2026-03-01T00:00:00Z"},
        {"2025-08-31", AGE_MONTHS, CMP_GE, 6, 0, "2026-03-01T00:00:00Z"},  /* no 31 Feb */
        {"1970-05-01", AGE_YEARS, CMP_LE, 75, 0, NULL},                    /* upper only */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r;
        result *res = age_at(&r, cases[i].birth, AT, cases[i].u, cases[i].op,
                             cases[i].lo, cases[i].hi);
        assert_int_equal(res->value, TV_MET);
        if (res->since != et_time(cases[i].since))
            fail_msg("case %zu: since %lld", i, (long long)res->since);
        record_free(r);
    }
}

static void
test_age_years_bounds(void **state)
{
    (void)state;
    record *r;
    result *res;

    /* 18th birthday on the screening day: 18, met. */
    res = age_at(&r, "2008-03-01", AT, AGE_YEARS, CMP_BETWEEN, 18, 75);
    assert_int_equal(res->value, TV_MET);
    assert_string_equal(result_reason(res), "age 18 y is within 18\u201375 y");
    /* A lower bound is met since the birthday that reached it. */
    assert_int_equal(res->since, et_time("2026-03-01T00:00:00Z"));
    assert_int_equal(res->since_early, et_time("2026-03-01T00:00:00Z"));
    assert_int_equal(res->nev, 1);
    assert_string_equal(res->ev[0].code, "birth_date");
    assert_string_equal(res->ev[0].value, "2008-03-01");
    assert_string_equal(res->ev[0].pointer, "/birth_date");
    record_free(r);

    /* One day short of 18. */
    res = age_at(&r, "2008-03-02", AT, AGE_YEARS, CMP_BETWEEN, 18, 75);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "age 17 y is below 18 y");
    record_free(r);

    assert_int_equal(age_value("1951-03-01", AT, AGE_YEARS, CMP_BETWEEN, 18, 75), TV_MET);
    assert_int_equal(age_value("1950-03-02", AT, AGE_YEARS, CMP_BETWEEN, 18, 75), TV_MET);
    res = age_at(&r, "1950-03-01", AT, AGE_YEARS, CMP_BETWEEN, 18, 75);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "age 76 y is above 75 y");
    record_free(r);

    /* Ages are taken at the UTC date: the last second before midnight. */
    assert_int_equal(age_value("2008-03-01", "2026-02-28T23:59:59Z", AGE_YEARS,
                               CMP_GE, 18, 0), TV_NOT_MET);

    /* "<= 18 years" allows 18 years and 364 days. */
    assert_int_equal(age_value("2007-03-02", AT, AGE_YEARS, CMP_LE, 18, 0), TV_MET);
    assert_int_equal(age_value("2007-03-01", AT, AGE_YEARS, CMP_LE, 18, 0), TV_NOT_MET);

    /* NCT04843982: inclusion <= 60, exclusion >= 60 both hold at 60. */
    assert_int_equal(age_value("1966-03-01", AT, AGE_YEARS, CMP_LE, 60, 0), TV_MET);
    assert_int_equal(age_value("1966-03-01", AT, AGE_YEARS, CMP_GE, 60, 0), TV_MET);
    assert_int_equal(age_value("1966-03-02", AT, AGE_YEARS, CMP_GE, 60, 0), TV_NOT_MET);
}

static void
test_age_29_february(void **state)
{
    (void)state;
    /* Completed on 1 March in common years, not on 28 February. */
    assert_int_equal(age_value("2008-02-29", "2026-02-28T12:00:00Z", AGE_YEARS,
                               CMP_GE, 18, 0), TV_NOT_MET);
    assert_int_equal(age_value("2008-02-29", "2026-03-01T00:00:00Z", AGE_YEARS,
                               CMP_GE, 18, 0), TV_MET);
    /* 17 the evening before; in a leap year, on the day itself. */
    assert_int_equal(age_value("2012-02-29", "2030-02-28T23:59:59Z", AGE_YEARS,
                               CMP_GE, 18, 0), TV_NOT_MET);
    assert_int_equal(age_value("2012-02-29", "2032-02-29T00:00:00Z", AGE_YEARS,
                               CMP_GE, 20, 0), TV_MET);
}

static void
test_age_days(void **state)
{
    (void)state;
    record *r;
    result *res;

    /* NCT03948048: at least 29 days. */
    res = age_at(&r, "2026-02-01", AT, AGE_DAYS, CMP_GE, 29, 0);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "age 28 d is below 29 d");
    record_free(r);
    res = age_at(&r, "2026-01-31", AT, AGE_DAYS, CMP_GE, 29, 0);
    assert_int_equal(res->value, TV_MET);
    assert_string_equal(result_reason(res), "age 29 d is at least 29 d");
    record_free(r);
    assert_int_equal(age_value("2026-01-30", AT, AGE_DAYS, CMP_GE, 29, 0), TV_MET);
    /* Months, for completeness: 1 month on the same day of the month. */
    assert_int_equal(age_value("2026-02-01", AT, AGE_MONTHS, CMP_GE, 1, 0), TV_MET);
    assert_int_equal(age_value("2026-02-02", AT, AGE_MONTHS, CMP_GE, 1, 0), TV_NOT_MET);
}

static void
test_age_missing(void **state)
{
    (void)state;
    record *r;
    result *res = age_at(&r, NULL, AT, AGE_YEARS, CMP_GE, 18, 0);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_int_equal(res->nmissing, 1);
    assert_string_equal(res->missing[0], "birth_date");
    record_free(r);

    /* Born after the screening time: nothing to compare. */
    res = age_at(&r, "2026-03-02", AT, AGE_DAYS, CMP_GE, 0, 0);
    assert_int_equal(res->value, TV_UNKNOWN);
    record_free(r);
}

static void
test_sex(void **state)
{
    (void)state;
    static const struct { sex s; tv want; } cases[] = {
        {SEX_FEMALE, TV_MET}, {SEX_MALE, TV_NOT_MET}, {SEX_OTHER, TV_NOT_MET},
        {SEX_UNKNOWN, TV_UNKNOWN}, {SEX_NONE, TV_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r = et_record(voc, AT);
        r->sex = cases[i].s;
        et_finish(r);
        rule *ru = et_rule(r, R_SEX);
        ru->sexes = 1u << SEX_FEMALE;
        result *res = et_eval(r, ru);
        assert_int_equal(res->value, cases[i].want);
        if (cases[i].want == TV_UNKNOWN)
            assert_missing(res, "sex");
        else
            assert_string_equal(res->ev[0].pointer, "/sex");
        /* Listing "unknown" accepts it. */
        ru->sexes |= 1u << SEX_UNKNOWN;
        if (cases[i].s == SEX_UNKNOWN)
            assert_int_equal(et_eval(r, ru)->value, TV_MET);
        record_free(r);
    }
}

/* ------------------------------------------------------------------ */
/* Conditions                                                         */
/* ------------------------------------------------------------------ */

static void
test_condition_status_table(void **state)
{
    (void)state;
    /* [status][suspected flag] with the section complete or not: entries
    ** decide either way. */
    static const tv want[4][2] = {
        [ST_ACTIVE] = {TV_MET, TV_MET},
        [ST_SUSPECTED] = {TV_UNKNOWN, TV_MET},
        [ST_RESOLVED] = {TV_NOT_MET, TV_NOT_MET},
        [ST_ABSENT] = {TV_NOT_MET, TV_NOT_MET},
    };
    for (int st = ST_ACTIVE; st <= ST_ABSENT; st++) {
        for (int susp = 0; susp < 2; susp++) {
            for (int comp = 0; comp < 2; comp++) {
                record *r = et_record(voc, AT);
                r->complete = comp ? SEC_CONDITIONS : 0;
                et_cond(r, "pulmonary_embolism", (cond_status)st, NULL)->src = 3;
                et_finish(r);
                rule *ru = et_leaf(r, R_CONDITION, "pulmonary_embolism");
                ru->suspected = susp;
                result *res = et_eval(r, ru);
                assert_int_equal(res->value, want[st][susp]);
                /* A suspected entry that is not enough must be
                ** confirmed or ruled out: it is listed as missing. */
                assert_int_equal(res->nmissing, want[st][susp] == TV_UNKNOWN);
                if (res->nmissing)
                    assert_string_equal(res->missing[0],
                                        "pulmonary_embolism (to be confirmed)");
                assert_int_equal(res->nev, 1);
                assert_string_equal(res->ev[0].pointer, "/conditions/3");
                if (st == ST_SUSPECTED && !susp)
                    assert_has(result_reason(res), "must be confirmed or ruled out");
                record_free(r);
            }
        }
    }
}

static void
test_condition_not_recorded(void **state)
{
    (void)state;
    for (int comp = 0; comp < 2; comp++) {
        record *r = et_record(voc, AT);
        r->complete = comp ? SEC_CONDITIONS : 0;
        et_cond(r, "sepsis", ST_ACTIVE, NULL);     /* another concept */
        et_finish(r);
        result *res = et_eval(r, et_leaf(r, R_CONDITION, "pregnancy"));
        if (comp) {
            assert_int_equal(res->value, TV_NOT_MET);
            assert_int_equal(res->nmissing, 0);
        } else {
            assert_int_equal(res->value, TV_UNKNOWN);
            assert_missing(res, "pregnancy");
        }
        record_free(r);
    }
}

static void
test_condition_since_and_entries(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_cond(r, "septic_shock", ST_ABSENT, NULL);
    et_cond(r, "septic_shock", ST_ACTIVE, "2026-02-28T23:00:00Z");
    et_finish(r);
    result *res = et_eval(r, et_leaf(r, R_CONDITION, "septic_shock"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    assert_true(res->since == et_time("2026-02-28T23:00:00Z"));
    assert_true(res->since_early == res->since);
    assert_true(res->until == TS_NONE);
    assert_int_equal(res->nev, 1);          /* only the entry that decided */
    assert_string_equal(result_reason(res), "septic_shock active since 2026-02-28 23:00");
    record_free(r);

    /* Without onset: untimed. */
    r = et_record(voc, AT);
    et_cond(r, "septic_shock", ST_ACTIVE, NULL);
    et_finish(r);
    res = et_eval(r, et_leaf(r, R_CONDITION, "septic_shock"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == TS_NONE);
    record_free(r);

    /* Resolved and suspected (suspicion not enough): unknown. */
    r = et_record(voc, AT);
    et_cond(r, "pulmonary_embolism", ST_RESOLVED, "2025-01-01T00:00:00Z");
    et_cond(r, "pulmonary_embolism", ST_SUSPECTED, "2026-03-01T10:00:00Z");
    et_finish(r);
    res = et_eval(r, et_leaf(r, R_CONDITION, "pulmonary_embolism"));
    assert_int_equal(res->value, TV_UNKNOWN);
    record_free(r);

    /* An active entry that ended before the screening time is over. */
    r = et_record(voc, AT);
    et_cond(r, "septic_shock", ST_ACTIVE, "2026-02-01T00:00:00Z")->end =
        et_time("2026-02-10T00:00:00Z");
    et_finish(r);
    res = et_eval(r, et_leaf(r, R_CONDITION, "septic_shock"));
    assert_int_equal(res->value, TV_NOT_MET);
    record_free(r);
}

static void
test_condition_any_of(void **state)
{
    (void)state;
    static const char *const obstructive[] = { "pulmonary_embolism", "pregnancy" };
    record *r = et_record(voc, AT);
    et_cond(r, "pulmonary_embolism", ST_ABSENT, NULL);
    et_cond(r, "pregnancy", ST_ACTIVE, "2026-01-01T00:00:00Z");
    et_finish(r);
    result *res = et_eval(r, leaf_n(r, R_CONDITION, 2, obstructive));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-01-01T00:00:00Z"));
    assert_has(result_reason(res), "pregnancy active");
    record_free(r);

    /* One ruled out, one not recorded: unknown, naming the missing one. */
    r = et_record(voc, AT);
    et_cond(r, "pulmonary_embolism", ST_ABSENT, NULL);
    et_finish(r);
    res = et_eval(r, leaf_n(r, R_CONDITION, 2, obstructive));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_int_equal(res->nmissing, 1);
    assert_string_equal(res->missing[0], "pregnancy");
    record_free(r);

    /* Both ruled out. */
    r = et_record(voc, AT);
    et_cond(r, "pulmonary_embolism", ST_ABSENT, NULL);
    et_cond(r, "pregnancy", ST_RESOLVED, NULL);
    et_finish(r);
    res = et_eval(r, leaf_n(r, R_CONDITION, 2, obstructive));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_int_equal(res->nev, 2);
    record_free(r);
}

static tv
mi_within(const char *at, const char *onset, cond_status st)
{
    record *r = et_record(voc, at);
    et_cond(r, "acute_myocardial_infarction", st, onset);
    et_finish(r);
    rule *ru = et_leaf(r, R_CONDITION, "acute_myocardial_infarction");
    ru->has_within = 1;
    ru->within = et_dur("6 mo");
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_condition_lookback_by_onset(void **state)
{
    (void)state;
    /* Six calendar months before 2026-03-01 12:00 is 2025-09-01 12:00. */
    assert_int_equal(mi_within(AT, "2025-09-01T12:00:00Z", ST_ACTIVE), TV_MET);
    assert_int_equal(mi_within(AT, "2025-09-01T11:59:59Z", ST_ACTIVE), TV_NOT_MET);
    /* Resolved or not, it counts by its onset. */
    assert_int_equal(mi_within(AT, "2025-12-01T00:00:00Z", ST_RESOLVED), TV_MET);
    assert_int_equal(mi_within(AT, "2025-12-01T00:00:00Z", ST_ABSENT), TV_NOT_MET);
    assert_int_equal(mi_within(AT, "2025-12-01T00:00:00Z", ST_SUSPECTED), TV_UNKNOWN);
    assert_int_equal(mi_within(AT, NULL, ST_ACTIVE), TV_UNKNOWN);
    /* Six months before 31 August is 28 February (no 31 February). */
    assert_int_equal(mi_within("2026-08-31T00:00:00Z", "2026-02-28T00:00:00Z",
                               ST_ACTIVE), TV_MET);
    assert_int_equal(mi_within("2026-08-31T00:00:00Z", "2026-02-27T23:59:59Z",
                               ST_ACTIVE), TV_NOT_MET);
}

/* ------------------------------------------------------------------ */
/* Procedures                                                         */
/* ------------------------------------------------------------------ */

static void
set_attr(record *r, proc_entry *e, const char *key, const char *val)
{
    e->keys = arena_alloc(r->a, sizeof *e->keys);
    e->vals = arena_alloc(r->a, sizeof *e->vals);
    e->keys[0] = key;
    e->vals[0] = val;
    e->nattrs = 1;
}

static void
test_procedure_ongoing(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_proc(r, "ecmo", "2026-03-01T09:00:00Z", NULL)->src = 1;
    et_finish(r);
    rule *ru = et_leaf(r, R_PROCEDURE, "ecmo");
    ru->ongoing = 1;
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    assert_true(res->since == et_time("2026-03-01T09:00:00Z"));
    assert_string_equal(res->ev[0].pointer, "/procedures/1");
    record_free(r);

    /* Ended: not ongoing, but done ("ongoing or done"). */
    r = et_record(voc, AT);
    et_proc(r, "ecmo", "2026-02-20T09:00:00Z", "2026-02-25T09:00:00Z");
    et_finish(r);
    ru = et_leaf(r, R_PROCEDURE, "ecmo");
    ru->ongoing = 1;
    assert_int_equal(et_eval(r, ru)->value, TV_NOT_MET);
    ru->ongoing = 0;
    assert_int_equal(et_eval(r, ru)->value, TV_MET);
    record_free(r);

    /* An end after the screening time is still running. */
    r = et_record(voc, AT);
    et_proc(r, "ecmo", "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z");
    et_finish(r);
    ru = et_leaf(r, R_PROCEDURE, "ecmo");
    ru->ongoing = 1;
    assert_int_equal(et_eval(r, ru)->value, TV_MET);
    record_free(r);

    /* Not recorded. */
    for (int comp = 0; comp < 2; comp++) {
        r = et_record(voc, AT);
        r->complete = comp ? SEC_PROCEDURES : 0;
        et_finish(r);
        ru = et_leaf(r, R_PROCEDURE, "ecmo");
        res = et_eval(r, ru);
        assert_int_equal(res->value, comp ? TV_NOT_MET : TV_UNKNOWN);
        assert_int_equal(res->nmissing, comp ? 0 : 1);
        record_free(r);
    }
}

/* Ongoing ECMO with attribute key = val (NULL: not given) against a list. */
static tv
ecmo_attr(const char *key, const char *val, int n, const char **allowed)
{
    record *r = et_record(voc, AT);
    proc_entry *e = et_proc(r, "ecmo", "2026-03-01T09:00:00Z", NULL);
    if (val)
        set_attr(r, e, key, val);
    et_finish(r);
    rule *ru = et_leaf(r, R_PROCEDURE, "ecmo");
    ru->ongoing = 1;
    ru->attr_key = key;
    ru->nattr_vals = n;
    ru->attr_vals = allowed;
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_procedure_attributes(void **state)
{
    (void)state;
    static const char *va_or_null[] = { "VA", NULL };
    static const char *bridge[] = { "bridge_to_vad", "bridge_to_transplant" };

    assert_int_equal(ecmo_attr("mode", "VA", 2, va_or_null), TV_MET);
    assert_int_equal(ecmo_attr("mode", "VV", 2, va_or_null), TV_NOT_MET);
    assert_int_equal(ecmo_attr("mode", NULL, 2, va_or_null), TV_MET);
    assert_int_equal(ecmo_attr("mode", NULL, 1, va_or_null), TV_UNKNOWN);
    assert_int_equal(ecmo_attr("intent", "bridge_to_transplant", 2, bridge), TV_MET);
    assert_int_equal(ecmo_attr("intent", "destination_therapy", 2, bridge), TV_NOT_MET);
    assert_int_equal(ecmo_attr("intent", NULL, 2, bridge), TV_UNKNOWN);
    /* Another attribute does not answer for the one asked. */
    record *r = et_record(voc, AT);
    set_attr(r, et_proc(r, "ecmo", "2026-03-01T09:00:00Z", NULL), "mode", "VA");
    et_finish(r);
    rule *ru = et_leaf(r, R_PROCEDURE, "ecmo");
    ru->attr_key = "intent";
    ru->nattr_vals = 2;
    ru->attr_vals = bridge;
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_has(result_reason(res), "intent not recorded");
    record_free(r);
}

/* "Present at some time in the last 48 h" (active_within): a septic shock
** resolved exactly 48 h ago was present at the start of the look-back,
** which includes its end; one resolved a second earlier was not. */
static tv
shock_active_within(const char *end)
{
    record *r = et_record(voc, AT);
    cond_entry *e = et_cond(r, "septic_shock", ST_RESOLVED, "2026-02-25T08:00:00Z");
    e->end = et_time(end);
    et_finish(r);
    rule *ru = et_leaf(r, R_CONDITION, "septic_shock");
    ru->has_within = 1;
    ru->active_within = 1;
    ru->within = et_dur("48 h");
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_condition_active_within_includes_its_start(void **state)
{
    (void)state;
    assert_int_equal(shock_active_within("2026-02-27T12:00:00Z"), TV_MET);
    assert_int_equal(shock_active_within("2026-02-27T11:59:59Z"), TV_NOT_MET);
    assert_int_equal(shock_active_within("2026-03-01T06:00:00Z"), TV_MET);
}

/* A fact with a look-back (fluid resuscitation assessed within 6 h):
** recorded exactly 6 h ago it still speaks for now; a second earlier it
** is stale, so unknown and listed as missing. */
static tv
fluids_within(const char *when)
{
    record *r = et_record(voc, AT);
    et_fact_bool(r, "adequate_fluid_resuscitation", 1, when);
    et_finish(r);
    rule *ru = et_leaf(r, R_FACT, "adequate_fluid_resuscitation");
    ru->fact_type = VAL_BOOL;
    ru->fact_bool = 1;
    ru->has_within = 1;
    ru->within = et_dur("6 h");
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_fact_within_includes_its_start(void **state)
{
    (void)state;
    assert_int_equal(fluids_within("2026-03-01T06:00:00Z"), TV_MET);
    assert_int_equal(fluids_within("2026-03-01T05:59:59Z"), TV_UNKNOWN);
    assert_int_equal(fluids_within(NULL), TV_MET);     /* untimed: current */
}

static tv
rrt_within(const char *start, const char *end)
{
    record *r = et_record(voc, AT);
    et_proc(r, "renal_replacement_therapy", start, end);
    et_finish(r);
    rule *ru = et_leaf(r, R_PROCEDURE, "renal_replacement_therapy");
    ru->has_within = 1;
    ru->within = et_dur("30 d");
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_procedure_within(void **state)
{
    (void)state;
    /* The look-back includes its end: 30 d before is 2026-01-30 12:00. */
    assert_int_equal(rrt_within("2026-01-20T00:00:00Z", "2026-01-30T12:00:00Z"), TV_MET);
    assert_int_equal(rrt_within("2026-01-20T00:00:00Z", "2026-01-30T11:59:59Z"), TV_NOT_MET);
    assert_int_equal(rrt_within("2025-06-01T00:00:00Z", NULL), TV_MET);
    assert_int_equal(rrt_within("2026-02-27T00:00:00Z", "2026-02-28T00:00:00Z"), TV_MET);
}

/* ------------------------------------------------------------------ */
/* Locations                                                          */
/* ------------------------------------------------------------------ */

static void
test_location_merge(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_loc(r, "icu", "2026-02-28T21:30:00Z", "2026-03-01T06:00:00Z")->src = 0;
    et_loc(r, "icu", "2026-03-01T06:00:00Z", NULL)->src = 1;
    et_finish(r);
    result *res = et_eval(r, et_leaf(r, R_LOCATION, "icu"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-02-28T21:30:00Z"));
    assert_int_equal(res->nev, 2);
    assert_string_equal(result_reason(res), "in icu since 2026-02-28 21:30");
    /* icu is not picu. */
    assert_int_equal(et_eval(r, et_leaf(r, R_LOCATION, "picu"))->value, TV_NOT_MET);
    record_free(r);

    /* A one-minute gap splits; overlapping stays merge. */
    r = et_record(voc, AT);
    et_loc(r, "icu", "2026-02-28T21:30:00Z", "2026-03-01T06:00:00Z");
    et_loc(r, "icu", "2026-03-01T06:01:00Z", "2026-03-01T10:00:00Z");
    et_loc(r, "icu", "2026-03-01T09:00:00Z", NULL);
    et_finish(r);
    res = et_eval(r, et_leaf(r, R_LOCATION, "icu"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-03-01T06:01:00Z"));
    record_free(r);
}

static void
test_location_end_exclusive(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_loc(r, "icu", "2026-02-28T21:30:00Z", AT);
    et_loc(r, "ward", AT, NULL);
    et_finish(r);
    result *res = et_eval(r, et_leaf(r, R_LOCATION, "icu"));
    assert_int_equal(res->value, TV_NOT_MET);
    res = et_eval(r, et_leaf(r, R_LOCATION, "ward"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time(AT));
    record_free(r);

    /* A second before the end, still there. */
    r = et_record(voc, "2026-03-01T11:59:59Z");
    et_loc(r, "icu", "2026-02-28T21:30:00Z", AT);
    et_finish(r);
    assert_int_equal(et_eval(r, et_leaf(r, R_LOCATION, "icu"))->value, TV_MET);
    record_free(r);
}

static void
test_location_not_recorded(void **state)
{
    (void)state;
    for (int comp = 0; comp < 2; comp++) {
        record *r = et_record(voc, AT);
        r->complete = comp ? SEC_LOCATIONS : 0;
        et_finish(r);
        result *res = et_eval(r, et_leaf(r, R_LOCATION, "picu"));
        assert_int_equal(res->value, comp ? TV_NOT_MET : TV_UNKNOWN);
        if (!comp)
            assert_missing(res, "picu");
        record_free(r);
    }
}

/*
** Only a stay elsewhere that covers the screening time proves "not in X
** now": an ED stay that ended hours ago leaves "in ICU now" unknown
** unless the locations are complete.
*/
static void
test_location_elsewhere_proves(void **state)
{
    (void)state;
    static const struct {
        const char *code, *start, *end;
        unsigned complete;
        tv want;
    } cases[] = {
        {"ward", "2026-02-28T10:00:00Z", "2026-02-28T16:00:00Z", 0, TV_UNKNOWN},
        {"ward", "2026-02-28T10:00:00Z", "2026-02-28T16:00:00Z", SEC_LOCATIONS, TV_NOT_MET},
        {"ward", "2026-02-28T10:00:00Z", NULL, 0, TV_NOT_MET},
        {"icu", "2026-02-28T10:00:00Z", "2026-03-01T11:00:00Z", 0, TV_UNKNOWN},
        {"icu", "2026-02-28T10:00:00Z", "2026-03-01T11:00:00Z", SEC_LOCATIONS, TV_NOT_MET},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r = et_record(voc, AT);
        r->complete = cases[i].complete;
        et_loc(r, cases[i].code, cases[i].start, cases[i].end);
        et_finish(r);
        result *res = et_eval(r, et_leaf(r, R_LOCATION, "icu"));
        if (res->value != cases[i].want)
            fail_msg("case %zu: %s, expected %s: %s", i, tv_name(res->value),
                     tv_name(cases[i].want), result_reason(res));
        if (cases[i].want == TV_UNKNOWN)
            assert_missing(res, "icu");
        record_free(r);
    }
}

/* A condition only women can have: absent for a man without entries,
** decided by entries when there are some, unknown for a woman. */
static void
test_condition_sex_specific(void **state)
{
    (void)state;
    concept *preg = vocab_edit(voc, "pregnancy");
    preg->sexes = 1u << SEX_FEMALE;
    static const struct { sex sx; int entry; tv want; } cases[] = {
        {SEX_MALE, 0, TV_NOT_MET},
        {SEX_FEMALE, 0, TV_UNKNOWN},
        {SEX_OTHER, 0, TV_UNKNOWN},
        {SEX_NONE, 0, TV_UNKNOWN},
        {SEX_MALE, 1, TV_MET},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r = et_record(voc, AT);
        r->sex = cases[i].sx;
        if (cases[i].entry)
            et_cond(r, "pregnancy", ST_ACTIVE, NULL);
        et_finish(r);
        result *res = et_eval(r, et_leaf(r, R_CONDITION, "pregnancy"));
        if (res->value != cases[i].want)
            fail_msg("case %zu: %s: %s", i, tv_name(res->value), result_reason(res));
        if (res->value == TV_NOT_MET)
            assert_int_equal(res->nmissing, 0);
        record_free(r);
    }
    preg->sexes = 0;
}

/* A narrower concept read from its broader one when it has no entries. */
static void
test_condition_narrower(void **state)
{
    (void)state;
    concept *narrow = vocab_edit(voc, "acute_myocardial_infarction");
    narrow->broader = vocab_find(voc, "pulmonary_embolism");   /* any two do */
    static const struct {
        int narrow_entry; cond_status broad; int broad_entry; unsigned complete; tv want;
    } cases[] = {
        {0, ST_ACTIVE, 1, 0, TV_UNKNOWN},               /* severity unknown */
        {0, ST_ACTIVE, 1, SEC_CONDITIONS, TV_UNKNOWN},
        {0, ST_ABSENT, 1, 0, TV_NOT_MET},               /* broad ruled out */
        {0, ST_RESOLVED, 1, 0, TV_NOT_MET},
        {0, ST_ACTIVE, 0, 0, TV_UNKNOWN},               /* neither listed */
        {0, ST_ACTIVE, 0, SEC_CONDITIONS, TV_NOT_MET},
        {1, ST_ACTIVE, 1, 0, TV_MET},                   /* the narrow decides */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r = et_record(voc, AT);
        r->complete = cases[i].complete;
        if (cases[i].narrow_entry)
            et_cond(r, "acute_myocardial_infarction", ST_ACTIVE, NULL);
        if (cases[i].broad_entry)
            et_cond(r, "pulmonary_embolism", cases[i].broad, "2026-02-28T10:00:00Z");
        et_finish(r);
        result *res = et_eval(r, et_leaf(r, R_CONDITION, "acute_myocardial_infarction"));
        if (res->value != cases[i].want)
            fail_msg("case %zu: %s: %s", i, tv_name(res->value), result_reason(res));
        if (i == 0) {
            assert_missing(res, "acute_myocardial_infarction");
            assert_int_equal(res->since_early, et_time("2026-02-28T10:00:00Z"));
        }
        record_free(r);
    }
    narrow->broader = NULL;
}

/* ------------------------------------------------------------------ */
/* Medications                                                        */
/* ------------------------------------------------------------------ */

static med_entry *
med(record *r, const char *name, med_kind kind, double amount, const char *start,
    const char *end)
{
    med_entry *m = et_infusion(r, name, amount, start, end);
    m->kind = kind;
    return m;
}

static void
test_medication_running(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    et_infusion(r, "norepinephrine", 1.1, "2026-03-01T07:00:00Z", NULL);
    et_finish(r);
    result *res = et_eval(r, et_leaf(r, R_MEDICATION, "norepinephrine"));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-03-01T02:00:00Z"));
    assert_int_equal(res->nev, 2);
    assert_string_equal(res->ev[1].value, "1.1");
    assert_string_equal(res->ev[1].unit, "ug/kg/min");
    record_free(r);

    /* Rate 0 now: not running. */
    r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    et_infusion(r, "norepinephrine", 0, "2026-03-01T07:00:00Z", NULL);
    et_finish(r);
    res = et_eval(r, et_leaf(r, R_MEDICATION, "norepinephrine"));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "norepinephrine is not running");
    record_free(r);

    /* Stopped at the screening time. */
    r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", AT);
    et_finish(r);
    assert_int_equal(et_eval(r, et_leaf(r, R_MEDICATION, "norepinephrine"))->value,
                     TV_NOT_MET);
    record_free(r);

    /* A regimen and a course without dose run; a single dose does not. */
    r = et_record(voc, AT);
    med(r, "hydrocortisone", MED_REGIMEN, 200, "2026-02-28T00:00:00Z", NULL);
    med(r, "tacrolimus", MED_DOSE, 2, "2026-03-01T08:00:00Z", NULL);
    med(r, "prednisolone", MED_COURSE, 0, "2026-02-01T00:00:00Z", NULL);
    et_finish(r);
    assert_int_equal(et_eval(r, et_leaf(r, R_MEDICATION, "hydrocortisone"))->value, TV_MET);
    assert_int_equal(et_eval(r, et_leaf(r, R_MEDICATION, "tacrolimus"))->value, TV_NOT_MET);
    assert_int_equal(et_eval(r, et_leaf(r, R_MEDICATION, "prednisolone"))->value, TV_MET);
    record_free(r);

    /* Not recorded. */
    for (int comp = 0; comp < 2; comp++) {
        r = et_record(voc, AT);
        r->complete = comp ? SEC_MEDICATIONS : 0;
        et_finish(r);
        res = et_eval(r, et_leaf(r, R_MEDICATION, "norepinephrine"));
        assert_int_equal(res->value, comp ? TV_NOT_MET : TV_UNKNOWN);
        assert_int_equal(res->nmissing, comp ? 0 : 1);
        record_free(r);
    }
}

/* Onset of the running norepinephrine course with a second interval
** starting at start2 (after a first one 02:00-07:00 at rate1). */
static ts_time
course_onset(double rate1, double rate_mid, const char *start2)
{
    record *r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", rate1, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    if (rate_mid >= 0)
        et_infusion(r, "norepinephrine", rate_mid, "2026-03-01T07:00:00Z", start2);
    et_infusion(r, "norepinephrine", 1.1, start2, NULL);
    et_finish(r);
    result *res = et_eval(r, et_leaf(r, R_MEDICATION, "norepinephrine"));
    ts_time t = res->value == TV_MET ? res->since : TS_NONE;
    record_free(r);
    return t;
}

/*
** One course across a class (clock.c, class_course): a switch from
** norepinephrine to vasopressin within the hour keeps the course, an
** epinephrine course that ended hours before is not part of it.  The full
** evaluation lists the course's entries as evidence; values_only (the
** HTML grid) skips gathering them, and must still give the same value
** and since-times.
*/
static void
test_medication_class_course(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_infusion(r, "epinephrine", 0.1, "2026-02-28T20:00:00Z", "2026-02-28T23:00:00Z");
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    et_infusion(r, "vasopressin", 0.03, "2026-03-01T07:30:00Z", NULL);
    et_finish(r);
    rule *ru = et_rule(r, R_MEDICATION);
    const concept **cs = arena_alloc(r->a, 3 * sizeof *cs);
    cs[0] = et_concept(r, "norepinephrine");
    cs[1] = et_concept(r, "epinephrine");
    cs[2] = et_concept(r, "vasopressin");
    ru->concepts = cs;
    ru->nconcepts = 3;
    ru->one_course = 1;
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-03-01T02:00:00Z"));
    assert_int_equal(res->nev, 2);
    assert_string_equal(res->ev[0].code, "norepinephrine");
    assert_string_equal(res->ev[0].value, "0.8");
    assert_string_equal(res->ev[1].code, "vasopressin");
    assert_true(res->ev[1].t == et_time("2026-03-01T07:30:00Z"));
    result *vo = et_eval_mode(r, ru, 1);
    assert_int_equal(vo->value, TV_MET);
    assert_true(vo->since == res->since && vo->since_early == res->since_early);
    assert_int_equal(vo->nev, 0);
    record_free(r);
}

static void
test_medication_course_merging(void **state)
{
    (void)state;
    /* Adjacent intervals merge. */
    assert_true(course_onset(0.8, -1, "2026-03-01T07:00:00Z")
                == et_time("2026-03-01T02:00:00Z"));
    /* A gap of up to 1 h (a syringe change) does not end the course... */
    assert_true(course_onset(0.8, -1, "2026-03-01T07:01:00Z")
                == et_time("2026-03-01T02:00:00Z"));
    assert_true(course_onset(0.8, -1, "2026-03-01T08:00:00Z")
                == et_time("2026-03-01T02:00:00Z"));
    /* ...a longer one does. */
    assert_true(course_onset(0.8, -1, "2026-03-01T08:00:01Z")
                == et_time("2026-03-01T08:00:01Z"));
    /* A rate of 0 in between is a pause: up to 1 h it keeps the course,
    ** longer it ends it. */
    assert_true(course_onset(0.8, 0, "2026-03-01T08:00:00Z")
                == et_time("2026-03-01T02:00:00Z"));
    assert_true(course_onset(0.8, 0, "2026-03-01T08:01:00Z")
                == et_time("2026-03-01T08:01:00Z"));
    /* A non-zero rate in between keeps it one course. */
    assert_true(course_onset(0.8, 0.5, "2026-03-01T08:00:00Z")
                == et_time("2026-03-01T02:00:00Z"));
}

static tv
tacrolimus_within(med_kind kind, const char *start, const char *end)
{
    record *r = et_record(voc, AT);
    med(r, "tacrolimus", kind, 2, start, end);
    et_finish(r);
    rule *ru = et_leaf(r, R_MEDICATION, "tacrolimus");
    ru->has_within = 1;
    ru->within = et_dur("30 d");
    result *res = et_eval(r, ru);
    tv v = res->value;
    if (v == TV_MET)    /* since the administration (course) began */
        assert_int_equal(res->since, et_time(start));
    record_free(r);
    return v;
}

/* "An infusion running at some time in the look-back": [start, end), so
** one that ended exactly at the look-back's start did not run in it. */
static tv
infusion_within(const char *end)
{
    record *r = et_record(voc, AT);
    r->complete = SEC_MEDICATIONS;
    et_infusion(r, "norepinephrine", 0.2, "2026-02-27T10:00:00Z", end);
    et_finish(r);
    rule *ru = et_leaf(r, R_MEDICATION, "norepinephrine");
    ru->has_within = 1;
    ru->within = et_dur("48 h");
    ru->infusion = 1;
    tv v = et_eval(r, ru)->value;
    record_free(r);
    return v;
}

static void
test_medication_within(void **state)
{
    (void)state;
    assert_int_equal(infusion_within("2026-02-27T12:00:00Z"), TV_NOT_MET);
    assert_int_equal(infusion_within("2026-02-27T12:00:01Z"), TV_MET);
    assert_int_equal(tacrolimus_within(MED_DOSE, "2026-01-30T12:00:00Z", NULL), TV_MET);
    assert_int_equal(tacrolimus_within(MED_DOSE, "2026-01-30T11:59:59Z", NULL), TV_NOT_MET);
    assert_int_equal(tacrolimus_within(MED_REGIMEN, "2025-12-01T00:00:00Z", NULL), TV_MET);
    assert_int_equal(tacrolimus_within(MED_REGIMEN, "2025-12-01T00:00:00Z",
                                       "2026-01-30T12:00:00Z"), TV_MET);
    assert_int_equal(tacrolimus_within(MED_REGIMEN, "2025-12-01T00:00:00Z",
                                       "2026-01-30T11:59:00Z"), TV_NOT_MET);
    assert_int_equal(tacrolimus_within(MED_COURSE, "2026-02-10T00:00:00Z", NULL), TV_MET);

    /* Any of several drugs, one given. */
    static const char *const immuno[] = { "tacrolimus", "prednisolone" };
    record *r = et_record(voc, AT);
    r->complete = SEC_MEDICATIONS;
    med(r, "prednisolone", MED_DOSE, 50, "2026-02-20T00:00:00Z", NULL);
    et_finish(r);
    rule *ru = leaf_n(r, R_MEDICATION, 2, immuno);
    ru->has_within = 1;
    ru->within = et_dur("30 d");
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_has(result_reason(res), "prednisolone given 2026-02-20 00:00");
    record_free(r);
}

/* ------------------------------------------------------------------ */
/* Time since an event                                                */
/* ------------------------------------------------------------------ */

/* norepinephrine from 02:00 (two adjacent intervals), 6-24 h window. */
static result *
noradr_window(record **rp, const char *at)
{
    record *r = et_record(voc, at);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    et_infusion(r, "norepinephrine", 1.1, "2026-03-01T07:00:00Z", NULL);
    et_finish(r);
    rule *ru = et_leaf(r, R_TIME_SINCE, "norepinephrine");
    ru->event = EV_MEDICATION;
    ru->dcmp.op = CMP_BETWEEN;
    ru->dcmp.lo = et_dur("6 h");
    ru->dcmp.hi = et_dur("24 h");
    *rp = r;
    return et_eval(r, ru);
}

/*
** "Until" of a combination: all of two time windows holds until the first
** one closes, any of them until the last one closes (norepinephrine since
** 02:00: "6 to 24 h" closes 03-02 02:00, "at most 12 h" closes 03-01
** 14:00).  The NDJSON criterion reports it as "until".
*/
static void
test_time_windows_combined_until(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", NULL);
    et_finish(r);
    rule *late = et_leaf(r, R_TIME_SINCE, "norepinephrine");
    late->event = EV_MEDICATION;
    late->dcmp.op = CMP_BETWEEN;
    late->dcmp.lo = et_dur("6 h");
    late->dcmp.hi = et_dur("24 h");
    rule *early = et_leaf(r, R_TIME_SINCE, "norepinephrine");
    early->event = EV_MEDICATION;
    early->dcmp.op = CMP_LE;
    early->dcmp.lo = et_dur("12 h");
    result *all = et_eval(r, et_combine(r, R_ALL, 2, late, early));
    assert_int_equal(all->value, TV_MET);
    assert_true(all->until == et_time("2026-03-01T14:00:00Z"));
    result *any = et_eval(r, et_combine(r, R_ANY, 2, early, late));
    assert_int_equal(any->value, TV_MET);
    assert_true(any->until == et_time("2026-03-02T02:00:00Z"));
    record_free(r);
}

static void
test_time_since_between(void **state)
{
    (void)state;
    static const struct { const char *at; tv want; } cases[] = {
        {"2026-03-01T07:59:00Z", TV_NOT_MET},   /* 5 h 59 */
        {"2026-03-01T08:00:00Z", TV_MET},       /* 6 h */
        {"2026-03-02T02:00:00Z", TV_MET},       /* 24 h */
        {"2026-03-02T02:01:00Z", TV_NOT_MET},   /* 24 h 01 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        record *r;
        result *res = noradr_window(&r, cases[i].at);
        assert_int_equal(res->value, cases[i].want);
        /* The window is reported whatever the value. */
        assert_true(res->since != TS_NONE);
        assert_true(res->since == et_time("2026-03-01T08:00:00Z"));
        assert_true(res->until == et_time("2026-03-02T02:00:00Z"));
        record_free(r);
    }
    record *r;
    result *res = noradr_window(&r, AT);
    assert_string_equal(result_reason(res),
                        "norepinephrine started 2026-03-01 02:00, 10 h 0 min ago (6\u201324 h)");
    assert_int_equal(res->nev, 2);
    record_free(r);
}

static void
test_time_since_not_running(void **state)
{
    (void)state;
    rule *ru;
    for (int comp = 0; comp < 2; comp++) {
        record *r = et_record(voc, AT);
        r->complete = comp ? SEC_MEDICATIONS : 0;
        et_finish(r);
        ru = et_leaf(r, R_TIME_SINCE, "norepinephrine");
        ru->event = EV_MEDICATION;
        ru->dcmp.op = CMP_BETWEEN;
        ru->dcmp.lo = et_dur("6 h");
        ru->dcmp.hi = et_dur("24 h");
        result *res = et_eval(r, ru);
        assert_int_equal(res->value, comp ? TV_NOT_MET : TV_UNKNOWN);
        assert_true(res->since == TS_NONE);
        record_free(r);
    }
    /* Recorded but stopped: not met even in an incomplete section. */
    record *r = et_record(voc, AT);
    et_infusion(r, "norepinephrine", 0.8, "2026-03-01T02:00:00Z", "2026-03-01T07:00:00Z");
    et_finish(r);
    ru = et_leaf(r, R_TIME_SINCE, "norepinephrine");
    ru->event = EV_MEDICATION;
    ru->dcmp.op = CMP_GE;
    ru->dcmp.lo = et_dur("6 h");
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "norepinephrine is not running");
    record_free(r);
}

static result *
ecmo_since(record **rp, const char *at, cmp_op op)
{
    record *r = et_record(voc, at);
    et_proc(r, "ecmo", "2026-03-01T09:00:00Z", NULL);
    et_finish(r);
    rule *ru = et_leaf(r, R_TIME_SINCE, "ecmo");
    ru->event = EV_PROCEDURE;
    ru->ongoing = 1;
    ru->dcmp.op = op;
    ru->dcmp.lo = et_dur("24 h");
    *rp = r;
    return et_eval(r, ru);
}

static void
test_time_since_ecmo_below(void **state)
{
    (void)state;
    record *r;
    ts_time start = et_time("2026-03-01T09:00:00Z");

    result *res = ecmo_since(&r, "2026-03-02T08:59:00Z", CMP_LT);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == start);
    assert_true(res->until == start + 24 * TS_HOUR);
    record_free(r);

    res = ecmo_since(&r, "2026-03-02T09:00:00Z", CMP_LT);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_true(res->since == start);
    assert_true(res->until == start + 24 * TS_HOUR);
    assert_has(result_reason(res), "ecmo started 2026-03-01 09:00, 24 h 0 min ago (< 24 h)");
    record_free(r);

    /* at_most includes the bound. */
    res = ecmo_since(&r, "2026-03-02T09:00:00Z", CMP_LE);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->until == start + 24 * TS_HOUR);
    record_free(r);

    /* "More than 24 h" starts one second after. */
    res = ecmo_since(&r, "2026-03-02T09:00:00Z", CMP_GT);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_true(res->since == start + 24 * TS_HOUR);
    assert_true(res->until == TS_NONE);
    record_free(r);
    res = ecmo_since(&r, "2026-03-02T09:00:01Z", CMP_GT);
    assert_int_equal(res->value, TV_MET);
    record_free(r);

    /* ECMO ended: no ongoing entry, not met. */
    r = et_record(voc, AT);
    et_proc(r, "ecmo", "2026-02-20T09:00:00Z", "2026-02-21T09:00:00Z");
    et_finish(r);
    rule *ru = et_leaf(r, R_TIME_SINCE, "ecmo");
    ru->event = EV_PROCEDURE;
    ru->ongoing = 1;
    ru->dcmp.op = CMP_LT;
    ru->dcmp.lo = et_dur("24 h");
    assert_int_equal(et_eval(r, ru)->value, TV_NOT_MET);
    /* Without "ongoing", the latest entry's start counts. */
    ru->ongoing = 0;
    ru->dcmp.op = CMP_GT;
    res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time("2026-02-21T09:00:00Z"));
    record_free(r);
}

static void
test_time_since_condition_location(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_cond(r, "septic_shock", ST_ACTIVE, "2026-02-28T12:00:00Z");
    et_cond(r, "sepsis", ST_ACTIVE, NULL);
    et_loc(r, "icu", "2026-03-01T03:00:00Z", "2026-03-01T05:00:00Z");
    et_loc(r, "icu", "2026-03-01T05:00:00Z", NULL);
    et_finish(r);

    rule *ru = et_leaf(r, R_TIME_SINCE, "septic_shock");
    ru->event = EV_CONDITION;
    ru->dcmp.op = CMP_GE;
    ru->dcmp.lo = et_dur("1 d");
    result *res = et_eval(r, ru);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == et_time(AT));

    ru = et_leaf(r, R_TIME_SINCE, "sepsis");
    ru->event = EV_CONDITION;
    ru->dcmp.op = CMP_GE;
    ru->dcmp.lo = et_dur("1 d");
    res = et_eval(r, ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_has(result_reason(res), "onset of sepsis not recorded");

    ru = et_leaf(r, R_TIME_SINCE, "icu");
    ru->event = EV_LOCATION;
    ru->dcmp.op = CMP_GT;
    ru->dcmp.lo = et_dur("9 h");
    res = et_eval(r, ru);
    assert_int_equal(res->value, TV_NOT_MET);   /* exactly 9 h */
    assert_true(res->since == et_time("2026-03-01T12:00:00Z"));
    record_free(r);
}

/* ------------------------------------------------------------------ */
/* Durations                                                          */
/* ------------------------------------------------------------------ */

static result *
cpr_lasting(record **rp, const char *start, const char *end)
{
    record *r = et_record(voc, AT);
    if (start)
        et_proc(r, "cpr", start, end);
    et_finish(r);
    rule *ru = et_leaf(r, R_DURATION, "cpr");
    ru->event = EV_PROCEDURE;
    ru->dcmp.op = CMP_GT;
    ru->dcmp.lo = et_dur("30 min");
    *rp = r;
    return et_eval(r, ru);
}

static void
test_duration_cpr(void **state)
{
    (void)state;
    record *r;
    result *res = cpr_lasting(&r, "2026-02-28T10:00:00Z", "2026-02-28T10:30:00Z");
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "cpr lasted 30 min (> 30 min)");
    record_free(r);

    res = cpr_lasting(&r, "2026-02-28T10:00:00Z", "2026-02-28T10:31:00Z");
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    /* since the written boundary, start + 30 min, as time_since reports */
    assert_true(res->since == et_time("2026-02-28T10:30:00Z"));
    assert_true(res->until == TS_NONE);
    record_free(r);

    /* Ongoing for 20 min: not met yet, met from 30 min + 1 s. */
    res = cpr_lasting(&r, "2026-03-01T11:40:00Z", NULL);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_string_equal(result_reason(res), "cpr ongoing for 20 min (> 30 min)");
    assert_true(res->since != TS_NONE);
    assert_true(res->since == et_time("2026-03-01T12:10:01Z"));
    record_free(r);

    res = cpr_lasting(&r, "2026-03-01T11:29:00Z", NULL);
    assert_int_equal(res->value, TV_MET);
    record_free(r);

    res = cpr_lasting(&r, NULL, NULL);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_missing(res, "cpr");
    record_free(r);
}

/* ------------------------------------------------------------------ */
/* Facts                                                              */
/* ------------------------------------------------------------------ */

static rule *
bool_rule(record *r, const char *name, int want)
{
    rule *ru = et_leaf(r, R_FACT, name);
    ru->fact_type = VAL_BOOL;
    ru->fact_bool = want;
    return ru;
}

static void
test_fact_bool(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_fact_bool(r, "informed_consent", 1, NULL);
    et_fact_bool(r, "refractory_arrhythmia", 0, NULL);
    et_finish(r);
    result *res = et_eval(r, bool_rule(r, "informed_consent", 1));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == TS_NONE);
    assert_string_equal(res->ev[0].pointer, "/facts/informed_consent");
    assert_string_equal(res->ev[0].value, "true");
    assert_int_equal(et_eval(r, bool_rule(r, "informed_consent", 0))->value, TV_NOT_MET);
    assert_int_equal(et_eval(r, bool_rule(r, "refractory_arrhythmia", 1))->value,
                     TV_NOT_MET);
    assert_int_equal(et_eval(r, bool_rule(r, "refractory_arrhythmia", 0))->value, TV_MET);
    res = et_eval(r, bool_rule(r, "adequate_fluid_resuscitation", 1));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_missing(res, "adequate_fluid_resuscitation");
    record_free(r);
}

static void
test_fact_types(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    fact_entry *f = facts_set_fact(r, et_concept(r, "informed_consent"));
    f->type = VAL_STRING;
    f->s = "yes";
    f->t = TS_NONE;
    f = facts_set_fact(r, et_concept(r, "refractory_arrhythmia"));
    f->type = VAL_NUMBER;
    f->n = 3;
    f->t = TS_NONE;
    et_finish(r);

    /* Only a boolean can be true or false. */
    result *res = et_eval(r, bool_rule(r, "informed_consent", 1));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_has(result_reason(res), "not true or false");
    assert_int_equal(et_eval(r, bool_rule(r, "refractory_arrhythmia", 1))->value,
                     TV_UNKNOWN);

    /* Strings compare with equals. */
    rule *ru = et_leaf(r, R_FACT, "informed_consent");
    ru->fact_type = VAL_STRING;
    ru->fact_str = "yes";
    assert_int_equal(et_eval(r, ru)->value, TV_MET);
    ru->fact_str = "no";
    assert_int_equal(et_eval(r, ru)->value, TV_NOT_MET);

    /* Numbers compare with thresholds, boundaries included as written. */
    ru = et_leaf(r, R_FACT, "refractory_arrhythmia");
    et_cmp(ru, CMP_GT, 3, 0);
    assert_int_equal(et_eval(r, ru)->value, TV_NOT_MET);
    et_cmp(ru, CMP_GE, 3, 0);
    assert_int_equal(et_eval(r, ru)->value, TV_MET);
    /* A string is not a number. */
    ru = et_leaf(r, R_FACT, "informed_consent");
    et_cmp(ru, CMP_GE, 3, 0);
    assert_int_equal(et_eval(r, ru)->value, TV_UNKNOWN);
    record_free(r);
}

static void
test_fact_timed(void **state)
{
    (void)state;
    record *r = et_record(voc, AT);
    et_fact_bool(r, "adequate_fluid_resuscitation", 1, "2026-03-01T08:00:00Z");
    et_fact_bool(r, "informed_consent", 1, "2026-03-01T13:00:00Z");   /* future */
    et_finish(r);
    result *res = et_eval(r, bool_rule(r, "adequate_fluid_resuscitation", 1));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    assert_true(res->since == et_time("2026-03-01T08:00:00Z"));
    assert_true(res->since_early == res->since);
    /* Recorded after the screening time: not there yet. */
    assert_int_equal(et_eval(r, bool_rule(r, "informed_consent", 1))->value, TV_UNKNOWN);
    record_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_years_bounds),
        cmocka_unit_test(test_age_since),
        cmocka_unit_test(test_age_29_february),
        cmocka_unit_test(test_age_days),
        cmocka_unit_test(test_age_missing),
        cmocka_unit_test(test_sex),
        cmocka_unit_test(test_condition_status_table),
        cmocka_unit_test(test_condition_not_recorded),
        cmocka_unit_test(test_condition_since_and_entries),
        cmocka_unit_test(test_condition_any_of),
        cmocka_unit_test(test_condition_lookback_by_onset),
        cmocka_unit_test(test_procedure_ongoing),
        cmocka_unit_test(test_procedure_attributes),
        cmocka_unit_test(test_procedure_within),
        cmocka_unit_test(test_location_merge),
        cmocka_unit_test(test_location_end_exclusive),
        cmocka_unit_test(test_location_not_recorded),
        cmocka_unit_test(test_location_elsewhere_proves),
        cmocka_unit_test(test_condition_sex_specific),
        cmocka_unit_test(test_condition_narrower),
        cmocka_unit_test(test_medication_running),
        cmocka_unit_test(test_medication_class_course),
        cmocka_unit_test(test_medication_course_merging),
        cmocka_unit_test(test_medication_within),
        cmocka_unit_test(test_time_since_between),
        cmocka_unit_test(test_condition_active_within_includes_its_start),
        cmocka_unit_test(test_fact_within_includes_its_start),
        cmocka_unit_test(test_time_windows_combined_until),
        cmocka_unit_test(test_time_since_not_running),
        cmocka_unit_test(test_time_since_ecmo_below),
        cmocka_unit_test(test_time_since_condition_location),
        cmocka_unit_test(test_duration_cpr),
        cmocka_unit_test(test_fact_bool),
        cmocka_unit_test(test_fact_types),
        cmocka_unit_test(test_fact_timed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
