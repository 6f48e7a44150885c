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
    int closed_pipe;        /* a write met EPIPE */
    int failed;             /* a write failed otherwise; err is its errno */
    int err;
} outfile;

/* Start writing to path (NULL or "-": standard output).  Returns 0, or -1
** with errno set (nothing was created). */
int outfile_open(outfile *o, const char *path);
/* Write b (emptying it) and flush if asked.  Returns 0, or -1 once the
** output is unusable (closed_pipe or failed says why). */
int outfile_write(outfile *o, outbuf *b, int flush);
/* Finish: flush; for a file also fsync, close and rename into place.
** Returns 0, or -1 with o->err set (the temporary file is removed). */
int outfile_commit(outfile *o);
/* Give up: close and remove the temporary file (standard output is left
** alone).  Safe after commit and on a zeroed outfile. */
void outfile_abort(outfile *o);

#endif
