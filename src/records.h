/*
** records.h -- the records verb: print the records the screener reads.
**
** `trialscreen records PATH...` reads its inputs exactly as the screen
** verb does (records, Bundles, Bulk exports: fhir.h) and prints each
** patient-record/1 record as one NDJSON line, so a user sees what was
** understood of their FHIR and can pipe it on (to jq, to a file kept for
** later screening, to `trialscreen -`).
*/
#ifndef RECORDS_H
#define RECORDS_H

#include <stddef.h>

#include "record.h"
#include "vocab.h"

/* Print to standard output; errors and skipped counts go to standard
** error.  Returns the exit status (cli.h EXIT_*). */
int records_run(const char *const *paths, int npaths, size_t max_record,
                const vocab *v, const record_opts *ropts);

#endif
