/*
** record.c -- reading one patient record: strict JSON in, facts out.
**
** The text goes through jsondoc (which refuses every malformed or
** ambiguous JSON text), then each field is checked against the
** patient-record/1 contract (docs/patient-record.md) and turned
** into facts indexed by concept (facts.h).  A contract error stops the
** record with the JSON path and line:column of the offending node
** ("medications[3].rate: must not be negative"): a screener that guessed
** what a broken record meant would give answers nobody can trust.  Codes
** the vocabulary does not know, and fields the contract does not know, are
** only warnings: producers may carry more than we read.  This file reads
** the record as a whole and holds the field helpers (recorditems.h); the
** items of each section are read in recorditems.c.
**
** Order of work: validate and collect everything (noting the latest
** timestamp), fix the screening time, then do the conversions that need it
** (per-kg units use the latest weight at or before the screening time),
** and finally let facts_finish sort and drop the future.
*/
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "jsondoc.h"
#include "recorditems.h"
#include "timeutil.h"

#define ID_MAX 256              /* bytes; patient-record.md */
#define WARN_LOOKUPS 100        /* kept warnings: facts.c caps them at 100 */

/* ------------------------------------------------------------- messages */

int
rec_fail(reader *rd, const cJSON *node, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->err->msg, sizeof rd->err->msg, fmt, ap);
    va_end(ap);
    snprintf(rd->err->path, sizeof rd->err->path, "%s", path);
    json_doc_position(rd->doc, node, &rd->err->line, &rd->err->column);
    return -1;
}

/* The message of one warning, "unknown code 'x'", and " (ignored)" unless
** it is an error (--strict). */
static void
warning_text(char *out, size_t size, warn_reason why, const char *key,
             const char *detail, const char *wanted, int as_error)
{
    const char *tail = as_error ? "" : " (ignored)";
    switch (why) {
    case WR_UNKNOWN_FIELD:
        snprintf(out, size, "unknown field%s", tail);
        break;
    case WR_UNKNOWN_CODE:
        snprintf(out, size, "unknown code '%.*s'%s", SHOW, key, tail);
        break;
    case WR_WRONG_KIND:
        snprintf(out, size, "'%.*s' is %s, not %s%s", SHOW, key, detail, wanted, tail);
        break;
    case WR_UNIT:
        snprintf(out, size, "%s", detail);
        break;
    }
}

/*
** Something the reader ignores: counted in its group (warnings.h), kept
** with its path for RW_ALL (its position is found at the end, with all
** the others: json_doc_positions), or an error under --strict (returns
** -1 with rd->err set).
*/
int
rec_warn(reader *rd, warn_reason why, const cJSON *node, const char *prefix,
         const char *name, const char *key, const char *detail, int ignored)
{
    char msg[512], path[256];
    if (rd->opts && rd->opts->strict) {
        warning_text(msg, sizeof msg, why, key, detail, rd->wanted, 1);
        rec_join(path, sizeof path, prefix, name ? name : "");
        return rec_fail(rd, node, name ? path : prefix, "%s", msg);
    }
    rd->last_group = warn_count(rd->r, why, rd->section, rd->wanted, key, detail,
                                ignored, node);
    if (rd->mode != RW_ALL || rd->npending > WARN_LOOKUPS)
        return 0;
    /* The path only for the warnings kept (most are only counted). */
    rec_join(path, sizeof path, prefix, name ? name : "");
    if (rd->npending == rd->cappending) {
        int cap = rd->cappending ? 2 * rd->cappending : 16;
        rd->pending = arena_grow(rd->r->a, rd->pending, (size_t)rd->cappending,
                                 (size_t)cap, sizeof *rd->pending);
        rd->cappending = cap;
    }
    warning_text(msg, sizeof msg, why, key, detail, rd->wanted, 0);
    rd->pending[rd->npending++] = (pending_warning){
        node, arena_strdup(rd->r->a, name ? path : prefix), arena_strdup(rd->r->a, msg)
    };
    return 0;
}

int
rec_find_code(reader *rd, const cJSON *node, const char *prefix, const char *name,
              const char *code, const concept **c)
{
    uint32_t h = vocab_hash(code);
    struct unknown_memo *m = &rd->unknown[h % UNKNOWN_MEMO];
    if (m->group && m->hash == h) {
        warn_group *g = &rd->r->groups[m->group - 1];
        if (g->section == rd->section && g->reason == WR_UNKNOWN_CODE
            && strcmp(g->key, code) == 0) {
            g->count++;         /* what warn_count would do: nothing else is kept */
            *c = NULL;
            return 1;
        }
    }
    *c = vocab_find_hashed(rd->r->vocab, code, h);
    if (*c)
        return 0;
    if (rec_warn(rd, WR_UNKNOWN_CODE, node, prefix, name, code, NULL, 1) < 0)
        return -1;
    if (rd->mode != RW_ALL && rd->last_group >= 0)
        *m = (struct unknown_memo){ h, rd->last_group + 1 };
    return 1;
}

/*
** The positions of the first item of every group, and of every kept
** warning, in one pass over the text; then the kept ones are written out
** ("LINE:COLUMN: PATH: MESSAGE").  Nothing to do when nothing is printed.
*/
static void
place_warnings(reader *rd)
{
    record *r = rd->r;
    int ng = r->ngroups, n = ng + rd->npending;
    if (rd->mode == RW_COUNT || n == 0)
        return;
    const cJSON **nodes = arena_alloc(r->a, (size_t)n * sizeof *nodes);
    int *lines = arena_alloc(r->a, 2 * (size_t)n * sizeof *lines), *cols = lines + n;
    for (int i = 0; i < ng; i++)
        nodes[i] = r->groups[i].node;
    for (int i = 0; i < rd->npending; i++)
        nodes[ng + i] = rd->pending[i].node;
    json_doc_positions(rd->doc, nodes, n, lines, cols);
    for (int i = 0; i < ng; i++) {
        r->groups[i].line = lines[i];
        r->groups[i].column = cols[i];
        r->groups[i].node = NULL;       /* the tree is about to go */
    }
    for (int i = 0; i < rd->npending; i++) {
        const pending_warning *w = &rd->pending[i];
        if (w->path[0])
            facts_warn(r, "%d:%d: %s: %s", lines[ng + i], cols[ng + i], w->path, w->msg);
        else
            facts_warn(r, "%d:%d: %s", lines[ng + i], cols[ng + i], w->msg);
    }
}

int
rec_fail_type(reader *rd, const cJSON *node, const char *path, const char *expected)
{
    return rec_fail(rd, node, path, "expected %s, found %s", expected, json_type_name(node));
}

/* ---------------------------------------------------------------- fields */

/*
** Field names are short, and they are compared several times for every
** item of every record: a loop here costs far less than a call to the
** library's strcmp, which is built for long strings.
*/
int
rec_same_name(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

const cJSON *
rec_field(const cJSON *obj, const char *name)
{
    /* Never cJSON_GetObjectItem: it ignores case (input-hardening s1.2).
    ** This is cJSON_GetObjectItemCaseSensitive, with rec_same_name. */
    const cJSON *m = obj ? obj->child : NULL;
    while (m && m->string && !rec_same_name(m->string, name))
        m = m->next;
    return m && m->string ? m : NULL;
}

/* An optional field: absent and null both mean "not given". */
const cJSON *
rec_opt_field(const cJSON *obj, const char *name)
{
    const cJSON *n = rec_field(obj, name);
    return n && !cJSON_IsNull(n) ? n : NULL;
}

/* Append s to out[*len], cutting at size - 1. */
static void
append(char *out, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= size)
        n = size - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/*
** prefix.name; a path too long for the buffer is cut (it is only shown).
** Paths are built for every field of every record, and only read when
** something is wrong, so this is plain copying, not snprintf (which cost
** a sixth of the screening time; docs/performance.md).
*/
void
rec_join(char *out, size_t size, const char *prefix, const char *name)
{
    size_t len = 0;
    out[0] = '\0';
    append(out, size, &len, prefix);
    if (prefix[0])
        append(out, size, &len, ".");
    append(out, size, &len, name);
}

/* name[i], as rec_join builds paths (without snprintf). */
static void
indexed(char *out, size_t size, const char *name, int i)
{
    char num[16], *p = num + sizeof num;
    unsigned u = (unsigned)i;
    size_t len = 0;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    out[0] = '\0';
    append(out, size, &len, name);
    append(out, size, &len, "[");
    append(out, size, &len, p);
    append(out, size, &len, "]");
}

/* Rewrite the index of pre = name[..] in place (name is base bytes long):
** the digits and "]" straight after the "[", once per item. */
static void
index_digits(char *pre, size_t size, size_t base, int i)
{
    char num[16], *p = num + sizeof num;
    unsigned u = (unsigned)i;
    *--p = ']';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    size_t n = (size_t)(num + sizeof num - p);
    if (base + 1 + n >= size)
        n = size - 1 - (base + 1);     /* cut, as append would */
    memcpy(pre + base + 1, p, n);
    pre[base + 1 + n] = '\0';
}

int
rec_missing(reader *rd, const cJSON *obj, const char *prefix, const char *name)
{
    return rec_fail(rd, obj, prefix, "missing required field '%s'", name);
}

/* A string field; *out is NULL when an optional field is absent. */
int
rec_get_str(reader *rd, const cJSON *obj, const char *prefix, const char *name,
        int required, const char **out)
{
    return rec_str(rd, rec_field(obj, name), obj, prefix, name, required, out);
}

/* rec_get_str on the member n already found (what rec_field gives). */
int
rec_str(reader *rd, const cJSON *n, const cJSON *obj, const char *prefix,
        const char *name, int required, const char **out)
{
    char path[256];
    *out = NULL;
    /* cJSON_IsNull and cJSON_IsString, without a call into the library
    ** (this runs for every field of every item). */
    if (n && !required && (n->type & 0xFF) == cJSON_NULL)
        n = NULL;
    if (!n)
        return required ? rec_missing(rd, obj, prefix, name) : 0;
    if ((n->type & 0xFF) != cJSON_String) {
        rec_join(path, sizeof path, prefix, name);
        return rec_fail_type(rd, n, path, "string");
    }
    *out = n->valuestring;
    return 0;
}

static int
known_name(const char *name, const char *const *known)
{
    for (; *known; known++)
        if (rec_same_name(name, *known))
            return 1;
    return 0;
}

/*
** The one pass over an item's members (an observation is read 25,000
** times in a 200-record file): each member is matched against known once
** (its first byte first) and put in its slot, the first of a name
** winning as in rec_field; the others (fields the contract does not
** know) are warned about in member order, before any field is read, or
** are an error with --strict.  Every lookup after this is a slot, not
** another walk over the members.
*/
int
rec_fields(reader *rd, const cJSON *obj, const char *prefix, const char *const *known,
           const cJSON **slots)
{
    const cJSON *m;
    int next = 0;               /* where the previous member's name was */
    if (slots)
        for (int k = 0; known[k]; k++)
            slots[k] = NULL;
    for (m = obj->child; m; m = m->next) {
        const char *name = m->string;
        int k = next;
        /* Producers write the members in one order, mostly known's: the
        ** name after the previous one is tried first. */
        if (!known[k] || known[k][0] != name[0] || !rec_same_name(name, known[k])) {
            k = 0;
            while (known[k] && !(known[k][0] == name[0] && rec_same_name(name, known[k])))
                k++;
        }
        if (known[k]) {
            next = k + 1;
            if (slots && !slots[k])
                slots[k] = m;
            continue;
        }
        if (rec_warn(rd, WR_UNKNOWN_FIELD, m, prefix, name, name, NULL, 0) < 0)
            return -1;
    }
    return 0;
}

/* ----------------------------------------------------------- the sections */

typedef int (*item_reader)(reader *, const cJSON *, const char *, int);

/* An optional array section: each item must be an object. */
static int
read_section(reader *rd, const cJSON *root, const char *name, const char *wanted,
             item_reader fn)
{
    const cJSON *sec = rec_opt_field(root, name), *it;
    int i = 0;
    if (!sec)
        return 0;
    if (!cJSON_IsArray(sec))
        return rec_fail_type(rd, sec, name, "array");
    char pre[64];
    size_t base = strlen(name);     /* "observations[" once, then digits */
    indexed(pre, sizeof pre, name, 0);
    rd->section = name;
    rd->wanted = wanted;
    cJSON_ArrayForEach(it, sec) {
        if (i > 0)
            index_digits(pre, sizeof pre, base, i);
        if ((it->type & 0xFF) != cJSON_Object)     /* cJSON_IsObject, without a call */
            return rec_fail_type(rd, it, pre, "object");
        if (fn(rd, it, pre, i) < 0)
            return -1;
        i++;
    }
    return 0;
}

/* ------------------------------------------------------ top-level fields */

static const char *const top_fields[] = {
    "format", "id", "as_of", "birth_date", "sex", "complete", "locations",
    "observations", "medications", "conditions", "procedures", "facts", NULL
};

static int
read_id(reader *rd, const cJSON *root, const char **id)
{
    const cJSON *n = rec_field(root, "id");
    const char *fmt;
    if (rec_get_str(rd, root, "", "format", 0, &fmt) < 0)
        return -1;
    if (fmt && strcmp(fmt, "patient-record/1") != 0)
        return rec_fail(rd, rec_field(root, "format"), "format",
                    "unsupported format '%.*s' (supported: patient-record/1)", SHOW, fmt);
    if (rec_get_str(rd, root, "", "id", 1, id) < 0)
        return -1;
    if (!(*id)[0])
        return rec_fail(rd, n, "id", "must not be empty");
    if (strlen(*id) > ID_MAX)
        return rec_fail(rd, n, "id", "longer than %d bytes", ID_MAX);
    return 0;
}

static int
read_person(reader *rd, const cJSON *root)
{
    static const char *const sexes[] = { "female", "male", "other", "unknown" };
    record *r = rd->r;
    const char *s;
    char why[256];
    if (rec_get_str(rd, root, "", "birth_date", 0, &s) < 0)
        return -1;
    if (s) {
        if (ts_parse_date(s, &r->birth_y, &r->birth_m, &r->birth_d, why, sizeof why) < 0)
            return rec_fail(rd, rec_field(root, "birth_date"), "birth_date", "%s", why);
        r->has_birth = 1;
        r->birth_str = arena_strdup(r->a, s);
    }
    if (rec_get_str(rd, root, "", "sex", 0, &s) < 0)
        return -1;
    if (s) {
        int k = 0;
        while (k < 4 && strcmp(s, sexes[k]) != 0)
            k++;
        if (k == 4)
            return rec_fail(rd, rec_field(root, "sex"), "sex",
                        "unknown sex '%.*s' (expected female, male, other or unknown)", SHOW, s);
        r->sex = (sex)(SEX_FEMALE + k);
    }
    return 0;
}

static int
read_complete(reader *rd, const cJSON *root)
{
    static const char *const names[] = { "conditions", "procedures", "medications", "locations" };
    const cJSON *sec = rec_opt_field(root, "complete"), *it;
    int i = 0;
    if (!sec)
        return 0;
    if (!cJSON_IsArray(sec))
        return rec_fail_type(rd, sec, "complete", "array");
    cJSON_ArrayForEach(it, sec) {
        char path[64];
        int k = 0;
        snprintf(path, sizeof path, "complete[%d]", i++);
        if (!cJSON_IsString(it))
            return rec_fail_type(rd, it, path, "string");
        while (k < 4 && strcmp(it->valuestring, names[k]) != 0)
            k++;
        if (k == 4)
            return rec_fail(rd, it, path, "unknown section '%.*s' (expected conditions, "
                        "procedures, medications or locations)", SHOW, it->valuestring);
        rd->r->complete |= 1u << k;     /* SEC_* are in the order of names[] */
    }
    return 0;
}

/* --opt at, else as_of, else the latest timestamp of the record. */
static int
screening_time(reader *rd, const cJSON *root)
{
    record *r = rd->r;
    ts_time as_of;
    char why[256];
    const char *s;
    if (rec_get_str(rd, root, "", "as_of", 0, &s) < 0)
        return -1;
    as_of = TS_NONE;
    if (s && ts_parse_time(s, &as_of, why, sizeof why) < 0)
        return rec_fail(rd, rec_field(root, "as_of"), "as_of", "%s", why);
    if (rd->opts && rd->opts->at != TS_NONE) {
        r->at = rd->opts->at;
        r->at_from = AT_CLI;
    } else if (as_of != TS_NONE) {
        r->at = as_of;
        r->at_from = AT_AS_OF;
    } else if (rd->latest != TS_NONE) {
        r->at = rd->latest;
        r->at_from = AT_LATEST;
    } else {
        return rec_fail(rd, root, "", "no screening time; use --at");
    }
    return 0;
}

static int
read_record(reader *rd, const cJSON *root)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        if (known_name(m->string, top_fields))
            continue;
        if (rec_warn(rd, WR_UNKNOWN_FIELD, m, "", m->string, m->string, NULL, 0) < 0)
            return -1;
    }
    if (read_person(rd, root) < 0
        || read_complete(rd, root) < 0
        || read_section(rd, root, "locations", "a location", rec_read_location) < 0
        || read_section(rd, root, "observations", "an observation", rec_read_observation) < 0
        || read_section(rd, root, "medications", "a medication", rec_read_medication) < 0
        || read_section(rd, root, "conditions", "a condition", rec_read_condition) < 0
        || read_section(rd, root, "procedures", "a procedure", rec_read_procedure) < 0
        || rec_read_facts(rd, root) < 0
        || screening_time(rd, root) < 0)
        return -1;
    rec_convert_late(rd->r);
    if (rd->opts)
        rd->r->complete |= rd->opts->assume_complete;
    facts_finish(rd->r);
    return 0;
}

record *
record_parse(const char *buf, size_t len, const char *source,
             int line_base, const vocab *v, const record_opts *opts,
             ts_error *err)
{
    ts_error dummy;
    reader rd = { 0 };
    const char *id;
    if (!err)
        err = &dummy;
    ts_error_clear(err);
    err->file = source;
    json_doc *doc = json_doc_parse(buf, len, line_base, err);
    if (!doc)
        return NULL;
    rd.doc = doc;
    rd.opts = opts;
    rd.err = err;
    rd.latest = TS_NONE;
    rd.section = "";
    rd.mode = opts ? opts->warnings : RW_ALL;
    const cJSON *root = json_doc_root(doc);
    if (!cJSON_IsObject(root)) {
        rec_fail(&rd, root, "", "expected a JSON object, found %s", json_type_name(root));
        json_doc_free(doc);
        return NULL;
    }
    if (read_id(&rd, root, &id) < 0) {
        json_doc_free(doc);
        return NULL;
    }
    rd.r = facts_new(v, id);
    rd.r->source = source ? arena_strdup(rd.r->a, source) : NULL;
    rd.r->line = line_base + 1;
    if (read_record(&rd, root) < 0) {
        record_free(rd.r);
        rd.r = NULL;
    } else {
        place_warnings(&rd);
    }
    json_doc_free(doc);
    return rd.r;
}

void
record_free(record *r)
{
    if (r)
        arena_give(r->a);   /* the record itself lives in its arena */
}

const char *
record_id(const record *r)
{
    return r->id;
}

const char *
record_source(const record *r)
{
    return r->source;
}

ts_time
record_at(const record *r)
{
    return r->at;
}

int
record_nwarnings(const record *r)
{
    return r->nwarn;
}

const char *
record_warning(const record *r, int i)
{
    return i >= 0 && i < r->nwarn ? r->warn[i] : NULL;
}

int
record_nwarning_groups(const record *r)
{
    return r->ngroups;
}

const char *
record_warning_group(const record *r, int i, char *buf, size_t size, int *line,
                     int *column)
{
    if (i < 0 || i >= r->ngroups)
        return NULL;
    warn_message(r, &r->groups[i], buf, size);
    *line = r->groups[i].line;
    *column = r->groups[i].column;
    return buf;
}

int
record_more_warnings(const record *r)
{
    return r->more_warnings;
}
