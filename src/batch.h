/*
** batch.h -- screen a stream of records on N threads, write in input order.
**
** A batch is three callbacks around a ring of slots:
**
**   read   fills the next slot with an input item;
**   work   turns a slot's input into output bytes;
**   write  writes finished slots, strictly in the order they were read.
**
** With N jobs there are N threads (the calling thread and N - 1 more), and
** each of them reads, works and writes in turn (batch.c): any callback may
** run on any of them.  read is called one call at a time, in input order,
** and so is write; the pool's lock orders consecutive calls of each (every
** call happens after the one before it has returned, and sees what it
** did), so the state read or write keeps needs no lock of its own.  work
** runs on N threads at once.
**
** The ring has a fixed number of slots, so however long the input is, only
** that many records are held at once (memory stays flat), and output order
** never depends on the number of threads or on which record finishes
** first.  With one job nothing is threaded: read, work and write run in
** turn on the calling thread (the honest single-thread figure for the
** benchmark, and the simplest thing to debug).
**
** batch knows nothing about records or reports: the slot carries an input
** item, two output buffers and a few flags, and the callbacks decide what
** they mean (screen.c, replay.c).
*/
#ifndef BATCH_H
#define BATCH_H

#include "input.h"
#include "outbuf.h"

typedef struct batch_slot {
    long seq;               /* 0-based position in input order */
    input_item item;        /* filled by read, released after write */
    outbuf out;             /* filled by work: the report */
    outbuf diag;            /* filled by work: diagnostics (stderr) */
    outbuf aux;             /* filled by work: a second output, if any
                            ** (the HTML index row) */
    int flags;              /* for the callbacks (cli.c: bad, eligible) */
} batch_slot;

typedef struct batch_ops {
    /* Fill s->item with the next item; return 1, or 0 at the end of the
    ** input.  One call at a time, in order, on any of the threads. */
    int (*read)(void *ctx, batch_slot *s);
    /* Process one slot.  worker is 0 .. jobs-1: index per-thread state
    ** (an arena, a summary) with it.  Must be reentrant. */
    void (*work)(void *ctx, int worker, batch_slot *s);
    /* Write one finished slot.  Called in input order, one call at a
    ** time, on any of the threads.  Return nonzero to stop the batch (the
    ** rest of the input is not read; slots in flight are dropped
    ** unwritten). */
    int (*write)(void *ctx, batch_slot *s);
    /* The batch is stopping early (write or idle returned nonzero): make
    ** read return 0 soon, waking it if it is blocked on its input (a
    ** terminal, a stalled pipe) on another thread.  Called once, by the
    ** thread whose write or idle failed, no lock held. */
    void (*interrupt)(void *ctx);
    /* A thread is about to wait (another one reads, perhaps blocked on a
    ** stalled input, or the ring is full), or to read while every other
    ** thread waits, and something was written since the last call: write
    ** out what the callbacks hold back, so that a reader of the output is
    ** not kept waiting on a stalled input.  Return nonzero to stop the
    ** batch, as write does (the held output could not be written).  One
    ** call at a time with write, and ordered with it like write; no lock
    ** held; NULL: no such thing.  Never called with one job (there is no
    ** waiting). */
    int (*idle)(void *ctx);
} batch_ops;

/* Slots per thread: enough to keep every thread busy while one slow
** record holds up the writes, few enough to keep memory flat.  A thread
** that finds the ring full sleeps until half of it is free, so the larger
** the ring, the more rarely threads wake each other.  64 rather than 16
** took -j2 on two CPUs from 1.77x to 1.86x one thread with the pool
** before this one (a reader, workers and a writer: median of 8
** alternating rounds, 10k realistic records, docs/performance.md), for
** 14.5 MiB of peak RSS instead of 8.3. */
#define BATCH_SLOTS_PER_JOB 64

/*
** Run the batch on jobs threads (jobs >= 1), the calling thread one of
** them.  Returns 0 when the input was read to its end, 1 when write or
** idle stopped it, -1 if threads could not be started (nothing was read
** then).  Every thread has been joined when it returns.
*/
int batch_run(const batch_ops *ops, void *ctx, int jobs);

/* Number of online CPUs (at least 1): the default for --jobs. */
int batch_cpu_count(void);

#endif
