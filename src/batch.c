/*
** batch.c -- the worker pool: one reader, N workers, an in-order writer.
**
** Why this shape.  Reading is sequential by nature (one NDJSON stream,
** one sorted directory), screening a record is independent of every other
** record, and output must come out in input order.  So one thread reads
** into a ring of slots, workers take the oldest unclaimed slot, and the
** calling thread writes slot after slot in sequence, waiting for the one
** it needs when a later one finishes first.  The ring bounds the records
** in flight: the reader waits for the writer when the ring is full, which
** is what keeps memory flat on a million-record input.
**
** One mutex guards the counters; the work itself (reading, screening,
** writing) happens outside it.  Contention is negligible: a record takes
** tens of microseconds to screen, a lock round trip tens of nanoseconds.
**
** Stopping early (a closed pipe, a full disk): the writer sets stop and
** calls the interrupt callback, which wakes the reader if it is blocked
** reading a terminal or a stalled pipe and makes it see the end of its
** input; the workers finish the record they hold and leave.  Every thread
** is joined normally.  (Cancelling the reader instead could catch it in
** the middle of an update, so its input could never be freed: issue 9.)
*/
#include <pthread.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"

/* An output buffer that grew past this for one huge record is freed after
** the write rather than kept for the next record in the slot. */
#define KEEP_BUFFER ((size_t)1 << 20)

typedef struct pool {
    const batch_ops *ops;
    void *ctx;
    int jobs;
    int nslots;
    batch_slot *slots;
    char *done;             /* per slot: work finished */

    pthread_mutex_t mu;
    pthread_cond_t space;   /* reader: a slot was written and freed */
    pthread_cond_t work;    /* workers: a slot was read, or the end */
    pthread_cond_t ready;   /* writer: a slot was finished, or the end */
    long nread;             /* slots read so far (next seq to read) */
    long nclaimed;          /* slots taken by workers */
    long nwritten;          /* slots written (next seq to write) */
    long wake_writer;       /* seq whose end wakes the sleeping writer, or -1 */
    int reader_waiting;     /* the reader found the queue full */
    int reader_done;
    int stop;
} pool;

typedef struct worker_arg {
    pool *p;
    int index;
} worker_arg;

int
batch_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

/* Forget a written slot's contents, keeping modest buffers for reuse. */
static void
slot_clear(batch_slot *s)
{
    input_item_release(&s->item);
    if (s->out.cap > KEEP_BUFFER)
        outbuf_release(&s->out);
    if (s->diag.cap > KEEP_BUFFER)
        outbuf_release(&s->diag);
    if (s->aux.cap > KEEP_BUFFER)
        outbuf_release(&s->aux);
    s->out.len = s->diag.len = s->aux.len = 0;
    s->flags = 0;
    s->seq = 0;
}

/* One job: no threads, no locks. */
static int
run_inline(const batch_ops *ops, void *ctx)
{
    batch_slot s;
    int stopped = 0;
    memset(&s, 0, sizeof s);
    for (long seq = 0; !stopped && ops->read(ctx, &s); seq++) {
        s.seq = seq;
        ops->work(ctx, 0, &s);
        stopped = ops->write(ctx, &s) != 0;
        slot_clear(&s);
    }
    slot_clear(&s);
    outbuf_release(&s.out);
    outbuf_release(&s.diag);
    outbuf_release(&s.aux);
    return stopped;
}

static void *
reader_main(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        /* A full queue: sleep until half of it is free, not until one
        ** slot is, so the reader and the writer do not wake each other
        ** once per record. */
        if (p->nread - p->nwritten >= p->nslots) {
            p->reader_waiting = 1;
            while (!p->stop && p->nread - p->nwritten > p->nslots / 2)
                pthread_cond_wait(&p->space, &p->mu);
            p->reader_waiting = 0;
        }
        if (p->stop)
            break;
        long seq = p->nread;
        batch_slot *s = &p->slots[seq % p->nslots];
        pthread_mutex_unlock(&p->mu);

        /* The slot is not visible to anyone until nread moves past it. */
        int got = p->ops->read(p->ctx, s);

        pthread_mutex_lock(&p->mu);
        if (!got)
            break;
        s->seq = seq;
        p->nread++;
        pthread_cond_signal(&p->work);
    }
    p->reader_done = 1;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void *
worker_main(void *arg)
{
    worker_arg *w = arg;
    pool *p = w->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->nclaimed == p->nread && !p->reader_done)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop || p->nclaimed == p->nread)
            break;
        int k = (int)(p->nclaimed++ % p->nslots);
        pthread_mutex_unlock(&p->mu);

        p->ops->work(p->ctx, w->index, &p->slots[k]);

        pthread_mutex_lock(&p->mu);
        p->done[k] = 1;
        /* Only the writer waits on ready, and only for the slot it named. */
        if (p->slots[k].seq == p->wake_writer)
            pthread_cond_signal(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/*
** The slot the writer sleeps on when the next one to write is not done:
** the last unfinished one of the next quarter of the ring that was read,
** so that the writer wakes once per run of finished records rather than
** once per record (a wake-up is a futex call and a context switch on each
** side: with a record per slot, most of the pool's overhead).  It is
** unfinished, so a worker will finish it and wake the writer; one not yet
** read (nothing read past nwritten) is woken for by the worker too, or by
** the reader's end.  Called with the lock held.
*/
static long
writer_wake_seq(const pool *p)
{
    long last = p->nwritten + (p->nslots >= 4 ? p->nslots / 4 : 1) - 1;
    if (last > p->nread - 1)
        last = p->nread - 1;
    if (last < p->nwritten)
        return p->nwritten;
    for (; last > p->nwritten; last--)
        if (!p->done[last % p->nslots])
            break;
    return last;
}

/* The writer gives up: nobody reads or works any more.  Lock held. */
static void
stop_locked(pool *p)
{
    p->stop = 1;
    pthread_cond_broadcast(&p->space);
    pthread_cond_broadcast(&p->work);
}

/* The calling thread: write slots in sequence.  Returns 1 if stopped. */
static int
write_loop(pool *p)
{
    int stopped = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        int k = (int)(p->nwritten % p->nslots);
        int idled = 0;
        while (!(p->nwritten < p->nread && p->done[k]) &&
               !(p->reader_done && p->nwritten == p->nread)) {
            if (p->ops->idle && !idled) {
                /* Outside the lock: it writes.  Then look again. */
                pthread_mutex_unlock(&p->mu);
                stopped = p->ops->idle(p->ctx) != 0;
                pthread_mutex_lock(&p->mu);
                idled = 1;
                if (stopped)
                    break;
                continue;
            }
            p->wake_writer = writer_wake_seq(p);
            pthread_cond_wait(&p->ready, &p->mu);
        }
        p->wake_writer = -1;
        if (stopped) {
            stop_locked(p);
            break;
        }
        if (p->nwritten == p->nread)
            break;                  /* reader done and everything written */
        pthread_mutex_unlock(&p->mu);

        stopped = p->ops->write(p->ctx, &p->slots[k]) != 0;
        slot_clear(&p->slots[k]);

        pthread_mutex_lock(&p->mu);
        p->done[k] = 0;
        p->nwritten++;
        if (p->reader_waiting && p->nread - p->nwritten <= p->nslots / 2)
            pthread_cond_signal(&p->space);
        if (stopped) {
            stop_locked(p);
            break;
        }
    }
    pthread_mutex_unlock(&p->mu);
    /* Outside the lock: the reader may be blocked in read, holding none. */
    if (stopped)
        p->ops->interrupt(p->ctx);
    return stopped;
}

static void
pool_release(pool *p)
{
    for (int i = 0; i < p->nslots; i++) {
        input_item_release(&p->slots[i].item);
        outbuf_release(&p->slots[i].out);
        outbuf_release(&p->slots[i].diag);
        outbuf_release(&p->slots[i].aux);
    }
    free(p->slots);
    free(p->done);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->ready);
}

/*
** Records are allocated by the reader thread and freed by a worker, and
** outputs the other way round, so glibc's per-thread heaps kept growing
** and giving their top back to the kernel (trim), and faulting the same
** pages in again for the next records: half the page faults of a
** two-thread run, and page faults cost dearly in a virtual machine.  A
** trim threshold of 8 MiB keeps those pages: the faults halve (6,300 to
** 3,000 on 10k realistic records) and peak RSS does not move (14.5 MiB
** there, 84 MiB with 60 trials on 1k synthetic records, the same as
** without; a fixed mmap threshold also halved the faults but took that
** to 106 MiB).  docs/performance.md, session 5.
*/
static void
keep_heap_pages(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
}

int
batch_run(const batch_ops *ops, void *ctx, int jobs)
{
    if (jobs <= 1)
        return run_inline(ops, ctx);
    keep_heap_pages();

    pool p;
    memset(&p, 0, sizeof p);
    p.ops = ops;
    p.ctx = ctx;
    p.jobs = jobs;
    p.nslots = jobs * BATCH_SLOTS_PER_JOB;
    p.wake_writer = -1;
    p.slots = xcalloc((size_t)p.nslots, sizeof *p.slots);
    p.done = xcalloc((size_t)p.nslots, 1);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.space, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.ready, NULL);

    pthread_t reader;
    pthread_t *workers = xcalloc((size_t)jobs, sizeof *workers);
    worker_arg *args = xcalloc((size_t)jobs, sizeof *args);
    int started = 0, rc = -1;
    for (; started < jobs; started++) {
        args[started].p = &p;
        args[started].index = started;
        if (pthread_create(&workers[started], NULL, worker_main,
                           &args[started]) != 0)
            break;
    }
    if (started == jobs && pthread_create(&reader, NULL, reader_main, &p) == 0) {
        rc = write_loop(&p);
        pthread_join(reader, NULL);
    } else {
        pthread_mutex_lock(&p.mu);
        p.stop = 1;
        pthread_cond_broadcast(&p.work);
        pthread_mutex_unlock(&p.mu);
    }
    for (int i = 0; i < started; i++)
        pthread_join(workers[i], NULL);
    free(workers);
    free(args);
    pool_release(&p);
    return rc;
}
