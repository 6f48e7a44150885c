/*
** leaf.h -- helpers shared by the leaves (leaf.c), and the clock leaves
** (clock.c) that events.c dispatches to.
*/
#ifndef LEAF_H
#define LEAF_H

#include "spans.h"
#include "verdict.h"

#define DUR_TEXT_LEN 64

/* A blank, untimed, unknown result for ru; callers fill value and reason. */
result *leaf_new(eval_ctx *cx, const rule *ru);
void leaf_say(eval_ctx *cx, result *res, tv value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* leaf_say(cx, res, value, "%s", reason) for a reason that is made already
** (in the arena or static): no copy. */
void leaf_set(result *res, tv value, const char *reason);
/* The leaf holds from since (certainly) until until (TS_NONE: no limit). */
void leaf_times(result *res, ts_time since, ts_time until);
int leaf_complete(const eval_ctx *cx, unsigned section);
/* Nothing qualifies.  When the record can say so (decided: the concept has
** entries, or its section is complete) the leaf is not met, for the reason
** given; otherwise it is unknown and the concept is listed as missing. */
void leaf_none(eval_ctx *cx, result *res, const concept *c, int decided,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Earliest of two times where TS_NONE means "none yet". */
ts_time leaf_earliest(ts_time a, ts_time b);

const char *leaf_dur_str(eval_ctx *cx, ts_duration d);
const char *leaf_secs_str(eval_ctx *cx, int64_t secs);
const char *leaf_dur_cmp_text(eval_ctx *cx, const dur_cmp *d);
/* The instants at which the time elapsed since t satisfies d. */
void leaf_dur_window(const dur_cmp *d, ts_time t, ts_time *from, ts_time *to);
int leaf_in_window(ts_time x, ts_time from, ts_time to);

/* The episodes of a procedure's entries (spans.c), allocated in the
** arena; returns how many. */
int leaf_episodes(eval_ctx *cx, const proc_list *l, span **out);

extern const char *const leaf_cond_status_names[];
/* Start of the current merged stay in location c, or TS_NONE with res set. */
ts_time leaf_loc_current(eval_ctx *cx, const concept *c, result *res);

/* clock.c: medications, time since an event, durations (called by events.c). */
result *clock_med_one(eval_ctx *cx, const rule *ru, const concept *c);
/* medication: [...] with one_course: one course across the drugs, now. */
result *clock_med_class(eval_ctx *cx, const rule *ru);
result *eval_time_since(eval_ctx *cx, const rule *ru);
result *eval_duration(eval_ctx *cx, const rule *ru);

#endif
