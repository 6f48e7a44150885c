/*
** test_cli.c -- the command line, end to end.
**
** Runs ./trialscreen (from the repository root) through sh with fixture
** records from tests/data/cli/ and checks what a user or a pipeline sees:
** exit statuses, NDJSON parsed back with cJSON, CSV, diagnostics with
** positions, input order, and failures to write.  Two small trials in
** tests/data/cli/criteria/ use only rules whose verdicts do not depend on
** the time-series evaluators; one test uses the bundled criteria.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define DATA "tests/data/cli"
#define TINY "-c " DATA "/criteria/tiny.yaml"
#define REC DATA "/records/"

/* Parse NDJSON output: every line must be one JSON object. */
static int
parse_lines(const char *text, cJSON **lines, int max)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);                /* every line ends with \n */
        char *line = strndup(p, (size_t)(nl - p));
        assert_true(n < max);
        lines[n] = cJSON_Parse(line);
        if (!lines[n])
            fail_msg("not JSON: %s", line);
        assert_true(cJSON_IsObject(lines[n]));
        free(line);
        n++;
        p = nl + 1;
    }
    return n;
}

static void
free_lines(cJSON **lines, int n)
{
    for (int i = 0; i < n; i++)
        cJSON_Delete(lines[i]);
}

static const char *
str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

static const cJSON *
trial_of(const cJSON *line, const char *id)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(line, "trials"))
        if (str(t, "trial") && strcmp(str(t, "trial"), id) == 0)
            return t;
    return NULL;
}

static const cJSON *
criterion_of(const cJSON *trial, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(trial, "criteria"))
        if (str(c, "id") && strcmp(str(c, "id"), id) == 0)
            return c;
    return NULL;
}

static int
array_has(const cJSON *arr, const char *s)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
        if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
            return 1;
    return 0;
}

static int
group_setup(void **state)
{
    (void)state;
    return run_setup("cli");
}

static int
group_teardown(void **state)
{
    (void)state;
    return run_teardown();
}

/* ------------------------------------------------------------- options */

static void
test_version(void **state)
{
    (void)state;
    run_out r = run_cli("--version");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "trialscreen 0.1.0\n");
    run_free(&r);
}

/* --help shows every option and the exit statuses, and every long
** option it names is in the man page too. */
static void
test_help_matches_man_page(void **state)
{
    (void)state;
    run_out r = run_cli("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Exit status:"));
    assert_non_null(strstr(r.out, "  3  some records could not be read"));
    char *man = run_slurp("docs/trialscreen.1", NULL);
    assert_true(strlen(man) > 0);
    int checked = 0;
    for (const char *p = r.out; (p = strstr(p, "--")) != NULL; ) {
        p += 2;
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
        if (n < 2)
            continue;
        /* In roff every hyphen of an option is written \-. */
        char want[128] = "\\-\\-";
        for (size_t k = 0; k < n && strlen(want) + 3 < sizeof want; k++)
            strcat(want, p[k] == '-' ? "\\-" : (char[]){ p[k], 0 });
        if (!strstr(man, want))
            fail_msg("man page lacks %s", want);
        checked++;
    }
    assert_true(checked >= 14);
    assert_non_null(strstr(man, "NO_COLOR"));
    assert_non_null(strstr(man, "TRIALSCREEN_CRITERIA"));
    free(man);
    run_free(&r);
}

static void
test_usage_errors_exit_2(void **state)
{
    static const char *const bad[] = {
        "--no-such-option " REC "eligible.json",
        "-x " REC "eligible.json",
        "--format xml " REC "eligible.json",
        "--at 2026-02-30T10:00:00Z " REC "eligible.json",
        "--at",
        "-j 0 " REC "eligible.json",
        "--assume-complete bogus " REC "eligible.json",
        "--color=sometimes " REC "eligible.json",
        "--json=yes " REC "eligible.json",
        "trials " REC "eligible.json",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_out r = run_cli("%s", bad[i]);
        if (r.status != 2)
            fail_msg("'%s' exited %d", bad[i], r.status);
        assert_string_equal(r.out, "");
        assert_true(strlen(r.err) > 0);
        run_free(&r);
    }
    run_out r = run_cli("--bogus x.json");
    assert_non_null(strstr(r.err, "unknown option '--bogus'"));
    run_free(&r);
}

static void
test_unknown_trial_exit_2(void **state)
{
    (void)state;
    run_out r = run_cli(TINY " -t NCT00000000 " REC "eligible.json");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "NCT00000000"));
    run_free(&r);
}

static void
test_bad_criteria_exit_2(void **state)
{
    (void)state;
    run_out r = run_cli("-c " DATA "/bad-criteria/broken.yaml " REC "eligible.json");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");     /* nothing screened */
    assert_non_null(strstr(r.err, DATA "/bad-criteria/broken.yaml:7:"));
    assert_non_null(strstr(r.err, "abov"));
    run_free(&r);

    r = run_cli("-c " DATA "/no-such-dir " REC "eligible.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no-such-dir"));
    run_free(&r);
}

static void
test_lint_and_summary_placeholders(void **state)
{
    (void)state;
    /* The bundled criteria lint clean: warnings only, exit 0. */
    run_out r = run_cli("lint");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "overlap at 60 y"));
    run_free(&r);
    r = run_cli(TINY " --summary " REC "eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "P-ELIG"));
    run_free(&r);
}

/* ---------------------------------------------------------------- NDJSON */

static void
test_ndjson_verdicts(void **state)
{
    cJSON *l[8];
    (void)state;
    run_out r = run_cli("--json " TINY " " REC "eligible.json " REC "ineligible.json "
                    REC "incomplete.json");
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 8);
    assert_int_equal(n, 3);

    assert_string_equal(str(l[0], "patient"), "P-ELIG");
    assert_string_equal(str(l[0], "source"), REC "eligible.json");
    assert_string_equal(str(l[0], "as_of"), "2026-03-01T12:00:00Z");
    assert_null(cJSON_GetObjectItemCaseSensitive(l[0], "line"));
    const cJSON *t = trial_of(l[0], "TEST-0001");
    assert_non_null(t);
    assert_string_equal(str(t, "title"), "CLI test trial");
    assert_string_equal(str(t, "verdict"), "eligible");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "missing")), 0);
    static const char *const ids[] = { "inc-age", "inc-consent", "exc-pregnancy" };
    static const char *const res[] = { "met", "met", "not_met" };
    static const char *const kinds[] = { "inclusion", "inclusion", "exclusion" };
    const cJSON *crit = cJSON_GetObjectItemCaseSensitive(t, "criteria");
    assert_int_equal(cJSON_GetArraySize(crit), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *c = cJSON_GetArrayItem(crit, i);
        assert_string_equal(str(c, "id"), ids[i]);
        assert_string_equal(str(c, "result"), res[i]);
        assert_string_equal(str(c, "kind"), kinds[i]);
        assert_non_null(str(c, "text"));
        assert_non_null(str(c, "reason"));
        assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "evidence")));
        assert_null(cJSON_GetObjectItemCaseSensitive(c, "evaluated"));
    }
    const cJSON *ev = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
        criterion_of(t, "inc-age"), "evidence"), 0);
    assert_string_equal(str(ev, "code"), "birth_date");
    assert_string_equal(str(ev, "value"), "1970-01-01");

    t = trial_of(l[1], "TEST-0001");
    assert_string_equal(str(l[1], "patient"), "P-YOUNG");
    assert_string_equal(str(t, "verdict"), "ineligible");
    assert_string_equal(str(criterion_of(t, "inc-age"), "result"), "not_met");

    t = trial_of(l[2], "TEST-0001");
    assert_string_equal(str(l[2], "patient"), "P-NOCONSENT");
    assert_string_equal(str(t, "verdict"), "incomplete");
    assert_string_equal(str(criterion_of(t, "inc-consent"), "result"), "unknown");
    assert_true(array_has(cJSON_GetObjectItemCaseSensitive(t, "missing"),
                          "informed_consent"));
    assert_true(array_has(cJSON_GetObjectItemCaseSensitive(
        criterion_of(t, "inc-consent"), "missing"), "informed_consent"));
    free_lines(l, n);
    run_free(&r);
}

static void
test_ndjson_not_evaluated(void **state)
{
    cJSON *l[2];
    (void)state;
    run_out r = run_cli("--format ndjson -c " DATA "/criteria -t TEST-0002 "
                    REC "eligible.json");
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l[0], "trials")), 1);
    const cJSON *t = trial_of(l[0], "TEST-0002");
    assert_string_equal(str(t, "verdict"), "incomplete");
    const cJSON *c = criterion_of(t, "exc-manual");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "evaluated")));
    assert_string_equal(str(c, "result"), "unknown");
    assert_non_null(str(c, "note"));
    assert_null(cJSON_GetObjectItemCaseSensitive(criterion_of(t, "inc-adult"),
                                                 "evaluated"));
    free_lines(l, 1);
    run_free(&r);
}

/* One bad record: an error line of its own, the others still screened. */
static void
test_bad_record_in_batch_exit_3(void **state)
{
    cJSON *l[4];
    (void)state;
    run_out r = run_cli("--json " TINY " " REC "eligible.json " REC "bad.json "
                    REC "ineligible.json");
    assert_int_equal(r.status, 3);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 3);
    assert_string_equal(str(l[0], "patient"), "P-ELIG");
    assert_null(str(l[1], "patient"));
    assert_string_equal(str(l[1], "source"), REC "bad.json");
    assert_non_null(strstr(str(l[1], "error"), "expected"));
    assert_int_equal(num(l[1], "line"), 3);
    assert_int_equal(num(l[1], "column"), 35);
    assert_string_equal(str(l[2], "patient"), "P-YOUNG");
    free_lines(l, n);
    run_free(&r);
}

static void
test_text_errors_on_stderr(void **state)
{
    (void)state;
    run_out r = run_cli(TINY " " REC "bad.json " REC "eligible.json");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, REC "bad.json:3:35: "));
    assert_null(strstr(r.out, "bad.json"));
    assert_non_null(strstr(r.out, "P-ELIG"));
    assert_non_null(strstr(r.out, "ELIGIBLE"));
    assert_non_null(strstr(r.out, "TEST-0001"));
    assert_non_null(strstr(r.out, "age 56"));
    run_free(&r);
}

/* One diagnostic format from every verb (diag.h): screen, usage, lint,
** test. */
static void
test_one_diagnostic_format(void **state)
{
    (void)state;
    run_out r = run_cli(TINY " " REC "bad.json");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "trialscreen: " REC "bad.json:3:35: error: "));
    run_free(&r);
    r = run_cli("--bogus");
    assert_int_equal(r.status, 2);
    assert_true(strncmp(r.err, "trialscreen: error: unknown option '--bogus'\n",
                        45) == 0);
    run_free(&r);
    r = run_cli("lint " DATA "/bad-criteria/broken.yaml");
    assert_int_equal(r.status, 2);
    assert_true(strncmp(r.out, "trialscreen: " DATA "/bad-criteria/broken.yaml:",
                        strlen("trialscreen: " DATA "/bad-criteria/broken.yaml:"))
                == 0);
    assert_non_null(strstr(r.out, ": error: "));
    run_free(&r);
    r = run_cli("test " DATA "/cases/failing.yaml");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "trialscreen: " DATA "/cases/failing.yaml:"
                           "14:28: error: case 'wrongly expected ineligible': "
                           "TEST-0001: expected ineligible, got eligible\n"));
    run_free(&r);
    r = run_cli("test --bogus");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "trialscreen: error: unknown option '--bogus'"));
    run_free(&r);
}

static void
test_ndjson_line_numbers(void **state)
{
    cJSON *l[4];
    (void)state;
    run_out r = run_cli("--json " TINY " " REC "batch.ndjson");
    assert_int_equal(r.status, 3);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 3);             /* blank lines 2 and 4 skipped */
    assert_string_equal(str(l[0], "patient"), "N-1");
    assert_int_equal(num(l[0], "line"), 1);
    assert_string_equal(str(l[0], "source"), REC "batch.ndjson");
    assert_int_equal(num(l[1], "line"), 3);
    assert_true(num(l[1], "column") > 0);
    assert_string_equal(str(l[1], "path"), "medications[0].rate");
    assert_string_equal(str(l[2], "patient"), "N-5");
    assert_int_equal(num(l[2], "line"), 5);
    assert_non_null(strstr(r.err, REC "batch.ndjson:3:"));
    free_lines(l, n);
    run_free(&r);
}

static void
test_stdin(void **state)
{
    cJSON *l[4];
    (void)state;
    /* "-" explicitly, then no PATH with stdin not a terminal. */
    static const char *const forms[] = {
        "--json " TINY " - < " REC "batch.ndjson",
        "--json " TINY " < " REC "batch.ndjson",
    };
    for (int k = 0; k < 2; k++) {
        run_out r = run_cli("%s", forms[k]);
        assert_int_equal(r.status, 3);
        int n = parse_lines(r.out, l, 4);
        assert_int_equal(n, 3);
        assert_string_equal(str(l[0], "source"), "<stdin>");
        assert_int_equal(num(l[2], "line"), 5);
        free_lines(l, n);
        run_free(&r);
    }
    /* A read that fails (a directory as standard input) is an error of
    ** the stream at its next line, and the stream ends there. */
    run_out r = run_cli("--json " TINY " - < examples");
    assert_int_equal(r.status, 3);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 1);
    assert_string_equal(str(l[0], "source"), "<stdin>");
    assert_string_equal(str(l[0], "error"), "cannot read '<stdin>': Is a directory");
    assert_int_equal(num(l[0], "line"), 1);
    free_lines(l, n);
    run_free(&r);
}

/* jq . patient.json | trialscreen: JSON documents that span lines, one
** after another, are read as records; each keeps the line it starts on. */
static void
test_stdin_documents(void **state)
{
    cJSON *l[4];
    (void)state;
    run_out r = run_cli("--json " TINY " < " DATA "/stdin/two-documents.txt");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 2);
    assert_string_equal(str(l[0], "patient"), "P-ELIG");
    assert_int_equal(num(l[0], "line"), 1);
    assert_string_equal(str(l[1], "patient"), "P-YOUNG");
    assert_int_equal(num(l[1], "line"), 16);
    free_lines(l, n);
    run_free(&r);
    /* A first line that is a whole object stays NDJSON. */
    r = run_cli("--json " TINY " < " REC "batch.ndjson");
    n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 3);
    free_lines(l, n);
    run_free(&r);
}

/* The trial's line says what decided it; marks show each criterion's
** effect (a met exclusion is the ✗). */
static void
test_trial_line(void **state)
{
    (void)state;
    run_out r = run_cli("-t NCT05184296 examples/ecmo-rescue-ineligible.json "
                    "examples/ecmo-rescue-incomplete.json "
                    "examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  INELIGIBLE  NCT05184296  ECMO-RESCUE — "
                                  "excluded by exc-obstructive-shock\n"));
    assert_non_null(strstr(r.out, "      ✗ exc-obstructive-shock     "
                                  "pulmonary_embolism suspected"));
    assert_non_null(strstr(r.out, "  INCOMPLETE  NCT05184296  ECMO-RESCUE — "
                                  "unknown: inc-myocardial (lvef, "));
    assert_non_null(strstr(r.out, "  ELIGIBLE    NCT05184296  ECMO-RESCUE\n"));
    assert_non_null(strstr(r.out, "      ✓ exc-obstructive-shock     "
                                  "pulmonary_embolism absent"));
    assert_null(strstr(r.out, "hint:"));
    run_free(&r);
    r = run_cli("-t NCT03948048 examples/ecmo-rescue-ineligible.json");
    assert_non_null(strstr(r.out, "— not met: inc-age, "
                                  "inc-septic-shock-picu\n"));
    run_free(&r);
    /* No section complete, and the unknowns are conditions: a hint. */
    r = run_cli("-t NCT05184296 - < " DATA "/stdin/no-complete.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "— unknown: exc-other-cardiac ("));
    assert_non_null(strstr(r.out, "  hint: no section of this record is "
                                  "marked complete"));
    run_free(&r);
}

/* -t takes an id in any case or a short title; a near miss suggests. */
static void
test_trial_selection(void **state)
{
    (void)state;
    static const char *const names[] = {
        "NCT05184296", "nct05184296", "ECMO-RESCUE", "ecmo rescue",
    };
    for (int i = 0; i < 4; i++) {
        run_out r = run_cli("-t '%s' examples/ecmo-rescue-eligible.json", names[i]);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "  ELIGIBLE    NCT05184296  ECMO-RESCUE"));
        assert_null(strstr(r.out, "NCT03788837"));
        run_free(&r);
    }
    run_out r = run_cli("-t i-micro -t NCT05184296 examples/ecmo-rescue-eligible.json");
    assert_non_null(strstr(r.out, "NCT03788837  I-MICRO"));
    assert_non_null(strstr(r.out, "NCT05184296  ECMO-RESCUE"));
    run_free(&r);
    r = run_cli("-t NCT05184269 examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "trialscreen: error: unknown trial "
                           "'NCT05184269' (did you mean 'NCT05184296'?)\n"));
    assert_string_equal(r.out, "");
    run_free(&r);
    r = run_cli("-t ecmo-rescu examples/ecmo-rescue-eligible.json");
    assert_non_null(strstr(r.err, "(did you mean 'ECMO-RESCUE'?)"));
    run_free(&r);
    r = run_cli("-t XYZ examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown trial 'XYZ' (loaded trials: "));
    run_free(&r);
}

/* --help lists the bundled trials: exactly those 'trials' loads. */
static void
test_help_lists_bundled_trials(void **state)
{
    cJSON *l[16];
    (void)state;
    run_out h = run_cli("--help");
    run_out t = run_cli("trials --json");
    assert_int_equal(t.status, 0);
    const char *sec = strstr(h.out, "Bundled trials");
    assert_non_null(sec);
    const char *end = strstr(sec, "\n\n");
    assert_non_null(end);
    int listed = -1;                    /* the heading line */
    for (const char *p = sec; p < end; p = strchr(p, '\n') + 1)
        listed++;
    int n = parse_lines(t.out, l, 16);
    assert_int_equal(listed, n);
    for (int i = 0; i < n; i++) {
        char want[256];
        snprintf(want, sizeof want, "\n  %s  %s\n", str(l[i], "trial"),
                 str(l[i], "title"));
        const char *at = strstr(sec, want);
        if (!at || at >= end)
            fail_msg("--help does not list '%s'", want + 1);
    }
    free_lines(l, n);
    run_free(&h);
    run_free(&t);
}

/* trialscreen concepts: the vocabulary, as a table, NDJSON or Markdown. */
static void
test_concepts_verb(void **state)
{
    cJSON *l[400];
    (void)state;
    run_out r = run_cli("concepts");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "concept ", 8) == 0);
    assert_non_null(strstr(r.out, "\nmap "));
    assert_non_null(strstr(r.out, " observation  mm[Hg] "));
    int rows = -1;                      /* the header */
    for (const char *p = r.out; *p; p++)
        rows += *p == '\n';
    run_free(&r);

    r = run_cli("concepts --json");
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 400);
    assert_int_equal(n, rows);
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(str(l[i], "name"), "map") != 0)
            continue;
        found = 1;
        assert_string_equal(str(l[i], "kind"), "observation");
        assert_string_equal(str(l[i], "unit"), "mm[Hg]");
        const cJSON *codes = cJSON_GetObjectItemCaseSensitive(l[i], "codes");
        assert_string_equal(cJSON_GetArrayItem(codes, 0)->valuestring,
                            "loinc:8478-0");
    }
    assert_true(found);
    /* Ordered by kind, then name. */
    assert_string_equal(str(l[0], "kind"), "observation");
    assert_string_equal(str(l[n - 1], "kind"), "derived");
    free_lines(l, n);
    run_free(&r);

    r = run_cli("concepts --format markdown");
    assert_true(strncmp(r.out, "| concept | label | kind | unit | codes |\n"
                        "|---|---|---|---|---|\n", 62) == 0);
    assert_non_null(strstr(r.out, "| `map` | "));
    run_free(&r);

    r = run_cli("concepts --format csv");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "trialscreen: error: 'concepts' prints text"));
    run_free(&r);
    r = run_cli("concepts x.json");
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* Text as clinicians read it: mmHg, rounded computed values, no encoder's
** notes; NDJSON keeps the UCUM code.  --at without seconds. */
static void
test_text_for_people(void **state)
{
    (void)state;
    run_out r = run_cli("-t ECMO-RESCUE --at 2026-03-01T12:00Z "
                    "examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "screened at 2026-03-01 12:00 UTC (from --at)"));
    assert_non_null(strstr(r.out, "MAP < 65 mmHg since"));
    assert_null(strstr(r.out, "mm[Hg]"));
    run_free(&r);
    r = run_cli("--json -t ECMO-RESCUE examples/ecmo-rescue-eligible.json");
    assert_non_null(strstr(r.out, "MAP < 65 mm[Hg] since"));
    run_free(&r);
    /* 54.1 mg/dL of lactate is 6.0 mmol/L, not 6.00577. */
    r = run_cli("-t ECMO-RESCUE examples/ecmo-rescue-ineligible.json");
    assert_non_null(strstr(r.out, "6.0 mmol/L (54.1 mg/dL)"));
    assert_null(strstr(r.out, "6.00577"));
    run_free(&r);
    r = run_cli("--at '2026-03-01 12:00' -t I-MICRO --json "
            "examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "[registry wording unavailable]"));
    assert_null(strstr(r.out, "registry wording not in seed"));
    run_free(&r);
    r = run_cli("--at 2026-03-01T12:0Z examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* examples/ screens each example patient once. */
static void
test_examples_without_duplicates(void **state)
{
    cJSON *l[32];
    (void)state;
    run_out r = run_cli("--json examples/");
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 32);
    assert_true(n >= 4);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(str(l[i], "patient"), str(l[k], "patient")) == 0 &&
                strcmp(str(l[i], "as_of"), str(l[k], "as_of")) == 0 &&
                cJSON_Compare(cJSON_GetObjectItem(l[i], "trials"),
                              cJSON_GetObjectItem(l[k], "trials"), 1))
                fail_msg("examples/: patient %s twice (%s, %s)",
                         str(l[i], "patient"), str(l[k], "source"),
                         str(l[i], "source"));
    free_lines(l, n);
    run_free(&r);
}

/* --json --summary: the summary line is {"summary":{...}} only, and no
** record line has a "summary" member (the documented jq filters). */
static void
test_json_summary_distinguishable(void **state)
{
    cJSON *l[16];
    (void)state;
    run_out r = run_cli("--json --summary examples/ " REC "bad.json");
    assert_int_equal(r.status, 3);
    int n = parse_lines(r.out, l, 16);
    assert_true(n >= 3);
    for (int i = 0; i < n - 1; i++)
        assert_null(cJSON_GetObjectItemCaseSensitive(l[i], "summary"));
    assert_int_equal(cJSON_GetArraySize(l[n - 1]), 1);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(l[n - 1],
                                                                 "summary")));
    free_lines(l, n);
    run_free(&r);
}

/* ------------------------------------------------------------- CSV, text */

static void
test_csv(void **state)
{
    (void)state;
    run_out r = run_cli("--format csv " TINY " " REC "eligible.json "
                    REC "incomplete.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out,
        "patient,source,trial,verdict,window_opens,window_closes,"
        "eligible_since,missing,cohort,exclusions_incomplete,screened_at,line,"
        "title,deciding,reasons,error\n"
        "P-ELIG," REC "eligible.json,TEST-0001,eligible,,,1988-01-01T00:00:00Z,"
        ",,false,2026-03-01T12:00:00Z,,CLI test trial,,,\n"
        "P-NOCONSENT," REC "incomplete.json,TEST-0001,incomplete,,,,"
        "informed_consent,,false,2026-03-01T12:00:00Z,,CLI test trial,"
        "unknown: inc-consent (informed_consent),"
        "inc-consent: informed_consent not recorded,\n");
    run_free(&r);

    /* Two missing items are one field, joined with ';'. */
    r = run_cli("--format=csv " TINY " " REC "escape.json");
    assert_non_null(strstr(r.out, ",incomplete,,,,informed_consent;pregnancy,,false,"));
    run_free(&r);
}

/* RFC 4180, as a spreadsheet reads it: quoted fields may hold commas,
** doubled quotes and line breaks.  Splits text into rows of fields;
** returns the number of rows. */
enum { CSV_COLS = 16 };
typedef struct csv_row {
    char *f[CSV_COLS + 4];
    int n;
} csv_row;

static int
csv_parse(const char *p, csv_row *rows, int max)
{
    int nr = 0;
    while (*p) {
        assert_true(nr < max);
        csv_row *r = &rows[nr++];
        r->n = 0;
        for (;;) {
            char *f = calloc(1, strlen(p) + 1), *w = f;
            if (*p == '"') {
                for (p++;; p++) {
                    assert_true(*p != '\0');       /* a quote left open */
                    if (*p == '"' && p[1] == '"')
                        *w++ = '"', p++;
                    else if (*p == '"')
                        break;
                    else
                        *w++ = *p;
                }
                p++;
                assert_true(*p == ',' || *p == '\n');
            } else {
                while (*p && *p != ',' && *p != '\n') {
                    assert_true(*p != '"');         /* a bare quote */
                    *w++ = *p++;
                }
            }
            assert_true(r->n < CSV_COLS + 4);
            r->f[r->n++] = f;
            if (*p++ != ',')
                break;
        }
    }
    return nr;
}

static void
csv_free(csv_row *rows, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < rows[i].n; k++)
            free(rows[i].f[k]);
}

/* Every record has its rows, with the deciding criteria and their
** reasons; a record that cannot be read has a row with its error. */
static void
test_csv_why_and_error_rows(void **state)
{
    csv_row rows[8];
    (void)state;
    run_out r = run_cli("--format csv -c " DATA "/csv/quoted.yaml "
                    REC "incomplete.json " REC "batch.ndjson " REC "bad.json "
                    REC "escape.json");
    assert_int_equal(r.status, 3);
    int n = csv_parse(r.out, rows, 8);
    assert_int_equal(n, 7);
    for (int i = 0; i < n; i++)
        assert_int_equal(rows[i].n, CSV_COLS);
    assert_string_equal(rows[0].f[10], "screened_at");
    assert_string_equal(rows[0].f[15], "error");
    /* incomplete.json */
    assert_string_equal(rows[1].f[12], "A \"quoted\", two-line\ntitle");
    assert_string_equal(rows[1].f[10], "2026-03-01T12:00:00Z");
    assert_string_equal(rows[1].f[13], "unknown: inc-consent (informed_consent)");
    assert_string_equal(rows[1].f[14], "inc-consent: informed_consent not recorded");
    /* batch.ndjson: line 1 eligible, line 3 unreadable, line 5 too young */
    assert_string_equal(rows[2].f[3], "eligible");
    assert_string_equal(rows[2].f[11], "1");
    assert_string_equal(rows[2].f[13], "");
    assert_string_equal(rows[3].f[0], "");
    assert_string_equal(rows[3].f[1], REC "batch.ndjson");
    assert_string_equal(rows[3].f[11], "3");
    assert_string_equal(rows[3].f[15], "3:91: medications[0].rate: must not "
                                       "be negative");
    assert_string_equal(rows[4].f[13], "not met: inc-age");
    assert_string_equal(rows[4].f[11], "5");
    /* bad.json: its error holds a quote */
    assert_string_equal(rows[5].f[1], REC "bad.json");
    assert_string_equal(rows[5].f[15], "3:35: expected ',' or '}' after object "
                                       "member, found '\"'");
    /* escape.json: two reasons, one a line */
    assert_string_equal(rows[6].f[14], "inc-consent: informed_consent not "
                        "recorded\nexc-pregnancy: pregnancy not recorded");
    csv_free(rows, n);
    run_free(&r);
}

static void
test_control_characters_escaped(void **state)
{
    cJSON *l[2];
    (void)state;
    run_out r = run_cli(TINY " --color=always " REC "escape.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ESC-\\x1b[2J"));
    assert_null(strstr(r.out, "ESC-\033"));     /* never the raw byte */
    run_free(&r);

    r = run_cli("--json " TINY " " REC "escape.json");
    assert_null(strchr(r.out, '\033'));
    assert_non_null(strstr(r.out, "\"ESC-\\u001b[2J\""));
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    assert_string_equal(str(l[0], "patient"), "ESC-\033[2J");
    free_lines(l, 1);
    run_free(&r);
}

static void
test_color(void **state)
{
    (void)state;
    run_out r = run_cli(TINY " --color=always " REC "eligible.json");
    assert_non_null(strstr(r.out, "\033[32m"));     /* green: eligible */
    run_free(&r);
    r = run_cli(TINY " --color=never " REC "eligible.json");
    assert_null(strchr(r.out, '\033'));
    run_free(&r);
    r = run_cli(TINY " " REC "eligible.json");          /* not a terminal */
    assert_null(strchr(r.out, '\033'));
    run_free(&r);
}

static void
test_at_and_assume_complete(void **state)
{
    cJSON *l[2];
    (void)state;
    run_out r = run_cli("--json --at 2026-03-02T08:30:00+01:00 " TINY " "
                    REC "open.json");
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    assert_string_equal(str(l[0], "as_of"), "2026-03-02T07:30:00Z");
    /* conditions not complete: pregnancy unknown. */
    assert_string_equal(str(trial_of(l[0], "TEST-0001"), "verdict"), "incomplete");
    free_lines(l, 1);
    run_free(&r);

    r = run_cli("--json --assume-complete conditions " TINY " " REC "open.json");
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    assert_string_equal(str(trial_of(l[0], "TEST-0001"), "verdict"), "eligible");
    free_lines(l, 1);
    run_free(&r);

    r = run_cli("--at 2026-03-02T08:30:00Z " TINY " " REC "open.json");
    assert_non_null(strstr(r.out, "screened at 2026-03-02 08:30 UTC (from --at)"));
    run_free(&r);
}

static void
test_quiet(void **state)
{
    (void)state;
    run_out r = run_cli("-q " TINY " " REC "ineligible.json " REC "eligible.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
    r = run_cli("--quiet " TINY " " REC "ineligible.json " REC "incomplete.json");
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    run_free(&r);
    r = run_cli("-q " TINY " " REC "eligible.json " REC "bad.json");
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "bad.json:3:35:"));
    run_free(&r);
}

static void
test_strict_and_verbose(void **state)
{
    (void)state;
    run_out r = run_cli(TINY " --verbose " REC "extra-field.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "warning"));
    assert_non_null(strstr(r.err, "ward_bed"));
    run_free(&r);
    /* By default, one line per reason, in the one diagnostic format. */
    r = run_cli(TINY " " REC "extra-field.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "trialscreen: " REC "extra-field.json:"));
    assert_non_null(strstr(r.err, ": warning: "));
    assert_non_null(strstr(r.err, "unknown field 'ward_bed' (ignored)"));
    run_free(&r);
    r = run_cli(TINY " --no-warnings " REC "extra-field.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_free(&r);
    r = run_cli(TINY " -q " REC "extra-field.json");
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "");
    run_free(&r);
    r = run_cli(TINY " --strict " REC "extra-field.json");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "ward_bed"));
    run_free(&r);
}

/* Warnings by default: one line per record and reason, at the line and
** column of the first item, in the one diagnostic format; the same from
** every thread count; stdout does not change. */
static void
test_warnings_by_default(void **state)
{
    (void)state;
    static const char *const want =
        "trialscreen: " REC "warnings.ndjson:2:68: warning: W-2: 3 observations ignored: "
        "unknown code 'lactat' (did you mean 'lactate'?)\n"
        "trialscreen: " REC "warnings.ndjson:2:166: warning: W-2: 2 observations ignored: "
        "unknown unit 'mm/Hg' (did you mean 'mm[Hg]'?)\n"
        "trialscreen: " REC "warnings.ndjson:2:358: warning: W-2: 1 observation ignored: "
        "'norepinephrine' is a medication, not an observation\n";
    run_out one = run_cli(TINY " --json -j1 " REC "warnings.ndjson");
    run_out two = run_cli(TINY " --json -j2 " REC "warnings.ndjson");
    run_out off = run_cli(TINY " --json --no-warnings " REC "warnings.ndjson");
    assert_int_equal(one.status, 0);
    assert_string_equal(one.err, want);
    assert_string_equal(two.err, want);
    assert_string_equal(off.err, "");
    assert_string_equal(one.out, off.out);
    run_free(&one);
    run_free(&two);
    run_free(&off);
    /* --strict: the record with warnings is refused, the other screened. */
    run_out strict = run_cli(TINY " --json --strict " REC "warnings.ndjson");
    assert_int_equal(strict.status, 3);
    assert_non_null(strstr(strict.out, "\"patient\":\"W-1\""));
    assert_non_null(strstr(strict.out, "\"error\":\"unknown code 'lactat'\""));
    run_free(&strict);
}

/* --detail: full (the default), criteria without texts and evidence,
** verdicts only; the same verdicts every time. */
static void
test_detail(void **state)
{
    (void)state;
    run_out full = run_cli(TINY " --json " REC "eligible.json");
    run_out same = run_cli(TINY " --json --detail full " REC "eligible.json");
    run_out crit = run_cli(TINY " --json --detail criteria " REC "eligible.json");
    run_out verd = run_cli(TINY " --json --detail verdicts " REC "eligible.json");
    assert_int_equal(full.status, 0);
    assert_string_equal(full.out, same.out);
    assert_non_null(strstr(full.out, "\"evidence\":"));
    assert_non_null(strstr(full.out, "\"text\":"));
    assert_non_null(strstr(crit.out, "\"criteria\":[{\"id\":"));
    assert_non_null(strstr(crit.out, "\"reason\":"));
    assert_null(strstr(crit.out, "\"evidence\":"));
    assert_null(strstr(crit.out, "\"text\":"));
    assert_null(strstr(verd.out, "\"criteria\":"));
    assert_non_null(strstr(verd.out, "\"verdict\":\"eligible\""));
    assert_true(strlen(verd.out) < strlen(crit.out));
    assert_true(strlen(crit.out) < strlen(full.out));
    run_free(&full);
    run_free(&same);
    run_free(&crit);
    run_free(&verd);

    run_out text = run_cli(TINY " --detail verdicts " REC "eligible.json");
    assert_int_equal(text.status, 0);
    assert_non_null(strstr(text.out, "ELIGIBLE"));
    assert_null(strstr(text.out, "inclusion"));
    run_free(&text);
    run_out bad = run_cli(TINY " --detail some " REC "eligible.json");
    assert_int_equal(bad.status, 2);
    assert_non_null(strstr(bad.err, "unknown detail 'some'"));
    run_free(&bad);
}

/* CSV columns a spreadsheet user reads: a patient id holding quotes but
** no comma is still quoted (quotes doubled); the cohort of an eligible
** patient; exclusions_incomplete for a trial whose exclusion list is
** truncated (I-MICRO). */
static void
test_csv_quote_cohort_truncated_list(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/quoted-id.json", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\": \"MRN \\\"4471\\\"\", \"birth_date\": \"2019-09-14\",\n"
          " \"complete\": [\"conditions\", \"procedures\"],\n"
          " \"conditions\": [{\"code\": \"septic_shock\","
          " \"onset\": \"2026-02-28T20:00:00Z\"}],\n"
          " \"facts\": {\"informed_consent\": true}}\n", f);
    fclose(f);
    run_out r = run_cli("--format csv --at 2026-03-01T12:00:00Z "
                    "-c tests/data/cases/overlapping-cohorts %s", path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\n\"MRN \"\"4471\"\"\","));
    assert_non_null(strstr(r.out, ",NCT-OVERLAP,eligible,,,"));
    assert_non_null(strstr(r.out, ",,shock,false,2026-03-01T12:00:00Z,"));
    run_free(&r);

    r = run_cli("--format csv --at 2026-03-01T12:00:00Z -c criteria/nct03788837.yaml "
            REC "norepinephrine.json");
    assert_non_null(strstr(r.out, ",NCT03788837,incomplete,"));
    assert_non_null(strstr(r.out, ",true,2026-03-01T12:00:00Z,"));
    run_free(&r);
}

/* The enrolment window: before it opens, inside it, after it closed. */
static void
test_window(void **state)
{
    cJSON *l[2];
    (void)state;
#define WIN "-c " DATA "/window/window.yaml " REC "norepinephrine.json"
    run_out r = run_cli("--at 2026-03-01T06:00:00Z " WIN);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "INELIGIBLE"));
    assert_non_null(strstr(r.out,
        "    window opens 08:00 (in 2 h), closes 2026-03-02 02:00\n"));
    run_free(&r);

    r = run_cli("--at 2026-03-01T12:00:00Z " WIN);
    assert_non_null(strstr(r.out, "ELIGIBLE    TEST-WIN"));
    assert_non_null(strstr(r.out,
        "    eligible since 08:00, window closes 2026-03-02 02:00 — in 14 h\n"));
    run_free(&r);

    r = run_cli("--at 2026-03-02T06:00:00Z " WIN);
    assert_non_null(strstr(r.out,
        "    window opened 2026-03-01 08:00, closed 02:00 (4 h ago)\n"));
    run_free(&r);

    /* Not eligible, the window opening at the screening time itself: it
    ** has opened (I-MICRO: norepinephrine onset 02:00 + 6 h). */
    r = run_cli("--at 2026-03-01T08:00:00Z -c criteria/nct03788837.yaml "
            REC "norepinephrine.json");
    assert_non_null(strstr(r.out, "INCOMPLETE  NCT03788837"));
    assert_non_null(strstr(r.out,
        "    window opened 08:00, closes 2026-03-02 02:00 — in 18 h\n"));
    run_free(&r);

    r = run_cli("--json --at 2026-03-01T12:00:00Z " WIN);
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    const cJSON *t = trial_of(l[0], "TEST-WIN");
    assert_string_equal(str(t, "verdict"), "eligible");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(t, "window");
    assert_string_equal(str(w, "opens"), "2026-03-01T08:00:00Z");
    assert_string_equal(str(w, "closes"), "2026-03-02T02:00:00Z");
    free_lines(l, 1);
    run_free(&r);

    r = run_cli("--format csv --at 2026-03-01T12:00:00Z " WIN);
    assert_non_null(strstr(r.out, "\nP-NE," REC "norepinephrine.json,TEST-WIN,"
        "eligible,2026-03-01T08:00:00Z,2026-03-02T02:00:00Z,"
        "2026-03-01T08:00:00Z,,,false,"));
    run_free(&r);
#undef WIN
}

/* NDJSON lines longer than any read buffer, CRLF line ends, a last line
** without a newline; and a line over the cap, which is an error for that
** line only. */
static void
test_ndjson_long_lines(void **state)
{
    char path[128];
    cJSON *l[4];
    static const char rec[] =
        "{\"id\":\"L-%d\",\"as_of\":\"2026-03-01T12:00:00Z\"}";
    (void)state;
    snprintf(path, sizeof path, "%s/long.ndjson", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, rec, 1);
    for (int i = 0; i < 300000; i++)
        fputc(' ', f);
    fputs("\r\n\r\n", f);
    fprintf(f, rec, 3);                     /* no newline at the end */
    fclose(f);
    run_out r = run_cli("--json " TINY " %s", path);
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 2);
    assert_string_equal(str(l[0], "patient"), "L-1");
    assert_int_equal(num(l[0], "line"), 1);
    assert_string_equal(str(l[1], "patient"), "L-3");
    assert_int_equal(num(l[1], "line"), 3);
    free_lines(l, n);
    run_free(&r);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\":\"", f);
    static char xs[1 << 16];
    memset(xs, 'x', sizeof xs);
    for (int i = 0; i < 257; i++)          /* 16 MiB + 64 KiB */
        fwrite(xs, 1, sizeof xs, f);
    fputs("\"}\n", f);
    fprintf(f, rec, 2);
    fputc('\n', f);
    fclose(f);
    r = run_cli("--json " TINY " %s", path);
    assert_int_equal(r.status, 3);
    n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 2);
    assert_int_equal(num(l[0], "line"), 1);
    assert_non_null(strstr(str(l[0], "error"), "16 MiB"));
    assert_string_equal(str(l[1], "patient"), "L-2");
    assert_int_equal(num(l[1], "line"), 2);
    free_lines(l, n);
    run_free(&r);
}

/* ------------------------------------------------------------- output I/O */

static void
test_write_error_dev_full(void **state)
{
    static const char *const formats[] = { "text", "ndjson", "csv" };
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    for (int i = 0; i < 3; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "--format %s " TINY " " REC "eligible.json "
                 ">/dev/full", formats[i]);
        run_out r = run_cli("%s", cmd);
        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.err, "error: writing output: No space left on device"));
        run_free(&r);
    }
    run_out r = run_cli("--help >/dev/full");
    assert_int_not_equal(r.status, 0);
    run_free(&r);
}

/* -o onto a FIFO writes into it, as "> FIFO" would: the report arrives
** and the FIFO is still a FIFO.  (Renaming a temporary file over it, as
** over a regular file, replaced /dev/null itself when run as root; a FIFO
** shows the same without risking the machine's devices.)  The reader has
** a time limit: with the old code it would wait for a writer forever. */
static void
test_output_to_fifo(void **state)
{
    char fifo[128], got[128], want[128];
    (void)state;
    snprintf(fifo, sizeof fifo, "%s/fifo", run_tmpdir);
    snprintf(got, sizeof got, "%s/fifo-got", run_tmpdir);
    snprintf(want, sizeof want, "%s/fifo-want", run_tmpdir);
    run_out r = run_sh("mkfifo %s && { timeout 20 cat %s > %s & } && "
                       "%s --json " TINY " -o %s " REC "eligible.json; "
                       "s=$?; wait; test -p %s || s=99; exit $s",
                       fifo, fifo, got, run_bin, fifo, fifo);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_cli("--json " TINY " -o %s " REC "eligible.json", want);
    assert_int_equal(r.status, 0);
    run_free(&r);
    size_t ng = 0, nw = 0;
    char *g = run_slurp(got, &ng), *w = run_slurp(want, &nw);
    assert_true(nw > 0);
    assert_int_equal(ng, nw);
    assert_memory_equal(g, w, nw);
    free(g);
    free(w);
}

/* -o onto a symbolic link replaces its target, and the link stays a link
** (it was replaced by a regular file: -o /dev/stdout, as root, replaced
** /dev/stdout). */
static void
test_output_through_link(void **state)
{
    char target[128], link[128];
    (void)state;
    snprintf(target, sizeof target, "%s/link-target", run_tmpdir);
    snprintf(link, sizeof link, "%s/link", run_tmpdir);
    run_spit(target, "old\n");
    assert_int_equal(symlink(target, link), 0);
    run_out r = run_cli("--json " TINY " -o %s " REC "eligible.json", link);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run_sh("test -L %s && test -f %s && grep -c '\"patient\"' %s",
               link, target, target);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "1\n");
    run_free(&r);
}

/* -------------------------------------------------------------- inputs */

static void
test_directory_order(void **state)
{
    cJSON *l[8];
    static const char *const want[][2] = {
        { "dir/a.json", "0" }, { "dir/a.ndjson", "1" }, { "dir/a.ndjson", "2" },
        { "dir/b.json", "0" }, { "dir/sub.json", "0" }, { "dir/sub/c.json", "0" },
    };
    (void)state;
    run_out r = run_cli("--json " TINY " " DATA "/dir");
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 8);
    assert_int_equal(n, 6);                 /* notes.txt is not read */
    for (int i = 0; i < n; i++) {
        char src[128];
        snprintf(src, sizeof src, DATA "/%s", want[i][0]);
        assert_string_equal(str(l[i], "source"), src);
        int line = atoi(want[i][1]);
        assert_int_equal(num(l[i], "line"), line ? line : -1);
    }
    free_lines(l, n);
    run_free(&r);
}

static void
test_walk_skips_special_files(void **state)
{
    char d[128], cmd[1024];
    cJSON *l[4];
    (void)state;
    snprintf(d, sizeof d, "%s/walk", run_tmpdir);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && cp " REC "eligible.json %s/g.json && "
             "mkfifo %s/p.json && ln -s ../../%s/g.json %s/l.json && "
             "ln -s /nonexistent %s/dangling.json",
             d, d, d, d, d, d);
    assert_int_equal(system(cmd), 0);
    run_out r = run_cli("--json " TINY " %s", d);  /* must not hang on p.json */
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 1);
    assert_string_equal(str(l[0], "patient"), "P-ELIG");
    assert_non_null(strstr(r.err, "p.json': not a regular file"));
    assert_non_null(strstr(r.err, "l.json': symbolic link"));
    assert_non_null(strstr(r.err, "dangling.json': symbolic link"));
    free_lines(l, n);
    run_free(&r);

    /* An unreadable file is an error naming it; the rest goes on. */
    if (geteuid() == 0)
        return;                             /* root reads anything */
    snprintf(cmd, sizeof cmd, "cp " REC "ineligible.json %s/u.json && "
             "chmod 000 %s/u.json", d, d);
    assert_int_equal(system(cmd), 0);
    r = run_cli("--json " TINY " %s", d);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "Permission denied"));
    assert_non_null(strstr(r.out, "P-ELIG"));
    run_free(&r);
}

static void
test_missing_file(void **state)
{
    cJSON *l[2];
    (void)state;
    run_out r = run_cli("--json " TINY " " REC "no-such.json " REC "eligible.json");
    assert_int_equal(r.status, 3);
    assert_int_equal(parse_lines(r.out, l, 2), 2);
    assert_string_equal(str(l[0], "source"), REC "no-such.json");
    assert_string_equal(str(l[0], "error"),
                        "cannot open '" REC "no-such.json': No such file or directory");
    assert_string_equal(str(l[1], "patient"), "P-ELIG");
    assert_non_null(strstr(r.err, "error: cannot open"));
    free_lines(l, 2);
    run_free(&r);
}

/* The size cap holds in the read loop: a file just over 16 MiB. */
static void
test_oversized_file(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/big.json", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\":\"BIG\",\"as_of\":\"2026-03-01T12:00:00Z\"}", f);
    static char spaces[1 << 16];
    memset(spaces, ' ', sizeof spaces);
    for (int i = 0; i < 256; i++)
        fwrite(spaces, 1, sizeof spaces, f);
    fclose(f);
    run_out r = run_cli("--json " TINY " %s", path);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "larger than the 16 MiB limit"));
    run_free(&r);
}

/* --------------------------------------------------------------- criteria */

static void
test_trials_verb(void **state)
{
    cJSON *l[4];
    (void)state;
    run_out r = run_cli("trials --json -c " DATA "/criteria");
    assert_int_equal(r.status, 0);
    int n = parse_lines(r.out, l, 4);
    assert_int_equal(n, 2);
    assert_string_equal(str(l[0], "trial"), "TEST-0001");
    assert_int_equal(num(l[0], "criteria_count"), 3);
    assert_string_equal(str(l[0], "file"), DATA "/criteria/tiny.yaml");
    assert_string_equal(str(l[1], "trial"), "TEST-0002");
    free_lines(l, n);
    run_free(&r);

    r = run_cli("trials -c " DATA "/criteria -t TEST-0002");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "TEST-0002"));
    assert_non_null(strstr(r.out, "exc-manual"));
    assert_null(strstr(r.out, "TEST-0001"));
    run_free(&r);
}

/* With only trial files given, the bundled vocabulary is loaded too, but
** never twice (the same file by two names is one file). */
static void
test_vocabulary_loaded_once(void **state)
{
    (void)state;
    run_out r = run_cli("-q -c criteria/concepts.yaml -c ./criteria/concepts.yaml "
                    TINY " " REC "eligible.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_free(&r);
    r = run_cli("-q -c criteria -c " DATA "/criteria " REC "eligible.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_free(&r);
}

static void
test_criteria_from_environment(void **state)
{
    cJSON *l[4];
    (void)state;
    run_env = "TRIALSCREEN_CRITERIA=" DATA "/criteria";
    run_out r = run_cli("trials --json");
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_lines(r.out, l, 4), 2);
    assert_string_equal(str(l[0], "trial"), "TEST-0001");
    assert_string_equal(str(l[1], "trial"), "TEST-0002");
    free_lines(l, 2);
    run_free(&r);

    /* -c wins over the environment. */
    run_env = "TRIALSCREEN_CRITERIA=" DATA "/bad-criteria";
    r = run_cli("trials --json " TINY);
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_lines(r.out, l, 4), 1);
    free_lines(l, 1);
    run_free(&r);
}

static void
test_bundled_criteria(void **state)
{
    cJSON *l[2];
    (void)state;
    if (access("criteria/nct05184296.yaml", R_OK) != 0)
        skip();
    run_out r = run_cli("--json " REC "incomplete.json");
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_lines(r.out, l, 2), 1);
    const cJSON *t = trial_of(l[0], "NCT05184296");
    assert_non_null(t);
    assert_string_equal(str(t, "title"), "ECMO-RESCUE");
    static const char *const ids[] = {
        "inc-age", "inc-refractory-shock", "inc-myocardial", "inc-consent",
        "exc-other-cardiac", "exc-obstructive-shock", "exc-cardiac-arrest",
        "exc-irreversible-or-late", "exc-bleeding", "exc-pad", "exc-neuro",
        "exc-life-expectancy", "exc-special-population", "exc-other-trial",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (!criterion_of(t, ids[i]))
            fail_msg("no criterion %s", ids[i]);
    assert_string_equal(str(criterion_of(t, "inc-age"), "result"), "met");
    assert_string_equal(str(criterion_of(t, "inc-consent"), "result"), "unknown");
    assert_string_not_equal(str(t, "verdict"), "eligible");
    free_lines(l, 1);
    run_free(&r);
}

/* replay (docs/replay.md; tests/test_replay.c has the rest): one record's
** eligible interval, every output, an unreadable record in the batch.
** Here so that check-valgrind runs the verb too. */
static void
test_replay_verb(void **state)
{
    (void)state;
    run_out r = run_cli("replay --json -t NCT05184296 examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"eligible\":[{\"from\":\"2026-03-01T09:45:00Z\","
                              "\"to\":\"2026-03-01T12:00:00Z\"}]"));
    run_free(&r);
    r = run_cli("replay --points --step 1h -t NCT05184296 examples/ecmo-rescue-eligible.json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"patient\":\"ICU-0042\",\"at\":\"2026-03-01T12:00:00Z\","
                              "\"verdicts\":{\"NCT05184296\":\"eligible\"}}\n"));
    run_free(&r);
    r = run_cli("replay -j2 examples/ecmo-rescue-eligible.json tests/data/cli/records/bad.json");
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "NCT05184296 ECMO-RESCUE: eligible 2 h 15 min in 1 interval"));
    assert_non_null(strstr(r.err, "bad.json"));
    run_free(&r);
    r = run_cli("replay --summary --json examples/");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"summary\":{\"patients\":"));
    run_free(&r);
}

/* trialscreen test: a record warning (here a misspelt code) fails the
** case, unless the case says it carries that many warnings. */
static void
test_case_record_warnings(void **state)
{
    (void)state;
    char path[256];
    static const char *const body[] = { "", "    warnings: 1\n", "    warnings: 2\n" };
    static const int want[] = { 1, 0, 1 };
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/typo-%d.yaml", run_tmpdir, k);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "at: \"2026-03-01T12:00:00Z\"\ntrials: [NCT03668236]\ncases:\n"
                "  - name: typo\n%s    record:\n      id: p\n"
                "      observations:\n        - {code: lactat, value: 3, unit: mmol/L,"
                " time: \"2026-03-01T11:00:00Z\"}\n"
                "    expect:\n      NCT03668236: {criteria: {inc-septic-shock: unknown}}\n",
                body[k]);
        fclose(f);
        run_out r = run_cli("test %s", path);
        assert_int_equal(r.status != 0, want[k]);
        if (k == 0)
            assert_non_null(strstr(r.out, "the case record has 1 warning (expected 0), "
                                          "first: "));
        if (k == 2)
            assert_non_null(strstr(r.out, "has 1 warning (expected 2)"));
        run_free(&r);
    }
}

/* test --coverage: per criterion and sub-rule, what the cases saw. */
static void
test_case_coverage(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/coverage.yaml", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("at: \"2026-03-01T12:00:00Z\"\ntrials: [NCT03668236]\ncases:\n"
          "  - name: one\n    record: {id: p, birth_date: \"1960-01-01\","
          " facts: {consent_obtainable: false}}\n"
          "    expect:\n      NCT03668236: {criteria: {exc-consent: met}}\n"
          "  - name: two\n    record: {id: q, birth_date: \"2010-01-01\","
          " facts: {consent_obtainable: true}}\n"
          "    expect:\n      NCT03668236: {criteria: {exc-consent: not_met}}\n", f);
    fclose(f);
    run_out r = run_cli("test --coverage %s", path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "NCT03668236 inc-age\n  met not_met -------  age ≥ 18 y\n"));
    assert_non_null(strstr(r.out, "NCT03668236 exc-consent\n  met not_met -------  "
                                  "consent_obtainable is false\n"));
    /* sub-rules, indented under their criterion */
    assert_non_null(strstr(r.out, "  --- ------- unknown    latest burn_tbsa > 10 %\n"));
    assert_non_null(strstr(r.out, "2 passed, 0 failed"));
    run_free(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help_matches_man_page),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_unknown_trial_exit_2),
        cmocka_unit_test(test_bad_criteria_exit_2),
        cmocka_unit_test(test_lint_and_summary_placeholders),
        cmocka_unit_test(test_ndjson_verdicts),
        cmocka_unit_test(test_ndjson_not_evaluated),
        cmocka_unit_test(test_bad_record_in_batch_exit_3),
        cmocka_unit_test(test_text_errors_on_stderr),
        cmocka_unit_test(test_one_diagnostic_format),
        cmocka_unit_test(test_ndjson_line_numbers),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_stdin_documents),
        cmocka_unit_test(test_trial_line),
        cmocka_unit_test(test_trial_selection),
        cmocka_unit_test(test_help_lists_bundled_trials),
        cmocka_unit_test(test_concepts_verb),
        cmocka_unit_test(test_text_for_people),
        cmocka_unit_test(test_examples_without_duplicates),
        cmocka_unit_test(test_json_summary_distinguishable),
        cmocka_unit_test(test_csv_why_and_error_rows),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_control_characters_escaped),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_at_and_assume_complete),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_csv_quote_cohort_truncated_list),
        cmocka_unit_test(test_ndjson_long_lines),
        cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_strict_and_verbose),
        cmocka_unit_test(test_detail),
        cmocka_unit_test(test_warnings_by_default),
        cmocka_unit_test(test_write_error_dev_full),
        cmocka_unit_test(test_output_to_fifo),
        cmocka_unit_test(test_output_through_link),
        cmocka_unit_test(test_directory_order),
        cmocka_unit_test(test_walk_skips_special_files),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_oversized_file),
        cmocka_unit_test(test_trials_verb),
        cmocka_unit_test(test_vocabulary_loaded_once),
        cmocka_unit_test(test_criteria_from_environment),
        cmocka_unit_test(test_bundled_criteria),
        cmocka_unit_test(test_replay_verb),
        cmocka_unit_test(test_case_record_warnings),
        cmocka_unit_test(test_case_coverage),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
