/*
** vocab.h -- the concept vocabulary.
**
** Every code that a patient record or a criteria file uses is a concept of
** the vocabulary (criteria/concepts.yaml): a name ("map", "lactate",
** "ecmo"), a kind, a canonical unit, and the standard codes that mean the
** same thing ("loinc:8478-0").  Records may use either form; the reader
** maps both to the concept, and every later stage works on concept indexes
** (0 .. vocab_count - 1), so per-record data can live in plain arrays.
*/
#ifndef VOCAB_H
#define VOCAB_H

#include <stdint.h>

#include "ts.h"

typedef enum concept_kind {
    CK_OBSERVATION,     /* time-stamped measurement: map, lactate, weight */
    CK_MEDICATION,      /* drug: norepinephrine, hydrocortisone */
    CK_CONDITION,       /* diagnosis: septic_shock, pregnancy */
    CK_PROCEDURE,       /* ecmo, mechanical_ventilation, cpr */
    CK_LOCATION,        /* icu, picu, ward */
    CK_FACT,            /* clinician-asserted item: informed_consent */
    CK_DERIVED,         /* computed by C code: vis, bmi, steroid dose */
    CK_COUNT
} concept_kind;

typedef struct concept {
    const char *name;       /* the concept's own name, e.g. "map" */
    const char *label;      /* readable name, e.g. "mean arterial pressure" */
    concept_kind kind;
    const char *unit;       /* canonical UCUM unit, NULL for unitless kinds */
    double molar_mass;      /* g/mol for mass <-> amount conversions, or 0 */
    int index;              /* dense index, 0 .. vocab_count - 1 */
    int ncodes;
    const char **codes;     /* "loinc:8478-0", ... */
    /* A condition that is a narrower form of another ("moderate to severe
    ** aortic regurgitation" of "aortic regurgitation"): an entry of the
    ** broader one that is present leaves it unknown (the severity is not
    ** recorded), one that is ruled out rules it out.  NULL: none. */
    const struct concept *broader;
    /* Conditions only one sex can have (pregnancy, lactation): the sex bit
    ** (1 << SEX_FEMALE, facts.h); 0 for any.  A patient recorded with
    ** another sex does not have it unless an entry says otherwise. */
    unsigned sexes;
    const char *file;       /* where it was defined (NULL if built in) */
    int line, column;
} concept;

typedef struct vocab vocab;

vocab *vocab_new(void);
void vocab_free(vocab *v);

/*
** Load a vocabulary file (see docs/criteria-language.md, "Vocabulary") into
** v, adding to what is there.  Returns 0, or -1 with err set to
** file:line:column and what was wrong (unknown key, duplicate concept,
** code already used by another concept, unit not UCUM, ...).
*/
int vocab_load(vocab *v, const char *path, ts_error *err);
/* The same from a buffer (buf[len] must be NUL); name is used in errors. */
int vocab_load_buffer(vocab *v, const char *name, const char *buf, size_t len,
                      ts_error *err);

/* Add a concept (used by the loader and by tests).  Returns NULL and sets
** err if the name is taken.  Strings are copied. */
concept *vocab_add(vocab *v, const char *name, concept_kind kind,
                   const char *unit, ts_error *err);
/* Map a coded form ("loinc:8478-0") to c.  Fails if the code is taken. */
int vocab_add_code(vocab *v, concept *c, const char *code, ts_error *err);

/* Copy a string into the vocabulary's own storage (for loaders). */
const char *vocab_intern(vocab *v, const char *s);

/* Look up a concept name or a coded form; NULL if unknown. */
const concept *vocab_find(const vocab *v, const char *code);
/* vocab_find with the code's vocab_hash already known (a record reader
** hashes each code once for this and for its memo of unknown codes). */
const concept *vocab_find_hashed(const vocab *v, const char *code, uint32_t hash);
uint32_t vocab_hash(const char *s);
/* The same, for a loader that goes on to change the concept it finds. */
concept *vocab_edit(vocab *v, const char *code);
const concept *vocab_at(const vocab *v, int index);
int vocab_count(const vocab *v);

/* "observation", "derived", ...: the word a vocabulary file uses. */
const char *concept_kind_name(concept_kind k);
/* "an observation", "a derived quantity", ...: for messages. */
const char *concept_kind_article(concept_kind k);

#endif
