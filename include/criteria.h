/*
** criteria.h -- trial criteria: YAML files in, rule trees out.
**
** A trialset holds every loaded trial, sharing one vocabulary.  A criteria
** path is a trial file, a vocabulary file (top-level key "concepts"), or a
** directory of them (every *.yaml / *.yml, vocabulary files first, then
** trials in sorted name order).  Loading stops at the first error, which
** carries file:line:column and what was expected; a trialset that failed
** to load must not be used for screening.
*/
#ifndef CRITERIA_H
#define CRITERIA_H

#include "ts.h"
#include "vocab.h"

typedef struct trialset trialset;
typedef struct trial trial;

/* The trialset uses v but does not own it: free v after the trialset. */
trialset *trialset_new(vocab *v);
void trialset_free(trialset *ts);

/* Load a file or directory.  Returns 0, or -1 with err filled. */
int trialset_load(trialset *ts, const char *path, ts_error *err);
/* Load one trial from a buffer (buf[len] must be NUL); name is used in
** messages.  For tests and fuzzing. */
int trialset_load_buffer(trialset *ts, const char *name, const char *buf,
                         size_t len, ts_error *err);

int trialset_count(const trialset *ts);
const trial *trialset_at(const trialset *ts, int i);
const trial *trialset_find(const trialset *ts, const char *id);
/*
** The trial a user means by name (-t): its id exactly, else an id or short
** title with case and punctuation ignored ("nct05184296", "ecmo-rescue").
** NULL with err set ("did you mean", or the loaded ids) when none or
** several match (trialpick.c).
*/
const trial *trialset_pick(const trialset *ts, const char *name, ts_error *err);
/* Keep only the trials named (as trialset_pick reads names), in loaded
** order; returns -1 with err set for the first name that matches none. */
int trialset_select(trialset *ts, const char *const *ids, int nids, ts_error *err);
const vocab *trialset_vocab(const trialset *ts);

#endif
