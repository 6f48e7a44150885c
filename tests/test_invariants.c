/*
** test_invariants.c -- the evaluator's invariants (src/invariants.h) and
** ts_assert (src/tsassert.h): each rule rejects a result broken in just
** that way and accepts the sound one; results the evaluator makes are
** sound; ts_assert aborts with the file and line of the check when built
** with TS_ASSERTS (make check-asan) and evaluates nothing otherwise.
*/
#include "evaltest.h"
#include "invariants.h"
#include "tsassert.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define AT "2026-03-01T12:00:00Z"

static result
sound_met(void)
{
    result r = {0};
    r.value = TV_MET;
    r.since = 1000;
    r.since_early = 900;
    r.until = TS_NONE;
    return r;
}

static void
test_result_rules(void **state)
{
    (void)state;
    result r = sound_met();
    assert_true(result_sound(&r));
    assert_false(result_sound(NULL));

    r.value = (tv)3;                      /* not a truth value */
    assert_false(result_sound(&r));
    r.value = (tv)-1;
    assert_false(result_sound(&r));

    r = sound_met();                      /* certainly before possibly */
    r.since_early = 1001;
    assert_false(result_sound(&r));
    r.since_early = 1000;                 /* equal is sound */
    assert_true(result_sound(&r));
    r.since_early = 1001;                 /* not met: the since-times say nothing */
    r.value = TV_UNKNOWN;
    assert_true(result_sound(&r));
    r.value = TV_NOT_MET;
    assert_true(result_sound(&r));

    r = sound_met();                      /* an unbounded side is no conflict */
    r.since = TS_NONE;
    assert_true(result_sound(&r));
    r = sound_met();
    r.since_early = TS_NONE;
    assert_true(result_sound(&r));

    r = sound_met();                      /* counts and their arrays */
    r.nev = 1;
    assert_false(result_sound(&r));
    r = sound_met();
    r.nmissing = -1;
    assert_false(result_sound(&r));
    r = sound_met();
    r.nkids = 2;
    assert_false(result_sound(&r));
}

static trial_result
sound_window(void)
{
    trial_result tr = {0};
    tr.v = V_ELIGIBLE;
    tr.has_window = 1;
    tr.opens = 100;
    tr.closes = 200;
    tr.eligible_since = 100;
    return tr;
}

static void
test_trial_rules(void **state)
{
    (void)state;
    trial_result tr = sound_window();
    assert_true(trial_result_sound(&tr));
    tr.closes = 100;                      /* a single instant is a window */
    assert_true(trial_result_sound(&tr));
    tr.closes = 99;                       /* closes before it opens */
    assert_false(trial_result_sound(&tr));

    tr = sound_window();                  /* a window needs both ends */
    tr.closes = TS_NONE;
    assert_false(trial_result_sound(&tr));
    tr = sound_window();                  /* no window, no ends */
    tr.has_window = 0;
    assert_false(trial_result_sound(&tr));
    tr.opens = tr.closes = TS_NONE;
    assert_true(trial_result_sound(&tr));

    tr = sound_window();
    tr.v = (verdict)7;
    assert_false(trial_result_sound(&tr));
    tr = sound_window();                  /* eligible since only if eligible */
    tr.v = V_INCOMPLETE;
    assert_false(trial_result_sound(&tr));
    tr.eligible_since = TS_NONE;
    assert_true(trial_result_sound(&tr));

    cohort c = {0};
    tr = sound_window();                  /* a cohort only when one is met */
    tr.cohort = &c;
    tr.ncohort_met = 2;
    assert_false(trial_result_sound(&tr));
    tr.ncohort_met = 1;
    assert_true(trial_result_sound(&tr));
    tr.v = V_INELIGIBLE;
    tr.eligible_since = TS_NONE;
    assert_false(trial_result_sound(&tr));
}

/* What the evaluator makes is sound: a leaf, a combinator, a held-for. */
static void
test_evaluated_results_are_sound(void **state)
{
    (void)state;
    vocab *v = et_vocab();
    record *r = et_record(v, AT);
    et_obs(r, "map", 58, "2026-03-01T06:00:00Z");
    et_obs(r, "map", 60, "2026-03-01T09:00:00Z");
    et_obs(r, "map", 70, "2026-03-01T11:00:00Z");
    et_finish(r);
    rule *ru = et_leaf(r, R_SUSTAINED, "map");
    et_cmp(ru, CMP_LT, 65, 0);
    result *res = et_eval(r, ru);
    assert_true(result_sound(res));
    rule *lat = et_leaf(r, R_LATEST, "map");
    et_cmp(lat, CMP_GE, 65, 0);
    res = et_eval(r, lat);
    assert_int_equal(res->value, TV_MET);
    assert_true(result_sound(res));
    record_free(r);
    vocab_free(v);
}

static int side_effects;

static int
count_call(void)
{
    return ++side_effects;
}

#ifdef TS_ASSERTS
/* A broken invariant stops the program, naming the check. */
static void
test_assert_aborts(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        result r = sound_met();
        r.since_early = r.since + 1;
        ts_assert(result_sound(&r));
        _exit(0);
    }
    close(fds[1]);
    char buf[512] = {0};
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)k;
    close(fds[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
    assert_non_null(strstr(buf, "test_invariants.c:"));
    assert_non_null(strstr(buf, "internal error: invariant 'result_sound(&r)' broken"));
    /* A sound one passes and its condition is evaluated once. */
    side_effects = 0;
    ts_assert(count_call() == 1);
    assert_int_equal(side_effects, 1);
}
#else
/* Compiled out: the condition is not even evaluated. */
static void
test_assert_compiled_out(void **state)
{
    (void)state;
    side_effects = 0;
    ts_assert(count_call() == 42);
    assert_int_equal(side_effects, 0);
    assert_int_equal(count_call(), 1);        /* which would have counted */
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_rules),
        cmocka_unit_test(test_trial_rules),
        cmocka_unit_test(test_evaluated_results_are_sound),
#ifdef TS_ASSERTS
        cmocka_unit_test(test_assert_aborts),
#else
        cmocka_unit_test(test_assert_compiled_out),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
