/*
** spans.c -- medication courses, procedure episodes and the current
** admission, merged from the entries of the fact model (see spans.h).
**
** Every list is sorted by start and nothing starts after the screening
** time (facts.c), so one forward pass merges a list, and "what runs now"
** is always its last merged span.
*/
#include "spans.h"

int
span_med_runs(const med_entry *e)
{
    if (e->kind == MED_DOSE)
        return 0;
    return e->kind == MED_COURSE || e->raw != 0;
}

/* end + SPAN_PAUSE, with TS_NONE (still running) absorbing everything. */
static int
continues(ts_time end, ts_time start, ts_time pause)
{
    return end == TS_NONE || start <= end + pause;
}

static ts_time
later_end(ts_time a, ts_time b)
{
    if (a == TS_NONE || b == TS_NONE)
        return TS_NONE;
    return a > b ? a : b;
}

/* The course containing running entry `upto`, or the last one if upto is
** -1: merged forward from the first running entry. */
static int
course(const med_list *l, int upto, span *out)
{
    int found = 0;
    for (int i = 0; i < l->n; i++) {
        const med_entry *m = &l->e[i];
        if (!span_med_runs(m))
            continue;
        if (!found || !continues(out->end, m->start, SPAN_PAUSE)) {
            if (found && upto >= 0 && upto < i)
                return 1;
            out->first = i;
            out->start = m->start;
            out->end = m->end;
            found = 1;
        } else {
            out->end = later_end(out->end, m->end);
        }
        out->last = i;
    }
    return found;
}

int
span_course_now(const med_list *l, ts_time at, span *out)
{
    if (!course(l, -1, out))
        return 0;
    return out->start <= at && (out->end == TS_NONE || out->end > at);
}

ts_time
span_course_onset(const med_list *l, int i)
{
    span s;
    return course(l, i, &s) ? s.start : l->e[i].start;
}

/*
** The next running entry over all lists, by start (a k-way merge: each
** list is sorted by start; pos[k] is the next entry of list k to look at).
** Returns NULL when every list is used up.
*/
static const med_entry *
next_running(const med_list *const *lists, int n, int *pos)
{
    const med_entry *best = NULL;
    int which = -1;
    for (int k = 0; k < n; k++) {
        while (pos[k] < lists[k]->n && !span_med_runs(&lists[k]->e[pos[k]]))
            pos[k]++;
        if (pos[k] < lists[k]->n &&
            (!best || lists[k]->e[pos[k]].start < best->start)) {
            best = &lists[k]->e[pos[k]];
            which = k;
        }
    }
    if (best)
        pos[which]++;
    return best;
}

int
span_class_course_now(const med_list *const *lists, int n, ts_time at,
                      span *out)
{
    const med_list *live[SPAN_CLASS_MAX];
    int pos[SPAN_CLASS_MAX], nlive = 0, found = 0;
    const med_entry *m;

    if (n > SPAN_CLASS_MAX)
        n = SPAN_CLASS_MAX;
    /* Only the drugs with entries are merged, in the same order (ties go
    ** to the earlier list as before): a patient gets one or two of a
    ** class of nine, and the merge looked at every list for each entry. */
    for (int k = 0; k < n; k++)
        if (lists[k]->n > 0) {
            live[nlive] = lists[k];
            pos[nlive++] = 0;
        }
    while ((m = next_running(live, nlive, pos))) {
        if (!found || !continues(out->end, m->start, SPAN_PAUSE)) {
            out->start = m->start;
            out->end = m->end;
            found = 1;
        } else {
            out->end = later_end(out->end, m->end);
        }
    }
    out->first = out->last = -1;
    return found && out->start <= at && (out->end == TS_NONE || out->end > at);
}

int
span_episodes(const proc_list *l, span *out)
{
    int n = 0;
    for (int i = 0; i < l->n; i++) {
        const proc_entry *e = &l->e[i];
        if (n > 0 && continues(out[n - 1].end, e->start, 0)) {
            out[n - 1].end = later_end(out[n - 1].end, e->end);
            out[n - 1].last = i;
            continue;
        }
        out[n].first = out[n].last = i;
        out[n].start = e->start;
        out[n].end = e->end;
        n++;
    }
    return n;
}

static int
covers(const loc_entry *e, ts_time t)
{
    return e->start <= t && (e->end == TS_NONE || t < e->end);
}

const concept *
span_place_at(const record *r, ts_time t)
{
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++) {
        const loc_list *l = &r->locs[i];
        for (int j = 0; j < l->n; j++)
            if (covers(&l->e[j], t))
                return vocab_at(r->vocab, i);
    }
    return NULL;
}

/*
** Grow the chain backwards: any stay that ends at or after the chain's
** start and begins before it extends it.  Stays are few (a handful per
** admission), so the quadratic walk costs nothing.
*/
ts_time
span_admission_start(const record *r, ts_time t)
{
    int n = vocab_count(r->vocab), grew = 1;
    ts_time start = TS_NONE;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < r->locs[i].n; j++) {
            const loc_entry *e = &r->locs[i].e[j];
            if (covers(e, t) && (start == TS_NONE || e->start < start))
                start = e->start;
        }
    while (start != TS_NONE && grew) {
        grew = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < r->locs[i].n; j++) {
                const loc_entry *e = &r->locs[i].e[j];
                if (e->start < start && (e->end == TS_NONE || e->end >= start)) {
                    start = e->start;
                    grew = 1;
                }
            }
    }
    return start;
}
