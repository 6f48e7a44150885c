/*
** warnings.c -- what a record reader ignored, counted per reason.
**
** See warnings.h for why warnings are grouped.  Counting must be cheap:
** warnings are printed by default, and in a real extract most observations
** are codes no trial reads, so a record may ignore hundreds of items.  An
** item costs a look-up among the record's groups (a handful, capped at
** WARN_MAX_GROUPS) and nothing else: no message, no path, no position.
** Messages are written only for printed warnings, and "did you mean" is
** looked for only then, with the edit distance the criteria loader uses
** (ydoc_distance).
**
** What the messages read like (after "ID: "):
**   3 observations ignored: unknown code 'lactat' (did you mean 'lactate'?)
**   1 observation ignored: 'norepinephrine' is a medication, not an observation
**   13 observations ignored: unknown unit 'mm/Hg' ('Hg' is not a supported UCUM unit)
**   unknown field 'extra' (ignored)
**   unknown field 'note' in 2 observations (ignored)
*/
#include "warnings.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "yamldoc.h"

#define SHOW 64                 /* bytes of a code or unit quoted */

static int
same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void
warn_count(record *r, warn_reason why, const char *section, const char *wanted,
           const char *key, const char *detail, int ignored, const void *node)
{
    for (int i = 0; i < r->ngroups; i++) {
        warn_group *g = &r->groups[i];
        if (g->reason == why && same(g->section, section) && same(g->key, key)
            && same(g->detail, detail)) {
            g->count++;
            return;
        }
    }
    if (r->ngroups == WARN_MAX_GROUPS) {
        r->more_warnings++;
        return;
    }
    if (r->ngroups == r->capgroups) {
        int cap = r->capgroups ? 2 * r->capgroups : 8;
        r->groups = arena_grow(r->a, r->groups, (size_t)r->capgroups, (size_t)cap,
                               sizeof *r->groups);
        r->capgroups = cap;
    }
    r->groups[r->ngroups++] = (warn_group){
        why, section, wanted, arena_strdup(r->a, key ? key : ""),
        detail ? arena_strdup(r->a, detail) : NULL, ignored, 1, node, 0, 0
    };
}

/* The kind of concept a section holds. */
static concept_kind
section_kind(const char *section)
{
    static const char *const names[] = {
        "observations", "medications", "conditions", "procedures", "locations", "facts"
    };
    for (int k = 0; k < 6; k++)
        if (strcmp(section, names[k]) == 0)
            return (concept_kind)k;     /* CK_* are in the order of names[] */
    return CK_COUNT;
}

/*
** "did you mean": the concept name closest to code within edit distance
** 2, among the section's kind first, then among all.  Coded forms
** ("loinc:8867-4") are not guessed at: a code of another system is not a
** typo of a name.
*/
static const char *
suggest(const vocab *v, const char *code, concept_kind kind)
{
    if (strchr(code, ':'))
        return NULL;
    int wl = (int)strlen(code), n = vocab_count(v);
    for (int pass = 0; pass < 2; pass++) {
        const char *best = NULL;
        int bestd = 3;
        for (int i = 0; i < n; i++) {
            const concept *c = vocab_at(v, i);
            if (pass == 0 && c->kind != kind)
                continue;
            int d = ydoc_distance(code, c->name, 2);
            if (d < bestd && d < wl) {
                bestd = d;
                best = c->name;
            }
        }
        if (best)
            return best;
    }
    return NULL;
}

/* "3 observations" / "1 observation". */
static void
items(const warn_group *g, char *out, size_t size)
{
    size_t n = strlen(g->section);
    if (g->count == 1 && n > 0 && g->section[n - 1] == 's')
        n--;
    snprintf(out, size, "%d %.*s", g->count, (int)n, g->section);
}

void
warn_message(const record *r, const warn_group *g, char *out, size_t size)
{
    char what[64];
    const char *hint;
    items(g, what, sizeof what);
    switch (g->reason) {
    case WR_UNKNOWN_FIELD:
        if (!g->section[0])
            snprintf(out, size, "unknown field '%.*s' (ignored)", SHOW, g->key);
        else
            snprintf(out, size, "unknown field '%.*s' in %s (ignored)", SHOW, g->key, what);
        break;
    case WR_UNKNOWN_CODE:
        hint = suggest(r->vocab, g->key, section_kind(g->section));
        snprintf(out, size, "%s ignored: unknown code '%.*s'%s%s%s", what, SHOW, g->key,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        break;
    case WR_WRONG_KIND:
        snprintf(out, size, "%s ignored: '%.*s' is %s, not %s", what, SHOW, g->key,
                 g->detail ? g->detail : "of another kind", g->wanted ? g->wanted : "");
        break;
    case WR_UNIT:
        snprintf(out, size, "%s%s: %s", what, g->ignored ? " ignored" : "",
                 g->detail ? g->detail : "unusable unit");
        break;
    }
}
