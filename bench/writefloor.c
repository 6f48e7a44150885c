/*
** writefloor.c -- the floor an --html-dir run is measured against: its
** bytes written as files, and nothing computed.
**
** usage: writefloor DIR FILES BYTES THREADS
**
** Makes DIR (which must not exist) and writes FILES files of BYTES bytes
** each into it, patient-0000000.html and on, spread over THREADS threads
** as --html-dir spreads its pages over its workers: each file opened
** with O_CREAT | O_EXCL, written with one write(2), closed.  No record is
** read, no page is made: what this costs is the kernel's share of
** writing that many pages of that size -- inodes, directory entries and
** page-cache memory -- which no change to trialscreen can take away.
** bench/run.sh runs it with the count and the mean size of the pages the
** run just wrote and prints it beside --json's time (docs/html.md,
** "Speed").
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;
static long nfiles, size;
static int nthreads;
static char *page;

static void
die(const char *what, const char *path)
{
    fprintf(stderr, "writefloor: %s: %s: %s\n", path, what, strerror(errno));
    exit(1);
}

/* Thread k writes files k, k + THREADS, k + 2 THREADS, ... */
static void *
writer(void *arg)
{
    long k = (long)arg;
    char name[4096];
    for (long i = k; i < nfiles; i += nthreads) {
        snprintf(name, sizeof name, "%s/patient-%07ld.html", dir, i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0)
            die("cannot create", name);
        for (long off = 0; off < size;) {
            ssize_t w = write(fd, page + off, (size_t)(size - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                die("cannot write", name);
            }
            off += w;
        }
        if (close(fd) != 0)
            die("cannot close", name);
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: writefloor DIR FILES BYTES THREADS\n", stderr);
        return 2;
    }
    dir = argv[1];
    nfiles = strtol(argv[2], NULL, 10);
    size = strtol(argv[3], NULL, 10);
    nthreads = (int)strtol(argv[4], NULL, 10);
    if (nfiles < 0 || size < 0 || nthreads < 1 || nthreads > 256) {
        fputs("writefloor: FILES and BYTES must be 0 or more, THREADS 1 to 256\n", stderr);
        return 2;
    }
    if (mkdir(dir, 0777) != 0)
        die("cannot make the directory", dir);
    /* Text, not zeros: a page is text, and a file system may treat a
    ** block of zeros specially. */
    page = malloc((size_t)size + 1);
    if (!page) {
        fputs("writefloor: out of memory\n", stderr);
        return 1;
    }
    for (long i = 0; i < size; i++)
        page[i] = (i % 80 == 79) ? '\n' : (char)('a' + i % 26);

    pthread_t *t = calloc((size_t)nthreads, sizeof *t);
    if (!t) {
        fputs("writefloor: out of memory\n", stderr);
        return 1;
    }
    for (long k = 0; k < nthreads; k++)
        if (pthread_create(&t[k], NULL, writer, (void *)k) != 0) {
            fputs("writefloor: cannot start a thread\n", stderr);
            return 1;
        }
    for (int k = 0; k < nthreads; k++)
        pthread_join(t[k], NULL);
    free(t);
    free(page);
    return 0;
}
