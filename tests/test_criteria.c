/*
** test_criteria.c -- the criteria loader: the bundled vocabulary and
** NCT05184296 read into the expected rule tree, and every kind of bad
** criteria file refused with its exact file:line:column and message.
**
** Run from the top of the source tree (make check does): the bundled
** files are read from criteria/ and the fixtures from tests/data/criteria/.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criteria.h"
#include "rules.h"
#include "vocab.h"
#include "ydocpack.h"

#define DATA "tests/data/criteria/"

static vocab *V;                /* the bundled vocabulary */

static int
setup(void **state)
{
    ts_error e;
    char buf[800];
    (void)state;
    V = vocab_new();
    if (vocab_load(V, "criteria/concepts.yaml", &e) < 0) {
        ts_error_format(&e, buf, sizeof buf);
        print_error("%s\n", buf);
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    vocab_free(V);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static void
check_error(int rc, const ts_error *e, const char *file, int line, int col,
            const char *want)
{
    char buf[800];
    ts_error_format(e, buf, sizeof buf);
    if (rc != -1 || !e->file || strcmp(e->file, file) != 0 || e->line != line ||
        e->column != col || !strstr(e->msg, want))
        fail_msg("expected %s:%d:%d: ...%s...\n     got (rc %d) %s", file, line,
                 col, want, rc, buf);
}

/* Load src as "t.yaml" against the bundled vocabulary; expect an error. */
static void
expect_err_len(const char *src, size_t len, int line, int col, const char *want)
{
    trialset *ts = trialset_new(V);
    ts_error e;
    int rc = trialset_load_buffer(ts, "t.yaml", src, len, &e);
    check_error(rc, &e, "t.yaml", line, col, want);
    trialset_free(ts);
}
#define ERR(src, line, col, want) expect_err_len(src, strlen(src), line, col, want)

/* Load path (a file or directory); expect an error in file. */
static void
expect_load_err(const char *path, const char *file, int line, int col,
                const char *want)
{
    trialset *ts = trialset_new(V);
    ts_error e;
    int rc = trialset_load(ts, path, &e);
    check_error(rc, &e, file, line, col, want);
    trialset_free(ts);
}

static void
expect_file_err(const char *path, int line, int col, const char *want)
{
    expect_load_err(path, path, line, col, want);
}

/* Load src, which must be valid, and return its only trial's first rule. */
static trialset *
load_ok(const char *src)
{
    trialset *ts = trialset_new(V);
    ts_error e;
    char buf[800];
    if (trialset_load_buffer(ts, "ok.yaml", src, strlen(src), &e) < 0) {
        ts_error_format(&e, buf, sizeof buf);
        fail_msg("unexpected error: %s", buf);
    }
    return ts;
}

static const rule *
first_rule(const trialset *ts)
{
    return trialset_at(ts, 0)->crit[0].rule;
}

/* A valid trial up to the first criterion's "rule:" at line 6; the rule's
** own keys start at line 7, column 7. */
#define HEAD "trial: {id: T1, title: Test}\nexclusion: []\ninclusion:\n"
#define EMPTY "trial: {id: T1, title: Test}\nexclusion: []\ninclusion: []\n"
#define RULE(body) HEAD "  - id: c1\n    text: x\n    rule:\n" body

static int64_t
secs(ts_duration d)
{
    return d.seconds;
}

/* ----------------------------------------------------- the bundled trial */

static vocab *bundled_vocab;

/* Load criteria/ as the program does; done() frees it. */
static const trial *
bundled(trialset **tsp)
{
    ts_error e;
    char buf[800];
    vocab *v = bundled_vocab = vocab_new();
    trialset *ts = trialset_new(v);
    /* The directory: concepts.yaml first, whatever the order of names. */
    if (trialset_load(ts, "criteria", &e) < 0) {
        ts_error_format(&e, buf, sizeof buf);
        fail_msg("criteria/ does not load: %s", buf);
    }
    *tsp = ts;
    assert_non_null(vocab_find(v, "map"));
    assert_ptr_equal(vocab_find(v, "loinc:8478-0"), vocab_find(v, "map"));
    const trial *t = trialset_find(ts, "NCT05184296");
    assert_non_null(t);
    return t;
}

static void
done(trialset *ts)
{
    trialset_free(ts);
    vocab_free(bundled_vocab);
}

static const criterion *
crit(const trial *t, const char *id)
{
    for (int i = 0; i < t->ncrit; i++)
        if (strcmp(t->crit[i].id, id) == 0)
            return &t->crit[i];
    fail_msg("no criterion '%s'", id);
    return NULL;
}

static void
test_bundled_metadata(void **state)
{
    static const char *const ids[] = {
        "inc-age", "inc-refractory-shock", "inc-myocardial", "inc-consent",
        "exc-other-cardiac", "exc-obstructive-shock", "exc-cardiac-arrest",
        "exc-irreversible-or-late", "exc-bleeding", "exc-pad", "exc-neuro",
        "exc-life-expectancy", "exc-special-population", "exc-other-trial"
    };
    trialset *ts;
    const trial *t = bundled(&ts);
    (void)state;
    assert_string_equal(t->title, "ECMO-RESCUE");
    assert_string_equal(t->source, "https://clinicaltrials.gov/study/NCT05184296");
    assert_string_equal(t->version, "2025-07-22");
    assert_string_equal(t->official_title, "ExtraCorporeal Membrane Oxygenation "
                        "in the Therapy for REfractory Septic Shock With Cardiac "
                        "Function Under Estimated");
    assert_string_equal(t->file, "criteria/nct05184296.yaml");
    assert_int_equal(t->list_incomplete, 0);
    assert_int_equal(t->ncrit, 14);
    for (int i = 0; i < 14; i++) {
        assert_string_equal(t->crit[i].id, ids[i]);
        assert_int_equal(t->crit[i].exclusion, i >= 4);
        assert_int_equal(t->crit[i].evaluated, 1);
        assert_non_null(t->crit[i].rule);
        assert_non_null(t->crit[i].note);
    }
    /* Registry text verbatim, the markdown escapes of the seed undone. */
    assert_string_equal(crit(t, "inc-age")->text, "Age between 18 and 75 years.");
    assert_string_equal(crit(t, "inc-myocardial")->text,
        "Rapidly deteriorating sepsis-induced myocardial impairment is defined "
        "by at least one of the following criteria: (1) rapidly deteriorating "
        "ventricular function (LVEF < 35%); (2) cardiac index (CI) < 2L/min/m2 "
        "(> 3 hr); (3) emerging refractory arrhythmia.");
    assert_non_null(strstr(crit(t, "inc-refractory-shock")->text,
                           "[vasoactive inotropic score (VIS) > 120]"));
    assert_string_equal(crit(t, "exc-neuro")->text,
                        "Irreversible neurological pathology");
    done(ts);
}

static void
test_bundled_refractory_shock(void **state)
{
    trialset *ts;
    const trial *t = bundled(&ts);
    const vocab *v = trialset_vocab(ts);
    (void)state;
    /* all: icu, septic shock, fluids (now), and the shock state held for
    ** more than 5 h -- the clock runs on the shock state only. */
    const rule *all = crit(t, "inc-refractory-shock")->rule;
    assert_int_equal(all->kind, R_ALL);
    assert_int_equal(all->nkids, 4);
    const rule *r = all->kids[3];
    assert_int_equal(r->kind, R_HELD_FOR);
    assert_int_equal(r->hold.op, CMP_GT);
    assert_int_equal(secs(r->hold.lo), 5 * TS_HOUR);
    assert_int_equal(r->nkids, 1);
    const rule *shock = r->kids[0];
    assert_int_equal(shock->kind, R_ALL);
    assert_int_equal(shock->nkids, 2);
    assert_int_equal(all->kids[0]->kind, R_LOCATION);
    assert_ptr_equal(all->kids[0]->concepts[0], vocab_find(v, "icu"));
    assert_int_equal(all->kids[1]->kind, R_CONDITION);
    assert_int_equal(all->kids[1]->suspected, 0);
    assert_ptr_equal(all->kids[1]->concepts[0], vocab_find(v, "septic_shock"));
    assert_int_equal(all->kids[2]->kind, R_FACT);
    assert_int_equal(all->kids[2]->fact_type, VAL_BOOL);
    assert_int_equal(all->kids[2]->fact_bool, 1);
    const rule *vis = shock->kids[0];
    assert_int_equal(vis->kind, R_LATEST);
    assert_ptr_equal(vis->concepts[0], vocab_find(v, "vis"));
    assert_int_equal(vis->cmp.op, CMP_GT);
    assert_true(vis->cmp.lo == 120);
    assert_true(vis->cmp.scale == 1);
    assert_int_equal(vis->has_within, 0);

    const rule *any = shock->kids[1];
    assert_int_equal(any->kind, R_ANY);
    assert_int_equal(any->nkids, 3);
    const rule *map = any->kids[0];
    assert_int_equal(map->kind, R_SUSTAINED);
    assert_string_equal(map->concepts[0]->name, "map");
    assert_int_equal(map->cmp.op, CMP_LT);
    assert_true(map->cmp.lo == 65);
    assert_string_equal(map->cmp.unit, "mm[Hg]");
    assert_true(fabs(map->cmp.scale - 1) < 1e-12);
    assert_int_equal(secs(map->max_gap), TS_HOUR);       /* the default */
    const rule *lac = any->kids[1];
    assert_int_equal(lac->kind, R_CONSECUTIVE);
    assert_string_equal(lac->concepts[0]->name, "lactate");
    assert_int_equal(lac->cmp.op, CMP_GT);
    assert_true(lac->cmp.lo == 5);
    assert_int_equal(lac->count, 2);
    assert_int_equal(secs(lac->spacing), 30 * TS_MINUTE);
    assert_int_equal(lac->trend, TREND_NON_DECREASING);
    assert_int_equal(lac->has_within, 1);
    assert_int_equal(secs(lac->within), 6 * TS_HOUR);
    const rule *svo2 = any->kids[2];
    assert_int_equal(svo2->kind, R_CONSECUTIVE);
    assert_int_equal(svo2->cmp.op, CMP_LT);
    assert_true(svo2->cmp.lo == 55);
    assert_string_equal(svo2->cmp.unit, "%");
    assert_int_equal(svo2->trend, TREND_NON_INCREASING);
    done(ts);
}

static void
test_bundled_other_criteria(void **state)
{
    trialset *ts;
    const trial *t = bundled(&ts);
    (void)state;

    const rule *age = crit(t, "inc-age")->rule;
    assert_int_equal(age->kind, R_AGE);
    assert_int_equal(age->cmp.op, CMP_BETWEEN);
    assert_true(age->cmp.lo == 18 && age->cmp.hi == 75);
    assert_int_equal(age->age_unit, AGE_YEARS);

    const rule *myo = crit(t, "inc-myocardial")->rule;
    assert_int_equal(myo->kind, R_ANY);
    assert_int_equal(myo->kids[0]->kind, R_LATEST);
    assert_int_equal(myo->kids[0]->cmp.op, CMP_LT);
    assert_int_equal(secs(myo->kids[0]->within), 24 * TS_HOUR);
    assert_int_equal(myo->kids[1]->kind, R_HELD_FOR);
    assert_int_equal(secs(myo->kids[1]->hold.lo), 3 * TS_HOUR);
    assert_int_equal(myo->kids[1]->kids[0]->kind, R_SUSTAINED);
    assert_string_equal(myo->kids[1]->kids[0]->concepts[0]->name, "cardiac_index");
    assert_true(myo->kids[1]->kids[0]->cmp.lo == 2);
    assert_int_equal(myo->kids[2]->kind, R_FACT);

    const rule *obs = crit(t, "exc-obstructive-shock")->rule;
    assert_int_equal(obs->kind, R_CONDITION);
    assert_int_equal(obs->nconcepts, 3);
    assert_int_equal(obs->suspected, 1);
    assert_string_equal(obs->concepts[2]->name, "cardiac_tamponade");
    assert_int_equal(crit(t, "exc-other-cardiac")->rule->nconcepts, 6);
    assert_int_equal(crit(t, "exc-other-cardiac")->rule->suspected, 0);

    const rule *arrest = crit(t, "exc-cardiac-arrest")->rule;
    assert_int_equal(arrest->kids[0]->kind, R_DURATION);
    assert_int_equal(arrest->kids[0]->event, EV_PROCEDURE);
    assert_string_equal(arrest->kids[0]->concepts[0]->name, "cpr");
    assert_int_equal(arrest->kids[0]->dcmp.op, CMP_GT);
    assert_int_equal(secs(arrest->kids[0]->dcmp.lo), 30 * TS_MINUTE);

    const rule *late = crit(t, "exc-irreversible-or-late")->rule;
    assert_int_equal(late->kind, R_ANY);
    const rule *held = late->kids[1];
    assert_int_equal(held->kind, R_HELD_FOR);
    assert_int_equal(held->hold.op, CMP_GT);
    assert_int_equal(secs(held->hold.lo), 12 * TS_HOUR);
    assert_int_equal(held->kids[0]->kind, R_ALL);
    assert_int_equal(held->kids[0]->kids[0]->kind, R_CRITERION);
    assert_int_equal(held->kids[0]->kids[0]->ref_index, 1);
    assert_int_equal(held->kids[0]->kids[1]->ref_index, 2);
    assert_string_equal(held->kids[0]->kids[1]->ref_id, "inc-myocardial");

    assert_int_equal(crit(t, "exc-special-population")->rule->nconcepts, 2);
    assert_int_equal(crit(t, "inc-consent")->rule->kind, R_FACT);
    done(ts);
}

static void
test_bundled_vocabulary(void **state)
{
    static const char *const names[] = {
        "weight", "height", "bmi", "sofa", "platelets", "pcwp", "mottling_score",
        "crt_finger", "crt_knee", "child_pugh_score", "gcs", "dopamine",
        "dobutamine", "epinephrine", "norepinephrine", "milrinone",
        "vasopressin", "prednisolone", "prednisone", "methylprednisolone",
        "hydrocortisone", "dexamethasone", "phenylephrine", "vis",
        "steroid_dose", "tacrolimus", "allogeneic_hsct", "picu",
        "expected_ventilation_over_24h", "trisomy_13", NULL
    };
    (void)state;
    for (int i = 0; names[i]; i++)
        if (!vocab_find(V, names[i]))
            fail_msg("concept '%s' missing from concepts.yaml", names[i]);
    const concept *lac = vocab_find(V, "lactate");
    assert_int_equal(lac->kind, CK_OBSERVATION);
    assert_string_equal(lac->unit, "mmol/L");
    assert_true(lac->molar_mass == 90.08);
    assert_string_equal(lac->file, "criteria/concepts.yaml");
    assert_ptr_equal(vocab_find(V, "loinc:59032-3"), lac);
    assert_string_equal(vocab_find(V, "vasopressin")->unit, "U/kg/min");
    assert_string_equal(vocab_find(V, "norepinephrine")->unit, "ug/kg/min");
    assert_int_equal(vocab_find(V, "vis")->kind, CK_DERIVED);
    assert_string_equal(vocab_find(V, "steroid_dose")->label,
                        "prednisolone-equivalent daily dose");
    assert_ptr_equal(vocab_find(V, "icd10:R65.21"), vocab_find(V, "septic_shock"));
    assert_null(vocab_find(V, "septic shock"));
}

/* ---------------------------------------------------- rules that load */

static void
test_unit_conversion(void **state)
{
    (void)state;
    /* lactate in mg/dL: canonical mmol/L * 9.008 = mg/dL. */
    trialset *ts = load_ok(RULE("      latest: lactate\n      above: 45.04\n"
                                "      unit: mg/dL\n"));
    const rule *r = first_rule(ts);
    assert_string_equal(r->cmp.unit, "mg/dL");
    assert_true(fabs(r->cmp.scale - 9.008) < 1e-9);
    assert_true(r->cmp.lo == 45.04);
    trialset_free(ts);

    /* MAP in kPa: 1 mm[Hg] = 0.133322 kPa. */
    ts = load_ok(RULE("      sustained: map\n      below: 8.7\n      unit: kPa\n"
                      "      max_gap: 30 min\n"));
    r = first_rule(ts);
    assert_true(fabs(r->cmp.scale - 0.133322) < 1e-5);
    assert_int_equal(secs(r->max_gap), 30 * TS_MINUTE);
    trialset_free(ts);

    /* A score needs no unit; a percentage is a fraction too. */
    ts = load_ok(RULE("      latest: sofa\n      at_least: 2\n      within: 24 h\n"));
    assert_null(first_rule(ts)->cmp.unit);
    assert_true(first_rule(ts)->cmp.scale == 1);
    trialset_free(ts);
    ts = load_ok(RULE("      latest: lvef\n      below: 0.35\n      unit: \"1\"\n"));
    assert_true(fabs(first_rule(ts)->cmp.scale - 0.01) < 1e-12);
    trialset_free(ts);
}

static void
test_rule_kinds(void **state)
{
    (void)state;
    trialset *ts = load_ok(RULE(
        "      at_least: 2\n"
        "      of:\n"
        "        - {age: {at_least: 29}, unit: d}\n"
        "        - age: {at_most: 18, unit: mo}\n"
        "        - {sex: [female, other]}\n"
        "        - {episode: sbp, below: 90, unit: \"mm[Hg]\", lasting: 30 min, within: 48 h}\n"
        "        - {any_value: pcwp, above: 15, unit: \"mm[Hg]\", within: 48 h}\n"
        "        - {time_since: {medication: norepinephrine}, between: [6 h, 24 h]}\n"
        "        - {time_since: {procedure: ecmo}, ongoing: true, below: 24 h}\n"
        "        - {procedure: ecmo, ongoing: true, attribute: {mode: [VA, null]}}\n"
        "        - {condition: [acute_myocardial_infarction], within: 6 mo}\n"
        "        - {medication: [tacrolimus, cyclophosphamide], within: 30 d}\n"
        "        - {fact: informed_consent, is: false}\n"
        "        - {not: {fact: emergency_inclusion, is: true}}\n"
        "        - {latest: steroid_dose, above: 10, unit: mg/d}\n"
        "        - {all_values: map, at_least: 65, unit: \"mm[Hg]\", within: 6 h}\n"
        "        - {latest: platelets, below: 30, unit: \"10*3/uL\", within: 24 h}\n"
        "        - {fact: informed_consent, equals: \"given\"}\n"));
    const rule *r = first_rule(ts);
    assert_int_equal(r->kind, R_AT_LEAST);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->nkids, 16);
    const rule *const *k = (const rule *const *)r->kids;
    assert_int_equal(k[0]->kind, R_AGE);
    assert_int_equal(k[0]->age_unit, AGE_DAYS);
    assert_int_equal(k[0]->cmp.op, CMP_GE);
    assert_int_equal(k[1]->age_unit, AGE_MONTHS);
    assert_int_equal(k[2]->kind, R_SEX);
    assert_int_equal(k[2]->sexes, (1u << SEX_FEMALE) | (1u << SEX_OTHER));
    assert_int_equal(k[3]->kind, R_EPISODE);
    assert_int_equal(secs(k[3]->lasting), 30 * TS_MINUTE);
    assert_int_equal(secs(k[3]->within), 48 * TS_HOUR);
    assert_int_equal(secs(k[3]->max_gap), TS_HOUR);
    assert_int_equal(k[4]->kind, R_ANY_VALUE);
    assert_int_equal(k[5]->kind, R_TIME_SINCE);
    assert_int_equal(k[5]->event, EV_MEDICATION);
    assert_int_equal(k[5]->dcmp.op, CMP_BETWEEN);
    assert_int_equal(secs(k[5]->dcmp.lo), 6 * TS_HOUR);
    assert_int_equal(secs(k[5]->dcmp.hi), 24 * TS_HOUR);
    assert_int_equal(k[6]->ongoing, 1);
    assert_int_equal(k[6]->dcmp.op, CMP_LT);
    assert_int_equal(k[7]->kind, R_PROCEDURE);
    assert_string_equal(k[7]->attr_key, "mode");
    assert_int_equal(k[7]->nattr_vals, 2);
    assert_string_equal(k[7]->attr_vals[0], "VA");
    assert_null(k[7]->attr_vals[1]);
    assert_int_equal(k[8]->within.months, 6);
    assert_int_equal(k[9]->nconcepts, 2);
    assert_int_equal(k[10]->fact_bool, 0);
    assert_int_equal(k[11]->kind, R_NOT);
    assert_int_equal(k[11]->kids[0]->kind, R_FACT);
    assert_int_equal(k[12]->concepts[0]->kind, CK_DERIVED);
    assert_int_equal(k[13]->kind, R_ALL_VALUES);
    assert_int_equal(k[13]->cmp.op, CMP_GE);
    assert_int_equal(k[14]->cmp.op, CMP_LT);
    assert_int_equal(k[15]->fact_type, VAL_STRING);
    assert_string_equal(k[15]->fact_str, "given");
    assert_string_equal(rule_kind_name(R_CONSECUTIVE), "consecutive");
    assert_string_equal(rule_kind_name(R_HELD_FOR), "for");
    assert_string_equal(cmp_op_name(CMP_GE), "at_least");
    assert_string_equal(cmp_op_name(CMP_BETWEEN), "between");
    trialset_free(ts);
}

/* One table of rule-kind names (rulenames.c) serves the parser and the
** messages: every kind has a name of its own, and an unknown kind is
** "?" rather than a read past the table. */
static void
test_rule_kind_names(void **state)
{
    (void)state;
    for (int k = R_ALL; k <= R_FACT; k++) {
        const char *name = rule_kind_name((rule_kind)k);
        assert_string_not_equal(name, "?");
        for (int j = R_ALL; j < k; j++)
            assert_string_not_equal(rule_kind_name((rule_kind)j), name);
    }
    assert_string_equal(rule_kind_name(R_TOTAL), "total");
    assert_string_equal(rule_kind_name((rule_kind)(R_FACT + 1)), "?");
    assert_string_equal(cmp_op_name(CMP_NONE), "none");
    assert_string_equal(cmp_op_name(CMP_LT), "below");
}

static void
test_not_evaluated_and_cohorts(void **state)
{
    (void)state;
    trialset *ts = load_ok(
        "trial:\n  id: T2\n  title: Two\n  list_incomplete: true\n"
        "  incomplete_note: the registry list is truncated\n"
        "inclusion:\n"
        "  - id: a\n    text: Something unmeasurable.\n    evaluate: false\n"
        "  - id: b\n    text: \"!!str quoted\"\n    rule: {criterion: a}\n"
        "exclusion:\n"
        "  - id: c\n    text: !!str Tagged as text.\n    rule: {fact: oliguria, is: true}\n"
        "cohorts:\n"
        "  - id: ss\n    text: Septic shock.\n"
        "    rule: {all: [{condition: septic_shock}, {not: {criterion: c}}]}\n");
    const trial *t = trialset_at(ts, 0);
    assert_int_equal(t->list_incomplete, 1);
    assert_int_equal(t->crit[0].evaluated, 0);
    assert_null(t->crit[0].rule);
    assert_int_equal(t->crit[1].rule->ref_index, 0);
    assert_string_equal(t->crit[2].text, "Tagged as text.");
    assert_int_equal(t->crit[2].exclusion, 1);
    assert_int_equal(t->ncohorts, 1);
    assert_string_equal(t->cohorts[0].id, "ss");
    assert_int_equal(t->cohorts[0].rule->kids[1]->kids[0]->ref_index, 2);
    trialset_free(ts);
}

static void
test_select(void **state)
{
    ts_error e;
    const char *ids[] = { "NCT00000001" };
    const char *bad[] = { "NCT0000000" };
    (void)state;
    trialset *ts = trialset_new(V);
    assert_int_equal(trialset_load(ts, DATA "dup/a.yaml", &e), 0);
    assert_int_equal(trialset_load_buffer(ts, "x.yaml", EMPTY, strlen(EMPTY), &e), 0);
    assert_int_equal(trialset_count(ts), 2);
    assert_int_equal(trialset_select(ts, bad, 1, &e), -1);
    assert_non_null(strstr(e.msg, "unknown trial 'NCT0000000'"));
    assert_int_equal(trialset_select(ts, ids, 1, &e), 0);
    assert_int_equal(trialset_count(ts), 1);
    assert_string_equal(trialset_at(ts, 0)->id, "NCT00000001");
    assert_null(trialset_find(ts, "T1"));
    trialset_free(ts);
}

static void
test_site_codes(void **state)
{
    ts_error e;
    (void)state;
    vocab *v = vocab_new();
    trialset *ts = trialset_new(v);
    /* a-codes.yaml names a concept that b-vocab.yaml defines. */
    assert_int_equal(trialset_load(ts, DATA "site", &e), 0);
    assert_ptr_equal(vocab_find(v, "local:ZZ-1"), vocab_find(v, "zz_pressure"));
    assert_ptr_equal(vocab_find(v, "local:ZZ-0"), vocab_find(v, "zz_pressure"));
    const rule *r = first_rule(ts);
    assert_true(fabs(r->cmp.scale - 0.133322) < 1e-5);
    trialset_free(ts);
    vocab_free(v);
}

/* ------------------------------------------------------- loader errors */

static void
test_err_yaml_syntax(void **state)
{
    (void)state;
    ERR("trial: {id: T1, title: \"Test}\n", 2, 1,
        "found unexpected end of stream while scanning a quoted scalar "
        "(started at 1:24)");
    ERR("a: [1, 2\nb: 3\n", 2, 2, "did not find expected ',' or ']'");
    ERR("trial:\n\tid: T1\n", 2, 1, "found character that cannot start any "
        "token while scanning for the next token (tabs are not allowed for "
        "indentation; use spaces)");
    expect_file_err(DATA "tab-indent.yaml", 3, 1, "found a tab character that "
                    "violates indentation while scanning a plain scalar "
                    "(started at 2:7) (tabs are not allowed for indentation; "
                    "use spaces)");
}

static void
test_err_keys(void **state)
{
    (void)state;
    ERR("trial: {id: T1, title: Test}\ninclusion: []\nexclusoin: []\n", 3, 1,
        "unknown key 'exclusoin' (did you mean 'exclusion'?)");
    ERR("trial: {id: T1, title: Test}\ninclusion: []\n", 1, 1,
        "trial file has no 'exclusion'");
    ERR("trial: {id: T1, titel: Test}\ninclusion: []\nexclusion: []\n", 1, 17,
        "unknown key 'titel' (did you mean 'title'?)");
    ERR(HEAD "  - text: no id\n    rule: {fact: oliguria, is: true}\n", 4, 5,
        "criterion has no 'id'");
    ERR(HEAD "  - id: c1\n    rule: {fact: oliguria, is: true}\n", 4, 5,
        "criterion has no 'text'");
    ERR(HEAD "  - id: c1\n    text: x\n", 4, 5,
        "criterion 'c1' has no 'rule' (write 'evaluate: false'");
    ERR(HEAD "  - id: c1\n    text: x\n    evaluate: false\n    rule: {location: icu}\n",
        7, 11, "'rule' is not allowed with 'evaluate: false'");
    ERR(HEAD "  - id: c1\n    text: x\n    color: red\n", 6, 5,
        "unknown key 'color' in a criterion; expected one of id, text, note, "
        "rule, evaluate");
    ERR(HEAD "  - id: c1\n    text: x\n    text: y\n", 6, 5,
        "duplicate key 'text' (first at 5:5)");
    ERR(HEAD "  - id: c1\n    text: x\n    rule: {location: icu}\n"
        "  - id: c1\n    text: y\n    rule: {location: icu}\n", 7, 9,
        "duplicate criterion id 'c1' (first at 4:9)");
    ERR(HEAD "  - id: c 1\n    text: x\n    rule: {location: icu}\n", 4, 9,
        "criterion id 'c 1' may contain only letters");
}

static void
test_err_duplicate_trial(void **state)
{
    (void)state;
    /* The second file names the first. */
    expect_load_err(DATA "dup", DATA "dup/b.yaml", 3, 7, "duplicate trial id 'NCT00000001' (also "
                    "in " DATA "dup/a.yaml:1:8)");
    trialset *ts = trialset_new(V);
    ts_error e;
    assert_int_equal(trialset_load_buffer(ts, "one.yaml", EMPTY, strlen(EMPTY), &e), 0);
    int rc = trialset_load_buffer(ts, "two.yaml", EMPTY, strlen(EMPTY), &e);
    check_error(rc, &e, "two.yaml", 1, 13, "duplicate trial id 'T1' (also in "
                "one.yaml:1:8)");
    trialset_free(ts);
}

static void
test_err_rules(void **state)
{
    (void)state;
    ERR(RULE("      latest: map\n      abov: 65\n      unit: \"mm[Hg]\"\n"), 8, 7,
        "unknown operator 'abov'; expected one of above, below, at_least, "
        "at_most, equals, between");
    ERR(RULE("      latest: map\n      below: 65\n      untis: \"mm[Hg]\"\n"), 9, 7,
        "unknown key 'untis' (did you mean 'unit'?)");
    ERR(RULE("      latset: map\n      below: 65\n"), 7, 7,
        "unknown key 'latset' (did you mean 'latest'?)");
    ERR(RULE("      latest: map\n      below: 65\n      unit: \"mm[Hg]\"\n"
             "      lasting: 30 min\n"), 10, 7, "'lasting' is not allowed with 'latest'");
    ERR(RULE("      latest: map\n      sustained: map\n"), 8, 7,
        "a rule has one kind, found 'latest' and 'sustained'");
    ERR(RULE("      below: 65\n"), 7, 7, "rule has no kind; expected one of all, any");
    ERR(RULE("      latest: map\n      unit: \"mm[Hg]\"\n"), 7, 7,
        "'latest' needs a comparison: one of above, below");
    ERR(RULE("      latest: map\n      above: 5\n      below: 9\n"), 9, 7,
        "give one comparison, found 'above' and 'below'");
    ERR(RULE("      age: {between: [75, 18]}\n"), 7, 22,
        "'between' needs low <= high");
    ERR(RULE("      latest: map\n      below: 65\n"), 7, 7,
        "a rule on 'map' needs 'unit:' (its values are in mm[Hg])");
    ERR(RULE("      latest: map\n      below: 65\n      unit: kg\n"), 9, 13,
        "unit 'kg' does not fit concept 'map' (mm[Hg])");
    /* "mmHg" is an accepted alias; "mmhg" is not, and gets a hint. */
    ERR(RULE("      latest: map\n      below: 65\n      unit: mmhg\n"), 9, 13,
        "mmhg");
    ERR(RULE("      latest: mapp\n      below: 65\n"), 7, 15,
        "unknown concept 'mapp' (did you mean 'map'?)");
    ERR(RULE("      condition: map\n"), 7, 18, "'map' is an observation, not a condition");
    ERR(RULE("      latest: septic_shock\n      above: 1\n"), 7, 15,
        "'septic_shock' is a condition, not an observation");
    ERR(RULE("      sustained: vis\n      above: 120\n"), 7, 18,
        "'vis' is a derived quantity; only 'latest' can use it");
    ERR(RULE("      latest: lvef\n      below: 35\n      unit: \"%\"\n"
             "      within: 24 hours\n"), 10, 15, "'within': unknown unit 'hours'");
    ERR(RULE("      latest: lvef\n      below: 35\n      unit: \"%\"\n"
             "      within: 0 h\n"), 10, 15, "'within' must be longer than 0");
    ERR(RULE("      fact: oliguria\n      is: yes\n"), 8, 11,
        "'yes' is not a boolean here; write true or false");
    ERR(RULE("      fact: oliguria\n      is: \"true\"\n"), 8, 11,
        "expected true or false for 'is', found the string 'true'");
    ERR(RULE("      latest: sofa\n      above: .inf\n"), 8, 14,
        "expected a number for 'above', found '.inf'");
    ERR(RULE("      latest: sofa\n      above: 1_000\n"), 8, 14,
        "found '1_000' (write a plain decimal number");
    ERR(RULE("      latest: sofa\n      above: 012\n"), 8, 14, "found '012'");
    ERR(RULE("      latest: sofa\n      above: 0x10\n"), 8, 14, "found '0x10'");
    ERR(RULE("      latest: sofa\n      above: 1e999\n"), 8, 14, "number out of range");
    ERR(RULE("      latest: sofa\n      above: \"2\"\n"), 8, 14,
        "a quoted number is text");
    ERR(RULE("      all: []\n"), 7, 12, "'all' needs at least one rule");
    ERR(RULE("      at_least: 3\n      of: [{location: icu}, {location: picu}]\n"),
        7, 17, "'at_least' needs a whole number from 1 to 2");
    ERR(RULE("      criterion: c2\n"), 7, 7, "unknown criterion 'c2'");
    ERR(RULE("      procedure: ecmo\n      attribute: {mode: [VA, null], intent: x}\n"),
        8, 18, "'attribute' takes one attribute");
    ERR(RULE("      procedure: ecmo\n      ongoing: true\n      within: 30 d\n"), 8, 16,
        "'ongoing' and 'within' cannot be combined");
    ERR(RULE("      location: icu\n      for: {longer_than: 5 h}\n"), 8, 13,
        "unknown key 'longer_than' in 'for'; expected one of more_than, at_least");
    ERR(RULE("      age: {at_least: 18}\n      unit: y\n"), 8, 13,
        "unknown age unit 'y'; expected a (years), mo (months) or d (days)");
    ERR(RULE("      location: [icu, picu]\n"), 7, 17, "'location' takes one concept");
    ERR(RULE("      latest: [map]\n"), 7, 15, "'latest' takes one concept");
    ERR(RULE("      duration: {procedure: cpr}\n      equals: 30 min\n"), 8, 7,
        "'equals' is not allowed with 'duration'");
}

static void
test_err_references(void **state)
{
    (void)state;
    ERR(HEAD "  - id: a\n    text: x\n    rule: {criterion: b}\n"
        "  - id: b\n    text: y\n    rule: {not: {criterion: a}}\n", 9, 17,
        "circular reference: criterion 'b' leads back to 'a'");
    ERR(HEAD "  - id: a\n    text: x\n    rule: {any: [{criterion: a}]}\n", 6, 18,
        "circular reference: criterion 'a' leads back to 'a'");
    ERR(HEAD "  - id: inc-age\n    text: x\n    rule: {criterion: inc-ag}\n", 6, 11,
        "unknown criterion 'inc-ag' (did you mean 'inc-age'?)");
}

/* A chain of "not" deeper than RULE_MAX_DEPTH, and one through references. */
static void
test_err_rule_depth(void **state)
{
    char buf[4096];
    size_t n;
    (void)state;
    n = (size_t)snprintf(buf, sizeof buf, RULE("      "));
    for (int i = 0; i < RULE_MAX_DEPTH; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "{not: ");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "{location: icu}");
    for (int i = 0; i < RULE_MAX_DEPTH; i++)
        buf[n++] = '}';
    buf[n] = '\0';
    ERR(buf, 7, 7 + 6 * RULE_MAX_DEPTH, "rules nested deeper than 32 levels");

    /* 20 levels in c1, which refers to c2 with 20 more. */
    n = (size_t)snprintf(buf, sizeof buf, HEAD "  - id: c1\n    text: x\n    rule: ");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "{not: ");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "{criterion: c2}");
    for (int i = 0; i < 20; i++)
        buf[n++] = '}';
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  - id: c2\n    text: y\n    rule: ");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "{not: ");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "{location: icu}");
    for (int i = 0; i < 20; i++)
        buf[n++] = '}';
    buf[n] = '\0';
    ERR(buf, 9, 11 + 6 * 11, "rules nested deeper than 32 levels (counting the "
        "criteria they refer to)");
}

static void
test_err_hostile_yaml(void **state)
{
    (void)state;
    expect_file_err(DATA "alias-bomb.yaml", 1, 4,
                    "anchors and aliases are not supported in criteria files");
    ERR("a: &a [*a]\n", 1, 4, "anchors and aliases are not supported");
    ERR("a: *nope\n", 1, 4, "anchors and aliases are not supported");
    ERR("a: 1\n<<: *base\n", 2, 5, "anchors and aliases are not supported");
    expect_file_err(DATA "two-docs.yaml", 4, 1,
                    "more than one document (second starts at 4:1)");
    expect_file_err(DATA "tag.yaml", 1, 33, "YAML tags are not supported in "
                    "criteria files (found '!!python/object:os.system'");
    ERR("trial: !!map {id: T1}\n", 1, 8, "YAML tags are not supported");
    ERR("a: !custom x\n", 1, 4, "found '!custom'");
    expect_file_err(DATA "empty.yaml", 1, 1, "no criteria found");
    expect_file_err(DATA "comment-only.yaml", 1, 1, "no criteria found");
    ERR("---\n", 2, 1, "no criteria found");
    ERR("# a comment\n~\n", 2, 1, "no criteria found");
    ERR("- a\n- b\n", 1, 1, "expected a mapping for a trial file");
    expect_file_err(DATA "nul-byte.yaml", 2, 11, "NUL byte");
    expect_err_len("a: \"x\\0y\"\n", 10, 1, 4, "text contains a NUL character");
    expect_file_err(DATA "latin1.yaml", 3, 13, "invalid UTF-8 byte 0xe9");
    expect_err_len("\xff\xfe" "a\0:\0", 6, 1, 1, "file is UTF-16; save it as UTF-8");
    ERR("? [a, b]\n: c\n", 1, 3, "a mapping key must be a plain name, not a list");
    expect_file_err(DATA "no-such-file.yaml", 0, 0, "cannot open: No such file");
}

static void
test_err_deep_flow(void **state)
{
    (void)state;
    /* libyaml 0.2.5 is quadratic in flow depth: 100 000 '[' must stop at
    ** the 65th, not after the scanner has seen them all. */
    size_t n = 100000;
    char *buf = malloc(n + 1);
    memset(buf, '[', n);
    buf[n] = '\0';
    expect_err_len(buf, n, 1, 65, "nesting deeper than 64 levels");
    free(buf);
}

static void
test_err_deep_block(void **state)
{
    (void)state;
    /* "- - - ... x": 10 000 nested block sequences on one line. */
    size_t depth = 10000, n = 2 * depth + 2;
    char *buf = malloc(n + 1);
    for (size_t i = 0; i < depth; i++)
        memcpy(buf + 2 * i, "- ", 2);
    memcpy(buf + 2 * depth, "x\n", 3);
    expect_err_len(buf, n, 1, 2 * 64 + 1, "nesting deeper than 64 levels");
    free(buf);
}

static void
test_err_size(void **state)
{
    (void)state;
    size_t n = (4u << 20) + 1;
    char *buf = malloc(n + 1);
    memset(buf, '#', n);
    buf[n] = '\0';
    expect_err_len(buf, n, 0, 0, "file larger than 4 MiB");
    free(buf);
}

static void
test_err_node_budget(void **state)
{
    (void)state;
    /* [1,1,1,...]: 100 001 scalars and the list itself. */
    size_t count = 100001, n = 2 * count + 1;
    char *buf = malloc(n + 1);
    buf[0] = '[';
    for (size_t i = 0; i < count; i++)
        memcpy(buf + 1 + 2 * i, "1,", 2);
    buf[n - 1] = ']';
    buf[n] = '\0';
    /* The list is node 1, so the 100 000th scalar is the first too many. */
    expect_err_len(buf, n, 1, 2 * 99999 + 2, "more than 100000 YAML nodes");
    free(buf);
}

/* A FIFO named as a criteria file is refused, not waited on. */
static void
test_err_not_regular(void **state)
{
    char dir[] = "/tmp/test_criteria.XXXXXX", path[64];
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fifo.yaml", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_file_err(path, 0, 0, "not a regular file");
    /* In a directory it is skipped; nothing else is there. */
    expect_file_err(dir, 0, 0, "no criteria files (*.yaml) in directory");
    unlink(path);
    rmdir(dir);
}

/* window: {from, opens, closes, note}, errors at their positions. */
static void
test_window(void **state)
{
    (void)state;
    trialset *ts = load_ok(EMPTY "window:\n  from: {medication: norepinephrine}\n"
                           "  opens: 6 h\n  closes: 24 h\n  note: n\n");
    const trial *t = trialset_at(ts, 0);
    assert_non_null(t->window_from);
    assert_int_equal(t->window_from->kind, R_MEDICATION);
    assert_int_equal(secs(t->window_opens), 6 * TS_HOUR);
    assert_int_equal(secs(t->window_closes), 24 * TS_HOUR);
    assert_string_equal(t->window_note, "n");
    trialset_free(ts);

    ERR(EMPTY "window:\n  opens: 6 h\n  closes: 24 h\n", 5, 3,
        "'window' needs 'from'");
    ERR(EMPTY "window:\n  from: {medication: norepinephrine}\n", 5, 3,
        "'window' needs 'closes'");
    ERR(EMPTY "window:\n  from: {medication: norepinephrine}\n  closes: 24 x\n", 6, 11,
        "'closes':");
    ERR(EMPTY "window:\n  from: {medication: norepinephrine}\n  closes: 24 h\n"
        "  close: 1 h\n", 7, 3, "unknown key 'close'");
    ERR(EMPTY "window:\n  from: {medication: norepinephrin}\n  closes: 24 h\n", 5, 22,
        "norepinephrin");
    ERR(EMPTY "window:\n  from: {criterion: nope}\n  closes: 24 h\n", 5, 9,
        "unknown criterion 'nope'");
    ERR(EMPTY "window: 24 h\n", 4, 9, "'window'");
}

static void
vocab_err(const char *src, int line, int col, const char *want)
{
    vocab *v = vocab_new();
    ts_error e;
    int rc = vocab_load_buffer(v, "v.yaml", src, strlen(src), &e);
    check_error(rc, &e, "v.yaml", line, col, want);
    vocab_free(v);
}

static void
test_err_vocabulary(void **state)
{
    (void)state;
    vocab_err("concepts:\n  x: {kind: observaton}\n", 2, 13,
              "unknown kind 'observaton' (did you mean 'observation'?)");
    vocab_err("concepts:\n  x: {kind: observation, unit: mmhg}\n", 2, 32,
              "unknown unit 'mmhg' (did you mean 'mm[Hg]'?)");
    vocab_err("concepts:\n  x: {kind: condition, unit: mg}\n", 2, 30,
              "a condition has no unit");
    vocab_err("concepts:\n  x: {unit: mg}\n", 2, 6, "concept 'x' has no 'kind'");
    vocab_err("concepts:\n  x: {kind: condition, broader: y}\n", 2, 33,
              "unknown concept 'y'");
    vocab_err("concepts:\n  x: {kind: condition, broader: y}\n  y: {kind: fact}\n",
              2, 33, "'broader' links a condition to a condition");
    vocab_err("concepts:\n  x: {kind: condition, broader: x}\n", 2, 33,
              "'broader' must name a condition that has no broader one");
    vocab_err("concepts:\n  x: {kind: condition, sex: woman}\n", 2, 29,
              "'sex' must be female or male");
    vocab_err("concepts:\n  x: {kind: fact, sex: female}\n", 2, 24,
              "'sex' is only for conditions");
    vocab_err("concepts:\n  Bad-Name: {kind: fact}\n", 2, 3,
              "concept name 'Bad-Name' must start with a lower-case letter");
    vocab_err("concepts:\n  x: {kind: fact, codes: [\"loinc 1\"]}\n", 2, 27,
              "code 'loinc 1' must be written system:code");
    vocab_err("concepts:\n  x: {kind: fact, codes: [a:1]}\n  y: {kind: fact, "
              "codes: [a:1]}\n", 3, 27, "code 'a:1' already names concept 'x'");
    vocab_err("concepts:\n  x: {kind: fact}\n  x: {kind: fact}\n", 3, 3,
              "duplicate key 'x' (first at 2:3)");
    vocab_err("concepts:\n  x: {kind: observation, unit: mg/dL, molar_mass: 0}\n",
              2, 51, "'molar_mass' must be above 0");
    vocab_err("concepts:\n  x: {kind: fact, lable: X}\n", 2, 19,
              "unknown key 'lable' (did you mean 'label'?)");
    vocab_err("codes:\n  local:1: nothing\n", 2, 12, "unknown concept 'nothing'");
    vocab_err("trial: {id: x}\n", 1, 1, "not a vocabulary file");

    /* The same concept in two files of a trialset. */
    vocab *v = vocab_new();
    ts_error e;
    assert_int_equal(vocab_load_buffer(v, "a.yaml", "concepts: {x: {kind: fact}}\n",
                                       28, &e), 0);
    int rc = vocab_load_buffer(v, "b.yaml", "concepts:\n  x: {kind: fact}\n", 27, &e);
    check_error(rc, &e, "b.yaml", 2, 3, "concept 'x' is already defined at "
                "a.yaml:1:12");
    vocab_free(v);
}

/* The CLASSIC additions: total, one_course, known, first_of, and the
** errors that keep them from being misread. */
static void
test_classic_syntax(void **state)
{
    (void)state;
    trialset *ts = load_ok(RULE("      total: [crystalloid, colloid, blood_product]\n"
                                "      within: 24 h\n      at_least: 1\n      unit: L\n"));
    const rule *r = first_rule(ts);
    assert_int_equal(r->kind, R_TOTAL);
    assert_int_equal(r->nconcepts, 3);
    assert_true(r->cmp.scale > 0.00099 && r->cmp.scale < 0.00101);  /* mL -> L */
    trialset_free(ts);

    ts = load_ok(RULE("      time_since:\n        first_of:\n"
                      "          - condition: septic_shock\n"
                      "          - medication: [norepinephrine, vasopressin]\n"
                      "      above: 12 h\n"));
    r = first_rule(ts);
    assert_int_equal(r->event, EV_FIRST_OF);
    assert_int_equal(r->nevents, 2);
    assert_true(r->events[1]->one_course);
    assert_int_equal(r->events[1]->nconcepts, 2);
    trialset_free(ts);

    ts = load_ok(RULE("      condition: pregnancy\n      known: true\n"));
    assert_true(first_rule(ts)->known);
    trialset_free(ts);

    ERR(RULE("      total: [crystalloid, norepinephrine]\n      within: 24 h\n"
             "      at_least: 1\n      unit: L\n"), 7, 28,
        "'total' adds its medications, so they need one unit");
    ERR(RULE("      total: crystalloid\n      at_least: 1\n      unit: L\n"), 7, 7,
        "'total' needs 'within'");
    ERR(RULE("      total: crystalloid\n      within: 24 h\n      at_least: 1\n"
             "      unit: mg\n"), 10, 13, "unit 'mg' does not fit concept 'crystalloid'");
    ERR(RULE("      condition: pregnancy\n      known: true\n      suspected: true\n"),
        8, 14, "'known' and 'suspected: true' contradict");
    ERR(RULE("      medication: [norepinephrine, vasopressin]\n      one_course: true\n"
             "      within: 24 h\n"), 8, 19, "cannot be combined with 'within'");
    ERR(RULE("      time_since: {first_of: [{condition: septic_shock}]}\n"
             "      above: 12 h\n"), 7, 30, "'first_of' needs at least two events");
    ERR(RULE("      time_since: {procedure: [ecmo, cpr]}\n      above: 12 h\n"), 7, 31,
        "takes one concept, not a list");
    ERR(RULE("      duration: {first_of: [{condition: sepsis}, {condition: septic_shock}]}\n"
             "      above: 12 h\n"), 7, 18, "'first_of' is only allowed with 'time_since'");
}

/* ----------------------------------------------- the bundled packings */

/* Two trees are the same: kinds, positions, quoting, text, counts. */
static void
assert_same_tree(const ynode *a, const ynode *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->column, b->column);
    assert_int_equal(a->quoted, b->quoted);
    assert_int_equal(a->n, b->n);
    if (a->kind == Y_SCALAR) {
        assert_int_equal(a->len, b->len);
        assert_memory_equal(a->str, b->str, a->len + 1);    /* and the NUL */
        assert_null(b->items);
        return;
    }
    assert_null(b->str);
    int items = a->kind == Y_MAP ? 2 * a->n : a->n;
    assert_true((items == 0) == (b->items == NULL));
    for (int i = 0; i < items; i++)
        assert_same_tree(a->items[i], b->items[i]);
}

/* Every bundled file's packing unpacks to libyaml's own tree of it, and
** ydoc_parse gives that tree for the file's bytes. */
static void
test_bundled_same_as_libyaml(void **state)
{
    (void)state;
    int files = 0;
    DIR *d = opendir("criteria");
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)))
        files += strstr(e->d_name, ".yaml") != NULL;
    closedir(d);
    assert_true(files >= 7);
    assert_int_equal(ydoc_nbundles, files);
    for (int i = 0; i < ydoc_nbundles; i++) {
        const ydoc_bundle *b = &ydoc_bundles[i];
        ts_error err;
        ydoc *slow = ydoc_parse_yaml("f.yaml", b->text, b->len, &err);
        ydoc *fast = ydoc_bundled("f.yaml", b->text, b->len);
        ydoc *any = ydoc_parse("f.yaml", b->text, b->len, &err);
        assert_non_null(slow);
        assert_non_null(fast);
        assert_non_null(any);
        assert_same_tree(slow->root, fast->root);
        assert_same_tree(slow->root, any->root);
        assert_string_equal(fast->name, "f.yaml");
        ydoc_free(slow);
        ydoc_free(fast);
        ydoc_free(any);
    }
}

/* A buffer one byte away from a bundled file is parsed, not unpacked: an
** edited file never gets the packing of the file it was. */
static void
test_bundled_only_exact_bytes(void **state)
{
    (void)state;
    const ydoc_bundle *b = &ydoc_bundles[0];
    char *copy = malloc(b->len + 2);
    memcpy(copy, b->text, b->len + 1);
    assert_null(ydoc_bundled("f.yaml", copy, b->len - 1));     /* shorter */
    copy[b->len] = '\n';
    copy[b->len + 1] = '\0';
    assert_null(ydoc_bundled("f.yaml", copy, b->len + 1));     /* longer */
    /* A comment's letter changed: the same tree, but parsed for real. */
    char *hash = memchr(copy, '#', b->len);
    assert_non_null(hash);
    assert_true(hash[1] == ' ');
    hash[1] = '!';
    assert_null(ydoc_bundled("f.yaml", copy, b->len));
    ts_error err;
    ydoc *y = ydoc_parse("f.yaml", copy, b->len, &err);
    assert_non_null(y);
    ydoc_free(y);
    free(copy);
}

/* A packing that does not add up is refused, never read past its end. */
static void
test_unpack_malformed(void **state)
{
    (void)state;
    const ydoc_bundle *b = &ydoc_bundles[0];
    for (size_t cut = 0; cut < b->packlen; cut += 1 + cut / 4)
        assert_null(ydoc_unpack("f", b->pack, cut));
    static const unsigned char kind3[] = { 3, 1, 1, 0 };
    assert_null(ydoc_unpack("f", kind3, sizeof kind3));
    static const unsigned char huge[] = { 1, 1, 1, 0xff, 0xff, 0xff, 0x7f };
    assert_null(ydoc_unpack("f", huge, sizeof huge));
    static const unsigned char nonul[] = { 4, 2, 3, 2, 'h', 'i', 'x' };
    assert_null(ydoc_unpack("f", nonul, sizeof nonul));
    static const unsigned char inner[] = { 4, 2, 3, 2, 'h', 0, 0 };
    assert_null(ydoc_unpack("f", inner, sizeof inner));
    static const unsigned char scalar[] = { 4, 2, 3, 2, 'h', 'i', 0 };
    ydoc *d = ydoc_unpack("f", scalar, sizeof scalar);
    assert_non_null(d);
    assert_int_equal(d->root->line, 2);
    assert_int_equal(d->root->column, 3);
    assert_true(d->root->quoted);
    assert_string_equal(d->root->str, "hi");
    ydoc_free(d);
}

/* ydoc_quoted replaced snprintf("'%s'") in the loader: the same bytes,
** cut at the same place, for every length around every buffer size. */
static void
test_quoted_as_snprintf(void **state)
{
    (void)state;
    char key[64], want[48], got[48];
    for (size_t n = 0; n < sizeof key; n++) {
        memset(key, 'k', n);
        key[n] = '\0';
        for (size_t size = 1; size <= sizeof want; size++) {
            memset(got, '#', sizeof got);
            /* Truncation is the point (its result used: no warning). */
            assert_int_equal(snprintf(want, size, "'%s'", key), (int)n + 2);
            assert_ptr_equal(ydoc_quoted(got, size, key), got);
            assert_string_equal(got, want);
        }
    }
}

/* ydoc_same is strcmp(a, b) == 0: empty strings, one a prefix of the
** other, a difference at the first byte and at the last. */
static void
test_same_as_strcmp(void **state)
{
    (void)state;
    static const char *const s[] = {
        "", "a", "ab", "abc", "abd", "b", "at_least", "at_most", "above",
        "null", "nul", "nullx", "~", NULL
    };
    for (int i = 0; s[i]; i++)
        for (int j = 0; s[j]; j++)
            assert_int_equal(ydoc_same(s[i], s[j]), strcmp(s[i], s[j]) == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_metadata),
        cmocka_unit_test(test_bundled_refractory_shock),
        cmocka_unit_test(test_bundled_other_criteria),
        cmocka_unit_test(test_bundled_vocabulary),
        cmocka_unit_test(test_unit_conversion),
        cmocka_unit_test(test_rule_kinds),
        cmocka_unit_test(test_rule_kind_names),
        cmocka_unit_test(test_not_evaluated_and_cohorts),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_site_codes),
        cmocka_unit_test(test_err_yaml_syntax),
        cmocka_unit_test(test_err_keys),
        cmocka_unit_test(test_err_duplicate_trial),
        cmocka_unit_test(test_err_rules),
        cmocka_unit_test(test_err_references),
        cmocka_unit_test(test_err_rule_depth),
        cmocka_unit_test(test_err_hostile_yaml),
        cmocka_unit_test(test_err_deep_flow),
        cmocka_unit_test(test_err_deep_block),
        cmocka_unit_test(test_err_size),
        cmocka_unit_test(test_err_node_budget),
        cmocka_unit_test(test_err_not_regular),
        cmocka_unit_test(test_err_vocabulary),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_classic_syntax),
        cmocka_unit_test(test_bundled_same_as_libyaml),
        cmocka_unit_test(test_bundled_only_exact_bytes),
        cmocka_unit_test(test_unpack_malformed),
        cmocka_unit_test(test_quoted_as_snprintf),
        cmocka_unit_test(test_same_as_strcmp),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
