/*
** timeutil.h -- timestamps, dates, durations and calendar ages.
**
** Our own RFC 3339 parser: glibc's strptime accepts 2024-02-30 and timegm
** silently turns it into 1 March, which a screener must never do.  All
** arithmetic is on ts_time (seconds since the epoch, UTC), except calendar
** months and years, which are done on civil dates.
*/
#ifndef TIMEUTIL_H
#define TIMEUTIL_H

#include "ts.h"

#define TS_FMT_LEN 32           /* room for "2026-03-01T12:00:00Z" and NUL */

/*
** Parse an RFC 3339 timestamp ("2026-03-01T12:00:00Z",
** "2026-03-01T14:00:00+02:00", "2026-03-01T12:00:00.250Z", "T" or "t" or a
** single space as separator) or a plain date ("2026-02-10", meaning its
** midnight UTC).  A timestamp without an offset is UTC.  Seconds may be 60
** only at 23:59 (leap second, read as 23:59:59).  Fractions are dropped.
** Offsets must be within +-23:59.  Returns 0 on success; on failure
** returns -1 and writes a reason such as "invalid date '2026-02-30'
** (February 2026 has 28 days)" into why (if why is not NULL).
*/
int ts_parse_time(const char *s, ts_time *out, char *why, size_t whysize);

/* Parse a plain "YYYY-MM-DD" date only.  Same error convention. */
int ts_parse_date(const char *s, int *year, int *month, int *day,
                  char *why, size_t whysize);

int ts_days_in_month(int year, int month);
ts_time ts_from_civil(int year, int month, int day, int hour, int min, int sec);
void ts_to_civil(ts_time t, int *year, int *month, int *day,
                 int *hour, int *min, int *sec);

/* "2026-03-01T12:00:00Z" (always UTC, whole seconds). TS_NONE -> "none". */
void ts_format(ts_time t, char buf[TS_FMT_LEN]);
/* "2026-03-01 12:00" for human-readable reports (UTC implied). */
void ts_format_short(ts_time t, char buf[TS_FMT_LEN]);

/*
** Calendar age at the UTC date of time at, for a person born on the given
** date: completed years, months or days.  A 29 February birthday is
** completed on 1 March in common years (and 28 February is not yet the
** birthday); in months, a birth on the 31st completes a month on the 1st
** of the month after a shorter one.  Returns -1 if at is before the birth.
*/
typedef enum age_unit { AGE_YEARS, AGE_MONTHS, AGE_DAYS } age_unit;
long ts_age(int by, int bm, int bd, ts_time at, age_unit unit);

/*
** A duration as written in criteria: "30 min", "5h", "24 h", "30 d",
** "2 wk", "6 mo", "1 a" (also "y"), "90 s".  Months and years are calendar
** units and are kept apart from seconds so that "6 mo" before 31 August is
** 29 February or 28 February as the calendar says.  A duration is never
** negative.
*/
typedef struct ts_duration {
    int64_t seconds;        /* the s/min/h/d/wk part */
    int months;             /* the mo/a part (a year is 12 months) */
} ts_duration;

int ts_parse_duration(const char *s, ts_duration *out, char *why, size_t whysize);
/* t + d (sign +1) or t - d (sign -1); month arithmetic clamps the day to
** the end of the target month. */
ts_time ts_shift(ts_time t, ts_duration d, int sign);
/* Rough length in seconds (a month counts as 30.4375 d), for ordering and
** display only, never for a decision. */
int64_t ts_duration_approx(ts_duration d);
/* "6 h", "30 min", "5 h 30 min", "2 d 3 h", "6 mo": shortest exact form. */
void ts_format_duration(ts_duration d, char *buf, size_t size);
/* Elapsed seconds as "5 h 30 min", "45 min", "3 d 2 h", "40 s", "0 min". */
void ts_format_seconds(int64_t secs, char *buf, size_t size);

#endif
