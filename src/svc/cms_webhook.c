#include "svc/cms_webhook.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "store/kv.h"
#include "svc/cms.h"
#include "svc/invalidate.h"

#define KEY_HEADER "x-contentful-idempotency-key"
#define TOPIC_HEADER "x-contentful-topic"

/* KEYS[1] the seen key; ARGV[1] its TTL in ms. 1 the first time, else 0. */
static const char *const seen_lua =
    "if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then\n"
    "  return 1\n"
    "end\n"
    "return 0\n";
/* KEYS[1] the seen key, forgotten after a failure. */
static const char *const forget_lua = "return redis.call('DEL', KEYS[1])\n";

/* ecom:{<slug>}:cms:seen:<hex SHA-256 of the key>, into out (160 bytes);
   hashed so that no sender's text becomes part of a key. */
static void
seen_key(char out[160], const char *slug, const char *key)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char h[EC_SHA256_SIZE];
    char hex[2 * EC_SHA256_SIZE + 1];

    ec_sha256(key, strlen(key), h);
    for (size_t i = 0; i < sizeof(h); i++) {
        hex[2 * i] = digits[h[i] >> 4];
        hex[2 * i + 1] = digits[h[i] & 15];
    }
    hex[sizeof(hex) - 1] = '\0';
    snprintf(out, 160, "ecom:{%s}:cms:seen:%s", slug, hex);
}

static int
valid_key(const char *k)
{
    size_t n = k ? strlen(k) : 0;

    if (n == 0 || n > EC_CMS_KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] <= 0x20 || (unsigned char)k[i] > 0x7e)
            return 0;
    return 1;
}

/* The webhook secret of tenant_id: 0, or an ec_err with *why. */
static int
secret_of(struct ec_db *db, const struct ec_seal *seal, long long tenant_id,
          const char *slug, unsigned char *out, size_t cap, size_t *len,
          const char **why)
{
    struct ec_cms_settings s;
    int rc = ec_cms_settings_load(db, tenant_id, &s);

    if (rc == EC_ERR_NOT_FOUND)
        *why = "the shop has no CMS settings";
    if (rc < 0)
        return rc;
    if (ec_cms_webhook_secret(seal, slug, &s, out, cap, len) < 0) {
        /* our fault, not the sender's: a key ring without its key */
        *why = "the webhook secret does not open (seal_keys_file)";
        return EC_ERR_INTERNAL;
    }
    return 0;
}

/* Steps 1 to 3 of the header: 0 when the request may be read. */
static int
admit(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
      long long tenant_id, const char *slug, const struct ec_cfsig_request *r,
      int64_t now_ms, char seen[160], const char **why)
{
    unsigned char secret[EC_CMS_SECRET_MAX];
    const char *key = r->header(r->ctx, KEY_HEADER);
    char ttl[32];
    enum ec_cfsig_why w;
    long long first;
    size_t len;
    int rc;

    if ((rc = secret_of(db, seal, tenant_id, slug, secret, sizeof(secret), &len,
                        why)) < 0)
        return rc;
    rc = ec_cfsig_verify(r, secret, len, now_ms, &w);
    ec_mem_wipe(secret, sizeof(secret));
    if (rc < 0) {
        *why = ec_cfsig_why_name(w);
        return rc;
    }
    /* the key need not be among the signed headers (Contentful's
       documentation does not promise that it is): a replay within the
       timestamp's 30 s under another key stores the same version again,
       which changes nothing (the newest version is kept) */
    if (!valid_key(key)) {
        *why = "no idempotency key";
        return EC_ERR_UNAUTHORIZED;
    }
    seen_key(seen, slug, key);
    snprintf(ttl, sizeof(ttl), "%lld", EC_CMS_SEEN_TTL_MS);
    rc = ec_kv_eval(kv, seen_lua, 1, (const char *const[]){seen}, 1,
                    (const char *const[]){ttl}, &first);
    if (rc < 0)
        return rc;
    if (!first) {
        *why = "a replayed idempotency key";
        return EC_ERR_UNAUTHORIZED;
    }
    return 0;
}

/* What a topic asks: 0 with *kind and *deleted, or 1 to ignore it. */
static int
topic_of(const char *topic, enum ec_cms_kind *kind, int *deleted)
{
    static const char prefix[] = "ContentManagement.";
    const char *p;

    if (!topic || strncmp(topic, prefix, sizeof(prefix) - 1) != 0)
        return 1;
    p = topic + sizeof(prefix) - 1;
    if (strncmp(p, "Entry.", 6) == 0)
        *kind = EC_CMS_ENTRY, p += 6;
    else if (strncmp(p, "Asset.", 6) == 0)
        *kind = EC_CMS_ASSET, p += 6;
    else
        return 1;
    if (strcmp(p, "publish") == 0)
        *deleted = 0;
    else if (strcmp(p, "unpublish") == 0 || strcmp(p, "archive") == 0 ||
             strcmp(p, "delete") == 0)
        *deleted = 1;
    else
        return 1;
    return 0;
}

/* Steps 4 and 5, once admitted. */
static int
apply(struct ec_db *db, struct ec_kv *kv, long long tenant_id, const char *slug,
      const struct ec_cfsig_request *r, enum ec_cms_outcome *outcome,
      const char **why)
{
    struct json_tokener *tok;
    struct json_object *o;
    struct ec_cms_item it;
    enum ec_cms_kind kind;
    int deleted, changed, rc;

    *outcome = EC_CMS_IGNORED;
    if (topic_of(r->header(r->ctx, TOPIC_HEADER), &kind, &deleted))
        return 0;
    tok = json_tokener_new();
    o = json_tokener_parse_ex(tok, r->body ? r->body : "", (int)r->len);
    if (!o || json_tokener_get_error(tok) != json_tokener_success ||
        tok->char_offset != (int)r->len) {
        json_tokener_free(tok);
        json_object_put(o);
        *why = "the body is not JSON";
        return EC_ERR_INVALID_JSON;
    }
    json_tokener_free(tok);
    rc = ec_cms_item_read(o, kind, deleted, &it, why);
    if (rc == 0)
        rc = ec_cms_store(db, tenant_id, &it, &changed);
    json_object_put(o);
    if (rc < 0)
        return rc;
    *outcome = changed ? EC_CMS_STORED : EC_CMS_UNCHANGED;
    /* the content is committed; only the workers' caches may lag */
    if (changed && ec_invalidate_data(kv, slug) < 0)
        ec_log_warn("cms: %s changed but workers could not be told", slug);
    return 0;
}

int
ec_cms_webhook(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
               long long tenant_id, const char *slug,
               const struct ec_cfsig_request *r, int64_t now_ms,
               enum ec_cms_outcome *outcome, const char **why)
{
    char seen[160];
    long long n;
    int rc;

    *why = NULL;
    *outcome = EC_CMS_IGNORED;
    if ((rc = admit(db, kv, seal, tenant_id, slug, r, now_ms, seen, why)) < 0)
        return rc;
    rc = apply(db, kv, tenant_id, slug, r, outcome, why);
    if (rc < 0)
        ec_kv_eval(kv, forget_lua, 1, (const char *const[]){seen}, 0, NULL, &n);
    return rc;
}
