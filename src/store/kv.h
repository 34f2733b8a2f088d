/*
 * ec_kv: a worker's one Redis connection, opened lazily.
 *
 * Like ec_db, a failure (refused, timeout, protocol error) closes the
 * connection and answers EC_ERR_UNAVAILABLE; the next call reconnects. The
 * interface speaks in C strings and integers so that services never see
 * hiredis types.
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
};

struct ec_kv *ec_kv_new(const struct ec_kv_config *cfg);
void ec_kv_free(struct ec_kv *kv);

/* Connect now if not connected: 0 or EC_ERR_UNAVAILABLE. */
int ec_kv_connect(struct ec_kv *kv);

/* PING: 0 or EC_ERR_UNAVAILABLE. */
int ec_kv_ping(struct ec_kv *kv);

/*
 * GET key into arena memory: 0 with *out (NUL-terminated) and *len,
 * EC_ERR_NOT_FOUND when the key does not exist, EC_ERR_UNAVAILABLE.
 */
int ec_kv_get(struct ec_kv *kv, const char *key, struct ec_arena *a,
              char **out, size_t *len);

/*
 * MGET: the values of n keys in one round trip, into arena memory; vals[i]
 * is NULL for a key that does not exist. 0 or an ec_err.
 */
int ec_kv_mget(struct ec_kv *kv, const char *const *keys, size_t n,
               struct ec_arena *a, char **vals);

/* INCR key: 0 with the new value in *out (may be NULL), or an ec_err. */
int ec_kv_incr(struct ec_kv *kv, const char *key, long long *out);

/* SET key value [PX ttl_ms] (ttl_ms 0 = no expiry): 0 or an ec_err. */
int ec_kv_set(struct ec_kv *kv, const char *key, const char *value,
              size_t len, long long ttl_ms);

/* DEL key: 0 or an ec_err. */
int ec_kv_del(struct ec_kv *kv, const char *key);

#endif
