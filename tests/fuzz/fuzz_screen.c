/*
** fuzz_screen.c -- libFuzzer harness for the whole screen of one record.
**
** The bundled criteria are loaded once (as the program does before it
** reads any record); each input is one record text, copied into a
** NUL-terminated buffer as input.c does, read, screened against every
** trial and rendered in all three formats -- or, when it is refused,
** rendered as an error line, as cli.c would.
*/
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "criteria.h"
#include "eval.h"
#include "record.h"
#include "report.h"

static vocab *v;
static trialset *ts;
static arena *a;
static trial_result **res;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ts_error err;
    (void)argc;
    (void)argv;
    v = vocab_new();
    ts = trialset_new(v);
    ts_error_clear(&err);
    if (trialset_load(ts, fuzz_criteria_dir(), &err) != 0) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file ? err.file : "?",
                err.line, err.column, err.msg);
        exit(2);
    }
    a = arena_new();
    res = xcalloc((size_t)trialset_count(ts) + 1, sizeof *res);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    record_opts opts = { TS_NONE, 0, 0, RW_GROUPS };
    ts_error err;
    outbuf out = {0}, diag = {0};
    ts_error_clear(&err);
    record *r = record_parse(buf, size, "fuzz.json", 0, v, &opts, &err);
    if (!r) {
        fuzz_check_error(&err, "record_parse");
        for (int f = REPORT_TEXT; f <= REPORT_CSV; f++) {
            report_opts ro = { (report_format)f, 0, DETAIL_FULL };
            report_error(&ro, &out, &diag, "fuzz.json", 0, &err, 0);
        }
    } else {
        int n = trialset_count(ts);
        for (int i = 0; i < n; i++)
            res[i] = eval_trial(trialset_at(ts, i), r, a);
        for (int f = REPORT_TEXT; f <= REPORT_CSV; f++) {
            report_opts ro = { (report_format)f, f == REPORT_TEXT, DETAIL_FULL };
            report_begin(&ro, &out);
            report_record(&ro, &out, r, 0, res, n);
        }
        record_free(r);
        arena_reset(a);
    }
    outbuf_release(&out);
    outbuf_release(&diag);
    free(buf);
    return 0;
}
