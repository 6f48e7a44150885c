/*
** caseload.c -- reading a case file for `trialscreen test`.
**
** A case file (docs/case-tests.md) is read and checked in full before any
** of its cases runs: every key, trial id, criterion id, cohort id and time
** is checked against the loaded criteria, so that a typo in an expectation
** is an error (exit 2), never a test that quietly checks nothing.
**
** Each case's record is built here as JSON text: the layers base, file and
** record are merged (mappings key by key, lists and scalars replace, null
** deletes) and printed, and casetest.c hands the text to the production
** record_parse, so records are read exactly as in real use.
*/
#include "casetest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "criteria.h"
#include "input.h"
#include "jsondoc.h"
#include "report.h"
#include "timeutil.h"
#include "yamldoc.h"

/*
** {======================================================================
** JSON values: records written in YAML, merged, then printed as JSON
** =======================================================================
*/

typedef enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jkind;

struct jval {
    jkind kind;
    const char *s;              /* J_BOOL, J_STR; J_NUM: the literal text */
    int n;
    const char **keys;          /* J_OBJ */
    jval **items;               /* J_ARR items, J_OBJ values */
};

static jval *
jv_new(arena *a, jkind kind, const char *s, int n)
{
    jval *v = arena_alloc(a, sizeof *v);
    v->kind = kind;
    v->s = s;
    v->n = 0;
    if (n > 0) {
        v->items = arena_alloc(a, (size_t)n * sizeof *v->items);
        if (kind == J_OBJ)
            v->keys = arena_alloc(a, (size_t)n * sizeof *v->keys);
    }
    return v;
}

/*
** YAML scalars: quoted is a string; plain true/false a boolean; plain
** null, ~ or nothing is null; a plain number (the JSON grammar) is a
** number, kept as written so that 1e999 reaches the record reader and is
** refused there as in real use; any other plain scalar is a string.
*/
static jval *
from_yaml(arena *a, const ynode *y)
{
    jval *v;
    if (y->kind == Y_SCALAR) {
        if (y->quoted)
            return jv_new(a, J_STR, y->str, 0);
        if (strcmp(y->str, "true") == 0 || strcmp(y->str, "false") == 0)
            return jv_new(a, J_BOOL, y->str, 0);
        if (ydoc_is_null(y))
            return jv_new(a, J_NULL, NULL, 0);
        if (ydoc_is_number(y))
            return jv_new(a, J_NUM, y->str, 0);
        return jv_new(a, J_STR, y->str, 0);
    }
    v = jv_new(a, y->kind == Y_MAP ? J_OBJ : J_ARR, NULL, y->n);
    for (int i = 0; i < y->n; i++) {
        if (y->kind == Y_MAP) {
            v->keys[i] = YKEY(y, i)->str;
            v->items[i] = from_yaml(a, YVAL(y, i));
        } else {
            v->items[i] = from_yaml(a, y->items[i]);
        }
        v->n++;
    }
    return v;
}

/* A copy: the cJSON tree is freed once the record is built. */
static jval *
from_cjson(arena *a, const cJSON *c)
{
    int n = 0;
    for (const cJSON *k = c->child; k; k = k->next)
        n++;
    if (cJSON_IsNull(c))
        return jv_new(a, J_NULL, NULL, 0);
    if (cJSON_IsBool(c))
        return jv_new(a, J_BOOL, cJSON_IsTrue(c) ? "true" : "false", 0);
    if (cJSON_IsString(c))
        return jv_new(a, J_STR, arena_strdup(a, c->valuestring), 0);
    if (cJSON_IsNumber(c)) {
        /* The shortest form that reads back as the same double. */
        char *s = arena_printf(a, "%.15g", c->valuedouble);
        if (strtod(s, NULL) != c->valuedouble)
            s = arena_printf(a, "%.17g", c->valuedouble);
        return jv_new(a, J_NUM, s, 0);
    }
    jval *v = jv_new(a, cJSON_IsObject(c) ? J_OBJ : J_ARR, NULL, n);
    for (const cJSON *k = c->child; k; k = k->next) {
        if (v->kind == J_OBJ)
            v->keys[v->n] = arena_strdup(a, k->string);
        v->items[v->n++] = from_cjson(a, k);
    }
    return v;
}

/* An override's mapping with its null values (deletions) taken out. */
static jval *
strip_nulls(arena *a, jval *over)
{
    if (over->kind != J_OBJ)
        return over;
    jval *m = jv_new(a, J_OBJ, NULL, over->n);
    for (int i = 0; i < over->n; i++)
        if (over->items[i]->kind != J_NULL) {
            m->keys[m->n] = over->keys[i];
            m->items[m->n++] = strip_nulls(a, over->items[i]);
        }
    return m;
}

static int
obj_find(const jval *obj, const char *key)
{
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return i;
    return -1;
}

/*
** over merged over base: mappings merge key by key, recursively; a null
** deletes the key; lists and scalars replace what was there.
*/
static jval *
merge(arena *a, jval *base, jval *over)
{
    if (over->kind != J_OBJ || base->kind != J_OBJ)
        return strip_nulls(a, over);
    jval *m = jv_new(a, J_OBJ, NULL, base->n + over->n);
    for (int i = 0; i < base->n; i++) {
        int j = obj_find(over, base->keys[i]);
        if (j >= 0 && over->items[j]->kind == J_NULL)
            continue;
        m->keys[m->n] = base->keys[i];
        m->items[m->n++] = j < 0 ? base->items[i]
                                 : merge(a, base->items[i], over->items[j]);
    }
    for (int j = 0; j < over->n; j++)
        if (obj_find(base, over->keys[j]) < 0 && over->items[j]->kind != J_NULL) {
            m->keys[m->n] = over->keys[j];
            m->items[m->n++] = strip_nulls(a, over->items[j]);
        }
    return m;
}

static void
emit_json(outbuf *b, const jval *v)
{
    switch (v->kind) {
    case J_NULL: outbuf_puts(b, "null"); return;
    case J_BOOL:
    case J_NUM:  outbuf_puts(b, v->s); return;
    case J_STR:  outbuf_json(b, v->s); return;
    case J_ARR:
    case J_OBJ:
        outbuf_puts(b, v->kind == J_ARR ? "[" : "{");
        for (int i = 0; i < v->n; i++) {
            if (i)
                outbuf_puts(b, ",");
            if (v->kind == J_OBJ) {
                outbuf_json(b, v->keys[i]);
                outbuf_puts(b, ":");
            }
            emit_json(b, v->items[i]);
        }
        outbuf_puts(b, v->kind == J_ARR ? "]" : "}");
        return;
    }
}

/* }====================================================================== */

/*
** {======================================================================
** Case files: reading and checking
** =======================================================================
*/

static const char *const top_keys[] = {
    "at", "criteria", "trials", "base", "cases", "note", NULL
};
static const char *const case_keys[] = {
    "name", "note", "at", "record", "file", "merge", "expect", "warnings", NULL
};
static const char *const trial_keys[] = {
    "verdict", "criteria", "missing", "window", "eligible_since", "cohort", NULL
};

/* A path named in the case file, relative to the case file's directory. */
static char *
resolve(cfile *f, const char *p)
{
    if (p[0] == '/' || strcmp(f->dir, ".") == 0)
        return arena_strdup(f->a, p);
    return arena_printf(f->a, "%s/%s", f->dir, p);
}

static int
get_string(cfile *f, const ynode *n, const char *what, const char **out)
{
    return ydoc_string(n, what, out, f->err);
}

static int
get_time(cfile *f, const ynode *n, const char *what, ts_time *out)
{
    const char *s;
    char why[200];
    if (get_string(f, n, what, &s) != 0)
        return -1;
    if (strcmp(s, "none") == 0) {
        *out = TS_NONE;
        return 0;
    }
    if (ts_parse_time(s, out, why, sizeof why) != 0)
        return ydoc_error(f->err, n, "%s: %s", what, why);
    return 0;
}

/* A list of strings, or one string, as an array of scalars. */
static int
get_strings(cfile *f, const ynode *n, const char *what, int *count,
            const ynode ***out)
{
    const char *s;
    if (n->kind == Y_SCALAR) {
        *count = 1;
        *out = arena_alloc(f->a, sizeof **out);
        (*out)[0] = n;
        return get_string(f, n, what, &s);
    }
    if (ydoc_expect_seq(n, what, f->err) != 0)
        return -1;
    *count = n->n;
    *out = arena_alloc(f->a, (size_t)(n->n + 1) * sizeof **out);
    for (int i = 0; i < n->n; i++) {
        if (get_string(f, n->items[i], what, &s) != 0)
            return -1;
        (*out)[i] = n->items[i];
    }
    return 0;
}

static int
load_criteria(cfile *f, const ynode *n, const char *const *defaults,
              int ndefaults)
{
    const char *const *paths = NULL;
    int npaths = 0, rc = -1;
    input_list files = {0};
    char *bundled = NULL;
    if (n) {
        const ynode **items;
        if (get_strings(f, n, "'criteria'", &npaths, &items) != 0)
            return -1;
        const char **resolved =
            arena_alloc(f->a, (size_t)(npaths + 1) * sizeof *resolved);
        for (int i = 0; i < npaths; i++)
            resolved[i] = resolve(f, items[i]->str);
        paths = resolved;
    } else if (ndefaults > 0) {
        paths = defaults;
        npaths = ndefaults;
    } else {
        bundled = input_bundled_criteria();
        if (!bundled)
            return ydoc_error(f->err, NULL, "cannot find the bundled "
                              "criteria; say criteria: in the file or use -c");
        paths = (const char *const *)&bundled;
        npaths = 1;
    }
    f->v = vocab_new();
    f->ts = trialset_new(f->v);
    if (input_criteria_files(paths, npaths, &files, f->err) != 0) {
        char msg[sizeof f->err->msg];
        memcpy(msg, f->err->msg, sizeof msg);
        f->err->file = NULL;
        ydoc_error(f->err, n, "criteria: %s", msg);
        goto done;
    }
    for (int i = 0; i < files.n; i++)
        if (trialset_load(f->ts, files.s[i], f->err) != 0) {
            /* The criteria file's own position says where the error is. */
            if (!f->err->file)
                f->err->file = arena_strdup(f->a, files.s[i]);
            else
                f->err->file = arena_strdup(f->a, f->err->file);
            goto done;
        }
    rc = 0;
done:
    input_list_release(&files);
    free(bundled);
    return rc;
}

static const trial *
find_trial(cfile *f, const ynode *n)
{
    const char *id;
    if (get_string(f, n, "a trial id", &id) != 0)
        return NULL;
    const trial *t = trialset_find(f->ts, id);
    if (!t)
        ydoc_error(f->err, n, "unknown trial '%s' (not in the criteria loaded "
                   "for this file)", id);
    return t;
}

static int
parse_tv(cfile *f, const ynode *n, tv *out)
{
    static const char *const names[] = { "not_met", "unknown", "met", NULL };
    const char *s;
    if (get_string(f, n, "a criterion value", &s) != 0)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (tv)i;
            return 0;
        }
    const char *hint = ydoc_suggest(s, names);
    return ydoc_error(f->err, n, "expected met, not_met or unknown, found "
                      "'%s'%s%s%s", s, hint ? " (did you mean '" : "",
                      hint ? hint : "", hint ? "'?)" : "");
}

static int
parse_crit(cfile *f, trial_expect *te, const ynode *map)
{
    const trial *t = te->t;
    if (ydoc_expect_map(map, "'criteria'", f->err) != 0)
        return -1;
    te->crit = arena_alloc(f->a, (size_t)(map->n + 1) * sizeof *te->crit);
    for (int i = 0; i < map->n; i++) {
        const ynode *k = YKEY(map, i), *v = YVAL(map, i);
        crit_expect *ce = &te->crit[te->ncrit++];
        ce->index = -1;
        for (int j = 0; j < t->ncrit; j++)
            if (strcmp(t->crit[j].id, k->str) == 0)
                ce->index = j;
        if (ce->index < 0) {
            const char **ids = arena_alloc(f->a, (size_t)(t->ncrit + 1) *
                                                 sizeof *ids);
            for (int j = 0; j < t->ncrit; j++)
                ids[j] = t->crit[j].id;
            const char *hint = ydoc_suggest(k->str, ids);
            return ydoc_error(f->err, k, "%s has no criterion '%s'%s%s%s",
                              t->id, k->str, hint ? " (did you mean '" : "",
                              hint ? hint : "", hint ? "'?)" : "");
        }
        ce->at = v;
        /* Extension: {is: met, reason: "substring"}. */
        if (v->kind == Y_MAP) {
            static const char *const keys[] = { "is", "reason", NULL };
            const ynode *is = ydoc_get(v, "is"), *why = ydoc_get(v, "reason");
            if (ydoc_check_keys(v, keys, "a criterion expectation", f->err))
                return -1;
            if (!is)
                return ydoc_error(f->err, v, "missing 'is' (met, not_met or "
                                  "unknown)");
            if (why && get_string(f, why, "'reason'", &ce->reason) != 0)
                return -1;
            v = is;
        }
        if (parse_tv(f, v, &ce->value) != 0)
            return -1;
    }
    return 0;
}

static int
parse_window(cfile *f, trial_expect *te, const ynode *n)
{
    static const char *const keys[] = { "opens", "closes", NULL };
    const char *s;
    te->window_at = n;
    if (n->kind == Y_SCALAR) {
        if (get_string(f, n, "'window'", &s) != 0)
            return -1;
        if (strcmp(s, "none") != 0)
            return ydoc_error(f->err, n, "expected none or a mapping with "
                              "opens and closes, found '%s'", s);
        te->window = 1;
        return 0;
    }
    if (ydoc_expect_map(n, "'window'", f->err) != 0 ||
        ydoc_check_keys(n, keys, "'window'", f->err) != 0)
        return -1;
    te->window = 2;
    const ynode *o = ydoc_get(n, "opens"), *c = ydoc_get(n, "closes");
    if (!o && !c)
        return ydoc_error(f->err, n, "'window' needs opens, closes or both");
    if (o && (te->check_opens = 1, get_time(f, o, "'opens'", &te->opens)) != 0)
        return -1;
    if (c && (te->check_closes = 1, get_time(f, c, "'closes'", &te->closes)) != 0)
        return -1;
    return 0;
}

/* eligible_since: TIME, or none. */
static int
parse_since(cfile *f, trial_expect *te, const ynode *n)
{
    const char *s;
    te->since_at = n;
    te->has_since = 1;
    te->since = TS_NONE;
    if (n->kind == Y_SCALAR && get_string(f, n, "'eligible_since'", &s) == 0 &&
        strcmp(s, "none") == 0)
        return 0;
    return get_time(f, n, "'eligible_since'", &te->since);
}

static int
parse_cohort(cfile *f, trial_expect *te, const ynode *n)
{
    const char *s;
    if (get_string(f, n, "'cohort'", &s) != 0)
        return -1;
    te->has_cohort = 1;
    te->cohort_at = n;
    if (strcmp(s, "none") == 0)
        return 0;
    for (int i = 0; i < te->t->ncohorts; i++)
        if (strcmp(te->t->cohorts[i].id, s) == 0) {
            te->cohort = &te->t->cohorts[i];
            return 0;
        }
    return ydoc_error(f->err, n, "%s has no cohort '%s'", te->t->id, s);
}

static int
parse_trial_expect(cfile *f, trial_expect *te, const ynode *k, const ynode *v)
{
    static const char *const verdicts[] = {
        "ineligible", "incomplete", "eligible", NULL
    };
    const ynode *n;
    const char *s;
    te->at = k;
    if (!(te->t = find_trial(f, k)))
        return -1;
    if (ydoc_expect_map(v, "a trial's expectations", f->err) != 0 ||
        ydoc_check_keys(v, trial_keys, "a trial's expectations", f->err) != 0)
        return -1;
    if (v->n == 0)
        return ydoc_error(f->err, v, "%s: nothing to check", te->t->id);
    if ((n = ydoc_get(v, "verdict"))) {
        if (get_string(f, n, "'verdict'", &s) != 0)
            return -1;
        te->has_verdict = 1;
        te->verdict_at = n;
        int i;
        for (i = 0; verdicts[i] && strcmp(s, verdicts[i]) != 0; i++)
            ;
        if (!verdicts[i])
            return ydoc_error(f->err, n, "expected eligible, ineligible or "
                              "incomplete, found '%s'", s);
        te->v = (verdict)i;
    }
    if ((n = ydoc_get(v, "criteria")) && parse_crit(f, te, n) != 0)
        return -1;
    if ((n = ydoc_get(v, "missing")) &&
        get_strings(f, n, "'missing'", &te->nmissing, &te->missing) != 0)
        return -1;
    if ((n = ydoc_get(v, "window")) && parse_window(f, te, n) != 0)
        return -1;
    if ((n = ydoc_get(v, "eligible_since")) && parse_since(f, te, n) != 0)
        return -1;
    if ((n = ydoc_get(v, "cohort")) && parse_cohort(f, te, n) != 0)
        return -1;
    return 0;
}

/* The index of t among the file's screened trials, adding it if free. */
static int
trial_slot(cfile *f, const trial *t, const ynode *at)
{
    for (int i = 0; i < f->ntrials; i++)
        if (f->trials[i] == t)
            return i;
    if (f->fixed_trials)
        return ydoc_error(f->err, at, "trial '%s' is not in this file's "
                          "trials:", t->id);
    f->trials = xrealloc(f->trials, (size_t)(f->ntrials + 1) * sizeof *f->trials);
    f->trials[f->ntrials] = t;
    return f->ntrials++;
}

static int
parse_expect(cfile *f, tcase *c, const ynode *n)
{
    if (ydoc_expect_map(n, "'expect'", f->err) != 0)
        return -1;
    const ynode *e = ydoc_get(n, "error");
    if (e) {
        if (n->n != 1)
            return ydoc_error(f->err, n, "'expect' with error: checks a "
                              "record error and nothing else");
        c->error_at = e;
        return get_string(f, e, "'error'", &c->error);
    }
    if (n->n == 0)
        return ydoc_error(f->err, n, "'expect' names no trial");
    c->exp = arena_alloc(f->a, (size_t)n->n * sizeof *c->exp);
    for (int i = 0; i < n->n; i++) {
        trial_expect *te = &c->exp[c->nexp++];
        if (parse_trial_expect(f, te, YKEY(n, i), YVAL(n, i)) != 0 ||
            (te->tindex = trial_slot(f, te->t, YKEY(n, i))) < 0)
            return -1;
    }
    return 0;
}

static char *
slurp(const char *path, size_t *len, char *why, size_t whysize)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!fp) {
        snprintf(why, whysize, "%s", strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 8192;
            buf = xrealloc(buf, cap);
        }
        size_t k = fread(buf + n, 1, cap - n - 1, fp);
        n += k;
        if (k == 0)
            break;
        if (n > INPUT_MAX_RECORD) {
            snprintf(why, whysize, "larger than %zu bytes", INPUT_MAX_RECORD);
            goto fail;
        }
    }
    if (ferror(fp)) {
        snprintf(why, whysize, "%s", strerror(errno));
        goto fail;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(fp);
    free(buf);
    return NULL;
}

/*
** The record of a case: the layers base (unless file: is given without
** merge: true), then file:, then record:, each merged over the one
** before.  A file read alone is passed to the reader untouched, so its
** errors point at its own lines.
*/
static int
build_record(cfile *f, tcase *c, const ynode *cm)
{
    const ynode *rec = ydoc_get(cm, "record"), *file = ydoc_get(cm, "file");
    const ynode *mn = ydoc_get(cm, "merge");
    int domerge = 0;
    jval *cur = NULL;
    if (mn && ydoc_bool(mn, "'merge'", &domerge, f->err) != 0)
        return -1;
    if (mn && !file)
        return ydoc_error(f->err, mn, "'merge' needs 'file'");
    if (rec && ydoc_expect_map(rec, "'record'", f->err) != 0)
        return -1;
    if (f->base && (!file || domerge))
        cur = f->base;
    c->source = arena_printf(f->a, "%s:%d", f->path, cm->line);
    if (file) {
        const char *p;
        char why[256];
        size_t len;
        if (get_string(f, file, "'file'", &p) != 0)
            return -1;
        p = resolve(f, p);
        char *text = slurp(p, &len, why, sizeof why);
        if (!text)
            return ydoc_error(f->err, file, "cannot read '%s': %s", p, why);
        if (!cur && !rec) {
            c->json = arena_strndup(f->a, text, len);
            c->len = len;
            c->source = p;
            c->raw = 1;
            free(text);
            return 0;
        }
        ts_error jerr;
        ts_error_clear(&jerr);
        json_doc *jd = json_doc_parse(text, len, 0, &jerr);
        free(text);
        if (!jd)
            return ydoc_error(f->err, file, "%s:%d:%d: %s", p, jerr.line,
                              jerr.column, jerr.msg);
        jval *fv = from_cjson(f->a, json_doc_root(jd));
        json_doc_free(jd);
        cur = cur ? merge(f->a, cur, fv) : fv;
    }
    if (rec) {
        jval *rv = from_yaml(f->a, rec);
        cur = cur ? merge(f->a, cur, rv) : rv;
    }
    if (!cur)
        return ydoc_error(f->err, cm, "case has no record: give record:, "
                          "file:, or a base: for the file");
    outbuf b = {0};
    emit_json(&b, cur);
    c->json = arena_strndup(f->a, b.p, b.len);
    c->len = b.len;
    outbuf_release(&b);
    return 0;
}

static int
parse_case(cfile *f, tcase *c, const ynode *cm)
{
    const ynode *n;
    if (ydoc_expect_map(cm, "a case", f->err) != 0 ||
        ydoc_check_keys(cm, case_keys, "a case", f->err) != 0)
        return -1;
    c->at = cm;
    if (!(n = ydoc_get(cm, "name")))
        return ydoc_error(f->err, cm, "case has no 'name'");
    if (get_string(f, n, "'name'", &c->name) != 0)
        return -1;
    c->time = f->time;
    if ((n = ydoc_get(cm, "at")) && get_time(f, n, "'at'", &c->time) != 0)
        return -1;
    /* Record warnings (unknown codes, ignored fields) fail a case unless
    ** it says how many it means to carry. */
    if ((n = ydoc_get(cm, "warnings"))) {
        double w;
        if (ydoc_number(n, "'warnings'", &w, f->err) != 0)
            return -1;
        if (w != (int)w || w < 0 || w > 1000)
            return ydoc_error(f->err, n, "'warnings' needs a whole number "
                              "from 0 to 1000");
        c->warnings = (int)w;
    }
    if (!(n = ydoc_get(cm, "expect")))
        return ydoc_error(f->err, cm, "case '%s' has no 'expect'", c->name);
    if (parse_expect(f, c, n) != 0)
        return -1;
    return build_record(f, c, cm);
}

int
caseload_file(cfile *f, const char *path, const char *const *crit, int ncrit)
{
    const ynode *root, *n;
    const char *slash = strrchr(path, '/');
    f->path = path;
    f->a = arena_new();
    f->dir = slash ? arena_strndup(f->a, path, (size_t)(slash - path +
                                                        (slash == path)))
                   : arena_strdup(f->a, ".");
    f->err->file = path;
    if (!(f->doc = ydoc_parse_file(f->path, f->err)))
        return -1;
    root = f->doc->root;
    if (!root || root->kind != Y_MAP)
        return ydoc_error(f->err, root, "a case file is a mapping with "
                          "'cases' (see docs/case-tests.md)");
    if (ydoc_check_keys(root, top_keys, "a case file", f->err) != 0)
        return -1;
    if (load_criteria(f, ydoc_get(root, "criteria"), crit, ncrit) != 0)
        return -1;
    /* From here on every error is in the case file itself. */
    ts_error_clear(f->err);
    f->err->file = f->path;
    f->time = TS_NONE;
    if ((n = ydoc_get(root, "at")) && get_time(f, n, "'at'", &f->time) != 0)
        return -1;
    if ((n = ydoc_get(root, "trials"))) {
        const ynode **ids;
        int nids;
        if (get_strings(f, n, "'trials'", &nids, &ids) != 0)
            return -1;
        for (int i = 0; i < nids; i++) {
            const trial *t = find_trial(f, ids[i]);
            if (!t || trial_slot(f, t, ids[i]) < 0)
                return -1;
        }
        f->fixed_trials = 1;
    }
    if ((n = ydoc_get(root, "base"))) {
        if (ydoc_expect_map(n, "'base'", f->err) != 0)
            return -1;
        f->base = from_yaml(f->a, n);
    }
    if (!(n = ydoc_get(root, "cases")))
        return ydoc_error(f->err, root, "a case file needs 'cases'");
    if (ydoc_expect_seq(n, "'cases'", f->err) != 0)
        return -1;
    f->cases = arena_alloc(f->a, (size_t)(n->n + 1) * sizeof *f->cases);
    for (int i = 0; i < n->n; i++)
        if (parse_case(f, &f->cases[f->ncases++], n->items[i]) != 0)
            return -1;
    return 0;
}

void
caseload_release(cfile *f)
{
    free(f->trials);
    trialset_free(f->ts);
    vocab_free(f->v);
    ydoc_free(f->doc);
    arena_free(f->a);
}

/* }====================================================================== */
