/*
** merge.h -- "trialscreen merge": the outputs of several processes put
** back into one (internal).
**
** A batch split between processes, machines or cluster tasks (Slurm job
** arrays, GNU parallel, Hadoop, Spark; docs/scaling.md) leaves one NDJSON
** output per piece.  merge turns them into the output one process would
** have written over the whole input: record and error lines in input
** order, and their --summary objects combined into one.
**
**   --shards N   the pieces are the outputs of --shard K/N, K = 1..N:
**                their lines are dealt back in turn (record i of the
**                whole is in shard (i mod N) + 1)
**   --blocks     the pieces are consecutive blocks of the input (GNU
**                parallel --pipe, Hadoop splits, Spark partitions): their
**                lines follow each other
**
** The files are taken in natural order of their names (out.2.ndjson
** before out.10.ndjson), so a shell glob lists them right.
*/
#ifndef MERGE_H
#define MERGE_H

/* Exit statuses, parallel to the screen verb's (cli.h). */
enum {
    MERGE_OK = 0,           /* merged; no record in it is an error line */
    MERGE_CANNOT = 2,       /* bad usage, or outputs that cannot be merged
                            ** (-o FILE is then left as it was) */
    MERGE_BAD_RECORDS = 3   /* merged, but some records could not be read
                            ** when screened (their error lines are in
                            ** place); or the output could not be written */
};

/* The verb: argv[0] is "merge".  Returns one of the statuses above. */
int merge_main(int argc, char **argv);

#endif
