/*
** gencohort.c -- a synthetic ICU cohort for benchmarks and scaling tests.
**
** usage: gencohort [-n RECORDS] [-s SEED] [-d DAYS] [-r]
**
** Writes RECORDS patient records (patient-record/1, docs/patient-record.md)
** as NDJSON on standard output.  Record i depends only on SEED and i, so
** the first 1,000 records of a 100,000-record cohort are the 1,000-record
** cohort, and every run on every machine gives the same bytes.
**
** What a record looks like: an ICU stay of a few hours to DAYS days
** (default 9), skewed short as real stays are, with hourly MAP and
** systolic pressure, lactate every few hours, daily platelets and SOFA,
** weight and usually height, and for some patients echo, cardiac index,
** SvO2, PCWP and perfusion scores.  Shock patients get norepinephrine at
** changing rates, often vasopressin, dobutamine or epinephrine, and
** hydrocortisone; some are ventilated, on renal replacement or on ECMO.
** Conditions and facts are drawn so that every bundled trial sees
** ineligible and incomplete patients and most see eligible ones (a
** screening cohort is mostly ineligible, as in real life).  Sizes run from about 2 KB
** (a short stay) to about 40 KB (capped: a long stay thins its vitals).
**
** -r, the realistic mode (docs/performance.md): records as real ICU extracts
** come, not as the trials would like them.  Most observations are codes no
** trial reads (heart rate, SpO2, respiratory rate, temperature and a lab
** panel, all LOINC), half of the known ones are LOINC-coded too, units are
** mixed (lactate in mg/dL, MAP in kPa or in the common 'mmHg', SvO2 as a
** fraction '1'), the observations come in no particular order, and some
** records have no as_of.  About 9 KB a record (median), most under 30 KB.
**
** No dependency beyond libc: this is part of "make bench" and of the
** scaling test in "make check".
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* splitmix64: small, fast, and the same everywhere. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t
next_u64(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
uniform(rng *r)
{
    return (double)(next_u64(r) >> 11) / 9007199254740992.0;
}

static int
chance(rng *r, double p)
{
    return uniform(r) < p;
}

static int
range(rng *r, int lo, int hi)
{
    return lo + (int)(uniform(r) * (hi - lo + 1));
}

/* Approximately normal (sum of uniforms): enough for vital signs. */
static double
normal(rng *r, double mean, double sd)
{
    double s = 0;
    for (int i = 0; i < 4; i++)
        s += uniform(r);
    return mean + sd * (s - 2.0) * 1.732;
}

typedef struct out {
    char *p;
    size_t len, cap;
    int first;              /* no comma before the next array element */
} out;

static void
put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(out *o, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        o->cap = o->cap * 2 + (size_t)(n > 0 ? n : 0);
        o->p = realloc(o->p, o->cap);
        if (!o->p) {
            fputs("gencohort: out of memory\n", stderr);
            exit(1);
        }
    }
}

static void
sep(out *o)
{
    if (!o->first)
        put(o, ",");
    o->first = 0;
}

static void
stamp(time_t t, char *buf)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
** The realistic mode writes observations into a side buffer, one item
** after another (their starts in item_at), and shuffles them into the
** record at the end: real extracts are not sorted by time.
*/
static int realistic;
static out items;
static size_t *item_at;
static size_t nitems, capitems;

static void
obs(out *o, const char *code, double v, const char *unit, time_t t, int decimals)
{
    char ts[24];
    stamp(t, ts);
    if (realistic) {
        if (nitems == capitems) {
            capitems = capitems ? 2 * capitems : 1024;
            item_at = realloc(item_at, (capitems + 1) * sizeof *item_at);
            if (!item_at) {
                fputs("gencohort: out of memory\n", stderr);
                exit(1);
            }
        }
        item_at[nitems++] = items.len;
        o = &items;
    } else {
        sep(o);
    }
    put(o, "{\"code\":\"%s\",\"value\":%.*f,\"unit\":\"%s\",\"time\":\"%s\"}",
        code, decimals, v, unit, ts);
}

/* Half of the known concepts come LOINC-coded in the realistic mode. */
static const char *
coded(rng *r, const char *name, const char *loinc)
{
    return realistic && chance(r, 0.5) ? loinc : name;
}

static void
med(out *o, const char *code, const char *field, double v, const char *unit,
    time_t start, time_t end)
{
    char s[24], e[24];
    stamp(start, s);
    sep(o);
    put(o, "{\"code\":\"%s\",\"%s\":%.3g,\"unit\":\"%s\",\"start\":\"%s\"",
        code, field, v, unit, s);
    if (end) {
        stamp(end, e);
        put(o, ",\"end\":\"%s\"", e);
    }
    put(o, "}");
}

typedef struct patient {
    time_t admit, now;
    int hours;              /* length of stay so far */
    int shock, severe, cardiac, ecmo, vent, rrt, child;
    double weight;
} patient;

static const char *const conditions[] = {
    "active_bleeding", "pregnancy", "chronic_kidney_disease", "leukemia",
    "irreversible_brain_damage", "acute_myocardial_infarction",
    "pulmonary_embolism", "cardiac_tamponade", "tension_pneumothorax",
    "aortic_regurgitation", "trauma", "intracranial_hemorrhage",
    "severe_malnutrition", "pulmonary_congestion", "aids",
};

static const char *const facts[] = {
    "adequate_fluid_resuscitation", "refractory_arrhythmia",
    "comatose_after_cpr", "irreversible_condition",
    "anticoagulation_contraindicated", "pad_prevents_femoral_cannulation",
    "life_expectancy_under_1y", "in_other_interventional_trial",
    "elevated_lv_filling_pressure", "altered_mental_status",
    "cold_clammy_skin", "oliguria", "expected_ventilation_over_24h",
    "emergency_inclusion",
};

/* Hourly vitals, thinned on long stays to stay under about 40 KB. */
static void
vitals(out *o, rng *r, const patient *p)
{
    int step = p->hours > 180 ? 2 : 1;      /* ~150 B an hour for two series */
    double map = p->shock ? 62 : 78;
    for (int h = 0; h <= p->hours; h += step) {
        time_t t = p->admit + (time_t)h * 3600 + range(r, 0, 5) * 60;
        map += normal(r, 0, 3) + ((p->shock ? 60 : 80) - map) * 0.1;
        obs(o, "map", map, "mm[Hg]", t, 0);
        obs(o, "sbp", map * 1.45 + normal(r, 0, 6), "mm[Hg]", t, 0);
    }
    double lac = p->shock ? 4.5 : 1.6;
    for (int h = 1; h <= p->hours; h += p->severe ? 4 : 8) {
        lac = lac * 0.9 + (p->severe ? 6.0 : 1.5) * 0.1 + normal(r, 0, 0.4);
        if (lac < 0.4)
            lac = 0.4;
        if (chance(r, 0.15))        /* some labs report mg/dL */
            obs(o, "lactate", lac * 9.008, "mg/dL", p->admit + h * 3600, 1);
        else
            obs(o, "lactate", lac, "mmol/L", p->admit + h * 3600, 1);
    }
    for (int h = 2; h <= p->hours; h += 24) {
        obs(o, "platelets", normal(r, p->severe ? 90 : 210, 40), "10*3/uL",
            p->admit + h * 3600, 0);
        obs(o, "sofa", range(r, p->severe ? 9 : 2, p->severe ? 16 : 9), "{score}",
            p->admit + (h + 1) * 3600, 0);
        obs(o, "gcs", range(r, 6, 15), "{score}", p->admit + (h + 1) * 3600, 0);
    }
}

/*
** The realistic mode's chart: around the MAP and SBP the trials read, the
** vitals no trial reads (heart rate, SpO2, respiratory rate, temperature),
** MAP sometimes in kPa or 'mmHg', lactate often in mg/dL, a lab panel
** twice a day (sodium, potassium, creatinine, glucose, haemoglobin, WBC,
** bilirubin, CRP, pH), platelets, SOFA and GCS daily.
*/
static void
chart(out *o, rng *r, const patient *p)
{
    static const struct { const char *code, *unit; double mean, sd; int dec; } panel[] = {
        { "loinc:2951-2", "mmol/L", 139, 4, 0 },    /* sodium */
        { "loinc:2823-3", "mmol/L", 4.1, 0.5, 1 },  /* potassium */
        { "loinc:2160-0", "mg/dL", 1.3, 0.6, 2 },   /* creatinine */
        { "loinc:2345-7", "mg/dL", 140, 35, 0 },    /* glucose */
        { "loinc:718-7", "g/dL", 10.2, 1.8, 1 },    /* haemoglobin */
        { "loinc:6690-2", "10*3/uL", 13, 5, 1 },    /* leukocytes */
        { "loinc:1975-2", "mg/dL", 1.1, 0.7, 1 },   /* bilirubin */
        { "loinc:1988-5", "mg/L", 120, 60, 0 },     /* CRP */
        { "loinc:2744-1", "[pH]", 7.36, 0.06, 2 },  /* pH */
    };
    int step = p->hours > 72 ? 2 : 1;
    double map = p->shock ? 62 : 78;
    for (int h = 0; h <= p->hours; h += step) {
        time_t t = p->admit + (time_t)h * 3600 + range(r, 0, 5) * 60;
        map += normal(r, 0, 3) + ((p->shock ? 60 : 80) - map) * 0.1;
        double u = uniform(r);
        const char *mapcode = coded(r, "map", "loinc:8478-0");
        if (u < 0.08)
            obs(o, mapcode, map * 0.133322, "kPa", t, 2);
        else if (u < 0.25)
            obs(o, mapcode, map, "mmHg", t, 0);
        else
            obs(o, mapcode, map, "mm[Hg]", t, 0);
        obs(o, coded(r, "sbp", "loinc:8480-6"), map * 1.45 + normal(r, 0, 6), "mm[Hg]", t, 0);
        obs(o, "loinc:8867-4", normal(r, p->shock ? 108 : 86, 12), "/min", t, 0);
        obs(o, "loinc:59408-5", normal(r, 95, 2.5), "%", t, 0);
        obs(o, "loinc:9279-1", normal(r, 20, 4), "/min", t, 0);
        if (h % 4 == 0)
            obs(o, "loinc:8310-5", normal(r, 37.4, 0.7), "Cel", t, 1);
    }
    double lac = p->shock ? 4.5 : 1.6;
    for (int h = 1; h <= p->hours; h += p->severe ? 4 : 8) {
        lac = lac * 0.9 + (p->severe ? 6.0 : 1.5) * 0.1 + normal(r, 0, 0.4);
        if (lac < 0.4)
            lac = 0.4;
        if (chance(r, 0.3))
            obs(o, coded(r, "lactate", "loinc:59032-3"), lac * 9.008, "mg/dL",
                p->admit + h * 3600, 1);
        else
            obs(o, coded(r, "lactate", "loinc:2524-7"), lac, "mmol/L",
                p->admit + h * 3600, 1);
    }
    for (int h = 2; h <= p->hours; h += 12) {
        time_t t = p->admit + h * 3600;
        for (size_t i = 0; i < sizeof panel / sizeof panel[0]; i++)
            obs(o, panel[i].code, normal(r, panel[i].mean, panel[i].sd),
                panel[i].unit, t, panel[i].dec);
        if (h % 24 == 2) {
            obs(o, coded(r, "platelets", "loinc:777-3"),
                normal(r, p->severe ? 90 : 210, 40), "10*3/uL", t, 0);
            obs(o, coded(r, "sofa", "loinc:96790-1"),
                range(r, p->severe ? 9 : 2, p->severe ? 16 : 9), "{score}", t + 3600, 0);
            obs(o, coded(r, "gcs", "loinc:9269-2"), range(r, 6, 15), "{score}", t + 3600, 0);
        }
    }
}

static void
haemodynamics(out *o, rng *r, const patient *p)
{
    if (p->cardiac || chance(r, 0.3))
        for (int h = 3; h <= p->hours; h += 12)
            obs(o, coded(r, "lvef", "loinc:10230-1"), normal(r, p->cardiac ? 28 : 55, 6), "%",
                p->admit + h * 3600, 0);
    if (p->cardiac && chance(r, 0.7))
        for (int h = 4; h <= p->hours; h += 6)
            obs(o, "cardiac_index", normal(r, p->severe ? 2.0 : 2.9, 0.3),
                "L/min/m2", p->admit + h * 3600, 2);
    if (p->severe && chance(r, 0.5)) {
        for (int h = 5; h <= p->hours; h += 6) {
            if (realistic && chance(r, 0.5))
                obs(o, "svo2", normal(r, 55, 6) / 100, "1", p->admit + h * 3600, 2);
            else
                obs(o, "svo2", normal(r, 55, 6), "%", p->admit + h * 3600, 0);
        }
    }
    if (chance(r, p->cardiac ? 0.7 : 0.1))
        obs(o, "pcwp", normal(r, 17, 4), "mm[Hg]", p->now - range(r, 1, 30) * 3600, 0);
    if (chance(r, 0.6))
        obs(o, "child_pugh_score", range(r, 5, 12), "{score}", p->admit + 7200, 0);
    if (p->shock && chance(r, 0.6)) {
        time_t t = p->now - range(r, 1, 5) * 3600;
        obs(o, "mottling_score", range(r, 0, 5), "{score}", t, 0);
        obs(o, "crt_finger", normal(r, 3.5, 1), "s", t, 1);
        obs(o, "crt_knee", normal(r, 4.5, 1.2), "s", t, 1);
    }
}

static void
medications(out *o, rng *r, const patient *p)
{
    if (p->shock) {
        /* Norepinephrine in constant-rate intervals of 1-6 h. */
        time_t t = p->admit + range(r, 0, 4) * 3600;
        double rate = p->severe ? 1.0 : 0.15;
        while (t < p->now) {
            time_t end = t + range(r, 1, 6) * 3600;
            rate *= normal(r, 1.05, 0.15);
            if (rate < 0.02)
                rate = 0.02;
            med(o, "norepinephrine", "rate", rate, "ug/kg/min", t,
                end < p->now ? end : 0);
            t = end;
        }
        if (p->severe && chance(r, 0.6))
            med(o, "vasopressin", "rate", 0.0006, "U/kg/min",
                p->admit + 6 * 3600, 0);
        if (p->cardiac && chance(r, 0.5))
            med(o, "dobutamine", "rate", range(r, 3, 10), "ug/kg/min",
                p->admit + 8 * 3600, 0);
        if (p->severe && chance(r, 0.3))
            med(o, "epinephrine", "rate", range(r, 5, 30), "ug/min",
                p->admit + 10 * 3600, 0);
        if (chance(r, 0.5))
            med(o, "hydrocortisone", "dose", 200, "mg/d", p->admit + 12 * 3600, 0);
    }
    if (chance(r, 0.03))
        med(o, "cyclophosphamide", "dose", 500, "mg", p->admit - 20 * 86400, 0);
}

static void
conditions_and_procedures(out *o, rng *r, const patient *p, int complete_cond)
{
    char ts[24];
    put(o, "],\"conditions\":[");
    o->first = 1;
    if (p->shock) {
        stamp(p->admit + 3600, ts);
        sep(o);
        put(o, "{\"code\":\"septic_shock\",\"onset\":\"%s\"}", ts);
        if (p->severe) {
            stamp(p->admit + 12 * 3600, ts);
            sep(o);
            put(o, "{\"code\":\"refractory_septic_shock\",\"onset\":\"%s\"}", ts);
        }
    } else if (chance(r, 0.5)) {
        stamp(p->admit, ts);
        sep(o);
        put(o, "{\"code\":\"sepsis\",\"onset\":\"%s\"}", ts);
    }
    for (size_t i = 0; i < sizeof conditions / sizeof conditions[0]; i++) {
        double u = uniform(r);
        if (u < 0.04) {
            sep(o);
            put(o, "{\"code\":\"%s\"}", conditions[i]);
        } else if (!complete_cond && u < 0.35) {
            sep(o);
            put(o, "{\"code\":\"%s\",\"status\":\"absent\"}", conditions[i]);
        }
    }
    put(o, "],\"procedures\":[");
    o->first = 1;
    if (p->vent) {
        stamp(p->admit + range(r, 0, 6) * 3600, ts);
        sep(o);
        put(o, "{\"code\":\"mechanical_ventilation\",\"start\":\"%s\"}", ts);
    }
    if (p->rrt) {
        stamp(p->admit + range(r, 12, 30) * 3600, ts);
        sep(o);
        put(o, "{\"code\":\"renal_replacement_therapy\",\"start\":\"%s\"}", ts);
    }
    if (p->ecmo) {
        stamp(p->now - range(r, 2, 40) * 3600, ts);
        sep(o);
        put(o, "{\"code\":\"ecmo\",\"start\":\"%s\",\"mode\":\"%s\"}", ts,
            chance(r, 0.8) ? "VA" : "VV");
    }
}

static void
facts_object(out *o, rng *r)
{
    int any = 0;
    put(o, "],\"facts\":{");
    double u = uniform(r);
    if (u < 0.8) {
        put(o, "\"informed_consent\":%s", u < 0.7 ? "true" : "false");
        any = 1;
    }
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        double v = uniform(r);
        if (v < 0.6) {
            put(o, "%s\"%s\":%s", any ? "," : "", facts[i],
                v < 0.06 ? "true" : "false");
            any = 1;
        }
    }
    put(o, "}}");
}

/* The collected observations into the record, in random order. */
static void
shuffled(out *o, rng *r)
{
    item_at[nitems] = items.len;
    size_t *order = malloc((nitems + 1) * sizeof *order);
    if (!order) {
        fputs("gencohort: out of memory\n", stderr);
        exit(1);
    }
    for (size_t k = 0; k < nitems; k++)
        order[k] = k;
    for (size_t k = nitems; k > 1; k--) {
        size_t j = (size_t)(uniform(r) * (double)k);
        size_t tmp = order[k - 1];
        order[k - 1] = order[j];
        order[j] = tmp;
    }
    for (size_t k = 0; k < nitems; k++) {
        size_t a = item_at[order[k]], b = item_at[order[k] + 1];
        sep(o);
        put(o, "%.*s", (int)(b - a), items.p + a);
    }
    free(order);
}

static void
record(out *o, uint64_t seed, long i, int maxdays)
{
    rng r = { seed * 0x100000001b3ULL ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL };
    patient p;
    memset(&p, 0, sizeof p);
    /* Admissions spread over 2025-2026; stays skewed short. */
    p.admit = (time_t)1735689600 + (time_t)(uniform(&r) * 365 * 86400);
    double u = uniform(&r);
    p.hours = 3 + (int)(u * u * (realistic ? 2 : maxdays) * 24);
    if (p.hours > 24 * 30)
        p.hours = 24 * 30;
    p.now = p.admit + (time_t)p.hours * 3600 + 1800;
    p.child = chance(&r, 0.08);
    p.shock = chance(&r, 0.55);
    p.severe = p.shock && chance(&r, 0.5);
    p.cardiac = p.shock && chance(&r, 0.5);
    p.ecmo = p.severe && chance(&r, 0.25);
    p.vent = chance(&r, 0.6);
    p.rrt = p.severe && chance(&r, 0.3);
    p.weight = p.child ? normal(&r, 20, 8) : normal(&r, 78, 15);
    if (p.weight < 3)
        p.weight = 3;

    char now[24], admit[24], birth[24];
    stamp(p.now, now);
    stamp(p.admit, admit);
    int age = p.child ? range(&r, 0, 17) : range(&r, 18, 92);
    time_t born = p.admit - (time_t)age * 31556952 - range(&r, 0, 360) * 86400;
    stamp(born, birth);
    birth[10] = '\0';
    int complete_cond = chance(&r, 0.5);

    o->len = 0;
    put(o, "{\"format\":\"patient-record/1\",\"id\":\"%s-%llu-%07ld\",",
        realistic ? "ICU" : "SYN", (unsigned long long)seed, i);
    if (!realistic || chance(&r, 0.85))
        put(o, "\"as_of\":\"%s\",", now);
    put(o, "\"birth_date\":\"%s\",\"sex\":\"%s\",\"complete\":[",
        birth, chance(&r, 0.42) ? "female" : "male");
    o->first = 1;
    if (complete_cond) {
        sep(o);
        put(o, "\"conditions\"");
    }
    if (chance(&r, 0.6)) {
        sep(o);
        put(o, "\"procedures\",\"medications\"");
    }
    put(o, "],\"locations\":[{\"code\":\"ed\",\"start\":\"%s\"},", admit);
    stamp(p.admit + 2 * 3600, admit);
    put(o, "{\"code\":\"%s\",\"start\":\"%s\"}],\"observations\":[",
        p.child ? "picu" : "icu", admit);
    o->first = 1;
    stamp(p.admit, admit);
    obs(o, "weight", p.weight, "kg", p.admit + 1800, 1);
    if (chance(&r, 0.75))
        obs(o, "height", p.child ? normal(&r, 110, 25) : normal(&r, 172, 9),
            "cm", p.admit + 1800, 0);
    if (realistic) {
        nitems = items.len = 0;
        chart(o, &r, &p);
    } else {
        vitals(o, &r, &p);
    }
    haemodynamics(o, &r, &p);
    if (realistic)
        shuffled(o, &r);
    put(o, "],\"medications\":[");
    o->first = 1;
    medications(o, &r, &p);
    conditions_and_procedures(o, &r, &p, complete_cond);
    facts_object(o, &r);
    put(o, "\n");
}

int
main(int argc, char **argv)
{
    long n = 1000;
    unsigned long long seed = 1;
    int days = 9;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            days = atoi(argv[++i]);
        else if (strcmp(argv[i], "-r") == 0)
            realistic = 1;
        else {
            fputs("usage: gencohort [-n RECORDS] [-s SEED] [-d DAYS] [-r]\n", stderr);
            return 2;
        }
    }
    if (n < 0 || days < 1) {
        fputs("gencohort: RECORDS must be >= 0 and DAYS >= 1\n", stderr);
        return 2;
    }
    out o = { malloc(65536), 0, 65536, 1 };
    items = (out){ malloc(65536), 0, 65536, 1 };
    if (!o.p || !items.p)
        return 1;
    for (long i = 0; i < n; i++) {
        record(&o, seed, i, days);
        if (fwrite(o.p, 1, o.len, stdout) != o.len)
            return 1;
    }
    free(o.p);
    free(items.p);
    free(item_at);
    return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
}
