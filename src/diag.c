/*
** diag.c -- the one diagnostic printer (see diag.h for the format).
**
** Stages return ts_error values and never print; whoever decides where a
** diagnostic goes (cli.c, screen.c, lint, the test verb) renders it here,
** so that there is one shape to document, test and parse.
*/
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const char *
level_word(ts_level level)
{
    return level == TS_LEVEL_WARNING ? "warning" : "error";
}

/* "N:" without printf: a run prints a dozen warning lines a record. */
static void
put_number(outbuf *b, int v)
{
    char d[16];
    d[sizeof d - 1] = ':';
    const char *p = diag_int(d + sizeof d - 1, v);
    outbuf_put(b, p, (size_t)(d + sizeof d - p));
}

/* "trialscreen: FILE:LINE:COLUMN: error: ", the parts not known left out. */
static void
head(outbuf *b, ts_level level, const char *file, int line, int column)
{
    outbuf_puts(b, DIAG_PROG ": ");
    if (file && file[0]) {
        outbuf_escaped(b, file);
        outbuf_puts(b, ":");
    }
    if (line > 0) {
        put_number(b, line);
        if (column > 0)
            put_number(b, column);
    }
    if (b->p[b->len - 1] == ':')
        outbuf_puts(b, " ");
    outbuf_puts(b, level_word(level));
    outbuf_puts(b, ": ");
}

void
diag_put(outbuf *b, const ts_error *e)
{
    head(b, e->level, e->file, e->line, e->column);
    if (e->path[0]) {
        outbuf_escaped(b, e->path);
        outbuf_puts(b, ": ");
    }
    outbuf_escaped(b, e->msg);
    outbuf_puts(b, "\n");
}

/* The message is formatted without a length limit (a failing case lists
** every mismatch), then escaped. */
static void
vput(outbuf *b, ts_level level, const char *file, int line, int column,
     const char *fmt, va_list ap)
{
    char small[512];
    va_list aq;
    /* "%s" and "%s: %s", the formats of the warning lines (screen.c,
    ** replay.c: a dozen a record, where vsnprintf cost as much as the rest
    ** of the line), are put without printf: escaping "A: B" is escaping A,
    ** then ": ", then B (the ASCII separator ends any sequence A leaves
    ** open).  Not for a NULL string (printf's "(null)"). */
    if (fmt[0] == '%' && fmt[1] == 's' && (!fmt[2] || strcmp(fmt + 2, ": %s") == 0)) {
        va_copy(aq, ap);
        const char *x = va_arg(aq, const char *);
        const char *y = fmt[2] ? va_arg(aq, const char *) : "";
        va_end(aq);
        if (x && y) {
            head(b, level, file, line, line > 0 ? column : 0);
            outbuf_escaped(b, x);
            if (fmt[2]) {
                outbuf_puts(b, ": ");
                outbuf_escaped(b, y);
            }
            outbuf_puts(b, "\n");
            return;
        }
    }
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    head(b, level, file, line, line > 0 ? column : 0);
    if (n >= (int)sizeof small) {
        char *big = xmalloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        outbuf_escaped(b, big);
        free(big);
    } else {
        outbuf_escaped(b, n > 0 ? small : "");
    }
    outbuf_puts(b, "\n");
}

void
diag_putf(outbuf *b, ts_level level, const char *file, int line, int column,
          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(b, level, file, line, column, fmt, ap);
    va_end(ap);
}

void
diag_print(FILE *f, const ts_error *e)
{
    outbuf b = {0};
    diag_put(&b, e);
    fwrite(b.p, 1, b.len, f);
    fflush(f);
    outbuf_release(&b);
}

void
diag_printf(FILE *f, ts_level level, const char *file, int line, int column,
            const char *fmt, ...)
{
    outbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    vput(&b, level, file, line, column, fmt, ap);
    va_end(ap);
    fwrite(b.p, 1, b.len, f);
    fflush(f);
    outbuf_release(&b);
}
