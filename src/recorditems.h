/*
** recorditems.h -- the two halves of the record reader (internal).
**
** record.c reads a record as a whole (record_parse, the top-level fields,
** the sections as arrays) and provides the field helpers below;
** recorditems.c reads each item of a section into the record's facts and
** does the unit conversions.  Every helper that can fail sets rd->err with
** the message, the JSON path and the line:column of the node, and returns
** -1; a reader stops at the first error.  Warnings go to the record.
*/
#ifndef RECORDITEMS_H
#define RECORDITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "jsondoc.h"
#include "record.h"

#define SHOW 64                 /* bytes of a value quoted in a message */
#define CONV_MEMO 16            /* concepts whose last conversion is kept */
#define UNKNOWN_MEMO 64         /* unknown codes whose group is kept */

/* A warning kept for RW_ALL until its position is known. */
typedef struct pending_warning {
    const cJSON *node;
    const char *path;
    const char *msg;
} pending_warning;

typedef struct reader {
    record *r;                  /* NULL until the id is read */
    json_doc *doc;              /* not const: positions fill its cache */
    const record_opts *opts;
    ts_error *err;
    ts_time latest;             /* latest timestamp seen, or TS_NONE */
    int mode;                   /* RW_*: what to do with warnings */
    const char *section;        /* being read: "observations", or "" */
    const char *wanted;         /* its kind: "an observation" */
    pending_warning *pending;   /* RW_ALL: the warnings, to be placed */
    int npending, cappending;
    /* The last unit a concept's samples converted from, and its factor
    ** (recorditems.c): a record repeats one unit per concept, and
    ** unit_factor parses both units every time.  By concept index mod
    ** CONV_MEMO; zeroed with the reader. */
    struct conv_memo {
        const concept *c;
        const char *unit;
        double factor;
    } conv[CONV_MEMO];
    /* The warning group of each unknown code met (by vocab_hash mod
    ** UNKNOWN_MEMO; group is its index + 1, 0 for none): a real extract
    ** repeats a dozen codes no trial reads hundreds of times, and each
    ** missed the vocabulary and searched the groups again.  Only when
    ** warnings are not kept one by one (not RW_ALL) and not errors. */
    struct unknown_memo {
        uint32_t hash;
        int group;
    } unknown[UNKNOWN_MEMO];
    int last_group;             /* rec_warn: warn_count's answer */
} reader;

/* record.c: messages and fields */

/* An error at node (path: "medications[3].rate"); returns -1. */
int rec_fail(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Something ignored at node (path prefix.name, or prefix when name is
** NULL; key: the field, code or unit, and
** detail: the kind the code is of, or why the unit is unusable), counted
** per reason; an error (-1, rd->err set) with --strict. */
int rec_warn(reader *rd, warn_reason why, const cJSON *node, const char *prefix,
             const char *name, const char *key, const char *detail, int ignored);
/* "expected <expected>, found <type of node>". */
/* The concept of code (of vocab_hash hash), or NULL (*c) and 1 once an
** unknown code is counted as such (rec_warn: node, prefix, name); -1 on
** an error (--strict).  The kind is the caller's to check. */
int rec_find_code(reader *rd, const cJSON *node, const char *prefix, const char *name,
                  const char *code, const concept **c);
int rec_fail_type(reader *rd, const cJSON *node, const char *path, const char *expected);
int rec_same_name(const char *a, const char *b);
/* The member name of obj (case-sensitive), or NULL. */
const cJSON *rec_field(const cJSON *obj, const char *name);
/* An optional field: absent and null both mean "not given". */
const cJSON *rec_opt_field(const cJSON *obj, const char *name);
/* prefix.name into out; a path too long for the buffer is cut. */
void rec_join(char *out, size_t size, const char *prefix, const char *name);
int rec_missing(reader *rd, const cJSON *obj, const char *prefix, const char *name);
/* A string field; *out is NULL when an optional field is absent. */
int rec_get_str(reader *rd, const cJSON *obj, const char *prefix, const char *name,
                int required, const char **out);
/* rec_get_str on the member n already found (NULL: absent). */
int rec_str(reader *rd, const cJSON *n, const cJSON *obj, const char *prefix,
            const char *name, int required, const char **out);
/* Fields the contract does not know: a warning, or an error if strict;
** in the same pass, slots[k] is the member named known[k], or NULL
** (slots as long as known, or NULL for no slots). */
int rec_fields(reader *rd, const cJSON *obj, const char *prefix,
               const char *const *known, const cJSON **slots);

/* recorditems.c: one item of a section (pre is its path, i its index), the
** facts object, and the conversions that needed the screening time. */

int rec_read_observation(reader *rd, const cJSON *it, const char *pre, int i);
int rec_read_medication(reader *rd, const cJSON *it, const char *pre, int i);
int rec_read_condition(reader *rd, const cJSON *it, const char *pre, int i);
int rec_read_procedure(reader *rd, const cJSON *it, const char *pre, int i);
int rec_read_location(reader *rd, const cJSON *it, const char *pre, int i);
int rec_read_facts(reader *rd, const cJSON *root);
void rec_convert_late(record *r);

#endif
