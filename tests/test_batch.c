/*
** test_batch.c -- batches: threads, order, summary, shards, output file.
**
** Runs ./trialscreen through sh, like test_cli.c, on a synthetic cohort
** made by bench/gencohort (deterministic by seed) and on small records
** written here.  Nothing is timed: output order, memory and speed are
** properties checked by comparing outputs (order) or by "make bench"
** (speed, memory); here only what a run prints and leaves behind counts.
** The pool itself (batch.c) is also driven directly, with workers that
** take uneven times, so that records finish out of order and the writer
** sleeps on later slots (its wake-ups are batched).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "run.h"

#define TINY "-c tests/data/cli/criteria/tiny.yaml"
#define COHORT_N 240

static char cohort[128];        /* run_tmpdir/cohort.ndjson */
static int
group_setup(void **state)
{
    (void)state;
    if (run_setup("batch") != 0 || access("bench/gencohort", X_OK) != 0)
        return -1;
    /* The merge tests run in run_tmpdir: a relative program name would not
    ** be found there. */
    run_bin_absolute();
    snprintf(cohort, sizeof cohort, "%s/cohort.ndjson", run_tmpdir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "bench/gencohort -n %d -s 7 > %s", COHORT_N, cohort);
    return system(cmd) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return run_teardown();
}

/* ------------------------------------------------------------- threads */

/* The same bytes for any number of jobs, in every format and from every
** kind of input. */
static void
test_output_independent_of_jobs(void **state)
{
    static const char *const formats[] = { "--json", "--format csv", "--format text" };
    (void)state;
    for (size_t f = 0; f < 3; f++) {
        run_out one = run_sh("%s -j1 %s %s", run_bin, formats[f], cohort);
        assert_int_equal(one.status, 0);
        assert_true(one.outlen > 100000);
        for (int j = 2; j <= 8; j *= 2) {
            run_out many = run_sh("%s -j%d %s %s", run_bin, j, formats[f], cohort);
            assert_int_equal(many.status, 0);
            assert_int_equal(many.outlen, one.outlen);
            assert_memory_equal(many.out, one.out, one.outlen);
            run_free(&many);
        }
        run_free(&one);
    }
    /* Standard input and a directory. */
    run_out a = run_sh("%s -j1 --json - < %s", run_bin, cohort);
    run_out b = run_sh("cat %s | %s -j3 --json", cohort, run_bin);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_int_equal(run_count_lines(a.out), COHORT_N);
    assert_string_equal(a.out, b.out);
    run_free(&a);
    run_free(&b);
    a = run_sh("%s -j1 --json examples tests/data/cli/records", run_bin);
    b = run_sh("%s -j5 --json examples tests/data/cli/records", run_bin);
    assert_int_equal(a.status, 3);      /* bad.json is in there */
    assert_int_equal(b.status, 3);
    assert_string_equal(a.out, b.out);
    assert_string_equal(a.err, b.err);
    run_free(&a);
    run_free(&b);
}

/* Bad lines keep their place among good ones, whatever finishes first. */
static void
test_errors_keep_their_place(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/mixed.ndjson", run_tmpdir);
    run_out r = run_sh("awk 'NR %% 7 == 3 { print \"{bad\" ; next } { print }' %s > %s",
                   cohort, path);
    assert_int_equal(r.status, 0);
    run_free(&r);
    for (int j = 1; j <= 4; j += 3) {
        r = run_sh("%s -j%d --json %s", run_bin, j, path);
        assert_int_equal(r.status, 3);
        assert_int_equal(run_count_lines(r.out), COHORT_N);
        /* Line k of the output is about line k of the input. */
        const char *p = r.out;
        for (int k = 1; k <= COHORT_N; k++) {
            char want[32];
            snprintf(want, sizeof want, "\"line\":%d,", k);
            const char *nl = strchr(p, '\n');
            assert_non_null(nl);
            char *line = strndup(p, (size_t)(nl - p));
            if (!strstr(line, want))
                fail_msg("output line %d lacks %s", k, want);
            assert_int_equal(strncmp(line, "{\"source\"", 9) == 0, k % 7 == 3);
            free(line);
            p = nl + 1;
        }
        /* One diagnostic per bad line, in input order. */
        assert_int_equal(run_count_lines(r.err), COHORT_N / 7 + (COHORT_N % 7 >= 3));
        assert_non_null(strstr(r.err, "mixed.ndjson:3:"));
        assert_true(strstr(r.err, "mixed.ndjson:3:") < strstr(r.err, "mixed.ndjson:10:"));
        run_free(&r);
    }
}

/* A line longer than any read buffer, and the --max-record cap. */
static void
test_long_records(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/long.ndjson", run_tmpdir);
    /* One record with 30,000 observations: about 2 MB on one line. */
    run_out r = run_sh("awk 'BEGIN { printf \"{\\\"id\\\":\\\"LONG\\\",\\\"as_of\\\":\\\"2026-03-01T12:00:00Z\\\",\\\"observations\\\":[\";"
                   " for (i = 0; i < 30000; i++) printf \"%%s{\\\"code\\\":\\\"map\\\",\\\"value\\\":%%d,\\\"unit\\\":\\\"mm[Hg]\\\",\\\"time\\\":\\\"2026-02-28T%%02d:%%02d:00Z\\\"}\","
                   " i ? \",\" : \"\", 60 + i %% 20, (i / 60) %% 24, i %% 60; print \"]}\" }' > %s", path);
    assert_int_equal(r.status, 0);
    run_free(&r);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > (1 << 21));

    r = run_sh("%s -j2 --json %s", run_bin, path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"patient\":\"LONG\""));
    run_free(&r);
    /* The cap: one byte short of the line, then exactly the line (the
    ** file ends with a newline, which is not part of the record). */
    long long len = (long long)st.st_size - 1;
    r = run_sh("%s --json --max-record %lld %s", run_bin, len - 1, path);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "longer than"));
    run_free(&r);
    r = run_sh("%s --json --max-record %lld %s", run_bin, len, path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"patient\":\"LONG\""));
    run_free(&r);
    r = run_sh("%s --json --max-record 1M %s", run_bin, path);
    assert_int_equal(r.status, 3);
    run_free(&r);
    r = run_sh("%s --json --max-record 3M %s - < %s", run_bin, path, cohort);
    assert_int_equal(r.status, 0);
    assert_int_equal(run_count_lines(r.out), COHORT_N + 1);
    run_free(&r);
    static const char *const bad[] = { "0", "-1", "3G", "12X", "", "1.5M" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run_sh("%s --max-record '%s' %s", run_bin, bad[i], path);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "--max-record"));
        run_free(&r);
    }
}

/* ------------------------------------------------------------- summary */

static const char summary_records[] =
    /* eligible */
    "{\"id\":\"A\",\"as_of\":\"2026-03-01T12:00:00Z\",\"birth_date\":\"1970-01-01\","
    "\"complete\":[\"conditions\"],\"facts\":{\"informed_consent\":true}}\n"
    /* too young: inc-age alone */
    "{\"id\":\"B\",\"as_of\":\"2026-03-01T12:00:00Z\",\"birth_date\":\"2010-01-01\","
    "\"complete\":[\"conditions\"],\"facts\":{\"informed_consent\":true}}\n"
    /* consent unknown: inc-consent alone */
    "{\"id\":\"C\",\"as_of\":\"2026-03-01T12:00:00Z\",\"birth_date\":\"1970-01-01\","
    "\"complete\":[\"conditions\"]}\n"
    /* too young and consent unknown: two blockers */
    "{\"id\":\"D\",\"as_of\":\"2026-03-01T12:00:00Z\",\"birth_date\":\"2012-01-01\","
    "\"complete\":[\"conditions\"]}\n"
    /* pregnant: exc-pregnancy alone */
    "{\"id\":\"E\",\"as_of\":\"2026-03-01T12:00:00Z\",\"birth_date\":\"1990-01-01\","
    "\"conditions\":[{\"code\":\"pregnancy\"}],\"facts\":{\"informed_consent\":true}}\n"
    "{not json\n";

static const cJSON *
find_id(const cJSON *arr, const char *key, const char *id)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return x;
    }
    return NULL;
}

static int
num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

static void
check_crit(const cJSON *crits, const char *id, int excluded, int unknown,
           int if_dropped)
{
    const cJSON *c = find_id(crits, "id", id);
    if (!c)
        fail_msg("no criterion %s in the summary", id);
    assert_int_equal(num(c, "excluded"), excluded);
    assert_int_equal(num(c, "unknown"), unknown);
    assert_int_equal(num(c, "eligible_if_dropped"), if_dropped);
}

static void
test_summary_json(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/summary.ndjson", run_tmpdir);
    run_spit(path, summary_records);
    for (int j = 1; j <= 3; j += 2) {
        run_out r = run_sh("%s %s -j%d --json --summary %s", run_bin, TINY, j, path);
        assert_int_equal(r.status, 3);
        assert_int_equal(run_count_lines(r.out), 7);    /* 5 + 1 error + summary */
        const char *last = r.out + strlen(r.out) - 1;
        while (last > r.out && last[-1] != '\n')
            last--;
        cJSON *doc = cJSON_Parse(last);
        assert_non_null(doc);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "summary");
        assert_non_null(s);
        assert_int_equal(num(s, "records"), 6);
        assert_int_equal(num(s, "screened"), 5);
        assert_int_equal(num(s, "unreadable"), 1);
        const cJSON *t = find_id(cJSON_GetObjectItemCaseSensitive(s, "trials"),
                                 "trial", "TEST-0001");
        assert_non_null(t);
        assert_int_equal(num(t, "screened"), 5);
        assert_int_equal(num(t, "eligible"), 1);
        assert_int_equal(num(t, "ineligible"), 3);
        assert_int_equal(num(t, "incomplete"), 1);
        const cJSON *crits = cJSON_GetObjectItemCaseSensitive(t, "criteria");
        assert_int_equal(cJSON_GetArraySize(crits), 3);
        check_crit(crits, "inc-age", 2, 0, 1);
        check_crit(crits, "inc-consent", 0, 2, 1);
        check_crit(crits, "exc-pregnancy", 1, 0, 1);
        const cJSON *miss = cJSON_GetObjectItemCaseSensitive(
            find_id(crits, "id", "inc-consent"), "missing");
        const cJSON *m = find_id(miss, "item", "informed_consent");
        assert_non_null(m);
        assert_int_equal(num(m, "records"), 2);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
            find_id(crits, "id", "inc-age"), "missing")), 0);
        cJSON_Delete(doc);
        run_free(&r);
    }
}

static void
test_summary_text_and_csv(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/summary.ndjson", run_tmpdir);
    run_spit(path, summary_records);
    run_out r = run_sh("%s %s --summary %s", run_bin, TINY, path);
    assert_int_equal(r.status, 3);
    const char *s = strstr(r.out, "Summary: 5 records screened, 1 could not be read");
    assert_non_null(s);
    assert_non_null(strstr(s, "screened 5: eligible 1, ineligible 3, incomplete 1"));
    assert_non_null(strstr(s, "informed_consent (2)"));
    run_free(&r);
    /* CSV stays a table: the summary goes to stderr. */
    r = run_sh("%s %s --format csv --summary %s", run_bin, TINY, path);
    assert_int_equal(r.status, 3);
    assert_null(strstr(r.out, "Summary"));
    assert_int_equal(run_count_lines(r.out), 1 + 5 + 1);  /* + the error row */
    assert_non_null(strstr(r.err, "Summary: 5 records screened"));
    run_free(&r);
    /* The bundled trials on the cohort: the same summary for any -j. */
    run_out a = run_sh("%s -j1 --summary --json %s | tail -1", run_bin, cohort);
    run_out b = run_sh("%s -j4 --summary --json %s | tail -1", run_bin, cohort);
    assert_string_equal(a.out, b.out);
    assert_non_null(strstr(a.out, "{\"summary\":{\"records\":240,"));
    run_free(&a);
    run_free(&b);
}

/* --------------------------------------------------------------- shards */

/* Shard k of n holds records k, k+n, ...: dealing the shards' lines out
** in turn gives back the whole output. */
static void
test_shards_reassemble(void **state)
{
    (void)state;
    run_out whole = run_sh("%s --json %s", run_bin, cohort);
    assert_int_equal(whole.status, 0);
    for (int n = 1; n <= 4; n += 3) {
        char *parts[4];
        const char *pos[4];
        int total = 0;
        for (int k = 1; k <= n; k++) {
            run_out r = run_sh("%s --json --shard %d/%d %s", run_bin, k, n, cohort);
            assert_int_equal(r.status, 0);
            total += run_count_lines(r.out);
            parts[k - 1] = r.out;
            pos[k - 1] = r.out;
            free(r.err);
        }
        assert_int_equal(total, COHORT_N);
        char *merged = calloc(1, whole.outlen + 1);
        size_t len = 0;
        for (int i = 0; i < COHORT_N; i++) {
            const char *p = pos[i % n];
            const char *nl = strchr(p, '\n');
            assert_non_null(nl);
            memcpy(merged + len, p, (size_t)(nl - p + 1));
            len += (size_t)(nl - p + 1);
            pos[i % n] = nl + 1;
        }
        assert_string_equal(merged, whole.out);
        free(merged);
        for (int k = 0; k < n; k++)
            free(parts[k]);
    }
    run_free(&whole);
    static const char *const bad[] = { "0/3", "4/3", "1/0", "3", "a/b", "1/3x", "-1/3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_out r = run_sh("%s --shard '%s' %s", run_bin, bad[i], cohort);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "--shard"));
        run_free(&r);
    }
}

/* ---------------------------------------------------------- output file */

static int
leftovers(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
             strcmp(de->d_name, prefix) != 0;
    closedir(d);
    return n;
}

static void
test_output_file(void **state)
{
    char path[128];
    (void)state;
    snprintf(path, sizeof path, "%s/report.ndjson", run_tmpdir);
    mode_t mask = umask(0);
    umask(mask);
    run_out direct = run_sh("%s --json %s", run_bin, cohort);
    run_out r = run_sh("%s -j2 --json -o %s %s", run_bin, path, cohort);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    size_t n;
    char *got = run_slurp(path, &n);
    assert_int_equal(n, direct.outlen);
    assert_memory_equal(got, direct.out, n);
    free(got);
    assert_int_equal(leftovers(run_tmpdir, "report.ndjson"), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    run_free(&r);
    run_free(&direct);

    /* A directory that does not exist: status 3, nothing created. */
    r = run_sh("%s --json --output %s/no/such/dir/x.ndjson %s", run_bin, run_tmpdir, cohort);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "cannot create"));
    run_free(&r);
    r = run_sh("%s -q -o %s %s", run_bin, path, cohort);
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* Killed mid-run: the old report stays whole, no temporary file is left. */
static void
test_output_file_interrupted(void **state)
{
    char path[128];
    int fds[2];
    (void)state;
    snprintf(path, sizeof path, "%s/keep.ndjson", run_tmpdir);
    run_spit(path, "old report\n");
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (!freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(run_bin, run_bin, "-j2", "--json", "--output", path, "-", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    /* Feed records and keep the pipe open: the run cannot finish. */
    char *records = run_slurp(cohort, NULL);
    const char *nl = strchr(records, '\n');
    nl = strchr(nl + 1, '\n');
    assert_int_equal(write(fds[1], records, (size_t)(nl - records + 1)),
                     nl - records + 1);
    free(records);
    /* Wait (without a fixed delay) for the temporary file to appear. */
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (int i = 0; i < 1000 && leftovers(run_tmpdir, "keep.ndjson") == 0; i++)
        nanosleep(&tick, NULL);
    assert_int_equal(leftovers(run_tmpdir, "keep.ndjson"), 1);
    kill(pid, SIGTERM);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(fds[1]);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGTERM);
    char *now = run_slurp(path, NULL);
    assert_string_equal(now, "old report\n");
    free(now);
    assert_int_equal(leftovers(run_tmpdir, "keep.ndjson"), 0);
}

/* ---------------------------------------------------------- write errors */

static void
test_closed_pipe_is_quiet(void **state)
{
    (void)state;
    for (int j = 1; j <= 2; j++) {
        run_out r = run_sh("{ %s -j%d --json %s %s; echo $? > %s/status; } | head -1",
                       run_bin, j, cohort, cohort, run_tmpdir);
        assert_int_equal(run_count_lines(r.out), 1);
        assert_string_equal(r.err, "");
        char path[128];
        snprintf(path, sizeof path, "%s/status", run_tmpdir);
        char *status = run_slurp(path, NULL);
        assert_string_equal(status, "0\n");
        free(status);
        run_free(&r);
    }
}

/* A write that fails (the file size limit here, as a full disk would)
** on --output: an error, and neither the file nor its temporary copy is
** left behind (main's binary left FILE.XXXXXX).  XFSZ is ignored, so
** the write fails with EFBIG instead of killing the process. */
static void
test_output_file_write_error(void **state)
{
    (void)state;
    for (int j = 1; j <= 2; j++) {
        run_out r = run_sh("d=%s/wfail; rm -rf $d; mkdir $d || exit 99; "
                           "trap '' XFSZ; ulimit -f 64; %s -j%d --json -o $d/out.ndjson %s; "
                           "echo status $?; ls $d", run_tmpdir, run_bin, j, cohort);
        if (strcmp(r.out, "status 3\n") != 0)
            fail_msg("-j%d: '%s' (stderr '%s')", j, r.out, r.err);
        assert_non_null(strstr(r.err, "/wfail/out.ndjson': File too large"));
        run_free(&r);
    }
}

static void
test_full_disk_is_an_error(void **state)
{
    (void)state;
    for (int j = 1; j <= 2; j++) {
        run_out r = run_sh("%s -j%d --json --summary %s > /dev/full", run_bin, j, cohort);
        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.err, "No space left on device"));
        assert_int_equal(run_count_lines(r.err), 1);
        run_free(&r);
    }
}

/* ---------------------------------------------------------------- merge */

/* The cohort with a bad line in the middle: merge must keep its error
** line in place, and count it (status 3, like one process). */
static void
make_bad_cohort(char *path, size_t size)
{
    snprintf(path, size, "%s/bad-cohort.ndjson", run_tmpdir);
    run_out r = run_sh("sed '%ds/.*/{\"id\": oops/' %s > %s", COHORT_N / 2, cohort,
                   path);
    assert_int_equal(r.status, 0);
    run_free(&r);
}

/* merge --shards N of --shard K/N outputs is one process, byte for byte,
** summary included, for N = 1..5; shard files listed in any order. */
static void
test_merge_shards_is_one_process(void **state)
{
    char in[160];
    (void)state;
    make_bad_cohort(in, sizeof in);
    run_out whole = run_sh("%s --json --summary %s", run_bin, in);
    assert_int_equal(whole.status, 3);
    assert_non_null(strstr(whole.out, "{\"summary\":"));
    for (int n = 1; n <= 5; n++) {
        run_out r = run_sh("cd %s && rm -f out.*.ndjson merged.ndjson && "
                       "for k in $(seq 1 %d); do %s --json --summary --shard $k/%d "
                       "-o out.$k.ndjson %s 2>/dev/null; rc=$?; "
                       "[ $rc -eq 0 ] || [ $rc -eq 3 ] || exit 99; done; "
                       "%s merge --shards %d -o merged.ndjson $(ls out.*.ndjson | sort -r) "
                       "&& exit 98; cat merged.ndjson",
                       run_tmpdir, n, run_bin, n, in, run_bin, n);
        assert_int_equal(r.status, 0);      /* cat's: merge exited 3 */
        assert_non_null(strstr(r.err, "1 record could not be read"));
        assert_int_equal(r.outlen, whole.outlen);
        assert_memory_equal(r.out, whole.out, whole.outlen);
        run_free(&r);
    }
    run_free(&whole);

    /* FHIR: the resources skipped are counted once in the merged summary
    ** (a shard counts its patients' skips; shard 1 those of no patient),
    ** so it is still one process's, "fhir_skipped" included. */
    whole = run_sh("%s --json --summary $(pwd)/tests/data/fhir/bulk", run_bin);
    assert_int_equal(whole.status, 0);
    assert_non_null(strstr(whole.out, "\"fhir_skipped\":{\"type\":2,"));
    for (int n = 2; n <= 4; n++) {
        run_out r = run_sh("d=$(pwd)/tests/data/fhir/bulk; cd %s && rm -f out.*.ndjson && "
                           "for k in $(seq 1 %d); do %s --json --summary --shard $k/%d "
                           "-o out.$k.ndjson $d 2>/dev/null || exit 99; done; "
                           "%s merge --shards %d out.*.ndjson",
                           run_tmpdir, n, run_bin, n, run_bin, n);
        assert_int_equal(r.status, 0);
        assert_int_equal(r.outlen, whole.outlen);
        assert_memory_equal(r.out, whole.out, whole.outlen);
        run_free(&r);
    }
    run_free(&whole);

    /* Without --summary, and with more shards than ten (natural order:
    ** out.2 before out.10, whatever the shell's glob says). */
    whole = run_sh("%s --json %s", run_bin, cohort);
    run_out r = run_sh("cd %s && rm -f out.*.ndjson && for k in $(seq 1 12); do "
                   "%s --json --shard $k/12 -o out.$k.ndjson %s || exit 99; done; "
                   "%s merge --shards 12 out.*.ndjson", run_tmpdir, run_bin, cohort, run_bin);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(r.outlen, whole.outlen);
    assert_memory_equal(r.out, whole.out, whole.outlen);
    run_free(&r);
    run_free(&whole);
}

/* merge --blocks: consecutive blocks (GNU parallel --pipe, Hadoop, Spark)
** one after the other, a summary per block combined, from files or from
** standard input.  Only "line" differs from one process: it counts lines
** within each block. */
static void
test_merge_blocks(void **state)
{
    char in[160];
    (void)state;
    make_bad_cohort(in, sizeof in);
    run_out whole = run_sh("%s --json --summary - < %s 2>/dev/null | "
                       "sed 's/\"line\":[0-9]*,//'", run_bin, in);
    const char *how[] = {
        "%s merge --blocks $d/blk-*.out",
        "cat $d/blk-*.out | %s merge --blocks -",
    };
    for (int i = 0; i < 2; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, how[i], run_bin);
        run_out r = run_sh("d=%s; rm -f $d/blk-*; split -n l/3 %s $d/blk-; "
                       "for b in $d/blk-a?; do %s --json --summary - < $b > $b.out "
                       "2>/dev/null; done; %s | sed 's/\"line\":[0-9]*,//'",
                       run_tmpdir, in, run_bin, cmd);
        assert_non_null(strstr(r.err, "1 record could not be read"));
        assert_string_equal(r.out, whole.out);
        run_free(&r);
    }
    run_free(&whole);
}

/* What cannot be merged is refused with a message, status 2, and -o FILE
** is not created. */
static void
test_merge_refuses(void **state)
{
    (void)state;
    run_out r = run_sh("cd %s && rm -rf m && mkdir m && for k in 1 2 3 4; do "
                   "%s --json --summary --shard $k/4 -o m/out.$k.ndjson %s || exit 99; "
                   "done; %s --json --summary --shard 4/5 -o m/five.4.ndjson %s && "
                   "%s --json --shard 4/4 -o m/nosum.4.ndjson %s && "
                   "%s --json --summary -t NCT05184296 --shard 4/4 "
                   "-o m/onetrial.4.ndjson %s",
                   run_tmpdir, run_bin, cohort, run_bin, cohort, run_bin, cohort, run_bin, cohort);
    if (r.status != 0)
        fail_msg("setting up the shards: status %d: %s", r.status, r.err);
    run_free(&r);
    static const struct {
        const char *setup;      /* shell, run in run_tmpdir/m before merging */
        const char *args;
        const char *msg;
    } cases[] = {
        { "", "--shards 4 out.1.ndjson out.2.ndjson out.4.ndjson",
          "--shards 4 but 3 files given: a shard is missing" },
        { "", "out.*.ndjson", "say how the outputs were split" },
        { "", "--shards 0 out.*.ndjson", "is not a number of shards" },
        { "", "--shards 1 - < out.1.ndjson", "shards are read twice" },
        { "", "--blocks out.1.ndjson - < out.2.ndjson", "must be the only FILE" },
        { "", "--shards 4 out.1.ndjson out.2.ndjson out.3.ndjson nope.ndjson",
          "cannot open 'nope.ndjson'" },
        { "cp five.4.ndjson x.4.ndjson", "--shards 4 out.[123].ndjson x.4.ndjson",
          "cannot come from one --shard K/4 split" },
        { "cp nosum.4.ndjson x.4.ndjson", "--shards 4 out.[123].ndjson x.4.ndjson",
          "'x.4.ndjson' has no summary but 'out.1.ndjson' has" },
        { "cp onetrial.4.ndjson x.4.ndjson", "--shards 4 out.[123].ndjson x.4.ndjson",
          "x.4.ndjson:61: the summary is for other trials" },
        { "cp out.2.ndjson x.1.ndjson; cp out.1.ndjson x.2.ndjson; "
          "cp out.3.ndjson x.3.ndjson; cp out.4.ndjson x.4.ndjson",
          "--shards 4 x.*.ndjson", "x.2.ndjson:1: line 1 of " },
        { "head -5 out.4.ndjson > x.4.ndjson; echo 'screened 3 records' >> x.4.ndjson",
          "--blocks out.[123].ndjson x.4.ndjson",
          "x.4.ndjson:6: not a line of trialscreen --json output" },
        { "cat out.1.ndjson out.2.ndjson > x.1.ndjson; cp out.3.ndjson x.2.ndjson; "
          "cp out.4.ndjson x.3.ndjson", "--shards 3 x.*.ndjson",
          "x.1.ndjson:62: a line after the summary" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = run_sh("cd %s/m && rm -f x.* merged.ndjson && { %s; } && "
               "%s merge -o merged.ndjson %s; rc=$?; "
               "[ -e merged.ndjson ] && echo 'merged.ndjson created'; exit $rc",
               run_tmpdir, cases[i].setup[0] ? cases[i].setup : "true", run_bin,
               cases[i].args);
        if (r.status != 2 || !strstr(r.err, cases[i].msg) || r.out[0])
            fail_msg("merge %s: status %d, stdout '%s', stderr '%s'",
                     cases[i].args, r.status, r.out, r.err);
        run_free(&r);
    }
}

/* A full disk while the reader is blocked on a stalled pipe (a writer that
** keeps it open and sends nothing more): the run must still end at once,
** with the reader woken rather than waited for (issue 9, item 1: it used
** to be cancelled, which leaked the input).  Three records fit in the
** pipe and the ring, so the reader is in read(2), not waiting for room,
** when the first write fails: with -j2 the writer writes what it holds
** when it has to wait (screen.c, "Held output"), so that write happens
** before the end of the input. */
static void
test_full_disk_with_a_stalled_input(void **state)
{
    (void)state;
    /* The FIFO named (opened here, non-blocking) and as standard input
    ** (not ours: polled before every read).  The shell holds it open
    ** (fd 3) before trialscreen starts: a FIFO without a writer reads as
    ** an empty input, and on a loaded machine the writer below could
    ** open it after trialscreen did (the run then ended with status 0). */
    const char *how[] = { "$f", "- < $f" };
    for (int i = 0; i < 2; i++) {
        run_out r = run_sh("f=%s/stalled.ndjson; rm -f $f; mkfifo $f || exit 99; "
                       "exec 3<> $f; "
                       "( head -3 %s; exec sleep 30 ) > $f & w=$!; "
                       "timeout 20 %s -j2 --json %s > /dev/full; rc=$?; "
                       "kill $w; wait $w 2>/dev/null; exit $rc",
                       run_tmpdir, cohort, run_bin, how[i]);
        assert_int_equal(r.status, 3);  /* 124: timed out, reader not woken */
        assert_non_null(strstr(r.err, "No space left on device"));
        assert_int_equal(run_count_lines(r.err), 1);
        run_free(&r);
    }
}

/* Held output (screen.c, "Held output"): a stalled input must not keep
** finished records back.  Three records go into a FIFO whose writer then
** sleeps; their three report lines must reach the output file while the
** input is still open (if they were held, the loop gives up after 20 s
** and the count is short: a failure, not a hang).  With -j2 the writer
** writes out when it has to wait; with -j1 nothing is held from a pipe. */
static void
test_stalled_input_does_not_hold_output(void **state)
{
    (void)state;
    const char *how[] = { "$f", "- < $f" };
    for (int jobs = 1; jobs <= 2; jobs++) {
        for (int i = 0; i < 2; i++) {
            run_out r = run_sh("f=%s/held.ndjson; o=%s/held.out; rm -f $f; "
                               "mkfifo $f || exit 99; : > $o; exec 3<> $f; "
                               "( head -3 %s; exec sleep 60 ) > $f & w=$!; "
                               "%s -j%d --json %s > $o 2> /dev/null 3>&- & t=$!; "
                               "i=0; while [ $(wc -l < $o) -lt 3 ] && [ $i -lt 400 ]; "
                               "do sleep 0.05; i=$((i+1)); done; "
                               "n=$(wc -l < $o); kill $w; exec 3>&-; wait $t; "
                               "echo $n lines, status $?",
                               run_tmpdir, run_tmpdir, cohort, run_bin, jobs, how[i]);
            if (strcmp(r.out, "3 lines, status 0\n") != 0)
                fail_msg("-j%d %s: '%s' (stderr '%s')", jobs, how[i], r.out, r.err);
            run_free(&r);
        }
    }
}

/* With standard output and error the same file (2>&1) nothing is held:
** each record's warnings come right before its report line, as they
** always did.  The realistic cohort warns about every record. */
static void
test_shared_stdout_stderr_keep_their_order(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/real.ndjson", run_tmpdir);
    run_out g = run_sh("bench/gencohort -r -n 60 -s 3 > %s", path);
    assert_int_equal(g.status, 0);
    run_free(&g);
    for (int jobs = 1; jobs <= 2; jobs++) {
        run_out r = run_sh("%s -j%d --json %s 2>&1", run_bin, jobs, path);
        assert_int_equal(r.status, 0);
        /* Every "warning: ID:" line is followed, before any other report
        ** line, by the report line of patient ID. */
        int warned = 0, reports = 0;
        char want[64] = "";
        for (char *line = r.out; *line; ) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            const char *w = strstr(line, "warning: ");
            if (w && w < line + len) {
                const char *id = w + strlen("warning: ");
                const char *colon = memchr(id, ':', (size_t)(line + len - id));
                assert_non_null(colon);
                snprintf(want, sizeof want, "{\"patient\":\"%.*s\"",
                         (int)(colon - id), id);
                warned++;
            } else if (strncmp(line, "{\"patient\"", 10) == 0) {
                if (want[0] && strncmp(line, want, strlen(want)) != 0)
                    fail_msg("-j%d: report '%.40s' after a warning for %s",
                             jobs, line, want);
                want[0] = '\0';
                reports++;
            }
            line = nl ? nl + 1 : line + len;
        }
        if (reports != 60)
            fail_msg("-j%d: %d reports, %d warnings in %zu bytes: %.300s", jobs, reports, warned, r.outlen, r.out);
        assert_true(warned >= 60);
        run_free(&r);
    }
}

/* ------------------------------------------------------------- progress */

static void
test_progress_only_on_a_terminal(void **state)
{
    (void)state;
    /* stderr is a file here: no progress line. */
    run_out r = run_sh("%s --json %s > /dev/null", run_bin, cohort);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_free(&r);
    if (system("script -qec true /dev/null > /dev/null 2>&1") != 0) {
        print_message("skipped: script(1) is not available for a pseudo-terminal\n");
        return;
    }
    /* Under script(1) stderr is a terminal: the last redraw is forced, so
    ** the final count is there however fast the run was. */
    r = run_sh("script -qec '%s -j2 --json %s > /dev/null' /dev/null", run_bin, cohort);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "240 records"));
    run_free(&r);
    r = run_sh("script -qec '%s --no-progress --json %s > /dev/null' /dev/null", run_bin, cohort);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "records"));
    run_free(&r);
}

/* ---- the pool alone: uneven work, strict order, early stop ---- */

typedef struct pool_test {
    long n;                 /* items to read */
    long nread;             /* reader: items read */
    long next;              /* writer: seq expected next */
    long stop_at;           /* writer: stop after this seq (-1: never) */
    int interrupted;
} pool_test;

static int
pt_read(void *ctx, batch_slot *s)
{
    pool_test *t = ctx;
    if (t->nread == t->n)
        return 0;
    s->item.kind = INPUT_RECORD;
    s->item.buf = malloc(24);
    assert_non_null(s->item.buf);
    s->item.len = (size_t)snprintf(s->item.buf, 24, "%ld", t->nread++);
    return 1;
}

static void
pt_work(void *ctx, int worker, batch_slot *s)
{
    (void)ctx;
    (void)worker;
    long v = atol(s->item.buf);
    /* Uneven: one record in 7 takes 0.3 ms, one in 61 takes 2 ms. */
    if (v % 61 == 0)
        usleep(2000);
    else if (v % 7 == 0)
        usleep(300);
    outbuf_printf(&s->out, "%ld\n", v);
}

static int
pt_write(void *ctx, batch_slot *s)
{
    pool_test *t = ctx;
    assert_int_equal(s->seq, t->next);
    assert_int_equal(atol(s->out.p), t->next);
    t->next++;
    return t->stop_at >= 0 && s->seq == t->stop_at;
}

static void
pt_interrupt(void *ctx)
{
    ((pool_test *)ctx)->interrupted = 1;
}

static const batch_ops pt_ops = { pt_read, pt_work, pt_write, pt_interrupt, NULL };

static void
test_pool_order_and_stop(void **state)
{
    (void)state;
    for (int jobs = 1; jobs <= 8; jobs = jobs == 1 ? 2 : jobs * 2) {
        pool_test t = { 1500, 0, 0, -1, 0 };
        assert_int_equal(batch_run(&pt_ops, &t, jobs), 0);
        assert_int_equal(t.next, 1500);     /* every item, in order */
        assert_int_equal(t.interrupted, 0);

        pool_test e = { 0, 0, 0, -1, 0 };   /* no input at all */
        assert_int_equal(batch_run(&pt_ops, &e, jobs), 0);
        assert_int_equal(e.next, 0);

        pool_test u = { 1500, 0, 0, 700, 0 };
        assert_int_equal(batch_run(&pt_ops, &u, jobs), 1);
        assert_int_equal(u.next, 701);      /* nothing written after the stop */
        assert_int_equal(u.interrupted, jobs > 1);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_order_and_stop),
        cmocka_unit_test(test_output_independent_of_jobs),
        cmocka_unit_test(test_errors_keep_their_place),
        cmocka_unit_test(test_long_records),
        cmocka_unit_test(test_summary_json),
        cmocka_unit_test(test_summary_text_and_csv),
        cmocka_unit_test(test_shards_reassemble),
        cmocka_unit_test(test_merge_shards_is_one_process),
        cmocka_unit_test(test_merge_blocks),
        cmocka_unit_test(test_merge_refuses),
        cmocka_unit_test(test_output_file),
        cmocka_unit_test(test_output_file_interrupted),
        cmocka_unit_test(test_closed_pipe_is_quiet),
        cmocka_unit_test(test_output_file_write_error),
        cmocka_unit_test(test_full_disk_is_an_error),
        cmocka_unit_test(test_full_disk_with_a_stalled_input),
        cmocka_unit_test(test_stalled_input_does_not_hold_output),
        cmocka_unit_test(test_shared_stdout_stderr_keep_their_order),
        cmocka_unit_test(test_progress_only_on_a_terminal),
    };
    /* TS_TEST_FILTER=test_full_disk* runs only the matching tests (to
    ** repeat one a hundred times under ASan, say). */
    if (getenv("TS_TEST_FILTER"))
        cmocka_set_test_filter(getenv("TS_TEST_FILTER"));
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
