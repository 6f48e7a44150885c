/*
** ts.h -- types shared by every stage of trialscreen.
**
** The pipeline is: record (JSON -> facts), criteria (YAML -> rule tree),
** eval (rule tree x record -> verdict tree), report (verdict tree -> text,
** NDJSON, CSV).  This header holds only what all of them need: the time
** type, the three-valued truth type and the error value.
*/
#ifndef TS_H
#define TS_H

#include <stddef.h>
#include <stdint.h>

/*
** Time is whole seconds since 1970-01-01T00:00:00Z.  Fractions of a second
** in input timestamps are dropped: no ICU criterion is finer than a minute.
** TS_NONE means "no time" (absent end, unknown onset, unbounded bound).
*/
typedef int64_t ts_time;
#define TS_NONE INT64_MIN
#define TS_MINUTE ((ts_time)60)
#define TS_HOUR   ((ts_time)3600)
#define TS_DAY    ((ts_time)86400)

/*
** Kleene three-valued truth.  The numeric order matters: "all" is the
** minimum of its children, "any" the maximum, and "not" is 2 - x.
*/
typedef enum tv {
    TV_NOT_MET = 0,
    TV_UNKNOWN = 1,
    TV_MET = 2
} tv;

/* How bad a diagnostic is (diag.h prints "error:" or "warning:"). */
typedef enum ts_level {
    TS_LEVEL_ERROR = 0,     /* the zeroed default */
    TS_LEVEL_WARNING
} ts_level;

/*
** An error value, and the one diagnostic type.  Every stage that can fail fills one of these instead of
** printing: the caller decides where it goes.  line and column are 1-based
** and 0 when not known; path is a JSON path such as
** "medications[3].rate" (empty when not applicable); file may be NULL.
*/
typedef struct ts_error {
    char msg[512];          /* what went wrong, no trailing full stop */
    char path[256];         /* JSON path of the offending item, or "" */
    const char *file;       /* file name as given by the user, or NULL */
    int line;               /* 1-based line, 0 if unknown */
    int column;             /* 1-based column, 0 if unknown */
    ts_level level;         /* error unless set: a warning goes on */
} ts_error;

void ts_error_clear(ts_error *e);
void ts_error_set(ts_error *e, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Write a reason into why[0..whysize) when why is not NULL: the "why"
** out-parameter convention of timeutil and units. */
void ts_why(char *why, size_t whysize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Format as "file:line:column: path: msg" leaving out the parts not known
** (the body of a diagnostic, for tests and case files; what users see is
** printed by diag.c). */
void ts_error_format(const ts_error *e, char *buf, size_t size);

#endif
