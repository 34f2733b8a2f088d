/*
 * The tenant service: which brand a hostname belongs to, and the brand's
 * settings (currency, locale, time zone, VAT rate, branding).
 *
 * Each worker keeps a cache of host -> tenant, filled from MySQL on a miss
 * (unknown hosts are cached too, so a flood of bogus Host headers costs
 * one query per host, up to a bound). Every change to tenants or domains
 * bumps a version counter in Redis; a worker compares it once per request
 * and drops its cache when it moved, so a change shows on the next
 * request without a restart.
 *
 * Cached tenants are owned by the cache and live until it is flushed;
 * callers must not keep pointers beyond the current request.
 */
#ifndef EC_SVC_TENANT_H
#define EC_SVC_TENANT_H

#include <stddef.h>

struct ec_arena;
struct ec_db;
struct ec_kv;
struct json_object;

struct ec_tenant {
    long long id;
    char *slug;
    char *name;
    char *status;            /* "active" or "suspended" */
    char *currency;          /* ISO 4217, e.g. "DKK" */
    char *locale;            /* BCP 47, e.g. "da-DK" */
    char *time_zone;         /* IANA, e.g. "Europe/Copenhagen" */
    int vat_rate_bp;         /* basis points: 2500 = 25 % */
    char *color_primary;     /* "#rrggbb" */
    char *color_on_primary;
    char *color_background;
    char *color_text;
    char *color_accent;
    char *logo_path;         /* under the static root, or NULL */
};

/* Redis key of the version every tenant or domain change bumps. */
#define EC_TENANT_VERSION_KEY "ecom:tenants:version"

/*
 * Redis key of one tenant's data version ("ecom:{slug}:version"), which
 * every write to that tenant's catalog or campaigns bumps; workers drop
 * their cached copy when it moves. The slug in braces is the Redis
 * Cluster hash tag that keeps a tenant's keys on one node. Writes the key
 * to out (size bytes, at least 64) and returns out.
 */
char *ec_tenant_data_version_key(const char *slug, char *out, size_t size);

/* Give the tenant's data a new version: 0 or an ec_err. */
int ec_tenant_bump_data_version(struct ec_kv *kv, const char *slug);

struct ec_tenant_cache;

struct ec_tenant_cache *ec_tenant_cache_new(void);
void ec_tenant_cache_free(struct ec_tenant_cache *c);

/*
 * The tenant serving host (normalised) and its data version, checked
 * against Redis in one round trip when the host is cached: the tenants
 * version (flushing the cache when it moved) and the tenant's data
 * version together. *data_version is "0" when the key does not exist, or
 * NULL when Redis could not be asked and need_redis is 0 (the cache is
 * then used as it is; with need_redis 1 that is EC_ERR_UNAVAILABLE).
 *
 * Returns 0 and *out for an active tenant; EC_ERR_SUSPENDED with *out set
 * for a suspended one; EC_ERR_UNKNOWN_HOST; EC_ERR_UNAVAILABLE when a
 * store it needs is down.
 */
int ec_tenant_resolve(struct ec_tenant_cache *c, struct ec_kv *kv,
                      struct ec_db *db, const char *host, int need_redis,
                      struct ec_arena *a, const struct ec_tenant **out,
                      const char **data_version);

/* Drop every cached entry. */
void ec_tenant_cache_flush(struct ec_tenant_cache *c);

/* A new json-c object with the tenant's public fields and branding. */
struct json_object *ec_tenant_to_json(const struct ec_tenant *t,
                                      const char *static_url);

/* For the command line: set status ("active"/"suspended") of slug.
   0, EC_ERR_NOT_FOUND or EC_ERR_INVALID_FIELD. */
int ec_tenant_set_status(struct ec_db *db, const char *slug,
                         const char *status);

/* New tenants version, so every worker reloads its tenant cache. */
int ec_tenant_bump_version(struct ec_kv *kv);

/* Print "slug<TAB>status<TAB>name<TAB>hosts" lines for every tenant. */
int ec_tenant_list(struct ec_db *db, void (*emit)(const char *line, void *ctx),
                   void *ctx);

#endif
