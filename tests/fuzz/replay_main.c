/*
** replay_main.c -- run a fuzz harness over files, without libFuzzer.
**
** The idea of cJSON's fuzzing/fuzz_main.c: a main() that feeds each file
** named on the command line (or each file in a named directory) to
** LLVMFuzzerTestOneInput, so that any compiler -- gcc in CI -- can replay
** the corpus and every past crash under ASan and UBSan.  A crash aborts
** the run (the sanitizers see to that); otherwise it prints how many
** inputs it replayed.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
replay_file(const char *path, int verbose)
{
    size_t len;
    char *buf = fuzz_slurp(path, &len);
    if (verbose)
        fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
    /* A copy of exactly len bytes, so that an over-read is caught. */
    unsigned char *data = malloc(len ? len : 1);
    if (!data)
        abort();
    memcpy(data, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
}

/* Replay every regular file of dir, in name order; returns how many. */
static int
replay_dir(const char *dir, int verbose)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    int n = 0, cap = 0;
    if (!d) {
        perror(dir);
        exit(2);
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            if (!(names = realloc(names, (size_t)cap * sizeof *names)))
                abort();
        }
        size_t k = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(k)))
            abort();
        snprintf(names[n++], k, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof *names, compare_names);
    int done = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            replay_file(names[i], verbose);
            done++;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int
main(int argc, char **argv)
{
    int verbose = getenv("FUZZ_VERBOSE") != NULL, n = 0;
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 2;
        }
        if (S_ISDIR(st.st_mode)) {
            n += replay_dir(argv[i], verbose);
        } else {
            replay_file(argv[i], verbose);
            n++;
        }
    }
    printf("%s: replayed %d inputs, no crash\n", argv[0], n);
    return 0;
}
