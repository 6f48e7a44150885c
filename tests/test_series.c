/*
** test_series.c -- the time-series leaves (series.c): latest, any/all
** values, sustained, episode and consecutive values, each at its
** boundaries, with unusable samples and with no data, and the exact
** since/since_early they report.
**
** Times are written as minutes before the screening time (12:00) so that
** each boundary is visible in the test: "61 min ago" against a 1 h gap.
*/
#define ET_RECORD_FIXTURE
#include "evaltest.h"

/* An unusable sample: a string where a number is needed. */
static sample *
obs_text(const char *name, const char *text, int minutes)
{
    sample *s = facts_add_sample(R, et_concept(R, name));
    s->t = ago(minutes);
    s->type = VAL_STRING;
    s->str = text;
    s->src = next_src++;
    return s;
}

static rule *
leaf(rule_kind kind, const char *name, cmp_op op, double lo)
{
    rule *ru = et_leaf(R, kind, name);
    et_cmp(ru, op, lo, 0);
    return ru;
}

static void
within(rule *ru, const char *d)
{
    ru->has_within = 1;
    ru->within = et_dur(d);
}

/*
** {======================================================
** latest
** =======================================================
*/

static void
latest_met_since_after_normal(void **state)
{
    (void)state;
    obs("map", 80, 5 * H);
    obs("map", 60, 4 * H);
    obs("map", 58, 2 * H);
    obs("map", 55, 30);
    result *res = run(leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    assert_int_equal(res->since, ago(4 * H));
    assert_int_equal(res->since_early, ago(4 * H));
    assert_int_equal(res->until, TS_NONE);
    assert_string_equal(result_reason(res), "latest MAP 55 mm[Hg] at 2026-03-01 11:30 is < 65 mm[Hg]");
    assert_int_equal(res->nev, 1);
    assert_string_equal(res->ev[0].code, "map");
    assert_string_equal(res->ev[0].value, "55");
    assert_string_equal(res->ev[0].unit, "mm[Hg]");
    assert_string_equal(res->ev[0].pointer, "/observations/3");
    assert_int_equal(res->ev[0].t, ago(30));
}

static void
latest_run_reaches_start_of_data(void **state)
{
    (void)state;
    obs("map", 60, 4 * H);
    obs("map", 55, 30);
    result *res = run(leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    /* Certainly since the run's first sample; possibly since before the
    ** data began (unbounded). */
    assert_int_equal(res->since, ago(4 * H));
    assert_int_equal(res->since_early, TS_NONE);
}

static void
latest_threshold_boundaries(void **state)
{
    (void)state;
    obs("map", 65, 10);
    result *at = run(leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(at->value, TV_NOT_MET);
    assert_string_equal(result_reason(at), "latest MAP 65 mm[Hg] at 2026-03-01 11:50 is not < 65 mm[Hg]");

    R->obs[et_concept(R, "map")->index].s[0].v = 64.9;
    assert_int_equal(et_eval(R, leaf(R_LATEST, "map", CMP_LT, 65))->value, TV_MET);
    R->obs[et_concept(R, "map")->index].s[0].v = 65.1;
    assert_int_equal(et_eval(R, leaf(R_LATEST, "map", CMP_LT, 65))->value, TV_NOT_MET);
    /* Within the 1e-9 relative tolerance a value equals the threshold. */
    R->obs[et_concept(R, "map")->index].s[0].v = 65 - 65e-11;
    assert_int_equal(et_eval(R, leaf(R_LATEST, "map", CMP_LT, 65))->value, TV_NOT_MET);
    assert_int_equal(et_eval(R, leaf(R_LATEST, "map", CMP_LE, 65))->value, TV_MET);
}

/* "between" includes both bounds: a lactate of exactly 2 or 4 mmol/L is
** between 2 and 4, 4.1 is not. */
static void
latest_between_includes_both_bounds(void **state)
{
    (void)state;
    obs("lactate", 4, 10);
    rule *ru = leaf(R_LATEST, "lactate", CMP_BETWEEN, 2);
    ru->cmp.hi = 4;
    assert_int_equal(run(ru)->value, TV_MET);
    R->obs[et_concept(R, "lactate")->index].s[0].v = 2;
    assert_int_equal(et_eval(R, ru)->value, TV_MET);
    R->obs[et_concept(R, "lactate")->index].s[0].v = 4.1;
    assert_int_equal(et_eval(R, ru)->value, TV_NOT_MET);
    R->obs[et_concept(R, "lactate")->index].s[0].v = 1.9;
    assert_int_equal(et_eval(R, ru)->value, TV_NOT_MET);
}

static void
latest_lookback_includes_its_end(void **state)
{
    (void)state;
    obs("lvef", 30, 24 * H);
    rule *ru = leaf(R_LATEST, "lvef", CMP_LT, 35);
    within(ru, "24 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    /* A single qualifying value is met since its own sample (a late first
    ** LVEF gives a late since), possibly since for ever. */
    assert_int_equal(res->since, ago(24 * H));
    assert_int_equal(res->since_early, TS_NONE);
}

static void
latest_too_old(void **state)
{
    (void)state;
    obs("lvef", 30, 24 * H + 1);
    rule *ru = leaf(R_LATEST, "lvef", CMP_LT, 35);
    within(ru, "24 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_string_equal(result_reason(res),
                        "latest LVEF is from 2026-02-28 11:59, older than 24 h");
    assert_true(et_has_missing(res, "lvef"));
    assert_int_equal(res->nev, 1);
}

static void
latest_no_data(void **state)
{
    (void)state;
    obs("map", 50, 10);         /* another concept's data does not count */
    rule *ru = leaf(R_LATEST, "lvef", CMP_LT, 35);
    within(ru, "24 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_string_equal(result_reason(res), "no LVEF value in the last 24 h");
    assert_true(et_has_missing(res, "lvef"));
    assert_true(res->since == TS_NONE);
}

static void
latest_unusable(void **state)
{
    (void)state;
    obs("map", 50, 60);
    obs_text("map", "pending", 10);
    result *res = run(leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "value \"pending\" is a string, not a number"));
    assert_string_equal(res->ev[0].value, "pending");

    /* A number whose unit did not convert gives its own reason. */
    sample *s = &R->obs[et_concept(R, "map")->index].s[1];
    s->type = VAL_NUMBER;
    s->raw = 8;
    s->unit = "kPa2";
    s->why = "unknown unit 'kPa2'";
    res = et_eval(R, leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "unknown unit 'kPa2'"));
    assert_string_equal(res->ev[0].unit, "kPa2");
}

/* An unusable sample stops the certain run; the possible one walks back
** through it to the normal reading, and starts at the first qualifying
** sample after it (docs/evaluation.md, Since-times). */
static void
latest_run_through_unusable(void **state)
{
    (void)state;
    obs("map", 80, 5 * H);
    obs_text("map", "artefact", 4 * H);
    obs("map", 58, 2 * H);
    obs("map", 55, 30);
    result *res = run(leaf(R_LATEST, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(2 * H));
    assert_int_equal(res->since_early, ago(2 * H));
}

/* }====================================================== */

/*
** {======================================================
** any_value, all_values
** =======================================================
*/

static void
any_value_window_edge(void **state)
{
    (void)state;
    obs("lactate", 2.5, 6 * H);
    obs("lactate", 1.5, 60);
    rule *ru = leaf(R_ANY_VALUE, "lactate", CMP_GT, 2);
    within(ru, "6 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    /* met since the first qualifying sample in the look-back */
    assert_int_equal(res->since, ago(6 * H));
    assert_int_equal(res->since_early, ago(6 * H));

    R->obs[et_concept(R, "lactate")->index].s[0].t = ago(6 * H + 1);
    res = et_eval(R, ru);
    assert_int_equal(res->value, TV_NOT_MET);
}

static void
any_value_at_threshold_not_met(void **state)
{
    (void)state;
    obs("lactate", 1.5, 120);
    obs("lactate", 2.0, 60);
    rule *ru = leaf(R_ANY_VALUE, "lactate", CMP_GT, 2);
    within(ru, "6 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_NOT_MET);
    assert_int_equal(res->nmissing, 0);
}

static void
any_value_unusable_or_empty(void **state)
{
    (void)state;
    obs("lactate", 1.5, 120);
    obs_text("lactate", "haemolysed", 60);
    obs("lactate", 9, 7 * H);   /* outside the window */
    rule *ru = leaf(R_ANY_VALUE, "lactate", CMP_GT, 2);
    within(ru, "6 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "value \"haemolysed\" is a string, not a number"));

    rule *short_ru = leaf(R_ANY_VALUE, "lactate", CMP_GT, 2);
    within(short_ru, "30 min");
    res = et_eval(R, short_ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_string_equal(result_reason(res), "no lactate value in the last 30 min");
    assert_true(et_has_missing(res, "lactate"));
}

static void
all_values_cases(void **state)
{
    (void)state;
    obs("map", 70, 5 * H);
    obs("map", 65, 60);
    obs("map", 50, 7 * H);      /* outside the window */
    rule *ru = leaf(R_ALL_VALUES, "map", CMP_GE, 65);
    within(ru, "6 h");
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since == TS_NONE);

    series *se = &R->obs[et_concept(R, "map")->index];
    se->s[2].v = 64.9;          /* sorted: 7 h, 5 h, 60 min */
    assert_int_equal(et_eval(R, ru)->value, TV_NOT_MET);

    se->s[2].type = VAL_STRING;
    se->s[2].str = "n/a";
    assert_int_equal(et_eval(R, ru)->value, TV_UNKNOWN);
    se->s[1].v = 60;            /* a usable failing value decides */
    assert_int_equal(et_eval(R, ru)->value, TV_NOT_MET);

    rule *short_ru = leaf(R_ALL_VALUES, "map", CMP_GE, 65);
    within(short_ru, "30 min");
    res = et_eval(R, short_ru);
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "map"));
}

/* }====================================================== */

/*
** {======================================================
** sustained
** =======================================================
*/

/* MAP < 65 hourly from `first` minutes ago to now, after a normal value
** one hour before. */
static void
hourly_run(int first, int normal_before)
{
    if (normal_before)
        obs("map", 72, first + H);
    for (int m = first; m >= 0; m -= H)
        obs("map", 60, m);
}

static void
sustained_run_after_normal(void **state)
{
    (void)state;
    hourly_run(5 * H, 1);
    rule *ru = leaf(R_SUSTAINED, "map", CMP_LT, 65);
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(5 * H));
    assert_int_equal(res->since_early, ago(5 * H));
    assert_string_equal(result_reason(res), "MAP < 65 mm[Hg] since 2026-03-01 07:00 (5 h)");

    /* "More than 5 h": exactly 5 h 00 min after a normal reading is not. */
    result *held = et_eval(R, et_held_for(R, CMP_GT, "5 h", ru));
    assert_int_equal(held->value, TV_NOT_MET);
    held = et_eval(R, et_held_for(R, CMP_GE, "5 h", ru));
    assert_int_equal(held->value, TV_MET);
}

static void
sustained_just_over(void **state)
{
    (void)state;
    obs("map", 72, 6 * H + 1);
    for (int m = 5 * H + 1; m >= 0; m -= H)
        obs("map", 60, m);
    rule *ru = leaf(R_SUSTAINED, "map", CMP_LT, 65);
    result *held = run(et_held_for(R, CMP_GT, "5 h", ru));
    assert_int_equal(held->value, TV_MET);
    assert_int_equal(held->kids[0]->since, ago(5 * H + 1));
}

/* A run that reaches the start of the data may have begun any time. */
static void
sustained_run_from_start_of_data(void **state)
{
    (void)state;
    hourly_run(5 * H, 0);
    rule *ru = leaf(R_SUSTAINED, "map", CMP_LT, 65);
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(5 * H));
    assert_int_equal(res->since_early, TS_NONE);
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "5 h", ru))->value, TV_UNKNOWN);
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "4 h", ru))->value, TV_MET);
}

static void
sustained_gap_60_is_no_gap(void **state)
{
    (void)state;
    obs("map", 70, 3 * H);
    obs("map", 60, 2 * H);
    obs("map", 60, H);
    obs("map", 60, 0);
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(2 * H));
    assert_int_equal(res->since_early, ago(2 * H));
}

static void
sustained_gap_61_breaks_the_run(void **state)
{
    (void)state;
    obs("map", 70, 3 * H);
    obs("map", 60, 2 * H + 1);
    obs("map", 60, H);
    obs("map", 60, 0);
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(H));
    /* Back through the gap to the last normal value; the first low value
    ** after it lies within the 1 h gap of it, so it may have begun there. */
    assert_int_equal(res->since_early, ago(2 * H + 1));
}

/* Bounded by a gap: the possible since walks back across it to the last
** non-qualifying value, and starts at the first qualifying one after it
** (within the 1 h gap of it). */
static void
sustained_bounded_by_gap(void **state)
{
    (void)state;
    obs("map", 75, 5 * H);
    obs("map", 60, 4 * H);
    obs("map", 60, 150);        /* 90 min after the previous: a gap */
    obs("map", 60, 90);
    obs("map", 60, 30);
    rule *ru = leaf(R_SUSTAINED, "map", CMP_LT, 65);
    result *res = run(ru);
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(150));
    assert_int_equal(res->since_early, ago(4 * H));
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "2 h", ru))->value, TV_MET);
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "3 h", ru))->value, TV_UNKNOWN);
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "5 h", ru))->value, TV_NOT_MET);
    assert_int_equal(et_eval(R, et_held_for(R, CMP_GT, "6 h", ru))->value, TV_NOT_MET);
}

static void
sustained_latest_not_qualifying(void **state)
{
    (void)state;
    hourly_run(3 * H + 30, 1);
    obs("map", 65, 0);          /* at the threshold: not < 65 */
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_NOT_MET);
    assert_int_equal(res->nmissing, 0);
}

static void
sustained_latest_age_against_gap(void **state)
{
    (void)state;
    obs("map", 60, 2 * H);
    obs("map", 60, H);
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);   /* exactly 60 min old */

    R->obs[et_concept(R, "map")->index].s[1].t = ago(H + 1);
    res = et_eval(R, leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "map"));
    assert_non_null(strstr(result_reason(res), "older than the 1 h maximum gap"));
}

static void
sustained_unusable_and_empty(void **state)
{
    (void)state;
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "map"));

    obs("map", 60, 40);
    obs_text("map", "see note", 10);
    et_finish(R);
    res = et_eval(R, leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "unusable"));
}

/* An unusable value inside the run: certain since after it, possible
** since back to the first low value after the last normal one. */
static void
sustained_unusable_inside_run(void **state)
{
    (void)state;
    obs("map", 70, 4 * H);
    obs("map", 60, 3 * H);
    obs_text("map", "artefact", 2 * H);
    obs("map", 60, H);
    obs("map", 60, 0);
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(H));
    assert_int_equal(res->since_early, ago(3 * H));
}

/* The first qualifying value after the normal one lies beyond the gap:
** the possible since is the normal value's own time. */
static void
sustained_possible_since_beyond_gap(void **state)
{
    (void)state;
    obs("map", 70, 4 * H);
    obs("map", 60, 2 * H);
    obs("map", 60, H);
    obs("map", 60, 0);
    result *res = run(leaf(R_SUSTAINED, "map", CMP_LT, 65));
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(2 * H));
    assert_int_equal(res->since_early, ago(4 * H));
}

/* }====================================================== */

/*
** {======================================================
** episode
** =======================================================
*/

static rule *
sbp_episode(void)
{
    rule *ru = leaf(R_EPISODE, "sbp", CMP_LT, 90);
    ru->lasting = et_dur("30 min");
    within(ru, "48 h");
    return ru;
}

static void
episode_30_min_met(void **state)
{
    (void)state;
    obs("sbp", 110, 200);
    obs("sbp", 85, 180);
    obs("sbp", 80, 150);
    obs("sbp", 100, 140);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_MET);
    assert_true(res->since != TS_NONE);
    assert_int_equal(res->since, ago(150));     /* 180 min ago + 30 min */
    assert_int_equal(res->since_early, ago(150));
    assert_int_equal(res->nev, 2);
}

/* The possible completion: earlier when data before the run is missing. */
static void
episode_since_early_bounds(void **state)
{
    (void)state;
    obs("sbp", 85, 180);
    obs("sbp", 80, 150);
    obs("sbp", 100, 140);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(150));
    assert_int_equal(res->since_early, TS_NONE);   /* start of the data */

    obs("sbp", 110, 300);                         /* a normal value 2 h before */
    et_finish(R);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->since, ago(150));
    assert_int_equal(res->since_early, ago(270));  /* 300 min ago + 30 min */
}

static void
episode_29_min_not_met(void **state)
{
    (void)state;
    obs("sbp", 110, 200);
    obs("sbp", 85, 180);
    obs("sbp", 80, 151);
    obs("sbp", 100, 140);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);
    assert_int_equal(res->nmissing, 0);
}

/* Two low readings exactly the maximum gap (1 h) apart are one run: 60
** min of SBP < 90 is an episode of 30 min.  A run split at exactly 1 h
** would leave two isolated readings and an unknown. */
static void
episode_samples_exactly_one_gap_apart(void **state)
{
    (void)state;
    obs("sbp", 110, 200);
    obs("sbp", 85, 180);
    obs("sbp", 80, 120);        /* 60 min later: no gap */
    obs("sbp", 110, 110);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(150));     /* 180 min ago + 30 min */
}

/* Two episodes of SBP < 90: the leaf is met since the first one completed
** (its start + 30 min), not since the later one. */
static void
episode_two_met_since_the_first(void **state)
{
    (void)state;
    obs("sbp", 110, 320);
    obs("sbp", 85, 300);
    obs("sbp", 80, 260);        /* 40 min: done at 270 min ago */
    obs("sbp", 110, 250);
    obs("sbp", 84, 100);
    obs("sbp", 82, 60);         /* 40 min: done at 70 min ago */
    obs("sbp", 110, 50);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(270));
    assert_int_equal(res->since_early, ago(270));
}

/* 29 min seen, but the hour before it is missing: it could have lasted. */
static void
episode_next_to_gap_unknown(void **state)
{
    (void)state;
    obs("sbp", 110, 300);
    obs("sbp", 85, 180);        /* 120 min after the normal value */
    obs("sbp", 80, 151);
    obs("sbp", 100, 140);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "sbp"));
}

/* The last run ends at the latest sample: it may go on until now. */
static void
episode_open_end(void **state)
{
    (void)state;
    obs("sbp", 110, 40);
    obs("sbp", 85, 25);
    obs("sbp", 80, 10);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);   /* 25 min at most */

    /* 20 min seen, the latest sample 10 min old: the time since it is
    ** no gap over 1 h, so nothing hides a longer episode. */
    R->obs[et_concept(R, "sbp")->index].s[1].t = ago(30);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);

    /* The latest low sample 61 min old: missing data since, unknown. */
    R->obs[et_concept(R, "sbp")->index].s[0].t = ago(H + 31);
    R->obs[et_concept(R, "sbp")->index].s[1].t = ago(H + 21);
    R->obs[et_concept(R, "sbp")->index].s[2].t = ago(H + 1);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->value, TV_UNKNOWN);
    R->obs[et_concept(R, "sbp")->index].s[2].t = ago(H);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);
}

/*
** Long stretches of unusable values, each a candidate of its own: the
** nearest normal values on either side bound what they could hide
** (series.c finds them with scans that resume, not one per candidate).
** 50 min of unusable values between normal ones could hide 30 min of
** SBP < 90; 20 min could not; 20 min of them followed by 20 min of low
** values, 40 min in all, could.
*/
static void
episode_long_unusable_stretches(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        et_record_teardown(state);
        et_record_setup(state);
        int u_end = k == 0 ? 250 : 280;     /* unusable from 299 to u_end */
        obs("sbp", 110, 300);
        for (int m = 299; m >= u_end; m--)
            obs_text("sbp", "n/a", m);
        int next = u_end - 1;
        if (k == 2)                         /* low from 279 to 260 */
            for (; next >= 260; next--)
                obs("sbp", 85, next);
        for (int m = next; m >= 0; m -= 50)
            obs("sbp", 110, m);
        result *res = run(sbp_episode());
        assert_int_equal(res->value, k == 1 ? TV_NOT_MET : TV_UNKNOWN);
        assert_int_equal(et_has_missing(res, "sbp"), k != 1);
    }
}

static void
episode_missing_data_between_normals(void **state)
{
    (void)state;
    obs("sbp", 110, 10 * H);
    obs("sbp", 105, 5 * H);
    obs("sbp", 100, 100);
    obs("sbp", 120, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);
}

static void
episode_no_samples_in_window(void **state)
{
    (void)state;
    obs("sbp", 80, 49 * H);
    obs("sbp", 110, 48 * H + 10);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "sbp"));
    assert_string_equal(result_reason(res), "no SBP value in the last 48 h");
}

/* A run starting before the window counts from the window start. */
static void
episode_clipped_to_window(void **state)
{
    (void)state;
    obs("sbp", 110, 48 * H + 60);
    obs("sbp", 85, 48 * H + 30);
    obs("sbp", 85, 48 * H + 10);
    obs("sbp", 85, 48 * H - 10);
    obs("sbp", 110, 48 * H - 20);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    assert_int_equal(res->value, TV_NOT_MET);   /* 10 min inside the window */

    R->obs[et_concept(R, "sbp")->index].s[3].t = ago(48 * H - 30);
    R->obs[et_concept(R, "sbp")->index].s[4].t = ago(48 * H - 40);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->value, TV_MET);       /* 30 min inside */
    assert_int_equal(res->since, ago(48 * H));  /* began 30 min before */
}

static void
episode_unusable_cases(void **state)
{
    (void)state;
    obs("sbp", 110, 200);
    obs_text("sbp", "?", 190);
    obs("sbp", 110, 180);
    obs("sbp", 110, 170);
    obs("sbp", 110, 0);
    result *res = run(sbp_episode());
    /* A lone unusable value between normal ones cannot be 30 min long. */
    assert_int_equal(res->value, TV_NOT_MET);

    /* An unusable value next to a short run leaves room for an episode:
    ** the run may have begun right after the normal value 50 min before. */
    series *se = &R->obs[et_concept(R, "sbp")->index];
    se->s[2].v = 80;            /* 180 min ago */
    se->s[0].t = ago(230);
    res = et_eval(R, sbp_episode());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "unusable values"));
}

/* }====================================================== */

/*
** {======================================================
** consecutive
** =======================================================
*/

static rule *
lactate_rule(void)
{
    rule *ru = leaf(R_CONSECUTIVE, "lactate", CMP_GT, 5);
    ru->count = 2;
    ru->spacing = et_dur("30 min");
    ru->trend = TREND_NON_DECREASING;
    within(ru, "6 h");
    return ru;
}

static void
consecutive_spacing_30_met(void **state)
{
    (void)state;
    obs("lactate", 6, 60);
    obs("lactate", 7, 30);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(60));
    assert_int_equal(res->since_early, TS_NONE);
    assert_int_equal(res->nev, 2);
    assert_int_equal(res->ev[0].t, ago(60));
    assert_int_equal(res->ev[1].t, ago(30));
}

/* The two latest 29 min apart: not met (docs/evaluation.md, "Two consecutive
** values"), not unknown: no pair is picked further back. */
static void
consecutive_spacing_29_not_met(void **state)
{
    (void)state;
    obs("lactate", 6, 59);
    obs("lactate", 7, 30);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_NOT_MET);
    assert_non_null(strstr(result_reason(res), "only 29 min apart, 30 min needed"));
    assert_int_equal(res->nmissing, 0);
}

/* One qualifying sample: unknown, the lactate is asked for. */
static void
consecutive_single_sample_unknown(void **state)
{
    (void)state;
    obs("lactate", 6, 30);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "lactate"));
    assert_int_equal(res->since_early, TS_NONE);    /* no normal value before */
}

/* The earlier of the two latest does not qualify: not met, even with a
** qualifying pair further back. */
static void
consecutive_earlier_not_qualifying(void **state)
{
    (void)state;
    obs("lactate", 6, 4 * H);
    obs("lactate", 7, 3 * H);
    obs("lactate", 2, 90);
    obs("lactate", 6, 30);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_NOT_MET);
    assert_non_null(strstr(result_reason(res), "is not > 5 mmol/L"));
}

static void
consecutive_spacing_31_met(void **state)
{
    (void)state;
    obs("lactate", 3, 120);
    obs("lactate", 6, 61);
    obs("lactate", 7, 30);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(61));
    assert_int_equal(res->since_early, ago(61));
}

static void
consecutive_trend(void **state)
{
    (void)state;
    obs("lactate", 6, 60);
    obs("lactate", 6, 20);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_MET);       /* equal is accepted */

    series *se = &R->obs[et_concept(R, "lactate")->index];
    se->s[1].v = 6.5;
    assert_int_equal(et_eval(R, lactate_rule())->value, TV_MET);
    se->s[1].v = 5.9;
    res = et_eval(R, lactate_rule());
    assert_int_equal(res->value, TV_NOT_MET);
    assert_non_null(strstr(result_reason(res), "decreasing"));
    se->s[1].v = 6 - 6e-11;     /* equal within the tolerance */
    assert_int_equal(et_eval(R, lactate_rule())->value, TV_MET);
}

static void
consecutive_non_increasing(void **state)
{
    (void)state;
    obs("svo2", 50, 90);
    obs("svo2", 45, 40);
    rule *ru = leaf(R_CONSECUTIVE, "svo2", CMP_LT, 55);
    ru->spacing = et_dur("30 min");
    ru->trend = TREND_NON_INCREASING;
    within(ru, "6 h");
    assert_int_equal(run(ru)->value, TV_MET);
    R->obs[et_concept(R, "svo2")->index].s[1].v = 51;
    assert_int_equal(et_eval(R, ru)->value, TV_NOT_MET);
}

/*
** The two latest samples, never a pair picked further back: 6.2 at 08:00,
** 6.6 at 10:31, 6.9 at 11:00 is not met (29 min apart) although 08:00 and
** 11:00 would qualify; with 10:30 instead it is met, since 08:00 (when the
** lactacemia began, the values lying within the 6 h look-back of each
** other), possibly for ever (no normal value before).
*/
static void
consecutive_two_latest_only(void **state)
{
    (void)state;
    obs("lactate", 6.2, 4 * H);
    obs("lactate", 6.6, 89);
    obs("lactate", 6.9, 60);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_NOT_MET);
    R->obs[et_concept(R, "lactate")->index].s[1].t = ago(90);
    res = et_eval(R, lactate_rule());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->ev[0].t, ago(90));
    assert_int_equal(res->ev[1].t, ago(60));
    assert_int_equal(res->since, ago(4 * H));
    assert_int_equal(res->since_early, TS_NONE);
}

static void
consecutive_latest_cases(void **state)
{
    (void)state;
    obs("lactate", 6, 7 * H);
    obs("lactate", 7, 6 * H);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_MET);       /* exactly 6 h old */

    R->obs[et_concept(R, "lactate")->index].s[1].t = ago(6 * H + 1);
    res = et_eval(R, lactate_rule());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "lactate"));

    R->obs[et_concept(R, "lactate")->index].s[1].t = ago(60);
    R->obs[et_concept(R, "lactate")->index].s[1].v = 5;
    res = et_eval(R, lactate_rule());
    assert_int_equal(res->value, TV_NOT_MET);

    R->obs[et_concept(R, "lactate")->index].s[1].type = VAL_STRING;
    R->obs[et_concept(R, "lactate")->index].s[1].str = ">20";
    res = et_eval(R, lactate_rule());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_non_null(strstr(result_reason(res), "value \">20\" is a string, not a number"));
}

/* 45.04 mg/dL is 5.0 mmol/L: not above 5, so it ends the run. */
static void
consecutive_tolerance_breaks_run(void **state)
{
    (void)state;
    obs("lactate", 45.04 / 90.08 * 10, 90);
    obs("lactate", 6, 60);
    obs("lactate", 7, 10);
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_MET);
    assert_int_equal(res->since, ago(60));
    assert_int_equal(res->since_early, ago(60));
}

static void
consecutive_no_data(void **state)
{
    (void)state;
    result *res = run(lactate_rule());
    assert_int_equal(res->value, TV_UNKNOWN);
    assert_true(et_has_missing(res, "lactate"));
}

/* }====================================================== */

#define T(f) cmocka_unit_test_setup_teardown(f, et_record_setup, et_record_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(latest_met_since_after_normal),
        T(latest_run_reaches_start_of_data),
        T(latest_threshold_boundaries),
        T(latest_between_includes_both_bounds),
        T(latest_lookback_includes_its_end),
        T(latest_too_old),
        T(latest_no_data),
        T(latest_unusable),
        T(latest_run_through_unusable),
        T(any_value_window_edge),
        T(any_value_at_threshold_not_met),
        T(any_value_unusable_or_empty),
        T(all_values_cases),
        T(sustained_run_after_normal),
        T(sustained_just_over),
        T(sustained_run_from_start_of_data),
        T(sustained_gap_60_is_no_gap),
        T(sustained_gap_61_breaks_the_run),
        T(sustained_bounded_by_gap),
        T(sustained_latest_not_qualifying),
        T(sustained_latest_age_against_gap),
        T(sustained_unusable_and_empty),
        T(sustained_unusable_inside_run),
        T(sustained_possible_since_beyond_gap),
        T(episode_30_min_met),
        T(episode_since_early_bounds),
        T(episode_29_min_not_met),
        T(episode_samples_exactly_one_gap_apart),
        T(episode_two_met_since_the_first),
        T(episode_next_to_gap_unknown),
        T(episode_open_end),
        T(episode_missing_data_between_normals),
        T(episode_long_unusable_stretches),
        T(episode_no_samples_in_window),
        T(episode_clipped_to_window),
        T(episode_unusable_cases),
        T(consecutive_spacing_30_met),
        T(consecutive_spacing_29_not_met),
        T(consecutive_single_sample_unknown),
        T(consecutive_earlier_not_qualifying),
        T(consecutive_spacing_31_met),
        T(consecutive_trend),
        T(consecutive_non_increasing),
        T(consecutive_two_latest_only),
        T(consecutive_latest_cases),
        T(consecutive_tolerance_breaks_run),
        T(consecutive_no_data),
    };
    return cmocka_run_group_tests(tests, et_vocab_setup, et_vocab_teardown);
}
