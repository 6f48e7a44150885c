/*
** inputcrit.c -- which criteria files to load, and in which order.
**
** The program must know its criteria before it reads any record: -c
** paths, else $TRIALSCREEN_CRITERIA, else the bundled criteria next to
** the executable or in the installed data directory.  Vocabulary files
** load before the trials that use them; a file reached twice loads once.
** The declarations are in input.h (with the record iterator, input.c).
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "input.h"

void
input_list_add(input_list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->s = xrealloc(l->s, (size_t)l->cap * sizeof *l->s);
    }
    l->s[l->n++] = s;
}

void
input_list_release(input_list *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    memset(l, 0, sizeof *l);
}

static int
is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory holding the running executable, or NULL. */
static char *
exe_dir(void)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xstrdup(buf[0] ? buf : "/");
}

char *
input_bundled_criteria(void)
{
    char *dir = exe_dir();
    if (dir) {
        char *p = input_join_path(dir, "criteria");
        free(dir);
        if (is_dir(p))
            return p;
        free(p);
    }
    if (is_dir(TS_DATADIR "/criteria"))
        return xstrdup(TS_DATADIR "/criteria");
    if (is_dir("criteria"))
        return xstrdup("criteria");
    return NULL;
}

static void
default_criteria(input_list *out)
{
    const char *env = getenv("TRIALSCREEN_CRITERIA");
    if (env && *env) {
        while (*env) {
            size_t n = strcspn(env, ":");
            if (n > 0) {
                char *p = xmalloc(n + 1);
                memcpy(p, env, n);
                p[n] = '\0';
                input_list_add(out, p);
            }
            env += n + (env[n] == ':');
        }
        return;
    }
    char *dir = input_bundled_criteria();
    if (dir)
        input_list_add(out, dir);
}

static int
is_yaml_name(const char *name)
{
    return name[0] != '.' && (input_has_suffix(name, ".yaml") || input_has_suffix(name, ".yml"));
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add path's files to out: a directory's *.yaml and *.yml regular files
** (sorted, not below), or path itself. */
static int
expand_criteria(const char *path, input_list *out, ts_error *err)
{
    if (!is_dir(path)) {
        if (access(path, R_OK) != 0) {
            ts_error_set(err, 0, 0, "cannot open criteria '%s': %s", path,
                         strerror(errno));
            return -1;
        }
        input_list_add(out, xstrdup(path));
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        ts_error_set(err, 0, 0, "cannot open criteria directory '%s': %s",
                     path, strerror(errno));
        return -1;
    }
    int first = out->n;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_yaml_name(de->d_name))
            continue;
        char *p = input_join_path(path, de->d_name);
        if (is_file(p))
            input_list_add(out, p);
        else
            free(p);
    }
    closedir(d);
    /* An empty directory leaves out->s NULL, which qsort must not see. */
    if (out->n - first > 1)
        qsort(out->s + first, (size_t)(out->n - first), sizeof *out->s, cmp_str);
    return 0;
}

/*
** 2: a vocabulary file with concepts; 1: one with codes only (a site's
** local codes); 0: anything else (a trial).  Only the loading order
** depends on this and every file is then parsed for real, so a look for
** the top-level key at the start of a line is enough.
*/
static int
vocab_level(const char *path)
{
    /* One read of the whole file, not stdio's 4 kB at a time: this runs
    ** for every criteria file at every start. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
        close(fd);
        return 0;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len == cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t k = read(fd, buf + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
        if (len < cap)
            break;      /* a regular file's end, as in yamldoc.c */
    }
    close(fd);
    int level = 0;
    for (const char *p = buf, *end = buf + len; p < end && level < 2; ) {
        size_t left = (size_t)(end - p);
        if (left >= 9 && memcmp(p, "concepts:", 9) == 0)
            level = 2;
        else if (left >= 6 && memcmp(p, "codes:", 6) == 0)
            level = 1;
        const char *nl = memchr(p, '\n', left);
        p = nl ? nl + 1 : end;
    }
    free(buf);
    return level;
}

/* Which file path is, whatever the path ("dev:inode"), or NULL: one
** stat, where realpath(3) took a readlink per path component. */
static char *
file_key(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    char buf[64];
    snprintf(buf, sizeof buf, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    return xstrdup(buf);
}

/* Move files of the given level from in to out, skipping files that are
** already there (by file_key, recorded in seen). */
static void
take_level(input_list *in, const int *level, int want, input_list *out,
           input_list *seen)
{
    for (int i = 0; i < in->n; i++) {
        if (!in->s[i] || level[i] != want)
            continue;
        char *real = file_key(in->s[i]);
        int dup = 0;
        for (int k = 0; real && k < seen->n && !dup; k++)
            dup = strcmp(seen->s[k], real) == 0;
        if (dup) {
            free(real);
            free(in->s[i]);
        } else {
            if (real)
                input_list_add(seen, real);
            input_list_add(out, in->s[i]);
        }
        in->s[i] = NULL;
    }
}

int
input_criteria_files(const char *const *paths, int npaths, input_list *out,
                     ts_error *err)
{
    input_list roots = {0}, files = {0}, seen = {0};
    int rc = -1, *level = NULL;

    for (int i = 0; i < npaths; i++)
        input_list_add(&roots, xstrdup(paths[i]));
    if (npaths == 0)
        default_criteria(&roots);
    if (roots.n == 0) {
        ts_error_set(err, 0, 0, "no criteria found: give -c PATH or set "
                     "TRIALSCREEN_CRITERIA");
        goto done;
    }
    for (int i = 0; i < roots.n; i++)
        if (expand_criteria(roots.s[i], &files, err) != 0)
            goto done;
    level = xcalloc((size_t)files.n + 1, sizeof *level);
    int concepts = 0;
    for (int i = 0; i < files.n; i++)
        concepts += (level[i] = vocab_level(files.s[i])) == 2;
    if (concepts == 0) {
        char *dir = input_bundled_criteria();
        char *p = dir ? input_join_path(dir, "concepts.yaml") : NULL;
        free(dir);
        if (p && is_file(p)) {
            char *real = file_key(p);
            if (real)
                input_list_add(&seen, real);
            input_list_add(out, p);
        } else {
            free(p);
        }
    }
    for (int want = 2; want >= 0; want--)
        take_level(&files, level, want, out, &seen);
    rc = 0;
done:
    free(level);
    input_list_release(&roots);
    input_list_release(&files);
    input_list_release(&seen);
    return rc;
}

/* The vocabulary files in path's directory, into out. */
static void
sibling_vocabularies(const char *path, input_list *out)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    input_list all = {0};
    ts_error e;
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        strcpy(dir, ".");
    if (expand_criteria(dir, &all, &e) == 0)
        for (int i = 0; i < all.n; i++)
            if (vocab_level(all.s[i]) > 0) {
                input_list_add(out, all.s[i]);
                all.s[i] = NULL;
            }
    input_list_release(&all);
    free(dir);
}

int
input_lint_files(const char *const *paths, int npaths, input_list *out,
                 ts_error *err)
{
    input_list roots = {0};
    int files = 0, rc;
    for (int i = 0; i < npaths; i++)
        files |= is_file(paths[i]) && vocab_level(paths[i]) == 0;
    /* The bundled concepts first: a site file's codes may name them. */
    if (files) {
        char *dir = input_bundled_criteria();
        char *p = dir ? input_join_path(dir, "concepts.yaml") : NULL;
        free(dir);
        if (p && is_file(p))
            input_list_add(&roots, p);
        else
            free(p);
    }
    for (int i = 0; i < npaths; i++)
        if (is_file(paths[i]) && vocab_level(paths[i]) == 0)
            sibling_vocabularies(paths[i], &roots);
    for (int i = 0; i < npaths; i++)
        input_list_add(&roots, xstrdup(paths[i]));
    rc = input_criteria_files((const char *const *)roots.s, roots.n, out, err);
    input_list_release(&roots);
    return rc;
}
