/*
** cli.c -- options, criteria discovery, verb dispatch, exit status.
**
** With screen.c, the only code that prints.  Library code returns
** ts_error values; this file decides where they go: criteria errors stop
** everything before a single record is read (screening against
** half-loaded criteria is worse than not screening).  The screen verb
** itself -- threads, a bad record reported while the batch goes on, a
** failed write ending the run with status 3 -- is in screen.c.  Verbs are
** rows of the verbs[] table near the end.
**
** The options and the exit statuses are documented twice, in usage_text
** below and in docs/trialscreen.1: change both together.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "casetest.h"
#include "cli.h"
#include "conceptsview.h"
#include "criteria.h"
#include "diag.h"
#include "eval.h"
#include "input.h"
#include "lint.h"
#include "merge.h"
#include "record.h"
#include "replay.h"
#include "records.h"
#include "report.h"
#include "screen.h"
#include "timeutil.h"
#include "trialsview.h"
#include "vocab.h"

#define PROG "trialscreen"

struct verb_def;
typedef enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_when;

typedef struct cli_opts {
    const struct verb_def *verb;    /* verbs[0] (screen) unless named */
    const char **criteria;  /* -c, in order */
    int ncriteria;
    const char **trials;    /* -t */
    int ntrials;
    const char **paths;     /* PATH arguments */
    int npaths;
    ts_time at;             /* --at, or TS_NONE */
    report_format format;
    int markdown;           /* --format markdown ('trials' only) */
    int jobs;               /* -j; 0: one per CPU */
    int summary, quiet, strict, verbose;
    int no_warnings;        /* --no-warnings */
    report_detail detail;   /* --detail */
    int no_progress;        /* --no-progress */
    int shard_k, shard_n;   /* --shard K/N; n 0: none */
    size_t max_record;      /* --max-record; 0: the default */
    const char *output;     /* -o FILE, or NULL */
    const char *html_dir;   /* --html-dir DIR, or NULL */
    unsigned assume;        /* --assume-complete: SEC_* bits */
    color_when color;
    int help, version;
    /* replay only */
    int replay_opt;         /* some replay option was given */
    ts_time from, to;       /* --from, --to, or TS_NONE */
    int64_t step, min_window;   /* --step, --min-window (seconds) */
    int points, every_point;    /* --points, --every-point */
} cli_opts;

static const char usage_text[] =
"usage: trialscreen [screen] [OPTIONS] [PATH ...]\n"
"       trialscreen records [OPTIONS] [PATH ...]\n"
"       trialscreen trials [OPTIONS]\n"
"       trialscreen lint [OPTIONS] [CRITERIA ...]\n"
"       trialscreen test [-c PATH]... [-v] [--coverage] CASES...\n"
"       trialscreen replay [OPTIONS] [PATH ...]\n"
"       trialscreen concepts [-c PATH]... [--format text|markdown|ndjson]\n"
"       trialscreen merge --shards N | --blocks [-o FILE] FILE...\n"
"       trialscreen --help | --version\n"
"\n"
"Screen patient records against clinical-trial eligibility criteria.\n"
"\n"
"Verbs:\n"
"  screen     screen records (the default verb)\n"
"  records    print the patient-record/1 records read from PATH (records or\n"
"             FHIR) as NDJSON, one a line: what the screener understood\n"
"  trials     list the loaded trials: each criterion's rule in plain words\n"
"  lint       check criteria files (CRITERIA and -c, else the default ones):\n"
"             errors that stop loading, overlapping inclusion and exclusion\n"
"             bounds, rules that can never be met, empty registry texts;\n"
"             exit 2 on errors, 0 with warnings only\n"
"  test       run case files: records with the verdicts they must get\n"
"             (docs/case-tests.md; 'trialscreen test --help')\n"
"  replay     every trial's verdict over each patient's stay, on a grid of\n"
"             --step from the first timestamp to the screening time, each\n"
"             point as 'screen --at' sees it: timelines, eligible intervals\n"
"             (--json), one line per point (--points), or the feasibility\n"
"             summary (--summary); docs/replay.md\n"
"  concepts   list the vocabulary: every concept a record may use, its kind,\n"
"             canonical unit and standard codes\n"
"  merge      put the --json outputs of --shard K/N runs (or of blocks)\n"
"             back into one, summaries combined ('trialscreen merge --help')\n"
"\n"
"PATH is a patient record (*.json), an NDJSON file (*.ndjson, *.jsonl: one\n"
"record a line), a directory (every such file below it, in sorted path\n"
"order), or - for standard input (the default when no PATH is given and\n"
"standard input is not a terminal): NDJSON, or JSON documents spanning\n"
"lines as jq prints them ('jq . patient.json | trialscreen').  FHIR R4 is\n"
"read too, known by its \"resourceType\": a Bundle file gives its patients\n"
"in place; other resources (a Bulk export directory, FHIR NDJSON) are\n"
"grouped by patient and screened after the rest of the input\n"
"(docs/fhir.md).\n"
"\n"
"Options:\n"
"  -c, --criteria PATH      criteria file or directory (repeatable); default:\n"
"                           $TRIALSCREEN_CRITERIA, else the bundled criteria\n"
"  -t, --trial ID           screen only this trial (repeatable): its id or\n"
"                           short title, in any case (nct05184296,\n"
"                           ecmo-rescue)\n"
"      --at TIME            screening time for every record (RFC 3339, seconds\n"
"                           optional: 2026-03-01T12:00Z; or 'now');\n"
"                           default: the record's as_of, else its latest time\n"
"      --format FORMAT      text (default), ndjson, csv or html (one\n"
"                           self-contained page: verdicts, criteria, timelines,\n"
"                           the verdict matrix and attrition; docs/html.md);\n"
"                           'trials' and\n"
"                           'concepts': text, ndjson or markdown; 'lint':\n"
"                           text or ndjson\n"
"      --json               same as --format ndjson\n"
"      --detail LEVEL       how much of each trial: full (default: criteria\n"
"                           with registry text, reason, evidence), criteria\n"
"                           (id, result, reason, missing, since, until) or\n"
"                           verdicts (verdict, window, missing, cohort);\n"
"                           text and ndjson\n"
"  -j, --jobs N             worker threads (default: one per CPU, one for files\n"
"                           under 256 KiB in all); the output never depends\n"
"                           on N\n"
"      --summary            after the records: per trial, how many were\n"
"                           eligible, ineligible, incomplete, and per criterion\n"
"                           how many it excluded or left unknown, the data most\n"
"                           often missing, and how many more records would be\n"
"                           eligible without it\n"
"  -o, --output FILE        write the report to FILE, replaced only when\n"
"                           complete (a temporary file is renamed into place;\n"
"                           a device or FIFO is written as it is)\n"
"      --html-dir DIR       HTML, one page per patient in DIR (made if\n"
"                           missing; names from the ids, docs/html.md) and\n"
"                           DIR/index.html with the verdict matrix\n"
"      --shard K/N          screen only records K, K+N, K+2N, ... (1 <= K <= N,\n"
"                           counting records from 1 in input order): split one\n"
"                           input between N processes or machines\n"
"      --max-record SIZE    largest record (a file or an NDJSON line) read, in\n"
"                           bytes, or with k, M or G (default 16M, at most 2G)\n"
"      --no-progress        no progress line (shown on standard error when it\n"
"                           is a terminal)\n"
"  -q, --quiet              print nothing; the exit status says whether any\n"
"                           record is eligible for any selected trial\n"
"      --assume-complete SECTION\n"
"                           treat SECTION as complete in every record:\n"
"                           conditions, procedures, medications, locations\n"
"                           or all (repeatable, or comma-separated)\n"
"      --strict             what would be a warning is an error: the record\n"
"                           is refused (unknown fields, codes, units)\n"
"      --no-warnings        no warnings about ignored record data (by default\n"
"                           one line per record and reason on standard error)\n"
"      --verbose            also every ignored item, with its JSON path\n"
"      --color[=WHEN]       colour text output: auto (default), always, never\n"
"\n"
"Replay options:\n"
"      --step DURATION      grid step: 90s, 15m (or 15 min), 1h, 2d; multiples\n"
"                           counted from 00:00 UTC (default 15m)\n"
"      --from TIME          start of the grid (default: the record's first\n"
"                           timestamp)\n"
"      --to TIME            end of the grid and screening time (default: the\n"
"                           record's as_of, else its latest time)\n"
"      --points             one NDJSON line per grid point with every verdict\n"
"      --summary            feasibility per trial instead of patients: ever\n"
"                           eligible, eligible time, time to eligibility, hour\n"
"                           and weekday of first eligibility, short intervals\n"
"      --min-window DURATION  eligible intervals shorter than this are counted\n"
"                           as missed by --summary (default 1h)\n"
"      --every-point        evaluate every trial at every point (no skipping;\n"
"                           slower, same verdicts)\n"
"  -h, --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Bundled trials (tests/test_cli.c keeps this list true):\n"
"  NCT03668236  CLASSIC\n"
"  NCT03729765  Hemoperfusion on ECMO\n"
"  NCT03788837  I-MICRO\n"
"  NCT03948048  Pediatric ECMO timing in septic shock\n"
"  NCT04843982  Esketamine in sepsis\n"
"  NCT05184296  ECMO-RESCUE\n"
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
"  SQLITE_TMPDIR, TMPDIR where FHIR resources are grouped (a file removed at\n"
"                        exit, about the size of the export)\n"
"\n"
"See trialscreen(1) for the output formats.\n";

static const struct verb_def *find_verb(const char *name);

/* Report a usage error and return EXIT_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    ts_error e;
    va_list ap;
    ts_error_clear(&e);
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    diag_print(stderr, &e);
    fputs("Try 'trialscreen --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/*
** {======================================================================
** Option parsing
** =======================================================================
*/

enum {
    O_CRITERIA = 'c', O_TRIAL = 't', O_JOBS = 'j', O_QUIET = 'q',
    O_HELP = 'h', O_OUTPUT = 'o',
    O_AT = 256, O_FORMAT, O_JSON, O_SUMMARY, O_ASSUME, O_STRICT, O_VERBOSE,
    O_COLOR, O_VERSION, O_SHARD, O_MAX_RECORD, O_NO_PROGRESS,
    O_FROM, O_TO, O_STEP, O_MIN_WINDOW, O_POINTS, O_EVERY_POINT, O_NO_WARNINGS,
    O_DETAIL, O_HTML_DIR
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
    { "output", O_OUTPUT, ARG_REQUIRED },
    { "html-dir", O_HTML_DIR, ARG_REQUIRED },
    { "shard", O_SHARD, ARG_REQUIRED },
    { "max-record", O_MAX_RECORD, ARG_REQUIRED },
    { "no-progress", O_NO_PROGRESS, ARG_NONE },
    { "quiet", O_QUIET, ARG_NONE },
    { "assume-complete", O_ASSUME, ARG_REQUIRED },
    { "strict", O_STRICT, ARG_NONE },
    { "verbose", O_VERBOSE, ARG_NONE },
    { "no-warnings", O_NO_WARNINGS, ARG_NONE },
    { "detail", O_DETAIL, ARG_REQUIRED },
    { "color", O_COLOR, ARG_OPTIONAL },
    { "colour", O_COLOR, ARG_OPTIONAL },
    { "help", O_HELP, ARG_NONE },
    { "version", O_VERSION, ARG_NONE },
    { "from", O_FROM, ARG_REQUIRED },
    { "to", O_TO, ARG_REQUIRED },
    { "step", O_STEP, ARG_REQUIRED },
    { "min-window", O_MIN_WINDOW, ARG_REQUIRED },
    { "points", O_POINTS, ARG_NONE },
    { "every-point", O_EVERY_POINT, ARG_NONE },
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

/* --shard K/N: 1 <= K <= N. */
static int
parse_shard(cli_opts *o, const char *arg)
{
    char *end;
    errno = 0;
    long k = strtol(arg, &end, 10);
    long n = 0;
    if (!errno && end != arg && *end == '/') {
        const char *p = end + 1;
        n = strtol(p, &end, 10);
        if (errno || end == p || *end)
            n = 0;
    }
    if (n < 1 || n > 1000000 || k < 1 || k > n)
        return usage_error("invalid --shard '%s' (expected K/N with "
                           "1 <= K <= N, e.g. 2/4)", arg);
    o->shard_k = (int)k;
    o->shard_n = (int)n;
    return 0;
}

/* --max-record SIZE: bytes, or with a k, M or G suffix (powers of 1024).
** JSON texts are capped at 2 GiB by the parser (jsondoc.c). */
static int
parse_size(cli_opts *o, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    int shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10, end++;
    else if (*end == 'M')
        shift = 20, end++;
    else if (*end == 'G')
        shift = 30, end++;
    if (errno || end == arg || *end || arg[0] == '-' || n < 1 ||
        n > ((2ULL << 30) >> shift))
        return usage_error("invalid --max-record '%s' (expected a size from "
                           "1 to 2G, e.g. 64M)", arg);
    o->max_record = (size_t)(n << shift);
    if (o->max_record >= (2ULL << 30))
        o->max_record = (2ULL << 30) - 2;  /* INT_MAX - 1: jsondoc's limit */
    return 0;
}

/* A replay duration (--step, --min-window): the criteria files' syntax,
** plus "15m" for minutes (months make no sense for a grid). */
static int
parse_seconds(const char *name, const char *arg, int64_t *out)
{
    char buf[64], why[256];
    ts_duration d;
    size_t n = strlen(arg);
    if (n > 1 && n < sizeof buf - 3 && arg[n - 1] == 'm'
        && (arg[n - 2] == ' ' || (arg[n - 2] >= '0' && arg[n - 2] <= '9'))) {
        snprintf(buf, sizeof buf, "%.*smin", (int)(n - 1), arg);
        arg = buf;
    }
    if (ts_parse_duration(arg, &d, why, sizeof why) != 0)
        return usage_error("invalid --%s: %s", name, why);
    if (d.months || d.seconds <= 0)
        return usage_error("invalid --%s '%s' (expected seconds, minutes, "
                           "hours or days, more than 0)", name, arg);
    *out = d.seconds;
    return 0;
}

static int
parse_replay_time(const char *name, const char *arg, ts_time *out)
{
    char why[256];
    if (ts_parse_time(arg, out, why, sizeof why) != 0)
        return usage_error("invalid --%s time '%s': %s", name, arg, why);
    return 0;
}

/*
** --at TIME: RFC 3339 as in records, and also without seconds
** ("2026-03-01T12:00Z", "2026-03-01 12:00"), as people type a time.
** Records stay strict: only the command line is forgiving.
*/
static int
parse_at(const char *arg, ts_time *t, char *why, size_t whysize)
{
    if (ts_parse_time(arg, t, why, whysize) == 0)
        return 0;
    size_t n = strlen(arg);
    if (n < 16 || n > 64 || !strchr("Tt ", arg[10]) || arg[13] != ':' ||
        !strchr("0123456789", arg[14]) || !strchr("0123456789", arg[15]) ||
        (arg[16] != '\0' && !strchr("Zz+-", arg[16])))
        return -1;
    char buf[80];
    snprintf(buf, sizeof buf, "%.16s:00%s", arg, arg + 16);
    return ts_parse_time(buf, t, why, whysize);
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
        if (parse_at(arg, &o->at, why, sizeof why) != 0)
            return usage_error("invalid --at time '%s': %s", arg, why);
        return 0;
    case O_FORMAT:
        o->markdown = 0;
        if (strcmp(arg, "markdown") == 0 || strcmp(arg, "md") == 0)
            o->markdown = 1, o->format = REPORT_TEXT;
        else if (strcmp(arg, "text") == 0)
            o->format = REPORT_TEXT;
        else if (strcmp(arg, "ndjson") == 0 || strcmp(arg, "json") == 0)
            o->format = REPORT_NDJSON;
        else if (strcmp(arg, "csv") == 0)
            o->format = REPORT_CSV;
        else if (strcmp(arg, "html") == 0)
            o->format = REPORT_HTML;
        else
            return usage_error("unknown format '%s' (expected text, ndjson, "
                               "csv, html or markdown)", arg);
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
    case O_OUTPUT:  o->output = arg; return 0;
    case O_HTML_DIR:
        if (!*arg)
            return usage_error("--html-dir needs a directory name");
        o->html_dir = arg;
        o->format = REPORT_HTML;
        return 0;
    case O_SHARD:   return parse_shard(o, arg);
    case O_MAX_RECORD: return parse_size(o, arg);
    case O_NO_PROGRESS: o->no_progress = 1; return 0;
    case O_QUIET:   o->quiet = 1; return 0;
    case O_STRICT:  o->strict = 1; return 0;
    case O_VERBOSE: o->verbose = 1; return 0;
    case O_NO_WARNINGS: o->no_warnings = 1; return 0;
    case O_DETAIL:
        if (strcmp(arg, "full") == 0)
            o->detail = DETAIL_FULL;
        else if (strcmp(arg, "criteria") == 0)
            o->detail = DETAIL_CRITERIA;
        else if (strcmp(arg, "verdicts") == 0)
            o->detail = DETAIL_VERDICTS;
        else
            return usage_error("unknown detail '%s' (expected verdicts, criteria "
                               "or full)", arg);
        return 0;
    case O_HELP:    o->help = 1; return 0;
    case O_VERSION: o->version = 1; return 0;
    case O_ASSUME:
        return parse_sections(arg, &o->assume);
    case O_FROM:    o->replay_opt = 1; return parse_replay_time("from", arg, &o->from);
    case O_TO:      o->replay_opt = 1; return parse_replay_time("to", arg, &o->to);
    case O_STEP:    o->replay_opt = 1; return parse_seconds("step", arg, &o->step);
    case O_MIN_WINDOW:
        o->replay_opt = 1;
        return parse_seconds("min-window", arg, &o->min_window);
    case O_POINTS:  o->replay_opt = 1; o->points = 1; return 0;
    case O_EVERY_POINT: o->replay_opt = 1; o->every_point = 1; return 0;
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
    o->from = o->to = TS_NONE;
    o->verb = find_verb("screen");
    if (argc > 1 && find_verb(argv[1])) {
        o->verb = find_verb(argv[1]);
        i = 2;
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
    ts_error e = *err;
    if (!e.file)
        e.file = file;
    diag_print(stderr, &e);
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
        diag_print(stderr, &err);
        goto done;
    }
    for (int i = 0; i < files.n; i++)
        if (trialset_load(ts, files.s[i], &err) != 0) {
            print_error(&err, files.s[i]);
            goto done;
        }
    if (trialset_count(ts) == 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                    "no trials found in the criteria");
        goto done;
    }
    rc = 0;
done:
    input_list_release(&files);
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
    if (e != EPIPE)             /* a closed pipe (| head) ends quietly */
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                    "writing output: %s", strerror(e));
    return -1;
}

static int
finish_output(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno ? errno : EIO;
        if (e == EPIPE)
            return 0;
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0,
                    "writing output: %s", strerror(e));
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

/*
** -j's default: one thread per CPU, but one for a small input (regular
** files of less than SMALL_INPUT bytes in all, about twenty records).
** Starting threads costs more than screening such an input (3 of the
** 12 ms a one-record screening took on the build machine, where a process
** start is expensive), and a bedside run screens one record.  The output
** does not depend on the number of threads.
*/
#define SMALL_INPUT (256 << 10)

static int
default_jobs(const char *const *paths, int npaths)
{
    long long total = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") == 0 || stat(paths[i], &st) != 0
            || !S_ISREG(st.st_mode))
            return batch_cpu_count();
        total += (long long)st.st_size;
    }
    return total < SMALL_INPUT ? 1 : batch_cpu_count();
}

/*
** The screen verb: everything after option parsing and loading the
** criteria is in screen.c (the batch, its threads, the output file).
*/
static int
verb_screen(const cli_opts *o, trialset *ts, const vocab *v)
{
    static const char *const dash[] = { "-" };
    screen_opts so;
    memset(&so, 0, sizeof so);
    so.paths = o->paths;
    so.npaths = o->npaths;
    if (so.npaths == 0) {
        if (isatty(STDIN_FILENO))
            return usage_error("no input: give a PATH, or pipe NDJSON records "
                               "into standard input");
        so.paths = dash;
        so.npaths = 1;
    }
    /* Warnings: their positions are looked for only if they are printed. */
    int rw = o->quiet || (o->no_warnings && !o->verbose) ? RW_COUNT
           : o->verbose ? RW_ALL : RW_GROUPS;
    so.ropts = (record_opts){ o->at, o->assume, o->strict, rw };
    so.ro = (report_opts){ o->format,
                           o->format == REPORT_TEXT && !o->output && use_color(o),
                           o->detail };
    so.quiet = o->quiet;
    so.verbose = o->verbose && !o->quiet;
    so.warnings = !o->quiet && !o->no_warnings;
    so.summary = o->summary;
    so.progress = !o->no_progress && !o->quiet && isatty(STDERR_FILENO);
    so.jobs = o->jobs > 0 ? o->jobs : default_jobs(so.paths, so.npaths);
    so.shard_k = o->shard_k;
    so.shard_n = o->shard_n;
    so.max_record = o->max_record;
    so.output = o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
    so.html_dir = o->html_dir;
    return screen_run(&so, ts, v);
}

/* The records verb: what screen would read, printed (records.c). */
static int
verb_records(const cli_opts *o, trialset *ts, const vocab *v)
{
    static const char *const dash[] = { "-" };
    (void)ts;
    const char *const *paths = o->paths;
    int npaths = o->npaths;
    if (npaths == 0) {
        if (isatty(STDIN_FILENO))
            return usage_error("no input: give a PATH, or pipe NDJSON into "
                               "standard input");
        paths = dash;
        npaths = 1;
    }
    /* records checks each record it prints, as screen reads it. */
    record_opts ro = { o->at, o->assume, o->strict, RW_GROUPS };
    return records_run(paths, npaths, o->max_record, v, &ro);
}

static int
verb_trials(const cli_opts *o, trialset *ts, const vocab *v)
{
    (void)v;
    report_opts ro = { o->format == REPORT_NDJSON ? REPORT_NDJSON : REPORT_TEXT,
                       0, DETAIL_FULL };
    outbuf out = {0};
    if (o->quiet)
        return EXIT_OK;
    if (o->markdown)
        trialsview_markdown(&out, ts);
    else if (o->format == REPORT_NDJSON)
        report_trials(&ro, &out, ts);
    else
        trialsview_text(&out, ts);
    int rc = emit(&out, 0) != 0 || finish_output() != 0;
    outbuf_release(&out);
    return rc ? EXIT_BAD_INPUT : EXIT_OK;
}

/* The vocabulary of the loaded criteria (-c adds a site's own). */
static int
verb_concepts(const cli_opts *o, trialset *ts, const vocab *v)
{
    (void)ts;
    outbuf out = {0};
    if (o->quiet)
        return EXIT_OK;
    conceptsview(&out, v, o->markdown ? CONCEPTS_MARKDOWN
                          : o->format == REPORT_NDJSON ? CONCEPTS_NDJSON
                          : CONCEPTS_TEXT);
    int rc = emit(&out, 0) != 0 || finish_output() != 0;
    outbuf_release(&out);
    return rc ? EXIT_BAD_INPUT : EXIT_OK;
}

static int
check_concepts(const cli_opts *o)
{
    if (o->npaths > 0)
        return usage_error("'concepts' takes no PATH (use -c for criteria)");
    if (o->format == REPORT_CSV)
        return usage_error("'concepts' prints text, ndjson or markdown, "
                           "not csv");
    if (o->ntrials > 0)
        return usage_error("'concepts' takes no -t: the vocabulary is shared "
                           "by every trial");
    return 0;
}

/* }====================================================================== */

/* lint.c loads the criteria itself, each file on its own, so that one
** broken file does not hide the problems of the others. */
static int
verb_lint(const cli_opts *o, trialset *ts, const vocab *v)
{
    (void)ts, (void)v;
    int n = o->ncriteria + o->npaths;
    const char **paths = xcalloc((size_t)n + 1, sizeof *paths);
    for (int i = 0; i < o->ncriteria; i++)
        paths[i] = o->criteria[i];
    for (int i = 0; i < o->npaths; i++)
        paths[o->ncriteria + i] = o->paths[i];
    lint_report lr = {0};
    ts_error err;
    int rc = EXIT_OK;
    if (lint_paths(paths, n, &lr, &err) != 0) {
        diag_print(stderr, &err);
        rc = EXIT_USAGE;
    } else {
        outbuf out = {0};
        if (!o->quiet)
            lint_format(&lr, o->format == REPORT_NDJSON, &out);
        if (emit(&out, 0) != 0 || finish_output() != 0)
            rc = EXIT_BAD_INPUT;
        else if (lr.errors > 0)
            rc = EXIT_USAGE;
        outbuf_release(&out);
    }
    lint_report_release(&lr);
    free(paths);
    return rc;
}

static int
check_lint(const cli_opts *o)
{
    if (o->format == REPORT_CSV || o->markdown)
        return usage_error("'lint' prints text or ndjson");
    if (o->ntrials > 0)
        return usage_error("'lint' takes no -t: it checks whole files");
    return 0;
}

/* Checks before the criteria are loaded: a usage error must not wait for
** (or be hidden by) a criteria error. */
static int
check_trials(const cli_opts *o)
{
    if (o->npaths > 0)
        return usage_error("'trials' takes no PATH (use -c for criteria)");
    if (o->format == REPORT_CSV)
        return usage_error("'trials' prints text, ndjson or markdown, not csv");
    return 0;
}

static int
check_screen(const cli_opts *o)
{
    if (o->replay_opt)
        return usage_error("--from, --to, --step, --min-window, --points and "
                           "--every-point are for 'replay'");
    if (o->markdown)
        return usage_error("--format markdown is only for 'trials'");
    if (o->output && o->quiet)
        return usage_error("--output and --quiet do not go together");
    if (o->html_dir && o->format != REPORT_HTML)
        return usage_error("--html-dir writes HTML: --format does not apply");
    if (o->html_dir && (o->output || o->quiet))
        return usage_error("--html-dir writes DIR/index.html and a page per "
                           "patient: -o and -q do not apply");
    return 0;
}

/* The replay verb: replay.c runs it on the worker pool. */
static int
verb_replay(const cli_opts *o, trialset *ts, const vocab *v)
{
    static const char *const dash[] = { "-" };
    replay_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.paths = o->paths;
    ro.npaths = o->npaths;
    if (ro.npaths == 0) {
        if (isatty(STDIN_FILENO))
            return usage_error("no input: give a PATH, or pipe NDJSON records "
                               "into standard input");
        ro.paths = dash;
        ro.npaths = 1;
    }
    ro.ropts = (record_opts){ o->to, o->assume, o->strict,
                              o->verbose ? RW_ALL : RW_COUNT };
    ro.output = o->points ? REPLAY_POINTS
                : o->format == REPORT_NDJSON ? REPLAY_JSON : REPLAY_TEXT;
    ro.json = o->format == REPORT_NDJSON;
    ro.summary = o->summary;
    ro.every_point = o->every_point;
    ro.from = o->from;
    ro.step = o->step > 0 ? o->step : 15 * TS_MINUTE;
    ro.min_window = o->min_window > 0 ? o->min_window : TS_HOUR;
    ro.verbose = o->verbose;
    ro.progress = !o->no_progress && isatty(STDERR_FILENO);
    ro.jobs = o->jobs > 0 ? o->jobs : default_jobs(ro.paths, ro.npaths);
    ro.max_record = o->max_record;
    ro.outpath = o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
    return replay_run(&ro, ts, v);
}

static int
check_replay(const cli_opts *o)
{
    if (o->format == REPORT_CSV || o->markdown)
        return usage_error("'replay' prints text or ndjson (--json)");
    if (o->at != TS_NONE)
        return usage_error("'replay' takes --to, not --at");
    if (o->quiet || o->shard_n)
        return usage_error("'replay' takes no --quiet or --shard");
    if (o->points && o->summary)
        return usage_error("--points and --summary do not go together");
    if (o->from != TS_NONE && o->to != TS_NONE && o->from > o->to)
        return usage_error("--from is after --to");
    return 0;
}

/* records prints NDJSON records to standard output, nothing else. */
static int
check_records(const cli_opts *o)
{
    if (o->output || o->summary || o->quiet || o->shard_n > 0 || o->markdown
        || o->format == REPORT_CSV)
        return usage_error("'records' prints NDJSON records on standard output: "
                           "-o, --summary, -q, --shard and --format do not apply");
    return 0;
}

/*
** The verbs.  To add one: write verb_NAME, add a row, and document it in
** usage_text and docs/trialscreen.1.  run gets the parsed options and,
** when criteria is set, the loaded and selected trials (else NULL); check,
** if any, runs before anything is loaded.  A verb with options of its own
** sets main instead, which gets argv from the verb on.
*/
typedef int (*verb_fn)(const cli_opts *o, trialset *ts, const vocab *v);

static const struct verb_def {
    const char *name;
    int criteria;                   /* load the criteria first */
    int (*check)(const cli_opts *o);
    verb_fn run;
    int (*main)(int argc, char **argv);
} verbs[] = {
    { "screen", 1, check_screen, verb_screen, NULL },
    { "records", 1, check_records, verb_records, NULL },
    { "trials", 1, check_trials, verb_trials, NULL },
    { "lint",   0, check_lint,   verb_lint,   NULL },
    { "test",   0, NULL,         NULL,        casetest_main },
    { "replay", 1, check_replay, verb_replay, NULL },
    { "concepts", 1, check_concepts, verb_concepts, NULL },
    { "merge",  0, NULL,         NULL,        merge_main },
};

static const struct verb_def *
find_verb(const char *name)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    return NULL;
}

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
    if ((o->format == REPORT_HTML || o->html_dir) && strcmp(o->verb->name, "screen") != 0)
        return usage_error("--format html and --html-dir are for screening, "
                           "not '%s'", o->verb->name);
    int rc = o->verb->check ? o->verb->check(o) : 0;
    if (rc != 0)
        return rc;
    if (!o->verb->criteria)
        return o->verb->run(o, NULL, NULL);

    vocab *v = vocab_new();
    trialset *ts = trialset_new(v);
    rc = load_criteria(o, ts);
    if (rc == 0 && o->ntrials > 0) {
        ts_error err;
        ts_error_clear(&err);
        if (trialset_select(ts, o->trials, o->ntrials, &err) != 0)
            rc = usage_error("%s", err.msg);
    }
    if (rc == 0)
        rc = o->verb->run(o, ts, v);
    trialset_free(ts);
    vocab_free(v);
    return rc;
}

int
cli_main(int argc, char **argv)
{
    /* A verb with options of its own ("test") parses them itself. */
    const struct verb_def *vd = argc > 1 ? find_verb(argv[1]) : NULL;
    if (vd && vd->main)
        return vd->main(argc - 1, argv + 1);
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
