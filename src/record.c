/*
** record.c -- reading one patient record: strict JSON in, facts out.
**
** The text goes through jsondoc (which refuses every malformed or
** ambiguous JSON text), then each field is checked against the
** patient-record/1 contract (shared/design/patient-record.md) and turned
** into facts indexed by concept (facts.h).  A contract error stops the
** record with the JSON path and line:column of the offending node
** ("medications[3].rate: must not be negative"): a screener that guessed
** what a broken record meant would give answers nobody can trust.  Codes
** the vocabulary does not know, and fields the contract does not know, are
** only warnings: producers may carry more than we read.
**
** Order of work: validate and collect everything (noting the latest
** timestamp), fix the screening time, then do the conversions that need it
** (per-kg units use the latest weight at or before the screening time),
** and finally let facts_finish sort and drop the future.
*/
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "jsondoc.h"
#include "timeutil.h"
#include "units.h"

#define ID_MAX 256              /* bytes; patient-record.md */
#define WARN_LOOKUPS 100        /* facts.c caps warnings at the same count */
#define SHOW 64                 /* bytes of a value quoted in a message */

typedef struct reader {
    record *r;                  /* NULL until the id is read */
    const json_doc *doc;
    const record_opts *opts;
    ts_error *err;
    ts_time latest;             /* latest timestamp seen, or TS_NONE */
} reader;

/* ------------------------------------------------------------- messages */

static int
fail(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err->msg, sizeof rd->err->msg, fmt, ap);
    va_end(ap);
    snprintf(rd->err->path, sizeof rd->err->path, "%s", path);
    json_doc_position(rd->doc, node, &rd->err->line, &rd->err->column);
    return -1;
}

/* Warnings read "LINE:COLUMN: PATH: MESSAGE"; the caller adds the source. */
static void
warn(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
warn(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
{
    char msg[512];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (rd->r->nwarn < WARN_LOOKUPS)
        json_doc_position(rd->doc, node, &line, &col);
    if (path[0])
        facts_warn(rd->r, "%d:%d: %s: %s", line, col, path, msg);
    else
        facts_warn(rd->r, "%d:%d: %s", line, col, msg);
}

static int
fail_type(reader *rd, const cJSON *node, const char *path, const char *expected)
{
    return fail(rd, node, path, "expected %s, found %s", expected, json_type_name(node));
}

/* ---------------------------------------------------------------- fields */

/*
** Field names are short, and they are compared several times for every
** item of every record: a loop here costs far less than a call to the
** library's strcmp, which is built for long strings.
*/
static int
same_name(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static const cJSON *
field(const cJSON *obj, const char *name)
{
    /* Never cJSON_GetObjectItem: it ignores case (input-hardening s1.2).
    ** This is cJSON_GetObjectItemCaseSensitive, with same_name. */
    const cJSON *m = obj ? obj->child : NULL;
    while (m && m->string && !same_name(m->string, name))
        m = m->next;
    return m && m->string ? m : NULL;
}

/* An optional field: absent and null both mean "not given". */
static const cJSON *
opt_field(const cJSON *obj, const char *name)
{
    const cJSON *n = field(obj, name);
    return n && !cJSON_IsNull(n) ? n : NULL;
}

/* Append s to out[*len], cutting at size - 1. */
static void
append(char *out, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= size)
        n = size - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/*
** prefix.name; a path too long for the buffer is cut (it is only shown).
** Paths are built for every field of every record, and only read when
** something is wrong, so this is plain copying, not snprintf (which cost
** a sixth of the screening time; docs/performance.md).
*/
static void
join(char *out, size_t size, const char *prefix, const char *name)
{
    size_t len = 0;
    out[0] = '\0';
    append(out, size, &len, prefix);
    if (prefix[0])
        append(out, size, &len, ".");
    append(out, size, &len, name);
}

/* name[i], as join builds paths (without snprintf). */
static void
indexed(char *out, size_t size, const char *name, int i)
{
    char num[16], *p = num + sizeof num;
    unsigned u = (unsigned)i;
    size_t len = 0;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    out[0] = '\0';
    append(out, size, &len, name);
    append(out, size, &len, "[");
    append(out, size, &len, p);
    append(out, size, &len, "]");
}

/* Rewrite the index of pre = name[..] in place (name is base bytes long). */
static void
index_digits(char *pre, size_t size, size_t base, int i)
{
    char num[16], *p = num + sizeof num;
    unsigned u = (unsigned)i;
    size_t len = base + 1;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    pre[len] = '\0';
    append(pre, size, &len, p);
    append(pre, size, &len, "]");
}

static int
missing(reader *rd, const cJSON *obj, const char *prefix, const char *name)
{
    return fail(rd, obj, prefix, "missing required field '%s'", name);
}

/* A string field; *out is NULL when an optional field is absent. */
static int
get_str(reader *rd, const cJSON *obj, const char *prefix, const char *name,
        int required, const char **out)
{
    char path[256];
    const cJSON *n = required ? field(obj, name) : opt_field(obj, name);
    *out = NULL;
    if (!n)
        return required ? missing(rd, obj, prefix, name) : 0;
    if (!cJSON_IsString(n)) {
        join(path, sizeof path, prefix, name);
        return fail_type(rd, n, path, "string");
    }
    *out = n->valuestring;
    return 0;
}

/* A timestamp field (TS_NONE when absent); counts towards the latest. */
static int
get_time(reader *rd, const cJSON *obj, const char *prefix, const char *name,
         int required, ts_time *out)
{
    char path[256], why[256];
    const char *s;
    *out = TS_NONE;
    if (get_str(rd, obj, prefix, name, required, &s) < 0)
        return -1;
    if (!s)
        return 0;
    if (ts_parse_time(s, out, why, sizeof why) < 0) {
        join(path, sizeof path, prefix, name);
        return fail(rd, field(obj, name), path, "%s", why);
    }
    if (rd->latest == TS_NONE || *out > rd->latest)
        rd->latest = *out;
    return 0;
}

/* An optional number that must not be negative; *node NULL if absent. */
static int
get_amount(reader *rd, const cJSON *obj, const char *prefix, const char *name,
           const cJSON **node)
{
    char path[256];
    const cJSON *n = opt_field(obj, name);
    *node = NULL;
    if (!n)
        return 0;
    if (!cJSON_IsNumber(n) || n->valuedouble < 0) {
        join(path, sizeof path, prefix, name);
        if (!cJSON_IsNumber(n))
            return fail_type(rd, n, path, "number");
        return fail(rd, n, path, "must not be negative");
    }
    *node = n;
    return 0;
}

static int
known_name(const char *name, const char *const *known)
{
    for (; *known; known++)
        if (same_name(name, *known))
            return 1;
    return 0;
}

/* Fields the contract does not know: a warning, or an error if strict. */
static int
check_fields(reader *rd, const cJSON *obj, const char *prefix, const char *const *known)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        char path[256];
        if (known_name(m->string, known))
            continue;
        join(path, sizeof path, prefix, m->string);
        if (rd->opts && rd->opts->strict)
            return fail(rd, m, path, "unknown field");
        warn(rd, m, path, "unknown field (ignored)");
    }
    return 0;
}

/* "an observation", "a procedure": for "'ecmo' is a procedure". */
static const char *
kind_phrase(concept_kind k)
{
    static const char *const phrases[CK_COUNT] = {
        "an observation", "a medication", "a condition", "a procedure",
        "a location", "a fact", "a derived value"
    };
    return k >= 0 && k < CK_COUNT ? phrases[k] : "of another kind";
}

/* The item's code (a required non-empty string), mapped to a concept of
** the wanted kind; *c is NULL (with a warning) when it maps to none. */
static int
get_concept(reader *rd, const cJSON *obj, const char *prefix, concept_kind kind,
            const concept **c)
{
    char path[256];
    const char *code;
    *c = NULL;
    if (get_str(rd, obj, prefix, "code", 1, &code) < 0)
        return -1;
    const concept *k = code[0] ? vocab_find(rd->r->vocab, code) : NULL;
    if (!k || k->kind != kind)     /* the path only for a message */
        join(path, sizeof path, prefix, "code");
    if (!code[0])
        return fail(rd, field(obj, "code"), path, "must not be empty");
    if (!k) {
        warn(rd, field(obj, "code"), path, "unknown code '%.*s' (ignored)", SHOW, code);
    } else if (k->kind != kind
               && !(kind == CK_OBSERVATION && k->kind == CK_DERIVED && k->ncodes > 0)) {
        /* A derived quantity that has a standard observation code (bmi:
        ** LOINC 39156-5) may also be recorded as an observation; derived.c
        ** prefers the recorded one.  Others (vis) are only computed. */
        warn(rd, field(obj, "code"), path, "'%.*s' is %s, not %s (ignored)",
             SHOW, code, kind_phrase(k->kind), kind_phrase(kind));
    } else {
        *c = k;
    }
    return 0;
}

/* end must not be before start (both optional). */
static int
check_order(reader *rd, const cJSON *obj, const char *prefix, ts_time start,
            ts_time end, const char *start_name)
{
    char path[256];
    if (start == TS_NONE || end == TS_NONE || end >= start)
        return 0;
    join(path, sizeof path, prefix, "end");
    return fail(rd, field(obj, "end"), path, "end before %s", start_name);
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

/* Convert a numeric sample to its concept's unit: ok/v or why. */
static void
convert_sample(record *r, const concept *c, sample *s, double weight_kg)
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
    } else if (unit_factor(s->unit, c->unit, &ctx, &f, why, sizeof why) == UNIT_OK) {
        s->ok = 1;
        s->v = s->raw * f;
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
static void
convert_late(record *r)
{
    double w = weight_kg(r);
    int n = vocab_count(r->vocab);
    for (int i = 0; i < n; i++) {
        const concept *c = vocab_at(r->vocab, i);
        series *s = &r->obs[i];
        for (int j = 0; j < s->n; j++)
            if (s->s[j].type == VAL_NUMBER && !s->s[j].ok && s->s[j].unit && c->unit
                && unit_needs_weight(s->s[j].unit, c->unit))
                convert_sample(r, c, &s->s[j], w);
        med_list *m = &r->meds[i];
        for (int j = 0; j < m->n; j++)
            convert_med(r, c, &m->e[j], w);
    }
}

/* ----------------------------------------------------------- the sections */

static int
read_observation(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "value", "unit", "time", NULL };
    char path[256];
    const char *unit;
    ts_time t;
    const concept *c;
    if (check_fields(rd, it, pre, known) < 0
        || get_concept(rd, it, pre, CK_OBSERVATION, &c) < 0)
        return -1;
    const cJSON *v = field(it, "value");
    if (!v)
        return missing(rd, it, pre, "value");
    if (!cJSON_IsNumber(v) && !cJSON_IsBool(v) && !cJSON_IsString(v)) {
        join(path, sizeof path, pre, "value");
        return fail_type(rd, v, path, "number, boolean or string");
    }
    if (get_str(rd, it, pre, "unit", 0, &unit) < 0
        || get_time(rd, it, pre, "time", 1, &t) < 0)
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
        convert_sample(r, c, s, 0);
        char why[256];
        /* A unit that converted to the concept's parsed; others are checked
        ** here only to warn. */
        int parsed = s->ok && c->unit;
        if (s->unit && !parsed && unit_parse(s->unit, NULL, why, sizeof why) != UNIT_OK) {
            join(path, sizeof path, pre, "unit");
            warn(rd, field(it, "unit"), path, "%s", why);
        }
    }
    return 0;
}

static int
read_medication(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "rate", "dose", "unit", "start", "end", NULL };
    const cJSON *rate, *dose;
    const char *unit;
    ts_time start, end;
    const concept *c;
    if (check_fields(rd, it, pre, known) < 0
        || get_concept(rd, it, pre, CK_MEDICATION, &c) < 0
        || get_amount(rd, it, pre, "rate", &rate) < 0
        || get_amount(rd, it, pre, "dose", &dose) < 0)
        return -1;
    if (rate && dose)
        return fail(rd, it, pre, "both 'rate' and 'dose' given");
    if (get_str(rd, it, pre, "unit", 0, &unit) < 0
        || get_time(rd, it, pre, "start", 1, &start) < 0
        || get_time(rd, it, pre, "end", 0, &end) < 0
        || check_order(rd, it, pre, start, end, "start") < 0)
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

static int
read_condition(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "onset", "end", "status", NULL };
    static const char *const statuses[] = { "active", "suspected", "resolved", "absent" };
    const char *status;
    ts_time onset, end;
    const concept *c;
    cond_status st = ST_ACTIVE;
    if (check_fields(rd, it, pre, known) < 0
        || get_concept(rd, it, pre, CK_CONDITION, &c) < 0
        || get_time(rd, it, pre, "onset", 0, &onset) < 0
        || get_time(rd, it, pre, "end", 0, &end) < 0
        || check_order(rd, it, pre, onset, end, "onset") < 0
        || get_str(rd, it, pre, "status", 0, &status) < 0)
        return -1;
    if (status) {
        int k = 0;
        while (k < 4 && strcmp(status, statuses[k]) != 0)
            k++;
        if (k == 4) {
            char path[256];
            join(path, sizeof path, pre, "status");
            return fail(rd, field(it, "status"), path,
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

static int
read_procedure(reader *rd, const cJSON *it, const char *pre, int i)
{
    ts_time start, end;
    const concept *c;
    const cJSON *m;
    int nattrs = 0;
    if (get_concept(rd, it, pre, CK_PROCEDURE, &c) < 0
        || get_time(rd, it, pre, "start", 1, &start) < 0
        || get_time(rd, it, pre, "end", 0, &end) < 0
        || check_order(rd, it, pre, start, end, "start") < 0)
        return -1;
    /* Every other member is an attribute ("mode": "VA") and a string. */
    cJSON_ArrayForEach(m, it) {
        char path[256];
        if (same_name(m->string, "code") || same_name(m->string, "start")
            || same_name(m->string, "end"))
            continue;
        if (!cJSON_IsString(m)) {
            join(path, sizeof path, pre, m->string);
            return fail_type(rd, m, path, "string");
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
        if (same_name(m->string, "code") || same_name(m->string, "start")
            || same_name(m->string, "end"))
            continue;
        e->keys[e->nattrs] = arena_strdup(r->a, m->string);
        e->vals[e->nattrs++] = arena_strdup(r->a, m->valuestring);
    }
    return 0;
}

static int
read_location(reader *rd, const cJSON *it, const char *pre, int i)
{
    static const char *const known[] = { "code", "start", "end", NULL };
    ts_time start, end;
    const concept *c;
    if (check_fields(rd, it, pre, known) < 0
        || get_concept(rd, it, pre, CK_LOCATION, &c) < 0
        || get_time(rd, it, pre, "start", 1, &start) < 0
        || get_time(rd, it, pre, "end", 0, &end) < 0
        || check_order(rd, it, pre, start, end, "start") < 0)
        return -1;
    if (!c)
        return 0;
    loc_entry *e = facts_add_loc(rd->r, c);
    e->start = start;
    e->end = end;
    e->src = i;
    return 0;
}

typedef int (*item_reader)(reader *, const cJSON *, const char *, int);

/* An optional array section: each item must be an object. */
static int
read_section(reader *rd, const cJSON *root, const char *name, item_reader fn)
{
    const cJSON *sec = opt_field(root, name), *it;
    int i = 0;
    if (!sec)
        return 0;
    if (!cJSON_IsArray(sec))
        return fail_type(rd, sec, name, "array");
    char pre[64];
    size_t base = strlen(name);     /* "observations[" once, then digits */
    indexed(pre, sizeof pre, name, 0);
    cJSON_ArrayForEach(it, sec) {
        if (i > 0)
            index_digits(pre, sizeof pre, base, i);
        if (!cJSON_IsObject(it))
            return fail_type(rd, it, pre, "object");
        if (fn(rd, it, pre, i) < 0)
            return -1;
        i++;
    }
    return 0;
}

/* One fact: a scalar, or {"value": scalar, "time": timestamp}. */
static int
read_fact(reader *rd, const cJSON *m)
{
    static const char *const known[] = { "value", "time", NULL };
    char pre[256];
    const cJSON *v = m;
    ts_time t = TS_NONE;
    join(pre, sizeof pre, "facts", m->string);
    if (cJSON_IsObject(m)) {
        char path[256];
        if (check_fields(rd, m, pre, known) < 0)
            return -1;
        v = field(m, "value");
        if (!v)
            return missing(rd, m, pre, "value");
        join(path, sizeof path, pre, "value");
        if (!cJSON_IsBool(v) && !cJSON_IsNumber(v) && !cJSON_IsString(v))
            return fail_type(rd, v, path, "boolean, number or string");
        if (get_time(rd, m, pre, "time", 0, &t) < 0)
            return -1;
    } else if (!cJSON_IsBool(v) && !cJSON_IsNumber(v) && !cJSON_IsString(v)) {
        return fail_type(rd, v, pre, "boolean, number, string or object");
    }
    const concept *c = vocab_find(rd->r->vocab, m->string);
    if (!c) {
        warn(rd, m, pre, "unknown code '%.*s' (ignored)", SHOW, m->string);
        return 0;
    }
    if (c->kind != CK_FACT) {
        warn(rd, m, pre, "'%.*s' is %s, not a fact (ignored)", SHOW, m->string,
             kind_phrase(c->kind));
        return 0;
    }
    /* "informed_consent" and its code would be one fact said twice. */
    if (rd->r->facts[c->index])
        return fail(rd, m, pre, "fact '%s' is given twice", c->name);
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

static int
read_facts(reader *rd, const cJSON *root)
{
    const cJSON *sec = opt_field(root, "facts"), *m;
    if (!sec)
        return 0;
    if (!cJSON_IsObject(sec))
        return fail_type(rd, sec, "facts", "object");
    cJSON_ArrayForEach(m, sec)
        if (read_fact(rd, m) < 0)
            return -1;
    return 0;
}

/* ------------------------------------------------------ top-level fields */

static const char *const top_fields[] = {
    "format", "id", "as_of", "birth_date", "sex", "complete", "locations",
    "observations", "medications", "conditions", "procedures", "facts", NULL
};

static int
read_id(reader *rd, const cJSON *root, const char **id)
{
    const cJSON *n = field(root, "id");
    const char *fmt;
    if (get_str(rd, root, "", "format", 0, &fmt) < 0)
        return -1;
    if (fmt && strcmp(fmt, "patient-record/1") != 0)
        return fail(rd, field(root, "format"), "format",
                    "unsupported format '%.*s' (supported: patient-record/1)", SHOW, fmt);
    if (get_str(rd, root, "", "id", 1, id) < 0)
        return -1;
    if (!(*id)[0])
        return fail(rd, n, "id", "must not be empty");
    if (strlen(*id) > ID_MAX)
        return fail(rd, n, "id", "longer than %d bytes", ID_MAX);
    return 0;
}

static int
read_person(reader *rd, const cJSON *root)
{
    static const char *const sexes[] = { "female", "male", "other", "unknown" };
    record *r = rd->r;
    const char *s;
    char why[256];
    if (get_str(rd, root, "", "birth_date", 0, &s) < 0)
        return -1;
    if (s) {
        if (ts_parse_date(s, &r->birth_y, &r->birth_m, &r->birth_d, why, sizeof why) < 0)
            return fail(rd, field(root, "birth_date"), "birth_date", "%s", why);
        r->has_birth = 1;
        r->birth_str = arena_strdup(r->a, s);
    }
    if (get_str(rd, root, "", "sex", 0, &s) < 0)
        return -1;
    if (s) {
        int k = 0;
        while (k < 4 && strcmp(s, sexes[k]) != 0)
            k++;
        if (k == 4)
            return fail(rd, field(root, "sex"), "sex",
                        "unknown sex '%.*s' (expected female, male, other or unknown)", SHOW, s);
        r->sex = (sex)(SEX_FEMALE + k);
    }
    return 0;
}

static int
read_complete(reader *rd, const cJSON *root)
{
    static const char *const names[] = { "conditions", "procedures", "medications", "locations" };
    const cJSON *sec = opt_field(root, "complete"), *it;
    int i = 0;
    if (!sec)
        return 0;
    if (!cJSON_IsArray(sec))
        return fail_type(rd, sec, "complete", "array");
    cJSON_ArrayForEach(it, sec) {
        char path[64];
        int k = 0;
        snprintf(path, sizeof path, "complete[%d]", i++);
        if (!cJSON_IsString(it))
            return fail_type(rd, it, path, "string");
        while (k < 4 && strcmp(it->valuestring, names[k]) != 0)
            k++;
        if (k == 4)
            return fail(rd, it, path, "unknown section '%.*s' (expected conditions, "
                        "procedures, medications or locations)", SHOW, it->valuestring);
        rd->r->complete |= 1u << k;     /* SEC_* are in the order of names[] */
    }
    return 0;
}

/* --opt at, else as_of, else the latest timestamp of the record. */
static int
screening_time(reader *rd, const cJSON *root)
{
    record *r = rd->r;
    ts_time as_of;
    char why[256];
    const char *s;
    if (get_str(rd, root, "", "as_of", 0, &s) < 0)
        return -1;
    as_of = TS_NONE;
    if (s && ts_parse_time(s, &as_of, why, sizeof why) < 0)
        return fail(rd, field(root, "as_of"), "as_of", "%s", why);
    if (rd->opts && rd->opts->at != TS_NONE) {
        r->at = rd->opts->at;
        r->at_from = AT_CLI;
    } else if (as_of != TS_NONE) {
        r->at = as_of;
        r->at_from = AT_AS_OF;
    } else if (rd->latest != TS_NONE) {
        r->at = rd->latest;
        r->at_from = AT_LATEST;
    } else {
        return fail(rd, root, "", "no screening time; use --at");
    }
    return 0;
}

static int
read_record(reader *rd, const cJSON *root)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        if (known_name(m->string, top_fields))
            continue;
        if (rd->opts && rd->opts->strict)
            return fail(rd, m, m->string, "unknown field");
        warn(rd, m, m->string, "unknown field (ignored)");
    }
    if (read_person(rd, root) < 0
        || read_complete(rd, root) < 0
        || read_section(rd, root, "locations", read_location) < 0
        || read_section(rd, root, "observations", read_observation) < 0
        || read_section(rd, root, "medications", read_medication) < 0
        || read_section(rd, root, "conditions", read_condition) < 0
        || read_section(rd, root, "procedures", read_procedure) < 0
        || read_facts(rd, root) < 0
        || screening_time(rd, root) < 0)
        return -1;
    convert_late(rd->r);
    if (rd->opts)
        rd->r->complete |= rd->opts->assume_complete;
    facts_finish(rd->r);
    return 0;
}

record *
record_parse(const char *buf, size_t len, const char *source,
             int line_base, const vocab *v, const record_opts *opts,
             ts_error *err)
{
    ts_error dummy;
    reader rd = { 0 };
    const char *id;
    if (!err)
        err = &dummy;
    ts_error_clear(err);
    err->file = source;
    json_doc *doc = json_doc_parse(buf, len, line_base, err);
    if (!doc)
        return NULL;
    rd.doc = doc;
    rd.opts = opts;
    rd.err = err;
    rd.latest = TS_NONE;
    const cJSON *root = json_doc_root(doc);
    if (!cJSON_IsObject(root)) {
        fail(&rd, root, "", "expected a JSON object, found %s", json_type_name(root));
        json_doc_free(doc);
        return NULL;
    }
    if (read_id(&rd, root, &id) < 0) {
        json_doc_free(doc);
        return NULL;
    }
    rd.r = facts_new(v, id);
    rd.r->source = source ? arena_strdup(rd.r->a, source) : NULL;
    rd.r->line = line_base + 1;
    if (read_record(&rd, root) < 0) {
        record_free(rd.r);
        rd.r = NULL;
    }
    json_doc_free(doc);
    return rd.r;
}

void
record_free(record *r)
{
    if (r)
        arena_give(r->a);   /* the record itself lives in its arena */
}

const char *
record_id(const record *r)
{
    return r->id;
}

const char *
record_source(const record *r)
{
    return r->source;
}

ts_time
record_at(const record *r)
{
    return r->at;
}

int
record_nwarnings(const record *r)
{
    return r->nwarn;
}

const char *
record_warning(const record *r, int i)
{
    return i >= 0 && i < r->nwarn ? r->warn[i] : NULL;
}
