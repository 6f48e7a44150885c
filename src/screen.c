/*
** screen.c -- the screen verb, wired onto the worker pool.
**
** Three callbacks (batch.h): read takes the next input item and keeps
** only this process's shard; work parses, evaluates and renders one record
** into the slot's buffers; write sends the buffers out in input order and
** keeps the counts the exit status and the progress line need.  With
** -j N each of the N threads of the pool calls all three in turn.
**
** Thread safety.  Each worker has its own arena, result array and summary;
** the trialset and the vocabulary are only read after loading; the record
** reader and the evaluator allocate from the arena they are given and keep
** no state between calls (jsondoc.c never reads cJSON's global error
** pointer).  The read and write callbacks may run on any thread of the
** pool, but one call at a time, each ordered after the one before by the
** pool's lock (batch.h), so the counters they keep need no lock of their
** own (idle, which shares write's state, is ordered with it alike).  With
** --html-dir the workers also write the pages, each into a file of its
** own with no name yet, and only the writer names them (htmldir.c).
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "cli.h"
#include "diag.h"
#include "eval.h"
#include "fhir.h"
#include "html.h"
#include "htmldir.h"
#include "input.h"
#include "outfile.h"
#include "progress.h"
#include "screen.h"
#include "summary.h"

/* Slot flags. */
enum {
    F_ITEM = 1,             /* a record or an unreadable one (not a warning) */
    F_BAD = 2,              /* unreadable or invalid */
    F_ELIGIBLE = 4          /* eligible for some trial */
};

typedef struct worker {
    arena *a;
    trial_result **res;
    summary *sum;
    html_worker *html;      /* --format html */
} worker;

typedef struct screen_ctx {
    const screen_opts *o;
    const trialset *ts;
    const vocab *v;
    int ntrials;
    fhir_input *in;         /* records, and patients read from FHIR */
    fhir_counts skipped;    /* writer: what the FHIR mapping skipped */
    long nitems;            /* reader: items seen, for --shard */
    worker *w;
    outfile out;
    int flush_each;         /* flush per record: text to standard output,
                            ** or a stalled input with one job */
    int hold_err;           /* diagnostics are held in err (see hold_output) */
    int idle_flush;         /* the input can stall: write out when idle */
    outbuf err;             /* writer: diagnostics held back */
    int out_tty;            /* the report goes to the progress terminal */
    progress *prog;
    report_cache *cache;    /* the unchanging parts of NDJSON lines */
    html_ctx *html;         /* --format html: shared by the workers */
    html_names *names;      /* writer: the patients' names taken */
    html_dir *dir;          /* --html-dir: the pages' files */
    outbuf rows;            /* writer: the HTML index's matrix rows (with
                            ** --html-dir written out as they come) */
    int page_failed;        /* --html-dir: a page could not be written */
    int html_dir_out;       /* the report is --html-dir's index.html */
    long done;              /* writer: items written */
    long long bytes;
    int bad, eligible;
} screen_ctx;

/*
** What the reader ignored, by default: one line per reason, at its first
** item, "trialscreen: x.ndjson:7:5: warning: ICU-7: 3 observations
** ignored: unknown code 'lactat' (did you mean 'lactate'?)" -- at the
** record's line when the item's position is not known.
*/
static void
group_warnings(outbuf *diag, const record *r, const char *source, int rline)
{
    char msg[640];
    int n = record_nwarning_groups(r), line, column;
    for (int i = 0; i < n; i++) {
        record_warning_group(r, i, msg, sizeof msg, &line, &column);
        diag_putf(diag, TS_LEVEL_WARNING, source, line > 0 ? line : rline,
                  line > 0 ? column : 0, "%s: %s", record_id(r), msg);
    }
    if (record_more_warnings(r) > 0)
        diag_putf(diag, TS_LEVEL_WARNING, source, rline, 0,
                  "%s: %d more items ignored for other reasons", record_id(r),
                  record_more_warnings(r));
}

/* --verbose: every warning, "trialscreen: x.json:5:15: warning: PATH: ...". */
static void
record_warnings(outbuf *diag, const record *r, const char *source, int rline)
{
    for (int i = 0; i < record_nwarnings(r); i++) {
        const char *w = record_warning(r, i);
        int wl = rline, wc = 0, skip = 0;
        /* A warning that starts with its own "line:column: " takes the
        ** place of the record's line. */
        if (sscanf(w, "%d:%d: %n", &wl, &wc, &skip) != 2 || skip == 0)
            wl = rline, wc = 0, skip = 0;
        diag_putf(diag, TS_LEVEL_WARNING, source, wl, wc, "%s", w + skip);
    }
}

/*
** Read: one call at a time, in input order.  --shard K/N keeps item i
** (records and unreadable records, counted from 0 in input order) when
** i mod N = K - 1: the same split on every run and every machine.
** Warnings about skipped files belong to no record; shard 1 reports them.
*/
static int
screen_read(void *vctx, batch_slot *s)
{
    screen_ctx *c = vctx;
    const screen_opts *o = c->o;
    while (fhirin_next(c->in, &s->item)) {
        if (o->shard_n == 0)
            return 1;
        if (s->item.kind == INPUT_WARNING) {
            if (o->shard_k == 1)
                return 1;
        } else if (c->nitems++ % o->shard_n == o->shard_k - 1) {
            return 1;
        }
        input_item_release(&s->item);
    }
    return 0;
}

/*
** The record of an item: its text, or the record made of a patient's FHIR
** resources (fhirmap.c).  An error in a FHIR resource names the
** resource's file (err->file); one in the record made from it has no
** column worth giving (the text was made here).
*/
static record *
screen_parse(screen_ctx *c, const input_item *item, ts_error *err)
{
    if (item->kind != INPUT_FHIR)
        return record_parse(item->buf, item->len, item->source,
                            item->line > 0 ? item->line - 1 : 0, c->v,
                            &c->o->ropts, err);
    size_t len = 0;
    char *text = fhir_map(item->extra, c->v, &len, err);
    if (!text)
        return NULL;
    record *r = record_parse(text, len, item->source,
                             item->line > 0 ? item->line - 1 : 0, c->v,
                             &c->o->ropts, err);
    free(text);
    if (!r)
        err->column = 0;
    return r;
}

/*
** --format html, on a worker: the patient's section (with --html-dir a
** page of its own) into s->out, and into s->aux the patient's name as
** its id makes it, a newline, and its index row.  The writer decides the
** final name (html_write_slot).
**
** With --html-dir the worker also writes the page, with the name its id
** makes filled in, into a file with no name yet (html_dir_make): writing
** ten thousand files is kernel time, and here it is spread over the
** workers instead of queued on the one writer.  The writer names it when
** that name is the final one, which it is unless an earlier record had
** the same id; then it writes the page again from s->out.  A page that
** could not be written is not an error here: the writer writes the page
** itself and reports what fails.
*/
static void
html_record(screen_ctx *c, worker *w, batch_slot *s, const record *r)
{
    char stem[HTML_NAME_MAX];
    html_page_stem(record_id(r), stem, sizeof stem);
    outbuf_printf(&s->aux, "%s\n", stem);
    html_matrix_row(&s->aux, r, w->res, c->ntrials,
                    c->o->html_dir ? HTML_HOLE ".html" : "#" HTML_HOLE);
    if (!c->o->html_dir) {
        html_patient(w->html, &s->out, r, w->res, c->ntrials);
        return;
    }
    html_page_begin(&s->out, record_id(r), 0);
    outbuf_puts(&s->out, "<nav><a href=\"index.html\">All patients</a></nav>\n");
    html_patient(w->html, &s->out, r, w->res, c->ntrials);
    html_page_end(&s->out);
    html_dir_make(c->dir, s->seq, s->out.p, s->out.len, stem);
}

/*
** Writer: the patient's final name (its id's, or with -2, -3 ... when an
** earlier record had the same), put into its index row and its section;
** the section goes to its page (--html-dir) or into s->out for the report.
** Returns -1 when a page could not be written.
*/
static int
html_write_slot(screen_ctx *c, batch_slot *s)
{
    const char *nl = memchr(s->aux.p, '\n', s->aux.len);
    size_t head = nl ? (size_t)(nl - s->aux.p) + 1 : 0;
    if (head <= 1) {            /* an unreadable record: a row only */
        outbuf_put(&c->rows, s->aux.p + head, s->aux.len - head);
        return 0;
    }
    char stem[HTML_NAME_MAX];
    snprintf(stem, sizeof stem, "%.*s", (int)(head - 1), s->aux.p);
    const char *name = html_names_claim(c->names, stem);
    html_fill(&c->rows, s->aux.p + head, s->aux.len - head, name);
    if (c->dir) {
        int rc = html_dir_put(c->dir, s->seq, s->out.p, s->out.len, stem, name);
        s->out.len = 0;
        return rc;
    }
    outbuf page = {0};
    html_fill(&page, s->out.p, s->out.len, name);
    s->out.len = 0;
    outbuf_put(&s->out, page.p, page.len);
    outbuf_release(&page);
    return 0;
}

/* Worker thread: one item into s->out and s->diag. */
static void
screen_work(void *vctx, int wi, batch_slot *s)
{
    screen_ctx *c = vctx;
    const screen_opts *o = c->o;
    worker *w = &c->w[wi];
    const input_item *item = &s->item;
    outbuf *out = o->quiet ? NULL : &s->out;

    if (item->kind == INPUT_WARNING) {
        ts_error e = item->err;
        e.level = TS_LEVEL_WARNING;
        diag_put(&s->diag, &e);
        return;
    }
    s->flags |= F_ITEM;
    if (item->kind == INPUT_ERROR) {
        /* fhirin.c's errors have a position and path (err.file set);
        ** input.c's are I/O messages that name their file. */
        report_error(&o->ro, out, &s->diag, item->source, item->line,
                     &item->err, item->err.file == NULL);
        if (c->html) {
            outbuf_puts(&s->aux, "\n");
            html_matrix_error(&s->aux, item->source, item->line, c->ntrials);
        }
        s->flags |= F_BAD;
        if (w->sum)
            summary_add_unreadable(w->sum);
        return;
    }
    ts_error err;
    ts_error_clear(&err);
    record *r = screen_parse(c, item, &err);
    if (!r) {
        report_error(&o->ro, out, &s->diag, err.file ? err.file : item->source,
                     item->line, &err, 0);
        if (c->html) {
            outbuf_puts(&s->aux, "\n");
            html_matrix_error(&s->aux, item->source, item->line, c->ntrials);
        }
        s->flags |= F_BAD;
        if (w->sum)
            summary_add_unreadable(w->sum);
        return;
    }
    if (o->warnings || o->verbose)
        group_warnings(&s->diag, r, item->source, item->line);
    if (o->verbose)
        record_warnings(&s->diag, r, item->source, item->line);
    for (int i = 0; i < c->ntrials; i++) {
        w->res[i] = eval_trial(trialset_at(c->ts, i), r, w->a);
        if (trial_result_verdict(w->res[i]) == V_ELIGIBLE)
            s->flags |= F_ELIGIBLE;
    }
    if (w->sum)
        summary_add(w->sum, w->res, c->ntrials);
    if (out && c->html)
        html_record(c, w, s, r);
    else if (out)
        report_record_cached(&o->ro, c->cache, out, r, item->line, w->res,
                             c->ntrials);
    record_free(r);
    arena_reset(w->a);
}

/*
** Held output.  A write system call costs about as much as screening a
** record's worth of verdicts on a virtual machine (a 4 kB write to a file
** took 12 us on the build machine), and a report written record by
** record made three of them per record, plus one for its warnings.  So
** when nobody watches the output as it comes -- it is not a terminal, and
** not the same file as the diagnostics, whose order against it would
** change -- the report is held in pieces of HOLD_BYTES (outfile_hold) and
** the warnings in pieces of HOLD_ERR_BYTES.  An input that can stall (a
** pipe, a terminal) could then keep finished records back for as long as
** it stalls: with worker threads the pool writes out whenever a thread
** has to wait (screen_idle); with one job, nothing is held.
*/
#define HOLD_BYTES ((size_t)1 << 20)
#define HOLD_ERR_BYTES ((size_t)64 << 10)

/* Can reading these inputs wait on something other than the disk? */
static int
inputs_can_stall(const screen_opts *o)
{
    for (int i = 0; i < o->npaths; i++) {
        struct stat st;
        int rc = strcmp(o->paths[i], "-") == 0 ? fstat(STDIN_FILENO, &st)
                                               : stat(o->paths[i], &st);
        if (rc != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            return 1;
    }
    return 0;
}

/* Are standard output and standard error the same file (2>&1)?  The null
** device does not count: nothing is read back from it. */
static int
same_file_as_stderr(void)
{
    struct stat a, b;
    if (fstat(STDOUT_FILENO, &a) != 0 || fstat(STDERR_FILENO, &b) != 0)
        return 1;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && !S_ISCHR(a.st_mode);
}

static void
hold_output(screen_ctx *c, int jobs)
{
    const screen_opts *o = c->o;
    int stall = inputs_can_stall(o);
    if (o->quiet)
        return;
    if (stall && jobs == 1) {
        /* Nobody writes out while the one thread waits in read(2): each
        ** report goes out whole, not even a tail of it kept in stdio's
        ** buffer. */
        c->flush_each = 1;
        return;
    }
    int to_stdout = !o->output && !c->html_dir_out;
    if (to_stdout && same_file_as_stderr()) {
        /* 2>&1: a report must reach the file whole before the next
        ** record's warnings, or they land inside its line (stdio would
        ** keep the tail of each report until its buffer filled). */
        c->flush_each = 1;
        return;
    }
    if (to_stdout && isatty(STDOUT_FILENO))
        return;
    outfile_hold(&c->out, HOLD_BYTES);
    c->flush_each = 0;
    c->hold_err = !o->progress && !isatty(STDERR_FILENO);
    c->idle_flush = stall;
}

/* Write the held diagnostics. */
static void
err_drain(screen_ctx *c)
{
    if (c->err.len > 0)
        (void)outbuf_write(&c->err, stderr);
}

/* A slot's diagnostics: held, or at once as before. */
static void
err_put(screen_ctx *c, outbuf *diag)
{
    if (c->hold_err) {
        outbuf_put(&c->err, diag->p, diag->len);
        diag->len = 0;
        if (c->err.len >= HOLD_ERR_BYTES)
            err_drain(c);
        return;
    }
    progress_clear(c->prog);
    (void)outbuf_write(diag, stderr);
    fflush(stderr);
}

/* A thread of the pool is about to wait: a stalled input must not keep
** finished records back. */
static int
screen_idle(void *vctx)
{
    screen_ctx *c = vctx;
    err_drain(c);
    return c->o->quiet ? 0 : outfile_flush(&c->out);
}

/* Writer: in input order, one call at a time (on any thread of the pool). */
static int
screen_write(void *vctx, batch_slot *s)
{
    screen_ctx *c = vctx;
    int rc = 0;
    if (s->diag.len > 0)
        err_put(c, &s->diag);
    if (s->flags & F_BAD)
        c->bad++;
    if (s->flags & F_ELIGIBLE)
        c->eligible = 1;
    if (s->aux.len > 0 && html_write_slot(c, s) != 0) {
        err_drain(c);
        c->page_failed = 1;
        return 1;
    }
    /* index.html is the index alone: its rows go out as they come. */
    if (c->dir && c->rows.len > 0)
        rc = outfile_write(&c->out, &c->rows, 0);
    if (rc == 0 && s->out.len > 0) {
        if (c->out_tty)
            progress_clear(c->prog);
        rc = outfile_write(&c->out, &s->out, c->flush_each);
    }
    if (s->item.kind == INPUT_FHIR)
        fhir_counts_add(&c->skipped, &((fhir_group *)s->item.extra)->skipped);
    if (s->flags & F_ITEM) {
        c->done++;
        c->bytes += (long long)s->item.len + (s->item.line > 0);
    }
    progress_update(c->prog, c->done, c->bytes, 0);
    return rc;
}

/* The writer gave up (a closed pipe, a full disk): wake the thread that
** reads, if it is blocked on its input. */
static void
screen_interrupt(void *vctx)
{
    screen_ctx *c = vctx;
    fhirin_interrupt(c->in);
}

static const batch_ops screen_ops = {
    screen_read, screen_work, screen_write, screen_interrupt, screen_idle
};

static void
write_error(const outfile *out, const char *path)
{
    if (path)
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0, "writing '%s': %s",
                    path, strerror(out->err));
    else
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0, "writing output: %s",
                    strerror(out->err));
}

/* The summary after the records: on the report's stream, except for CSV,
** whose readers expect rows only; its summary goes to stderr as text. */
static void
write_summary(screen_ctx *c, int jobs)
{
    const screen_opts *o = c->o;
    outbuf b = {0};
    for (int i = 1; i < jobs; i++)
        summary_merge(c->w[0].sum, c->w[i].sum);
    if (c->html) {
        /* The HTML index: the matrix and the funnels, then the page end
        ** (--html-dir wrote the matrix's head first and its rows as they
        ** came). */
        if (!c->dir) {
            html_index_begin(&b, c->ts);
            outbuf_put(&b, c->rows.p, c->rows.len);
        }
        html_index_end(&b, c->ts, c->w[0].sum);
        html_page_end(&b);
        outfile_write(&c->out, &b, 0);
    } else if (o->ro.format == REPORT_CSV) {
        summary_report(c->w[0].sum, REPORT_TEXT, &b);
        (void)outbuf_write(&b, stderr);
    } else {
        summary_report(c->w[0].sum, o->ro.format, &b);
        outfile_write(&c->out, &b, 0);
    }
    outbuf_release(&b);
}

/* --html-dir: the pages in DIR this run did not write are left as they
** were (htmldir.c says why), and said: index.html does not link them, and
** one kept from an earlier run shows that run's verdicts. */
static void
warn_other_pages(screen_ctx *c)
{
    char first[NAME_MAX + 1];
    long n = html_dir_others(c->dir, c->names, first, sizeof first);
    if (n == 1)
        diag_printf(stderr, TS_LEVEL_WARNING, c->o->html_dir, 0, 0,
                    "%s was not written by this run (an earlier run's, or "
                    "another process's): left as it was, and not linked from "
                    "index.html", first);
    else if (n > 1)
        diag_printf(stderr, TS_LEVEL_WARNING, c->o->html_dir, 0, 0,
                    "%ld pages were not written by this run (%s and %ld more: "
                    "an earlier run's, or another process's): left as they "
                    "were, and not linked from index.html", n, first, n - 1);
}

int
screen_run(const screen_opts *o, const trialset *ts, const vocab *v)
{
    screen_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.ts = ts;
    c.v = v;
    c.ntrials = trialset_count(ts);
    int jobs = o->jobs < 1 ? 1 : o->jobs;

    /* A closed pipe is noticed as EPIPE and ends the run quietly; dying of
    ** SIGPIPE would skip the clean-up of --output's temporary file. */
    signal(SIGPIPE, SIG_IGN);
    char *index = NULL;         /* --html-dir: DIR/index.html */
    if (o->html_dir) {
        if (mkdir(o->html_dir, 0777) != 0 && errno != EEXIST) {
            diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                        "cannot create directory '%s': %s", o->html_dir,
                        strerror(errno));
            return EXIT_BAD_INPUT;
        }
        /* A slot's page is kept by its place in the ring (batch.h). */
        c.dir = html_dir_open(o->html_dir, jobs * BATCH_SLOTS_PER_JOB);
        if (!c.dir) {
            diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                        "cannot open directory '%s': %s", o->html_dir,
                        strerror(errno));
            return EXIT_BAD_INPUT;
        }
        index = xmalloc(strlen(o->html_dir) + sizeof "/index.html");
        sprintf(index, "%s/index.html", o->html_dir);
    }
    const char *outpath = index ? index : o->output;
    if (!o->quiet && outfile_open(&c.out, outpath) != 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                    "cannot create '%s': %s", outpath, strerror(errno));
        html_dir_close(c.dir);
        free(index);
        return EXIT_BAD_INPUT;
    }
    /* The pages are not synced, so neither is their index (outfile.h). */
    c.out.no_sync = index != NULL;
    c.flush_each = o->ro.format == REPORT_TEXT && !o->output;
    c.out_tty = !o->output && isatty(STDOUT_FILENO);

    c.html_dir_out = o->html_dir != NULL;
    hold_output(&c, jobs);
    if (o->ro.format == REPORT_HTML && !o->quiet) {
        c.html = html_new(ts, v);
        c.html->dir = o->html_dir != NULL;
        c.names = html_names_new();
    }
    c.w = xcalloc((size_t)jobs, sizeof *c.w);
    for (int i = 0; i < jobs; i++) {
        c.w[i].a = arena_new();
        c.w[i].res = xcalloc((size_t)c.ntrials + 1, sizeof *c.w[i].res);
        c.w[i].sum = (o->summary || c.html) && !o->quiet ? summary_new(ts) : NULL;
        c.w[i].html = c.html ? html_worker_new(c.html) : NULL;
    }
    if (o->progress) {
        /* A shard reads everything but screens (and counts) 1/N of it. */
        long long total = input_total_bytes(o->paths, o->npaths);
        if (total > 0 && o->shard_n > 1)
            total /= o->shard_n;
        c.prog = progress_new(stderr, total);
    }
    c.in = fhirin_new(input_new(o->paths, o->npaths, o->max_record));
    if (!o->quiet && o->ro.format == REPORT_NDJSON)
        c.cache = report_cache_new(ts);

    int stopped = 0;
    if (!o->quiet) {
        outbuf head = {0};
        report_begin(&o->ro, &head);
        if (c.html) {
            html_page_begin(&head, "trialscreen report", 1);
            outbuf_puts(&head, "<h1>trialscreen report</h1>\n");
            if (!o->html_dir)
                outbuf_puts(&head, "<nav><a href=\"#index\">Patients and "
                                   "trials, attrition (at the end)</a></nav>\n");
            else
                html_index_begin(&head, ts);
        }
        stopped = outfile_write(&c.out, &head, 0) != 0;
        outbuf_release(&head);
    }
    if (!stopped) {
        /* Without a stalled input to wait for, the writer need not stop
        ** to write out (and take the pool's lock once more) when idle. */
        batch_ops ops = screen_ops;
        if (!c.idle_flush)
            ops.idle = NULL;
        int rc = batch_run(&ops, &c, jobs);
        if (rc < 0) {
            diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                        "cannot start worker threads");
            c.bad = 1;
        }
    }
    err_drain(&c);
    outbuf_release(&c.err);
    /* The final count, then the line is erased (progress is for watching,
    ** not a record of the run). */
    progress_update(c.prog, c.done, c.bytes, 1);
    progress_free(c.prog);
    /* Resources skipped before they reached a patient are seen by every
    ** shard: shard 1 counts them, as it reports the warnings of no
    ** record, so that merged shards count each resource once. */
    if (o->shard_n == 0 || o->shard_k == 1)
        fhir_counts_add(&c.skipped, fhirin_counts(c.in));
    if (!o->quiet && o->warnings)
        fhir_skipped_warnings(&c.skipped, fhirin_orphans(c.in), stderr);
    if (!o->quiet && (o->summary || c.html) && !c.out.closed_pipe && !c.out.failed
        && !c.page_failed) {
        summary_set_skipped(c.w[0].sum, &c.skipped);
        write_summary(&c, jobs);
    }

    int failed = 0;
    if (!o->quiet && !c.out.closed_pipe && !c.page_failed) {
        /* The final flush can be the write that finds the pipe closed:
        ** that is still a quiet end, not a write error. */
        if ((c.out.failed || outfile_commit(&c.out) != 0) && !c.out.closed_pipe) {
            write_error(&c.out, outpath);
            failed = 1;
            outfile_abort(&c.out);  /* the temporary file, what was held */
        }
    } else {
        outfile_abort(&c.out);
    }
    /* Not a warning about record data: --no-warnings keeps it. */
    if (c.dir && c.names && !failed && !c.page_failed && !c.out.closed_pipe)
        warn_other_pages(&c);
    fhirin_free(c.in);
    for (int i = 0; i < jobs; i++) {
        arena_free(c.w[i].a);
        free(c.w[i].res);
        summary_free(c.w[i].sum);
        html_worker_free(c.w[i].html);
    }
    free(c.w);
    report_cache_free(c.cache);
    html_free(c.html);
    html_names_free(c.names);
    html_dir_close(c.dir);
    outbuf_release(&c.rows);
    free(index);

    if (failed || c.bad || c.page_failed)
        return EXIT_BAD_INPUT;
    if (o->quiet)
        return c.eligible ? EXIT_OK : EXIT_NONE_ELIGIBLE;
    return EXIT_OK;
}
