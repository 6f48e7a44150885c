/*
** critload.h -- the pieces of the criteria loader that talk to each other
** (internal): criteria.c reads trial files, rulesyntax.c turns one rule
** mapping into a rule tree, vocabload.c reads vocabulary files.  All of
** them work on the positioned tree of yamldoc.h and report errors at a
** node's line and column.
*/
#ifndef CRITLOAD_H
#define CRITLOAD_H

#include "arena.h"
#include "rules.h"
#include "vocab.h"
#include "yamldoc.h"

/*
** Parse the rule written at n (a mapping) into a tree allocated from a.
** Concepts are looked up in v; "criterion:" references are stored by id
** (ref_index -1) and resolved by the caller once the trial is read.
** Returns NULL with err set (line, column, message; not the file).
*/
rule *rule_parse(arena *a, const vocab *v, const ynode *n, ts_error *err);

/* Parts of a vocabulary file, loaded in passes so that a site file of
** extra codes may sort before the file that defines the concepts. */
enum { VOCAB_CONCEPTS = 1, VOCAB_CODES = 2 };

/* True if d is a vocabulary file: top-level "concepts" or "codes". */
int vocab_is_doc(const ydoc *d);
/* Load the given parts of a vocabulary document into v. */
int vocab_load_doc(vocab *v, const ydoc *d, unsigned parts, ts_error *err);

#endif
