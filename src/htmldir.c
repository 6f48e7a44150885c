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
**     instant a page of an earlier run is under its temporary name);
**   - each file is written by one thread, and only ever linked once;
**   - a page from an earlier run (linkat: EEXIST) is replaced atomically:
**     the file is linked under a temporary name and renamed over it.
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
** Where O_TMPFILE is not supported (NFS, some FUSE file systems) the
** worker writes the page under a temporary name instead, DIR/.trialscreen-
** PID-SEQ.tmp (a dot, and .tmp: never a page), and the writer renames it;
** a stopped run removes those of the slots in flight.
*/
#define _GNU_SOURCE             /* O_TMPFILE, O_PATH, AT_EMPTY_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "html.h"
#include "htmldir.h"

/* A slot's page: an open unnamed file (>= 0), or one of these. */
enum { PAGE_NONE = -1, PAGE_NAMED = -2 };

struct html_dir {
    char *path;
    int dfd;                /* DIR, for the *at calls */
    int anon;               /* O_TMPFILE works in DIR */
    int empty_path;         /* linkat(AT_EMPTY_PATH) works (else /proc) */
    int nslots;
    int *page;              /* per slot, seq % nslots: PAGE_* or a file */
    long *seq;              /* per slot: whose page it is */
    atomic_int held;        /* the workers' unnamed files open */
    int max_held;           /* and how many may be */
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

html_dir *
html_dir_open(const char *path, int nslots)
{
    int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return NULL;
    html_dir *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    d->dfd = dfd;
    d->anon = tmpfile_works(dfd);
    d->empty_path = 1;
    d->nslots = nslots;
    d->page = xmalloc((size_t)nslots * sizeof *d->page);
    d->seq = xcalloc((size_t)nslots, sizeof *d->seq);
    atomic_init(&d->held, 0);
    d->max_held = max_held(nslots);
    for (int i = 0; i < nslots; i++)
        d->page[i] = PAGE_NONE;
    return d;
}

/* Slot seq's temporary name, relative to DIR: the process id keeps two
** runs into one directory apart. */
static void
tmp_name(char *buf, size_t size, long seq)
{
    snprintf(buf, size, ".trialscreen-%ld-%ld.tmp", (long)getpid(), seq);
}

/* Forget slot seq's page: an unnamed file vanishes when closed. */
static void
drop(html_dir *d, long seq, int page)
{
    if (page >= 0) {
        close(page);
        atomic_fetch_sub(&d->held, 1);
    } else if (page == PAGE_NAMED) {
        char tmp[64];
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
        drop(d, d->seq[i], d->page[i]);
    close(d->dfd);
    free(d->page);
    free(d->seq);
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

void
html_dir_make(html_dir *d, long seq, const char *src, size_t len,
              const char *name)
{
    int k = (int)(seq % d->nslots);
    d->seq[k] = seq;
    d->page[k] = PAGE_NONE;
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

/* Slot seq's written page (an unnamed file or PAGE_NAMED) as DIR/file,
** replacing what has that name.  Returns 0, or -1 with errno set. */
static int
place(html_dir *d, long seq, int page, const char *file)
{
    if (page >= 0 && link_unnamed(d, page, file) == 0)
        return 0;
    if (page >= 0 && errno != EEXIST)
        return -1;
    char tmp[64];
    tmp_name(tmp, sizeof tmp, seq);
    if (page >= 0 && link_unnamed(d, page, tmp) != 0)
        return -1;
    /* A page of an earlier run, or a named page: renamed over it whole. */
    if (renameat(d->dfd, tmp, d->dfd, file) == 0)
        return 0;
    int e = errno;
    (void)unlinkat(d->dfd, tmp, 0);
    errno = e;
    return -1;
}

int
html_dir_put(html_dir *d, long seq, const char *src, size_t len,
             const char *made_as, const char *name)
{
    int k = (int)(seq % d->nslots), page = d->page[k];
    d->page[k] = PAGE_NONE;
    if (page != PAGE_NONE && strcmp(made_as, name) != 0) {
        /* A duplicate id: the worker's page has the first one's name in. */
        drop(d, seq, page);
        page = PAGE_NONE;
    }
    int mine = page >= 0;       /* a worker's, counted in held */
    if (page == PAGE_NONE)
        page = make_page(d, seq, src, len, name);
    char file[HTML_NAME_MAX + 32];
    snprintf(file, sizeof file, "%s.html", name);
    int rc = page == PAGE_NONE ? -1 : place(d, seq, page, file);
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
