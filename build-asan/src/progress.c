/*
** progress.c -- redraw "N records, rate, elapsed, ETA" on a terminal.
**
** Called by the writer after every record, so the common path must be a
** clock read and a comparison; the line is formatted and written only
** when PROGRESS_INTERVAL has passed.  Rates are averages since the start:
** steadier than instantaneous ones, and right for an ETA on a batch whose
** records are alike on average.
*/
#include <stdlib.h>
#include <time.h>

#include "arena.h"
#include "progress.h"

#define PROGRESS_INTERVAL 0.2   /* seconds between redraws */

struct progress {
    FILE *f;
    long long total;
    double start, last;
    int shown;                  /* a line is on the screen */
};

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

progress *
progress_new(FILE *f, long long total_bytes)
{
    progress *p = xcalloc(1, sizeof *p);
    p->f = f;
    p->total = total_bytes;
    /* The first update draws at once: "last" is long ago. */
    p->start = now();
    p->last = p->start - 2 * PROGRESS_INTERVAL;
    return p;
}

/* "0:07", "12:30", "1:02:03" */
static void
clock_text(double secs, char *buf, size_t size)
{
    long s = secs < 0 ? 0 : (long)(secs + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

void
progress_update(progress *p, long records, long long bytes, int force)
{
    if (!p)
        return;
    double t = now();
    if (!force && t - p->last < PROGRESS_INTERVAL)
        return;
    p->last = t;
    double el = t - p->start;
    char elapsed[32], eta[48] = "";
    clock_text(el, elapsed, sizeof elapsed);
    if (p->total > 0 && bytes > 0 && el > 0) {
        double left = el * (double)(p->total - bytes) / (double)bytes;
        char buf[32];
        clock_text(left, buf, sizeof buf);
        snprintf(eta, sizeof eta, ", ETA %s", buf);
    }
    double rate = el > 0 ? (double)records / el : 0;
    double mbs = el > 0 ? (double)bytes / el / 1e6 : 0;
    fprintf(p->f, "\rtrialscreen: %ld record%s, %.0f/s, %.1f MB/s, %s elapsed%s\033[K",
            records, records == 1 ? "" : "s", rate, mbs, elapsed, eta);
    fflush(p->f);
    p->shown = 1;
}

void
progress_clear(progress *p)
{
    if (p && p->shown) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->shown = 0;
    }
}

void
progress_free(progress *p)
{
    progress_clear(p);
    free(p);
}
