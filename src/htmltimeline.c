/*
** htmltimeline.c -- one trial's timeline as inline SVG (see html.h).
**
** Top to bottom, on one linear time axis (x = X0 + (t - t0) / (t1 - t0)
** * (X1 - X0)): a panel per series the trial's criteria read, with its
** values, samples and the criteria's thresholds (VIS computed from the
** infusions when the trial reads it); the medications and procedures as
** bars; the location stays as a strip; a row per criterion with the
** stretches of constant result from htmlgrid.c; the verdict row; the hour
** axis.  The enrolment window is a band behind all of it, the screening
** time a line across it.  Each panel is linear too: y = Y0 + (v - V0) /
** (V1 - V0) * (Y1 - Y0), printed on the panel (data-v0 ... data-y1), so
** that a machine can check that a threshold or a sample is drawn where
** its value puts it.  Coordinates have at most 2 decimals; the scales
** are computed from the printed numbers.
**
** What is drawn is decided by the trial's rules (which concepts, which
** thresholds) and the record (which items); the panels of a trial are
** found once per run (html_panels_new) by walking its rule trees.
**
** A page has tens of thousands of numbers, times and escaped names, most
** of them the same in every trial's timeline or on every page, so they
** are formatted once where they stop changing: per run what depends on
** the trial only (html_panels_new: a panel's markup but its scale, a
** row's label and heads, the svg's opening), per patient what depends on
** the record only (html_timeline_begin: the grid points' x, the axis'
** ticks, the bars and stays with holes for their y; the samples' texts;
** the stretches' ends and the svg's times, kept by the worker for the
** patient), and per trial the rest.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "html.h"
#include "rules.h"
#include "units.h"
#include "verdict.h"

#define TL_W 1200
#define TL_X0 170.0
#define TL_X1 1180.0
#define TL_TOP 8
#define TL_PANEL 96             /* a series panel, with its margins */
#define TL_PAD 8                /* inside a panel: Y1 below its top */
#define TL_ROW 16               /* a bar, stay or stretch row */
#define TL_AXIS 30

/*
** {======================================================================
** What a trial reads: panels and thresholds (once per run)
** =======================================================================
*/

static html_panel *
panel_for(html_panels *ps, const concept *c)
{
    for (int i = 0; i < ps->n; i++)
        if (ps->p[i].c == c)
            return &ps->p[i];
    ps->p = xrealloc(ps->p, (size_t)(ps->n + 1) * sizeof *ps->p);
    html_panel *p = &ps->p[ps->n++];
    memset(p, 0, sizeof *p);
    p->c = c;
    return p;
}

static void
add_threshold(html_panel *p, int crit, double v)
{
    for (int i = 0; i < p->nthr; i++)
        if (p->thr[i].crit == crit && p->thr[i].v == v)
            return;
    p->thr = xrealloc(p->thr, (size_t)(p->nthr + 1) * sizeof *p->thr);
    p->thr[p->nthr].crit = crit;
    p->thr[p->nthr].v = v;
    p->nthr++;
}

static int
is_value_rule(rule_kind k)
{
    return k == R_LATEST || k == R_ANY_VALUE || k == R_ALL_VALUES
           || k == R_SUSTAINED || k == R_EPISODE || k == R_CONSECUTIVE;
}

/* A series worth a panel: an observation, or VIS (computed here). */
static int
is_series(const concept *c)
{
    return c && (c->kind == CK_OBSERVATION
                 || (c->kind == CK_DERIVED && strcmp(c->name, "vis") == 0));
}

static void
walk_rule(html_panels *ps, int crit, const rule *ru)
{
    if (!ru)
        return;
    if (is_value_rule(ru->kind))
        for (int i = 0; i < ru->nconcepts; i++) {
            if (!is_series(ru->concepts[i]))
                continue;
            html_panel *p = panel_for(ps, ru->concepts[i]);
            double scale = ru->cmp.scale != 0 ? ru->cmp.scale : 1;
            if (ru->cmp.op != CMP_NONE)
                add_threshold(p, crit, ru->cmp.lo / scale);
            if (ru->cmp.op == CMP_BETWEEN)
                add_threshold(p, crit, ru->cmp.hi / scale);
        }
    for (int i = 0; i < ru->nkids; i++)
        walk_rule(ps, crit, ru->kids[i]);
}

static void row_fixed(html_row *row, const char *tid, const char *crit,
                      const char *cls);
static void panel_fixed(const trial *t, html_panel *p, int top);
static void opens_fixed(html_panels *ps, const char *tid);

html_panels *
html_panels_new(const trial *t)
{
    html_panels *ps = xcalloc(1, sizeof *ps);
    for (int i = 0; i < t->ncrit; i++)
        if (t->crit[i].evaluated)
            walk_rule(ps, i, t->crit[i].rule);
    for (int i = 0; i < ps->n; i++)
        panel_fixed(t, &ps->p[i], TL_TOP + i * TL_PANEL);
    ps->nrows = t->ncrit + 1;
    ps->rows = xcalloc((size_t)ps->nrows, sizeof *ps->rows);
    for (int i = 0; i < t->ncrit; i++)
        row_fixed(&ps->rows[i], t->id, t->crit[i].id,
                  t->crit[i].exclusion ? " x" : "");
    row_fixed(&ps->rows[t->ncrit], t->id, "verdict", " verdict");
    opens_fixed(ps, t->id);
    return ps;
}

void
html_panels_free(html_panels *ps)
{
    if (!ps)
        return;
    for (int i = 0; i < ps->n; i++) {
        free(ps->p[i].thr);
        outbuf_release(&ps->p[i].fixed);
        free(ps->p[i].cut);
    }
    for (int i = 0; i < ps->nrows; i++)
        outbuf_release(&ps->rows[i].text);
    free(ps->rows);
    outbuf_release(&ps->opens);
    free(ps->p);
    free(ps);
}

/* }====================================================================== */

/*
** {======================================================================
** Coordinates
** =======================================================================
*/

typedef struct tl {
    outbuf *b;
    const record *r;
    const html_span *sp;
    const trial *t;
    int top, bottom;            /* the plot, without the axis */
    const int *items;           /* the patient's concepts with entries */
    int nitems;
    const outbuf *xs;           /* grid point k's ' x="..."' is xs->p + */
    const size_t *x_at;         /* x_at[k] .. x_at[k + 1] */
    html_worker *w;             /* the patient's samples texts */
} tl;

static double
x_of(const tl *g, ts_time t)
{
    double f = (double)(t - g->sp->t0) / (double)(g->sp->t1 - g->sp->t0);
    return TL_X0 + f * (TL_X1 - TL_X0);
}

static ts_time
clip(const tl *g, ts_time t)
{
    return t < g->sp->t0 ? g->sp->t0 : t > g->sp->t1 ? g->sp->t1 : t;
}

/*
** Attributes.  A page has tens of thousands of them, so ' name="' is one
** piece: the macros below take the name as a string literal and join it
** at compile time (no printf, no strlen, one append instead of three).
*/
#define ATTR_OPEN(name) " " name "=\"", sizeof " " name "=\"" - 1
#define attr_open(b, name) outbuf_put((b), ATTR_OPEN(name))
#define attr_num(b, name, v) html_attr_num((b), ATTR_OPEN(name), (v))
#define attr_time(b, name, t) attr_time_((b), ATTR_OPEN(name), (t))
#define attr_str(b, name, s) attr_str_((b), ATTR_OPEN(name), (s))
#define attr_value(b, name, v) attr_value_((b), ATTR_OPEN(name), (v))

static void
attr_time_(outbuf *b, const char *open, size_t n, ts_time t)
{
    outbuf_put(b, open, n);
    html_time(b, t);
    outbuf_put(b, "\"", 1);
}

static void
attr_str_(outbuf *b, const char *open, size_t n, const char *s)
{
    outbuf_put(b, open, n);
    html_escape(b, s);
    outbuf_put(b, "\"", 1);
}

static void
attr_value_(outbuf *b, const char *open, size_t n, double v)
{
    char buf[40];
    num_format(v, buf, sizeof buf);
    outbuf_put(b, open, n);
    outbuf_puts(b, buf);
    outbuf_put(b, "\"", 1);
}

/* The svg's and the window's openings, with the trial's id (html_panels). */
static void
opens_fixed(html_panels *ps, const char *tid)
{
    html_lit(&ps->opens, "<svg class=\"timeline\"");
    attr_str(&ps->opens, "data-trial", tid);
    ps->svg = ps->opens.len;
    html_lit(&ps->opens, "<rect class=\"window\"");
    attr_str(&ps->opens, "data-trial", tid);
}

/*
** A row's label end and what its stretches and its square write before
** the value of data-result (html_row): made once per run, not per row
** drawn.  cls: the stretches' class after "stretch" (" x" on an
** exclusion's row, " verdict" on the verdict's); the square's is "at-now"
** and the same " x".
*/
static void
row_fixed(html_row *row, const char *tid, const char *crit, const char *cls)
{
    outbuf *b = &row->text;
    outbuf_put(b, ">", 1);
    html_escape(b, crit);
    html_lit(b, "</text>");
    row->label = b->len;
    html_lit(b, "<rect class=\"stretch");
    outbuf_puts(b, cls);
    outbuf_put(b, "\"", 1);
    attr_str(b, "data-trial", tid);
    attr_str(b, "data-criterion", crit);
    attr_open(b, "data-result");
    row->stretch = b->len;
    html_lit(b, "<rect class=\"at-now");
    outbuf_puts(b, strcmp(cls, " x") == 0 ? cls : "");
    outbuf_put(b, "\"", 1);
    attr_str(b, "data-trial", tid);
    attr_str(b, "data-criterion", crit);
    attr_open(b, "data-result");
}

/* data-from, data-to and x, width of an interval, clipped to the axis
** (data-clipped="true" then); the times stay the true ones. */
static void
interval(const tl *g, ts_time from, ts_time to)
{
    attr_time(g->b, "data-from", from);
    attr_time(g->b, "data-to", to);
    ts_time a = clip(g, from), z = clip(g, to);
    if (a != from || z != to)
        html_lit(g->b, " data-clipped=\"true\"");
    double xa = x_of(g, a), xz = x_of(g, z);
    attr_num(g->b, "x", xa);
    attr_num(g->b, "width", xz - xa);
}

/*
** The bars and the stays are the same in every timeline of a patient but
** for their y, so they are written once per patient (bars_fixed) with a
** hole where each ' y="..."' goes: HOLE_Y and the y's offset from the top
** of the first bar row, an int's bytes; fill_rows writes them for a
** timeline.  Escaped text never holds the byte (html_escape turns control
** characters into U+FFFD), and nothing else written there is text.
*/
#define HOLE_Y '\x02'

static void
y_hole(outbuf *b, int dy)
{
    char h[1 + sizeof dy];
    h[0] = HOLE_Y;
    memcpy(h + 1, &dy, sizeof dy);
    outbuf_put(b, h, sizeof h);
}

static void
label(const tl *g, int y, const char *text)
{
    html_lit(g->b, "<text x=\"4\"");
    y_hole(g->b, y);
    outbuf_put(g->b, ">", 1);
    html_escape(g->b, text);
    html_lit(g->b, "</text>");
}

/* }====================================================================== */

/*
** {======================================================================
** Series panels
** =======================================================================
*/

typedef struct point {
    ts_time t;
    double v;
} point;

/* Round the printed scale outwards to 2 decimals. */
static void
panel_scale(const point *pts, int n, const html_panel *p, double *v0, double *v1)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
        lo = fmin(lo, pts[i].v), hi = fmax(hi, pts[i].v);
    for (int i = 0; i < p->nthr; i++)
        lo = fmin(lo, p->thr[i].v), hi = fmax(hi, p->thr[i].v);
    if (lo > hi)
        lo = 0, hi = 1;
    double pad = hi > lo ? (hi - lo) * 0.08 : fmax(fabs(hi) * 0.1, 1);
    /* A quantity that is never negative (a score, a rate, a pressure)
    ** gets no negative axis: the pad stops at zero. */
    *v0 = lo >= 0 && lo - pad < 0 ? 0 : floor((lo - pad) * 100) / 100;
    *v1 = ceil((hi + pad) * 100) / 100;
}

/* The samples of an observation inside the axis, canonical units. */
static int
observed(const tl *g, const concept *c, arena *a, point **out)
{
    const series *s = &g->r->obs[c->index];
    point *pts = arena_alloc(a, (size_t)(s->n + 1) * sizeof *pts);
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        const sample *sm = &s->s[i];
        if (sm->type != VAL_NUMBER || !sm->ok || sm->t < g->sp->t0
            || sm->t > g->sp->now)
            continue;
        pts[n].t = sm->t;
        pts[n].v = sm->v;
        n++;
    }
    *out = pts;
    return n;
}

/* VIS at the start of the axis and at every start and end of a VIS
** drug's entry after it, and at the screening time (derived.c).  Only
** the concepts with entries (g->items) are asked whether they are a VIS
** drug: asking the whole vocabulary, names compared for each, was 7 %
** of the timeline's instructions. */
static int
vis_points(const tl *g, arena *a, point **out)
{
    const record *r = g->r;
    int cap = 2, n = 0;
    for (int k = 0; k < g->nitems; k++)
        cap += 2 * r->meds[g->items[k]].n;
    ts_time *ts = arena_alloc(a, (size_t)cap * sizeof *ts);
    ts[n++] = g->sp->t0;
    for (int k = 0; k < g->nitems; k++) {
        int i = g->items[k];
        if (!r->meds[i].n || !derived_is_vis_drug(vocab_at(r->vocab, i)))
            continue;
        for (int j = 0; j < r->meds[i].n; j++) {
            const med_entry *e = &r->meds[i].e[j];
            if (e->start > g->sp->t0 && e->start <= g->sp->now)
                ts[n++] = e->start;
            if (e->end != TS_NONE && e->end > g->sp->t0 && e->end <= g->sp->now)
                ts[n++] = e->end;
        }
    }
    ts[n++] = g->sp->now;
    /* sort (few) and compute */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && ts[k] < ts[k - 1]; k--) {
            ts_time x = ts[k];
            ts[k] = ts[k - 1];
            ts[k - 1] = x;
        }
    point *pts = arena_alloc(a, (size_t)n * sizeof *pts);
    eval_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.r = r;
    cx.a = a;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m > 0 && pts[m - 1].t == ts[i])
            continue;
        pts[m].t = ts[i];
        pts[m].v = derived_vis_at(&cx, ts[i]).v;
        m++;
    }
    *out = pts;
    return m;
}

static double
y_of(double v, double v0, double v1, double y0, double y1)
{
    return y0 + (v - v0) / (v1 - v0) * (y1 - y0);
}

/*
** v as num_format writes it, through the worker's memo, a slot per hash of
** v's bits: the samples' values recur from patient to patient, and
** num_format takes hundreds of instructions for a value with decimals.
** Keyed by the bits, so never another value's text.
*/
static void
put_value(html_worker *w, outbuf *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    html_value_text *m = &w->vtext[(bits * 0x9E3779B97F4A7C15ULL) >> 56];
    if (m->len == 0 || m->bits != bits) {
        char buf[40];
        num_format(v, buf, sizeof buf);
        size_t n = strlen(buf);
        if (n == 0 || n > sizeof m->text) {
            outbuf_put(b, buf, n);
            return;
        }
        memcpy(m->text, buf, n);
        m->len = (unsigned char)n;
        m->bits = bits;
    }
    outbuf_put(b, m->text, m->len);
}

/*
** An end of a panel's scale as num_format writes it.  The ends are
** hundredths (panel_scale: k / 100, k whole), and below 10,000 such a
** value has at most 6 significant digits, which num_format writes exactly
** and without trailing zeros, as html_num does (a shorter text would be
** another hundredth, 1e-6 of it away at least: num_format's tolerance is
** 1e-9); test_scale_ends checks every one.  Larger ends go to num_format
** (12345.67 is "12345.7" there).
*/
static void
scale_end(html_worker *w, outbuf *b, double v)
{
    if (v > -1e4 && v < 1e4)
        html_num(b, v);
    else
        put_value(w, b, v);
}

/*
** The samples: one polyline, a dot at each point (the style sheet's
** marker), with the times and values in data-times and data-values (a
** circle each, with its own data-time and data-value, was 7 % of a
** realistic page).  For a series other than VIS it is also the line
** (class "values samples"); VIS' line is a step line, so its samples
** are a polyline of their own, not stroked.  A lone sample's point is
** written twice: a marker needs a segment to sit on.
*/
/*
** data-times and data-values of series c's n points, made once per
** patient: the points are the record's within the axis, the same in every
** trial that draws c (formatting them was a sixth of a panel).
*/
static const outbuf *
samples_text(const tl *g, const concept *c, const point *pts, int n)
{
    html_worker *w = g->w;
    for (int i = 0; i < w->nsamp; i++)
        if (w->samp_c[i] == c)
            return &w->samp_text[i];
    if (w->nsamp == w->cap_samp) {
        int cap = 2 * w->cap_samp + 4;
        w->samp_c = xrealloc(w->samp_c, (size_t)cap * sizeof *w->samp_c);
        w->samp_text = xrealloc(w->samp_text,
                                (size_t)cap * sizeof *w->samp_text);
        memset(w->samp_text + w->cap_samp, 0,
               (size_t)(cap - w->cap_samp) * sizeof *w->samp_text);
        w->cap_samp = cap;
    }
    w->samp_c[w->nsamp] = c;
    outbuf *b = &w->samp_text[w->nsamp++];
    b->len = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            outbuf_put(b, " ", 1);
        html_time(b, pts[i].t);
    }
    html_lit(b, "\" data-values=\"");
    for (int i = 0; i < n; i++) {
        if (i > 0)
            outbuf_put(b, " ", 1);
        put_value(w, b, pts[i].v);
    }
    return b;
}

static void
samples(const tl *g, const concept *c, const point *pts, int n, int vis,
        double v0, double v1, double y0, double y1)
{
    outbuf *b = g->b;
    outbuf_puts(b, vis ? "<polyline class=\"samples\" data-times=\""
                       : "<polyline class=\"values samples\" data-times=\"");
    const outbuf *text = samples_text(g, c, pts, n);
    outbuf_put(b, text->p, text->len);
    html_lit(b, "\" points=\"");
    for (int i = 0; i < n || (n == 1 && i == 1); i++) {
        int k = i < n ? i : 0;
        if (i > 0)
            outbuf_put(b, " ", 1);
        html_num(b, x_of(g, pts[k].t));
        outbuf_put(b, ",", 1);
        html_num(b, y_of(pts[k].v, v0, v1, y0, y1));
    }
    html_lit(b, "\"/>");
}

/*
** The panel's markup between its numbers (html_panel.fixed), made once per
** run: the trial, the criteria, the concept, its unit and every position
** but the thresholds' y are the same on every page, and formatting and
** escaping them for each patient was most of a panel's instructions.
** Pieces 0-4 go around v0, v1 (data-v0, data-v1) and the scale's ends
** (v1, v0); threshold i's pieces 5 + 4i .. 8 + 4i around its y, y and
** y - 3.  The markup is the one panel() wrote before.
*/
static void
panel_fixed(const trial *t, html_panel *p, int top)
{
    outbuf *b = &p->fixed;
    int vis = p->c->kind == CK_DERIVED, k = 0;
    double y1 = top + TL_PAD, y0 = top + TL_PANEL - 2 * TL_PAD;
    const char *unit = p->c->unit ? p->c->unit : "";
    p->cut = xmalloc((size_t)(6 + 4 * p->nthr) * sizeof *p->cut);
    p->cut[k++] = 0;
    html_lit(b, "<g class=\"series\"");
    attr_str(b, "data-concept", p->c->name);
    attr_str(b, "data-unit", unit);
    attr_open(b, "data-v0");
    p->cut[k++] = b->len;
    html_lit(b, "\" data-v1=\"");
    p->cut[k++] = b->len;
    html_lit(b, "\"");
    attr_num(b, "data-y0", y0);
    attr_num(b, "data-y1", y1);
    /* x, width and height are the style sheet's (TL_X0, TL_X1 - TL_X0,
    ** TL_PANEL - 3 * TL_PAD): the same for every panel */
    html_lit(b, "><rect class=\"panel\"");
    attr_num(b, "y", y1);
    html_lit(b, "/>");
    html_lit(b, "<text x=\"4\"");
    attr_num(b, "y", y1 + 12);
    html_lit(b, ">");
    html_escape(b, vis ? "VIS (from infusions)" : p->c->name);
    html_lit(b, "</text><text x=\"4\" class=\"muted\"");
    attr_num(b, "y", y1 + 26);
    html_lit(b, ">");
    html_escape(b, unit);
    html_lit(b, "</text>");
    /* the scale's ends */
    html_lit(b, "<text class=\"muted e\"");
    attr_num(b, "x", (int)TL_X0 - 4);
    attr_num(b, "y", y1 + 9);
    html_lit(b, ">");
    p->cut[k++] = b->len;
    html_lit(b, "</text><text class=\"muted e\"");
    attr_num(b, "x", (int)TL_X0 - 4);
    attr_num(b, "y", y0);
    html_lit(b, ">");
    p->cut[k++] = b->len;
    html_lit(b, "</text>");
    p->cut[k++] = b->len;
    for (int i = 0; i < p->nthr; i++) {
        const char *crit = t->crit[p->thr[i].crit].id;
        html_lit(b, "<line class=\"threshold\"");
        attr_str(b, "data-trial", t->id);
        attr_str(b, "data-criterion", crit);
        attr_str(b, "data-concept", p->c->name);
        attr_value(b, "data-threshold", p->thr[i].v);
        attr_str(b, "data-unit", unit);
        attr_num(b, "x1", TL_X0);
        attr_open(b, "y1");
        p->cut[k++] = b->len;
        html_lit(b, "\"");
        attr_num(b, "x2", TL_X1);
        attr_open(b, "y2");
        p->cut[k++] = b->len;
        html_lit(b, "\"/><text class=\"muted e\"");
        attr_num(b, "x", TL_X1 - 4);
        attr_open(b, "y");
        p->cut[k++] = b->len;
        html_lit(b, "\">");
        html_escape(b, crit);
        char buf[40];
        num_format(p->thr[i].v, buf, sizeof buf);
        html_lit(b, ": ");
        outbuf_puts(b, buf);
        html_lit(b, "</text>");
        p->cut[k++] = b->len;
    }
}

/* Piece k of p's fixed markup. */
static void
piece(outbuf *b, const html_panel *p, int k)
{
    outbuf_put(b, p->fixed.p + p->cut[k], p->cut[k + 1] - p->cut[k]);
}

static void
panel(tl *g, const html_panel *p, int top, arena *a)
{
    outbuf *b = g->b;
    point *pts;
    int vis = p->c->kind == CK_DERIVED;
    int n = vis ? vis_points(g, a, &pts) : observed(g, p->c, a, &pts);
    double v0, v1;
    panel_scale(pts, n, p, &v0, &v1);
    double y1 = top + TL_PAD, y0 = top + TL_PANEL - 2 * TL_PAD;
    piece(b, p, 0);
    html_num(b, v0);
    piece(b, p, 1);
    html_num(b, v1);
    piece(b, p, 2);
    scale_end(g->w, b, v1);
    piece(b, p, 3);
    scale_end(g->w, b, v0);
    piece(b, p, 4);
    for (int i = 0; i < p->nthr; i++) {
        double y = y_of(p->thr[i].v, v0, v1, y0, y1);
        piece(b, p, 5 + 4 * i);
        html_num(b, y);
        piece(b, p, 6 + 4 * i);
        html_num(b, y);
        piece(b, p, 7 + 4 * i);
        html_num(b, y - 3);
        piece(b, p, 8 + 4 * i);
    }
    /* values: a step line for VIS (constant between changes) */
    if (vis) {
        html_lit(b, "<polyline class=\"values\" points=\"");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                html_num(b, x_of(g, pts[i].t));
                outbuf_put(b, ",", 1);
                html_num(b, y_of(pts[i - 1].v, v0, v1, y0, y1));
                outbuf_put(b, " ", 1);
            }
            html_num(b, x_of(g, pts[i].t));
            outbuf_put(b, ",", 1);
            html_num(b, y_of(pts[i].v, v0, v1, y0, y1));
            if (i + 1 < n)
                outbuf_put(b, " ", 1);
        }
        html_lit(b, "\"/>");
    }
    samples(g, p->c, pts, n, vis, v0, v1, y0, y1);
    html_lit(b, "</g>\n");
}

/* }====================================================================== */

/*
** {======================================================================
** Bars, stays, stretches, axis
** =======================================================================
*/

/* Does an item from start to end (TS_NONE: running) touch the axis? */
static int
on_axis(const tl *g, ts_time start, ts_time end)
{
    ts_time z = end == TS_NONE ? g->sp->now : end;
    return start != TS_NONE && start <= g->sp->t1 && z >= g->sp->t0;
}

static int
med_row(const tl *g, int ci)
{
    const med_list *ml = &g->r->meds[ci];
    for (int j = 0; j < ml->n; j++)
        if (on_axis(g, ml->e[j].start, ml->e[j].end))
            return 1;
    return 0;
}

static int
proc_row(const tl *g, int ci)
{
    const proc_list *pl = &g->r->procs[ci];
    for (int j = 0; j < pl->n; j++)
        if (on_axis(g, pl->e[j].start, pl->e[j].end))
            return 1;
    return 0;
}

static int
count_bar_rows(const tl *g, int *stays)
{
    int n = 0;
    *stays = 0;
    for (int k = 0; k < g->nitems; k++) {
        int i = g->items[k];
        n += med_row(g, i) + proc_row(g, i);
        for (int j = 0; j < g->r->locs[i].n; j++)
            if (on_axis(g, g->r->locs[i].e[j].start, g->r->locs[i].e[j].end))
                *stays = 1;
    }
    return n;
}

static void
bar(const tl *g, const char *cls, const char *attr, const char *name,
    ts_time start, ts_time end, int y)
{
    html_lit(g->b, "<rect class=\"");
    outbuf_puts(g->b, cls);
    outbuf_put(g->b, "\" ", 2);
    outbuf_puts(g->b, attr);
    outbuf_put(g->b, "=\"", 2);
    html_escape(g->b, name);
    outbuf_put(g->b, "\"", 1);
    interval(g, start, end == TS_NONE ? g->sp->now : end);
    y_hole(g->b, y + 2);            /* height TL_ROW - 4: the style sheet's */
    html_lit(g->b, "/>");
}

/* Where medication entry e's bar ends: a single dose at its time, a
** running one at the screening time. */
static ts_time
med_end(const tl *g, const med_entry *e)
{
    ts_time z = e->kind == MED_DOSE && e->end == TS_NONE ? e->start : e->end;
    return z == TS_NONE ? g->sp->now : z;
}

/*
** The bars of medication list ml: entries that follow each other without
** a gap (an infusion whose rate changes, a rate a row) are one bar from
** the first's start to the last's end; an entry of no length (a dose)
** stays a bar of its own.  A realistic record's vasopressor is a dozen
** entries end to end, each a bar before.
*/
static void
med_bars(const tl *g, const med_list *ml, const char *name, int y)
{
    for (int j = 0; j < ml->n; j++) {
        const med_entry *e = &ml->e[j];
        if (!on_axis(g, e->start, e->end))
            continue;
        ts_time z = med_end(g, e);
        while (z > e->start && j + 1 < ml->n && ml->e[j + 1].start == z
               && med_end(g, &ml->e[j + 1]) > z)
            z = med_end(g, &ml->e[++j]);
        bar(g, "bar", "data-concept", name, e->start, z, y);
    }
}

static int
bar_rows(const tl *g, int y)
{
    const record *r = g->r;
    for (int k = 0; k < g->nitems; k++) {
        int i = g->items[k];
        const concept *c = vocab_at(r->vocab, i);
        if (med_row(g, i)) {
            label(g, y + 12, c->name);
            med_bars(g, &r->meds[i], c->name, y);
            y += TL_ROW;
        }
        if (proc_row(g, i)) {
            label(g, y + 12, c->name);
            for (int j = 0; j < r->procs[i].n; j++) {
                const proc_entry *e = &r->procs[i].e[j];
                if (on_axis(g, e->start, e->end))
                    bar(g, "bar", "data-concept", c->name, e->start, e->end, y);
            }
            y += TL_ROW;
        }
    }
    return y;
}

static int
stay_row(const tl *g, int y)
{
    const record *r = g->r;
    label(g, y + 12, "location");
    for (int k = 0; k < g->nitems; k++) {
        int i = g->items[k];
        const concept *c = vocab_at(r->vocab, i);
        for (int j = 0; j < r->locs[i].n; j++) {
            const loc_entry *e = &r->locs[i].e[j];
            if (!on_axis(g, e->start, e->end))
                continue;
            bar(g, "stay", "data-location", c->name, e->start, e->end, y);
            ts_time a = clip(g, e->start);
            html_lit(g->b, "<text");
            attr_num(g->b, "x", x_of(g, a) + 3);
            y_hole(g->b, y + 12);
            html_lit(g->b, ">");
            html_escape(g->b, c->name);
            html_lit(g->b, "</text>");
        }
    }
    return y + TL_ROW;
}

/*
** The bar rows and the stay row of a patient, with their y as holes
** (HOLE_Y), after the axis' ticks in w->xs; w->nbars and w->stays say how
** many rows they take.  Once per patient: the bars' times, x, widths and
** concept names were formatted and escaped for every trial before.
*/
static void
bars_fixed(html_worker *w, tl *g)
{
    g->b = &w->xs;
    w->nbars = count_bar_rows(g, &w->stays);
    int y = bar_rows(g, 0);
    if (w->stays)
        stay_row(g, y);
    g->b = NULL;
}

/* s[0..n) at p, which has room; the end. */
static char *
put_at(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* ' y="v"' into buf (24 bytes) for a whole v >= 0, as attr_num writes it. */
static size_t
y_attr(char *buf, int v)
{
    memcpy(buf, " y=\"", 4);
    size_t n = 4 + html_whole(buf + 4, (unsigned)v);
    buf[n++] = '"';
    return n;
}

/* A row's label at y, as label() writes it (html_row: its end made once). */
static void
row_label(outbuf *b, const html_row *row, int y)
{
    char ya[24];
    html_lit(b, "<text x=\"4\"");
    outbuf_put(b, ya, y_attr(ya, y));
    outbuf_put(b, row->text.p, row->label);
}

/* The bars and stays of bars_fixed, text[0..n), with their top at y. */
static void
fill_rows(outbuf *b, const char *text, size_t n, int y)
{
    const char *p = text, *end = text + n;
    for (const char *h; (h = memchr(p, HOLE_Y, (size_t)(end - p))) != NULL;) {
        int dy;
        char ya[24];
        memcpy(&dy, h + 1, sizeof dy);
        outbuf_put(b, p, (size_t)(h - p));
        outbuf_put(b, ya, y_attr(ya, y + dy));
        p = h + 1 + sizeof dy;
    }
    outbuf_put(b, p, (size_t)(end - p));
}

/*
** The end of the run of v[k]'s value: the first e > k with v[e] != v[k],
** or n.  Eight points at a time while they all equal it: most rows keep
** one value over most of the axis, and comparing the points one by one
** was a tenth of the stretches' instructions on synthetic records.
*/
static int
run_end(const unsigned char *v, int k, int n)
{
    uint64_t same = 0x0101010101010101u * v[k];
    int e = k + 1;
    for (uint64_t x; e + 8 <= n; e += 8) {
        memcpy(&x, v + e, sizeof x);
        if (x != same)
            break;
    }
    while (e < n && v[e] == v[k])
        e++;
    return e;
}

/*
** What a stretch from grid point k to ke writes after the value of its
** data-result: its times, data-clipped, x and width, up to its y.  Rows
** share their stretches' ends (most criteria keep one value over the
** whole axis), so the text is kept in the worker by (k, ke) for the
** patient (w->tails, one slot a hash) and copied when it is there.
*/
static void
stretch_tail(const tl *g, const html_grid *gr, int k, int ke)
{
    outbuf *b = g->b;
    html_tail *c = &g->w->tails[(unsigned)(k * 61 + ke) % 64];
    if (c->serial == g->w->serial && c->k == k && c->ke == ke) {
        outbuf_put(b, c->text, c->len);
        return;
    }
    ts_time from = gr->at[k], to = gr->at[ke];
    ts_time a = clip(g, from), z = clip(g, to);
    const char *sa = gr->stamps.p + gr->stamp_at[k];
    const char *sz = gr->stamps.p + gr->stamp_at[ke];
    size_t na = gr->stamp_at[k + 1] - gr->stamp_at[k];
    size_t nz = gr->stamp_at[ke + 1] - gr->stamp_at[ke];
    const char *xp = g->xs->p + g->x_at[k];
    size_t nx = g->x_at[k + 1] - g->x_at[k];
    size_t most = 13 + na + 11 + nz + 1 + 20 + nx, start = b->len;
    if (b->len + most + 1 > b->cap)     /* up to the width at once */
        outbuf_grow(b, most);
    char *p = b->p + b->len;
    p = put_at(p, "\" data-from=\"", 13);
    p = put_at(p, sa, na);
    p = put_at(p, "\" data-to=\"", 11);
    p = put_at(p, sz, nz);
    *p++ = '"';
    if (a != from || z != to)
        p = put_at(p, " data-clipped=\"true\"", 20);
    p = put_at(p, xp, nx);
    b->len = (size_t)(p - b->p);
    attr_num(b, "width", x_of(g, z) - x_of(g, a));
    if (b->len - start <= sizeof c->text) {
        c->serial = g->w->serial;
        c->k = k;
        c->ke = ke;
        c->len = (unsigned char)(b->len - start);
        memcpy(c->text, b->p + start, c->len);
    }
}

/*
** The maximal runs of equal values v[0..n) over the grid's points.  What
** every stretch of the row shares (trial and criterion: attrs) is escaped
** once per run; a stretch runs from grid point to grid point, whose times
** and x are formatted once per patient (gr->stamps, g->xs), and the row's
** y once per row.  The markup is as interval() would write it.
**
** The height is the style sheet's (TL_ROW - 4), and so is the colour: it
** follows data-result, inverted on an exclusion's row, whose rects have
** the class x (a data-effect on each was a fifth of a stretch's bytes).
*/
static void
stretches(const tl *g, const html_grid *gr, const unsigned char *v,
          const html_row *row, int is_verdict, int y)
{
    outbuf *b = g->b;
    int n = gr->n;
    const char *head = row->text.p + row->label;    /* '<rect class=...' */
    size_t nhead = row->stretch - row->label;
    char ya[26];                /* ' y="..."/>', the same for the whole row */
    size_t nya = y_attr(ya, y + 2);
    memcpy(ya + nya, "/>", 2);
    nya += 2;
    for (int k = 0; k < n;) {
        int e = run_end(v, k, n);
        if (v[k] == HTML_SKIPPED) {     /* not evaluated: no stretch */
            k = e;
            continue;
        }
        int ke = e < n ? e : n - 1;
        const char *name = is_verdict ? verdict_name((verdict)v[k]) : tv_name((tv)v[k]);
        outbuf_put(b, head, nhead);
        outbuf_puts(b, name);
        stretch_tail(g, gr, k, ke);
        outbuf_put(b, ya, nya);
        k = e;
    }
    /* The value at the screening time, as a small square just after it:
    ** a result that starts there is a stretch of no width. */
    unsigned char last = v[n - 1];
    if (last == HTML_SKIPPED)
        return;
    outbuf_put(b, row->text.p + row->stretch, row->text.len - row->stretch);
    outbuf_puts(b, is_verdict ? verdict_name((verdict)last) : tv_name((tv)last));
    outbuf_put(b, "\"", 1);
    outbuf_put(b, g->xs->p + g->x_at[n], g->x_at[n + 1] - g->x_at[n]);
    nya = y_attr(ya, y + 1);
    memcpy(ya + nya, "/>", 2);  /* 8 by TL_ROW - 2: the style sheet's */
    outbuf_put(b, ya, nya + 2);
}

/* "%04d-%02d-%02d" without printf, which was a twentieth of a timeline. */
static void
put_date(outbuf *b, int y, int mo, int d)
{
    if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31) {
        outbuf_printf(b, "%04d-%02d-%02d", y, mo, d);
        return;
    }
    char s[10] = "0000-00-00";
    s[0] = (char)('0' + y / 1000), s[1] = (char)('0' + y / 100 % 10);
    s[2] = (char)('0' + y / 10 % 10), s[3] = (char)('0' + y % 10);
    s[5] = (char)('0' + mo / 10), s[6] = (char)('0' + mo % 10);
    s[8] = (char)('0' + d / 10), s[9] = (char)('0' + d % 10);
    outbuf_put(b, s, sizeof s);
}

static ts_time
tick_step(ts_time span)
{
    return span <= 14 * TS_HOUR ? TS_HOUR : span <= 40 * TS_HOUR ? 3 * TS_HOUR
           : span <= 100 * TS_HOUR ? 6 * TS_HOUR : 12 * TS_HOUR;
}

/* The first tick at or after t0: a multiple of st (UTC). */
static ts_time
first_tick(ts_time t0, ts_time st)
{
    ts_time t = t0 - ((t0 % st) + st) % st;
    return t < t0 ? t + st : t;
}

/* The hour axis' ticks from first to t1, st apart. */
static int
count_ticks(ts_time first, ts_time t1, ts_time st)
{
    return first > t1 ? 0 : (int)((t1 - first) / st) + 1;
}

/*
** What the hour axis of each of a patient's timelines writes but its y
** (html_timeline_begin), after the grid points' x and the square's in
** w->xs: per tick, its x as html_num writes it, its hour label
** ('>09:00</text>') and its date label ('>2026-03-01</text>', or
** nothing), the pieces of tick i at w->x_at[n + 1 + 3i ...] (n grid
** points).  The axis is the same in every
** trial but for its y, and its ticks' numbers, dates and hours were a
** tenth of a timeline's instructions.
*/
static void
axis_ticks(html_worker *w, const tl *g)
{
    ts_time st = tick_step(g->sp->t1 - g->sp->t0);
    ts_time t1 = g->sp->t1, first = first_tick(g->sp->t0, st);
    size_t *at = w->x_at + w->g.n + 1;
    for (ts_time t = first; t <= t1; t += st) {
        int yy, mo, d, h, mi, s;
        ts_to_civil(t, &yy, &mo, &d, &h, &mi, &s);
        html_num(&w->xs, x_of(g, t));
        *++at = w->xs.len;
        char hh[] = ">00:00</text>";
        hh[1] = (char)('0' + h / 10), hh[2] = (char)('0' + h % 10);
        outbuf_put(&w->xs, hh, sizeof hh - 1);
        *++at = w->xs.len;
        if (t == first || h < st / TS_HOUR) {
            outbuf_put(&w->xs, ">", 1);
            put_date(&w->xs, yy, mo, d);
            html_lit(&w->xs, "</text>");
        }
        *++at = w->xs.len;
    }
}

/* Piece k of tick i (axis_ticks). */
static void
tick_piece(outbuf *b, const html_worker *w, int i, int k)
{
    const size_t *at = w->x_at + w->g.n + 1 + 3 * i + k;
    outbuf_put(b, w->xs.p + at[0], at[1] - at[0]);
}

/*
** The hour axis: the ticks are one path (a line each was a third of the
** axis' bytes), the labels centred by the style sheet (g.axis text).
*/
static void
axis(const tl *g, int y)
{
    outbuf *b = g->b;
    const html_worker *w = g->w;
    char v[16], y15[24], y27[24];   /* ' 8V<y + 4>', ' y="<y + 15>"', ... */
    v[0] = ' ';
    size_t nv = 1 + html_whole(v + 1, (unsigned)g->top);
    v[nv++] = 'V';
    nv += html_whole(v + nv, (unsigned)(y + 4));
    size_t n15 = y_attr(y15, y + 15), n27 = y_attr(y27, y + 27);
    html_lit(b, "<g class=\"axis\"><path d=\"");
    for (int i = 0; i < w->nticks; i++) {
        outbuf_put(b, "M", 1);
        tick_piece(b, w, i, 0);
        outbuf_put(b, v, nv);
    }
    html_lit(b, "\"/>");
    for (int i = 0; i < w->nticks; i++) {
        html_lit(b, "<text x=\"");
        tick_piece(b, w, i, 0);
        outbuf_put(b, "\"", 1);
        outbuf_put(b, y15, n15);
        tick_piece(b, w, i, 1);
        const size_t *at = w->x_at + w->g.n + 1 + 3 * i;
        if (at[3] > at[2]) {
            html_lit(b, "<text class=\"muted\" x=\"");
            tick_piece(b, w, i, 0);
            outbuf_put(b, "\"", 1);
            outbuf_put(b, y27, n27);
            tick_piece(b, w, i, 2);
        }
    }
    html_lit(b, "<text class=\"s\" x=\"4\"");
    outbuf_put(b, y15, n15);
    html_lit(b, ">hours (UTC)</text></g>\n");
}

/* }====================================================================== */

/* m's text into b if it is the patient's (serial): 1, else 0. */
static int
memo_put(outbuf *b, const html_memo *m, uint64_t serial)
{
    if (m->serial != serial)
        return 0;
    outbuf_put(b, m->text, m->len);
    return 1;
}

/* What b has from start on into m, for the patient (serial): the first
** timeline of a patient writes it, the others copy it. */
static void
memo_keep(html_memo *m, const outbuf *b, size_t start, uint64_t serial)
{
    if (b->len - start > sizeof m->text)
        return;
    m->len = b->len - start;
    memcpy(m->text, b->p + start, m->len);
    m->serial = serial;
}

/*
** What every timeline of a patient shares, made once per patient and not
** once per trial: the concepts that have entries, so that the bars and
** the stays do not each walk the whole vocabulary, each grid point's x as
** the stretches print it (clipped: interval()'s) and the squares' x, the
** axis' ticks, the bars and the stays.
*/
void
html_timeline_begin(html_worker *w, const record *r, const html_span *sp)
{
    int nc = vocab_count(r->vocab);
    if (nc > w->cap_items) {
        free(w->items);
        w->items = xmalloc(((size_t)nc + 1) * sizeof *w->items);
        w->cap_items = nc;
    }
    w->nitems = 0;
    for (int i = 0; i < nc; i++)
        if (r->meds[i].n || r->procs[i].n || r->locs[i].n)
            w->items[w->nitems++] = i;
    const html_grid *gr = &w->g;
    ts_time st = tick_step(sp->t1 - sp->t0);
    w->nticks = count_ticks(first_tick(sp->t0, st), sp->t1, st);
    int need = gr->n + 2 + 3 * w->nticks;
    if (need > w->cap_x) {
        free(w->x_at);
        w->cap_x = need + need / 2 + 8;
        w->x_at = xmalloc((size_t)w->cap_x * sizeof *w->x_at);
    }
    tl g = { NULL, r, sp, NULL, TL_TOP, 0, NULL, 0, NULL, NULL, w };
    w->serial++;                /* w->tails: a new patient's */
    w->nsamp = 0;
    w->xs.len = 0;
    for (int k = 0; k < gr->n; k++) {
        w->x_at[k] = w->xs.len;
        attr_num(&w->xs, "x", x_of(&g, clip(&g, gr->at[k])));
    }
    w->x_at[gr->n] = w->xs.len;
    attr_num(&w->xs, "x", x_of(&g, sp->now) + 2);  /* the rows' squares' */
    w->x_at[gr->n + 1] = w->xs.len;
    axis_ticks(w, &g);
    g.items = w->items;
    g.nitems = w->nitems;
    bars_fixed(w, &g);
}

void
html_timeline(html_worker *w, outbuf *b, const record *r, int j,
              const trial_result *tr, const html_span *sp)
{
    const html_panels *ps = w->h->panels[j];
    const trial *t = tr->t;
    tl g = { b, r, sp, t, TL_TOP, 0, w->items, w->nitems, &w->xs, w->x_at, w };
    int stays = w->stays, nbars = w->nbars;
    int y = TL_TOP + ps->n * TL_PANEL;
    y += (nbars + stays + t->ncrit + 1) * TL_ROW;
    g.bottom = y;
    int h = y + TL_AXIS;

    outbuf_put(b, ps->opens.p, ps->svg);
    size_t start = b->len;
    if (!memo_put(b, &w->svg_head, w->serial)) {
        attr_time(b, "data-t0", sp->t0);
        attr_time(b, "data-t1", sp->t1);
        attr_num(b, "data-x0", TL_X0);
        attr_num(b, "data-x1", TL_X1);
        /* " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"" (TL_W, h),
        ** as html_num writes whole numbers: printf was a twentieth of a
        ** timeline */
        html_lit(b, " viewBox=\"0 0 ");
        html_num(b, TL_W);
        outbuf_put(b, " ", 1);
        memo_keep(&w->svg_head, b, start, w->serial);
    }
    html_num(b, h);
    outbuf_put(b, "\"", 1);
    attr_num(b, "width", TL_W);
    attr_num(b, "height", h);
    html_lit(b, " role=\"img\" aria-label=\"timeline\">\n");
    if (tr->has_window && tr->opens != TS_NONE && tr->closes != TS_NONE) {
        outbuf_put(b, ps->opens.p + ps->svg, ps->opens.len - ps->svg);
        interval(&g, tr->opens, tr->closes);
        attr_num(b, "y", g.top);
        attr_num(b, "height", g.bottom - g.top);
        html_lit(b, "/>\n");
    }
    y = TL_TOP;
    for (int i = 0; i < ps->n; i++, y += TL_PANEL)
        panel(&g, &ps->p[i], y, w->a);
    const size_t *bars = w->x_at + w->g.n + 1 + 3 * w->nticks; /* bars_fixed */
    fill_rows(b, w->xs.p + *bars, w->xs.len - *bars, y);
    y += (nbars + stays) * TL_ROW;
    const html_grid *gr = &w->g;
    for (int i = 0; i < t->ncrit; i++, y += TL_ROW) {
        row_label(b, &ps->rows[i], y + 12);
        stretches(&g, gr, gr->crit[j] + i * gr->n, &ps->rows[i], 0, y);
        outbuf_put(b, "\n", 1);
    }
    row_label(b, &ps->rows[t->ncrit], y + 12);
    stretches(&g, gr, gr->verdict + j * gr->n, &ps->rows[t->ncrit], 1, y);
    y += TL_ROW;
    start = b->len;
    if (!memo_put(b, &w->now_line, w->serial)) {
        html_lit(b, "\n<line class=\"now\"");
        attr_time(b, "data-time", sp->now);
        attr_num(b, "x1", x_of(&g, sp->now));
        attr_num(b, "x2", x_of(&g, sp->now));
        attr_num(b, "y1", g.top);
        memo_keep(&w->now_line, b, start, w->serial);
    }
    attr_num(b, "y2", g.bottom);
    html_lit(b, "/>\n");
    axis(&g, y);
    html_lit(b, "</svg>\n");
    arena_reset(w->a);
}
