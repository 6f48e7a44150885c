/*
** run.c -- running commands from the cmocka tests and capturing their
** output (run.h).  One copy of what four test programs each had, so a fix
** to how a test runs the binary (a redirection, an exit status read from
** system()) is made once.
*/
#include "run.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char run_tmpdir[64];
const char *run_bin = "./trialscreen";
const char *run_env = "";

int
run_setup(const char *name)
{
    if (access("./trialscreen", X_OK) != 0 && chdir("..") != 0)
        return -1;
    if (access("./trialscreen", X_OK) != 0)
        return -1;
    const char *b = getenv("TRIALSCREEN_BIN");
    if (b && *b)
        run_bin = b;
    unsetenv("TRIALSCREEN_CRITERIA");
    unsetenv("NO_COLOR");
    snprintf(run_tmpdir, sizeof run_tmpdir, "/tmp/ts-%s-XXXXXX", name);
    return mkdtemp(run_tmpdir) ? 0 : -1;
}

void
run_bin_absolute(void)
{
    static char absbin[4096];
    char cwd[3000];
    if (strncmp(run_bin, "./", 2) == 0 && getcwd(cwd, sizeof cwd)) {
        snprintf(absbin, sizeof absbin, "%s/%s", cwd, run_bin + 2);
        run_bin = absbin;
    }
}

int
run_teardown(void)
{
    char cmd[256];
    if (!run_tmpdir[0])
        return 0;
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx %s; rm -rf %s", run_tmpdir, run_tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

char *
run_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (len)
            *len = 0;
        return calloc(1, 1);
    }
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

void
run_spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* The status of system(CMD) and the two capture files. */
static run_out
capture(const char *cmd)
{
    char path[128];
    int st = system(cmd);
    run_out r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    snprintf(path, sizeof path, "%s/out", run_tmpdir);
    r.out = run_slurp(path, &r.outlen);
    snprintf(path, sizeof path, "%s/err", run_tmpdir);
    r.err = run_slurp(path, NULL);
    return r;
}

run_out
run_sh(const char *fmt, ...)
{
    char cmd[8192], full[9000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "{ %s ; } >%s/out 2>%s/err </dev/null",
             cmd, run_tmpdir, run_tmpdir);
    return capture(full);
}

static run_out
cli(const char *env, const char *fmt, va_list ap)
{
    char args[4096], cmd[8192], out[128];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(out, sizeof out, ">%s/out", run_tmpdir);
    snprintf(cmd, sizeof cmd, "exec env %s %s %s %s %s 2>%s/err",
             env, run_bin, args, strchr(args, '<') ? "" : "</dev/null",
             strchr(args, '>') ? "" : out, run_tmpdir);
    return capture(cmd);
}

run_out
run_cli(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    run_out r = cli(run_env, fmt, ap);
    va_end(ap);
    run_env = "";
    return r;
}

run_out
run_cli_env(const char *env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    run_out r = cli(env, fmt, ap);
    va_end(ap);
    return r;
}

void
run_free(run_out *r)
{
    free(r->out);
    free(r->err);
}

int
run_count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}
