/*
** batch.c -- the worker pool: jobs threads, each reading, working and
** writing in turn (a leader/follower pool).
**
** Why this shape.  Reading is sequential by nature (one NDJSON stream,
** one sorted directory), screening a record is independent of every other
** record, and output must come out in input order.  The pool before this
** one gave each of those a thread: a reader, N workers and the calling
** thread as the writer, so -j2 on a two-CPU machine ran four threads on
** two CPUs.  Every record then crossed threads twice (read on one CPU,
** parsed on another; made on one, written on a third), and the futex
** wake-ups and context switches that cost took -j2 to 1.0-1.1 s of CPU
** for -j1's 0.78 s (docs/performance.md, "Threads and memory").
**
** So here there are exactly jobs threads, the calling thread being the
** first, and every one of them does everything:
**
**   1. take the read token (one reader at a time, in order), read the
**      next item into the ring outside the lock, hand the token on;
**   2. work that item, outside the lock, on the thread that read it;
**   3. mark it done; then, if nobody holds the write token and the oldest
**      unwritten slot is done, take the token and write every finished
**      slot in order, outside the lock.
**
** A thread waits only when it cannot read (another thread holds the read
** token, or the ring is full), and for the read token it spins a little
** before it sleeps (spin_for_token), so with two threads on two CPUs the
** common path has no hand-off and no sleep at all.  A slot finished out
** of order, or while another thread writes, is left to the token's
** holder, who looks again before letting the token go: nothing finished
** is ever left unwritten.
** The ring bounds the records in flight (memory stays flat on a
** million-record input): a thread that finds it full sleeps until half of
** it is free, so that readers and writers do not wake each other once per
** record.
**
** One mutex guards the counters and the two tokens; the mutex also orders
** consecutive read calls and consecutive write calls (whichever threads
** make them), so the callbacks' own state needs no lock.  The work itself
** (reading, screening, writing) happens outside it.
**
** A stalled input (a pipe, a terminal) must not hold finished output
** back: a thread about to sleep first calls ops->idle (under the write
** token) if anything was written since the last call, and so does a
** thread about to read while every other thread sleeps, since that read
** may block with nobody else awake to do it.
**
** Stopping early (a closed pipe, a full disk): the thread whose write (or
** idle) failed sets stop, wakes the sleepers and calls the interrupt
** callback, which wakes a thread blocked reading a terminal or a stalled
** pipe and makes it see the end of its input; the others finish the slot
** they hold and leave, and slots in flight are dropped unwritten.  Every
** thread is joined normally.  (Cancelling a reader instead could catch it
** in the middle of an update, so its input could never be freed: issue 9.)
*/
#include <pthread.h>
#include <stdatomic.h>
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

/* A slot's output buffers, while no slot uses them. */
typedef struct bufset {
    outbuf out, diag, aux;
} bufset;

typedef struct pool {
    const batch_ops *ops;
    void *ctx;
    int jobs;
    int nslots;
    batch_slot *slots;
    char *done;             /* per slot: worked, waiting to be written */
    bufset *spare;          /* buffers of written slots, the last freed last */
    int nspare;

    pthread_mutex_t mu;
    pthread_cond_t turn;    /* sleepers: the read token or ring space is
                            ** free, or the batch is over */
    long nread;             /* slots read (next seq to read) */
    long nwritten;          /* slots written (next seq to write) */
    atomic_int reading;     /* the read token is taken (set under the lock;
                            ** spin_for_token looks without it) */
    int writing;            /* the write token is taken */
    int nsleep;             /* threads waiting on turn */
    int space_wait;         /* a sleeper found the ring full */
    int unflushed;          /* something was written since the last idle */
    int input_end;          /* read returned 0 */
    int stop;               /* write or idle failed, or no threads */
} pool;

typedef struct thread_arg {
    pool *p;
    int index;
} thread_arg;

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

/*
** A write or idle failed: nobody reads, works or writes any more.  The
** interrupt callback is called without the lock, as a thread blocked in
** read holds none and must be woken.  Lock held on entry and on return.
*/
static void
give_up(pool *p)
{
    p->stop = 1;
    pthread_cond_broadcast(&p->turn);
    pthread_mutex_unlock(&p->mu);
    p->ops->interrupt(p->ctx);
    pthread_mutex_lock(&p->mu);
}

/*
** A slot about to be read takes the output buffers freed last (a stack),
** and a written slot gives its buffers back, so that the few slots in
** flight share a few sets of buffers, warm in the cache and with their
** pages mapped, rather than every slot of the ring growing its own: an
** NDJSON report is about 38 kB, and a set per slot took -j2 on two
** threads (128 slots) to 2,600 page faults on 10k realistic records, for
** -j1's 810; with the stack, 1,330-1,550 on a quiet machine (more when a
** preempted thread holds back the writes and more slots are in flight).
** A slot that is not in flight holds no buffers.  Lock held.
*/
static void
buffers_take(pool *p, batch_slot *s)
{
    if (p->nspare == 0)
        return;             /* new ones, grown by work */
    bufset *b = &p->spare[--p->nspare];
    s->out = b->out;
    s->diag = b->diag;
    s->aux = b->aux;
}

static void
buffers_give(pool *p, batch_slot *s)
{
    bufset *b = &p->spare[p->nspare++];
    b->out = s->out;
    b->diag = s->diag;
    b->aux = s->aux;
    memset(&s->out, 0, sizeof s->out);
    memset(&s->diag, 0, sizeof s->diag);
    memset(&s->aux, 0, sizeof s->aux);
}

/* Is the oldest unwritten slot finished? */
static int
next_done(const pool *p)
{
    return p->nwritten < p->nread && p->done[p->nwritten % p->nslots];
}

/*
** If the write token is free, take it and write every finished slot in
** order, outside the lock; look again before letting the token go, since
** slots finished meanwhile were left to its holder.  Lock held.
*/
static void
write_finished(pool *p)
{
    while (!p->writing && !p->stop && next_done(p)) {
        long seq = p->nwritten, end = seq;
        while (end < p->nread && p->done[end % p->nslots])
            end++;
        p->writing = 1;
        pthread_mutex_unlock(&p->mu);

        int rc = 0;
        for (; seq < end && rc == 0; seq++) {
            batch_slot *s = &p->slots[seq % p->nslots];
            rc = p->ops->write(p->ctx, s);
            slot_clear(s);
        }

        pthread_mutex_lock(&p->mu);
        for (long k = p->nwritten; k < seq; k++) {
            p->done[k % p->nslots] = 0;
            buffers_give(p, &p->slots[k % p->nslots]);
        }
        p->nwritten = seq;
        p->writing = 0;
        p->unflushed = 1;
        if (rc != 0) {
            give_up(p);
            return;
        }
        /* A sleeper waiting for room: wake it once half the ring is free,
        ** not at every slot written. */
        if (p->space_wait && p->nread - p->nwritten <= p->nslots / 2) {
            p->space_wait = 0;
            pthread_cond_signal(&p->turn);
        }
    }
}

/*
** This thread is about to wait, or to read with nobody else awake: write
** out what the callbacks hold back (ops->idle), if anything was written
** since the last time and the write token is free.  Returns 1 if it did
** (the lock was let go: look again), 0 if there was nothing to do.
** Lock held.
*/
static int
flush_idle(pool *p)
{
    if (!p->ops->idle || !p->unflushed || p->writing || p->stop)
        return 0;
    p->writing = 1;
    p->unflushed = 0;
    pthread_mutex_unlock(&p->mu);
    int rc = p->ops->idle(p->ctx);
    pthread_mutex_lock(&p->mu);
    p->writing = 0;
    if (rc != 0)
        give_up(p);
    else
        write_finished(p);  /* what finished while the token was taken */
    return 1;
}

/*
** The read token is taken: wait for it awake, outside the lock, for a
** while before sleeping on turn.  It is held for a few microseconds as a
** rule (a line cut out of a buffer), up to about 80 when that is a
** read(2) of the next 64 kB; a sleep and a wake-up cost two context
** switches and an interrupt to the other CPU, tens of microseconds in
** this virtual machine.  With 1000 tries rather than 4000 (20 us against
** 80 us: a pause is 20 ns on the build machine's EPYC) -j2 still slept
** 150 times on 10k realistic records, against 20; without spinning, 600.
** Lock held on entry and on return.
*/
#define SPIN_TRIES 4000
static void
spin_for_token(pool *p)
{
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < SPIN_TRIES; i++) {
        if (!atomic_load_explicit(&p->reading, memory_order_relaxed))
            break;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&p->mu);
}

/* Wait for the read token or for room in the ring.  Lock held. */
static void
wait_turn(pool *p)
{
    if (!p->reading)
        p->space_wait = 1;  /* the ring is full */
    p->nsleep++;
    pthread_cond_wait(&p->turn, &p->mu);
    p->nsleep--;
}

/*
** Nothing to do but wait for the read token or for room in the ring:
** spin for the token once, then, before sleeping, write out what is held
** (only then: a spin mostly ends with the token, and a write of held
** output is a system call).  *spun says the spin was done since the last
** sleep.  Lock held; the caller looks again at what there is to do.
*/
static void
wait_to_read(pool *p, int *spun)
{
    if (p->reading && !*spun) {
        spin_for_token(p);
        *spun = 1;
        return;
    }
    if (flush_idle(p))
        return;
    wait_turn(p);
    *spun = 0;
}

/*
** With the read token free and room in the ring: take the token and read
** the next item into its slot, outside the lock (the slot is no one
** else's until it is done).  Returns the slot, or NULL at the end of the
** input or when the batch stopped meanwhile (an item read then is dropped;
** pool_release frees it).  Lock held.
*/
static batch_slot *
read_next(pool *p)
{
    long seq = p->nread;
    batch_slot *s = &p->slots[seq % p->nslots];
    buffers_take(p, s);
    p->reading = 1;
    pthread_mutex_unlock(&p->mu);
    int got = p->ops->read(p->ctx, s);
    pthread_mutex_lock(&p->mu);
    p->reading = 0;
    if (!got) {
        p->input_end = 1;
        pthread_cond_broadcast(&p->turn);
        return NULL;
    }
    if (p->stop)
        return NULL;
    s->seq = seq;
    p->nread++;
    /* Hand the read token on to a sleeper, if there is room to read. */
    if (p->nsleep > 0 && p->nread - p->nwritten < p->nslots)
        pthread_cond_signal(&p->turn);
    return s;
}

/*
** One thread of the pool, index 0 .. jobs-1: read, work, write, until the
** input ends or the batch stops.  Threads leave without waiting for each
** other: a slot still being worked is written by its own thread.
*/
static void
pool_loop(pool *p, int index)
{
    int spun = 0;
    pthread_mutex_lock(&p->mu);
    while (!p->stop && !p->input_end) {
        if (p->reading || p->nread - p->nwritten >= p->nslots) {
            wait_to_read(p, &spun);
            continue;
        }
        spun = 0;
        /* This read may block (a stalled pipe) with every other thread
        ** asleep: nobody else would write out what is held. */
        if (p->nsleep == p->jobs - 1 && flush_idle(p))
            continue;
        batch_slot *s = read_next(p);
        if (!s)
            break;
        pthread_mutex_unlock(&p->mu);

        p->ops->work(p->ctx, index, s);

        pthread_mutex_lock(&p->mu);
        p->done[s->seq % p->nslots] = 1;
        write_finished(p);
    }
    pthread_mutex_unlock(&p->mu);
}

static void *
thread_main(void *arg)
{
    thread_arg *t = arg;
    pool_loop(t->p, t->index);
    return NULL;
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
    for (int i = 0; i < p->nspare; i++) {
        outbuf_release(&p->spare[i].out);
        outbuf_release(&p->spare[i].diag);
        outbuf_release(&p->spare[i].aux);
    }
    free(p->slots);
    free(p->done);
    free(p->spare);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->turn);
}

/*
** A slot is mostly read, worked and written on one thread now, but not
** always (a slot finished while another thread writes is written by that
** one, and a slot's buffers go to whichever thread reads into it next),
** so memory still moves between glibc's per-thread heaps, which kept
** giving their top back to the kernel (trim) and faulting the same pages
** in again for the next records: in the reader/workers/writer pool this
** was half the page faults of a two-thread run, and page faults cost
** dearly in a virtual machine.  A trim threshold of 8 MiB keeps those
** pages: the faults halved there (6,300 to 3,000 on 10k realistic
** records) and peak RSS did not move (14.5 MiB there, 84 MiB with 60
** trials on 1k synthetic records, the same as without; a fixed mmap
** threshold also halved the faults but took that to 106 MiB).
** docs/performance.md, session 5.
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
    p.slots = xcalloc((size_t)p.nslots, sizeof *p.slots);
    p.done = xcalloc((size_t)p.nslots, 1);
    p.spare = xcalloc((size_t)p.nslots, sizeof *p.spare);
    atomic_init(&p.reading, 0);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.turn, NULL);

    /* The calling thread is thread 0.  The others are started with the
    ** lock held, so none of them reads before all are running: if one
    ** cannot be started, stop is set before anyone looks and the started
    ** ones leave at once, nothing read (-1).  Falling back to fewer
    ** threads would give the same output, but not the contract. */
    pthread_t *threads = xcalloc((size_t)jobs, sizeof *threads);
    thread_arg *args = xcalloc((size_t)jobs, sizeof *args);
    int started = 1;
    pthread_mutex_lock(&p.mu);
    for (; started < jobs; started++) {
        args[started].p = &p;
        args[started].index = started;
        if (pthread_create(&threads[started], NULL, thread_main,
                           &args[started]) != 0)
            break;
    }
    int failed = started < jobs;
    if (failed)
        p.stop = 1;
    pthread_mutex_unlock(&p.mu);

    if (!failed)
        pool_loop(&p, 0);
    for (int i = 1; i < started; i++)
        pthread_join(threads[i], NULL);
    int rc = failed ? -1 : p.stop;
    free(threads);
    free(args);
    pool_release(&p);
    return rc;
}
