/*
** recview.h -- a record as it looked at an earlier time (internal).
**
** replay screens one parsed record at many instants.  record_view_at
** gives, for an instant t at or before the record's screening time, the
** record that record_parse would have built with --at t: the same items,
** minus those timed after t, ends after t read as "still running", per-kg
** units converted with the weight known at t, and t as the screening
** time.  That identity is the contract replay's tests check against
** `screen --at t`.
*/
#ifndef RECVIEW_H
#define RECVIEW_H

#include "arena.h"
#include "facts.h"

/* The record full as of t (t <= record_at(full)), allocated in a: the view
** shares full's unchanged item arrays, so full must outlive it; one
** arena_reset frees it.  full itself is not changed. */
record *record_view_at(const record *full, ts_time t, arena *a);

/* The concepts of r with an item (sample, entry or fact), ascending, into
** held (room for vocab_count); returns how many. */
int record_held(const record *r, int *held);
/* record_view_at, looking only at the nheld concepts of held, which
** record_held gave for full: the others have nothing to cut, and walking
** the whole vocabulary was a tenth of a view when the HTML grid makes
** thousands of views of one record. */
record *record_view_at_held(const record *full, ts_time t, arena *a,
                            const int *held, int nheld);

/* The earliest time of any item of r (sample, start, onset, end, fact
** time), or TS_NONE if it has none. */
ts_time record_first_time(const record *r);
/* The latest such time, or TS_NONE (the HTML report's data span). */
ts_time record_last_time(const record *r);

#endif
