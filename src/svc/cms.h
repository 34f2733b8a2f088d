/*
 * The CMS service: each tenant's Contentful settings and the local copy
 * of its published entries and assets (sql/014_cms.sql, docs/cms.md).
 *
 * Storefront pages read the copy, never Contentful. Every writer (the
 * webhook, `ecomctl cms import`, later the sync) goes through
 * ec_cms_store(), which keeps the newest version of an item whatever the
 * order its versions arrive in: a publish stores the fields, an
 * unpublish, archive or delete a tombstone with its version, and an older
 * version than the one stored changes nothing.
 *
 * An item's version is its sys.version (the Content Management API's,
 * which webhooks and space exports carry), or sys.revision where there is
 * no sys.version (the Delivery and Sync APIs'); see docs/cms.md for why
 * a tenant should not mix the two for one space.
 */
#ifndef EC_SVC_CMS_H
#define EC_SVC_CMS_H

#include <stddef.h>

struct ec_db;
struct ec_seal;
struct json_object;

#define EC_CMS_TOKEN_CONTEXT "cms_settings.delivery_token"
#define EC_CMS_SECRET_CONTEXT "cms_settings.webhook_secret"
#define EC_CMS_ID_MAX 64
#define EC_CMS_LOCALES_MAX 255
#define EC_CMS_TOKEN_MAX 512
/* Contentful's webhook signing secrets are 64 characters; ours may be
   shorter for a stand-in, never longer */
#define EC_CMS_SECRET_MAX 64
/* the fields of one item as stored (a MEDIUMTEXT holds 16 MiB) */
#define EC_CMS_FIELDS_MAX (1024 * 1024)

struct ec_cms_settings {
    char space_id[EC_CMS_ID_MAX + 1];
    char environment[EC_CMS_ID_MAX + 1];
    char locales[EC_CMS_LOCALES_MAX + 1]; /* "da-DK=da,en=en-US" */
    char token_sealed[1025];
    char secret_sealed[256];
    char sync_token[1025]; /* the Sync API's, "" before the first sync */
};

/* The settings of tenant_id into *out: 0, EC_ERR_NOT_FOUND, or a store
   error. */
int ec_cms_settings_load(struct ec_db *db, long long tenant_id,
                         struct ec_cms_settings *out);

/*
 * Check s, seal the token and the secret given (either may be NULL to
 * keep the one stored) for slug, and store them for tenant_id. 0;
 * EC_ERR_INVALID_FIELD with *why for the operator (never a secret); or
 * a store error. The caller wipes its copies of the secrets.
 */
int ec_cms_settings_save(struct ec_db *db, const struct ec_seal *seal,
                         long long tenant_id, const char *slug,
                         const struct ec_cms_settings *s, const char *token,
                         const char *secret, const char **why);

/*
 * ec_cms_settings_save() with an audit row (object "cms_settings", the
 * tenant's slug; before and after without any secret: whether a token
 * and a secret are stored, and whether this change replaced them), in
 * one transaction: the admin panel's and ecomctl's way to change them.
 * Returns as ec_cms_settings_save().
 */
struct ec_audit_actor;
int ec_cms_settings_change(struct ec_db *db, const struct ec_seal *seal,
                           long long tenant_id, const char *slug,
                           const struct ec_cms_settings *s, const char *token,
                           const char *secret, const struct ec_audit_actor *who,
                           const char **why);

/* The delivery token of s (sealed for slug) into out, as below. */
int ec_cms_delivery_token(const struct ec_seal *seal, const char *slug,
                          const struct ec_cms_settings *s, unsigned char *out,
                          size_t cap, size_t *len);

/* The webhook secret of s (sealed for slug) into out (cap bytes, *len
   its length): 0, or as ec_seal_decrypt(). The caller wipes out. */
int ec_cms_webhook_secret(const struct ec_seal *seal, const char *slug,
                          const struct ec_cms_settings *s, unsigned char *out,
                          size_t cap, size_t *len);

enum ec_cms_kind { EC_CMS_ENTRY, EC_CMS_ASSET };

/* One version of an entry or asset, as ec_cms_store() takes it. Strings
   are borrowed. */
struct ec_cms_item {
    enum ec_cms_kind kind;
    const char *id;
    long long version;
    const char *content_type; /* entries: sys.contentType's id; else NULL */
    const char *handle;       /* what the storefront looks it up by, or
                                 NULL */
    int deleted;              /* a tombstone */
    const char *fields;       /* the fields as JSON text; NULL when deleted */
};

/*
 * Read the item o (an entry or asset as Contentful sends it: "sys" with
 * "id", "type" and "version" or "revision", "fields" unless it is
 * deleted) into *out, pointing into o. kind is the sender's word for
 * what it is; deleted makes a tombstone whatever o holds. 0, or
 * EC_ERR_INVALID_FIELD with *why.
 */
int ec_cms_item_read(struct json_object *o, enum ec_cms_kind kind, int deleted,
                     struct ec_cms_item *out, const char **why);

/*
 * Store it for tenant_id unless a version as new or newer is stored:
 * *changed (may be NULL) is 1 when it was stored, 0 when it was older.
 * 0 or a store error.
 */
int ec_cms_store(struct ec_db *db, long long tenant_id,
                 const struct ec_cms_item *it, int *changed);

/*
 * Store it for tenant_id whatever is stored: the Sync API's items, which
 * arrive in order and complete up to their token (svc/cms_sync.h). 0 or a
 * store error.
 */
int ec_cms_store_synced(struct ec_db *db, long long tenant_id,
                        const struct ec_cms_item *it);

/* Make every item of tenant_id a tombstone (before an initial sync, in
   its transaction): 0 or a store error. */
int ec_cms_tombstone_all(struct ec_db *db, long long tenant_id);

/* Remember the Sync API's next token for tenant_id: 0 or a store error. */
int ec_cms_sync_token_save(struct ec_db *db, long long tenant_id,
                           const char *token);

struct ec_cms_import_stats {
    unsigned stored;    /* newer than what was stored */
    unsigned unchanged; /* as old as or older than what was stored */
    unsigned skipped;   /* drafts and archived items of the export */
};

/*
 * Load a `contentful space export` document (its "entries" and
 * "assets"; the published ones, those with sys.publishedVersion and no
 * sys.archivedVersion) through ec_cms_store(). Each item is its own
 * write, so a failure part way leaves what was stored, all of it valid.
 * 0; EC_ERR_INVALID_FIELD with *why; or a store error.
 */
int ec_cms_import(struct ec_db *db, long long tenant_id,
                  struct json_object *doc, struct ec_cms_import_stats *st,
                  const char **why);

/* How many live (not deleted) entries and assets tenant_id has, into
 *entries and *assets: 0 or a store error. */
int ec_cms_count(struct ec_db *db, long long tenant_id, long long *entries,
                 long long *assets);

#endif
