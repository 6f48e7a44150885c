/*
** vocab.c -- the concept vocabulary in memory: concepts and the codes that
** name them, found by one hash lookup per code.
**
** Loading the vocabulary from YAML is criteria.c's job (it owns the YAML
** reader); this file only stores and finds.  A record of a few hundred
** observations does a few hundred lookups, so the table is a simple open
** addressing hash of string -> concept, grown at 50 % load.
*/
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct slot {
    const char *key;        /* concept name or coded form; NULL if empty */
    concept *c;
};

struct vocab {
    arena *a;
    concept **items;        /* by index */
    int n, cap;
    struct slot *slots;
    size_t nslots, used;
};

/* FNV-1a: short keys, no adversary that matters here.  32 bits, so a
** record reader can hash a code once for the table and its own memo. */
uint32_t
vocab_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static struct slot *
find_slot_hashed(struct slot *slots, size_t nslots, const char *key, uint32_t h)
{
    size_t i = h & (nslots - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (nslots - 1);
    return &slots[i];
}

static struct slot *
find_slot(struct slot *slots, size_t nslots, const char *key)
{
    return find_slot_hashed(slots, nslots, key, vocab_hash(key));
}

static void
grow_slots(vocab *v)
{
    size_t n = v->nslots ? v->nslots * 2 : 256;
    struct slot *s = xcalloc(n, sizeof *s);
    for (size_t i = 0; i < v->nslots; i++)
        if (v->slots[i].key)
            *find_slot(s, n, v->slots[i].key) = v->slots[i];
    free(v->slots);
    v->slots = s;
    v->nslots = n;
}

static int
put(vocab *v, const char *key, concept *c)
{
    if ((v->used + 1) * 2 > v->nslots)
        grow_slots(v);
    struct slot *s = find_slot(v->slots, v->nslots, key);
    if (s->key)
        return -1;
    s->key = key;
    s->c = c;
    v->used++;
    return 0;
}

vocab *
vocab_new(void)
{
    vocab *v = xcalloc(1, sizeof *v);
    v->a = arena_new();
    grow_slots(v);
    return v;
}

void
vocab_free(vocab *v)
{
    if (!v)
        return;
    arena_free(v->a);
    free(v->items);
    free(v->slots);
    free(v);
}

concept *
vocab_add(vocab *v, const char *name, concept_kind kind, const char *unit,
          ts_error *err)
{
    const concept *old = vocab_find(v, name);
    if (old) {
        if (old->file)
            ts_error_set(err, 0, 0, "concept '%s' is already defined at %s:%d:%d",
                         name, old->file, old->line, old->column);
        else
            ts_error_set(err, 0, 0, "concept '%s' is already defined", name);
        return NULL;
    }
    concept *c = arena_alloc(v->a, sizeof *c);
    c->name = arena_strdup(v->a, name);
    c->label = c->name;
    c->kind = kind;
    c->unit = unit ? arena_strdup(v->a, unit) : NULL;
    c->index = v->n;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->items = xrealloc(v->items, (size_t)v->cap * sizeof *v->items);
    }
    v->items[v->n++] = c;
    put(v, c->name, c);
    return c;
}

int
vocab_add_code(vocab *v, concept *c, const char *code, ts_error *err)
{
    const concept *old = vocab_find(v, code);
    if (old) {
        ts_error_set(err, 0, 0, "code '%s' already names concept '%s'",
                     code, old->name);
        return -1;
    }
    const char *k = arena_strdup(v->a, code);
    const char **codes = arena_grow(v->a, c->codes, (size_t)c->ncodes,
                                    (size_t)c->ncodes + 1, sizeof *codes);
    codes[c->ncodes++] = k;
    c->codes = codes;
    put(v, k, c);
    return 0;
}

const char *
vocab_intern(vocab *v, const char *s)
{
    return s ? arena_strdup(v->a, s) : NULL;
}

const concept *
vocab_find(const vocab *v, const char *code)
{
    if (!code || !*code)
        return NULL;
    struct slot *s = find_slot(v->slots, v->nslots, code);
    return s->key ? s->c : NULL;
}

const concept *
vocab_find_hashed(const vocab *v, const char *code, uint32_t hash)
{
    if (!code || !*code)
        return NULL;
    struct slot *s = find_slot_hashed(v->slots, v->nslots, code, hash);
    return s->key ? s->c : NULL;
}

concept *
vocab_edit(vocab *v, const char *code)
{
    if (!code || !*code)
        return NULL;
    struct slot *s = find_slot(v->slots, v->nslots, code);
    return s->key ? s->c : NULL;
}

const concept *
vocab_at(const vocab *v, int index)
{
    return index >= 0 && index < v->n ? v->items[index] : NULL;
}

int
vocab_count(const vocab *v)
{
    return v->n;
}

/* The one table of concept-kind names: the YAML word and the phrase
** messages use ("'vis' is a derived quantity"). */
static const struct kind_words {
    const char *name, *article;
} kind_words[CK_COUNT] = {
    [CK_OBSERVATION] = { "observation", "an observation" },
    [CK_MEDICATION]  = { "medication",  "a medication" },
    [CK_CONDITION]   = { "condition",   "a condition" },
    [CK_PROCEDURE]   = { "procedure",   "a procedure" },
    [CK_LOCATION]    = { "location",    "a location" },
    [CK_FACT]        = { "fact",        "a fact" },
    [CK_DERIVED]     = { "derived",     "a derived quantity" },
};

const char *
concept_kind_name(concept_kind k)
{
    return k >= 0 && k < CK_COUNT ? kind_words[k].name : "?";
}

const char *
concept_kind_article(concept_kind k)
{
    return k >= 0 && k < CK_COUNT ? kind_words[k].article : "?";
}
