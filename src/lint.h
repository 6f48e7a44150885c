/*
** lint.h -- "trialscreen lint": what is wrong with criteria files
** (internal).
**
** The loader refuses what cannot be read (unknown keys and concepts, units
** that do not fit, backwards ranges, duplicate ids) and stops at the first
** such error.  Lint goes on: every file is loaded on its own, a file that
** fails is searched for more rule errors, and the trials that load are
** checked for what loads but is wrong: an inclusion and an exclusion that
** overlap (NCT04843982: age <= 60 and age >= 60), rules that can never be
** met, empty registry text, an exclusion list marked incomplete.
**
** Findings are values, sorted by file (in load order), line and column;
** cli.c prints them.  docs/lint.md describes the checks.
*/
#ifndef LINT_H
#define LINT_H

#include "criteria.h"
#include "outbuf.h"
#include "ts.h"

typedef enum lint_level { LINT_WARNING, LINT_ERROR } lint_level;

typedef struct lint_diag {
    lint_level level;
    const char *check;      /* "load", "overlap", "never-met", "empty-text",
                            ** "list-incomplete" (static strings) */
    char *file;             /* as given, owned */
    int line, column;       /* 1-based; 0 when not known */
    char *msg;              /* owned, no trailing full stop */
    int order;              /* index of the file in load order */
} lint_diag;

typedef struct lint_report {
    lint_diag *d;
    int n, cap;
    int errors, warnings;
} lint_report;

void lint_report_release(lint_report *r);     /* the contents; NULL-safe */

/*
** Lint the criteria at paths[0..npaths) (files or directories; with none,
** the default criteria, as for screening: $TRIALSCREEN_CRITERIA, else the
** bundled ones).  Findings are added to r, sorted.  Returns 0, or -1 with
** err->msg set when the list of files cannot be made (a path that does
** not exist, a directory without criteria).
*/
int lint_paths(const char *const *paths, int npaths, lint_report *r,
               ts_error *err);

/* The checks on one loaded trial (the file does not need to exist; for
** tests).  order is stored in the findings. */
void lint_trial(const trial *t, int order, lint_report *r);

/* Sort the findings: file order, line, column. */
void lint_sort(lint_report *r);

/*
** Render the findings: text, one line each, in the one diagnostic format
** (diag.h),
**   trialscreen: criteria/x.yaml:31:7: warning: message
** or NDJSON, one object a line:
**   {"file":...,"line":31,"column":7,"level":"warning","check":"overlap",
**    "message":...}
** File names below the current directory are shown relative to it.
*/
void lint_format(const lint_report *r, int ndjson, outbuf *out);

#endif
