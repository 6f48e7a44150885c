/*
** arena.h -- region allocator.
**
** trialscreen allocates everything that belongs to one patient record (its
** facts, its verdict tree, its report strings) from one arena, and frees it
** all at once when the record is done.  Criteria and the vocabulary live in
** an arena of their own for the life of the program.  There is no per-object
** free: that is the point.
**
** Allocation failure is fatal (the process prints "out of memory" and exits
** with status 3): a screener that continues after a failed malloc can only
** produce wrong answers.
*/
#ifndef ARENA_H
#define ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
/* Free every block of the arena and the arena itself.  NULL is a no-op. */
void arena_free(arena *a);
/* Forget every allocation; keep a few blocks for reuse. */
void arena_reset(arena *a);
/* Return n bytes aligned for any type, zero-filled. */
void *arena_alloc(arena *a, size_t n);
/* The same, not zero-filled (for callers that write every byte). */
void *arena_alloc_raw(arena *a, size_t n);
/* Grow an array allocated from this arena: returns a new copy with room for
** newcap elements (old contents copied, rest zeroed). */
void *arena_grow(arena *a, void *old, size_t oldcap, size_t newcap, size_t elsize);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/*
** A format and its arguments kept to be formatted later, for texts most
** of which are never read (the evaluator's reasons).  arena_capture keeps
** fmt and the arguments of the conversions arena_vprintf formats itself
** (%s, %.*s, %.Ns, %d, %ld, %lld with a width and the '0' flag, %%), at
** most ARENA_FMT_ARGS of them; for anything else it returns NULL and the
** caller formats at once.  %s arguments are kept as pointers: the strings
** (and fmt) must outlive every arena_fmt_text, so never a stack buffer.
** arena_fmt_text formats a capture into the arena it was captured in,
** exactly as arena_printf would have formatted it then; *len (if not
** NULL) is its length.
*/
#define ARENA_FMT_ARGS 12
typedef struct arena_fmt arena_fmt;
arena_fmt *arena_capture(arena *a, const char *fmt, va_list ap);
char *arena_fmt_text(const arena_fmt *f, size_t *len);
/* The same text into out[0..size) with its NUL, for a writer that has
** room of its own (a report's buffer): its length, or -1 if it does not
** fit (out is then garbage; try again with more room). */
int arena_fmt_into(const arena_fmt *f, char *out, size_t size);
/* Bytes handed out since creation or the last reset (for benchmarks). */
size_t arena_used(const arena *a);

/*
** Per-record arenas without malloc: arena_take returns an empty arena,
** from this thread's few reset ones if it has any; arena_give resets a and
** keeps it for this thread's next arena_take (or frees it).  Either way a
** is gone for the caller.  A thread's kept arenas are freed when it ends.
*/
arena *arena_take(void);
void arena_give(arena *a);

/*
** A zero-filled block of size bytes that belongs to the calling thread
** and is freed when the thread ends, one per slot (ARENA_TABLE_*): for
** per-thread caches too big for thread-local storage, which every thread
** start, the program's own included, zeroes whole (78 kB of it were 19
** page faults of each start-up, docs/performance.md).  The same slot
** must always be asked with the same size.  NULL if it cannot be had:
** the caller does without its cache.
*/
enum { ARENA_TABLE_FMT, ARENA_TABLE_CMP, ARENA_TABLES };
void *arena_thread_table(int slot, size_t size);

/* malloc/realloc that exit on failure; for the few allocations that are
** not per record. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
