/*
** records.c -- the records verb (records.h).
**
** One thread, in input order: this is for looking at what was read, not
** for speed.  Every text is also read by the record reader, so a record
** that would be an error when screened is an error here too (and is not
** printed): what comes out is exactly what screens.  A record from a file
** is printed compact, one line, as NDJSON must be.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fhir.h"
#include "jsondoc.h"
#include "report.h"
#include "records.h"

/* The text of one item as a record (malloc'd), or NULL with err set. */
static char *
record_text(const input_item *item, const vocab *v, ts_error *err)
{
    if (item->kind == INPUT_FHIR) {
        size_t len;
        return fhir_map(item->extra, v, &len, err);
    }
    json_doc *doc = json_doc_parse(item->buf, item->len,
                                   item->line > 0 ? item->line - 1 : 0, err);
    if (!doc)
        return NULL;
    char *text = cJSON_PrintUnformatted(json_doc_root(doc));
    json_doc_free(doc);
    return text;
}

/* Report one bad item on stderr, as the screen verb would. */
static void
report_bad(const input_item *item, const ts_error *err, int io)
{
    char buf[1024];
    outbuf b = {0};
    if (io) {
        snprintf(buf, sizeof buf, "error: %s", err->msg);
    } else {
        ts_error e = *err;
        if (!e.file)
            e.file = item->source;
        if (e.line == 0)
            e.line = item->line;
        ts_error_format(&e, buf, sizeof buf);
    }
    outbuf_escaped(&b, buf);
    fprintf(stderr, "%s\n", b.p ? b.p : "");
    outbuf_release(&b);
}

int
records_run(const char *const *paths, int npaths, size_t max_record,
            const vocab *v, const record_opts *ropts)
{
    fhir_input *in = fhirin_new(input_new(paths, npaths, max_record));
    fhir_counts skipped;
    input_item item;
    int bad = 0, failed = 0;
    memset(&skipped, 0, sizeof skipped);
    signal(SIGPIPE, SIG_IGN);
    while (!failed && fhirin_next(in, &item)) {
        ts_error err;
        ts_error_clear(&err);
        if (item.kind == INPUT_WARNING) {
            fprintf(stderr, "warning: %s\n", item.err.msg);
        } else if (item.kind == INPUT_ERROR) {
            report_bad(&item, &item.err, item.err.file == NULL);
            bad = 1;
        } else {
            char *text = record_text(&item, v, &err);
            record *r = NULL;
            if (text) {
                r = record_parse(text, strlen(text), item.source, 0, v, ropts, &err);
                if (!r && item.kind == INPUT_FHIR)
                    err.column = 0;
            }
            if (!r) {
                report_bad(&item, &err, 0);
                bad = 1;
            } else if (printf("%s\n", text) < 0) {
                failed = 1;
            }
            record_free(r);
            free(text);
            if (item.kind == INPUT_FHIR)
                fhir_counts_add(&skipped, &((fhir_group *)item.extra)->skipped);
        }
        input_item_release(&item);
    }
    if (!failed) {
        fhir_counts_add(&skipped, fhirin_counts(in));
        fhir_skipped_warnings(&skipped, fhirin_orphans(in), stderr);
    }
    fhirin_free(in);
    if (fflush(stdout) != 0 || ferror(stdout))
        failed = 1;
    return failed || bad ? EXIT_BAD_INPUT : EXIT_OK;
}
