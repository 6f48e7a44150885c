/*
** conceptsview.c -- the concept vocabulary as a table (see conceptsview.h).
**
** The order is by kind, then name, so that the listing does not depend on
** the order of the vocabulary files and a reader finds "all medications"
** together.  Names, labels and codes come from files a site may edit:
** text output escapes control characters, Markdown escapes '|', NDJSON
** escapes as RFC 8259 says.
*/
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conceptsview.h"

static int
by_kind_name(const void *pa, const void *pb)
{
    const concept *a = *(const concept *const *)pa;
    const concept *b = *(const concept *const *)pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The concepts of v in listing order; the caller frees the array. */
static const concept **
sorted(const vocab *v, int *n)
{
    *n = vocab_count(v);
    const concept **c = xcalloc((size_t)*n + 1, sizeof *c);
    for (int i = 0; i < *n; i++)
        c[i] = vocab_at(v, i);
    if (*n > 1)
        qsort(c, (size_t)*n, sizeof *c, by_kind_name);
    return c;
}

static void
pad(outbuf *out, size_t written, size_t width)
{
    for (; written < width + 2; written++)
        outbuf_put(out, " ", 1);
}

static void
text_row(outbuf *out, const concept *c, size_t wname, size_t wkind,
         size_t wunit)
{
    size_t at = out->len;
    outbuf_escaped(out, c->name);
    pad(out, out->len - at, wname);
    at = out->len;
    outbuf_puts(out, concept_kind_name(c->kind));
    pad(out, out->len - at, wkind);
    at = out->len;
    outbuf_escaped(out, c->unit ? c->unit : "-");
    pad(out, out->len - at, wunit);
    for (int k = 0; k < c->ncodes; k++) {
        if (k > 0)
            outbuf_puts(out, ", ");
        outbuf_escaped(out, c->codes[k]);
    }
    /* No trailing blanks when a concept has no codes. */
    while (out->len > 0 && out->p[out->len - 1] == ' ')
        out->len--;
    outbuf_puts(out, "\n");
}

static void
text(outbuf *out, const concept **c, int n)
{
    size_t wname = strlen("concept"), wkind = strlen("kind"),
           wunit = strlen("unit");
    for (int i = 0; i < n; i++) {
        size_t k = strlen(c[i]->name), u = c[i]->unit ? strlen(c[i]->unit) : 1;
        size_t d = strlen(concept_kind_name(c[i]->kind));
        wname = k > wname ? k : wname;
        wkind = d > wkind ? d : wkind;
        wunit = u > wunit ? u : wunit;
    }
    size_t at = out->len;
    outbuf_puts(out, "concept");
    pad(out, out->len - at, wname);
    at = out->len;
    outbuf_puts(out, "kind");
    pad(out, out->len - at, wkind);
    at = out->len;
    outbuf_puts(out, "unit");
    pad(out, out->len - at, wunit);
    outbuf_puts(out, "codes\n");
    for (int i = 0; i < n; i++)
        text_row(out, c[i], wname, wkind, wunit);
}

/* Markdown cell text: '|' would end the cell. */
static void
md_cell(outbuf *out, const char *s)
{
    outbuf tmp = {0};
    outbuf_escaped(&tmp, s ? s : "");
    for (size_t i = 0; i < tmp.len; i++) {
        if (tmp.p[i] == '|')
            outbuf_put(out, "\\", 1);
        outbuf_put(out, tmp.p + i, 1);
    }
    outbuf_release(&tmp);
}

static void
markdown(outbuf *out, const concept **c, int n)
{
    outbuf_puts(out, "| concept | label | kind | unit | codes |\n"
                     "|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        outbuf_puts(out, "| `");
        md_cell(out, c[i]->name);
        outbuf_puts(out, "` | ");
        md_cell(out, c[i]->label);
        outbuf_printf(out, " | %s | ", concept_kind_name(c[i]->kind));
        if (c[i]->unit) {
            outbuf_puts(out, "`");
            md_cell(out, c[i]->unit);
            outbuf_puts(out, "`");
        }
        outbuf_puts(out, " | ");
        for (int k = 0; k < c[i]->ncodes; k++) {
            outbuf_puts(out, k > 0 ? ", `" : "`");
            md_cell(out, c[i]->codes[k]);
            outbuf_puts(out, "`");
        }
        outbuf_puts(out, " |\n");
    }
}

static void
ndjson(outbuf *out, const concept **c, int n)
{
    for (int i = 0; i < n; i++) {
        outbuf_puts(out, "{\"name\":");
        outbuf_json(out, c[i]->name);
        outbuf_puts(out, ",\"label\":");
        if (c[i]->label)
            outbuf_json(out, c[i]->label);
        else
            outbuf_puts(out, "null");
        outbuf_puts(out, ",\"kind\":");
        outbuf_json(out, concept_kind_name(c[i]->kind));
        outbuf_puts(out, ",\"unit\":");
        if (c[i]->unit)
            outbuf_json(out, c[i]->unit);
        else
            outbuf_puts(out, "null");
        outbuf_puts(out, ",\"codes\":[");
        for (int k = 0; k < c[i]->ncodes; k++) {
            if (k > 0)
                outbuf_puts(out, ",");
            outbuf_json(out, c[i]->codes[k]);
        }
        outbuf_puts(out, "]}\n");
    }
}

void
conceptsview(outbuf *out, const vocab *v, conceptsview_format f)
{
    int n;
    const concept **c = sorted(v, &n);
    switch (f) {
    case CONCEPTS_TEXT:     text(out, c, n); break;
    case CONCEPTS_MARKDOWN: markdown(out, c, n); break;
    case CONCEPTS_NDJSON:   ndjson(out, c, n); break;
    }
    free(c);
}
