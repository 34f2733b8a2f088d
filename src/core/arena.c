#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define EC_ARENA_DEFAULT_BLOCK (16 * 1024)
#define EC_ALIGN _Alignof(max_align_t)

struct ec_arena_block {
    struct ec_arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

struct ec_arena_cleanup {
    struct ec_arena_cleanup *next;
    ec_cleanup_fn fn;
    void *data;
};

static struct ec_arena_block *
block_new(size_t size)
{
    struct ec_arena_block *b;

    if (size > SIZE_MAX - sizeof(*b))
        ec_die("arena block size overflow");
    b = ec_xmalloc(sizeof(*b) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void
ec_arena_init(struct ec_arena *a, size_t block_size)
{
    a->block_size = block_size ? block_size : EC_ARENA_DEFAULT_BLOCK;
    a->first = block_new(a->block_size);
    a->head = a->first;
    a->cleanups = NULL;
    a->allocated = 0;
}

static void
run_cleanups(struct ec_arena *a)
{
    struct ec_arena_cleanup *c;

    /* A cleanup may not register another one: take the list first. */
    while ((c = a->cleanups) != NULL) {
        a->cleanups = c->next;
        c->fn(c->data);
    }
}

static void
free_blocks_after_first(struct ec_arena *a)
{
    struct ec_arena_block *b = a->head, *next;

    while (b && b != a->first) {
        next = b->next;
        free(b);
        b = next;
    }
}

void
ec_arena_reset(struct ec_arena *a)
{
    run_cleanups(a);
    free_blocks_after_first(a);
    a->head = a->first;
    a->first->next = NULL;
    a->first->used = 0;
    a->allocated = 0;
}

void
ec_arena_release(struct ec_arena *a)
{
    ec_arena_reset(a);
    free(a->first);
    a->first = a->head = NULL;
}

void *
ec_arena_alloc(struct ec_arena *a, size_t n)
{
    struct ec_arena_block *b = a->head;
    size_t off, size;

    if (n > SIZE_MAX - EC_ALIGN)
        ec_die("arena allocation overflow");
    n = n ? n : 1;
    off = (b->used + EC_ALIGN - 1) & ~(EC_ALIGN - 1);
    if (off > b->size || n > b->size - off) {
        size = n > a->block_size / 4 ? n : a->block_size;
        b = block_new(size);
        b->next = a->head;
        a->head = b;
        off = 0;
    }
    b->used = off + n;
    a->allocated += n;
    return b->data + off;
}

void *
ec_arena_calloc(struct ec_arena *a, size_t count, size_t size)
{
    void *p;

    if (size && count > SIZE_MAX / size)
        ec_die("arena calloc overflow");
    p = ec_arena_alloc(a, count * size);
    memset(p, 0, count * size);
    return p;
}

char *
ec_arena_strndup(struct ec_arena *a, const char *s, size_t n)
{
    char *p = ec_arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
ec_arena_strdup(struct ec_arena *a, const char *s)
{
    return ec_arena_strndup(a, s, strlen(s));
}

char *
ec_arena_printf(struct ec_arena *a, const char *fmt, ...)
{
    va_list ap, cp;
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        ec_die("vsnprintf failed");
    p = ec_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
ec_arena_cleanup(struct ec_arena *a, ec_cleanup_fn fn, void *data)
{
    struct ec_arena_cleanup *c = ec_arena_alloc(a, sizeof(*c));

    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
}
