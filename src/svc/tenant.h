/*
 * The tenant service: which brand a hostname belongs to, and the brand's
 * settings (currency, locale, time zone, VAT rate, branding).
 *
 * Each worker keeps a cache of host -> tenant, filled from MySQL on a miss
 * (unknown hosts are cached too, so a flood of bogus Host headers costs
 * one query per host, up to a bound). Whoever changes tenants or domains
 * says so through svc/invalidate.h, and every worker drops its cache
 * before its next request, so a change shows without a restart.
 *
 * Cached tenants are owned by the cache and live until it is flushed;
 * callers must not keep pointers beyond the current request.
 */
#ifndef EC_SVC_TENANT_H
#define EC_SVC_TENANT_H

#include <stddef.h>

struct ec_arena;
struct ec_db;
struct ec_tztime_zone;
struct ec_kv;
struct json_object;

struct ec_tenant {
    long long id;
    char *slug;
    char *name;
    char *status;        /* "active" or "suspended" */
    char *currency;      /* ISO 4217, e.g. "DKK" */
    char *locale;        /* BCP 47, e.g. "da-DK" */
    char *time_zone;     /* IANA, e.g. "Europe/Copenhagen" */
    int vat_rate_bp;     /* basis points: 2500 = 25 % */
    char *color_primary; /* "#rrggbb" */
    char *color_on_primary;
    char *color_background;
    char *color_text;
    char *color_accent;
    char *logo_path;             /* under the static root, or NULL */
    struct ec_tztime_zone *zone; /* time_zone loaded; UTC if unknown */
    int mitid;                   /* has a MitID broker (svc/mitid.h) */
    int mitid_required;          /* a verified identity (MitID) before a
                                    subscription is ordered */
};

struct ec_tenant_cache;

struct ec_tenant_cache *ec_tenant_cache_new(void);
void ec_tenant_cache_free(struct ec_tenant_cache *c);

/* Drop every cached entry. */
void ec_tenant_cache_flush(struct ec_tenant_cache *c);

/*
 * The tenant serving host (normalised), from the cache or MySQL. Returns
 * 0 and *out for an active tenant; EC_ERR_SUSPENDED with *out set for a
 * suspended one; EC_ERR_UNKNOWN_HOST; or EC_ERR_UNAVAILABLE when MySQL is
 * down and the host is not cached.
 */
int ec_tenant_resolve(struct ec_tenant_cache *c, struct ec_db *db,
                      const char *host, const struct ec_tenant **out);

/*
 * The tenant with this slug, for tools (no cache): 0 and a tenant the
 * caller frees with ec_tenant_free(), EC_ERR_NOT_FOUND, or a store error.
 */
int ec_tenant_load(struct ec_db *db, const char *slug, struct ec_tenant **out);
void ec_tenant_free(struct ec_tenant *t);

/* A new json-c object with the tenant's public fields and branding. */
struct json_object *ec_tenant_to_json(const struct ec_tenant *t,
                                      const char *static_url);

/* For the command line: set status ("active"/"suspended") of slug.
   0, EC_ERR_NOT_FOUND or EC_ERR_INVALID_FIELD. */
int ec_tenant_set_status(struct ec_db *db, const char *slug,
                         const char *status);

/* A tenant as a list of the platform's tenants shows it; borrowed for
   the call of an ec_tenant_row_fn only. */
struct ec_tenant_row {
    const char *slug;
    const char *name;
    const char *status;
    const char *locale;
    const char *hosts; /* comma-separated, the primary first; "" for none */
};

/* Called per tenant of ec_tenant_each(); non-zero stops it. */
typedef int (*ec_tenant_row_fn)(const struct ec_tenant_row *t, void *ctx);

/* Every tenant by slug, to fn: 0, fn's non-zero value or a store error.
   Operators' reads across tenants only (the panel's tenants screen). */
int ec_tenant_each(struct ec_db *db, ec_tenant_row_fn fn, void *ctx);

/* Print "slug<TAB>status<TAB>name<TAB>hosts" lines for every tenant. */
int ec_tenant_list(struct ec_db *db, void (*emit)(const char *line, void *ctx),
                   void *ctx);

#endif
