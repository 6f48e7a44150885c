/*
** main.c -- entry point.  The program is in cli.c.
**
** One setting of the C library first.  glibc serves an allocation of more
** than 128 kB (at first) with its own mmap and returns it with munmap on
** free.  A worker's page buffers and arenas are that size (an HTML page is
** 100 kB and grows by doubling), and on this project's virtual machines a
** munmap of a touched region took 0.6-0.7 ms: 124 of them, mostly freeing
** the workers' buffers once the last page was written, were 83 ms of a
** 10,000-patient --html-dir run spent while no worker had work, and the
** buffers' growth (mremap) 20 ms more.  Served from the heap below 32 MB,
** they are freed by the C library's free lists and the pages go back once,
** at exit.
*/
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "cli.h"

int
main(int argc, char **argv)
{
#ifdef M_MMAP_THRESHOLD
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
    return cli_main(argc, argv);
}
