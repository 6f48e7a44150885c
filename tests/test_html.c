/*
** test_html.c -- the HTML report (--format html, --html-dir), end to end.
**
** Runs ./trialscreen on the examples and on replay fixtures and reads the
** page back through its data-* hooks (docs/html.md), checking them
** against the NDJSON of the same screening: badges against verdicts,
** window bands against windows, eligible_since, the verdict row against
** `replay --step 1h --json`, the last stretch of each criterion against
** the criteria table, funnel counts against --summary, and every
** coordinate against the scale the page prints.  Then escaping of a
** hostile id and hostile criteria texts, no external reference,
** determinism across thread counts, and --html-dir's file names.  The
** escaping and naming functions are also called directly.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "html.h"
#include "record.h"
#include "recview.h"
#include "replaywhen.h"
#include "run.h"
#include "rules.h"
#include "timeutil.h"
#include "units.h"
#include "verdict.h"

/* The test directory is run.c's (run_setup), named tmpdir here. */
#define tmpdir run_tmpdir

/* The whole file, or NULL if it is not there (a page must exist). */
static char *
slurp(const char *path)
{
    return access(path, F_OK) == 0 ? run_slurp(path, NULL) : NULL;
}

/* Run a shell command; its stdout, or NULL if it exited with status other
** than want. */
static char *
sh(int want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *
sh(int want, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    run_out r = run_sh("%s", cmd);
    char *out = r.out;
    if (r.status != want) {
        print_error("'%s' exited %d, expected %d\n", cmd, r.status, want);
        free(out);
        out = NULL;
    }
    free(r.err);
    return out;
}

/* The value of attribute name in the tag starting at tag (up to '>'). */
static int
attr(const char *tag, const char *name, char *buf, size_t size)
{
    const char *end = strchr(tag, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    if (!p || (end && p > end))
        return 0;
    p += strlen(key);
    const char *q = strchr(p, '"');
    snprintf(buf, size, "%.*s", (int)(q - p), p);
    return 1;
}

static double
attr_num(const char *tag, const char *name)
{
    char buf[64];
    if (!attr(tag, name, buf, sizeof buf))
        fail_msg("no %s in %.120s", name, tag);
    return strtod(buf, NULL);
}

static ts_time
attr_time(const char *tag, const char *name)
{
    char buf[64], why[128];
    ts_time t = TS_NONE;
    if (!attr(tag, name, buf, sizeof buf) || ts_parse_time(buf, &t, why, sizeof why) != 0)
        fail_msg("no time %s in %.120s", name, tag);
    return t;
}

/* The n-th (0-based) patient section of page, as a copy. */
static char *
patient_section(const char *page, int n)
{
    const char *p = page;
    for (int i = 0; i <= n; i++) {
        p = strstr(p + (i > 0), "<section class=\"patient\"");
        if (!p)
            return NULL;
    }
    const char *e = strstr(p + 1, "<section class=\"patient\"");
    const char *idx = strstr(p, "<section class=\"index\"");
    if (!e || (idx && idx < e))
        e = idx ? idx : p + strlen(p);
    return strndup(p, (size_t)(e - p));
}

/* The part of a patient section for one trial. */
static char *
trial_section(const char *patient, const char *tid)
{
    char key[128];
    snprintf(key, sizeof key, "<section class=\"trial\" data-trial=\"%s\"", tid);
    const char *p = strstr(patient, key);
    if (!p)
        return NULL;
    const char *e = strstr(p, "</section>");
    return strndup(p, (size_t)(e - p));
}

/* ----------------------------------------------------------------- units */

static void
test_escape(void **state)
{
    (void)state;
    outbuf b = {0};
    html_escape(&b, "<script>a&b\"c'd</script>\x01\x1b[2J\xff\xc3\xa9");
    outbuf_put(&b, "", 1);
    assert_string_equal(b.p, "&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;"
                             "\xef\xbf\xbd\xef\xbf\xbd[2J\xef\xbf\xbd\xc3\xa9");
    outbuf_release(&b);
}

/* html_escape scans four bytes a round: a byte to escape (or the end)
** at every position of strings of every length modulo 4. */
static void
test_escape_positions(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } special[] = {
        {"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"},
        {"'", "&#39;"}, {"\t", "\t"}, {"\x01", "\xef\xbf\xbd"},
        {"\x7f", "\xef\xbf\xbd"}, {"\xff", "\xef\xbf\xbd"},
        {"\xc3\xa9", "\xc3\xa9"}, {"", ""},
    };
    outbuf b = {0};
    for (int len = 0; len <= 12; len++)
        for (int pos = 0; pos <= len; pos++)
            for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
                char in[64], want[64];
                snprintf(in, sizeof in, "%.*s%s%.*s", pos, "abcdefghijkl",
                         special[i].in, len - pos, "ABCDEFGHIJKL");
                snprintf(want, sizeof want, "%.*s%s%.*s", pos, "abcdefghijkl",
                         special[i].out, len - pos, "ABCDEFGHIJKL");
                b.len = 0;
                html_escape(&b, in);
                outbuf_put(&b, "", 1);
                assert_string_equal(b.p, want);
            }
    outbuf_release(&b);
}

static void
test_numbers(void **state)
{
    (void)state;
    static const struct { double v; const char *s; } cases[] = {
        {0, "0"}, {-0.001, "0"}, {65, "65"}, {82.94, "82.94"}, {1.5, "1.5"},
        {-3.25, "-3.25"}, {1180, "1180"}, {0.005001, "0.01"}, {12.3456, "12.35"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        outbuf b = {0};
        html_num(&b, cases[i].v);
        outbuf_put(&b, "", 1);
        assert_string_equal(b.p, cases[i].s);
        outbuf_release(&b);
    }
    outbuf b = {0};
    html_time(&b, ts_from_civil(2026, 3, 1, 9, 45, 0));
    outbuf_put(&b, "", 1);
    assert_string_equal(b.p, "2026-03-01T09:45:00Z");
    outbuf_release(&b);
}

/* The days and times of day the date memo's tests run over: leap days,
** century years, the epoch, years of four digits and beyond them. */
static const int memo_days[][3] = {
    {2026, 3, 1}, {2026, 3, 5}, {2026, 2, 25}, {2026, 2, 28}, {2026, 3, 2},
    {2024, 2, 28}, {2024, 2, 29}, {2024, 3, 1}, {2024, 3, 4}, {2024, 2, 25},
    {2023, 12, 31}, {2024, 1, 1}, {2100, 2, 28}, {2100, 3, 1}, {2000, 2, 29},
    {1970, 1, 1}, {1969, 12, 31}, {1969, 12, 28}, {1900, 3, 1}, {9999, 12, 31},
    {1, 1, 1}, {0, 1, 1}, {-1, 12, 31}, {10000, 1, 1}, {12026, 3, 1},
};
static const int memo_clock[][3] = {
    {0, 0, 0}, {23, 59, 59}, {9, 45, 0}, {12, 0, 1}, {0, 0, 59},
};
#define MEMO_ND (sizeof memo_days / sizeof memo_days[0])
#define MEMO_NC (sizeof memo_clock / sizeof memo_clock[0])

/*
** html_time keeps the dates it wrote, one slot per day modulo 4: times
** that jump between days of one slot (d, d + 4, d - 4), across months,
** leap days and years, before 1970 and past 9999 must read as ts_format
** writes them, in any order.
*/
static void
test_time_dates(void **state)
{
    (void)state;
    outbuf b = {0};
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < MEMO_ND; i++)
            for (size_t j = 0; j < MEMO_NC; j++) {
                size_t k = round == 1 ? MEMO_ND - 1 - i : i;
                size_t c = (j + (size_t)round + k) % MEMO_NC;
                ts_time t = ts_from_civil(memo_days[k][0], memo_days[k][1],
                                          memo_days[k][2], memo_clock[c][0],
                                          memo_clock[c][1], memo_clock[c][2]);
                char want[TS_FMT_LEN];
                ts_format(t, want);
                b.len = 0;
                html_time(&b, t);
                outbuf_put(&b, "", 1);
                assert_string_equal(b.p, want);
            }
    outbuf_release(&b);
}

/*
** html_short_time takes its date from html_time's memo (the same slots):
** over the same days, in both orders and interleaved with html_time, it
** must write what it wrote before the memo, ts_to_civil's fields through
** printf, for years of four digits and beyond them alike.
*/
static void
test_short_time_dates(void **state)
{
    (void)state;
    outbuf b = {0};
    for (int round = 0; round < 4; round++)
        for (size_t i = 0; i < MEMO_ND; i++)
            for (size_t j = 0; j < MEMO_NC; j++) {
                size_t k = round % 2 ? MEMO_ND - 1 - i : i;
                size_t c = (j + (size_t)round + k) % MEMO_NC;
                ts_time t = ts_from_civil(memo_days[k][0], memo_days[k][1],
                                          memo_days[k][2], memo_clock[c][0],
                                          memo_clock[c][1], memo_clock[c][2]);
                int y, mo, d, h, mi, sec;
                ts_to_civil(t, &y, &mo, &d, &h, &mi, &sec);
                char want[64];
                snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d",
                         y, mo, d, h, mi);
                b.len = 0;
                if (round >= 2)         /* the memo's slot last set by html_time */
                    html_time(&b, t + (ts_time)(j % 3) * TS_DAY);
                b.len = 0;
                html_short_time(&b, t);
                outbuf_put(&b, "", 1);
                assert_string_equal(b.p, want);
            }
    outbuf_release(&b);
}

/*
** A panel's scale ends are hundredths (k / 100, k whole) and the timeline
** writes those below 10,000 with html_num instead of num_format
** (htmltimeline.c's scale_end): the two must agree on every one, and on
** -0; from 10,000 they need not ("12345.7" against "12345.67").
*/
static void
test_scale_ends(void **state)
{
    (void)state;
    outbuf b = {0};
    char want[40];
    for (long k = -999999; k <= 999999; k++) {
        double v = (double)k / 100;
        num_format(v, want, sizeof want);
        b.len = 0;
        html_num(&b, v);
        outbuf_put(&b, "", 1);
        if (strcmp(b.p, want) != 0)
            fail_msg("%ld / 100: html_num %s, num_format %s", k, b.p, want);
    }
    b.len = 0;
    html_num(&b, -0.0);
    outbuf_put(&b, "", 1);
    num_format(-0.0, want, sizeof want);
    assert_string_equal(b.p, want);
    /* where they part, and why scale_end stops below it */
    b.len = 0;
    html_num(&b, 1234567.0 / 100);
    outbuf_put(&b, "", 1);
    num_format(1234567.0 / 100, want, sizeof want);
    assert_string_equal(b.p, "12345.67");
    assert_string_equal(want, "12345.7");
    outbuf_release(&b);
}

/* html_whole writes a whole number as html_num does: every number below
** 10^6, and each side of every power of ten up to the largest. */
static void
test_whole(void **state)
{
    (void)state;
    outbuf b = {0};
    unsigned edge[40];
    int ne = 0;
    for (unsigned p = 10; p <= 1000000000u; p *= 10)
        edge[ne++] = p - 1, edge[ne++] = p, edge[ne++] = p + 1;
    edge[ne++] = 4294967295u;
    edge[ne++] = 40000000u;
    for (long i = 0; i < 1000000 + ne; i++) {
        unsigned v = i < 1000000 ? (unsigned)i : edge[i - 1000000];
        char buf[16];
        size_t n = html_whole(buf, v);
        buf[n] = '\0';
        b.len = 0;
        html_num(&b, (double)v);
        outbuf_put(&b, "", 1);
        if (strcmp(buf, b.p) != 0)
            fail_msg("%u: html_whole %s, html_num %s", v, buf, b.p);
    }
    outbuf_release(&b);
}

static void
test_page_names(void **state)
{
    (void)state;
    char buf[HTML_NAME_MAX];
    html_page_stem("ICU-0042", buf, sizeof buf);
    assert_string_equal(buf, "patient-ICU-0042");
    static const char *const hostile[] = {
        "../../etc/passwd", "a/b", "x y", "<script>", "", "..",
        "0123456789012345678901234567890123456789012345678901234567890123456789",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        html_page_stem(hostile[i], buf, sizeof buf);
        assert_true(strncmp(buf, "patient-", 8) == 0);
        assert_true(strlen(buf) < 80);
        for (const char *p = buf; *p; p++)
            assert_true(strchr("abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p));
    }
    /* Different ids, different names; the same id, the same name. */
    char a[HTML_NAME_MAX], b2[HTML_NAME_MAX];
    html_page_stem("a/b", a, sizeof a);
    html_page_stem("a_b", b2, sizeof b2);
    assert_string_not_equal(a, b2);
    html_page_stem("a/b", b2, sizeof b2);
    assert_string_equal(a, b2);
    html_names *ns = html_names_new();
    assert_string_equal(html_names_claim(ns, "patient-X"), "patient-X");
    assert_string_equal(html_names_claim(ns, "patient-X"), "patient-X-2");
    assert_string_equal(html_names_claim(ns, "patient-X-2"), "patient-X-2-2");
    for (int i = 0; i < 3000; i++) {       /* growth keeps every name */
        char n[32];
        snprintf(n, sizeof n, "p%d", i);
        assert_string_equal(html_names_claim(ns, n), n);
    }
    assert_string_equal(html_names_claim(ns, "p17"), "p17-2");
    html_names_free(ns);
}

/* ------------------------------------------------------------ end to end */

#define EXAMPLES "examples/classic-vasopressor-switch.json " \
    "examples/ecmo-rescue-eligible.json examples/ecmo-rescue-incomplete.json " \
    "examples/ecmo-rescue-ineligible.json examples/picu-refractory-shock-on-ecmo.json " \
    "tests/data/replay/*.json"

/* Badges, eligible_since and windows equal the NDJSON of the same run. */
static void
test_matches_ndjson(void **state)
{
    (void)state;
    char *page = sh(0, "./trialscreen --format html " EXAMPLES);
    char *nd = sh(0, "./trialscreen --json " EXAMPLES);
    assert_non_null(page);
    assert_non_null(nd);
    int patients = 0, windows = 0, since = 0;
    char *save = NULL;
    for (char *line = strtok_r(nd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *j = cJSON_Parse(line);
        assert_non_null(j);
        char *sec = patient_section(page, patients++);
        assert_non_null(sec);
        char want[512];
        snprintf(want, sizeof want, "data-as-of=\"%s\"",
                 cJSON_GetObjectItem(j, "as_of")->valuestring);
        assert_non_null(strstr(sec, want));
        cJSON *tr;
        cJSON_ArrayForEach(tr, cJSON_GetObjectItem(j, "trials")) {
            const char *id = cJSON_GetObjectItem(tr, "trial")->valuestring;
            char *ts = trial_section(sec, id);
            assert_non_null(ts);
            snprintf(want, sizeof want, "<span class=\"badge\" data-trial=\"%s\" "
                     "data-verdict=\"%s\">", id,
                     cJSON_GetObjectItem(tr, "verdict")->valuestring);
            assert_non_null(strstr(ts, want));
            /* exactly one badge per trial per patient */
            assert_null(strstr(strstr(ts, "class=\"badge\"") + 1, "class=\"badge\""));
            cJSON *w = cJSON_GetObjectItem(tr, "window");
            const char *band = strstr(ts, "<rect class=\"window\"");
            if (w && cJSON_IsString(cJSON_GetObjectItem(w, "opens"))
                && cJSON_IsString(cJSON_GetObjectItem(w, "closes"))) {
                assert_non_null(band);
                snprintf(want, sizeof want, "data-from=\"%s\" data-to=\"%s\"",
                         cJSON_GetObjectItem(w, "opens")->valuestring,
                         cJSON_GetObjectItem(w, "closes")->valuestring);
                assert_non_null(strstr(band, want));
                windows++;
            } else {
                assert_null(band);
            }
            cJSON *es = cJSON_GetObjectItem(tr, "eligible_since");
            const char *p = strstr(ts, "<p class=\"eligible-since\"");
            if (es) {
                assert_non_null(p);
                snprintf(want, sizeof want, "data-time=\"%s\"", es->valuestring);
                assert_non_null(strstr(p, want));
                since++;
            } else {
                assert_null(p);
            }
            /* the criteria table: one row per criterion, its result */
            cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(tr, "criteria")) {
                snprintf(want, sizeof want, "<tr data-criterion=\"%s\" data-result=\"%s\"",
                         cJSON_GetObjectItem(c, "id")->valuestring,
                         cJSON_GetObjectItem(c, "result")->valuestring);
                assert_non_null(strstr(ts, want));
            }
            free(ts);
        }
        free(sec);
        cJSON_Delete(j);
    }
    assert_null(patient_section(page, patients));
    assert_true(patients >= 10);
    assert_true(windows >= 3);
    assert_true(since >= 1);
    free(page);
    free(nd);
}

/* x(t) of an svg.timeline tag. */
typedef struct axis { ts_time t0, t1; double x0, x1; } axis;

static double
x_at(const axis *a, ts_time t)
{
    return a->x0 + (double)(t - a->t0) / (double)(a->t1 - a->t0) * (a->x1 - a->x0);
}

static ts_time
clamp(const axis *a, ts_time t)
{
    return t < a->t0 ? a->t0 : t > a->t1 ? a->t1 : t;
}

/* Every interval rect (window, bar, stay, stretch) of one timeline sits
** where its times put it; the now line too. */
static int
check_intervals(const char *svg, const axis *a)
{
    int n = 0;
    for (const char *p = svg; (p = strstr(p, "<rect class=\"")) != NULL; p++) {
        char cls[32];
        attr(p, "class", cls, sizeof cls);
        if (strcmp(cls, "panel") == 0 || strncmp(cls, "at-now", 6) == 0)
            continue;
        ts_time from = attr_time(p, "data-from"), to = attr_time(p, "data-to");
        char clipped[8] = "";
        attr(p, "data-clipped", clipped, sizeof clipped);
        assert_int_equal(clamp(a, from) != from || clamp(a, to) != to,
                         strcmp(clipped, "true") == 0);
        double x = attr_num(p, "x"), w = attr_num(p, "width");
        assert_true(fabs(x - x_at(a, clamp(a, from))) < 0.011);
        assert_true(fabs(x + w - x_at(a, clamp(a, to))) < 0.021);
        assert_true(w >= 0);
        n++;
    }
    return n;
}

/* The value of attribute name of tag, whole (a list can be long). */
static char *
attr_dup(const char *tag, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key), *end = strchr(tag, '>');
    assert_true(p && p < end);
    p += strlen(key);
    return strndup(p, (size_t)(strchr(p, '"') - p));
}

/* The samples' polyline: its i-th point at (x(time i), y(value i)); a
** lone sample's point twice. */
static void
check_samples(const char *pl, const axis *a, double v0, double v1,
              double y0, double y1)
{
    char *times = attr_dup(pl, "data-times"), *values = attr_dup(pl, "data-values");
    char *points = attr_dup(pl, "points");
    char *ts = times, *vs = values, *ps = points, *t1, *t2, *t3 = NULL;
    int n = 0;
    double fx = 0, fy = 0;
    for (char *t; (t = strtok_r(ts, " ", &t1)) != NULL; ts = NULL, vs = NULL, ps = NULL) {
        char *v = strtok_r(vs, " ", &t2), *pt = strtok_r(ps, " ", &t3);
        assert_non_null(v);
        assert_non_null(pt);
        ts_time tm;
        char why[128];
        assert_int_equal(ts_parse_time(t, &tm, why, sizeof why), 0);
        double x = strtod(pt, NULL), y = strtod(strchr(pt, ',') + 1, NULL);
        double want = y0 + (strtod(v, NULL) - v0) / (v1 - v0) * (y1 - y0);
        assert_true(fabs(y - want) < 0.011);
        assert_true(fabs(x - x_at(a, tm)) < 0.011);
        if (n++ == 0)
            fx = x, fy = y;
    }
    char *more = n ? strtok_r(NULL, " ", &t3)   /* points left over */
                   : *points ? points : NULL;
    if (n == 1 && more) {
        assert_true(fabs(strtod(more, NULL) - fx) < 1e-9);
        assert_true(fabs(strtod(strchr(more, ',') + 1, NULL) - fy) < 1e-9);
        more = strtok_r(NULL, " ", &t3);
    }
    assert_null(more);
    free(times);
    free(values);
    free(points);
}

/* Thresholds and samples sit where the panel's printed scale puts them. */
static int
check_panels(const char *svg, const axis *a)
{
    int n = 0;
    for (const char *g = svg; (g = strstr(g, "<g class=\"series\"")) != NULL; g++) {
        double v0 = attr_num(g, "data-v0"), v1 = attr_num(g, "data-v1");
        double y0 = attr_num(g, "data-y0"), y1 = attr_num(g, "data-y1");
        assert_true(y0 > y1);
        assert_true(v1 > v0);
        const char *end = strstr(g, "</g>");
        char cname[64], unit[64], c2[64], u2[64];
        attr(g, "data-concept", cname, sizeof cname);
        attr(g, "data-unit", unit, sizeof unit);
        for (const char *t = g; (t = strstr(t, "<line class=\"threshold\"")) && t < end; t++) {
            double v = attr_num(t, "data-threshold");
            double want = y0 + (v - v0) / (v1 - v0) * (y1 - y0);
            assert_true(fabs(attr_num(t, "y1") - want) < 0.011);
            assert_true(fabs(attr_num(t, "y2") - want) < 0.011);
            assert_true(attr(t, "data-concept", c2, sizeof c2));
            assert_string_equal(c2, cname);
            assert_true(attr(t, "data-unit", u2, sizeof u2));
            assert_string_equal(u2, unit);
            assert_true(attr(t, "data-criterion", c2, sizeof c2));
            n++;
        }
        const char *s = strstr(g, " samples\" data-times=\"");
        if (!s || s > end)
            s = strstr(g, "<polyline class=\"samples\"");
        assert_true(s && s < end);              /* one per panel */
        check_samples(s, a, v0, v1, y0, y1);
    }
    return n;
}

/*
** A criterion's stretches and square carry no data-effect: the style
** sheet colours them from data-result and class x (an exclusion's row).
** The square at the screening time must so give the effect the criteria
** table (after the timeline) says for the same criterion.
*/
static void
check_effect_key(const char *square, const char *tag)
{
    char crit[80], res[16], cls[32], key[128], eff[16];
    attr(tag, "data-criterion", crit, sizeof crit);
    if (strcmp(crit, "verdict") == 0)
        return;
    attr(tag, "data-result", res, sizeof res);
    attr(tag, "class", cls, sizeof cls);
    int x = strcmp(cls, "at-now x") == 0;
    assert_true(x || strcmp(cls, "at-now") == 0);
    snprintf(key, sizeof key, "<tr data-criterion=\"%s\"", crit);
    const char *row = strstr(square, key);
    assert_non_null(row);
    attr(row, "data-effect", eff, sizeof eff);
    const char *want = strcmp(res, "unknown") == 0 ? "unknown"
                       : (strcmp(res, "met") == 0) != x ? "ok" : "blocks";
    assert_string_equal(eff, want);
}

static void
test_coordinates(void **state)
{
    (void)state;
    char *page = sh(0, "./trialscreen --format html " EXAMPLES);
    assert_non_null(page);
    int svgs = 0, rects = 0, thresholds = 0;
    for (const char *p = page; (p = strstr(p, "<svg class=\"timeline\"")) != NULL; p++) {
        axis a = { attr_time(p, "data-t0"), attr_time(p, "data-t1"),
                   attr_num(p, "data-x0"), attr_num(p, "data-x1") };
        assert_true(a.t1 > a.t0);
        const char *end = strstr(p, "</svg>");
        char *svg = strndup(p, (size_t)(end - p));
        rects += check_intervals(svg, &a);
        thresholds += check_panels(svg, &a);
        const char *now = strstr(svg, "<line class=\"now\"");
        assert_non_null(now);
        assert_true(fabs(attr_num(now, "x1") - x_at(&a, attr_time(now, "data-time"))) < 0.011);
        assert_non_null(strstr(svg, "<g class=\"axis\">"));
        free(svg);
        svgs++;
    }
    assert_true(svgs >= 60);
    assert_true(rects > 500);
    assert_true(thresholds > 50);
    /* VIS computed from the infusions is drawn where a trial reads it */
    assert_non_null(strstr(page, "<g class=\"series\" data-concept=\"vis\""));
    /* VIS, never negative, gets no negative axis (v0 = 0: its values
    ** and threshold are all >= 0, and the pad stops at zero) */
    const char *vis = strstr(page, "<g class=\"series\" data-concept=\"vis\"");
    assert_true(attr_num(vis, "data-v0") >= 0);
    /* every at-now square says whose row it ends, and its colour key
    ** (class x on an exclusion's row) gives the table row's effect */
    int squares = 0;
    for (const char *p = page; (p = strstr(p, "<rect class=\"at-now")) != NULL; p++) {
        const char *end = strchr(p, '>');
        char *tag = strndup(p, (size_t)(end - p));
        assert_non_null(strstr(tag, " data-trial=\"NCT"));
        assert_non_null(strstr(tag, " data-criterion=\""));
        check_effect_key(p, tag);
        free(tag);
        squares++;
    }
    assert_true(squares > 100);
    free(page);
}

/*
** The verdict row is replay on an hourly grid: its eligible stretches are
** `replay --step 1h`'s intervals; and the last stretch of every criterion
** (the screening time) has the table's result.
*/
static void
test_stretches_are_replay(void **state)
{
    (void)state;
    char *page = sh(0, "./trialscreen --format html tests/data/replay/*.json");
    char *rp = sh(0, "./trialscreen replay --step 1h --json tests/data/replay/*.json");
    assert_non_null(page);
    assert_non_null(rp);
    int patients = 0, intervals = 0;
    char *save = NULL;
    for (char *line = strtok_r(rp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *j = cJSON_Parse(line);
        assert_non_null(j);
        char *sec = patient_section(page, patients++);
        assert_non_null(sec);
        cJSON *tr;
        cJSON_ArrayForEach(tr, cJSON_GetObjectItem(j, "trials")) {
            char *ts = trial_section(sec, tr->string);
            assert_non_null(ts);
            /* eligible stretches of the verdict row, in order */
            const char *p = ts;
            cJSON *iv;
            cJSON_ArrayForEach(iv, cJSON_GetObjectItem(tr, "eligible")) {
                p = strstr(p, "data-criterion=\"verdict\" data-result=\"eligible\"");
                assert_non_null(p);
                char from[40], to[40];
                assert_true(attr(p, "data-from", from, sizeof from));
                assert_true(attr(p, "data-to", to, sizeof to));
                assert_string_equal(from, cJSON_GetObjectItem(iv, "from")->valuestring);
                assert_string_equal(to, cJSON_GetObjectItem(iv, "to")->valuestring);
                p++;
                intervals++;
            }
            assert_null(strstr(p, "data-criterion=\"verdict\" data-result=\"eligible\""));
            free(ts);
        }
        free(sec);
        cJSON_Delete(j);
    }
    assert_true(intervals >= 3);
    free(rp);

    /* the last stretch of each criterion is the screening's result */
    int checked = 0;
    for (int k = 0; ; k++) {
        char *sec = patient_section(page, k);
        if (!sec)
            break;
        char asof[40];
        attr(sec, "data-as-of", asof, sizeof asof);
        for (const char *row = sec; (row = strstr(row, "<tr data-criterion=\"")) != NULL; row++) {
            char id[64], res[16], tid[64];
            attr(row - 1, "data-criterion", id, sizeof id);
            attr(row - 1, "data-result", res, sizeof res);
            const char *tt = row;
            while (tt > sec && strncmp(tt, "<table class=\"criteria\"", 23) != 0)
                tt--;
            attr(tt, "data-trial", tid, sizeof tid);
            char key[256];
            snprintf(key, sizeof key, "data-trial=\"%s\" data-criterion=\"%s\" data-result=\"",
                     tid, id);
            const char *last = NULL;
            for (const char *s = sec; (s = strstr(s, key)) != NULL; s++) {
                char to[40];
                attr(s - 1, "data-to", to, sizeof to);
                if (strcmp(to, asof) == 0)
                    last = s;
            }
            if (!last)
                continue;       /* not evaluated there (ineligible shortcut) */
            char got[16];
            attr(last - 1, "data-result", got, sizeof got);
            assert_string_equal(got, res);
            checked++;
        }
        free(sec);
    }
    assert_true(checked >= 20);
    free(page);
}

/* The funnel's counts are --summary's. */
/*
** The ineligible shortcut (htmlgrid.c) also holds for a trial evaluated at
** every grid point: NCT03668236 sums IV fluid volumes (trial_clock_every_
** point), and while a patient is ineligible because of a criterion that
** cannot change yet, its other criteria are not evaluated: their rows
** end in a gap, without an at-now square.  (That the verdict row stays
** replay's is test_stretches_are_replay's.)
*/
static void
test_shortcut_every_point_trial(void **state)
{
    (void)state;
    vocab *voc = vocab_new();
    trialset *ts = trialset_new(voc);
    ts_error err;
    assert_int_equal(trialset_load(ts, "criteria", &err), 0);
    int found = 0;
    for (int j = 0; j < trialset_count(ts); j++) {
        if (strcmp(trialset_at(ts, j)->id, "NCT03668236") != 0)
            continue;
        trial_clock *c = trial_clock_new(trialset_at(ts, j), voc);
        assert_true(trial_clock_every_point(c));
        trial_clock_free(c);
        found = 1;
    }
    assert_true(found);
    trialset_free(ts);
    vocab_free(voc);
    char *page = sh(0, "./trialscreen --format html " EXAMPLES);
    assert_non_null(page);
    int sections = 0, shortcut = 0;
    const char *key = "<section class=\"trial\" data-trial=\"NCT03668236\"";
    for (const char *p = page; (p = strstr(p, key)) != NULL; p++) {
        const char *end = strstr(p, "</section>");
        int squares = 0, rows = 0;
        for (const char *q = p; (q = strstr(q, "<rect class=\"at-now")) != NULL && q < end; q++)
            squares++;
        for (const char *q = p; (q = strstr(q, "<tr data-criterion=")) != NULL && q < end; q++)
            rows++;
        assert_true(squares >= 2 && squares <= rows + 1);
        shortcut += squares < rows + 1;
        sections++;
    }
    assert_true(sections >= 5);
    assert_true(shortcut >= 1);
    free(page);
}

static void
test_funnel_counts(void **state)
{
    (void)state;
    char *page = sh(0, "./trialscreen --format html " EXAMPLES);
    char *sum = sh(0, "./trialscreen --json --summary " EXAMPLES " | tail -n 1");
    assert_non_null(page);
    assert_non_null(sum);
    cJSON *j = cJSON_Parse(sum);
    assert_non_null(j);
    int n = 0;
    cJSON *tr;
    cJSON_ArrayForEach(tr, cJSON_GetObjectItem(cJSON_GetObjectItem(j, "summary"), "trials")) {
        const char *id = cJSON_GetObjectItem(tr, "trial")->valuestring;
        cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(tr, "criteria")) {
            char want[256];
            snprintf(want, sizeof want, "<rect class=\"funnel-step\" data-trial=\"%s\" "
                     "data-criterion=\"%s\" data-count=\"%d\"", id,
                     cJSON_GetObjectItem(c, "id")->valuestring,
                     cJSON_GetObjectItem(c, "excluded")->valueint);
            assert_non_null(strstr(page, want));
            n++;
        }
        char want[256];
        snprintf(want, sizeof want, "<svg class=\"funnel\" data-trial=\"%s\"", id);
        assert_non_null(strstr(page, want));
    }
    assert_true(n > 40);
    /* the matrix: one row per patient, one cell per trial */
    assert_non_null(strstr(page, "<table class=\"matrix\">"));
    assert_non_null(strstr(page, "<tr data-patient=\"ICU-0042\"><th><a href=\"#patient-ICU-0042\">"));
    assert_non_null(strstr(page, "<td data-trial=\"NCT05184296\" data-verdict=\"eligible\">"
                                 "<a href=\"#patient-ICU-0042\">Eligible</a></td>"));
    cJSON_Delete(j);
    free(page);
    free(sum);
}

/* Hostile ids and criteria texts are text; nothing refers outside. */
static void
test_hostile_and_self_contained(void **state)
{
    (void)state;
    char *out = sh(0, "mkdir -p %s/crit && sed -e 's/Signed informed consent/"
                      "<img src=x onerror=alert(1)> \\&amp; http:\\/\\/evil/' "
                      "-e 's/title: CLI test trial/title: \"<\\/title><script>x<\\/script>\"/' "
                      "tests/data/cli/criteria/tiny.yaml > %s/crit/tiny.yaml && "
                      "jq -c '.id = \"<script>alert(1)</script>\"' "
                      "examples/ecmo-rescue-eligible.json > %s/hostile.json && "
                      "./trialscreen -c %s/crit --format html %s/hostile.json",
                      tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(out);
    assert_null(strstr(out, "<script"));
    assert_null(strstr(out, "<img"));
    assert_non_null(strstr(out, "data-patient=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert_non_null(strstr(out, "Patient &lt;script&gt;alert(1)&lt;/script&gt;</h2>"));
    assert_non_null(strstr(out, "&lt;img src=x onerror=alert(1)&gt; &amp;amp; http://evil"));
    free(out);
    /* Without hostile data: no external reference of any kind. */
    out = sh(0, "./trialscreen --format html " EXAMPLES);
    assert_non_null(out);
    assert_null(strstr(out, "http"));
    assert_null(strstr(out, "src="));
    assert_null(strstr(out, "url(http"));
    assert_null(strstr(out, "<script"));
    assert_true(strncmp(out, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
    assert_non_null(strstr(out, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(out, "<meta name=\"generator\" content=\"trialscreen "));
    assert_non_null(strstr(out, "@media print"));
    assert_non_null(strstr(out, "</html>\n"));
    free(out);
}

/* The same bytes whatever the number of threads. */
static void
test_deterministic(void **state)
{
    (void)state;
    char *a = sh(0, "./trialscreen -j1 --format html " EXAMPLES);
    char *b = sh(0, "./trialscreen -j4 --format html " EXAMPLES);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void
test_html_dir(void **state)
{
    (void)state;
    char *out = sh(0, "rm -rf %s/site && jq -c '.id = \"../a b/<x>\"' "
                      "examples/ecmo-rescue-eligible.json > %s/odd.json && "
                      "./trialscreen --html-dir %s/site " EXAMPLES " %s/odd.json && "
                      "ls %s/site", tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(out);
    /* index.html, one page per record: ICU-0107 twice (-2), the odd id
    ** hashed, nothing outside the directory */
    assert_non_null(strstr(out, "index.html\n"));
    assert_non_null(strstr(out, "patient-ICU-0107.html\n"));
    assert_non_null(strstr(out, "patient-ICU-0107-2.html\n"));
    assert_non_null(strstr(out, "patient-.._a_b__x_-"));
    int files = 0;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
        files++;
    char *nd = sh(0, "./trialscreen --json " EXAMPLES " | wc -l");
    assert_non_null(nd);
    assert_int_equal(files, atoi(nd) + 2);          /* + odd.json + index */
    free(nd);
    free(out);
    char path[256];
    snprintf(path, sizeof path, "%s/site/index.html", tmpdir);
    char *index = slurp(path);
    assert_non_null(index);
    int links = 0;
    for (const char *p = index; (p = strstr(p, "<tr data-patient=")) != NULL; p++) {
        char href[160];
        assert_true(attr(strstr(p, "<a "), "href", href, sizeof href));
        snprintf(path, sizeof path, "%s/site/%s", tmpdir, href);
        assert_int_equal(access(path, R_OK), 0);
        links++;
    }
    assert_int_equal(links, files - 1);
    assert_non_null(strstr(index, "data-patient=\"../a b/&lt;x&gt;\""));
    free(index);
    snprintf(path, sizeof path, "%s/site/patient-ICU-0042.html", tmpdir);
    char *p = slurp(path);
    assert_non_null(p);
    assert_non_null(strstr(p, "<section class=\"patient\" id=\"patient-ICU-0042\" "
                              "data-patient=\"ICU-0042\""));
    assert_non_null(strstr(p, "<a href=\"index.html\">"));
    free(p);
}

/*
** --html-dir's pages are written on the workers into files with no name
** yet and named by the writer (htmldir.c): the same files for any -j, the second
** record with an id rewritten under its -2 name with that name inside, no
** temporary file left behind, even when a page cannot be written.
*/
static void
test_html_dir_workers(void **state)
{
    (void)state;
    char *o = sh(0, "rm -rf %s/w1 %s/w4 && ./trialscreen -j1 --html-dir %s/w1 " EXAMPLES
                    " examples/ecmo-rescue-eligible.json && ./trialscreen -j4 --html-dir %s/w4 "
                    EXAMPLES " examples/ecmo-rescue-eligible.json && diff -r %s/w1 %s/w4 && "
                    "ls -A %s/w4 | grep -c '^patient-.*\\.html$'; ls -A %s/w4 | { grep -c tmp || true; }",
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    char *nd = sh(0, "./trialscreen --json " EXAMPLES " examples/ecmo-rescue-eligible.json | wc -l");
    assert_non_null(nd);
    char want[64];
    snprintf(want, sizeof want, "%d\n0\n", atoi(nd));
    assert_string_equal(o, want);
    free(nd);
    free(o);
    char path[256];
    snprintf(path, sizeof path, "%s/w4/patient-ICU-0107-2.html", tmpdir);
    char *p = slurp(path);
    assert_non_null(p);
    assert_non_null(strstr(p, "id=\"patient-ICU-0107-2\""));
    free(p);
    snprintf(path, sizeof path, "%s/w4/patient-ICU-0107.html", tmpdir);
    p = slurp(path);
    assert_non_null(p);
    assert_non_null(strstr(p, "id=\"patient-ICU-0107\""));
    assert_null(strstr(p, "patient-ICU-0107-2"));
    free(p);
    /* A page that cannot be written (a directory has its name): status 3,
    ** the error names it, and the pages in flight leave nothing behind. */
    o = sh(0, "rm -rf %s/bad && mkdir -p %s/bad/patient-ICU-0042.html && "
              "{ ./trialscreen -j2 --html-dir %s/bad " EXAMPLES " " EXAMPLES " " EXAMPLES
              " 2>%s/bad.err; echo $?; } && grep -c \"writing '%s/bad/patient-ICU-0042.html'\" %s/bad.err;"
              " ls -A %s/bad | { grep -c tmp || true; }",
           tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    assert_string_equal(o, "3\n1\n0\n");
    free(o);
}

/*
** Duplicate ids across threads (htmldir.c): forty generated records that
** all have one id, and forty that alternate between two, screened with
** -j1 and -j4.  The workers write each page with the id's own name in it
** and the writer names them in input order, so the later duplicates'
** pages are written again under -2, -3, ...: every page must land under
** its name with that name inside, the same bytes for any -j.
*/
static void
test_html_dir_duplicates(void **state)
{
    (void)state;
    char *o = sh(0, "cd %s && rm -rf dup1 dup4 && "
                    "bench_dup() { \"$OLDPWD\"/bench/gencohort -r -n 40 -s 21 | jq -c '.id = \"DUP\"'; "
                    "\"$OLDPWD\"/bench/gencohort -r -n 40 -s 22 | jq -c '.id = (if (.id | test(\"[02468]$\")) then \"A\" else \"B\" end)'; }; "
                    "bench_dup > dup.ndjson && cd \"$OLDPWD\" && "
                    "./trialscreen -j1 --html-dir %s/dup1 %s/dup.ndjson && "
                    "./trialscreen -j4 --html-dir %s/dup4 %s/dup.ndjson && "
                    "diff -r %s/dup1 %s/dup4 && ls -A %s/dup4 | wc -l",
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    assert_int_equal(atoi(o), 40 + 40 + 1);
    free(o);
    const char *names[] = { "patient-DUP", "patient-DUP-2", "patient-DUP-40",
                            "patient-A", "patient-A-20", "patient-B-20" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[256], want[128];
        snprintf(path, sizeof path, "%s/dup4/%s.html", tmpdir, names[i]);
        char *p = slurp(path);
        assert_non_null(p);
        snprintf(want, sizeof want, "<section class=\"patient\" id=\"%s\" ", names[i]);
        assert_non_null(strstr(p, want));
        free(p);
    }
    /* The 40th DUP is the 40th record: its page holds that record. */
    o = sh(0, "sed -n 40p %s/dup.ndjson | jq -r .as_of", tmpdir);
    assert_non_null(o);
    o[strcspn(o, "\n")] = '\0';
    char path[256], want[128];
    snprintf(path, sizeof path, "%s/dup4/patient-DUP-40.html", tmpdir);
    char *p = slurp(path);
    assert_non_null(p);
    snprintf(want, sizeof want, "data-as-of=\"%s\"", o);
    assert_non_null(strstr(p, want));
    free(p);
    free(o);
}

/*
** A second run into the same directory: its pages replace those of the
** first (the same names, other records), byte for byte what a run into a
** new directory writes; a page of the first run that the second does not
** write stays; no temporary file is left.
*/
static void
test_html_dir_rerun(void **state)
{
    (void)state;
    char *o = sh(0, "cd %s && rm -rf re new && \"$OLDPWD\"/bench/gencohort -r -n 30 -s 5 > re1.ndjson && "
                    "\"$OLDPWD\"/bench/gencohort -r -n 20 -s 6 | jq -c '.id |= sub(\"ICU-6\"; \"ICU-5\")' > re2.ndjson && "
                    "cd \"$OLDPWD\" && "
                    "./trialscreen -j2 --html-dir %s/re %s/re1.ndjson 2> %s/re.err1 && "
                    "./trialscreen -j2 --no-warnings --html-dir %s/re %s/re2.ndjson 2> %s/re.err2 && "
                    "./trialscreen -j2 --html-dir %s/new %s/re2.ndjson 2>> %s/re.err1 && "
                    "for f in %s/new/*.html; do cmp $f %s/re/${f##*/} || exit 1; done && "
                    "ls -A %s/re | wc -l && ls -A %s/re | { grep -c tmp || true; } && "
                    "grep -c 'data-patient=\"ICU-5-0000025\"' %s/re/patient-ICU-5-0000025.html && "
                    "{ grep -c 'not written by this run' %s/re.err1 || true; } && cat %s/re.err2",
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir,
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    /* 30 pages (20 replaced) and the index; no .tmp; record 25 of the
    ** first run kept; runs into a new directory say nothing of other
    ** pages, the re-run names the first of the ten it left (even under
    ** --no-warnings: it is not about record data) */
    char want[512];
    snprintf(want, sizeof want, "31\n0\n1\n0\ntrialscreen: %s/re: warning: 10 pages "
             "were not written by this run (patient-ICU-5-0000020.html and 9 "
             "more: an earlier run's, or another process's): left as they "
             "were, and not linked from index.html\n", tmpdir);
    assert_string_equal(o, want);
    free(o);
    /* One page left: the message names it alone. */
    o = sh(0, "head -29 %s/re1.ndjson > %s/re3.ndjson && "
              "./trialscreen -j2 --html-dir %s/re %s/re3.ndjson 2>&1 >/dev/null | grep 'not written'",
           tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    snprintf(want, sizeof want, "trialscreen: %s/re: warning: "
             "patient-ICU-5-0000029.html was not written by this run (an "
             "earlier run's, or another process's): left as it was, and not "
             "linked from index.html\n", tmpdir);
    assert_string_equal(o, want);
    free(o);
}

/*
** A re-run reuses the files of the pages it replaces (htmldir.c): 300
** pages replaced by other records' pages under the same names (more than
** the ring of -j1, so the worker must wait for the writer, whose
** exchanges make the spares) are byte for byte a new directory's, some
** in a file of the first run (the same inode, born at the same instant:
** a number alone could be a new file's), and no temporary file is left.  A
** page of the first run that is also linked elsewhere (cp -al, an
** archive) is never written into, a link in a page's place is replaced
** by the page (its target untouched), and a temporary file of a run that
** no longer exists is removed, one of a live process kept.
*/
static void
test_html_dir_recycle(void **state)
{
    (void)state;
    char *o = sh(0, "cd %s && rm -rf rc rcnew rcarch rcsnap rctarget.html && "
                    "\"$OLDPWD\"/bench/gencohort -r -n 300 -s 31 > rc1.ndjson && "
                    "\"$OLDPWD\"/bench/gencohort -r -n 300 -s 32 | jq -c '.id |= sub(\"ICU-32\"; \"ICU-31\")' > rc2.ndjson && "
                    "cd \"$OLDPWD\" && ./trialscreen -j1 --html-dir %s/rc %s/rc1.ndjson 2>/dev/null && "
                    "stat -c '%%i %%w' %s/rc/*.html | sort > %s/rc.ino1 && "
                    "./trialscreen -j1 --html-dir %s/rc %s/rc2.ndjson 2>/dev/null && "
                    "./trialscreen -j1 --html-dir %s/rcnew %s/rc2.ndjson 2>/dev/null && "
                    "diff -r %s/rcnew %s/rc && ls -A %s/rc | { grep -c tmp || true; } && "
                    "stat -c '%%i %%w' %s/rc/*.html | sort | comm -12 - %s/rc.ino1 | wc -l",
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir,
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    char *nl = strchr(o, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_string_equal(o, "0");                /* no .tmp */
    assert_true(atoi(nl + 1) > 0);              /* files reused */
    free(o);
    /* The archive of the re-run directory keeps the second run's pages
    ** through a third run (the first run's records again). */
    o = sh(0, "cd %s && cp -al rc rcarch && cp -r rc rcsnap && echo old > rctarget.html && "
              "ln -sf ../rctarget.html rc/patient-ICU-31-0000007.html && "
              ": > rc/.trialscreen-4194305-7.tmp && : > rc/.trialscreen-1-7.tmp && cd \"$OLDPWD\" && "
              "./trialscreen -j1 --html-dir %s/rc %s/rc1.ndjson 2>/dev/null && "
              "diff -r %s/rcsnap %s/rcarch && echo archive-kept && cat %s/rctarget.html && "
              "test -f %s/rc/patient-ICU-31-0000007.html && test ! -L %s/rc/patient-ICU-31-0000007.html && "
              "grep -c 'data-patient=\"ICU-31-0000007\"' %s/rc/patient-ICU-31-0000007.html && "
              "ls -A %s/rc | grep tmp",
           tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    assert_string_equal(o, "archive-kept\nold\n1\n.trialscreen-1-7.tmp\n");
    free(o);
    /* And the third run's pages are a new directory's. */
    o = sh(0, "rm -f %s/rc/.trialscreen-1-7.tmp && rm -rf %s/rcnew && "
              "./trialscreen -j1 --html-dir %s/rcnew %s/rc1.ndjson 2>/dev/null && "
              "diff -r %s/rcnew %s/rc && echo same",
           tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    assert_string_equal(o, "same\n");
    free(o);
}

/*
** A run that stops at a page it cannot write (a directory has the name of
** record 150's page): status 3, the pages of records 0-149 are written,
** none of a later record although the workers had rendered up to a ring
** of them, and no temporary file is left.
*/
static void
test_html_dir_stopped(void **state)
{
    (void)state;
    char *o = sh(0, "cd %s && rm -rf stop && \"$OLDPWD\"/bench/gencohort -r -n 300 -s 9 > stop.ndjson && "
                    "mkdir -p stop/patient-$(sed -n 151p stop.ndjson | jq -r .id).html && cd \"$OLDPWD\" && "
                    "{ ./trialscreen -j4 --html-dir %s/stop %s/stop.ndjson 2>/dev/null; echo $?; } && "
                    "head -150 %s/stop.ndjson | jq -r '\"patient-\" + .id + \".html\"' | sort > %s/stop.want && "
                    "ls -A %s/stop | grep -v '^patient-ICU-9-0000150.html$' | sort > %s/stop.got && "
                    "diff %s/stop.want %s/stop.got && echo same",
                 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    assert_non_null(o);
    assert_string_equal(o, "3\nsame\n");
    free(o);
}

static void
test_usage(void **state)
{
    (void)state;
    char *o;
    assert_non_null(o = sh(2, "./trialscreen --html-dir %s/x -o %s/y examples/ecmo-rescue-eligible.json", tmpdir, tmpdir));
    free(o);
    assert_non_null(o = sh(2, "./trialscreen replay --format html examples/ecmo-rescue-eligible.json"));
    free(o);
    assert_non_null(o = sh(2, "./trialscreen trials --format html"));
    free(o);
    assert_non_null(o = sh(2, "./trialscreen --html-dir %s/x --json examples/ecmo-rescue-eligible.json", tmpdir));
    free(o);
    /* a directory that cannot be made: a clear error, status 3 */
    assert_non_null(o = sh(3, "./trialscreen --html-dir /dev/null/x examples/ecmo-rescue-eligible.json"));
    free(o);
}

/*
** trial_clock_next (criterion ci's first change instant at or after t,
** found by its own walk over the items: trial_clock_next) against the
** criterion's marks (trial_clock_crit_marks, checked against the listed
** instants through the trial's marks below): on a grid of 10 minutes, no
** step is marked from t to just before the answer, and one is up to it.
*/
static void
check_next(const trial_clock *c, const trial *t, const record *r, ts_time from,
           long *checked)
{
    unsigned char mark[1024];
    for (int i = 0; i < t->ncrit; i++) {
        if (trial_clock_crit_every_point(c, i))
            continue;
        ts_time b = trial_clock_next(c, i, r, from);
        assert_true(b >= from);
        if (b == INT64_MAX || b == from || b - from > 6 * TS_DAY)
            continue;
        ts_time step = 10 * 60;
        int n = (int)((b - 1 - from) / step) + 2;
        trial_clock_crit_marks(c, i, r, from, step, n, b - 1, mark);
        for (int k = 0; k < n; k++)
            if (mark[k])
                fail_msg("%s, %s, criterion %s: an instant before its next, "
                         "%lld s after %lld", record_id(r), t->id, t->crit[i].id,
                         (long long)(b - from), (long long)from);
        n = (int)((b - from) / step) + 2;
        trial_clock_crit_marks(c, i, r, from, step, n, b, mark);
        int any = 0;
        for (int k = 0; k < n; k++)
            any |= mark[k];
        if (!any)
            fail_msg("%s, %s, criterion %s: no instant at its next", record_id(r),
                     t->id, t->crit[i].id);
        (*checked)++;
    }
}

/*
** trial_clock_grid_marks (the grid's change instants, unsorted, from the
** record's item times kept by phase in one clock_grid for every trial
** and criterion) against trial_clock_instants and
** trial_clock_crit_instants (replay's sorted lists): on generated
** records, for every trial and criterion, on the hourly grid and on grids
** of odd steps and starts, some after the first item time, step k is
** marked exactly when a listed instant lies in [at[k-1], at[k]].
*/
static void
check_grid_marks(const trial_clock *c, int ci, clock_grid *cg, const record *r,
                 const char *tid, const ts_time *at, int n, instants *in,
                 long *marked, long *checked)
{
    unsigned char mark[1024];
    if (ci < 0)
        trial_clock_instants(c, r, at[0], at[n - 1], in);
    else
        trial_clock_crit_instants(c, ci, r, at[0], at[n - 1], in);
    memset(mark, 7, sizeof mark);
    trial_clock_grid_marks(c, ci, cg, mark);
    assert_int_equal(mark[0], 0);
    for (int k = 1, i = 0; k < n; k++) {
        while (i < in->n && in->t[i] < at[k - 1])
            i++;
        int want = i < in->n && in->t[i] <= at[k];
        if (mark[k] != want)
            fail_msg("%s, trial %s, criterion %d, step %lld, point %d: marked %d, listed %d",
                     record_id(r), tid, ci, (long long)(at[1] - at[0]), k,
                     mark[k], want);
        *marked += want;
        (*checked)++;
    }
    assert_int_equal(mark[n], 7);
}

/*
** trial_clock_grid_next (from the item times kept in a clock_grid) against
** trial_clock_next (its own walk over the record): equal for every
** criterion at every step from from to to, the item times' own included.
*/
static void
check_grid_next(const trial_clock *c, const trial *t, clock_grid *cg,
                const record *r, ts_time from, ts_time to, ts_time step,
                long *checked)
{
    for (int i = 0; i < t->ncrit; i++) {
        for (ts_time at = from; at <= to; at += step) {
            ts_time want = trial_clock_next(c, i, r, at);
            ts_time got = trial_clock_grid_next(c, i, cg, at);
            if (got != want)
                fail_msg("%s, %s, criterion %s, at %lld: next %lld, walked %lld",
                         record_id(r), t->id, t->crit[i].id, (long long)at,
                         (long long)got, (long long)want);
            ts_time y = want - 1;       /* just before an instant */
            if (want != INT64_MAX && trial_clock_grid_next(c, i, cg, y)
                                     != trial_clock_next(c, i, r, y))
                fail_msg("%s, %s, criterion %s: next differs just before %lld",
                         record_id(r), t->id, t->crit[i].id, (long long)want);
            (*checked)++;
        }
    }
}

static void
test_marks_are_instants(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/marks.ndjson", tmpdir);
    /* the cross-check's records: times on whole hours, screened on one;
    ** and onsets six months (exc-cardiac's "within 6 mo") before the grid,
    ** one clamped to the end of February */
    char *o = sh(0, "bench/gencohort -r -n 40 -s 7 > %s && bench/gencohort -n 20 -s 3 >> %s"
                 " && python3 tests/xcheck/gen.py 20 5 >> %s && echo '{\"format\":"
                 "\"patient-record/1\",\"id\":\"MONTHS\",\"as_of\":\"2026-03-01T12:00:00Z\","
                 "\"birth_date\":\"1980-01-01\",\"conditions\":[{\"code\":"
                 "\"unstable_angina\",\"onset\":\"2025-08-27T10:20:00Z\"},{\"code\":"
                 "\"acute_myocardial_infarction\",\"onset\":\"2025-08-31T09:00:00Z\"}]}' >> %s",
                 path, path, path, path);
    assert_non_null(o);
    free(o);
    char *text = slurp(path);
    assert_non_null(text);
    ts_error err;
    vocab *voc = vocab_new();
    trialset *ts = trialset_new(voc);
    assert_int_equal(trialset_load(ts, "criteria", &err), 0);
    int nt = trialset_count(ts);
    trial_clock **clk = calloc((size_t)nt, sizeof *clk);
    for (int j = 0; j < nt; j++)
        clk[j] = trial_clock_new(trialset_at(ts, j), voc);
    /* (the last grid starts before the onsets six months back) */
    static const ts_time steps[] = { TS_HOUR, 37 * 60, 4 * TS_HOUR + 1, 37 * 60,
                                     4 * TS_DAY + 1 };
    static const ts_time back[] = { 72 * TS_HOUR, 72 * TS_HOUR, 72 * TS_HOUR,
                                    20 * TS_HOUR, 200 * TS_DAY };
    instants in = {0};
    clock_grid *cg = clock_grid_new();
    long marked = 0, checked = 0, nexts = 0;
    for (char *p = text; *p; ) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        record_opts ro = { TS_NONE, 0, 0, RW_COUNT };
        record *r = record_parse(line, len, "marks", 0, voc, &ro, &err);
        assert_non_null(r);
        ts_time now = record_at(r);
        for (int j = 0; j < nt; j++)
            for (ts_time from = now - 80 * TS_HOUR; from < now; from += 7 * TS_HOUR + 13)
                check_next(clk[j], trialset_at(ts, j), r, from, &nexts);
        for (int si = 0; si < 5; si++) {
            ts_time step = steps[si];
            ts_time t0 = now - back[si] - (ts_time)si * 1234;
            t0 -= ((t0 % step) + step) % step * (si == 0);
            int n = 0;
            ts_time at[1024];
            for (ts_time t = t0; t <= now && n < 1022; t += step)
                at[n++] = t;
            if (at[n - 1] != now)
                at[n++] = now;
            clock_grid_set(cg, r, t0, step, n, now);
            for (int j = 0; j < nt; j++) {
                const trial *t = trialset_at(ts, j);
                for (int ci = -1; ci < t->ncrit; ci++)
                    check_grid_marks(clk[j], ci, cg, r, t->id, at, n, &in,
                                     &marked, &checked);
                check_grid_next(clk[j], t, cg, r, t0 - 30 * TS_HOUR, now + TS_DAY,
                                step / 3 + 7, &nexts);
            }
        }
        record_free(r);
        free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
    assert_true(marked > 100 && marked < checked);
    assert_true(nexts > 1000);
    instants_release(&in);
    clock_grid_free(cg);
    for (int j = 0; j < nt; j++)
        trial_clock_free(clk[j]);
    free(clk);
    trialset_free(ts);
    vocab_free(voc);
    free(text);
}

/*
** The grid redoes only the criteria marked in a step (htmlgrid.c,
** eval_trial_values) and keeps the others' values: at every point, each
** value it holds must be what a full eval_trial of the record as of that
** point gives (a skipped cell, HTML_SKIPPED, aside: the verdict there must
** be ineligible).  The first 100 records of the realistic and of the
** synthetic cohort; the last point too is evaluated on the grid (no
** screening passed in).  Criteria whose own change instants missed an
** item (first_of's events once) fail here.
*/
static void
test_partial_grid_is_full(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/partial.ndjson", tmpdir);
    /* and synthetic records given IV fluids, some then summed at every
    ** point (trial_clock_crit_every_point_in): a bag and a drip */
    char *o = sh(0, "bench/gencohort -r -n 100 -s 1 > %s && bench/gencohort -n 100 -s 1 >> %s"
                 " && bench/gencohort -n 20 -s 4 | jq -c '(.as_of | fromdate) as $t"
                 " | .medications += [{code: \"crystalloid\", rate: 125, unit: \"mL/h\","
                 " start: ($t - 30 * 3600 | todate), end: ($t - 21 * 3600 | todate)},"
                 " {code: \"colloid\", dose: 500, unit: \"mL\", start: ($t - 6 * 3600 | todate)}]'"
                 " >> %s", path, path, path);
    assert_non_null(o);
    free(o);
    char *text = slurp(path);
    assert_non_null(text);
    ts_error err;
    vocab *voc = vocab_new();
    trialset *ts = trialset_new(voc);
    assert_int_equal(trialset_load(ts, "criteria", &err), 0);
    html_ctx *h = html_new(ts, voc);
    html_worker *w = html_worker_new(h);
    arena *a = arena_new();
    long partial = 0, compared = 0, skipped = 0;
    for (char *p = text; *p; ) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        record_opts ro = { TS_NONE, 0, 0, RW_COUNT };
        record *r = record_parse(line, len, "partial", 0, voc, &ro, &err);
        assert_non_null(r);
        /* The axis as html.c's patient_span starts it. */
        ts_time now = record_at(r), first = record_first_time(r);
        if (first == TS_NONE || first < now - HTML_SPAN_BACK)
            first = first == TS_NONE ? now - HTML_STEP : now - HTML_SPAN_BACK;
        ts_time t0 = first - ((first % HTML_STEP) + HTML_STEP) % HTML_STEP;
        if (t0 >= now)
            t0 -= HTML_STEP;
        html_grid_run(w, r, t0, NULL);
        const html_grid *g = &w->g;
        partial += g->partial;
        for (int k = 0; k < g->n; k++) {
            record *view = record_view_at(r, g->at[k], a);
            for (int j = 0; j < h->ntrials; j++) {
                const trial *t = trialset_at(ts, j);
                const trial_result *tr = eval_trial(t, view, a);
                int gv = g->verdict[j * g->n + k];
                int skip = 0;
                for (int i = 0; i < t->ncrit; i++) {
                    int cv = g->crit[j][i * g->n + k];
                    if (cv == HTML_SKIPPED) {
                        skip = 1;
                        continue;
                    }
                    if (cv != (int)tr->crit[i]->value)
                        fail_msg("%s, trial %s, criterion %s at point %d: grid %d, "
                                 "eval_trial %d", record_id(r), t->id, t->crit[i].id,
                                 k, cv, (int)tr->crit[i]->value);
                    compared++;
                }
                skipped += skip;
                if (gv != (int)trial_result_verdict(tr))
                    fail_msg("%s, trial %s at point %d: grid verdict %d, eval_trial %d",
                             record_id(r), t->id, k, gv, (int)trial_result_verdict(tr));
            }
            arena_reset(a);
        }
        record_free(r);
        free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
    /* The partial path was taken, and so was the shortcut. */
    assert_true(partial > 100);
    assert_true(skipped > 100);
    assert_true(compared > 10000);
    arena_free(a);
    html_worker_free(w);
    html_free(h);
    trialset_free(ts);
    vocab_free(voc);
    free(text);
}

static int
setup(void **state)
{
    (void)state;
    return run_setup("html");
}

static int
teardown(void **state)
{
    (void)state;
    return run_teardown();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_escape_positions),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_time_dates),
        cmocka_unit_test(test_short_time_dates),
        cmocka_unit_test(test_scale_ends),
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_marks_are_instants),
        cmocka_unit_test(test_partial_grid_is_full),
        cmocka_unit_test(test_page_names),
        cmocka_unit_test(test_matches_ndjson),
        cmocka_unit_test(test_coordinates),
        cmocka_unit_test(test_stretches_are_replay),
        cmocka_unit_test(test_shortcut_every_point_trial),
        cmocka_unit_test(test_funnel_counts),
        cmocka_unit_test(test_hostile_and_self_contained),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_html_dir),
        cmocka_unit_test(test_html_dir_workers),
        cmocka_unit_test(test_html_dir_duplicates),
        cmocka_unit_test(test_html_dir_rerun),
        cmocka_unit_test(test_html_dir_recycle),
        cmocka_unit_test(test_html_dir_stopped),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
