/*
** fhirstore.h -- the spill store that groups loose FHIR resources by patient.
**
** A Bulk export is ordered by resource type; a patient's resources are in
** every file.  Holding the export in memory until the last file is read
** would make memory grow with the export, so resources go to a SQLite
** database in a temporary file (SQLite's own: created in $SQLITE_TMPDIR or
** $TMPDIR, unlinked as soon as it is opened, so it is gone at exit
** whatever happens) and come back one patient at a time.  SQLite keeps
** its page cache bounded (FHIRSTORE_CACHE_KIB).
*/
#ifndef FHIRSTORE_H
#define FHIRSTORE_H

#include "fhir.h"

#define FHIRSTORE_CACHE_KIB 16384

typedef struct fhir_store fhir_store;

/* NULL with err set if SQLite cannot make the database. */
fhir_store *fhirstore_new(ts_error *err);
void fhirstore_free(fhir_store *s);        /* NULL-safe */

/*
** Keep one resource.  kind: 'P' a Patient (key "Patient/ID"), 'S' a
** resource other resources refer to (Medication, Location; key
** "Type/ID"), 'R' a patient's resource (key: its patient, "Patient/ID";
** refs: keys of 'S' resources it names, separated by '\n', or NULL).
** tid ("Type/ID", or NULL) detects duplicates: returns 1 if the same
** tid was kept before (nothing is stored), 0 when kept, -1 on error.
*/
int fhirstore_add(fhir_store *s, int kind, const char *key, const char *tid,
                  const char *refs, const char *source, int line,
                  const char *text, size_t len, ts_error *err);

/*
** After the last add: the resources whose patient never came (counted into
** *orphans; per file, the count and first lines appended to where[0..size)
** by fhir_orphans_add).
** Returns 0 or -1 with err set.
*/
int fhirstore_finish(fhir_store *s, long *orphans, char *where, size_t size,
                     ts_error *err);

/*
** The next patient in the order the Patients were added, as a group
** (owned by the caller) with *source and *line of its Patient resource.
** Returns 1, 0 at the end, -1 with err set.
*/
int fhirstore_next(fhir_store *s, fhir_group **g, const char **source,
                   int *line, ts_error *err);

#endif
