/*
 * ec_kv: a worker's one Redis connection, opened lazily.
 *
 * Like ec_db, a failure (refused, timeout, protocol error) closes the
 * connection and answers EC_ERR_UNAVAILABLE; the next call reconnects. An
 * error reply of any command is translated by ec_kv_error_of(), and only
 * there. The interface speaks in C strings and integers so that services
 * never see hiredis types.
 */
#ifndef EC_STORE_KV_H
#define EC_STORE_KV_H

#include <stddef.h>

struct ec_arena;
struct ec_kv;

struct ec_kv_config {
    const char *host;
    unsigned port;
    unsigned connect_timeout_ms;
    unsigned timeout_ms;
    const char *user;     /* ACL user for AUTH; NULL = "default" */
    const char *password; /* NULL or "": no AUTH; never logged */
};

struct ec_kv *ec_kv_new(const struct ec_kv_config *cfg);
void ec_kv_free(struct ec_kv *kv);

/*
 * The ec_err for a Redis error reply, from its text: EC_ERR_UNAVAILABLE
 * (503 with Retry-After) when the server cannot serve for now and a retry
 * later will do (LOADING its append-only file after a restart, BUSY with a
 * long script, READONLY or MASTERDOWN around a failover, OOM at maxmemory,
 * MISCONF, NOREPLICAS, TRYAGAIN, CLUSTERDOWN); EC_ERR_INTERNAL for any
 * other (WRONGTYPE, a script's error, NOAUTH: a bug or a misconfiguration,
 * which a retry does not mend).
 */
int ec_kv_error_of(const char *reply);

/*
 * Connect now if not connected: 0 or EC_ERR_UNAVAILABLE. With a password in
 * the configuration every new connection (the command one and the
 * subscription one alike) authenticates first; a refused AUTH is logged
 * (without the password) and answers EC_ERR_UNAVAILABLE, as a refused
 * connection does.
 */
int ec_kv_connect(struct ec_kv *kv);

/* PING: 0 or EC_ERR_UNAVAILABLE. */
int ec_kv_ping(struct ec_kv *kv);

/*
 * GET key into arena memory: 0 with *out (NUL-terminated) and *len,
 * EC_ERR_NOT_FOUND when the key does not exist, EC_ERR_UNAVAILABLE.
 */
int ec_kv_get(struct ec_kv *kv, const char *key, struct ec_arena *a, char **out,
              size_t *len);

/* GETDEL: as ec_kv_get(), and the key is gone afterwards (a value that
   may be used once). */
int ec_kv_getdel(struct ec_kv *kv, const char *key, struct ec_arena *a,
                 char **out, size_t *len);

/* SET key value PX ttl_ms: 0 or an ec_err. */
int ec_kv_set_px(struct ec_kv *kv, const char *key, const char *value,
                 long long ttl_ms);

/*
 * MGET: the values of n keys in one round trip (give keys sharing a {hash
 * tag} so a Redis Cluster can answer it), into arena memory; vals[i] is
 * NULL for a key that does not exist (or holds another type than a
 * string). n is 1 to EC_KV_MANY_MAX. 0 or an ec_err.
 */
#define EC_KV_MANY_MAX 1024
int ec_kv_mget(struct ec_kv *kv, const char *const *keys, size_t n,
               struct ec_arena *a, char **vals);

/*
 * Count the keys matching pattern with SCAN, COUNT 1000 a call, at most
 * max_calls calls, so no call blocks Redis for long and the whole count
 * is bounded however big the keyspace: *n the keys seen, *complete 1
 * when the walk finished (else *n is a lower bound). A key may be
 * counted twice if it moved while the walk ran (SCAN's own guarantee).
 * 0 or an ec_err.
 */
int ec_kv_count_matching(struct ec_kv *kv, const char *pattern,
                         unsigned max_calls, long long *n, int *complete);

/*
 * The keys matching pattern, walked as ec_kv_count_matching() walks them
 * (SCAN, COUNT 1000 a call, at most max_calls calls): fn gets each key
 * (len bytes, not NUL-terminated, valid only during the call), the same
 * key possibly twice. *complete is 1 when the walk finished. 0 or an
 * ec_err.
 */
typedef void (*ec_kv_key_fn)(const char *key, size_t len, void *ctx);
int ec_kv_scan(struct ec_kv *kv, const char *pattern, unsigned max_calls,
               ec_kv_key_fn fn, void *ctx, int *complete);

/* PUBLISH message on channel: 0 or an ec_err. */
int ec_kv_publish(struct ec_kv *kv, const char *channel, const char *message);

/*
 * Run a Lua script whose reply is an integer: EVALSHA with the script's
 * SHA-1, and EVAL (which loads it) when the server answers NOSCRIPT, so a
 * script costs one round trip once Redis knows it. script must be a string
 * literal (its digest is cached by address). keys and args are C strings
 * (nkeys and nargs up to 16 each). 0 with the integer in *out, or an
 * ec_err: EC_ERR_UNAVAILABLE when Redis is down, or when its error reply
 * says so (ec_kv_error_of()), EC_ERR_INTERNAL for a script error or a
 * non-integer reply.
 */
int ec_kv_eval(struct ec_kv *kv, const char *script, size_t nkeys,
               const char *const *keys, size_t nargs, const char *const *args,
               long long *out);

/*
 * Run a Lua script whose reply is a list (of at most max entries) of
 * strings, as ec_kv_eval() does: 0 with *n entries in vals, each a
 * NUL-terminated copy in arena a or NULL for an entry that is not a
 * string (Lua's false, a nil of HMGET); EC_ERR_INTERNAL for any other
 * reply; or as ec_kv_eval().
 */
int ec_kv_eval_strs(struct ec_kv *kv, const char *script, size_t nkeys,
                    const char *const *keys, size_t nargs,
                    const char *const *args, struct ec_arena *a, char **vals,
                    size_t max, size_t *n);

/*
 * ec_kv_sub: a second connection that stays subscribed to one channel, so
 * a worker learns of writes made elsewhere without asking Redis on every
 * request. It is read without blocking, between requests' work.
 */
struct ec_kv_sub;

struct ec_kv_sub *ec_kv_sub_new(const struct ec_kv_config *cfg,
                                const char *channel);
void ec_kv_sub_free(struct ec_kv_sub *s);

/*
 * Make sure the subscription is live. Returns 0 if it already was, 1 if it
 * was (re)established just now (messages sent while it was down are lost:
 * the caller must assume anything changed), EC_ERR_UNAVAILABLE if Redis
 * cannot be reached.
 */
int ec_kv_sub_ensure(struct ec_kv_sub *s);

typedef void (*ec_kv_message_fn)(const char *message, size_t len, void *ctx);

/*
 * Hand every message already received to fn, without waiting for more.
 * Returns 0, or EC_ERR_UNAVAILABLE if the connection was lost (it is then
 * closed; the next ec_kv_sub_ensure() reconnects).
 */
int ec_kv_sub_poll(struct ec_kv_sub *s, ec_kv_message_fn fn, void *ctx);

#endif
