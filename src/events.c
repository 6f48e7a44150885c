/*
** events.c -- the demographic, event and presence leaves of the evaluator:
** age, sex, conditions, procedures, locations, medications, time since an
** event, procedure durations and facts.
**
** These leaves share one question: does the record say the thing is
** there, says it is not, or say nothing?  The answers follow
** docs/evaluation.md ("Precise readings"): a concept with entries is decided by its entries
** even in a section not marked complete; a concept without entries is
** absent only in a complete section and unknown otherwise.  Suspected
** conditions count only where the rule says suspicion is enough.
**
** Time.  Every list in the fact model is sorted by start (or onset) and
** nothing starts after the screening time, so "what is running now" is
** always the last merged run of a list.  Windows are computed as instants
** (event + D, with calendar months through ts_shift), never by dividing
** elapsed seconds, so that "6 mo" and strict bounds come out exact: a
** strict "below D" is met until event + D - 1 s, a strict "above D" from
** event + D + 1 s.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "units.h"
#include "leaf.h"
#include "spans.h"
#include "verdict.h"


/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static tv
tv_max(tv a, tv b)
{
    return a > b ? a : b;
}

/*
** Kleene OR over per-concept results: the value is the best one; the
** reason, evidence and missing data come from the concepts that have it.
** Since-times as for "any": the certain since is the earliest of the met
** concepts', the possible since the earliest of the met and unknown ones'
** (TS_NONE, unbounded, is the smallest time).
*/
static result *
any_of(eval_ctx *cx, const rule *ru, result **part, int n)
{
    result *res;
    tv best = TV_NOT_MET;
    ts_time since = INT64_MAX, early = INT64_MAX;

    if (n == 1)
        return part[0];
    for (int i = 0; i < n; i++)
        best = tv_max(best, part[i]->value);
    res = leaf_new(cx, ru);
    for (int i = 0; i < n; i++) {
        if (part[i]->value == best)
            result_take(cx, res, part[i]);
        if (part[i]->value == TV_NOT_MET)
            continue;
        if (part[i]->since_early < early)
            early = part[i]->since_early;
        if (part[i]->value == TV_MET && part[i]->since < since)
            since = part[i]->since;
    }
    if (best != TV_NOT_MET) {
        res->since = best == TV_MET ? since : TS_NONE;
        res->since_early = early;
    }
    /* The reasons of the parts as good as the best (at least one). */
    res->value = best;
    if (n > 0)
        result_join_reasons(cx, res, part, n, (int)best, 0);
    else
        result_set_reason(res, "no concepts");
    return res;
}

/* "/facts/<name>" with the JSON Pointer escapes ~0 and ~1; only evidence
** holds it, and values_only (the HTML grid) keeps none. */
static const char *
fact_pointer(eval_ctx *cx, const char *name)
{
    if (cx->values_only)
        return NULL;
    size_t n = strlen(name), j = 7;
    char *p = arena_alloc(cx->a, 7 + 2 * n + 1);

    memcpy(p, "/facts/", 7);
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '~' || name[i] == '/') {
            p[j++] = '~';
            p[j++] = name[i] == '~' ? '0' : '1';
        } else {
            p[j++] = name[i];
        }
    }
    p[j] = '\0';
    return p;
}

/* ------------------------------------------------------------------ */
/* Age and sex                                                        */
/* ------------------------------------------------------------------ */

static const char *const age_units[] = { "y", "mo", "d" };

/* How age relates to the bounds, for the reason: "is within 18–75 y". */
static const char *
age_phrase(eval_ctx *cx, const num_cmp_t *c, long age, int met, const char *u)
{
    char lo[32], hi[32];

    num_format(c->lo, lo, sizeof lo);
    num_format(c->hi, hi, sizeof hi);
    switch (c->op) {
    case CMP_BETWEEN:
        if (met)
            return arena_printf(cx->a, "is within %s\u2013%s %s", lo, hi, u);
        if (num_cmp((double)age, c->lo) < 0)
            return arena_printf(cx->a, "is below %s %s", lo, u);
        return arena_printf(cx->a, "is above %s %s", hi, u);
    case CMP_GT:
        return arena_printf(cx->a, met ? "is above %s %s" : "is not above %s %s", lo, u);
    case CMP_GE:
        return arena_printf(cx->a, met ? "is at least %s %s" : "is below %s %s", lo, u);
    case CMP_LT:
        return arena_printf(cx->a, met ? "is below %s %s" : "is not below %s %s", lo, u);
    case CMP_LE:
        return arena_printf(cx->a, met ? "is at most %s %s" : "is above %s %s", lo, u);
    case CMP_EQ:
        return arena_printf(cx->a, met ? "is %s %s" : "is not %s %s", lo, u);
    case CMP_NONE:
        break;
    }
    return "has no limit";
}

static int
age_ok(const num_cmp_t *c, long age)
{
    double a = (double)age;

    switch (c->op) {
    case CMP_GT:      return num_cmp(a, c->lo) > 0;
    case CMP_GE:      return num_cmp(a, c->lo) >= 0;
    case CMP_LT:      return num_cmp(a, c->lo) < 0;
    case CMP_LE:      return num_cmp(a, c->lo) <= 0;
    case CMP_EQ:      return num_cmp(a, c->lo) == 0;
    case CMP_BETWEEN: return num_cmp(a, c->lo) >= 0 && num_cmp(a, c->hi) <= 0;
    case CMP_NONE:    break;
    }
    return 1;
}

/*
** The first midnight (UTC) at which the age in unit u reaches n: the
** birthday, or day count, that met a lower bound ("a patient who turned 18
** this morning is eligible since midnight").  Civil arithmetic gives the
** candidate; ts_age, which handles 29 February, has the last word.
*/
static ts_time
age_reached(const record *r, long n, age_unit u)
{
    int y = r->birth_y, m = r->birth_m, d = r->birth_d;
    if (u == AGE_DAYS) {
        return ts_from_civil(y, m, d, 0, 0, 0) + (ts_time)n * TS_DAY;
    }
    long months = (long)(y) * 12 + (m - 1) + (u == AGE_MONTHS ? n : 12 * n);
    y = (int)(months / 12);
    m = (int)(months % 12) + 1;
    if (d > ts_days_in_month(y, m))
        d = ts_days_in_month(y, m);
    ts_time t = ts_from_civil(y, m, d, 0, 0, 0);
    for (int i = 0; i < 4 && ts_age(r->birth_y, r->birth_m, r->birth_d, t, u) < n; i++)
        t += TS_DAY;
    return t;
}

/* The age a lower bound needs, in whole units; -1 for no lower bound. */
static long
age_floor(const num_cmp_t *c)
{
    switch (c->op) {
    case CMP_GE:
    case CMP_EQ:
    case CMP_BETWEEN:   return (long)ceil(c->lo - 1e-9);
    case CMP_GT:        return (long)floor(c->lo + 1e-9) + 1;
    default:            return -1;
    }
}

/* Age limits are not windows; a met lower bound holds since the birthday
** that reached it, an upper bound does not constrain since. */
static result *
eval_age(eval_ctx *cx, const rule *ru)
{
    const record *r = cx->r;
    result *res = leaf_new(cx, ru);
    const char *u = age_units[ru->age_unit <= AGE_DAYS ? ru->age_unit : 0];
    const char *born;
    long age;
    int met;

    if (!r->has_birth) {
        leaf_say(cx, res, TV_UNKNOWN, "birth date not recorded");
        result_add_missing(cx, res, "birth_date");
        return res;
    }
    born = r->birth_str ? r->birth_str
         : arena_printf(cx->a, "%04d-%02d-%02d", r->birth_y, r->birth_m, r->birth_d);
    result_add_evidence(cx, res, "birth_date", born, NULL,
                        ts_from_civil(r->birth_y, r->birth_m, r->birth_d, 0, 0, 0),
                        "/birth_date");
    age = ts_age(r->birth_y, r->birth_m, r->birth_d, r->at, ru->age_unit);
    if (age < 0) {
        leaf_say(cx, res, TV_UNKNOWN, "birth date %s is after the screening time", born);
        return res;
    }
    met = age_ok(&ru->cmp, age);
    leaf_say(cx, res, met ? TV_MET : TV_NOT_MET, "age %ld %s %s", age, u,
        age_phrase(cx, &ru->cmp, age, met, u));
    if (met && age_floor(&ru->cmp) > 0)
        leaf_times(res, age_reached(r, age_floor(&ru->cmp), ru->age_unit), TS_NONE);
    return res;
}

static const char *const sex_names[] = { "none", "female", "male", "other", "unknown" };

/*
** A recorded "unknown" sex is itself missing data: unknown unless the rule
** explicitly accepts it.
*/
static result *
eval_sex(eval_ctx *cx, const rule *ru)
{
    const record *r = cx->r;
    result *res = leaf_new(cx, ru);
    const char *allowed = NULL;

    for (int s = SEX_FEMALE; s <= SEX_UNKNOWN; s++)
        if (ru->sexes & (1u << s))
            allowed = allowed ? arena_printf(cx->a, "%s or %s", allowed, sex_names[s])
                              : sex_names[s];
    if (!allowed)
        allowed = "none";
    if (r->sex == SEX_NONE) {
        leaf_say(cx, res, TV_UNKNOWN, "sex not recorded");
        result_add_missing(cx, res, "sex");
        return res;
    }
    result_add_evidence(cx, res, "sex", sex_names[r->sex], NULL, TS_NONE, "/sex");
    if (ru->sexes & (1u << r->sex))
        leaf_say(cx, res, TV_MET, "sex %s is %s", sex_names[r->sex], allowed);
    else if (r->sex == SEX_UNKNOWN) {
        leaf_say(cx, res, TV_UNKNOWN, "sex recorded as unknown (needs %s)", allowed);
        result_add_missing(cx, res, "sex");
    } else
        leaf_say(cx, res, TV_NOT_MET, "sex %s is not %s", sex_names[r->sex], allowed);
    return res;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                         */
/* ------------------------------------------------------------------ */

/*
** How one entry bears on the leaf, with why.  With a look-back the onset
** decides, resolved or not ("an MI in the past six months counts by its
** onset"); without one the entry must still be going on.  why may be
** NULL: the value alone, no text made (cond_one reads the value of every
** entry and the text of one).
*/
#define SAY(...) \
    do { if (why) *why = arena_printf(cx->a, __VA_ARGS__); } while (0)

static tv
cond_entry_value(eval_ctx *cx, const rule *ru, const concept *c,
                 const cond_entry *e, ts_time from, const char **why)
{
    const char *st = leaf_cond_status_names[e->status];

    if (e->status == ST_ABSENT) {
        SAY("%s absent", c->name);
        return TV_NOT_MET;
    }
    if (ru->active_within) {
        /* Present at some time in [from, now]: started by now (entries
        ** after now were dropped) and not ended before from. */
        if (e->end != TS_NONE && e->end < from) {
            SAY("%s ended %s, more than %s ago", c->name,
                result_fmt_time(cx, e->end), leaf_dur_str(cx, ru->within));
            return TV_NOT_MET;
        }
        if (e->status == ST_RESOLVED && e->end == TS_NONE) {
            SAY("%s resolved, end not recorded (needs "
                "present within %s)", c->name, leaf_dur_str(cx, ru->within));
            return TV_UNKNOWN;
        }
    } else if (ru->has_within) {
        if (e->onset == TS_NONE) {
            SAY("%s %s, onset not recorded (needs within %s)",
                c->name, st, leaf_dur_str(cx, ru->within));
            return TV_UNKNOWN;
        }
        if (e->onset < from) {
            SAY("%s onset %s, more than %s ago",
                c->name, result_fmt_time(cx, e->onset), leaf_dur_str(cx, ru->within));
            return TV_NOT_MET;
        }
    } else if (e->status == ST_RESOLVED || e->end != TS_NONE) {
        if (e->end != TS_NONE)
            SAY("%s %s, ended %s", c->name, st, result_fmt_time(cx, e->end));
        else
            SAY("%s resolved", c->name);
        return TV_NOT_MET;
    }
    if (e->status == ST_SUSPECTED && ru->known) {
        SAY("%s only suspected (the text asks for a "
            "known %s)", c->name, c->name);
        return TV_NOT_MET;
    }
    if (e->status == ST_SUSPECTED && !ru->suspected) {
        SAY("%s suspected: must be confirmed or ruled out", c->name);
        return TV_UNKNOWN;
    }
    if (ru->active_within)
        SAY("%s %s within the last %s", c->name, st,
            leaf_dur_str(cx, ru->within));
    else if (e->onset == TS_NONE)
        SAY("%s %s", c->name, st);
    else if (ru->has_within)
        SAY("%s %s, onset %s, within %s", c->name, st,
            result_fmt_time(cx, e->onset), leaf_dur_str(cx, ru->within));
    else
        SAY("%s %s since %s", c->name, st, result_fmt_time(cx, e->onset));
    return TV_MET;
}
#undef SAY

static result *cond_one(eval_ctx *cx, const rule *ru, const concept *c);

/*
** A concept without entries.  A condition only the other sex can have
** (pregnancy, lactation for a male patient) is absent; a narrower form
** ("moderate to severe aortic regurgitation") is read from its broader
** concept: a present entry of it leaves the severity unknown, a ruled-out
** one rules it out; otherwise absent only in a complete section.
*/
static void
cond_none(eval_ctx *cx, const rule *ru, const concept *c, result *res)
{
    const record *r = cx->r;
    if (c->sexes && (r->sex == SEX_MALE || r->sex == SEX_FEMALE) &&
        !(c->sexes & (1u << r->sex))) {
        leaf_say(cx, res, TV_NOT_MET, "no %s (sex %s)", c->name,
                 r->sex == SEX_MALE ? "male" : "female");
        result_add_evidence(cx, res, "sex", r->sex == SEX_MALE ? "male" : "female",
                            NULL, TS_NONE, "/sex");
        return;
    }
    if (c->broader) {
        const result *b = cond_one(cx, ru, c->broader);
        result_take(cx, res, b);
        res->since_early = b->since_early;
        if (b->value == TV_MET) {
            leaf_say(cx, res, TV_UNKNOWN, "%s; %s not recorded (the severity "
                     "decides)", result_reason(b), c->name);
            result_add_missing(cx, res, c->name);
        } else {
            res->value = b->value;
            result_same_reason(res, b);
        }
        return;
    }
    leaf_none(cx, res, c, leaf_complete(cx, SEC_CONDITIONS),
              "no %s recorded (conditions complete)", c->name);
}

static result *
cond_one(eval_ctx *cx, const rule *ru, const concept *c)
{
    const cond_list *l = &cx->r->conds[c->index];
    ts_time from = ru->has_within ? ts_shift(cx->r->at, ru->within, -1) : TS_NONE;
    result *res = leaf_new(cx, ru);
    const char *reason = "";
    tv best = TV_NOT_MET, v;
    ts_time since = INT64_MAX;

    if (l->n == 0) {
        cond_none(cx, ru, c, res);
        return res;
    }
    for (int i = 0; i < l->n; i++)
        best = tv_max(best, cond_entry_value(cx, ru, c, &l->e[i], from, NULL));
    /* The entries that decided are the evidence; the latest one speaks
    ** (its text is the only one made).  Their onsets are the since-times
    ** (an entry without onset: unbounded). */
    int speaks = -1;
    for (int i = 0; i < l->n; i++) {
        const cond_entry *e = &l->e[i];
        v = cond_entry_value(cx, ru, c, e, from, NULL);
        if (v != best)
            continue;
        speaks = i;
        result_add_evidence(cx, res, c->name, leaf_cond_status_names[e->status], NULL,
                            e->onset, result_pointer(cx, "conditions", e->src));
        if (e->onset < since)
            since = e->onset;
    }
    if (speaks >= 0 && !cx->values_only)     /* the text only */
        cond_entry_value(cx, ru, c, &l->e[speaks], from, &reason);
    leaf_set(res, best, reason);
    /* Unknown from the entries themselves (suspected, onset not given):
    ** say what must be found out. */
    if (best == TV_UNKNOWN)
        result_add_missing(cx, res, arena_printf(cx->a, "%s (to be confirmed)",
                                                 c->name));
    if (best == TV_MET)
        leaf_times(res, since, TS_NONE);
    else if (best == TV_UNKNOWN)
        res->since_early = since;
    return res;
}

/* ------------------------------------------------------------------ */
/* Procedures                                                         */
/* ------------------------------------------------------------------ */

/*
** An attribute of an episode: the latest of its entries that records it
** speaks (a later charting entry may carry a change of mode), so that *at
** is that entry's index.
*/
static const char *
proc_attr(const proc_list *l, const span *ep, const char *key, int *at)
{
    for (int i = ep->last; i >= ep->first; i--) {
        const proc_entry *e = &l->e[i];
        for (int k = 0; k < e->nattrs; k++)
            if (strcmp(e->keys[k], key) == 0) {
                *at = i;
                return e->vals[k];
            }
    }
    *at = ep->last;
    return NULL;
}

/* Attribute values as charted vary in case and dashes: "V-A", "va" and
** "VA" are one mode. */
static int
attr_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a == '-')
            a++;
        while (*b == '-')
            b++;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        if (!*a)
            return 1;
        a++, b++;
    }
}

/* "VA or not given" for reasons. */
static const char *
attr_allowed(eval_ctx *cx, const rule *ru)
{
    const char *s = NULL;
    for (int i = 0; i < ru->nattr_vals; i++) {
        const char *v = ru->attr_vals[i] ? ru->attr_vals[i] : "not given";
        s = s ? arena_printf(cx->a, "%s or %s", s, v) : v;
    }
    return s ? s : "nothing";
}

/*
** The attribute test on one episode that qualifies by time: a value in the
** list passes; no value passes only if the list allows it (a NULL
** element), and is unknown otherwise (ECMO without a recorded intent).
*/
static tv
proc_attr_value(eval_ctx *cx, const rule *ru, const char *val, const char **detail)
{
    int null_ok = 0;

    *detail = "";
    if (!ru->attr_key)
        return TV_MET;
    for (int i = 0; i < ru->nattr_vals; i++) {
        if (!ru->attr_vals[i])
            null_ok = 1;
        else if (val && attr_equal(val, ru->attr_vals[i])) {
            *detail = arena_printf(cx->a, ", %s %s", ru->attr_key, val);
            return TV_MET;
        }
    }
    if (val) {
        *detail = arena_printf(cx->a, ", %s %s is not %s", ru->attr_key, val,
                               attr_allowed(cx, ru));
        return TV_NOT_MET;
    }
    if (null_ok) {
        *detail = arena_printf(cx->a, ", %s not given", ru->attr_key);
        return TV_MET;
    }
    *detail = arena_printf(cx->a, ", %s not recorded (needs %s)", ru->attr_key,
                           attr_allowed(cx, ru));
    return TV_UNKNOWN;
}

static tv
proc_episode_value(eval_ctx *cx, const rule *ru, const concept *c,
                   const span *ep, const char *attr, ts_time from, const char **why)
{
    const char *detail, *when;
    tv v;

    if (ru->ongoing && ep->end != TS_NONE) {
        *why = arena_printf(cx->a, "%s ended %s", c->name, result_fmt_time(cx, ep->end));
        return TV_NOT_MET;
    }
    if (ru->has_within && ep->end != TS_NONE && ep->end < from) {
        *why = arena_printf(cx->a, "%s ended %s, more than %s ago", c->name,
                            result_fmt_time(cx, ep->end), leaf_dur_str(cx, ru->within));
        return TV_NOT_MET;
    }
    v = proc_attr_value(cx, ru, attr, &detail);
    when = ep->end == TS_NONE
         ? arena_printf(cx->a, "ongoing since %s", result_fmt_time(cx, ep->start))
         : arena_printf(cx->a, "%s to %s", result_fmt_time(cx, ep->start), result_fmt_time(cx, ep->end));
    *why = arena_printf(cx->a, "%s %s%s", c->name, when, detail);
    return v;
}

static result *
proc_one(eval_ctx *cx, const rule *ru, const concept *c)
{
    const proc_list *l = &cx->r->procs[c->index];
    ts_time from = ru->has_within ? ts_shift(cx->r->at, ru->within, -1) : TS_NONE;
    result *res = leaf_new(cx, ru);
    const char *why, *reason = "";
    tv best = TV_NOT_MET;
    span *ep;
    int at;

    if (l->n == 0) {
        leaf_none(cx, res, c, leaf_complete(cx, SEC_PROCEDURES),
                  "no %s recorded (procedures complete)", c->name);
        return res;
    }
    int ne = leaf_episodes(cx, l, &ep);
    tv *v = arena_alloc(cx->a, (size_t)ne * sizeof *v);
    const char **whys = arena_alloc(cx->a, (size_t)ne * sizeof *whys);
    const char **attr = arena_alloc(cx->a, (size_t)ne * sizeof *attr);
    for (int k = 0; k < ne; k++) {
        attr[k] = ru->attr_key ? proc_attr(l, &ep[k], ru->attr_key, &at) : NULL;
        v[k] = proc_episode_value(cx, ru, c, &ep[k], attr[k], from, &why);
        whys[k] = why;
        best = tv_max(best, v[k]);
    }
    for (int k = 0; k < ne; k++) {
        if (v[k] != best)
            continue;
        reason = whys[k];
        for (int i = ep[k].first; i <= ep[k].last; i++)
            result_add_evidence(cx, res, c->name, attr[k], NULL, l->e[i].start,
                                result_pointer(cx, "procedures", l->e[i].src));
        if (best != TV_NOT_MET && res->since == TS_NONE)
            res->since = ep[k].start;
    }
    leaf_set(res, best, reason);
    if (best == TV_MET)
        leaf_times(res, res->since, TS_NONE);
    else if (best == TV_UNKNOWN)
        res->since_early = res->since, res->since = TS_NONE;
    else
        res->since = TS_NONE;
    return res;
}

/* ------------------------------------------------------------------ */
/* Locations                                                          */
/* ------------------------------------------------------------------ */

static result *
loc_one(eval_ctx *cx, const rule *ru, const concept *c)
{
    result *res = leaf_new(cx, ru);
    ts_time s = leaf_loc_current(cx, c, res);

    if (s != TS_NONE) {
        leaf_say(cx, res, TV_MET, "in %s since %s", c->name, result_fmt_time(cx, s));
        leaf_times(res, s, TS_NONE);
    }
    return res;
}

/* ------------------------------------------------------------------ */
/* Facts                                                              */
/* ------------------------------------------------------------------ */

/* A fact's value as reasons and evidence quote it ("" for values_only,
** which makes neither). */
static const char *
fact_text(eval_ctx *cx, const fact_entry *f)
{
    if (cx->values_only)
        return "";
    switch (f->type) {
    case VAL_BOOL:
        return f->b ? "true" : "false";
    case VAL_NUMBER:
        return result_num(cx, f->n);
    case VAL_STRING:
        return arena_printf(cx->a, "\"%s\"", f->s);
    }
    return "?";
}

/*
** Only a boolean can be true or false, only a number compares with a
** threshold: a fact of another type is unknown, with a reason.  A timed
** fact holds from its time.
*/
static result *
eval_fact(eval_ctx *cx, const rule *ru)
{
    const concept *c = ru->concepts[0];
    const fact_entry *f = cx->r->facts[c->index];
    result *res = leaf_new(cx, ru);
    const char *val;

    if (!f) {
        leaf_say(cx, res, TV_UNKNOWN, "%s not recorded", c->name);
        result_add_missing(cx, res, c->name);
        return res;
    }
    val = fact_text(cx, f);
    result_add_evidence(cx, res, c->name, val, NULL, f->t, fact_pointer(cx, c->name));
    /* A look-back on a fact: one recorded before it no longer speaks for
    ** now (an untimed fact is taken as current). */
    res->since_early = f->t;
    if (ru->has_within && f->t != TS_NONE &&
        f->t < ts_shift(cx->r->at, ru->within, -1)) {
        leaf_say(cx, res, TV_UNKNOWN, "%s recorded %s, more than %s ago", c->name,
                 result_fmt_time(cx, f->t), leaf_dur_str(cx, ru->within));
        result_add_missing(cx, res, c->name);
        return res;
    }
    if (f->t != TS_NONE)
        leaf_times(res, f->t, TS_NONE);
    if (ru->fact_type == VAL_BOOL && ru->cmp.op == CMP_NONE) {
        if (f->type != VAL_BOOL)
            leaf_say(cx, res, TV_UNKNOWN, "%s is %s, not true or false", c->name, val);
        else if (!!f->b == !!ru->fact_bool)
            leaf_say(cx, res, TV_MET, "%s is %s", c->name, val);
        else
            leaf_say(cx, res, TV_NOT_MET, "%s is %s (needs %s)", c->name, val,
                ru->fact_bool ? "true" : "false");
    } else if (ru->fact_type == VAL_STRING && ru->cmp.op == CMP_NONE) {
        if (f->type != VAL_STRING)
            leaf_say(cx, res, TV_UNKNOWN, "%s is %s, not a string", c->name, val);
        else if (strcmp(f->s, ru->fact_str) == 0)
            leaf_say(cx, res, TV_MET, "%s is %s", c->name, val);
        else
            leaf_say(cx, res, TV_NOT_MET, "%s is %s (needs \"%s\")", c->name, val, ru->fact_str);
    } else if (ru->cmp.op != CMP_NONE) {
        if (f->type != VAL_NUMBER)
            leaf_say(cx, res, TV_UNKNOWN, "%s is %s, not a number", c->name, val);
        else
            leaf_say(cx, res, result_cmp_value(&ru->cmp, f->n) ? TV_MET : TV_NOT_MET,
                "%s is %s (needs %s)", c->name, val, result_cmp_text(cx, &ru->cmp));
    } else {
        leaf_say(cx, res, TV_UNKNOWN, "%s: the rule has no comparison", c->name);
    }
    /* A fact of the wrong type cannot decide: ask for it again. */
    if (res->value == TV_UNKNOWN)
        result_add_missing(cx, res, arena_printf(cx->a, "%s (%s)", c->name,
                           ru->fact_type == VAL_BOOL && ru->cmp.op == CMP_NONE
                           ? "true or false" : "re-record"));
    return res;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

typedef result *(*one_fn)(eval_ctx *, const rule *, const concept *);

/* Evaluate each concept of an "any of these" leaf and OR the results.  In
** the HTML grid (values_only) outside a held-for, the first met concept
** decides: only the since-times needed the others, and nothing reads
** them there (eval.c's eval_any; counted in cx->cut). */
static result *
each_concept(eval_ctx *cx, const rule *ru, one_fn one)
{
    result **part;

    if (ru->nconcepts < 1) {
        result *res = leaf_new(cx, ru);
        leaf_say(cx, res, TV_UNKNOWN, "no concept given");
        return res;
    }
    part = arena_alloc(cx->a, (size_t)ru->nconcepts * sizeof *part);
    for (int i = 0; i < ru->nconcepts; i++) {
        part[i] = one(cx, ru, ru->concepts[i]);
        if (cx->values_only && !cx->timed && part[i]->value == TV_MET
            && ru->nconcepts > 1) {
            cx->cut++;
            result *res = leaf_new(cx, ru);
            res->value = TV_MET;
            return res;
        }
    }
    return any_of(cx, ru, part, ru->nconcepts);
}

result *
eval_event(eval_ctx *cx, const rule *ru)
{
    result *res;

    switch (ru->kind) {
    case R_AGE:          return eval_age(cx, ru);
    case R_SEX:          return eval_sex(cx, ru);
    case R_CONDITION:    return each_concept(cx, ru, cond_one);
    case R_PROCEDURE:    return each_concept(cx, ru, proc_one);
    case R_LOCATION:     return each_concept(cx, ru, loc_one);
    case R_MEDICATION:
        if (ru->one_course)
            return clock_med_class(cx, ru);
        return each_concept(cx, ru, clock_med_one);
    default:             break;
    }
    res = leaf_new(cx, ru);
    /* The single-concept leaves; the loader always gives them one. */
    if (ru->nconcepts < 1) {
        leaf_say(cx, res, TV_UNKNOWN, "no concept given");
        return res;
    }
    switch (ru->kind) {
    case R_TIME_SINCE:   return eval_time_since(cx, ru);
    case R_DURATION:     return eval_duration(cx, ru);
    case R_FACT:         return eval_fact(cx, ru);
    default:             break;
    }
    leaf_say(cx, res, TV_UNKNOWN, "%s is not an event leaf", rule_kind_name(ru->kind));
    return res;
}
