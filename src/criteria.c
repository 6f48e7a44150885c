/*
** criteria.c -- trial files in, trials out; the trialset that holds them.
**
** A trial file has four top-level keys: trial (metadata), inclusion and
** exclusion (lists of criteria) and cohorts (optional).  This file reads
** that outer shape; each "rule:" is handed to rulesyntax.c.  Once a whole
** trial is read, "criterion:" references are resolved by id, and cycles
** and over-deep chains of references are refused, because the evaluator
** recurses through them.
**
** A criteria path is a file or a directory.  In a directory, every
** *.yaml / *.yml file is read first (in sorted name order, so that errors
** and trial order do not depend on readdir), then vocabulary files are
** loaded, then trials: a trial may use any concept of any vocabulary file
** of the directory.  The first error stops loading.
*/
#include "critload.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct trialset {
    vocab *v;
    arena *a;
    trial **items;
    int n, cap;
};

trialset *
trialset_new(vocab *v)
{
    trialset *ts = xcalloc(1, sizeof *ts);
    ts->v = v;
    ts->a = arena_new();
    return ts;
}

void
trialset_free(trialset *ts)
{
    if (!ts)
        return;
    arena_free(ts->a);
    free(ts->items);
    free(ts);
}

/* -------------------------------------------------------------- strings */

/* The text at key, copied into the trialset; NULL when absent and not
** required. */
static int
get_str(trialset *ts, const ynode *map, const char *key, int required,
        const char *owner, const char **out, ts_error *err)
{
    char what[48];
    const ynode *n = ydoc_get(map, key);
    *out = NULL;
    if (!n)
        return required ? ydoc_error(err, map, "%s has no '%s'", owner, key) : 0;
    if (ydoc_string(n, ydoc_quoted(what, sizeof what, key), out, err) < 0)
        return -1;
    *out = arena_strdup(ts->a, *out);
    return 0;
}

/*
** The encoders marked texts they could not take from the registry as
** "[registry wording not in seed 003]": a note about their sources that
** means nothing to a coordinator.  Every output says "[registry wording
** unavailable]" instead; the criteria file keeps its marker.
*/
static const char *
shown_text(trialset *ts, const char *text)
{
    static const char marker[] = "[registry wording not in seed ";
    const char *at = text ? strstr(text, marker) : NULL;
    const char *end = at ? strchr(at, ']') : NULL;
    if (!end)
        return text;
    return arena_printf(ts->a, "%.*s[registry wording unavailable]%s",
                        (int)(at - text), text, end + 1);
}

/* Ids appear in reports, CSV columns and -t options: keep them plain. */
static int
check_id(const ynode *n, const char *what, ts_error *err)
{
    for (const char *p = n->str; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return ydoc_error(err, n, "%s id '%s' may contain only letters, "
                              "digits, '-', '_' and '.'", what, n->str);
    return 0;
}

/* ------------------------------------------------------------- criteria */

static int
parse_criterion(trialset *ts, const ynode *n, int exclusion, criterion *cr,
                ts_error *err)
{
    static const char *const keys[] = {
        "id", "text", "note", "rule", "evaluate", NULL
    };
    const ynode *r = ydoc_get(n, "rule"), *ev = ydoc_get(n, "evaluate");

    if (ydoc_expect_map(n, "a criterion", err) < 0 ||
        ydoc_check_keys(n, keys, "a criterion", err) < 0 ||
        get_str(ts, n, "id", 1, "criterion", &cr->id, err) < 0 ||
        check_id(ydoc_get(n, "id"), "criterion", err) < 0 ||
        get_str(ts, n, "text", 1, "criterion", &cr->text, err) < 0 ||
        get_str(ts, n, "note", 0, "criterion", &cr->note, err) < 0)
        return -1;
    cr->text = shown_text(ts, cr->text);
    cr->exclusion = exclusion;
    cr->line = n->line;
    cr->column = n->column;
    cr->evaluated = 1;
    if (ev && ydoc_bool(ev, "'evaluate'", &cr->evaluated, err) < 0)
        return -1;
    if (!cr->evaluated) {
        if (r)
            return ydoc_error(err, r, "'rule' is not allowed with "
                              "'evaluate: false'");
        return 0;
    }
    if (!r)
        return ydoc_error(err, n, "criterion '%s' has no 'rule' (write "
                          "'evaluate: false' if it is not evaluated)", cr->id);
    cr->rule = rule_parse(ts->a, ts->v, r, err);
    return cr->rule ? 0 : -1;
}

static int
parse_criteria(trialset *ts, const ynode *list, int exclusion, trial *t,
               const ynode **idnodes, ts_error *err)
{
    const char *what = exclusion ? "'exclusion'" : "'inclusion'";
    if (ydoc_expect_seq(list, what, err) < 0)
        return -1;
    for (int i = 0; i < list->n; i++) {
        criterion *cr = &t->crit[t->ncrit];
        if (parse_criterion(ts, list->items[i], exclusion, cr, err) < 0)
            return -1;
        const ynode *id = ydoc_get(list->items[i], "id");
        for (int j = 0; j < t->ncrit; j++)
            if (strcmp(t->crit[j].id, cr->id) == 0)
                return ydoc_error(err, id, "duplicate criterion id '%s' "
                                  "(first at %d:%d)", cr->id,
                                  idnodes[j]->line, idnodes[j]->column);
        idnodes[t->ncrit++] = id;
    }
    return 0;
}

static int
parse_cohorts(trialset *ts, const ynode *list, trial *t, ts_error *err)
{
    static const char *const keys[] = { "id", "text", "note", "rule", NULL };
    if (ydoc_expect_seq(list, "'cohorts'", err) < 0)
        return -1;
    t->cohorts = arena_alloc(ts->a, (size_t)list->n * sizeof *t->cohorts);
    for (int i = 0; i < list->n; i++) {
        const ynode *n = list->items[i];
        cohort *co = &t->cohorts[i];
        if (ydoc_expect_map(n, "a cohort", err) < 0 ||
            ydoc_check_keys(n, keys, "a cohort", err) < 0 ||
            get_str(ts, n, "id", 1, "cohort", &co->id, err) < 0 ||
            check_id(ydoc_get(n, "id"), "cohort", err) < 0 ||
            get_str(ts, n, "text", 0, "cohort", &co->text, err) < 0 ||
            get_str(ts, n, "note", 0, "cohort", &co->note, err) < 0)
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(t->cohorts[j].id, co->id) == 0)
                return ydoc_error(err, ydoc_get(n, "id"), "duplicate cohort "
                                  "id '%s' (first at %d:%d)", co->id,
                                  t->cohorts[j].line, t->cohorts[j].column);
        co->line = n->line;
        co->column = n->column;
        if (!ydoc_get(n, "rule"))
            return ydoc_error(err, n, "cohort '%s' has no 'rule'", co->id);
        if (!(co->rule = rule_parse(ts->a, ts->v, ydoc_get(n, "rule"), err)))
            return -1;
        t->ncohorts++;
    }
    return 0;
}

/*
** window: {from: RULE, opens: D, closes: D, note: TEXT}.  The trial's own
** time limits as one anchor and two offsets: the window opens at the
** anchor's certain since + opens and closes at its possible since +
** closes (docs/evaluation.md, "The enrolment window").  Written once per
** trial rather than inferred from the criteria, because the registry's
** limits are about one clock (ECMO start, norepinephrine onset, the
** shock), not about every criterion that happens to carry a time.
*/
static int
get_offset(const ynode *map, const char *key, ts_duration *out, ts_error *err)
{
    const ynode *n = ydoc_get(map, key);
    const char *s;
    char why[200], what[40];
    memset(out, 0, sizeof *out);
    if (!n)
        return 0;
    if (ydoc_string(n, ydoc_quoted(what, sizeof what, key), &s, err) < 0)
        return -1;
    if (ts_parse_duration(s, out, why, sizeof why) < 0)
        return ydoc_error(err, n, "%s: %s", what, why);
    return 0;
}

static int
parse_window(trialset *ts, const ynode *n, trial *t, ts_error *err)
{
    static const char *const keys[] = { "from", "opens", "closes", "note", NULL };
    const ynode *from;
    if (ydoc_expect_map(n, "'window'", err) < 0 ||
        ydoc_check_keys(n, keys, "'window'", err) < 0 ||
        get_str(ts, n, "note", 0, "window", &t->window_note, err) < 0)
        return -1;
    if (!(from = ydoc_get(n, "from")))
        return ydoc_error(err, n, "'window' needs 'from' (the rule whose since "
                          "anchors it)");
    if (!ydoc_get(n, "closes"))
        return ydoc_error(err, n, "'window' needs 'closes' (how long after "
                          "the anchor it closes)");
    if (get_offset(n, "opens", &t->window_opens, err) < 0 ||
        get_offset(n, "closes", &t->window_closes, err) < 0)
        return -1;
    return (t->window_from = rule_parse(ts->a, ts->v, from, err)) ? 0 : -1;
}

/* ------------------------------------------------------------ references */

/*
** Resolve "criterion:" references and measure the depth of each rule tree
** counting the trees it refers to, since the evaluator walks into them.
** state: 0 not seen, 1 on the current path (seeing it again is a cycle),
** 2 done with its depth in depth[].  above is the depth of the caller, so
** that a chain is refused as soon as it is too deep and recursion here
** stays within RULE_MAX_DEPTH levels.
*/
struct refwalk {
    trial *t;
    int *state, *depth;
    int cur;                    /* criterion whose tree is being walked */
    ts_error *err;
};

static int crit_depth(struct refwalk *w, int i, int above);

static int
too_deep(struct refwalk *w, const rule *r)
{
    ts_error_set(w->err, r->line, r->column, "rules nested deeper than %d "
                 "levels (counting the criteria they refer to)", RULE_MAX_DEPTH);
    return -1;
}

static int
rule_depth(struct refwalk *w, rule *r, int above)
{
    int d = 0;
    if (above + 1 > RULE_MAX_DEPTH)
        return too_deep(w, r);
    if (r->kind == R_CRITERION) {
        int j;
        for (j = 0; j < w->t->ncrit; j++)
            if (strcmp(w->t->crit[j].id, r->ref_id) == 0)
                break;
        if (j == w->t->ncrit) {
            const char **ids = xcalloc((size_t)j + 1, sizeof *ids);
            for (int k = 0; k < j; k++)
                ids[k] = w->t->crit[k].id;
            const char *best = ydoc_suggest(r->ref_id, ids);
            free(ids);
            if (best)
                ts_error_set(w->err, r->line, r->column, "unknown criterion "
                             "'%s' (did you mean '%s'?)", r->ref_id, best);
            else
                ts_error_set(w->err, r->line, r->column, "unknown criterion "
                             "'%s' (no criterion of this trial has that id)",
                             r->ref_id);
            return -1;
        }
        r->ref_index = j;
        if (w->state[j] == 1) {
            ts_error_set(w->err, r->line, r->column, "circular reference: "
                         "criterion '%s' leads back to '%s'",
                         w->t->crit[w->cur].id, r->ref_id);
            return -1;
        }
        if (w->state[j] == 0 && crit_depth(w, j, above + 1) < 0)
            return -1;
        d = w->depth[j];
        if (above + 1 + d > RULE_MAX_DEPTH)
            return too_deep(w, r);
    }
    for (int i = 0; i < r->nkids; i++) {
        int k = rule_depth(w, r->kids[i], above + 1);
        if (k < 0)
            return -1;
        if (k > d)
            d = k;
    }
    return d + 1;
}

static int
crit_depth(struct refwalk *w, int i, int above)
{
    int saved = w->cur, d = 0;
    w->state[i] = 1;
    w->cur = i;
    if (w->t->crit[i].rule && (d = rule_depth(w, w->t->crit[i].rule, above)) < 0)
        return -1;
    w->cur = saved;
    w->state[i] = 2;
    w->depth[i] = d;
    return 0;
}

static int
resolve_refs(trial *t, ts_error *err)
{
    int n = t->ncrit ? t->ncrit : 1;
    struct refwalk w = { t, xcalloc((size_t)n, sizeof(int)),
                         xcalloc((size_t)n, sizeof(int)), 0, err };
    int rc = 0;
    for (int i = 0; i < t->ncrit && rc == 0; i++)
        if (w.state[i] == 0)
            rc = crit_depth(&w, i, 0);
    for (int i = 0; i < t->ncohorts && rc == 0; i++) {
        w.cur = 0;
        rc = rule_depth(&w, t->cohorts[i].rule, 0) < 0 ? -1 : 0;
    }
    if (t->window_from && rc == 0) {
        w.cur = 0;
        rc = rule_depth(&w, t->window_from, 0) < 0 ? -1 : 0;
    }
    free(w.state);
    free(w.depth);
    return rc;
}

/* ---------------------------------------------------------------- trials */

static int
parse_meta(trialset *ts, const ynode *n, trial *t, ts_error *err)
{
    static const char *const keys[] = {
        "id", "title", "official_title", "source", "version", "note",
        "list_incomplete", "incomplete_note", NULL
    };
    const ynode *li = ydoc_get(n, "list_incomplete");
    if (ydoc_expect_map(n, "'trial'", err) < 0 ||
        ydoc_check_keys(n, keys, "'trial'", err) < 0 ||
        get_str(ts, n, "id", 1, "trial", &t->id, err) < 0 ||
        check_id(ydoc_get(n, "id"), "trial", err) < 0 ||
        get_str(ts, n, "title", 1, "trial", &t->title, err) < 0 ||
        get_str(ts, n, "official_title", 0, "trial", &t->official_title,
                err) < 0 ||
        get_str(ts, n, "source", 0, "trial", &t->source, err) < 0 ||
        get_str(ts, n, "version", 0, "trial", &t->version, err) < 0 ||
        get_str(ts, n, "note", 0, "trial", &t->note, err) < 0 ||
        get_str(ts, n, "incomplete_note", 0, "trial", &t->incomplete_note,
                err) < 0)
        return -1;
    if (li && ydoc_bool(li, "'list_incomplete'", &t->list_incomplete, err) < 0)
        return -1;
    t->line = n->line;
    t->column = n->column;
    return 0;
}

static int
count_items(const ynode *n)
{
    return n && n->kind == Y_SEQ ? n->n : 0;
}

static int
load_trial(trialset *ts, const ydoc *d, ts_error *err)
{
    static const char *const keys[] = {
        "trial", "inclusion", "exclusion", "cohorts", "window", NULL
    };
    const ynode *root = d->root, *inc, *exc, *co, *meta;
    trial *t = arena_alloc(ts->a, sizeof *t);

    ts_error_clear(err);
    err->file = d->name;
    if (ydoc_expect_map(root, "a trial file (trial, inclusion, exclusion)", err) < 0 ||
        ydoc_check_keys(root, keys, "a trial file", err) < 0)
        return -1;
    if (!(meta = ydoc_get(root, "trial")))
        return ydoc_error(err, root, "trial file has no 'trial'");
    if (!(inc = ydoc_get(root, "inclusion")))
        return ydoc_error(err, root, "trial file has no 'inclusion'");
    if (!(exc = ydoc_get(root, "exclusion")))
        return ydoc_error(err, root, "trial file has no 'exclusion' (write "
                          "'exclusion: []' if there is none)");
    if (parse_meta(ts, meta, t, err) < 0)
        return -1;
    t->file = d->name;
    for (int i = 0; i < ts->n; i++)
        if (strcmp(ts->items[i]->id, t->id) == 0)
            return ydoc_error(err, ydoc_get(meta, "id"), "duplicate trial id "
                              "'%s' (also in %s:%d:%d)", t->id, ts->items[i]->file,
                              ts->items[i]->line, ts->items[i]->column);

    int max = count_items(inc) + count_items(exc);
    const ynode **ids = xcalloc((size_t)max + 1, sizeof *ids);
    t->crit = arena_alloc(ts->a, ((size_t)max + 1) * sizeof *t->crit);
    int rc = parse_criteria(ts, inc, 0, t, ids, err);
    if (rc == 0)
        rc = parse_criteria(ts, exc, 1, t, ids, err);
    free(ids);
    if (rc < 0)
        return -1;
    if ((co = ydoc_get(root, "cohorts")) && parse_cohorts(ts, co, t, err) < 0)
        return -1;
    if ((co = ydoc_get(root, "window")) && parse_window(ts, co, t, err) < 0)
        return -1;
    if (resolve_refs(t, err) < 0)
        return -1;

    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 8;
        ts->items = xrealloc(ts->items, (size_t)ts->cap * sizeof *ts->items);
    }
    ts->items[ts->n++] = t;
    return 0;
}

/* ----------------------------------------------------------- file paths */

static int
load_doc(trialset *ts, const ydoc *d, ts_error *err)
{
    if (vocab_is_doc(d))
        return vocab_load_doc(ts->v, d, VOCAB_CONCEPTS | VOCAB_CODES, err);
    return load_trial(ts, d, err);
}

int
trialset_load_buffer(trialset *ts, const char *name, const char *buf,
                     size_t len, ts_error *err)
{
    name = arena_strdup(ts->a, name);
    ydoc *d = ydoc_parse(name, buf, len, err);
    if (!d)
        return -1;
    int rc = load_doc(ts, d, err);
    ydoc_free(d);
    return rc;
}

static int
is_yaml_name(const char *s)
{
    size_t n = strlen(s);
    if (s[0] == '.')
        return 0;       /* hidden files and editor droppings */
    return (n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml / *.yml regular files of dir, sorted, as dir/name. */
static char **
list_dir(trialset *ts, const char *dir, int *count, ts_error *err)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    int n = 0, cap = 0;
    size_t dl = strlen(dir);

    if (!dp) {
        ts_error_set(err, 0, 0, "cannot open directory: %s", strerror(errno));
        return NULL;
    }
    while ((e = readdir(dp))) {
        struct stat st;
        if (!is_yaml_name(e->d_name))
            continue;
        char *path = arena_printf(ts->a, "%s%s%s", dir,
                                  dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        /* No symlinks followed inside a directory, no FIFOs waited on. */
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        names[n++] = path;
    }
    closedir(dp);
    if (n == 0) {
        ts_error_set(err, 0, 0, "no criteria files (*.yaml) in directory");
        free(names);
        return NULL;
    }
    qsort(names, (size_t)n, sizeof *names, compare_names);
    *count = n;
    return names;
}

static int
load_dir(trialset *ts, const char *dir, ts_error *err)
{
    int n = 0, rc = 0;
    char **names = list_dir(ts, dir, &n, err);
    if (!names)
        return -1;
    ydoc **docs = xcalloc((size_t)n, sizeof *docs);
    for (int i = 0; i < n && rc == 0; i++)
        if (!(docs[i] = ydoc_parse_file(names[i], err)))
            rc = -1;
    /* Concepts of every vocabulary file, then their extra codes, then
    ** the trials: see the comment at the top. */
    for (int i = 0; i < n && rc == 0; i++)
        if (vocab_is_doc(docs[i]))
            rc = vocab_load_doc(ts->v, docs[i], VOCAB_CONCEPTS, err);
    for (int i = 0; i < n && rc == 0; i++)
        if (vocab_is_doc(docs[i]))
            rc = vocab_load_doc(ts->v, docs[i], VOCAB_CODES, err);
    for (int i = 0; i < n && rc == 0; i++)
        if (!vocab_is_doc(docs[i]))
            rc = load_trial(ts, docs[i], err);
    for (int i = 0; i < n; i++)
        ydoc_free(docs[i]);
    free(docs);
    free(names);
    return rc;
}

int
trialset_load(trialset *ts, const char *path, ts_error *err)
{
    struct stat st;
    path = arena_strdup(ts->a, path);
    ts_error_clear(err);
    err->file = path;
    if (stat(path, &st) < 0) {
        ts_error_set(err, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(ts, path, err);
    ydoc *d = ydoc_parse_file(path, err);
    if (!d)
        return -1;
    int rc = load_doc(ts, d, err);
    ydoc_free(d);
    return rc;
}

/* --------------------------------------------------------------- access */

int
trialset_count(const trialset *ts)
{
    return ts->n;
}

const trial *
trialset_at(const trialset *ts, int i)
{
    return i >= 0 && i < ts->n ? ts->items[i] : NULL;
}

const trial *
trialset_find(const trialset *ts, const char *id)
{
    for (int i = 0; i < ts->n; i++)
        if (strcmp(ts->items[i]->id, id) == 0)
            return ts->items[i];
    return NULL;
}

int
trialset_select(trialset *ts, const char *const *ids, int nids, ts_error *err)
{
    int k = 0;
    const trial **want = xcalloc((size_t)nids + 1, sizeof *want);
    ts_error_clear(err);
    for (int i = 0; i < nids; i++)
        if (!(want[i] = trialset_pick(ts, ids[i], err))) {
            free(want);
            return -1;
        }
    /* Keep the loaded order, which is the order of the reports. */
    for (int i = 0; i < ts->n; i++) {
        int keep = 0;
        for (int j = 0; j < nids && !keep; j++)
            keep = ts->items[i] == want[j];
        if (keep)
            ts->items[k++] = ts->items[i];
    }
    ts->n = k;
    free(want);
    return 0;
}

const vocab *
trialset_vocab(const trialset *ts)
{
    return ts->v;
}
