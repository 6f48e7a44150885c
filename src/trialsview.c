/*
** trialsview.c -- the loaded trials in plain words: a tree for the
** terminal, Markdown tables for the documentation.
**
** A coordinator reviewing an encoding wants to read each rule next to the
** registry text it encodes, without the YAML: "all of: in icu now;
** septic_shock present; latest vis > 120; held for more than 5 h".  The
** words are built from the rule tree itself (not from the notes in the
** files), so what is shown is what the screener evaluates.  docs/trials.md
** is this file's Markdown output for the bundled criteria ("make docs"),
** and "make check" fails when it is out of date.
**
** Every string from a criteria file is escaped for the output it goes to:
** control characters as \xNN on a terminal, table syntax in Markdown.
*/
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "timeutil.h"
#include "trialsview.h"

/*
** {======================================================================
** Rules in words
** =======================================================================
*/

const char *
trialsview_op(cmp_op op)
{
    switch (op) {
    case CMP_GT: return ">";
    case CMP_GE: return "≥";
    case CMP_LT: return "<";
    case CMP_LE: return "≤";
    case CMP_EQ: return "=";
    default:     return "";
    }
}

const char *
trialsview_age_unit(age_unit u)
{
    return u == AGE_MONTHS ? "mo" : u == AGE_DAYS ? "d" : "y";
}

void
trialsview_number(outbuf *out, double x)
{
    outbuf_printf(out, "%.10g", x);
}

/* " unit" after a number, or nothing for a unitless score. */
static void
put_unit(outbuf *out, const char *unit)
{
    if (unit && *unit) {
        outbuf_puts(out, " ");
        outbuf_puts(out, unit);
    }
}

/* "> 5 mmol/L", "from 18 to 75 y". */
static void
put_cmp(outbuf *out, const num_cmp_t *c, const char *unit)
{
    if (c->op == CMP_BETWEEN) {
        outbuf_puts(out, "from ");
        trialsview_number(out, c->lo);
        outbuf_puts(out, " to ");
        trialsview_number(out, c->hi);
    } else {
        outbuf_printf(out, "%s ", trialsview_op(c->op));
        trialsview_number(out, c->lo);
    }
    put_unit(out, unit);
}

/* Clinical texts count hours up to three days ("within 48 hours"): show
** 24 h and 48 h as such, not as 1 d and 2 d. */
static void
put_duration(outbuf *out, ts_duration d)
{
    char buf[64];
    if (d.months == 0 && d.seconds > 0 && d.seconds % TS_HOUR == 0 &&
        d.seconds <= 3 * TS_DAY) {
        outbuf_printf(out, "%lld h", (long long)(d.seconds / TS_HOUR));
        return;
    }
    ts_format_duration(d, buf, sizeof buf);
    outbuf_puts(out, buf);
}

static void
put_dcmp(outbuf *out, const dur_cmp *c)
{
    if (c->op == CMP_BETWEEN) {
        outbuf_puts(out, "from ");
        put_duration(out, c->lo);
        outbuf_puts(out, " to ");
        put_duration(out, c->hi);
        return;
    }
    outbuf_printf(out, "%s ", trialsview_op(c->op));
    put_duration(out, c->lo);
}

/* "a", "a or b", "a, b or c". */
static void
put_concepts(outbuf *out, const rule *r)
{
    for (int i = 0; i < r->nconcepts; i++) {
        if (i > 0)
            outbuf_puts(out, i == r->nconcepts - 1 ? " or " : ", ");
        outbuf_puts(out, r->concepts[i]->name);
    }
}

static void
put_within(outbuf *out, const rule *r, const char *prefix)
{
    if (!r->has_within)
        return;
    outbuf_puts(out, prefix);
    put_duration(out, r->within);
}

static void
put_sexes(outbuf *out, unsigned sexes)
{
    static const char *const names[] = {
        [SEX_FEMALE] = "female", [SEX_MALE] = "male", [SEX_OTHER] = "other",
        [SEX_UNKNOWN] = "unknown"
    };
    int left = 0, done = 0;
    for (int s = SEX_FEMALE; s <= SEX_UNKNOWN; s++)
        left += (int)((sexes >> s) & 1u);
    outbuf_puts(out, "sex ");
    for (int s = SEX_FEMALE; s <= SEX_UNKNOWN; s++) {
        if (!((sexes >> s) & 1))
            continue;
        if (done > 0)
            outbuf_puts(out, done == left - 1 ? " or " : ", ");
        outbuf_puts(out, names[s]);
        done++;
    }
}

/* The values leaves: latest, any_value, all_values, sustained, episode,
** consecutive. */
static void
put_values(outbuf *out, const rule *r)
{
    const char *name = r->concepts[0]->name;
    switch (r->kind) {
    case R_LATEST:      outbuf_printf(out, "latest %s ", name); break;
    case R_ANY_VALUE:   outbuf_printf(out, "any %s ", name); break;
    case R_ALL_VALUES:  outbuf_printf(out, "every %s ", name); break;
    case R_EPISODE:     outbuf_printf(out, "an episode of %s ", name); break;
    case R_CONSECUTIVE: outbuf_printf(out, "%d consecutive %s ", r->count, name);
                        break;
    default:            outbuf_printf(out, "%s ", name); break;
    }
    put_cmp(out, &r->cmp, r->cmp.unit);
    if (r->kind == R_SUSTAINED)
        outbuf_puts(out, " sustained");
    if (r->kind == R_EPISODE) {
        outbuf_puts(out, " lasting ≥ ");
        put_duration(out, r->lasting);
    }
    if (r->kind == R_CONSECUTIVE) {
        if (r->spacing.seconds || r->spacing.months) {
            outbuf_puts(out, ", ≥ ");
            put_duration(out, r->spacing);
            outbuf_puts(out, " apart");
        }
        if (r->trend != TREND_ANY)
            outbuf_puts(out, r->trend == TREND_NON_DECREASING
                        ? ", non-decreasing" : ", non-increasing");
        put_within(out, r, ", the latest within ");
    } else {
        put_within(out, r, " within ");
    }
    if ((r->kind == R_SUSTAINED || r->kind == R_EPISODE) &&
        (r->max_gap.seconds != TS_HOUR || r->max_gap.months)) {
        outbuf_puts(out, " (gaps ≤ ");
        put_duration(out, r->max_gap);
        outbuf_puts(out, ")");
    }
}

static void
put_event(outbuf *out, const rule *r)
{
    static const char *const since[] = {
        [EV_NONE] = "", [EV_MEDICATION] = "start", [EV_PROCEDURE] = "start",
        [EV_CONDITION] = "onset", [EV_LOCATION] = "arrival",
        [EV_FIRST_OF] = "start"
    };
    if (r->kind == R_DURATION) {
        outbuf_printf(out, "%s lasted ", r->concepts[0]->name);
        put_dcmp(out, &r->dcmp);
        return;
    }
    if (r->event == EV_FIRST_OF) {
        outbuf_puts(out, "time since the first known of (");
        for (int i = 0; i < r->nevents; i++) {
            const rule *e = r->events[i];
            if (i > 0)
                outbuf_puts(out, ", ");
            if (e->event == EV_CONDITION)
                outbuf_printf(out, "%s onset, active", e->concepts[0]->name);
            else {
                if (e->one_course)
                    outbuf_puts(out, "one course of ");
                put_concepts(out, e);
                outbuf_printf(out, " %s", since[e->event]);
            }
        }
        outbuf_puts(out, ") ");
        put_dcmp(out, &r->dcmp);
        return;
    }
    if (r->one_course) {
        outbuf_puts(out, "time since one course of ");
        put_concepts(out, r);
        outbuf_puts(out, " started ");
        put_dcmp(out, &r->dcmp);
        return;
    }
    outbuf_printf(out, "time since %s %s ", r->concepts[0]->name,
                  since[r->event]);
    put_dcmp(out, &r->dcmp);
    if (r->ongoing)
        outbuf_printf(out, ", %s ongoing", r->concepts[0]->name);
}

static void
put_procedure(outbuf *out, const rule *r)
{
    put_concepts(out, r);
    if (r->ongoing)
        outbuf_puts(out, " ongoing");
    else if (r->has_within)
        put_within(out, r, " within ");
    else
        outbuf_puts(out, " at any time");
    if (!r->attr_key)
        return;
    outbuf_printf(out, ", %s ", r->attr_key);
    for (int i = 0; i < r->nattr_vals; i++) {
        if (i > 0)
            outbuf_puts(out, i == r->nattr_vals - 1 ? " or " : ", ");
        outbuf_puts(out, r->attr_vals[i] ? r->attr_vals[i] : "not given");
    }
}

static void
put_fact(outbuf *out, const rule *r)
{
    const char *name = r->concepts[0]->name;
    if (r->fact_type == VAL_BOOL)
        outbuf_printf(out, "%s is %s", name, r->fact_bool ? "true" : "false");
    else if (r->fact_type == VAL_STRING)
        outbuf_printf(out, "%s is \"%s\"", name, r->fact_str);
    else {
        outbuf_printf(out, "%s ", name);
        put_cmp(out, &r->cmp, r->cmp.unit);
    }
    put_within(out, r, ", recorded within ");
}

static void put_rule(outbuf *out, const rule *r, int nested);

/* "all of: a; b; c", bracketed when inside another rule. */
static void
put_list(outbuf *out, const rule *r, const char *head, int nested,
         const rule *held)
{
    if (nested)
        outbuf_puts(out, "[");
    outbuf_puts(out, head);
    for (int i = 0; i < r->nkids; i++) {
        outbuf_puts(out, i ? "; " : " ");
        put_rule(out, r->kids[i], 1);
    }
    if (held) {
        outbuf_printf(out, "; held for %s ",
                      held->hold.op == CMP_GT ? "more than" : "at least");
        put_duration(out, held->hold.lo);
    }
    if (nested)
        outbuf_puts(out, "]");
}

static void
put_combinator(outbuf *out, const rule *r, int nested, const rule *held)
{
    char head[48];
    if (r->kind == R_AT_LEAST)
        snprintf(head, sizeof head, "at least %d of:", r->n);
    put_list(out, r, r->kind == R_ALL ? "all of:" : r->kind == R_ANY ?
             "any of:" : head, nested, held);
}

static void
put_rule(outbuf *out, const rule *r, int nested)
{
    switch (r->kind) {
    case R_ALL:
    case R_ANY:
    case R_AT_LEAST:
        put_combinator(out, r, nested, NULL);
        return;
    case R_HELD_FOR: {
        const rule *k = r->kids[0];
        /* A list says how long it held as its last item; a leaf, after
        ** itself. */
        if (k->kind == R_ALL || k->kind == R_ANY || k->kind == R_AT_LEAST) {
            put_combinator(out, k, nested, r);
            return;
        }
        put_rule(out, k, 1);
        outbuf_printf(out, " for %s ",
                      r->hold.op == CMP_GT ? "more than" : "at least");
        put_duration(out, r->hold.lo);
        return;
    }
    case R_NOT:
        outbuf_puts(out, "not (");
        put_rule(out, r->kids[0], 0);
        outbuf_puts(out, ")");
        return;
    case R_CHECK:
        outbuf_puts(out, "to be checked by hand if (");
        put_rule(out, r->kids[0], 0);
        outbuf_puts(out, ")");
        return;
    case R_CRITERION:
        outbuf_printf(out, "%s met", r->ref_id);
        return;
    case R_AGE:
        outbuf_puts(out, "age ");
        put_cmp(out, &r->cmp, trialsview_age_unit(r->age_unit));
        return;
    case R_SEX:
        put_sexes(out, r->sexes);
        return;
    case R_TIME_SINCE:
    case R_DURATION:
        put_event(out, r);
        return;
    case R_CONDITION:
        put_concepts(out, r);
        outbuf_puts(out, r->suspected ? " present or suspected" : r->known
                    ? " known (suspected does not count)" : " present");
        put_within(out, r, r->active_within ? " at some time within "
                                            : ", onset within ");
        return;
    case R_PROCEDURE:
        put_procedure(out, r);
        return;
    case R_LOCATION:
        outbuf_printf(out, "in %s now", r->concepts[0]->name);
        return;
    case R_TOTAL:
        outbuf_puts(out, "total of ");
        for (int i = 0; i < r->nconcepts; i++)
            outbuf_printf(out, "%s%s", i == 0 ? "" : i == r->nconcepts - 1
                          ? " and " : ", ", r->concepts[i]->name);
        put_within(out, r, " given within ");
        outbuf_puts(out, " ");
        put_cmp(out, &r->cmp, r->cmp.unit);
        return;
    case R_MEDICATION:
        if (r->one_course)
            outbuf_puts(out, "one course of ");
        put_concepts(out, r);
        if (r->infusion)
            outbuf_puts(out, " infusion");
        if (r->has_within)
            put_within(out, r, " given within ");
        else
            outbuf_puts(out, " running now");
        return;
    case R_FACT:
        put_fact(out, r);
        return;
    default:
        put_values(out, r);
        return;
    }
}

void
trialsview_rule(outbuf *out, const rule *r)
{
    put_rule(out, r, 0);
}

/* }====================================================================== */

const char *
trialsview_path(const char *path)
{
    char cwd[PATH_MAX];
    if (!path || path[0] != '/' || !getcwd(cwd, sizeof cwd))
        return path;
    size_t n = strlen(cwd);
    if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        return path + n + 1;
    return path;
}

/*
** {======================================================================
** Text: a tree
** =======================================================================
*/

#define TEE   "├─ "
#define ELBOW "└─ "
#define PIPE  "│  "
#define GAP   "   "

static void
text_meta(outbuf *out, const char *label, const char *value)
{
    if (!value)
        return;
    outbuf_printf(out, PIPE "%-9s", label);
    outbuf_escaped(out, value);
    outbuf_puts(out, "\n");
}

/*
** The enrolment window in words: "from (medication norepinephrine running
** now) met + 6 h to its possible start + 24 h".  NULL without one.
*/
static char *
window_words(const trial *t)
{
    outbuf w = {0};
    if (!t->window_from)
        return NULL;
    outbuf_puts(&w, "while (");
    trialsview_rule(&w, t->window_from);
    outbuf_puts(&w, ") is met: opens at its start");
    if (t->window_opens.seconds || t->window_opens.months) {
        outbuf_puts(&w, " + ");
        put_duration(&w, t->window_opens);
    }
    outbuf_puts(&w, ", closes at its earliest possible start + ");
    put_duration(&w, t->window_closes);
    return w.p;
}

/* One criterion or cohort: "├─ inc-age  age from 18 to 75 y". */
static void
text_item(outbuf *out, const char *indent, int last, const char *id,
          int width, const rule *r)
{
    outbuf_puts(out, indent);
    outbuf_puts(out, last ? ELBOW : TEE);
    outbuf_escaped(out, id);
    for (int pad = width - (int)strlen(id); pad > 0; pad--)
        outbuf_put(out, " ", 1);
    outbuf_puts(out, "  ");
    if (!r) {
        outbuf_puts(out, "(not evaluated)\n");
        return;
    }
    outbuf words = {0};
    trialsview_rule(&words, r);
    outbuf_escaped(out, words.p);
    outbuf_release(&words);
    outbuf_puts(out, "\n");
}

static int
id_width(const trial *t)
{
    int w = 0;
    for (int i = 0; i < t->ncrit; i++)
        if ((int)strlen(t->crit[i].id) > w)
            w = (int)strlen(t->crit[i].id);
    for (int i = 0; i < t->ncohorts; i++)
        if ((int)strlen(t->cohorts[i].id) > w)
            w = (int)strlen(t->cohorts[i].id);
    return w;
}

/* The inclusion or exclusion branch. */
static void
text_section(outbuf *out, const trial *t, int exclusion, int last, int width)
{
    int n = 0, k = 0;
    for (int i = 0; i < t->ncrit; i++)
        n += t->crit[i].exclusion == exclusion;
    outbuf_printf(out, "%s%s (%d%s)\n", last ? ELBOW : TEE,
                  exclusion ? "exclusion" : "inclusion", n,
                  exclusion && t->list_incomplete ? ", list incomplete" : "");
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        if (c->exclusion != exclusion)
            continue;
        k++;
        text_item(out, last ? GAP : PIPE, k == n, c->id, width,
                  c->evaluated ? c->rule : NULL);
    }
}

static void
text_trial(outbuf *out, const trial *t)
{
    int width = id_width(t);
    outbuf_escaped(out, t->id);
    outbuf_puts(out, "  ");
    outbuf_escaped(out, t->title);
    outbuf_puts(out, "\n");
    text_meta(out, "title", t->official_title);
    text_meta(out, "source", t->source);
    text_meta(out, "version", t->version);
    text_meta(out, "file", trialsview_path(t->file));
    char *win = window_words(t);
    text_meta(out, "window", win);
    free(win);
    text_section(out, t, 0, 0, width);
    text_section(out, t, 1, t->ncohorts == 0, width);
    if (t->ncohorts == 0)
        return;
    outbuf_printf(out, ELBOW "cohorts (%d)\n", t->ncohorts);
    for (int i = 0; i < t->ncohorts; i++)
        text_item(out, GAP, i == t->ncohorts - 1, t->cohorts[i].id, width,
                  t->cohorts[i].rule);
}

void
trialsview_text(outbuf *out, const trialset *ts)
{
    for (int i = 0; i < trialset_count(ts); i++) {
        if (i > 0)
            outbuf_puts(out, "\n");
        text_trial(out, trialset_at(ts, i));
    }
}

/* }====================================================================== */

/*
** {======================================================================
** Markdown
** =======================================================================
*/

/*
** Text in a table cell or a paragraph: on one line, with the characters
** that Markdown would read as syntax escaped.  '<' is escaped only where
** it could open an HTML tag ("MAP < 65" stays as written).
*/
static void
md_text(outbuf *out, const char *s)
{
    outbuf tmp = {0};
    outbuf_escaped(&tmp, s ? s : "");
    const char *start = tmp.p ? tmp.p : "";
    for (const char *p = start; *p; p++) {
        char c = *p;
        if (c == '\n' || c == '\r' || c == '\t') {
            outbuf_puts(out, " ");
        } else if (strchr("|\\*`", c) || (c == '_' && !(p > start &&
                   isalnum((unsigned char)p[-1]) && isalnum((unsigned char)p[1])))) {
            /* "septic_shock" is safe: an underscore inside a word never
            ** starts emphasis. */
            outbuf_printf(out, "\\%c", c);
        } else if (c == '<' && p[1] && (strchr("/!?", p[1]) ||
                   (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) {
            outbuf_puts(out, "&lt;");
        } else {
            outbuf_put(out, p, 1);
        }
    }
    outbuf_release(&tmp);
}

static void
md_rule(outbuf *out, const rule *r)
{
    outbuf words = {0};
    if (r) {
        trialsview_rule(&words, r);
        md_text(out, words.p);
    } else {
        outbuf_puts(out, "*not evaluated*");
    }
    outbuf_release(&words);
}

static void
md_meta(outbuf *out, const char *label, const char *value, int code)
{
    if (!value)
        return;
    outbuf_printf(out, "- %s: %s", label, code ? "`" : "");
    if (code)
        outbuf_escaped(out, value);
    else
        md_text(out, value);
    outbuf_puts(out, code ? "`\n" : "\n");
}

static void
md_trial(outbuf *out, const trial *t)
{
    outbuf_puts(out, "## ");
    md_text(out, t->id);
    outbuf_puts(out, " — ");
    md_text(out, t->title);
    outbuf_puts(out, "\n\n");
    md_meta(out, "Official title", t->official_title, 0);
    md_meta(out, "Source", t->source, 0);
    md_meta(out, "Criteria version", t->version, 0);
    md_meta(out, "File", trialsview_path(t->file), 1);
    md_meta(out, "Note", t->note, 0);
    char *win = window_words(t);
    md_meta(out, "Enrolment window", win, 0);
    free(win);
    md_meta(out, "Window note", t->window_note, 0);
    if (t->list_incomplete) {
        outbuf_puts(out, "- **Exclusion list incomplete**");
        if (t->incomplete_note) {
            outbuf_puts(out, ": ");
            md_text(out, t->incomplete_note);
        }
        outbuf_puts(out, "\n");
    }
    outbuf_puts(out, "\n| criterion | kind | registry text | rule | note |\n"
                "|---|---|---|---|---|\n");
    for (int i = 0; i < t->ncrit; i++) {
        const criterion *c = &t->crit[i];
        outbuf_puts(out, "| `");
        outbuf_escaped(out, c->id);
        outbuf_printf(out, "` | %s | ", c->exclusion ? "exclusion" : "inclusion");
        md_text(out, c->text);
        outbuf_puts(out, " | ");
        md_rule(out, c->evaluated ? c->rule : NULL);
        outbuf_puts(out, " | ");
        md_text(out, c->note);
        outbuf_puts(out, " |\n");
    }
    if (t->ncohorts == 0)
        return;
    outbuf_puts(out, "\nCohorts (for an eligible patient):\n\n"
                "| cohort | text | rule | note |\n|---|---|---|---|\n");
    for (int i = 0; i < t->ncohorts; i++) {
        const cohort *co = &t->cohorts[i];
        outbuf_puts(out, "| `");
        outbuf_escaped(out, co->id);
        outbuf_puts(out, "` | ");
        md_text(out, co->text);
        outbuf_puts(out, " | ");
        md_rule(out, co->rule);
        outbuf_puts(out, " | ");
        md_text(out, co->note);
        outbuf_puts(out, " |\n");
    }
}

void
trialsview_markdown(outbuf *out, const trialset *ts)
{
    outbuf_puts(out, "# Trials\n\n"
                "<!-- Generated by \"trialscreen trials --format markdown\" "
                "from criteria/*.yaml: edit the criteria, then run "
                "\"make docs\". -->\n\n"
                "The trials the screener ships with, one table per trial: "
                "each criterion's id, whether it includes or excludes, the "
                "registry text it encodes (verbatim), the rule the screener "
                "evaluates (in words, generated from the rule itself) and "
                "the note on how the text is read.  The language is "
                "described in [criteria-language.md](criteria-language.md).\n");
    for (int i = 0; i < trialset_count(ts); i++) {
        outbuf_puts(out, "\n");
        md_trial(out, trialset_at(ts, i));
    }
}

/* }====================================================================== */
