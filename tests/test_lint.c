/*
** test_lint.c -- "trialscreen lint" and "trialscreen trials".
**
** Most tests call lint in-process: lint_paths on the fixtures in
** tests/data/lint/ (one file per kind of problem) and lint_trial on small
** trials loaded from strings, to walk the overlap check across its
** boundaries (just below, at, just above a threshold; leaves that do not
** decide a criterion on their own).  A few run ./trialscreen for the exit
** statuses and the trials views.  Tests run from the repository root.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criteria.h"
#include "lint.h"
#include "report.h"
#include "rules.h"
#include "trialsview.h"
#include "vocab.h"

#define DATA "tests/data/lint/"

/* ---------------------------------------------------------------- helpers */

static lint_report
lint_one(const char *path)
{
    lint_report r = {0};
    ts_error err;
    const char *paths[] = { path };
    assert_int_equal(lint_paths(paths, 1, &r, &err), 0);
    return r;
}

/* The finding at index i, as "line:column: level: message". */
static char *
line_of(const lint_report *r, int i)
{
    static char buf[1200];
    assert_true(i < r->n);
    snprintf(buf, sizeof buf, "%d:%d: %s: %s", r->d[i].line, r->d[i].column,
             r->d[i].level == LINT_ERROR ? "error" : "warning", r->d[i].msg);
    return buf;
}

/* Lint one trial given as YAML (with the bundled vocabulary). */
static lint_report
lint_yaml(const char *yaml)
{
    lint_report r = {0};
    ts_error err;
    vocab *v = vocab_new();
    trialset *ts = trialset_new(v);
    if (vocab_load(v, "criteria/concepts.yaml", &err) != 0 ||
        trialset_load_buffer(ts, "t.yaml", yaml, strlen(yaml), &err) != 0)
        fail_msg("%s:%d:%d: %s", err.file ? err.file : "", err.line,
                 err.column, err.msg);
    lint_trial(trialset_at(ts, 0), 0, &r);
    lint_sort(&r);
    trialset_free(ts);
    vocab_free(v);
    return r;
}

/* A trial with one inclusion and one exclusion rule (YAML flow style). */
static lint_report
lint_pair(const char *inc, const char *exc)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "trial: {id: T, title: T}\n"
             "inclusion:\n"
             "  - {id: inc, text: i, rule: %s}\n"
             "exclusion:\n"
             "  - {id: exc, text: e, rule: %s}\n", inc, exc);
    return lint_yaml(yaml);
}

static int
sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *
capture(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    size_t cap = 1 << 16, n = 0, k;
    char *buf = calloc(1, cap);
    assert_non_null(p);
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0)
        if ((n += k) + 1 == cap)
            buf = realloc(buf, cap *= 2);
    buf[n] = '\0';
    pclose(p);
    return buf;
}

/* ------------------------------------------------------------ the overlap */

static void
test_bundled_age_overlap(void **state)
{
    (void)state;
    lint_report r = lint_one("criteria");
    int found = 0;
    assert_int_equal(r.errors, 0);
    for (int i = 0; i < r.n; i++) {
        if (strcmp(r.d[i].check, "overlap") != 0)
            continue;
        found++;
        assert_string_equal(r.d[i].file, "criteria/nct04843982.yaml");
        assert_string_equal(line_of(&r, i), "31:7: warning: inclusion "
            "'inc-age' (age ≤ 60 y) and exclusion 'exc-age' (age ≥ 60 y) "
            "overlap at 60 y: a patient aged exactly 60 y is ineligible");
    }
    assert_int_equal(found, 1);
    lint_report_release(&r);
}

static void
test_warnings_only(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "warnings.yaml");
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.warnings, 3);
    assert_string_equal(r.d[0].check, "list-incomplete");
    assert_string_equal(line_of(&r, 0), "3:3: warning: trial 'LINT-WARN': "
        "exclusion list incomplete (list_incomplete: true): an eligible "
        "patient may meet an exclusion criterion that is not encoded");
    assert_string_equal(line_of(&r, 1), "11:7: warning: inclusion 'inc-age' "
        "(age ≤ 60 y) and exclusion 'exc-age' (age ≥ 60 y) overlap at 60 y: "
        "a patient aged exactly 60 y is ineligible");
    /* Across units: 36 mg/dL of lactate is about 4 mmol/L. */
    assert_string_equal(line_of(&r, 2), "16:11: warning: inclusion "
        "'inc-lactate' (latest lactate > 2 mmol/L) and exclusion "
        "'exc-lactate' (any lactate > 36 mg/dL) overlap for lactate > "
        "36 mg/dL: such a patient is ineligible");
    lint_report_release(&r);
}

static void
test_implies_is_error(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "implies.yaml");
    assert_int_equal(r.errors, 2);
    assert_int_equal(r.warnings, 0);
    assert_string_equal(line_of(&r, 0), "10:7: error: inclusion 'inc-old' "
        "(age ≥ 70 y) implies exclusion 'exc-old' (age > 59 y): no patient "
        "can be eligible");
    assert_string_equal(line_of(&r, 1), "14:7: error: inclusion "
        "'inc-consent' (informed_consent is true) implies exclusion "
        "'exc-consent' (informed_consent is true): no patient can be "
        "eligible");
    lint_report_release(&r);
}

/* Age: just below, at and just above the exclusion's bound. */
static void
test_age_boundaries(void **state)
{
    (void)state;
    lint_report r = lint_pair("{age: {at_most: 59}}", "{age: {at_least: 60}}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);

    r = lint_pair("{age: {at_most: 60}}", "{age: {at_least: 60}}");
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.d[0].msg, "overlap at 60 y"));
    lint_report_release(&r);

    r = lint_pair("{age: {at_most: 61}}", "{age: {at_least: 60}}");
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.d[0].msg, "overlap for 60 y ≤ age ≤ 61 y"));
    lint_report_release(&r);

    /* Strict bounds on whole years: below 60 and at least 60 share no age;
    ** below 61 and above 59 share exactly 60. */
    r = lint_pair("{age: {below: 60}}", "{age: {at_least: 60}}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
    r = lint_pair("{age: {below: 61}}", "{age: {above: 59}}");
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.d[0].msg, "(age < 61 y)"));
    assert_non_null(strstr(r.d[0].msg, "(age > 59 y)"));
    assert_non_null(strstr(r.d[0].msg, "overlap at 60 y"));
    lint_report_release(&r);

    /* Another unit is another subject: not compared. */
    r = lint_pair("{age: {at_most: 60}}", "{age: {at_least: 60, unit: mo}}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
}

static void
test_value_boundaries(void **state)
{
    (void)state;
    lint_report r = lint_pair("{latest: lactate, below: 2, unit: mmol/L}",
                              "{latest: lactate, at_least: 2, unit: mmol/L}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);

    /* 18.016 mg/dL is 2 mmol/L within the tolerance. */
    r = lint_pair("{latest: lactate, at_most: 2, unit: mmol/L}",
                  "{latest: lactate, at_least: 18.016, unit: mg/dL}");
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.d[0].msg, "overlap at 2 mmol/L: a patient "
                           "with lactate exactly 2 mmol/L is ineligible"));
    lint_report_release(&r);

    /* Inclusion inside the exclusion, the exclusion looking back further:
    ** nobody can be eligible. */
    r = lint_pair("{latest: lactate, above: 5, unit: mmol/L, within: 6 h}",
                  "{latest: lactate, above: 4, unit: mmol/L, within: 24 h}");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.d[0].msg, "implies exclusion"));
    lint_report_release(&r);
    /* ... but looking back less far, the exclusion may not see the value. */
    r = lint_pair("{latest: lactate, above: 5, unit: mmol/L, within: 24 h}",
                  "{latest: lactate, above: 4, unit: mmol/L, within: 6 h}");
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.warnings, 1);
    lint_report_release(&r);
    /* The same for a recorded fact. */
    r = lint_pair("{fact: oliguria, is: true, within: 48 h}",
                  "{fact: oliguria, is: true, within: 24 h}");
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.warnings, 1);
    lint_report_release(&r);
    r = lint_pair("{fact: oliguria, is: true, within: 24 h}",
                  "{fact: oliguria, is: true}");
    assert_int_equal(r.errors, 1);
    lint_report_release(&r);
    /* Two samples: any value is never "implied". */
    r = lint_pair("{any_value: lactate, above: 5, unit: mmol/L, within: 6 h}",
                  "{any_value: lactate, above: 4, unit: mmol/L, within: 6 h}");
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.warnings, 1);
    lint_report_release(&r);
}

/* Only leaves that decide their criterion are paired: an inclusion leaf
** under any may be bypassed, an exclusion leaf under all is not enough. */
static void
test_overlap_needs_deciding_leaves(void **state)
{
    (void)state;
    lint_report r = lint_pair("{any: [{age: {at_most: 60}}, {location: icu}]}",
                              "{age: {at_least: 60}}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
    r = lint_pair("{age: {at_most: 60}}",
                  "{all: [{age: {at_least: 60}}, {location: icu}]}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
    r = lint_pair("{all: [{age: {at_most: 60}}, {location: icu}], "
                  "for: {more_than: 1 h}}",
                  "{at_least: 1, of: [{location: picu}, {age: {at_least: 60}}]}");
    assert_int_equal(r.warnings, 1);
    lint_report_release(&r);
    /* Facts of opposite values, sexes that differ: no overlap. */
    r = lint_pair("{fact: informed_consent, is: true}",
                  "{fact: informed_consent, is: false}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
    r = lint_pair("{sex: [female, other]}", "{sex: female}");
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.d[0].msg, "(sex female or other)"));
    lint_report_release(&r);
}

/* ------------------------------------------------------- never met, text */

static void
test_never_met(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "never.yaml");
    assert_int_equal(r.warnings, 0);
    assert_int_equal(r.errors, 5);
    assert_string_equal(line_of(&r, 0), "23:11: error: 'latest lactate > 5 "
        "mmol/L' (at 11:11) and 'latest lactate < 3 mmol/L' must both hold "
        "and cannot; the rule can never be met");
    assert_string_equal(line_of(&r, 1), "29:7: error: age < 0 y: no age in "
        "whole years passes; the rule can never be met");
    assert_string_equal(line_of(&r, 2), "33:7: error: an episode lasting 2 h "
        "cannot fit in the look-back of 1 h; the rule can never be met");
    assert_string_equal(line_of(&r, 3), "44:11: error: 'time since "
        "norepinephrine start > 24 h' (at 42:11) and 'time since "
        "norepinephrine start < 6 h' must both hold and cannot; the rule can "
        "never be met");
    assert_string_equal(line_of(&r, 4), "52:11: error: 'sex female' (at "
        "51:11) and 'sex male or other' must both hold and cannot; the rule "
        "can never be met");
    for (int i = 0; i < r.n; i++)
        assert_string_equal(r.d[i].check, "never-met");
    lint_report_release(&r);
}

/* Just inside: bounds that touch are not a contradiction. */
static void
test_never_met_boundaries(void **state)
{
    (void)state;
    lint_report r = lint_pair("{all: [{latest: map, at_least: 65, unit: "
                              "\"mm[Hg]\"}, {latest: map, at_most: 65, unit: "
                              "\"mm[Hg]\"}]}", "{location: picu}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
    r = lint_pair("{all: [{latest: map, above: 65, unit: \"mm[Hg]\"}, "
                  "{latest: map, at_most: 65, unit: \"mm[Hg]\"}]}",
                  "{location: picu}");
    assert_int_equal(r.errors, 1);
    lint_report_release(&r);
    r = lint_pair("{age: {between: [18.2, 18.9]}}", "{location: picu}");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.d[0].msg, "no age in whole years"));
    lint_report_release(&r);
    r = lint_pair("{episode: sbp, below: 90, unit: \"mm[Hg]\", lasting: 1 h, "
                  "within: 1 h}", "{location: picu}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
}

static void
test_empty_text(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "empty-text.yaml");
    assert_int_equal(r.errors, 1);
    assert_string_equal(r.d[0].check, "empty-text");
    assert_string_equal(line_of(&r, 0), "6:5: error: criterion 'inc-icu' has "
        "an empty 'text' (quote the registry text it encodes)");
    lint_report_release(&r);
}

/* ---------------------------------------------------------- load errors */

/* A modifier that changes nothing is a warning, where it changes nothing
** only: with `within` the same `infusion: true` is silent. */
static void
test_no_effect(void **state)
{
    (void)state;
    lint_report r = lint_pair("{medication: [norepinephrine, vasopressin], infusion: true}",
                              "{medication: norepinephrine, one_course: true}");
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.n, 2);
    for (int i = 0; i < r.n; i++)
        assert_string_equal(r.d[i].check, "no-effect");
    assert_non_null(strstr(r.d[0].msg, "'infusion: true' changes nothing without 'within'"));
    assert_non_null(strstr(r.d[1].msg, "'one_course: true' changes nothing with one drug"));
    lint_report_release(&r);
    r = lint_pair("{medication: [norepinephrine, vasopressin], infusion: true, within: 48 h}",
                  "{medication: [norepinephrine, vasopressin], one_course: true}");
    assert_int_equal(r.n, 0);
    lint_report_release(&r);
}

/* lint FILE loads the vocabulary files beside FILE with the bundled one,
** and an unknown concept names the files the vocabulary came from. */
static void
test_site_vocabulary_beside_file(void **state)
{
    (void)state;
    char *out = capture("./trialscreen lint " DATA "site/trial.yaml 2>&1");
    assert_null(strstr(out, "site_fluid_score"));
    assert_non_null(strstr(out, "trial.yaml:7:41: error: unknown concept 'zzzqqqxx' "
                                "(not in the vocabulary loaded from "));
    assert_non_null(strstr(out, "criteria/concepts.yaml, " DATA "site/site-concepts.yaml)"));
    free(out);
    assert_int_equal(sh("./trialscreen lint -q " DATA "site/trial.yaml"), 2);
}

/* Every problem in one criterion, not the first: each sub-rule of all,
** any, not is parsed on its own. */
static void
test_every_error_of_a_criterion(void **state)
{
    static const char *const want[] = {
        "8:19: error: unknown concept 'lactat' (did you mean 'lactate'?)",
        "12:26: error: unknown concept 'sepsiss' (did you mean 'sepsis'?)",
        ("14:19: error: expected true or false for 'is', found 'yes' ('yes' is "
         "not a boolean here; write true or false)"),
        "18:19: error: unit 'kg' does not fit concept 'map' (mm[Hg])",
    };
    (void)state;
    lint_report r = lint_one(DATA "rule-errors.yaml");
    assert_int_equal(r.n, 4);
    for (int i = 0; i < r.n; i++)
        assert_string_equal(line_of(&r, i), want[i]);
    lint_report_release(&r);
}

static void
test_all_load_errors_of_a_file(void **state)
{
    static const char *const want[] = {
        "10:15: error: unknown concept 'mapp' (did you mean 'map'?)",
        "18:13: error: unit 'kg' does not fit concept 'lactate' (mmol/L)",
        "22:17: error: 'at_least' needs a whole number from 1 to 2 (the "
        "number of rules in 'of')",
        "29:22: error: 'between' needs low <= high, found [60, 18]",
        "34:16: error: 'between' needs low <= high, found [24 h, 6 h]",
        "35:9: error: duplicate criterion id 'inc-map' (first at 7:9)",
        "38:18: error: unknown concept 'septic_shok' (did you mean "
        "'septic_shock'?)",
        "39:5: error: criterion has no 'text'",
    };
    (void)state;
    lint_report r = lint_one(DATA "load-errors.yaml");
    assert_int_equal(r.n, 8);
    assert_int_equal(r.errors, 8);
    for (int i = 0; i < r.n; i++) {
        assert_string_equal(line_of(&r, i), want[i]);
        assert_string_equal(r.d[i].check, "load");
    }
    lint_report_release(&r);
}

static void
test_duplicate_trial_and_other_files_go_on(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "dup");
    assert_int_equal(r.errors, 1);
    assert_string_equal(r.d[0].file, DATA "dup/b.yaml");
    assert_string_equal(line_of(&r, 0), "2:7: error: duplicate trial id "
        "'LINT-DUP' (also in " DATA "dup/a.yaml:2:3)");
    lint_report_release(&r);

    /* A broken file first: the next file is still linted. */
    const char *paths[] = { DATA "load-errors.yaml", DATA "warnings.yaml" };
    ts_error err;
    r = (lint_report){0};
    assert_int_equal(lint_paths(paths, 2, &r, &err), 0);
    assert_int_equal(r.errors, 8);
    assert_int_equal(r.warnings, 3);
    assert_string_equal(r.d[0].file, DATA "load-errors.yaml");
    assert_string_equal(r.d[r.n - 1].file, DATA "warnings.yaml");
    lint_report_release(&r);

    const char *missing[] = { DATA "no-such-file.yaml" };
    r = (lint_report){0};
    assert_int_equal(lint_paths(missing, 1, &r, &err), -1);
    assert_non_null(strstr(err.msg, "no-such-file"));
    lint_report_release(&r);
}

static void
test_format(void **state)
{
    (void)state;
    lint_report r = lint_one(DATA "empty-text.yaml");
    outbuf b = {0};
    lint_format(&r, 0, &b);
    assert_string_equal(b.p, "trialscreen: " DATA "empty-text.yaml:6:5: "
        "error: criterion "
        "'inc-icu' has an empty 'text' (quote the registry text it encodes)\n");
    b.len = 0;
    lint_format(&r, 1, &b);
    assert_string_equal(b.p, "{\"file\":\"" DATA "empty-text.yaml\",\"line\":6,"
        "\"column\":5,\"level\":\"error\",\"check\":\"empty-text\",\"message\":"
        "\"criterion 'inc-icu' has an empty 'text' (quote the registry text it "
        "encodes)\"}\n");
    outbuf_release(&b);
    lint_report_release(&r);
}

/* ---------------------------------------------------------- the program */

static void
test_exit_statuses(void **state)
{
    (void)state;
    assert_int_equal(sh("./trialscreen lint " DATA "warnings.yaml >/dev/null"), 0);
    assert_int_equal(sh("TRIALSCREEN_CRITERIA= ./trialscreen lint >/dev/null"), 0);
    assert_int_equal(sh("./trialscreen lint " DATA "never.yaml >/dev/null"), 2);
    assert_int_equal(sh("./trialscreen lint -c " DATA "implies.yaml >/dev/null"), 2);
    assert_int_equal(sh("./trialscreen lint " DATA "no-such.yaml 2>/dev/null"), 2);
    assert_int_equal(sh("./trialscreen lint --format csv 2>/dev/null"), 2);
    assert_int_equal(sh("./trialscreen lint -q " DATA "warnings.yaml"), 0);

    char *out = capture("./trialscreen lint --format ndjson " DATA
                        "warnings.yaml " DATA "empty-text.yaml");
    assert_non_null(strstr(out, "{\"file\":\"" DATA "warnings.yaml\",\"line\":11,"
                           "\"column\":7,\"level\":\"warning\",\"check\":\"overlap\""));
    assert_non_null(strstr(out, "\"check\":\"empty-text\""));
    free(out);
}

static void
test_trials_views(void **state)
{
    (void)state;
    char *out = capture("./trialscreen trials -c criteria -t NCT05184296");
    assert_non_null(strstr(out, "NCT05184296  ECMO-RESCUE\n"));
    assert_non_null(strstr(out, "│  version  2025-07-22\n"));
    assert_non_null(strstr(out, "├─ inc-age                   age from 18 to "
                           "75 y\n"));
    assert_non_null(strstr(out, "inc-refractory-shock      all of: in icu now; "
                           "septic_shock present; adequate_fluid_resuscitation "
                           "is true; [all of: latest vis > 120; [any of: map "
                           "< 65 mm[Hg] sustained; "));
    assert_non_null(strstr(out, "]; held for more than 5 h]\n"));
    assert_non_null(strstr(out, "└─ exclusion (10)\n"));
    free(out);

    out = capture("./trialscreen trials -c " DATA "views.yaml");
    assert_string_equal(out,
        "LINT-VIEWS  Views\n"
        "│  source   https://example.org/x\n"
        "│  file     " DATA "views.yaml\n"
        "├─ inclusion (2)\n"
        "│  ├─ inc-age     age ≥ 18 y\n"
        "│  └─ inc-manual  (not evaluated)\n"
        "├─ exclusion (1, list incomplete)\n"
        "│  └─ exc-map     map < 65 mm[Hg] sustained for more than 3 h\n"
        "└─ cohorts (1)\n"
        "   └─ a           not (ecmo ongoing)\n");
    free(out);

    out = capture("./trialscreen trials --format markdown -c " DATA "views.yaml");
    assert_non_null(strstr(out, "## LINT-VIEWS — Views\n"));
    assert_non_null(strstr(out, "| criterion | kind | registry text | rule | "
                           "note |\n|---|---|---|---|---|\n"));
    assert_non_null(strstr(out, "| `inc-age` | inclusion | Age 18 \\| 19 \\*or\\* "
                           "more&lt;b> | age ≥ 18 y | Whole years. |\n"));
    assert_non_null(strstr(out, "| `inc-manual` | inclusion | Judged by hand "
                           "| *not evaluated* |  |\n"));
    assert_non_null(strstr(out, "| `a` |  | not (ecmo ongoing) |  |\n"));
    free(out);

    assert_int_equal(sh("./trialscreen --format markdown x.json 2>/dev/null"), 2);
    assert_int_equal(sh("./trialscreen trials --format csv 2>/dev/null"), 2);
}

int
main(void)
{
    /* Tests run from the repository root (make check) or from tests/. */
    if (access("./trialscreen", X_OK) != 0 && chdir("..") != 0)
        return 1;
    unsetenv("TRIALSCREEN_CRITERIA");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_age_overlap),
        cmocka_unit_test(test_warnings_only),
        cmocka_unit_test(test_implies_is_error),
        cmocka_unit_test(test_age_boundaries),
        cmocka_unit_test(test_value_boundaries),
        cmocka_unit_test(test_overlap_needs_deciding_leaves),
        cmocka_unit_test(test_never_met),
        cmocka_unit_test(test_never_met_boundaries),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_no_effect),
        cmocka_unit_test(test_every_error_of_a_criterion),
        cmocka_unit_test(test_site_vocabulary_beside_file),
        cmocka_unit_test(test_all_load_errors_of_a_file),
        cmocka_unit_test(test_duplicate_trial_and_other_files_go_on),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_exit_statuses),
        cmocka_unit_test(test_trials_views),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
