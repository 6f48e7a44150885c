/*
** htmldir.c -- --html-dir's page files: written on the workers, named by
** the writer.
**
** A page's name is decided in input order by the one writer thread (two
** records may share an id: the second gets "-2"), but writing ten
** thousand files is kernel time best spread over the workers.  So a
** worker writes its page, with the name its id makes filled in, into a
** file that has no name yet: open(DIR, O_TMPFILE), kept open for its slot.
** The writer, claiming names in order, links the file into DIR under the
** claimed name when that is the name the worker filled in (linkat), and
** otherwise -- the rare duplicate id -- closes it and writes the page
** again with the right name.  Hence:
**
**   - a page appears under its final name whole (the link is atomic) and
**     only when the writer has written the record (its index is the
**     truth); a stopped run closes the files still unnamed and the kernel
**     frees them: nothing to clean up, even after SIGKILL (but for the
**     spares of a re-run, below, which the next run removes);
**   - each file is written by one thread at a time;
**   - a page from an earlier run (linkat: EEXIST) is replaced atomically:
**     the file is linked under a temporary name and exchanged with it.
**
** Why not the alternatives (measured on the build machine's ext4, 10,000
** files of 98 kB; docs/html.md, "Speed"): writing under a temporary name
** and renaming (what this replaced) costs a directory entry more per page
** and leaves temporary files behind a killed run; linkat and rename cost
** the same there, 15-30 us a file.  Creating DIR/NAME.html directly with
** O_EXCL saves that link but shows pages half-written while the run goes
** on, and a later duplicate's worker can take a name before the earlier
** record's: its page must then be moved, and a stopped run must find and
** remove the pages workers made for records it never wrote.  For 10-20 us
** a page (about 1 % of a page's cost) the link keeps the simple rules.
** Re-runs gain too: replacing a page is slow (0.6-0.9 ms on that ext4),
** and a named temporary file's creation waited for the directory's lock
** that the writer's rename held; an unnamed file takes no such lock.
**
** A re-run into the same directory (nightly, say) replaces every page.
** Deleting ten thousand old pages was most of such a run's time (ext4
** writes a file renamed over another out at once, and frees, discards
** and on a journal-less ext4 keeps skipping the old inodes), so an old
** page is not deleted but reused: the writer exchanges the new page with
** it (renameat2 RENAME_EXCHANGE: the name holds one whole page or the
** other at every instant), and the old file, now under a temporary
** name, becomes a spare that a worker overwrites with a later page
** (its pages are mostly still cached: no new inode, no fresh memory).
** Opening a page by its name always gives a whole one; only a reader
** that kept an old page open past its replacement can see it change
** (docs/html.md says so).  A spare is only a file this directory alone
** names (one link, a regular file, opened without following links): a
** page hard-linked into an archive (cp -al) is never written into.
** Spares left at the end are removed; those a killed run left
** (".trialscreen-PID-N.tmp" of a process that no longer exists) are
** removed by the next run.
**
** Where O_TMPFILE is not supported (NFS, some FUSE file systems) the
** worker writes the page under a temporary name instead, DIR/.trialscreen-
** PID-SEQ.tmp (a dot, and .tmp: never a page), and the writer renames it;
** a stopped run removes those of the slots in flight.
*/
#define _GNU_SOURCE             /* O_TMPFILE, O_PATH, AT_EMPTY_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "html.h"
#include "htmldir.h"

/* A slot's page: an open file (>= 0: unnamed, or a spare when the slot
** has a spare name), or one of these. */
enum { PAGE_NONE = -1, PAGE_NAMED = -2 };

#define TMP_NAME_MAX 64

/* An old page moved aside, open for writing, under its temporary name. */
typedef struct spare {
    int fd;
    off_t blocks;           /* its size in file system blocks, rounded up */
    char name[TMP_NAME_MAX];
} spare;

struct html_dir {
    char *path;
    int dfd;                /* DIR, for the *at calls */
    int anon;               /* O_TMPFILE works in DIR */
    int empty_path;         /* linkat(AT_EMPTY_PATH) works (else /proc) */
    int exchange;           /* renameat2(RENAME_EXCHANGE) works in DIR */
    int nslots;
    int *page;              /* per slot, seq % nslots: PAGE_* or a file */
    long *seq;              /* per slot: whose page it is */
    char (*sname)[TMP_NAME_MAX];    /* per slot: "" or its spare's name */
    atomic_int held;        /* the files open: workers' pages, spares */
    int max_held;           /* and how many may be */
    pthread_mutex_t lock;   /* the spares */
    spare *spares;
    int nspares;            /* at most max_spares */
    int max_spares;         /* a quarter of max_held: spares that fit no
                            ** page must not take the descriptors the
                            ** workers' pages need */
    off_t bsize;            /* DIR's file system block size */
};

/*
** Each slot in flight can hold a file open, jobs * 64 of them: with many
** jobs that would take the descriptors the reader needs for its input.
** So the workers hold at most half of what the process may open; past
** that, a page is left to the writer (html_dir_put writes it).
*/
static int
max_held(int nslots)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 2 < (rlim_t)nslots)
        return (int)(rl.rlim_cur / 2);
    return nslots;
}

/* Can DIR hold unnamed files?  Asked once, with one that is dropped. */
static int
tmpfile_works(int dfd)
{
    int fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/*
** The temporary files a killed run left in DIR: ".trialscreen-PID-N.tmp"
** whose process no longer exists (another run into DIR keeps its own).
** One pass over the directory; a directory of pages has no other dot
** files of ours.
*/
static void
remove_stale(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        long pid, n;
        int end = 0;
        if (e->d_name[0] != '.'
            || sscanf(e->d_name, ".trialscreen-%ld-%ld.tmp%n",
                      &pid, &n, &end) != 2
            || end == 0 || e->d_name[end] != '\0' || pid <= 0
            || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            (void)unlinkat(dirfd(dir), e->d_name, 0);
    }
    closedir(dir);
}

html_dir *
html_dir_open(const char *path, int nslots)
{
    int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return NULL;
    remove_stale(path);
    html_dir *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    d->dfd = dfd;
    d->anon = tmpfile_works(dfd);
    d->empty_path = 1;
    d->exchange = 1;
    d->nslots = nslots;
    d->page = xmalloc((size_t)nslots * sizeof *d->page);
    d->seq = xcalloc((size_t)nslots, sizeof *d->seq);
    d->sname = xcalloc((size_t)nslots, sizeof *d->sname);
    atomic_init(&d->held, 0);
    d->max_held = max_held(nslots);
    for (int i = 0; i < nslots; i++)
        d->page[i] = PAGE_NONE;
    pthread_mutex_init(&d->lock, NULL);
    d->max_spares = d->max_held / 4 > 0 ? d->max_held / 4 : 1;
    d->spares = xmalloc((size_t)d->max_spares * sizeof *d->spares);
    struct stat st;
    d->bsize = fstat(dfd, &st) == 0 && st.st_blksize > 0 ? st.st_blksize : 4096;
    return d;
}

/* Slot seq's temporary name, relative to DIR: the process id keeps two
** runs into one directory apart. */
static void
tmp_name(char *buf, size_t size, long seq)
{
    snprintf(buf, size, ".trialscreen-%ld-%ld.tmp", (long)getpid(), seq);
}

/* Removes spare s (its file and its name). */
static void
spare_remove(html_dir *d, const spare *s)
{
    close(s->fd);
    atomic_fetch_sub(&d->held, 1);
    (void)unlinkat(d->dfd, s->name, 0);
}

/*
** A spare for a page of at least len bytes, if one fits: 1 and *s.  It
** fits when it has no more blocks than the page will: cutting it to the
** page's length then frees no block.  Freeing blocks is what a re-run
** must not do: with the "discard" mount option each free waits for the
** disk (a third of a re-run, measured), and a journal-less ext4 skips the
** freed inodes.  Of those that fit, the largest, so that small spares
** stay for small pages.
*/
static int
spare_take(html_dir *d, size_t len, spare *s)
{
    off_t want = ((off_t)len + d->bsize - 1) / d->bsize;
    pthread_mutex_lock(&d->lock);
    int best = -1;
    for (int i = 0; i < d->nspares; i++)
        if (d->spares[i].blocks <= want
            && (best < 0 || d->spares[i].blocks > d->spares[best].blocks))
            best = i;
    if (best >= 0) {
        *s = d->spares[best];
        d->spares[best] = d->spares[--d->nspares];
    }
    pthread_mutex_unlock(&d->lock);
    return best >= 0;
}

/*
** The old page now under DIR/name (just exchanged out of its place): kept
** as a spare when it is a regular file that only that name links and
** there is room, else removed.  O_NOFOLLOW and the link count are what
** keep a spare from being a file that something else still shows.
*/
static void
spare_keep(html_dir *d, const char *name)
{
    spare s;
    size_t n = strlen(name);
    struct stat st;
    s.fd = -1;
    if (n < sizeof s.name) {
        if (atomic_fetch_add(&d->held, 1) < d->max_held)
            s.fd = openat(d->dfd, name,
                          O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (s.fd >= 0 && (fstat(s.fd, &st) != 0 || !S_ISREG(st.st_mode)
                          || st.st_nlink != 1)) {
            close(s.fd);
            s.fd = -1;
        }
        if (s.fd < 0)
            atomic_fetch_sub(&d->held, 1);
    }
    if (s.fd < 0) {
        (void)unlinkat(d->dfd, name, 0);
        return;
    }
    memcpy(s.name, name, n + 1);
    s.blocks = (st.st_size + d->bsize - 1) / d->bsize;
    /* A full pool keeps the smaller of the new spare and its largest:
    ** the one more pages fit. */
    spare out = s;
    pthread_mutex_lock(&d->lock);
    if (d->nspares < d->max_spares) {
        d->spares[d->nspares++] = s;
        out.fd = -1;
    } else {
        int big = 0;
        for (int i = 1; i < d->nspares; i++)
            if (d->spares[i].blocks > d->spares[big].blocks)
                big = i;
        if (d->spares[big].blocks > s.blocks) {
            out = d->spares[big];
            d->spares[big] = s;
        }
    }
    pthread_mutex_unlock(&d->lock);
    if (out.fd >= 0)
        spare_remove(d, &out);
}

/* Forget slot seq's page: an unnamed file vanishes when closed, a named
** one (a spare's, or where there is no O_TMPFILE) is removed. */
static void
drop(html_dir *d, long seq, int page, const char *sname)
{
    if (page >= 0) {
        close(page);
        atomic_fetch_sub(&d->held, 1);
        if (*sname)
            (void)unlinkat(d->dfd, sname, 0);
    } else if (page == PAGE_NAMED) {
        char tmp[TMP_NAME_MAX];
        tmp_name(tmp, sizeof tmp, seq);
        (void)unlinkat(d->dfd, tmp, 0);
    }
}

void
html_dir_close(html_dir *d)
{
    if (!d)
        return;
    /* Every thread has been joined. */
    for (int i = 0; i < d->nslots; i++)
        drop(d, d->seq[i], d->page[i], d->sname[i]);
    for (int i = 0; i < d->nspares; i++)
        spare_remove(d, &d->spares[i]);
    pthread_mutex_destroy(&d->lock);
    close(d->dfd);
    free(d->spares);
    free(d->page);
    free(d->seq);
    free(d->sname);
    free(d->path);
    free(d);
}

/*
** src[0..len) into fd, each HTML_HOLE replaced by name (what html_fill
** would make), in one writev(2) when the kernel takes it all: the page is
** not copied, and stdio would cut it into 4 kB writes.  A page with more
** holes than PAGE_IOV / 2 is written in several calls.  Returns 0 or -1.
*/
#define PAGE_IOV 64
static int
write_filled(int fd, const char *src, size_t len, const char *name)
{
    struct iovec iov[PAGE_IOV];
    size_t nlen = strlen(name);
    const char *end = src + len;
    while (src < end) {
        int n = 0;
        while (src < end && n + 2 <= PAGE_IOV) {
            const char *h = memchr(src, HTML_HOLE[0], (size_t)(end - src));
            iov[n++] = (struct iovec){ (void *)(uintptr_t)src,
                                       (size_t)((h ? h : end) - src) };
            src = h ? h + 1 : end;
            if (h)
                iov[n++] = (struct iovec){ (void *)(uintptr_t)name, nlen };
        }
        struct iovec *v = iov;
        while (n > 0) {
            ssize_t k = writev(fd, v, n);
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0)
                return -1;
            if (k == 0) {
                errno = EIO;
                return -1;
            }
            /* A short write: skip what was written, go on with the rest. */
            size_t done = (size_t)k;
            while (n > 0 && done >= v->iov_len)
                done -= v->iov_len, v++, n--;
            if (n > 0) {
                v->iov_base = (char *)v->iov_base + done;
                v->iov_len -= done;
            }
        }
    }
    return 0;
}

/* Slot seq's page written: an unnamed file, PAGE_NAMED, or PAGE_NONE with
** errno set. */
static int
make_page(html_dir *d, long seq, const char *src, size_t len, const char *name)
{
    if (d->anon) {
        int fd = openat(d->dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        if (fd >= 0 && write_filled(fd, src, len, name) == 0)
            return fd;
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return PAGE_NONE;
    }
    char tmp[64];
    tmp_name(tmp, sizeof tmp, seq);
    int fd = openat(d->dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return PAGE_NONE;
    int rc = write_filled(fd, src, len, name);
    int e = errno;
    if (close(fd) != 0 && rc == 0)
        rc = -1, e = errno;
    if (rc == 0)
        return PAGE_NAMED;
    (void)unlinkat(d->dfd, tmp, 0);
    errno = e;
    return PAGE_NONE;
}

/* Spare s overwritten with the page, cut to its length: 0 or -1. */
static int
overwrite(const spare *s, const char *src, size_t len, const char *name)
{
    if (write_filled(s->fd, src, len, name) != 0)
        return -1;
    off_t end = lseek(s->fd, 0, SEEK_CUR);
    return end < 0 || ftruncate(s->fd, end) != 0 ? -1 : 0;
}

void
html_dir_make(html_dir *d, long seq, const char *src, size_t len,
              const char *name)
{
    int k = (int)(seq % d->nslots);
    d->seq[k] = seq;
    d->page[k] = PAGE_NONE;
    d->sname[k][0] = '\0';
    spare s;
    if (spare_take(d, len, &s)) {       /* its count in held is the slot's */
        if (overwrite(&s, src, len, name) == 0) {
            d->page[k] = s.fd;
            memcpy(d->sname[k], s.name, sizeof s.name);
            return;
        }
        spare_remove(d, &s);
    }
    if (d->anon && atomic_fetch_add(&d->held, 1) >= d->max_held) {
        atomic_fetch_sub(&d->held, 1);
        return;
    }
    d->page[k] = make_page(d, seq, src, len, name);
    if (d->anon && d->page[k] < 0)
        atomic_fetch_sub(&d->held, 1);
}

/* The unnamed file fd as DIR/file.  AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH
** before Linux 6.10; /proc/self/fd does not. */
static int
link_unnamed(html_dir *d, int fd, const char *file)
{
    if (d->empty_path) {
        if (linkat(fd, "", d->dfd, file, AT_EMPTY_PATH) == 0)
            return 0;
        if (errno != ENOENT && errno != EPERM)
            return -1;
    }
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, d->dfd, file, AT_SYMLINK_FOLLOW) != 0)
        return -1;
    d->empty_path = 0;
    return 0;
}

/* Is DIR/file a regular file (not a link to one)?  What an exchange may
** move aside: a directory or a link in its place is replaced by rename,
** or refused, as ever. */
static int
is_old_page(const html_dir *d, const char *file)
{
    struct stat st;
    return fstatat(d->dfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0
           && S_ISREG(st.st_mode);
}

/* Slot seq's written page (an unnamed file, a spare named sname, or
** PAGE_NAMED) as DIR/file, replacing what has that name.  Returns 0, or -1
** with errno set. */
static int
place(html_dir *d, long seq, int page, const char *sname, const char *file)
{
    char tmp[TMP_NAME_MAX];
    const char *from = sname;
    if (!*sname) {
        if (page >= 0 && link_unnamed(d, page, file) == 0)
            return 0;
        if (page >= 0 && errno != EEXIST)
            return -1;
        tmp_name(tmp, sizeof tmp, seq);
        if (page >= 0 && link_unnamed(d, page, tmp) != 0)
            return -1;
        from = tmp;
    }
    /* A page of an earlier run: exchanged with it, which then is a spare.
    ** Otherwise (a new name for a spare, a named page) renamed there. */
    if (d->exchange && is_old_page(d, file)) {
        if (renameat2(d->dfd, from, d->dfd, file, RENAME_EXCHANGE) == 0) {
            spare_keep(d, from);
            return 0;
        }
        if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)
            d->exchange = 0;
    }
    if (renameat(d->dfd, from, d->dfd, file) == 0)
        return 0;
    int e = errno;
    (void)unlinkat(d->dfd, from, 0);
    errno = e;
    return -1;
}

int
html_dir_put(html_dir *d, long seq, const char *src, size_t len,
             const char *made_as, const char *name)
{
    int k = (int)(seq % d->nslots), page = d->page[k];
    char sname[TMP_NAME_MAX];
    memcpy(sname, d->sname[k], sizeof sname);
    d->page[k] = PAGE_NONE;
    d->sname[k][0] = '\0';
    if (page != PAGE_NONE && strcmp(made_as, name) != 0) {
        /* A duplicate id: the worker's page has the first one's name in. */
        drop(d, seq, page, sname);
        page = PAGE_NONE;
        sname[0] = '\0';
    }
    int mine = page >= 0;       /* a worker's, counted in held */
    if (page == PAGE_NONE)
        page = make_page(d, seq, src, len, name);
    char file[HTML_NAME_MAX + 32];
    snprintf(file, sizeof file, "%s.html", name);
    int rc = page == PAGE_NONE ? -1 : place(d, seq, page, sname, file);
    int e = errno;
    if (page >= 0)
        close(page);
    if (mine)
        atomic_fetch_sub(&d->held, 1);
    if (rc != 0) {
        diag_printf(stderr, TS_LEVEL_ERROR, NULL, 0, 0, "writing '%s/%s': %s",
                    d->path, file, strerror(e));
        errno = e;
    }
    return rc;
}

/*
** The pages in DIR this run did not write.  index.html links only this
** run's pages, and an earlier run's page shows that run's verdicts: a
** patient no longer in the extract keeps a page that looks current to
** whoever opens it by name.  It is not deleted (another process may be
** writing DIR: a second shard, or a run the user keeps pages of) but
** counted, for the caller to say so.  One pass over the directory after
** the last page: 10,000 names cost a few milliseconds.
*/
long
html_dir_others(const html_dir *d, const html_names *ns, char *first,
                size_t size)
{
    static const char pre[] = "patient-", ext[] = ".html";
    long n = 0;
    if (size)
        first[0] = '\0';
    DIR *dir = opendir(d->path);
    if (!dir)
        return 0;
    char stem[NAME_MAX + 1];
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= sizeof pre - 1 + sizeof ext - 1
            || memcmp(e->d_name, pre, sizeof pre - 1) != 0
            || strcmp(e->d_name + len - (sizeof ext - 1), ext) != 0
            || e->d_type == DT_DIR)
            continue;
        memcpy(stem, e->d_name, len - (sizeof ext - 1));
        stem[len - (sizeof ext - 1)] = '\0';
        if (html_names_has(ns, stem))
            continue;
        n++;
        if (size && (first[0] == '\0' || strcmp(e->d_name, first) < 0))
            snprintf(first, size, "%s", e->d_name);
    }
    closedir(dir);
    return n;
}
