/*
** parsefloor.c -- the floor the screener is measured against.
**
** usage: parsefloor PATH...
**
** Reads the same inputs the same way trialscreen does (input.c: files,
** directories, NDJSON lines), parses each record with plain cJSON and
** frees it, and does nothing else: no validation, no facts, no criteria,
** no output.  Whatever trialscreen spends beyond this is its own cost.
** Prints "records bytes" on standard output so the harness can check it
** read what trialscreen read.
*/
#include <cJSON.h>
#include <stdio.h>

#include "input.h"

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: parsefloor PATH...\n", stderr);
        return 2;
    }
    input *in = input_new((const char *const *)argv + 1, argc - 1, 0);
    input_item item;
    long records = 0, bad = 0;
    long long bytes = 0;
    while (input_next(in, &item)) {
        if (item.kind == INPUT_RECORD) {
            cJSON *doc = cJSON_ParseWithLength(item.buf, item.len);
            if (doc)
                records++;
            else
                bad++;
            bytes += (long long)item.len;
            cJSON_Delete(doc);
        }
        input_item_release(&item);
    }
    input_free(in);
    printf("%ld %lld\n", records, bytes);
    return bad ? 1 : 0;
}
