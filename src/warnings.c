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

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "facts.h"
#include "yamldoc.h"

#define SHOW 64                 /* bytes of a code or unit quoted */

static int
same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* FNV-1a of a code or unit ("" for none). */
static unsigned
key_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int
warn_count(record *r, warn_reason why, const char *section, const char *wanted,
           const char *key, const char *detail, int ignored, const void *node)
{
    /* A record ignores hundreds of items into a dozen groups: the hash
    ** rules out the other groups without a strcmp. */
    unsigned h = key_hash(key);
    for (int i = 0; i < r->ngroups; i++) {
        warn_group *g = &r->groups[i];
        if (g->hash == h && g->reason == why && same(g->section, section)
            && same(g->key, key) && same(g->detail, detail)) {
            g->count++;
            return i;
        }
    }
    if (r->ngroups == WARN_MAX_GROUPS) {
        r->more_warnings++;
        return -1;
    }
    if (r->ngroups == r->capgroups) {
        int cap = r->capgroups ? 2 * r->capgroups : 8;
        r->groups = arena_grow(r->a, r->groups, (size_t)r->capgroups, (size_t)cap,
                               sizeof *r->groups);
        r->capgroups = cap;
    }
    r->groups[r->ngroups++] = (warn_group){
        why, section, wanted, arena_strdup(r->a, key ? key : ""),
        detail ? arena_strdup(r->a, detail) : NULL, ignored, 1, node, 0, 0, h
    };
    return r->ngroups - 1;
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

/*
** Messages are put together piece by piece rather than with snprintf,
** which cost more than the rest of a warning line (a record prints a
** dozen).  A msg truncates as snprintf would: at size - 1 bytes.
*/
typedef struct msg {
    char *p;
    size_t size, len;
} msg;

static void
msg_put(msg *m, const char *s, size_t n)
{
    if (n > m->size - 1 - m->len)
        n = m->size - 1 - m->len;
    memcpy(m->p + m->len, s, n);
    m->len += n;
    m->p[m->len] = '\0';
}

static void
msg_str(msg *m, const char *s)
{
    msg_put(m, s, strlen(s));
}

/* At most SHOW bytes of s, as "%.*s" with SHOW. */
static void
msg_show(msg *m, const char *s)
{
    msg_put(m, s, strnlen(s, SHOW));
}

static void
msg_int(msg *m, int v)
{
    char d[16];
    const char *p = diag_int(d + sizeof d, v);
    msg_put(m, p, (size_t)(d + sizeof d - p));
}

/* "3 observations" / "1 observation". */
static void
items(const warn_group *g, msg *m)
{
    size_t n = strlen(g->section);
    if (g->count == 1 && n > 0 && g->section[n - 1] == 's')
        n--;
    msg_int(m, g->count);
    msg_put(m, " ", 1);
    msg_put(m, g->section, n);
}

void
warn_message(const record *r, const warn_group *g, char *out, size_t size)
{
    if (size == 0)
        return;
    msg m = {out, size, 0};
    const char *hint;
    out[0] = '\0';
    switch (g->reason) {
    case WR_UNKNOWN_FIELD:              /* unknown field 'K'[ in ITEMS] (ignored) */
        msg_str(&m, "unknown field '");
        msg_show(&m, g->key);
        msg_str(&m, "'");
        if (g->section[0]) {
            msg_str(&m, " in ");
            items(g, &m);
        }
        msg_str(&m, " (ignored)");
        break;
    case WR_UNKNOWN_CODE:               /* ITEMS ignored: unknown code 'K'[ (did you mean 'H'?)] */
        hint = suggest(r->vocab, g->key, section_kind(g->section));
        items(g, &m);
        msg_str(&m, " ignored: unknown code '");
        msg_show(&m, g->key);
        msg_str(&m, "'");
        if (hint) {
            msg_str(&m, " (did you mean '");
            msg_str(&m, hint);
            msg_str(&m, "'?)");
        }
        break;
    case WR_WRONG_KIND:                 /* ITEMS ignored: 'K' is DETAIL, not WANTED */
        items(g, &m);
        msg_str(&m, " ignored: '");
        msg_show(&m, g->key);
        msg_str(&m, "' is ");
        msg_str(&m, g->detail ? g->detail : "of another kind");
        msg_str(&m, ", not ");
        msg_str(&m, g->wanted ? g->wanted : "");
        break;
    case WR_UNIT:                       /* ITEMS[ ignored]: DETAIL */
        items(g, &m);
        if (g->ignored)
            msg_str(&m, " ignored");
        msg_str(&m, ": ");
        msg_str(&m, g->detail ? g->detail : "unusable unit");
        break;
    }
}
