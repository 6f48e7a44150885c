/*
** timeutil.c -- RFC 3339 timestamps, civil dates, durations and ages.
**
** Dates are checked against a days-in-month table with the Gregorian leap
** rule instead of being handed to strptime/timegm, which accept
** 2024-02-30 and quietly roll it into March.  Conversion between civil
** dates and seconds uses Howard Hinnant's days-from-civil algorithm
** (http://howardhinnant.github.io/date_algorithms.html): exact for every
** proleptic Gregorian date, no time zone database, no global state.
**
** Every parser reports failure as a value: -1 and a reason in the caller's
** buffer, quoting the offending piece of the input.
*/
#include "timeutil.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Longest piece of input quoted in a reason; longer input is cut with "...". */
#define QUOTE_MAX 40

/*
** Durations above 10,000 years are refused: they can only be typos, and
** the bound keeps every later ts_time sum far from int64 overflow.
*/
#define DUR_MAX_SECONDS ((int64_t)10000 * 366 * 86400)
#define DUR_MAX_MONTHS  (10000 * 12)

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"
};


/* Copy at most QUOTE_MAX characters of s[0..len) for quoting in a reason. */
static const char *
quote(char buf[QUOTE_MAX + 4], const char *s, size_t len)
{
    if (len > QUOTE_MAX) {
        memcpy(buf, s, QUOTE_MAX);
        memcpy(buf + QUOTE_MAX, "...", 4);
    } else {
        memcpy(buf, s, len);
        buf[len] = '\0';
    }
    return buf;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read exactly n digits at s; -1 if any of them is not a digit. */
static int
digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
ts_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

/* ------------------------------------------------------------------ */
/* Civil dates <-> days since 1970-01-01 (Hinnant)                    */
/* ------------------------------------------------------------------ */

static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/*
** Months outside 1..12 are carried into the year, so that callers doing
** month arithmetic need not normalise; the day is used as given (a day
** past the end of the month simply runs on into the next one).
*/
ts_time
ts_from_civil(int year, int month, int day, int hour, int min, int sec)
{
    int64_t y = year, m0 = (int64_t)month - 1;
    y += m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
    m0 -= (y - year) * 12;
    return days_from_civil(y, (int)m0 + 1, day) * TS_DAY
           + (int64_t)hour * TS_HOUR + (int64_t)min * TS_MINUTE + sec;
}

void
ts_to_civil(ts_time t, int *year, int *month, int *day,
            int *hour, int *min, int *sec)
{
    int64_t days = t / TS_DAY, rem = t % TS_DAY, y;
    int m, d;
    if (rem < 0) {
        rem += TS_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    /* Only absurd times (TS_NONE and the like) fall outside int. */
    if (y > INT_MAX)
        y = INT_MAX;
    if (y < INT_MIN)
        y = INT_MIN;
    if (year) *year = (int)y;
    if (month) *month = m;
    if (day) *day = d;
    if (hour) *hour = (int)(rem / 3600);
    if (min) *min = (int)(rem / 60 % 60);
    if (sec) *sec = (int)(rem % 60);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */
/* ------------------------------------------------------------------ */

/*
** Read and check "YYYY-MM-DD" at the start of s (what follows is the
** caller's business).  whole is the text quoted when the shape is wrong.
*/
static int
parse_ymd(const char *s, size_t wholelen, int *yp, int *mp, int *dp,
          char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4];
    int y = digits(s, 4), m = -1, d = -1, dim;

    if (y >= 0 && s[4] == '-')
        m = digits(s + 5, 2);
    if (m >= 0 && s[7] == '-')
        d = digits(s + 8, 2);
    if (d < 0 || is_digit(s[10])) {
        ts_why(why, whysize, "invalid date '%s' (expected YYYY-MM-DD)",
                quote(q, s, wholelen));
        return -1;
    }
    quote(q, s, 10);
    if (y < 1) {
        ts_why(why, whysize, "invalid date '%s' (years go from 0001 to 9999)", q);
        return -1;
    }
    if (m < 1 || m > 12) {
        ts_why(why, whysize, "invalid date '%s' (month %02d does not exist)", q, m);
        return -1;
    }
    dim = ts_days_in_month(y, m);
    if (d < 1 || d > dim) {
        if (d < 1)
            ts_why(why, whysize, "invalid date '%s' (day 00 does not exist)", q);
        else
            ts_why(why, whysize, "invalid date '%s' (%s %04d has %d days)",
                    q, month_names[m - 1], y, dim);
        return -1;
    }
    *yp = y;
    *mp = m;
    *dp = d;
    return 0;
}

int
ts_parse_date(const char *s, int *year, int *month, int *day,
              char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4];
    int y, m, d;

    if (s == NULL || *s == '\0') {
        ts_why(why, whysize, "empty date");
        return -1;
    }
    if (parse_ymd(s, strlen(s), &y, &m, &d, why, whysize) < 0)
        return -1;
    if (s[10] != '\0') {
        ts_why(why, whysize, "invalid date '%s' (expected YYYY-MM-DD only)",
                quote(q, s, strlen(s)));
        return -1;
    }
    if (year) *year = y;
    if (month) *month = m;
    if (day) *day = d;
    return 0;
}

/* Length of the time-of-day text at s: up to the offset or the end. */
static size_t
time_span(const char *s)
{
    return strcspn(s, "Zz+-");
}

/*
** Read "hh:mm:ss[.frac]" at *pp.  A leap second (23:59:60) is read as
** 23:59:59: ts_time has no room for it and no criterion cares.
*/
static int
parse_hms(const char **pp, int *secs, char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4];
    const char *p = *pp;
    int h = digits(p, 2), mi = -1, s = -1;

    if (h >= 0 && p[2] == ':')
        mi = digits(p + 3, 2);
    if (mi >= 0 && p[5] == ':')
        s = digits(p + 6, 2);
    if (s < 0) {
        ts_why(why, whysize, "invalid time '%s' (expected hh:mm:ss)",
                quote(q, p, time_span(p)));
        return -1;
    }
    quote(q, p, 8);
    if (h > 23) {
        ts_why(why, whysize, "invalid time '%s' (hours go from 00 to 23)", q);
        return -1;
    }
    if (mi > 59) {
        ts_why(why, whysize, "invalid time '%s' (minutes go from 00 to 59)", q);
        return -1;
    }
    if (s > 60 || (s == 60 && (h != 23 || mi != 59))) {
        ts_why(why, whysize,
                "invalid time '%s' (seconds go from 00 to 59, or 60 at 23:59)", q);
        return -1;
    }
    if (s == 60)
        s = 59;
    p += 8;
    if (*p == '.') {
        if (!is_digit(p[1])) {
            ts_why(why, whysize, "invalid time '%s' (expected digits after '.')",
                    quote(q, *pp, time_span(*pp)));
            return -1;
        }
        /* Fractions are dropped: ts_time is whole seconds. */
        for (p++; is_digit(*p); p++)
            ;
    }
    *secs = h * 3600 + mi * 60 + s;
    *pp = p;
    return 0;
}

/* Read "Z", "z", "+hh:mm", "-hh:mm" or nothing at *pp, in seconds east. */
static int
parse_offset(const char **pp, int *offset, char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4];
    const char *p = *pp;
    int h = -1, m = -1;

    *offset = 0;
    if (*p == '\0')
        return 0;
    if (*p == 'Z' || *p == 'z') {
        *pp = p + 1;
        return 0;
    }
    quote(q, p, strlen(p));
    if (*p != '+' && *p != '-') {
        ts_why(why, whysize, "invalid UTC offset '%s' (expected Z or +hh:mm)", q);
        return -1;
    }
    h = digits(p + 1, 2);
    if (h >= 0 && p[3] == ':')
        m = digits(p + 4, 2);
    if (m < 0) {
        ts_why(why, whysize, "invalid UTC offset '%s' (expected Z or +hh:mm)", q);
        return -1;
    }
    if (h > 23 || m > 59) {
        ts_why(why, whysize, "invalid UTC offset '%s' (offsets go to +-23:59)",
                quote(q, p, 6));
        return -1;
    }
    /* "-00:00" (RFC 3339: offset unknown) is UTC like "Z". */
    *offset = (h * 3600 + m * 60) * (*p == '-' ? -1 : 1);
    *pp = p + 6;
    return 0;
}

/* Two digits at s as a number, or a negative number if either is not
** one; s[1] is not read unless s[0] is a digit (the string may end). */
static int
two_digits(const char *s)
{
    unsigned a = (unsigned)(unsigned char)s[0] - '0';
    if (a > 9)
        return -1;
    unsigned b = (unsigned)(unsigned char)s[1] - '0';
    return b <= 9 ? (int)(a * 10 + b) : -1;
}

/*
** The canonical shape, "YYYY-MM-DDThh:mm:ss" then "Z", "+00:00" or a
** fraction and "Z" (what nearly every record holds, tens of thousands of
** times per record file): read in one straight pass.  1 with *out set
** when s has that shape and is valid; 0 for anything else -- another
** shape, an invalid field, a leap second -- which then goes through the
** full parser below, so every refusal and its message stay the full
** parser's (tests/test_timeutil.c compares the two on boundary cases).
*/
static int
fast_time(const char *s, ts_time *out)
{
    int c1, c2, mo, d, h, mi, se, dim;
    /* In order, each test failing on the terminating NUL: nothing is read
    ** past the end of a short string. */
    if ((c1 = two_digits(s)) < 0 || (c2 = two_digits(s + 2)) < 0 || s[4] != '-'
        || (mo = two_digits(s + 5)) < 1 || s[7] != '-'
        || (d = two_digits(s + 8)) < 1 || s[10] != 'T'
        || (h = two_digits(s + 11)) < 0 || s[13] != ':'
        || (mi = two_digits(s + 14)) < 0 || s[16] != ':'
        || (se = two_digits(s + 17)) < 0)
        return 0;
    if (mo > 12 || h > 23 || mi > 59 || se > 59 || (c1 | c2) == 0)
        return 0;
    dim = ts_days_in_month(c1 * 100 + c2, mo);
    if (d > dim)
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        if (!is_digit(p[1]))
            return 0;
        for (p++; is_digit(*p); p++)
            ;
    }
    if (!(p[0] == 'Z' && p[1] == '\0')
        && !(p[0] == '+' && p[1] == '0' && p[2] == '0' && p[3] == ':' && p[4] == '0'
             && p[5] == '0' && p[6] == '\0'))
        return 0;
    *out = days_from_civil(c1 * 100 + c2, mo, d) * TS_DAY
           + (int64_t)h * TS_HOUR + (int64_t)mi * TS_MINUTE + se;
    return 1;
}

int
ts_parse_time(const char *s, ts_time *out, char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
    const char *p;
    int y, m, d, secs, offset;

    if (s != NULL && fast_time(s, out))
        return 0;
    if (s == NULL || *s == '\0') {
        ts_why(why, whysize, "empty timestamp");
        return -1;
    }
    if (parse_ymd(s, strlen(s), &y, &m, &d, why, whysize) < 0)
        return -1;
    p = s + 10;
    if (*p == '\0') {
        *out = ts_from_civil(y, m, d, 0, 0, 0);
        return 0;
    }
    if (*p != 'T' && *p != 't' && *p != ' ') {
        ts_why(why, whysize,
                "invalid timestamp '%s' (expected 'T' between date and time)",
                quote(q, s, strlen(s)));
        return -1;
    }
    p++;
    if (*p == '\0') {
        ts_why(why, whysize, "invalid timestamp '%s' (missing time after '%c')",
                quote(q, s, strlen(s)), p[-1]);
        return -1;
    }
    if (parse_hms(&p, &secs, why, whysize) < 0)
        return -1;
    if (parse_offset(&p, &offset, why, whysize) < 0)
        return -1;
    if (*p != '\0') {
        ts_why(why, whysize, "invalid timestamp '%s' (unexpected '%s' at the end)",
                quote(q, s, strlen(s)), quote(q2, p, strlen(p)));
        return -1;
    }
    *out = ts_from_civil(y, m, d, 0, 0, 0) + secs - offset;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Formatting                                                         */
/* ------------------------------------------------------------------ */

/* n (0 <= n < 10^width) as exactly width digits. */
static void
put_digits(char *p, int n, int width)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
}

void
ts_format(ts_time t, char buf[TS_FMT_LEN])
{
    int y, mo, d, h, mi, s;
    if (t == TS_NONE) {
        snprintf(buf, TS_FMT_LEN, "none");
        return;
    }
    ts_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    if (y < 0 || y > 9999) {
        snprintf(buf, TS_FMT_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
        return;
    }
    /* Reports print thousands of times a second: no snprintf here. */
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, mo, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    put_digits(buf + 11, h, 2);
    buf[13] = ':';
    put_digits(buf + 14, mi, 2);
    buf[16] = ':';
    put_digits(buf + 17, s, 2);
    buf[19] = 'Z';
    buf[20] = '\0';
}

void
ts_format_short(ts_time t, char buf[TS_FMT_LEN])
{
    int y, mo, d, h, mi;
    if (t == TS_NONE) {
        snprintf(buf, TS_FMT_LEN, "none");
        return;
    }
    ts_to_civil(t, &y, &mo, &d, &h, &mi, NULL);
    if (y < 0 || y > 9999) {
        snprintf(buf, TS_FMT_LEN, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
        return;
    }
    /* Every reason that names a time comes here: no snprintf either. */
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, mo, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = ' ';
    put_digits(buf + 11, h, 2);
    buf[13] = ':';
    put_digits(buf + 14, mi, 2);
    buf[16] = '\0';
}

/* ------------------------------------------------------------------ */
/* Ages                                                               */
/* ------------------------------------------------------------------ */

/*
** Completed units compare (month, day) pairs, which gives the calendar
** rules for free: a 29 February birthday is not reached on 28 February
** (2 28 < 2 29) and is passed on 1 March; a month from the 31st is not
** reached on 30 April but is on 1 May.  An invalid birth date also gives
** -1: no age can be computed from it.
*/
long
ts_age(int by, int bm, int bd, ts_time at, age_unit unit)
{
    int y, m, d;
    long before_birthday, before_monthday;

    if (at == TS_NONE || by < 1 || bm < 1 || bm > 12
        || bd < 1 || bd > ts_days_in_month(by, bm))
        return -1;
    ts_to_civil(at, &y, &m, &d, NULL, NULL, NULL);
    if (y < by || (y == by && (m < bm || (m == bm && d < bd))))
        return -1;
    before_birthday = m < bm || (m == bm && d < bd);
    before_monthday = d < bd;
    switch (unit) {
    case AGE_YEARS:
        return (long)(y - by) - before_birthday;
    case AGE_MONTHS:
        return (long)(y - by) * 12 + (m - bm) - before_monthday;
    case AGE_DAYS:
        return (long)(days_from_civil(y, m, d) - days_from_civil(by, bm, bd));
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Durations                                                          */
/* ------------------------------------------------------------------ */

static const struct dur_unit {
    const char *name;
    int64_t seconds;        /* seconds per unit, 0 for calendar units */
    int months;             /* months per unit, 0 for exact units */
} dur_units[] = {
    {"s", 1, 0}, {"min", 60, 0}, {"h", 3600, 0}, {"d", 86400, 0},
    {"wk", 604800, 0}, {"mo", 0, 1}, {"a", 0, 12}, {"y", 0, 12},
};
#define N_DUR_UNITS (sizeof dur_units / sizeof dur_units[0])

static const struct dur_unit *
find_dur_unit(const char *s, size_t len)
{
    for (size_t i = 0; i < N_DUR_UNITS; i++)
        if (strlen(dur_units[i].name) == len && memcmp(dur_units[i].name, s, len) == 0)
            return &dur_units[i];
    return NULL;
}

static int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static const char *
skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/*
** A decimal amount ("1.5 h") is accepted when it is a whole number of the
** part it lands in: 1.5 h is 5400 s and 1.5 a is 18 mo, but 0.5 s and
** 0.5 mo are refused, since neither ts_time nor the calendar can hold
** them.  The amount is read as an integer scaled by 10^decimals so that
** the exactness test is integer arithmetic, not floating point.
*/
static int
dur_term(const char **pp, const char *whole, ts_duration *acc, unsigned *seen,
         char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4], u[QUOTE_MAX + 4];
    const char *p = *pp, *unit;
    const struct dur_unit *du;
    int64_t amount = 0, scale = 1, per, total;
    int ndig = 0;

    quote(q, whole, strlen(whole));
    for (; is_digit(*p); p++, ndig++)
        if (ndig < 12)
            amount = amount * 10 + (*p - '0');
    if (*p == '.' && is_digit(p[1])) {
        for (p++; is_digit(*p); p++)
            if (scale < 1000000) {
                amount = amount * 10 + (*p - '0');
                scale *= 10;
            } else if (*p != '0') {
                ts_why(why, whysize, "invalid duration '%s' (too many decimals)", q);
                return -1;
            }
    }
    if (ndig == 0) {
        ts_why(why, whysize,
                "invalid duration '%s' (expected a number and a unit, such as '30 min')", q);
        return -1;
    }
    if (ndig > 12) {
        ts_why(why, whysize, "invalid duration '%s' (too long)", q);
        return -1;
    }
    p = skip_space(p);
    for (unit = p; is_alpha(*p); p++)
        ;
    if (p == unit) {
        ts_why(why, whysize,
                "invalid duration '%s' (a number needs a unit: s, min, h, d, wk, mo, a)", q);
        return -1;
    }
    du = find_dur_unit(unit, (size_t)(p - unit));
    if (du == NULL) {
        ts_why(why, whysize,
                "unknown unit '%s' in duration '%s' (use s, min, h, d, wk, mo, a)",
                quote(u, unit, (size_t)(p - unit)), q);
        return -1;
    }
    if (*seen & (1u << (du - dur_units))) {
        ts_why(why, whysize, "invalid duration '%s' (unit '%s' given twice)", q, du->name);
        return -1;
    }
    *seen |= 1u << (du - dur_units);

    /* amount < 10^18 here and per <= 604800: check before multiplying. */
    per = du->seconds ? du->seconds : du->months;
    if (amount > INT64_MAX / per) {
        ts_why(why, whysize, "invalid duration '%s' (too long)", q);
        return -1;
    }
    total = amount * per;
    if (total % scale != 0) {
        ts_why(why, whysize, "invalid duration '%s' (not a whole number of %s)",
                q, du->seconds ? "seconds" : "months");
        return -1;
    }
    total /= scale;
    if (du->seconds)
        acc->seconds += total;
    else
        acc->months += (int)(total > DUR_MAX_MONTHS ? DUR_MAX_MONTHS + 1 : total);
    if (acc->seconds > DUR_MAX_SECONDS || acc->months > DUR_MAX_MONTHS) {
        ts_why(why, whysize, "invalid duration '%s' (too long)", q);
        return -1;
    }
    *pp = skip_space(p);
    return 0;
}

int
ts_parse_duration(const char *s, ts_duration *out, char *why, size_t whysize)
{
    char q[QUOTE_MAX + 4];
    ts_duration acc = {0, 0};
    unsigned seen = 0;
    const char *p;

    if (s == NULL || *(p = skip_space(s)) == '\0') {
        ts_why(why, whysize, "empty duration");
        return -1;
    }
    if (*p == '-') {
        ts_why(why, whysize, "invalid duration '%s' (durations cannot be negative)",
                quote(q, s, strlen(s)));
        return -1;
    }
    while (*p != '\0')
        if (dur_term(&p, s, &acc, &seen, why, whysize) < 0)
            return -1;
    *out = acc;
    return 0;
}

/* Add b to a, sticking at the int64 limits instead of wrapping. */
static ts_time
add_sat(ts_time a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN + 1 - b)
        return INT64_MIN + 1;       /* INT64_MIN is TS_NONE */
    return a + b;
}

/*
** Months go first in both directions, with the day clamped to the end of
** the target month (31 August - 6 mo = 28 or 29 February), keeping the
** time of day; then the exact seconds.
*/
ts_time
ts_shift(ts_time t, ts_duration d, int sign)
{
    int y, m, day, h, mi, s, dim;
    int64_t months, ny, nm;

    if (t == TS_NONE)
        return t;
    sign = sign < 0 ? -1 : 1;
    if (d.months != 0) {
        ts_to_civil(t, &y, &m, &day, &h, &mi, &s);
        months = (int64_t)y * 12 + (m - 1) + (int64_t)sign * d.months;
        ny = months >= 0 ? months / 12 : -((11 - months) / 12);
        nm = months - ny * 12 + 1;
        if (ny > INT_MAX || ny < INT_MIN)
            return sign > 0 ? INT64_MAX : INT64_MIN + 1;
        dim = ts_days_in_month((int)ny, (int)nm);
        t = ts_from_civil((int)ny, (int)nm, day < dim ? day : dim, h, mi, s);
    }
    return add_sat(t, sign > 0 ? d.seconds : -d.seconds);
}

int64_t
ts_duration_approx(ts_duration d)
{
    /* 30.4375 d = 2,629,800 s, the mean Gregorian month (UCUM 'mo'). */
    return d.seconds + (int64_t)d.months * 2629800;
}

/* Append "<n> <unit>" to buf, with a space before it if buf is not empty. */
static void
append_part(char *buf, size_t size, int64_t n, const char *unit)
{
    size_t len = strlen(buf);
    if (len >= size)
        return;
    /* As snprintf "%s%lld %s" would, without its cost (reasons print
    ** durations by the thousand): built in t, then cut to fit. */
    char t[96], d[24], *q = d + sizeof d;
    size_t k = 0;
    uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    if (len && buf[len - 1] != '-')
        t[k++] = ' ';
    do
        *--q = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (n < 0)
        *--q = '-';
    size_t nd = (size_t)(d + sizeof d - q), nu = strlen(unit);
    if (nu > sizeof t - k - nd - 2) {
        snprintf(buf + len, size - len, "%s%lld %s",
                 len && buf[len - 1] != '-' ? " " : "", (long long)n, unit);
        return;
    }
    memcpy(t + k, q, nd);
    k += nd;
    t[k++] = ' ';
    memcpy(t + k, unit, nu);
    k += nu;
    if (k > size - len - 1)
        k = size - len - 1;
    memcpy(buf + len, t, k);
    buf[len + k] = '\0';
}

/* Exact d/h/min/s decomposition of a non-negative number of seconds. */
static void
append_seconds(char *buf, size_t size, int64_t secs)
{
    static const struct { int64_t secs; const char *name; } parts[] = {
        {86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"},
    };
    for (size_t i = 0; i < 4; i++)
        if (secs >= parts[i].secs) {
            append_part(buf, size, secs / parts[i].secs, parts[i].name);
            secs %= parts[i].secs;
        }
}

/*
** Years are written "y" (more readable in a report than UCUM's "a") when
** the months are a whole number of years; weeks are written as days,
** which is how look-backs are usually said ("past 14 days").
*/
void
ts_format_duration(ts_duration d, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (d.months < 0 || d.seconds < 0) {
        snprintf(buf, size, "-");
        if (d.months < 0)
            d.months = -d.months;
        if (d.seconds < 0)
            d.seconds = d.seconds == INT64_MIN ? INT64_MAX : -d.seconds;
    }
    if (d.months != 0) {
        if (d.months % 12 == 0)
            append_part(buf, size, d.months / 12, "y");
        else
            append_part(buf, size, d.months, "mo");
    }
    append_seconds(buf, size, d.seconds);
    if (d.months == 0 && d.seconds == 0)
        snprintf(buf, size, "0 min");
}

/*
** For display of elapsed time only: the largest unit and the next one if
** it is not zero, truncated ("3 d 2 h" for 3 d 2 h 40 min), so that an
** elapsed time is never shown as longer than it was.
*/
void
ts_format_seconds(int64_t secs, char *buf, size_t size)
{
    static const struct { int64_t secs; const char *name; } parts[] = {
        {86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"},
    };
    size_t i;

    if (size == 0)
        return;
    buf[0] = '\0';
    if (secs < 0) {
        snprintf(buf, size, "-");
        secs = secs == INT64_MIN ? INT64_MAX : -secs;
    }
    if (secs == 0) {
        snprintf(buf, size, "0 min");
        return;
    }
    for (i = 0; secs < parts[i].secs; i++)
        ;
    append_part(buf, size, secs / parts[i].secs, parts[i].name);
    if (i + 1 < 4 && secs % parts[i].secs / parts[i + 1].secs > 0)
        append_part(buf, size, secs % parts[i].secs / parts[i + 1].secs, parts[i + 1].name);
}
