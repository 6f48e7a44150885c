/*
** spans.h -- the merged spans of the fact model: medication courses,
** procedure episodes and the current admission (internal).
**
** The record lists what was charted, one entry per constant-rate interval
** or per charting split; the criteria speak of courses, episodes and
** stays.  These readings (docs/evaluation.md, "Precise readings") live
** here, below the evaluator, so that every leaf merges the same way.
*/
#ifndef SPANS_H
#define SPANS_H

#include "facts.h"

/* Gaps and zero-rate pauses up to this long do not end an infusion
** course (a syringe change, a short pause). */
#define SPAN_PAUSE TS_HOUR

/* Most drugs one class course may span (the loader enforces it). */
#define SPAN_CLASS_MAX 32

/* Entries first..last of one list, merged: from start to end (TS_NONE:
** still running at the screening time). */
typedef struct span {
    int first, last;
    ts_time start, end;
} span;

/* Whether a medication entry runs over an interval: an infusion, regimen
** or course with a rate or dose above 0 (not a single dose). */
int span_med_runs(const med_entry *e);

/*
** The course of one drug running at the screening time at: running
** entries that overlap, touch or are at most SPAN_PAUSE apart merge.
** Returns 1 and fills *out, or 0 when no course runs at `at`.
*/
int span_course_now(const med_list *l, ts_time at, span *out);

/*
** One course across a class of drugs (vasopressors and inotropes): the
** running entries of all n lists, in start order, merge as one drug's do,
** so a switch from one drug to another, an overlap or a pause of at most
** SPAN_PAUSE does not start a new course.  Returns 1 and fills *out when
** a course runs at `at` (first and last are then -1: the entries belong
** to several lists; callers take those starting at or after out->start).
*/
int span_class_course_now(const med_list *const *lists, int n, ts_time at,
                          span *out);

/* The onset of the course that running entry i belongs to. */
ts_time span_course_onset(const med_list *l, int i);

/*
** The episodes of one procedure: adjacent or overlapping entries merge (a
** charting split is not a new ventilation).  out must hold l->n spans;
** returns how many, in time order.
*/
int span_episodes(const proc_list *l, span *out);

/* The location concept whose stay covers t (start <= t < end), or NULL. */
const concept *span_place_at(const record *r, ts_time t);

/*
** The start of the current admission: the earliest start of the chain of
** contiguous or overlapping stays, in any place, that covers t; TS_NONE
** when no stay covers t.
*/
ts_time span_admission_start(const record *r, ts_time t);

#endif
