/*
** coverage.h -- what the cases of a case file showed of each criterion
** and sub-rule: met, not met, unknown (`trialscreen test --coverage`).
*/
#ifndef COVERAGE_H
#define COVERAGE_H

#include "report.h"
#include "rules.h"
#include "verdict.h"

typedef struct coverage coverage;

coverage *coverage_new(void);
void coverage_free(coverage *c);            /* NULL-safe */
/* Note the values of tr's criteria and of every rule below them. */
void coverage_add(coverage *c, const trial_result *tr);
/* One line per criterion and sub-rule of trials[0..n), then forget. */
void coverage_print(coverage *c, const trial *const *trials, int n,
                    const char *path, outbuf *out);

#endif
