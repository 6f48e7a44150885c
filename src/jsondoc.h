/*
** jsondoc.h -- strict JSON: one parse into cJSON's tree, nothing lenient gets by.
**
** cJSON 1.7.15 accepts duplicate keys, trailing garbage, 1e999, "\u0000",
** invalid UTF-8 and leading zeros, and its nodes carry no positions (what a
** record may not hold: docs/patient-record.md, "Errors").  A text in which
** none of that can hide (printable ASCII, no backslash, numbers of the RFC
** grammar) is checked and built into cJSON's tree in one pass of our own
** (jsonbuild.c: duplicate keys, depth, finite numbers, and each node's
** byte offset); any other text, and any failure, goes through our own
** RFC 8259 validator (jsoncheck.c), which rejects what is wrong with a
** line:column and a JSON path, so every message is the validator's, and
** then cJSON; for those, the first time a position is asked for, one
** forward skim finds the byte offset of every value in pre-order.  Either
** way each node's offset is in its valueint field (which we never read as
** a number: it saturates) so that any later semantic error or warning can
** be given a real line:column; many positions are resolved at once in one
** pass (json_doc_positions).  A document, its tree and its tables live in
** one arena: cJSON allocates there while it parses our text (jsondoc.c).
*/
#ifndef JSONDOC_H
#define JSONDOC_H

#include <cJSON.h>
#include "ts.h"

#define JSON_MAX_DEPTH 64           /* records are 3 levels deep; 64 is generous */

typedef struct json_doc json_doc;

/*
** Parse buf[0..len).  buf[len] must be a readable byte (the caller keeps a
** NUL there: cJSON must never see an unterminated buffer).  line_base is
** added to reported lines (for the n-th line of an NDJSON file pass n - 1).
** Rejects, with err->line/column set: empty or whitespace-only input
** ("empty record"), UTF-16/32 ("file is UTF-16; save as UTF-8"), NUL bytes,
** invalid UTF-8, control characters and \u0000 in strings, bad escapes,
** lone surrogates, numbers outside the RFC 8259 grammar (01, 1., .5, +1)
** or out of range (1e999), duplicate keys ("duplicate key 'id' (first at
** 2:3)"), nesting deeper than JSON_MAX_DEPTH, anything after the value.
** A UTF-8 BOM is skipped and does not count as a column.  -0 becomes 0.
** Returns NULL on error.
*/
json_doc *json_doc_parse(const char *buf, size_t len, int line_base, ts_error *err);
void json_doc_free(json_doc *doc);
const cJSON *json_doc_root(const json_doc *doc);
/* 1-based line and column (in characters) of a node of this document.
** The document is not const: the line table and the offsets are found
** the first time a position is asked for, and kept in it. */
void json_doc_position(json_doc *doc, const cJSON *node, int *line, int *column);
/* The same for n nodes at once (lines[i], columns[i]; 0 for a NULL node),
** in time linear in the text: for warnings, which may be many. */
void json_doc_positions(json_doc *doc, const cJSON *const *nodes, int n,
                        int *lines, int *columns);

/* For tests and fuzzers: 2 if our fast pass built the tree and it is the
** one cJSON builds from the same text, 0 if it is not; 1 if the fast pass
** did not take the text (cJSON built the tree). */
int json_doc_same_as_cjson(const json_doc *doc);

/* Type name for messages: "string", "number", "object", "array",
** "boolean", "null". */
const char *json_type_name(const cJSON *node);

#endif
