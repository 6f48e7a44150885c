/*
** fuzz_criteria.c -- libFuzzer harness for the criteria loader.
**
** Each input is tried three ways, through the public entry points the
** program uses: as a vocabulary file (vocab_load_buffer, into an empty
** vocabulary), as a trial file against the bundled vocabulary
** (trialset_load_buffer), and, when the trial loads, by screening two
** fixed records against it -- a full example and one with nothing but an
** id and a time -- since a rule tree the loader accepts is one the
** evaluator and the reporters must survive, with data and without.  The vocabulary is loaded
** afresh for every input because a vocabulary file given to
** trialset_load_buffer adds concepts to it.
*/
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "criteria.h"
#include "eval.h"
#include "record.h"
#include "report.h"

static char *concepts, *example;
static size_t concepts_len, example_len;
static const char bare[] = "{\"id\": \"bare\", \"as_of\": \"2026-03-01T12:00:00Z\"}";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[4096];
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "%s/concepts.yaml", fuzz_criteria_dir());
    concepts = fuzz_slurp(path, &concepts_len);
    snprintf(path, sizeof path, "%s/../examples/ecmo-rescue-incomplete.json",
             fuzz_criteria_dir());
    example = fuzz_slurp(path, &example_len);
    return 0;
}

/* Screen one record against every loaded trial, all formats. */
static void
screen_record(const trialset *ts, const vocab *v, const char *text,
              size_t len, unsigned assume)
{
    record_opts opts = { TS_NONE, assume, 0, RW_GROUPS };
    ts_error err;
    ts_error_clear(&err);
    record *r = record_parse(text, len, "example.json", 0, v, &opts, &err);
    if (!r) {
        /* The fuzzed file may redefine nothing the record needs, but it
        ** can add codes that make the record ambiguous: fine, if said. */
        fuzz_check_error(&err, "record_parse");
        return;
    }
    int n = trialset_count(ts);
    trial_result **res = xcalloc((size_t)n + 1, sizeof *res);
    arena *a = arena_new();
    for (int i = 0; i < n; i++) {
        res[i] = eval_trial(trialset_at(ts, i), r, a);
        (void)verdict_name(trial_result_verdict(res[i]));
    }
    for (int f = REPORT_TEXT; f <= REPORT_CSV; f++) {
        report_opts ro = { (report_format)f, f == REPORT_TEXT, DETAIL_FULL };
        outbuf out = {0};
        report_begin(&ro, &out);
        report_record(&ro, &out, r, 0, res, n);
        outbuf_release(&out);
    }
    outbuf out = {0};
    report_opts ro = { REPORT_NDJSON, 0, DETAIL_FULL };
    report_trials(&ro, &out, ts);
    ro.format = REPORT_TEXT;
    report_trials(&ro, &out, ts);
    outbuf_release(&out);
    arena_free(a);
    free(res);
    record_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    ts_error err;

    /* As a vocabulary file. */
    vocab *v = vocab_new();
    ts_error_clear(&err);
    if (vocab_load_buffer(v, "fuzz.yaml", buf, size, &err) != 0)
        fuzz_check_error(&err, "vocab_load_buffer");
    vocab_free(v);

    /* As a trial file, with the bundled concepts. */
    v = vocab_new();
    ts_error_clear(&err);
    if (vocab_load_buffer(v, "concepts.yaml", concepts, concepts_len, &err) != 0) {
        fprintf(stderr, "bundled concepts.yaml: %s\n", err.msg);
        abort();
    }
    trialset *ts = trialset_new(v);
    ts_error_clear(&err);
    if (trialset_load_buffer(ts, "fuzz.yaml", buf, size, &err) != 0)
        fuzz_check_error(&err, "trialset_load_buffer");
    else if (trialset_count(ts) > 0) {
        screen_record(ts, v, example, example_len, 0);
        screen_record(ts, v, bare, sizeof bare - 1,
                      SEC_CONDITIONS | SEC_PROCEDURES | SEC_MEDICATIONS |
                      SEC_LOCATIONS);
    }
    trialset_free(ts);
    vocab_free(v);
    free(buf);
    return 0;
}
