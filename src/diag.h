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
