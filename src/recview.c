/*
** recview.c -- a record as it looked at an earlier time (see recview.h).
**
** Why a view and not a second parse: replay evaluates a record at every
** instant where its verdicts can change, often hundreds per stay, and
** parsing is most of the cost of screening.  facts_finish keeps every
** list sorted by time (TS_NONE, the smallest ts_time, first), so what
** --at t keeps of a list is a prefix: the view shares the full record's
** arrays and only shortens them.  Three things differ from a prefix and
** are redone here exactly as record.c and facts.c do them:
**   - an end after t is "still running" (TS_NONE): such a list is copied
**     and its ends cut;
**   - a timed fact after t is absent;
**   - per-kg units were converted with the weight known at the full
**     record's screening time; when the latest weight at t is another
**     sample, the lists that hold per-kg amounts are copied and converted
**     again (rec_convert_late, the function record.c uses).
** The view never writes into the full record, so one parsed record can
** serve any number of views, one after the other.
*/
#include "recview.h"

#include <stddef.h>
#include <string.h>

#include "recorditems.h"
#include "units.h"

/* How many elements of a time-sorted array are timed at or before t. */
static int
prefix_len(const void *items, int n, size_t elsize, size_t toff, ts_time t)
{
    const char *b = items;
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        ts_time x;
        memcpy(&x, b + (size_t)mid * elsize + toff, sizeof x);
        if (x <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Does any of the n elements have an end (at byte offset eoff) after t? */
static int
ends_after(const void *items, int n, size_t elsize, size_t eoff, ts_time t)
{
    const char *b = items;
    for (int i = 0; i < n; i++) {
        ts_time e;
        memcpy(&e, b + (size_t)i * elsize + eoff, sizeof e);
        if (e != TS_NONE && e > t)
            return 1;
    }
    return 0;
}

/* A copy of n elements in a, with every end after t cut to TS_NONE. */
static void *
copy_cut(arena *a, const void *items, int n, size_t elsize, size_t eoff, ts_time t)
{
    char *out = arena_alloc(a, (size_t)(n ? n : 1) * elsize);
    memcpy(out, items, (size_t)n * elsize);
    for (int i = 0; i < n; i++) {
        ts_time e;
        memcpy(&e, out + (size_t)i * elsize + eoff, sizeof e);
        if (e != TS_NONE && e > t) {
            e = TS_NONE;
            memcpy(out + (size_t)i * elsize + eoff, &e, sizeof e);
        }
    }
    return out;
}

/* The prefix of a list of n elements up to t, its ends cut: shared when
** nothing needs cutting.  Sets *np to the new count. */
static void *
view_list(arena *a, void *items, int *np, size_t elsize, size_t toff,
          size_t eoff, ts_time t)
{
    int n = prefix_len(items, *np, elsize, toff, t);
    *np = n;
    if (!ends_after(items, n, elsize, eoff, t))
        return items;
    return copy_cut(a, items, n, elsize, eoff, t);
}

static void
first_unusable(series *s)
{
    s->first_unusable = 0;
    while (s->first_unusable < s->n && s->s[s->first_unusable].type == VAL_NUMBER
           && s->s[s->first_unusable].ok)
        s->first_unusable++;
}

/*
** The latest weight at t is another sample than at the full record's
** screening time: convert the per-kg amounts again, on copies.
*/
static void
reconvert(record *v)
{
    int n = vocab_count(v->vocab);
    for (int i = 0; i < n; i++) {
        const concept *c = vocab_at(v->vocab, i);
        series *s = &v->obs[i];
        int per_kg = 0;
        for (int j = 0; j < s->n && !per_kg; j++)
            per_kg = s->s[j].type == VAL_NUMBER && s->s[j].unit && c->unit
                     && unit_needs_weight(s->s[j].unit, c->unit);
        if (per_kg) {
            sample *copy = arena_alloc(v->a, (size_t)s->n * sizeof *copy);
            memcpy(copy, s->s, (size_t)s->n * sizeof *copy);
            for (int j = 0; j < s->n; j++)
                if (copy[j].type == VAL_NUMBER && copy[j].unit
                    && unit_needs_weight(copy[j].unit, c->unit))
                    copy[j].ok = 0;
            s->s = copy;
        }
        med_list *m = &v->meds[i];
        if (m->n > 0) {
            med_entry *copy = arena_alloc(v->a, (size_t)m->n * sizeof *copy);
            memcpy(copy, m->e, (size_t)m->n * sizeof *copy);
            m->e = copy;
        }
    }
    rec_convert_late(v);
    for (int i = 0; i < n; i++)
        first_unusable(&v->obs[i]);
}

/* Concept i of view v cut at t (record_view_at). */
static void
view_concept(record *v, int i, ts_time t, arena *a)
{
    series *s = &v->obs[i];
    if (s->n > 0) {
        s->n = prefix_len(s->s, s->n, sizeof *s->s, offsetof(sample, t), t);
        if (s->first_unusable > s->n)
            s->first_unusable = s->n;
    }
    med_list *m = &v->meds[i];
    if (m->n > 0)
        m->e = view_list(a, m->e, &m->n, sizeof *m->e,
                         offsetof(med_entry, start), offsetof(med_entry, end), t);
    cond_list *c = &v->conds[i];
    if (c->n > 0)
        c->e = view_list(a, c->e, &c->n, sizeof *c->e,
                         offsetof(cond_entry, onset), offsetof(cond_entry, end), t);
    proc_list *p = &v->procs[i];
    if (p->n > 0)
        p->e = view_list(a, p->e, &p->n, sizeof *p->e,
                         offsetof(proc_entry, start), offsetof(proc_entry, end), t);
    loc_list *l = &v->locs[i];
    if (l->n > 0)
        l->e = view_list(a, l->e, &l->n, sizeof *l->e,
                         offsetof(loc_entry, start), offsetof(loc_entry, end), t);
    const fact_entry *f = v->facts[i];
    if (f && f->t != TS_NONE && f->t > t)
        v->facts[i] = NULL;
}

/* The view, its lists cut for the nheld concepts in held (every concept
** when held is NULL). */
static record *
view_at(const record *full, ts_time t, arena *a, const int *held, int nheld)
{
    size_t n = (size_t)vocab_count(full->vocab);
    record *v = arena_alloc(a, sizeof *v);
    *v = *full;
    v->a = a;
    v->at = t;
    v->at_from = AT_CLI;
    /* Copied whole, then only the non-empty lists looked at: most of the
    ** vocabulary's concepts have no item in a record, and the HTML grid
    ** makes a view per trial evaluation point. */
    v->obs = arena_alloc_raw(a, n * sizeof *v->obs);
    v->meds = arena_alloc_raw(a, n * sizeof *v->meds);
    v->conds = arena_alloc_raw(a, n * sizeof *v->conds);
    v->procs = arena_alloc_raw(a, n * sizeof *v->procs);
    v->locs = arena_alloc_raw(a, n * sizeof *v->locs);
    v->facts = arena_alloc_raw(a, n * sizeof *v->facts);
    memcpy(v->obs, full->obs, n * sizeof *v->obs);
    memcpy(v->meds, full->meds, n * sizeof *v->meds);
    memcpy(v->conds, full->conds, n * sizeof *v->conds);
    memcpy(v->procs, full->procs, n * sizeof *v->procs);
    memcpy(v->locs, full->locs, n * sizeof *v->locs);
    memcpy(v->facts, full->facts, n * sizeof *v->facts);
    if (held)
        for (int k = 0; k < nheld; k++)
            view_concept(v, held[k], t, a);
    else
        for (size_t i = 0; i < n; i++)
            view_concept(v, (int)i, t, a);
    const concept *w = vocab_find(full->vocab, "weight");
    if (w && w->kind == CK_OBSERVATION
        && facts_latest_ok(v, w) != facts_latest_ok(full, w))
        reconvert(v);
    return v;
}

record *
record_view_at(const record *full, ts_time t, arena *a)
{
    return view_at(full, t, a, NULL, 0);
}

record *
record_view_at_held(const record *full, ts_time t, arena *a, const int *held,
                    int nheld)
{
    return view_at(full, t, a, held, nheld);
}

int
record_held(const record *r, int *held)
{
    int n = 0, nc = vocab_count(r->vocab);
    for (int i = 0; i < nc; i++)
        if (r->obs[i].n || r->meds[i].n || r->conds[i].n || r->procs[i].n
            || r->locs[i].n || r->facts[i])
            held[n++] = i;
    return n;
}

static void
earliest(ts_time *best, ts_time t)
{
    if (t != TS_NONE && (*best == TS_NONE || t < *best))
        *best = t;
}

ts_time
record_first_time(const record *r)
{
    ts_time best = TS_NONE;
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < r->obs[i].n; j++)
            earliest(&best, r->obs[i].s[j].t);
        for (int j = 0; j < r->meds[i].n; j++)
            earliest(&best, r->meds[i].e[j].start), earliest(&best, r->meds[i].e[j].end);
        for (int j = 0; j < r->conds[i].n; j++)
            earliest(&best, r->conds[i].e[j].onset), earliest(&best, r->conds[i].e[j].end);
        for (int j = 0; j < r->procs[i].n; j++)
            earliest(&best, r->procs[i].e[j].start), earliest(&best, r->procs[i].e[j].end);
        for (int j = 0; j < r->locs[i].n; j++)
            earliest(&best, r->locs[i].e[j].start), earliest(&best, r->locs[i].e[j].end);
        if (r->facts[i])
            earliest(&best, r->facts[i]->t);
    }
    return best;
}

static void
latest(ts_time *best, ts_time t)
{
    if (t != TS_NONE && (*best == TS_NONE || t > *best))
        *best = t;
}

ts_time
record_last_time(const record *r)
{
    ts_time best = TS_NONE;
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < r->obs[i].n; j++)
            latest(&best, r->obs[i].s[j].t);
        for (int j = 0; j < r->meds[i].n; j++)
            latest(&best, r->meds[i].e[j].start), latest(&best, r->meds[i].e[j].end);
        for (int j = 0; j < r->conds[i].n; j++)
            latest(&best, r->conds[i].e[j].onset), latest(&best, r->conds[i].e[j].end);
        for (int j = 0; j < r->procs[i].n; j++)
            latest(&best, r->procs[i].e[j].start), latest(&best, r->procs[i].e[j].end);
        for (int j = 0; j < r->locs[i].n; j++)
            latest(&best, r->locs[i].e[j].start), latest(&best, r->locs[i].e[j].end);
        if (r->facts[i])
            latest(&best, r->facts[i]->t);
    }
    return best;
}
