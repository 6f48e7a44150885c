/*
** fuzz_fhir.c -- libFuzzer harness for the FHIR reader (fhirin.c,
** fhirstore.c, fhirmap.c).
**
** The input is written twice into a scratch directory: as fuzz.json (read
** whole: a Bundle, a manifest, a lone resource or a record) and as
** fuzz.ndjson (each line a resource, grouped through the SQLite store),
** and both go through the FHIR-aware input exactly as the screen verb reads
** them.  Every patient is mapped to a record text, which the record reader
** must then accept or reject with a message: a mapped record is made by
** us, so a crash or an error without a message there is a finding.
*/
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fhir.h"
#include "record.h"

static vocab *v;
static char dir[64];

/* The scratch directory goes when the run ends. */
static void
cleanup(void)
{
    char path[96];
    snprintf(path, sizeof path, "%s/fuzz.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/fuzz.ndjson", dir);
    unlink(path);
    rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    v = fuzz_vocab();
    snprintf(dir, sizeof dir, "/tmp/ts-fuzz-fhir.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    atexit(cleanup);
    return 0;
}

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void
map_item(const input_item *item)
{
    ts_error err;
    size_t len = 0;
    ts_error_clear(&err);
    if (item->kind == INPUT_ERROR || item->kind == INPUT_WARNING) {
        if (!item->err.msg[0])
            abort();
        return;
    }
    if (item->kind != INPUT_FHIR)
        return;                 /* a record: fuzz_record's business */
    char *text = fhir_map(item->extra, v, &len, &err);
    if (!text) {
        fuzz_check_error(&err, "fhir_map");
        return;
    }
    if (strlen(text) != len)
        abort();
    record_opts opts = { TS_NONE, 0, 1, RW_GROUPS };
    record *r = record_parse(text, len, "fuzz", 0, v, &opts, &err);
    if (r)
        record_free(r);
    else
        fuzz_check_error(&err, "record_parse of a mapped record");
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char json[96], ndjson[96];
    snprintf(json, sizeof json, "%s/fuzz.json", dir);
    snprintf(ndjson, sizeof ndjson, "%s/fuzz.ndjson", dir);
    write_file(json, data, size);
    write_file(ndjson, data, size);
    const char *paths[] = { json, ndjson };
    fhir_input *in = fhirin_new(input_new(paths, 2, 1 << 20));
    input_item item;
    while (fhirin_next(in, &item)) {
        map_item(&item);
        input_item_release(&item);
    }
    fhir_counts c = *fhirin_counts(in);
    if (fhir_counts_total(&c) < 0)
        abort();
    fhirin_free(in);
    return 0;
}
