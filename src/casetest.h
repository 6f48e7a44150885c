/*
** casetest.h -- `trialscreen test`: case files that prove an encoding
** (internal).
**
** A case file (YAML, docs/case-tests.md) lists patient records, written
** in YAML or taken from JSON files, with the verdicts, criterion values,
** missing items, windows and cohorts each must get.  The runner reads
** every record with the production record_parse and screens it with the
** production eval_trial, so a site can prove its own trial file without
** writing C.
*/
#ifndef CASETEST_H
#define CASETEST_H

#include "arena.h"
#include "criteria.h"
#include "eval.h"
#include "rules.h"
#include "ts.h"
#include "vocab.h"
#include "yamldoc.h"

/* Exit statuses of the verb. */
enum {
    CASETEST_PASS = 0,      /* every case passed */
    CASETEST_FAIL = 1,      /* some case failed */
    CASETEST_BAD_FILE = 2   /* bad usage, or a case file (or the criteria it
                            ** names) could not be read */
};

/*
** Run the verb: argv[0] is "test", then options (-c/--criteria PATH,
** -v/--verbose, -h/--help) and case files or directories.  Prints one
** line per failing case and "N passed, M failed" on standard output,
** problems with the case files on standard error.
*/
int casetest_main(int argc, char **argv);

/*
** Internal: a case file as read and checked by caseload.c, run by
** casetest.c.  Every pointer lives in the file's arena or its YAML tree,
** except trials, ts and v (freed by caseload_release).
*/
typedef struct jval jval;       /* a JSON value built from YAML (caseload.c) */

typedef struct crit_expect {
    int index;                  /* into trial->crit */
    tv value;
    const char *reason;         /* substring the reason must contain, or NULL */
    const ynode *at;
} crit_expect;

typedef struct trial_expect {
    const trial *t;
    int tindex;                 /* into the file's evaluated trials */
    const ynode *at;
    int has_verdict;
    verdict v;
    const ynode *verdict_at;
    int ncrit;
    crit_expect *crit;
    int nmissing;
    const ynode **missing;      /* scalars: the items */
    int window;                 /* 0: not checked, 1: none, 2: times */
    int check_opens, check_closes;
    ts_time opens, closes;      /* TS_NONE: "none" */
    const ynode *window_at;
    int has_since;              /* eligible_since: checked */
    ts_time since;              /* TS_NONE: "none" */
    const ynode *since_at;
    int has_cohort;
    const cohort *cohort;       /* NULL: "none" */
    const ynode *cohort_at;
} trial_expect;

typedef struct tcase {
    const char *name;
    const ynode *at;            /* the case's mapping */
    ts_time time;               /* its at:, or the file's, or TS_NONE */
    char *json;                 /* the record text (arena) */
    size_t len;
    const char *source;         /* name given to record_parse */
    int raw;                    /* json is a file's text, untouched */
    const char *error;          /* expect: {error: ...}, or NULL */
    const ynode *error_at;
    int warnings;               /* record warnings the case means to carry */
    int nexp;
    trial_expect *exp;
} tcase;

typedef struct cfile {
    const char *path;
    char *dir;                  /* directory of path, for relative names */
    arena *a;
    ydoc *doc;
    vocab *v;
    trialset *ts;
    ts_time time;               /* the file's at:, or TS_NONE */
    int ntrials;                /* the trials screened in each case */
    const trial **trials;
    int fixed_trials;           /* the file says trials: */
    jval *base;
    int ncases;
    tcase *cases;
    ts_error *err;
} cfile;

/*
** Read path and check it in full: every key, trial, criterion and cohort
** id, time and record file, and build each case's record text.  crit
** (ncrit paths) are the criteria for a file without criteria:; with none,
** the bundled criteria.  Returns 0, or -1 with f->err set (f->err->file
** names the case file or the criteria file at fault).  f must be zeroed,
** with err pointing to a ts_error; free it with caseload_release either way.
*/
int caseload_file(cfile *f, const char *path, const char *const *crit, int ncrit);
void caseload_release(cfile *f);

#endif
