/*
** merge.c -- "trialscreen merge": shard or block outputs back into one.
**
** Why a verb and not a paste(1) line in a script: the merge has to be
** right without anyone looking, on a cluster, at night.  So it refuses
** what it cannot merge before writing a byte -- a missing shard, a file
** that is not trialscreen NDJSON, shards whose lengths cannot come from
** one --shard K/N split, a summary in some outputs and not in others --
** and, while dealing the lines back, checks that every input file's
** lines come out in increasing order (a shard of another N or of another
** input shows up there).  Errors name the file and line.
**
** Shards are read twice: once to count their lines (and find their
** summaries), once to deal them out; the pieces are files on disk, and
** counting first is what lets a bad set of shards fail with nothing
** written.  Blocks are read once, in order, and may come on standard
** input (GNU parallel --pipe -k output, which holds one summary per
** block): nothing has to be counted to concatenate them.
**
** Summaries.  Every figure of the NDJSON summary is a count, and the
** per-criterion "missing" list holds every item with its count (not only
** the top three, as the text table does), so the combined summary is
** exact: the same bytes as the summary of one process.  "records" is
** recomputed as screened + unreadable.
*/
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "arena.h"
#include "merge.h"
#include "outfile.h"
#include "report.h"
#include "summary.h"

#define PROG "trialscreen merge"

/* Output is handed to outfile in pieces of about this size. */
#define FLUSH_AT ((size_t)64 << 10)

static const char usage_text[] =
"usage: trialscreen merge --shards N [-o FILE] FILE...\n"
"       trialscreen merge --blocks [-o FILE] FILE...\n"
"\n"
"Put the NDJSON outputs (--json) of several trialscreen processes back\n"
"into the output of one process: records and error lines in input order,\n"
"their --summary objects combined into one.\n"
"\n"
"  --shards N        the FILEs are the outputs of --shard 1/N ... N/N (all\n"
"                    N of them): their lines are dealt back in turn\n"
"  --blocks          the FILEs are the outputs of consecutive blocks of the\n"
"                    input (GNU parallel --pipe, Hadoop, Spark); - is\n"
"                    standard input\n"
"  -o, --output FILE write to FILE, replaced only when complete\n"
"  -h, --help        show this help and exit\n"
"\n"
"FILEs are taken in natural order of their names (out.2 before out.10).\n"
"\n"
"Exit status: 0 merged; 2 usage error, or outputs that cannot be merged\n"
"(-o FILE is then left as it was); 3 merged, but some records could not be read when\n"
"they were screened, or the output could not be written.\n";

typedef enum merge_mode { MODE_NONE, MODE_SHARDS, MODE_BLOCKS } merge_mode;

typedef struct merge_opts {
    merge_mode mode;
    int nshards;
    const char *output;
    const char **files;
    int nfiles;
} merge_opts;

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'trialscreen merge --help' for more information.\n", stderr);
    return MERGE_CANNOT;
}

/* The outputs cannot be merged: say why (with "file:line: " when known). */
static int
fail(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    return MERGE_CANNOT;
}

/*
** {======================================================================
** Input lines
** =======================================================================
*/

typedef struct piece {
    const char *name;
    FILE *f;
    int lineno;
    char *buf;              /* getline's */
    size_t cap;
    long records;           /* record and error lines (shards: counted) */
    int summaries;          /* summary lines seen */
} piece;

/* Open a piece ("-": standard input).  Returns 0 or -1 (reported). */
static int
piece_open(piece *p, const char *name)
{
    p->name = name;
    p->lineno = 0;
    p->f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    if (!p->f) {
        fail("cannot open '%s': %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

static void
piece_close(piece *p)
{
    if (p->f && p->f != stdin)
        fclose(p->f);
    p->f = NULL;
}

/*
** The next line, without its newline and without a trailing tab (Hadoop
** Streaming writes each output line as a key and an empty value).
** Returns its length, 0 at the end, -1 on a read error or a line that
** cannot be trialscreen NDJSON (reported).
*/
static long
piece_line(piece *p)
{
    errno = 0;
    ssize_t n = getline(&p->buf, &p->cap, p->f);
    if (n < 0) {
        if (ferror(p->f)) {
            fail("cannot read '%s': %s", p->name, strerror(errno));
            return -1;
        }
        return 0;
    }
    p->lineno++;
    if (n > 0 && p->buf[n - 1] == '\n')
        p->buf[--n] = '\0';
    if (n > 0 && p->buf[n - 1] == '\t')
        p->buf[--n] = '\0';
    if (n == 0 || p->buf[0] != '{') {
        fail("%s:%d: not a line of trialscreen --json output", p->name,
             p->lineno);
        return -1;
    }
    return (long)n;
}

/* A summary line (written by summary.c, always in this form). */
static int
is_summary(const char *line)
{
    return strncmp(line, "{\"summary\":", 11) == 0;
}

/* }====================================================================== */

/*
** {======================================================================
** Summaries
** =======================================================================
*/

typedef struct mcrit {
    char *id, *kind;
    long excluded, unknown, if_dropped;
    summary_misses miss;
} mcrit;

typedef struct mtrial {
    char *id, *title;
    long screened, eligible, ineligible, incomplete;
    mcrit *c;
    int nc;
} mtrial;

typedef struct msum {
    int n;                  /* summaries added */
    const char *first;      /* the file of the first one, for messages */
    long screened, unreadable;
    fhir_counts skipped;    /* FHIR resources the pieces skipped */
    mtrial *t;
    int nt;
} msum;

static long
count_of(const cJSON *o, const char *key, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
        *bad = 1;
        return 0;
    }
    return (long)v->valuedouble;
}

static const char *
string_of(const cJSON *o, const char *key, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v)) {
        *bad = 1;
        return "";
    }
    return v->valuestring;
}

/* The first summary gives the trials and criteria, in its order. */
static void
shape_from(msum *s, const cJSON *trials, int *bad)
{
    s->nt = cJSON_GetArraySize(trials);
    s->t = xcalloc((size_t)(s->nt ? s->nt : 1), sizeof *s->t);
    for (int i = 0; i < s->nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(trials, i);
        const cJSON *crits = cJSON_GetObjectItemCaseSensitive(t, "criteria");
        mtrial *mt = &s->t[i];
        mt->id = xstrdup(string_of(t, "trial", bad));
        mt->title = xstrdup(string_of(t, "title", bad));
        if (!cJSON_IsArray(crits)) {
            *bad = 1;
            continue;
        }
        mt->nc = cJSON_GetArraySize(crits);
        mt->c = xcalloc((size_t)(mt->nc ? mt->nc : 1), sizeof *mt->c);
        for (int j = 0; j < mt->nc; j++) {
            const cJSON *c = cJSON_GetArrayItem(crits, j);
            mt->c[j].id = xstrdup(string_of(c, "id", bad));
            mt->c[j].kind = xstrdup(string_of(c, "kind", bad));
        }
    }
}

/* Does this summary list the same trials and criteria as the first? */
static int
same_shape(const msum *s, const cJSON *trials)
{
    int bad = 0;
    if (cJSON_GetArraySize(trials) != s->nt)
        return 0;
    for (int i = 0; i < s->nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(trials, i);
        const cJSON *crits = cJSON_GetObjectItemCaseSensitive(t, "criteria");
        if (strcmp(string_of(t, "trial", &bad), s->t[i].id) != 0 ||
            cJSON_GetArraySize(crits) != s->t[i].nc)
            return 0;
        for (int j = 0; j < s->t[i].nc; j++)
            if (strcmp(string_of(cJSON_GetArrayItem(crits, j), "id", &bad),
                       s->t[i].c[j].id) != 0)
                return 0;
    }
    return !bad;
}

static void
add_crit(mcrit *mc, const cJSON *c, int *bad)
{
    mc->excluded += count_of(c, "excluded", bad);
    mc->unknown += count_of(c, "unknown", bad);
    mc->if_dropped += count_of(c, "eligible_if_dropped", bad);
    const cJSON *m, *missing = cJSON_GetObjectItemCaseSensitive(c, "missing");
    if (!cJSON_IsArray(missing)) {
        *bad = 1;
        return;
    }
    cJSON_ArrayForEach(m, missing)
        summary_misses_add(&mc->miss, string_of(m, "item", bad),
                           count_of(m, "records", bad));
}

/* "fhir_skipped":{"type":2,...}, if there: added to s->skipped.  Each
** resource is counted by one piece only: a shard counts the skips of the
** patients it screened, and shard 1 also those of no patient (screen.c). */
static void
add_skipped(msum *s, const cJSON *sum, int *bad)
{
    const cJSON *sk = cJSON_GetObjectItemCaseSensitive(sum, "fhir_skipped"), *v;
    if (!sk)
        return;
    if (!cJSON_IsObject(sk)) {
        *bad = 1;
        return;
    }
    cJSON_ArrayForEach(v, sk) {
        int i = 0;
        while (i < FS_COUNT && strcmp(fhir_skip_key((fhir_skip)i), v->string) != 0)
            i++;
        if (i == FS_COUNT || !cJSON_IsNumber(v) || v->valuedouble < 0) {
            *bad = 1;
            return;
        }
        s->skipped.n[i] += (long)v->valuedouble;
    }
}

/* Add one summary line.  Returns 0, or -1 (reported). */
static int
msum_add(msum *s, const char *line, const piece *p)
{
    cJSON *doc = cJSON_Parse(line);
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    const cJSON *trials = cJSON_GetObjectItemCaseSensitive(sum, "trials");
    int bad = !cJSON_IsArray(trials);
    if (!bad && s->n == 0) {
        shape_from(s, trials, &bad);
        s->first = p->name;
    } else if (!bad && !same_shape(s, trials)) {
        cJSON_Delete(doc);
        fail("%s:%d: the summary is for other trials or criteria than the "
             "one in '%s' (were all pieces screened with the same criteria "
             "and -t?)", p->name, p->lineno, s->first);
        return -1;
    }
    long screened = count_of(sum, "screened", &bad);
    long unreadable = count_of(sum, "unreadable", &bad);
    if (count_of(sum, "records", &bad) != screened + unreadable)
        bad = 1;
    s->screened += screened;
    s->unreadable += unreadable;
    add_skipped(s, sum, &bad);
    for (int i = 0; !bad && i < s->nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(trials, i);
        const cJSON *crits = cJSON_GetObjectItemCaseSensitive(t, "criteria");
        mtrial *mt = &s->t[i];
        mt->screened += count_of(t, "screened", &bad);
        mt->eligible += count_of(t, "eligible", &bad);
        mt->ineligible += count_of(t, "ineligible", &bad);
        mt->incomplete += count_of(t, "incomplete", &bad);
        for (int j = 0; j < mt->nc; j++)
            add_crit(&mt->c[j], cJSON_GetArrayItem(crits, j), &bad);
    }
    cJSON_Delete(doc);
    if (bad) {
        fail("%s:%d: not a trialscreen summary object", p->name, p->lineno);
        return -1;
    }
    s->n++;
    return 0;
}

/* The same bytes as summary.c's NDJSON summary. */
static void
msum_write(const msum *s, outbuf *b)
{
    outbuf_printf(b, "{\"summary\":{\"records\":%ld,\"screened\":%ld,"
                  "\"unreadable\":%ld",
                  s->screened + s->unreadable, s->screened, s->unreadable);
    summary_skipped_json(b, &s->skipped);
    outbuf_puts(b, ",\"trials\":[");
    for (int i = 0; i < s->nt; i++) {
        const mtrial *t = &s->t[i];
        outbuf_puts(b, i ? ",{\"trial\":" : "{\"trial\":");
        outbuf_json(b, t->id);
        outbuf_puts(b, ",\"title\":");
        outbuf_json(b, t->title);
        outbuf_printf(b, ",\"screened\":%ld,\"eligible\":%ld,"
                      "\"ineligible\":%ld,\"incomplete\":%ld,\"criteria\":[",
                      t->screened, t->eligible, t->ineligible, t->incomplete);
        for (int j = 0; j < t->nc; j++) {
            const mcrit *c = &t->c[j];
            if (j > 0)
                outbuf_put(b, ",", 1);
            summary_crit_json(b, c->id, c->kind, c->excluded, c->unknown,
                              c->if_dropped, &c->miss);
        }
        outbuf_puts(b, "]}");
    }
    outbuf_puts(b, "]}}\n");
}

static void
msum_release(msum *s)
{
    for (int i = 0; i < s->nt; i++) {
        for (int j = 0; j < s->t[i].nc; j++) {
            mcrit *c = &s->t[i].c[j];
            summary_misses_release(&c->miss);
            free(c->id);
            free(c->kind);
        }
        free(s->t[i].c);
        free(s->t[i].id);
        free(s->t[i].title);
    }
    free(s->t);
}

/* }====================================================================== */

/*
** {======================================================================
** Merging
** =======================================================================
*/

typedef struct merger {
    const merge_opts *o;
    piece *p;               /* o->nfiles */
    msum sum;
    outfile out;
    outbuf buf;
    long errors;            /* error lines among the records */
    /* Order check: the current run of lines from one input file. */
    char *src;
    long src_line, src_first;
} merger;

/* Send what is buffered to the output.  Returns 0 or -1. */
static int
drain(merger *m, int force)
{
    if (m->buf.len == 0 || (!force && m->buf.len < FLUSH_AT))
        return 0;
    return outfile_write(&m->out, &m->buf, 0);
}

/*
** The top-level members of one output line that the merge needs, found
** without building a tree: a record's line is tens of kilobytes, and
** parsing each one with cJSON made the merge as slow as the screening.
** Values are skipped by matching brackets outside strings; the line was
** written by trialscreen, so this is a sanity check, not a validator.
*/
typedef struct line_keys {
    const char *src;        /* "source": the raw (escaped) string bytes */
    size_t srclen;
    long line;              /* "line", or 0 */
    int error;              /* has an "error" member: an unreadable record */
} line_keys;

static const char *
skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* p at an opening quote: the byte after the closing one, or NULL. */
static const char *
skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* One value: the byte after it, or NULL. */
static const char *
skip_value(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if (!(p = skip_string(p, end)))
                return NULL;
            if (depth == 0)
                return p;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return p;
            if (--depth == 0)
                return p + 1;
        } else if (c == ',' && depth == 0) {
            return p;
        }
        p++;
    }
    return depth == 0 ? p : NULL;
}

/* Returns 0, or -1 if the line is not a JSON object of members. */
static int
scan_line(const char *p, size_t len, line_keys *k)
{
    const char *end = p + len;
    memset(k, 0, sizeof *k);
    p = skip_ws(p, end);
    if (p == end || *p++ != '{')
        return -1;
    for (;;) {
        p = skip_ws(p, end);
        if (p < end && *p == '}')
            return skip_ws(p + 1, end) == end ? 0 : -1;
        const char *key = p;
        if (p == end || *p != '"' || !(p = skip_string(p, end)))
            return -1;
        size_t klen = (size_t)(p - key);
        p = skip_ws(p, end);
        if (p == end || *p++ != ':')
            return -1;
        p = skip_ws(p, end);
        const char *val = p;
        if (!(p = skip_value(p, end)) || p == val)
            return -1;
        if (klen == 8 && memcmp(key, "\"source\"", 8) == 0 && *val == '"') {
            k->src = val + 1;
            k->srclen = (size_t)(p - val) - 2;
        } else if (klen == 6 && memcmp(key, "\"line\"", 6) == 0) {
            k->line = strtol(val, NULL, 10);
        } else if (klen == 7 && memcmp(key, "\"error\"", 7) == 0) {
            k->error = 1;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',')
            p++;
        else if (p == end || *p != '}')
            return -1;
    }
}

/*
** One record or error line, in merged order: checked, counted, buffered.
** Lines of one input file must come out with increasing "line" numbers;
** a file named twice starts again at its first line.  Returns 0, or
** nonzero (reported) when the pieces do not interleave.
*/
static int
take_record(merger *m, const piece *p, const char *line, long len)
{
    line_keys k;
    if (is_summary(line) || scan_line(line, (size_t)len, &k) != 0)
        return fail("%s:%d: not a line of trialscreen --json output",
                    p->name, p->lineno);
    if (k.error)
        m->errors++;
    if (m->o->mode == MODE_SHARDS && k.src && k.line >= 1) {
        if (!m->src || strlen(m->src) != k.srclen ||
            memcmp(m->src, k.src, k.srclen) != 0) {
            free(m->src);
            m->src = xmalloc(k.srclen + 1);
            memcpy(m->src, k.src, k.srclen);
            m->src[k.srclen] = '\0';
            m->src_first = k.line;
        } else if (k.line <= m->src_line && k.line != m->src_first) {
            return fail("%s:%d: line %ld of '%s' comes after its line %ld: "
                        "these shards do not interleave (made with another "
                        "N, from another input, or a shard missing?)",
                        p->name, p->lineno, k.line, m->src, m->src_line);
        }
        m->src_line = k.line;
    }
    outbuf_put(&m->buf, line, (size_t)len);
    outbuf_put(&m->buf, "\n", 1);
    return 0;
}

/*
** Read the pieces one after the other, their summaries into m->sum.  The
** other lines of shards are counted (the first of two passes; a shard
** holds one run, so nothing may follow its summary); those of blocks are
** taken in order.
*/
static int
read_pieces(merger *m)
{
    int shards = m->o->mode == MODE_SHARDS;
    for (int k = 0; k < m->o->nfiles; k++) {
        piece *p = &m->p[k];
        long len;
        if (piece_open(p, m->o->files[k]) != 0)
            return -1;
        while ((len = piece_line(p)) > 0) {
            if (shards && p->summaries > 0)
                return fail("%s:%d: a line after the summary: a shard output "
                            "holds one run", p->name, p->lineno);
            if (is_summary(p->buf)) {
                p->summaries++;
                if (msum_add(&m->sum, p->buf, p) != 0)
                    return -1;
            } else if (shards) {
                p->records++;
            } else if (take_record(m, p, p->buf, len) != 0 ||
                       drain(m, 0) != 0) {
                return -1;
            }
        }
        piece_close(p);
        if (len < 0)
            return -1;
    }
    return 0;
}

/* Can these lengths come from one split?  Shard K has record K, K+N, ...
** so the lengths never grow with K and differ by at most one. */
static int
check_lengths(const merger *m)
{
    const piece *p = m->p;
    for (int k = 1; k < m->o->nfiles; k++)
        if (p[k].records > p[k - 1].records || p[k].records < p[0].records - 1)
            return fail("shards of %ld record%s ('%s') and %ld ('%s') cannot "
                        "come from one --shard K/%d split of one input "
                        "(a shard missing, cut short, or of another run?)",
                        p[k - 1].records, p[k - 1].records == 1 ? "" : "s",
                        p[k - 1].name, p[k].records, p[k].name,
                        m->o->nshards);
    return 0;
}

/* Summaries in every piece or in none. */
static int
check_summaries(const merger *m)
{
    int with = 0;
    for (int k = 0; k < m->o->nfiles; k++)
        with += m->p[k].summaries > 0;
    for (int k = 0; with > 0 && k < m->o->nfiles; k++)
        if (m->p[k].summaries == 0)
            return fail("'%s' has no summary but '%s' has: run every piece "
                        "with --summary, or none", m->p[k].name, m->sum.first);
    return 0;
}

/* Shards, second pass: deal the lines out in turn. */
static int
deal_shards(merger *m)
{
    int n = m->o->nfiles;
    long total = 0;
    for (int k = 0; k < n; k++) {
        total += m->p[k].records;
        if (piece_open(&m->p[k], m->o->files[k]) != 0)
            return -1;
    }
    for (long i = 0; i < total; i++) {
        piece *p = &m->p[i % n];
        long len = piece_line(p);
        if (len <= 0)       /* changed since it was counted */
            return len < 0 ? -1 : fail("'%s' ended early", p->name);
        if (take_record(m, p, p->buf, len) != 0 || drain(m, 0) != 0)
            return -1;
    }
    return 0;
}

/* Shards are counted, checked, then dealt out; blocks are joined as they
** are read, summaries wherever a block ended. */
static int
run_merge(merger *m)
{
    if (read_pieces(m) != 0 || check_summaries(m) != 0)
        return -1;
    if (m->o->mode == MODE_SHARDS &&
        (check_lengths(m) != 0 || deal_shards(m) != 0))
        return -1;
    if (m->sum.n > 0)
        msum_write(&m->sum, &m->buf);
    return 0;
}

/* }====================================================================== */

/*
** {======================================================================
** Options and the verb
** =======================================================================
*/

/* Natural order: digit runs compare as numbers (out.2 < out.10). */
static int
natural_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    while (*x && *y) {
        if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
            while (*x == '0' && x[1] >= '0' && x[1] <= '9')
                x++;
            while (*y == '0' && y[1] >= '0' && y[1] <= '9')
                y++;
            size_t i = 0, j = 0;
            while (x[i] >= '0' && x[i] <= '9')
                i++;
            while (y[j] >= '0' && y[j] <= '9')
                j++;
            if (i != j)
                return i < j ? -1 : 1;
            int c = strncmp(x, y, i);
            if (c != 0)
                return c;
            x += i;
            y += j;
        } else if (*x != *y) {
            return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
        } else {
            x++;
            y++;
        }
    }
    return *x ? 1 : *y ? -1 : strcmp(*(const char *const *)a,
                                     *(const char *const *)b);
}

static int
parse_count(const char *s, int *n)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000)
        return -1;
    *n = (int)v;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int
parse_args(merge_opts *o, int argc, char **argv)
{
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (only_files || a[0] != '-' || a[1] == '\0') {
            o->files[o->nfiles++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return fflush(stdout) == 0 ? MERGE_OK : MERGE_BAD_RECORDS;
        } else if (strcmp(a, "--blocks") == 0) {
            o->mode = MODE_BLOCKS;
        } else if (strcmp(a, "--shards") == 0 || strncmp(a, "--shards=", 9) == 0) {
            val = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!val)
                return usage("option '--shards' needs a value");
            if (parse_count(val, &o->nshards) != 0)
                return usage("--shards: '%s' is not a number of shards "
                             "(1 to 100000)", val);
            o->mode = MODE_SHARDS;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
                   strncmp(a, "--output=", 9) == 0) {
            val = a[1] == 'o' ? (i + 1 < argc ? argv[++i] : NULL)
                : a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!val)
                return usage("option '%s' needs a value", a);
            o->output = val;
        } else {
            return usage("unknown option '%s'", a);
        }
    }
    if (o->mode == MODE_NONE)
        return usage("say how the outputs were split: --shards N (the "
                     "outputs of --shard K/N) or --blocks");
    if (o->nfiles == 0)
        return usage("no files to merge");
    if (o->mode == MODE_SHARDS && o->nfiles != o->nshards)
        return fail("--shards %d but %d file%s given: %s", o->nshards,
                    o->nfiles, o->nfiles == 1 ? "" : "s",
                    o->nfiles < o->nshards ? "a shard is missing"
                                           : "more files than shards");
    for (int i = 0; i < o->nfiles; i++) {
        if (strcmp(o->files[i], "-") != 0)
            continue;
        if (o->mode == MODE_SHARDS)
            return usage("shards are read twice: name files, not -");
        if (o->nfiles > 1)
            return usage("- (standard input) must be the only FILE");
    }
    qsort(o->files, (size_t)o->nfiles, sizeof *o->files, natural_cmp);
    for (int i = 1; i < o->nfiles; i++)
        if (strcmp(o->files[i], o->files[i - 1]) == 0 &&
            strcmp(o->files[i], "-") != 0)
            return usage("'%s' is given twice", o->files[i]);
    return -1;
}

int
merge_main(int argc, char **argv)
{
    merge_opts o;
    memset(&o, 0, sizeof o);
    o.files = xcalloc((size_t)argc + 1, sizeof *o.files);
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0) {
        free(o.files);
        return rc;
    }
    merger m;
    memset(&m, 0, sizeof m);
    m.o = &o;
    m.p = xcalloc((size_t)o.nfiles, sizeof *m.p);

    /* A closed pipe is noticed as EPIPE (see screen.c). */
    signal(SIGPIPE, SIG_IGN);
    if (outfile_open(&m.out, o.output) != 0) {
        rc = fail("cannot create '%s': %s", o.output, strerror(errno));
    } else if (run_merge(&m) != 0 || drain(&m, 1) != 0 ||
               outfile_commit(&m.out) != 0) {
        /* A closed pipe ends quietly; a failed write is said here; the
        ** rest was said where it was found. */
        if (m.out.closed_pipe) {
            rc = MERGE_OK;
        } else if (m.out.failed || m.out.err) {
            fail("writing %s%s%s: %s", o.output ? "'" : "output",
                 o.output ? o.output : "", o.output ? "'" : "",
                 strerror(m.out.err));
            rc = MERGE_BAD_RECORDS;
        } else {
            rc = MERGE_CANNOT;
        }
        outfile_abort(&m.out);
    } else if (m.errors > 0) {
        fprintf(stderr, PROG ": %ld record%s could not be read when screened "
                "(%s error line%s kept in place)\n", m.errors,
                m.errors == 1 ? "" : "s", m.errors == 1 ? "its" : "their",
                m.errors == 1 ? "" : "s");
        rc = MERGE_BAD_RECORDS;
    } else {
        rc = MERGE_OK;
    }
    for (int k = 0; k < o.nfiles; k++) {
        piece_close(&m.p[k]);
        free(m.p[k].buf);
    }
    free(m.p);
    free(m.src);
    outbuf_release(&m.buf);
    msum_release(&m.sum);
    free(o.files);
    return rc;
}

/* }====================================================================== */
