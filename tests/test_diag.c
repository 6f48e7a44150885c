/*
** test_diag.c -- the one diagnostic format (diag.h).
**
** Every shape a user can meet: with a file, line and column; with a JSON
** path; with only a file; with no position at all (usage errors); a
** warning; a hostile file name; a message longer than ts_error holds.
** And the JSON string escaping every report uses (outbuf_json), which
** scans eight bytes at a time: every byte value at every position of
** strings around a word long, against the escaping rules written out.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

static void
expect(const ts_error *e, const char *want)
{
    outbuf b = {0};
    diag_put(&b, e);
    outbuf_put(&b, "", 1);
    assert_string_equal(b.p, want);
    outbuf_release(&b);
}

static void
test_full_position(void **state)
{
    (void)state;
    ts_error e;
    ts_error_clear(&e);
    ts_error_set(&e, 3, 14, "expected ',' or '}'");
    e.file = "records/bad.json";
    expect(&e, "trialscreen: records/bad.json:3:14: error: expected ',' "
               "or '}'\n");
    strcpy(e.path, "observations[2].value");
    expect(&e, "trialscreen: records/bad.json:3:14: error: "
               "observations[2].value: expected ',' or '}'\n");
}

static void
test_partial_positions(void **state)
{
    (void)state;
    ts_error e;
    ts_error_clear(&e);
    snprintf(e.msg, sizeof e.msg, "file larger than 4 MiB");
    e.file = "big.yaml";
    expect(&e, "trialscreen: big.yaml: error: file larger than 4 MiB\n");
    e.file = NULL;
    e.line = 7;     /* a column without a line is never shown */
    expect(&e, "trialscreen: 7: error: file larger than 4 MiB\n");
    e.line = 0;
    e.column = 9;
    expect(&e, "trialscreen: error: file larger than 4 MiB\n");
}

/* diag_int against printf's %d, at the ends of int and across carries;
** it writes only before end. */
static void
test_int(void **state)
{
    (void)state;
    static const int values[] = {
        0, 1, -1, 9, 10, -10, 99, 100, 12345, -67890, 999999999, 1000000000,
        INT_MAX, INT_MAX - 1, INT_MIN, INT_MIN + 1,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[16], want[16];
        memset(buf, '#', sizeof buf);
        const char *p = diag_int(buf + 12, values[i]);
        snprintf(want, sizeof want, "%d", values[i]);
        assert_int_equal(buf + 12 - p, (ptrdiff_t)strlen(want));
        assert_memory_equal(p, want, strlen(want));
        assert_true(p >= buf + 1);
        assert_memory_equal(buf + 12, "####", 4);
    }
    ts_error e;
    ts_error_clear(&e);
    ts_error_set(&e, INT_MAX, 10, "x");
    e.file = "f";
    expect(&e, "trialscreen: f:2147483647:10: error: x\n");
}

/* The warning lines' formats ("%s", "%s: %s") are put without printf:
** byte for byte what printf's path puts, for hostile strings too (a
** sequence cut at the end of the first string, overrides, controls, a
** message longer than the printf path's first buffer, nothing). */
static void
test_strings_without_printf(void **state)
{
    (void)state;
    static char long_one[700];
    memset(long_one, 'x', sizeof long_one - 1);
    long_one[3] = '\x1b';
    static const char *const strs[] = {
        "", "ICU-7", "3 observations ignored: unknown code 'lactat'",
        "cut \xE2\x80", "\xE2\x80\xAE" "evil", "tab\there\n", "\xC3\xA9t\xC3\xA9", "\xff\xfe",
        long_one,
    };
    size_t n = sizeof strs / sizeof strs[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            outbuf fast = {0}, slow = {0};
            diag_putf(&fast, TS_LEVEL_WARNING, "f.ndjson", 3, 9, "%s: %s", strs[i], strs[j]);
            diag_putf(&slow, TS_LEVEL_WARNING, "f.ndjson", 3, 9, "%s%s%s", strs[i], ": ", strs[j]);
            diag_putf(&fast, TS_LEVEL_ERROR, NULL, 0, 0, "%s", strs[i]);
            diag_putf(&slow, TS_LEVEL_ERROR, NULL, 0, 0, "%s%s", strs[i], "");
            assert_int_equal(fast.len, slow.len);
            assert_memory_equal(fast.p, slow.p, fast.len);
            outbuf_release(&fast);
            outbuf_release(&slow);
        }
    outbuf b = {0};
    diag_putf(&b, TS_LEVEL_WARNING, "x.json", 5, 15, "%s: %s", "ICU-7", "\xE2\x80\xAE!");
    outbuf_put(&b, "", 1);
    assert_string_equal(b.p, "trialscreen: x.json:5:15: warning: ICU-7: \\xe2\\x80\\xae!\n");
    outbuf_release(&b);
}

static void
test_warning_and_printf(void **state)
{
    (void)state;
    outbuf b = {0};
    diag_putf(&b, TS_LEVEL_WARNING, "x.json", 5, 15, "%d values ignored", 13);
    diag_putf(&b, TS_LEVEL_ERROR, NULL, 0, 0, "unknown option '%s'", "--x");
    outbuf_put(&b, "", 1);
    assert_string_equal(b.p,
        "trialscreen: x.json:5:15: warning: 13 values ignored\n"
        "trialscreen: error: unknown option '--x'\n");
    outbuf_release(&b);
}

/* A file name or message from the input cannot drive the terminal. */
static void
test_escaped(void **state)
{
    (void)state;
    ts_error e;
    ts_error_clear(&e);
    ts_error_set(&e, 1, 1, "id \x1b[2J");
    e.file = "a\nb.json";
    expect(&e, "trialscreen: a\\x0ab.json:1:1: error: id \\x1b[2J\n");
}

/* A failing case lists every mismatch: no 512-byte limit. */
static void
test_long_message(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    outbuf b = {0};
    diag_putf(&b, TS_LEVEL_ERROR, "c.yaml", 2, 3, "case 'x': %s", big);
    assert_int_equal(b.len, strlen("trialscreen: c.yaml:2:3: error: "
                                   "case 'x': ") + sizeof big - 1 + 1);
    assert_int_equal(b.p[b.len - 1], '\n');
    outbuf_release(&b);
}

/* What one byte c becomes inside a JSON string, when it stands alone
** between ASCII letters (so a byte >= 0x80 is invalid UTF-8). */
static void
json_byte(char *out, unsigned c)
{
    switch (c) {
    case '"':  strcpy(out, "\\\""); return;
    case '\\': strcpy(out, "\\\\"); return;
    case '\b': strcpy(out, "\\b"); return;
    case '\f': strcpy(out, "\\f"); return;
    case '\n': strcpy(out, "\\n"); return;
    case '\r': strcpy(out, "\\r"); return;
    case '\t': strcpy(out, "\\t"); return;
    default: break;
    }
    if (c < 0x20 || c == 0x7f)
        snprintf(out, 8, "\\u%04x", c);
    else if (c >= 0x80)
        strcpy(out, "\\ufffd");
    else
        snprintf(out, 8, "%c", (int)c);
}

static void
json_is(const char *in, const char *want)
{
    outbuf b = {0};
    outbuf_put(&b, "x", 1);
    outbuf_json(&b, in);
    assert_string_equal(b.p + 1, want);
    assert_int_equal(b.len, 1 + strlen(want));
    outbuf_release(&b);
    /* The same text written raw and escaped in place (a reason written
    ** straight into a report): the same bytes. */
    outbuf r = {0};
    outbuf_put(&r, "x\"", 2);
    size_t start = r.len;
    outbuf_puts(&r, in ? in : "");
    outbuf_json_end(&r, start);
    assert_string_equal(r.p + 1, want);
    assert_int_equal(r.len, 1 + strlen(want));
    outbuf_release(&r);
}

static void
test_json_every_byte_everywhere(void **state)
{
    (void)state;
    char in[40], want[64 + 8], esc[8];
    for (int len = 1; len <= 38; len++)     /* past outbuf_json's short copy */
        for (int at = 0; at < len; at++)
            for (unsigned c = 1; c < 256; c++) {
                memset(in, 'a', (size_t)len);
                in[len] = '\0';
                in[at] = (char)c;
                json_byte(esc, c);
                snprintf(want, sizeof want, "\"%.*s%s%.*s\"", at, in, esc,
                         len - at - 1, in + at + 1);
                json_is(in, want);
            }
}

/* Text output: printable ASCII as it is, anything else alone between
** ASCII letters (a lone byte >= 0x80 is not UTF-8) as \xNN; valid UTF-8
** passes, a terminal control character in it does not. */
static void
test_escaped_every_byte_everywhere(void **state)
{
    (void)state;
    char in[40], want[64 + 8], esc[8];
    for (int len = 1; len <= 38; len++)     /* past 16-byte strides */
        for (int at = 0; at < len; at++)
            for (unsigned c = 1; c < 256; c++) {
                memset(in, 'a', (size_t)len);
                in[len] = '\0';
                in[at] = (char)c;
                if (c >= 0x20 && c < 0x7f)
                    snprintf(esc, sizeof esc, "%c", (int)c);
                else
                    snprintf(esc, sizeof esc, "\\x%02x", c);
                snprintf(want, sizeof want, "%.*s%s%.*s", at, in, esc,
                         len - at - 1, in + at + 1);
                outbuf b = {0};
                outbuf_put(&b, "x", 1);
                outbuf_escaped(&b, in);
                assert_string_equal(b.p + 1, want);
                assert_int_equal(b.len, 1 + strlen(want));
                outbuf_release(&b);
            }
    const char *const ok[] = { "\u2265 65 \u00e9", "0123456789abcdef\u2013x" };
    for (int k = 0; k < 2; k++) {
        outbuf b = {0};
        outbuf_escaped(&b, ok[k]);
        assert_string_equal(b.p, ok[k]);
        outbuf_release(&b);
    }
    outbuf b = {0};
    outbuf_escaped(&b, "0123456789abcdef\u202eevil");    /* a bidi override */
    assert_string_equal(b.p, "0123456789abcdef\\xe2\\x80\\xaeevil");
    outbuf_release(&b);
}

static void
test_json_utf8(void **state)
{
    (void)state;
    char in[64], want[96];
    /* Valid sequences pass through wherever they fall in a word; the
    ** line and paragraph separators are escaped for JavaScript. */
    const char *const seq[] = { "\u2265", "\u00e9", "\U0001F600", "\u2028" };
    const char *const out[] = { "\u2265", "\u00e9", "\U0001F600", "\\u2028" };
    for (int k = 0; k < 4; k++)
        for (int at = 0; at < 20; at++) {
            snprintf(in, sizeof in, "%.*s%s%s", at, "abcdefghijklmnopqrstuvwxyz",
                     seq[k], "tail of it");
            snprintf(want, sizeof want, "\"%.*s%s%s\"", at,
                     "abcdefghijklmnopqrstuvwxyz", out[k], "tail of it");
            json_is(in, want);
        }
    json_is("", "\"\"");
    json_is(NULL, "\"\"");
    json_is("a long plain ASCII reason, longer than a word or two",
            "\"a long plain ASCII reason, longer than a word or two\"");
    /* Escaped in place with more to escape than the aside buffer holds. */
    char big[2000], bigwant[4000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (size_t i = 5; i < sizeof big - 1; i += 7)
        big[i] = '"';
    char *w = bigwant;
    *w++ = '"';
    for (const char *p = big; *p; p++) {
        if (*p == '"')
            *w++ = '\\';
        *w++ = *p;
    }
    *w++ = '"';
    *w = '\0';
    json_is(big, bigwant);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_position),
        cmocka_unit_test(test_partial_positions),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_strings_without_printf),
        cmocka_unit_test(test_warning_and_printf),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_long_message),
        cmocka_unit_test(test_json_every_byte_everywhere),
        cmocka_unit_test(test_json_utf8),
        cmocka_unit_test(test_escaped_every_byte_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
