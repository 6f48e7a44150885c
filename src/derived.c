/*
** derived.c -- quantities computed from the record rather than recorded:
** the vasoactive-inotropic score, the body-mass index and the
** prednisolone-equivalent corticosteroid dose.
**
** Two of them are sums over the medication section, and a record that does
** not vouch for that section (`complete`) may leave a drug out.  Such a sum
** is a lower bound: it can prove "above" but never "below"
** (docs/evaluation.md, "Precise readings": sums over an incomplete section).  A drug whose
** contribution cannot be computed (a rate that needs a weight the record
** lacks, a course recorded without a rate) makes the sum a lower bound too:
** doses are never negative, so what the other drugs add up to is still
** proven.  Every comparison goes through result_cmp_value, so the
** tolerance of docs/evaluation.md applies: norepinephrine 1.1 + epinephrine
** 0.1 ug/kg/min is VIS 120, not more than 120.
*/
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spans.h"
#include "timeutil.h"
#include "units.h"

/* A drug and its weight in a weighted sum. */
typedef struct drug_weight {
    const char *name;
    double w;
} drug_weight;

/*
** Vasoactive-inotropic score (Gaies MG, Gurney JG, Yen AH et al.
** Vasoactive-inotropic score as a predictor of morbidity and mortality in
** infants after cardiopulmonary bypass.  Pediatr Crit Care Med
** 2010;11:234-8):
**   VIS = dopamine + dobutamine + 100 x epinephrine + 10 x milrinone
**         + 10000 x vasopressin + 100 x norepinephrine,
** all in ug/kg/min except vasopressin in U/kg/min (the canonical units of
** these concepts), over the infusions running at the screening time.
*/
static const drug_weight vis_drugs[] = {
    {"dopamine", 1}, {"dobutamine", 1}, {"epinephrine", 100},
    {"milrinone", 10}, {"vasopressin", 10000}, {"norepinephrine", 100},
};

/*
** Prednisolone-equivalent dose, mg per mg of each drug, from the usual
** anti-inflammatory equivalences: prednisolone 5 mg = prednisone 5 mg =
** methylprednisolone 4 mg = hydrocortisone 20 mg = dexamethasone 0.75 mg
** (Liu D, Ahmet A, Ward L et al.  A practical guide to the monitoring and
** management of the complications of systemic corticosteroid therapy.
** Allergy Asthma Clin Immunol 2013;9:30, Table 1).  5 / 0.75 = 6.67 is
** rounded as docs/evaluation.md gives it.
*/
static const drug_weight steroid_drugs[] = {
    {"prednisolone", 1}, {"prednisone", 1}, {"methylprednisolone", 1.25},
    {"hydrocortisone", 0.25}, {"dexamethasone", 6.67},
};

#define NDRUGS(a) ((int)(sizeof (a) / sizeof (a)[0]))

/* What a sum over the medication section knows about itself. */
typedef struct sum {
    double v;                   /* the sum of the contributions known */
    int lower_bound;            /* some contribution is or may be missing */
    int incomplete;             /* a drug may be running unlisted */
    int needs_weight;           /* a rate needed the patient's weight */
    const char *why;            /* first contribution that is not known */
    int nmissing;
    const char *missing[8];     /* data items that would complete it */
} sum;

/* Everything eval_derived needs beyond derived_value. */
typedef struct detail {
    derived_value dv;
    sum s;
    const char *why;            /* !known: why no value */
} detail;

/*
** {======================================================
** Helpers
** =======================================================
*/

static int
running_at(const med_entry *e, ts_time t)
{
    return e->start != TS_NONE && e->start <= t && (e->end == TS_NONE || e->end > t);
}

static const med_list *
meds_of(const record *r, const concept *c)
{
    if (!c || c->kind != CK_MEDICATION || !r->meds)
        return NULL;
    return &r->meds[c->index];
}

/*
** A sum over drugs is a lower bound unless the medications are complete or
** every drug of the sum has at least one entry (then none can be running
** unlisted).  A drug missing from the vocabulary counts as not listed.
*/
static int
section_incomplete(const record *r, const drug_weight *d, int n)
{
    if (r->complete & SEC_MEDICATIONS)
        return 0;
    for (int i = 0; i < n; i++) {
        const med_list *ml = meds_of(r, vocab_find(r->vocab, d[i].name));
        if (!ml || ml->n == 0)
            return 1;
    }
    return 0;
}

static const char *
num(eval_ctx *cx, double v)
{
    return result_num(cx, v);
}

static void
add_med(eval_ctx *cx, result *res, const concept *c, const med_entry *e,
        const char *value, const char *unit)
{
    if (res)
        result_add_evidence(cx, res, c->name, value, unit, e->start,
                            result_pointer(cx, "medications", e->src));
}

/*
** A contribution of drug c that cannot be computed: the sum becomes a
** lower bound.  Its reason is "C: NOTE", or without a note "C is
** running without a WORD"; what is missing, "weight" when weight is
** set, else "C WORD".  The sum keeps the first reason and each missing
** item once, so the texts are made only when kept: vis_since asks at
** every change point of the stay, and n overlapping entries without a
** usable rate, their texts made every time, filled the arena with n^2
** strings (40,000 of them in a 5 MB record ran the machine out of
** memory).
*/
static void
unknown_part(eval_ctx *cx, sum *s, const concept *c, const char *note,
             const char *word, int weight)
{
    s->lower_bound = 1;
    if (!s->why)
        s->why = note ? arena_printf(cx->a, "%s: %s", c->name, note)
                        : arena_printf(cx->a, "%s is running without a %s",
                                       c->name, word);
    size_t len = strlen(c->name);
    for (int i = 0; i < s->nmissing; i++) {
        const char *m = s->missing[i];
        if (weight ? strcmp(m, "weight") == 0
                   : strncmp(m, c->name, len) == 0 && m[len] == ' '
                     && strcmp(m + len + 1, word) == 0)
            return;
    }
    if (s->nmissing < (int)(sizeof s->missing / sizeof s->missing[0]))
        s->missing[s->nmissing++] = weight ? "weight"
                                    : arena_printf(cx->a, "%s %s", c->name, word);
}

/* The patient's latest usable weight in kg, or 0. */
static double
weight_kg(const record *r)
{
    const concept *c = vocab_find(r->vocab, "weight");
    const sample *s = facts_latest_ok(r, c);
    double f;
    if (!s || unit_factor(c->unit ? c->unit : "kg", "kg", NULL, &f, NULL, 0) != UNIT_OK)
        return 0;
    return s->v * f;
}

/* }====================================================== */

/*
** {======================================================
** VIS
** =======================================================
*/

/* The VIS drugs' concepts in the record's vocabulary (NULL: not in it) and
** whether the medications leave the sum a lower bound: looked up once per
** question, not at each of vis_since's change points (the lookups by name
** were a third of a VIS there). */
typedef struct vis_in {
    const concept *c[NDRUGS(vis_drugs)];
    int incomplete;
    /* For vis_since, which asks at every change point: per drug, the
    ** latest end among its entries 0..j (no end: INT64_MAX), or NULL.
    ** A drug's list is sorted by start (facts.c), so the entries that can
    ** be running at t are those from the first whose latest end so far is
    ** after t to the last that starts at or before t: the others are
    ** skipped, and a long stay of consecutive entries costs a few per
    ** point instead of all of them. */
    const ts_time *maxend[NDRUGS(vis_drugs)];
} vis_in;

static void
vis_lookup(const record *r, vis_in *in)
{
    for (int i = 0; i < NDRUGS(vis_drugs); i++) {
        in->c[i] = vocab_find(r->vocab, vis_drugs[i].name);
        in->maxend[i] = NULL;
    }
    in->incomplete = section_incomplete(r, vis_drugs, NDRUGS(vis_drugs));
}

/* in->maxend, for the drugs with entries. */
static void
vis_ranges(eval_ctx *cx, vis_in *in)
{
    for (int i = 0; i < NDRUGS(vis_drugs); i++) {
        const med_list *ml = meds_of(cx->r, in->c[i]);
        if (!ml || ml->n == 0)
            continue;
        ts_time *m = arena_alloc_raw(cx->a, (size_t)ml->n * sizeof *m);
        ts_time most = INT64_MIN;
        for (int j = 0; j < ml->n; j++) {
            ts_time e = ml->e[j].end == TS_NONE ? INT64_MAX : ml->e[j].end;
            most = e > most ? e : most;
            m[j] = most;
        }
        in->maxend[i] = m;
    }
}

/* The entries of drug i that can be running at t: [*lo, *hi). */
static void
vis_range(const vis_in *in, int i, const med_list *ml, ts_time t, int *lo,
          int *hi)
{
    *lo = 0;
    *hi = ml->n;
    const ts_time *m = in->maxend[i];
    if (!m)
        return;
    int a = 0, b = ml->n;           /* first j with m[j] > t */
    while (a < b) {
        int mid = a + (b - a) / 2;
        if (m[mid] > t)
            b = mid;
        else
            a = mid + 1;
    }
    *lo = a;
    b = ml->n;                      /* first j >= lo that starts after t */
    while (a < b) {
        int mid = a + (b - a) / 2;
        if (ml->e[mid].start > t)
            b = mid;
        else
            a = mid + 1;
    }
    *hi = a;
}

/* VIS at time t, with evidence for the drugs running when res is given. */
static sum
vis_at_in(eval_ctx *cx, const vis_in *in, ts_time t, result *res)
{
    const record *r = cx->r;
    sum s = {0};

    s.incomplete = in->incomplete;
    s.lower_bound = s.incomplete;
    for (int i = 0; i < NDRUGS(vis_drugs); i++) {
        const concept *c = in->c[i];
        const med_list *ml = meds_of(r, c);
        /* After a drug's first contribution that cannot be computed, the
        ** next of the same kind change nothing but lower_bound
        ** (unknown_part keeps the first reason and each missing item
        ** once): told says which kinds were, so that a stay of many such
        ** entries is not a search of the missing items per entry and
        ** change point.  Likewise whether a unit needs the weight is
        ** asked again only when the unit changes. */
        unsigned told = 0;              /* bit 0: "C rate", bit 1: "weight" */
        const char *wunit = NULL;
        int wneeds = 0;
        int lo = 0, hi = 0;
        if (ml)
            vis_range(in, i, ml, t, &lo, &hi);
        for (int j = lo; j < hi; j++) {
            const med_entry *e = &ml->e[j];
            if (!running_at(e, t) || e->kind == MED_DOSE)
                continue;
            if (e->kind == MED_INFUSION && e->ok) {
                s.v += vis_drugs[i].w * e->amount;
                add_med(cx, res, c, e, num(cx, e->amount), c->unit);
                continue;
            }
            int w = 0;
            if (e->kind == MED_INFUSION && e->unit && c->unit) {
                if (e->unit != wunit) {
                    wunit = e->unit;
                    wneeds = unit_needs_weight(e->unit, c->unit);
                }
                w = wneeds;
            }
            s.needs_weight |= w;
            if (told >> w & 1u)
                s.lower_bound = 1;
            else if (e->kind == MED_INFUSION)
                unknown_part(cx, &s, c, e->why ? e->why : "rate not usable",
                             "rate", w);
            else
                unknown_part(cx, &s, c, NULL, "rate", 0);
            told |= 1u << w;
            if (e->kind == MED_INFUSION)
                add_med(cx, res, c, e, num(cx, e->raw), e->unit);
            else
                add_med(cx, res, c, e, "running", NULL);
        }
    }
    return s;
}

static sum
vis_at(eval_ctx *cx, ts_time t, result *res)
{
    vis_in in;
    vis_lookup(cx->r, &in);
    return vis_at_in(cx, &in, t, res);
}

/* VIS at t from the infusions running then, without evidence: the HTML
** timeline draws it over the stay. */
derived_value
derived_vis_at(eval_ctx *cx, ts_time t)
{
    sum s = vis_at(cx, t, NULL);
    derived_value dv = { 1, s.v, s.lower_bound };
    return dv;
}

/* Is c one of the drugs VIS adds up? */
int
derived_is_vis_drug(const concept *c)
{
    for (int i = 0; c && i < NDRUGS(vis_drugs); i++)
        if (strcmp(c->name, vis_drugs[i].name) == 0)
            return 1;
    return 0;
}

/* }====================================================== */

/*
** {======================================================
** BMI
** =======================================================
*/

/*
** BMI = weight (kg) / height (m)^2 (WHO).  A recorded BMI is preferred to
** one computed from the latest weight and height, which may be from
** different days.  Neither has a meaningful since.
*/
static void
bmi(eval_ctx *cx, const concept *c, result *res, detail *d)
{
    const record *r = cx->r;
    const concept *wc = vocab_find(r->vocab, "weight");
    const concept *hc = vocab_find(r->vocab, "height");
    const sample *b = facts_latest_ok(r, c), *w, *h;
    double wf, hf, out = 1;

    if (b) {
        d->dv.known = 1;
        d->dv.v = b->v;
        if (res)
            result_add_evidence(cx, res, c->name, num(cx, b->v), c->unit, b->t,
                                result_pointer(cx, "observations", b->src));
        return;
    }
    w = facts_latest_ok(r, wc);
    h = facts_latest_ok(r, hc);
    if (!w || !h) {
        d->why = arena_printf(cx->a, "no BMI: no %s recorded",
                              !w && !h ? "weight or height" : !w ? "weight" : "height");
        if (res && !w)
            result_add_missing(cx, res, "weight");
        if (res && !h)
            result_add_missing(cx, res, "height");
        return;
    }
    if (unit_factor(wc->unit ? wc->unit : "kg", "kg", NULL, &wf, NULL, 0) != UNIT_OK ||
        unit_factor(hc->unit ? hc->unit : "cm", "m", NULL, &hf, NULL, 0) != UNIT_OK ||
        (c->unit && unit_factor("kg/m2", c->unit, NULL, &out, NULL, 0) != UNIT_OK) ||
        h->v <= 0) {
        d->why = "no BMI: weight or height in a unit that does not convert";
        return;
    }
    double m = h->v * hf;
    d->dv.known = 1;
    d->dv.v = w->v * wf / (m * m) * out;
    if (res) {
        result_add_evidence(cx, res, wc->name, num(cx, w->v), wc->unit, w->t,
                            result_pointer(cx, "observations", w->src));
        result_add_evidence(cx, res, hc->name, num(cx, h->v), hc->unit, h->t,
                            result_pointer(cx, "observations", h->src));
    }
}

/* }====================================================== */

/*
** {======================================================
** Prednisolone-equivalent dose
** =======================================================
*/

/* amount in unit e->unit converted to `to`, or -1 with the sum told why. */
static double
convert(eval_ctx *cx, sum *s, const concept *c, const med_entry *e,
        const char *to, const unit_ctx *uc)
{
    char why[256];
    double f;
    unit_status st;

    if (!e->unit) {
        unknown_part(cx, s, c, "no unit", "dose", 0);
        return -1;
    }
    st = unit_factor(e->unit, to, uc, &f, why, sizeof why);
    if (st != UNIT_OK) {
        s->needs_weight |= st == UNIT_NEEDS_WEIGHT;
        unknown_part(cx, s, c, why, "dose", st == UNIT_NEEDS_WEIGHT);
        return -1;
    }
    return e->raw * f;
}

/*
** The current daily dose in mg/d: regimens (mg/d) and infusions running at
** the screening time, plus single doses given in the 24 h up to it.  The
** 24 h are half-open, (now - 24 h, now], so that a once-daily dose given
** at the same hour yesterday and today counts once, not twice.
**
** With before_admission, only the regimens and infusions whose course
** began before the current admission (spans.c): long-term treatment, as
** opposed to a course started in hospital (stress-dose hydrocortisone).
** With no stay covering the screening time no course can be shown to
** predate the admission, and the sum is 0.
*/
static sum
steroid_sum(eval_ctx *cx, result *res, int before_admission)
{
    const record *r = cx->r;
    ts_time now = r->at, day_ago = now - TS_DAY;
    unit_ctx uc = {0, weight_kg(r)};
    sum s = {0};
    ts_time admitted = before_admission ? span_admission_start(r, now) : TS_NONE;

    s.incomplete = section_incomplete(r, steroid_drugs, NDRUGS(steroid_drugs));
    s.lower_bound = s.incomplete;
    for (int i = 0; i < NDRUGS(steroid_drugs); i++) {
        const concept *c = vocab_find(r->vocab, steroid_drugs[i].name);
        const med_list *ml = meds_of(r, c);
        for (int j = 0; ml && j < ml->n; j++) {
            const med_entry *e = &ml->e[j];
            double mg = 0;
            if (before_admission &&
                (e->kind == MED_DOSE || !running_at(e, now) || admitted == TS_NONE ||
                 span_course_onset(ml, j) >= admitted))
                continue;
            if (e->kind == MED_DOSE) {
                if (e->start == TS_NONE || e->start <= day_ago || e->start > now)
                    continue;
                mg = convert(cx, &s, c, e, "mg", &uc);
            } else if (!running_at(e, now)) {
                continue;
            } else if (e->kind == MED_COURSE) {
                unknown_part(cx, &s, c, NULL, "dose", 0);
                add_med(cx, res, c, e, "running", NULL);
                continue;
            } else {
                mg = convert(cx, &s, c, e, "mg/d", &uc);
            }
            add_med(cx, res, c, e, num(cx, e->raw), e->unit);
            if (mg >= 0)
                s.v += steroid_drugs[i].w * mg;
        }
    }
    return s;
}

/* }====================================================== */

/*
** {======================================================
** Entry points
** =======================================================
*/

static void
compute(eval_ctx *cx, const concept *c, result *res, detail *d)
{
    double f = 1;
    memset(d, 0, sizeof *d);
    if (strcmp(c->name, "vis") == 0) {
        d->s = vis_at(cx, cx->r->at, res);
        d->dv.known = 1;
        d->dv.v = d->s.v;
        d->dv.lower_bound = d->s.lower_bound;
    } else if (strcmp(c->name, "bmi") == 0) {
        bmi(cx, c, res, d);
    } else if (strcmp(c->name, "steroid_dose") == 0 ||
               strcmp(c->name, "steroid_dose_before_admission") == 0) {
        d->s = steroid_sum(cx, res, strcmp(c->name, "steroid_dose") != 0);
        if (c->unit && unit_factor("mg/d", c->unit, NULL, &f, NULL, 0) != UNIT_OK) {
            d->why = "prednisolone-equivalent dose: the concept's unit is not a daily dose";
            return;
        }
        d->dv.known = 1;
        d->dv.v = d->s.v * f;
        d->dv.lower_bound = d->s.lower_bound;
    } else {
        d->why = arena_printf(cx->a, "no computation is defined for derived quantity '%s'",
                              c->name);
    }
}

derived_value
derived_compute(eval_ctx *cx, const concept *c, result *res)
{
    detail d;
    compute(cx, c, res, &d);
    return d.dv;
}

/* The name in reasons. */
static const char *
shown(const concept *c)
{
    if (strcmp(c->name, "vis") == 0)
        return "VIS";
    if (strcmp(c->name, "bmi") == 0)
        return "BMI";
    if (strcmp(c->name, "steroid_dose") == 0)
        return "prednisolone-equivalent dose";
    if (strcmp(c->name, "steroid_dose_before_admission") == 0)
        return "prednisolone-equivalent dose of courses begun before admission";
    return c->name;
}

/*
** A comparison on a lower bound: the true value is v or more.  "above" and
** "at least" hold for every larger value, so a lower bound that satisfies
** them proves them; the others can only be refuted, when v already lies
** beyond their upper limit.
*/
static tv
decide(const num_cmp_t *cmp, double v, int lower_bound)
{
    double x = v * (cmp->scale != 0 ? cmp->scale : 1);
    int up = cmp->op == CMP_GT || cmp->op == CMP_GE;

    if (!lower_bound)
        return result_cmp_value(cmp, v) ? TV_MET : TV_NOT_MET;
    if (result_cmp_value(cmp, v))
        return up ? TV_MET : TV_UNKNOWN;
    switch (cmp->op) {
    case CMP_LT:
    case CMP_LE:        return TV_NOT_MET;
    case CMP_EQ:        return num_cmp(x, cmp->lo) > 0 ? TV_NOT_MET : TV_UNKNOWN;
    case CMP_BETWEEN:   return num_cmp(x, cmp->hi) > 0 ? TV_NOT_MET : TV_UNKNOWN;
    default:            return TV_UNKNOWN;
    }
}

static int
by_time_desc(const void *a, const void *b)
{
    ts_time x = *(const ts_time *)a, y = *(const ts_time *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/*
** Since when VIS has satisfied the comparison.  The score is constant
** between change points (every start and end of a VIS-drug entry up to
** now); walking back over them, the certain since is the earliest t with
** the comparison met on all of [t, now], and the possible since the
** earliest with it met or unknown on all of [t, now] -- a lower-bound sum
** at or below the threshold is unknown, not below (docs/evaluation.md,
** "Since-times"), so the possible since reaches back through such
** stretches, to the end of the last one that rules it out.  TS_NONE:
** unbounded (nothing rules it out back to before the first drug).
*/
static void
vis_since(eval_ctx *cx, const num_cmp_t *cmp, tv now_value, ts_time *since,
          ts_time *early)
{
    const record *r = cx->r;
    ts_time now = r->at, *pt = NULL;
    size_t n = 0, cap = 0;
    vis_in in;

    vis_lookup(r, &in);
    vis_ranges(cx, &in);
    for (int i = 0; i < NDRUGS(vis_drugs); i++) {
        const med_list *ml = meds_of(r, in.c[i]);
        for (int j = 0; ml && j < ml->n; j++) {
            ts_time t2[2] = {ml->e[j].start, ml->e[j].end};
            for (int k = 0; k < 2; k++) {
                if (t2[k] == TS_NONE || t2[k] > now)
                    continue;
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 16;
                    pt = arena_grow(cx->a, pt, cap, nc, sizeof *pt);
                    cap = nc;
                }
                pt[n++] = t2[k];
            }
        }
    }
    if (n > 1)              /* pt is NULL when no drug was recorded */
        qsort(pt, n, sizeof *pt, by_time_desc);

    /* The segment [pt[i], next) has the score at pt[i]; before the last
    ** change point nothing was running. */
    int certain = now_value == TV_MET;
    *since = *early = now;
    for (size_t i = 0; i <= n; i++) {
        if (i > 0 && i < n && pt[i] == pt[i - 1])
            continue;
        ts_time at = i < n ? pt[i] : (n > 0 ? pt[n - 1] - 1 : now);
        sum s = vis_at_in(cx, &in, at, NULL);
        tv v = decide(cmp, s.v, s.lower_bound);
        if (v != TV_MET)
            certain = 0;
        if (v == TV_NOT_MET)
            return;
        if (i == n) {               /* held before any drug: unbounded */
            if (certain)
                *since = TS_NONE;
            *early = TS_NONE;
            return;
        }
        if (certain)
            *since = pt[i];
        *early = pt[i];
    }
}

/* "others may be running (medications not marked complete)", or the first
** contribution that could not be computed. */
static const char *
bound_reason(const sum *s)
{
    if (s->why)
        return s->why;
    return "others may be running (medications not marked complete)";
}

result *
eval_derived(eval_ctx *cx, const rule *ru)
{
    const concept *c = ru->concepts[0];
    const char *name = shown(c), *cmp = result_cmp_text(cx, &ru->cmp);
    result *res = result_blank(cx, ru, TV_UNKNOWN);
    detail d;

    compute(cx, c, res, &d);
    if (!d.dv.known) {
        result_set_reason(res, d.why);
        return res;
    }

    const char *val = result_fmt_value(cx, &ru->cmp, d.dv.v);
    tv v = decide(&ru->cmp, d.dv.v, d.dv.lower_bound);
    const char *from = d.dv.lower_bound ? " from the listed drugs" : "";
    res->value = v;
    if (v != TV_NOT_MET && strcmp(c->name, "vis") == 0)
        vis_since(cx, &ru->cmp, v, &res->since, &res->since_early);
    if (v == TV_UNKNOWN) {
        res->since = TS_NONE;
        result_say(cx, res, "%s %s%s; %s", name, val, from,
                   bound_reason(&d.s));
        for (int i = 0; i < d.s.nmissing; i++)
            result_add_missing(cx, res, d.s.missing[i]);
        if (d.s.incomplete)
            result_add_missing(cx, res, "medications");
        return res;
    }
    result_say(cx, res, "%s %s%s is %s%s", name, val, from,
               v == TV_MET ? "" : "not ", cmp);
    return res;
}

/* }====================================================== */
