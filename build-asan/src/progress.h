/*
** progress.h -- a one-line progress report on standard error.
**
** "trialscreen: 41200 records, 5150/s, 61.3 MB/s, 0:08 elapsed, ETA 0:12"
** redrawn in place (carriage return, erase to end of line) at most five
** times a second.  Only for a person at a terminal: cli decides whether to
** create one (stderr a terminal, no --no-progress).  The ETA needs the
** total size of the input, which is known for files and directories but
** not for standard input or a pipe.
*/
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdio.h>

typedef struct progress progress;

/* total_bytes: the input's size, or -1 when it is not known. */
progress *progress_new(FILE *f, long long total_bytes);
/* Done so far; redraws when enough time has passed (or force). */
void progress_update(progress *p, long records, long long bytes, int force);
/* Erase the line, before other text goes to the same terminal; the next
** update draws it again. */
void progress_clear(progress *p);
/* Erase the line and free.  NULL is a no-op. */
void progress_free(progress *p);

#endif
