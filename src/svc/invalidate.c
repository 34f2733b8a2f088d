#include "svc/invalidate.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/kv.h"
#include "svc/catalog.h"
#include "svc/tenant.h"

#define DATA_PREFIX "data:"

int
ec_invalidate_tenants(struct ec_kv *kv)
{
    return ec_kv_publish(kv, EC_INVALIDATE_CHANNEL, "tenants");
}

int
ec_invalidate_data(struct ec_kv *kv, const char *slug)
{
    char msg[128];

    snprintf(msg, sizeof(msg), DATA_PREFIX "%s", slug);
    return ec_kv_publish(kv, EC_INVALIDATE_CHANNEL, msg);
}

struct caches {
    struct ec_tenant_cache *tenants;
    struct ec_catalog_cache *catalogs;
};

static void
apply(const char *msg, size_t len, void *ctx)
{
    struct caches *c = ctx;
    size_t plen = strlen(DATA_PREFIX);
    char slug[64];

    if (len > plen && len - plen < sizeof(slug) &&
        memcmp(msg, DATA_PREFIX, plen) == 0) {
        memcpy(slug, msg + plen, len - plen);
        slug[len - plen] = '\0';
        ec_catalog_cache_drop(c->catalogs, slug);
        return;
    }
    /* "tenants", or anything we do not know: drop it all, to be safe.
       A tenant row feeds what catalogs show (currency, locale, VAT). */
    ec_tenant_cache_flush(c->tenants);
    ec_catalog_cache_clear(c->catalogs);
}

int
ec_invalidate_sync(struct ec_kv_sub *sub, struct ec_tenant_cache *tenants,
                   struct ec_catalog_cache *catalogs)
{
    struct caches c = {tenants, catalogs};
    int rc, attempt;

    /* a subscription found dead (Redis restarted) is renewed at once */
    for (attempt = 0; attempt < 2; attempt++) {
        rc = ec_kv_sub_ensure(sub);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            /* (re)subscribed: whatever was said meanwhile is lost */
            ec_tenant_cache_flush(tenants);
            ec_catalog_cache_clear(catalogs);
        }
        rc = ec_kv_sub_poll(sub, apply, &c);
        if (rc == 0)
            return 0;
    }
    return rc;
}
