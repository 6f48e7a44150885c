/*
** vocabload.c -- reading vocabulary files (criteria/concepts.yaml) into the
** in-memory vocabulary of vocab.c.
**
**   concepts:
**     map: {kind: observation, label: mean arterial pressure,
**           unit: "mm[Hg]", codes: [loinc:8478-0]}
**   codes:                       # optional: more codes for known concepts
**     local:MAP1: map
**     "http://hospital.example.org/fhir/lab|K-LACT": lactate   # FHIR
**
** A file may hold either section or both.  Loading goes in two passes
** (every "concepts" section, then every "codes" section) so that a site's
** file of local codes works whatever its name sorts as.  Everything is
** checked here, once, so that later stages can trust a concept: its kind
** is known, its unit parses, its codes are of the form system:code.
*/
#include "critload.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "units.h"

int
vocab_is_doc(const ydoc *d)
{
    return d->root->kind == Y_MAP &&
           (ydoc_get(d->root, "concepts") || ydoc_get(d->root, "codes"));
}

/* Names are plain identifiers, so that they can never be mistaken for a
** coded form (which always has a colon). */
static int
check_name(const ynode *n, ts_error *err)
{
    const char *s = n->str;
    int ok = n->len > 0 && n->len <= 64 && islower((unsigned char)s[0]);
    for (size_t i = 0; ok && i < n->len; i++)
        ok = islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
             s[i] == '_';
    if (!ok)
        return ydoc_error(err, n, "concept name '%s' must start with a "
                          "lower-case letter and contain only a-z, 0-9 and "
                          "'_'", s);
    return 0;
}

/*
** A code is system:code (loinc:8478-0), or, for a site's own FHIR code
** system, the FHIR token form SYSTEM-URI|code
** (http://hospital.example.org/fhir/lab|K-LACT): fhirmap.c looks a coding
** of a system it has no prefix for up in that form.
*/
static int
check_code(const ynode *n, ts_error *err)
{
    const char *s = n->str, *colon = strchr(s, ':'), *bar = strchr(s, '|');
    if (bar) {
        int ok = bar > s && bar[1] != '\0' && !strchr(bar + 1, '|');
        for (const char *p = s; ok && *p; p++)
            ok = isgraph((unsigned char)*p);
        if (!ok)
            return ydoc_error(err, n, "code '%s' must be written SYSTEM|code "
                              "(a FHIR code system URI, a bar, the code), "
                              "with no spaces", s);
        return 0;
    }
    int ok = colon && colon > s && colon[1] != '\0';
    for (const char *p = s; ok && p < colon; p++)
        ok = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.';
    for (const char *p = s; ok && *p; p++)
        ok = isgraph((unsigned char)*p);
    if (!ok)
        return ydoc_error(err, n, "code '%s' must be written system:code, "
                          "e.g. loinc:8478-0, with no spaces", s);
    return 0;
}

static int
add_code(vocab *v, concept *c, const ynode *n, ts_error *err)
{
    ts_error e;
    const char *code;
    if (ydoc_string(n, "a code", &code, err) < 0 || check_code(n, err) < 0)
        return -1;
    ts_error_clear(&e);
    if (vocab_add_code(v, c, code, &e) < 0)
        return ydoc_error(err, n, "%s", e.msg);
    return 0;
}

static int
parse_kind(const ynode *n, concept_kind *out, ts_error *err)
{
    const char *s;
    const char *kind_names[CK_COUNT + 1];
    if (ydoc_string(n, "'kind'", &s, err) < 0)
        return -1;
    for (int k = 0; k < CK_COUNT; k++) {
        kind_names[k] = concept_kind_name((concept_kind)k);
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (concept_kind)k;
            return 0;
        }
    }
    kind_names[CK_COUNT] = NULL;
    const char *hint = ydoc_suggest(s, kind_names);
    if (hint)
        return ydoc_error(err, n, "unknown kind '%s' (did you mean '%s'?)", s, hint);
    return ydoc_error(err, n, "unknown kind '%s'; expected one of observation, "
                      "medication, condition, procedure, location, fact, "
                      "derived", s);
}

static int
parse_unit(const ynode *n, concept_kind kind, const char **out, ts_error *err)
{
    char why[256];
    ts_unit u;
    if (ydoc_string(n, "'unit'", out, err) < 0)
        return -1;
    if (kind == CK_CONDITION || kind == CK_PROCEDURE || kind == CK_LOCATION)
        return ydoc_error(err, n, "%s has no unit", concept_kind_article(kind));
    if (unit_parse(*out, &u, why, sizeof why) != UNIT_OK)
        return ydoc_error(err, n, "%s", why);
    return 0;
}

static int
load_concept(vocab *v, const char *file, const ynode *key, const ynode *spec,
             ts_error *err)
{
    static const char *const keys[] = {
        "kind", "label", "unit", "molar_mass", "codes", "note", "broader",
        "sex", NULL
    };
    const ynode *n;
    concept_kind kind = CK_FACT;
    const char *unit = NULL, *label = NULL, *note;
    double mm = 0;
    ts_error e;

    if (check_name(key, err) < 0 || ydoc_expect_map(spec, "a concept", err) < 0 ||
        ydoc_check_keys(spec, keys, "a concept", err) < 0)
        return -1;
    if (!(n = ydoc_get(spec, "kind")))
        return ydoc_error(err, spec, "concept '%s' has no 'kind'", key->str);
    if (parse_kind(n, &kind, err) < 0)
        return -1;
    if ((n = ydoc_get(spec, "unit")) && parse_unit(n, kind, &unit, err) < 0)
        return -1;
    if ((n = ydoc_get(spec, "label")) && ydoc_string(n, "'label'", &label, err) < 0)
        return -1;
    if ((n = ydoc_get(spec, "note")) && ydoc_string(n, "'note'", &note, err) < 0)
        return -1;
    if ((n = ydoc_get(spec, "molar_mass"))) {
        if (ydoc_number(n, "'molar_mass'", &mm, err) < 0)
            return -1;
        if (!(mm > 0))
            return ydoc_error(err, n, "'molar_mass' must be above 0 (g/mol)");
        if (!unit)
            return ydoc_error(err, n, "'molar_mass' needs a 'unit'");
    }

    ts_error_clear(&e);
    concept *c = vocab_add(v, key->str, kind, unit, &e);
    if (!c)
        return ydoc_error(err, key, "%s", e.msg);
    if (label)
        c->label = vocab_intern(v, label);
    c->molar_mass = mm;
    c->file = file;
    c->line = key->line;
    c->column = key->column;

    if ((n = ydoc_get(spec, "sex"))) {
        const char *sx;
        if (ydoc_string(n, "'sex'", &sx, err) < 0)
            return -1;
        if (kind != CK_CONDITION)
            return ydoc_error(err, n, "'sex' is only for conditions");
        /* The bit numbers are those of enum sex in facts.h. */
        if (strcmp(sx, "female") == 0)
            c->sexes = 1u << 1;
        else if (strcmp(sx, "male") == 0)
            c->sexes = 1u << 2;
        else
            return ydoc_error(err, n, "'sex' must be female or male");
    }
    if ((n = ydoc_get(spec, "codes"))) {
        if (n->kind == Y_SCALAR)
            return add_code(v, c, n, err);
        if (ydoc_expect_seq(n, "'codes'", err) < 0)
            return -1;
        for (int i = 0; i < n->n; i++)
            if (add_code(v, c, n->items[i], err) < 0)
                return -1;
    }
    return 0;
}

/* "broader: aortic_regurgitation": another condition, possibly defined
** later in the file, hence a second pass. */
static int
link_broader(vocab *v, const ynode *key, const ynode *spec, ts_error *err)
{
    const ynode *n = ydoc_get(spec, "broader");
    const char *name;
    if (!n)
        return 0;
    if (ydoc_string(n, "'broader'", &name, err) < 0)
        return -1;
    concept *c = vocab_edit(v, key->str);
    const concept *b = vocab_find(v, name);
    if (!b)
        return ydoc_error(err, n, "unknown concept '%s'", name);
    if (c->kind != CK_CONDITION || b->kind != CK_CONDITION)
        return ydoc_error(err, n, "'broader' links a condition to a condition");
    if (b == c || b->broader)
        return ydoc_error(err, n, "'broader' must name a condition that has "
                          "no broader one itself");
    c->broader = b;
    return 0;
}

/* "codes: {local:MAP1: map}": extra codes for concepts defined anywhere. */
static int
load_codes(vocab *v, const ynode *map, ts_error *err)
{
    if (ydoc_expect_map(map, "'codes'", err) < 0)
        return -1;
    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i), *val = YVAL(map, i);
        const char *name;
        if (ydoc_string(val, "a concept name", &name, err) < 0)
            return -1;
        concept *c = vocab_edit(v, name);
        if (!c)
            return ydoc_error(err, val, "unknown concept '%s'", name);
        if (add_code(v, c, k, err) < 0)
            return -1;
    }
    return 0;
}

int
vocab_load_doc(vocab *v, const ydoc *d, unsigned parts, ts_error *err)
{
    static const char *const keys[] = { "concepts", "codes", NULL };
    const ynode *n;
    const char *file = vocab_intern(v, d->name);

    ts_error_clear(err);
    err->file = file;
    if (ydoc_expect_map(d->root, "a vocabulary file", err) < 0 ||
        ydoc_check_keys(d->root, keys, "a vocabulary file", err) < 0)
        return -1;
    if ((parts & VOCAB_CONCEPTS) && (n = ydoc_get(d->root, "concepts"))) {
        if (ydoc_expect_map(n, "'concepts'", err) < 0)
            return -1;
        for (int i = 0; i < n->n; i++)
            if (load_concept(v, file, YKEY(n, i), YVAL(n, i), err) < 0)
                return -1;
        for (int i = 0; i < n->n; i++)
            if (link_broader(v, YKEY(n, i), YVAL(n, i), err) < 0)
                return -1;
    }
    if ((parts & VOCAB_CODES) && (n = ydoc_get(d->root, "codes")))
        if (load_codes(v, n, err) < 0)
            return -1;
    return 0;
}

static int
load_parsed(vocab *v, ydoc *d, ts_error *err)
{
    int rc;
    if (!d)
        return -1;
    if (!vocab_is_doc(d)) {
        err->file = d->name;
        ydoc_error(err, d->root, "not a vocabulary file (expected a "
                   "top-level 'concepts' mapping)");
        ydoc_free(d);
        return -1;
    }
    rc = vocab_load_doc(v, d, VOCAB_CONCEPTS | VOCAB_CODES, err);
    ydoc_free(d);
    return rc;
}

int
vocab_load(vocab *v, const char *path, ts_error *err)
{
    const char *name = vocab_intern(v, path);
    return load_parsed(v, ydoc_parse_file(name, err), err);
}

int
vocab_load_buffer(vocab *v, const char *name, const char *buf, size_t len,
                  ts_error *err)
{
    name = vocab_intern(v, name);
    return load_parsed(v, ydoc_parse(name, buf, len, err), err);
}
