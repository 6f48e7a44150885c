/*
** facts.c -- building the fact model of one record (see facts.h).
**
** record.c (from JSON) and the evaluator tests (from code) append items
** per concept, then facts_finish puts every list in time order and cuts
** away the future: items timed after the screening time go, an end after
** it becomes "still running".  After that the evaluators only ever look
** at the past, which is the one place where time travel bugs would hide.
**
** Lists grow by doubling inside the record's arena.  They carry no
** capacity field: the capacity is implied by the count (4, 8, 16, ...),
** so growth happens exactly when the count reaches a power of two.
*/
#include "facts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WARNINGS 100        /* then one "too many warnings" line */

record *
facts_new(const vocab *v, const char *id)
{
    arena *a = arena_take();    /* record_free gives it back */
    record *r = arena_alloc(a, sizeof *r);
    size_t n = (size_t)vocab_count(v);
    r->a = a;
    r->vocab = v;
    r->id = arena_strdup(a, id ? id : "");
    r->at = TS_NONE;
    r->at_from = AT_CLI;
    r->obs = arena_alloc(a, n * sizeof *r->obs);
    r->meds = arena_alloc(a, n * sizeof *r->meds);
    r->conds = arena_alloc(a, n * sizeof *r->conds);
    r->procs = arena_alloc(a, n * sizeof *r->procs);
    r->locs = arena_alloc(a, n * sizeof *r->locs);
    r->facts = arena_alloc(a, n * sizeof *r->facts);
    return r;
}

/*
** Room for one more element in an array holding n: grow when n is 0 or a
** power of two of at least 4.  Returns the (possibly moved) array.
*/
static void *
grow(arena *a, void *items, int n, size_t elsize)
{
    if (n == 0)
        return arena_alloc(a, 4 * elsize);
    if (n >= 4 && (n & (n - 1)) == 0)
        return arena_grow(a, items, (size_t)n, 2 * (size_t)n, elsize);
    return items;
}

sample *
facts_add_sample(record *r, const concept *c)
{
    series *s = &r->obs[c->index];
    s->s = grow(r->a, s->s, s->n, sizeof *s->s);
    sample *x = &s->s[s->n++];
    x->t = TS_NONE;
    x->src = -1;
    return x;
}

med_entry *
facts_add_med(record *r, const concept *c)
{
    med_list *l = &r->meds[c->index];
    l->e = grow(r->a, l->e, l->n, sizeof *l->e);
    med_entry *x = &l->e[l->n++];
    x->start = x->end = TS_NONE;
    x->kind = MED_COURSE;
    x->src = -1;
    return x;
}

cond_entry *
facts_add_cond(record *r, const concept *c)
{
    cond_list *l = &r->conds[c->index];
    l->e = grow(r->a, l->e, l->n, sizeof *l->e);
    cond_entry *x = &l->e[l->n++];
    x->onset = x->end = TS_NONE;
    x->status = ST_ACTIVE;
    x->src = -1;
    return x;
}

proc_entry *
facts_add_proc(record *r, const concept *c)
{
    proc_list *l = &r->procs[c->index];
    l->e = grow(r->a, l->e, l->n, sizeof *l->e);
    proc_entry *x = &l->e[l->n++];
    x->start = x->end = TS_NONE;
    x->src = -1;
    return x;
}

loc_entry *
facts_add_loc(record *r, const concept *c)
{
    loc_list *l = &r->locs[c->index];
    l->e = grow(r->a, l->e, l->n, sizeof *l->e);
    loc_entry *x = &l->e[l->n++];
    x->start = x->end = TS_NONE;
    x->src = -1;
    return x;
}

/* A fresh entry for fact c, replacing any earlier one. */
fact_entry *
facts_set_fact(record *r, const concept *c)
{
    fact_entry *f = arena_alloc(r->a, sizeof *f);
    f->t = TS_NONE;
    r->facts[c->index] = f;
    return f;
}

/*
** Warnings are capped: a record with 10^5 unknown codes must not turn into
** 10^5 lines of output (record.c stops looking up positions at the same
** count).
*/
void
facts_warn(record *r, const char *fmt, ...)
{
    if (r->nwarn > MAX_WARNINGS)
        return;
    const char **w = grow(r->a, (void *)r->warn, r->nwarn, sizeof *r->warn);
    r->warn = w;
    if (r->nwarn == MAX_WARNINGS) {
        w[r->nwarn++] = "too many warnings; the rest are not shown";
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    w[r->nwarn++] = arena_vprintf(r->a, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- sorting */

typedef struct sort_key {
    ts_time t;
    int i;                  /* input order: makes the sort stable */
} sort_key;

static int
key_less(const sort_key *x, const sort_key *y)
{
    return x->t < y->t || (x->t == y->t && x->i < y->i);
}

/*
** Sort n keys (tmp: room for n more).  Not qsort: its comparison through
** a function pointer, a call per step, cost three times its instruction
** share in time (profiled on the realistic cohort, whose lists mostly
** arrive out of order).  Keys are distinct (i), so any correct sort gives
** qsort's order.  Runs of 16 by insertion, then merged bottom-up.
*/
static void
sort_keys(sort_key *k, sort_key *tmp, int n)
{
    enum { RUN = 16 };
    for (int lo = 0; lo < n; lo += RUN) {
        int hi = lo + RUN < n ? lo + RUN : n;
        for (int i = lo + 1; i < hi; i++) {
            sort_key v = k[i];
            int j = i;
            for (; j > lo && key_less(&v, &k[j - 1]); j--)
                k[j] = k[j - 1];
            k[j] = v;
        }
    }
    sort_key *src = k, *dst = tmp;
    for (int w = RUN; w < n; w *= 2) {
        for (int lo = 0; lo < n; lo += 2 * w) {
            int mid = lo + w < n ? lo + w : n;
            int hi = lo + 2 * w < n ? lo + 2 * w : n;
            int a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                dst[o++] = key_less(&src[b], &src[a]) ? src[b++] : src[a++];
            while (a < mid)
                dst[o++] = src[a++];
            while (b < hi)
                dst[o++] = src[b++];
        }
        sort_key *t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, (size_t)n * sizeof *k);
}

/*
** Stable sort of n elements of size elsize by the time at byte offset
** toff of each element.  Returns the sorted array (a new one from the
** arena unless it was sorted already).
*/
static void *
sort_by_time(arena *a, void *items, int n, size_t elsize, size_t toff)
{
    const char *b = items;
    int sorted = 1;
    if (n < 2)
        return items;
    for (int i = 1; i < n && sorted; i++) {
        ts_time p, q;
        memcpy(&p, b + (size_t)(i - 1) * elsize + toff, sizeof p);
        memcpy(&q, b + (size_t)i * elsize + toff, sizeof q);
        sorted = p <= q;
    }
    if (sorted)
        return items;
    sort_key *keys = xmalloc(2 * (size_t)n * sizeof *keys);
    for (int i = 0; i < n; i++) {
        memcpy(&keys[i].t, b + (size_t)i * elsize + toff, sizeof keys[i].t);
        keys[i].i = i;
    }
    sort_keys(keys, keys + n, n);
    /* Keep the power-of-two capacity that grow() relies on. */
    size_t cap = 4;
    while (cap < (size_t)n)
        cap *= 2;
    char *out = arena_alloc(a, cap * elsize);
    for (int i = 0; i < n; i++)
        memcpy(out + (size_t)i * elsize, b + (size_t)keys[i].i * elsize, elsize);
    free(keys);
    return out;
}

/* An end after the screening time is not known yet: still running. */
static ts_time
cut_end(ts_time end, ts_time at)
{
    return end != TS_NONE && end > at ? TS_NONE : end;
}

static int
future(ts_time t, ts_time at)
{
    return t != TS_NONE && t > at;
}

/*
** Drop the future from each list (keeping input order), then sort.  The
** filters all have the same shape: copy down the entries that stay.
*/
static void
finish_concept(record *r, int i, ts_time at)
{
    series *s = &r->obs[i];
    int k = 0;
    /* Most concepts have nothing recorded in a record (a dozen of the
    ** vocabulary's 120 have): nothing to filter, sort or index. */
    if (!s->n && !r->meds[i].n && !r->conds[i].n && !r->procs[i].n && !r->locs[i].n) {
        if (r->facts[i] && future(r->facts[i]->t, at))
            r->facts[i] = NULL;
        return;
    }
    for (int j = 0; j < s->n; j++)
        if (!future(s->s[j].t, at))
            s->s[k++] = s->s[j];
    s->n = k;
    s->s = sort_by_time(r->a, s->s, s->n, sizeof *s->s, offsetof(sample, t));
    /* The series' one index: a rule on a look-back need not read what
    ** comes before it to know whether there are unusable values. */
    s->first_unusable = 0;
    while (s->first_unusable < s->n && s->s[s->first_unusable].type == VAL_NUMBER
           && s->s[s->first_unusable].ok)
        s->first_unusable++;

    med_list *m = &r->meds[i];
    k = 0;
    for (int j = 0; j < m->n; j++) {
        if (future(m->e[j].start, at))
            continue;
        m->e[j].end = cut_end(m->e[j].end, at);
        m->e[k++] = m->e[j];
    }
    m->n = k;
    m->e = sort_by_time(r->a, m->e, m->n, sizeof *m->e, offsetof(med_entry, start));

    cond_list *c = &r->conds[i];
    k = 0;
    for (int j = 0; j < c->n; j++) {
        if (future(c->e[j].onset, at))
            continue;
        c->e[j].end = cut_end(c->e[j].end, at);
        c->e[k++] = c->e[j];
    }
    c->n = k;
    c->e = sort_by_time(r->a, c->e, c->n, sizeof *c->e, offsetof(cond_entry, onset));

    proc_list *p = &r->procs[i];
    k = 0;
    for (int j = 0; j < p->n; j++) {
        if (future(p->e[j].start, at))
            continue;
        p->e[j].end = cut_end(p->e[j].end, at);
        p->e[k++] = p->e[j];
    }
    p->n = k;
    p->e = sort_by_time(r->a, p->e, p->n, sizeof *p->e, offsetof(proc_entry, start));

    loc_list *l = &r->locs[i];
    k = 0;
    for (int j = 0; j < l->n; j++) {
        if (future(l->e[j].start, at))
            continue;
        l->e[j].end = cut_end(l->e[j].end, at);
        l->e[k++] = l->e[j];
    }
    l->n = k;
    l->e = sort_by_time(r->a, l->e, l->n, sizeof *l->e, offsetof(loc_entry, start));

    if (r->facts[i] && future(r->facts[i]->t, at))
        r->facts[i] = NULL;
}

void
facts_finish(record *r)
{
    /* Without a screening time nothing is in the future (INT64_MAX). */
    ts_time at = r->at == TS_NONE ? INT64_MAX : r->at;
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++)
        finish_concept(r, i, at);
}

/* Latest wins; among samples at the same time, the later in input order. */
const sample *
facts_latest_ok(const record *r, const concept *c)
{
    if (!c)
        return NULL;
    const series *s = &r->obs[c->index];
    const sample *best = NULL;
    for (int j = 0; j < s->n; j++) {
        const sample *x = &s->s[j];
        if (!x->ok || x->type != VAL_NUMBER)
            continue;
        if (r->at != TS_NONE && x->t != TS_NONE && x->t > r->at)
            continue;
        if (!best || x->t >= best->t)
            best = x;
    }
    return best;
}
