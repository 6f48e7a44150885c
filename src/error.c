/*
** error.c -- the ts_error value: a message with a position (and, in the
** hardening builds, the failure of a ts_assert: tsassert.h).
*/
#include "ts.h"
#include "tsassert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ts_error_clear(ts_error *e)
{
    memset(e, 0, sizeof *e);
}

void
ts_error_set(ts_error *e, int line, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->line = line;
    e->column = column;
}

void
ts_error_format(const ts_error *e, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
#define ADD(...) do { \
        int k_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__); \
        if (k_ > 0) n += (size_t)k_; \
    } while (0)
    if (e->file)
        ADD("%s:", e->file);
    if (e->line > 0) {
        ADD("%d:", e->line);
        if (e->column > 0)
            ADD("%d:", e->column);
    }
    if (n > 0)
        ADD(" ");
    if (e->path[0])
        ADD("%s: ", e->path);
    ADD("%s", e->msg);
#undef ADD
}

void
ts_why(char *why, size_t whysize, const char *fmt, ...)
{
    va_list ap;
    if (why == NULL || whysize == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(why, whysize, fmt, ap);
    va_end(ap);
}

#ifdef TS_ASSERTS
void
ts_assert_fail(const char *expr, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "trialscreen: %s:%d: internal error: invariant '%s' broken\n",
            file, line, expr);
    abort();
}
#endif
