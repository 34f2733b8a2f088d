/*
 * Contentful's webhooks into a tenant's copy of its content
 * (POST /hooks/contentful/{slug}; docs/cms.md).
 *
 * In order, and nothing is parsed or changed before the first three pass:
 *   1. the tenant has CMS settings (else EC_ERR_NOT_FOUND);
 *   2. the request verifies under its webhook secret (core/cfsig.h: the
 *      signature, a signed timestamp within 30 s), else
 *      EC_ERR_UNAUTHORIZED;
 *   3. x-contentful-idempotency-key is signed and seen for the first
 *      time: it is remembered in Redis for EC_CMS_SEEN_TTL_MS, longer
 *      than a timestamp stays fresh, so a replay is EC_ERR_UNAUTHORIZED;
 *   4. the topic (x-contentful-topic) says what happened: an entry's or
 *      asset's publish stores it, its unpublish, archive or delete stores
 *      a tombstone, anything else is accepted and ignored;
 *   5. the body is one entry or asset, stored through ec_cms_store()
 *      (newest version wins); when it changed the copy, workers are told
 *      (svc/invalidate.h, "data:<slug>").
 * A failure after step 3 forgets the key again, so the sender's retry
 * is not taken for a replay; the answer is 2xx only once the effect is
 * committed.
 */
#ifndef EC_SVC_CMS_WEBHOOK_H
#define EC_SVC_CMS_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/cfsig.h"

struct ec_db;
struct ec_kv;
struct ec_seal;

#define EC_CMS_SEEN_TTL_MS (10LL * 60 * 1000)
#define EC_CMS_KEY_MAX 128 /* a longer idempotency key is refused */

enum ec_cms_outcome {
    EC_CMS_IGNORED,   /* a topic we do not keep */
    EC_CMS_UNCHANGED, /* an item older than the one stored */
    EC_CMS_STORED     /* the copy changed */
};

/*
 * Handle the webhook r for tenant_id (slug). 0 with *outcome; or
 * EC_ERR_NOT_FOUND, EC_ERR_UNAUTHORIZED, EC_ERR_INVALID_JSON,
 * EC_ERR_INVALID_FIELD, a store error; *why (never a secret) says why
 * for the log.
 */
int ec_cms_webhook(struct ec_db *db, struct ec_kv *kv,
                   const struct ec_seal *seal, long long tenant_id,
                   const char *slug, const struct ec_cfsig_request *r,
                   int64_t now_ms, enum ec_cms_outcome *outcome,
                   const char **why);

#endif
