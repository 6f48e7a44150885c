/*
** conceptsview.h -- "trialscreen concepts": the vocabulary as people read
** it (internal).
**
** A record author needs to know which codes trialscreen understands, in
** which unit, and under which kind (an observation is not a medication):
** this lists every concept of the loaded vocabulary with its kind,
** canonical unit and standard codes, as a table for the terminal, a
** Markdown table, or NDJSON for scripts.  Like the other views it renders
** into an outbuf and never prints.
*/
#ifndef CONCEPTSVIEW_H
#define CONCEPTSVIEW_H

#include "outbuf.h"
#include "vocab.h"

typedef enum conceptsview_format {
    CONCEPTS_TEXT,
    CONCEPTS_MARKDOWN,
    CONCEPTS_NDJSON
} conceptsview_format;

/*
** Every concept of v, ordered by kind (observation, medication,
** condition, procedure, location, fact, derived) then name:
**   text      name  kind  unit  codes (comma-separated), aligned
**   markdown  | concept | label | kind | unit | codes |
**   ndjson    {"name":"map","label":"...","kind":"observation",
**              "unit":"mm[Hg]","codes":["loinc:8478-0"]}
** The unit is "-" in text, empty in Markdown and null in NDJSON when the
** kind has none.
*/
void conceptsview(outbuf *out, const vocab *v, conceptsview_format f);

#endif
