/*
** fhirstore.c -- group loose FHIR resources by patient through SQLite.
**
** Three tables: pat (Patients, in input order, unique by id), res
** (everything else of a patient, keyed by its patient, with its type and
** id) and shared (Medication and Location, unique by type and id).  A
** duplicate Patient or shared resource is refused by its unique key; a
** duplicate of another resource is found when its patient's group is
** read (it has the same patient, so it is in the same group): keeping a
** global index of every type and id would cost a random B-tree insert
** per resource.  Inserts run in one transaction with no journal: the
** database lives only as long as this run, so durability buys nothing.
** The index on res(pkey) is made once, after the last insert, which is
** much cheaper than keeping it up to date row by row.
**
** Source file names are kept in memory (a few per run), rows hold their
** index.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fhirstore.h"

struct fhir_store {
    sqlite3 *db;
    sqlite3_stmt *ins_pat, *ins_res, *ins_shared;
    sqlite3_stmt *next_pat, *pat_res, *get_shared;
    char **sources;
    int nsources, capsources;
    int in_tx;
};

static int
db_fail(fhir_store *s, ts_error *err, const char *what)
{
    ts_error_set(err, 0, 0, "temporary FHIR store: %s: %s", what,
                 sqlite3_errmsg(s->db));
    return -1;
}

static int
exec(fhir_store *s, const char *sql, ts_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(s, err, sql);
    return 0;
}

static int
prepare(fhir_store *s, const char *sql, sqlite3_stmt **st, ts_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(s, err, "prepare");
    return 0;
}

fhir_store *
fhirstore_new(ts_error *err)
{
    fhir_store *s = xcalloc(1, sizeof *s);
    char pragma[128];
    /* "": a private temporary database on disk, deleted on close. */
    if (sqlite3_open_v2("", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        ts_error_set(err, 0, 0, "cannot create the temporary FHIR store: %s",
                     s->db ? sqlite3_errmsg(s->db) : "out of memory");
        fhirstore_free(s);
        return NULL;
    }
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", FHIRSTORE_CACHE_KIB);
    if (exec(s, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                "PRAGMA temp_store=FILE; PRAGMA locking_mode=EXCLUSIVE", err) < 0
        || exec(s, pragma, err) < 0
        || exec(s, "CREATE TABLE pat(ord INTEGER PRIMARY KEY, key TEXT UNIQUE, "
                   "src INTEGER, line INTEGER, text BLOB);"
                   "CREATE TABLE res(seq INTEGER PRIMARY KEY, pkey TEXT, "
                   "src INTEGER, line INTEGER, refs TEXT, text BLOB, tid TEXT);"
                   "CREATE TABLE shared(key TEXT PRIMARY KEY, src INTEGER, "
                   "line INTEGER, text BLOB) WITHOUT ROWID", err) < 0
        || prepare(s, "INSERT OR IGNORE INTO pat(key, src, line, text) "
                      "VALUES(?,?,?,?)", &s->ins_pat, err) < 0
        || prepare(s, "INSERT INTO res(pkey, src, line, refs, text, tid) "
                      "VALUES(?,?,?,?,?,?)", &s->ins_res, err) < 0
        || prepare(s, "INSERT OR IGNORE INTO shared VALUES(?,?,?,?)",
                   &s->ins_shared, err) < 0) {
        fhirstore_free(s);
        return NULL;
    }
    return s;
}

void
fhirstore_free(fhir_store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_pat);
    sqlite3_finalize(s->ins_res);
    sqlite3_finalize(s->ins_shared);
    sqlite3_finalize(s->next_pat);
    sqlite3_finalize(s->pat_res);
    sqlite3_finalize(s->get_shared);
    sqlite3_close(s->db);
    for (int i = 0; i < s->nsources; i++)
        free(s->sources[i]);
    free(s->sources);
    free(s);
}

/* The index of a source name (files come one after another: the last one
** is almost always the one asked for). */
static int
source_index(fhir_store *s, const char *source)
{
    if (s->nsources > 0 && strcmp(s->sources[s->nsources - 1], source) == 0)
        return s->nsources - 1;
    if (s->nsources == s->capsources) {
        s->capsources = s->capsources ? 2 * s->capsources : 16;
        s->sources = xrealloc(s->sources, (size_t)s->capsources * sizeof *s->sources);
    }
    s->sources[s->nsources] = xstrdup(source);
    return s->nsources++;
}

/* Step a statement that returns no row, then reset it. */
static int
run(fhir_store *s, sqlite3_stmt *st, ts_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, err, "insert");
}

int
fhirstore_add(fhir_store *s, int kind, const char *key, const char *tid,
              const char *refs, const char *source, int line,
              const char *text, size_t len, ts_error *err)
{
    if (!s->in_tx) {
        if (exec(s, "BEGIN", err) < 0)
            return -1;
        s->in_tx = 1;
    }
    int src = source_index(s, source);
    sqlite3_stmt *st = kind == 'P' ? s->ins_pat : kind == 'S' ? s->ins_shared
                     : s->ins_res;
    int col = 1;
    sqlite3_bind_text(st, col++, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, col++, src);
    sqlite3_bind_int(st, col++, line);
    if (kind == 'R')
        sqlite3_bind_text(st, col++, refs, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob64(st, col++, text, (sqlite3_uint64)len, SQLITE_TRANSIENT);
    if (kind == 'R')
        sqlite3_bind_text(st, col, tid, -1, SQLITE_TRANSIENT);
    if (run(s, st, err) < 0)
        return -1;
    /* 'P' and 'S' rows are unique by key: nothing inserted, a duplicate. */
    return kind != 'R' && sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
fhirstore_finish(fhir_store *s, long *orphans, char *where, size_t size,
                 ts_error *err)
{
    sqlite3_stmt *st = NULL;
    int cur = -1, lines[3], nlines = 0;
    long n = 0;
    *orphans = 0;
    if (s->in_tx && exec(s, "COMMIT", err) < 0)
        return -1;
    s->in_tx = 0;
    if (exec(s, "CREATE INDEX res_pkey ON res(pkey, seq)", err) < 0
        || prepare(s, "SELECT src, line FROM res WHERE pkey NOT IN "
                      "(SELECT key FROM pat) ORDER BY src, seq", &st, err) < 0)
        return -1;
    /* Per file, in input order: how many, and the first few lines. */
    for (;;) {
        int row = sqlite3_step(st) == SQLITE_ROW;
        int src = row ? sqlite3_column_int(st, 0) : -1;
        if (src != cur && n > 0)
            fhir_orphans_add(where, size, s->sources[cur], n, lines, nlines);
        if (!row)
            break;
        if (src != cur) {
            cur = src;
            n = nlines = 0;
        }
        if (nlines < 3)
            lines[nlines++] = sqlite3_column_int(st, 1);
        n++;
        ++*orphans;
    }
    sqlite3_finalize(st);
    if (prepare(s, "SELECT key, src, line, text FROM pat ORDER BY ord",
                &s->next_pat, err) < 0
        || prepare(s, "SELECT src, line, refs, text, tid FROM res WHERE pkey = ? "
                      "ORDER BY seq", &s->pat_res, err) < 0
        || prepare(s, "SELECT src, line, text FROM shared WHERE key = ?",
                   &s->get_shared, err) < 0)
        return -1;
    return 0;
}

/* A row's resource: source index in column src, line in src + 1, text in
** column text. */
static void
add_row(fhir_store *s, fhir_group *g, sqlite3_stmt *st, int src, int textcol)
{
    const char *text = sqlite3_column_blob(st, textcol);
    int len = sqlite3_column_bytes(st, textcol);
    fhir_group_add(g, NULL, s->sources[sqlite3_column_int(st, src)],
                   sqlite3_column_int(st, src + 1), 1, "",
                   text ? text : "", (size_t)len);
}

/* Add the shared resources named in refs that the group lacks yet. */
static void
add_refs(fhir_store *s, fhir_group *g, const char *refs, char ***have, int *nhave)
{
    while (refs && *refs) {
        const char *nl = strchr(refs, '\n');
        size_t k = nl ? (size_t)(nl - refs) : strlen(refs);
        int known = 0;
        for (int i = 0; i < *nhave && !known; i++)
            known = strlen((*have)[i]) == k && strncmp((*have)[i], refs, k) == 0;
        if (!known) {
            *have = xrealloc(*have, (size_t)(*nhave + 1) * sizeof **have);
            char *copy = xmalloc(k + 1);
            memcpy(copy, refs, k);
            copy[k] = '\0';
            (*have)[(*nhave)++] = copy;
            sqlite3_bind_text(s->get_shared, 1, refs, (int)k, SQLITE_TRANSIENT);
            if (sqlite3_step(s->get_shared) == SQLITE_ROW)
                add_row(s, g, s->get_shared, 0, 2);
            sqlite3_reset(s->get_shared);
        }
        refs += k + (nl != NULL);
    }
}

/* A resource of a patient's group with its type and id, for duplicates. */
typedef struct tid_ref {
    char *tid;
    int seq;                /* its place among the patient's resources */
    int gidx;               /* its index in the group */
} tid_ref;

static int
tid_cmp(const void *a, const void *b)
{
    const tid_ref *x = a, *y = b;
    int c = strcmp(x->tid, y->tid);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/*
** Drop from g every resource whose type and id came earlier among the
** patient's resources (tids[0..n), in input order), counting them.  The
** shared resources in g have no entry in tids and stay.
*/
static void
drop_duplicates(fhir_group *g, tid_ref *tids, int n)
{
    char *drop = xcalloc((size_t)g->n + 1, 1);
    int ndrop = 0;
    if (n > 1)
        qsort(tids, (size_t)n, sizeof *tids, tid_cmp);
    for (int i = 1; i < n; i++)
        if (strcmp(tids[i].tid, tids[i - 1].tid) == 0) {
            drop[tids[i].gidx] = 1;
            ndrop++;
        }
    if (ndrop > 0) {
        int k = 0;
        for (int i = 0; i < g->n; i++) {
            if (!drop[i]) {
                g->res[k++] = g->res[i];
                continue;
            }
            free(g->res[i].url);
            free(g->res[i].source);
            free(g->res[i].path);
            free(g->res[i].text);
        }
        g->n = k;
        g->skipped.n[FS_DUPLICATE] += ndrop;
    }
    free(drop);
}

int
fhirstore_next(fhir_store *s, fhir_group **out, const char **source,
               int *line, ts_error *err)
{
    *out = NULL;
    int rc = sqlite3_step(s->next_pat);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(s, err, "read");
    fhir_group *g = fhir_group_new();
    char **have = NULL;
    int nhave = 0;
    add_row(s, g, s->next_pat, 1, 3);
    *source = s->sources[sqlite3_column_int(s->next_pat, 1)];
    *line = sqlite3_column_int(s->next_pat, 2);
    sqlite3_bind_text(s->pat_res, 1, (const char *)sqlite3_column_text(s->next_pat, 0),
                      -1, SQLITE_TRANSIENT);
    tid_ref *tids = NULL;
    int ntids = 0, seq = 0;
    while ((rc = sqlite3_step(s->pat_res)) == SQLITE_ROW) {
        const char *tid = (const char *)sqlite3_column_text(s->pat_res, 4);
        add_row(s, g, s->pat_res, 0, 3);
        if (tid) {
            tids = xrealloc(tids, (size_t)(ntids + 1) * sizeof *tids);
            tids[ntids++] = (tid_ref){ xstrdup(tid), seq, g->n - 1 };
        }
        seq++;
        add_refs(s, g, (const char *)sqlite3_column_text(s->pat_res, 2), &have, &nhave);
    }
    sqlite3_reset(s->pat_res);
    drop_duplicates(g, tids, ntids);
    for (int i = 0; i < ntids; i++)
        free(tids[i].tid);
    free(tids);
    for (int i = 0; i < nhave; i++)
        free(have[i]);
    free(have);
    if (rc != SQLITE_DONE) {
        fhir_group_free(g);
        return db_fail(s, err, "read");
    }
    *out = g;
    return 1;
}
