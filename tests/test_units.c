/*
** test_units.c -- UCUM parsing, conversions, refusals, num_cmp, num_format.
**
** Conversions are checked in both directions; every refusal is checked
** for its status and for a reason that names what the user must fix.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "units.h"

static char why[256];

static ts_unit
must_parse(const char *code)
{
    ts_unit u;
    why[0] = '\0';
    if (unit_parse(code, &u, why, sizeof why) != UNIT_OK)
        fail_msg("'%s' rejected: %s", code, why);
    return u;
}

static void
unit_is(const char *code, double factor, int mass, int length, int time,
        int amount, int activity)
{
    ts_unit u = must_parse(code);
    int want[DIM_COUNT] = {mass, length, time, amount, activity};
    if (fabs(u.factor - factor) > 1e-12 * fabs(factor))
        fail_msg("'%s': factor %.17g, expected %.17g", code, u.factor, factor);
    for (int i = 0; i < DIM_COUNT; i++)
        if (u.dim[i] != want[i])
            fail_msg("'%s': dimension %d is %d, expected %d", code, i, u.dim[i], want[i]);
}

static void
unknown(const char *code, const char *reason)
{
    ts_unit u;
    why[0] = '\0';
    assert_int_equal(unit_parse(code, &u, why, sizeof why), UNIT_UNKNOWN);
    if (strstr(why, reason) == NULL)
        fail_msg("'%s': reason '%s' lacks '%s'", code, why, reason);
}

/* from -> to with the context gives factor f; to -> from gives 1/f. */
static void
converts(const char *from, const char *to, const unit_ctx *ctx, double f)
{
    double got = 0;
    why[0] = '\0';
    if (unit_factor(from, to, ctx, &got, why, sizeof why) != UNIT_OK)
        fail_msg("'%s' -> '%s' refused: %s", from, to, why);
    if (num_cmp(got, f) != 0)
        fail_msg("'%s' -> '%s': %.17g, expected %.17g", from, to, got, f);
    if (unit_factor(to, from, ctx, &got, why, sizeof why) != UNIT_OK)
        fail_msg("'%s' -> '%s' refused: %s", to, from, why);
    if (num_cmp(got, 1 / f) != 0)
        fail_msg("'%s' -> '%s': %.17g, expected %.17g", to, from, got, 1 / f);
}

static void
refuses(const char *from, const char *to, const unit_ctx *ctx,
        unit_status st, const char *reason)
{
    double got = 12345;
    why[0] = '\0';
    assert_int_equal(unit_factor(from, to, ctx, &got, why, sizeof why), st);
    if (strstr(why, reason) == NULL)
        fail_msg("'%s' -> '%s': reason '%s' lacks '%s'", from, to, why, reason);
    assert_true(got == 12345);      /* untouched on failure */
}

static void
test_parse_required_codes(void **state)
{
    static const char *const codes[] = {
        "mm[Hg]", "kPa", "Pa", "cm[H2O]", "mmol/L", "mg/dL", "g/dL", "g/L",
        "umol/L", "%", "1", "{score}", "s", "min", "h", "d", "kg", "g",
        "[lb_av]", "cm", "m", "[in_i]", "kg/m2", "L/min", "L/min/m2",
        "ug/kg/min", "ug/min", "mg/h", "mg/d", "mg", "U/min", "U/kg/min",
        "mU/kg/min", "U/h", "U", "[iU]", "10*3/uL", "10*9/L", "/uL", "/mm3",
        "mL/h", "mL/kg/h", "/min", "{beats}/min", "wk", "mo", "a", "mol",
        "meq/L", "[IU]", "[ft_i]", "fL", "mg/(kg.h)", "s-1", "10^3/uL",
        "mL{total}", "m[iU]/mL", "MPa", "Gs", "ks",
    };
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        must_parse(codes[i]);
}

static void
test_parse_factors(void **state)
{
    (void)state;
    /* Factors are in g, m, s, mol, U: (mass, length, time, amount, activity). */
    unit_is("g", 1, 1, 0, 0, 0, 0);
    unit_is("kg", 1000, 1, 0, 0, 0, 0);
    unit_is("ug", 1e-6, 1, 0, 0, 0, 0);
    unit_is("min", 60, 0, 0, 1, 0, 0);
    unit_is("mol", 1, 0, 0, 0, 1, 0);           /* not milli-"ol" */
    unit_is("mm", 1e-3, 0, 1, 0, 0, 0);
    unit_is("L", 1e-3, 0, 3, 0, 0, 0);
    unit_is("dL", 1e-4, 0, 3, 0, 0, 0);
    unit_is("mmol/L", 1, 0, -3, 0, 1, 0);
    unit_is("mg/dL", 10, 1, -3, 0, 0, 0);
    unit_is("kg/m2", 1000, 1, -2, 0, 0, 0);
    unit_is("/mm3", 1e9, 0, -3, 0, 0, 0);       /* exponent on the prefixed unit */
    unit_is("/uL", 1e9, 0, -3, 0, 0, 0);
    unit_is("10*3/uL", 1e12, 0, -3, 0, 0, 0);
    unit_is("10*9/L", 1e12, 0, -3, 0, 0, 0);
    unit_is("ug/kg/min", 1e-6 / 1e3 / 60, 0, 0, -1, 0, 0);   /* left to right */
    unit_is("mg/(kg.h)", 1e-3 / 1e3 / 3600, 0, 0, -1, 0, 0);
    unit_is("U/kg/min", 1.0 / 1000 / 60, -1, 0, -1, 0, 1);
    unit_is("%", 0.01, 0, 0, 0, 0, 0);
    unit_is("{score}", 1, 0, 0, 0, 0, 0);
    unit_is("{beats}/min", 1.0 / 60, 0, 0, -1, 0, 0);
    unit_is("s-1", 1, 0, 0, -1, 0, 0);
    unit_is("100", 100, 0, 0, 0, 0, 0);
    unit_is("mm[Hg]", 133322, 1, -1, -2, 0, 0);  /* 133.322 Pa, Pa = 1000 g/(m.s2) */
    unit_is("[iU]", 1, 0, 0, 0, 0, 1);
    /* Accepted aliases (docs/patient-record.md): unambiguous spellings
    ** real exports use, also inside rates. */
    unit_is("mmHg", 133322, 1, -1, -2, 0, 0);
    unit_is("mm Hg", 133322, 1, -1, -2, 0, 0);
    unit_is("mcg", 1e-6, 1, 0, 0, 0, 0);
    unit_is("mcg/kg/min", 1e-6 / 1e3 / 60, 0, 0, -1, 0, 0);
    unit_is("\xc2\xb5g", 1e-6, 1, 0, 0, 0, 0);             /* micro sign */
    unit_is("\xce\xbcg/kg/min", 1e-6 / 1e3 / 60, 0, 0, -1, 0, 0);  /* mu */
    unit_is("mmHg/min", 133322.0 / 60, 1, -1, -3, 0, 0);
}

static void
test_parse_unknown(void **state)
{
    (void)state;
    unknown("mg/dl", "unknown unit 'mg/dl' (did you mean 'mg/dL'?)");
    unknown("MMOL/L", "did you mean 'mmol/L'?");
    unknown("ml/h", "did you mean 'mL/h'?");
    unknown("mm/Hg", "unknown unit 'mm/Hg' (did you mean 'mm[Hg]'?)");
    unknown("MCG/kg/min", "did you mean 'ug/kg/min'?");
    unknown("mmHG", "did you mean 'mm[Hg]'?");
    unknown("IU/h", "did you mean '[iU]/h'?");
    unknown("KG", "did you mean 'kg'?");
    unknown("mmhg", "did you mean 'mm[Hg]'?");
    unknown("mL/kg/hr", "did you mean 'mL/kg/h'?");
    /* Mega- and giga- on masses and volumes are taken for case slips. */
    unknown("Mg/dL", "did you mean 'mg/dL'?");
    unknown("ML/h", "did you mean 'mL/h'?");
    unknown("\xc2\xb0" "C", "temperatures are not converted");
    unknown("mEq/L", "did you mean 'meq/L'?");      /* UCUM's code is eq */
    unknown("furlong", "unknown unit 'furlong'");
    unknown("mg/xx", "'xx' is not a supported UCUM unit");
    unknown("Cel", "unsupported unit 'Cel' (temperatures are not converted)");
    unknown("[degF]", "temperatures are not converted");
    unknown("K", "temperatures are not converted");
    unknown("", "empty unit");
    unknown("mg//dL", "unknown unit 'mg//dL'");
    unknown("mg/", "unknown unit 'mg/'");
    unknown("(mg", "unknown unit '(mg'");
    unknown("mg)", "unknown unit 'mg)'");
    unknown("{score", "unknown unit '{score'");
    unknown("[lb_av", "unknown unit '[lb_av'");
    unknown("cd", "unknown unit 'cd'");           /* no centi-day */
    unknown("kmin", "unknown unit 'kmin'");       /* min takes no prefix */
    unknown("m999", "unknown unit 'm999'");       /* exponent too large */
    unknown("0", "unknown unit '0'");
    unknown("10*99.10*99.10*99.10*99", "unknown unit");       /* factor overflow */
    unknown("((((((((((m))))))))))", "unknown unit");
    unknown("mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm", "too long");
    assert_int_equal(unit_parse(NULL, NULL, NULL, 0), UNIT_UNKNOWN);
}

static void
test_convert_same_dimension(void **state)
{
    (void)state;
    converts("kPa", "mm[Hg]", NULL, 1000 / 133.322);
    converts("cm[H2O]", "mm[Hg]", NULL, 98.0665 / 133.322);
    converts("kPa", "Pa", NULL, 1000);
    converts("%", "1", NULL, 0.01);
    converts("{score}", "1", NULL, 1);
    converts("[lb_av]", "kg", NULL, 0.45359237);
    converts("[in_i]", "cm", NULL, 2.54);
    converts("[ft_i]", "[in_i]", NULL, 12);
    converts("g/dL", "g/L", NULL, 10);
    converts("mg/d", "mg/h", NULL, 1.0 / 24);
    converts("mU/kg/min", "U/kg/min", NULL, 1e-3);
    converts("U/h", "U/min", NULL, 1.0 / 60);
    converts("[iU]", "U", NULL, 1);
    converts("[IU]", "[iU]", NULL, 1);
    converts("10*3/uL", "10*9/L", NULL, 1);
    converts("/uL", "/mm3", NULL, 1);
    converts("{beats}/min", "/min", NULL, 1);
    converts("L/min", "mL/h", NULL, 60000);
    converts("d", "h", NULL, 24);
    converts("wk", "d", NULL, 7);
    converts("meq/L", "eq/m3", NULL, 1);      /* eq with eq is fine */
    assert_true(unit_compatible("kPa", "mm[Hg]"));
    assert_false(unit_compatible("kg", "cm"));
    assert_false(unit_compatible("mg/dL", "mmol/L"));
    assert_false(unit_compatible("mg/dl", "mg/dL"));
}

static void
test_convert_molar_mass(void **state)
{
    unit_ctx lactate = {90.08, 0};
    double f = 0;
    (void)state;
    converts("mmol/L", "mg/dL", &lactate, 9.008);
    converts("mmol/L", "g/L", &lactate, 0.09008);
    converts("umol/L", "mg/dL", &lactate, 0.009008);
    /* docs/evaluation.md: 45.04 mg/dL lactate is exactly 5.0 mmol/L. */
    assert_int_equal(unit_factor("mg/dL", "mmol/L", &lactate, &f, why, sizeof why), UNIT_OK);
    assert_int_equal(num_cmp(45.04 * f, 5.0), 0);
    assert_int_equal(unit_factor("mmol/L", "mg/dL", &lactate, &f, why, sizeof why), UNIT_OK);
    assert_int_equal(num_cmp(5 * f, 45.04), 0);
    /* Without a molar mass, or with a useless one. */
    refuses("mg/dL", "mmol/L", NULL, UNIT_NEEDS_MOLAR_MASS,
            "cannot convert 'mg/dL' to 'mmol/L' without the substance's molar mass");
    refuses("mmol/L", "mg/dL", &(unit_ctx){0, 70}, UNIT_NEEDS_MOLAR_MASS, "molar mass");
    refuses("mmol/L", "mg/dL", &(unit_ctx){-90.08, 0}, UNIT_NEEDS_MOLAR_MASS, "molar mass");
    refuses("mmol/L", "mg/dL", &(unit_ctx){NAN, 0}, UNIT_NEEDS_MOLAR_MASS, "molar mass");
    /* Two steps apart (mass^2 vs amount^2) is not a molar-mass conversion. */
    refuses("g2", "mol2", &lactate, UNIT_INCOMPATIBLE, "different dimensions");
    /* Equivalents are not moles. */
    refuses("meq/L", "mmol/L", &lactate, UNIT_INCOMPATIBLE,
            "cannot convert 'meq/L' to 'mmol/L' (equivalents depend on the ion's charge)");
}

static void
test_convert_weight(void **state)
{
    unit_ctx w80 = {0, 80}, both = {90.08, 80};
    double f = 0;
    (void)state;
    converts("ug/kg/min", "ug/min", &w80, 80);
    converts("ug/kg/min", "mg/h", &w80, 80 * 60 / 1000.0);
    converts("U/kg/min", "U/min", &w80, 80);
    converts("mU/kg/min", "U/h", &w80, 80 * 60 / 1000.0);
    converts("mL/kg/h", "mL/h", &w80, 80);
    converts("mg/kg", "mg", &both, 80);
    /* 8 ug/min in an 80 kg patient is 0.1 ug/kg/min. */
    assert_int_equal(unit_factor("ug/min", "ug/kg/min", &w80, &f, why, sizeof why), UNIT_OK);
    assert_int_equal(num_cmp(8 * f, 0.1), 0);
    assert_true(unit_needs_weight("ug/min", "ug/kg/min"));
    assert_true(unit_needs_weight("U/kg/min", "U/min"));
    assert_false(unit_needs_weight("ug/min", "mg/h"));
    assert_false(unit_needs_weight("ug/min", "U/min"));
    refuses("ug/min", "ug/kg/min", NULL, UNIT_NEEDS_WEIGHT,
            "cannot convert 'ug/min' to 'ug/kg/min' without a body weight");
    refuses("ug/kg/min", "ug/min", &(unit_ctx){90.08, 0}, UNIT_NEEDS_WEIGHT, "without a body weight");
    refuses("ug/kg/min", "ug/min", &(unit_ctx){0, -5}, UNIT_NEEDS_WEIGHT, "without a body weight");
    refuses("ug/kg/min", "ug/min", &(unit_ctx){0, INFINITY}, UNIT_NEEDS_WEIGHT, "body weight");
    /* Two kg apart is not per body mass. */
    refuses("ug/kg/kg", "ug", &w80, UNIT_INCOMPATIBLE, "different dimensions");
}

static void
test_convert_refused(void **state)
{
    unit_ctx all = {90.08, 80};
    (void)state;
    refuses("kg", "cm", &all, UNIT_INCOMPATIBLE, "cannot convert 'kg' to 'cm' (different dimensions)");
    refuses("U/kg/min", "ug/kg/min", &all, UNIT_INCOMPATIBLE, "different dimensions");
    refuses("U", "umol/min", &all, UNIT_INCOMPATIBLE, "different dimensions");  /* no U -> mol */
    refuses("mm[Hg]", "cm", &all, UNIT_INCOMPATIBLE, "different dimensions");
    refuses("/min", "min", &all, UNIT_INCOMPATIBLE, "different dimensions");
    refuses("mg/dl", "mmol/L", &all, UNIT_UNKNOWN,
            "cannot convert 'mg/dl' to 'mmol/L': unknown unit 'mg/dl' (did you mean 'mg/dL'?)");
    refuses("Cel", "[degF]", &all, UNIT_UNKNOWN, "temperatures are not converted");
    refuses("kg", "stone", &all, UNIT_UNKNOWN, "cannot convert 'kg' to 'stone': unknown unit 'stone'");
    refuses(NULL, "kg", &all, UNIT_UNKNOWN, "empty unit");
}

static void
test_num_cmp(void **state)
{
    (void)state;
    /* docs/evaluation.md: VIS 1.1*100 + 0.1*100 is 120, not more. */
    assert_true(1.1 * 100 + 0.1 * 100 != 120.0);   /* the reason for tolerance */
    assert_int_equal(num_cmp(1.1 * 100 + 0.1 * 100, 120), 0);
    assert_int_equal(num_cmp(0.55 * 100, 55), 0);
    assert_int_equal(num_cmp(45.04 / 9.008, 5), 0);
    /* Just inside and just outside the 1e-9 relative tolerance. */
    assert_int_equal(num_cmp(100 * (1 + 0.9e-9), 100), 0);
    assert_int_equal(num_cmp(100 * (1 + 1.1e-9), 100), 1);
    assert_int_equal(num_cmp(100 * (1 - 1.1e-9), 100), -1);
    assert_int_equal(num_cmp(4.9, 5), -1);
    assert_int_equal(num_cmp(5, 4.9), 1);
    assert_int_equal(num_cmp(-3, -3), 0);
    assert_int_equal(num_cmp(-3, 3), -1);
    /* Near zero: both tiny is equal, tiny vs small is not. */
    assert_int_equal(num_cmp(1e-13, -1e-13), 0);
    assert_int_equal(num_cmp(0, 1e-11), -1);
    assert_int_equal(num_cmp(-0.0, 0.0), 0);
    /* Infinities and NaN are never equal to a finite threshold. */
    assert_int_equal(num_cmp(INFINITY, 1e300), 1);
    assert_int_equal(num_cmp(-INFINITY, -1e300), -1);
    assert_int_equal(num_cmp(INFINITY, INFINITY), 0);
    assert_int_not_equal(num_cmp(NAN, 5), 0);
    assert_int_not_equal(num_cmp(5, NAN), 0);
}

static void
fmt_is(double v, const char *want)
{
    char buf[64];
    num_format(v, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("num_format(%.17g) = '%s', expected '%s'", v, buf, want);
}

static void
test_num_format(void **state)
{
    (void)state;
    fmt_is(58, "58");
    fmt_is(5.2, "5.2");
    fmt_is(0.3, "0.3");
    fmt_is(0.1 + 0.2, "0.3");
    fmt_is(120, "120");
    fmt_is(1.1 * 100 + 0.1 * 100, "120");
    fmt_is(45.04, "45.04");
    fmt_is(5 * 9.008, "45.04");
    fmt_is(-3, "-3");
    fmt_is(-0.0, "0");
    fmt_is(0, "0");
    fmt_is(1.1e-05, "1.1e-05");
    fmt_is(1.0 / 3, "0.333333");
    fmt_is(1234567, "1234567");
    fmt_is(150000, "150000");
    /* Not shown as a round number when it is not one. */
    fmt_is(5.0000001, "5.0000001");
    fmt_is(INFINITY, "inf");
}

static void
expect_clinical(double v, const char *want)
{
    char buf[32];
    num_format_clinical(v, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("num_format_clinical(%.17g) = '%s', expected '%s'", v, buf,
                 want);
}

/* Values as clinicians write them: recorded values unchanged, computed
** ones rounded, a rounded value keeping its ".0". */
static void
test_num_format_clinical(void **state)
{
    (void)state;
    expect_clinical(58, "58");
    expect_clinical(6.4, "6.4");
    expect_clinical(54.1, "54.1");
    expect_clinical(0.05, "0.05");
    expect_clinical(130, "130");
    expect_clinical(54.1 / 9.008, "6.0");       /* lactate mg/dL -> mmol/L */
    expect_clinical(55.333333, "55.3");         /* VIS */
    expect_clinical(5.0000001, "5.0");          /* never "5 > 5" */
    expect_clinical(120.04, "120.0");
    expect_clinical(0.05371, "0.054");
    expect_clinical(-2.345, "-2.3");
    expect_clinical(1.1e-05, "1.1e-05");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_required_codes),
        cmocka_unit_test(test_parse_factors),
        cmocka_unit_test(test_parse_unknown),
        cmocka_unit_test(test_convert_same_dimension),
        cmocka_unit_test(test_convert_molar_mass),
        cmocka_unit_test(test_convert_weight),
        cmocka_unit_test(test_convert_refused),
        cmocka_unit_test(test_num_cmp),
        cmocka_unit_test(test_num_format),
        cmocka_unit_test(test_num_format_clinical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
