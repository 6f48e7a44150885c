/*
** replaywhen.c -- when can a trial's verdict change (see replaywhen.h).
**
** Built once per trial, from its rule tree:
**   - the concepts it reads.  A derived concept (VIS, BMI, steroid dose)
**     reads drugs and body measures that derived.c names, so it counts as
**     reading every medication, weight and height; "in the ICU now" is
**     false while the patient is anywhere else, so a location counts as
**     reading every location.  Weight is always read:
**     per-kg units are converted with the weight known at t;
**   - the offsets: every duration a leaf writes, with the sums and
**     differences of a leaf's own durations (an episode "lasting D within
**     W" ends its effect at t - W + D); a held-for limit adds itself to
**     each offset below it ("held for 5 h" of "6 h after onset" changes
**     at onset + 11 h); a reference adds the referenced criterion's.  One
**     hour and one day are always included: the default max_gap and the
**     steroid dose's day, which no rule writes; and every offset is also
**     taken an hour later, since an infusion course survives a pause of
**     up to an hour (spans.h);
**   - whether it needs midnights: age is counted in calendar days, and
**     month arithmetic clamps to the end of a month.
** Erring on the side of more instants only costs time; fewer would cost
** correctness, which the tests guard.
**
** Asked per record: the instants as a sorted list (replay), as marks on a
** grid's steps and as a criterion's next instant (the HTML grid, which
** asks of one record for every trial and criterion, from the item times a
** clock_grid keeps: see there).
*/
#include "replaywhen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "rules.h"

#define MAX_OFFSETS 4096        /* more than any real trial needs */

/* What one criterion, or a whole trial, reads and which offsets it
** writes. */
typedef struct part {
    int nconcepts;
    int *concepts;              /* indexes of the concepts read */
    int noffsets;
    ts_duration *offsets;       /* distinct; {0, 0} included */
    int midnights;              /* add every 00:00 UTC */
    int every_point;            /* too many offsets to list, or a volume
                                ** summed: evaluate every grid point */
    int sums_only;              /* every point only for the sums, whose
                                ** concepts are these: */
    int nsums;
    int *sums;
    int nsecs;                  /* the offsets without months, ascending: */
    ts_time *secs;              /* trial_clock_next searches them */
    int nmonths;
    ts_duration *months;        /* the offsets with months */
} part;

struct trial_clock {
    part all;                   /* the whole trial */
    int ncrit;
    part *crit;                 /* per criterion */
};

/* Grown as needed: a fixed array of MAX_OFFSETS, zeroed for every part
** and every held-for, was most of what making the clocks cost (5.5 M
** instructions at every start, the cost of 3 realistic records' pages). */
typedef struct offsets {
    ts_duration *d;
    int n, cap;
    int overflow;               /* more than MAX_OFFSETS */
    int sums;                   /* a total below (no list of instants) */
} offsets;

static void
add_offset(offsets *o, ts_duration d)
{
    for (int i = 0; i < o->n; i++)
        if (o->d[i].seconds == d.seconds && o->d[i].months == d.months)
            return;
    if (o->n == MAX_OFFSETS) {
        o->overflow = 1;
        return;
    }
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->d = xrealloc(o->d, (size_t)o->cap * sizeof *o->d);
    }
    o->d[o->n++] = d;
}

typedef struct walk {
    const trial *t;
    const vocab *v;
    char *reads;                /* per concept */
    char *sums;                 /* per concept: read by a total */
    int sums_odd;               /* a total reads some other kind */
    int midnights;
    int *visiting;              /* per criterion: reference guard */
} walk;

static void
read_concept(walk *w, const concept *c)
{
    if (!c)
        return;
    int n = vocab_count(w->v);
    if (c->kind == CK_LOCATION) {
        for (int i = 0; i < n; i++)
            if (vocab_at(w->v, i)->kind == CK_LOCATION)
                w->reads[i] = 1;
        return;
    }
    if (c->kind != CK_DERIVED) {
        w->reads[c->index] = 1;
        return;
    }
    for (int i = 0; i < n; i++)
        if (vocab_at(w->v, i)->kind == CK_MEDICATION)
            w->reads[i] = 1;
    read_concept(w, vocab_find(w->v, "weight"));
    read_concept(w, vocab_find(w->v, "height"));
}

/* The durations a leaf writes, with their sums and differences. */
static void
leaf_offsets(walk *w, const rule *ru, offsets *o)
{
    ts_duration d[6];
    int n = 0;
    if (ru->has_within)
        d[n++] = ru->within;
    d[n++] = ru->max_gap;
    d[n++] = ru->lasting;
    d[n++] = ru->spacing;
    d[n++] = ru->dcmp.lo;
    d[n++] = ru->dcmp.hi;
    add_offset(o, (ts_duration){0, 0});
    for (int i = 0; i < n; i++) {
        if (d[i].months)
            w->midnights = 1;
        add_offset(o, d[i]);
        for (int j = 0; j < n; j++) {
            ts_duration s = { d[i].seconds + d[j].seconds, d[i].months + d[j].months };
            add_offset(o, s);
            if (d[i].months == 0 && d[j].months == 0 && d[i].seconds > d[j].seconds)
                add_offset(o, (ts_duration){ d[i].seconds - d[j].seconds, 0 });
        }
    }
}

static void rule_offsets(walk *w, const rule *ru, offsets *o);

static void
criterion_offsets(walk *w, int ci, offsets *o)
{
    if (ci < 0 || ci >= w->t->ncrit || w->visiting[ci] || !w->t->crit[ci].rule)
        return;
    w->visiting[ci] = 1;
    rule_offsets(w, w->t->crit[ci].rule, o);
    w->visiting[ci] = 0;
}

static void
rule_offsets(walk *w, const rule *ru, offsets *o)
{
    if (!ru)
        return;
    if (ru->kind == R_HELD_FOR) {
        offsets kid_o = { 0 }, *kid = &kid_o;
        for (int i = 0; i < ru->nkids; i++)
            rule_offsets(w, ru->kids[i], kid);
        ts_duration h[2] = { ru->hold.lo, ru->hold.hi };
        for (int i = 0; i < kid->n; i++) {
            add_offset(o, kid->d[i]);
            for (int j = 0; j < 2; j++) {
                if (h[j].months)
                    w->midnights = 1;
                add_offset(o, (ts_duration){ kid->d[i].seconds + h[j].seconds,
                                             kid->d[i].months + h[j].months });
            }
        }
        /* A total's since-times held for a while: not a sum alone. */
        o->overflow |= kid->overflow | kid->sums;
        free(kid->d);
        return;
    }
    /* Combinators (all, any, not, at_least, needs_check, and any kind
    ** added later) pass their children's offsets up. */
    for (int i = 0; i < ru->nkids; i++)
        rule_offsets(w, ru->kids[i], o);
    /* time_since first_of: each event is a leaf of its own, read too
    ** (concepts holds only the first event's). */
    for (int i = 0; i < ru->nevents; i++)
        rule_offsets(w, ru->events[i], o);
    switch (ru->kind) {
    case R_CRITERION:
        criterion_offsets(w, ru->ref_index, o);
        return;
    case R_AGE:
        w->midnights = 1;
        return;
    case R_TOTAL:
        /* A volume given by infusion grows continuously: the threshold
        ** may be crossed at any instant, so no list of instants will do.
        ** Without any entry of its concepts, though, the sum is 0 at every
        ** instant (trial_clock_crit_every_point_in). */
        o->sums = 1;
        for (int i = 0; i < ru->nconcepts; i++) {
            const concept *c = ru->concepts[i];
            if (c && c->kind == CK_MEDICATION)
                w->sums[c->index] = 1;
            else
                w->sums_odd = 1;
        }
        break;
    default:
        break;
    }
    if (ru->nconcepts == 0 && ru->nkids > 0)
        return;
    for (int i = 0; i < ru->nconcepts; i++) {
        read_concept(w, ru->concepts[i]);
        if (ru->concepts[i] && ru->concepts[i]->kind == CK_DERIVED) {
            add_offset(o, (ts_duration){ TS_DAY, 0 });
            add_offset(o, (ts_duration){ TS_HOUR, 0 });
        }
    }
    leaf_offsets(w, ru, o);
}

static int
cmp_time(const void *a, const void *b)
{
    ts_time x = *(const ts_time *)a, y = *(const ts_time *)b;
    return (x > y) - (x < y);
}

/* The part of criterion ci of t, or of the whole trial if ci < 0. */
static void
part_build(part *p, const trial *t, const vocab *v, int ci)
{
    int nv = vocab_count(v);
    walk w = { t, v, xcalloc((size_t)nv + 1, 1), xcalloc((size_t)nv + 1, 1), 0, 0,
               xcalloc((size_t)t->ncrit + 1, sizeof(int)) };
    offsets off = { 0 }, *o = &off;
    add_offset(o, (ts_duration){ 0, 0 });
    add_offset(o, (ts_duration){ TS_HOUR, 0 });
    add_offset(o, (ts_duration){ TS_DAY, 0 });
    read_concept(&w, vocab_find(v, "weight"));
    for (int i = 0; i < t->ncrit; i++)
        if (ci < 0 || i == ci)
            criterion_offsets(&w, i, o);
    /* An infusion course survives pauses of up to an hour (spans.h): each
    ** limit may also count from an hour after an entry ends. */
    for (int i = 0, n = o->n; i < n; i++)
        add_offset(o, (ts_duration){ o->d[i].seconds + TS_HOUR, o->d[i].months });

    p->concepts = xcalloc((size_t)nv + 1, sizeof *p->concepts);
    for (int i = 0; i < nv; i++)
        if (w.reads[i])
            p->concepts[p->nconcepts++] = i;
    p->offsets = xcalloc((size_t)o->n, sizeof *p->offsets);
    memcpy(p->offsets, o->d, (size_t)o->n * sizeof *o->d);
    p->noffsets = o->n;
    p->secs = xcalloc((size_t)o->n + 1, sizeof *p->secs);
    p->months = xcalloc((size_t)o->n + 1, sizeof *p->months);
    for (int i = 0; i < o->n; i++) {
        if (o->d[i].months)
            p->months[p->nmonths++] = o->d[i];
        else
            p->secs[p->nsecs++] = o->d[i].seconds;
    }
    qsort(p->secs, (size_t)p->nsecs, sizeof *p->secs, cmp_time);
    p->midnights = w.midnights;
    p->every_point = o->overflow || o->sums;
    p->sums_only = !o->overflow && o->sums && !w.sums_odd;
    p->sums = xcalloc((size_t)nv + 1, sizeof *p->sums);
    for (int i = 0; i < nv; i++)
        if (w.sums[i])
            p->sums[p->nsums++] = i;
    free(o->d);
    free(w.sums);
    free(w.reads);
    free(w.visiting);
}

trial_clock *
trial_clock_new(const trial *t, const vocab *v)
{
    trial_clock *c = xcalloc(1, sizeof *c);
    part_build(&c->all, t, v, -1);
    c->ncrit = t->ncrit;
    c->crit = xcalloc((size_t)t->ncrit + 1, sizeof *c->crit);
    for (int i = 0; i < t->ncrit; i++)
        part_build(&c->crit[i], t, v, i);
    return c;
}

static void
part_release(part *p)
{
    free(p->concepts);
    free(p->offsets);
    free(p->secs);
    free(p->months);
    free(p->sums);
}

void
trial_clock_free(trial_clock *c)
{
    if (!c)
        return;
    part_release(&c->all);
    for (int i = 0; i < c->ncrit; i++)
        part_release(&c->crit[i]);
    free(c->crit);
    free(c);
}

int
trial_clock_every_point(const trial_clock *c)
{
    return c->all.every_point;
}

void
instants_release(instants *in)
{
    free(in->t);
    in->t = NULL;
    in->n = in->cap = 0;
}

static void
push(instants *in, ts_time t, ts_time from, ts_time to)
{
    if (t == TS_NONE || t < from || t > to)
        return;
    if (in->n == in->cap) {
        in->cap = in->cap ? 2 * in->cap : 256;
        in->t = xrealloc(in->t, (size_t)in->cap * sizeof *in->t);
    }
    in->t[in->n++] = t;
}

/* The index of p's first offset without months that is need or more
** (p->nsecs if none is): they are sorted. */
static int
secs_at_least(const part *p, ts_time need)
{
    int lo = 0, hi = p->nsecs;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (p->secs[mid] < need)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first of p's offsets without months that takes x to from or later
** (0 when from is TS_NONE). */
static int
first_sec(const part *p, ts_time x, ts_time from)
{
    return from == TS_NONE ? 0 : secs_at_least(p, from - x);
}

/* x and x plus each offset.  A month offset also gives the days around
** it: month arithmetic clamps to the month's end, which moves the
** instant by up to three days. */
static void
push_shifted(const part *c, instants *in, ts_time x, ts_time from, ts_time to)
{
    if (x == TS_NONE || x > to)
        return;
    /* The offsets without months are ascending: from the first that
    ** reaches from to the last that stays within to. */
    for (int i = first_sec(c, x, from); i < c->nsecs && x + c->secs[i] <= to; i++)
        push(in, x + c->secs[i], from, to);
    for (int i = 0; i < c->nmonths; i++) {
        ts_time y = ts_shift(x, c->months[i], 1);
        for (int k = -1; k <= 3; k++)
            push(in, y + k * TS_DAY, from, to);
    }
}

/* The times of concept i's items other than its samples. */
static void
item_times(const record *r, int i, void (*fn)(void *ctx, ts_time x), void *ctx)
{
    for (int j = 0; j < r->meds[i].n; j++)
        fn(ctx, r->meds[i].e[j].start), fn(ctx, r->meds[i].e[j].end);
    for (int j = 0; j < r->conds[i].n; j++)
        fn(ctx, r->conds[i].e[j].onset), fn(ctx, r->conds[i].e[j].end);
    for (int j = 0; j < r->procs[i].n; j++)
        fn(ctx, r->procs[i].e[j].start), fn(ctx, r->procs[i].e[j].end);
    for (int j = 0; j < r->locs[i].n; j++)
        fn(ctx, r->locs[i].e[j].start), fn(ctx, r->locs[i].e[j].end);
    if (r->facts[i])
        fn(ctx, r->facts[i]->t);
}

/*
** Every item time of the concepts p reads (samples, starts, ends, onsets,
** fact times), given to fn with ctx.
*/
static void
each_time(const part *p, const record *r, void (*fn)(void *ctx, ts_time x), void *ctx)
{
    for (int k = 0; k < p->nconcepts; k++) {
        int i = p->concepts[k];
        for (int j = 0; j < r->obs[i].n; j++)
            fn(ctx, r->obs[i].s[j].t);
        item_times(r, i, fn, ctx);
    }
}

typedef struct collect {
    const part *p;
    instants *out;
    ts_time from, to;
} collect;

static void
collect_one(void *vctx, ts_time x)
{
    collect *c = vctx;
    push_shifted(c->p, c->out, x, c->from, c->to);
}

static void
part_instants(const part *c, const record *r, ts_time from, ts_time to,
              instants *out)
{
    out->n = 0;
    collect col = { c, out, from, to };
    each_time(c, r, collect_one, &col);
    if (c->midnights && from != TS_NONE) {
        ts_time m = from - ((from % TS_DAY) + TS_DAY) % TS_DAY;
        for (; m <= to; m += TS_DAY)
            push(out, m, from, to);
    }
    if (out->n > 1)
        qsort(out->t, (size_t)out->n, sizeof *out->t, cmp_time);
    int k = 0;
    for (int i = 0; i < out->n; i++)
        if (k == 0 || out->t[i] != out->t[k - 1])
            out->t[k++] = out->t[i];
    out->n = k;
}

void
trial_clock_instants(const trial_clock *tc, const record *r, ts_time from,
                     ts_time to, instants *out)
{
    part_instants(&tc->all, r, from, to, out);
}

void
trial_clock_crit_instants(const trial_clock *tc, int ci, const record *r,
                          ts_time from, ts_time to, instants *out)
{
    part_instants(&tc->crit[ci], r, from, to, out);
}

/*
** The grid form, for the HTML timeline: instead of a sorted list (sorting
** was an eighth of an --html-dir run), each instant marks the grid step
** it falls in directly.  Point k of the grid is min(t0 + k * step, to);
** step k (k >= 1) is [at[k - 1], at[k]], both ends included, so an
** instant on a grid point marks the steps on both sides of it.
*/
typedef struct marker {
    const part *p;
    ts_time t0, step, to;
    int n;
    unsigned char *mark;
    ts_time last;               /* the item time marked last */
} marker;

static void
mark_at(const marker *m, ts_time y)
{
    if (y == TS_NONE || y < m->t0 || y > m->to)
        return;
    ts_time q = (y - m->t0) / m->step;
    if ((y - m->t0) % m->step == 0 && q >= 1 && q < m->n)
        m->mark[q] = 1;
    if (q + 1 < m->n)
        m->mark[q + 1] = 1;
}

/* collect_one's twin: x and x plus each offset, as push_shifted. */
static void
mark_one(void *vctx, ts_time x)
{
    marker *m = vctx;
    const part *c = m->p;
    if (x == TS_NONE || x > m->to || x == m->last)
        return;
    m->last = x;
    for (int i = first_sec(c, x, m->t0); i < c->nsecs && x + c->secs[i] <= m->to; i++)
        mark_at(m, x + c->secs[i]);
    for (int i = 0; i < c->nmonths; i++) {
        ts_time y = ts_shift(x, c->months[i], 1);
        for (int k = -1; k <= 3; k++)
            mark_at(m, y + k * TS_DAY);
    }
}

/* Every item time of the part's concepts, shifted one by one: for a part
** with an offset below 0 (none is written), which the phases below do not
** take. */
static void
part_marks_walk(const part *c, const record *r, ts_time t0, ts_time step, int n,
                ts_time to, unsigned char *mark)
{
    marker m = { c, t0, step, to, n, mark, TS_NONE };
    each_time(c, r, mark_one, &m);
}

/*
** The grid form with one record's item times kept (clock_grid): most of
** what marking cost was each item time plus each offset, one by one, and
** the same items walked again for every trial and every criterion.  But
** where x + s falls on the grid depends on x only through its step a and
** its phase b (x = t0 + a * step + b): x + s is in step a + c + 1, with
** b + s = c * step + e, and on point a + c when e is 0.  So the item times
** of one phase are a bitset over a (made once per concept and record),
** the phases of a part's concepts are joined, and each offset is one
** shifted OR of a few words.  Whether x + s is still at or before to
** depends on a + c and on e alone too: to = t0 + qt * step + et, so x + s
** <= to when a + c < qt, or a + c == qt and e <= et.  Item times before t0
** (at most HTML_SPAN_BACK of data is drawn) are shifted one by one, as
** before.
*/
typedef struct phase_bits {
    ts_time b;                  /* the phase */
    int bits;                   /* its bitset: cg->pool + bits, words long */
    int lo, hi;                 /* its first and last word that is not 0 */
} phase_bits;

typedef struct concept_times {
    int made;                   /* this record's made */
    int tfirst, tcount;         /* its item times, ascending and distinct:
                                ** cg->times[tfirst .. + tcount) */
    int nearly;                 /* how many of them are before t0 */
    int first, count;           /* its phases: cg->ph[first .. + count) */
} concept_times;

struct clock_grid {
    const record *r;
    ts_time t0, step, to, qt, et;
    int n, words;
    int ncon;
    concept_times *con;         /* [ncon] */
    ts_time *times;
    int ntimes, cap_times;
    phase_bits *ph;
    int nph, cap_ph;
    uint64_t *pool;
    int npool, cap_pool;
    phase_bits *refs;           /* a part's phases, by phase */
    int cap_refs;
    uint64_t *acc;              /* [3 * words]: up to qt + 1, up to qt, one
                                ** phase's join */
    int cap_acc;
};

clock_grid *
clock_grid_new(void)
{
    clock_grid *cg = xcalloc(1, sizeof(clock_grid));
    /* Never NULL, even for a record without a timed item: the concepts'
    ** times are addressed as cg->times + first, and NULL + 0 is undefined
    ** (the fuzzer's first finding in the HTML grid). */
    cg->cap_times = 256;
    cg->times = xmalloc((size_t)cg->cap_times * sizeof *cg->times);
    return cg;
}

void
clock_grid_free(clock_grid *cg)
{
    if (!cg)
        return;
    free(cg->con);
    free(cg->times);
    free(cg->ph);
    free(cg->pool);
    free(cg->refs);
    free(cg->acc);
    free(cg);
}

void
clock_grid_set(clock_grid *cg, const record *r, ts_time t0, ts_time step, int n,
               ts_time to)
{
    int nv = vocab_count(r->vocab);
    if (nv > cg->ncon) {
        free(cg->con);
        cg->con = xmalloc((size_t)nv * sizeof *cg->con);
        cg->ncon = nv;
    }
    for (int i = 0; i < nv; i++)
        cg->con[i].made = 0;
    cg->r = r;
    cg->t0 = t0;
    cg->step = step;
    cg->to = to;
    cg->n = n;
    cg->words = n > 0 ? (n + 63) / 64 : 1;
    if (step > 0 && to >= t0) {
        cg->qt = (to - t0) / step;
        cg->et = (to - t0) % step;
    } else {
        cg->qt = -1;
        cg->et = 0;
    }
    cg->ntimes = cg->nph = cg->npool = 0;
    if (3 * cg->words > cg->cap_acc) {
        cg->cap_acc = 3 * cg->words;
        free(cg->acc);
        cg->acc = xmalloc((size_t)cg->cap_acc * sizeof *cg->acc);
    }
}

static void
add_time(void *ctx, ts_time x)
{
    clock_grid *cg = ctx;
    if (x == TS_NONE)
        return;
    if (cg->ntimes == cg->cap_times) {
        cg->cap_times = cg->cap_times ? 2 * cg->cap_times : 256;
        cg->times = xrealloc(cg->times, (size_t)cg->cap_times * sizeof *cg->times);
    }
    cg->times[cg->ntimes++] = x;
}

static int
new_bits(clock_grid *cg)
{
    if (cg->npool + cg->words > cg->cap_pool) {
        cg->cap_pool = 2 * (cg->npool + cg->words) + 256;
        cg->pool = xrealloc(cg->pool, (size_t)cg->cap_pool * sizeof *cg->pool);
    }
    int at = cg->npool;
    memset(cg->pool + at, 0, (size_t)cg->words * sizeof *cg->pool);
    cg->npool += cg->words;
    return at;
}

/* Concept ct's phase b (made if new). */
static phase_bits *
phase_of(clock_grid *cg, concept_times *ct, ts_time b)
{
    for (int k = ct->first; k < ct->first + ct->count; k++)
        if (cg->ph[k].b == b)
            return &cg->ph[k];
    if (cg->nph == cg->cap_ph) {
        cg->cap_ph = cg->cap_ph ? 2 * cg->cap_ph : 64;
        cg->ph = xrealloc(cg->ph, (size_t)cg->cap_ph * sizeof *cg->ph);
    }
    cg->ph[cg->nph] = (phase_bits){ b, new_bits(cg), cg->words, -1 };
    ct->count++;
    return &cg->ph[cg->nph++];
}

/* times[0 .. n) sorted, the equal ones once; returns how many are left.
** Samples come sorted (facts_finish) and the other items are few, so an
** insertion sort moves little. */
static int
sort_distinct(ts_time *times, int n)
{
    for (int i = 1; i < n; i++) {
        ts_time x = times[i];
        int j = i;
        for (; j > 0 && times[j - 1] > x; j--)
            times[j] = times[j - 1];
        times[j] = x;
    }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || times[i] != times[k - 1])
            times[k++] = times[i];
    return k;
}

/* Concept ct's times from t0 to to (and below step n) into its phases. */
static void
concept_phases(clock_grid *cg, concept_times *ct)
{
    ct->first = cg->nph;
    ct->count = 0;
    ct->nearly = 0;
    for (int j = 0; j < ct->tcount; j++) {
        ts_time x = cg->times[ct->tfirst + j];
        if (x < cg->t0) {
            ct->nearly++;
            continue;
        }
        ts_time a = (x - cg->t0) / cg->step;
        if (x > cg->to || a >= cg->n)   /* marks nothing (mark_at) */
            break;
        phase_bits *p = phase_of(cg, ct, (x - cg->t0) % cg->step);
        int w = (int)(a / 64);
        cg->pool[p->bits + w] |= (uint64_t)1 << (a % 64);
        if (w < p->lo)
            p->lo = w;
        if (w > p->hi)
            p->hi = w;
    }
}

/* Concept i's item times, and their phases (concept_of). */
static void
concept_make(clock_grid *cg, int i)
{
    concept_times *ct = &cg->con[i];
    const record *r = cg->r;
    ct->tfirst = cg->ntimes;
    for (int j = 0; j < r->obs[i].n; j++)
        add_time(cg, r->obs[i].s[j].t);
    item_times(r, i, add_time, cg);
    ct->tcount = sort_distinct(cg->times + ct->tfirst, cg->ntimes - ct->tfirst);
    cg->ntimes = ct->tfirst + ct->tcount;
    if (cg->step > 0)
        concept_phases(cg, ct);
    else
        ct->first = ct->count = ct->nearly = 0;
    ct->made = 1;
}

/* Concept i's, made the first time a part reads it: every part of every
** trial asks, and most concepts have no item, so the question is inline. */
static inline const concept_times *
concept_of(clock_grid *cg, int i)
{
    if (!cg->con[i].made)
        concept_make(cg, i);
    return &cg->con[i];
}

/* acc |= u shifted up by d bits (words lo..hi of u), within words. */
static void
shift_or(uint64_t *acc, const uint64_t *u, int lo, int hi, ts_time d, int words)
{
    ts_time dw = d / 64;
    int r = (int)(d % 64);
    for (int w = lo; w <= hi && w + dw < words; w++) {
        uint64_t x = u[w];
        acc[w + dw] |= x << r;
        if (r && w + dw + 1 < words)
            acc[w + dw + 1] |= x >> (64 - r);
    }
}

/*
** One phase b of the part's items (bitset u, its first set bit at or
** after amin): every offset, ascending.  hi collects the steps a + c + 1
** that may reach qt + 1 (e <= et), lo those that stop at qt (e > et) and
** the points a + c of offsets with e 0.
*/
static void
phase_marks(const part *p, const clock_grid *cg, const uint64_t *bits,
            const phase_bits *u, uint64_t *hi, uint64_t *lo)
{
    ts_time b = u->b, amin = (ts_time)u->lo * 64;
    while (!(bits[amin / 64] >> (amin % 64) & 1))
        amin++;
    ts_time last_d = -1;
    for (int i = 0; i < p->nsecs; i++) {
        ts_time v = b + p->secs[i], c = v / cg->step, e = v % cg->step;
        if (amin + c > cg->qt)
            break;
        /* Offsets in one step (c) shift alike; e grows, so once one is in
        ** lo the rest are, and lo's bits are all in hi. */
        if (c + 1 != last_d)
            shift_or(e <= cg->et ? hi : lo, bits, u->lo, u->hi, c + 1, cg->words);
        last_d = c + 1;
        if (e == 0)
            shift_or(lo, bits, u->lo, u->hi, c, cg->words);
    }
}

/* By phase: a handful, so insertion. */
static void
sort_phases(phase_bits *p, int n)
{
    for (int i = 1; i < n; i++) {
        phase_bits x = p[i];
        int j = i;
        for (; j > 0 && p[j - 1].b > x.b; j--)
            p[j] = p[j - 1];
        p[j] = x;
    }
}

/* The part's concepts' phases, joined by phase, each marked. */
static void
phases_mark(const part *c, clock_grid *cg, uint64_t *hi, uint64_t *lo)
{
    int nrefs = 0;
    for (int k = 0; k < c->nconcepts; k++) {
        const concept_times *ct = concept_of(cg, c->concepts[k]);
        if (ct->count == 0)
            continue;
        if (nrefs + ct->count > cg->cap_refs) {
            cg->cap_refs = 2 * (nrefs + ct->count) + 16;
            cg->refs = xrealloc(cg->refs, (size_t)cg->cap_refs * sizeof *cg->refs);
        }
        memcpy(cg->refs + nrefs, cg->ph + ct->first, (size_t)ct->count * sizeof *cg->refs);
        nrefs += ct->count;
    }
    sort_phases(cg->refs, nrefs);
    uint64_t *join = lo + cg->words;
    for (int j = 0; j < nrefs; ) {
        phase_bits u = cg->refs[j];
        const uint64_t *bits = cg->pool + u.bits;
        if (j + 1 < nrefs && cg->refs[j + 1].b == u.b) {
            memset(join, 0, (size_t)cg->words * sizeof *join);
            for (; j < nrefs && cg->refs[j].b == u.b; j++) {
                const phase_bits *q = &cg->refs[j];
                for (int w = q->lo; w <= q->hi; w++)
                    join[w] |= cg->pool[q->bits + w];
                u.lo = q->lo < u.lo ? q->lo : u.lo;
                u.hi = q->hi > u.hi ? q->hi : u.hi;
            }
            bits = join;
        } else {
            j++;
        }
        phase_marks(c, cg, bits, &u, hi, lo);
    }
}

/* The item times before t0 of the part's concepts, one by one. */
static void
early_marks(const part *c, clock_grid *cg, unsigned char *mark)
{
    marker m = { c, cg->t0, cg->step, cg->to, cg->n, mark, TS_NONE };
    for (int k = 0; k < c->nconcepts; k++) {
        const concept_times *ct = &cg->con[c->concepts[k]];
        for (int j = 0; j < ct->nearly; j++)
            mark_one(&m, cg->times[ct->tfirst + j]);
    }
}

/* The month offsets of the item times from t0 to to (mark_one's), one by
** one: where x plus months falls depends on x's calendar date.  Shifting
** by months keeps the order of times, so once x's day before its shift is
** after to, so is every later x's. */
static void
month_marks(const part *c, clock_grid *cg, unsigned char *mark)
{
    marker m = { c, cg->t0, cg->step, cg->to, cg->n, mark, TS_NONE };
    for (int k = 0; k < c->nconcepts; k++) {
        const concept_times *ct = &cg->con[c->concepts[k]];
        for (int i = 0; i < c->nmonths; i++)
            for (int j = ct->nearly; j < ct->tcount; j++) {
                ts_time y = ts_shift(cg->times[ct->tfirst + j], c->months[i], 1);
                if (y - TS_DAY > cg->to)
                    break;
                for (int d = -1; d <= 3; d++)
                    mark_at(&m, y + d * TS_DAY);
            }
    }
}

/* hi's steps up to qt + 1 and lo's up to qt (and below n) into mark. */
static void
bits_to_marks(const clock_grid *cg, const uint64_t *hi, const uint64_t *lo,
              unsigned char *mark)
{
    ts_time top_hi = cg->qt + 1 < cg->n - 1 ? cg->qt + 1 : cg->n - 1;
    ts_time top_lo = cg->qt < cg->n - 1 ? cg->qt : cg->n - 1;
    for (int w = 0; w < cg->words; w++) {
        if (!(hi[w] | lo[w]))
            continue;
        for (int k = w * 64; k < w * 64 + 64 && k <= top_hi; k++)
            if (k >= 1 && ((hi[w] >> (k % 64) & 1)
                           || (k <= top_lo && (lo[w] >> (k % 64) & 1))))
                mark[k] = 1;
    }
}

static void
part_marks(const part *c, clock_grid *cg, unsigned char *mark)
{
    int n = cg->n;
    memset(mark, 0, (size_t)(n > 0 ? n : 0));
    if (n <= 1 || cg->step <= 0)
        return;
    if (c->nsecs > 0 && c->secs[0] < 0) {
        part_marks_walk(c, cg->r, cg->t0, cg->step, n, cg->to, mark);
    } else if (cg->qt >= 0) {
        uint64_t *hi = cg->acc, *lo = cg->acc + cg->words;
        memset(hi, 0, 2 * (size_t)cg->words * sizeof *hi);
        phases_mark(c, cg, hi, lo);
        bits_to_marks(cg, hi, lo, mark);
        early_marks(c, cg, mark);
        if (c->nmonths > 0)
            month_marks(c, cg, mark);
    }
    if (c->midnights) {
        marker m = { c, cg->t0, cg->step, cg->to, n, mark, TS_NONE };
        ts_time d = cg->t0 - ((cg->t0 % TS_DAY) + TS_DAY) % TS_DAY;
        for (; d <= cg->to; d += TS_DAY)
            mark_at(&m, d);
    }
}

void
trial_clock_grid_marks(const trial_clock *tc, int ci, clock_grid *cg,
                       unsigned char *mark)
{
    part_marks(ci < 0 ? &tc->all : &tc->crit[ci], cg, mark);
}

/* One record on one grid, for the callers that mark it once. */
static void
marks_once(const part *c, const record *r, ts_time t0, ts_time step, int n,
           ts_time to, unsigned char *mark)
{
    clock_grid *cg = clock_grid_new();
    clock_grid_set(cg, r, t0, step, n, to);
    part_marks(c, cg, mark);
    clock_grid_free(cg);
}

void
trial_clock_marks(const trial_clock *tc, const record *r, ts_time t0,
                  ts_time step, int n, ts_time to, unsigned char *mark)
{
    marks_once(&tc->all, r, t0, step, n, to, mark);
}

/* Criterion ci's own instants: the grid redoes only the criteria marked in
** a step (htmlgrid.c). */
void
trial_clock_crit_marks(const trial_clock *tc, int ci, const record *r, ts_time t0,
                       ts_time step, int n, ts_time to, unsigned char *mark)
{
    marks_once(&tc->crit[ci], r, t0, step, n, to, mark);
}
int
trial_clock_crit_every_point(const trial_clock *c, int ci)
{
    return c->crit[ci].every_point;
}

/* A criterion that is every point only for its totals is not, on a record
** without any entry of the totals' concepts: each sum is 0 at every
** instant, and its other leaves change only at its instants. */
int
trial_clock_crit_every_point_in(const trial_clock *c, int ci, const record *r)
{
    const part *p = &c->crit[ci];
    if (!p->every_point || !p->sums_only)
        return p->every_point;
    for (int k = 0; k < p->nsums; k++) {
        int i = p->sums[k];
        if (r->meds[i].n || r->obs[i].n || r->conds[i].n || r->procs[i].n
            || r->locs[i].n || r->facts[i])
            return 1;
    }
    return 0;
}

typedef struct next {
    const part *p;
    ts_time t, best;
} next;

/*
** The earliest of x plus each offset that is at or after n->t.  For the
** offsets without months (ascending) that is x plus the first offset of
** at least t - x, found by binary search; nothing when x plus the
** smallest is no earlier than the best so far.  This is called for every
** item time at every question, so it must not walk all the offsets.
*/
static void
next_one(void *vctx, ts_time x)
{
    next *n = vctx;
    const part *p = n->p;
    if (x == TS_NONE)
        return;
    if (p->nsecs > 0 && x + p->secs[0] < n->best) {
        int lo = secs_at_least(p, n->t - x);
        if (lo < p->nsecs && x + p->secs[lo] < n->best)
            n->best = x + p->secs[lo];
    }
    for (int i = 0; i < p->nmonths; i++) {
        ts_duration d = p->months[i];
        ts_time y = ts_shift(x, d, 1) - TS_DAY;
        for (int k = 0; k < 4 && y < n->t; k++)
            y += TS_DAY;
        if (y >= n->t && y < n->best)
            n->best = y;
    }
}

/* The index of the first of series s's samples (sorted by time) timed at
** or after t. */
static int
samples_from(const series *s, ts_time t)
{
    int lo = 0, hi = s->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->s[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
** each_time with next_one, for a part without month offsets: a sample
** (the lists are sorted by time, facts_finish) more than the largest
** offset before t gives no instant at or after t, and after the first
** sample at or after t, which gives itself (offset 0), none gives an
** earlier one.  Hourly samples made this most of the question's cost.
*/
static void
next_walk(const part *p, const record *r, next *n)
{
    ts_time reach = p->nsecs > 0 ? p->secs[p->nsecs - 1] : 0;
    for (int k = 0; k < p->nconcepts; k++) {
        int i = p->concepts[k];
        const series *s = &r->obs[i];
        int from = s->n > 0 ? samples_from(s, n->t - reach) : 0;
        for (int j = from; j < s->n; j++) {
            next_one(n, s->s[j].t);
            if (s->s[j].t >= n->t)
                break;
        }
        item_times(r, i, next_one, n);
    }
}

/* The first of midnights after or at t and best. */
static ts_time
next_midnight(ts_time t, ts_time best)
{
    ts_time m = t - ((t % TS_DAY) + TS_DAY) % TS_DAY;
    if (m < t)
        m += TS_DAY;
    return m < best ? m : best;
}

ts_time
trial_clock_next(const trial_clock *tc, int ci, const record *r, ts_time t)
{
    const part *p = &tc->crit[ci];
    if (p->every_point)
        return t;
    next n = { p, t, INT64_MAX };
    if (p->nmonths == 0)
        next_walk(p, r, &n);
    else
        each_time(p, r, next_one, &n);
    return p->midnights ? next_midnight(t, n.best) : n.best;
}

/* The index of the first of times[0 .. n) (ascending) at or after t. */
static int
times_from(const ts_time *times, int n, ts_time t)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (times[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
** The earliest x + s at or after t of one concept's item times x (sorted,
** distinct) and p's offsets s without months (ascending), if before best.
** For each offset that is the first x at or after t - s, found by binary
** search; t - s falls as s grows, so the search narrows, and once the
** first item time is reached no later offset gives an earlier instant.
*/
static ts_time
times_next(const part *p, const ts_time *times, int n, ts_time t, ts_time best)
{
    int hi = n;
    for (int i = 0; i < p->nsecs && n > 0; i++) {
        ts_time s = p->secs[i];
        if (times[0] + s >= best)
            break;
        hi = times_from(times, hi, t - s);
        if (hi < n && times[hi] + s < best)
            best = times[hi] + s;
        if (hi == 0)
            break;
    }
    return best;
}

ts_time
trial_clock_grid_next(const trial_clock *tc, int ci, clock_grid *cg, ts_time t)
{
    const part *p = &tc->crit[ci];
    if (p->every_point || p->nmonths > 0)
        return trial_clock_next(tc, ci, cg->r, t);
    ts_time best = INT64_MAX;
    for (int k = 0; k < p->nconcepts; k++) {
        const concept_times *ct = concept_of(cg, p->concepts[k]);
        best = times_next(p, cg->times + ct->tfirst, ct->tcount, t, best);
    }
    return p->midnights ? next_midnight(t, best) : best;
}
