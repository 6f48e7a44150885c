/*
** clock.c -- the leaves that read a clock: medications running now or
** given in a look-back, time since an event (medication course onset,
** procedure start, condition onset, location entry) and procedure
** durations.
**
** Courses: adjacent or overlapping constant-rate intervals of one drug
** merge into one course; a gap or a rate of 0 ends it, and "onset" is the
** start of the course running at the screening time (docs/evaluation.md,
** "Precise readings", Infusions).  Time windows are instants computed with ts_shift
** (calendar months exact); a strict "below D" is met until event + D - 1 s,
** a strict "above D" from event + D + 1 s.  A time_since leaf is timed
** whatever its value, which is how a trial's enrolment window is found.
*/
#include <stdio.h>
#include <string.h>

#include "leaf.h"
#include "spans.h"
#include "timeutil.h"
#include "units.h"
#include "verdict.h"

/* ------------------------------------------------------------------ */
/* Medications                                                        */
/* ------------------------------------------------------------------ */

/* A rate or dose of 0 is recorded but not given. */
static int
med_zero(const med_entry *e)
{
    return e->kind != MED_COURSE && e->raw == 0;
}

/*
** The course running at the screening time (spans.c: gaps and zero-rate
** pauses up to 1 h do not end it).  Returns the index of its first entry,
** or -1 if nothing runs now, and sets *onset.
*/
static int
med_course(const record *r, const med_list *l, ts_time *onset)
{
    span c;
    if (!span_course_now(l, r->at, &c))
        return -1;
    *onset = c.start;
    return c.first;
}

/* Evidence for the running entries of the course starting at first. */
static void
med_evidence(eval_ctx *cx, result *res, const concept *c, const med_list *l, int first)
{
    if (cx->values_only)        /* keeps no evidence (result_add_evidence) */
        return;
    for (int i = first; i < l->n; i++) {
        const med_entry *m = &l->e[i];
        if (!span_med_runs(m))
            continue;
        result_add_evidence(cx, res, c->name,
                            m->kind == MED_COURSE ? NULL : result_num(cx, m->raw),
                            m->kind == MED_COURSE ? NULL : m->unit, m->start,
                            result_pointer(cx, "medications", m->src));
    }
}

/* No qualifying entry: not met if the drug or the section says so (for
** leaf_none, which makes the reason only when it is read). */
static int
med_none_decided(eval_ctx *cx, const med_list *l)
{
    return l->n > 0 || leaf_complete(cx, SEC_MEDICATIONS);
}

/* "norepinephrine, vasopressin or dobutamine": the drugs of a class,
** measured and then copied once (joining two at a time copied the first
** names again for every later one). */
static const char *
class_name(eval_ctx *cx, const rule *ru)
{
    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    int n = ru->nconcepts;
    if (n <= 1)
        return ru->concepts[0]->name;
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(ru->concepts[i]->name) + (i == 0 ? 0 : i == n - 1 ? 4 : 2);
    char *out = arena_alloc_raw(cx->a, len + 1), *o = out;
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        size_t sl = strlen(sep), nl = strlen(ru->concepts[i]->name);
        memcpy(o, sep, sl);
        memcpy(o + sl, ru->concepts[i]->name, nl);
        o += sl + nl;
    }
    *o = '\0';
    return out;
}

/*
** The course of a class of drugs running now (spans.c: one course across
** the drugs, so a switch does not restart it).  Returns its onset and adds
** its entries as evidence, or TS_NONE with res set (not met when some drug
** has entries or the section is complete; else unknown).
*/
static ts_time
class_course(eval_ctx *cx, const rule *ru, result *res)
{
    const med_list *lists[SPAN_CLASS_MAX] = { 0 };
    int n = ru->nconcepts < SPAN_CLASS_MAX ? ru->nconcepts : SPAN_CLASS_MAX;
    int recorded = 0;
    span s;

    for (int i = 0; i < n; i++) {
        lists[i] = &cx->r->meds[ru->concepts[i]->index];
        recorded |= lists[i]->n > 0;
    }
    if (!span_class_course_now(lists, n, cx->r->at, &s)) {
        const char *what = class_name(cx, ru);
        if (recorded || leaf_complete(cx, SEC_MEDICATIONS))
            leaf_say(cx, res, TV_NOT_MET, "none of %s is running", what);
        else {
            leaf_say(cx, res, TV_UNKNOWN, "%s not recorded", what);
            for (int i = 0; i < n; i++)
                result_add_missing(cx, res, ru->concepts[i]->name);
        }
        return TS_NONE;
    }
    /* The course's entries are evidence only: values_only keeps none. */
    for (int k = 0; k < n && !cx->values_only; k++)
        for (int i = 0; i < lists[k]->n; i++) {
            const med_entry *m = &lists[k]->e[i];
            if (!span_med_runs(m) || m->start < s.start)
                continue;
            result_add_evidence(cx, res, ru->concepts[k]->name,
                                m->kind == MED_COURSE ? NULL : result_num(cx, m->raw),
                                m->kind == MED_COURSE ? NULL : m->unit, m->start,
                                result_pointer(cx, "medications", m->src));
        }
    return s.start;
}

result *
clock_med_class(eval_ctx *cx, const rule *ru)
{
    result *res = leaf_new(cx, ru);
    ts_time onset = class_course(cx, ru, res);
    if (onset == TS_NONE)
        return res;
    leaf_say(cx, res, TV_MET, "one course of %s running since %s",
             class_name(cx, ru), result_fmt_time(cx, onset));
    leaf_times(res, onset, TS_NONE);
    return res;
}

result *
clock_med_one(eval_ctx *cx, const rule *ru, const concept *c)
{
    const med_list *l = &cx->r->meds[c->index];
    result *res = leaf_new(cx, ru);
    ts_time onset, from, first_given = TS_NONE;
    const med_entry *given = NULL;
    int first;

    if (!ru->has_within) {
        first = med_course(cx->r, l, &onset);
        if (first < 0) {
            leaf_none(cx, res, c, med_none_decided(cx, l), "%s is not running",
                      c->name);
            return res;
        }
        med_evidence(cx, res, c, l, first);
        leaf_say(cx, res, TV_MET, "%s running since %s", c->name, result_fmt_time(cx, onset));
        leaf_times(res, onset, TS_NONE);
        return res;
    }
    /* Given in the look-back: any administration overlapping it. */
    from = ts_shift(cx->r->at, ru->within, -1);
    for (int i = 0; i < l->n; i++) {
        const med_entry *m = &l->e[i];
        ts_time end = m->end;
        if (med_zero(m) || (ru->infusion && m->kind == MED_DOSE))
            continue;
        if (end == TS_NONE && m->kind != MED_DOSE)
            end = cx->r->at;
        /* A single dose counts at its time.  A course given until the
        ** start of the look-back was given in it ("look-backs include
        ** their end", as for procedures); an infusion "running at some
        ** time" in it must have run after its start: [start, end) ended
        ** exactly then did not. */
        if (end == TS_NONE ? m->start < from
                           : ru->infusion ? end <= from : end < from)
            continue;
        if (!given)
            first_given = span_med_runs(m) ? span_course_onset(l, i) : m->start;
        given = m;
        result_add_evidence(cx, res, c->name,
                            m->kind == MED_COURSE ? NULL : result_num(cx, m->raw),
                            m->kind == MED_COURSE ? NULL : m->unit, m->start,
                            result_pointer(cx, "medications", m->src));
    }
    if (!given) {
        leaf_none(cx, res, c, med_none_decided(cx, l), "no %s in the last %s",
                  c->name, leaf_dur_str(cx, ru->within));
        return res;
    }
    leaf_say(cx, res, TV_MET, "%s given %s, within %s", c->name,
        result_fmt_time(cx, given->start), leaf_dur_str(cx, ru->within));
    leaf_times(res, first_given, TS_NONE);
    return res;
}

/* ------------------------------------------------------------------ */
/* Time since an event, procedure duration                            */
/* ------------------------------------------------------------------ */

/*
** The time of the event a time_since leaf measures from, adding evidence
** to res.  Returns TS_NONE after setting res's value and reason when there
** is no such event (not met) or it is not known (unknown).
*/
static ts_time
event_procedure(eval_ctx *cx, const rule *ru, const concept *c, result *res)
{
    const proc_list *l = &cx->r->procs[c->index];
    span *ep;
    int ne = leaf_episodes(cx, l, &ep);

    /* The ongoing episode, or the latest one: an ongoing one is always the
    ** last (nothing starts after the screening time). */
    if (ne > 0 && (!ru->ongoing || ep[ne - 1].end == TS_NONE)) {
        const span *p = &ep[ne - 1];
        for (int i = p->first; i <= p->last; i++)
            result_add_evidence(cx, res, c->name, NULL, NULL, l->e[i].start,
                                result_pointer(cx, "procedures", l->e[i].src));
        return p->start;
    }
    leaf_none(cx, res, c, l->n > 0 || leaf_complete(cx, SEC_PROCEDURES),
              ru->ongoing ? "%s is not ongoing" : "no %s recorded", c->name);
    return TS_NONE;
}

/* The latest entry that is not ruled out; its onset. */
static ts_time
event_condition(eval_ctx *cx, const concept *c, result *res)
{
    const cond_list *l = &cx->r->conds[c->index];
    const cond_entry *pick = NULL;

    for (int i = 0; i < l->n; i++)
        if (l->e[i].status != ST_ABSENT)
            pick = &l->e[i];
    if (pick) {
        result_add_evidence(cx, res, c->name, leaf_cond_status_names[pick->status], NULL,
                            pick->onset, result_pointer(cx, "conditions", pick->src));
        if (pick->onset != TS_NONE)
            return pick->onset;
        leaf_say(cx, res, TV_UNKNOWN, "onset of %s not recorded", c->name);
        result_add_missing(cx, res, arena_printf(cx->a, "%s onset", c->name));
    } else {
        leaf_none(cx, res, c, l->n > 0 || leaf_complete(cx, SEC_CONDITIONS),
                  "no %s", c->name);
    }
    return TS_NONE;
}

/*
** Inside first_of a condition starts at the earliest onset of its active
** entries: a suspected or resolved entry, or one without an onset, gives
** no known start (docs/evaluation.md, CLASSIC exc-late-shock).
*/
static ts_time
event_condition_active(eval_ctx *cx, const concept *c, result *res)
{
    const cond_list *l = &cx->r->conds[c->index];
    ts_time t = TS_NONE;

    for (int i = 0; i < l->n; i++) {
        const cond_entry *e = &l->e[i];
        if (e->status != ST_ACTIVE || e->end != TS_NONE || e->onset == TS_NONE)
            continue;
        result_add_evidence(cx, res, c->name, leaf_cond_status_names[e->status], NULL,
                            e->onset, result_pointer(cx, "conditions", e->src));
        t = leaf_earliest(t, e->onset);
    }
    if (t == TS_NONE)
        leaf_say(cx, res, TV_UNKNOWN, "no active %s with a recorded onset", c->name);
    return t;
}

static ts_time event_time(eval_ctx *cx, const rule *ru, const concept *c,
                          result *res, const char **verb);

/*
** first_of: the earliest of the starts that are known.  An event that is
** absent or whose start is not recorded adds nothing; when no start is
** known the leaf is unknown, with each event's reason.
*/
static ts_time
event_first_of(eval_ctx *cx, const rule *ru, result *res, const char **verb)
{
    ts_time t = TS_NONE;
    const char *why = "";
    result **part = arena_alloc(cx->a, (size_t)ru->nevents * sizeof *part);
    ts_time *s = arena_alloc(cx->a, (size_t)ru->nevents * sizeof *s);

    for (int i = 0; i < ru->nevents; i++) {
        const rule *e = ru->events[i];
        const char *v = "";
        part[i] = leaf_new(cx, e);
        s[i] = e->event == EV_CONDITION
             ? event_condition_active(cx, e->concepts[0], part[i])
             : event_time(cx, e, e->concepts[0], part[i], &v);
        /* (verb and why are quoted by reasons alone: values_only makes
        ** none) */
        if (s[i] != TS_NONE && (t == TS_NONE || s[i] < t)) {
            t = s[i];
            if (!cx->values_only)
                *verb = e->event == EV_CONDITION
                      ? arena_printf(cx->a, "(%s onset)", e->concepts[0]->name)
                      : e->one_course ? "(drug course started)"
                      : arena_printf(cx->a, "(%s %s)", e->concepts[0]->name, v);
        }
        if (s[i] == TS_NONE && !cx->values_only)
            why = arena_printf(cx->a, "%s%s%s", why, *why ? "; " : "",
                               result_reason(part[i]));
    }
    /* The starts found are the evidence; what is missing matters only
    ** when no start is known. */
    for (int i = 0; i < ru->nevents; i++)
        if (t == TS_NONE || s[i] != TS_NONE)
            result_take(cx, res, part[i]);
    if (t == TS_NONE)
        leaf_say(cx, res, TV_UNKNOWN, "no start known (%s)", why);
    return t;
}

static ts_time
event_time(eval_ctx *cx, const rule *ru, const concept *c, result *res,
           const char **verb)
{
    const med_list *ml;
    ts_time onset;
    int first;

    switch (ru->event) {
    case EV_MEDICATION:
        *verb = "started";
        if (ru->one_course)
            return class_course(cx, ru, res);
        ml = &cx->r->meds[c->index];
        first = med_course(cx->r, ml, &onset);
        if (first >= 0) {
            med_evidence(cx, res, c, ml, first);
            return onset;
        }
        leaf_none(cx, res, c, med_none_decided(cx, ml), "%s is not running",
                  c->name);
        return TS_NONE;
    case EV_PROCEDURE:
        *verb = "started";
        return event_procedure(cx, ru, c, res);
    case EV_CONDITION:
        *verb = "onset";
        return event_condition(cx, c, res);
    case EV_LOCATION:
        *verb = "entered";
        return leaf_loc_current(cx, c, res);
    case EV_FIRST_OF:
        return event_first_of(cx, ru, res, verb);
    case EV_NONE:
        break;
    }
    leaf_say(cx, res, TV_UNKNOWN, "time since an unspecified event");
    return TS_NONE;
}

/*
** The leaf is timed whatever its value: since and until bound the window
** in which it holds, which is how a trial's enrolment window is computed.
*/
result *
eval_time_since(eval_ctx *cx, const rule *ru)
{
    const concept *c = ru->concepts[0];
    result *res = leaf_new(cx, ru);
    const char *verb = "";
    ts_time t = event_time(cx, ru, c, res, &verb), from, to, now = cx->r->at;
    int met;

    if (t == TS_NONE)
        return res;
    leaf_dur_window(&ru->dcmp, t, &from, &to);
    met = leaf_in_window(now, from, to);
    /* since and until report the written boundaries (ECMO start + 24 h),
    ** not the last whole second inside a strict bound: a window "closes"
    ** at the instant enrolment stops being allowed. */
    if (ru->dcmp.op == CMP_LT)
        to++;
    if (ru->dcmp.op == CMP_GT)
        from--;
    if (cx->values_only)        /* no reason: its texts are not made */
        leaf_say(cx, res, met ? TV_MET : TV_NOT_MET, "%s", "");
    else
        leaf_say(cx, res, met ? TV_MET : TV_NOT_MET, "%s %s %s, %s ago (%s)",
            ru->event == EV_FIRST_OF ? "earliest known start" : ru->one_course ?
            arena_printf(cx->a, "course of %s", class_name(cx, ru)) : c->name, verb,
            result_fmt_time(cx, t), leaf_secs_str(cx, now - t),
            leaf_dur_cmp_text(cx, &ru->dcmp));
    leaf_times(res, from, to);
    return res;
}

/*
** R_DURATION on procedures.  An ended entry's duration is fixed; an
** ongoing one is judged at the screening time and may become met (or stop
** being met) as time passes, which since and until say.
*/
result *
eval_duration(eval_ctx *cx, const rule *ru)
{
    const concept *c = ru->concepts[0];
    const proc_list *l;
    result *res = leaf_new(cx, ru);
    const char *reason = "", *text = leaf_dur_cmp_text(cx, &ru->dcmp);
    ts_time now = cx->r->at, since = TS_NONE, until = TS_NONE, later = TS_NONE;
    int met = 0, forever = 0;

    if (ru->event != EV_PROCEDURE) {
        leaf_say(cx, res, TV_UNKNOWN, "duration is only defined for procedures");
        return res;
    }
    l = &cx->r->procs[c->index];
    if (l->n == 0) {
        leaf_none(cx, res, c, leaf_complete(cx, SEC_PROCEDURES),
                  "no %s recorded (procedures complete)", c->name);
        return res;
    }
    span *ep;
    int ne = leaf_episodes(cx, l, &ep);
    for (int i = 0; i < ne; i++) {
        const span *e = &ep[i];
        ts_time end = e->end == TS_NONE ? now : e->end, from, to;
        int ok;
        const char *why;

        leaf_dur_window(&ru->dcmp, e->start, &from, &to);
        ok = leaf_in_window(end, from, to);
        why = e->end == TS_NONE
            ? arena_printf(cx->a, "%s ongoing for %s (%s)", c->name,
                           leaf_secs_str(cx, end - e->start), text)
            : arena_printf(cx->a, "%s lasted %s (%s)", c->name,
                           leaf_secs_str(cx, end - e->start), text);
        result_add_evidence(cx, res, c->name, leaf_secs_str(cx, end - e->start), NULL,
                            e->start, result_pointer(cx, "procedures", l->e[e->first].src));
        if (ok) {
            if (!met)
                reason = why;
            met = 1;
            since = leaf_earliest(since, from);
            if (e->end != TS_NONE || to == TS_NONE)
                forever = 1;
            else if (until == TS_NONE || to > until)
                until = to;
        } else if (!met) {
            reason = why;
            if (e->end == TS_NONE && from > now)
                later = leaf_earliest(later, from);
        }
    }
    if (met) {
        leaf_set(res, TV_MET, reason);
        /* The written boundary ("> 30 min": start + 30 min), as for
        ** time_since, not the first whole second past it. */
        if (ru->dcmp.op == CMP_GT)
            since--;
        leaf_times(res, since, forever ? TS_NONE : until);
    } else {
        leaf_set(res, TV_NOT_MET, reason);
        if (later != TS_NONE)
            leaf_times(res, later, TS_NONE);
    }
    return res;
}
