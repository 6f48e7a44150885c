/*
** outfile.c -- atomic report files and careful writes to standard output.
**
** The temporary file is FILE.XXXXXX next to FILE (mkstemp), so that the
** final rename stays on one file system and is atomic.  mkstemp creates
** it 0600; it gets the mode a plain creat() would have given (0666 less
** the umask) before the rename, so --output behaves like "> FILE".
**
** Not every path names a file to replace: -o /dev/null, a FIFO or a
** terminal is written to in place, as "> PATH" would (renaming a regular
** file over /dev/null, as root, replaced the machine's /dev/null).
** Directories and regular files, and paths that do not exist yet, take
** the temporary file and the rename.  A symbolic link is followed first
** (realpath), as "> LINK" would follow it: the temporary file goes next
** to its target and replaces the target, and the link stays a link
** (-o /dev/stdout onto a regular file replaced /dev/stdout itself).
**
** Signals: an interrupted run must not leave FILE.XXXXXX behind either.
** The handler can only call async-signal-safe functions, so the name is
** kept in a static buffer; it unlinks the file, restores the default
** action and raises the signal again, so the exit status still says
** "killed by SIGINT".  There is one report file per process.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "outfile.h"

static char pending_tmp[PATH_MAX];
static volatile sig_atomic_t have_pending;

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_signal(int sig)
{
    if (have_pending)
        unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
watch_signals(const char *tmp)
{
    size_t n = strlen(tmp);
    if (n >= sizeof pending_tmp)
        return;                 /* cannot happen: mkstemp took the name */
    memcpy(pending_tmp, tmp, n + 1);
    have_pending = 1;
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(caught[i], &sa, NULL);
    }
}

static void
unwatch_signals(void)
{
    have_pending = 0;
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        signal(caught[i], SIG_DFL);
}

/* A device or FIFO: opened and written as it is (see the top). */
static int
open_in_place(outfile *o, const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    o->in_place = 1;
    return 0;
}

static int open_replacing(outfile *o, const char *path);

int
outfile_open(outfile *o, const char *path)
{
    struct stat st;
    char *real = NULL;
    int rc;
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
        (real = realpath(path, NULL)) != NULL)
        path = real;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        rc = open_in_place(o, path);
    else
        rc = open_replacing(o, path);
    int e = errno;
    free(real);
    errno = e;
    return rc;
}

/* A temporary file next to path, renamed over it by outfile_commit. */
static int
open_replacing(outfile *o, const char *path)
{
    size_t n = strlen(path);
    o->tmp = xmalloc(n + 8);
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".XXXXXX", 8);
    /* A signal between mkstemp and the handler would leave the file
    ** behind: hold the signals until the handler knows its name. */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        sigaddset(&block, caught[i]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        free(o->tmp);
        o->tmp = NULL;
        errno = e;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    watch_signals(o->tmp);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        outfile_abort(o);
        errno = e;
        return -1;
    }
    o->path = xstrdup(path);
    return 0;
}

static int
note_error(outfile *o)
{
    int e = errno ? errno : EIO;
    if (e == EPIPE)
        o->closed_pipe = 1;
    else
        o->failed = 1;
    o->err = e;
    return -1;
}

void
outfile_hold(outfile *o, size_t n)
{
    o->hold = n;
}

/* Write what is held, then b, then flush if asked. */
static int
put(outfile *o, outbuf *b, int flush)
{
    errno = 0;
    int rc = 0;
    if (o->held.len > 0)
        rc = outbuf_write(&o->held, o->f);
    if (b && rc == 0)
        rc = outbuf_write(b, o->f);
    if (b)
        b->len = 0;
    if (rc != 0 || (flush && fflush(o->f) != 0))
        return note_error(o);
    return 0;
}

int
outfile_write(outfile *o, outbuf *b, int flush)
{
    if (o->closed_pipe || o->failed) {
        b->len = 0;
        o->held.len = 0;
        return -1;
    }
    if (o->hold == 0 || flush)
        return put(o, b, flush);
    if (b->len > 0)
        outbuf_put(&o->held, b->p, b->len);
    b->len = 0;
    return o->held.len >= o->hold ? put(o, NULL, 0) : 0;
}

int
outfile_flush(outfile *o)
{
    if (o->closed_pipe || o->failed) {
        o->held.len = 0;
        return -1;
    }
    return put(o, NULL, 1);
}

/* Make the rename itself durable; failure here loses nothing already
** written, so it is not reported. */
static void
sync_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *d = ".";
    if (slash) {
        slash[slash == dir] = '\0';     /* "/x" -> "/", "a/x" -> "a" */
        d = dir;
    }
    int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int
outfile_commit(outfile *o)
{
    if (o->closed_pipe || o->failed) {
        outfile_abort(o);
        return -1;
    }
    errno = 0;
    if (put(o, NULL, 1) != 0 || ferror(o->f)) {
        if (!o->failed && !o->closed_pipe)
            note_error(o);
        outfile_abort(o);
        return -1;
    }
    outbuf_release(&o->held);
    if (o->in_place) {
        FILE *f = o->f;
        o->f = NULL;
        o->in_place = 0;
        if (fclose(f) != 0)
            return note_error(o);
        return 0;
    }
    if (!o->tmp)
        return 0;               /* standard output: the caller closes it */
    if (!o->no_sync && fsync(fileno(o->f)) != 0 && errno != EINVAL) {
        note_error(o);
        outfile_abort(o);
        return -1;
    }
    FILE *f = o->f;
    o->f = NULL;
    if (fclose(f) != 0 || rename(o->tmp, o->path) != 0) {
        note_error(o);
        outfile_abort(o);
        return -1;
    }
    unwatch_signals();
    if (!o->no_sync)
        sync_dir(o->path);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return 0;
}

void
outfile_abort(outfile *o)
{
    /* Standard output had everything before the hold: keep it so. */
    if (!o->tmp && o->f && o->held.len > 0 && !o->closed_pipe && !o->failed)
        (void)put(o, NULL, 1);
    outbuf_release(&o->held);
    if (o->in_place) {
        if (o->f)
            fclose(o->f);
        o->f = NULL;
        o->in_place = 0;
    }
    if (o->tmp) {
        if (o->f)
            fclose(o->f);
        o->f = NULL;
        unlink(o->tmp);
        unwatch_signals();
        free(o->tmp);
        o->tmp = NULL;
    }
    free(o->path);
    o->path = NULL;
}
