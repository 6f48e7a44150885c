/*
** test_replay.c -- replay: every point is what `screen --at` says there.
**
** The contract of the replay verb is that its verdict for a trial at a
** point t is the verdict of screening the record with --at t.  The main
** test checks it at every point: it runs ./trialscreen replay --points on
** a generated cohort (bench/gencohort) and on hand-made records that
** exercise the view's special cases (per-kg rates before and after the
** weight changes, ends after t, timed facts, moves between places), and
** for each line parses the record afresh with --at t in this process --
** the path of the screen verb: record_parse, then eval_trial -- and
** compares every trial's verdict.  A few points are also checked against
** real `trialscreen --at` runs.  Then: skipping gives the same bytes as
** --every-point and any number of threads; the expected intervals of each
** bundled trial's time logic (tests/data/replay/); the summary; usage
** errors; unreadable records.
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
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "criteria.h"
#include "eval.h"
#include "facts.h"
#include "record.h"
#include "recview.h"
#include "rules.h"
#include "timeutil.h"
#include "verdict.h"
#include "vocab.h"
#include "run.h"

#define COHORT_N 60

static char cohort_path[128];
static vocab *voc;
static trialset *trials;

/* --------------------------------------------------- the reference */

/* The records of an NDJSON text, one per line, with their ids. */
typedef struct recline {
    const char *text;
    size_t len;
    char id[128];
} recline;

static int
split_records(char *text, recline *out, int max)
{
    int n = 0;
    for (char *p = text; *p && n < max; ) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        cJSON *j = cJSON_ParseWithLength(p, len);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
        out[n].text = p;
        out[n].len = len;
        snprintf(out[n].id, sizeof out[n].id, "%s",
                 cJSON_IsString(id) ? id->valuestring : "");
        cJSON_Delete(j);
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

/* The verdict of trial i for rec screened with --at at: record_parse and
** eval_trial, as screen.c does. */
static const char *
screen_at(const recline *rec, ts_time at, int i, arena *a)
{
    record_opts ro = { at, 0, 0, RW_COUNT };
    ts_error err;
    char *buf = malloc(rec->len + 1);
    memcpy(buf, rec->text, rec->len);
    buf[rec->len] = '\0';
    record *r = record_parse(buf, rec->len, "ref", 0, voc, &ro, &err);
    free(buf);
    if (!r)
        return "unreadable";
    trial_result *tr = eval_trial(trialset_at(trials, i), r, a);
    const char *name = verdict_name(trial_result_verdict(tr));
    record_free(r);
    arena_reset(a);
    return name;
}

/*
** Every line of `replay --points` output out is compared with the
** reference on the records of the NDJSON text recs.  Returns the number of
** points checked; fails on the first difference.
*/
static long
check_points(const char *out, char *recs)
{
    static recline rl[COHORT_N + 16];
    int nrec = split_records(recs, rl, COHORT_N + 16);
    int ntrials = trialset_count(trials);
    arena *a = arena_new();
    long points = 0;
    int cur = 0;
    for (const char *p = out; *p; ) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        cJSON *j = cJSON_ParseWithLength(p, (size_t)(nl - p));
        assert_non_null(j);
        const char *patient = cJSON_GetObjectItemCaseSensitive(j, "patient")->valuestring;
        const char *ats = cJSON_GetObjectItemCaseSensitive(j, "at")->valuestring;
        const cJSON *verdicts = cJSON_GetObjectItemCaseSensitive(j, "verdicts");
        while (cur < nrec && strcmp(rl[cur].id, patient) != 0)
            cur++;
        assert_true(cur < nrec);
        ts_time at;
        assert_int_equal(ts_parse_time(ats, &at, NULL, 0), 0);
        for (int i = 0; i < ntrials; i++) {
            const char *id = trialset_at(trials, i)->id;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(verdicts, id);
            assert_true(cJSON_IsString(v));
            const char *want = screen_at(&rl[cur], at, i, a);
            if (strcmp(v->valuestring, want) != 0)
                fail_msg("%s at %s, %s: replay says %s, screen --at says %s",
                         patient, ats, id, v->valuestring, want);
        }
        cJSON_Delete(j);
        points++;
        p = nl + 1;
    }
    arena_free(a);
    return points;
}

/* ---------------------------------------------------------- the tests */

static void
test_points_equal_screen_at_cohort(void **state)
{
    (void)state;
    run_out r = run_sh("%s replay --points --step 1h -j2 %s", run_bin, cohort_path);
    assert_int_equal(r.status, 0);
    char *recs = run_slurp(cohort_path, NULL);
    long n = check_points(r.out, recs);
    assert_true(n > 2000);
    free(recs);
    run_free(&r);
}

/*
** Hand-made records for the view's special cases, at 15 min: a per-kg
** infusion started before any weight and a weight that changes (the rate
** is converted with the weight known at each point), an infusion that
** ends, a paused course, a procedure and a condition with ends, a timed
** fact, a move from the ED to the ICU and out again.
*/
static const char special[] =
"{\"format\":\"patient-record/1\",\"id\":\"VIEW-1\",\"as_of\":\"2026-03-02T06:00:00Z\","
"\"birth_date\":\"1960-03-01\",\"sex\":\"male\",\"complete\":[\"conditions\",\"procedures\",\"medications\"],"
"\"locations\":[{\"code\":\"ed\",\"start\":\"2026-03-01T05:00:00Z\",\"end\":\"2026-03-01T07:10:00Z\"},"
"{\"code\":\"icu\",\"start\":\"2026-03-01T07:10:00Z\",\"end\":\"2026-03-02T04:00:00Z\"},"
"{\"code\":\"ward\",\"start\":\"2026-03-02T04:00:00Z\"}],"
"\"conditions\":[{\"code\":\"septic_shock\",\"onset\":\"2026-03-01T05:30:00Z\",\"end\":\"2026-03-02T02:00:00Z\"},"
"{\"code\":\"sepsis\",\"onset\":\"2026-03-01T05:20:00Z\"}],"
"\"procedures\":[{\"code\":\"ecmo\",\"start\":\"2026-03-01T09:00:00Z\",\"end\":\"2026-03-01T20:00:00Z\",\"mode\":\"VA\"},"
"{\"code\":\"mechanical_ventilation\",\"start\":\"2026-03-01T08:00:00Z\"}],"
"\"medications\":[{\"code\":\"norepinephrine\",\"rate\":0.5,\"unit\":\"ug/kg/min\",\"start\":\"2026-03-01T06:00:00Z\",\"end\":\"2026-03-01T16:00:00Z\"},"
"{\"code\":\"norepinephrine\",\"rate\":0.6,\"unit\":\"ug/kg/min\",\"start\":\"2026-03-01T16:40:00Z\",\"end\":\"2026-03-02T01:00:00Z\"},"
"{\"code\":\"epinephrine\",\"rate\":0.3,\"unit\":\"ug/kg/min\",\"start\":\"2026-03-01T09:00:00Z\"},"
"{\"code\":\"vasopressin\",\"rate\":2.4,\"unit\":\"U/h\",\"start\":\"2026-03-01T10:00:00Z\",\"end\":\"2026-03-01T18:00:00Z\"},"
"{\"code\":\"hydrocortisone\",\"dose\":50,\"unit\":\"mg\",\"start\":\"2026-03-01T12:00:00Z\"}],"
"\"observations\":["
"{\"code\":\"weight\",\"value\":70,\"unit\":\"kg\",\"time\":\"2026-03-01T08:00:00Z\"},"
"{\"code\":\"weight\",\"value\":95,\"unit\":\"kg\",\"time\":\"2026-03-01T14:00:00Z\"},"
"{\"code\":\"height\",\"value\":172,\"unit\":\"cm\",\"time\":\"2026-03-01T08:00:00Z\"},"
"{\"code\":\"map\",\"value\":58,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T06:00:00Z\"},"
"{\"code\":\"map\",\"value\":57,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T07:00:00Z\"},"
"{\"code\":\"map\",\"value\":55,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T08:00:00Z\"},"
"{\"code\":\"map\",\"value\":70,\"unit\":\"mm[Hg]\",\"time\":\"2026-03-01T13:00:00Z\"},"
"{\"code\":\"lactate\",\"value\":5.5,\"unit\":\"mmol/L\",\"time\":\"2026-03-01T06:30:00Z\"},"
"{\"code\":\"lactate\",\"value\":6.1,\"unit\":\"mmol/L\",\"time\":\"2026-03-01T07:30:00Z\"},"
"{\"code\":\"lactate\",\"value\":2.5,\"unit\":\"mmol/L\",\"time\":\"2026-03-01T19:00:00Z\"},"
"{\"code\":\"sofa\",\"value\":9,\"time\":\"2026-03-01T07:00:00Z\"},"
"{\"code\":\"mottling_score\",\"value\":2,\"time\":\"2026-03-01T12:00:00Z\"},"
"{\"code\":\"platelets\",\"value\":25,\"unit\":\"10*3/uL\",\"time\":\"2026-03-01T22:00:00Z\"},"
"{\"code\":\"lvef\",\"value\":25,\"unit\":\"%\",\"time\":\"2026-03-01T09:30:00Z\"}],"
"\"facts\":{\"informed_consent\":{\"value\":true,\"time\":\"2026-03-01T11:00:00Z\"},"
"\"adequate_fluid_resuscitation\":true}}\n";

static void
test_points_equal_screen_at_special(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/special.ndjson", run_tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(special, f);
    fclose(f);
    run_out r = run_sh("%s replay --points --step 15m %s", run_bin, path);
    assert_int_equal(r.status, 0);
    char *recs = run_slurp(path, NULL);
    assert_true(check_points(r.out, recs) > 90);
    free(recs);
    run_free(&r);
}

/* The view of a record at t holds what parsing it with --at t gives,
** item by item: the contract of recview.c, checked directly. */
static void
test_view_equals_parse_at(void **state)
{
    (void)state;
    record_opts full_opts = { TS_NONE, 0, 0, RW_COUNT };
    ts_error err;
    size_t len = strlen(special) - 1;
    char *text = strndup(special, len);     /* record_parse wants a NUL */
    record *full = record_parse(text, len, "special", 0, voc, &full_opts, &err);
    assert_non_null(full);
    arena *a = arena_new();
    int nv = vocab_count(voc), checked = 0, reconverted = 0;
    for (ts_time t = record_first_time(full); t <= record_at(full); t += 20 * TS_MINUTE) {
        record_opts at_opts = { t, 0, 0, RW_COUNT };
        record *p = record_parse(text, len, "special", 0, voc, &at_opts, &err);
        assert_non_null(p);
        record *v = record_view_at(full, t, a);
        assert_true(v->at == p->at);
        for (int i = 0; i < nv; i++) {
            assert_int_equal(v->obs[i].n, p->obs[i].n);
            assert_int_equal(v->obs[i].first_unusable, p->obs[i].first_unusable);
            for (int j = 0; j < p->obs[i].n; j++) {
                assert_true(v->obs[i].s[j].t == p->obs[i].s[j].t);
                assert_int_equal(v->obs[i].s[j].ok, p->obs[i].s[j].ok);
                assert_true(!p->obs[i].s[j].ok || v->obs[i].s[j].v == p->obs[i].s[j].v);
            }
            assert_int_equal(v->meds[i].n, p->meds[i].n);
            for (int j = 0; j < p->meds[i].n; j++) {
                const med_entry *x = &v->meds[i].e[j], *y = &p->meds[i].e[j];
                assert_true(x->start == y->start && x->end == y->end);
                assert_int_equal(x->ok, y->ok);
                assert_true(!y->ok || x->amount == y->amount);
                reconverted += x->ok && x->amount != full->meds[i].e[j].amount;
                checked++;
            }
            assert_int_equal(v->conds[i].n, p->conds[i].n);
            for (int j = 0; j < p->conds[i].n; j++)
                assert_true(v->conds[i].e[j].end == p->conds[i].e[j].end);
            assert_int_equal(v->procs[i].n, p->procs[i].n);
            for (int j = 0; j < p->procs[i].n; j++)
                assert_true(v->procs[i].e[j].end == p->procs[i].e[j].end);
            assert_int_equal(v->locs[i].n, p->locs[i].n);
            for (int j = 0; j < p->locs[i].n; j++)
                assert_true(v->locs[i].e[j].end == p->locs[i].e[j].end);
            assert_int_equal(v->facts[i] != NULL, p->facts[i] != NULL);
        }
        record_free(p);
        arena_reset(a);
    }
    /* The test saw rates converted with another weight than the last. */
    assert_true(checked > 100);
    assert_true(reconverted > 0);
    arena_free(a);
    record_free(full);
    free(text);
}

/*
** Replay screens with eval_trial_quiet: no words, but every value, since,
** until, verdict, window and eligible_since must be eval_trial's.  On the
** synthetic cohort and 60 realistic records, every trial, every 30 min
** of each stay.  Fails if quiet let an any stop at its first met kid (a
** later kid's earlier since is then lost: the window moves).
*/
static void
test_quiet_equals_full(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/quiet.ndjson", run_tmpdir);
    run_out g = run_sh("cat %s > %s && bench/gencohort -r -n 60 -s 3 >> %s",
                       cohort_path, path, path);
    assert_int_equal(g.status, 0);
    run_free(&g);
    char *text = run_slurp(path, NULL);
    assert_non_null(text);
    arena *a = arena_new();
    long compared = 0, windows = 0, sinces = 0;
    for (char *p = text; *p; ) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        record_opts ro = { TS_NONE, 0, 0, RW_COUNT };
        ts_error err;
        record *r = record_parse(line, len, "quiet", 0, voc, &ro, &err);
        assert_non_null(r);
        ts_time first = record_first_time(r);
        for (ts_time t = first == TS_NONE ? record_at(r) : first;
             t <= record_at(r); t += 30 * TS_MINUTE) {
            record *v = record_view_at(r, t, a);
            for (int j = 0; j < trialset_count(trials); j++) {
                const trial *tl = trialset_at(trials, j);
                const trial_result *f = eval_trial(tl, v, a);
                const trial_result *q = eval_trial_quiet(tl, v, a);
                if (f->v != q->v || f->has_window != q->has_window
                    || f->opens != q->opens || f->closes != q->closes
                    || f->eligible_since != q->eligible_since)
                    fail_msg("%s, %s at %lld: verdict, window or "
                             "eligible_since differ", record_id(r), tl->id,
                             (long long)t);
                windows += f->has_window;
                for (int i = 0; i < tl->ncrit; i++) {
                    const result *x = f->crit[i], *y = q->crit[i];
                    if (x->value != y->value || x->since != y->since
                        || x->since_early != y->since_early
                        || x->until != y->until)
                        fail_msg("%s, %s %s at %lld: quiet differs",
                                 record_id(r), tl->id, tl->crit[i].id,
                                 (long long)t);
                    sinces += x->value == TV_MET && x->since != TS_NONE;
                    compared++;
                }
            }
            arena_reset(a);
        }
        record_free(r);
        free(line);
        p += len + (nl != NULL);
    }
    /* It saw windows and since-times, not only values. */
    assert_true(compared > 10000);
    assert_true(windows > 100);
    assert_true(sinces > 1000);
    arena_free(a);
    free(text);
}

/* A few points against real `trialscreen --at` runs, not just the
** library path: at the edges of the 12-h clock. */
static void
test_points_equal_screen_at_processes(void **state)
{
    static const char *const at[] = {
        "2026-03-01T09:30:00Z", "2026-03-01T09:45:00Z", "2026-03-01T21:00:00Z",
        "2026-03-01T21:15:00Z", "2026-03-01T21:45:00Z", "2026-03-02T03:00:00Z",
    };
    (void)state;
    run_out p = run_sh("%s replay --points -t NCT05184296 "
                   "tests/data/replay/ecmo-rescue-12h.json", run_bin);
    assert_int_equal(p.status, 0);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "\"at\":\"%s\"", at[i]);
        const char *line = strstr(p.out, needle);
        assert_non_null(line);
        run_out s = run_sh("%s --json -t NCT05184296 --at %s "
                       "tests/data/replay/ecmo-rescue-12h.json", run_bin, at[i]);
        assert_int_equal(s.status, 0);
        cJSON *j = cJSON_Parse(s.out);
        const cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "trials"), 0);
        const char *v = cJSON_GetObjectItemCaseSensitive(t0, "verdict")->valuestring;
        char want[64];
        snprintf(want, sizeof want, "\"NCT05184296\":\"%s\"", v);
        const char *eol = strchr(line, '\n');
        const char *hit = strstr(line, want);
        assert_true(hit && hit < eol);
        cJSON_Delete(j);
        run_free(&s);
    }
    run_free(&p);
}

/* Skipping unchanged points gives the bytes of evaluating them all, in
** every format, with any number of threads. */
static void
test_skipping_changes_nothing(void **state)
{
    static const char *const formats[] = { "--points", "--json", "" };
    (void)state;
    for (size_t f = 0; f < 3; f++) {
        run_out all = run_sh("%s replay --every-point -j1 %s %s", run_bin, formats[f], cohort_path);
        assert_int_equal(all.status, 0);
        assert_true(all.outlen > 10000);
        for (int j = 1; j <= 3; j += 2) {
            run_out some = run_sh("%s replay -j%d %s %s", run_bin, j, formats[f], cohort_path);
            assert_int_equal(some.status, 0);
            assert_int_equal(some.outlen, all.outlen);
            assert_memory_equal(some.out, all.out, all.outlen);
            run_free(&some);
        }
        run_free(&all);
    }
}

/* The eligible intervals of one trial for one record, as "from/to;...". */
static char *
intervals(const char *tid, const char *extra, const char *path)
{
    run_out r = run_sh("%s replay --json -t %s %s %s", run_bin, tid, extra, path);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 1);
    cJSON *j = cJSON_Parse(r.out);
    assert_non_null(j);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "trials"), tid);
    const cJSON *iv;
    static char buf[1024];
    buf[0] = '\0';
    cJSON_ArrayForEach(iv, cJSON_GetObjectItemCaseSensitive(t, "eligible")) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s%s/%s", n ? ";" : "",
                 cJSON_GetObjectItemCaseSensitive(iv, "from")->valuestring,
                 cJSON_GetObjectItemCaseSensitive(iv, "to")->valuestring);
    }
    cJSON_Delete(j);
    run_free(&r);
    return buf;
}

/*
** Each trial's time logic, as intervals at 15 min (tests/data/replay/):
**   - ECMO-RESCUE's 5-h clock (refractory shock held for more than 5 h
**     from 04:30: eligible at the first point after 09:30) and its 12-h
**     clock (held for more than 12 h with the myocardial criterion from
**     09:30: excluded after 21:30, undecided from 21:15 since the
**     lactate run may have begun earlier);
**   - a look-back expiring: the example patient's latest lactate (09:00)
**     leaves its 6-h look-back after 15:00 when the stay is replayed on
**     with no new data;
**   - I-MICRO's 6-24 h after norepinephrine start (10:00), both ends
**     included;
**   - the hemoperfusion trial's ECMO for less than 24 h (from 10:00).
*/
static void
test_expected_intervals(void **state)
{
    (void)state;
    assert_string_equal(intervals("NCT05184296", "", "tests/data/replay/ecmo-rescue-12h.json"),
                        "2026-03-01T09:45:00Z/2026-03-01T21:15:00Z");
    assert_string_equal(intervals("NCT05184296", "--to 2026-03-02T06:00:00Z",
                                  "examples/ecmo-rescue-eligible.json"),
                        "2026-03-01T09:45:00Z/2026-03-01T15:15:00Z");
    assert_string_equal(intervals("NCT03788837", "", "tests/data/replay/imicro-window.json"),
                        "2026-03-01T16:00:00Z/2026-03-02T10:15:00Z");
    assert_string_equal(intervals("NCT03729765", "", "tests/data/replay/ecmo-24h.json"),
                        "2026-03-01T10:00:00Z/2026-03-02T10:00:00Z");
    /* The same patient turning 18 on 2 March: eligible from midnight. */
    assert_string_equal(intervals("NCT03729765", "", "tests/data/replay/ecmo-turns-18.json"),
                        "2026-03-02T00:00:00Z/2026-03-02T10:00:00Z");
    /* CLASSIC: 100 mL/h of crystalloid from 02:00 reaches 1 L at 12:00,
    ** between any two data times -- a total grows continuously, so its
    ** trial is evaluated at every point; the 12-h shock clock (from
    ** 01:00) excludes after 13:00. */
    assert_string_equal(intervals("NCT03668236", "", "tests/data/replay/classic-fluids.json"),
                        "2026-03-01T12:00:00Z/2026-03-01T13:15:00Z");
    /* At 1 h the grid is coarser; the last point is the screening time. */
    assert_string_equal(intervals("NCT03729765", "--step 1h --from 2026-03-01T08:30:00Z "
                                  "--to 2026-03-02T09:30:00Z",
                                  "tests/data/replay/ecmo-24h.json"),
                        "2026-03-01T10:00:00Z/2026-03-02T09:30:00Z");
}

static void
test_grid(void **state)
{
    (void)state;
    /* 90 s from 09:59 to the screening time 10:05:30: 10:00:00, 10:01:30,
    ** ... 10:04:30 (4 points after 10:00) and 10:05:30 itself. */
    run_out r = run_sh("%s replay --points --step 90s --from 2026-03-01T09:59:00Z "
                   "--to 2026-03-01T10:05:30Z -t NCT03729765 "
                   "tests/data/replay/ecmo-24h.json", run_bin);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 5);
    assert_non_null(strstr(r.out, "\"at\":\"2026-03-01T10:00:00Z\""));
    assert_non_null(strstr(r.out, "\"at\":\"2026-03-01T10:04:30Z\""));
    assert_non_null(strstr(r.out, "\"at\":\"2026-03-01T10:05:30Z\""));
    run_free(&r);
    /* From the first timestamp (06:00) at 2d: multiples of 2 days from
    ** 1970-01-01, so 2 March 00:00, then the screening time. */
    r = run_sh("%s replay --points --step 2d tests/data/replay/ecmo-24h.json", run_bin);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 2);
    assert_non_null(strstr(r.out, "\"at\":\"2026-03-02T00:00:00Z\""));
    assert_non_null(strstr(r.out, "\"at\":\"2026-03-02T14:00:00Z\""));
    run_free(&r);
}

static void
test_text_timeline(void **state)
{
    (void)state;
    run_out r = run_sh("%s replay -t NCT03729765 tests/data/replay/ecmo-24h.json", run_bin);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "one character per 15 min"));
    assert_non_null(strstr(r.out, "NCT03729765 Hemoperfusion on ECMO: eligible 1 d"));
    /* 06:00 to 10:00 ineligible (16 points), then eligible to 12:00. */
    assert_non_null(strstr(r.out, "    2026-03-01 00:00                         "
                           "\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7"
                           "\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u2588"));
    /* A full row of one character is not drawn twice: 12:00 to 24:00 is. */
    assert_non_null(strstr(r.out, "    2026-03-01 12:00 \u2588\u2588"));
    run_free(&r);
    r = run_sh("%s replay --step 1h --to 2026-03-09T14:00:00Z -t NCT03729765 "
           "tests/data/replay/ecmo-24h.json", run_bin);
    assert_int_equal(r.status, 0);
    /* At 1 h a row is 48 h, from a multiple of 2 days since 1970. */
    assert_non_null(strstr(r.out, "    2026-03-04 00:00 to 2026-03-07 23:00: all \u00b7\n"));
    run_free(&r);
}

static void
test_summary(void **state)
{
    (void)state;
    run_out r = run_sh("%s replay --summary --json tests/data/replay/", run_bin);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), 1);
    cJSON *j = cJSON_Parse(r.out);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "summary");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "patients")->valueint, 5);
    const cJSON *t;
    int seen = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(s, "trials")) {
        const char *id = cJSON_GetObjectItemCaseSensitive(t, "trial")->valuestring;
        if (strcmp(id, "NCT03729765") != 0)
            continue;
        seen = 1;
        /* Two patients: eligible 24 h from Sunday 10:00 (UTC), 4 h after
        ** the first data, and 10 h from Monday 00:00, 18 h after it.  The
        ** quartiles interpolate between the two. */
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "ever_eligible")->valueint, 2);
        const cJSON *et = cJSON_GetObjectItemCaseSensitive(t, "eligible_time");
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(et, "median_seconds")->valueint, 61200);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(et, "q1_seconds")->valueint, 48600);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(et, "q3_seconds")->valueint, 73800);
        const cJSON *tf = cJSON_GetObjectItemCaseSensitive(t, "first_data_to_eligible");
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(tf, "median_seconds")->valueint, 39600);
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(t, "first_eligible_hour");
        assert_int_equal(cJSON_GetArrayItem(h, 10)->valueint, 1);
        assert_int_equal(cJSON_GetArrayItem(h, 0)->valueint, 1);
        const cJSON *wd = cJSON_GetObjectItemCaseSensitive(t, "first_eligible_weekday");
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(wd, "sun")->valueint, 1);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(wd, "mon")->valueint, 1);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "intervals")->valueint, 2);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "short_intervals")->valueint, 0);
    }
    assert_true(seen);
    cJSON_Delete(j);
    run_free(&r);
    /* A --min-window longer than the interval counts it as missed. */
    r = run_sh("%s replay --summary --min-window 2d -t NCT03729765 "
           "tests/data/replay/ecmo-24h.json", run_bin);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ever eligible                 1 of 1 (100.0%)"));
    assert_non_null(strstr(r.out, "intervals                     1, of which 1 shorter than 2 d"));
    run_free(&r);
}

static void
test_unreadable_records_go_on(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/mixed.ndjson", run_tmpdir);
    run_out r = run_sh("{ head -2 %s; echo '{bad'; sed -n 3p %s; } > %s", cohort_path, cohort_path, path);
    run_free(&r);
    r = run_sh("%s replay --json %s", run_bin, path);
    assert_int_equal(r.status, 3);
    assert_int_equal(run_count_lines(r.out), 4);
    assert_non_null(strstr(r.err, "mixed.ndjson:3:"));
    run_free(&r);
    /* No time at all: the reader's advice names replay's option. */
    r = run_sh("echo '{\"format\":\"patient-record/1\",\"id\":\"x\"}' | %s replay", run_bin);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "no screening time; use --to"));
    run_free(&r);
    /* A grid too long to hold is an error for that record only. */
    r = run_sh("%s replay --json --step 90s --from 1900-01-01T00:00:00Z "
           "tests/data/replay/ecmo-24h.json examples/ecmo-rescue-eligible.json", run_bin);
    assert_int_equal(r.status, 3);
    assert_int_equal(run_count_lines(r.out), 2);
    assert_non_null(strstr(r.err, "use --from or a longer --step"));
    run_free(&r);
}

static void
test_usage_errors(void **state)
{
    static const char *const bad[] = {
        "replay --step 0s examples/", "replay --step 1mo examples/",
        "replay --step fast examples/", "replay --at 2026-03-01T00:00:00Z examples/",
        "replay --points --summary examples/", "replay --format csv examples/",
        "--step 1h examples/",
        ("replay --from 2026-03-02T00:00:00Z "
         "--to 2026-03-01T00:00:00Z examples/"),
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_out r = run_sh("%s %s", run_bin, bad[i]);
        if (r.status != 2)
            fail_msg("'%s' exited %d", bad[i], r.status);
        assert_non_null(strstr(r.err, "trialscreen: "));
        run_free(&r);
    }
}

static int
group_setup(void **state)
{
    (void)state;
    if (run_setup("replay") != 0 || access("bench/gencohort", X_OK) != 0)
        return -1;
    snprintf(cohort_path, sizeof cohort_path, "%s/cohort_path.ndjson", run_tmpdir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "bench/gencohort -n %d -s 11 -d 4 > %s", COHORT_N, cohort_path);
    if (system(cmd) != 0)
        return -1;
    ts_error err;
    voc = vocab_new();
    trials = trialset_new(voc);
    return trialset_load(trials, "criteria", &err) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    trialset_free(trials);
    vocab_free(voc);
    return run_teardown();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points_equal_screen_at_cohort),
        cmocka_unit_test(test_points_equal_screen_at_special),
        cmocka_unit_test(test_points_equal_screen_at_processes),
        cmocka_unit_test(test_view_equals_parse_at),
        cmocka_unit_test(test_quiet_equals_full),
        cmocka_unit_test(test_skipping_changes_nothing),
        cmocka_unit_test(test_expected_intervals),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_text_timeline),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_unreadable_records_go_on),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
