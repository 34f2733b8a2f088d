/*
 * Keeping every worker's caches in step with writes made elsewhere.
 *
 * Workers cache tenants (host -> tenant), catalogs and a sample of each
 * tenant's number pool (svc/number.h). Whoever changes them (ecomctl now,
 * the admin panel and checkout later) publishes on one Redis channel
 * after committing: "tenants" when a tenant or domain changed,
 * "data:<slug>" when one tenant's catalog or campaigns changed (its
 * number sample is read again too), "numbers:<slug>" when numbers of its
 * pool were added or left it (imported, sold, quarantined), and
 * "lock:<slug>:<number>" when a number was locked (the basket's script
 * says it in the same step that takes the lock, svc/basket.c). Each
 * worker stays subscribed on a connection of its own and reads pending
 * messages, without waiting, before it looks at a cache; so the request
 * after a change sees it, and a warm request costs no Redis round trip.
 *
 * While the subscription is down a worker cannot know what it missed:
 * routes that must be current answer 503, and when it comes back every
 * cache is dropped and reloaded.
 */
#ifndef EC_SVC_INVALIDATE_H
#define EC_SVC_INVALIDATE_H

struct ec_catalog_cache;
struct ec_kv;
struct ec_kv_sub;
struct ec_number_cache;
struct ec_tenant_cache;

#define EC_INVALIDATE_CHANNEL "ecom:invalidate"
#define EC_INVALIDATE_LOCK_PREFIX "lock:"

/* Writers: after a commit. 0 or EC_ERR_UNAVAILABLE. */
int ec_invalidate_tenants(struct ec_kv *kv);
int ec_invalidate_data(struct ec_kv *kv, const char *slug);
int ec_invalidate_numbers(struct ec_kv *kv, const char *slug);

/* A worker's caches, each kept by its own service. */
struct ec_caches {
    struct ec_tenant_cache *tenants;
    struct ec_catalog_cache *catalogs;
    struct ec_number_cache *numbers;
};

/*
 * Workers: bring the caches up to date with every message received.
 * Returns 0 when the caches can be trusted, EC_ERR_UNAVAILABLE when the
 * subscription is down (the caches are then as they were).
 */
int ec_invalidate_sync(struct ec_kv_sub *sub, const struct ec_caches *c);

#endif
