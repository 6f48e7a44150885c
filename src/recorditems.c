/*
** recorditems.c -- reading the items of a patient record's sections.
**
** record.c reads the record as a whole; each item of the observations,
** medications, conditions, procedures and locations arrays, and each
** member of the facts object, is read here: its fields checked against the
** patient-record/1 contract (docs/patient-record.md), its code
** mapped to a concept, and the result added to the record's facts.
** Numbers are converted to their concept's unit as they are read, except
** the per-kg ones, which need the screening time and wait for rec_convert_late.
*/
#include "recorditems.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "jsondoc.h"
#include "timeutil.h"
#include "units.h"

/* ---------------------------------------------------------------- fields */

/*
** The field helpers take the member already found (n: what rec_field
** gives for name, NULL when absent), from the one pass of rec_fields.
*/

/* A timestamp field (TS_NONE when absent); counts towards the latest. */
static int
get_time(reader *rd, const cJSON *n, const cJSON *obj, const char *prefix,
         const char *name, int required, ts_time *out)
{
    char path[256], why[256];
    const char *s;
    *out = TS_NONE;
    if (rec_str(rd, n, obj, prefix, name, required, &s) < 0)
        return -1;
    if (!s)
        return 0;
    if (ts_parse_time(s, out, why, sizeof why) < 0) {
        rec_join(path, sizeof path, prefix, name);
        return rec_fail(rd, n, path, "%s", why);
    }
    if (rd->latest == TS_NONE || *out > rd->latest)
        rd->latest = *out;
    return 0;
}

/* An optional number that must not be negative; *node NULL if absent. */
static int
get_amount(reader *rd, const cJSON *n, const char *prefix, const char *name,
           const cJSON **node)
{
    char path[256];
    *node = NULL;
    if (!n || cJSON_IsNull(n))
        return 0;
    if (!cJSON_IsNumber(n) || n->valuedouble < 0) {
        rec_join(path, sizeof path, prefix, name);
        if (!cJSON_IsNumber(n))
            return rec_fail_type(rd, n, path, "number");
        return rec_fail(rd, n, path, "must not be negative");
    }
    *node = n;
    return 0;
}

/* The item's code (a required non-empty string), mapped to a concept of
** the wanted kind; *c is NULL (with a warning) when it maps to none. */
static int
get_concept(reader *rd, const cJSON *n, const cJSON *obj, const char *prefix,
            concept_kind kind, const concept **c)
{
    char path[256];
    const char *code;
    *c = NULL;
    if (rec_str(rd, n, obj, prefix, "code", 1, &code) < 0)
        return -1;
    if (!code[0]) {
        rec_join(path, sizeof path, prefix, "code");
        return rec_fail(rd, n, path, "must not be empty");
    }
    const concept *k;
    int found = rec_find_code(rd, n, prefix, "code", code, &k);
    if (found != 0) {
        return found < 0 ? -1 : 0;
    } else if (k->kind != kind
               && !(kind == CK_OBSERVATION && k->kind == CK_DERIVED && k->ncodes > 0)) {
        /* A derived quantity that has a standard observation code (bmi:
        ** LOINC 39156-5) may also be recorded as an observation; derived.c
        ** prefers the recorded one.  Others (vis) are only computed. */
        return rec_warn(rd, WR_WRONG_KIND, n, prefix, "code", code,
                        concept_kind_article(k->kind), 1);
    } else {
        *c = k;
    }
    return 0;
}

/* end must not be before start (both optional). */
static int
check_order(reader *rd, const cJSON *end_node, const char *prefix, ts_time start,
            ts_time end, const char *start_name)
{
    char path[256];
    if (start == TS_NONE || end == TS_NONE || end >= start)
        return 0;
    rec_join(path, sizeof path, prefix, "end");
    return rec_fail(rd, end_node, path, "end before %s", start_name);
}

/* ----------------------------------------------------------- conversions */

/* A unit that needs no conversion: "1" or a bare annotation "{score}". */
static int
unitless(const char *u)
{
    size_t n = strlen(u);
    return strcmp(u, "1") == 0 || (n >= 2 && u[0] == '{' && u[n - 1] == '}'
                                   && !strchr(u + 1, '{'));
}

/* Convert a numeric sample to its concept's unit: ok/v or why.  memo
** (NULL for none) is the reader's slot for c: a unit that converted is
** kept there with its factor, and the same unit again is not parsed. */
static void
convert_sample(record *r, const concept *c, sample *s, double weight_kg,
               struct conv_memo *memo)
{
    char why[256];
    double f;
    unit_ctx ctx = { c->molar_mass, weight_kg };
    s->ok = 0;
    s->why = NULL;
    if (!c->unit || (!s->unit && unitless(c->unit))) {
        s->ok = 1;
        s->v = s->raw;
    } else if (!s->unit) {
        s->why = "no unit";
    } else if (memo && memo->c == c && rec_same_name(memo->unit, s->unit)) {
        s->ok = 1;
        s->v = s->raw * memo->factor;
    } else if (unit_factor(s->unit, c->unit, &ctx, &f, why, sizeof why) == UNIT_OK) {
        s->ok = 1;
        s->v = s->raw * f;
        if (memo)
            *memo = (struct conv_memo){ c, s->unit, f };
    } else {
        s->why = arena_strdup(r->a, why);
    }
}

static void
convert_med(record *r, const concept *c, med_entry *m, double weight_kg)
{
    char why[256];
    double f;
    unit_ctx ctx = { c->molar_mass, weight_kg };
    m->ok = 0;
    m->why = NULL;
    if (m->kind == MED_COURSE)
        return;
    if (!m->unit)
        m->why = "no unit";
    else if (!c->unit)
        m->why = arena_printf(r->a, "'%s' has no unit to convert '%s' to", c->name, m->unit);
    else if (unit_factor(m->unit, c->unit, &ctx, &f, why, sizeof why) == UNIT_OK) {
        m->ok = 1;
        m->amount = m->raw * f;
    } else
        m->why = arena_strdup(r->a, why);
}

/* Does the unit say "per time" (ug/min, mg/d)? */
static int
per_time(const char *unit)
{
    ts_unit u;
    return unit && unit_parse(unit, &u, NULL, 0) == UNIT_OK && u.dim[DIM_TIME] < 0;
}

/* The latest usable weight at or before the screening time, in kg, or 0. */
static double
weight_kg(const record *r)
{
    const concept *c = vocab_find(r->vocab, "weight");
    if (!c || c->kind != CK_OBSERVATION)
        return 0;
    const sample *s = facts_latest_ok(r, c);
    double f = 1;
    if (!s || s->v <= 0)
        return 0;
    if (c->unit && strcmp(c->unit, "kg") != 0
        && unit_factor(c->unit, "kg", NULL, &f, NULL, 0) != UNIT_OK)
        return 0;
    return s->v * f;
}

/* Conversions that needed the screening time: per kg of body weight. */
void
rec_convert_late(record *r)
{
    double w = weight_kg(r);
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++) {
        const concept *c = vocab_at(r->vocab, i);
        series *s = &r->obs[i];
        for (int j = 0; j < s->n; j++)
            if (s->s[j].type == VAL_NUMBER && !s->s[j].ok && s->s[j].unit && c->unit
                && unit_needs_weight(s->s[j].unit, c->unit))
                convert_sample(r, c, &s->s[j], w, NULL);
        med_list *m = &r->meds[i];
        for (int j = 0; j < m->n; j++)
            convert_med(r, c, &m->e[j], w);
    }
}

/* ----------------------------------------------------------- the sections */

/*
** A numeric sample that did not convert (or whose concept has no unit):
** a warning, since its value will not be used (or its unit means
** nothing).  A unit that does not parse says so ("unknown unit 'mg/dl'
** (did you mean 'mg/dL'?)"), a unit of another dimension or none at all
** says why it cannot be used.  Units per kg wait for the weight
** (rec_convert_late): not a problem of the unit.
*/
static int
unit_warning(reader *rd, const cJSON *unit_node, const cJSON *value_node,
             const char *pre, const concept *c, const sample *s)
{
    char why[256];
    const cJSON *node = unit_node;
    int ignored = !s->ok;
    if (s->unit && unit_parse(s->unit, NULL, why, sizeof why) == UNIT_OK) {
        if (s->ok || (c->unit && unit_needs_weight(s->unit, c->unit)))
            return 0;
        snprintf(why, sizeof why, "%s", s->why);
    } else if (!s->unit) {
        if (s->ok)
            return 0;
        snprintf(why, sizeof why, "no unit (%s is in %s)", c->name, c->unit);
        node = value_node;
    }
    return rec_warn(rd, WR_UNIT, node, pre, s->unit ? "unit" : "value",
                    s->unit ? s->unit : "", why, ignored);
}

int
rec_read_observation(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "value", "unit", "time", NULL };
    enum { CODE, VALUE, UNIT, TIME };
    const cJSON *f[4];
    char path[256];
    const char *unit;
    ts_time t;
    const concept *c;
    if (rec_fields(rd, it, pre, known, f) < 0
        || get_concept(rd, f[CODE], it, pre, CK_OBSERVATION, &c) < 0)
        return -1;
    const cJSON *v = f[VALUE];
    if (!v)
        return rec_missing(rd, it, pre, "value");
    if (!cJSON_IsNumber(v) && !cJSON_IsBool(v) && !cJSON_IsString(v)) {
        rec_join(path, sizeof path, pre, "value");
        return rec_fail_type(rd, v, path, "number, boolean or string");
    }
    if (rec_str(rd, f[UNIT], it, pre, "unit", 0, &unit) < 0
        || get_time(rd, f[TIME], it, pre, "time", 1, &t) < 0)
        return -1;
    if (!c)
        return 0;
    record *r = rd->r;
    sample *s = facts_add_sample(r, c);
    s->t = t;
    s->src = i;
    s->unit = unit ? arena_strdup(r->a, unit) : NULL;
    if (cJSON_IsString(v)) {
        s->type = VAL_STRING;
        s->str = arena_strdup(r->a, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        s->type = VAL_BOOL;
        s->b = cJSON_IsTrue(v);
        s->str = s->b ? "true" : "false";
    } else {
        s->type = VAL_NUMBER;
        s->raw = v->valuedouble;
        convert_sample(r, c, s, 0, &rd->conv[c->index % CONV_MEMO]);
        if (!s->ok || !c->unit)
            return unit_warning(rd, f[UNIT], f[VALUE], pre, c, s);
    }
    return 0;
}

int
rec_read_medication(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "rate", "dose", "unit", "start", "end", NULL };
    enum { CODE, RATE, DOSE, UNIT, START, END };
    const cJSON *f[6], *rate, *dose;
    const char *unit;
    ts_time start, end;
    const concept *c;
    if (rec_fields(rd, it, pre, known, f) < 0
        || get_concept(rd, f[CODE], it, pre, CK_MEDICATION, &c) < 0
        || get_amount(rd, f[RATE], pre, "rate", &rate) < 0
        || get_amount(rd, f[DOSE], pre, "dose", &dose) < 0)
        return -1;
    if (rate && dose)
        return rec_fail(rd, it, pre, "both 'rate' and 'dose' given");
    if (rec_str(rd, f[UNIT], it, pre, "unit", 0, &unit) < 0
        || get_time(rd, f[START], it, pre, "start", 1, &start) < 0
        || get_time(rd, f[END], it, pre, "end", 0, &end) < 0
        || check_order(rd, f[END], pre, start, end, "start") < 0)
        return -1;
    if (!c)
        return 0;
    med_entry *m = facts_add_med(rd->r, c);
    m->start = start;
    m->end = end;
    m->src = i;
    m->unit = unit ? arena_strdup(rd->r->a, unit) : NULL;
    if (rate) {
        m->kind = MED_INFUSION;
        m->raw = rate->valuedouble;
    } else if (dose) {
        m->kind = per_time(unit) ? MED_REGIMEN : MED_DOSE;
        m->raw = dose->valuedouble;
    } else {
        m->kind = MED_COURSE;
    }
    return 0;
}

int
rec_read_condition(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "onset", "end", "status", NULL };
    static const char *const statuses[] = { "active", "suspected", "resolved", "absent" };
    enum { CODE, ONSET, END, STATUS };
    const cJSON *f[4];
    const char *status;
    ts_time onset, end;
    const concept *c;
    cond_status st = ST_ACTIVE;
    if (rec_fields(rd, it, pre, known, f) < 0
        || get_concept(rd, f[CODE], it, pre, CK_CONDITION, &c) < 0
        || get_time(rd, f[ONSET], it, pre, "onset", 0, &onset) < 0
        || get_time(rd, f[END], it, pre, "end", 0, &end) < 0
        || check_order(rd, f[END], pre, onset, end, "onset") < 0
        || rec_str(rd, f[STATUS], it, pre, "status", 0, &status) < 0)
        return -1;
    if (status) {
        int k = 0;
        while (k < 4 && strcmp(status, statuses[k]) != 0)
            k++;
        if (k == 4) {
            char path[256];
            rec_join(path, sizeof path, pre, "status");
            return rec_fail(rd, f[STATUS], path,
                        "unknown status '%.*s' (expected active, suspected, resolved or absent)",
                        SHOW, status);
        }
        st = (cond_status)k;
    }
    if (!c)
        return 0;
    cond_entry *e = facts_add_cond(rd->r, c);
    e->onset = onset;
    e->end = end;
    e->status = st;
    e->src = i;
    return 0;
}

int
rec_read_procedure(reader *rd, const cJSON *it, const char *pre, int i)
{
    ts_time start, end;
    const concept *c;
    const cJSON *m;
    int nattrs = 0;
    const cJSON *end_node = rec_field(it, "end");
    if (get_concept(rd, rec_field(it, "code"), it, pre, CK_PROCEDURE, &c) < 0
        || get_time(rd, rec_field(it, "start"), it, pre, "start", 1, &start) < 0
        || get_time(rd, end_node, it, pre, "end", 0, &end) < 0
        || check_order(rd, end_node, pre, start, end, "start") < 0)
        return -1;
    /* Every other member is an attribute ("mode": "VA") and a string. */
    cJSON_ArrayForEach(m, it) {
        char path[256];
        if (rec_same_name(m->string, "code") || rec_same_name(m->string, "start")
            || rec_same_name(m->string, "end"))
            continue;
        if (!cJSON_IsString(m)) {
            rec_join(path, sizeof path, pre, m->string);
            return rec_fail_type(rd, m, path, "string");
        }
        nattrs++;
    }
    if (!c)
        return 0;
    record *r = rd->r;
    proc_entry *e = facts_add_proc(r, c);
    e->start = start;
    e->end = end;
    e->src = i;
    e->keys = arena_alloc(r->a, (size_t)nattrs * sizeof *e->keys);
    e->vals = arena_alloc(r->a, (size_t)nattrs * sizeof *e->vals);
    cJSON_ArrayForEach(m, it) {
        if (rec_same_name(m->string, "code") || rec_same_name(m->string, "start")
            || rec_same_name(m->string, "end"))
            continue;
        e->keys[e->nattrs] = arena_strdup(r->a, m->string);
        e->vals[e->nattrs++] = arena_strdup(r->a, m->valuestring);
    }
    return 0;
}

int
rec_read_location(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "start", "end", NULL };
    enum { CODE, START, END };
    const cJSON *f[3];
    ts_time start, end;
    const concept *c;
    if (rec_fields(rd, it, pre, known, f) < 0
        || get_concept(rd, f[CODE], it, pre, CK_LOCATION, &c) < 0
        || get_time(rd, f[START], it, pre, "start", 1, &start) < 0
        || get_time(rd, f[END], it, pre, "end", 0, &end) < 0
        || check_order(rd, f[END], pre, start, end, "start") < 0)
        return -1;
    if (!c)
        return 0;
    loc_entry *e = facts_add_loc(rd->r, c);
    e->start = start;
    e->end = end;
    e->src = i;
    return 0;
}

/* One fact: a scalar, or {"value": scalar, "time": timestamp}. */
static int
read_fact(reader *rd, const cJSON *m)
{
    static const char *const known[] = { "value", "time", NULL };
    enum { VALUE, TIME };
    char pre[256];
    const cJSON *v = m, *fm[2];
    ts_time t = TS_NONE;
    rec_join(pre, sizeof pre, "facts", m->string);
    if (cJSON_IsObject(m)) {
        char path[256];
        if (rec_fields(rd, m, pre, known, fm) < 0)
            return -1;
        v = fm[VALUE];
        if (!v)
            return rec_missing(rd, m, pre, "value");
        rec_join(path, sizeof path, pre, "value");
        if (!cJSON_IsBool(v) && !cJSON_IsNumber(v) && !cJSON_IsString(v))
            return rec_fail_type(rd, v, path, "boolean, number or string");
        if (get_time(rd, fm[TIME], m, pre, "time", 0, &t) < 0)
            return -1;
    } else if (!cJSON_IsBool(v) && !cJSON_IsNumber(v) && !cJSON_IsString(v)) {
        return rec_fail_type(rd, v, pre, "boolean, number, string or object");
    }
    const concept *c;
    int found = rec_find_code(rd, m, pre, NULL, m->string, &c);
    if (found != 0)
        return found < 0 ? -1 : 0;
    if (c->kind != CK_FACT)
        return rec_warn(rd, WR_WRONG_KIND, m, pre, NULL, m->string,
                        concept_kind_article(c->kind), 1);
    /* "informed_consent" and its code would be one fact said twice. */
    if (rd->r->facts[c->index])
        return rec_fail(rd, m, pre, "fact '%s' is given twice", c->name);
    fact_entry *f = facts_set_fact(rd->r, c);
    f->t = t;
    if (cJSON_IsBool(v)) {
        f->type = VAL_BOOL;
        f->b = cJSON_IsTrue(v);
    } else if (cJSON_IsNumber(v)) {
        f->type = VAL_NUMBER;
        f->n = v->valuedouble;
    } else {
        f->type = VAL_STRING;
        f->s = arena_strdup(rd->r->a, v->valuestring);
    }
    return 0;
}

int
rec_read_facts(reader *rd, const cJSON *root)
{
    const cJSON *sec = rec_opt_field(root, "facts"), *m;
    if (!sec)
        return 0;
    rd->section = "facts";
    rd->wanted = "a fact";
    if (!cJSON_IsObject(sec))
        return rec_fail_type(rd, sec, "facts", "object");
    cJSON_ArrayForEach(m, sec)
        if (read_fact(rd, m) < 0)
            return -1;
    return 0;
}
