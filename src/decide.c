/*
** decide.c -- the deciding criteria of a verdict, as one line of text.
**
** eval.c decides the verdict (an inclusion not met or an exclusion met
** makes it ineligible; else anything unknown makes it incomplete); this
** file names the criteria that did so, for the trial's line in text
** output and the CSV columns.  It reads results only, so what it says
** can never disagree with the verdict.
*/
#include <string.h>

#include "decide.h"

int
decide_is_deciding(const trial_result *tr, int i)
{
    const criterion *c = &tr->t->crit[i];
    const result *res = tr->crit ? tr->crit[i] : NULL;
    tv value = res ? res->value : TV_UNKNOWN;
    if (tr->v == V_INELIGIBLE)
        return value == (c->exclusion ? TV_MET : TV_NOT_MET);
    if (tr->v == V_INCOMPLETE)
        return value == TV_UNKNOWN;
    return 0;
}

/* " (lvef, informed_consent)": what an unknown criterion lacks. */
static void
missing_of(outbuf *b, const result *res)
{
    if (!res || res->nmissing == 0)
        return;
    outbuf_puts(b, " (");
    for (int k = 0; k < res->nmissing && k < DECIDE_MISSING; k++) {
        if (k > 0)
            outbuf_puts(b, ", ");
        outbuf_puts(b, res->missing[k]);
    }
    if (res->nmissing > DECIDE_MISSING)
        outbuf_printf(b, ", +%d more", res->nmissing - DECIDE_MISSING);
    outbuf_puts(b, ")");
}

/* One group: "LABEL a, b, c, +N more" over the deciding criteria that are
** exclusions (excl 1) or inclusions (excl 0); -1 takes both.  *shown
** counts what was listed across groups. */
static void
group(outbuf *b, const trial_result *tr, int excl, const char *label,
      int *shown, int *more)
{
    const trial *t = tr->t;
    int first = 1;
    for (int i = 0; i < t->ncrit; i++) {
        if (!decide_is_deciding(tr, i) ||
            (excl >= 0 && t->crit[i].exclusion != excl))
            continue;
        if (*shown >= DECIDE_SHOWN) {
            (*more)++;
            continue;
        }
        if (first && b->len > 0)
            outbuf_puts(b, "; ");
        outbuf_puts(b, first ? label : ", ");
        outbuf_puts(b, t->crit[i].id);
        if (tr->v == V_INCOMPLETE)
            missing_of(b, tr->crit ? tr->crit[i] : NULL);
        first = 0;
        (*shown)++;
    }
}

void
decide_line(outbuf *b, const trial_result *tr)
{
    outbuf line = {0};
    int shown = 0, more = 0;
    if (tr->v == V_INELIGIBLE) {
        group(&line, tr, 0, "not met: ", &shown, &more);
        group(&line, tr, 1, "excluded by ", &shown, &more);
    } else if (tr->v == V_INCOMPLETE) {
        group(&line, tr, -1, "unknown: ", &shown, &more);
    }
    if (more > 0)
        outbuf_printf(&line, ", +%d more", more);
    if (line.len > 0)
        outbuf_put(b, line.p, line.len);
    outbuf_release(&line);
}

void
decide_reasons(outbuf *b, const trial_result *tr, const char *sep)
{
    int first = 1;
    for (int i = 0; i < tr->t->ncrit; i++) {
        if (!decide_is_deciding(tr, i))
            continue;
        const result *res = tr->crit ? tr->crit[i] : NULL;
        if (!first)
            outbuf_puts(b, sep);
        outbuf_puts(b, tr->t->crit[i].id);
        outbuf_puts(b, ": ");
        outbuf_puts(b, res && result_reason(res) ? result_reason(res) : "not evaluated");
        first = 0;
    }
}

static int
in_a_section(const record *r, const char *item)
{
    const concept *c = vocab_find(r->vocab, item);
    return c && (c->kind == CK_CONDITION || c->kind == CK_PROCEDURE ||
                 c->kind == CK_MEDICATION || c->kind == CK_LOCATION);
}

int
decide_sections_hint(const record *r, trial_result *const *res, int n)
{
    int total = 0, sectioned = 0;
    if (r->complete != 0)
        return 0;
    for (int i = 0; i < n; i++) {
        if (res[i]->v != V_INCOMPLETE)
            continue;
        for (int k = 0; k < res[i]->nmissing; k++) {
            total++;
            sectioned += in_a_section(r, res[i]->missing[k]);
        }
    }
    return total > 0 && 2 * sectioned > total;
}
