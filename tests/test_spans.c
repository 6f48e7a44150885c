/*
** test_spans.c -- medication courses, procedure episodes and the current
** admission (src/spans.c), each rule at its boundary: a gap or pause of
** exactly 1 h keeps a course, 1 h 01 ends it; touching procedure entries
** merge, a one-minute gap splits them; contiguous stays chain into one
** admission, a stay that ended earlier does not.
*/
#define ET_VOCAB_FIXTURE
#include "evaltest.h"

#include "spans.h"

#define AT "2026-03-01T12:00:00Z"

static const med_list *
meds(const record *r, const char *name)
{
    return &r->meds[et_concept(r, name)->index];
}

/* The onset of the norepinephrine course running now after an interval
** 02:00-06:00 and a second one from start2 (with a zero-rate pause from
** 06:00 to start2 when pause is set); TS_NONE if none runs now. */
static ts_time
onset_after(const char *start2, int pause)
{
    record *r = et_record(V, AT);
    et_infusion(r, "norepinephrine", 0.2, "2026-03-01T02:00:00Z", "2026-03-01T06:00:00Z");
    if (pause)
        et_infusion(r, "norepinephrine", 0, "2026-03-01T06:00:00Z", start2);
    et_infusion(r, "norepinephrine", 0.3, start2, NULL);
    et_finish(r);
    span c;
    ts_time t = span_course_now(meds(r, "norepinephrine"), r->at, &c) ? c.start : TS_NONE;
    record_free(r);
    return t;
}

static void
course_gaps_and_pauses(void **state)
{
    (void)state;
    ts_time first = et_time("2026-03-01T02:00:00Z");
    assert_int_equal(onset_after("2026-03-01T06:00:00Z", 0), first);   /* touching */
    assert_int_equal(onset_after("2026-03-01T07:00:00Z", 0), first);   /* 1 h gap */
    assert_int_equal(onset_after("2026-03-01T07:00:01Z", 0),
                     et_time("2026-03-01T07:00:01Z"));                  /* longer */
    assert_int_equal(onset_after("2026-03-01T07:00:00Z", 1), first);   /* 1 h at 0 */
    assert_int_equal(onset_after("2026-03-01T07:01:00Z", 1),
                     et_time("2026-03-01T07:01:00Z"));
}

/* The onset of one course across norepinephrine and vasopressin: norepi
** 02:00-06:00, vasopressin from start2 (and dobutamine 01:00-02:00 when
** dob is set); TS_NONE if none runs now.  Epinephrine, first in the class,
** has no entry, and dobutamine none without dob: the merge skips the
** drugs without entries (span_class_course_now). */
static ts_time
class_onset(const char *start2, int dob)
{
    record *r = et_record(V, AT);
    et_infusion(r, "norepinephrine", 0.2, "2026-03-01T02:00:00Z", "2026-03-01T06:00:00Z");
    et_infusion(r, "vasopressin", 0.0004, start2, NULL);
    if (dob)
        et_infusion(r, "dobutamine", 5, "2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z");
    et_finish(r);
    const med_list *l[4] = { meds(r, "epinephrine"), meds(r, "vasopressin"),
                             meds(r, "norepinephrine"), meds(r, "dobutamine") };
    span c;
    ts_time t = span_class_course_now(l, 4, r->at, &c) ? c.start : TS_NONE;
    record_free(r);
    return t;
}

static void
class_course_switches(void **state)
{
    (void)state;
    ts_time first = et_time("2026-03-01T02:00:00Z");
    assert_int_equal(class_onset("2026-03-01T06:00:00Z", 0), first);   /* switch */
    assert_int_equal(class_onset("2026-03-01T05:00:00Z", 0), first);   /* overlap */
    assert_int_equal(class_onset("2026-03-01T07:00:00Z", 0), first);   /* 1 h gap */
    assert_int_equal(class_onset("2026-03-01T07:01:00Z", 0),
                     et_time("2026-03-01T07:01:00Z"));                  /* 61 min */
    assert_int_equal(class_onset("2026-03-01T06:00:00Z", 1),
                     et_time("2026-03-01T01:00:00Z"));                  /* 3 drugs */
    assert_int_equal(class_onset("2026-03-01T12:30:00Z", 0), TS_NONE);  /* later */
}

static void
course_not_running_now(void **state)
{
    (void)state;
    record *r = et_record(V, AT);
    /* ended 20 min ago: a pause that may go on, but nothing runs now */
    et_infusion(r, "norepinephrine", 0.2, "2026-03-01T02:00:00Z", "2026-03-01T11:40:00Z");
    et_finish(r);
    span c;
    assert_false(span_course_now(meds(r, "norepinephrine"), r->at, &c));
    record_free(r);

    /* a zero rate running now is not the drug running */
    r = et_record(V, AT);
    et_infusion(r, "norepinephrine", 0.2, "2026-03-01T02:00:00Z", "2026-03-01T11:40:00Z");
    et_infusion(r, "norepinephrine", 0, "2026-03-01T11:40:00Z", NULL);
    et_finish(r);
    assert_false(span_course_now(meds(r, "norepinephrine"), r->at, &c));
    record_free(r);

    /* nothing at all */
    r = et_record(V, AT);
    et_finish(r);
    assert_false(span_course_now(meds(r, "norepinephrine"), r->at, &c));
    record_free(r);
}

static void
course_onset_of_an_entry(void **state)
{
    (void)state;
    record *r = et_record(V, AT);
    et_infusion(r, "hydrocortisone", 10, "2026-02-20T00:00:00Z", "2026-02-21T00:00:00Z");
    et_infusion(r, "hydrocortisone", 20, "2026-02-21T00:30:00Z", "2026-02-22T00:00:00Z");
    et_infusion(r, "hydrocortisone", 30, "2026-02-28T00:00:00Z", NULL);
    et_finish(r);
    const med_list *l = meds(r, "hydrocortisone");
    assert_int_equal(span_course_onset(l, 0), et_time("2026-02-20T00:00:00Z"));
    assert_int_equal(span_course_onset(l, 1), et_time("2026-02-20T00:00:00Z"));
    assert_int_equal(span_course_onset(l, 2), et_time("2026-02-28T00:00:00Z"));
    record_free(r);
}

static int
episodes(record *r, span *out)
{
    et_finish(r);
    const proc_list *l = &r->procs[et_concept(r, "mechanical_ventilation")->index];
    return span_episodes(l, out);
}

static void
procedure_episodes(void **state)
{
    (void)state;
    span ep[4];
    record *r = et_record(V, AT);
    et_proc(r, "mechanical_ventilation", "2026-02-28T06:00:00Z", "2026-02-28T20:00:00Z");
    et_proc(r, "mechanical_ventilation", "2026-02-28T20:00:00Z", NULL);
    assert_int_equal(episodes(r, ep), 1);           /* a charting split */
    assert_int_equal(ep[0].start, et_time("2026-02-28T06:00:00Z"));
    assert_int_equal(ep[0].end, TS_NONE);
    assert_int_equal(ep[0].first, 0);
    assert_int_equal(ep[0].last, 1);
    record_free(r);

    r = et_record(V, AT);
    et_proc(r, "mechanical_ventilation", "2026-02-28T06:00:00Z", "2026-02-28T20:00:00Z");
    et_proc(r, "mechanical_ventilation", "2026-02-28T19:00:00Z", "2026-03-01T02:00:00Z");
    assert_int_equal(episodes(r, ep), 1);           /* overlapping */
    assert_int_equal(ep[0].end, et_time("2026-03-01T02:00:00Z"));
    record_free(r);

    r = et_record(V, AT);
    et_proc(r, "mechanical_ventilation", "2026-02-28T06:00:00Z", "2026-02-28T20:00:00Z");
    et_proc(r, "mechanical_ventilation", "2026-02-28T20:01:00Z", NULL);
    assert_int_equal(episodes(r, ep), 2);           /* a minute apart: two */
    assert_int_equal(ep[1].start, et_time("2026-02-28T20:01:00Z"));
    record_free(r);

    r = et_record(V, AT);
    et_proc(r, "mechanical_ventilation", "2026-02-28T06:00:00Z", NULL);
    et_proc(r, "mechanical_ventilation", "2026-02-28T10:00:00Z", "2026-02-28T11:00:00Z");
    assert_int_equal(episodes(r, ep), 1);           /* inside a running one */
    assert_int_equal(ep[0].end, TS_NONE);
    record_free(r);
}

static void
admission_chain(void **state)
{
    (void)state;
    record *r = et_record(V, AT);
    et_loc(r, "ward", "2026-02-20T08:00:00Z", "2026-02-25T08:00:00Z");   /* earlier stay */
    et_loc(r, "picu", "2026-02-27T20:00:00Z", "2026-02-28T05:00:00Z");   /* touches */
    et_loc(r, "icu", "2026-02-28T05:00:00Z", NULL);
    et_finish(r);
    assert_int_equal(span_admission_start(r, r->at), et_time("2026-02-27T20:00:00Z"));
    assert_ptr_equal(span_place_at(r, r->at), et_concept(r, "icu"));
    record_free(r);

    r = et_record(V, AT);
    et_loc(r, "ward", "2026-02-27T20:00:00Z", "2026-02-28T06:00:00Z");   /* overlaps */
    et_loc(r, "icu", "2026-02-28T05:00:00Z", NULL);
    et_finish(r);
    assert_int_equal(span_admission_start(r, r->at), et_time("2026-02-27T20:00:00Z"));
    record_free(r);

    r = et_record(V, AT);
    et_loc(r, "icu", "2026-02-28T05:00:00Z", "2026-03-01T12:00:00Z");    /* ends now */
    et_finish(r);
    assert_int_equal(span_admission_start(r, r->at), TS_NONE);
    assert_null(span_place_at(r, r->at));
    record_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(course_gaps_and_pauses),
        cmocka_unit_test(course_not_running_now),
        cmocka_unit_test(class_course_switches),
        cmocka_unit_test(course_onset_of_an_entry),
        cmocka_unit_test(procedure_episodes),
        cmocka_unit_test(admission_chain),
    };
    return cmocka_run_group_tests(tests, et_vocab_setup, et_vocab_teardown);
}
