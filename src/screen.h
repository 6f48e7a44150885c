/*
** screen.h -- the screen verb: inputs in, reports out, on N threads.
**
** cli.c parses the options and loads the criteria; this runs the batch:
** reads the inputs (input.c), keeps this process's shard, screens each
** record on a worker (record.c, eval.c), renders it (report.c), writes
** the reports in input order (batch.c, outfile.c), shows progress
** (progress.c) and the summary (summary.c), and computes the exit status.
*/
#ifndef SCREEN_H
#define SCREEN_H

#include <stddef.h>

#include "criteria.h"
#include "record.h"
#include "report.h"
#include "vocab.h"

typedef struct screen_opts {
    const char *const *paths;   /* at least one; "-" is standard input */
    int npaths;
    record_opts ropts;
    report_opts ro;
    int quiet;                  /* -q: no output, status says eligible */
    int warnings;               /* one warning per record and reason */
    int verbose;                /* and every warning, with its path */
    int summary;                /* --summary */
    int progress;               /* show progress on stderr (cli decided) */
    int jobs;                   /* worker threads, >= 1 */
    int shard_k, shard_n;       /* --shard K/N (1-based K); n 0: no shard */
    size_t max_record;          /* bytes; 0: INPUT_MAX_RECORD */
    const char *output;         /* --output FILE, or NULL for stdout */
    const char *html_dir;       /* --html-dir DIR: index.html (as output)
                                ** and a page per patient; or NULL */
} screen_opts;

/* Screen and report; returns the exit status (cli.h EXIT_*). */
int screen_run(const screen_opts *o, const trialset *ts, const vocab *v);

#endif
