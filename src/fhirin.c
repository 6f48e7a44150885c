/*
** fhirin.c -- FHIR detection by content, and grouping by patient.
**
** Wraps the input iterator (input.c), which knows files and lines but not
** what is in them.  Each JSON text it hands out is looked at here:
**
**   no "resourceType" key      a patient record: passed on untouched (and
**                              a text that does not parse either, so that
**                              the record reader reports the syntax error);
**   a Bulk manifest            ("transactionTime" and "output"): its time
**                              becomes the screening time of the patients
**                              grouped from loose resources;
**   a Bulk log line            ("eventId" and "exportId", log.ndjson of
**                              the SMART tools): not patient data, passed
**                              over;
**   a Bundle                   grouped here, in memory (a Bundle is one
**                              size-capped text): one patient item per
**                              Patient entry, queued in entry order;
**   any other resource         (an NDJSON line of a Bulk export, a
**                              resource file, FHIR NDJSON on stdin) spilled
**                              to the store (fhirstore.c) by its patient;
**                              those patients come out after all other
**                              input, in the order of their Patients.
**
** So records, Bundles and Bulk exports may be mixed in one run.  Only the
** fields needed to group are read here (resourceType, id, subject or
** patient, and the references to Medication and Location resources); the
** mapping itself runs on the workers (fhirmap.c).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fhir.h"
#include "fhirstore.h"
#include "jsondoc.h"
#include "timeutil.h"

struct fhir_input {
    input *in;
    input_item *queue;          /* items from a Bundle, handed out first */
    int nq, qi, qcap;
    fhir_store *store;          /* loose resources, made on first need */
    int draining;               /* all input read: handing out the store */
    char *as_of;                /* the Bulk manifest's transactionTime */
    fhir_counts counts;
    char orphans[1024];
};

/* ------------------------------------------------------------- counts */

const char *
fhir_skip_text(fhir_skip why)
{
    static const char *const text[FS_COUNT] = {
        "resource type not read",
        "no coding maps to a concept of the right kind",
        "status entered-in-error, cancelled or not-done",
        "no patient, or a patient not in the input",
        "no time",
        "no value of a type read",
        "same type and id read before",
    };
    return why >= 0 && why < FS_COUNT ? text[why] : "?";
}

const char *
fhir_skip_key(fhir_skip why)
{
    static const char *const key[FS_COUNT] = {
        "type", "code", "status", "no_patient", "no_time", "no_value",
        "duplicate",
    };
    return why >= 0 && why < FS_COUNT ? key[why] : "?";
}

void
fhir_count_type(fhir_counts *c, const char *type)
{
    c->n[FS_TYPE]++;
    for (int i = 0; i < FHIR_TYPE_NAMES; i++) {
        if (c->ntype[i] == 0) {
            snprintf(c->type[i], sizeof c->type[i], "%s", type);
            c->ntype[i] = 1;
            return;
        }
        if (strcmp(c->type[i], type) == 0) {
            c->ntype[i]++;
            return;
        }
    }
    c->other_types++;
}

void
fhir_counts_add(fhir_counts *dst, const fhir_counts *src)
{
    for (int i = 0; i < FS_COUNT; i++)
        if (i != FS_TYPE)
            dst->n[i] += src->n[i];
    for (int i = 0; i < FHIR_TYPE_NAMES && src->ntype[i] > 0; i++) {
        int j = 0;
        while (j < FHIR_TYPE_NAMES && dst->ntype[j] > 0 &&
               strcmp(dst->type[j], src->type[i]) != 0)
            j++;
        if (j == FHIR_TYPE_NAMES) {
            dst->other_types += src->ntype[i];
        } else {
            memcpy(dst->type[j], src->type[i], sizeof dst->type[j]);
            dst->ntype[j] += src->ntype[i];
        }
        dst->n[FS_TYPE] += src->ntype[i];
    }
    dst->n[FS_TYPE] += src->other_types;
    dst->other_types += src->other_types;
}

void
fhir_skipped_text(const fhir_counts *c, fhir_skip why, char *buf, size_t size)
{
    size_t n = 0;
    int k = snprintf(buf, size, "%s", fhir_skip_text(why));
    n = k > 0 ? (size_t)k : 0;
    if (why != FS_TYPE || c->ntype[0] == 0)
        return;
    for (int i = 0; i < FHIR_TYPE_NAMES && c->ntype[i] > 0 && n < size; i++) {
        k = snprintf(buf + n, size - n, "%s%s %ld", i ? ", " : " (", c->type[i],
                     c->ntype[i]);
        n += k > 0 ? (size_t)k : 0;
    }
    if (c->other_types > 0 && n < size) {
        k = snprintf(buf + n, size - n, ", other %ld", c->other_types);
        n += k > 0 ? (size_t)k : 0;
    }
    if (n < size)
        snprintf(buf + n, size - n, ")");
}

void
fhir_orphans_add(char *buf, size_t size, const char *file, long n,
                 const int *lines, int nlines)
{
    size_t k = strlen(buf);
    int files = 0;
    for (const char *p = buf; *p; p++)
        files += *p == ';';
    if (k > 0)
        files++;
    if (files > FHIR_ORPHAN_FILES || k + 8 >= size)
        return;
    if (files == FHIR_ORPHAN_FILES) {
        snprintf(buf + k, size - k, "; ...");
        return;
    }
    int w = snprintf(buf + k, size - k, "%s%s %ld, line%s", k ? "; " : "", file,
                     n, nlines > 1 ? "s" : "");
    k += w > 0 ? (size_t)w : 0;
    for (int i = 0; i < nlines && k < size; i++) {
        w = snprintf(buf + k, size - k, "%s %d", i ? "," : "", lines[i]);
        k += w > 0 ? (size_t)w : 0;
    }
    if (nlines < n && k < size)
        snprintf(buf + k, size - k, ", ...");
}

void
fhir_skipped_warnings(const fhir_counts *c, const char *orphans, FILE *fp)
{
    char buf[1024];
    for (int i = 0; i < FS_COUNT; i++) {
        if (c->n[i] == 0)
            continue;
        fhir_skipped_text(c, (fhir_skip)i, buf, sizeof buf);
        /* The one diagnostic format: "trialscreen: warning: FHIR: ...". */
        diag_printf(fp, TS_LEVEL_WARNING, NULL, 0, 0,
                    "FHIR: %ld resource%s skipped: %s%s%s%s", c->n[i],
                    c->n[i] == 1 ? "" : "s", buf,
                    i == FS_NO_PATIENT && orphans ? " (per file: " : "",
                    i == FS_NO_PATIENT && orphans ? orphans : "",
                    i == FS_NO_PATIENT && orphans ? ")" : "");
    }
}

long
fhir_counts_total(const fhir_counts *c)
{
    long t = 0;
    for (int i = 0; i < FS_COUNT; i++)
        t += c->n[i];
    return t;
}

/* ------------------------------------------------------------- groups */

fhir_group *
fhir_group_new(void)
{
    return xcalloc(1, sizeof(fhir_group));
}

void
fhir_group_add(fhir_group *g, const char *url, const char *source, int line,
               int col, const char *path, const char *text, size_t len)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->res = xrealloc(g->res, (size_t)g->cap * sizeof *g->res);
    }
    fhir_res *r = &g->res[g->n++];
    r->url = url ? xstrdup(url) : NULL;
    r->source = xstrdup(source);
    r->line = line;
    r->col = col;
    r->path = xstrdup(path);
    r->text = xmalloc(len + 1);
    memcpy(r->text, text, len);
    r->text[len] = '\0';
    r->len = len;
}

void
fhir_group_free(void *vg)
{
    fhir_group *g = vg;
    if (!g)
        return;
    for (int i = 0; i < g->n; i++) {
        free(g->res[i].url);
        free(g->res[i].source);
        free(g->res[i].path);
        free(g->res[i].text);
    }
    free(g->res);
    free(g->as_of);
    free(g);
}

/* ----------------------------------------------------------- reading */

/* The resource types fhirmap.c reads; anything else is counted. */
static int
type_read(const char *t)
{
    return strcmp(t, "Observation") == 0 || strcmp(t, "Condition") == 0 ||
           strcmp(t, "Procedure") == 0 || strcmp(t, "Encounter") == 0 ||
           strcmp(t, "MedicationAdministration") == 0;
}

static int
type_shared(const char *t)
{
    return strcmp(t, "Medication") == 0 || strcmp(t, "Location") == 0;
}

static void item_error(input_item *item, json_doc *doc, const cJSON *node,
                       const char *prefix, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Turn item (whose source and line are kept) into an error at node. */
static void
item_error(input_item *item, json_doc *doc, const cJSON *node,
           const char *prefix, const char *path, const char *fmt, ...)
{
    va_list ap;
    int line = 0, col = 0;
    json_doc_position(doc, node, &line, &col);  /* doc reads item->buf */
    free(item->buf);
    item->buf = NULL;
    item->len = 0;
    item->kind = INPUT_ERROR;
    ts_error_clear(&item->err);
    item->err.file = item->source;     /* a position, not an I/O message */
    item->err.line = line;
    item->err.column = col;
    snprintf(item->err.path, sizeof item->err.path, "%s%s%s", prefix,
             prefix[0] && path[0] ? "." : "", path);
    va_start(ap, fmt);
    vsnprintf(item->err.msg, sizeof item->err.msg, fmt, ap);
    va_end(ap);
}

/*
** "Type/ID" of a reference of the wanted type: "Patient/7",
** "https://x/fhir/Patient/7" (history suffixes are not read); NULL if the
** reference names no such resource.  Returns a malloc'd string.
*/
static char *
ref_key(const char *ref, const char *want)
{
    size_t wl = strlen(want);
    const char *p = ref;
    const char *found = NULL;
    while ((p = strstr(p, want)) != NULL) {
        if ((p == ref || p[-1] == '/') && p[wl] == '/' && p[wl + 1] &&
            !strchr(p + wl + 1, '/'))
            found = p;
        p += wl;
    }
    return found ? xstrdup(found) : NULL;
}

/* The reference string of obj.name.reference; *bad on a wrong type. */
static const char *
reference_of(input_item *item, json_doc *doc, const cJSON *obj,
             const char *prefix, const char *name, int *bad)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!o)
        return NULL;
    if (!cJSON_IsObject(o)) {
        item_error(item, doc, o, prefix, name, "must be an object, not %s",
                   json_type_name(o));
        *bad = 1;
        return NULL;
    }
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reference");
    if (r && !cJSON_IsString(r)) {
        char path[128];
        snprintf(path, sizeof path, "%s.reference", name);
        item_error(item, doc, r, prefix, path, "must be a string, not %s",
                   json_type_name(r));
        *bad = 1;
        return NULL;
    }
    return r ? r->valuestring : NULL;
}

/* What grouping needs of one resource. */
typedef struct res_info {
    const char *type;
    const char *id;
    const char *pref;       /* the subject or patient reference, or NULL */
    char refs[1024];        /* '\n'-separated keys of Medication/Location */
} res_info;

static void
add_ref(res_info *ri, const char *ref, const char *want)
{
    char *k = ref ? ref_key(ref, want) : NULL;
    size_t n = strlen(ri->refs);
    if (k && n + strlen(k) + 2 < sizeof ri->refs)
        snprintf(ri->refs + n, sizeof ri->refs - n, "%s%s", n ? "\n" : "", k);
    free(k);
}

/* Read what grouping needs; -1 (item made an error) on a wrong type. */
static int
res_read(input_item *item, json_doc *doc, const cJSON *o,
         const char *prefix, res_info *ri)
{
    int bad = 0;
    memset(ri, 0, sizeof *ri);
    ri->type = cJSON_GetObjectItemCaseSensitive(o, "resourceType")->valuestring;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    if (id && !cJSON_IsString(id)) {
        item_error(item, doc, id, prefix, "id", "must be a string, not %s",
                   json_type_name(id));
        return -1;
    }
    ri->id = id ? id->valuestring : NULL;
    if (!type_read(ri->type))
        return 0;
    ri->pref = reference_of(item, doc, o, prefix, "subject", &bad);
    if (!ri->pref && !bad)
        ri->pref = reference_of(item, doc, o, prefix, "patient", &bad);
    if (strcmp(ri->type, "MedicationAdministration") == 0 && !bad)
        add_ref(ri, reference_of(item, doc, o, prefix, "medicationReference", &bad),
                "Medication");
    const cJSON *locs = cJSON_GetObjectItemCaseSensitive(o, "location");
    if (strcmp(ri->type, "Encounter") == 0 && cJSON_IsArray(locs))
        for (const cJSON *l = locs->child; l && !bad; l = l->next)
            if (cJSON_IsObject(l))
                add_ref(ri, reference_of(item, doc, l, prefix, "location", &bad),
                        "Location");
    return bad ? -1 : 0;
}

/* "Type/ID" (malloc'd) or NULL when the resource has no id. */
static char *
tid_of(const res_info *ri)
{
    if (!ri->id)
        return NULL;
    size_t n = strlen(ri->type) + strlen(ri->id) + 2;
    char *s = xmalloc(n);
    snprintf(s, n, "%s/%s", ri->type, ri->id);
    return s;
}

static void
queue_push(fhir_input *f, input_item *item)
{
    if (f->nq == f->qcap) {
        f->qcap = f->qcap ? 2 * f->qcap : 8;
        f->queue = xrealloc(f->queue, (size_t)f->qcap * sizeof *f->queue);
    }
    f->queue[f->nq++] = *item;
    memset(item, 0, sizeof *item);
}

static void
fhir_item(input_item *item, fhir_group *g, const char *source, int line)
{
    memset(item, 0, sizeof *item);
    item->kind = INPUT_FHIR;
    item->source = xstrdup(source);
    item->line = line;
    item->extra = g;
    item->extra_free = fhir_group_free;
    for (int i = 0; i < g->n; i++)
        item->len += g->res[i].len;
}

/* ------------------------------------------------------------ Bundles */

typedef struct bentry {
    const cJSON *res;
    const char *url;
    res_info ri;
    int patient;            /* index of its Patient entry, or -1 */
    int line;
} bentry;

/* The Patients of a Bundle by id and by fullUrl, for looking up the
** patient a reference names without scanning every entry. */
typedef struct pkey {
    const char *key;
    int idx;
} pkey;

static int
pkey_cmp(const void *a, const void *b)
{
    return strcmp(((const pkey *)a)->key, ((const pkey *)b)->key);
}

static int
pkey_find(const pkey *keys, int n, const char *key)
{
    pkey want = { key, -1 };
    const pkey *hit = n > 0 ? bsearch(&want, keys, (size_t)n, sizeof *keys, pkey_cmp)
                            : NULL;
    return hit ? hit->idx : -1;
}

/* The entry index of the Patient ref names (its fullUrl, or "Patient/ID"
** in any form ref_key reads), or -1. */
static int
patient_of(const char *ref, const pkey *byurl, int nurl, const pkey *byid, int nid)
{
    int p = pkey_find(byurl, nurl, ref);
    if (p < 0) {
        char *k = ref_key(ref, "Patient");
        p = k ? pkey_find(byid, nid, k + strlen("Patient/")) : -1;
        free(k);
    }
    return p;
}

static void
bundle_item_add(fhir_group *g, const bentry *e, int idx, const char *source)
{
    char path[64];
    char *text = cJSON_PrintUnformatted(e->res);
    snprintf(path, sizeof path, "entry[%d].resource", idx);
    fhir_group_add(g, e->url, source, e->line, 0, path, text, strlen(text));
    free(text);
}

/* Read the entries; -1 with an error item queued for a broken entry. */
static int
bundle_entries(fhir_input *f, input_item *item, json_doc *doc,
               bentry *es, int *n)
{
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(json_doc_root(doc), "entry");
    int i = 0;
    *n = 0;
    if (entries && !cJSON_IsArray(entries)) {
        item_error(item, doc, entries, "", "entry", "must be an array, not %s",
                   json_type_name(entries));
        return -1;
    }
    for (const cJSON *e = entries ? entries->child : NULL; e; e = e->next, i++) {
        char path[64];
        int col;
        snprintf(path, sizeof path, "entry[%d]", i);
        const cJSON *r = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "resource") : e;
        const cJSON *url = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "fullUrl") : NULL;
        const cJSON *rt = cJSON_GetObjectItemCaseSensitive(r, "resourceType");
        if (!cJSON_IsObject(r) || !cJSON_IsString(rt) || (url && !cJSON_IsString(url))) {
            const char *what = !cJSON_IsObject(e) ? "an entry must be an object"
                             : !cJSON_IsObject(r) ? "an entry needs a resource object"
                             : !cJSON_IsString(rt) ? "a resource needs a string resourceType"
                             : "fullUrl must be a string";
            item_error(item, doc, r ? r : e, "", path, "%s", what);
            return -1;
        }
        bentry *b = &es[(*n)++];
        snprintf(path, sizeof path, "entry[%d].resource", i);
        if (res_read(item, doc, r, path, &b->ri) < 0)
            return -1;
        b->res = r;
        b->url = url ? url->valuestring : NULL;
        b->patient = -1;
        json_doc_position(doc, r, &b->line, &col);
    }
    (void)f;
    return 0;
}

/* One item per Patient entry, in entry order, with its resources (each
** patient's list is linked through next[], so this is linear) and every
** Medication and Location of the Bundle. */
static void
bundle_queue(fhir_input *f, const input_item *item, const bentry *es, int n,
             const char *ts)
{
    int *next = xcalloc((size_t)n + 1, sizeof *next);
    int *head = xcalloc((size_t)n + 1, sizeof *head);
    int *tail = xcalloc((size_t)n + 1, sizeof *tail);
    for (int i = 0; i < n; i++)
        head[i] = tail[i] = next[i] = -1;
    for (int i = 0; i < n; i++) {
        int p = es[i].patient;
        if (p < 0)
            continue;
        if (tail[p] < 0)
            head[p] = i;
        else
            next[tail[p]] = i;
        tail[p] = i;
    }
    for (int p = 0; p < n; p++) {
        if (strcmp(es[p].ri.type, "Patient") != 0)
            continue;
        fhir_group *g = fhir_group_new();
        input_item it;
        bundle_item_add(g, &es[p], p, item->source);
        for (int i = head[p]; i >= 0; i = next[i])
            bundle_item_add(g, &es[i], i, item->source);
        for (int i = 0; i < n; i++)
            if (type_shared(es[i].ri.type))
                bundle_item_add(g, &es[i], i, item->source);
        g->as_of = ts ? xstrdup(ts) : NULL;
        fhir_item(&it, g, item->source, es[p].line);
        queue_push(f, &it);
    }
    free(next);
    free(head);
    free(tail);
}

/* One item per Patient entry, queued; everything else counted or joined. */
static void
bundle_group(fhir_input *f, input_item *item, json_doc *doc)
{
    const cJSON *root = json_doc_root(doc);
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "timestamp");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(root, "entry");
    int cap = cJSON_IsArray(entries) ? cJSON_GetArraySize(entries) : 0, n;
    int lines[3];
    long norphans = 0;
    bentry *es = xcalloc((size_t)cap + 1, sizeof *es);
    char why[128];
    ts_time when;
    if (ts && !cJSON_IsString(ts)) {
        item_error(item, doc, ts, "", "timestamp", "must be a string, not %s",
                   json_type_name(ts));
        queue_push(f, item);
    } else if (ts && ts_parse_time(ts->valuestring, &when, why, sizeof why) != 0) {
        item_error(item, doc, ts, "", "timestamp", "%s", why);
        queue_push(f, item);
    } else if (bundle_entries(f, item, doc, es, &n) < 0) {
        queue_push(f, item);
    } else {
        pkey *byurl = xcalloc((size_t)n + 1, sizeof *byurl);
        pkey *byid = xcalloc((size_t)n + 1, sizeof *byid);
        int nurl = 0, nid = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(es[i].ri.type, "Patient") != 0)
                continue;
            if (es[i].url)
                byurl[nurl++] = (pkey){ es[i].url, i };
            if (es[i].ri.id)
                byid[nid++] = (pkey){ es[i].ri.id, i };
        }
        qsort(byurl, (size_t)nurl, sizeof *byurl, pkey_cmp);
        qsort(byid, (size_t)nid, sizeof *byid, pkey_cmp);
        for (int i = 0; i < n; i++) {
            const char *t = es[i].ri.type;
            if (strcmp(t, "Patient") == 0 || type_shared(t))
                continue;
            if (!type_read(t)) {
                fhir_count_type(&f->counts, t);
                continue;
            }
            if (es[i].ri.pref)
                es[i].patient = patient_of(es[i].ri.pref, byurl, nurl, byid, nid);
            if (es[i].patient < 0 && norphans++ < 3)
                lines[norphans - 1] = es[i].line;
        }
        free(byurl);
        free(byid);
        if (norphans > 0) {
            f->counts.n[FS_NO_PATIENT] += norphans;
            fhir_orphans_add(f->orphans, sizeof f->orphans, item->source,
                             norphans, lines, norphans < 3 ? (int)norphans : 3);
        }
        bundle_queue(f, item, es, n, ts ? ts->valuestring : NULL);
    }
    free(es);
}

/* ------------------------------------------------- loose resources */

/* Spill one resource (an NDJSON line or a resource file) to the store. */
static void
spill(fhir_input *f, input_item *item, json_doc *doc)
{
    const cJSON *o = json_doc_root(doc);
    res_info ri;
    ts_error err;
    if (res_read(item, doc, o, "", &ri) < 0) {
        queue_push(f, item);
        return;
    }
    int patient = strcmp(ri.type, "Patient") == 0;
    if (!patient && !type_shared(ri.type) && !type_read(ri.type)) {
        fhir_count_type(&f->counts, ri.type);
        return;
    }
    if (patient && (!ri.id || !ri.id[0])) {
        item_error(item, doc, o, "", "id", "a Patient needs an id (the record's id)");
        queue_push(f, item);
        return;
    }
    char *key = patient || type_shared(ri.type) ? tid_of(&ri)
              : ri.pref ? ref_key(ri.pref, "Patient") : NULL;
    if (!key && type_shared(ri.type))
        return;                 /* no id: nothing can refer to it */
    /* A resource naming no patient is kept under a key no Patient has,
    ** so that fhirstore_finish lists all orphans in input order. */
    if (!key)
        key = xstrdup("");
    char *tid = tid_of(&ri);
    ts_error_clear(&err);
    if (!f->store)
        f->store = fhirstore_new(&err);
    int rc = !f->store ? -1
           : fhirstore_add(f->store, patient ? 'P' : type_shared(ri.type) ? 'S' : 'R',
                           key, tid, ri.refs, item->source, item->line,
                           item->buf, item->len, &err);
    if (rc == 1)
        f->counts.n[FS_DUPLICATE]++;
    if (rc < 0) {
        item_error(item, NULL, NULL, "", "", "%s", err.msg);
        queue_push(f, item);
    }
    free(key);
    free(tid);
}

/* ----------------------------------------------------------- the loop */

/* Does buf hold needle (n bytes) with its byte k at buf[i]? */
static int
needle_at(const char *buf, size_t len, size_t i, const char *needle, size_t n, size_t k)
{
    return i >= k && len - (i - k) >= n && memcmp(buf + i - k, needle, n) == 0;
}

/*
** Whether the text holds "resourceType", "transactionTime" or "eventId"
** (quotes included) anywhere: the same answer as three memmem passes,
** which were a twentieth of a realistic run (every line of a record file
** goes through here).  Instead, memchr (vectorised) finds each 'T' -- byte
** 9 of the first key, 12 of the second -- and each 'I', byte 6 of the
** third; a record's 'T's are those of its timestamps, one every 80 bytes
** or so, and 'I' is rarer still.
*/
int
fhirin_may_be_fhir(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, 'T', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - buf);
        if (needle_at(buf, len, i, "\"resourceType\"", 14, 9)
            || needle_at(buf, len, i, "\"transactionTime\"", 17, 12))
            return 1;
        p++;
    }
    for (p = buf; (p = memchr(p, 'I', (size_t)(end - p))) != NULL; p++)
        if (needle_at(buf, len, (size_t)(p - buf), "\"eventId\"", 9, 6))
            return 1;
    return 0;
}

/* Look at one record-or-resource text; returns 1 when item is to be
** handed out as it is (a record, or an error), 0 when it was taken. */
static int
classify(fhir_input *f, input_item *item)
{
    if (!fhirin_may_be_fhir(item->buf, item->len))
        return 1;
    ts_error err;
    json_doc *doc = json_doc_parse(item->buf, item->len,
                                   item->line > 0 ? item->line - 1 : 0, &err);
    const cJSON *root = doc ? json_doc_root(doc) : NULL;
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(root, "resourceType");
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(root, "transactionTime");
    int taken = 1;
    if (!cJSON_IsObject(root)) {
        taken = 0;                  /* the record reader says why */
    } else if (!rt && tt &&
               cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "output"))) {
        char why[128];              /* a Bulk manifest */
        ts_time t;
        if (!cJSON_IsString(tt) || ts_parse_time(tt->valuestring, &t, why,
                                                 sizeof why) != 0) {
            item_error(item, doc, tt, "", "transactionTime", "%s",
                       cJSON_IsString(tt) ? why : "must be a string");
            taken = 0;
        } else {
            free(f->as_of);
            f->as_of = xstrdup(tt->valuestring);
        }
    } else if (!rt && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "eventId"))
               && cJSON_GetObjectItemCaseSensitive(root, "exportId")) {
        ;                           /* a line of a Bulk export's log.ndjson */
    } else if (!rt) {
        taken = 0;
    } else if (!cJSON_IsString(rt)) {
        item_error(item, doc, rt, "", "resourceType", "must be a string, not %s",
                   json_type_name(rt));
        taken = 0;
    } else if (strcmp(rt->valuestring, "Bundle") == 0) {
        bundle_group(f, item, doc);
    } else {
        spill(f, item, doc);
    }
    json_doc_free(doc);
    if (taken)
        input_item_release(item);
    return !taken;
}

fhir_input *
fhirin_new(input *in)
{
    fhir_input *f = xcalloc(1, sizeof *f);
    f->in = in;
    return f;
}

/* All input read: close the store and start handing out its patients. */
static int
drain_start(fhir_input *f, input_item *item)
{
    ts_error err;
    long orphans = 0;
    f->draining = 1;
    if (!f->store)
        return 0;
    ts_error_clear(&err);
    if (fhirstore_finish(f->store, &orphans, f->orphans, sizeof f->orphans,
                         &err) < 0) {
        memset(item, 0, sizeof *item);
        item->kind = INPUT_ERROR;
        item->source = xstrdup("FHIR");
        item->err = err;
        fhirstore_free(f->store);
        f->store = NULL;
        return 1;
    }
    f->counts.n[FS_NO_PATIENT] += orphans;
    return 0;
}

static int
drain_next(fhir_input *f, input_item *item)
{
    fhir_group *g;
    const char *source;
    int line;
    ts_error err;
    ts_error_clear(&err);
    int rc = f->store ? fhirstore_next(f->store, &g, &source, &line, &err) : 0;
    if (rc == 1) {
        g->as_of = f->as_of ? xstrdup(f->as_of) : NULL;
        fhir_item(item, g, source, line);
        return 1;
    }
    fhirstore_free(f->store);
    f->store = NULL;
    if (rc < 0) {
        memset(item, 0, sizeof *item);
        item->kind = INPUT_ERROR;
        item->source = xstrdup("FHIR");
        item->err = err;
        return 1;
    }
    return 0;
}

int
fhirin_next(fhir_input *f, input_item *item)
{
    for (;;) {
        if (f->qi < f->nq) {
            *item = f->queue[f->qi++];
            if (f->qi == f->nq)
                f->qi = f->nq = 0;
            return 1;
        }
        if (f->draining)
            return drain_next(f, item);
        if (!input_next(f->in, item)) {
            if (drain_start(f, item))
                return 1;
            continue;
        }
        if (item->kind != INPUT_RECORD || classify(f, item))
            return 1;
    }
}

const fhir_counts *
fhirin_counts(const fhir_input *f)
{
    return &f->counts;
}

const char *
fhirin_orphans(const fhir_input *f)
{
    return f->orphans[0] ? f->orphans : NULL;
}

void
fhirin_free(fhir_input *f)
{
    if (!f)
        return;
    for (int i = f->qi; i < f->nq; i++)
        input_item_release(&f->queue[i]);
    free(f->queue);
    fhirstore_free(f->store);
    free(f->as_of);
    input_free(f->in);
    free(f);
}

void
fhirin_interrupt(fhir_input *f)
{
    if (f)
        input_interrupt(f->in);
}
