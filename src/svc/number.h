/*
 * The number service: each tenant's pool of phone numbers (MSISDNs), the
 * numbers a shopper is offered, and the locks that hold a number while a
 * customer shops. See docs/numbers.md.
 *
 * Invariants:
 *   - a number is kept and passed around in E.164, "+4520123456": '+',
 *     country code, subscriber number, no spaces. For now every pool is
 *     Danish: +45 and 8 digits, the first of them 2-9;
 *   - the pool is durable in MySQL (table numbers, one row per tenant and
 *     number, status available, assigned or quarantined); only available
 *     numbers are ever offered;
 *   - a lock is the Redis key ecom:{<slug>}:lock:<msisdn> (the {slug} hash
 *     tag keeps a tenant's keys on one Cluster slot) whose value is the
 *     owning basket's id and which expires after its TTL. Locks are taken,
 *     extended and released only by the basket's one Lua script per change
 *     (svc/basket.c), with the line that holds the number, and only by the
 *     owner; a lock only keeps shoppers from choosing the same number:
 *     checkout still assigns the number in MySQL with a conditional update,
 *     the final arbiter.
 */
#ifndef EC_SVC_NUMBER_H
#define EC_SVC_NUMBER_H

#include <stddef.h>

struct ec_arena;
struct ec_db;
struct ec_kv;
struct ec_tenant;

#define EC_NUMBER_SIZE 16          /* '+', up to 15 digits, NUL */
#define EC_NUMBER_COUNT_DEFAULT 10 /* numbers offered when count is absent */
#define EC_NUMBER_COUNT_MAX 50
#define EC_NUMBER_CONTAINS_MAX 8   /* digits of a search */
#define EC_NUMBER_CLIENT_MAX 64    /* longest client a rate key takes */
#define EC_NUMBER_LOCK_KEY_SIZE 96 /* room for any lock key */

/* ---- one number ---- */

/*
 * Normalise a Danish number as people write it: "20123456",
 * "+4520123456" or "004520123456" (len bytes of s, no spaces) becomes
 * "+4520123456" in out. Returns 0, or EC_ERR_INVALID_FIELD with a short
 * reason for people in why (NUL-terminated, cut to why_size).
 */
int ec_number_normalise(const char *s, size_t len, char out[EC_NUMBER_SIZE],
                        char *why, size_t why_size);

/* 1 if msisdn is a number as the pool keeps it (normalised), else 0. */
int ec_number_valid(const char *msisdn);

/* "+4520123456" as Danes read it, "20 12 34 56", into out (16 bytes is
   always enough); any other string is copied as it is. */
void ec_number_format_national(const char *msisdn, char *out, size_t size);

/* ---- a pool file: ecomctl numbers import ---- */

/* The numbers of a pool file, parsed and checked, not yet imported. */
struct ec_number_file {
    char (*numbers)[EC_NUMBER_SIZE]; /* distinct, normalised, sorted */
    size_t n;
    size_t repeated; /* lines that repeat a number earlier in the file */
    size_t alloc;
};

/* The first thing wrong with a file: its line (1-based) and why. */
struct ec_number_error {
    size_t line; /* 0: the file as a whole */
    char message[160];
};

void ec_number_file_init(struct ec_number_file *f);
void ec_number_file_release(struct ec_number_file *f);

/*
 * Parse a pool file (text, len bytes): one number per line in any form
 * ec_number_normalise() takes, optionally in double quotes; an optional
 * header line "msisdn" first; blank lines and lines starting with '#'
 * skipped; surrounding blanks and CR ignored; a UTF-8 byte order mark at
 * the start ignored. All or nothing: returns 0 with every number in f, or
 * EC_ERR_INVALID_FIELD with the first bad line in err and f left empty. A
 * file without a single number is an error too (line 0).
 */
int ec_number_file_parse(struct ec_number_file *f, const char *text, size_t len,
                         struct ec_number_error *err);

struct ec_number_import_counts {
    size_t added;   /* new in the pool */
    size_t in_pool; /* skipped: the tenant had them already */
};

/*
 * Add the numbers of f to the tenant's pool as available, in one
 * transaction; numbers the pool holds already (whatever their status) are
 * left as they are and counted. Returns 0 with *out, or a store error
 * with nothing changed.
 */
int ec_number_import(struct ec_db *db, long long tenant_id,
                     const struct ec_number_file *f,
                     struct ec_number_import_counts *out);

/* As ec_number_import(), in the caller's transaction, which the caller
   commits or rolls back: for an import audited in the same one. */
int ec_number_import_in_tx(struct ec_db *db, long long tenant_id,
                           const struct ec_number_file *f,
                           struct ec_number_import_counts *out);

/* ---- the numbers a shopper is offered ---- */

struct ec_number_query {
    unsigned count;                            /* 1 to EC_NUMBER_COUNT_MAX */
    char contains[EC_NUMBER_CONTAINS_MAX + 1]; /* digits, "" = any */
};

/*
 * Check the parameters of a request for numbers: count (NULL: the
 * default; else 1 to 50) and contains (NULL or "": any; else 1 to 8
 * digits, matched anywhere in the 8 national digits). Returns 0 with *q,
 * or EC_ERR_INVALID_FIELD with the parameter's name in *field and a
 * message for people in *message (static strings).
 */
int ec_number_query_parse(struct ec_number_query *q, const char *count,
                          const char *contains, const char **field,
                          const char **message);

/*
 * Up to q->count numbers of tenant t that are available in the pool and
 * not locked in Redis, containing q->contains, different on each call:
 * the next available numbers after a random point of the pool's random
 * order (numbers.pick_key), read as one index range (two when it wraps
 * around), minus the locked ones, found with one MGET. Fewer than
 * q->count when the pool (or the search) has no more free numbers.
 *
 * *out is an arena array of *n arena strings, sorted. Returns 0, or
 * EC_ERR_UNAVAILABLE when MySQL or Redis is down, or another ec_err.
 */
int ec_number_suggest(struct ec_db *db, struct ec_kv *kv,
                      const struct ec_tenant *t,
                      const struct ec_number_query *q, struct ec_arena *a,
                      const char ***out, size_t *n);

/* ---- the numbers a page offers: a sample kept by each worker ---- */

/*
 * A page view must not wait on MySQL, so each worker keeps, per tenant, a
 * sample of the pool's available numbers read from MySQL in one query
 * (EC_NUMBER_SAMPLE_SIZE consecutive numbers of the pool's random order,
 * numbers.pick_key, from a random point), screened against the locks in
 * Redis when read (one MGET), and each view draws a random handful from
 * it. A page view must not wait on Redis either: every lock the shop
 * grants is announced to every worker (svc/invalidate.h, "lock:<slug>:
 * <number>"), and the announced number leaves the sample at once, so a
 * locked number is never offered. While those announcements cannot be
 * trusted (the worker's subscription is down), each view asks Redis which
 * of its draw are locked instead (one MGET), and a drawn number found
 * locked leaves the sample too. A number that left comes back when the
 * sample is read again: when it is older than EC_NUMBER_SAMPLE_TTL_MS,
 * when half of it has left, or when the pool changed (svc/invalidate.h:
 * "numbers:<slug>", "data:<slug>").
 *
 * Invariants of a sample: numbers[0..n) are distinct, valid numbers that
 * were available in the pool when it was read (read_ms), n <= loaded <=
 * EC_NUMBER_SAMPLE_SIZE; valid is 0 until the first read and after a
 * drop, and a sample that is not valid is never offered from.
 */
#define EC_NUMBER_SAMPLE_SIZE 512      /* numbers kept per tenant */
#define EC_NUMBER_SAMPLE_TTL_MS 30000  /* read again after this long */
#define EC_NUMBER_SAMPLE_RETRY_MS 1000 /* at most one early read a second */
#define EC_NUMBER_CACHE_TENANTS 64     /* tenants a worker keeps one for */

struct ec_number_sample {
    char (*numbers)[EC_NUMBER_SIZE]; /* room for EC_NUMBER_SAMPLE_SIZE */
    size_t n;                        /* still offered */
    size_t loaded;                   /* read at the last read */
    long long read_ms;               /* monotonic clock, ms: the last read */
    long long tried_ms; /* the last attempt to read, failed or not */
    int valid;
};

/*
 * Move min(k, s->n) numbers of s, chosen uniformly at random without
 * repeats (a partial Fisher-Yates shuffle driven by seed), to the front
 * of s->numbers; the rest of the sample stays in it. Returns how many.
 */
size_t ec_number_sample_draw(struct ec_number_sample *s, size_t k,
                             unsigned long long seed);

/* Remove msisdn from s, if there; the others stay, in some order. */
void ec_number_sample_take(struct ec_number_sample *s, const char *msisdn);

/*
 * Remove from s the drawn numbers numbers[i] (i < w, the count
 * ec_number_sample_draw() returned) whose locked[i] is non-zero; the
 * other numbers stay, in some order. Pointers into s->numbers are stale
 * afterwards.
 */
void ec_number_sample_remove(struct ec_number_sample *s, size_t w,
                             const unsigned char *locked);

/*
 * 1 when s must be read again at now_ms: never read or dropped; older
 * than the TTL; or half of what was read has left. A sample read (or
 * tried) less than EC_NUMBER_SAMPLE_RETRY_MS ago is read again only when
 * it is not valid, so a pool mostly locked, or MySQL down, costs one
 * query a second at most.
 */
int ec_number_sample_stale(const struct ec_number_sample *s, long long now_ms);

/* A worker's samples, one per tenant, at most EC_NUMBER_CACHE_TENANTS
   (the oldest goes): bounded to about 64 x 8 KiB. */
struct ec_number_cache;

struct ec_number_cache *ec_number_cache_new(void);
void ec_number_cache_free(struct ec_number_cache *nc);
/* The pool of tenant slug changed: its sample is read before next use. */
void ec_number_cache_drop(struct ec_number_cache *nc, const char *slug);
/* Every pool may have changed. */
void ec_number_cache_clear(struct ec_number_cache *nc);
/* msisdn of tenant slug was locked: it leaves the sample, if there. */
void ec_number_cache_locked(struct ec_number_cache *nc, const char *slug,
                            const char *msisdn);
/*
 * Whether lock announcements reach nc (the worker's subscription is up
 * and read to its end): without them each view asks Redis for the locks
 * of what it draws.
 */
void ec_number_cache_announced(struct ec_number_cache *nc, int on);

/*
 * What a page offers: up to q->count numbers of tenant t that are
 * available and not locked, a different random draw on each call, sorted.
 * Without q->contains they come from the worker's sample in nc (no MySQL
 * query unless the sample must be read again, no Redis call while lock
 * announcements reach nc, one MGET while they do not); a digit search
 * goes to MySQL (ec_number_suggest()), as a sample of a few hundred
 * numbers would find few of the pool's matches. Fewer than q->count when
 * the pool has no more free numbers, or when more than q->count + 20 of
 * the numbers drawn are locked. *out and *n as ec_number_suggest().
 * Returns 0, EC_ERR_UNAVAILABLE, or another ec_err; when the sample is
 * only old and MySQL cannot be asked, the old one is offered from.
 */
int ec_number_offer(struct ec_number_cache *nc, struct ec_db *db,
                    struct ec_kv *kv, const struct ec_tenant *t,
                    const struct ec_number_query *q, struct ec_arena *a,
                    const char ***out, size_t *n);

/*
 * Whether msisdn may be chosen in tenant tenant_id: 0 when the pool holds
 * it as available; EC_ERR_NUMBER_TAKEN when the pool holds it assigned or
 * quarantined; EC_ERR_NOT_FOUND when the pool does not hold it; or
 * EC_ERR_UNAVAILABLE. One primary-key lookup.
 */
int ec_number_check_available(struct ec_db *db, long long tenant_id,
                              const char *msisdn);

/* ---- locks ---- */

/*
 * How many of tenant slug's numbers are locked by baskets now, for the
 * admin panel's overview: a bounded walk of the lock keys (SCAN, never
 * KEYS: ec_kv_count_matching()), so *complete is 0 when the keyspace was
 * too big to walk whole and *n is then a lower bound. 0 or an ec_err.
 */
int ec_number_locked_count(struct ec_kv *kv, const char *slug, long long *n,
                           int *complete);

/*
 * Each number of tenant slug locked by a basket now, to fn (msisdn valid
 * during the call only), found by the same bounded walk as
 * ec_number_locked_count(): *complete is 0 when the keyspace was too big
 * to walk whole, and a number may come twice. 0 or an ec_err.
 */
typedef void (*ec_number_locked_fn)(const char *msisdn, void *ctx);
int ec_number_locked_each(struct ec_kv *kv, const char *slug,
                          ec_number_locked_fn fn, void *ctx, int *complete);

/*
 * The Redis key of the lock on msisdn in the tenant slug, into out:
 * "ecom:{nordlys}:lock:+4520123456". 0, or EC_ERR_INVALID_FIELD when
 * msisdn is not a valid number or the key does not fit.
 */
int ec_number_lock_key(char *out, size_t size, const char *slug,
                       const char *msisdn);

/*
 * A limit on new locks per client address: at most max locks in a fixed
 * window of window_ms (starting with the client's first lock in it),
 * counted in the Redis key ecom:{<slug>}:lockrate:<client>. max 0 or
 * client NULL: no limit. The basket applies it in the script that stores
 * a line with its number (svc/basket.c).
 */
struct ec_number_rate {
    const char *client;
    unsigned max;
    long long window_ms;
};

/*
 * The key that counts client's locks in tenant slug, into out. 0, or
 * EC_ERR_INVALID_FIELD for a malformed slug or client (1 to 64 bytes, no
 * blanks) or a key that does not fit.
 */
int ec_number_rate_key(char *out, size_t size, const char *slug,
                       const char *client);

#endif
