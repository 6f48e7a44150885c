/*
** run.h -- running trialscreen (or any shell command) from a cmocka test
** and capturing what it says: the helpers test_cli, test_batch,
** test_replay and test_fhir used to carry a copy each.
**
**   run_setup("cli");                     group setup: top of the tree,
**                                         temporary directory, binary
**   run_out r = run_cli("--json %s", path);   ./trialscreen ARGS
**   run_out s = run_sh("%s replay x | wc -l", run_bin);   sh -c CMD
**   assert_int_equal(r.status, 0); ... r.out, r.err ...
**   run_free(&r);
**   run_teardown();
**
** Output goes through files in run_tmpdir (out, err), so a test can see
** exactly the bytes a user would, NUL bytes and all (outlen).
*/
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

typedef struct run_out {
    int status;             /* exit status, or -1 if killed by a signal */
    char *out, *err;        /* standard output and error, NUL-terminated */
    size_t outlen;          /* bytes of out (it may hold NULs) */
} run_out;

/* The test program's temporary directory (run_setup makes it), and the
** program under test: "./trialscreen", or TRIALSCREEN_BIN when that is
** set and not empty (a sanitizer build kept outside the tree, valgrind). */
extern char run_tmpdir[64];
extern const char *run_bin;
/* "NAME=value ..." put before the binary by the next run_cli only. */
extern const char *run_env;

/* Group setup: go to the top of the tree (make check runs the tests from
** there, a developer may run them from tests/), take the binary from
** TRIALSCREEN_BIN, unset TRIALSCREEN_CRITERIA and NO_COLOR (the tests say
** which criteria they use), make run_tmpdir as /tmp/ts-NAME-XXXXXX.
** Returns 0, or -1 when ./trialscreen is not there or mkdtemp fails. */
int run_setup(const char *name);
/* Make run_bin absolute (for commands run in another directory). */
void run_bin_absolute(void);
/* Group teardown: run_tmpdir removed, unreadable files and all. */
int run_teardown(void);

/* The whole file, NUL-terminated (an empty string if it cannot be read);
** its length in *len when len is not NULL.  The caller frees it. */
char *run_slurp(const char *path, size_t *len);
/* Write text to path (the test fails if it cannot). */
void run_spit(const char *path, const char *text);

/* "sh -c '{ CMD ; }'" with stdin from /dev/null and stdout and stderr
** captured (CMD may redirect them itself). */
run_out run_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "env RUN_ENV BIN ARGS": stdin from /dev/null unless ARGS redirects it
** ('<'), stdout captured unless ARGS redirects it ('>'); run_env is reset
** to "" afterwards. */
run_out run_cli(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with ENV given for this run. */
run_out run_cli_env(const char *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void run_free(run_out *r);

/* Newlines in s. */
int run_count_lines(const char *s);

#endif
