/*
** input.c -- walk PATH arguments and hand out one JSON text at a time.
**
** What it does: opens files safely, expands directories into a sorted
** list, splits NDJSON into lines, and caps every record's size.  What it
** does not do: parse JSON.  Each text goes out as an owned, NUL-terminated
** buffer (cJSON must never see an unterminated one), together with the
** name and line to use in messages.
**
** Safety (docs/trialscreen.1, INPUT: FIFOs, symbolic links, size limits): a FIFO opened plainly blocks until a writer appears, so every open
** uses O_NONBLOCK and O_NOFOLLOW (inside a walk) and only then looks at
** what it got with fstat.  st_size may be 0 or wrong for special files, so
** the size cap is enforced in the read loop itself.  readdir order is
** unspecified, so directory contents are sorted before use.
**
** Stopping early.  One of the batch's threads may sit in read(2) on a
** terminal or a stalled pipe when another one gives up writing (a full
** disk, a closed pipe).  input_interrupt wakes it: every read first
** polls the data and a private "stop" pipe, and once interrupted the
** iterator hands out no more items.  The reader then returns normally and
** the iterator is freed like any other; no thread is ever cancelled in
** the middle of an update (which used to leak it, issue 9).
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "input.h"

#define READ_CHUNK ((size_t)64 << 10)

/* One entry of an expanded directory: a file to read, or a message that
** takes the place in the order where the problem was found. */
typedef struct walk_entry {
    char *path;
    input_kind kind;        /* INPUT_RECORD: read the file; else a message */
    char *msg;              /* INPUT_ERROR / INPUT_WARNING */
} walk_entry;

struct input {
    char **args;            /* command-line paths */
    int nargs, argi;        /* next argument to start */
    size_t max;             /* size cap for one record */

    walk_entry *walk;       /* current directory, expanded and sorted */
    size_t nwalk, walki, walkcap;

    /* The NDJSON stream being read, if fd >= 0. */
    int fd;
    int own_fd;             /* close it when done (not stdin) */
    char *name;             /* owned copy of its name */
    int lineno;             /* lines consumed so far */
    char *rbuf;             /* read buffer: data in [rstart, rend) */
    size_t rcap, rstart, rend, scanned;
    int eof;
    int skipping;           /* discarding the rest of an overlong line */

    /* Standard input may hold JSON documents that span lines (jq's
    ** output) instead of NDJSON: decided on its first non-blank line. */
    int docs_ok;            /* this stream may be documents (stdin) */
    int docs;               /* it is: doc_next splits it */
    int depth, in_str, esc; /* doc_next's scan state */
    int started, vline;     /* inside a value; the line it began on */
    /* input_interrupt: set from another thread, read by every read. */
    atomic_int interrupted;
    int stop[2];            /* self-pipe; -1 if it could not be made */
};

int
input_has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && strcmp(s + n - k, suf) == 0;
}

static int
is_ndjson_name(const char *path)
{
    return input_has_suffix(path, ".ndjson") || input_has_suffix(path, ".jsonl");
}

static int
is_record_name(const char *path)
{
    return input_has_suffix(path, ".json") || is_ndjson_name(path);
}

char *
input_join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    int slash = n > 0 && dir[n - 1] == '/';
    size_t size = n + strlen(name) + 2;
    char *p = xmalloc(size);
    snprintf(p, size, "%s%s%s", dir, slash ? "" : "/", name);
    return p;
}

static void set_msg(input_item *item, input_kind kind, const char *source,
                    int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
set_msg(input_item *item, input_kind kind, const char *source, int line,
        const char *fmt, ...)
{
    va_list ap;
    item->kind = kind;
    item->source = xstrdup(source);
    item->line = line;
    ts_error_clear(&item->err);
    item->err.line = line;
    va_start(ap, fmt);
    vsnprintf(item->err.msg, sizeof item->err.msg, fmt, ap);
    va_end(ap);
}

/* "16 MiB" or "1000 bytes", for messages about the size cap. */
static const char *
limit_text(size_t n, char *buf, size_t size)
{
    if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(buf, size, "%zu MiB", n >> 20);
    else
        snprintf(buf, size, "%zu bytes", n);
    return buf;
}

input *
input_new(const char *const *paths, int npaths, size_t max_record)
{
    input *in = xcalloc(1, sizeof *in);
    in->args = xcalloc((size_t)(npaths > 0 ? npaths : 1), sizeof *in->args);
    for (int i = 0; i < npaths; i++)
        in->args[i] = xstrdup(paths[i]);
    in->nargs = npaths;
    in->max = max_record ? max_record : INPUT_MAX_RECORD;
    in->fd = -1;
    atomic_init(&in->interrupted, 0);
    /* Without the pipe (out of descriptors) a read blocked on a terminal
    ** cannot be woken; everything else still works. */
    if (pipe(in->stop) != 0) {
        in->stop[0] = in->stop[1] = -1;
    } else {
        for (int i = 0; i < 2; i++)
            fcntl(in->stop[i], F_SETFD, FD_CLOEXEC);
        fcntl(in->stop[1], F_SETFL, O_NONBLOCK);
    }
    return in;
}

void
input_interrupt(input *in)
{
    atomic_store(&in->interrupted, 1);
    if (in->stop[1] >= 0) {
        ssize_t k = write(in->stop[1], "x", 1);
        (void)k;            /* full (already written) is as good */
    }
}

void
input_item_release(input_item *item)
{
    if (!item)
        return;
    free(item->source);
    free(item->buf);
    if (item->extra && item->extra_free)
        item->extra_free(item->extra);
    memset(item, 0, sizeof *item);
}

/*
** {======================================================================
** Directory walk
** =======================================================================
*/

static void
walk_push(input *in, char *path, input_kind kind, char *msg)
{
    if (in->nwalk == in->walkcap) {
        in->walkcap = in->walkcap ? 2 * in->walkcap : 64;
        in->walk = xrealloc(in->walk, in->walkcap * sizeof *in->walk);
    }
    in->walk[in->nwalk].path = path;
    in->walk[in->nwalk].kind = kind;
    in->walk[in->nwalk].msg = msg;
    in->nwalk++;
}

static void walk_message(input *in, const char *path, input_kind kind,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
walk_message(input *in, const char *path, input_kind kind, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    walk_push(in, xstrdup(path), kind, xstrdup(buf));
}

/*
** Collect the record files below dir.  top is 1 for the directory named
** on the command line (which may itself be reached through a symbolic
** link); below it nothing is followed.
*/
static void
walk_dir(input *in, const char *dir, int depth, int top)
{
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
    if (!top)
        flags |= O_NOFOLLOW;
    if (depth > INPUT_MAX_DEPTH) {
        walk_message(in, dir, INPUT_WARNING,
                     "'%s': directories nested deeper than %d levels, skipped",
                     dir, INPUT_MAX_DEPTH);
        return;
    }
    int fd = open(dir, flags);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        walk_message(in, dir, INPUT_ERROR, "cannot open directory '%s': %s",
                     dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;       /* vanished between readdir and stat */
        char *path = input_join_path(dir, name);
        if (S_ISDIR(st.st_mode)) {
            walk_dir(in, path, depth + 1, 0);
            free(path);
        } else if (!is_record_name(name)) {
            free(path);
        } else if (S_ISLNK(st.st_mode)) {
            walk_message(in, path, INPUT_WARNING,
                         "'%s': symbolic link, not followed", path);
            free(path);
        } else {
            /* Regular or not, it is checked again when opened: the
            ** file can change between now and then. */
            walk_push(in, path, INPUT_RECORD, NULL);
        }
    }
    if (errno != 0)
        walk_message(in, dir, INPUT_ERROR, "cannot read directory '%s': %s",
                     dir, strerror(errno));
    closedir(d);
}

static int
entry_cmp(const void *a, const void *b)
{
    const walk_entry *x = a, *y = b;
    return strcmp(x->path, y->path);
}

static void
walk_clear(input *in)
{
    for (size_t i = in->walki; i < in->nwalk; i++) {
        free(in->walk[i].path);
        free(in->walk[i].msg);
    }
    in->nwalk = in->walki = 0;
}

static void
walk_start(input *in, const char *dir)
{
    walk_clear(in);
    walk_dir(in, dir, 0, 1);
    if (in->nwalk > 1)      /* in->walk is NULL after an empty first walk */
        qsort(in->walk, in->nwalk, sizeof *in->walk, entry_cmp);
}

/* }====================================================================== */

/*
** {======================================================================
** Reading
** =======================================================================
*/

/* Wait until fd has data (or an end, or an error) or input_interrupt is
** called.  Returns 0, or -1 if poll itself failed. */
static int
wait_readable(input *in, int fd)
{
    struct pollfd p[2] = {
        { .fd = fd, .events = POLLIN },
        { .fd = in->stop[0], .events = POLLIN }     /* -1: ignored */
    };
    if (poll(p, 2, -1) < 0 && errno != EINTR)
        return -1;
    return 0;
}

/*
** read(2) that retries on EINTR, waits out EAGAIN, and gives up with
** ECANCELED once input_interrupt is called.  It waits in poll(2) on the
** data and the stop pipe together, so an interrupt wakes a read that
** would otherwise block forever.
**
** Descriptors opened here are non-blocking (O_NONBLOCK is kept after the
** open): they are read first and polled only when they have nothing yet.
** That order matters for a FIFO that never had a writer, which poll
** never reports but read reports as an immediate end.  Standard input is
** not ours to make non-blocking, so it is polled first (wait_first).
*/
static ssize_t
read_some(input *in, int fd, int wait_first, char *buf, size_t n)
{
    for (int wait = wait_first;; wait = 1) {
        if (atomic_load(&in->interrupted)) {
            errno = ECANCELED;
            return -1;
        }
        if (wait && wait_readable(in, fd) != 0)
            return -1;
        if (atomic_load(&in->interrupted))
            continue;
        ssize_t k = read(fd, buf, n);
        if (k >= 0)
            return k;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return -1;
    }
}

/*
** Read all of fd into a fresh buffer with a NUL after the data.  The cap
** is checked as bytes arrive, not against st_size (0 or wrong for special
** files, and a file can grow while we read it).  Returns 0, or -1 with
** item filled as an error.
*/
static int
read_whole(input *in, int fd, const char *path, size_t hint, input_item *item)
{
    /* Room for max + 1 bytes (to notice one byte too many) and the NUL. */
    size_t most = in->max + 2;
    size_t cap = hint < 4096 ? 4096 : hint + 2;
    if (cap > most)
        cap = most;
    char *buf = xmalloc(cap);
    size_t len = 0;
    for (;;) {
        if (len > in->max) {
            char lim[32];
            free(buf);
            set_msg(item, INPUT_ERROR, path, 0,
                    "'%s': file larger than the %s limit", path,
                    limit_text(in->max, lim, sizeof lim));
            return -1;
        }
        if (len + 1 == cap) {
            cap = cap * 2 < most ? cap * 2 : most;
            buf = xrealloc(buf, cap);
        }
        ssize_t k = read_some(in, fd, 0, buf + len, cap - 1 - len);
        if (k < 0) {
            int e = errno;
            free(buf);
            set_msg(item, INPUT_ERROR, path, 0, "cannot read '%s': %s", path,
                    strerror(e));
            return -1;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    item->kind = INPUT_RECORD;
    item->source = xstrdup(path);
    item->line = 0;
    item->buf = buf;
    item->len = len;
    return 0;
}

static void
stream_close(input *in)
{
    if (in->fd >= 0 && in->own_fd)
        close(in->fd);
    in->fd = -1;
    free(in->name);
    in->name = NULL;
    in->rstart = in->rend = in->scanned = 0;
    in->eof = in->skipping = 0;
    in->docs_ok = in->docs = 0;
}

static void
stream_open(input *in, int fd, int own, const char *name)
{
    in->fd = fd;
    in->own_fd = own;
    in->name = xstrdup(name);
    in->lineno = 0;
    in->rstart = in->rend = in->scanned = 0;
    in->eof = in->skipping = 0;
    in->docs_ok = fd == STDIN_FILENO;
    in->docs = in->depth = in->in_str = in->esc = in->started = 0;
}

static int
is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/*
** More of the current stream, for the line reader and the document reader
** alike: drop consumed bytes, grow if full, read what is there (in->eof at
** the end).  Returns 1 when the read failed: item is then the error (the
** next line's number) and the stream is closed.
*/
static int
stream_fill(input *in, input_item *item)
{
    if (in->rstart > 0) {
        memmove(in->rbuf, in->rbuf + in->rstart, in->rend - in->rstart);
        in->rend -= in->rstart;
        in->scanned -= in->rstart;
        in->rstart = 0;
    }
    if (in->rend == in->rcap) {
        in->rcap = in->rcap ? 2 * in->rcap : READ_CHUNK;
        in->rbuf = xrealloc(in->rbuf, in->rcap);
    }
    ssize_t k = read_some(in, in->fd, !in->own_fd, in->rbuf + in->rend,
                          in->rcap - in->rend);
    if (k < 0) {
        set_msg(item, INPUT_ERROR, in->name, in->lineno + 1,
                "cannot read '%s': %s", in->name, strerror(errno));
        stream_close(in);
        return 1;
    }
    if (k == 0)
        in->eof = 1;
    in->rend += (size_t)k;
    return 0;
}

/*
** {======================================================================
** JSON documents on standard input
** =======================================================================
*/

/* Scan one byte of a JSON text: strings, and nesting outside them.
** Returns 1 when a top-level object or array has just been closed. */
static int
doc_scan(input *in, char ch)
{
    if (in->in_str) {
        if (in->esc)
            in->esc = 0;
        else if (ch == '\\')
            in->esc = 1;
        else if (ch == '"')
            in->in_str = 0;
        return 0;
    }
    if (ch == '"')
        in->in_str = 1;
    else if (ch == '{' || ch == '[')
        in->depth++;
    else if ((ch == '}' || ch == ']') && --in->depth <= 0)
        return 1;
    return 0;
}

/*
** `jq . patient.json | trialscreen`: the first non-blank line of standard
** input opens an object that it does not close, and ends where a pretty
** printer breaks a line (after '{', '[' or ','), not in the middle of a
** token as a truncated NDJSON line would.  Then standard input is read as
** JSON documents one after another, whatever their line breaks.
*/
static int
starts_documents(input *in, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n || s[i] != '{')
        return 0;
    for (size_t k = i; k < n; k++)
        if (doc_scan(in, s[k]))
            break;
    int open = in->depth > 0 && !in->in_str;
    in->depth = in->in_str = in->esc = 0;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return open && strchr("{[,", s[n - 1]) != NULL;
}

/* Hand out the text [rstart, scanned) as one record begun on vline. */
static void
doc_emit(input *in, input_item *item)
{
    size_t n = in->scanned - in->rstart;
    item->kind = INPUT_RECORD;
    item->source = xstrdup(in->name);
    item->line = in->vline;
    item->buf = xmalloc(n + 1);
    memcpy(item->buf, in->rbuf + in->rstart, n);
    item->buf[n] = '\0';
    item->len = n;
    in->rstart = in->scanned;
    in->started = in->depth = in->in_str = in->esc = 0;
}

/* Next document.  Text that is not an object or array runs to the end of
** the input and is handed out as it is: the parser says what is wrong. */
static int
doc_next(input *in, input_item *item)
{
    for (;;) {
        while (in->scanned < in->rend) {
            char ch = in->rbuf[in->scanned++];
            if (!in->started) {
                if (ch == '\n')
                    in->lineno++;
                if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
                    in->rstart = in->scanned;
                    continue;
                }
                in->started = 1;
                in->vline = in->lineno + 1;
            } else if (ch == '\n') {
                in->lineno++;
            }
            if (doc_scan(in, ch)) {
                doc_emit(in, item);
                return 1;
            }
        }
        if (in->started && in->scanned - in->rstart > in->max) {
            char lim[32];
            set_msg(item, INPUT_ERROR, in->name, in->vline,
                    "'%s': the document at line %d is larger than the %s "
                    "limit", in->name, in->vline,
                    limit_text(in->max, lim, sizeof lim));
            stream_close(in);
            return 1;
        }
        if (in->eof) {
            int got = in->started;
            if (got)
                doc_emit(in, item);
            stream_close(in);
            return got;
        }
        if (stream_fill(in, item))
            return 1;
    }
}

/* }====================================================================== */

/* Turn [rstart, end) into an item (or skip it); consume through end + 1.
** Returns 1 if an item was produced. */
static int
stream_emit(input *in, size_t end, input_item *item)
{
    const char *s = in->rbuf + in->rstart;
    size_t n = end - in->rstart;
    int skipped = in->skipping;
    if (in->docs_ok && !skipped && end < in->rend && !is_blank(s, n)) {
        in->docs_ok = 0;
        if (starts_documents(in, s, n)) {
            in->docs = 1;           /* rescan this line as a document */
            in->scanned = in->rstart;
            return 0;
        }
    }
    in->lineno++;
    in->rstart = end < in->rend ? end + 1 : end;
    in->scanned = in->rstart;
    in->skipping = 0;
    if (skipped || n > in->max) {
        char lim[32];
        /* An I/O message names its file (report.h): say which line. */
        set_msg(item, INPUT_ERROR, in->name, in->lineno,
                "'%s': line %d is longer than the %s limit", in->name,
                in->lineno, limit_text(in->max, lim, sizeof lim));
        return 1;
    }
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (is_blank(s, n))
        return 0;
    item->kind = INPUT_RECORD;
    item->source = xstrdup(in->name);
    item->line = in->lineno;
    item->buf = xmalloc(n + 1);
    memcpy(item->buf, s, n);
    item->buf[n] = '\0';
    item->len = n;
    return 1;
}

/* Next line of the current NDJSON stream.  Returns 1 with an item, 0 at
** its end (the stream is then closed). */
static int
stream_next(input *in, input_item *item)
{
    for (;;) {
        if (in->docs)
            return doc_next(in, item);
        char *nl = in->rend > in->scanned
                 ? memchr(in->rbuf + in->scanned, '\n', in->rend - in->scanned)
                 : NULL;
        if (nl) {
            if (stream_emit(in, (size_t)(nl - in->rbuf), item))
                return 1;
            continue;
        }
        in->scanned = in->rend;
        if (in->eof) {
            if (in->rend > in->rstart || in->skipping)
                if (stream_emit(in, in->rend, item))
                    return 1;
            stream_close(in);
            return 0;
        }
        /* An overlong line: forget what we have, remember to report it. */
        if (in->rend - in->rstart > in->max) {
            in->skipping = 1;
            in->rstart = in->scanned = in->rend;
        }
        if (stream_fill(in, item))
            return 1;
    }
}

/*
** Open one path.  walked is 1 inside a directory walk (no symbolic links,
** regular files only).  Returns 1 if an item was produced, 0 if not (a
** stream or a walk was started instead).
*/
static int
open_path(input *in, const char *path, int walked, input_item *item)
{
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
    if (walked)
        flags |= O_NOFOLLOW;
    int fd = open(path, flags);
    if (fd < 0) {
        if (walked && errno == ELOOP)
            set_msg(item, INPUT_WARNING, path, 0,
                    "'%s': symbolic link, not followed", path);
        else
            set_msg(item, INPUT_ERROR, path, 0, "cannot open '%s': %s", path,
                    strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_msg(item, INPUT_ERROR, path, 0, "cannot open '%s': %s", path,
                strerror(errno));
        close(fd);
        return 1;
    }
    if (S_ISDIR(st.st_mode) && !walked) {
        close(fd);
        walk_start(in, path);
        return 0;
    }
    /* A FIFO or character device named on the command line is read as a
    ** stream (process substitution: <(zcat records.ndjson.gz)). */
    int stream_ok = !walked && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
    if (!S_ISREG(st.st_mode) && !stream_ok) {
        if (walked)
            set_msg(item, INPUT_WARNING, path, 0,
                    "'%s': not a regular file, skipped", path);
        else
            set_msg(item, INPUT_ERROR, path, 0,
                    "'%s': not a regular file", path);
        close(fd);
        return 1;
    }
    /* O_NONBLOCK stays: read_some reads first, then waits in poll. */
    if (is_ndjson_name(path)) {
        stream_open(in, fd, 1, path);
        return 0;
    }
    size_t hint = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 0;
    read_whole(in, fd, path, hint, item);
    close(fd);
    return 1;
}

/* }====================================================================== */

static int
next_item(input *in, input_item *item)
{
    for (;;) {
        if (in->fd >= 0) {
            if (stream_next(in, item))
                return 1;
            continue;
        }
        if (in->walki < in->nwalk) {
            walk_entry *e = &in->walk[in->walki++];
            int got = 0;
            if (e->kind == INPUT_RECORD) {
                got = open_path(in, e->path, 1, item);
            } else {
                set_msg(item, e->kind, e->path, 0, "%s", e->msg);
                got = 1;
            }
            free(e->path);
            free(e->msg);
            e->path = e->msg = NULL;
            if (got)
                return 1;
            continue;
        }
        if (in->argi < in->nargs) {
            const char *p = in->args[in->argi++];
            if (strcmp(p, "-") == 0) {
                stream_open(in, STDIN_FILENO, 0, INPUT_STDIN_NAME);
                continue;
            }
            if (open_path(in, p, 0, item))
                return 1;
            continue;
        }
        return 0;
    }
}

int
input_next(input *in, input_item *item)
{
    memset(item, 0, sizeof *item);
    if (!next_item(in, item))
        return 0;
    /* Interrupted while producing it: the item (a "cannot read" error,
    ** most likely) is not news to anyone. */
    if (atomic_load(&in->interrupted)) {
        input_item_release(item);
        return 0;
    }
    return 1;
}

void
input_free(input *in)
{
    if (!in)
        return;
    for (int i = 0; i < 2; i++)
        if (in->stop[i] >= 0)
            close(in->stop[i]);
    stream_close(in);
    walk_clear(in);
    free(in->walk);
    free(in->rbuf);
    for (int i = 0; i < in->nargs; i++)
        free(in->args[i]);
    free(in->args);
    free(in);
}

/* Bytes in the record files below dir, as walk_dir would find them. */
static long long
dir_bytes(const char *dir, int depth, int top)
{
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
    if (!top)
        flags |= O_NOFOLLOW;
    int fd = depth > INPUT_MAX_DEPTH ? -1 : open(dir, flags);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    long long total = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            char *path = input_join_path(dir, de->d_name);
            total += dir_bytes(path, depth + 1, 0);
            free(path);
        } else if (S_ISREG(st.st_mode) && is_record_name(de->d_name)) {
            total += (long long)st.st_size;
        }
    }
    closedir(d);
    return total;
}

long long
input_total_bytes(const char *const *paths, int npaths)
{
    long long total = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") == 0)
            return -1;
        if (stat(paths[i], &st) != 0)
            continue;           /* reported when it is reached */
        if (S_ISDIR(st.st_mode))
            total += dir_bytes(paths[i], 0, 1);
        else if (S_ISREG(st.st_mode))
            total += (long long)st.st_size;
        else
            return -1;
    }
    return total;
}
