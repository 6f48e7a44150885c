/*
** ydocpack.h -- a parsed criteria file, packed into bytes and back
** (internal).
**
** Parsing the bundled criteria with libyaml is most of trialscreen's
** start-up (9 of 13 million instructions for one record).  So the build
** parses them once (src/bundlegen.c), packs each tree, and compiles the
** packed trees into the binary with the exact bytes of the file each came
** from (src/bundled.c, generated).  At run time ydoc_parse first asks
** ydoc_bundled: a buffer byte-for-byte equal to a bundled file gets its
** tree unpacked into a fresh arena, the same tree libyaml would have
** given (positions included); any other buffer, however close, is parsed.
** So an edited criteria file is never read from a stale packing.
**
** The packing, node by node in document order (numbers are unsigned
** LEB128):  kind + 4 * quoted, line, column; then a scalar's length, its
** bytes and a NUL, or a list's item count and items, or a mapping's pair
** count and keys and values in turn.  bundlegen.c writes it.  An unpacked
** scalar's text points into p, which must outlive the tree.
*/
#ifndef YDOCPACK_H
#define YDOCPACK_H

#include <stddef.h>

#include "yamldoc.h"

/* One bundled file: its bytes and its packed tree. */
typedef struct ydoc_bundle {
    const char *text;
    size_t len;
    const unsigned char *pack;
    size_t packlen;
} ydoc_bundle;

/* The generated table (src/bundled.c). */
extern const ydoc_bundle ydoc_bundles[];
extern const int ydoc_nbundles;

/* A document named name with the tree packed in p[0..n), or NULL if the
** packing is malformed (never for the generated table).  p must outlive
** the document. */
ydoc *ydoc_unpack(const char *name, const unsigned char *p, size_t n);
/* The bundled tree for buf[0..len) if it is a bundled file's exact bytes,
** unpacked; else NULL. */
ydoc *ydoc_bundled(const char *name, const char *buf, size_t len);

#endif
