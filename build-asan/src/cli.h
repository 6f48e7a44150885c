/*
** cli.h -- the trialscreen command line (internal).
**
** main.c only calls cli_main; everything else -- options, loading the
** criteria, walking the inputs, choosing a reporter, the exit status --
** lives in cli.c, so that tests and a future library front end can run
** the whole program in-process.
*/
#ifndef CLI_H
#define CLI_H

#define TS_VERSION "0.1.0"

/* Exit statuses (docs/trialscreen.1, EXIT STATUS). */
enum {
    EXIT_OK = 0,            /* screened (with -q: some record eligible) */
    EXIT_NONE_ELIGIBLE = 1, /* with -q: no record eligible */
    EXIT_USAGE = 2,         /* bad usage or criteria: nothing screened */
    EXIT_BAD_INPUT = 3      /* some records unreadable or invalid, or the
                            ** output could not be written */
};

int cli_main(int argc, char **argv);

#endif
