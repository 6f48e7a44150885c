/*
** fuzz_screen.c -- libFuzzer harness for the whole screen of one record.
**
** The bundled criteria are loaded once (as the program does before it
** reads any record); each input is one record text, copied into a
** NUL-terminated buffer as input.c does, read, screened against every
** trial and rendered in all three formats and as the HTML report's
** patient section and matrix row -- or, when it is refused, rendered as
** an error line, as cli.c would.
**
** The HTML section runs replay's machinery on the record (htmlgrid.c:
** change instants, views of the record at earlier points, evaluation at
** each), which no other harness reaches.  Two properties are checked on
** it: one verdict badge per trial, and no "<script" anywhere -- the page
** writes none, so one can only come from a record string that escaped
** html_escape.
*/
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "criteria.h"
#include "eval.h"
#include "html.h"
#include "record.h"
#include "report.h"

static vocab *v;
static trialset *ts;
static arena *a;
static trial_result **res;
static html_ctx *hctx;
static html_worker *hw;

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
    hctx = html_new(ts, v);
    hw = html_worker_new(hctx);
    return 0;
}

/* Occurrences of needle in b (needle not empty). */
static int
count(const outbuf *b, const char *needle)
{
    size_t n = strlen(needle);
    int k = 0;
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->p + i, needle, n) == 0)
            k++;
    return k;
}

/* The patient's section and matrix row, with the two properties. */
static void
html_check(const record *r, int n)
{
    outbuf page = {0};
    html_patient(hw, &page, r, res, n);
    html_matrix_row(&page, r, res, n, "#" HTML_HOLE);
    int badges = count(&page, "<span class=\"badge\"");
    if (badges != n) {
        fprintf(stderr, "fuzz_screen: %d verdict badges for %d trials\n", badges, n);
        abort();
    }
    if (count(&page, "<script") != 0) {
        fputs("fuzz_screen: \"<script\" in the HTML section\n", stderr);
        abort();
    }
    outbuf_release(&page);
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
        html_check(r, n);
        record_free(r);
        arena_reset(a);
    }
    outbuf_release(&out);
    outbuf_release(&diag);
    free(buf);
    return 0;
}
