/*
** arena.c -- region allocator: bump allocation from a chain of blocks.
**
** Blocks are at least ARENA_BLOCK bytes; a request larger than that gets a
** block of its own so that one 10 MB string does not waste a 10 MB tail.
**
** A screener allocates the same few hundred kilobytes for every record and
** drops them all at once.  Giving the blocks back to malloc after each
** record and asking for them again for the next made glibc trim and grow
** the heap (page faults, malloc_consolidate) once per record.  So
** arena_reset keeps up to ARENA_KEEP standard blocks for reuse, and each
** thread keeps a few reset arenas (arena_take, arena_give) for the
** per-record arenas of the JSON reader and the fact model: in the steady
** state a record costs no malloc at all.
*/
#include "arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16
#define ARENA_KEEP 16           /* standard blocks arena_reset keeps (1 MiB) */
#define POOL_MAX 4              /* reset arenas a thread keeps */

struct block {
    struct block *next;
    size_t size;            /* usable bytes in data[] */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
    struct block *head;     /* current block; older ones follow */
    struct block *spare;    /* standard blocks kept by arena_reset */
    size_t total;           /* bytes handed out */
};

static void
oom(void)
{
    fputs("trialscreen: error: out of memory\n", stderr);
    exit(3);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/*
** Fault in a new block's whole pages at once.  A block is filled from its
** start to its end, so its pages will be touched anyway; one madvise call
** maps them all in about half the time that touching them one by one
** costs, where a page fault is dear (12 us on the build machine's virtual
** CPUs, and a one-record run faulted in 65 pages of arena blocks: 0.3 to
** 0.8 ms of its 6 ms start-up, docs/performance.md).  Blocks are kept and
** reused by arena_reset and the thread pools, so a batch pays it once per
** block, not per record.  Where the kernel does not know
** MADV_POPULATE_WRITE (before Linux 5.14), nothing happens.
*/
static void
populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    /* Whole pages, the partial ones at either end included: populating
    ** changes no byte, and those pages are touched too (the block's
    ** header, malloc's own headers around it). */
    uintptr_t from = (uintptr_t)p & ~(uintptr_t)4095;
    uintptr_t to = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

/*
** n bytes starting and ending on cache-line boundaries.  An arena and its
** current block's header are written at every allocation by the thread
** that owns them; sharing a 64-byte line with memory another thread
** writes (another worker's arena, the end of a neighbouring malloc chunk)
** makes every allocation miss: that cost two threads 8 % of their time
** in arena_alloc_raw against 4 % for one (docs/performance.md).
*/
#define LINE 64
static void *
line_alloc(size_t n)
{
    void *p = NULL;
    if (n > SIZE_MAX - LINE)
        oom();
    size_t lines = (n + LINE - 1) & ~(size_t)(LINE - 1);
    if (posix_memalign(&p, LINE, lines) != 0)
        oom();
    return p;
}

static struct block *
block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct block))
        oom();
    /* A cache line of its own for the header (and for the first bytes
    ** handed out): see line_alloc. */
    struct block *b = line_alloc(sizeof(struct block) + size);
    /* And the page after it: malloc writes the next chunk's header there
    ** (the top of the heap, as a rule) as soon as it hands b out, which
    ** was a fault of its own per block. */
    populate(b, sizeof(struct block) + size + 64);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *
arena_new(void)
{
    arena *a = line_alloc(sizeof *a);
    a->head = block_new(ARENA_BLOCK);
    a->spare = NULL;
    a->total = 0;
    return a;
}

static void
free_chain(struct block *b)
{
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
}

void
arena_free(arena *a)
{
    if (!a)
        return;
    free_chain(a->head);
    free_chain(a->spare);
    free(a);
}

void
arena_reset(arena *a)
{
    /* Standard blocks go to the spare list (up to ARENA_KEEP of them, the
    ** ones already there included); big ones, and any beyond that, are
    ** freed, so one huge record does not pin its memory for the rest of
    ** the run. */
    int kept = 0;
    for (struct block *s = a->spare; s; s = s->next)
        kept++;
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        if (b->size == ARENA_BLOCK && kept < ARENA_KEEP) {
            b->next = a->spare;
            a->spare = b;
            kept++;
        } else {
            free(b);
        }
        b = next;
    }
    if (a->spare) {
        a->head = a->spare;
        a->spare = a->spare->next;
    } else {
        a->head = block_new(ARENA_BLOCK);
    }
    a->head->used = 0;
    a->head->next = NULL;
    a->total = 0;
}

/* A fresh standard block for the head: a spare one if there is one. */
static struct block *
next_block(arena *a)
{
    struct block *b = a->spare;
    if (b) {
        a->spare = b->next;
        b->used = 0;
    } else {
        b = block_new(ARENA_BLOCK);
    }
    b->next = a->head;
    a->head = b;
    return b;
}

void *
arena_alloc(arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

/*
** arena_alloc_raw's slow path: a new block.  A function of its own, kept
** out of line, so that the fast path (half a million calls on 200
** records, most of them from the JSON tree) saves and restores no
** registers.
*/
static __attribute__((noinline)) void *
alloc_slow(arena *a, size_t need)
{
    struct block *b = a->head;
    if (need > ARENA_BLOCK / 4) {
        /* Big request: its own block, linked behind the current one so
        ** the current block keeps serving small requests. */
        struct block *big = block_new(need);
        big->used = need;
        big->next = b->next;
        b->next = big;
        a->total += need;
        return big->data;
    }
    b = next_block(a);
    b->used = need;
    a->total += need;
    return b->data;
}

void *
arena_alloc_raw(arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        oom();
    struct block *b = a->head;
    if (b->size - b->used < need)
        return alloc_slow(a, need);
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *
arena_grow(arena *a, void *old, size_t oldcap, size_t newcap, size_t elsize)
{
    if (elsize && newcap > SIZE_MAX / elsize)
        oom();
    unsigned char *p = arena_alloc_raw(a, newcap * elsize);
    size_t keep = old ? (oldcap < newcap ? oldcap : newcap) * elsize : 0;
    if (keep)
        memcpy(p, old, keep);
    memset(p + keep, 0, newcap * elsize - keep);
    return p;
}

char *
arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

/*
** Where quick_format takes its arguments from: a va_list, or the array of
** arguments arena_capture kept (an integer conversion's value widened to
** long long, a %.*s precision as an integer).
*/
typedef union fmt_arg {
    const char *s;
    long long d;
} fmt_arg;

struct arena_fmt {
    arena *a;               /* where arena_fmt_text writes */
    const char *fmt;
    int n;
    fmt_arg arg[];
};

typedef struct fmt_src {
    va_list *ap;            /* NULL: take from v */
    const fmt_arg *v;
} fmt_src;

static const char *
src_str(fmt_src *in)
{
    return in->ap ? va_arg(*in->ap, const char *) : (in->v++)->s;
}

static long long
src_int(fmt_src *in, int lng)
{
    if (!in->ap)
        return (in->v++)->d;
    return lng == 2 ? va_arg(*in->ap, long long)
         : lng == 1 ? va_arg(*in->ap, long) : va_arg(*in->ap, int);
}

/* A conversion's flags, width, precision and length, as far as the
** formatters below read them: "%" then [0][width][.prec|.*][l|ll]. */
typedef struct conv_spec {
    int zero, width, prec, star, lng;   /* prec -1: none; star: ".*" */
} conv_spec;

/* Parse the spec that starts at f (just after its '%'); returns where
** its conversion character is.  quick_format and sig_parse share it, so
** a capture and its later formatting always read a format alike. */
static const char *
spec_parse(const char *f, conv_spec *cs)
{
    cs->zero = cs->width = cs->star = cs->lng = 0;
    cs->prec = -1;
    if (*f == '0') {
        cs->zero = 1;
        f++;
    }
    while (*f >= '0' && *f <= '9')
        cs->width = cs->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        if (*f == '*') {
            cs->star = 1;
            f++;
        } else {
            for (cs->prec = 0; *f >= '0' && *f <= '9'; f++)
                cs->prec = cs->prec * 10 + (*f - '0');
        }
    }
    while (*f == 'l' && cs->lng < 2) {
        cs->lng++;
        f++;
    }
    return f;
}

/*
** The evaluator formats tens of thousands of reasons and evidence strings
** per second, and vsnprintf's set-up alone costs more than most of them.
** This does the conversions those messages use (%s, %.*s, %.Ns, %d, %ld,
** %lld with a width and the '0' flag, %%) exactly as printf does, in one
** pass and without a call per piece; for anything else, or a text longer
** than size - 1, it returns -1 and the caller uses vsnprintf (or, for a
** capture, a bigger buffer: arena_capture keeps only what this formats).
*/
static int
quick_format(char *out, size_t size, const char *fmt, fmt_src *in)
{
    char *o = out, *end = out + size - 1;      /* room for the NUL */
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            /* A run of plain text up to the next conversion, in one copy:
            ** reasons are mostly text around a few values. */
            const char *pct = strchr(f, '%');
            size_t n = pct ? (size_t)(pct - f) : strlen(f);
            if ((size_t)(end - o) < n)
                return -1;
            memcpy(o, f, n);
            o += n;
            f += n - 1;
            continue;
        }
        conv_spec cs;
        f = spec_parse(f + 1, &cs);
        int zero = cs.zero, width = cs.width, prec = cs.prec, lng = cs.lng;
        if (cs.star)
            prec = (int)src_int(in, 0);
        if (*f == '%' && !zero && !width && prec < 0 && !lng) {
            if (o == end)
                return -1;
            *o++ = '%';
        } else if (*f == 's' && !zero && !width && !lng) {
            const char *str = src_str(in);
            if (!str)
                str = "(null)";
            size_t n = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
            if ((size_t)(end - o) < n)
                return -1;
            memcpy(o, str, n);
            o += n;
        } else if (*f == 'd' && prec < 0) {
            long long v = src_int(in, lng);
            char d[24], *p = d + sizeof d;
            unsigned long long u = v < 0 ? 0 - (unsigned long long)v
                                         : (unsigned long long)v;
            do
                *--p = (char)('0' + u % 10);
            while ((u /= 10) != 0);
            int n = (int)(d + sizeof d - p) + (v < 0);
            if (end - o < (n > width ? n : width))
                return -1;
            if (v < 0 && zero)
                *o++ = '-';
            for (; n < width; n++)
                *o++ = zero ? '0' : ' ';
            if (v < 0 && !zero)
                *o++ = '-';
            while (p < d + sizeof d)
                *o++ = *p++;
        } else {
            return -1;
        }
    }
    *o = '\0';
    return (int)(o - out);
}

/* quick_format from a va_list, which it consumes. */
static int
quick_vformat(char *out, size_t size, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    fmt_src in = { &ap2, NULL };
    int n = quick_format(out, size, fmt, &in);
    va_end(ap2);
    return n;
}

/*
** What arena_capture reads for each conversion of a format: the argument
** types in order, found by parsing it once.  Reasons come from a few
** hundred literal formats used over and over, so parsing each format on
** every capture cost most of what formatting it would have; a small
** per-thread table keyed by the format's address keeps the parse.  (A
** format is only ever a string literal here, which never changes; a
** stale entry for a reused address would still describe the text now
** there, since a format is parsed again whenever its address misses.)
*/
enum { ARG_INT, ARG_LONG, ARG_LLONG, ARG_STR };

/*
** A format compiled: runs of literal text, each followed by a conversion
** (or the end).  Most formats are text around plain %s and %d; writing
** them from the pieces spares quick_format's walk over the format (the
** search for each '%', the flags parsed again at every use).  Anything
** else (%%, a width, a fixed precision) is left to quick_format.
*/
enum { SEG_END, SEG_STR, SEG_STR_STAR, SEG_INT };

typedef struct fmt_seg {
    unsigned short off, len;    /* the literal run before the conversion */
    unsigned char conv;         /* SEG_ */
} fmt_seg;

typedef struct fmt_sig {
    const char *fmt;        /* NULL: empty slot */
    signed char n;          /* arguments; -1: the format cannot be captured */
    signed char compiled;   /* seg[] holds the format (else quick_format) */
    unsigned char kind[ARENA_FMT_ARGS];
    fmt_seg seg[ARENA_FMT_ARGS + 1];
} fmt_sig;

#define SIG_SLOTS 256
static _Thread_local fmt_sig *sig_cache;   /* SIG_SLOTS, arena_thread_table */
static _Thread_local fmt_sig sig_spare;    /* when there is no table */

/*
** The same parse as quick_format's, noting the argument types instead of
** writing.  It accepts a subset of what quick_format formats (no "%.*d",
** whose precision quick_format reads only to refuse), so that
** arena_fmt_text can always format what was captured.
*/
static void
sig_parse(fmt_sig *sg, const char *fmt)
{
    int n = 0, nseg = 0, compiled = 1;
    const char *lit = fmt;      /* where the current literal run starts */
    sg->fmt = fmt;
    for (const char *f = fmt; (f = strchr(f, '%')) != NULL; f++) {
        const char *pct = f;
        conv_spec cs;
        f = spec_parse(f + 1, &cs);
        int zero = cs.zero, width = cs.width, prec = cs.prec, star = cs.star,
            lng = cs.lng;
        if (*f == '%' && !zero && !width && prec < 0 && !star && !lng) {
            compiled = 0;
            continue;
        }
        int conv = SEG_END;
        if (n + 1 + star > ARENA_FMT_ARGS) {
            n = -1;
        } else if (*f == 's' && !zero && !width && !lng) {
            if (star)
                sg->kind[n++] = ARG_INT;
            sg->kind[n++] = ARG_STR;
            conv = star ? SEG_STR_STAR : prec < 0 ? SEG_STR : SEG_END;
        } else if (*f == 'd' && prec < 0 && !star) {
            sg->kind[n++] = lng == 2 ? ARG_LLONG : lng == 1 ? ARG_LONG : ARG_INT;
            conv = width || zero ? SEG_END : SEG_INT;
        } else {
            n = -1;
        }
        if (n < 0)
            break;
        if (conv == SEG_END || pct - fmt > 0xffff || pct - lit > 0xffff) {
            compiled = 0;
        } else if (compiled) {
            sg->seg[nseg++] = (fmt_seg){ (unsigned short)(lit - fmt),
                                         (unsigned short)(pct - lit),
                                         (unsigned char)conv };
            lit = f + 1;
        }
    }
    if (n >= 0 && compiled) {
        size_t rest = strlen(lit);
        if (lit - fmt > 0xffff || rest > 0xffff)
            compiled = 0;
        else
            sg->seg[nseg] = (fmt_seg){ (unsigned short)(lit - fmt),
                                       (unsigned short)rest, SEG_END };
    }
    sg->n = (signed char)n;
    sg->compiled = (signed char)(n >= 0 && compiled);
}

/* The parse of fmt, from this thread's table or made now. */
static const fmt_sig *
sig_of(const char *fmt)
{
    uint64_t h = (uint64_t)(uintptr_t)fmt * 0x9E3779B97F4A7C15ULL;
    if (!sig_cache)
        sig_cache = arena_thread_table(ARENA_TABLE_FMT,
                                       SIG_SLOTS * sizeof *sig_cache);
    fmt_sig *sg = sig_cache ? &sig_cache[h >> 56]   /* Fibonacci hashing */
                            : &sig_spare;
    if (sg->fmt != fmt)
        sig_parse(sg, fmt);
    return sg;
}

/* The arguments of a compiled or captured format taken from ap, which
** it does not consume. */
static void
take_args(const fmt_sig *sg, fmt_arg *arg, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    for (int i = 0; i < sg->n; i++) {
        switch (sg->kind[i]) {
        case ARG_INT:   arg[i].d = va_arg(ap2, int); break;
        case ARG_LONG:  arg[i].d = va_arg(ap2, long); break;
        case ARG_LLONG: arg[i].d = va_arg(ap2, long long); break;
        default:        arg[i].s = va_arg(ap2, const char *); break;
        }
    }
    va_end(ap2);
}

/*
** A compiled format into out[0..size), size >= 1: what quick_format
** writes, the same -1 when it does not fit.
*/
static int
seg_format(char *out, size_t size, const fmt_sig *sg, const fmt_arg *arg)
{
    char *o = out;
    size_t room = size - 1;                     /* the NUL's */
    for (const fmt_seg *sp = sg->seg;; sp++) {
        if (room < sp->len)
            return -1;
        memcpy(o, sg->fmt + sp->off, sp->len);
        o += sp->len;
        room -= sp->len;
        const char *str;
        size_t n;
        char d[24];
        switch (sp->conv) {
        case SEG_END:
            *o = '\0';
            return (int)(o - out);
        case SEG_STR_STAR: {
            long long prec = (arg++)->d;
            str = (arg++)->s;
            if (!str)
                str = "(null)";
            n = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
            break;
        }
        case SEG_STR:
            str = (arg++)->s;
            if (!str)
                str = "(null)";
            n = strlen(str);
            break;
        default: {                              /* SEG_INT */
            long long v = (arg++)->d;
            char *p = d + sizeof d;
            unsigned long long u = v < 0 ? 0 - (unsigned long long)v
                                         : (unsigned long long)v;
            do
                *--p = (char)('0' + u % 10);
            while ((u /= 10) != 0);
            if (v < 0)
                *--p = '-';
            str = p;
            n = (size_t)(d + sizeof d - p);
            break;
        }
        }
        if (room < n)
            return -1;
        memcpy(o, str, n);
        o += n;
        room -= n;
    }
}

arena_fmt *
arena_capture(arena *a, const char *fmt, va_list ap)
{
    const fmt_sig *sg = sig_of(fmt);
    int n = sg->n;
    if (n < 0)
        return NULL;
    arena_fmt *c = arena_alloc_raw(a, sizeof *c + (size_t)n * sizeof c->arg[0]);
    c->a = a;
    c->fmt = fmt;
    c->n = n;
    take_args(sg, c->arg, ap);
    return c;
}

/* A capture into out[0..size), compiled or not. */
static int
capture_format(const arena_fmt *c, char *out, size_t size)
{
    const fmt_sig *sg = sig_of(c->fmt);
    if (sg->compiled)
        return seg_format(out, size, sg, c->arg);
    fmt_src in = { NULL, c->arg };
    return quick_format(out, size, c->fmt, &in);
}

char *
arena_fmt_text(const arena_fmt *c, size_t *len)
{
    arena *a = c->a;
    /* Into the current block if it has room, like arena_vprintf; else
    ** into ever bigger pieces (a capture has no vsnprintf to measure it;
    ** only a text longer than the room makes quick_format refuse). */
    struct block *b = a->head;
    int n;
    char *p;
    if (b->size - b->used >= 256) {
        p = (char *)b->data + b->used;
        n = capture_format(c, p, b->size - b->used);
        if (n >= 0) {
            size_t need = ((size_t)n + ARENA_ALIGN) & ~(size_t)(ARENA_ALIGN - 1);
            b->used += need;
            a->total += need;
            goto done;
        }
    }
    for (size_t size = 256;; size *= 2) {
        p = arena_alloc_raw(a, size);
        n = capture_format(c, p, size);
        if (n >= 0)
            break;
    }
done:
    if (len)
        *len = (size_t)n;
    return p;
}

int
arena_fmt_into(const arena_fmt *c, char *out, size_t size)
{
    return size ? capture_format(c, out, size) : -1;
}

char *
arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    /* Straight into the current block when quick_format (or seg_format,
    ** for a compiled format) can do it; then a stack buffer, formatting
    ** twice only when that is too small. */
    char small[256];
    va_list ap2;
    struct block *b = a->head;
    int n;
    const fmt_sig *sg = sig_of(fmt);
    fmt_arg arg[ARENA_FMT_ARGS];
    if (sg->compiled) {
        take_args(sg, arg, ap);
        if (b->size - b->used >= sizeof small) {
            char *p = (char *)b->data + b->used;
            n = seg_format(p, b->size - b->used, sg, arg);
            if (n >= 0) {
                size_t need = ((size_t)n + ARENA_ALIGN) & ~(size_t)(ARENA_ALIGN - 1);
                b->used += need;
                a->total += need;
                return p;
            }
        }
        for (size_t size = sizeof small;; size *= 2) {
            char *p = arena_alloc_raw(a, size);
            n = seg_format(p, size, sg, arg);
            if (n >= 0)
                return p;
        }
    }
    if (b->size - b->used >= sizeof small) {
        char *p = (char *)b->data + b->used;
        n = quick_vformat(p, b->size - b->used, fmt, ap);
        if (n >= 0) {
            /* used and size are multiples of ARENA_ALIGN: this fits */
            size_t need = ((size_t)n + ARENA_ALIGN) & ~(size_t)(ARENA_ALIGN - 1);
            b->used += need;
            a->total += need;
            return p;
        }
    }
    n = quick_vformat(small, sizeof small, fmt, ap);
    if (n >= 0)
        return arena_strndup(a, small, (size_t)n);
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof small)
        return arena_strndup(a, small, (size_t)n);
    char *p = arena_alloc_raw(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

size_t
arena_used(const arena *a)
{
    return a->total;
}

/* ------------------------------------------------------------ the pool */

/*
** Each thread's reset arenas hang off a pthread key whose destructor frees
** them when the thread ends, so worker threads leave nothing behind (a
** _Thread_local pointer would be lost with the thread).  If the key cannot
** be created, arena_take and arena_give fall back to arena_new and
** arena_free.
*/
typedef struct pool {
    int n;
    arena *a[POOL_MAX];
    void *table[ARENA_TABLES];  /* arena_thread_table */
} pool;

static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_ok;

static void
pool_destroy(void *p)
{
    pool *pl = p;
    for (int i = 0; i < pl->n; i++)
        arena_free(pl->a[i]);
    for (int i = 0; i < ARENA_TABLES; i++)
        free(pl->table[i]);
    free(pl);
}

static void
pool_init(void)
{
    pool_ok = pthread_key_create(&pool_key, pool_destroy) == 0;
}

static pool *
my_pool(void)
{
    pthread_once(&pool_once, pool_init);
    if (!pool_ok)
        return NULL;
    pool *pl = pthread_getspecific(pool_key);
    if (!pl) {
        pl = xcalloc(1, sizeof *pl);
        if (pthread_setspecific(pool_key, pl) != 0) {
            free(pl);
            return NULL;
        }
    }
    return pl;
}

arena *
arena_take(void)
{
    pool *pl = my_pool();
    if (pl && pl->n > 0)
        return pl->a[--pl->n];
    return arena_new();
}

void *
arena_thread_table(int slot, size_t size)
{
    pool *pl = my_pool();
    if (!pl || slot < 0 || slot >= ARENA_TABLES)
        return NULL;
    /* calloc, not malloc and memset: fresh heap is not touched until used. */
    if (!pl->table[slot])
        pl->table[slot] = calloc(1, size);
    return pl->table[slot];
}

void
arena_give(arena *a)
{
    if (!a)
        return;
    pool *pl = my_pool();
    if (pl && pl->n < POOL_MAX) {
        arena_reset(a);
        pl->a[pl->n++] = a;
    } else {
        arena_free(a);
    }
}
