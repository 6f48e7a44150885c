/*
** test_timeutil.c -- timestamps, dates, ages and durations.
**
** Each rule is tested at its boundary: the last valid value, the first
** invalid one, and the reason text a user would see.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "timeutil.h"

static char why[256];

static ts_time
must_parse(const char *s)
{
    ts_time t = 0;
    why[0] = '\0';
    if (ts_parse_time(s, &t, why, sizeof why) != 0)
        fail_msg("'%s' rejected: %s", s, why);
    return t;
}

/* Parsing must fail and the reason must contain the given text. */
static void
must_reject(const char *s, const char *reason)
{
    ts_time t = 12345;
    why[0] = '\0';
    assert_int_equal(ts_parse_time(s, &t, why, sizeof why), -1);
    if (strstr(why, reason) == NULL)
        fail_msg("'%s': reason '%s' lacks '%s'", s, why, reason);
}

static ts_time
civil(int y, int mo, int d, int h, int mi, int s)
{
    return ts_from_civil(y, mo, d, h, mi, s);
}

static void
test_days_in_month(void **state)
{
    (void)state;
    assert_int_equal(ts_days_in_month(2024, 2), 29);
    assert_int_equal(ts_days_in_month(2023, 2), 28);
    assert_int_equal(ts_days_in_month(2000, 2), 29);    /* divisible by 400 */
    assert_int_equal(ts_days_in_month(2100, 2), 28);    /* by 100, not 400 */
    assert_int_equal(ts_days_in_month(2026, 4), 30);
    assert_int_equal(ts_days_in_month(2026, 12), 31);
    assert_int_equal(ts_days_in_month(2026, 0), 0);
    assert_int_equal(ts_days_in_month(2026, 13), 0);
}

static void
test_civil_round_trip(void **state)
{
    int y, mo, d, h, mi, s;
    (void)state;
    assert_true(civil(1970, 1, 1, 0, 0, 0) == 0);
    assert_true(civil(2026, 3, 1, 12, 0, 0) == 1772366400);
    assert_true(civil(1969, 12, 31, 23, 59, 59) == -1);
    assert_true(civil(2000, 3, 1, 0, 0, 0) - civil(2000, 2, 28, 0, 0, 0) == 2 * TS_DAY);
    assert_true(civil(2100, 3, 1, 0, 0, 0) - civil(2100, 2, 28, 0, 0, 0) == TS_DAY);
    /* Month 13 carries into the next year, month 0 into the previous. */
    assert_true(civil(2025, 13, 1, 0, 0, 0) == civil(2026, 1, 1, 0, 0, 0));
    assert_true(civil(2026, 0, 1, 0, 0, 0) == civil(2025, 12, 1, 0, 0, 0));

    ts_to_civil(-1, &y, &mo, &d, &h, &mi, &s);
    assert_int_equal(y, 1969);
    assert_int_equal(mo, 12);
    assert_int_equal(d, 31);
    assert_int_equal(h, 23);
    assert_int_equal(mi, 59);
    assert_int_equal(s, 59);

    /* Every day from 1600 to 2400 survives the round trip. */
    for (ts_time t = civil(1600, 1, 1, 0, 0, 0); t < civil(2400, 1, 1, 0, 0, 0); t += TS_DAY) {
        ts_to_civil(t + 3723, &y, &mo, &d, &h, &mi, &s);
        if (civil(y, mo, d, h, mi, s) != t + 3723 || d > ts_days_in_month(y, mo))
            fail_msg("round trip failed at %04d-%02d-%02d", y, mo, d);
    }
    ts_to_civil(civil(9999, 12, 31, 23, 59, 59), &y, &mo, &d, NULL, NULL, NULL);
    assert_int_equal(y, 9999);
    ts_to_civil(civil(1, 1, 1, 0, 0, 0), &y, &mo, &d, NULL, NULL, NULL);
    assert_int_equal(y, 1);
    assert_int_equal(d, 1);
}

static void
test_parse_valid(void **state)
{
    ts_time noon = civil(2026, 3, 1, 12, 0, 0);
    (void)state;
    assert_true(must_parse("2026-03-01T12:00:00Z") == noon);
    assert_true(must_parse("2026-03-01t12:00:00z") == noon);
    assert_true(must_parse("2026-03-01 12:00:00Z") == noon);
    assert_true(must_parse("2026-03-01T12:00:00") == noon);          /* no offset: UTC */
    assert_true(must_parse("2026-03-01T14:00:00+02:00") == noon);
    assert_true(must_parse("2026-03-01T07:00:00-05:00") == noon);
    assert_true(must_parse("2026-03-01T12:00:00-00:00") == noon);
    assert_true(must_parse("2026-03-01T12:00:00.250Z") == noon);     /* fraction dropped */
    assert_true(must_parse("2026-03-01T12:00:00.999999999+00:00") == noon);
    assert_true(must_parse("2026-03-01") == civil(2026, 3, 1, 0, 0, 0));
    assert_true(must_parse("2024-02-29") == civil(2024, 2, 29, 0, 0, 0));
    assert_true(must_parse("2000-02-29T00:00:00Z") == civil(2000, 2, 29, 0, 0, 0));
    assert_true(must_parse("2026-12-31T23:59:59Z") == civil(2026, 12, 31, 23, 59, 59));
    /* Leap second: 23:59:60 reads as 23:59:59. */
    assert_true(must_parse("2016-12-31T23:59:60Z") == civil(2016, 12, 31, 23, 59, 59));
    /* Offsets at the +-23:59 limit. */
    assert_true(must_parse("2026-03-01T23:59:00+23:59") == civil(2026, 3, 1, 0, 0, 0));
    assert_true(must_parse("2026-03-01T00:00:00-23:59") == civil(2026, 3, 1, 23, 59, 0));
    /* An offset can move the UTC date across a year boundary. */
    assert_true(must_parse("2026-01-01T01:00:00+02:00") == civil(2025, 12, 31, 23, 0, 0));
    assert_true(must_parse("0001-01-01") == civil(1, 1, 1, 0, 0, 0));
    assert_true(must_parse("9999-12-31") == civil(9999, 12, 31, 0, 0, 0));
}

static void
test_parse_invalid_dates(void **state)
{
    (void)state;
    must_reject("2026-02-30", "invalid date '2026-02-30' (February 2026 has 28 days)");
    must_reject("2024-02-30", "invalid date '2024-02-30' (February 2024 has 29 days)");
    must_reject("2023-02-29", "February 2023 has 28 days");
    must_reject("2100-02-29", "February 2100 has 28 days");
    must_reject("2024-04-31T00:00:00Z", "invalid date '2024-04-31' (April 2024 has 30 days)");
    must_reject("2026-13-01", "invalid date '2026-13-01' (month 13 does not exist)");
    must_reject("2026-00-10", "month 00 does not exist");
    must_reject("2026-03-00", "day 00 does not exist");
    must_reject("0000-01-01", "years go from 0001 to 9999");
    must_reject("2026-3-1", "invalid date '2026-3-1' (expected YYYY-MM-DD)");
    must_reject("26-03-01T12:00:00Z", "expected YYYY-MM-DD");
    must_reject("20260301", "expected YYYY-MM-DD");
    must_reject("2026-03-011", "expected YYYY-MM-DD");
    must_reject("yesterday", "invalid date 'yesterday'");
    must_reject("", "empty timestamp");
    assert_int_equal(ts_parse_time(NULL, &(ts_time){0}, why, sizeof why), -1);
}

static void
test_parse_invalid_times(void **state)
{
    (void)state;
    must_reject("2026-03-01T24:00:00Z", "invalid time '24:00:00'");
    must_reject("2026-03-01T23:60:00Z", "invalid time '23:60:00'");
    must_reject("2026-03-01T23:59:61Z", "invalid time '23:59:61'");
    must_reject("2026-03-01T12:30:60Z", "invalid time '12:30:60'");   /* 60 only at 23:59 */
    must_reject("2026-03-01T12:00Z", "invalid time '12:00' (expected hh:mm:ss)");
    must_reject("2026-03-01T12Z", "invalid time '12'");
    must_reject("2026-03-01T", "missing time after 'T'");
    must_reject("2026-03-01T12:00:00.Z", "expected digits after '.'");
    must_reject("2026-03-01X12:00:00Z", "expected 'T' between date and time");
    must_reject("2026-03-01T1:00:00Z", "invalid time");
}

static void
test_parse_invalid_offsets(void **state)
{
    (void)state;
    must_reject("2026-03-01T12:00:00+24:00", "invalid UTC offset '+24:00'");
    must_reject("2026-03-01T12:00:00-24:00", "invalid UTC offset '-24:00'");
    must_reject("2026-03-01T12:00:00+25:00", "invalid UTC offset '+25:00'");
    must_reject("2026-03-01T12:00:00+23:60", "invalid UTC offset '+23:60'");
    must_reject("2026-03-01T12:00:00+99", "invalid UTC offset '+99'");
    must_reject("2026-03-01T12:00:00+0200", "invalid UTC offset '+0200'");
    must_reject("2026-03-01T12:00:00+2:00", "invalid UTC offset");
    must_reject("2026-03-01T12:00:00EST", "invalid UTC offset 'EST'");
    must_reject("2026-03-01T12:00:00 UTC", "invalid UTC offset");
    must_reject("2026-03-01T12:00:00Zjunk", "unexpected 'junk' at the end");
    must_reject("2026-03-01T12:00:00+02:00:00", "unexpected ':00' at the end");
}

static void
test_parse_date_only(void **state)
{
    int y = 0, m = 0, d = 0;
    (void)state;
    assert_int_equal(ts_parse_date("2024-02-29", &y, &m, &d, why, sizeof why), 0);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    assert_int_equal(ts_parse_date("2023-02-29", &y, &m, &d, why, sizeof why), -1);
    assert_non_null(strstr(why, "February 2023 has 28 days"));
    assert_int_equal(ts_parse_date("2024-02-29T00:00:00Z", &y, &m, &d, why, sizeof why), -1);
    assert_non_null(strstr(why, "expected YYYY-MM-DD only"));
    assert_int_equal(ts_parse_date("", &y, &m, &d, why, sizeof why), -1);
    assert_non_null(strstr(why, "empty date"));
    /* why may be NULL. */
    assert_int_equal(ts_parse_date("2026-02-30", &y, &m, &d, NULL, 0), -1);
}

static void
test_format(void **state)
{
    char buf[TS_FMT_LEN];
    (void)state;
    ts_format(civil(2026, 3, 1, 12, 0, 0), buf);
    assert_string_equal(buf, "2026-03-01T12:00:00Z");
    ts_format(must_parse("2026-03-01T14:05:09+02:00"), buf);
    assert_string_equal(buf, "2026-03-01T12:05:09Z");
    ts_format(TS_NONE, buf);
    assert_string_equal(buf, "none");
    ts_format_short(civil(2026, 3, 1, 12, 0, 59), buf);
    assert_string_equal(buf, "2026-03-01 12:00");
    ts_format_short(TS_NONE, buf);
    assert_string_equal(buf, "none");
    ts_format(INT64_MAX, buf);      /* absurd, but must not overflow */
    assert_true(strlen(buf) < TS_FMT_LEN);
}

/* Age at midnight UTC of the given date. */
static long
age_on(int by, int bm, int bd, int y, int m, int d, age_unit u)
{
    return ts_age(by, bm, bd, civil(y, m, d, 0, 0, 0), u);
}

static void
test_age_years(void **state)
{
    (void)state;
    /* Day before, on and after the 18th birthday. */
    assert_int_equal(age_on(2008, 3, 1, 2026, 2, 28, AGE_YEARS), 17);
    assert_int_equal(age_on(2008, 3, 1, 2026, 3, 1, AGE_YEARS), 18);
    assert_int_equal(age_on(2008, 3, 1, 2026, 3, 2, AGE_YEARS), 18);
    /* 18 years and 364 days is still 18 ("<= 18 years"). */
    assert_int_equal(age_on(2007, 3, 2, 2026, 3, 1, AGE_YEARS), 18);
    assert_int_equal(age_on(2007, 3, 1, 2026, 3, 1, AGE_YEARS), 19);
    /* The UTC date of the screening time counts, whatever the hour. */
    assert_int_equal(ts_age(2008, 3, 1, civil(2026, 2, 28, 23, 59, 59), AGE_YEARS), 17);
    assert_int_equal(ts_age(2008, 3, 1, must_parse("2026-03-01T01:00:00+02:00"), AGE_YEARS), 17);
    /* Born 29 February: not yet on 28 February of a common year, on 1 March. */
    assert_int_equal(age_on(2008, 2, 29, 2026, 2, 28, AGE_YEARS), 17);
    assert_int_equal(age_on(2008, 2, 29, 2026, 3, 1, AGE_YEARS), 18);
    assert_int_equal(age_on(2008, 2, 29, 2028, 2, 28, AGE_YEARS), 19);
    assert_int_equal(age_on(2008, 2, 29, 2028, 2, 29, AGE_YEARS), 20);
    /* Day of birth, and before birth. */
    assert_int_equal(age_on(2026, 3, 1, 2026, 3, 1, AGE_YEARS), 0);
    assert_int_equal(age_on(2026, 3, 1, 2026, 2, 28, AGE_YEARS), -1);
    assert_int_equal(ts_age(2026, 3, 1, civil(2026, 3, 1, 0, 0, 0) - 1, AGE_DAYS), -1);
    /* No screening time or an impossible birth date: no age. */
    assert_int_equal(ts_age(2000, 1, 1, TS_NONE, AGE_YEARS), -1);
    assert_int_equal(age_on(2023, 2, 29, 2026, 3, 1, AGE_YEARS), -1);
    assert_int_equal(age_on(2000, 13, 1, 2026, 3, 1, AGE_YEARS), -1);
}

static void
test_age_months_days(void **state)
{
    (void)state;
    assert_int_equal(age_on(2026, 1, 15, 2026, 2, 14, AGE_MONTHS), 0);
    assert_int_equal(age_on(2026, 1, 15, 2026, 2, 15, AGE_MONTHS), 1);
    assert_int_equal(age_on(2025, 1, 15, 2026, 2, 15, AGE_MONTHS), 13);
    /* Born on the 31st: the month completes on 1 March, not 28 February. */
    assert_int_equal(age_on(2026, 1, 31, 2026, 2, 28, AGE_MONTHS), 0);
    assert_int_equal(age_on(2026, 1, 31, 2026, 3, 1, AGE_MONTHS), 1);
    assert_int_equal(age_on(2026, 1, 31, 2026, 3, 30, AGE_MONTHS), 1);
    assert_int_equal(age_on(2026, 1, 31, 2026, 3, 31, AGE_MONTHS), 2);
    assert_int_equal(age_on(2026, 1, 31, 2026, 4, 30, AGE_MONTHS), 2);
    assert_int_equal(age_on(2026, 1, 31, 2026, 5, 1, AGE_MONTHS), 3);
    /* December to January crosses the year. */
    assert_int_equal(age_on(2025, 12, 10, 2026, 1, 9, AGE_MONTHS), 0);
    assert_int_equal(age_on(2025, 12, 10, 2026, 1, 10, AGE_MONTHS), 1);

    assert_int_equal(age_on(2026, 3, 1, 2026, 3, 1, AGE_DAYS), 0);
    assert_int_equal(age_on(2026, 2, 28, 2026, 3, 1, AGE_DAYS), 1);
    assert_int_equal(age_on(2024, 2, 28, 2024, 3, 1, AGE_DAYS), 2);
    assert_int_equal(age_on(2025, 3, 1, 2026, 3, 1, AGE_DAYS), 365);
    assert_int_equal(age_on(2024, 3, 1, 2025, 3, 1, AGE_DAYS), 365);
    assert_int_equal(age_on(2023, 3, 1, 2024, 3, 1, AGE_DAYS), 366);
    /* The time of day does not count: 23:59 is still the same day. */
    assert_int_equal(ts_age(2026, 3, 1, civil(2026, 3, 2, 23, 59, 59), AGE_DAYS), 1);
}

static ts_duration
must_dur(const char *s)
{
    ts_duration d = {-1, -1};
    why[0] = '\0';
    if (ts_parse_duration(s, &d, why, sizeof why) != 0)
        fail_msg("duration '%s' rejected: %s", s, why);
    return d;
}

static void
dur_is(const char *s, int64_t secs, int months)
{
    ts_duration d = must_dur(s);
    if (d.seconds != secs || d.months != months)
        fail_msg("'%s' -> %lld s %d mo, expected %lld s %d mo", s,
                 (long long)d.seconds, d.months, (long long)secs, months);
}

static void
dur_reject(const char *s, const char *reason)
{
    ts_duration d;
    why[0] = '\0';
    assert_int_equal(ts_parse_duration(s, &d, why, sizeof why), -1);
    if (strstr(why, reason) == NULL)
        fail_msg("duration '%s': reason '%s' lacks '%s'", s, why, reason);
}

static void
test_duration_parse(void **state)
{
    (void)state;
    dur_is("30 min", 1800, 0);
    dur_is("30min", 1800, 0);
    dur_is("5h", 18000, 0);
    dur_is("5 h", 18000, 0);
    dur_is("24 h", 86400, 0);
    dur_is("30 d", 30 * 86400, 0);
    dur_is("2 wk", 14 * 86400, 0);
    dur_is("6 mo", 0, 6);
    dur_is("1 a", 0, 12);
    dur_is("1 y", 0, 12);
    dur_is("90 s", 90, 0);
    dur_is("0 min", 0, 0);
    dur_is("5 h 30 min", 5 * 3600 + 1800, 0);
    dur_is("5h30min", 5 * 3600 + 1800, 0);
    dur_is("1 a 6 mo", 0, 18);
    dur_is("2 d 3 h", 2 * 86400 + 3 * 3600, 0);
    dur_is("  6 h  ", 6 * 3600, 0);
    /* Exact decimals only. */
    dur_is("1.5 h", 5400, 0);
    dur_is("0.5 min", 30, 0);
    dur_is("1.5 a", 0, 18);
    dur_is("2.50 d", 2 * 86400 + 43200, 0);
}

static void
test_duration_reject(void **state)
{
    (void)state;
    dur_reject("", "empty duration");
    dur_reject("   ", "empty duration");
    dur_reject("-5 h", "cannot be negative");
    dur_reject("5", "a number needs a unit");
    dur_reject("5 h 30", "a number needs a unit");
    dur_reject("5 hours", "unknown unit 'hours' in duration '5 hours'");
    dur_reject("5 H", "unknown unit 'H'");
    dur_reject("h", "expected a number and a unit");
    dur_reject(".5 h", "expected a number and a unit");
    dur_reject("5 h 2 h", "unit 'h' given twice");
    dur_reject("0.5 s", "not a whole number of seconds");
    dur_reject("0.5 mo", "not a whole number of months");
    dur_reject("99999999999999999999 s", "too long");
    dur_reject("999999999999 wk", "too long");
    dur_reject("20000 a", "too long");
    dur_reject("1.00000001 h", "too many decimals");
    dur_reject("P6M", "expected a number and a unit");
    dur_reject("5 h, 3 min", "expected a number and a unit");
    assert_int_equal(ts_parse_duration(NULL, &(ts_duration){0, 0}, NULL, 0), -1);
}

static void
test_shift(void **state)
{
    ts_duration six_mo = {0, 6}, six_h = {6 * 3600, 0}, mixed = {3600, 1};
    ts_duration year = {0, 12};
    (void)state;
    /* 31 August - 6 mo clamps to the end of February. */
    assert_true(ts_shift(civil(2026, 8, 31, 10, 0, 0), six_mo, -1) == civil(2026, 2, 28, 10, 0, 0));
    assert_true(ts_shift(civil(2024, 8, 31, 10, 0, 0), six_mo, -1) == civil(2024, 2, 29, 10, 0, 0));
    assert_true(ts_shift(civil(2026, 8, 30, 0, 0, 0), six_mo, -1) == civil(2026, 2, 28, 0, 0, 0));
    assert_true(ts_shift(civil(2026, 8, 15, 0, 0, 0), six_mo, -1) == civil(2026, 2, 15, 0, 0, 0));
    /* Forward across the year. */
    assert_true(ts_shift(civil(2025, 8, 31, 0, 0, 0), six_mo, 1) == civil(2026, 2, 28, 0, 0, 0));
    assert_true(ts_shift(civil(2026, 1, 10, 0, 0, 0), six_mo, -1) == civil(2025, 7, 10, 0, 0, 0));
    assert_true(ts_shift(civil(2024, 2, 29, 0, 0, 0), year, 1) == civil(2025, 2, 28, 0, 0, 0));
    assert_true(ts_shift(civil(2026, 3, 1, 12, 0, 0), six_h, -1) == civil(2026, 3, 1, 6, 0, 0));
    assert_true(ts_shift(civil(2026, 3, 1, 12, 0, 0), six_h, 1) == civil(2026, 3, 1, 18, 0, 0));
    /* Months first, then seconds. */
    assert_true(ts_shift(civil(2026, 3, 31, 0, 30, 0), mixed, -1) == civil(2026, 2, 27, 23, 30, 0));
    assert_true(ts_shift(TS_NONE, six_h, 1) == TS_NONE);
    /* Saturates instead of wrapping, and never produces TS_NONE. */
    assert_true(ts_shift(INT64_MAX - 10, six_h, 1) == INT64_MAX);
    assert_true(ts_shift(INT64_MIN + 10, six_h, -1) != TS_NONE);
}

static void
test_duration_format(void **state)
{
    char buf[64];
    (void)state;
    assert_true(ts_duration_approx((ts_duration){3600, 0}) == 3600);
    assert_true(ts_duration_approx((ts_duration){0, 6}) == 6 * 2629800);
    assert_true(ts_duration_approx((ts_duration){0, 1}) > ts_duration_approx((ts_duration){30 * 86400, 0}));

    ts_format_duration(must_dur("6 h"), buf, sizeof buf);
    assert_string_equal(buf, "6 h");
    ts_format_duration(must_dur("30min"), buf, sizeof buf);
    assert_string_equal(buf, "30 min");
    ts_format_duration(must_dur("330 min"), buf, sizeof buf);
    assert_string_equal(buf, "5 h 30 min");
    ts_format_duration(must_dur("51 h"), buf, sizeof buf);
    assert_string_equal(buf, "2 d 3 h");
    ts_format_duration(must_dur("6 mo"), buf, sizeof buf);
    assert_string_equal(buf, "6 mo");
    ts_format_duration(must_dur("24 mo"), buf, sizeof buf);
    assert_string_equal(buf, "2 y");
    ts_format_duration(must_dur("1 a 6 mo 2 d"), buf, sizeof buf);
    assert_string_equal(buf, "18 mo 2 d");
    ts_format_duration(must_dur("2 wk"), buf, sizeof buf);
    assert_string_equal(buf, "14 d");
    ts_format_duration(must_dur("90 s"), buf, sizeof buf);
    assert_string_equal(buf, "1 min 30 s");
    ts_format_duration(must_dur("0 h"), buf, sizeof buf);
    assert_string_equal(buf, "0 min");
    ts_format_duration(must_dur("5 h"), buf, 4);    /* truncated, terminated */
    assert_string_equal(buf, "5 h");
    /* Every smaller buffer holds a prefix of the whole text, as snprintf
    ** would cut it (the parts are not formatted with snprintf). */
    for (size_t size = 1; size <= sizeof "18 mo 2 d"; size++) {
        char small[16];
        memset(small, 'x', sizeof small);
        ts_format_duration(must_dur("1 a 6 mo 2 d"), small, size);
        assert_int_equal(strlen(small), size - 1);
        assert_memory_equal(small, "18 mo 2 d", size - 1);
    }

    ts_format_seconds(5 * 3600 + 1800, buf, sizeof buf);
    assert_string_equal(buf, "5 h 30 min");
    ts_format_seconds(45 * 60, buf, sizeof buf);
    assert_string_equal(buf, "45 min");
    ts_format_seconds(3 * 86400 + 2 * 3600 + 40 * 60, buf, sizeof buf);
    assert_string_equal(buf, "3 d 2 h");
    ts_format_seconds(40, buf, sizeof buf);
    assert_string_equal(buf, "40 s");
    ts_format_seconds(0, buf, sizeof buf);
    assert_string_equal(buf, "0 min");
    ts_format_seconds(3 * 86400 + 5 * 60, buf, sizeof buf);
    assert_string_equal(buf, "3 d");
    ts_format_seconds(6 * 3600 + 59, buf, sizeof buf);
    assert_string_equal(buf, "6 h");
    ts_format_seconds(-1800, buf, sizeof buf);
    assert_string_equal(buf, "-30 min");
}

/*
** The canonical shape "YYYY-MM-DDThh:mm:ssZ" is read by a fast path
** (timeutil.c, fast_time); the same text with 't' for 'T' can only go
** through the full parser.  Both must agree on every case: accepted with
** the same time, or refused with the same reason (the reason quotes the
** text, so 't' is put back before comparing).
*/
static void
same_as_full(const char *s)
{
    char slow[64], why_fast[256], why_slow[256];
    ts_time tf = 1, ts = 2;
    int rf, rs;
    snprintf(slow, sizeof slow, "%s", s);
    assert_true(strlen(s) > 10 && s[10] == 'T');
    slow[10] = 't';
    why_fast[0] = why_slow[0] = '\0';
    rf = ts_parse_time(s, &tf, why_fast, sizeof why_fast);
    rs = ts_parse_time(slow, &ts, why_slow, sizeof why_slow);
    if (rf != rs)
        fail_msg("'%s': %d (%s) but the full parser %d (%s)", s, rf, why_fast, rs, why_slow);
    if (rf == 0) {
        if (tf != ts)
            fail_msg("'%s': %lld but the full parser %lld", s, (long long)tf, (long long)ts);
        return;
    }
    char *t = strstr(why_slow, slow);
    if (t)
        t[10] = 'T';
    if (strcmp(why_fast, why_slow) != 0)
        fail_msg("'%s': '%s' but the full parser '%s'", s, why_fast, why_slow);
}

static void
test_parse_fast_path(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "2026-03-01T12:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-12-31T23:59:59Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2026-06-30T23:59:60Z", "2026-06-30T23:58:60Z",
        "2026-06-30T24:00:00Z", "2026-06-30T23:60:00Z", "2026-06-30T12:00:61Z",
        "2026-06-30T12:00:00.5Z", "2026-06-30T12:00:00.123456789Z",
        "2026-06-30T12:00:00.Z", "2026-06-30T12:00:00+00:00",
        "2026-06-30T12:00:00.25+00:00", "2026-06-30T12:00:00-00:00",
        "2026-06-30T12:00:00+02:00", "2026-06-30T12:00:00-05:30",
        "2026-06-30T12:00:00+00:0", "2026-06-30T12:00:00+00:001",
        "2026-06-30T12:00:00ZZ", "2026-06-30T12:00:00z", "2026-06-30T12:00:00",
        "2026-06-30T12:00:0aZ", "2026-06-30T1a:00:00Z", "2026-06-3xT12:00:00Z",
        "2a26-06-30T12:00:00Z", "2026-06-30T12:00Z", "2026-06-30T12:00:00 Z",
        "2026/06/30T12:00:00Z", "2026-06-30T12-00-00Z",
        "2026-06-30T1", "2026-06-30T12:0", "2026-06-30T12:00:",
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_full(cases[i]);
    /* The fast path's own arithmetic, against the civil conversion. */
    assert_true(must_parse("2024-02-29T23:59:59Z") == civil(2024, 2, 29, 23, 59, 59));
    assert_true(must_parse("2026-06-30T12:00:00.999+00:00") == civil(2026, 6, 30, 12, 0, 0));
    assert_true(must_parse("1969-12-31T23:59:59Z") == -1);
    /* Short and empty texts are refused without reading past their end. */
    must_reject("2", "invalid date");
    must_reject("2026-06-3", "invalid date");
    must_reject("2026-06-30T", "missing time after 'T'");
    must_reject("", "empty timestamp");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_fast_path),
        cmocka_unit_test(test_parse_invalid_dates),
        cmocka_unit_test(test_parse_invalid_times),
        cmocka_unit_test(test_parse_invalid_offsets),
        cmocka_unit_test(test_parse_date_only),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_age_years),
        cmocka_unit_test(test_age_months_days),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_reject),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_duration_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
