/*
** record.h -- patient records: JSON in, facts out.
**
** A record is read from one JSON text (a file, or a line of NDJSON),
** validated against the patient-record/1 contract, and turned into facts
** indexed by concept.  The record owns an arena; everything hanging off it
** is freed by record_free.  The fact model itself is in src/facts.h.
*/
#ifndef RECORD_H
#define RECORD_H

#include "ts.h"
#include "vocab.h"

typedef struct record record;

/* Sections a record (or --assume-complete) can vouch are complete. */
enum {
    SEC_CONDITIONS  = 1 << 0,
    SEC_PROCEDURES  = 1 << 1,
    SEC_MEDICATIONS = 1 << 2,
    SEC_LOCATIONS   = 1 << 3
};

/*
** Warnings (what the reader ignored: unknown fields, unknown codes, codes
** of another kind, unusable units).  RW_GROUPS, the default: counted per
** reason, with the position of the first item of each reason.  RW_COUNT:
** only counted (nothing will be printed: no position is looked for).
** RW_ALL: also every one with its position and path (record_warning;
** what a NULL opts means).
*/
enum { RW_GROUPS, RW_COUNT, RW_ALL };

typedef struct record_opts {
    ts_time at;             /* --at, or TS_NONE */
    unsigned assume_complete;   /* SEC_* bits forced complete */
    int strict;             /* warnings are errors: the record is refused */
    int warnings;           /* RW_* */
} record_opts;

/*
** Parse one record from buf[0..len) (buf[len] must be a NUL byte).  source
** names the input in messages and output ("records/icu-0042.json");
** line_base is the 0-based line of buf in that input (NDJSON).  On error
** returns NULL and fills err: a syntax error carries line and column, a
** contract error also the JSON path ("medications[3].rate: must not be
** negative").
*/
record *record_parse(const char *buf, size_t len, const char *source,
                     int line_base, const vocab *v, const record_opts *opts,
                     ts_error *err);
void record_free(record *r);

const char *record_id(const record *r);
const char *record_source(const record *r);
ts_time record_at(const record *r);
/* Every warning, "LINE:COLUMN: PATH: MESSAGE" (RW_ALL only; capped). */
int record_nwarnings(const record *r);
const char *record_warning(const record *r, int i);
/* Warnings per reason (all modes): the i-th's message, to follow "ID: "
** ("3 observations ignored: unknown code 'lactat' (did you mean
** 'lactate'?)"), into buf; *line and *column of its first item (0 when not
** looked for).  record_more_warnings: items ignored past the groups' cap. */
int record_nwarning_groups(const record *r);
const char *record_warning_group(const record *r, int i, char *buf, size_t size,
                                 int *line, int *column);
int record_more_warnings(const record *r);

#endif
