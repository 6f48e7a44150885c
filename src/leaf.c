/*
** leaf.c -- helpers shared by the leaves of the evaluator (events.c,
** clock.c, total.c): a leaf's blank result and how it says its value,
** reason and times; "nothing recorded" as not met or unknown; durations
** and duration comparisons in reasons; the instants at which a clock
** rule holds; procedure episodes; where the patient is now.
**
** They live below the leaves, not in one of them, so that the leaves call
** down and never sideways into each other (the evaluator's call graph is
** a tree; tests/callgraph.sh).  The declarations are in leaf.h.
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "leaf.h"
#include "spans.h"
#include "timeutil.h"
#include "verdict.h"

/* ------------------------------------------------------------------ */
/* A leaf's result                                                    */
/* ------------------------------------------------------------------ */

result *
leaf_new(eval_ctx *cx, const rule *ru)
{
    return result_blank(cx, ru, TV_UNKNOWN);    /* reason "", no times */
}

void
leaf_set(result *res, tv value, const char *reason)
{
    res->value = value;
    result_set_reason(res, reason);
}

void
leaf_say(eval_ctx *cx, result *res, tv value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    res->value = value;
    result_vsay(cx, res, fmt, ap);
    va_end(ap);
}

/* The leaf holds from since (certainly and possibly: these are recorded
** event times) until until (TS_NONE: no limit). */
void
leaf_times(result *res, ts_time since, ts_time until)
{
    res->since = since;
    res->since_early = since;
    res->until = until;
}

int
leaf_complete(const eval_ctx *cx, unsigned section)
{
    return (cx->r->complete & section) != 0;
}

void
leaf_none(eval_ctx *cx, result *res, const concept *c, int decided,
          const char *fmt, ...)
{
    if (decided) {
        va_list ap;
        va_start(ap, fmt);
        res->value = TV_NOT_MET;
        result_vsay(cx, res, fmt, ap);
        va_end(ap);
    } else {
        leaf_say(cx, res, TV_UNKNOWN, "%s not recorded", c->name);
        result_add_missing(cx, res, c->name);
    }
}

/* Earliest of two times where TS_NONE means "none yet". */
ts_time
leaf_earliest(ts_time a, ts_time b)
{
    if (a == TS_NONE)
        return b;
    return b == TS_NONE || a < b ? a : b;
}

/* ------------------------------------------------------------------ */
/* Durations and windows                                              */
/* ------------------------------------------------------------------ */

/*
** Durations in reasons: clinical windows are written in hours up to three
** days ("24 h", not ts_format_duration's "1 d"), longer ones as written.
*/
#define HOURS_SHOWN (72 * TS_HOUR)

static void
dur_text(ts_duration d, char *buf, size_t size)
{
    if (d.months == 0 && d.seconds > 0 && d.seconds < HOURS_SHOWN
        && d.seconds % TS_HOUR == 0)
        snprintf(buf, size, "%lld h", (long long)(d.seconds / TS_HOUR));
    else
        ts_format_duration(d, buf, size);
}

/*
** A rule's look-back or bound is the same duration for every record and
** at every step of a replay: each thread keeps the texts of the
** durations it wrote last, keyed by the duration itself (both parts), so
** a text kept is never the wrong one.
*/
typedef struct dur_memo {
    ts_duration d;
    size_t len;                 /* 0: an empty slot */
    char text[DUR_TEXT_LEN];
} dur_memo;

static _Thread_local dur_memo dur_memo_table[32];

const char *
leaf_dur_str(eval_ctx *cx, ts_duration d)
{
    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    uint64_t h = ((uint64_t)d.seconds ^ ((uint64_t)(unsigned)d.months << 40))
               * 0x9E3779B97F4A7C15ULL;
    dur_memo *m = &dur_memo_table[h >> 59];     /* 32 slots */
    if (m->len == 0 || m->d.seconds != d.seconds || m->d.months != d.months) {
        dur_text(d, m->text, sizeof m->text);
        m->len = strlen(m->text);
        m->d = d;
    }
    return arena_strndup(cx->a, m->text, m->len);
}

/* Elapsed time to the minute below three days: "10 h 0 min", "24 h 1 min". */
const char *
leaf_secs_str(eval_ctx *cx, int64_t secs)
{
    char buf[DUR_TEXT_LEN];

    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    if (secs >= TS_HOUR && secs < HOURS_SHOWN)
        return arena_printf(cx->a, "%lld h %lld min", (long long)(secs / TS_HOUR),
                            (long long)(secs % TS_HOUR / TS_MINUTE));
    ts_format_seconds(secs, buf, sizeof buf);
    return arena_strdup(cx->a, buf);
}

/*
** "6–24 h" when both ends are one part in the same unit, else
** "6 h–1 d 2 h"; "> 30 min", "< 24 h", ...
*/
const char *
leaf_dur_cmp_text(eval_ctx *cx, const dur_cmp *d)
{
    if (cx->values_only)        /* quoted by reasons alone */
        return "";
    const char *lo = leaf_dur_str(cx, d->lo), *hi;
    const char *sp_lo, *sp_hi;

    switch (d->op) {
    case CMP_GT: return arena_printf(cx->a, "> %s", lo);
    case CMP_GE: return arena_printf(cx->a, ">= %s", lo);
    case CMP_LT: return arena_printf(cx->a, "< %s", lo);
    case CMP_LE: return arena_printf(cx->a, "<= %s", lo);
    case CMP_EQ: return arena_printf(cx->a, "= %s", lo);
    case CMP_BETWEEN:
        hi = leaf_dur_str(cx, d->hi);
        sp_lo = strchr(lo, ' ');
        sp_hi = strrchr(hi, ' ');
        if (sp_lo && sp_hi && sp_lo == strrchr(lo, ' ') && strcmp(sp_lo, sp_hi) == 0)
            return arena_printf(cx->a, "%.*s\u2013%s", (int)(sp_lo - lo), lo, hi);
        return arena_printf(cx->a, "%s\u2013%s", lo, hi);
    case CMP_NONE:
        break;
    }
    return "any time";
}

/*
** The instants at which the time elapsed since t satisfies d: from *from
** to *to inclusive (*to TS_NONE: for ever).  Whole seconds make strict
** bounds one second inside the written ones.
*/
void
leaf_dur_window(const dur_cmp *d, ts_time t, ts_time *from, ts_time *to)
{
    ts_time lo = ts_shift(t, d->lo, +1);

    *from = t;
    *to = TS_NONE;
    switch (d->op) {
    case CMP_GT:      *from = lo + 1; break;
    case CMP_GE:      *from = lo; break;
    case CMP_LT:      *to = lo - 1; break;
    case CMP_LE:      *to = lo; break;
    case CMP_EQ:      *from = lo; *to = lo; break;
    case CMP_BETWEEN: *from = lo; *to = ts_shift(t, d->hi, +1); break;
    case CMP_NONE:    break;
    }
}

int
leaf_in_window(ts_time x, ts_time from, ts_time to)
{
    return x >= from && (to == TS_NONE || x <= to);
}

/* ------------------------------------------------------------------ */
/* Episodes, conditions, locations                                    */
/* ------------------------------------------------------------------ */

int
leaf_episodes(eval_ctx *cx, const proc_list *l, span **out)
{
    *out = arena_alloc(cx->a, (size_t)(l->n ? l->n : 1) * sizeof **out);
    return span_episodes(l, *out);
}

const char *const leaf_cond_status_names[] = { "active", "suspected", "resolved", "absent" };

/*
** The last run of adjacent or overlapping stays: since every stay starts
** at or before the screening time, it is the only one that can cover it.
** Returns the index of its first stay, its start and its end (TS_NONE:
** still there).
*/
static int
loc_last_run(const loc_list *l, ts_time *start, ts_time *end)
{
    int first = 0;

    *start = l->e[0].start;
    *end = l->e[0].end;
    for (int i = 1; i < l->n; i++) {
        const loc_entry *e = &l->e[i];
        if (*end != TS_NONE && e->start > *end) {
            first = i;
            *start = e->start;
            *end = e->end;
        } else if (*end != TS_NONE && (e->end == TS_NONE || e->end > *end)) {
            *end = e->end;
        }
    }
    return first;
}

/*
** The start of the stay in c covering the screening time, or TS_NONE with
** the leaf's value when there is none: not met when a stay elsewhere
** covers it or the locations are complete, unknown otherwise (a stay that
** ended hours ago says nothing of where the patient is now).
*/
ts_time
leaf_loc_current(eval_ctx *cx, const concept *c, result *res)
{
    const loc_list *l = &cx->r->locs[c->index];
    ts_time s = TS_NONE, e = TS_NONE, now = cx->r->at;
    const concept *here;
    int first;

    if (l->n > 0) {
        first = loc_last_run(l, &s, &e);
        for (int i = first; i < l->n; i++)
            result_add_evidence(cx, res, c->name, NULL, NULL, l->e[i].start,
                                result_pointer(cx, "locations", l->e[i].src));
        if (s <= now && (e == TS_NONE || now < e))
            return s;
    }
    const char *left = l->n > 0 ? arena_printf(cx->a, " (left %s)", result_fmt_time(cx, e)) : "";
    if ((here = span_place_at(cx->r, now)) != NULL)
        leaf_say(cx, res, TV_NOT_MET, "not in %s now: in %s%s", c->name,
                 here->name, left);
    else if (leaf_complete(cx, SEC_LOCATIONS))
        leaf_say(cx, res, TV_NOT_MET, "not in %s now%s (locations complete)",
                 c->name, left);
    else {
        leaf_say(cx, res, TV_UNKNOWN, "no stay recorded covering the screening "
                 "time (%s)%s", c->name, left);
        result_add_missing(cx, res, c->name);
    }
    return TS_NONE;
}
