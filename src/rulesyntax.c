/*
** rulesyntax.c -- one rule mapping of a criteria file into a rule tree.
**
** A rule is a mapping with exactly one head key that says what kind of
** rule it is (latest, sustained, condition, all, ...), plus the modifiers
** that kind allows (a comparison, unit, within, ...), plus an optional
** "for: {more_than: D}" that any rule may carry.  The table "heads" below
** is the whole grammar: which modifiers each kind accepts and needs.
**
** Everything that can be checked without a patient is checked here, so
** that a typo can never silently disable a rule: unknown keys, modifiers
** that do not belong to the kind, concepts of the wrong kind, units that
** do not convert to the concept's unit, bad durations.  Thresholds stay in
** the rule's unit; cmp.scale takes a canonical value into that unit.
*/
#include "critload.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spans.h"
#include "units.h"

/* Modifier keys a kind may accept. */
enum {
    M_CMP       = 1 << 0,   /* above, below, ... with numbers */
    M_DCMP      = 1 << 1,   /* above, below, ... with durations */
    M_UNIT      = 1 << 2,
    M_WITHIN    = 1 << 3,
    M_MAX_GAP   = 1 << 4,
    M_LASTING   = 1 << 5,
    M_SPACING   = 1 << 6,
    M_TREND     = 1 << 7,
    M_COUNT     = 1 << 8,
    M_ONGOING   = 1 << 9,
    M_SUSPECTED = 1 << 10,
    M_ATTRIBUTE = 1 << 11,
    M_IS        = 1 << 12,
    M_OF        = 1 << 13,
    M_INFUSION  = 1 << 14,
    M_ACTIVE_WITHIN = 1 << 15,
    M_ONE_COURSE = 1 << 16,
    M_KNOWN     = 1 << 17
};

static const struct modifier {
    const char *name;
    unsigned bit;
} modifiers[] = {
    { "unit", M_UNIT }, { "within", M_WITHIN }, { "max_gap", M_MAX_GAP },
    { "lasting", M_LASTING }, { "spacing", M_SPACING }, { "trend", M_TREND },
    { "count", M_COUNT }, { "ongoing", M_ONGOING }, { "suspected", M_SUSPECTED },
    { "attribute", M_ATTRIBUTE }, { "is", M_IS }, { "of", M_OF },
    { "infusion", M_INFUSION }, { "active_within", M_ACTIVE_WITHIN },
    { "one_course", M_ONE_COURSE }, { "known", M_KNOWN },
    { NULL, 0 }
};

static const char *const cmp_names[] = {
    "above", "below", "at_least", "at_most", "equals", "between", NULL
};
static const cmp_op cmp_ops[] = {
    CMP_GT, CMP_LT, CMP_GE, CMP_LE, CMP_EQ, CMP_BETWEEN
};
#define CMP_LIST "above, below, at_least, at_most, equals, between"

/* Kinds of concept, as bit masks, that a head accepts. */
#define K(k) (1u << (k))

static const struct head {
    rule_kind kind;
    unsigned allowed;       /* M_* */
    unsigned concepts;      /* K(CK_*) for the head's value, 0 if none */
} heads[] = {
    { R_ALL,         0, 0 },
    { R_ANY,         0, 0 },
    { R_NOT,         0, 0 },
    { R_CHECK,       0, 0 },
    { R_AT_LEAST,    M_OF, 0 },
    { R_CRITERION,   0, 0 },
    { R_AGE,         M_UNIT, 0 },
    { R_SEX,         0, 0 },
    { R_LATEST,      M_CMP | M_UNIT | M_WITHIN,
      K(CK_OBSERVATION) | K(CK_DERIVED) },
    { R_ANY_VALUE,   M_CMP | M_UNIT | M_WITHIN, K(CK_OBSERVATION) },
    { R_ALL_VALUES,  M_CMP | M_UNIT | M_WITHIN, K(CK_OBSERVATION) },
    { R_SUSTAINED,   M_CMP | M_UNIT | M_MAX_GAP, K(CK_OBSERVATION) },
    { R_EPISODE,     M_CMP | M_UNIT | M_LASTING | M_WITHIN | M_MAX_GAP,
      K(CK_OBSERVATION) },
    { R_CONSECUTIVE, M_CMP | M_UNIT | M_COUNT | M_SPACING | M_TREND |
      M_WITHIN, K(CK_OBSERVATION) },
    { R_TIME_SINCE,  M_DCMP | M_ONGOING, 0 },
    { R_DURATION,    M_DCMP, 0 },
    { R_CONDITION,   M_SUSPECTED | M_WITHIN | M_ACTIVE_WITHIN |
      M_KNOWN, K(CK_CONDITION) },
    { R_PROCEDURE,   M_ONGOING | M_WITHIN | M_ATTRIBUTE, K(CK_PROCEDURE) },
    { R_LOCATION,    0, K(CK_LOCATION) },
    { R_MEDICATION,  M_WITHIN | M_INFUSION | M_ONE_COURSE,
      K(CK_MEDICATION) },
    { R_TOTAL,       M_CMP | M_UNIT | M_WITHIN, K(CK_MEDICATION) },
    { R_FACT,        M_CMP | M_UNIT | M_IS | M_WITHIN, K(CK_FACT) },
};
#define NHEADS (sizeof heads / sizeof heads[0])
/* A head's key is its kind's name (rulenames.c): one table of names. */
#define HEAD_NAME(h) rule_kind_name((h)->kind)


struct rctx {
    arena *a;
    const vocab *v;
    ts_error *err;
};

static rule *parse_rule(struct rctx *c, const ynode *n, int depth);
static rule *new_rule(struct rctx *c, rule_kind kind, const ynode *n);

/* --------------------------------------------------------------- helpers */

static int
key_index(const char *const *names, const char *key)
{
    for (int i = 0; names[i]; i++)
        if (ydoc_same(names[i], key))
            return i;
    return -1;
}

static const struct modifier *
find_modifier(const char *key)
{
    for (int i = 0; modifiers[i].name; i++)
        if (ydoc_same(modifiers[i].name, key))
            return &modifiers[i];
    return NULL;
}

static const struct head *
find_head(const char *key)
{
    for (size_t i = 0; i < NHEADS; i++)
        if (ydoc_same(HEAD_NAME(&heads[i]), key))
            return &heads[i];
    return NULL;
}

static int
get_duration(struct rctx *c, const ynode *n, const char *what, int positive,
             ts_duration *out)
{
    char why[200];
    const char *s;
    if (ydoc_string(n, what, &s, c->err) < 0)
        return -1;
    if (ts_parse_duration(s, out, why, sizeof why) < 0)
        return ydoc_error(c->err, n, "%s: %s", what, why);
    if (positive && out->seconds == 0 && out->months == 0)
        return ydoc_error(c->err, n, "%s must be longer than 0", what);
    return 0;
}

static int
get_bool(struct rctx *c, const ynode *map, const char *key, int *out)
{
    char what[40];
    const ynode *n = ydoc_get(map, key);
    if (!n)
        return 0;
    return ydoc_bool(n, ydoc_quoted(what, sizeof what, key), out, c->err);
}

/*
** The files the vocabulary was loaded from, in load order ("a.yaml,
** b.yaml"): an unknown concept may be in a file that was not loaded.
*/
static const char *
vocab_files(struct rctx *c)
{
    const char *s = NULL;
    for (int i = 0; i < vocab_count(c->v); i++) {
        const char *f = vocab_at(c->v, i)->file;
        int dup = 0;
        for (int j = 0; f && j < i && !dup; j++) {
            const char *g = vocab_at(c->v, j)->file;
            dup = g && strcmp(f, g) == 0;
        }
        if (f && !dup)
            s = s ? arena_printf(c->a, "%s, %s", s, f) : f;
    }
    return s ? s : "no file (built in)";
}

/* Look up a concept and check that its kind fits the head. */
static const concept *
get_concept(struct rctx *c, const ynode *n, const struct head *h)
{
    const char *name;
    char what[40];
    if (ydoc_string(n, ydoc_quoted(what, sizeof what, HEAD_NAME(h)), &name,
                    c->err) < 0)
        return NULL;
    const concept *k = vocab_find(c->v, name);
    if (!k) {
        const char *best = NULL;
        int bestd = 3;
        for (int i = 0; i < vocab_count(c->v); i++) {
            const char *cand = vocab_at(c->v, i)->name;
            int d = ydoc_distance(name, cand, 2);
            if (d < bestd && d < (int)n->len) {
                bestd = d;
                best = cand;
            }
        }
        if (best)
            ydoc_error(c->err, n, "unknown concept '%s' (did you mean '%s'?)",
                       name, best);
        else
            ydoc_error(c->err, n, "unknown concept '%s' (not in the "
                       "vocabulary loaded from %s)", name, vocab_files(c));
        return NULL;
    }
    if (h->concepts & K(k->kind))
        return k;
    if (k->kind == CK_DERIVED)
        ydoc_error(c->err, n, "'%s' is a derived quantity; only 'latest' can "
                   "use it", k->name);
    else if (h->concepts & K(CK_DERIVED))
        ydoc_error(c->err, n, "'%s' is %s, not an observation", k->name,
                   concept_kind_article(k->kind));
    else {
        int want = 0;
        while (!(h->concepts & K(want)))
            want++;
        ydoc_error(c->err, n, "'%s' is %s, not %s", k->name,
                   concept_kind_article(k->kind),
                   concept_kind_article((concept_kind)want));
    }
    return NULL;
}

/* One concept, or (multi) a non-empty list of them: any of them counts. */
static int
get_concepts(struct rctx *c, const ynode *n, const struct head *h, int multi,
             rule *r)
{
    int count = n->kind == Y_SEQ ? n->n : 1;
    if (n->kind == Y_SEQ && !multi)
        return ydoc_error(c->err, n, "'%s' takes one concept, not a list "
                          "(combine rules with any)", HEAD_NAME(h));
    if (n->kind == Y_SEQ && n->n == 0)
        return ydoc_error(c->err, n, "'%s' needs at least one concept", HEAD_NAME(h));
    if (n->kind == Y_MAP)
        return ydoc_error(c->err, n, "expected a concept name for '%s', found "
                          "a mapping", HEAD_NAME(h));
    r->concepts = arena_alloc(c->a, (size_t)count * sizeof *r->concepts);
    for (int i = 0; i < count; i++) {
        const ynode *item = n->kind == Y_SEQ ? n->items[i] : n;
        if (!(r->concepts[i] = get_concept(c, item, h)))
            return -1;
    }
    r->nconcepts = count;
    return 0;
}

/* ----------------------------------------------------------- comparisons */

/* The one comparison key of map, or NULL; two are an error. */
static int
find_cmp(struct rctx *c, const ynode *map, int *which, const ynode **key,
         const ynode **val)
{
    *key = *val = NULL;
    for (int i = 0; i < map->n; i++) {
        int k = key_index(cmp_names, YKEY(map, i)->str);
        if (k < 0)
            continue;
        if (*key)
            return ydoc_error(c->err, YKEY(map, i), "give one comparison, "
                              "found '%s' and '%s' (for a range write "
                              "between: [low, high])", (*key)->str,
                              YKEY(map, i)->str);
        *which = k;
        *key = YKEY(map, i);
        *val = YVAL(map, i);
    }
    return 0;
}

static int
between_pair(struct rctx *c, const ynode *v)
{
    if (v->kind != Y_SEQ || v->n != 2)
        return ydoc_error(c->err, v, "'between' needs two values: "
                          "between: [low, high]");
    return 0;
}

/* A numeric comparison; required: missing is an error naming head. */
static int
parse_cmp(struct rctx *c, const ynode *map, const char *head, int required,
          num_cmp_t *out)
{
    const ynode *k, *v;
    int which = 0;
    char what[40];

    out->op = CMP_NONE;
    out->scale = 1;
    if (find_cmp(c, map, &which, &k, &v) < 0)
        return -1;
    if (!k) {
        if (required)
            return ydoc_error(c->err, map, "'%s' needs a comparison: one of "
                              CMP_LIST, head);
        return 0;
    }
    out->op = cmp_ops[which];
    ydoc_quoted(what, sizeof what, k->str);
    if (out->op != CMP_BETWEEN)
        return ydoc_number(v, what, &out->lo, c->err);
    if (between_pair(c, v) < 0 ||
        ydoc_number(v->items[0], what, &out->lo, c->err) < 0 ||
        ydoc_number(v->items[1], what, &out->hi, c->err) < 0)
        return -1;
    if (out->lo > out->hi)
        return ydoc_error(c->err, v, "'between' needs low <= high, found "
                          "[%s, %s]", v->items[0]->str, v->items[1]->str);
    return 0;
}

/* A comparison of durations (time_since, duration). */
static int
parse_dcmp(struct rctx *c, const ynode *map, const char *head, dur_cmp *out)
{
    const ynode *k, *v;
    int which = 0;
    char what[40];

    if (find_cmp(c, map, &which, &k, &v) < 0)
        return -1;
    if (!k)
        return ydoc_error(c->err, map, "'%s' needs a comparison: one of "
                          "above, below, at_least, at_most, between", head);
    out->op = cmp_ops[which];
    ydoc_quoted(what, sizeof what, k->str);
    if (out->op == CMP_EQ)
        return ydoc_error(c->err, k, "'equals' is not allowed with '%s' "
                          "(a time is never exactly equal; use between)", head);
    if (out->op != CMP_BETWEEN)
        return get_duration(c, v, what, 0, &out->lo);
    if (between_pair(c, v) < 0 ||
        get_duration(c, v->items[0], what, 0, &out->lo) < 0 ||
        get_duration(c, v->items[1], what, 0, &out->hi) < 0)
        return -1;
    /* Months and seconds have no exact order; the rough one is enough to
    ** catch a range written backwards. */
    if (ts_duration_approx(out->lo) > ts_duration_approx(out->hi))
        return ydoc_error(c->err, v, "'between' needs low <= high, found "
                          "[%s, %s]", v->items[0]->str, v->items[1]->str);
    return 0;
}

/*
** The rule's unit against the concept's.  A rule must say its unit when
** the concept has one, so that "below: 65" can never be read in the wrong
** unit; only a pure score or count (factor 1, no dimension) may omit it.
*/
static int
parse_unit(struct rctx *c, const ynode *map, const concept *k, num_cmp_t *cmp)
{
    const ynode *n = ydoc_get(map, "unit");
    const char *u;
    char why[256];
    ts_unit cu;
    double f;

    cmp->scale = 1;
    cmp->unit = NULL;
    if (!k->unit) {
        if (n)
            return ydoc_error(c->err, n, "'%s' has no unit; remove 'unit'",
                              k->name);
        return 0;
    }
    if (!n) {
        int pure = unit_parse(k->unit, &cu, NULL, 0) == UNIT_OK && cu.factor == 1;
        for (int i = 0; pure && i < DIM_COUNT; i++)
            pure = cu.dim[i] == 0;
        if (pure)
            return 0;
        return ydoc_error(c->err, map, "a rule on '%s' needs 'unit:' (its "
                          "values are in %s)", k->name, k->unit);
    }
    if (ydoc_string(n, "'unit'", &u, c->err) < 0)
        return -1;
    if (unit_parse(u, &cu, why, sizeof why) != UNIT_OK)
        return ydoc_error(c->err, n, "%s", why);
    unit_ctx ctx = { k->molar_mass, 0 };
    if (unit_factor(k->unit, u, &ctx, &f, why, sizeof why) != UNIT_OK)
        return ydoc_error(c->err, n, "unit '%s' does not fit concept '%s' (%s)",
                          u, k->name, k->unit);
    cmp->unit = arena_strdup(c->a, u);
    cmp->scale = f;
    return 0;
}

/* ------------------------------------------------------------ rule kinds */

static int
parse_list(struct rctx *c, const ynode *n, const char *what, int depth, rule *r)
{
    if (ydoc_expect_seq(n, what, c->err) < 0)
        return -1;
    if (n->n == 0)
        return ydoc_error(c->err, n, "%s needs at least one rule", what);
    r->kids = arena_alloc(c->a, (size_t)n->n * sizeof *r->kids);
    for (int i = 0; i < n->n; i++)
        if (!(r->kids[i] = parse_rule(c, n->items[i], depth + 1)))
            return -1;
    r->nkids = n->n;
    return 0;
}

static int
parse_at_least(struct rctx *c, const ynode *map, const ynode *hv, int depth,
               rule *r)
{
    double n;
    if (ydoc_number(hv, "'at_least'", &n, c->err) < 0)
        return -1;
    if (parse_list(c, ydoc_get(map, "of"), "'of'", depth, r) < 0)
        return -1;
    if (n != floor(n) || n < 1 || n > r->nkids)
        return ydoc_error(c->err, hv, "'at_least' needs a whole number from 1 "
                          "to %d (the number of rules in 'of')", r->nkids);
    r->n = (int)n;
    return 0;
}

static int
parse_age(struct rctx *c, const ynode *map, const ynode *hv, rule *r)
{
    static const char *const keys[] = {
        "above", "below", "at_least", "at_most", "equals", "between", "unit", NULL
    };
    const ynode *u = ydoc_get(map, "unit");
    const char *s;

    if (ydoc_expect_map(hv, "'age'", c->err) < 0 ||
        ydoc_check_keys(hv, keys, "'age'", c->err) < 0 ||
        parse_cmp(c, hv, "age", 1, &r->cmp) < 0)
        return -1;
    if (u && ydoc_get(hv, "unit"))
        return ydoc_error(c->err, u, "'unit' is given twice for 'age'");
    if (!u)
        u = ydoc_get(hv, "unit");
    r->age_unit = AGE_YEARS;
    if (u) {
        if (ydoc_string(u, "'unit'", &s, c->err) < 0)
            return -1;
        if (strcmp(s, "mo") == 0)
            r->age_unit = AGE_MONTHS;
        else if (strcmp(s, "d") == 0)
            r->age_unit = AGE_DAYS;
        else if (strcmp(s, "a") != 0)
            return ydoc_error(c->err, u, "unknown age unit '%s'; expected a "
                              "(years), mo (months) or d (days)", s);
        r->cmp.unit = arena_strdup(c->a, s);
    }
    if (r->cmp.lo < 0)
        return ydoc_error(c->err, hv, "an age cannot be negative");
    return 0;
}

static int
parse_sex(struct rctx *c, const ynode *hv, rule *r)
{
    static const char *const names[] = { "female", "male", "other", "unknown", NULL };
    static const int values[] = { SEX_FEMALE, SEX_MALE, SEX_OTHER, SEX_UNKNOWN };
    int count = hv->kind == Y_SEQ ? hv->n : 1;
    if (hv->kind == Y_MAP || count == 0)
        return ydoc_error(c->err, hv, "'sex' needs female, male, other or "
                          "unknown, or a list of them");
    for (int i = 0; i < count; i++) {
        const ynode *item = hv->kind == Y_SEQ ? hv->items[i] : hv;
        const char *s;
        if (ydoc_string(item, "'sex'", &s, c->err) < 0)
            return -1;
        int k = key_index(names, s);
        if (k < 0)
            return ydoc_error(c->err, item, "unknown sex '%s'; expected one of "
                              "female, male, other, unknown", s);
        r->sexes |= 1u << values[k];
    }
    return 0;
}

static int parse_event(struct rctx *c, const ynode *hv, const struct head *h,
                       rule *r);

/*
** {first_of: [{condition: septic_shock}, {medication: [...]}]}: the
** earliest start that is known among several events; each item is an
** event of its own, kept as a comparison-less time_since leaf.
*/
static int
parse_first_of(struct rctx *c, const ynode *list, const struct head *h, rule *r)
{
    if (ydoc_expect_seq(list, "'first_of'", c->err) < 0)
        return -1;
    if (list->n < 2)
        return ydoc_error(c->err, list, "'first_of' needs at least two events");
    r->event = EV_FIRST_OF;
    r->events = arena_alloc(c->a, (size_t)list->n * sizeof *r->events);
    for (int i = 0; i < list->n; i++) {
        rule *e = new_rule(c, R_TIME_SINCE, list->items[i]);
        if (parse_event(c, list->items[i], h, e) < 0)
            return -1;
        if (e->event == EV_FIRST_OF)
            return ydoc_error(c->err, list->items[i], "'first_of' cannot "
                              "nest; list the events in one first_of");
        r->events[i] = e;
    }
    r->nevents = list->n;
    /* concepts[0] names the leaf in messages and lint: the first event's. */
    r->concepts = r->events[0]->concepts;
    r->nconcepts = r->events[0]->nconcepts;
    return 0;
}

/*
** An event: {medication: X}, {procedure: X}, {condition: X}, {location:
** X}; a list of medications is one course across them (a class).
*/
static int
parse_event(struct rctx *c, const ynode *hv, const struct head *h, rule *r)
{
    static const char *const keys[] = {
        "medication", "procedure", "condition", "location", "first_of", NULL
    };
    static const event_kind events[] = {
        EV_MEDICATION, EV_PROCEDURE, EV_CONDITION, EV_LOCATION, EV_FIRST_OF
    };
    if (ydoc_expect_map(hv, "an event such as {procedure: ecmo}", c->err) < 0 ||
        ydoc_check_keys(hv, keys, "an event", c->err) < 0)
        return -1;
    if (hv->n != 1)
        return ydoc_error(c->err, hv, "'%s' needs one event: {medication: X}, "
                          "{procedure: X}, {condition: X}, {location: X} or "
                          "{first_of: [event, ...]}", HEAD_NAME(h));
    int k = key_index(keys, YKEY(hv, 0)->str);
    if (events[k] == EV_FIRST_OF) {
        if (h->kind != R_TIME_SINCE)
            return ydoc_error(c->err, YKEY(hv, 0), "'first_of' is only "
                              "allowed with 'time_since'");
        return parse_first_of(c, YVAL(hv, 0), h, r);
    }
    r->event = events[k];
    if (get_concepts(c, YVAL(hv, 0), find_head(keys[k]),
                     events[k] == EV_MEDICATION && h->kind == R_TIME_SINCE, r) < 0)
        return -1;
    if (r->nconcepts > SPAN_CLASS_MAX)
        return ydoc_error(c->err, YVAL(hv, 0), "a course spans at most %d "
                          "drugs", SPAN_CLASS_MAX);
    r->one_course = r->nconcepts > 1;
    return 0;
}

static int
parse_trend(struct rctx *c, const ynode *map, rule *r)
{
    const ynode *n = ydoc_get(map, "trend");
    const char *s;
    r->trend = TREND_ANY;
    if (!n)
        return 0;
    if (ydoc_string(n, "'trend'", &s, c->err) < 0)
        return -1;
    if (strcmp(s, "non_decreasing") == 0)
        r->trend = TREND_NON_DECREASING;
    else if (strcmp(s, "non_increasing") == 0)
        r->trend = TREND_NON_INCREASING;
    else if (strcmp(s, "any") != 0)
        return ydoc_error(c->err, n, "unknown trend '%s'; expected "
                          "non_decreasing, non_increasing or any", s);
    return 0;
}

/* attribute: {mode: [VA, null]}: one attribute, its acceptable values; a
** null means "the record does not give it" is acceptable too. */
static int
parse_attribute(struct rctx *c, const ynode *n, rule *r)
{
    if (ydoc_expect_map(n, "'attribute'", c->err) < 0)
        return -1;
    if (n->n != 1)
        return ydoc_error(c->err, n, "'attribute' takes one attribute, e.g. "
                          "{mode: [VA, null]} (combine rules with all)");
    const ynode *k = YKEY(n, 0), *v = YVAL(n, 0);
    int count = v->kind == Y_SEQ ? v->n : 1;
    if (v->kind == Y_MAP || count == 0)
        return ydoc_error(c->err, v, "'%s' needs a value or a list of values",
                          k->str);
    r->attr_key = arena_strdup(c->a, k->str);
    r->attr_vals = arena_alloc(c->a, (size_t)count * sizeof *r->attr_vals);
    for (int i = 0; i < count; i++) {
        const ynode *item = v->kind == Y_SEQ ? v->items[i] : v;
        const char *s;
        if (ydoc_is_null(item))
            continue;
        if (ydoc_string(item, "an attribute value", &s, c->err) < 0)
            return -1;
        r->attr_vals[i] = arena_strdup(c->a, s);
    }
    r->nattr_vals = count;
    return 0;
}

static int
parse_fact(struct rctx *c, const ynode *map, rule *r)
{
    const ynode *is = ydoc_get(map, "is"), *eq = ydoc_get(map, "equals");
    const ynode *k, *v;
    int which;

    if (find_cmp(c, map, &which, &k, &v) < 0)
        return -1;
    if (is && k)
        return ydoc_error(c->err, k, "give 'is' or a comparison, not both");
    if (is) {
        if (ydoc_get(map, "unit"))
            return ydoc_error(c->err, ydoc_get(map, "unit"), "'unit' is not "
                              "allowed with 'is'");
        r->fact_type = VAL_BOOL;
        return ydoc_bool(is, "'is'", &r->fact_bool, c->err);
    }
    if (eq && eq->kind == Y_SCALAR && !ydoc_is_number(eq)) {
        int b;
        if (!eq->quoted && ydoc_bool(eq, "'equals'", &b, c->err) == 0)
            return ydoc_error(c->err, eq, "use 'is: %s' for a true/false fact",
                              eq->str);
        r->fact_type = VAL_STRING;
        if (ydoc_string(eq, "'equals'", &r->fact_str, c->err) < 0)
            return -1;
        r->fact_str = arena_strdup(c->a, r->fact_str);
        return 0;
    }
    if (!k)
        return ydoc_error(c->err, map, "'fact' needs 'is: true', 'is: false' "
                          "or a comparison: one of " CMP_LIST);
    r->fact_type = VAL_NUMBER;
    if (parse_cmp(c, map, "fact", 1, &r->cmp) < 0)
        return -1;
    return parse_unit(c, map, r->concepts[0], &r->cmp);
}

/* The leaves on observation values: latest ... consecutive. */
static int
parse_values(struct rctx *c, const ynode *map, const struct head *h, rule *r)
{
    const ynode *n;
    if (parse_cmp(c, map, HEAD_NAME(h), 1, &r->cmp) < 0 ||
        parse_unit(c, map, r->concepts[0], &r->cmp) < 0)
        return -1;
    r->max_gap = (ts_duration){ TS_HOUR, 0 };
    r->count = 2;
    if ((n = ydoc_get(map, "max_gap")) &&
        get_duration(c, n, "'max_gap'", 1, &r->max_gap) < 0)
        return -1;
    if ((n = ydoc_get(map, "spacing")) &&
        get_duration(c, n, "'spacing'", 0, &r->spacing) < 0)
        return -1;
    if (r->kind == R_EPISODE) {
        if (!(n = ydoc_get(map, "lasting")))
            return ydoc_error(c->err, map, "'episode' needs 'lasting' (how "
                              "long the values must hold)");
        if (get_duration(c, n, "'lasting'", 1, &r->lasting) < 0)
            return -1;
    }
    if ((r->kind == R_EPISODE || r->kind == R_ANY_VALUE ||
         r->kind == R_ALL_VALUES) && !ydoc_get(map, "within"))
        return ydoc_error(c->err, map, "'%s' needs 'within' (the look-back "
                          "window)", HEAD_NAME(h));
    if ((n = ydoc_get(map, "count"))) {
        double k;
        if (ydoc_number(n, "'count'", &k, c->err) < 0)
            return -1;
        if (k != floor(k) || k < 2 || k > 100)
            return ydoc_error(c->err, n, "'count' needs a whole number from 2 "
                              "to 100");
        r->count = (int)k;
    }
    return parse_trend(c, map, r);
}

/*
** total: [crystalloid, colloid], within: 24 h, at_least: 1, unit: L.  The
** concepts are summed, so they must share one unit; the look-back is
** required (a total over all time means nothing at the bedside).
*/
static int
parse_total(struct rctx *c, const ynode *map, const ynode *hv,
            const struct head *h, rule *r)
{
    if (get_concepts(c, hv, h, 1, r) < 0 ||
        parse_cmp(c, map, HEAD_NAME(h), 1, &r->cmp) < 0 ||
        parse_unit(c, map, r->concepts[0], &r->cmp) < 0)
        return -1;
    if (!r->concepts[0]->unit)
        return ydoc_error(c->err, hv, "'total' needs medications with a unit "
                          "('%s' has none)", r->concepts[0]->name);
    for (int i = 1; i < r->nconcepts; i++)
        if (!r->concepts[i]->unit ||
            strcmp(r->concepts[i]->unit, r->concepts[0]->unit) != 0)
            return ydoc_error(c->err, hv->kind == Y_SEQ ? hv->items[i] : hv,
                              "'total' adds its medications, so they need one "
                              "unit: '%s' is in %s, '%s' in %s",
                              r->concepts[0]->name, r->concepts[0]->unit,
                              r->concepts[i]->name,
                              r->concepts[i]->unit ? r->concepts[i]->unit : "no unit");
    if (!ydoc_get(map, "within"))
        return ydoc_error(c->err, map, "'total' needs 'within' (the look-back "
                          "window)");
    return 0;
}

static int
parse_kind(struct rctx *c, const ynode *map, const struct head *h,
           const ynode *hv, int depth, rule *r)
{
    const ynode *n;
    switch (h->kind) {
    case R_ALL:
    case R_ANY:
        return parse_list(c, hv, h->kind == R_ALL ? "'all'" : "'any'", depth, r);
    case R_NOT:
    case R_CHECK:
        r->kids = arena_alloc(c->a, sizeof *r->kids);
        r->nkids = 1;
        return (r->kids[0] = parse_rule(c, hv, depth + 1)) ? 0 : -1;
    case R_AT_LEAST:
        return parse_at_least(c, map, hv, depth, r);
    case R_CRITERION:
        r->ref_index = -1;
        if (ydoc_string(hv, "'criterion'", &r->ref_id, c->err) < 0)
            return -1;
        r->ref_id = arena_strdup(c->a, r->ref_id);
        return 0;
    case R_AGE:
        return parse_age(c, map, hv, r);
    case R_SEX:
        return parse_sex(c, hv, r);
    case R_TIME_SINCE:
    case R_DURATION:
        if (parse_event(c, hv, h, r) < 0 || parse_dcmp(c, map, HEAD_NAME(h), &r->dcmp) < 0 ||
            get_bool(c, map, "ongoing", &r->ongoing) < 0)
            return -1;
        if (ydoc_get(map, "ongoing") && r->event != EV_PROCEDURE)
            return ydoc_error(c->err, ydoc_get(map, "ongoing"), "'ongoing' is "
                              "only allowed with a procedure");
        /* Only procedures have a duration the evaluator can measure. */
        if (h->kind == R_DURATION && r->event != EV_PROCEDURE)
            return ydoc_error(c->err, hv, "'duration' is only defined for a "
                              "procedure (duration: {procedure: cpr})");
        return 0;
    case R_CONDITION:
    case R_PROCEDURE:
    case R_MEDICATION:
    case R_LOCATION:
        if (get_concepts(c, hv, h, h->kind != R_LOCATION, r) < 0 ||
            get_bool(c, map, "ongoing", &r->ongoing) < 0 ||
            get_bool(c, map, "suspected", &r->suspected) < 0 ||
            get_bool(c, map, "infusion", &r->infusion) < 0 ||
            get_bool(c, map, "one_course", &r->one_course) < 0 ||
            get_bool(c, map, "known", &r->known) < 0)
            return -1;
        if (r->known && r->suspected)
            return ydoc_error(c->err, ydoc_get(map, "known"), "'known' and "
                              "'suspected: true' contradict each other");
        if ((n = ydoc_get(map, "one_course")) && ydoc_get(map, "within"))
            return ydoc_error(c->err, n, "'one_course' reads the course "
                              "running now; it cannot be combined with 'within'");
        if (r->nconcepts > SPAN_CLASS_MAX && r->one_course)
            return ydoc_error(c->err, hv, "a course spans at most %d drugs",
                              SPAN_CLASS_MAX);
        if ((n = ydoc_get(map, "ongoing")) && ydoc_get(map, "within"))
            return ydoc_error(c->err, n, "'ongoing' and 'within' cannot be "
                              "combined (use any: to allow either)");
        if ((n = ydoc_get(map, "attribute")) && parse_attribute(c, n, r) < 0)
            return -1;
        return 0;
    case R_FACT:
        return get_concepts(c, hv, h, 0, r) < 0 ? -1 : parse_fact(c, map, r);
    case R_TOTAL:
        return parse_total(c, map, hv, h, r);
    default:
        return get_concepts(c, hv, h, 0, r) < 0 ? -1 : parse_values(c, map, h, r);
    }
}

/* ----------------------------------------------------------- the shape */

/* The head key of a rule mapping: exactly one.  at_least is a head only
** next to "of"; otherwise it is a comparison. */
static const struct head *
find_rule_head(struct rctx *c, const ynode *map, const ynode **hv)
{
    const struct head *h = NULL;
    const ynode *hk = NULL;
    int has_of = ydoc_get(map, "of") != NULL;

    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i);
        const struct head *x = find_head(k->str);
        if (!x || (x->kind == R_AT_LEAST && !has_of))
            continue;
        if (h) {
            ydoc_error(c->err, k, "a rule has one kind, found '%s' and '%s' "
                       "(combine rules with all or any)", hk->str, k->str);
            return NULL;
        }
        h = x;
        hk = k;
        *hv = YVAL(map, i);
    }
    if (h)
        return h;
    /* No head: a misspelt one is the likeliest cause. */
    const char *all_keys[64];
    int na = 0;
    for (size_t i = 0; i < NHEADS; i++)
        all_keys[na++] = HEAD_NAME(&heads[i]);
    for (int i = 0; modifiers[i].name; i++)
        all_keys[na++] = modifiers[i].name;
    for (int i = 0; cmp_names[i]; i++)
        all_keys[na++] = cmp_names[i];
    all_keys[na++] = "for";
    all_keys[na] = NULL;
    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i);
        if (key_index(all_keys, k->str) >= 0)
            continue;
        const char *s = ydoc_suggest(k->str, all_keys);
        if (s) {
            ydoc_error(c->err, k, "unknown key '%s' (did you mean '%s'?)",
                       k->str, s);
            return NULL;
        }
    }
    ydoc_error(c->err, map, "rule has no kind; expected one of all, any, not, "
               "at_least (with of), criterion, age, sex, latest, any_value, "
               "all_values, sustained, episode, consecutive, time_since, "
               "duration, condition, procedure, location, medication, total, fact");
    return NULL;
}

/* Every key besides the head must be a modifier that this kind accepts. */
static int
check_modifiers(struct rctx *c, const ynode *map, const struct head *h)
{
    const char *allowed[40];
    int na = 0;

    allowed[na++] = "for";
    for (int i = 0; modifiers[i].name; i++)
        if (h->allowed & modifiers[i].bit)
            allowed[na++] = modifiers[i].name;
    if (h->allowed & (M_CMP | M_DCMP))
        for (int i = 0; cmp_names[i]; i++)
            allowed[na++] = cmp_names[i];
    allowed[na] = NULL;

    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i);
        if (strcmp(k->str, HEAD_NAME(h)) == 0 || key_index(allowed, k->str) >= 0)
            continue;
        if (find_modifier(k->str) || key_index(cmp_names, k->str) >= 0) {
            if (h->kind == R_AGE && key_index(cmp_names, k->str) >= 0)
                return ydoc_error(c->err, k, "write the comparison inside "
                                  "'age': age: {%s: ...}", k->str);
            return ydoc_error(c->err, k, "'%s' is not allowed with '%s'",
                              k->str, HEAD_NAME(h));
        }
        /* A near miss of an operator is named as one: the user was
        ** writing a comparison, and the list of operators helps most. */
        const char *s = ydoc_suggest(k->str, allowed);
        if (s && key_index(cmp_names, s) >= 0)
            return ydoc_error(c->err, k, "unknown operator '%s'; expected one "
                              "of " CMP_LIST, k->str);
        if (s)
            return ydoc_error(c->err, k, "unknown key '%s' (did you mean '%s'?)",
                              k->str, s);
        return ydoc_error(c->err, k, "unknown key '%s' in a '%s' rule",
                          k->str, HEAD_NAME(h));
    }
    return 0;
}

static rule *
new_rule(struct rctx *c, rule_kind kind, const ynode *n)
{
    rule *r = arena_alloc(c->a, sizeof *r);
    r->kind = kind;
    r->line = n->line;
    r->column = n->column;
    r->cmp.scale = 1;
    r->ref_index = -1;
    return r;
}

/* for: {more_than: 5 h} or {at_least: 5 h} */
static int
parse_for(struct rctx *c, const ynode *n, dur_cmp *out)
{
    static const char *const keys[] = { "more_than", "at_least", NULL };
    if (ydoc_expect_map(n, "'for'", c->err) < 0 ||
        ydoc_check_keys(n, keys, "'for'", c->err) < 0)
        return -1;
    if (n->n != 1)
        return ydoc_error(c->err, n, "'for' needs one of more_than or at_least, "
                          "e.g. for: {more_than: 5 h}");
    out->op = strcmp(YKEY(n, 0)->str, "more_than") == 0 ? CMP_GT : CMP_GE;
    return get_duration(c, YVAL(n, 0), strcmp(YKEY(n, 0)->str, "more_than") == 0
                        ? "'more_than'" : "'at_least'", 0, &out->lo);
}

static rule *
parse_rule(struct rctx *c, const ynode *n, int depth)
{
    const ynode *hv = NULL, *fv, *wv;
    const struct head *h;
    char d[64];

    if (n->kind != Y_MAP) {
        ydoc_error(c->err, n, "expected a rule (a mapping such as {latest: "
                   "map, below: 65, unit: \"mm[Hg]\"}), found %s",
                   ydoc_describe(n, d, sizeof d));
        return NULL;
    }
    /* "for" wraps the rule in a node of its own: one level more. */
    fv = ydoc_get(n, "for");
    if (fv)
        depth++;
    if (depth > RULE_MAX_DEPTH) {
        ydoc_error(c->err, n, "rules nested deeper than %d levels",
                   RULE_MAX_DEPTH);
        return NULL;
    }
    if (!(h = find_rule_head(c, n, &hv)) || check_modifiers(c, n, h) < 0)
        return NULL;
    rule *r = new_rule(c, h->kind, n);
    r->max_gap = (ts_duration){ TS_HOUR, 0 };
    if ((wv = ydoc_get(n, "within"))) {
        if (get_duration(c, wv, "'within'", 1, &r->within) < 0)
            return NULL;
        r->has_within = 1;
    }
    /* A condition present at some time in a look-back, rather than one
    ** whose onset falls in it. */
    if ((wv = ydoc_get(n, "active_within"))) {
        if (r->has_within) {
            ydoc_error(c->err, wv, "'active_within' and 'within' cannot be "
                       "combined");
            return NULL;
        }
        if (get_duration(c, wv, "'active_within'", 1, &r->within) < 0)
            return NULL;
        r->has_within = 1;
        r->active_within = 1;
    }
    if (parse_kind(c, n, h, hv, depth, r) < 0)
        return NULL;
    if (!fv)
        return r;
    rule *w = new_rule(c, R_HELD_FOR, n);
    if (parse_for(c, fv, &w->hold) < 0)
        return NULL;
    w->kids = arena_alloc(c->a, sizeof *w->kids);
    w->kids[0] = r;
    w->nkids = 1;
    return w;
}

rule *
rule_parse(arena *a, const vocab *v, const ynode *n, ts_error *err)
{
    struct rctx c = { a, v, err };
    return parse_rule(&c, n, 1);
}
