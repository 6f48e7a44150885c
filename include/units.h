/*
** units.h -- UCUM units and conversions.
**
** A closed subset of UCUM (case-sensitive codes), parsed into a factor and
** a dimension vector, so that any two compatible units convert by one
** multiplication.  Two conversions need more than the units themselves and
** take them from a context: mass <-> amount of substance needs the
** substance's molar mass (lactate 90.08 g/mol), and "per kg of body weight"
** needs the patient's weight.  Anything else that does not match is refused
** with a reason that names both units: never a silent wrong comparison.
*/
#ifndef UNITS_H
#define UNITS_H

#include <stddef.h>

/* Dimensions: mass (g), length (m), time (s), amount of substance (mol),
** arbitrary "units" of activity (U, [iU], [IU]: vasopressin, heparin). */
enum { DIM_MASS, DIM_LENGTH, DIM_TIME, DIM_AMOUNT, DIM_ACTIVITY, DIM_COUNT };

typedef struct ts_unit {
    double factor;              /* value in unit * factor = value in SI-ish base */
    signed char dim[DIM_COUNT]; /* exponent of each base dimension */
} ts_unit;

typedef struct unit_ctx {
    double molar_mass;          /* g/mol of the substance, 0 if none */
    double weight_kg;           /* patient weight, 0 if unknown */
} unit_ctx;

typedef enum unit_status {
    UNIT_OK = 0,
    UNIT_UNKNOWN,               /* a code that is not (supported) UCUM */
    UNIT_INCOMPATIBLE,          /* different dimensions */
    UNIT_NEEDS_WEIGHT,          /* per-kg conversion without a weight */
    UNIT_NEEDS_MOLAR_MASS       /* mass <-> amount without a molar mass */
} unit_status;

/*
** Parse a UCUM code: prefixes (k, m, u, n, p, d, c, M, G, T), atoms (g, m,
** s, min, h, d, wk, mo, a, L, mol, eq, Pa, mm[Hg], cm[H2O], [lb_av],
** [in_i], [ft_i], %, U, [iU], [IU], 1; lower-case l is refused so that mg/dl is caught), annotations ({score}, {beats} are
** dimensionless), exponents (m2, cm3), '.' and '/', '10*3' style factors,
** and a leading '/' ("/min").  Returns UNIT_OK or UNIT_UNKNOWN with a
** reason in why ("unknown unit 'mg/dl' (did you mean 'mg/dL'?)").
*/
unit_status unit_parse(const char *code, ts_unit *out, char *why, size_t whysize);

/*
** The factor f such that (value in from) * f = (value in to).  ctx may be
** NULL (then molar mass and weight are unknown).  On failure returns the
** status and a reason naming both units, e.g. "cannot convert 'kg' to
** 'cm' (different dimensions)".
*/
unit_status unit_factor(const char *from, const char *to, const unit_ctx *ctx,
                        double *factor, char *why, size_t whysize);

/* True if from and to convert with no context (same dimension). */
int unit_compatible(const char *from, const char *to);

/* True if the unit has a "per body mass" form relative to to, i.e. a
** conversion between them needs a weight. */
int unit_needs_weight(const char *from, const char *to);

/*
** Compare with the relative tolerance of 1e-9 that docs/evaluation.md
** fixes: a value that is clinically exactly at a threshold equals it.  Returns -1, 0, 1.
*/
int num_cmp(double a, double b);

/* Shortest readable decimal: 58, 5.2, 0.3, 120, 1.1e-05 -> "1.1e-05". */
void num_format(double v, char *buf, size_t size);

/*
** A measured or computed value as a clinician writes it in a sentence:
** what num_format writes when that is at most 3 significant digits (58,
** 6.4, 54.1, 0.05: values as recorded), else rounded to one decimal from
** 1 up ("6.0 mmol/L" for 54.1 mg/dL of lactate, "VIS 55.3") and to two
** significant digits below 1 ("0.054").  The kept ".0" says the value was
** rounded, so a value just above a threshold of 5 reads "5.0", never
** "5".  For reasons only: evidence keeps num_format's digits.
*/
void num_format_clinical(double v, char *buf, size_t size);

#endif
