/*
** diag.h -- the one diagnostic format (internal).
**
** Every message trialscreen prints about a problem -- a record that cannot
** be read, a criteria error, a lint finding, a failing case, a usage
** error, a warning -- has the shape gcc and mandoc use, so that editors,
** grep and scripts read them all the same way:
**
**   trialscreen: FILE:LINE:COLUMN: error: JSON-PATH: MESSAGE
**   trialscreen: FILE:LINE: warning: MESSAGE
**   trialscreen: error: MESSAGE
**
** The parts not known are left out.  The diagnostic is a ts_error (ts.h)
** with its level; diag_put is the only printer.  Text from the input is
** escaped (control characters and bidirectional overrides as \xNN) so a
** hostile file name or message cannot drive the terminal.
*/
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

#include "outbuf.h"
#include "ts.h"

#define DIAG_PROG "trialscreen"

/*
** v in decimal ("-" first if negative), written in the bytes just before
** end (at most 11: "-2147483648"); returns where it starts.  Without
** printf and without an outbuf: the diagnostic head's "LINE:COLUMN:" and
** the warning messages' counts ("3 observations ignored", warnings.c,
** which writes into a fixed buffer) are written a dozen times a record.
** Inline so that a reader that only counts needs no diag.o.
*/
static inline char *
diag_int(char *end, int v)
{
    char *p = end;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

/* Append e as one line, newline included. */
void diag_put(outbuf *b, const ts_error *e);

/* Append a diagnostic built from its parts (file may be NULL, line and
** column 0 when not known). */
void diag_putf(outbuf *b, ts_level level, const char *file, int line,
               int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The same, written straight to f (standard error, usually). */
void diag_print(FILE *f, const ts_error *e);
void diag_printf(FILE *f, ts_level level, const char *file, int line,
                 int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
