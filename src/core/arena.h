/*
 * ec_arena: a per-request memory pool, after nginx's ngx_pool_t.
 *
 * Everything a request allocates comes from its arena and is released in
 * one go by ec_arena_reset() at the end of the request. Resources that are
 * not arena memory (a json-c object, a MySQL result) are tied to the arena
 * with ec_arena_cleanup(); cleanups run in reverse order of registration
 * on reset and on free.
 *
 * Invariants:
 *   - allocations are aligned for any C type (max_align_t);
 *   - reset keeps the first block so a worker does not call malloc for a
 *     typical request; larger blocks are returned to the system;
 *   - allocation never fails (out-of-memory aborts the worker).
 */
#ifndef EC_CORE_ARENA_H
#define EC_CORE_ARENA_H

#include <stddef.h>

struct ec_arena_block;
struct ec_arena_cleanup;

struct ec_arena {
    struct ec_arena_block *head;  /* block allocations come from */
    struct ec_arena_block *first; /* kept across resets */
    struct ec_arena_cleanup *cleanups;
    size_t block_size;
    size_t allocated; /* bytes handed out since reset */
};

typedef void (*ec_cleanup_fn)(void *data);

/* Prepare an arena whose blocks are block_size bytes (0 = default 16 KiB). */
void ec_arena_init(struct ec_arena *a, size_t block_size);

/* Run cleanups, free every block. The arena may be initialised again. */
void ec_arena_release(struct ec_arena *a);

/* Run cleanups and forget every allocation, keeping the first block. */
void ec_arena_reset(struct ec_arena *a);

/* n bytes, aligned, uninitialised. Valid until the next reset. */
void *ec_arena_alloc(struct ec_arena *a, size_t n);

/* count * size zeroed bytes; aborts on multiplication overflow. */
void *ec_arena_calloc(struct ec_arena *a, size_t count, size_t size);

/* A NUL-terminated copy of the first n bytes of s. */
char *ec_arena_strndup(struct ec_arena *a, const char *s, size_t n);
char *ec_arena_strdup(struct ec_arena *a, const char *s);

/* printf into arena memory. */
char *ec_arena_printf(struct ec_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Call fn(data) when the arena is reset or released. */
void ec_arena_cleanup(struct ec_arena *a, ec_cleanup_fn fn, void *data);

#endif
