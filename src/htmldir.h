/*
** htmldir.h -- --html-dir's page files: written on the workers, named by
** the writer (htmldir.c says how and why).
*/
#ifndef HTMLDIR_H
#define HTMLDIR_H

#include <stddef.h>

typedef struct html_dir html_dir;

/* DIR (which exists) for a run whose slots in flight are at most nslots
** apart in sequence.  NULL with errno set if DIR cannot be opened. */
html_dir *html_dir_open(const char *path, int nslots);
/* Closes the pages made and not put in place (a stopped run: they were
** never named, and vanish).  NULL-safe. */
void html_dir_close(html_dir *d);

/* Worker: slot seq's page, src[0..len) with each HTML_HOLE replaced by
** name, into a file of its own that has no name yet.  Nothing happens
** when that fails: html_dir_put writes the page then. */
void html_dir_make(html_dir *d, long seq, const char *src, size_t len,
                   const char *name);

/* Writer, in input order: slot seq's page as DIR/name.html, replacing a
** page of an earlier run.  The worker's file when it was made with name,
** else the page is written now from src with name filled in.  Returns 0,
** or -1 after printing the error (errno set). */
int html_dir_put(html_dir *d, long seq, const char *src, size_t len,
                 const char *made_as, const char *name);

/* After the run: how many "patient-*.html" files in DIR the run did not
** write (names not in ns: an earlier run's pages, or another process's),
** and the first of them in byte order in first[0..size) (first[0] is '\0'
** when none).  They are left as they were. */
struct html_names;
long html_dir_others(const html_dir *d, const struct html_names *ns,
                     char *first, size_t size);

#endif
