/*
** test_fhir.c -- FHIR input, end to end (docs/fhir.md).
**
** Runs ./trialscreen on the fixtures of tests/data/fhir/: a hand-written
** ICU Bundle (vasopressor infusions with a rate change, a blood-pressure
** panel with components, VA-ECMO with its mode as an attribute extension,
** a refuted PE, a provisional bleed, an ICU stay via Encounter.location
** and Location.type), a small Bulk export (two Patient files, resources
** spread over type files, a manifest, a log, duplicates, orphans, a type
** not read), a site's own code systems, and a cut of the Synthea sample
** (tests/data/fhir/synthea/README.md).  What the mapping makes of them is
** compared with the records it must equal; the round trip over every
** example and case record is tests/fhir/roundtrip.py (make check-fhir).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fhir.h"
#include "run.h"

#define FHIR "tests/data/fhir"
#define BULK FHIR "/bulk"
#define ICU FHIR "/icu-bundle.json"

/* The n-th (0-based) "patient":"..." or "id":"..." value in text. */
static void
nth_value(const char *text, const char *key, int n, char *out, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = text;
    out[0] = '\0';
    for (int i = 0; p && i <= n; i++) {
        p = strstr(p, pat);
        if (p)
            p += strlen(pat);
    }
    if (!p)
        return;
    size_t k = strcspn(p, "\"");
    snprintf(out, size, "%.*s", (int)(k < size ? k : size - 1), p);
}

/* Report lines without their "source" and "line" members, for comparing
** a screening of FHIR with one of the equivalent record (evidence pointers
** name places in the record read, so the record is the one records
** printed). */
static char *
without_source(const char *text)
{
    char *out = strdup(text), *p;
    while ((p = strstr(out, "\"source\":\"")) != NULL) {
        char *end = strchr(p + 10, '"');
        assert_non_null(end);
        end++;
        if (*end == ',')
            end++;
        memmove(p, end, strlen(end) + 1);
    }
    while ((p = strstr(out, "\"line\":")) != NULL) {
        char *end = p + 7;
        while (*end >= '0' && *end <= '9')
            end++;
        if (*end == ',')
            end++;
        memmove(p, end, strlen(end) + 1);
    }
    return out;
}

static int
setup(void **state)
{
    (void)state;
    return run_setup("test-fhir");
}

static int
teardown(void **state)
{
    (void)state;
    return run_teardown();
}

/* ------------------------------------------------------------ Bundle */

/* The ICU Bundle becomes exactly the record in icu-bundle.record.ndjson:
** ED then ICU stay from Encounter.location and Location.type; weight in
** [lb_av]; SBP from the BP panel's component (the diastolic maps to no
** concept); MAP with its local-time offset; lactate from
** effectivePeriod.start and from issued; norepinephrine 0.3 then 0.5
** ug/kg/min through a Medication (by id and by fullUrl), the second still
** running; vasopressin running; ECMO with mode VA; PE absent; bleed
** suspected; consent as a timed fact.  Skipped: the Claim, the heart
** rate, the entered-in-error lactate and the not-done hydrocortisone. */
static void
test_bundle_record(void **state)
{
    (void)state;
    run_out r = run_cli("records %s", ICU);
    char *want = run_slurp(FHIR "/icu-bundle.record.ndjson", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(want, "\"mode\":\"VA\""));
    assert_string_equal(r.out, want);
    assert_string_equal(r.err,
        "trialscreen: warning: FHIR: 1 resource skipped: resource type not read (Claim 1)\n"
        "trialscreen: warning: FHIR: 1 resource skipped: no coding maps to a concept of the right kind\n"
        "trialscreen: warning: FHIR: 2 resources skipped: status entered-in-error, cancelled or not-done\n");
    free(want);
    run_free(&r);
}

/* Screening the Bundle gives what screening its record gives. */
static void
test_bundle_screens_as_its_record(void **state)
{
    (void)state;
    run_out a = run_cli("--json --no-progress %s", ICU);
    run_out b = run_cli("--json --no-progress %s/icu-bundle.record.ndjson", FHIR);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    char *x = without_source(a.out), *y = without_source(b.out);
    assert_string_equal(x, y);
    /* and it says something: VA-ECMO is read as VA */
    assert_non_null(strstr(a.out, "\"patient\":\"ICU-FHIR-01\""));
    assert_non_null(strstr(a.out, "\"verdict\":\"ineligible\""));
    free(x);
    free(y);
    run_free(&a);
    run_free(&b);
}

/* A Bundle of several patients: one record per Patient entry, in entry
** order, each with the entries that name it (by fullUrl or Patient/ID,
** before or after it); an entry naming a patient not in the Bundle is
** counted with its file and line. */
static void
test_bundle_of_patients(void **state)
{
    (void)state;
    run_out r = run_cli("records %s/two-patients-bundle.json", FHIR);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out,
        "{\"format\":\"patient-record/1\",\"id\":\"TWO-A\",\"birth_date\":\"1990-01-01\","
        "\"sex\":\"female\",\"as_of\":\"2026-03-01T12:00:00Z\",\"observations\":"
        "[{\"code\":\"map\",\"value\":71,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T11:00:00Z\"}]}\n"
        "{\"format\":\"patient-record/1\",\"id\":\"TWO-B\",\"birth_date\":\"1955-05-05\","
        "\"sex\":\"male\",\"as_of\":\"2026-03-01T12:00:00Z\",\"observations\":"
        "[{\"code\":\"map\",\"value\":55,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T10:00:00Z\"}]}\n");
    assert_string_equal(r.err, "trialscreen: warning: FHIR: 1 resource skipped: no patient, or a "
        "patient not in the input (per file: tests/data/fhir/two-patients-bundle.json "
        "1, line 23)\n");
    run_free(&r);
}

/* --at beats Bundle.timestamp, which beats the latest time of the data. */
static void
test_bundle_screening_time(void **state)
{
    (void)state;
    run_out r = run_cli("--json --no-progress --at 2026-03-02T00:00:00Z %s", ICU);
    assert_non_null(strstr(r.out, "\"as_of\":\"2026-03-02T00:00:00Z\""));
    run_free(&r);
    r = run_cli("--json --no-progress %s", ICU);
    assert_non_null(strstr(r.out, "\"as_of\":\"2026-03-01T12:00:00Z\""));
    run_free(&r);
    /* Without a timestamp: the latest time of any resource read, whether
    ** its code maps or not (here the entered-in-error lactate at 11:00 is
    ** not read; the consent at 10:30 is the latest). */
    r = run_cli("records %s/bulk/Condition.000.ndjson %s/bulk/Patient.000.ndjson",
            FHIR, FHIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"id\":\"P-A\",\"birth_date\":\"1950-12-02\","
                                  "\"sex\":\"male\",\"as_of\":\"2026-03-01T03:00:00Z\""));
    run_free(&r);
}

/* ---------------------------------------------------------- Bulk export */

/* Patients in the order of the Patient files (P-B, P-A, then P-C of
** Patient.001), whatever the order of their resources; the manifest's
** transactionTime is the screening time; log.ndjson is passed over. */
static void
test_bulk_order_and_time(void **state)
{
    (void)state;
    char id[64];
    run_out r = run_cli("records %s", BULK);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 3);
    nth_value(r.out, "id", 0, id, sizeof id);
    assert_string_equal(id, "P-B");
    nth_value(r.out, "id", 1, id, sizeof id);
    assert_string_equal(id, "P-A");
    nth_value(r.out, "id", 2, id, sizeof id);
    assert_string_equal(id, "P-C");
    assert_non_null(strstr(r.out, "\"id\":\"P-A\",\"birth_date\":\"1950-12-02\","
        "\"sex\":\"male\",\"as_of\":\"2026-03-01T12:00:00Z\","
        "\"locations\":[{\"code\":\"icu\",\"start\":\"2026-03-01T02:00:00Z\"}],"
        "\"observations\":[{\"code\":\"map\",\"value\":61,\"unit\":\"mm[Hg]\","
        "\"time\":\"2026-03-01T09:00:00Z\"},{\"code\":\"lactate\",\"value\":4.4,"
        "\"unit\":\"mmol/L\",\"time\":\"2026-03-01T10:00:00Z\"}],"
        "\"medications\":[{\"code\":\"norepinephrine\",\"rate\":0.12,"
        "\"unit\":\"ug/kg/min\",\"start\":\"2026-03-01T04:00:00Z\"}],"
        "\"conditions\":[{\"code\":\"septic_shock\",\"onset\":\"2026-03-01T03:00:00Z\"}]}"));
    /* the same order when screened, on any number of threads */
    run_out s1 = run_cli("--json --no-progress -j1 %s", BULK);
    run_out s4 = run_cli("--json --no-progress -j4 %s", BULK);
    assert_string_equal(s1.out, s4.out);
    nth_value(s1.out, "patient", 0, id, sizeof id);
    assert_string_equal(id, "P-B");
    run_free(&s1);
    run_free(&s4);
    run_free(&r);
}

/* Every skipped resource is counted, one warning line per reason. */
static void
test_bulk_skipped_warnings(void **state)
{
    (void)state;
    run_out r = run_cli("--no-progress %s", BULK);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err,
        "trialscreen: warning: FHIR: 2 resources skipped: resource type not read (Claim 2)\n"
        "trialscreen: warning: FHIR: 2 resources skipped: no coding maps to a concept of the right kind\n"
        "trialscreen: warning: FHIR: 2 resources skipped: status entered-in-error, cancelled or not-done\n"
        "trialscreen: warning: FHIR: 2 resources skipped: no patient, or a patient not in the input "
        "(per file: tests/data/fhir/bulk/Observation.000.ndjson 2, lines 3, 5)\n"
        "trialscreen: warning: FHIR: 1 resource skipped: same type and id read before\n");
    run_free(&r);
    /* -q prints nothing */
    r = run_cli("-q %s", BULK);
    assert_string_equal(r.err, "");
    run_free(&r);
}

/* --summary: text and the NDJSON summary object carry the counts. */
static void
test_bulk_summary(void **state)
{
    (void)state;
    run_out r = run_cli("--json --summary --no-progress %s", BULK);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"summary\":{\"records\":3,\"screened\":3,"
        "\"unreadable\":0,\"fhir_skipped\":{\"type\":2,\"code\":2,\"status\":2,"
        "\"no_patient\":2,\"duplicate\":1},\"trials\":["));
    run_free(&r);
    r = run_cli("--summary --no-progress %s", BULK);
    assert_non_null(strstr(r.out, "Summary: 3 records screened\n"
        "FHIR resources skipped: 9\n"
        "         2  resource type not read (Claim 2)\n"));
    run_free(&r);
    /* records alone: no FHIR line in the summary */
    r = run_cli("--json --summary --no-progress examples/ecmo-rescue-eligible.json");
    assert_null(strstr(r.out, "fhir_skipped"));
    run_free(&r);
}

/* FHIR NDJSON on standard input groups like a Bulk export. */
static void
test_stdin(void **state)
{
    (void)state;
    char id[64];
    run_out r = run_cli("records - < %s/Observation.000.ndjson", BULK);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");             /* no Patient: no record */
    assert_non_null(strstr(r.err, "5 resources skipped: no patient, or a patient not in the input (per file: <stdin> 5, lines 1, 2, 3, ...)"));
    run_free(&r);
    r = run_cli("--json --no-progress --at 2026-03-01T12:00:00Z - < %s/Patient.000.ndjson", BULK);
    assert_int_equal(r.status, 0);
    nth_value(r.out, "patient", 1, id, sizeof id);
    assert_string_equal(id, "P-A");
    assert_non_null(strstr(r.out, "\"source\":\"<stdin>\""));
    run_free(&r);
}

/* Records, a Bundle and a Bulk export in one run: records and Bundles in
** input order, then the patients of the loose resources. */
static void
test_mixed_input(void **state)
{
    (void)state;
    char id[64];
    run_out r = run_cli("--json --no-progress %s examples/ecmo-rescue-eligible.json %s",
                    BULK, ICU);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 5);
    const char *want[] = { "ICU-0042", "ICU-FHIR-01", "P-B", "P-A", "P-C" };
    for (int i = 0; i < 5; i++) {
        nth_value(r.out, "patient", i, id, sizeof id);
        assert_string_equal(id, want[i]);
    }
    run_free(&r);
}

/* --shard splits FHIR patients like records. */
static void
test_shard(void **state)
{
    (void)state;
    char id[64];
    run_out r = run_cli("--json --no-progress --shard 2/3 %s", BULK);
    assert_int_equal(run_count_lines(r.out), 1);
    nth_value(r.out, "patient", 0, id, sizeof id);
    assert_string_equal(id, "P-A");
    run_free(&r);
}

/* A broken resource: an error line with file, line, column and JSON
** path for its patient (exit 3); the others are screened. */
static void
test_errors(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r %s %s/bulk && printf '%%s\\n' "
             "'{\"resourceType\":\"Observation\",\"id\":\"bad\",\"status\":\"final\","
             "\"subject\":{\"reference\":\"Patient/P-C\"},\"code\":{\"coding\":"
             "[{\"system\":\"http://loinc.org\",\"code\":\"8478-0\"}]},"
             "\"effectiveDateTime\":\"2026-03-01T10:00:00Z\","
             "\"valueQuantity\":{\"value\":\"61\"}}' >> %s/bulk/Observation.001.ndjson",
             BULK, run_tmpdir, run_tmpdir);
    assert_int_equal(system(cmd), 0);
    run_out r = run_cli("--json --no-progress %s/bulk", run_tmpdir);
    assert_int_equal(r.status, 3);
    snprintf(cmd, sizeof cmd, "%s/bulk/Observation.001.ndjson:5:231: error: "
             "valueQuantity.value: must be a number, not string\n", run_tmpdir);
    assert_non_null(strstr(r.err, cmd));
    assert_non_null(strstr(r.out, "\"error\":\"must be a number, not string\","
                                  "\"line\":5,\"column\":231,\"path\":\"valueQuantity.value\"}"));
    assert_non_null(strstr(r.out, "\"patient\":\"P-A\""));
    assert_non_null(strstr(r.out, "\"patient\":\"P-B\""));
    assert_null(strstr(r.out, "\"patient\":\"P-C\""));
    run_free(&r);
}

/* A FHIR resource is never screened as a record: a lone Observation file
** is a resource without its patient, not an invalid record. */
static void
test_never_a_record(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "head -1 %s/Observation.000.ndjson > %s/obs.json",
             BULK, run_tmpdir);
    assert_int_equal(system(cmd), 0);
    run_out r = run_cli("--json --no-progress %s/obs.json", run_tmpdir);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "1 resource skipped: no patient"));
    run_free(&r);
}

/* The spill store leaves nothing in $TMPDIR. */
static void
test_tmpdir_clean(void **state)
{
    (void)state;
    char env[512], dir[128];
    snprintf(dir, sizeof dir, "%s/spill", run_tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(env, sizeof env, "TMPDIR=%s SQLITE_TMPDIR=%s", dir, dir);
    run_out r = run_cli_env(env, "--json --no-progress %s", BULK);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 3);
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n, 0);
    run_free(&r);
}

/* ------------------------------------------------------ records verb */

/* records: a record file comes out as one compact NDJSON line; an invalid
** record is reported as screen would and not printed (exit 3); options
** that concern reports are usage errors. */
/* replay reads FHIR as screen does: a Bundle replays point by point as
** the record made of it. */
static void
test_replay_fhir(void **state)
{
    (void)state;
    run_out a = run_cli("replay --json --points %s/icu-bundle.json", FHIR);
    run_out b = run_cli("replay --json --points %s/icu-bundle.record.ndjson", FHIR);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_non_null(strstr(a.out, "\"patient\":\"ICU-FHIR-01\""));
    assert_string_equal(a.out, b.out);
    run_free(&a);
    run_free(&b);
}

static void
test_records_verb(void **state)
{
    (void)state;
    run_out r = run_cli("records examples/ecmo-rescue-eligible.json "
                    "tests/bad-input/records/date-feb30.json %s", ICU);
    assert_int_equal(r.status, 3);
    assert_int_equal(run_count_lines(r.out), 2);
    const char *head = "{\"format\":\"patient-record/1\",\"id\":\"ICU-0042\","
                       "\"as_of\":\"2026-03-01T12:00:00Z\",";
    assert_true(strncmp(r.out, head, strlen(head)) == 0);
    assert_non_null(strstr(r.out, "\n{\"format\":\"patient-record/1\",\"id\":\"ICU-FHIR-01\""));
    assert_non_null(strstr(r.err, "tests/bad-input/records/date-feb30.json:"));
    run_free(&r);
    /* what records prints screens as the input does */
    run_out a = run_cli("--json --no-progress examples/ecmo-rescue-eligible.json");
    run_out b = run_cli("records examples/ecmo-rescue-eligible.json");
    char path[128];
    snprintf(path, sizeof path, "%s/rec.ndjson", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(b.out, f);
    fclose(f);
    run_out c = run_cli("--json --no-progress %s", path);
    char *x = without_source(a.out), *y = without_source(c.out);
    assert_string_equal(x, y);
    free(x);
    free(y);
    run_free(&a);
    run_free(&b);
    run_free(&c);
    r = run_cli("records -o %s/x.ndjson %s", run_tmpdir, ICU);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'records' prints NDJSON records on standard output"));
    run_free(&r);
}

/* ------------------------------------------------------- site codes */

/* A site's own code systems, in a vocabulary file of its own beside the
** bundled criteria, named with -c or in $TRIALSCREEN_CRITERIA. */
static void
test_site_codes(void **state)
{
    (void)state;
    const char *want = "\"observations\":[{\"code\":\"lactate\",\"value\":6.2,"
        "\"unit\":\"mmol/L\",\"time\":\"2026-03-01T11:15:00Z\"}],"
        "\"procedures\":[{\"code\":\"ecmo\",\"start\":\"2026-03-01T09:40:00Z\","
        "\"mode\":\"VV\"}]}";
    run_out r = run_cli("records -c criteria -c %s/site/site-codes.yaml "
                    "%s/site/site-bundle.json", FHIR, FHIR);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, want));
    assert_string_equal(r.err, "");
    run_free(&r);
    char env[512];
    snprintf(env, sizeof env, "TRIALSCREEN_CRITERIA=criteria:%s/site/site-codes.yaml",
             FHIR);
    r = run_cli_env(env, "records %s/site/site-bundle.json", FHIR);
    assert_non_null(strstr(r.out, want));
    run_free(&r);
    /* without the site file, both codes map to nothing */
    r = run_cli_env("TRIALSCREEN_CRITERIA=", "records %s/site/site-bundle.json", FHIR);
    assert_null(strstr(r.out, "lactate"));
    assert_non_null(strstr(r.err, "2 resources skipped: no coding maps"));
    run_free(&r);
    /* a malformed SYSTEM|code is a vocabulary error (exit 2) */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "printf 'codes:\\n  \"|K1\": lactate\\n' > %s/bad-codes.yaml",
             run_tmpdir);
    assert_int_equal(system(cmd), 0);
    r = run_cli("records -c criteria -c %s/bad-codes.yaml %s", run_tmpdir, ICU);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "must be written SYSTEM|code"));
    run_free(&r);
}

/* --------------------------------------------------------- Synthea */

/* The Synthea sample (cut, tests/data/fhir/synthea/): 13 patients, each
** screened, nothing read twice; Synthea writes MedicationRequest (not
** read), SNOMED codes mostly outside the vocabulary, and a file that
** repeats resources of the others (the duplicates). */
static void
test_synthea(void **state)
{
    (void)state;
    run_out r = run_cli("--json --no-progress %s/synthea", FHIR);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 13);
    assert_null(strstr(r.out, "\"error\""));
    assert_string_equal(r.err,
        "trialscreen: warning: FHIR: 150 resources skipped: resource type not read (MedicationRequest 150)\n"
        "trialscreen: warning: FHIR: 610 resources skipped: no coding maps to a concept of the right kind\n"
        "trialscreen: warning: FHIR: 50 resources skipped: same type and id read before\n");
    run_free(&r);
    /* the sepsis patient's condition is read */
    r = run_cli("records %s/synthea", FHIR);
    assert_non_null(strstr(r.out, "\"id\":\"129c6ac7-8d06-89de-ad63-0204a93e76c3\""));
    assert_non_null(strstr(r.out, "{\"code\":\"sepsis\",\"onset\":\"1976-01-19T22:58:16-05:00\"}"));
    run_free(&r);
}

/* The plain search fhirin_may_be_fhir must agree with. */
static int
naive_has(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Detection by content (fhirin.c): each key at the start, in the middle,
** at the very end, cut short by the end, and lookalikes. */
static void
test_may_be_fhir(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "T", "I", "\"resourceType\"", "{\"resourceType\":\"Patient\"}",
        "\"resourceTyp", "resourceType\"", "\"resourceType", "{\"x\":\"\\\"resourceType\"}",
        "\"transactionTime\"", "{\"transactionTime\":\"2026\",\"output\":[]}",
        "\"transactionTim", "xx\"transactionTime", "\"eventId\"", "{\"eventId\":\"a\"}",
        "\"eventI", "eventId\"", "\"eventid\"", "\"resourcetype\"", "\"TTTT\"",
        "{\"id\":\"ICU-1\",\"as_of\":\"2025-07-02T22:07:30Z\",\"observations\":[]}",
        "{\"time\":\"2025-07-02T10:00:00Z\",\"note\":\"resourceType\"}",
        "IIIIIII\"eventId\"TTTT", "T\"resourceType\"", "\"\"resourceType\"\"",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *t = texts[i];
        size_t len = strlen(t);
        for (size_t cut = 0; cut <= len; cut++) {   /* every prefix too */
            int want = naive_has(t, cut, "\"resourceType\"")
                       || naive_has(t, cut, "\"transactionTime\"")
                       || naive_has(t, cut, "\"eventId\"");
            if (fhirin_may_be_fhir(t, cut) != want)
                fail_msg("'%.*s': %d, expected %d", (int)cut, t, !want, want);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_may_be_fhir),
        cmocka_unit_test(test_bundle_record),
        cmocka_unit_test(test_bundle_screens_as_its_record),
        cmocka_unit_test(test_bundle_of_patients),
        cmocka_unit_test(test_bundle_screening_time),
        cmocka_unit_test(test_bulk_order_and_time),
        cmocka_unit_test(test_bulk_skipped_warnings),
        cmocka_unit_test(test_bulk_summary),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_mixed_input),
        cmocka_unit_test(test_shard),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_never_a_record),
        cmocka_unit_test(test_tmpdir_clean),
        cmocka_unit_test(test_records_verb),
        cmocka_unit_test(test_replay_fhir),
        cmocka_unit_test(test_site_codes),
        cmocka_unit_test(test_synthea),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
