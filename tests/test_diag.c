/*
** test_diag.c -- the one diagnostic format (diag.h).
**
** Every shape a user can meet: with a file, line and column; with a JSON
** path; with only a file; with no position at all (usage errors); a
** warning; a hostile file name; a message longer than ts_error holds.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_position),
        cmocka_unit_test(test_partial_positions),
        cmocka_unit_test(test_warning_and_printf),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_long_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
