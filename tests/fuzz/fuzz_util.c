/*
** fuzz_util.c -- helpers shared by the fuzz harnesses: finding the
** bundled criteria and loading their vocabulary, reading fixed inputs,
** and the one property every harness checks beyond "no crash": an error
** always comes with a message.
*/
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#ifndef FUZZ_CRITERIA
#define FUZZ_CRITERIA "criteria"
#endif

const char *
fuzz_criteria_dir(void)
{
    const char *d = getenv("TS_FUZZ_CRITERIA");
    return d && *d ? d : FUZZ_CRITERIA;
}

vocab *
fuzz_vocab(void)
{
    char path[4096];
    ts_error err;
    snprintf(path, sizeof path, "%s/concepts.yaml", fuzz_criteria_dir());
    vocab *v = vocab_new();
    ts_error_clear(&err);
    if (vocab_load(v, path, &err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        exit(2);
    }
    return v;
}

char *
fuzz_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0, k;
    char *buf = xmalloc(cap);
    while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    if (ferror(f)) {
        perror(path);
        exit(2);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *
fuzz_copy(const uint8_t *data, size_t size)
{
    char *buf = xmalloc(size + 1);
    if (size)
        memcpy(buf, data, size);
    buf[size] = '\0';
    return buf;
}

void
fuzz_check_error(const ts_error *err, const char *what)
{
    if (err->msg[0] == '\0' || err->line < 0 || err->column < 0) {
        fprintf(stderr, "%s failed without a message (line %d, column %d)\n",
                what, err->line, err->column);
        abort();
    }
}
