/*
** fuzz_record.c -- libFuzzer harness for the patient-record reader.
**
** The input is one record text, copied into a fresh buffer with a NUL
** after it exactly as input.c hands records over, then given to
** record_parse with the bundled vocabulary, once leniently and once with
** --strict.  The vocabulary is loaded once: record_parse does not change
** it.  First the text alone goes to json_doc_parse: when our fast pass
** built its tree (jsonbuild.c), cJSON must build the same one.
*/
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "record.h"

static vocab *v;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    v = fuzz_vocab();
    return 0;
}

static void
parse_once(const char *buf, size_t size, int strict)
{
    record_opts opts = { TS_NONE, 0, strict, RW_ALL };
    ts_error err;
    ts_error_clear(&err);
    record *r = record_parse(buf, size, "fuzz.json", 0, v, &opts, &err);
    if (!r) {
        fuzz_check_error(&err, "record_parse");
        return;
    }
    /* Touch what the reporters read. */
    if (!record_id(r) || !record_source(r) || record_at(r) == TS_NONE)
        abort();
    for (int i = 0; i < record_nwarnings(r); i++)
        if (strlen(record_warning(r, i)) == 0)
            abort();
    /* The warnings printed by default: a message and a position each. */
    for (int i = 0; i < record_nwarning_groups(r); i++) {
        char msg[640];
        int line, column;
        if (!record_warning_group(r, i, msg, sizeof msg, &line, &column) || !msg[0]
            || line < 1 || column < 1)
            abort();
    }
    record_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    ts_error err;
    json_doc *doc = json_doc_parse(buf, size, 0, &err);
    if (doc && json_doc_same_as_cjson(doc) == 0)
        abort();
    json_doc_free(doc);
    parse_once(buf, size, 0);
    parse_once(buf, size, 1);
    free(buf);
    return 0;
}
