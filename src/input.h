/*
** input.h -- turning PATH arguments into a stream of records (internal).
**
** The command line names files, directories and "-"; the screener wants
** one JSON text at a time, in an order that never depends on the file
** system.  An input is an iterator over those texts: each call to
** input_next hands back one item, owned by the caller, so that a later
** version can read on one thread, screen on several, and still print in
** input order (number the items as they come out of input_next).
**
** Rules (see docs/trialscreen.1, INPUT):
**   *.json             one record (read whole, size-capped)
**   *.ndjson, *.jsonl  one record per line, blank lines skipped
**   a directory        every *.json, *.ndjson, *.jsonl below it, recursively,
**                      sorted by path (bytewise); symbolic links inside the
**                      walk are not followed and non-regular files skipped
**   "-"                NDJSON on standard input, or JSON documents that
**                      span lines (jq's output), decided on its first
**                      non-blank line
** A file named on the command line is followed through a symbolic link and
** may be a FIFO (process substitution); other extensions are read as one
** JSON record.
*/
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>

#include "ts.h"

/*
** Largest record accepted, in bytes: a whole *.json file or one NDJSON
** line.  Real ICU records are tens of kilobytes; 16 MiB is generous, and
** it keeps /dev/zero or a runaway log from eating the machine.
*/
#define INPUT_MAX_RECORD ((size_t)16 << 20)

/* Deepest directory nesting walked; deeper directories are reported. */
#define INPUT_MAX_DEPTH 64

typedef enum input_kind {
    INPUT_RECORD,       /* buf/len hold one JSON text */
    INPUT_ERROR,        /* err says why a file or line could not be read */
    INPUT_WARNING,      /* err says what was skipped and why (not an error) */
    INPUT_FHIR          /* extra holds one patient's FHIR resources (fhir.h) */
} input_kind;

/*
** One item.  Every pointer is owned by the item: release it with
** input_item_release (or keep buf and source, which are plain malloc'd
** strings, and free them yourself).
*/
typedef struct input_item {
    input_kind kind;
    char *source;       /* name for messages: "records/icu-0042.json", "<stdin>" */
    int line;           /* 1-based line for NDJSON input, 0 for a whole file */
    char *buf;          /* INPUT_RECORD: the text, with buf[len] == '\0' */
    size_t len;
    ts_error err;       /* INPUT_ERROR / INPUT_WARNING: msg (file is NULL) */
    void *extra;        /* INPUT_FHIR: the patient's group, freed with */
    void (*extra_free)(void *);     /* extra_free (input.c knows no FHIR) */
} input_item;

typedef struct input input;

/*
** Start iterating over paths[0..npaths) ("-" is standard input).  The
** strings are copied.  max_record is the size cap (0: INPUT_MAX_RECORD).
*/
input *input_new(const char *const *paths, int npaths, size_t max_record);
/*
** Produce the next item into *item (which the caller owns afterwards).
** Returns 1 when an item was produced, 0 at the end of all input.
*/
int input_next(input *in, input_item *item);
/*
** Make input_next return 0 (the end) from now on, waking it if it is
** blocked reading.  Safe to call from another thread than the one calling
** input_next (the batch's writer stopping its reader), and more than once.
*/
void input_interrupt(input *in);
/* Free what an item owns and clear it.  NULL-safe, idempotent. */
void input_item_release(input_item *item);
/* Close any open file and free the iterator.  NULL is a no-op. */
void input_free(input *in);

/*
** The total size in bytes of what paths[0..npaths) would give (directories
** walked as input_next would walk them), or -1 when it cannot be known
** (standard input, a FIFO).  For progress reports only: the files may
** change before they are read.
*/
long long input_total_bytes(const char *const *paths, int npaths);

/*
** Criteria files.  The program needs to know which YAML files to load and
** in which order before it reads any record; that is decided here, next
** to the rest of the file handling (inputcrit.c), and loaded by cli.c.
*/

/* A list of owned strings. */
typedef struct input_list {
    char **s;
    int n, cap;
} input_list;

void input_list_add(input_list *l, char *s);    /* takes ownership of s */
void input_list_release(input_list *l);            /* NULL-safe */

/*
** Where the bundled criteria are: criteria/ next to the running executable
** (a source checkout), else TS_DATADIR "/criteria" (installed), else
** ./criteria.  Returns a malloc'd path, or NULL if none exists.
*/
char *input_bundled_criteria(void);

/*
** The criteria files to load for paths[0..npaths) (with npaths 0: the
** directories in $TRIALSCREEN_CRITERIA, separated by ':', else the bundled
** criteria).  A directory gives its *.yaml and *.yml files.  The order is:
** vocabulary files with concepts, vocabulary files with codes only, then
** trials, each group in the order given (a directory's files sorted).
** When no file defines concepts, the bundled concepts.yaml comes first:
** the vocabulary must always be there.  A file reached twice (compared by
** realpath) is listed once.  Returns 0, or -1 with err->msg set.
*/
int input_criteria_files(const char *const *paths, int npaths,
                         input_list *out, ts_error *err);

/*
** lint's files: as input_criteria_files, but a trial FILE given on its
** own also brings the vocabulary files beside it (its directory's files
** with `concepts` or `codes`) and the bundled concepts.yaml, so that a
** site's trial lints against the vocabulary it will be screened with.
*/
int input_lint_files(const char *const *paths, int npaths, input_list *out,
                     ts_error *err);

/* Path helpers shared by input.c and inputcrit.c. */
int input_has_suffix(const char *s, const char *suffix);
char *input_join_path(const char *dir, const char *name);  /* malloc'd */

/* The name stdin is given in messages and output. */
#define INPUT_STDIN_NAME "<stdin>"

#endif
