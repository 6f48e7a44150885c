/*
** warnings.h -- what a record reader ignored, counted per reason (internal).
**
** Data a screener ignores change verdicts, so the user must hear about
** them, by default, on every run: one line per record and reason ("ICU-7:
** 13 observations ignored: unknown unit 'mm/Hg' ..."), not one per item.
** The reader counts each ignored item into a group keyed by (reason,
** section, code or unit or field); a group keeps its count and its first
** item, whose line:column is found later, for all groups at once
** (json_doc_positions: linear in the record), and only when warnings are
** to be printed.  Messages are made only when printed (warn_message).
*/
#ifndef WARNINGS_H
#define WARNINGS_H

#include <stddef.h>

typedef struct record record;

typedef enum warn_reason {
    WR_UNKNOWN_FIELD,       /* key: the field */
    WR_UNKNOWN_CODE,        /* key: the code */
    WR_WRONG_KIND,          /* key: the code; detail: "a medication" */
    WR_UNIT                 /* key: the unit (or ""); detail: why unusable */
} warn_reason;

#define WARN_MAX_GROUPS 100     /* per record; then a count of the rest */

typedef struct warn_group {
    warn_reason reason;
    const char *section;    /* "observations", ..., "facts"; "" top level */
    const char *wanted;     /* WR_WRONG_KIND: "an observation" */
    const char *key;        /* copied into the record's arena */
    const char *detail;     /* copied; NULL if none */
    int ignored;            /* the items were dropped or are unusable */
    int count;
    const void *node;       /* first item's JSON node, while the tree lives */
    int line, column;       /* first item's position; 0 if not found */
    unsigned hash;          /* of key: most look-ups compare only this */
} warn_group;

/* Count one ignored item (node: its JSON node, for the position); the
** index of its group in r->groups, or -1 past WARN_MAX_GROUPS. */
int warn_count(record *r, warn_reason why, const char *section, const char *wanted,
                const char *key, const char *detail, int ignored, const void *node);

/* The message of group g, after "ID: " (warnings.c says what it reads
** like), into out[0..size). */
void warn_message(const record *r, const warn_group *g, char *out, size_t size);

#endif
