#include "svc/invalidate.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/kv.h"
#include "svc/catalog.h"
#include "svc/number.h"
#include "svc/tenant.h"

#define DATA_PREFIX "data:"
#define NUMBERS_PREFIX "numbers:"
#define LOCK_PREFIX EC_INVALIDATE_LOCK_PREFIX

/*
 * Publish msg, then wait until every subscriber has it: Redis writes the
 * replies of one round of its event loop together, the publisher's
 * first, so a PUBLISH's reply can reach us before a busy (or descheduled)
 * Redis has written the message to the workers' subscriptions, and the
 * next request, served at once by another worker, would find its cache
 * unchanged. A PING is read only in a later round, after every write of
 * the PUBLISH's round: its answer means every worker's socket holds the
 * message.
 */
static int
publish(struct ec_kv *kv, const char *msg)
{
    int rc = ec_kv_publish(kv, EC_INVALIDATE_CHANNEL, msg);

    return rc < 0 ? rc : ec_kv_ping(kv);
}

int
ec_invalidate_tenants(struct ec_kv *kv)
{
    return publish(kv, "tenants");
}

int
ec_invalidate_data(struct ec_kv *kv, const char *slug)
{
    char msg[128];

    snprintf(msg, sizeof(msg), DATA_PREFIX "%s", slug);
    return publish(kv, msg);
}

int
ec_invalidate_numbers(struct ec_kv *kv, const char *slug)
{
    char msg[128];

    snprintf(msg, sizeof(msg), NUMBERS_PREFIX "%s", slug);
    return publish(kv, msg);
}

/* The slug of "<prefix><slug>" into slug; 0 if msg is not one. */
static int
slug_of(const char *msg, size_t len, const char *prefix, char *slug,
        size_t size)
{
    size_t plen = strlen(prefix);

    if (len <= plen || len - plen >= size || memcmp(msg, prefix, plen) != 0)
        return 0;
    memcpy(slug, msg + plen, len - plen);
    slug[len - plen] = '\0';
    return 1;
}

/* "lock:<slug>:<number>" into slug and msisdn; 0 if msg is not one. */
static int
lock_of(const char *msg, size_t len, char *slug, size_t size, char *msisdn,
        size_t msize)
{
    size_t plen = strlen(LOCK_PREFIX);
    const char *colon;

    if (len <= plen || memcmp(msg, LOCK_PREFIX, plen) != 0)
        return 0;
    msg += plen;
    len -= plen;
    colon = memchr(msg, ':', len);
    if (!colon || colon == msg || (size_t)(colon - msg) >= size ||
        len - (size_t)(colon - msg) - 1 >= msize)
        return 0;
    memcpy(slug, msg, (size_t)(colon - msg));
    slug[colon - msg] = '\0';
    len -= (size_t)(colon - msg) + 1;
    memcpy(msisdn, colon + 1, len);
    msisdn[len] = '\0';
    return 1;
}

static void
apply(const char *msg, size_t len, void *ctx)
{
    const struct ec_caches *c = ctx;
    char slug[64], msisdn[32];

    /* the most frequent message: a number locked by some basket */
    if (lock_of(msg, len, slug, sizeof(slug), msisdn, sizeof(msisdn))) {
        ec_number_cache_locked(c->numbers, slug, msisdn);
        return;
    }
    if (slug_of(msg, len, NUMBERS_PREFIX, slug, sizeof(slug))) {
        ec_number_cache_drop(c->numbers, slug);
        return;
    }
    /* a catalog import may come with a pool change: both are read again */
    if (slug_of(msg, len, DATA_PREFIX, slug, sizeof(slug))) {
        ec_catalog_cache_drop(c->catalogs, slug);
        ec_number_cache_drop(c->numbers, slug);
        return;
    }
    /* "tenants", or anything we do not know: drop it all, to be safe.
       A tenant row feeds what catalogs show (currency, locale, VAT). */
    ec_tenant_cache_flush(c->tenants);
    ec_catalog_cache_clear(c->catalogs);
    ec_number_cache_clear(c->numbers);
}

int
ec_invalidate_sync(struct ec_kv_sub *sub, const struct ec_caches *c)
{
    int rc, attempt;

    /* a subscription found dead (Redis restarted) is renewed at once */
    for (attempt = 0; attempt < 2; attempt++) {
        rc = ec_kv_sub_ensure(sub);
        if (rc < 0)
            break;
        if (rc == 1) {
            /* (re)subscribed: whatever was said meanwhile is lost */
            ec_tenant_cache_flush(c->tenants);
            ec_catalog_cache_clear(c->catalogs);
            ec_number_cache_clear(c->numbers);
        }
        rc = ec_kv_sub_poll(sub, apply, (void *)c);
        if (rc == 0) {
            ec_number_cache_announced(c->numbers, 1);
            return 0;
        }
    }
    ec_number_cache_announced(c->numbers, 0);
    return rc;
}
