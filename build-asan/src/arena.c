/*
** arena.c -- region allocator: bump allocation from a chain of blocks.
**
** Blocks are at least ARENA_BLOCK bytes; a request larger than that gets a
** block of its own so that one 10 MB string does not waste a 10 MB tail.
*/
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

struct block {
    struct block *next;
    size_t size;            /* usable bytes in data[] */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
    struct block *head;     /* current block; older ones follow */
    size_t total;           /* bytes handed out */
};

static void
oom(void)
{
    fputs("trialscreen: out of memory\n", stderr);
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

static struct block *
block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct block))
        oom();
    struct block *b = xmalloc(sizeof(struct block) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *
arena_new(void)
{
    arena *a = xmalloc(sizeof *a);
    a->head = block_new(ARENA_BLOCK);
    a->total = 0;
    return a;
}

void
arena_free(arena *a)
{
    if (!a)
        return;
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void
arena_reset(arena *a)
{
    /* Keep the oldest block (the standard-sized first one), free the rest. */
    struct block *b = a->head, *keep = NULL;
    while (b) {
        struct block *next = b->next;
        if (next == NULL && b->size == ARENA_BLOCK)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (!keep)
        keep = block_new(ARENA_BLOCK);
    keep->used = 0;
    keep->next = NULL;
    a->head = keep;
    a->total = 0;
}

void *
arena_alloc(arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        oom();
    struct block *b = a->head;
    if (b->size - b->used < need) {
        if (need > ARENA_BLOCK / 4) {
            /* Big request: its own block, linked behind the current one so
            ** the current block keeps serving small requests. */
            struct block *big = block_new(need);
            big->used = need;
            big->next = b->next;
            b->next = big;
            a->total += need;
            memset(big->data, 0, need);
            return big->data;
        }
        b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    memset(p, 0, need);
    return p;
}

void *
arena_grow(arena *a, void *old, size_t oldcap, size_t newcap, size_t elsize)
{
    if (elsize && newcap > SIZE_MAX / elsize)
        oom();
    void *p = arena_alloc(a, newcap * elsize);
    if (old && oldcap)
        memcpy(p, old, (oldcap < newcap ? oldcap : newcap) * elsize);
    return p;
}

char *
arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    /* Most messages are short: format into a stack buffer first and
    ** only format twice when it does not fit. */
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof small)
        return arena_strndup(a, small, (size_t)n);
    char *p = arena_alloc(a, (size_t)n + 1);
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
