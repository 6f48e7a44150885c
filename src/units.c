/*
** units.c -- a closed subset of UCUM: parsing, conversion, comparison.
**
** A code such as "ug/kg/min" is parsed by recursive descent into a factor
** and a vector of exponents over five base dimensions (g, m, s, mol and an
** arbitrary activity unit).  Two units with the same vector convert by the
** ratio of their factors; the two conversions that need outside knowledge
** (molar mass, body weight) are recognised by the exact difference of the
** vectors and are refused when that knowledge is missing.
**
** The atom table is deliberately small and closed: a unit we do not know
** is reported, never guessed.  UCUM is case-sensitive ("mg/dl" is not
** "mg/dL"), so a second, lenient parse runs only to suggest a spelling.
*/
#include "units.h"
#include "ts.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNIT_CODE_MAX 63        /* longer codes are refused outright */
#define UNIT_DEPTH_MAX 8        /* nesting of parentheses */
#define UNIT_EXP_MAX 20         /* |exponent| on one component */
#define UNIT_DIM_MAX 60         /* |exponent| of a base dimension */

enum {
    A_PREFIX = 1,       /* takes a metric prefix (kg, mL, umol) */
    A_TEMP = 2,         /* a temperature: known but not supported */
    A_EQ = 4,           /* equivalents: see unit_factor */
    A_SMALL = 8         /* no prefix above kilo: see below */
};

static const struct atom {
    const char *code;
    double factor;                  /* in g, m, s, mol, U */
    signed char dim[DIM_COUNT];     /* mass, length, time, amount, activity */
    int flags;
} atoms[] = {
    /*
    ** "Mg/dL" or "ML/h" is far more likely a slip of the shift key than a
    ** megagram or a megalitre, and reading it as written is an error of
    ** 10^9.  So masses, volumes and amounts take no prefix above k (UCUM
    ** allows them); the lenient pass then suggests the lower case.
    */
    {"g", 1, {1, 0, 0, 0, 0}, A_PREFIX | A_SMALL},
    {"m", 1, {0, 1, 0, 0, 0}, A_PREFIX},
    {"s", 1, {0, 0, 1, 0, 0}, A_PREFIX},
    {"min", 60, {0, 0, 1, 0, 0}, 0},
    {"h", 3600, {0, 0, 1, 0, 0}, 0},
    {"d", 86400, {0, 0, 1, 0, 0}, 0},
    {"wk", 604800, {0, 0, 1, 0, 0}, 0},
    {"mo", 2629800, {0, 0, 1, 0, 0}, 0},       /* mean Gregorian month */
    {"a", 31557600, {0, 0, 1, 0, 0}, 0},       /* Julian year, 365.25 d */
    /*
    ** Only the capital L: UCUM also allows "l", but clinical systems
    ** write L, and "mg/dl" is far more often a case slip in a field that
    ** was never checked than a deliberate code, so it is refused with a
    ** hint rather than silently read.
    */
    {"L", 1e-3, {0, 3, 0, 0, 0}, A_PREFIX | A_SMALL},
    {"mol", 1, {0, 0, 0, 1, 0}, A_PREFIX | A_SMALL},
    {"eq", 1, {0, 0, 0, 1, 0}, A_PREFIX | A_SMALL | A_EQ},
    {"Pa", 1e3, {1, -1, -2, 0, 0}, A_PREFIX},  /* kg/(m.s2) in grams */
    {"m[Hg]", 133.322e3 * 1e3, {1, -1, -2, 0, 0}, A_PREFIX},
    {"m[H2O]", 9.80665e3 * 1e3, {1, -1, -2, 0, 0}, A_PREFIX},
    {"[lb_av]", 453.59237, {1, 0, 0, 0, 0}, 0},
    {"[in_i]", 0.0254, {0, 1, 0, 0, 0}, 0},
    {"[ft_i]", 0.3048, {0, 1, 0, 0, 0}, 0},
    {"%", 0.01, {0, 0, 0, 0, 0}, 0},
    {"10*", 10, {0, 0, 0, 0, 0}, 0},
    {"10^", 10, {0, 0, 0, 0, 0}, 0},
    /*
    ** UCUM defines U as umol/min of substrate, but the "units" of clinical
    ** vasopressin and heparin are international units of biological
    ** activity with no fixed amount of substance.  So U, [iU] and [IU]
    ** share one arbitrary activity dimension, and U is deliberately never
    ** converted to mol.
    */
    {"U", 1, {0, 0, 0, 0, 1}, A_PREFIX},
    {"[iU]", 1, {0, 0, 0, 0, 1}, A_PREFIX},
    {"[IU]", 1, {0, 0, 0, 0, 1}, A_PREFIX},
    /* Temperatures need an offset, not a factor: out of scope. */
    {"Cel", 1, {0, 0, 0, 0, 0}, A_TEMP},
    {"K", 1, {0, 0, 0, 0, 0}, A_PREFIX | A_TEMP},
    {"[degF]", 1, {0, 0, 0, 0, 0}, A_TEMP},
    {"[degR]", 1, {0, 0, 0, 0, 0}, A_TEMP},
    {"[degRe]", 1, {0, 0, 0, 0, 0}, A_TEMP},
};
#define N_ATOMS (sizeof atoms / sizeof atoms[0])

/*
** Prefixes in the order the spelling hint tries them, most likely first
** ("MG" suggests "mg" rather than megagram).  Femto is beyond the header's
** list, for fL (mean corpuscular volume).
*/
static const struct prefix {
    char c;
    double factor;
} prefixes[] = {
    {'m', 1e-3}, {'u', 1e-6}, {'k', 1e3}, {'d', 1e-1}, {'c', 1e-2},
    {'n', 1e-9}, {'p', 1e-12}, {'f', 1e-15}, {'M', 1e6}, {'G', 1e9},
    {'T', 1e12},
};
#define N_PREFIXES (sizeof prefixes / sizeof prefixes[0])

/* Common non-UCUM spellings (any case), used only to suggest a UCUM code. */
static const struct alias {
    const char *from, *to;
} aliases[] = {
    {"mmHg", "mm[Hg]"}, {"cmH2O", "cm[H2O]"}, {"lb", "[lb_av]"},
    {"lbs", "[lb_av]"}, {"in", "[in_i]"}, {"ft", "[ft_i]"},
    {"IU", "[iU]"}, {"iu", "[iU]"}, {"mIU", "m[iU]"}, {"mcg", "ug"},
    {"hr", "h"}, {"hrs", "h"}, {"sec", "s"}, {"mins", "min"},
    {"\xc2\xb0" "C", "Cel"}, {"\xc2\xb0" "F", "[degF]"}, {"degC", "Cel"},
};
#define N_ALIASES (sizeof aliases / sizeof aliases[0])

/* A parsed unit plus what ts_unit has no room for. */
typedef struct parsed {
    ts_unit u;
    int eq;             /* exponent of equivalents (mEq/L: 1) */
} parsed;

typedef struct parser {
    const char *p;      /* next character */
    int suggest;        /* lenient pass: correct the spelling */
    int corrected;      /* the lenient pass changed something */
    int temp;           /* failed on a temperature unit */
    int depth;
    char out[2 * UNIT_CODE_MAX + 2];    /* the code as corrected */
    size_t outlen;
    char bad[UNIT_CODE_MAX + 1];        /* the symbol that failed */
} parser;


static void
emit(parser *P, const char *s, size_t n)
{
    if (P->outlen + n >= sizeof P->out)
        n = sizeof P->out - 1 - P->outlen;
    memcpy(P->out + P->outlen, s, n);
    P->outlen += n;
    P->out[P->outlen] = '\0';
}

static void
unity(parsed *x)
{
    memset(x, 0, sizeof *x);
    x->u.factor = 1;
}

/* x = x * y^e; 0 if a dimension exponent leaves its range. */
static int
combine(parsed *x, const parsed *y, int e)
{
    for (int i = 0; i < DIM_COUNT; i++) {
        int d = x->u.dim[i] + y->u.dim[i] * e;
        if (d > UNIT_DIM_MAX || d < -UNIT_DIM_MAX)
            return 0;
        x->u.dim[i] = (signed char)d;
    }
    x->eq += y->eq * e;
    x->u.factor *= pow(y->u.factor, e);
    return 1;
}

static const struct atom *
find_atom(const char *s, size_t n, int nocase)
{
    for (size_t i = 0; i < N_ATOMS; i++)
        if (strlen(atoms[i].code) == n
            && (nocase ? strncasecmp(atoms[i].code, s, n) : strncmp(atoms[i].code, s, n)) == 0)
            return &atoms[i];
    return NULL;
}

/*
** Resolve "prefix? atom".  A whole-atom match wins over prefix + atom, so
** that "min" is minutes and "mol" is moles, not milli-"in" or milli-"ol".
*/
static int
lookup(const char *s, size_t n, int nocase, double *pf, const struct atom **ap,
       char *prefix)
{
    const struct atom *a = find_atom(s, n, nocase);
    if (a) {
        *pf = 1;
        *ap = a;
        *prefix = '\0';
        return 1;
    }
    for (size_t i = 0; n > 1 && i < N_PREFIXES; i++) {
        if (nocase ? (s[0] | 0x20) != (prefixes[i].c | 0x20) : s[0] != prefixes[i].c)
            continue;
        a = find_atom(s + 1, n - 1, nocase);
        if (a && (a->flags & A_PREFIX)
            && !((a->flags & A_SMALL) && prefixes[i].factor > 1e3)) {
            *pf = prefixes[i].factor;
            *ap = a;
            *prefix = prefixes[i].c;
            return 2;
        }
    }
    return 0;
}

/*
** The lenient pass: an alias, a micro sign in place of 'u', or a
** case-insensitive match.  Writes the corrected symbol into fix.
*/
static int
suggest(const char *s, size_t n, char *fix, size_t fixsize,
        double *pf, const struct atom **ap)
{
    size_t i, skip = 0;
    char pc;

    for (i = 0; i < N_ALIASES; i++)
        if (strlen(aliases[i].from) == n && strncasecmp(aliases[i].from, s, n) == 0) {
            snprintf(fix, fixsize, "%s", aliases[i].to);
            return lookup(fix, strlen(fix), 0, pf, ap, &pc) > 0;
        }
    /* U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU, in UTF-8. */
    if (n > 2 && ((s[0] == '\xc2' && s[1] == '\xb5') || (s[0] == '\xce' && s[1] == '\xbc')))
        skip = 2;
    if (skip) {
        snprintf(fix, fixsize, "u%.*s", (int)(n - skip), s + skip);
        if (lookup(fix, strlen(fix), 0, pf, ap, &pc))
            return 1;
    }
    if (!lookup(s, n, 1, pf, ap, &pc))
        return 0;
    if (pc)
        snprintf(fix, fixsize, "%c%s", pc, (*ap)->code);
    else
        snprintf(fix, fixsize, "%s", (*ap)->code);
    /* Re-resolve the spelling we print, so the hint is what we parse. */
    return lookup(fix, strlen(fix), 0, pf, ap, &pc) > 0;
}

/* Skip an annotation "{...}" at P->p; it multiplies by one. */
static int
annotation(parser *P)
{
    const char *start = P->p;
    for (P->p++; *P->p != '}'; P->p++)
        if (*P->p == '\0' || *P->p == '{' || (unsigned char)*P->p < 0x20
            || (unsigned char)*P->p > 0x7e)
            return 0;
    P->p++;
    emit(P, start, (size_t)(P->p - start));
    return 1;
}

static int term(parser *P, parsed *x);

/*
** A symbol with an optional exponent ("cm3", "s-1", "10*3"), a pure
** integer factor ("100"), an annotation, or a parenthesised term.
*/
static int
component(parser *P, parsed *x)
{
    const char *start = P->p, *end, *base_end;
    const struct atom *a;
    char fix[UNIT_CODE_MAX + 8];
    parsed y;
    double pf;
    char pc;
    int e = 1;

    unity(x);
    if (*P->p == '{')
        return annotation(P);
    if (*P->p == '(') {
        if (++P->depth > UNIT_DEPTH_MAX)
            return 0;
        emit(P, P->p++, 1);
        if (!term(P, x) || *P->p != ')')
            return 0;
        emit(P, P->p++, 1);
        P->depth--;
        return 1;
    }
    for (end = P->p; *end && !strchr("./(){}", *end); end++)
        if (*end == '[' && (end = strchr(end, ']')) == NULL)
            return 0;
    P->p = end;
    if (end == start)
        return 0;

    /* Split off a trailing exponent, but not from a pure integer. */
    for (base_end = end; base_end > start && base_end[-1] >= '0' && base_end[-1] <= '9'; base_end--)
        ;
    if (base_end == start) {
        if (end - start > 15)
            return 0;
        /* Digit by digit: strtod would read on into "10.5". */
        x->u.factor = 0;
        for (const char *d = start; d < end; d++)
            x->u.factor = x->u.factor * 10 + (*d - '0');
        emit(P, start, (size_t)(end - start));
        return *P->p == '{' ? annotation(P) : 1;
    }
    if (base_end < end) {
        if (end - base_end > 2)
            return 0;
        e = (int)strtol(base_end, NULL, 10);
        if (base_end[-1] == '-' || base_end[-1] == '+') {
            e = base_end[-1] == '-' ? -e : e;
            base_end--;
        }
        if (base_end == start || e > UNIT_EXP_MAX || e < -UNIT_EXP_MAX)
            return 0;
    }

    if (!lookup(start, (size_t)(base_end - start), 0, &pf, &a, &pc)) {
        if (!P->suggest || !suggest(start, (size_t)(base_end - start), fix, sizeof fix, &pf, &a)) {
            snprintf(P->bad, sizeof P->bad, "%.*s", (int)(base_end - start), start);
            return 0;
        }
        P->corrected = 1;
        emit(P, fix, strlen(fix));
    } else {
        emit(P, start, (size_t)(base_end - start));
    }
    emit(P, base_end, (size_t)(end - base_end));
    if (a->flags & A_TEMP) {
        P->temp = 1;
        snprintf(P->bad, sizeof P->bad, "%.*s", (int)(base_end - start), start);
        return 0;
    }
    memcpy(y.u.dim, a->dim, sizeof y.u.dim);
    y.u.factor = pf * a->factor;
    y.eq = (a->flags & A_EQ) ? 1 : 0;
    if (!combine(x, &y, e))
        return 0;
    return *P->p == '{' ? annotation(P) : 1;
}

/* component (('.' | '/') component)*, with an optional leading '/'. */
static int
term(parser *P, parsed *x)
{
    parsed y;
    int e = 1;

    unity(x);
    if (*P->p == '/') {
        emit(P, P->p++, 1);
        e = -1;
    }
    for (;;) {
        if (!component(P, &y) || !combine(x, &y, e))
            return 0;
        if (*P->p != '.' && *P->p != '/')
            return 1;
        e = *P->p == '/' ? -1 : 1;
        emit(P, P->p++, 1);
    }
}

static int
run(parser *P, const char *code, int lenient, parsed *x)
{
    memset(P, 0, sizeof *P);
    P->p = code;
    P->suggest = lenient;
    if (!term(P, x) || *P->p != '\0')
        return 0;
    return isfinite(x->u.factor) && x->u.factor > 0;
}

/*
** A record converts the same few units thousands of times ("mm[Hg]" for
** every blood pressure), and parsing one costs far more than comparing
** it, so each thread remembers the last units it parsed successfully.
** Thread-local: screening threads never share it and need no lock.  A
** cohort uses a dozen or two units, hence 32 entries; each carries a hash
** of its code so that a lookup compares strings only once.
*/
#define PARSE_CACHE 32

typedef struct cached_unit {
    uint32_t hash;
    char code[UNIT_CODE_MAX + 1];
    parsed x;
} cached_unit;

static _Thread_local cached_unit parse_cache[PARSE_CACHE];
static _Thread_local int parse_cache_next;

/* The hash of code, and its length in *len. */
static uint32_t
code_hash(const char *code, size_t *len)
{
    uint32_t h = 2166136261u;
    const char *p = code;
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    *len = (size_t)(p - code);
    return h;
}

static int
cache_find(const char *code, uint32_t hash, parsed *x)
{
    for (int i = 0; i < PARSE_CACHE; i++) {
        const char *a = parse_cache[i].code, *b = code;
        if (parse_cache[i].hash != hash || !*a)
            continue;
        while (*a && *a == *b) {    /* short codes: no strcmp call */
            a++;
            b++;
        }
        if (*a == *b) {
            *x = parse_cache[i].x;
            return 1;
        }
    }
    return 0;
}

static void
cache_add(const char *code, uint32_t hash, const parsed *x)
{
    cached_unit *c = &parse_cache[parse_cache_next];
    parse_cache_next = (parse_cache_next + 1) % PARSE_CACHE;
    c->hash = hash;
    memcpy(c->code, code, strlen(code) + 1);    /* <= UNIT_CODE_MAX */
    c->x = *x;
}

/*
** Spellings that are not UCUM but unambiguous, accepted because real
** exports use them (docs/patient-record.md, "Times and units"): "mmHg"
** and "mm Hg" for mm[Hg]; "mcg" and a micro sign (U+00B5 or U+03BC) for
** the prefix u, also inside rates ("mcg/kg/min").  Rewrites code into
** out, component by component; returns 0 when nothing changed.
*/
static int
accepted_alias(const char *code, char *out, size_t size)
{
    size_t o = 0;
    int changed = 0;
    const char *p = code;

    while (*p) {
        size_t n = strcspn(p, "/.");
        const char *sub = NULL;
        size_t skip = 0;
        if ((n == 4 && strncmp(p, "mmHg", 4) == 0) ||
            (n == 5 && strncmp(p, "mm Hg", 5) == 0))
            sub = "mm[Hg]", skip = n;
        else if (n >= 3 && strncmp(p, "mcg", 3) == 0)
            sub = "ug", skip = 3;
        else if (n > 2 && ((p[0] == '\xc2' && p[1] == '\xb5') ||
                           (p[0] == '\xce' && p[1] == '\xbc')))
            sub = "u", skip = 2;
        if (sub) {
            size_t sl = strlen(sub);
            if (o + sl >= size)
                return 0;
            memcpy(out + o, sub, sl);
            o += sl;
            p += skip;
            n -= skip;
            changed = 1;
        }
        if (o + n + 1 >= size)
            return 0;
        memcpy(out + o, p, n);
        o += n;
        p += n;
        if (*p)
            out[o++] = *p++;
    }
    out[o] = '\0';
    return changed;
}

/*
** Misspellings of mm[Hg] that split into atoms ("mm/Hg", "mm.Hg") escape
** the per-atom hints: compare the letters alone, case ignored.
*/
static int
looks_like_mmhg(const char *code)
{
    char b[8];
    size_t k = 0;
    for (const char *p = code; *p; p++) {
        if (!isalpha((unsigned char)*p))
            continue;
        if (k + 1 >= sizeof b)
            return 0;
        b[k++] = (char)tolower((unsigned char)*p);
    }
    b[k] = '\0';
    return strcmp(b, "mmhg") == 0;
}

static unit_status
parse_full(const char *code, parsed *x, char *why, size_t whysize)
{
    char alias[UNIT_CODE_MAX + 8];
    parser P, L;
    int lenient;
    uint32_t hash = 0;
    size_t len = 0;

    if (code != NULL && *code != '\0') {
        hash = code_hash(code, &len);
        if (len <= UNIT_CODE_MAX && cache_find(code, hash, x))
            return UNIT_OK;
    }
    if (code == NULL || *code == '\0') {
        ts_why(why, whysize, "empty unit (write '1' for a plain number)");
        return UNIT_UNKNOWN;
    }
    if (strlen(code) > UNIT_CODE_MAX) {
        ts_why(why, whysize, "unknown unit '%.40s...' (too long)", code);
        return UNIT_UNKNOWN;
    }
    if (run(&P, code, 0, x) ||
        (accepted_alias(code, alias, sizeof alias) && run(&L, alias, 0, x))) {
        cache_add(code, hash, x);
        return UNIT_OK;
    }
    lenient = run(&L, code, 1, x);
    if (P.temp || (!lenient && L.temp)) {
        ts_why(why, whysize, "unsupported unit '%s' (temperatures are not converted)", code);
    } else if (lenient && L.corrected) {
        ts_why(why, whysize, "unknown unit '%s' (did you mean '%s'?)", code, L.out);
    } else if (looks_like_mmhg(code)) {
        ts_why(why, whysize, "unknown unit '%s' (did you mean 'mm[Hg]'?)", code);
    } else if (P.bad[0] && strcmp(P.bad, code) != 0) {
        ts_why(why, whysize, "unknown unit '%s' ('%s' is not a supported UCUM unit)",
                code, P.bad);
    } else {
        ts_why(why, whysize, "unknown unit '%s'", code);
    }
    return UNIT_UNKNOWN;
}

unit_status
unit_parse(const char *code, ts_unit *out, char *why, size_t whysize)
{
    parsed x;
    unit_status st = parse_full(code, &x, why, whysize);
    if (st == UNIT_OK && out)
        *out = x.u;
    return st;
}

/* What separates from and to: dimension differences and the eq flag. */
static void
difference(const parsed *a, const parsed *b, int diff[DIM_COUNT], int *others)
{
    *others = 0;
    for (int i = 0; i < DIM_COUNT; i++) {
        diff[i] = a->u.dim[i] - b->u.dim[i];
        if (i != DIM_MASS && i != DIM_AMOUNT && diff[i] != 0)
            *others = 1;
    }
}

static int
dimensionless(const parsed *x)
{
    for (int i = 0; i < DIM_COUNT; i++)
        if (x->u.dim[i] != 0)
            return 0;
    return 1;
}

static int
usable(double v)
{
    return isfinite(v) && v > 0;
}

/*
** Equivalents count charge, so mEq/L equals mmol/L only for a monovalent
** ion (Na+, K+) and is half of it for Ca2+.  UCUM makes eq a mole; we
** refuse the conversion instead of being right only for some ions.
*/
unit_status
unit_factor(const char *from, const char *to, const unit_ctx *ctx,
            double *factor, char *why, size_t whysize)
{
    char reason[256];
    parsed a, b;
    int diff[DIM_COUNT], others;
    double mm = ctx ? ctx->molar_mass : 0, w = ctx ? ctx->weight_kg : 0;

    if (parse_full(from, &a, reason, sizeof reason) != UNIT_OK
        || parse_full(to, &b, reason, sizeof reason) != UNIT_OK) {
        ts_why(why, whysize, "cannot convert '%s' to '%s': %s",
                from ? from : "", to ? to : "", reason);
        return UNIT_UNKNOWN;
    }
    difference(&a, &b, diff, &others);
    if (a.eq != b.eq) {
        ts_why(why, whysize,
                "cannot convert '%s' to '%s' (equivalents depend on the ion's charge)",
                from, to);
        return UNIT_INCOMPATIBLE;
    }
    if (!others && diff[DIM_MASS] == 0 && diff[DIM_AMOUNT] == 0) {
        *factor = a.u.factor / b.u.factor;
        /* UCUM reads an annotation as 1, so 7 % would be a score of
        ** 0.07: a score and a scaled fraction are different things. */
        if (*factor != 1 && (strchr(from, '{') || strchr(to, '{')) &&
            dimensionless(&a)) {
            ts_why(why, whysize, "cannot convert '%s' to '%s' (a score is not "
                   "a fraction)", from, to);
            return UNIT_INCOMPATIBLE;
        }
        return UNIT_OK;
    }
    /* Mass <-> amount: divide mass by g/mol, or multiply amount by it. */
    if (!others && diff[DIM_MASS] * diff[DIM_AMOUNT] == -1) {
        if (!usable(mm)) {
            ts_why(why, whysize,
                    "cannot convert '%s' to '%s' without the substance's molar mass",
                    from, to);
            return UNIT_NEEDS_MOLAR_MASS;
        }
        *factor = (diff[DIM_MASS] > 0 ? a.u.factor / mm : a.u.factor * mm) / b.u.factor;
        return UNIT_OK;
    }
    /* Per body mass: multiply by the weight in grams, or divide by it. */
    if (!others && diff[DIM_AMOUNT] == 0 && (diff[DIM_MASS] == 1 || diff[DIM_MASS] == -1)) {
        if (!usable(w)) {
            ts_why(why, whysize, "cannot convert '%s' to '%s' without a body weight",
                    from, to);
            return UNIT_NEEDS_WEIGHT;
        }
        w *= 1000;
        *factor = (diff[DIM_MASS] > 0 ? a.u.factor / w : a.u.factor * w) / b.u.factor;
        return UNIT_OK;
    }
    ts_why(why, whysize, "cannot convert '%s' to '%s' (different dimensions)", from, to);
    return UNIT_INCOMPATIBLE;
}

int
unit_compatible(const char *from, const char *to)
{
    double f;
    return unit_factor(from, to, NULL, &f, NULL, 0) == UNIT_OK;
}

int
unit_needs_weight(const char *from, const char *to)
{
    double f;
    return unit_factor(from, to, NULL, &f, NULL, 0) == UNIT_NEEDS_WEIGHT;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                            */
/* ------------------------------------------------------------------ */

/*
** NaN has no order: it compares as greater than everything, so that a
** NaN that slipped past the readers never equals a threshold.
*/
int
num_cmp(double a, double b)
{
    double fa = fabs(a), fb = fabs(b);

    if (isnan(a) || isnan(b))
        return isnan(a) ? 1 : -1;
    if (a == b)
        return 0;
    if (!isfinite(a) || !isfinite(b))
        return a < b ? -1 : 1;
    if (fa < 1e-12 && fb < 1e-12)
        return 0;
    if (fabs(a - b) <= 1e-9 * (fa > fb ? fa : fb))
        return 0;
    return a < b ? -1 : 1;
}

/* Significant digits in a %g rendering (the mantissa, without leading 0s). */
static int
sig_digits(const char *s)
{
    int n = 0, started = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s >= '1' && *s <= '9')
            started = 1;
        if (started && *s >= '0' && *s <= '9')
            n++;
    }
    return n;
}

/*
** v with p significant digits, in plain notation for ordinary magnitudes:
** %.2g prints 120 as "1.2e+02", so an e-notation result between 1e-4 and
** 1e15 is printed again, rounded, with %f.
*/
static void
fmt_sig(double v, int p, char *buf, size_t size)
{
    snprintf(buf, size, "%.*g", p, v);
    if (strchr(buf, 'e') && fabs(v) >= 1e-4 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", strtod(buf, NULL));
}

/*
** v rounded to the integer m times 10^-k, as %g writes it: plain digits,
** no trailing zeros after the point.  0 if it does not fit in size.
*/
static int
put_rounded(double v, long m, int k, char *buf, size_t size)
{
    char d[32], *o = d, digits[8];
    int nd = 0;
    for (long q = m; nd == 0 || q > 0; q /= 10)
        nd++;
    for (int i = nd - 1; i >= 0; i--, m /= 10)
        digits[i] = (char)('0' + m % 10);
    if (v < 0)
        *o++ = '-';
    if (k <= 0) {
        memcpy(o, digits, (size_t)nd);
        o += nd;
        for (int i = 0; i < -k; i++)
            *o++ = '0';
    } else {
        int intd = nd - k;          /* digits before the point */
        if (intd > 0) {
            memcpy(o, digits, (size_t)intd);
            o += intd;
        } else {
            *o++ = '0';
        }
        char *point = o;
        *o++ = '.';
        for (int i = intd; i < 0; i++)
            *o++ = '0';
        for (int i = intd > 0 ? intd : 0; i < nd; i++)
            *o++ = digits[i];
        while (o[-1] == '0')
            o--;
        if (o - 1 == point)
            o--;
    }
    if ((size_t)(o - d) >= size)
        return 0;
    memcpy(buf, d, (size_t)(o - d));
    buf[o - d] = '\0';
    return 1;
}

/*
** num_format without snprintf and strtod, for the values screening prints
** most (rates, doses, scores from 0.0001 to a million, where %g writes
** plain digits): round v to p significant digits in double arithmetic and
** keep the first p whose value is num_cmp-equal to v; failing that, the
** 6 digits num_format shows for a visibly rounded value.  Returns 0 when
** it cannot tell, and num_format's own loop runs.
**
** Why this is the loop's answer.  The scaled value v * 10^k is off by an
** ulp at most, so its nearest integer m is snprintf's exactly rounded one
** unless the scaled value is within an ulp of a tie (x.5).  Near a tie,
** both roundings are half a unit of the p-th digit away from v, at least
** 5e-7 of v, and num_cmp (1e-9) refuses either: that p is skipped by both.
** The value read back, m / 10^k or m * 10^-k, is one correctly rounded
** operation on exact numbers, i.e. what strtod returns for the digits.
** Only the 6-digit fallback prints digits num_cmp did not check, so there
** a near tie gives up.
*/
static int
fmt_fast(double v, char *buf, size_t size)
{
    static const double pow10[] = {
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12
    };
    double a = fabs(v);
    int x = -4;                     /* 10^x <= a < 10^(x+1), about */
    long m = 0;
    int k = 0, tie = 0;
    if (!(a >= 1e-4 && a < 1e6))
        return 0;
    while (x < 5 && a >= (x + 1 < 0 ? 1 / pow10[-(x + 1)] : pow10[x + 1]))
        x++;
    for (int p = 1; p <= 6; p++) {
        k = p - 1 - x;              /* decimals; k < 0: 10^-k units */
        double scaled = k >= 0 ? a * pow10[k] : a / pow10[-k];
        double fl = floor(scaled);
        tie = fabs(scaled - fl - 0.5) < 1e-6;
        m = (long)fl + (scaled - fl >= 0.5);
        if (m >= (long)pow10[p]) {  /* 9.96 to 2 digits: 10, one digit more */
            m /= 10;
            k--;
        }
        /* Exact integers divided or multiplied once: r is the double
        ** strtod would read back from the digits. */
        double r = k >= 0 ? (double)m / pow10[k] : (double)m * pow10[-k];
        if (num_cmp(v < 0 ? -r : r, v) == 0)
            return put_rounded(v, m, k, buf, size);
    }
    /* num_format's "%.6g" when it shows 6 significant digits (no trailing
    ** zero) and v < 1e5. */
    if (!tie && m % 10 != 0 && m >= 100000 && a < 1e5)
        return put_rounded(v, m, k, buf, size);
    return 0;
}

void
num_format_clinical(double v, char *buf, size_t size)
{
    num_format(v, buf, size);
    if (size == 0 || !isfinite(v) || sig_digits(buf) <= 3 || strchr(buf, 'e'))
        return;
    if (fabs(v) >= 1)
        snprintf(buf, size, "%.1f", v);
    else if (fabs(v) >= 1e-4)
        fmt_sig(v, 2, buf, size);
}

/*
** The fewest digits (at most 6) that read back equal under num_cmp, so
** that 1.1 * 100 + 0.1 * 100 prints as 120.  A value that needs more is
** shown with 6 digits if they visibly are rounded ("0.333333"), but with
** as many as it takes if 6 would make it look exact: 5.0000001 is not
** "5", since a report must not say "5 > 5".
*/
void
num_format(double v, char *buf, size_t size)
{
    char g[64];
    int p;

    if (size == 0)
        return;
    if (v == 0)
        v = 0;          /* -0 prints as 0 */
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    /* Whole numbers below a million (most values and thresholds) come out
    ** of the loop below as their digits; write them without snprintf,
    ** which is slow enough to show in a screening profile. */
    if (fabs(v) < 1e6 && v == (double)(long)v) {
        char d[16], *q = d + sizeof d;
        long n = labs((long)v);
        *--q = '\0';
        do
            *--q = (char)('0' + n % 10);
        while ((n /= 10) != 0);
        if (v < 0)
            *--q = '-';
        if ((size_t)(d + sizeof d - q) <= size) {
            memcpy(buf, q, (size_t)(d + sizeof d - q));
            return;
        }
    }
    if (fmt_fast(v, buf, size))
        return;
    for (p = 1; p <= 6; p++) {
        fmt_sig(v, p, buf, size);
        if (num_cmp(strtod(buf, NULL), v) == 0)
            return;
    }
    snprintf(g, sizeof g, "%.6g", v);
    if (sig_digits(g) == 6 && fabs(v) < 1e5) {
        snprintf(buf, size, "%s", g);
        return;
    }
    for (p = 7; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (num_cmp(strtod(buf, NULL), v) == 0)
            return;
    }
}
