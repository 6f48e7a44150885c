/*
** html.h -- the HTML report: one self-contained page (internal).
**
** An output stage beside report.c.  screen.c screens a record as for any
** format and hands the results here; this renders them, and nothing here
** calls back into screen.c or batch.c.  Three files:
**
**   html.c          the page: escaping, head and style, the patient
**                   section (header, badges, criteria tables), the index
**                   (verdict matrix, attrition funnels), page file names;
**   htmlgrid.c      every criterion's result and each trial's verdict at
**                   the points of the timeline's grid, by replay's
**                   machinery (replaywhen.c's change instants, recview.c's
**                   view of the record at a point, eval_trial);
**   htmltimeline.c  the inline-SVG timeline of one trial.
**
** The markup is a contract for machines as well as a picture for people:
** the data-* hooks are listed in docs/html.md.  Every string that comes
** from a record or a criteria file goes through html_escape.
*/
#ifndef HTML_H
#define HTML_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "criteria.h"
#include "record.h"
#include "replaywhen.h"
#include "report.h"
#include "summary.h"
#include "vocab.h"

/* The timeline's grid step and how far back it reaches (docs/html.md,
** "Grid"): hourly points from at most 72 h before the screening time. */
#define HTML_STEP TS_HOUR
#define HTML_SPAN_BACK (72 * TS_HOUR)
/* How far past the screening time the axis reaches to show an enrolment
** window that is still open; beyond it the band is clipped. */
#define HTML_SPAN_AHEAD (48 * TS_HOUR)

/* What a trial's criteria read (htmltimeline.c): a panel per series,
** with the thresholds of the criteria that compare it (canonical unit). */
typedef struct html_threshold {
    int crit;                   /* index in the trial's criteria */
    double v;
} html_threshold;

typedef struct html_panel {
    const concept *c;
    int nthr;
    html_threshold *thr;
    /* The panel's markup but the numbers that follow the patient's values
    ** (the scale's ends, the thresholds' y), escaped and formatted once:
    ** piece k is fixed.p + cut[k] .. cut[k + 1] (htmltimeline.c). */
    outbuf fixed;
    size_t *cut;
} html_panel;

/* A criterion's (or the verdict's) row of the timeline but what follows
** the patient, escaped once per run (htmltimeline.c's row_fixed): the
** end of its label ('>' id '</text>'), then what every stretch of the
** row writes before its data-result's value ('<rect class="stretch x"',
** data-trial, ...), then what its at-now square writes before it. */
typedef struct html_row {
    outbuf text;
    size_t label, stretch;      /* where the first two end in text */
} html_row;

typedef struct html_panels {
    int n;
    html_panel *p;
    html_row *rows;             /* [ncrit + 1]: the criteria's, the verdict's */
    int nrows;
    outbuf opens;               /* '<svg class="timeline" data-trial="ID"' */
    size_t svg;                 /* (its length), '<rect class="window" ...' */
} html_panels;

html_panels *html_panels_new(const trial *t);
void html_panels_free(html_panels *ps);     /* NULL-safe */

/* Shared by every worker, read-only once made: per trial, its clock and
** its panels. */
typedef struct html_ctx {
    const trialset *ts;
    const vocab *v;
    int ntrials;
    trial_clock **clock;
    html_panels **panels;
    outbuf **cells;             /* [trial][criterion]: the table's first
                                ** cells, escaped once (html.c) */
    outbuf **notes;             /* [trial][criterion]: the "Read as" note,
                                ** escaped once; empty without a note */
    outbuf **rows;              /* [trial][criterion * 7 + k]: k < 6 a
                                ** table row from '<tr' to its reading's
                                ** cell (k = result * 2 + decides), 6 its
                                ** deciding item, made once (html.c) */
    outbuf **heads;             /* [trial][3]: its section's opening, its
                                ** criteria table's head (html.c) */
    int dir;                    /* --html-dir: the notes of the criteria
                                ** that did not decide are in index.html */
} html_ctx;

html_ctx *html_new(const trialset *ts, const vocab *v);
void html_free(html_ctx *h);                /* NULL-safe */

/* A criterion's value at a point where the trial was not evaluated
** (htmlgrid.c: ineligible because of another criterion). */
#define HTML_SKIPPED 3

/* The results over the grid (htmlgrid.c): point k of trial j has verdict
** verdict[j * n + k] and criterion i's value crit[j][i * n + k]. */
typedef struct html_grid {
    int n;                      /* points */
    ts_time *at;                /* [n]: multiples of the step, then now */
    unsigned char *verdict;     /* [ntrials * n] */
    unsigned char **crit;       /* [ntrials][ncrit * n] (tv) */
    int cap_points;
    long evaluations;           /* trial evaluations done */
    long partial;               /* of which only some criteria were redone
                                ** (tests check the path is taken) */
    outbuf stamps;              /* the points' times as html_time writes
                                ** them, one after the other: the stretches
                                ** print each many times */
    size_t *stamp_at;           /* [n + 1]: point k's is stamps.p +
                                ** stamp_at[k] .. stamp_at[k + 1] */
} html_grid;

/* A value as num_format writes it (htmltimeline.c's memo); len 0: empty. */
typedef struct html_value_text {
    uint64_t bits;              /* the double's */
    unsigned char len;
    char text[23];
} html_value_text;

/* What a timeline's stretch from grid point k to ke writes after its
** data-result (htmltimeline.c's stretch_tail): the same in every row of a
** patient, kept for its patient (serial); len 0: empty. */
typedef struct html_tail {
    uint64_t serial;
    int k, ke;
    unsigned char len;
    char text[123];
} html_tail;

/* A text the same in every timeline of a patient (htmltimeline.c), kept
** for its patient (serial). */
typedef struct html_memo {
    uint64_t serial;
    size_t len;
    char text[160];
} html_memo;

/* Per worker thread. */
typedef struct html_worker {
    const html_ctx *h;
    arena *a;                   /* one grid point's view and results */
    html_grid g;
    unsigned char *mark;        /* [ntrials][cap_points]: a change instant
                                ** in the step to point k (trial_clock_marks) */
    unsigned char **cmark;      /* [ntrials][ncrit][cap_points]: the same
                                ** per criterion (trial_clock_crit_marks) */
    unsigned char *full;        /* [ntrials]: the last column has every
                                ** criterion's value (none skipped) */
    unsigned char *cready;      /* [ntrials]: cmark made for this record */
    clock_grid *cg;             /* the record's item times on the grid, for
                                ** the marks of every trial and criterion */
    unsigned char *redo, *vals; /* [max ncrit]: eval_trial_values' */
    unsigned char *every;       /* [max ncrit]: all 1, redo everything */
    ts_time *until;             /* [ntrials]: ineligible at least until */
    int *hold;                  /* [ntrials]: the criterion that keeps it */
    int *held, nheld, cap_held; /* the record's concepts with an item
                                ** (record_held), for its views */
    /* The same in every timeline of a patient (html_timeline_begin): */
    int *items, nitems, cap_items;  /* the concepts with a medication,
                                ** procedure or location entry, ascending */
    /* In xs, piece i at xs.p + x_at[i] .. x_at[i + 1]: grid point k's
    ** ' x="..."' (clipped) for k < n, the rows' squares' ' x="..."', then
    ** per axis tick its x, hour label and date label (axis_ticks); then
    ** to the end of xs the bar rows and the stay row, with holes for their
    ** y (bars_fixed). */
    outbuf xs;
    size_t *x_at;               /* [n + 2 + 3 nticks] */
    int cap_x;
    int nticks;
    int nbars, stays;           /* bar rows; 1 if there is a stay row */
    /* A series' samples as a panel prints their times and values, made
    ** for the first trial that draws the series and copied by the others
    ** (htmltimeline.c's samples): */
    const concept **samp_c;     /* [nsamp] the series */
    outbuf *samp_text;          /* [cap_samp] its text; kept for reuse */
    int nsamp, cap_samp;
    /* The values the timelines print as num_format writes them (samples,
    ** large scale ends), by their bits: they recur from patient to patient. */
    html_value_text vtext[256];
    uint64_t serial;            /* the patient's, from 1 (html_timeline_begin) */
    html_tail tails[64];         /* by (k, ke) */
    html_memo svg_head, now_line;
} html_worker;

html_worker *html_worker_new(const html_ctx *h);
void html_worker_free(html_worker *w);      /* NULL-safe */

/* The axis of a patient's timelines. */
typedef struct html_span {
    ts_time t0, t1;             /* the axis */
    ts_time now;                /* the screening time */
} html_span;

/* htmlgrid.c: fill w->g for record r from t0 to r's screening time; res
** (trialset order) is r screened at that time, which is the last point. */
void html_grid_run(html_worker *w, const record *r, ts_time t0,
                   trial_result *const *res);

/* A string literal appended with its length known when compiling: a copy
** of outbuf_puts the compiler keeps out of line measures it at every call
** (a tenth of a timeline's panel). */
#define html_lit(b, s) outbuf_put((b), "" s "", sizeof(s) - 1)

/* html.c */
void html_escape(outbuf *b, const char *s);
/* An RFC 3339 time as in the NDJSON, "2026-03-01T09:45:00Z". */
void html_time(outbuf *b, ts_time t);
/* A time for people, "2026-03-01 09:45" (UTC); its date from html_time's
** memo of dates. */
void html_short_time(outbuf *b, ts_time t);
/* What a criterion's result does to the verdict, for the colours
** (data-effect): "ok" (an inclusion met, an exclusion not met), "blocks"
** or "unknown". */
const char *html_effect(tv v, int exclusion);
/* A coordinate or value with at most 2 decimals, no trailing zeros. */
void html_num(outbuf *b, double v);
/* An attribute: open[0..n) (' name="'), v as html_num writes it, '"'. */
void html_attr_num(outbuf *b, const char *open, size_t n, double v);
/* A whole number as html_num writes it, into buf (10 bytes, no NUL); the
** length. */
size_t html_whole(char *buf, unsigned v);

/* The start of a page (doctype, head, inline style, body, the shared SVG
** patterns) and its end.  with_index: the page has the index (matrix,
** funnels, notes) and so its style rules. */
void html_page_begin(outbuf *b, const char *title, int with_index);
void html_page_end(outbuf *b);

/*
** A patient's name in the page (its section's id) and in --html-dir (its
** file, with ".html") is decided in input order by the one thread that
** writes (two records may have the same id), after the section was
** rendered on a worker: so the section and the index row hold HTML_HOLE
** where the name goes, and html_fill puts it in.  Escaped text never
** holds the byte (html_escape turns control characters into U+FFFD).
*/
#define HTML_HOLE "\x01"

/* One patient's section: r screened with res[0..n) (trialset order). */
void html_patient(html_worker *w, outbuf *b, const record *r,
                  trial_result *const *res, int n);

/* The patient's row of the index matrix, linking to href, written as is:
** a name from html_page_stem (safe characters only) or HTML_HOLE. */
void html_matrix_row(outbuf *b, const record *r, trial_result *const *res,
                     int n, const char *href);
/* A row for a record that could not be read. */
void html_matrix_error(outbuf *b, const char *source, int line, int ntrials);

/* The index, around the rows of the matrix (from html_matrix_row): begin
** opens the section and the matrix; end closes the matrix and adds per
** trial the attrition funnel of s and how the criteria are read.  Two
** calls so that --html-dir, whose index.html holds nothing else, writes
** the rows as they come instead of holding them to the end (7.7 MB for
** 10,000 patients, copied and written while no worker had work). */
void html_index_begin(outbuf *b, const trialset *ts);
void html_index_end(outbuf *b, const trialset *ts, const summary *s);

/* A patient's name, from its id: "patient-" and the id when it is made of
** [A-Za-z0-9._-] only and at most 64 bytes, else "patient-", the id with
** other bytes as '_' (at most 40) and a hash of the whole id.  Its page in
** --html-dir is the name and ".html"; its section's id in a single page
** is the name.  A name already taken in the run gets "-2", "-3", ... */
void html_page_stem(const char *id, char *buf, size_t size);
#define HTML_NAME_MAX 128

typedef struct html_names html_names;
html_names *html_names_new(void);
void html_names_free(html_names *ns);       /* NULL-safe */
/* stem, or stem-2, stem-3, ... if taken; valid until html_names_free. */
const char *html_names_claim(html_names *ns, const char *stem);
/* 1 if name was claimed. */
int html_names_has(const html_names *ns, const char *name);
/* Append src[0..len) to dst with each HTML_HOLE replaced by name. */
void html_fill(outbuf *dst, const char *src, size_t len, const char *name);

/* htmltimeline.c: what every timeline of record r shares, made once
** (w->g filled); then trial j's timeline. */
void html_timeline_begin(html_worker *w, const record *r, const html_span *sp);
void html_timeline(html_worker *w, outbuf *b, const record *r, int j,
                   const trial_result *tr, const html_span *sp);

#endif
