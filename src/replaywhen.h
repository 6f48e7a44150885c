/*
** replaywhen.h -- when can a trial's verdict change (internal, replay).
**
** A trial's verdict at t depends on the record only through the items of
** the concepts its rules read, and on t only through comparisons of t
** with those items' times shifted by the durations its rules write
** (look-backs, gaps, held-for limits, time-since bounds), and through the
** calendar date (age).  So between two consecutive "change instants"
** (an item time plus one of those offsets, or a midnight) the verdict is
** constant, and replay evaluates a trial at a grid point only when a
** change instant lies between the previous grid point and it (both
** included).  replay's tests check that this gives the same verdicts as
** evaluating every point.  The HTML grid asks the same questions of one
** record for every trial and criterion: a clock_grid keeps the record's
** item times (sorted, and by grid phase) for all of them.
*/
#ifndef REPLAYWHEN_H
#define REPLAYWHEN_H

#include "criteria.h"
#include "record.h"

typedef struct trial_clock trial_clock;

/* What trial t reads and which offsets its rules write; vocab v. */
trial_clock *trial_clock_new(const trial *t, const vocab *v);
void trial_clock_free(trial_clock *c);      /* NULL-safe */
/* 1 if the trial writes too many durations to list its instants: replay
** then evaluates it at every grid point. */
int trial_clock_every_point(const trial_clock *c);

/* A growable array of instants. */
typedef struct instants {
    ts_time *t;
    int n, cap;
} instants;

/* Fill out with the sorted, distinct change instants of c's trial for
** record r that lie in [from, to]. */
void trial_clock_instants(const trial_clock *c, const record *r, ts_time from,
                          ts_time to, instants *out);
/* The same for criterion ci alone (what trial_clock_crit_marks marks). */
void trial_clock_crit_instants(const trial_clock *c, int ci, const record *r,
                               ts_time from, ts_time to, instants *out);
void instants_release(instants *in);

/* The same instants on a grid of n points, point k being min(from + k *
** step, to) (to is the last): mark[k] = 1 when a change instant lies in
** [point k - 1, point k] (both included), else 0; mark[0] = 0.  What
** the HTML timeline needs, without sorting anything. */
void trial_clock_marks(const trial_clock *c, const record *r, ts_time from,
                       ts_time step, int n, ts_time to, unsigned char *mark);

/* One record's item times kept for marking it on one grid (the same
** arguments as trial_clock_marks): the parts of every trial read the
** same concepts, and the times of one concept are sorted out once.  r
** must outlive the marks made with it; clock_grid_set forgets the record
** set before. */
typedef struct clock_grid clock_grid;
clock_grid *clock_grid_new(void);
void clock_grid_free(clock_grid *cg);       /* NULL-safe */
void clock_grid_set(clock_grid *cg, const record *r, ts_time from,
                    ts_time step, int n, ts_time to);
/* trial_clock_marks (ci < 0) or trial_clock_crit_marks (criterion ci) of
** the record and grid of cg. */
void trial_clock_grid_marks(const trial_clock *c, int ci, clock_grid *cg,
                            unsigned char *mark);

/* The same for criterion ci alone (its own concepts and offsets, those of
** the criteria it refers to included): a criterion not marked in a step
** keeps its value over it. */
void trial_clock_crit_marks(const trial_clock *c, int ci, const record *r,
                            ts_time from, ts_time step, int n, ts_time to,
                            unsigned char *mark);
/* 1 if criterion ci must be evaluated at every grid point (it sums
** volumes: trial_clock_every_point). */
int trial_clock_crit_every_point(const trial_clock *c, int ci);
/* The same for record r (and any view of it at an earlier time): 0 for a
** criterion that sums volumes when r has no entry of what it sums. */
int trial_clock_crit_every_point_in(const trial_clock *c, int ci,
                                    const record *r);

/* The first change instant at or after t of criterion ci alone (INT64_MAX
** if none): while a criterion excludes the patient, the verdict stays
** ineligible until then, whatever the rest of the trial does. */
ts_time trial_clock_next(const trial_clock *c, int ci, const record *r, ts_time t);
/* The same from the item times kept in cg (its record and any grid). */
ts_time trial_clock_grid_next(const trial_clock *c, int ci, clock_grid *cg,
                              ts_time t);

#endif
