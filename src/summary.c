/*
** summary.c -- count verdicts and criterion outcomes over a batch.
**
** Attrition tables answer the coordinator's question "which criterion is
** costing us patients, and which data would we need to decide more of
** them?".  So per criterion we count exclusions, unknowns, the missing
** items behind the unknowns, and the records that this criterion alone
** keeps from being eligible (every other criterion satisfied).  "Dropped"
** is at the verdict level: a criterion that other criteria refer to still
** counts inside them.
**
** Missing items are strings from the record's arena, which is reset after
** every record, so the tally keeps its own copies.  Distinct items per
** criterion are few (bounded by the vocabulary), so a plain array with a
** linear search is enough.  merge.c adds up summaries with the same tally
** and writes a criterion with the same function (summary_crit_json), so a
** merged summary has the bytes of one process's.
*/
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "summary.h"
#include "verdict.h"

typedef struct crit_tally {
    long excluded;          /* inclusion not met / exclusion met */
    long unknown;
    long only_blocker;      /* the one criterion not satisfied */
    summary_misses miss;
} crit_tally;

typedef struct trial_tally {
    const trial *t;
    long screened, eligible, ineligible, incomplete;
    crit_tally *crit;       /* t->ncrit */
} trial_tally;

struct summary {
    int ntrials;
    trial_tally *trials;
    long records;           /* screened */
    long unreadable;
    fhir_counts skipped;    /* FHIR resources not read (all zero: none) */
};

summary *
summary_new(const trialset *ts)
{
    summary *s = xcalloc(1, sizeof *s);
    s->ntrials = trialset_count(ts);
    s->trials = xcalloc((size_t)(s->ntrials ? s->ntrials : 1), sizeof *s->trials);
    for (int i = 0; i < s->ntrials; i++) {
        const trial *t = trialset_at(ts, i);
        s->trials[i].t = t;
        s->trials[i].crit = xcalloc((size_t)(t->ncrit ? t->ncrit : 1),
                                    sizeof *s->trials[i].crit);
    }
    return s;
}

void
summary_free(summary *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ntrials; i++) {
        trial_tally *tt = &s->trials[i];
        for (int j = 0; j < tt->t->ncrit; j++)
            summary_misses_release(&tt->crit[j].miss);
        free(tt->crit);
    }
    free(s->trials);
    free(s);
}

void
summary_misses_add(summary_misses *t, const char *item, long n)
{
    for (int k = 0; k < t->n; k++)
        if (strcmp(t->m[k].item, item) == 0) {
            t->m[k].n += n;
            return;
        }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->m = xrealloc(t->m, (size_t)t->cap * sizeof *t->m);
    }
    t->m[t->n].item = xstrdup(item);
    t->m[t->n].n = n;
    t->n++;
}

void
summary_misses_release(summary_misses *t)
{
    for (int k = 0; k < t->n; k++)
        free(t->m[k].item);
    free(t->m);
    memset(t, 0, sizeof *t);
}

static void
add_trial(trial_tally *tt, const trial_result *tr)
{
    const trial *t = tt->t;
    int blockers = 0, blocker = -1;
    tt->screened++;
    if (tr->v == V_ELIGIBLE)
        tt->eligible++;
    else if (tr->v == V_INELIGIBLE)
        tt->ineligible++;
    else
        tt->incomplete++;
    for (int j = 0; j < t->ncrit; j++) {
        const result *res = tr->crit ? tr->crit[j] : NULL;
        tv v = res ? res->value : TV_UNKNOWN;
        tv good = t->crit[j].exclusion ? TV_NOT_MET : TV_MET;
        crit_tally *ct = &tt->crit[j];
        if (v == good)
            continue;
        blockers++;
        blocker = j;
        if (v == TV_UNKNOWN) {
            ct->unknown++;
            for (int k = 0; res && k < res->nmissing; k++)
                if (res->missing[k])
                    summary_misses_add(&ct->miss, res->missing[k], 1);
        } else {
            ct->excluded++;
        }
    }
    if (blockers == 1)
        tt->crit[blocker].only_blocker++;
}

void
summary_add(summary *s, trial_result *const *res, int n)
{
    s->records++;
    for (int i = 0; i < n && i < s->ntrials; i++)
        add_trial(&s->trials[i], res[i]);
}

void
summary_add_unreadable(summary *s)
{
    s->unreadable++;
}

void
summary_merge(summary *dst, const summary *src)
{
    dst->records += src->records;
    dst->unreadable += src->unreadable;
    for (int i = 0; i < dst->ntrials && i < src->ntrials; i++) {
        trial_tally *d = &dst->trials[i];
        const trial_tally *x = &src->trials[i];
        d->screened += x->screened;
        d->eligible += x->eligible;
        d->ineligible += x->ineligible;
        d->incomplete += x->incomplete;
        for (int j = 0; j < d->t->ncrit; j++) {
            crit_tally *dc = &d->crit[j];
            const crit_tally *xc = &x->crit[j];
            dc->excluded += xc->excluded;
            dc->unknown += xc->unknown;
            dc->only_blocker += xc->only_blocker;
            for (int k = 0; k < xc->miss.n; k++)
                summary_misses_add(&dc->miss, xc->miss.m[k].item,
                                   xc->miss.m[k].n);
        }
    }
}

/*
** {======================================================================
** Rendering
** =======================================================================
*/

/* Most often first; ties by name, so the output never depends on which
** record (or thread) met an item first. */
static int
miss_cmp(const void *a, const void *b)
{
    const summary_miss *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->item, y->item);
}

/* The top items of a tally (at most limit), sorted, in a fresh array of
** *n. */
static summary_miss *
top_missing(const summary_misses *t, int limit, int *n)
{
    summary_miss *m = xmalloc((size_t)(t->n ? t->n : 1) * sizeof *m);
    if (t->n > 0) {
        memcpy(m, t->m, (size_t)t->n * sizeof *m);
        qsort(m, (size_t)t->n, sizeof *m, miss_cmp);
    }
    *n = t->n < limit ? t->n : limit;
    return m;
}

/* NDJSON lists every missing item, not only the top ones: then the
** summaries of the pieces of a split batch add up exactly (merge.c). */
void
summary_crit_json(outbuf *b, const char *id, const char *kind, long excluded,
                  long unknown, long if_dropped, const summary_misses *t)
{
    int n;
    summary_miss *m = top_missing(t, t->n, &n);
    outbuf_puts(b, "{\"id\":");
    outbuf_json(b, id);
    outbuf_puts(b, ",\"kind\":");
    outbuf_json(b, kind);
    outbuf_printf(b, ",\"excluded\":%ld,\"unknown\":%ld,"
                  "\"eligible_if_dropped\":%ld,\"missing\":[",
                  excluded, unknown, if_dropped);
    for (int k = 0; k < n; k++) {
        outbuf_puts(b, k ? ",{\"item\":" : "{\"item\":");
        outbuf_json(b, m[k].item);
        outbuf_printf(b, ",\"records\":%ld}", m[k].n);
    }
    outbuf_puts(b, "]}");
    free(m);
}

void
summary_set_skipped(summary *s, const fhir_counts *c)
{
    if (s)
        s->skipped = *c;
}

void
summary_skipped_json(outbuf *b, const fhir_counts *c)
{
    int k = 0;
    if (fhir_counts_total(c) == 0)
        return;
    outbuf_puts(b, ",\"fhir_skipped\":{");
    for (int i = 0; i < FS_COUNT; i++)
        if (c->n[i] > 0)
            outbuf_printf(b, "%s\"%s\":%ld", k++ ? "," : "",
                          fhir_skip_key((fhir_skip)i), c->n[i]);
    outbuf_puts(b, "}");
}

static void
text_skipped(const summary *s, outbuf *b)
{
    char buf[1024];
    long total = fhir_counts_total(&s->skipped);
    if (total == 0)
        return;
    outbuf_printf(b, "FHIR resources skipped: %ld\n", total);
    for (int i = 0; i < FS_COUNT; i++) {
        if (s->skipped.n[i] == 0)
            continue;
        fhir_skipped_text(&s->skipped, (fhir_skip)i, buf, sizeof buf);
        outbuf_printf(b, "  %8ld  ", s->skipped.n[i]);
        outbuf_escaped(b, buf);
        outbuf_puts(b, "\n");
    }
}

static void
json_summary(const summary *s, outbuf *b)
{
    outbuf_printf(b, "{\"summary\":{\"records\":%ld,\"screened\":%ld,"
                  "\"unreadable\":%ld",
                  s->records + s->unreadable, s->records, s->unreadable);
    summary_skipped_json(b, &s->skipped);
    outbuf_puts(b, ",\"trials\":[");
    for (int i = 0; i < s->ntrials; i++) {
        const trial_tally *tt = &s->trials[i];
        const trial *t = tt->t;
        outbuf_puts(b, i ? ",{\"trial\":" : "{\"trial\":");
        outbuf_json(b, t->id);
        outbuf_puts(b, ",\"title\":");
        outbuf_json(b, t->title);
        outbuf_printf(b, ",\"screened\":%ld,\"eligible\":%ld,"
                      "\"ineligible\":%ld,\"incomplete\":%ld,\"criteria\":[",
                      tt->screened, tt->eligible, tt->ineligible,
                      tt->incomplete);
        for (int j = 0; j < t->ncrit; j++) {
            const criterion *c = &t->crit[j];
            const crit_tally *ct = &tt->crit[j];
            if (j > 0)
                outbuf_put(b, ",", 1);
            summary_crit_json(b, c->id, c->exclusion ? "exclusion" : "inclusion",
                              ct->excluded, ct->unknown, ct->only_blocker,
                              &ct->miss);
        }
        outbuf_puts(b, "]}");
    }
    outbuf_puts(b, "]}}\n");
}

static void
pad_to(outbuf *b, size_t start, size_t width)
{
    while (b->len - start < width)
        outbuf_put(b, " ", 1);
}

static void
text_crit(outbuf *b, const criterion *c, const crit_tally *ct, int width)
{
    int n;
    summary_miss *m = top_missing(&ct->miss, SUMMARY_TOP_MISSING, &n);
    size_t start = b->len;
    outbuf_puts(b, "    ");
    outbuf_puts(b, c->exclusion ? "exc " : "inc ");
    outbuf_escaped(b, c->id);
    pad_to(b, start, (size_t)width + 9);
    outbuf_printf(b, " %9ld %8ld %10ld  ", ct->excluded, ct->unknown,
                  ct->only_blocker);
    for (int k = 0; k < n; k++) {
        if (k > 0)
            outbuf_puts(b, ", ");
        outbuf_escaped(b, m[k].item);
        outbuf_printf(b, " (%ld)", m[k].n);
    }
    if (n == 0)
        outbuf_puts(b, "-");
    outbuf_puts(b, "\n");
    free(m);
}

static void
text_summary(const summary *s, outbuf *b)
{
    outbuf_printf(b, "Summary: %ld record%s screened", s->records,
                  s->records == 1 ? "" : "s");
    if (s->unreadable > 0)
        outbuf_printf(b, ", %ld could not be read", s->unreadable);
    outbuf_puts(b, "\n");
    text_skipped(s, b);
    for (int i = 0; i < s->ntrials; i++) {
        const trial_tally *tt = &s->trials[i];
        const trial *t = tt->t;
        int width = 9;
        for (int j = 0; j < t->ncrit; j++)
            if ((int)strlen(t->crit[j].id) > width)
                width = (int)strlen(t->crit[j].id);
        if (width > 32)
            width = 32;
        outbuf_puts(b, "\n");
        outbuf_escaped(b, t->id);
        if (t->title) {
            outbuf_puts(b, "  ");
            outbuf_escaped(b, t->title);
        }
        outbuf_printf(b, "\n  screened %ld: eligible %ld, ineligible %ld, "
                      "incomplete %ld\n", tt->screened, tt->eligible,
                      tt->ineligible, tt->incomplete);
        size_t start = b->len;
        outbuf_puts(b, "    criterion");
        pad_to(b, start, (size_t)width + 9);
        outbuf_puts(b, "  excluded  unknown  +eligible  most often missing\n");
        for (int j = 0; j < t->ncrit; j++)
            text_crit(b, &t->crit[j], &tt->crit[j], width);
    }
}

void
summary_report(const summary *s, report_format format, outbuf *out)
{
    if (format == REPORT_NDJSON)
        json_summary(s, out);
    else
        text_summary(s, out);
}

/* }====================================================================== */

void
summary_trial_counts(const summary *s, int i, long *screened, long *eligible,
                     long *ineligible, long *incomplete)
{
    const trial_tally *tt = &s->trials[i];
    *screened = tt->screened;
    *eligible = tt->eligible;
    *ineligible = tt->ineligible;
    *incomplete = tt->incomplete;
}

void
summary_crit_counts(const summary *s, int i, int c, long *excluded, long *unknown)
{
    const crit_tally *ct = &s->trials[i].crit[c];
    *excluded = ct->excluded;
    *unknown = ct->unknown;
}
