/*
** test_record.c -- the patient-record reader and the fact builder: the
** example of patient-record.md read field by field, the screening time,
** the future cut away, unit conversions at load, every record error with
** its exact path, message and position, and the warnings.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "record.h"
#include "timeutil.h"
#include "vocab.h"

static vocab *V;

static concept *
add(const char *name, concept_kind kind, const char *unit)
{
    ts_error err;
    concept *c = vocab_add(V, name, kind, unit, &err);
    assert_non_null(c);
    return c;
}

static int
setup(void **state)
{
    (void)state;
    ts_error err;
    V = vocab_new();
    add("map", CK_OBSERVATION, "mm[Hg]");
    concept *lac = add("lactate", CK_OBSERVATION, "mmol/L");
    lac->molar_mass = 90.08;
    assert_int_equal(vocab_add_code(V, lac, "loinc:2524-7", &err), 0);
    add("weight", CK_OBSERVATION, "kg");
    add("height", CK_OBSERVATION, "cm");
    concept *lvef = add("lvef", CK_OBSERVATION, "%");
    assert_int_equal(vocab_add_code(V, lvef, "loinc:10230-1", &err), 0);
    add("sofa", CK_OBSERVATION, "{score}");
    add("norepinephrine", CK_MEDICATION, "ug/kg/min");
    add("hydrocortisone", CK_MEDICATION, "mg/d");
    add("tacrolimus", CK_MEDICATION, NULL);
    add("septic_shock", CK_CONDITION, NULL);
    add("pregnancy", CK_CONDITION, NULL);
    add("ecmo", CK_PROCEDURE, NULL);
    add("mechanical_ventilation", CK_PROCEDURE, NULL);
    add("icu", CK_LOCATION, NULL);
    concept *ic = add("informed_consent", CK_FACT, NULL);
    assert_int_equal(vocab_add_code(V, ic, "local:consent", &err), 0);
    add("adequate_fluid_resuscitation", CK_FACT, NULL);
    add("vis", CK_DERIVED, "{score}");
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    vocab_free(V);
    return 0;
}

static const concept *
C(const char *name)
{
    const concept *c = vocab_find(V, name);
    assert_non_null(c);
    return c;
}

static ts_time
T(const char *s)
{
    ts_time t;
    assert_int_equal(ts_parse_time(s, &t, NULL, 0), 0);
    return t;
}

/* Parse from a private copy with exactly the NUL the contract asks for. */
static record *
parse_opts(const char *text, const record_opts *opts, ts_error *err)
{
    size_t len = strlen(text);
    char *buf = xmalloc(len + 1);
    memcpy(buf, text, len + 1);
    record *r = record_parse(buf, len, "test.json", 0, V, opts, err);
    free(buf);
    return r;
}

static record *
parse_ok(const char *text)
{
    ts_error err;
    record *r = parse_opts(text, NULL, &err);
    if (!r)
        fail_msg("rejected: %d:%d: %s: %s", err.line, err.column, err.path, err.msg);
    return r;
}

static void
expect_error(const char *text, const char *path, const char *msg, int line, int column)
{
    ts_error err;
    record *r = parse_opts(text, NULL, &err);
    if (r) {
        record_free(r);
        fail_msg("accepted: %s", text);
    }
    assert_string_equal(err.msg, msg);
    assert_string_equal(err.path, path);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_string_equal(err.file, "test.json");
}

static int
has_warning(const record *r, const char *text)
{
    for (int i = 0; i < record_nwarnings(r); i++)
        if (strstr(record_warning(r, i), text))
            return 1;
    return 0;
}

static void
assert_near(double a, double b)
{
    if (fabs(a - b) > 1e-9 * (fabs(b) > 1 ? fabs(b) : 1))
        fail_msg("%.15g != %.15g", a, b);
}

/* The example of patient-record.md, verbatim. */
static const char example[] =
    "{\n"
    "  \"format\": \"patient-record/1\",\n"
    "  \"id\": \"ICU-0042\",\n"
    "  \"as_of\": \"2026-03-01T12:00:00Z\",\n"
    "  \"birth_date\": \"1961-04-17\",\n"
    "  \"sex\": \"male\",\n"
    "  \"complete\": [\"conditions\", \"procedures\", \"medications\"],\n"
    "  \"locations\": [\n"
    "    {\"code\": \"icu\", \"start\": \"2026-02-28T21:30:00Z\"}\n"
    "  ],\n"
    "  \"observations\": [\n"
    "    {\"code\": \"map\",     \"value\": 58,   \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01T06:00:00Z\"},\n"
    "    {\"code\": \"lactate\", \"value\": 54.1, \"unit\": \"mg/dL\",  \"time\": \"2026-03-01T06:10:00Z\"},\n"
    "    {\"code\": \"weight\",  \"value\": 181,  \"unit\": \"[lb_av]\", \"time\": \"2026-02-28T21:40:00Z\"},\n"
    "    {\"code\": \"loinc:10230-1\", \"value\": 0.30, \"unit\": \"1\", \"time\": \"2026-03-01T08:00:00Z\"}\n"
    "  ],\n"
    "  \"medications\": [\n"
    "    {\"code\": \"norepinephrine\", \"rate\": 0.8, \"unit\": \"ug/kg/min\",\n"
    "     \"start\": \"2026-03-01T02:00:00Z\", \"end\": \"2026-03-01T07:00:00Z\"},\n"
    "    {\"code\": \"norepinephrine\", \"rate\": 1.1, \"unit\": \"ug/kg/min\",\n"
    "     \"start\": \"2026-03-01T07:00:00Z\"},\n"
    "    {\"code\": \"cyclophosphamide\", \"start\": \"2026-02-10\"}\n"
    "  ],\n"
    "  \"conditions\": [\n"
    "    {\"code\": \"septic_shock\", \"onset\": \"2026-02-28T23:00:00Z\"},\n"
    "    {\"code\": \"pulmonary_embolism\", \"status\": \"absent\"},\n"
    "    {\"code\": \"pregnancy\", \"status\": \"absent\"}\n"
    "  ],\n"
    "  \"procedures\": [\n"
    "    {\"code\": \"mechanical_ventilation\", \"start\": \"2026-02-28T22:00:00Z\"},\n"
    "    {\"code\": \"ecmo\", \"start\": \"2026-03-01T09:00:00Z\", \"mode\": \"VA\"}\n"
    "  ],\n"
    "  \"facts\": {\n"
    "    \"informed_consent\": true,\n"
    "    \"adequate_fluid_resuscitation\": {\"value\": true, \"time\": \"2026-03-01T05:00:00Z\"}\n"
    "  }\n"
    "}\n";

static void
test_example_record(void **state)
{
    (void)state;
    record *r = parse_ok(example);
    assert_string_equal(record_id(r), "ICU-0042");
    assert_string_equal(record_source(r), "test.json");
    assert_true(record_at(r) == T("2026-03-01T12:00:00Z"));
    assert_int_equal(r->at_from, AT_AS_OF);
    assert_true(r->has_birth);
    assert_int_equal(r->birth_y, 1961);
    assert_int_equal(r->birth_m, 4);
    assert_int_equal(r->birth_d, 17);
    assert_string_equal(r->birth_str, "1961-04-17");
    assert_int_equal(r->sex, SEX_MALE);
    assert_int_equal(r->complete, SEC_CONDITIONS | SEC_PROCEDURES | SEC_MEDICATIONS);

    const loc_list *icu = &r->locs[C("icu")->index];
    assert_int_equal(icu->n, 1);
    assert_true(icu->e[0].start == T("2026-02-28T21:30:00Z"));
    assert_true(icu->e[0].end == TS_NONE);

    const series *map = &r->obs[C("map")->index];
    assert_int_equal(map->n, 1);
    assert_true(map->s[0].ok);
    assert_int_equal(map->s[0].type, VAL_NUMBER);
    assert_near(map->s[0].v, 58);
    assert_string_equal(map->s[0].unit, "mm[Hg]");
    assert_int_equal(map->s[0].src, 0);
    assert_true(map->s[0].t == T("2026-03-01T06:00:00Z"));

    const series *lac = &r->obs[C("lactate")->index];
    assert_int_equal(lac->n, 1);
    assert_true(lac->s[0].ok);
    assert_near(lac->s[0].raw, 54.1);
    assert_near(lac->s[0].v, 54.1 * 10 / 90.08);      /* 6.006 mmol/L */

    const series *w = &r->obs[C("weight")->index];
    assert_true(w->s[0].ok);
    assert_near(w->s[0].v, 181 * 0.45359237);

    const series *lvef = &r->obs[C("lvef")->index];
    assert_int_equal(lvef->n, 1);
    assert_near(lvef->s[0].v, 30);
    assert_int_equal(lvef->s[0].src, 3);

    const med_list *ne = &r->meds[C("norepinephrine")->index];
    assert_int_equal(ne->n, 2);
    assert_int_equal(ne->e[0].kind, MED_INFUSION);
    assert_true(ne->e[0].ok);
    assert_near(ne->e[0].amount, 0.8);
    assert_true(ne->e[0].start == T("2026-03-01T02:00:00Z"));
    assert_true(ne->e[0].end == T("2026-03-01T07:00:00Z"));
    assert_near(ne->e[1].amount, 1.1);
    assert_true(ne->e[1].end == TS_NONE);
    assert_int_equal(ne->e[1].src, 1);

    const cond_list *ss = &r->conds[C("septic_shock")->index];
    assert_int_equal(ss->n, 1);
    assert_int_equal(ss->e[0].status, ST_ACTIVE);
    assert_true(ss->e[0].onset == T("2026-02-28T23:00:00Z"));
    const cond_list *preg = &r->conds[C("pregnancy")->index];
    assert_int_equal(preg->n, 1);
    assert_int_equal(preg->e[0].status, ST_ABSENT);
    assert_true(preg->e[0].onset == TS_NONE);
    assert_int_equal(preg->e[0].src, 2);

    const proc_list *ecmo = &r->procs[C("ecmo")->index];
    assert_int_equal(ecmo->n, 1);
    assert_true(ecmo->e[0].start == T("2026-03-01T09:00:00Z"));
    assert_true(ecmo->e[0].end == TS_NONE);
    assert_int_equal(ecmo->e[0].nattrs, 1);
    assert_string_equal(ecmo->e[0].keys[0], "mode");
    assert_string_equal(ecmo->e[0].vals[0], "VA");
    assert_int_equal(r->procs[C("mechanical_ventilation")->index].n, 1);
    assert_int_equal(r->procs[C("mechanical_ventilation")->index].e[0].nattrs, 0);

    const fact_entry *ic = r->facts[C("informed_consent")->index];
    assert_non_null(ic);
    assert_int_equal(ic->type, VAL_BOOL);
    assert_true(ic->b);
    assert_true(ic->t == TS_NONE);
    const fact_entry *fl = r->facts[C("adequate_fluid_resuscitation")->index];
    assert_non_null(fl);
    assert_true(fl->b);
    assert_true(fl->t == T("2026-03-01T05:00:00Z"));

    /* The two codes the vocabulary does not know: warnings, with position. */
    assert_int_equal(record_nwarnings(r), 2);
    assert_string_equal(record_warning(r, 0),
                        "22:14: medications[2].code: unknown code 'cyclophosphamide' (ignored)");
    assert_string_equal(record_warning(r, 1),
                        "26:14: conditions[1].code: unknown code 'pulmonary_embolism' (ignored)");
    assert_null(record_warning(r, 2));
    record_free(r);
}

static void
test_screening_time_precedence(void **state)
{
    (void)state;
    const char *text =
        "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\", \"birth_date\": \"2030-01-01\","
        " \"observations\": [{\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\","
        " \"time\": \"2026-03-01T13:00:00Z\"}]}";
    ts_error err;
    record_opts opts = { T("2026-03-01T10:00:00Z"), 0, 0, RW_ALL };
    record *r = parse_opts(text, &opts, &err);
    assert_non_null(r);
    assert_true(record_at(r) == T("2026-03-01T10:00:00Z"));
    assert_int_equal(r->at_from, AT_CLI);
    record_free(r);

    opts.at = TS_NONE;
    r = parse_opts(text, &opts, &err);
    assert_true(record_at(r) == T("2026-03-01T12:00:00Z"));
    assert_int_equal(r->at_from, AT_AS_OF);
    record_free(r);

    /* The latest timestamp anywhere: here a medication's end, not the
    ** birth date (which is later still). */
    r = parse_ok("{\"id\": \"p\", \"birth_date\": \"2030-01-01\","
                 " \"observations\": [{\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\","
                 " \"time\": \"2026-03-01T09:00:00Z\"}],"
                 " \"medications\": [{\"code\": \"norepinephrine\", \"start\": \"2026-03-01T08:00:00Z\","
                 " \"end\": \"2026-03-01T11:00:00+01:00\"}],"
                 " \"conditions\": [{\"code\": \"septic_shock\", \"onset\": \"2026-02-01\"}]}");
    assert_true(record_at(r) == T("2026-03-01T10:00:00Z"));
    assert_int_equal(r->at_from, AT_LATEST);
    record_free(r);

    /* Fact times and condition ends count too. */
    r = parse_ok("{\"id\": \"p\", \"facts\": {\"informed_consent\": "
                 "{\"value\": true, \"time\": \"2026-03-02T00:00:00Z\"}},"
                 " \"conditions\": [{\"code\": \"septic_shock\", \"onset\": \"2026-02-01\","
                 " \"end\": \"2026-03-01\"}]}");
    assert_true(record_at(r) == T("2026-03-02T00:00:00Z"));
    record_free(r);

    expect_error("{\"id\": \"p\", \"birth_date\": \"1961-04-17\", \"sex\": \"female\"}",
                 "", "no screening time; use --at", 1, 1);
    /* --at alone is enough. */
    opts.at = T("2026-03-01T00:00:00Z");
    r = parse_opts("{\"id\": \"p\"}", &opts, &err);
    assert_non_null(r);
    record_free(r);
}

static void
test_future_dropped(void **state)
{
    (void)state;
    record *r = parse_ok(
        "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\",\n"
        " \"observations\": [\n"
        "  {\"code\": \"map\", \"value\": 70, \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01T12:00:01Z\"},\n"
        "  {\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01T12:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 50, \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01T11:00:00Z\"}],\n"
        " \"medications\": [\n"
        "  {\"code\": \"norepinephrine\", \"rate\": 0.1, \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01T13:00:00Z\"},\n"
        "  {\"code\": \"norepinephrine\", \"rate\": 0.2, \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01T10:00:00Z\","
        "   \"end\": \"2026-03-01T14:00:00Z\"}],\n"
        " \"conditions\": [\n"
        "  {\"code\": \"septic_shock\", \"onset\": \"2026-03-01T12:30:00Z\"},\n"
        "  {\"code\": \"pregnancy\", \"status\": \"absent\"}],\n"
        " \"procedures\": [{\"code\": \"ecmo\", \"start\": \"2026-03-01T09:00:00Z\", \"end\": \"2026-03-01T12:00:00Z\"}],\n"
        " \"locations\": [{\"code\": \"icu\", \"start\": \"2026-03-01T08:00:00Z\", \"end\": \"2026-03-02T08:00:00Z\"}],\n"
        " \"facts\": {\"informed_consent\": {\"value\": true, \"time\": \"2026-03-01T12:00:01Z\"},\n"
        "           \"adequate_fluid_resuscitation\": {\"value\": false, \"time\": \"2026-03-01T12:00:00Z\"}}}");
    const series *map = &r->obs[C("map")->index];
    assert_int_equal(map->n, 2);                     /* 12:00:01 dropped */
    assert_near(map->s[0].v, 50);                    /* sorted by time */
    assert_near(map->s[1].v, 60);                    /* exactly at: kept */
    assert_int_equal(map->s[0].src, 2);
    const med_list *ne = &r->meds[C("norepinephrine")->index];
    assert_int_equal(ne->n, 1);
    assert_near(ne->e[0].amount, 0.2);
    assert_true(ne->e[0].end == TS_NONE);            /* ends after: running */
    assert_int_equal(r->conds[C("septic_shock")->index].n, 0);
    assert_int_equal(r->conds[C("pregnancy")->index].n, 1);   /* no onset: kept */
    assert_true(r->procs[C("ecmo")->index].e[0].end == T("2026-03-01T12:00:00Z"));
    assert_true(r->locs[C("icu")->index].e[0].end == TS_NONE);
    assert_null(r->facts[C("informed_consent")->index]);
    assert_non_null(r->facts[C("adequate_fluid_resuscitation")->index]);
    record_free(r);
}

static void
test_unit_conversions(void **state)
{
    (void)state;
    record *r = parse_ok(
        "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\",\n"
        " \"observations\": [\n"
        "  {\"code\": \"loinc:2524-7\", \"value\": 45.04, \"unit\": \"mg/dL\", \"time\": \"2026-03-01T06:00:00Z\"},\n"
        "  {\"code\": \"lactate\", \"value\": 2.5, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T07:00:00Z\"},\n"
        "  {\"code\": \"weight\", \"value\": 176.37, \"unit\": \"[lb_av]\", \"time\": \"2026-02-28T00:00:00Z\"},\n"
        "  {\"code\": \"weight\", \"value\": 80, \"unit\": \"kg\", \"time\": \"2026-03-01T00:00:00Z\"},\n"
        "  {\"code\": \"weight\", \"value\": 100, \"unit\": \"kg\", \"time\": \"2026-03-01T13:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 58, \"time\": \"2026-03-01T08:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": \"unmeasurable\", \"time\": \"2026-03-01T08:10:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": true, \"time\": \"2026-03-01T08:20:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 8, \"unit\": \"kPa\", \"time\": \"2026-03-01T08:30:00Z\"},\n"
        "  {\"code\": \"height\", \"value\": 70, \"unit\": \"kg\", \"time\": \"2026-03-01T08:30:00Z\"},\n"
        "  {\"code\": \"sofa\", \"value\": 11, \"time\": \"2026-03-01T08:30:00Z\"}],\n"
        " \"medications\": [\n"
        "  {\"code\": \"norepinephrine\", \"rate\": 8, \"unit\": \"ug/min\", \"start\": \"2026-03-01T02:00:00Z\"},\n"
        "  {\"code\": \"hydrocortisone\", \"dose\": 50, \"unit\": \"mg\", \"start\": \"2026-03-01T03:00:00Z\"},\n"
        "  {\"code\": \"hydrocortisone\", \"dose\": 200, \"unit\": \"mg/d\", \"start\": \"2026-03-01T04:00:00Z\"},\n"
        "  {\"code\": \"hydrocortisone\", \"rate\": 10, \"unit\": \"mg/h\", \"start\": \"2026-03-01T05:00:00Z\"},\n"
        "  {\"code\": \"hydrocortisone\", \"start\": \"2026-03-01T06:00:00Z\"},\n"
        "  {\"code\": \"tacrolimus\", \"dose\": 2, \"unit\": \"mg\", \"start\": \"2026-03-01T06:00:00Z\"}]}");
    const series *lac = &r->obs[C("lactate")->index];
    assert_int_equal(lac->n, 2);
    assert_near(lac->s[0].v, 45.04 * 10 / 90.08);   /* 5.0 mmol/L */
    assert_near(lac->s[1].v, 2.5);

    const series *w = &r->obs[C("weight")->index];
    assert_int_equal(w->n, 2);                        /* 13:00 is after as_of */
    assert_near(w->s[0].v, 176.37 * 0.45359237);
    assert_near(facts_latest_ok(r, C("weight"))->v, 80);

    const series *map = &r->obs[C("map")->index];
    assert_int_equal(map->n, 4);
    assert_false(map->s[0].ok);
    assert_string_equal(map->s[0].why, "no unit");
    assert_int_equal(map->s[1].type, VAL_STRING);
    assert_string_equal(map->s[1].str, "unmeasurable");
    assert_false(map->s[1].ok);
    assert_int_equal(map->s[2].type, VAL_BOOL);
    assert_true(map->s[2].b);
    assert_string_equal(map->s[2].str, "true");
    assert_true(map->s[3].ok);
    assert_near(map->s[3].v, 8 * 1000 / 133.322);
    const sample *h = &r->obs[C("height")->index].s[0];
    assert_false(h->ok);
    assert_string_equal(h->why, "cannot convert 'kg' to 'cm' (different dimensions)");
    const sample *sofa = &r->obs[C("sofa")->index].s[0];
    assert_true(sofa->ok);                            /* {score} needs no unit */
    assert_near(sofa->v, 11);

    /* 8 ug/min for 80 kg (the latest weight at or before as_of). */
    const med_entry *ne = &r->meds[C("norepinephrine")->index].e[0];
    assert_int_equal(ne->kind, MED_INFUSION);
    assert_true(ne->ok);
    assert_near(ne->amount, 0.1);
    assert_near(ne->raw, 8);
    assert_string_equal(ne->unit, "ug/min");

    const med_list *hc = &r->meds[C("hydrocortisone")->index];
    assert_int_equal(hc->n, 4);
    assert_int_equal(hc->e[0].kind, MED_DOSE);
    assert_false(hc->e[0].ok);
    assert_non_null(hc->e[0].why);
    assert_near(hc->e[0].raw, 50);
    assert_int_equal(hc->e[1].kind, MED_REGIMEN);
    assert_true(hc->e[1].ok);
    assert_near(hc->e[1].amount, 200);
    assert_int_equal(hc->e[2].kind, MED_INFUSION);
    assert_near(hc->e[2].amount, 240);
    assert_int_equal(hc->e[3].kind, MED_COURSE);
    assert_false(hc->e[3].ok);
    const med_entry *tac = &r->meds[C("tacrolimus")->index].e[0];
    assert_int_equal(tac->kind, MED_DOSE);
    assert_false(tac->ok);
    assert_non_null(strstr(tac->why, "tacrolimus"));
    record_free(r);
}

/* The reader keeps each concept's last conversion (recorditems.c,
** convert_sample): units that alternate, and a unit that fails between
** two that convert, must each get their own factor or reason. */
static void
test_conversion_memo(void **state)
{
    (void)state;
    record *r = parse_ok(
        "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\", \"observations\": ["
        "{\"code\": \"lactate\", \"value\": 45.04, \"unit\": \"mg/dL\", \"time\": \"2026-03-01T01:00:00Z\"},"
        "{\"code\": \"lactate\", \"value\": 2.5, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T02:00:00Z\"},"
        "{\"code\": \"lactate\", \"value\": 9.008, \"unit\": \"mg/dL\", \"time\": \"2026-03-01T03:00:00Z\"},"
        "{\"code\": \"lactate\", \"value\": 1, \"unit\": \"mg/dl\", \"time\": \"2026-03-01T04:00:00Z\"},"
        "{\"code\": \"lactate\", \"value\": 18.016, \"unit\": \"mg/dL\", \"time\": \"2026-03-01T05:00:00Z\"},"
        "{\"code\": \"lactate\", \"value\": 3, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T06:00:00Z\"},"
        "{\"code\": \"map\", \"value\": 8, \"unit\": \"kPa\", \"time\": \"2026-03-01T06:00:00Z\"},"
        "{\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01T07:00:00Z\"},"
        "{\"code\": \"map\", \"value\": 16, \"unit\": \"kPa\", \"time\": \"2026-03-01T08:00:00Z\"}]}");
    const series *lac = &r->obs[C("lactate")->index];
    assert_int_equal(lac->n, 6);
    assert_near(lac->s[0].v, 5);
    assert_near(lac->s[1].v, 2.5);
    assert_near(lac->s[2].v, 1);
    assert_false(lac->s[3].ok);
    assert_non_null(strstr(lac->s[3].why, "mg/dl"));
    assert_true(lac->s[4].ok);
    assert_near(lac->s[4].v, 2);
    assert_near(lac->s[5].v, 3);
    const series *map = &r->obs[C("map")->index];
    assert_near(map->s[0].v, 8 * 1000 / 133.322);
    assert_near(map->s[1].v, 60);
    assert_near(map->s[2].v, 16 * 1000 / 133.322);
    record_free(r);
}

static void
test_per_kg_without_weight(void **state)
{
    (void)state;
    /* The only weight is after the screening time: no weight. */
    record *r = parse_ok(
        "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\",\n"
        " \"observations\": [{\"code\": \"weight\", \"value\": 80, \"unit\": \"kg\","
        " \"time\": \"2026-03-01T12:30:00Z\"}],\n"
        " \"medications\": [\n"
        "  {\"code\": \"norepinephrine\", \"rate\": 8, \"unit\": \"ug/min\", \"start\": \"2026-03-01T02:00:00Z\"},\n"
        "  {\"code\": \"norepinephrine\", \"rate\": 0.1, \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01T03:00:00Z\"}]}");
    const med_list *ne = &r->meds[C("norepinephrine")->index];
    assert_int_equal(ne->n, 2);
    assert_false(ne->e[0].ok);
    assert_non_null(strstr(ne->e[0].why, "'ug/min'"));
    assert_non_null(strstr(ne->e[0].why, "'ug/kg/min'"));
    assert_true(ne->e[1].ok);
    assert_null(facts_latest_ok(r, C("weight")));
    record_free(r);

    /* A rate without a unit: no conversion, not an error. */
    r = parse_ok("{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\", \"medications\": ["
                 "{\"code\": \"norepinephrine\", \"rate\": 0.1, \"start\": \"2026-03-01T02:00:00Z\"}]}");
    assert_false(r->meds[C("norepinephrine")->index].e[0].ok);
    assert_string_equal(r->meds[C("norepinephrine")->index].e[0].why, "no unit");
    record_free(r);
}

/* A record with one item in a section, for the error table. */
#define AS_OF "{\"id\": \"p\", \"as_of\": \"2026-03-01T12:00:00Z\", "

static void
test_record_errors(void **state)
{
    (void)state;
    expect_error("[{\"id\": \"p\"}]", "", "expected a JSON object, found array", 1, 1);
    expect_error("42", "", "expected a JSON object, found number", 1, 1);
    expect_error("{\"format\": \"patient-record/2\", \"id\": \"p\"}", "format",
                 "unsupported format 'patient-record/2' (supported: patient-record/1)", 1, 12);
    expect_error("{\"format\": 1, \"id\": \"p\"}", "format", "expected string, found number", 1, 12);
    expect_error("{\"as_of\": \"2026-03-01\"}", "", "missing required field 'id'", 1, 1);
    expect_error("{\"id\": null}", "id", "expected string, found null", 1, 8);
    expect_error("{\"id\": 42}", "id", "expected string, found number", 1, 8);
    expect_error("{\"id\": \"\"}", "id", "must not be empty", 1, 8);
    expect_error(AS_OF "\"medications\": [{}, {}, {}, {\"code\": \"norepinephrine\", "
                 "\"rate\": -0.1, \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01\"}]}",
                 "medications[0]", "missing required field 'code'", 1, 62);
    expect_error(AS_OF "\"medications\": [{\"code\": \"x\", \"start\": \"2026-03-01\"},"
                 " {\"code\": \"x\", \"start\": \"2026-03-01\"}, {\"code\": \"x\", \"start\": \"2026-03-01\"},"
                 " {\"code\": \"norepinephrine\", \"rate\": -0.1, \"unit\": \"ug/kg/min\","
                 " \"start\": \"2026-03-01\"}]}",
                 "medications[3].rate", "must not be negative", 1, 211);
    expect_error(AS_OF "\"medications\": [{\"code\": \"hydrocortisone\", \"dose\": -50,"
                 " \"unit\": \"mg\", \"start\": \"2026-03-01\"}]}",
                 "medications[0].dose", "must not be negative", 1, 97);
    expect_error(AS_OF "\"medications\": [{\"code\": \"norepinephrine\", \"rate\": \"0.1\","
                 " \"start\": \"2026-03-01\"}]}",
                 "medications[0].rate", "expected number, found string", 1, 97);
    expect_error(AS_OF "\"medications\": [{\"code\": \"norepinephrine\", \"rate\": 1, \"dose\": 1,"
                 " \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01\"}]}",
                 "medications[0]", "both 'rate' and 'dose' given", 1, 62);
    expect_error(AS_OF "\"medications\": [{\"code\": \"norepinephrine\", \"start\": \"2026-03-01T10:00:00Z\","
                 " \"end\": \"2026-03-01T09:59:59Z\"}]}",
                 "medications[0].end", "end before start", 1, 129);
    expect_error(AS_OF "\"locations\": [{\"code\": \"icu\", \"start\": \"2026-03-01T10:00:00Z\","
                 " \"end\": \"2026-03-01T09:00:00Z\"}]}",
                 "locations[0].end", "end before start", 1, 116);
    expect_error(AS_OF "\"conditions\": [{\"code\": \"septic_shock\", \"onset\": \"2026-03-01\","
                 " \"end\": \"2026-02-28\"}]}",
                 "conditions[0].end", "end before onset", 1, 116);
    expect_error(AS_OF "\"conditions\": [{\"code\": \"septic_shock\", \"status\": \"maybe\"}]}",
                 "conditions[0].status",
                 "unknown status 'maybe' (expected active, suspected, resolved or absent)", 1, 96);
    /* An unknown status is an error even for a code we do not know. */
    expect_error(AS_OF "\"conditions\": [{\"code\": \"gout\", \"status\": \"Active\"}]}",
                 "conditions[0].status",
                 "unknown status 'Active' (expected active, suspected, resolved or absent)", 1, 88);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\","
                 " \"time\": \"2026-02-30T10:00:00Z\"}]}",
                 "observations[0].time", "invalid date '2026-02-30' (February 2026 has 28 days)", 1, 118);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 60, \"unit\": \"mm[Hg]\"}]}",
                 "observations[0]", "missing required field 'time'", 1, 63);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"unit\": \"mm[Hg]\", \"time\": \"2026-03-01\"}]}",
                 "observations[0]", "missing required field 'value'", 1, 63);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": {\"v\": 1}, \"time\": \"2026-03-01\"}]}",
                 "observations[0].value", "expected number, boolean or string, found object", 1, 88);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 1e999, \"time\": \"2026-03-01\"}]}",
                 "observations[0].value", "number out of range", 1, 88);
    expect_error(AS_OF "\"observations\": [{\"code\": 8478, \"value\": 1, \"time\": \"2026-03-01\"}]}",
                 "observations[0].code", "expected string, found number", 1, 72);
    expect_error(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 1, \"time\": 1740000000}]}",
                 "observations[0].time", "expected string, found number", 1, 99);
    expect_error(AS_OF "\"observations\": {\"map\": 60}}", "observations",
                 "expected array, found object", 1, 62);
    expect_error(AS_OF "\"observations\": [\"map\"]}", "observations[0]",
                 "expected object, found string", 1, 63);
    expect_error(AS_OF "\"procedures\": [{\"code\": \"ecmo\", \"start\": \"2026-03-01\", \"mode\": 2}]}",
                 "procedures[0].mode", "expected string, found number", 1, 109);
    expect_error(AS_OF "\"procedures\": [{\"code\": \"ecmo\"}]}",
                 "procedures[0]", "missing required field 'start'", 1, 61);
    expect_error(AS_OF "\"sex\": \"M\"}", "sex",
                 "unknown sex 'M' (expected female, male, other or unknown)", 1, 53);
    expect_error(AS_OF "\"complete\": [\"conditions\", \"labs\"]}", "complete[1]",
                 "unknown section 'labs' (expected conditions, procedures, medications or locations)",
                 1, 73);
    expect_error(AS_OF "\"complete\": \"conditions\"}", "complete",
                 "expected array, found string", 1, 58);
    expect_error(AS_OF "\"birth_date\": \"1961-02-29\"}", "birth_date",
                 "invalid date '1961-02-29' (February 1961 has 28 days)", 1, 60);
    expect_error("{\"id\": \"p\", \"as_of\": \"yesterday\"}", "as_of",
                 "invalid date 'yesterday' (expected YYYY-MM-DD)", 1, 22);
    expect_error(AS_OF "\"facts\": {\"informed_consent\": null}}", "facts.informed_consent",
                 "expected boolean, number, string or object, found null", 1, 76);
    expect_error(AS_OF "\"facts\": {\"informed_consent\": {\"time\": \"2026-03-01\"}}}",
                 "facts.informed_consent", "missing required field 'value'", 1, 76);
    expect_error(AS_OF "\"facts\": {\"informed_consent\": true, \"local:consent\": false}}",
                 "facts.local:consent", "fact 'informed_consent' is given twice", 1, 99);
    expect_error(AS_OF "\"facts\": [true]}", "facts", "expected object, found array", 1, 55);
    /* A syntax error keeps the reader's file name and jsondoc's position. */
    expect_error("{\"id\": \"p\",\n \"as_of\": 01}", "as_of", "invalid number (leading zero)", 2, 11);
}

static void
test_id_length(void **state)
{
    (void)state;
    char text[400], id[258];
    memset(id, 'x', 256);
    id[256] = '\0';
    /* 256 bytes: the longest id allowed; 257: one too many. */
    snprintf(text, sizeof text, "{\"as_of\": \"2026-03-01\", \"id\": \"%s\"}", id);
    record *r = parse_ok(text);
    assert_int_equal(strlen(record_id(r)), 256);
    record_free(r);
    id[256] = 'x';
    id[257] = '\0';
    snprintf(text, sizeof text, "{\"as_of\": \"2026-03-01\", \"id\": \"%s\"}", id);
    expect_error(text, "id", "longer than 256 bytes", 1, 31);
}

static void
test_error_position_multiline(void **state)
{
    (void)state;
    const char *text =
        "{\"id\": \"p\", \"as_of\": \"2026-03-01\",\n"
        " \"medications\": [\n"
        "  {\"code\": \"norepinephrine\", \"rate\": -1, \"unit\": \"ug/kg/min\", \"start\": \"2026-03-01T00:00:00Z\"}\n"
        " ]}";
    expect_error(text, "medications[0].rate", "must not be negative", 3, 38);

    /* NDJSON: line_base is added. */
    ts_error err;
    size_t len = strlen(text);
    char *buf = xmalloc(len + 1);
    memcpy(buf, text, len + 1);
    assert_null(record_parse(buf, len, "in.ndjson", 9, V, NULL, &err));
    assert_int_equal(err.line, 12);
    assert_int_equal(err.column, 38);
    assert_string_equal(err.file, "in.ndjson");
    free(buf);

    char line[] = "{\"id\": \"p\", \"as_of\": \"2026-03-01\"}";
    record *r = record_parse(line, strlen(line), "in.ndjson", 9, V, NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->line, 10);
    record_free(r);
}

static void
test_warnings(void **state)
{
    (void)state;
    const char *text =
        AS_OF "\"extra\": {\"a\": 1},\n"
        " \"observations\": [\n"
        "  {\"code\": \"ecmo\", \"value\": 1, \"time\": \"2026-03-01\"},\n"
        "  {\"code\": \"loinc:0000-0\", \"value\": 1, \"time\": \"2026-03-01\"},\n"
        "  {\"code\": \"lactate\", \"value\": 1, \"unit\": \"mg/dl\", \"time\": \"2026-03-01\", \"note\": \"x\"},\n"
        "  {\"code\": \"vis\", \"value\": 20, \"time\": \"2026-03-01\"}],\n"
        " \"procedures\": [{\"code\": \"map\", \"start\": \"2026-03-01\"}],\n"
        " \"facts\": {\"consent_signed\": true, \"ecmo\": true}}";
    record *r = parse_ok(text);
    assert_string_equal(record_warning(r, 0), "1:55: extra: unknown field (ignored)");
    assert_true(has_warning(r, "3:12: observations[0].code: 'ecmo' is a procedure, "
                               "not an observation (ignored)"));
    assert_true(has_warning(r, "4:12: observations[1].code: unknown code 'loinc:0000-0' (ignored)"));
    assert_true(has_warning(r, "observations[2].note: unknown field (ignored)"));
    assert_true(has_warning(r, "observations[2].unit: unknown unit 'mg/dl' (did you mean 'mg/dL'?)"));
    assert_true(has_warning(r, "observations[3].code: 'vis' is a derived quantity, not an observation (ignored)"));
    assert_true(has_warning(r, "procedures[0].code: 'map' is an observation, not a procedure (ignored)"));
    assert_true(has_warning(r, "facts.consent_signed: unknown code 'consent_signed' (ignored)"));
    assert_true(has_warning(r, "facts.ecmo: 'ecmo' is a procedure, not a fact (ignored)"));
    assert_int_equal(record_nwarnings(r), 9);
    /* Ignored items are not facts... */
    assert_int_equal(r->procs[C("ecmo")->index].n, 0);
    /* ...but a known code with an unknown unit still is, unusable. */
    assert_int_equal(r->obs[C("lactate")->index].n, 1);
    assert_false(r->obs[C("lactate")->index].s[0].ok);
    record_free(r);

    /* --strict: the unknown top-level field is an error. */
    ts_error err;
    record_opts opts = { TS_NONE, 0, 1, RW_ALL };
    assert_null(parse_opts(AS_OF "\"extra\": 1}", &opts, &err));
    assert_string_equal(err.path, "extra");
    assert_string_equal(err.msg, "unknown field");
}

/* Column (1-based) of the first occurrence of needle in a one-line text. */
static int
col(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    return (int)(p - text) + 1;
}

/*
** The one pass over an item's members (record.c, rec_fields): known
** members found wherever they stand, names that only start like a known
** one are unknown, unknown members warned about in member order and
** before any field is checked, null optionals absent, wrong types named.
*/
static void
test_item_members(void **state)
{
    (void)state;
    ts_error err;
    record_opts strict = { TS_NONE, 0, 1, RW_ALL };
    const char *text =
        AS_OF "\"observations\": [{\"t\": 1, \"time\": \"2026-03-01T06:00:00Z\", \"codes\": 2,"
        " \"unit\": \"mm[Hg]\", \"value\": 58, \"\": 3, \"code\": \"map\", \"valuex\": 4}]}";
    record *r = parse_ok(text);
    assert_int_equal(r->obs[C("map")->index].n, 1);
    assert_near(r->obs[C("map")->index].s[0].v, 58);
    assert_true(r->obs[C("map")->index].s[0].t == T("2026-03-01T06:00:00Z"));
    assert_int_equal(record_nwarnings(r), 4);
    char want[128];
    snprintf(want, sizeof want, "1:%d: observations[0].t: unknown field (ignored)", col(text, "1,"));
    assert_string_equal(record_warning(r, 0), want);
    snprintf(want, sizeof want, "1:%d: observations[0].codes: unknown field (ignored)", col(text, "2,"));
    assert_string_equal(record_warning(r, 1), want);
    snprintf(want, sizeof want, "1:%d: observations[0].: unknown field (ignored)", col(text, "3,"));
    assert_string_equal(record_warning(r, 2), want);
    snprintf(want, sizeof want, "1:%d: observations[0].valuex: unknown field (ignored)", col(text, "4}"));
    assert_string_equal(record_warning(r, 3), want);
    record_free(r);

    /* --strict: the first unknown member is the error, even before a code
    ** that is wrong; without --strict the code is. */
    text = AS_OF "\"observations\": [{\"value\": 1, \"note\": \"x\", \"code\": 7, \"time\": \"2026-03-01\"}]}";
    assert_null(parse_opts(text, &strict, &err));
    assert_string_equal(err.path, "observations[0].note");
    assert_string_equal(err.msg, "unknown field");
    assert_int_equal(err.column, col(text, "\"x\""));
    expect_error(text, "observations[0].code", "expected string, found number", 1, col(text, "7,"));

    /* Null: an optional member absent, a required one of the wrong type. */
    text = AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 58, \"unit\": null,"
                 " \"time\": \"2026-03-01T06:00:00Z\"}],"
           " \"medications\": [{\"code\": \"norepinephrine\", \"rate\": null, \"dose\": null,"
                 " \"unit\": null, \"start\": \"2026-03-01\", \"end\": null}],"
           " \"conditions\": [{\"code\": \"septic_shock\", \"onset\": null, \"status\": null}],"
           " \"locations\": [{\"code\": \"icu\", \"start\": \"2026-03-01\", \"end\": null}]}";
    r = parse_ok(text);
    assert_false(r->obs[C("map")->index].s[0].ok);
    assert_null(r->obs[C("map")->index].s[0].unit);
    assert_true(has_warning(r, "observations[0].value: no unit (map is in mm[Hg])"));
    assert_int_equal(r->meds[C("norepinephrine")->index].n, 1);
    assert_int_equal(r->meds[C("norepinephrine")->index].e[0].kind, MED_COURSE);
    assert_true(r->meds[C("norepinephrine")->index].e[0].end == TS_NONE);
    assert_int_equal(r->conds[C("septic_shock")->index].e[0].status, ST_ACTIVE);
    assert_int_equal(r->locs[C("icu")->index].n, 1);
    record_free(r);
    text = AS_OF "\"observations\": [{\"code\": null, \"value\": 1, \"time\": \"2026-03-01\"}]}";
    expect_error(text, "observations[0].code", "expected string, found null", 1, col(text, "null"));
    text = AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 1, \"time\": null}]}";
    expect_error(text, "observations[0].time", "expected string, found null", 1, col(text, "null"));
    text = AS_OF "\"observations\": [{\"code\": \"map\", \"value\": null, \"time\": \"2026-03-01\"}]}";
    expect_error(text, "observations[0].value", "expected number, boolean or string, found null",
                 1, col(text, "null"));
    text = AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 1, \"unit\": 5, \"time\": \"2026-03-01\"}]}";
    expect_error(text, "observations[0].unit", "expected string, found number", 1, col(text, "5,"));
    text = AS_OF "\"medications\": [{\"code\": \"norepinephrine\", \"start\": \"2026-03-01\", \"end\": 5}]}";
    expect_error(text, "medications[0].end", "expected string, found number", 1, col(text, "5}"));
    text = AS_OF "\"medications\": [{\"code\": \"norepinephrine\", \"dose\": true, \"start\": \"2026-03-01\"}]}";
    expect_error(text, "medications[0].dose", "expected number, found boolean", 1, col(text, "true"));
    text = AS_OF "\"conditions\": [{\"code\": \"septic_shock\", \"status\": true}]}";
    expect_error(text, "conditions[0].status", "expected string, found boolean", 1, col(text, "true"));
    text = AS_OF "\"conditions\": [{\"code\": \"septic_shock\", \"onset\": \"2026-03-01\", \"end\": \"2026-02-01\"}]}";
    expect_error(text, "conditions[0].end", "end before onset", 1, col(text, "\"2026-02-01\""));
    text = AS_OF "\"locations\": [{\"code\": \"icu\", \"start\": 1}]}";
    expect_error(text, "locations[0].start", "expected string, found number", 1, col(text, "1}"));
    text = AS_OF "\"locations\": [{\"code\": \"\", \"start\": \"2026-03-01\"}]}";
    expect_error(text, "locations[0].code", "must not be empty", 1, col(text, "\"\","));
    text = AS_OF "\"facts\": {\"informed_consent\": {\"value\": true, \"time\": 3}}}";
    expect_error(text, "facts.informed_consent.time", "expected string, found number", 1, col(text, "3}"));
    text = AS_OF "\"facts\": {\"informed_consent\": {\"value\": true, \"when\": 3}}}";
    assert_null(parse_opts(text, &strict, &err));
    assert_string_equal(err.path, "facts.informed_consent.when");

    /* Item paths past one digit (the index is rewritten in place). */
    static char big[16384];
    size_t n = (size_t)snprintf(big, sizeof big, AS_OF "\"observations\": [");
    for (int i = 0; i < 105; i++)
        n += (size_t)snprintf(big + n, sizeof big - n,
                              "%s{\"code\": \"sofa\", \"value\": 1, \"time\": \"2026-03-01\"%s}",
                              i ? "," : "", i == 9 || i == 10 || i == 100 ? ", \"x\": 0" : "");
    assert_true(n + 100 < sizeof big);
    snprintf(big + n, sizeof big - n, "], \"locations\": [{\"code\": \"icu\", \"start\": 5}]}");
    record_opts all = { TS_NONE, 0, 0, RW_ALL };
    assert_null(parse_opts(big, &all, &err));
    assert_string_equal(err.path, "locations[0].start");
    big[n] = '\0';
    snprintf(big + n, sizeof big - n, "]}");
    r = parse_opts(big, &all, &err);
    assert_non_null(r);
    assert_int_equal(record_nwarnings(r), 3);
    assert_non_null(strstr(record_warning(r, 0), "observations[9].x: unknown field"));
    assert_non_null(strstr(record_warning(r, 1), "observations[10].x: unknown field"));
    assert_non_null(strstr(record_warning(r, 2), "observations[100].x: unknown field"));
    record_free(r);
}

/* The default: one warning per reason, with a count, a "did you mean" and
** the position of the first item; no per-item list. */
static void
test_warning_groups(void **state)
{
    (void)state;
    const char *text =
        AS_OF "\"ward\": 3,\n"
        " \"observations\": [\n"
        "  {\"code\": \"lactat\", \"value\": 3, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T10:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 60, \"unit\": \"mm/Hg\", \"time\": \"2026-03-01T10:00:00Z\", \"note\": 1},\n"
        "  {\"code\": \"lactat\", \"value\": 4, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 61, \"unit\": \"mm/Hg\", \"time\": \"2026-03-01T11:00:00Z\", \"note\": 2},\n"
        "  {\"code\": \"norepinephrine\", \"value\": 0.1, \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 62, \"unit\": \"kg\", \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"map\", \"value\": 63, \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"loinc:8867-4\", \"value\": 88, \"unit\": \"/min\", \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"lactat\", \"value\": 5, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T11:30:00Z\"}],\n"
        " \"facts\": {\"informed_consnet\": true}}";
    static const struct { const char *msg; int line, column; } want[] = {
        { "unknown field 'ward' (ignored)", 1, 54 },
        { "3 observations ignored: unknown code 'lactat' (did you mean 'lactate'?)", 3, 12 },
        { "unknown field 'note' in 2 observations (ignored)", 4, 89 },
        { "2 observations ignored: unknown unit 'mm/Hg' (did you mean 'mm[Hg]'?)", 4, 40 },
        { "1 observation ignored: 'norepinephrine' is a medication, not an observation", 7, 12 },
        { "1 observation ignored: cannot convert 'kg' to 'mm[Hg]' (different dimensions)", 8, 40 },
        { "1 observation ignored: no unit (map is in mm[Hg])", 9, 28 },
        { "1 observation ignored: unknown code 'loinc:8867-4'", 10, 12 },
        { "1 fact ignored: unknown code 'informed_consnet' (did you mean 'informed_consent'?)", 12, 32 },
    };
    int n = (int)(sizeof want / sizeof want[0]);
    ts_error err;
    record_opts opts = { TS_NONE, 0, 0, RW_GROUPS };
    record *r = parse_opts(text, &opts, &err);
    assert_non_null(r);
    assert_int_equal(record_nwarnings(r), 0);
    assert_int_equal(record_nwarning_groups(r), n);
    for (int i = 0; i < n; i++) {
        char buf[512];
        int line, column;
        assert_non_null(record_warning_group(r, i, buf, sizeof buf, &line, &column));
        assert_string_equal(buf, want[i].msg);
        if (line != want[i].line || column != want[i].column)
            fail_msg("'%s' at %d:%d, not %d:%d", buf, line, column, want[i].line, want[i].column);
    }
    assert_int_equal(record_more_warnings(r), 0);
    record_free(r);

    /* Nothing will be printed: counted, but no position is looked for. */
    opts.warnings = RW_COUNT;
    r = parse_opts(text, &opts, &err);
    assert_int_equal(record_nwarning_groups(r), n);
    char buf[512];
    int line = -1, column = -1;
    record_warning_group(r, 1, buf, sizeof buf, &line, &column);
    assert_int_equal(line, 0);
    assert_int_equal(column, 0);
    assert_null(record_warning_group(r, n, buf, sizeof buf, &line, &column));
    record_free(r);

    /* --strict: the first would-be warning refuses the record. */
    opts.strict = 1;
    assert_null(parse_opts(AS_OF "\"observations\": [{\"code\": \"lactat\", \"value\": 3,"
                           " \"time\": \"2026-03-01T10:00:00Z\"}]}", &opts, &err));
    assert_string_equal(err.path, "observations[0].code");
    assert_string_equal(err.msg, "unknown code 'lactat'");
    assert_null(parse_opts(AS_OF "\"observations\": [{\"code\": \"map\", \"value\": 3,"
                           " \"unit\": \"mm/Hg\", \"time\": \"2026-03-01T10:00:00Z\"}]}", &opts, &err));
    assert_string_equal(err.path, "observations[0].unit");
    assert_string_equal(err.msg, "unknown unit 'mm/Hg' (did you mean 'mm[Hg]'?)");
    assert_null(parse_opts(AS_OF "\"facts\": {\"map\": 3}}", &opts, &err));
    assert_string_equal(err.msg, "'map' is an observation, not a fact");
}

/*
** The reader's memo of unknown codes (by hash) counts a code met again in
** its group without looking it up: the same code in another section is
** another group, a known code that shares a memo slot is still found, and
** a code of the wrong kind is not an unknown one.
*/
static void
test_unknown_code_memo(void **state)
{
    (void)state;
    const char *text =
        AS_OF "\"observations\": [\n"
        "  {\"code\": \"zz\", \"value\": 1, \"time\": \"2026-03-01T10:00:00Z\"},\n"
        "  {\"code\": \"lactate\", \"value\": 2, \"unit\": \"mmol/L\", \"time\": \"2026-03-01T10:00:00Z\"},\n"
        "  {\"code\": \"zz\", \"value\": 3, \"time\": \"2026-03-01T10:00:00Z\"},\n"
        "  {\"code\": \"norepinephrine\", \"value\": 0.1, \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"norepinephrine\", \"value\": 0.2, \"time\": \"2026-03-01T11:00:00Z\"},\n"
        "  {\"code\": \"zz\", \"value\": 4, \"time\": \"2026-03-01T10:00:00Z\"}],\n"
        " \"conditions\": [{\"code\": \"zz\", \"onset\": \"2026-02-01\"},\n"
        "  {\"code\": \"zz\", \"onset\": \"2026-02-01\"}],\n"
        " \"facts\": {\"zz\": true}}";
    static const char *const want[] = {
        "3 observations ignored: unknown code 'zz'",
        "2 observations ignored: 'norepinephrine' is a medication, not an observation",
        "2 conditions ignored: unknown code 'zz'",
        "1 fact ignored: unknown code 'zz'",
    };
    int n = (int)(sizeof want / sizeof want[0]);
    ts_error err;
    record_opts opts = { TS_NONE, 0, 0, RW_GROUPS };
    record *r = parse_opts(text, &opts, &err);
    assert_non_null(r);
    assert_int_equal(record_nwarning_groups(r), n);
    for (int i = 0; i < n; i++) {
        char buf[512];
        int line, column;
        assert_non_null(record_warning_group(r, i, buf, sizeof buf, &line, &column));
        assert_string_equal(buf, want[i]);
    }
    const concept *lactate = vocab_find(V, "lactate");
    assert_non_null(lactate);
    assert_int_equal(r->obs[lactate->index].n, 1);
    record_free(r);

    /* Every code once more, 2000 codes into the memo's slots. */
    size_t cap = 1000000, len = 0;
    char *s = xmalloc(cap);
    len += (size_t)snprintf(s + len, cap - len, AS_OF "\"observations\": [");
    for (int i = 0; i < 4000; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "%s{\"code\": \"%s%d\", \"value\": 1, \"time\": \"2026-03-01\"}",
                                i ? "," : "", i % 2000 % 3 ? "y" : "q", i % 2000);
    snprintf(s + len, cap - len, "]}");
    r = parse_opts(s, &opts, &err);
    assert_non_null(r);
    assert_int_equal(record_nwarning_groups(r), 100);
    assert_int_equal(record_more_warnings(r), 4000 - 2 * 100);
    for (int i = 0; i < 100; i++) {
        char buf[256], expect[256];
        int line, column;
        record_warning_group(r, i, buf, sizeof buf, &line, &column);
        snprintf(expect, sizeof expect, "2 observations ignored: unknown code '%s%d'",
                 i % 3 ? "y" : "q", i);
        assert_string_equal(buf, expect);
    }
    record_free(r);
    free(s);
}

/* 5000 different unknown codes: 100 groups, then a count of the rest. */
static void
test_warning_groups_capped(void **state)
{
    (void)state;
    size_t cap = 1000000, n = 0;
    char *s = xmalloc(cap);
    n += (size_t)snprintf(s + n, cap - n, AS_OF "\"observations\": [");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s{\"code\": \"x%d\", \"value\": 1, \"time\": \"2026-03-01\"}",
                              i ? "," : "", i % 2000);
    snprintf(s + n, cap - n, "]}");
    ts_error err;
    record_opts opts = { TS_NONE, 0, 0, RW_GROUPS };
    record *r = parse_opts(s, &opts, &err);
    assert_int_equal(record_nwarning_groups(r), 100);
    assert_int_equal(record_more_warnings(r), 5000 - 3 * 100);
    char buf[256];
    int line, column;
    record_warning_group(r, 99, buf, sizeof buf, &line, &column);
    assert_string_equal(buf, "3 observations ignored: unknown code 'x99'");
    assert_true(column > 1000);
    record_free(r);
    free(s);
}

static void
test_many_warnings_capped(void **state)
{
    (void)state;
    size_t cap = 1000000, n = 0;
    char *s = xmalloc(cap);
    n += (size_t)snprintf(s + n, cap - n, AS_OF "\"observations\": [");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s{\"code\": \"x%d\", \"value\": 1, \"time\": \"2026-03-01\"}",
                              i ? "," : "", i);
    snprintf(s + n, cap - n, "]}");
    record *r = parse_ok(s);
    assert_int_equal(record_nwarnings(r), 101);
    assert_string_equal(record_warning(r, 100), "too many warnings; the rest are not shown");
    record_free(r);
    free(s);
}

static void
test_complete_and_null_optionals(void **state)
{
    (void)state;
    ts_error err;
    record_opts opts = { TS_NONE, SEC_LOCATIONS, 0, RW_ALL };
    record *r = parse_opts(AS_OF "\"complete\": [\"procedures\"], \"sex\": null,"
                           " \"conditions\": [{\"code\": \"septic_shock\", \"end\": null,"
                           " \"status\": \"suspected\"}]}", &opts, &err);
    assert_non_null(r);
    assert_int_equal(r->complete, SEC_PROCEDURES | SEC_LOCATIONS);
    assert_int_equal(r->sex, SEX_NONE);
    assert_false(r->has_birth);
    assert_int_equal(r->conds[C("septic_shock")->index].e[0].status, ST_SUSPECTED);
    assert_true(r->conds[C("septic_shock")->index].e[0].end == TS_NONE);
    assert_int_equal(r->line, 1);
    record_free(r);

    /* Fact values of each type. */
    r = parse_ok(AS_OF "\"facts\": {\"informed_consent\": \"pending\","
                 " \"adequate_fluid_resuscitation\": 2}}");
    assert_int_equal(r->facts[C("informed_consent")->index]->type, VAL_STRING);
    assert_string_equal(r->facts[C("informed_consent")->index]->s, "pending");
    assert_int_equal(r->facts[C("adequate_fluid_resuscitation")->index]->type, VAL_NUMBER);
    assert_near(r->facts[C("adequate_fluid_resuscitation")->index]->n, 2);
    record_free(r);
}

/* ------------------------------------------------------ the builder itself */

static void
test_builder_sort_and_cut(void **state)
{
    (void)state;
    record *r = facts_new(V, "b");
    r->at = T("2026-03-01T12:00:00Z");
    const concept *map = C("map");
    double vals[] = { 1, 2, 3, 4, 5, 6 };
    const char *times[] = { "2026-03-01T10:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z",
                            "2026-03-01T13:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T12:00:00Z" };
    for (int i = 0; i < 6; i++) {
        sample *s = facts_add_sample(r, map);
        s->t = T(times[i]);
        s->type = VAL_NUMBER;
        s->ok = i != 5;
        s->v = vals[i];
        assert_int_equal(s->src, -1);
    }
    cond_entry *c = facts_add_cond(r, C("septic_shock"));
    assert_int_equal(c->status, ST_ACTIVE);
    assert_true(c->onset == TS_NONE);
    c = facts_add_cond(r, C("septic_shock"));
    c->onset = T("2026-03-01T11:00:00Z");
    c->end = T("2026-03-01T12:00:01Z");
    fact_entry *f = facts_set_fact(r, C("informed_consent"));
    f->t = T("2026-03-01T12:00:01Z");
    facts_warn(r, "w %d", 1);
    facts_finish(r);

    const series *s = &r->obs[map->index];
    assert_int_equal(s->n, 5);
    /* Sorted by time, ties in input order: 2 and 5 at 09:00, 1 and 3 at 10:00. */
    double want[] = { 2, 5, 1, 3, 6 };
    for (int i = 0; i < 5; i++)
        assert_near(s->s[i].v, want[i]);
    /* The latest ok sample: 6 (12:00) is not ok, so 3 (the later of the
    ** 10:00 pair). */
    assert_near(facts_latest_ok(r, map)->v, 3);
    assert_null(facts_latest_ok(r, C("lactate")));
    const cond_list *cl = &r->conds[C("septic_shock")->index];
    assert_int_equal(cl->n, 2);
    assert_true(cl->e[0].onset == TS_NONE);
    assert_true(cl->e[1].end == TS_NONE);
    assert_null(r->facts[C("informed_consent")->index]);
    assert_int_equal(record_nwarnings(r), 1);
    assert_string_equal(record_warning(r, 0), "w 1");
    record_free(r);
}

static void
test_builder_growth(void **state)
{
    (void)state;
    record *r = facts_new(V, "g");
    const concept *ne = C("norepinephrine");
    for (int i = 0; i < 1000; i++) {
        med_entry *m = facts_add_med(r, ne);
        assert_int_equal(m->kind, MED_COURSE);
        m->start = (ts_time)(1000 - i) * 60;
        m->src = i;
    }
    r->at = 1000 * 60;
    facts_finish(r);
    const med_list *l = &r->meds[ne->index];
    assert_int_equal(l->n, 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(l->e[i].src, 999 - i);
    /* Still growable after the sort. */
    facts_add_med(r, ne)->src = 1000;
    assert_int_equal(r->meds[ne->index].e[1000].src, 1000);
    record_free(r);
}

/* Many ties across the sort's runs of 16 and its merges: ordered by time,
** ties in input order. */
static void
test_builder_sort_ties(void **state)
{
    (void)state;
    record *r = facts_new(V, "t");
    const concept *ne = C("norepinephrine");
    enum { N = 203 };
    for (int i = 0; i < N; i++) {
        med_entry *m = facts_add_med(r, ne);
        m->start = (ts_time)((i * 37) % 11) * 60;
        m->src = i;
    }
    r->at = 1000 * 60;
    facts_finish(r);
    const med_list *l = &r->meds[ne->index];
    assert_int_equal(l->n, N);
    for (int i = 1; i < N; i++) {
        assert_true(l->e[i - 1].start <= l->e[i].start);
        if (l->e[i - 1].start == l->e[i].start)
            assert_true(l->e[i - 1].src < l->e[i].src);
    }
    record_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_record),
        cmocka_unit_test(test_screening_time_precedence),
        cmocka_unit_test(test_future_dropped),
        cmocka_unit_test(test_unit_conversions),
        cmocka_unit_test(test_conversion_memo),
        cmocka_unit_test(test_per_kg_without_weight),
        cmocka_unit_test(test_record_errors),
        cmocka_unit_test(test_id_length),
        cmocka_unit_test(test_error_position_multiline),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_item_members),
        cmocka_unit_test(test_many_warnings_capped),
        cmocka_unit_test(test_warning_groups),
        cmocka_unit_test(test_unknown_code_memo),
        cmocka_unit_test(test_warning_groups_capped),
        cmocka_unit_test(test_complete_and_null_optionals),
        cmocka_unit_test(test_builder_sort_and_cut),
        cmocka_unit_test(test_builder_sort_ties),
        cmocka_unit_test(test_builder_growth),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
