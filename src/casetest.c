/*
** casetest.c -- `trialscreen test CASES...`: run case files.
**
** A site that encodes its own trial must be able to prove the encoding
** without writing C.  A case file (docs/case-tests.md) gives patient
** records and what each must get: a verdict, criterion values, missing
** items, a window, a cohort, or a record error.  Nothing here evaluates
** anything itself: each record is turned into JSON text and read by the
** production record_parse, then screened by the production eval_trial,
** so a case passes or fails exactly as the same patient would in real use.
**
** Work is in two passes per file.  caseload.c reads the whole file and
** checks it before a single case runs (a typo in an expectation is an
** error, exit 2); this file runs the cases, compares, and prints one line
** per failing case and the summary.
*/
#include "casetest.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "coverage.h"
#include "criteria.h"
#include "diag.h"
#include "eval.h"
#include "input.h"
#include "record.h"
#include "report.h"
#include "timeutil.h"
#include "verdict.h"

#define PROG "trialscreen test"

/*
** {======================================================================
** Running the cases
** =======================================================================
*/

typedef struct runner {
    cfile *f;
    arena *a;                   /* per case: the screening's results */
    trial_result **res;         /* per screened trial */
    outbuf out;                 /* standard output */
    outbuf diffs;               /* the current case's mismatches */
    const ynode *first;         /* where the first mismatch was expected */
    int verbose;
    coverage *cov;              /* --coverage, else NULL */
    int passed, failed;
} runner;

static void
mismatch(runner *st, const ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
mismatch(runner *st, const ynode *at, const char *fmt, ...)
{
    va_list ap;
    if (st->first)
        outbuf_puts(&st->diffs, "; ");
    else
        st->first = at;
    va_start(ap, fmt);
    char *s = arena_vprintf(st->a, fmt, ap);
    va_end(ap);
    outbuf_escaped(&st->diffs, s);
}

static const char *
time_text(runner *st, ts_time t)
{
    char buf[TS_FMT_LEN];
    if (t == TS_NONE)
        return "none";
    ts_format(t, buf);
    return arena_strdup(st->a, buf);
}

/* "a, b, c" or "none". */
static const char *
join(runner *st, const char *const *s, int n)
{
    outbuf b = {0};
    for (int i = 0; i < n; i++) {
        outbuf_puts(&b, i ? ", " : "");
        outbuf_puts(&b, s[i]);
    }
    const char *r = arena_strdup(st->a, n ? b.p : "none");
    outbuf_release(&b);
    return r;
}

/* Which criteria decided a verdict, for "expected eligible, got ...". */
static const char *
decided_by(runner *st, const trial_result *tr)
{
    const trial *t = tr->t;
    const char **against = arena_alloc(st->a, (size_t)(t->ncrit + 1) * sizeof *against);
    const char **open = arena_alloc(st->a, (size_t)(t->ncrit + 1) * sizeof *open);
    int nagainst = 0, nopen = 0;
    for (int i = 0; i < t->ncrit; i++) {
        tv v = tr->crit[i] ? tr->crit[i]->value : TV_UNKNOWN;
        if (v == TV_UNKNOWN)
            open[nopen++] = t->crit[i].id;
        else if ((v == TV_MET) == (t->crit[i].exclusion != 0))
            against[nagainst++] = t->crit[i].id;
    }
    if (tr->v == V_INELIGIBLE)
        return arena_printf(st->a, " (against: %s)", join(st, against, nagainst));
    if (tr->v == V_INCOMPLETE)
        return arena_printf(st->a, " (unknown: %s; missing: %s)",
                            join(st, open, nopen),
                            join(st, tr->missing, tr->nmissing));
    return "";
}

static void
check_criteria(runner *st, const trial_expect *te, const trial_result *tr)
{
    for (int i = 0; i < te->ncrit; i++) {
        const crit_expect *ce = &te->crit[i];
        const result *r = tr->crit[ce->index];
        const char *id = te->t->crit[ce->index].id;
        tv got = r ? r->value : TV_UNKNOWN;
        const char *why = r && result_reason(r) ? result_reason(r) : "none given";
        if (got != ce->value)
            mismatch(st, ce->at, "%s %s: expected %s, got %s (reason: %s)",
                     te->t->id, id, tv_name(ce->value), tv_name(got), why);
        else if (ce->reason && !strstr(why, ce->reason))
            mismatch(st, ce->at, "%s %s: expected a reason containing '%s', "
                     "got '%s'", te->t->id, id, ce->reason, why);
    }
}

static void
check_missing(runner *st, const trial_expect *te, const trial_result *tr)
{
    for (int i = 0; i < te->nmissing; i++) {
        const char *want = te->missing[i]->str;
        int j;
        for (j = 0; j < tr->nmissing && strcmp(tr->missing[j], want) != 0; j++)
            ;
        if (j == tr->nmissing)
            mismatch(st, te->missing[i], "%s: expected '%s' among missing, "
                     "got: %s", te->t->id, want,
                     join(st, tr->missing, tr->nmissing));
    }
}

static void
check_window(runner *st, const trial_expect *te, const trial_result *tr)
{
    const char *id = te->t->id;
    if (te->window == 1 && tr->has_window)
        mismatch(st, te->window_at, "%s: expected no window, got opens %s, "
                 "closes %s", id, time_text(st, tr->opens),
                 time_text(st, tr->closes));
    if (te->window != 2)
        return;
    if (!tr->has_window) {
        mismatch(st, te->window_at, "%s: expected a window, got none", id);
        return;
    }
    if ((te->check_opens && tr->opens != te->opens) ||
        (te->check_closes && tr->closes != te->closes))
        mismatch(st, te->window_at, "%s: expected window opens %s, closes "
                 "%s, got opens %s, closes %s", id,
                 te->check_opens ? time_text(st, te->opens) : "(any)",
                 te->check_closes ? time_text(st, te->closes) : "(any)",
                 time_text(st, tr->opens), time_text(st, tr->closes));
}

static void
check_since(runner *st, const trial_expect *te, const trial_result *tr)
{
    ts_time got = tr->v == V_ELIGIBLE ? tr->eligible_since : TS_NONE;
    if (te->has_since && got != te->since)
        mismatch(st, te->since_at, "%s: expected eligible_since %s, got %s",
                 te->t->id, time_text(st, te->since), time_text(st, got));
}

static void
check_trial(runner *st, const trial_expect *te, const trial_result *tr)
{
    const char *id = te->t->id;
    if (te->has_verdict && tr->v != te->v)
        mismatch(st, te->verdict_at, "%s: expected %s, got %s%s", id,
                 verdict_name(te->v), verdict_name(tr->v), decided_by(st, tr));
    check_criteria(st, te, tr);
    check_missing(st, te, tr);
    check_window(st, te, tr);
    check_since(st, te, tr);
    if (te->has_cohort && tr->cohort != te->cohort) {
        const char *why = tr->v != V_ELIGIBLE
            ? arena_printf(st->a, " (the verdict is %s: cohorts are given "
                           "for eligible patients)", verdict_name(tr->v))
            : arena_printf(st->a, " (%d cohorts met)", tr->ncohort_met);
        mismatch(st, te->cohort_at, "%s: expected cohort %s, got %s%s", id,
                 te->cohort ? te->cohort->id : "none",
                 tr->cohort ? tr->cohort->id : "none", why);
    }
}

/* A record error as "path: message", with file:line:column only when the
** text is a file of the user's own (a generated text has no lines). */
static const char *
error_text(runner *st, const tcase *c, const ts_error *err)
{
    char buf[1024];
    ts_error e = *err;
    if (!c->raw) {
        e.file = NULL;
        e.line = e.column = 0;
    }
    ts_error_format(&e, buf, sizeof buf);
    return arena_strdup(st->a, buf);
}

static void
run_case(runner *st, const tcase *c)
{
    cfile *f = st->f;
    record_opts ro = { c->time, 0, 0, RW_ALL };      /* cases count every warning */
    ts_error err;
    ts_error_clear(&err);
    st->first = NULL;
    st->diffs.len = 0;
    record *r = record_parse(c->json, c->len, c->source, 0,
                             trialset_vocab(f->ts), &ro, &err);
    if (!r && !c->error)
        mismatch(st, c->at, "record error: %s", error_text(st, c, &err));
    else if (!r && !strstr(error_text(st, c, &err), c->error))
        mismatch(st, c->error_at, "expected a record error containing '%s', "
                 "got '%s'", c->error, error_text(st, c, &err));
    else if (r && c->error)
        mismatch(st, c->error_at, "expected a record error containing '%s', "
                 "but the record was read", c->error);
    else if (r && record_nwarnings(r) != c->warnings)
        /* An unknown code or an ignored field: the case would be judged
        ** on a record other than the one its author wrote. */
        mismatch(st, c->at, "the case record has %d warning%s (expected %d)%s%s "
                 "(fix the record, or say 'warnings: N' when the case tests "
                 "them: a typo must not make a case pass)",
                 record_nwarnings(r), record_nwarnings(r) == 1 ? "" : "s",
                 c->warnings, record_nwarnings(r) ? ", first: " : "",
                 record_nwarnings(r) ? record_warning(r, 0) : "");
    else if (r) {
        for (int i = 0; i < f->ntrials; i++) {
            st->res[i] = eval_trial(f->trials[i], r, st->a);
            if (st->cov)
                coverage_add(st->cov, st->res[i]);
        }
        for (int i = 0; i < c->nexp; i++)
            check_trial(st, &c->exp[i], st->res[c->exp[i].tindex]);
    }
    if (st->first) {
        st->failed++;
        /* diffs holds escaped text already; diag_put escapes again only
        ** what is unsafe, which escaped text no longer contains. */
        outbuf_put(&st->diffs, "", 1);
        diag_putf(&st->out, TS_LEVEL_ERROR, f->path, st->first->line,
                  st->first->column, "case '%s': %s", c->name, st->diffs.p);
        if (st->verbose && r) {
            report_opts text = { REPORT_TEXT, 0, DETAIL_FULL };
            report_record(&text, &st->out, r, 0, st->res, f->ntrials);
        }
    } else {
        st->passed++;
        if (st->verbose) {
            outbuf_printf(&st->out, "%s:%d:%d: ok: ", f->path, c->at->line,
                          c->at->column);
            outbuf_escaped(&st->out, c->name);
            outbuf_puts(&st->out, "\n");
        }
    }
    record_free(r);
    arena_reset(st->a);
}

/* }====================================================================== */

/*
** {======================================================================
** The verb: options, files, exit status
** =======================================================================
*/

static const char usage_text[] =
"usage: trialscreen test [-c PATH]... [-v] [--coverage] CASES...\n"
"\n"
"Run case files: patient records with the verdicts they must get.\n"
"CASES is a case file (YAML) or a directory (every *.yaml in it, sorted).\n"
"See docs/case-tests.md.\n"
"\n"
"  -c, --criteria PATH  criteria for files that do not say criteria:\n"
"                       (repeatable; default: the bundled criteria)\n"
"  -v, --verbose        also list passing cases, and print the full report\n"
"                       of each failing case\n"
"      --coverage       after each file, every criterion and sub-rule with\n"
"                       whether the cases saw it met, not met and unknown\n"
"  -h, --help           show this help\n"
"\n"
"Prints one line per failing case and 'N passed, M failed'.  Exit status:\n"
"0 every case passed, 1 some case failed, 2 a case file could not be read\n"
"or is malformed (or bad usage).\n";

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_dir(input_list *l, const char *dir, ts_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int first = l->n;
    if (!d) {
        ts_error_set(err, 0, 0, "%s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 5 && e->d_name[0] != '.' &&
            strcmp(e->d_name + n - 5, ".yaml") == 0) {
            size_t k = strlen(dir);
            int slash = k > 0 && dir[k - 1] == '/';
            char *p = xmalloc(k + n + 2);
            snprintf(p, k + n + 2, "%s%s%s", dir, slash ? "" : "/", e->d_name);
            input_list_add(l, p);
        }
    }
    closedir(d);
    /* An empty directory leaves l->s NULL, which qsort must not see. */
    if (l->n - first > 1)
        qsort(l->s + first, (size_t)(l->n - first), sizeof *l->s, cmp_str);
    return 0;
}

static void
print_file_error(const cfile *f)
{
    ts_error e = *f->err;
    if (!e.file)
        e.file = f->path;
    diag_print(stderr, &e);
}

/* Read, check and run one case file.  Returns 0, or -1 if it is bad. */
static int
run_file(runner *st, const char *path, const char *const *crit, int ncrit)
{
    ts_error err;
    cfile f;
    memset(&f, 0, sizeof f);
    ts_error_clear(&err);
    f.err = &err;
    int rc = caseload_file(&f, path, crit, ncrit);
    if (rc != 0) {
        /* Before caseload_release: the error may name a criteria file. */
        print_file_error(&f);
    } else {
        st->f = &f;
        st->res = xcalloc((size_t)f.ntrials + 1, sizeof *st->res);
        for (int i = 0; i < f.ncases; i++) {
            run_case(st, &f.cases[i]);
            if (outbuf_write(&st->out, stdout) != 0)
                break;
        }
        if (st->cov)
            coverage_print(st->cov, f.trials, f.ntrials, path, &st->out);
        free(st->res);
        st->res = NULL;
        st->f = NULL;
    }
    caseload_release(&f);
    return rc;
}

static int
usage(const char *fmt, const char *arg)
{
    ts_error e;
    ts_error_clear(&e);
    snprintf(e.msg, sizeof e.msg, fmt, arg);
    diag_print(stderr, &e);
    fputs("Try 'trialscreen test --help' for more information.\n", stderr);
    return CASETEST_BAD_FILE;
}

int
casetest_main(int argc, char **argv)
{
    const char **crit = xcalloc((size_t)argc + 1, sizeof *crit);
    input_list files = {0};
    runner st;
    int ncrit = 0, bad = 0, only_paths = 0, rc = CASETEST_BAD_FILE;
    struct stat sb;
    ts_error err;
    memset(&st, 0, sizeof st);
    ts_error_clear(&err);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || a[1] == '\0') {
            if (stat(a, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                if (add_dir(&files, a, &err) != 0) {
                    rc = usage("%s", err.msg);
                    goto done;
                }
            } else {
                input_list_add(&files, xstrdup(a));
            }
        } else if (strcmp(a, "--") == 0) {
            only_paths = 1;
        } else if (strcmp(a, "-c") == 0 || strcmp(a, "--criteria") == 0) {
            if (i + 1 >= argc) {
                rc = usage("option '%s' needs a value", a);
                goto done;
            }
            crit[ncrit++] = argv[++i];
        } else if (strncmp(a, "--criteria=", 11) == 0) {
            crit[ncrit++] = a + 11;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            st.verbose = 1;
        } else if (strcmp(a, "--coverage") == 0) {
            if (!st.cov)
                st.cov = coverage_new();
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            rc = fflush(stdout) == 0 ? CASETEST_PASS : CASETEST_BAD_FILE;
            goto done;
        } else {
            rc = usage("unknown option '%s'", a);
            goto done;
        }
    }
    if (files.n == 0) {
        rc = usage("%s", "no case files given");
        goto done;
    }
    st.a = arena_new();
    for (int i = 0; i < files.n; i++) {
        fflush(stdout);
        if (run_file(&st, files.s[i], crit, ncrit) != 0)
            bad = 1;
    }
    outbuf_printf(&st.out, "%d passed, %d failed\n", st.passed, st.failed);
    if (outbuf_write(&st.out, stdout) != 0 || fflush(stdout) != 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0, "writing output: %s",
                    strerror(errno));
        bad = 1;
    }
    rc = bad ? CASETEST_BAD_FILE : st.failed ? CASETEST_FAIL : CASETEST_PASS;
done:
    outbuf_release(&st.out);
    outbuf_release(&st.diffs);
    arena_free(st.a);
    coverage_free(st.cov);
    input_list_release(&files);
    free(crit);
    return rc;
}

/* }====================================================================== */

