/*
** trialpick.c -- which loaded trial "-t NAME" means.
**
** Coordinators know a trial by its acronym (ECMO-RESCUE) as often as by
** its registry id, and type ids in whatever case they come: NAME is
** matched, in this order, against the exact id, then against ids and
** short titles with case and punctuation ignored ("nct05184296",
** "ecmo rescue").  A name that matches nothing gets the nearest id or
** title by edit distance ("did you mean"), else the list of loaded
** trials, so that a typo never silently screens nothing.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "critload.h"
#include "yamldoc.h"

/* Lower-case letters and digits only: "ECMO-RESCUE" -> "ecmorescue". */
static void
fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; s && *s && n + 1 < size; s++)
        if (isalnum((unsigned char)*s))
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

static int
same_folded(const char *a, const char *folded)
{
    char f[256];
    fold(a, f, sizeof f);
    return f[0] != '\0' && strcmp(f, folded) == 0;
}

/* The nearest id or title (at most 2 edits, folded), or NULL. */
static const char *
nearest(const trialset *ts, const char *folded)
{
    const char *best = NULL;
    int bestd = 3, n = (int)strlen(folded);
    for (int i = 0; i < trialset_count(ts); i++) {
        const trial *t = trialset_at(ts, i);
        const char *names[2] = { t->id, t->title };
        for (int k = 0; k < 2; k++) {
            char f[256];
            if (!names[k])
                continue;
            fold(names[k], f, sizeof f);
            int d = ydoc_distance(folded, f, 2);
            if (d < bestd && d < n) {
                bestd = d;
                best = names[k];
            }
        }
    }
    return best;
}

static void
unknown(const trialset *ts, const char *name, const char *folded,
        ts_error *err)
{
    const char *best = nearest(ts, folded);
    if (best) {
        ts_error_set(err, 0, 0, "unknown trial '%s' (did you mean '%s'?)",
                     name, best);
        return;
    }
    char list[400] = "";
    size_t n = 0;
    for (int i = 0; i < trialset_count(ts) && n + 1 < sizeof list; i++) {
        int k = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                         trialset_at(ts, i)->id);
        n += k > 0 ? (size_t)k : 0;
    }
    ts_error_set(err, 0, 0, "unknown trial '%s' (loaded trials: %s; "
                 "'trialscreen trials' lists them)", name, list);
}

const trial *
trialset_pick(const trialset *ts, const char *name, ts_error *err)
{
    const trial *found = trialset_find(ts, name);
    char folded[256];
    if (found)
        return found;
    fold(name, folded, sizeof folded);
    for (int i = 0; i < trialset_count(ts); i++) {
        const trial *t = trialset_at(ts, i);
        if (!same_folded(t->id, folded) && !same_folded(t->title, folded))
            continue;
        if (found) {
            ts_error_set(err, 0, 0, "trial '%s' is ambiguous: it names both "
                         "%s and %s (use the id)", name, found->id, t->id);
            return NULL;
        }
        found = t;
    }
    if (!found)
        unknown(ts, name, folded, err);
    return found;
}
