/*
** outfile.h -- where the report goes: standard output, or a file that is
** replaced whole or not at all (--output).
**
** A report written straight into its final name is half a report if the
** run is interrupted, the disk fills or the machine stops; a reader of
** that file cannot tell.  So --output FILE writes FILE.XXXXXX in the same
** directory (same file system: rename is atomic), and on success flushes,
** fsyncs and renames it over FILE; on failure or on SIGINT, SIGTERM or
** SIGHUP the temporary file is removed and FILE is untouched.
A FILE that exists and is neither a regular file nor a directory
(/dev/null, a FIFO, a terminal) is written in place instead.
**
** Standard output cannot be made atomic; there a closed pipe (EPIPE: the
** reader, e.g. head, has all it wants) is told apart from a real write
** error, so that the caller can stop quietly in the first case and fail
** loudly in the second.
*/
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stdio.h>

#include "outbuf.h"

typedef struct outfile {
    FILE *f;
    char *path;             /* final name; NULL for standard output */
    char *tmp;              /* temporary name while writing to a file */
    int in_place;           /* a device or FIFO, written as it is */
    int closed_pipe;        /* a write met EPIPE */
    int failed;             /* a write failed otherwise; err is its errno */
    int err;
    int no_sync;            /* commit without fsync (--html-dir's index) */
    size_t hold;            /* outfile_hold: write once this much is held */
    outbuf held;            /* what outfile_write holds back */
} outfile;

/* Start writing to path (NULL or "-": standard output).  Returns 0, or -1
** with errno set (nothing was created). */
int outfile_open(outfile *o, const char *path);
/* Write b (emptying it) and flush if asked.  Returns 0, or -1 once the
** output is unusable (closed_pipe or failed says why).  After
** outfile_hold, b is held back (not flushed) until hold bytes are held or
** outfile_flush, so that an error can surface at a later call. */
int outfile_write(outfile *o, outbuf *b, int flush);
/* Hold back up to n bytes of what outfile_write is given and write them
** in one go (0: write at once, the default).  Why: a write system call
** costs about as much as formatting a record's verdicts on a virtual
** machine, and a 10,000-patient NDJSON report written record by record
** makes 30,000 of them; held in 1 MiB pieces, it makes a few hundred. */
void outfile_hold(outfile *o, size_t n);
/* Write what is held and flush the stream.  Returns as outfile_write. */
int outfile_flush(outfile *o);
/* Finish: flush; for a file also fsync (unless no_sync), close and rename
** into place.  no_sync is for a file that is one of many written unsynced:
** --html-dir's index.html, whose pages are not synced (an fsync each
** would cost more than the run), so that syncing the index alone would
** promise nothing about the pages it links; its fsync, 8 MB for 10,000
** patients, was a tenth of the run.  The rename keeps it whole either way.
** Returns 0, or -1 with o->err set (the temporary file is removed). */
int outfile_commit(outfile *o);
/* Give up: close and remove the temporary file (standard output is left
** alone).  Safe after commit and on a zeroed outfile. */
void outfile_abort(outfile *o);

#endif
