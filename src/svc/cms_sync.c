#include "svc/cms_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "net/https.h"
#include "store/db.h"
#include "svc/cms.h"

/* What one sync gathered before anything is written. */
struct gathered {
    struct json_object *items; /* array, in the order they came */
    char token[1025];          /* the next sync token */
};

/* The sync_token parameter of url into out (size bytes): 0 or -1. */
static int
token_of(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "sync_token=");
    size_t n;

    if (!p)
        return -1;
    p += strlen("sync_token=");
    n = strcspn(p, "&#");
    if (n == 0 || n >= size)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
            return -1;
    return 0;
}

static const char *
str_of(struct json_object *o, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* One page at url into g; *next gets the next page's URL (arena of the
   caller's buf) or NULL when the page ended the sync. */
static int
fetch_page(const struct ec_cms_sync_conf *conf, const char *auth,
           const char *url, struct gathered *g, struct ec_buf *next,
           const char **why)
{
    struct ec_https_opts opts = {conf->ca_file, 0, 30000, EC_CMS_SYNC_PAGE_MAX,
                                 NULL};
    const char *headers[] = {auth, NULL};
    struct ec_https_resp resp;
    struct json_object *page, *items;
    const char *u;
    int rc;

    ec_https_resp_init(&resp);
    rc = ec_https_get_with(&opts, url, headers, &resp);
    if (rc == 0 && resp.status != 200) {
        *why = resp.status == 401 ? "Contentful refused the delivery token"
                                  : "Contentful answered an error";
        rc = EC_ERR_UNAVAILABLE;
    } else if (rc < 0) {
        *why = "Contentful did not answer";
    }
    page = rc == 0 ? json_tokener_parse(resp.body.data) : NULL;
    ec_https_resp_release(&resp);
    if (rc < 0)
        return rc;
    if (!page || !json_object_object_get_ex(page, "items", &items) ||
        !json_object_is_type(items, json_type_array)) {
        json_object_put(page);
        *why = "the answer is not a Sync API page";
        return EC_ERR_INVALID_JSON;
    }
    for (size_t i = 0; i < json_object_array_length(items); i++)
        json_object_array_add(
            g->items, json_object_get(json_object_array_get_idx(items, i)));
    ec_buf_reset(next);
    if ((u = str_of(page, "nextPageUrl"))) {
        ec_buf_adds(next, u);
    } else if (!(u = str_of(page, "nextSyncUrl")) ||
               token_of(u, g->token, sizeof(g->token)) < 0) {
        *why = "the answer has no next page and no next sync token";
        rc = EC_ERR_INVALID_FIELD;
    }
    json_object_put(page);
    return rc;
}

/* Every page of this sync into g. */
static int
gather(const struct ec_cms_sync_conf *conf, const struct ec_cms_settings *s,
       const char *auth, int initial, struct gathered *g,
       struct ec_cms_sync_stats *st, const char **why)
{
    struct ec_buf url = EC_BUF_INIT, next = EC_BUF_INIT;
    size_t base = strlen(conf->cdn_url);
    int rc = 0;

    ec_buf_addf(&url, "%s/spaces/%s/environments/%s/sync?", conf->cdn_url,
                s->space_id, s->environment);
    if (initial)
        ec_buf_adds(&url, "initial=true");
    else
        ec_buf_addf(&url, "sync_token=%s", s->sync_token);
    for (;;) {
        if (++st->pages > EC_CMS_SYNC_PAGES_MAX) {
            *why = "more pages than a sync may take";
            rc = EC_ERR_INVALID_FIELD;
            break;
        }
        if ((rc = fetch_page(conf, auth, url.data, g, &next, why)) < 0 ||
            next.len == 0)
            break;
        /* the token goes to Contentful's address only */
        if (strncmp(next.data, conf->cdn_url, base) != 0 ||
            next.data[base] != '/') {
            *why = "a next page outside cms_cdn_url";
            rc = EC_ERR_INVALID_FIELD;
            break;
        }
        ec_buf_reset(&url);
        ec_buf_adds(&url, next.data);
    }
    ec_buf_release(&url);
    ec_buf_release(&next);
    return rc;
}

/* What sys.type says an item is: 0 with *kind and *deleted, or -1. */
static int
kind_of(struct json_object *item, enum ec_cms_kind *kind, int *deleted)
{
    struct json_object *sys;
    const char *t;

    if (!json_object_object_get_ex(item, "sys", &sys) ||
        !(t = str_of(sys, "type")))
        return -1;
    *deleted = strncmp(t, "Deleted", 7) == 0;
    if (*deleted)
        t += 7;
    if (strcmp(t, "Entry") == 0)
        *kind = EC_CMS_ENTRY;
    else if (strcmp(t, "Asset") == 0)
        *kind = EC_CMS_ASSET;
    else
        return -1;
    return 0;
}

/* The gathered items and the token, in one transaction. */
static int
write_all(struct ec_db *db, long long tenant_id, int initial,
          struct gathered *g, struct ec_cms_sync_stats *st, const char **why)
{
    struct ec_cms_item it;
    enum ec_cms_kind kind;
    int deleted, rc;

    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    if (initial && (rc = ec_cms_tombstone_all(db, tenant_id)) < 0)
        goto fail;
    for (size_t i = 0; i < json_object_array_length(g->items); i++) {
        struct json_object *o = json_object_array_get_idx(g->items, i);

        if (kind_of(o, &kind, &deleted) < 0)
            continue; /* a type the shop keeps nothing of */
        if ((rc = ec_cms_item_read(o, kind, deleted, &it, why)) < 0 ||
            (rc = ec_cms_store_synced(db, tenant_id, &it)) < 0)
            goto fail;
        if (deleted)
            st->deleted++;
        else
            st->stored++;
    }
    if ((rc = ec_cms_sync_token_save(db, tenant_id, g->token)) < 0 ||
        (rc = ec_db_commit(db)) < 0)
        goto fail;
    return 0;
fail:
    ec_db_rollback(db);
    return rc;
}

int
ec_cms_sync(struct ec_db *db, const struct ec_seal *seal, long long tenant_id,
            const char *slug, const struct ec_cms_sync_conf *conf, int initial,
            struct ec_cms_sync_stats *st, const char **why)
{
    unsigned char token[EC_CMS_TOKEN_MAX];
    struct ec_cms_settings s;
    struct gathered g = {NULL, ""};
    struct ec_buf auth = EC_BUF_INIT;
    size_t len;
    int rc;

    memset(st, 0, sizeof(*st));
    *why = NULL;
    if ((rc = ec_cms_settings_load(db, tenant_id, &s)) < 0) {
        *why = rc == EC_ERR_NOT_FOUND ? "the shop has no CMS settings" : NULL;
        return rc;
    }
    if (ec_cms_delivery_token(seal, slug, &s, token, sizeof(token), &len) < 0) {
        *why = "the delivery token does not open (seal_keys_file)";
        return EC_ERR_INTERNAL;
    }
    ec_buf_adds(&auth, "Authorization: Bearer ");
    ec_buf_add(&auth, token, len);
    ec_mem_wipe(token, sizeof(token));
    st->initial = initial || !s.sync_token[0];
    g.items = json_object_new_array();
    rc = gather(conf, &s, auth.data, st->initial, &g, st, why);
    ec_mem_wipe(auth.data, auth.len);
    ec_buf_release(&auth);
    if (rc == 0)
        rc = write_all(db, tenant_id, st->initial, &g, st, why);
    json_object_put(g.items);
    return rc;
}
