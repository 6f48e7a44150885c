/*
** fhir.h -- FHIR R4 input: resources in, patient-record/1 texts out.
**
** The screener reads FHIR by turning each patient's resources into the
** JSON text of a patient-record/1 record, which then goes through the one
** record reader (record.c): verdicts from FHIR and from a hand-made record
** are the same by construction, and `trialscreen records` can print
** exactly what was understood.  The mapping is docs/fhir.md,
** documented for users in docs/fhir.md.
**
** Three stages, one file each:
**   fhirin.c     detection by content and grouping: wraps the input
**                iterator (input.c); records pass through, a Bundle is
**                grouped in memory, loose resources (Bulk NDJSON) are
**                spilled to fhirstore and handed out at the end;
**   fhirstore.c  the spill store: SQLite in a temporary file, so that
**                grouping a Bulk export never holds it in memory;
**   fhirmap.c    one patient's resources -> one record text (runs on the
**                worker threads).
**
** Resources that are not read are counted per reason (fhir_skip), never an
** error; a resource of a known type with a field of the wrong type is an
** error for its patient, with file, line and JSON path.
*/
#ifndef FHIR_H
#define FHIR_H

#include <stddef.h>
#include <stdio.h>

#include "input.h"
#include "vocab.h"

/* Why a resource (or a part of one) was not read. */
typedef enum fhir_skip {
    FS_TYPE,            /* a resource type the screener does not read */
    FS_CODE,            /* no coding maps to a concept of the right kind */
    FS_STATUS,          /* entered-in-error, cancelled, not-done */
    FS_NO_PATIENT,      /* names no patient, or one not in the input */
    FS_NO_TIME,         /* no time the record format needs */
    FS_NO_VALUE,        /* an Observation with no value of a type read */
    FS_DUPLICATE,       /* the same type and id was read before */
    FS_COUNT
} fhir_skip;

/* Counts per reason; for FS_TYPE also per resource type (the first few). */
#define FHIR_TYPE_NAMES 8
typedef struct fhir_counts {
    long n[FS_COUNT];
    char type[FHIR_TYPE_NAMES][40];
    long ntype[FHIR_TYPE_NAMES];
    long other_types;           /* skipped types beyond the first few */
} fhir_counts;

const char *fhir_skip_text(fhir_skip why);     /* "resource type not read" */
const char *fhir_skip_key(fhir_skip why);      /* "type": NDJSON summary */
void fhir_count_type(fhir_counts *c, const char *type);
void fhir_counts_add(fhir_counts *dst, const fhir_counts *src);
long fhir_counts_total(const fhir_counts *c);
/* The reason as text; for FS_TYPE with the types: "resource type not
** read (Claim 3, Device 1)". */
void fhir_skipped_text(const fhir_counts *c, fhir_skip why, char *buf,
                       size_t size);
/*
** Append "FILE N, lines L1, L2, L3" (the first nlines positions of the n
** resources of FILE that have no patient) to buf[0..size), "; " between
** files; past FHIR_ORPHAN_FILES files only "...".
*/
#define FHIR_ORPHAN_FILES 5
void fhir_orphans_add(char *buf, size_t size, const char *file, long n,
                      const int *lines, int nlines);
/* One line per reason on fp: "warning: FHIR: 3 resources skipped: ...". */
void fhir_skipped_warnings(const fhir_counts *c, const char *orphans, FILE *fp);

/*
** One resource of a patient's group: its JSON text and where it came from
** (messages say "source:line: path: ...").  path is "" for an NDJSON line
** and "entry[3].resource" inside a Bundle; col is 1 when columns in text
** are the file's own (an NDJSON line), 0 when text was reprinted.
*/
typedef struct fhir_res {
    char *url;          /* the Bundle entry's fullUrl, or NULL */
    char *source;
    int line;
    int col;
    char *path;
    char *text;
    size_t len;
} fhir_res;

/*
** A patient's resources: res[0] is the Patient; Medication and Location
** resources the others refer to are in the group too.  as_of is the
** Bundle's timestamp or the Bulk manifest's transactionTime, or NULL.
** Owned by the input item (input_item.extra) that carries it.
*/
typedef struct fhir_group {
    fhir_res *res;
    int n, cap;
    char *as_of;
    fhir_counts skipped;    /* filled by fhir_map */
} fhir_group;

fhir_group *fhir_group_new(void);
void fhir_group_add(fhir_group *g, const char *url, const char *source,
                    int line, int col, const char *path, const char *text,
                    size_t len);
void fhir_group_free(void *g);             /* NULL-safe; void * for input.h */

/*
** Map a group to the text of one patient-record/1 record (malloc'd,
** NUL-terminated, *len set).  Returns NULL with err set (file, line, JSON
** path) when a resource of a read type has a field of the wrong type or
** an invalid time.  Counts what was skipped in g->skipped.
*/
char *fhir_map(fhir_group *g, const vocab *v, size_t *len, ts_error *err);

/*
** The FHIR-aware input: wraps in (which it owns).  Hands out records
** (INPUT_RECORD), errors, warnings and patients read from FHIR
** (INPUT_FHIR: item->extra is the fhir_group, item->buf NULL).  Records
** and Bundles come in input order; patients from loose resources (Bulk
** NDJSON, FHIR NDJSON on stdin) after all other input, in the order of
** their Patient resources.
*/
typedef struct fhir_input fhir_input;

/* Whether a JSON text may be FHIR: it holds the key "resourceType",
** "transactionTime" or "eventId" somewhere (else it is a record). */
int fhirin_may_be_fhir(const char *buf, size_t len);
fhir_input *fhirin_new(input *in);
int fhirin_next(fhir_input *f, input_item *item);
/* What the grouping skipped (types not read, no patient, duplicates). */
const fhir_counts *fhirin_counts(const fhir_input *f);
/* Warnings about resources with no patient (first positions); NULL if none. */
const char *fhirin_orphans(const fhir_input *f);
void fhirin_free(fhir_input *f);           /* NULL-safe */
/* Wake a reader blocked on the wrapped input (batch_ops interrupt). */
void fhirin_interrupt(fhir_input *f);

#endif
