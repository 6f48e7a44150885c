/*
** fhirmap.c -- one patient's FHIR resources -> one patient-record/1 text.
**
** The mapping is docs/fhir.md.  Each
** resource is checked for the fields the mapping reads -- a field of the
** wrong type or an invalid time is an error for the patient, with the
** resource's file, line and JSON path -- and turned into items of a
** record built as a cJSON tree, printed, and read by record.c like any
** other record.  So this file decides only *what* FHIR says; what a
** record means is decided in one place.
**
** A resource that says nothing the record format can hold (a type not
** read, no coding that maps, entered-in-error, no time) is counted in
** g->skipped, never an error: exports are full of data no trial reads.
** Codes are written into the record as concept names, after the kind
** check, so the record reader never sees a code it would ignore.
**
** Runs on worker threads: no state outside the mapper value.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fhir.h"
#include "jsondoc.h"
#include "timeutil.h"

#define UCUM "http://unitsofmeasure.org"
#define ROLECODE "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
#define CONCEPT_SYSTEM "urn:trialscreen:concept"
#define ATTR_URL "urn:trialscreen:attribute:"

typedef struct mapper {
    const vocab *v;
    fhir_group *g;
    json_doc **docs;            /* one per resource of the group */
    int cur;                    /* the resource being mapped */
    ts_error *err;
    cJSON *rec, *obs, *meds, *conds, *procs, *locs, *facts;
    ts_time latest;
    ts_time *fact_time;         /* per concept index: time of the fact kept */
} mapper;

/* ------------------------------------------------------------- errors */

static int fail(mapper *m, const cJSON *node, const char *path,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Fill the error with the resource's position and path; returns -1. */
static int
fail(mapper *m, const cJSON *node, const char *path, const char *fmt, ...)
{
    const fhir_res *r = &m->g->res[m->cur];
    va_list ap;
    ts_error_clear(m->err);
    m->err->file = r->source;
    m->err->line = r->line;
    if (node) {
        int line = 0, col = 0;
        json_doc_position(m->docs[m->cur], node, &line, &col);
        if (line > 0)
            m->err->line = line;
        m->err->column = r->col ? col : 0;
    }
    snprintf(m->err->path, sizeof m->err->path, "%s%s%s", r->path,
             r->path[0] && path[0] ? "." : "", path);
    va_start(ap, fmt);
    vsnprintf(m->err->msg, sizeof m->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static void
join(char *out, size_t size, const char *prefix, const char *name)
{
    snprintf(out, size, "%s%s%s", prefix, prefix[0] ? "." : "", name);
}

/* obj.name if present and of type want (cJSON type bits); NULL if absent;
** *bad set (and the error filled) when present with another type. */
static const cJSON *
field(mapper *m, const cJSON *obj, const char *pre, const char *name,
      int want, const char *wantname, int *bad)
{
    const cJSON *f = obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
    if (!f || (f->type & 0xFF) & want)
        return f;
    char path[256];
    join(path, sizeof path, pre, name);
    fail(m, f, path, "must be %s, not %s", wantname, json_type_name(f));
    *bad = 1;
    return NULL;
}

#define OBJ(o, pre, name, bad) field(m, o, pre, name, cJSON_Object, "an object", bad)
#define ARR(o, pre, name, bad) field(m, o, pre, name, cJSON_Array, "an array", bad)
#define STR(o, pre, name, bad) field(m, o, pre, name, cJSON_String, "a string", bad)
#define NUM(o, pre, name, bad) field(m, o, pre, name, cJSON_Number, "a number", bad)

/* An element of an array the mapping reads must be an object: 0 if it
** is, else -1 with the error filled and *bad set. */
static int
element(mapper *m, const cJSON *c, const char *path, int *bad)
{
    if (cJSON_IsObject(c))
        return 0;
    fail(m, c, path, "must be an object, not %s", json_type_name(c));
    *bad = 1;
    return -1;
}

/* A string field's value, or NULL. */
static const char *
str_of(mapper *m, const cJSON *obj, const char *pre, const char *name, int *bad)
{
    const cJSON *f = STR(obj, pre, name, bad);
    return f ? f->valuestring : NULL;
}

/* A time field: checked, counted towards the latest; NULL if absent. */
static const char *
time_of(mapper *m, const cJSON *obj, const char *pre, const char *name,
        int *bad, ts_time *t)
{
    const cJSON *f = STR(obj, pre, name, bad);
    char why[128], path[256];
    *t = TS_NONE;
    if (!f)
        return NULL;
    if (ts_parse_time(f->valuestring, t, why, sizeof why) != 0) {
        join(path, sizeof path, pre, name);
        fail(m, f, path, "%s", why);
        *bad = 1;
        return NULL;
    }
    if (m->latest == TS_NONE || *t > m->latest)
        m->latest = *t;
    return f->valuestring;
}

/* -------------------------------------------------------------- codes */

/* The vocabulary's form of a FHIR coding: "loinc:8478-0", a concept name
** (urn:trialscreen:concept), else "system|code" (a site's own system). */
static const concept *
coding_concept(const vocab *v, const char *sys, const char *code)
{
    static const struct { const char *uri, *prefix; } systems[] = {
        { "http://loinc.org", "loinc" },
        { "http://snomed.info/sct", "snomed" },
        { "http://hl7.org/fhir/sid/icd-10", "icd10" },
        { "http://hl7.org/fhir/sid/icd-10-cm", "icd10" },
        { "http://www.nlm.nih.gov/research/umls/rxnorm", "rxnorm" },
    };
    char key[512];
    if (strcmp(sys, CONCEPT_SYSTEM) == 0)
        return vocab_find(v, code);         /* a name, or loinc:..., local:... */
    for (size_t i = 0; i < sizeof systems / sizeof systems[0]; i++)
        if (strcmp(sys, systems[i].uri) == 0) {
            snprintf(key, sizeof key, "%s:%s", systems[i].prefix, code);
            return vocab_find(v, key);
        }
    if ((size_t)snprintf(key, sizeof key, "%s|%s", sys, code) >= sizeof key)
        return NULL;
    return vocab_find(v, key);
}

/*
** The concept of a CodeableConcept: the first coding that maps.  rolecode
** also maps the v3-RoleCode location codes.  NULL when none maps (or on
** error, with *bad set).
*/
static const concept *
codeable(mapper *m, const cJSON *cc, const char *pre, int rolecode, int *bad)
{
    char path[256];
    const cJSON *codings = ARR(cc, pre, "coding", bad);
    int i = 0;
    for (const cJSON *c = codings ? codings->child : NULL; c; c = c->next, i++) {
        snprintf(path, sizeof path, "%s%scoding[%d]", pre, pre[0] ? "." : "", i);
        if (element(m, c, path, bad) < 0)
            return NULL;
        const char *sys = str_of(m, c, path, "system", bad);
        const char *code = str_of(m, c, path, "code", bad);
        if (*bad)
            return NULL;
        if (!sys || !code)
            continue;
        const concept *k = NULL;
        if (rolecode && strcmp(sys, ROLECODE) == 0) {
            const char *name = strcmp(code, "ICU") == 0 ? "icu"
                             : strcmp(code, "PEDICU") == 0 ? "picu"
                             : strcmp(code, "ER") == 0 ? "ed" : NULL;
            k = name ? vocab_find(m->v, name) : NULL;
        }
        if (!k)
            k = coding_concept(m->v, sys, code);
        if (k)
            return k;
    }
    return NULL;
}

/* The first code of a CodeableConcept field such as clinicalStatus. */
static const char *
status_code(mapper *m, const cJSON *obj, const char *name, int *bad)
{
    const cJSON *cc = OBJ(obj, "", name, bad);
    char path[256];
    const cJSON *codings = ARR(cc, name, "coding", bad);
    int i = 0;
    for (const cJSON *c = codings ? codings->child : NULL; c; c = c->next, i++) {
        snprintf(path, sizeof path, "%s.coding[%d]", name, i);
        if (element(m, c, path, bad) < 0)
            return NULL;
        const char *code = str_of(m, c, path, "code", bad);
        if (code || *bad)
            return code;
    }
    return NULL;
}

/* ------------------------------------------------------ references */

static const char *
res_type(const mapper *m, int i)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(json_doc_root(m->docs[i]),
                                                      "resourceType");
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* The resource of the group a reference names ("Location/7", an absolute
** URL ending so, or a Bundle entry's fullUrl), of type want; -1 if none. */
static int
resolve(const mapper *m, const char *ref, const char *want)
{
    size_t wl = strlen(want);
    for (int i = 1; i < m->g->n; i++) {
        if (strcmp(res_type(m, i), want) != 0)
            continue;
        if (m->g->res[i].url && strcmp(m->g->res[i].url, ref) == 0)
            return i;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(
            json_doc_root(m->docs[i]), "id");
        if (!cJSON_IsString(id))
            continue;
        /* ref ends with "want/id", at the start or after a '/' */
        size_t rl = strlen(ref), il = strlen(id->valuestring);
        if (rl < wl + 1 + il)
            continue;
        const char *p = ref + rl - il - 1 - wl;
        if ((p == ref || p[-1] == '/') && strncmp(p, want, wl) == 0 &&
            p[wl] == '/' && strcmp(p + wl + 1, id->valuestring) == 0)
            return i;
    }
    return -1;
}

/* ------------------------------------------------------ record items */

static void
skip(mapper *m, fhir_skip why)
{
    m->g->skipped.n[why]++;
}

/* A quantity's unit: its UCUM code, else its free-text unit. */
static const char *
quantity_unit(mapper *m, const cJSON *q, const char *pre, int *bad)
{
    const char *sys = str_of(m, q, pre, "system", bad);
    const char *code = str_of(m, q, pre, "code", bad);
    const char *unit = str_of(m, q, pre, "unit", bad);
    if (sys && code && strcmp(sys, UCUM) == 0)
        return code;
    return unit;
}

/* An Observation's (or a component's) value as a new cJSON node plus
** unit; NULL when it has none the record format reads. */
static cJSON *
obs_value(mapper *m, const cJSON *o, const char *pre, const char **unit, int *bad)
{
    char path[256];
    const cJSON *f;
    *unit = NULL;
    const cJSON *q = OBJ(o, pre, "valueQuantity", bad);
    if (q) {
        join(path, sizeof path, pre, "valueQuantity");
        const cJSON *val = NUM(q, path, "value", bad);
        *unit = quantity_unit(m, q, path, bad);
        return val && !*bad ? cJSON_CreateNumber(val->valuedouble) : NULL;
    }
    if ((f = field(m, o, pre, "valueBoolean", cJSON_True | cJSON_False,
                   "a boolean", bad)) != NULL)
        return cJSON_CreateBool(cJSON_IsTrue(f));
    if ((f = NUM(o, pre, "valueInteger", bad)) != NULL)
        return cJSON_CreateNumber(f->valuedouble);
    if ((f = STR(o, pre, "valueString", bad)) != NULL)
        return cJSON_CreateString(f->valuestring);
    return NULL;
}

/* A fact: {"value": v, "time": t}; of several, the latest one is kept. */
static void
add_fact(mapper *m, const concept *k, cJSON *val, const char *time, ts_time t)
{
    ts_time *kept = &m->fact_time[k->index];
    if (cJSON_GetObjectItemCaseSensitive(m->facts, k->name)) {
        if (t == TS_NONE || (*kept != TS_NONE && t < *kept)) {
            cJSON_Delete(val);
            return;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(m->facts, k->name);
    }
    *kept = t;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddItemToObject(f, "value", val);
    if (time)
        cJSON_AddStringToObject(f, "time", time);
    cJSON_AddItemToObject(m->facts, k->name, f);
}

/* One coded value (an Observation or a component) at time; returns 1 if
** it became an item, 0 if skipped (counted when count is set). */
static int
observation_item(mapper *m, const cJSON *o, const char *pre, const char *time,
                 ts_time t, int *bad)
{
    const cJSON *cc = OBJ(o, pre, "code", bad);
    char path[256];
    join(path, sizeof path, pre, "code");
    const concept *k = cc ? codeable(m, cc, path, 0, bad) : NULL;
    const char *unit;
    cJSON *val = obs_value(m, o, pre, &unit, bad);
    if (*bad || !k || !val) {
        cJSON_Delete(val);
        return *bad ? 0 : !k ? -FS_CODE - 1 : -FS_NO_VALUE - 1;
    }
    if (k->kind == CK_FACT) {
        add_fact(m, k, val, time, t);
        return 1;
    }
    int derived_ok = k->kind == CK_DERIVED && k->ncodes > 0;
    if (k->kind != CK_OBSERVATION && !derived_ok) {
        cJSON_Delete(val);
        return -FS_CODE - 1;
    }
    if (!time) {
        cJSON_Delete(val);
        return -FS_NO_TIME - 1;
    }
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "code", k->name);
    cJSON_AddItemToObject(it, "value", val);
    if (unit)
        cJSON_AddStringToObject(it, "unit", unit);
    cJSON_AddStringToObject(it, "time", time);
    cJSON_AddItemToArray(m->obs, it);
    return 1;
}

/* A status that means "this never happened": not read. */
static int
void_status(const char *s)
{
    return s && (strcmp(s, "entered-in-error") == 0 ||
                 strcmp(s, "cancelled") == 0 || strcmp(s, "not-done") == 0);
}

/* The resource's status, read first by every mapper that has one: -1 on
** error, 1 when the status voids the resource (counted as skipped, the
** mapper returns 0), else 0 with *status set (NULL when absent). */
static int
read_status(mapper *m, const cJSON *o, const char **status)
{
    int bad = 0;
    *status = str_of(m, o, "", "status", &bad);
    if (bad)
        return -1;
    if (void_status(*status)) {
        skip(m, FS_STATUS);
        return 1;
    }
    return 0;
}

/* The times of a resource that happens over a span: the start and end of
** the Period field period, else the DateTime field datetime as the start.
** Returns 1 when the start is that single time, else 0; on error *bad is
** set.  The Period field is checked even after an earlier error, so the
** last field in error is reported, as everywhere in this file. */
static int
span_times(mapper *m, const cJSON *o, const char *period, const char *datetime,
           const char **start, const char **end, int *bad)
{
    ts_time t;
    const cJSON *per = OBJ(o, "", period, bad);
    *start = *end = NULL;
    if (per && !*bad) {
        *start = time_of(m, per, period, "start", bad, &t);
        *end = time_of(m, per, period, "end", bad, &t);
    }
    if (!*start && !*bad) {
        *start = time_of(m, o, "", datetime, bad, &t);
        return *start != NULL;
    }
    return 0;
}

/* A span item needs a code of its kind and a start: 1 when it has not
** (counted as skipped), else 0. */
static int
skip_span(mapper *m, const concept *k, concept_kind kind, const char *start)
{
    if (!k || k->kind != kind) {
        skip(m, FS_CODE);
        return 1;
    }
    if (!start) {
        skip(m, FS_NO_TIME);
        return 1;
    }
    return 0;
}

static int
map_observation(mapper *m, const cJSON *o)
{
    int bad = 0;
    ts_time t;
    const char *status;
    int st = read_status(m, o, &status);
    if (st != 0)
        return st < 0 ? -1 : 0;
    const cJSON *per = OBJ(o, "", "effectivePeriod", &bad);
    const char *time = time_of(m, o, "", "effectiveDateTime", &bad, &t);
    if (!time && !bad)
        time = time_of(m, o, "", "effectiveInstant", &bad, &t);
    if (!time && !bad && per)
        time = time_of(m, per, "effectivePeriod", "start", &bad, &t);
    if (!time && !bad)
        time = time_of(m, o, "", "issued", &bad, &t);
    if (bad)
        return -1;
    int got = observation_item(m, o, "", time, t, &bad);
    int why = got < 0 ? -got - 1 : -1;
    const cJSON *comps = ARR(o, "", "component", &bad);
    int i = 0;
    for (const cJSON *c = comps ? comps->child : NULL; c && !bad; c = c->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "component[%d]", i);
        if (element(m, c, path, &bad) < 0)
            return -1;
        int k = observation_item(m, c, path, time, t, &bad);
        if (k > 0)
            got = 1;
        else if (why < 0 || why == FS_NO_VALUE)
            why = k < 0 ? -k - 1 : why;
    }
    if (bad)
        return -1;
    if (got <= 0)
        skip(m, why >= 0 ? (fhir_skip)why : FS_NO_VALUE);
    return 0;
}

static int
map_condition(mapper *m, const cJSON *o)
{
    int bad = 0;
    ts_time t;
    const cJSON *cc = OBJ(o, "", "code", &bad);
    const concept *k = cc ? codeable(m, cc, "code", 0, &bad) : NULL;
    const char *clinical = status_code(m, o, "clinicalStatus", &bad);
    const char *verif = status_code(m, o, "verificationStatus", &bad);
    const cJSON *per = OBJ(o, "", "onsetPeriod", &bad);
    const char *onset = time_of(m, o, "", "onsetDateTime", &bad, &t);
    if (!onset && per && !bad)
        onset = time_of(m, per, "onsetPeriod", "start", &bad, &t);
    const char *end = time_of(m, o, "", "abatementDateTime", &bad, &t);
    if (bad)
        return -1;
    if (verif && strcmp(verif, "entered-in-error") == 0) {
        skip(m, FS_STATUS);
        return 0;
    }
    if (!k || k->kind != CK_CONDITION) {
        skip(m, FS_CODE);
        return 0;
    }
    const char *status = NULL;
    if (verif && strcmp(verif, "refuted") == 0)
        status = "absent";
    else if (clinical && (strcmp(clinical, "inactive") == 0 ||
                          strcmp(clinical, "remission") == 0 ||
                          strcmp(clinical, "resolved") == 0))
        status = "resolved";
    else if (verif && (strcmp(verif, "provisional") == 0 ||
                       strcmp(verif, "differential") == 0 ||
                       strcmp(verif, "unconfirmed") == 0))
        status = "suspected";
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "code", k->name);
    if (status)
        cJSON_AddStringToObject(it, "status", status);
    if (onset)
        cJSON_AddStringToObject(it, "onset", onset);
    if (end)
        cJSON_AddStringToObject(it, "end", end);
    cJSON_AddItemToArray(m->conds, it);
    return 0;
}

/* Extensions urn:trialscreen:attribute:NAME -> it.NAME (a string). */
static int
attributes(mapper *m, const cJSON *o, cJSON *it)
{
    int bad = 0, i = 0;
    const cJSON *exts = ARR(o, "", "extension", &bad);
    for (const cJSON *e = exts ? exts->child : NULL; e && !bad; e = e->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "extension[%d]", i);
        if (element(m, e, path, &bad) < 0)
            return -1;
        const char *url = str_of(m, e, path, "url", &bad);
        if (!url || strncmp(url, ATTR_URL, strlen(ATTR_URL)) != 0)
            continue;
        const char *name = url + strlen(ATTR_URL);
        const char *val = str_of(m, e, path, "valueString", &bad);
        if (!val && !bad)
            val = str_of(m, e, path, "valueCode", &bad);
        static const char *const reserved[] = { "code", "start", "end", NULL };
        int ok = name[0] != '\0';
        for (int r = 0; ok && reserved[r]; r++)
            ok = strcmp(name, reserved[r]) != 0;
        if (!bad && (!val || !ok))
            return fail(m, e, path, "an attribute extension needs a name other "
                        "than code, start, end and a valueString or valueCode");
        if (!bad && !cJSON_GetObjectItemCaseSensitive(it, name))
            cJSON_AddStringToObject(it, name, val);
    }
    return bad ? -1 : 0;
}

static int
map_procedure(mapper *m, const cJSON *o)
{
    int bad = 0;
    const char *status, *start, *end;
    int st = read_status(m, o, &status);
    if (st != 0)
        return st < 0 ? -1 : 0;
    const cJSON *cc = OBJ(o, "", "code", &bad);
    const concept *k = cc ? codeable(m, cc, "code", 0, &bad) : NULL;
    int single = span_times(m, o, "performedPeriod", "performedDateTime",
                            &start, &end, &bad);
    /* A single time: a procedure done then, unless still going. */
    if (single && !(status && strcmp(status, "in-progress") == 0))
        end = start;
    if (bad)
        return -1;
    if (skip_span(m, k, CK_PROCEDURE, start))
        return 0;
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "code", k->name);
    cJSON_AddStringToObject(it, "start", start);
    if (end)
        cJSON_AddStringToObject(it, "end", end);
    if (attributes(m, o, it) < 0) {
        cJSON_Delete(it);
        return -1;
    }
    cJSON_AddItemToArray(m->procs, it);
    return 0;
}

/* The drug: medicationCodeableConcept, or the code of the Medication that
** medicationReference names. */
static const concept *
medication_concept(mapper *m, const cJSON *o, int *bad)
{
    const cJSON *cc = OBJ(o, "", "medicationCodeableConcept", bad);
    if (cc)
        return codeable(m, cc, "medicationCodeableConcept", 0, bad);
    const cJSON *ref = OBJ(o, "", "medicationReference", bad);
    const char *r = str_of(m, ref, "medicationReference", "reference", bad);
    int i = r && !*bad ? resolve(m, r, "Medication") : -1;
    if (i < 0)
        return NULL;
    int saved = m->cur;
    m->cur = i;
    const cJSON *mc = OBJ(json_doc_root(m->docs[i]), "", "code", bad);
    const concept *k = mc ? codeable(m, mc, "code", 0, bad) : NULL;
    m->cur = *bad ? i : saved;  /* an error is the Medication's */
    return k;
}

static int
map_medication(mapper *m, const cJSON *o)
{
    int bad = 0;
    const char *status, *start, *end;
    int st = read_status(m, o, &status);
    if (st != 0)
        return st < 0 ? -1 : 0;
    const concept *k = medication_concept(m, o, &bad);
    if (bad)
        return -1;
    int single = span_times(m, o, "effectivePeriod", "effectiveDateTime",
                            &start, &end, &bad);
    const cJSON *dosage = OBJ(o, "", "dosage", &bad);
    const cJSON *rate = OBJ(dosage, "dosage", "rateQuantity", &bad);
    const cJSON *dose = OBJ(dosage, "dosage", "dose", &bad);
    const cJSON *rv = NUM(rate, "dosage.rateQuantity", "value", &bad);
    const cJSON *dv = NUM(dose, "dosage.dose", "value", &bad);
    const char *unit = rv ? quantity_unit(m, rate, "dosage.rateQuantity", &bad)
                     : dv ? quantity_unit(m, dose, "dosage.dose", &bad) : NULL;
    if (bad)
        return -1;
    if ((rv && rv->valuedouble < 0) || (dv && dv->valuedouble < 0))
        return fail(m, rv ? rv : dv, rv ? "dosage.rateQuantity.value"
                    : "dosage.dose.value", "must not be negative");
    if (skip_span(m, k, CK_MEDICATION, start))
        return 0;
    /* Without an end: an effectiveDateTime with a plain dose is one
    ** administration (the record's own rule for a dose without end); an
    ** effectivePeriod still running only when in progress; anything else
    ** ended where it started. */
    int running = status && strcmp(status, "in-progress") == 0;
    if (!end && !(single && dv && !rv) && !(!single && running))
        end = start;
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "code", k->name);
    if (rv)
        cJSON_AddNumberToObject(it, "rate", rv->valuedouble);
    else if (dv)
        cJSON_AddNumberToObject(it, "dose", dv->valuedouble);
    if ((rv || dv) && unit)
        cJSON_AddStringToObject(it, "unit", unit);
    cJSON_AddStringToObject(it, "start", start);
    if (end)
        cJSON_AddStringToObject(it, "end", end);
    cJSON_AddItemToArray(m->meds, it);
    return 0;
}

/* The concept of a Location's type (v3-RoleCode or any mapped coding). */
static const concept *
location_concept(mapper *m, int li, int *bad)
{
    int saved = m->cur;
    m->cur = li;
    const concept *k = NULL;
    const cJSON *types = ARR(json_doc_root(m->docs[li]), "", "type", bad);
    int i = 0;
    for (const cJSON *c = types ? types->child : NULL; c && !k && !*bad; c = c->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "type[%d]", i);
        if (element(m, c, path, bad) == 0)
            k = codeable(m, c, path, 1, bad);
    }
    if (!*bad)
        m->cur = saved;
    return k && k->kind == CK_LOCATION ? k : NULL;
}

static int
map_encounter(mapper *m, const cJSON *o)
{
    int bad = 0, i = 0, used = 0, why = -1;
    const char *status;
    int st = read_status(m, o, &status);
    if (st != 0)
        return st < 0 ? -1 : 0;
    const cJSON *locs = ARR(o, "", "location", &bad);
    for (const cJSON *l = locs ? locs->child : NULL; l && !bad; l = l->next, i++) {
        char path[64], rpath[80], ppath[80];
        ts_time t;
        snprintf(path, sizeof path, "location[%d]", i);
        if (element(m, l, path, &bad) < 0)
            return -1;
        join(rpath, sizeof rpath, path, "location");
        join(ppath, sizeof ppath, path, "period");
        const cJSON *ref = OBJ(l, path, "location", &bad);
        const char *r = str_of(m, ref, rpath, "reference", &bad);
        const cJSON *per = OBJ(l, path, "period", &bad);
        const char *start = time_of(m, per, ppath, "start", &bad, &t);
        const char *end = time_of(m, per, ppath, "end", &bad, &t);
        int li = r && !bad ? resolve(m, r, "Location") : -1;
        const concept *k = li >= 0 ? location_concept(m, li, &bad) : NULL;
        if (bad)
            return -1;
        if (!k || !start) {
            why = !k ? FS_CODE : FS_NO_TIME;
            continue;
        }
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "code", k->name);
        cJSON_AddStringToObject(it, "start", start);
        if (end)
            cJSON_AddStringToObject(it, "end", end);
        cJSON_AddItemToArray(m->locs, it);
        used = 1;
    }
    if (bad)
        return -1;
    if (!used)
        skip(m, why >= 0 ? (fhir_skip)why : FS_NO_TIME);
    return 0;
}

/* ------------------------------------------------------------ patient */

static int
map_patient(mapper *m, const cJSON *o)
{
    int bad = 0, y, mo, d;
    char why[128];
    const char *id = str_of(m, o, "", "id", &bad);
    const char *birth = str_of(m, o, "", "birthDate", &bad);
    const char *gender = str_of(m, o, "", "gender", &bad);
    if (bad)
        return -1;
    if (!id || !id[0])
        return fail(m, o, "id", "a Patient needs an id (the record's id)");
    if (birth && ts_parse_date(birth, &y, &mo, &d, why, sizeof why) != 0)
        return fail(m, cJSON_GetObjectItemCaseSensitive(o, "birthDate"),
                    "birthDate", "%s", why);
    cJSON_AddStringToObject(m->rec, "format", "patient-record/1");
    cJSON_AddStringToObject(m->rec, "id", id);
    if (birth)
        cJSON_AddStringToObject(m->rec, "birth_date", birth);
    if (gender && (strcmp(gender, "male") == 0 || strcmp(gender, "female") == 0
                   || strcmp(gender, "other") == 0 || strcmp(gender, "unknown") == 0))
        cJSON_AddStringToObject(m->rec, "sex", gender);
    else if (gender)
        return fail(m, cJSON_GetObjectItemCaseSensitive(o, "gender"), "gender",
                    "'%s' is not a FHIR gender (male, female, other, unknown)",
                    gender);
    return 0;
}

static int
map_resource(mapper *m, int i)
{
    const char *type = res_type(m, i);
    const cJSON *o = json_doc_root(m->docs[i]);
    m->cur = i;
    if (strcmp(type, "Observation") == 0)
        return map_observation(m, o);
    if (strcmp(type, "Condition") == 0)
        return map_condition(m, o);
    if (strcmp(type, "Procedure") == 0)
        return map_procedure(m, o);
    if (strcmp(type, "MedicationAdministration") == 0)
        return map_medication(m, o);
    if (strcmp(type, "Encounter") == 0)
        return map_encounter(m, o);
    /* Medication and Location are read through the references to them;
    ** fhirin.c counted every type it does not pass on. */
    return 0;
}

/* Parse every resource of the group (texts were checked when grouped, but
** a Bundle resource is reprinted and an NDJSON line read again). */
static int
parse_all(mapper *m)
{
    for (int i = 0; i < m->g->n; i++) {
        const fhir_res *r = &m->g->res[i];
        m->docs[i] = json_doc_parse(r->text, r->len, r->line > 0 ? r->line - 1 : 0,
                                    m->err);
        if (!m->docs[i]) {
            m->err->file = r->source;
            if (!r->col)
                m->err->column = 0;
            return -1;
        }
    }
    return 0;
}

static void
set_array(cJSON *rec, const char *name, cJSON *arr)
{
    if (cJSON_GetArraySize(arr) > 0)
        cJSON_AddItemToObject(rec, name, arr);
    else
        cJSON_Delete(arr);
}

char *
fhir_map(fhir_group *g, const vocab *v, size_t *len, ts_error *err)
{
    mapper m;
    memset(&m, 0, sizeof m);
    m.v = v;
    m.g = g;
    m.err = err;
    m.latest = TS_NONE;
    m.docs = xcalloc((size_t)g->n + 1, sizeof *m.docs);
    m.fact_time = xcalloc((size_t)vocab_count(v) + 1, sizeof *m.fact_time);
    m.rec = cJSON_CreateObject();
    m.obs = cJSON_CreateArray();
    m.meds = cJSON_CreateArray();
    m.conds = cJSON_CreateArray();
    m.procs = cJSON_CreateArray();
    m.locs = cJSON_CreateArray();
    m.facts = cJSON_CreateObject();
    char *text = NULL;
    int rc = g->n > 0 ? parse_all(&m) : -1;
    if (rc == 0)
        rc = map_patient(&m, json_doc_root(m.docs[0]));
    for (int i = 1; rc == 0 && i < g->n; i++)
        rc = map_resource(&m, i);
    if (rc == 0) {
        char buf[TS_FMT_LEN];
        if (g->as_of)
            cJSON_AddStringToObject(m.rec, "as_of", g->as_of);
        else if (m.latest != TS_NONE) {
            ts_format(m.latest, buf);
            cJSON_AddStringToObject(m.rec, "as_of", buf);
        }
        set_array(m.rec, "locations", m.locs);
        set_array(m.rec, "observations", m.obs);
        set_array(m.rec, "medications", m.meds);
        set_array(m.rec, "conditions", m.conds);
        set_array(m.rec, "procedures", m.procs);
        if (m.facts->child)
            cJSON_AddItemToObject(m.rec, "facts", m.facts);
        else
            cJSON_Delete(m.facts);
        m.locs = m.obs = m.meds = m.conds = m.procs = m.facts = NULL;
        text = cJSON_PrintUnformatted(m.rec);
        if (!text)
            ts_error_set(err, 0, 0, "out of memory printing the record");
        else
            *len = strlen(text);
    }
    cJSON_Delete(m.rec);
    cJSON_Delete(m.obs);
    cJSON_Delete(m.meds);
    cJSON_Delete(m.conds);
    cJSON_Delete(m.procs);
    cJSON_Delete(m.locs);
    cJSON_Delete(m.facts);
    for (int i = 0; i < g->n; i++)
        json_doc_free(m.docs[i]);
    free(m.docs);
    free(m.fact_time);
    return text;
}
