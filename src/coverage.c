/*
** coverage.c -- `trialscreen test --coverage`: per criterion and per
** sub-rule, whether the cases of a file saw it met, not met and unknown.
**
** A case file that never shows a criterion not met has not tested it: the
** encoding could be "always met" and every case would pass.  The values
** are collected from the results the production evaluator built (each
** result names its rule), keyed by the rule node, and printed in the
** order of the trial file with the rule in words (trialsview.c).  Rules
** are few (hundreds per file), so a linear table is enough.
*/
#include "coverage.h"

#include <stdlib.h>

#include "arena.h"
#include "trialsview.h"

typedef struct seen {
    const rule *ru;
    unsigned mask;              /* 1 << tv */
} seen;

struct coverage {
    int n, cap;
    seen *s;
};

coverage *
coverage_new(void)
{
    return xcalloc(1, sizeof(coverage));
}

void
coverage_free(coverage *c)
{
    if (!c)
        return;
    free(c->s);
    free(c);
}

static seen *
find(coverage *c, const rule *ru, int add)
{
    for (int i = 0; i < c->n; i++)
        if (c->s[i].ru == ru)
            return &c->s[i];
    if (!add)
        return NULL;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->s = xrealloc(c->s, (size_t)c->cap * sizeof *c->s);
    }
    c->s[c->n] = (seen){ ru, 0 };
    return &c->s[c->n++];
}

/* A criterion's result, and every result below it that names a rule. */
static void
note(coverage *c, const result *res, int depth)
{
    if (!res || depth > 2 * RULE_MAX_DEPTH)
        return;
    if (res->rule)
        find(c, res->rule, 1)->mask |= 1u << res->value;
    for (int i = 0; i < res->nkids; i++)
        note(c, res->kids[i], depth + 1);
}

void
coverage_add(coverage *c, const trial_result *tr)
{
    if (!tr)
        return;
    for (int i = 0; i < tr->t->ncrit; i++)
        note(c, tr->crit[i], 0);
}

static void
put_mask(outbuf *out, unsigned mask)
{
    outbuf_printf(out, "%s %s %s", mask & (1u << TV_MET) ? "met" : "---",
                  mask & (1u << TV_NOT_MET) ? "not_met" : "-------",
                  mask & (1u << TV_UNKNOWN) ? "unknown" : "-------");
}

/* A rule and the rules below it (a held-for's or a combinator's kids). */
static void
put_rule(coverage *c, const rule *ru, int depth, outbuf *out)
{
    const seen *s = find(c, ru, 0);
    outbuf_puts(out, "  ");
    put_mask(out, s ? s->mask : 0);
    outbuf_printf(out, "  %*s", 2 * depth, "");
    trialsview_rule(out, ru);
    outbuf_puts(out, "\n");
    if (ru->kind == R_ALL || ru->kind == R_ANY || ru->kind == R_NOT ||
        ru->kind == R_AT_LEAST || ru->kind == R_HELD_FOR || ru->kind == R_CHECK)
        for (int i = 0; i < ru->nkids; i++)
            put_rule(c, ru->kids[i], depth + 1, out);
}

void
coverage_print(coverage *c, const trial *const *trials, int n,
               const char *path, outbuf *out)
{
    outbuf_printf(out, "coverage of %s (met, not met, unknown: seen or ---)\n", path);
    for (int t = 0; t < n; t++)
        for (int i = 0; i < trials[t]->ncrit; i++) {
            const criterion *cr = &trials[t]->crit[i];
            outbuf_printf(out, "%s %s\n", trials[t]->id, cr->id);
            if (cr->rule)
                put_rule(c, cr->rule, 0, out);
            else
                outbuf_puts(out, "  not evaluated\n");
        }
    c->n = 0;
}
