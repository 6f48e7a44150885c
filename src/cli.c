/*
** cli.c -- options, criteria discovery, the screening loop, exit status.
**
** The only file that prints.  Library code returns ts_error values; this
** file decides where they go: criteria errors stop everything before a
** single record is read (screening against half-loaded criteria is worse
** than not screening), a bad record is reported and the batch goes on,
** and a failed write to standard output ends the run with status 3 (a
** report that was lost must not look like success).
**
** The options and the exit statuses are documented twice, in usage_text
** below and in docs/trialscreen.1: change both together.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "criteria.h"
#include "eval.h"
#include "input.h"
#include "record.h"
#include "report.h"
#include "timeutil.h"
#include "vocab.h"

#define PROG "trialscreen"

typedef enum verb { VERB_SCREEN, VERB_TRIALS, VERB_LINT } verb;
typedef enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_when;

typedef struct cli_opts {
    verb verb;
    const char **criteria;  /* -c, in order */
    int ncriteria;
    const char **trials;    /* -t */
    int ntrials;
    const char **paths;     /* PATH arguments */
    int npaths;
    ts_time at;             /* --at, or TS_NONE */
    report_format format;
    int jobs;               /* -j (accepted; one thread for now) */
    int summary, quiet, strict, verbose;
    unsigned assume;        /* --assume-complete: SEC_* bits */
    color_when color;
    int help, version;
} cli_opts;

static const char usage_text[] =
"usage: trialscreen [screen] [OPTIONS] [PATH ...]\n"
"       trialscreen trials [OPTIONS]\n"
"       trialscreen lint [OPTIONS] [CRITERIA ...]\n"
"       trialscreen --help | --version\n"
"\n"
"Screen patient records against clinical-trial eligibility criteria.\n"
"\n"
"Verbs:\n"
"  screen     screen records (the default verb)\n"
"  trials     list the loaded trials and their criteria\n"
"  lint       check criteria files (not implemented yet)\n"
"\n"
"PATH is a patient record (*.json), an NDJSON file (*.ndjson, *.jsonl: one\n"
"record a line), a directory (every such file below it, in sorted path\n"
"order), or - for NDJSON on standard input (the default when no PATH is\n"
"given and standard input is not a terminal).\n"
"\n"
"Options:\n"
"  -c, --criteria PATH      criteria file or directory (repeatable); default:\n"
"                           $TRIALSCREEN_CRITERIA, else the bundled criteria\n"
"  -t, --trial ID           screen only this trial (repeatable)\n"
"      --at TIME            screening time for every record (RFC 3339 or 'now');\n"
"                           default: the record's as_of, else its latest time\n"
"      --format FORMAT      text (default), ndjson or csv\n"
"      --json               same as --format ndjson\n"
"  -j, --jobs N             worker threads (accepted; one thread is used for now)\n"
"      --summary            per-trial tally after the records (not implemented yet)\n"
"  -q, --quiet              print nothing; the exit status says whether any\n"
"                           record is eligible for any selected trial\n"
"      --assume-complete SECTION\n"
"                           treat SECTION as complete in every record:\n"
"                           conditions, procedures, medications, locations\n"
"                           or all (repeatable, or comma-separated)\n"
"      --strict             unknown top-level record fields are errors\n"
"      --verbose            print record warnings on standard error\n"
"      --color[=WHEN]       colour text output: auto (default), always, never\n"
"  -h, --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Exit status:\n"
"  0  every record was screened (with -q: and some record is eligible)\n"
"  1  with -q: no record is eligible\n"
"  2  usage error, or criteria that fail to load: nothing was screened\n"
"  3  some records could not be read or were invalid (they are reported and\n"
"     every other record was still screened), or the output could not be\n"
"     written\n"
"\n"
"Environment:\n"
"  NO_COLOR              if set and not empty: no colour (unless --color=always)\n"
"  TRIALSCREEN_CRITERIA  criteria paths (separated by ':') used without -c\n"
"\n"
"See trialscreen(1) for the output formats.\n";

/* Report a usage error and return EXIT_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'trialscreen --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/*
** {======================================================================
** Option parsing
** =======================================================================
*/

enum {
    O_CRITERIA = 'c', O_TRIAL = 't', O_JOBS = 'j', O_QUIET = 'q',
    O_HELP = 'h',
    O_AT = 256, O_FORMAT, O_JSON, O_SUMMARY, O_ASSUME, O_STRICT, O_VERBOSE,
    O_COLOR, O_VERSION
};

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };  /* optional: only as --x=v */

static const struct option_def {
    const char *name;
    int id;                 /* also the short letter, when < 256 */
    int arg;
} options[] = {
    { "criteria", O_CRITERIA, ARG_REQUIRED },
    { "trial", O_TRIAL, ARG_REQUIRED },
    { "at", O_AT, ARG_REQUIRED },
    { "format", O_FORMAT, ARG_REQUIRED },
    { "json", O_JSON, ARG_NONE },
    { "jobs", O_JOBS, ARG_REQUIRED },
    { "summary", O_SUMMARY, ARG_NONE },
    { "quiet", O_QUIET, ARG_NONE },
    { "assume-complete", O_ASSUME, ARG_REQUIRED },
    { "strict", O_STRICT, ARG_NONE },
    { "verbose", O_VERBOSE, ARG_NONE },
    { "color", O_COLOR, ARG_OPTIONAL },
    { "colour", O_COLOR, ARG_OPTIONAL },
    { "help", O_HELP, ARG_NONE },
    { "version", O_VERSION, ARG_NONE },
    { NULL, 0, 0 }
};

static int
parse_sections(const char *s, unsigned *bits)
{
    static const struct { const char *name; unsigned bit; } sec[] = {
        { "conditions", SEC_CONDITIONS }, { "procedures", SEC_PROCEDURES },
        { "medications", SEC_MEDICATIONS }, { "locations", SEC_LOCATIONS },
        { "all", SEC_CONDITIONS | SEC_PROCEDURES | SEC_MEDICATIONS |
                 SEC_LOCATIONS },
    };
    while (*s) {
        size_t n = strcspn(s, ",");
        size_t i;
        for (i = 0; i < sizeof sec / sizeof sec[0]; i++)
            if (strlen(sec[i].name) == n && strncmp(s, sec[i].name, n) == 0)
                break;
        if (i == sizeof sec / sizeof sec[0])
            return usage_error("unknown section '%.*s' for --assume-complete "
                               "(expected conditions, procedures, medications, "
                               "locations or all)", (int)n, s);
        *bits |= sec[i].bit;
        s += n + (s[n] == ',');
    }
    return 0;
}

/* Apply one option with its argument (NULL if none). */
static int
apply_option(cli_opts *o, int id, const char *arg)
{
    char why[256];
    char *end;
    switch (id) {
    case O_CRITERIA:
        o->criteria[o->ncriteria++] = arg;
        return 0;
    case O_TRIAL:
        o->trials[o->ntrials++] = arg;
        return 0;
    case O_AT:
        if (strcmp(arg, "now") == 0) {
            o->at = (ts_time)time(NULL);
            return 0;
        }
        if (ts_parse_time(arg, &o->at, why, sizeof why) != 0)
            return usage_error("invalid --at time '%s': %s", arg, why);
        return 0;
    case O_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = REPORT_TEXT;
        else if (strcmp(arg, "ndjson") == 0 || strcmp(arg, "json") == 0)
            o->format = REPORT_NDJSON;
        else if (strcmp(arg, "csv") == 0)
            o->format = REPORT_CSV;
        else
            return usage_error("unknown format '%s' (expected text, ndjson "
                               "or csv)", arg);
        return 0;
    case O_JSON:
        o->format = REPORT_NDJSON;
        return 0;
    case O_JOBS:
        errno = 0;
        long n = strtol(arg, &end, 10);
        if (errno || end == arg || *end || n < 1 || n > 1024)
            return usage_error("invalid --jobs '%s' (expected a number from "
                               "1 to 1024)", arg);
        o->jobs = (int)n;
        return 0;
    case O_SUMMARY: o->summary = 1; return 0;
    case O_QUIET:   o->quiet = 1; return 0;
    case O_STRICT:  o->strict = 1; return 0;
    case O_VERBOSE: o->verbose = 1; return 0;
    case O_HELP:    o->help = 1; return 0;
    case O_VERSION: o->version = 1; return 0;
    case O_ASSUME:
        return parse_sections(arg, &o->assume);
    case O_COLOR:
        if (!arg || strcmp(arg, "always") == 0)
            o->color = COLOR_ALWAYS;
        else if (strcmp(arg, "never") == 0)
            o->color = COLOR_NEVER;
        else if (strcmp(arg, "auto") == 0)
            o->color = COLOR_AUTO;
        else
            return usage_error("invalid --color '%s' (expected auto, always "
                               "or never)", arg);
        return 0;
    }
    return usage_error("internal error: option %d", id);
}

static const struct option_def *
find_long(const char *name, size_t n)
{
    for (const struct option_def *d = options; d->name; d++)
        if (strlen(d->name) == n && strncmp(d->name, name, n) == 0)
            return d;
    return NULL;
}

static const struct option_def *
find_short(int c)
{
    for (const struct option_def *d = options; d->name; d++)
        if (d->id == c)
            return d;
    return NULL;
}

/* --name, --name=value, --name value.  *i is advanced past what is used. */
static int
parse_long(cli_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const struct option_def *d = find_long(a, n);
    if (!d)
        return usage_error("unknown option '--%.*s'", (int)n, a);
    if (d->arg == ARG_NONE && eq)
        return usage_error("option '--%s' takes no value", d->name);
    const char *arg = eq ? eq + 1 : NULL;
    if (d->arg == ARG_REQUIRED && !arg) {
        if (*i + 1 >= argc)
            return usage_error("option '--%s' needs a value", d->name);
        arg = argv[++*i];
    }
    return apply_option(o, d->id, arg);
}

/* -q, -qj4, -t ID, -tID. */
static int
parse_short(cli_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i] + 1;
    for (; *a; a++) {
        const struct option_def *d = find_short((unsigned char)*a);
        if (!d)
            return usage_error("unknown option '-%c'", *a);
        if (d->arg != ARG_REQUIRED) {
            int rc = apply_option(o, d->id, NULL);
            if (rc)
                return rc;
            continue;
        }
        const char *arg = a[1] ? a + 1 : NULL;
        if (!arg) {
            if (*i + 1 >= argc)
                return usage_error("option '-%c' needs a value", *a);
            arg = argv[++*i];
        }
        return apply_option(o, d->id, arg);
    }
    return 0;
}

/*
** The verb, if any, must be the first argument (as in git), so that a file
** called "trials" can still be screened as ./trials.
*/
static int
parse_args(cli_opts *o, int argc, char **argv)
{
    int i = 1, only_paths = 0;
    size_t room = (size_t)(argc > 0 ? argc : 1);
    o->criteria = xcalloc(room, sizeof *o->criteria);
    o->trials = xcalloc(room, sizeof *o->trials);
    o->paths = xcalloc(room, sizeof *o->paths);
    o->at = TS_NONE;
    if (argc > 1) {
        if (strcmp(argv[1], "screen") == 0)
            o->verb = VERB_SCREEN, i = 2;
        else if (strcmp(argv[1], "trials") == 0)
            o->verb = VERB_TRIALS, i = 2;
        else if (strcmp(argv[1], "lint") == 0)
            o->verb = VERB_LINT, i = 2;
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (only_paths || a[0] != '-' || a[1] == '\0')
            o->paths[o->npaths++] = a;
        else if (strcmp(a, "--") == 0)
            only_paths = 1;
        else if (a[1] == '-')
            rc = parse_long(o, argc, argv, &i);
        else
            rc = parse_short(o, argc, argv, &i);
        if (rc)
            return rc;
    }
    return 0;
}

/* }====================================================================== */

/*
** {======================================================================
** Criteria: discovery and loading
** =======================================================================
*/

static void
print_error(const ts_error *err, const char *file)
{
    char buf[1024];
    outbuf b = {0};
    ts_error e = *err;
    if (!e.file)
        e.file = file;
    ts_error_format(&e, buf, sizeof buf);
    outbuf_escaped(&b, buf);
    fprintf(stderr, "%s\n", b.p ? b.p : "");
    outbuf_free(&b);
}

/*
** Load the criteria: -c paths, else the defaults (input.c decides which
** files, in which order).  Returns 0 or EXIT_USAGE after printing why.
*/
static int
load_criteria(const cli_opts *o, trialset *ts)
{
    input_list files = {0};
    ts_error err;
    ts_error_clear(&err);
    int rc = EXIT_USAGE;
    if (input_criteria_files(o->criteria, o->ncriteria, &files, &err) != 0) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        goto done;
    }
    for (int i = 0; i < files.n; i++)
        if (trialset_load(ts, files.s[i], &err) != 0) {
            print_error(&err, files.s[i]);
            goto done;
        }
    if (trialset_count(ts) == 0) {
        fputs(PROG ": no trials found in the criteria\n", stderr);
        goto done;
    }
    rc = 0;
done:
    input_list_free(&files);
    return rc;
}

/* }====================================================================== */

/*
** {======================================================================
** Output
** =======================================================================
*/

/* Write b to standard output.  On failure say so once and return -1: the
** caller stops, since every later write would fail the same way. */
static int
emit(outbuf *b, int flush)
{
    if (outbuf_write(b, stdout) == 0 && (!flush || fflush(stdout) == 0))
        return 0;
    int e = errno ? errno : EIO;
    fprintf(stderr, "error: writing output: %s\n", strerror(e));
    return -1;
}

/* Diagnostics: a failure to write them cannot be reported anywhere. */
static void
emit_diag(outbuf *b)
{
    if (b->len > 0) {
        (void)outbuf_write(b, stderr);
        fflush(stderr);
    }
}

static int
finish_output(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno ? errno : EIO;
        fprintf(stderr, "error: writing output: %s\n", strerror(e));
        return -1;
    }
    return 0;
}

static int
use_color(const cli_opts *o)
{
    if (o->color == COLOR_ALWAYS)
        return 1;
    if (o->color == COLOR_NEVER)
        return 0;
    const char *nc = getenv("NO_COLOR");
    return !(nc && *nc) && isatty(STDOUT_FILENO);
}

/* }====================================================================== */

/*
** {======================================================================
** Verbs
** =======================================================================
*/

static void
record_warnings(outbuf *diag, const record *r, const char *source, int line)
{
    for (int i = 0; i < record_nwarnings(r); i++) {
        const char *w = record_warning(r, i);
        int wl, wc, skip = 0;
        outbuf_escaped(diag, source);
        /* A warning that starts with its own "line:column: " takes the
        ** place of the record's line: "x.json:5:15: warning: ...". */
        if (sscanf(w, "%d:%d: %n", &wl, &wc, &skip) == 2 && skip > 0)
            outbuf_printf(diag, ":%d:%d", wl, wc);
        else if (line > 0)
            outbuf_printf(diag, ":%d", line);
        outbuf_puts(diag, ": warning: ");
        outbuf_escaped(diag, w + skip);
        outbuf_puts(diag, "\n");
    }
}

typedef struct screen_state {
    const cli_opts *o;
    const report_opts *ro;
    trialset *ts;
    const vocab *v;
    arena *a;
    trial_result **res;
    outbuf out, diag;
    int bad;                /* records unreadable or invalid */
    int eligible;           /* some record eligible for some trial */
} screen_state;

static void
screen_item(screen_state *st, const input_item *item)
{
    const cli_opts *o = st->o;
    outbuf *out = o->quiet ? NULL : &st->out;
    if (item->kind == INPUT_WARNING) {
        outbuf_puts(&st->diag, "warning: ");
        outbuf_escaped(&st->diag, item->err.msg);
        outbuf_puts(&st->diag, "\n");
        return;
    }
    if (item->kind == INPUT_ERROR) {
        report_error(st->ro, out, &st->diag, item->source, item->line,
                     &item->err, 1);
        st->bad++;
        return;
    }
    record_opts ropts = { o->at, o->assume, o->strict };
    ts_error err;
    ts_error_clear(&err);
    record *r = record_parse(item->buf, item->len, item->source,
                             item->line > 0 ? item->line - 1 : 0, st->v,
                             &ropts, &err);
    if (!r) {
        report_error(st->ro, out, &st->diag, item->source, item->line, &err, 0);
        st->bad++;
        return;
    }
    if (o->verbose)
        record_warnings(&st->diag, r, item->source, item->line);
    int n = trialset_count(st->ts);
    for (int i = 0; i < n; i++) {
        st->res[i] = eval_trial(trialset_at(st->ts, i), r, st->a);
        if (trial_result_verdict(st->res[i]) == V_ELIGIBLE)
            st->eligible = 1;
    }
    if (out)
        report_record(st->ro, out, r, item->line, st->res, n);
    record_free(r);
    arena_reset(st->a);
}

static int
verb_screen(const cli_opts *o, trialset *ts, const vocab *v)
{
    static const char *const dash[] = { "-" };
    const char *const *paths = o->paths;
    int npaths = o->npaths;
    if (npaths == 0) {
        if (isatty(STDIN_FILENO))
            return usage_error("no input: give a PATH, or pipe NDJSON records "
                               "into standard input");
        paths = dash;
        npaths = 1;
    }
    report_opts ro = { o->format, o->format == REPORT_TEXT && use_color(o) };
    screen_state st = { .o = o, .ro = &ro, .ts = ts, .v = v };
    st.a = arena_new();
    st.res = xcalloc((size_t)trialset_count(ts) + 1, sizeof *st.res);
    input *in = input_new(paths, npaths, 0);
    int failed = 0;

    if (!o->quiet) {
        report_begin(&ro, &st.out);
        failed = emit(&st.out, 0) != 0;
    }
    input_item item;
    while (!failed && input_next(in, &item)) {
        screen_item(&st, &item);
        input_item_release(&item);
        /* Text goes out a patient at a time (flushed), so that on a
        ** terminal it interleaves with the diagnostics in input order. */
        emit_diag(&st.diag);
        if (st.out.len > 0)
            failed = emit(&st.out, ro.format == REPORT_TEXT) != 0;
    }
    if (!failed && o->summary)
        fputs(PROG ": --summary is not implemented yet\n", stderr);
    if (!failed && !o->quiet)
        failed = finish_output() != 0;

    input_free(in);
    outbuf_free(&st.out);
    outbuf_free(&st.diag);
    free(st.res);
    arena_free(st.a);
    if (failed || st.bad)
        return EXIT_BAD_INPUT;
    if (o->quiet)
        return st.eligible ? EXIT_OK : EXIT_NONE_ELIGIBLE;
    return EXIT_OK;
}

static int
verb_trials(const cli_opts *o, const trialset *ts)
{
    report_opts ro = { o->format == REPORT_NDJSON ? REPORT_NDJSON : REPORT_TEXT,
                       0 };
    outbuf out = {0};
    if (o->quiet)
        return EXIT_OK;
    report_trials(&ro, &out, ts);
    int rc = emit(&out, 0) != 0 || finish_output() != 0;
    outbuf_free(&out);
    return rc ? EXIT_BAD_INPUT : EXIT_OK;
}

/* }====================================================================== */

static int
run(const cli_opts *o)
{
    if (o->help) {
        fputs(usage_text, stdout);
        return finish_output() ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (o->version) {
        fputs(PROG " " TS_VERSION "\n", stdout);
        return finish_output() ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (o->verb == VERB_LINT) {
        fputs(PROG ": lint is not implemented yet\n", stderr);
        return EXIT_USAGE;
    }
    if (o->verb == VERB_TRIALS && o->npaths > 0)
        return usage_error("'trials' takes no PATH (use -c for criteria)");
    if (o->format == REPORT_CSV && o->verb == VERB_TRIALS)
        return usage_error("'trials' prints text or ndjson, not csv");

    vocab *v = vocab_new();
    trialset *ts = trialset_new(v);
    int rc = load_criteria(o, ts);
    if (rc == 0 && o->ntrials > 0) {
        ts_error err;
        ts_error_clear(&err);
        if (trialset_select(ts, o->trials, o->ntrials, &err) != 0)
            rc = usage_error("%s", err.msg);
    }
    if (rc == 0)
        rc = o->verb == VERB_TRIALS ? verb_trials(o, ts) : verb_screen(o, ts, v);
    trialset_free(ts);
    vocab_free(v);
    return rc;
}

int
cli_main(int argc, char **argv)
{
    cli_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(&o, argc, argv);
    if (rc == 0)
        rc = run(&o);
    free(o.criteria);
    free(o.trials);
    free(o.paths);
    return rc;
}
