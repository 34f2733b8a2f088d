/*
 * Rebuilding a tenant's copy of its content from Contentful's Sync API
 * (docs/cms.md, "Sync"): `ecomctl cms sync SLUG`, never a request.
 *
 * The first sync (or one asked to start over) is initial: every page of
 * GET {cdn}/spaces/{space}/environments/{env}/sync?initial=true; later
 * ones ask for the changes since the stored token (?sync_token=…). Pages
 * are followed through nextPageUrl until nextSyncUrl names the next
 * token; only URLs under the configured cdn_url are followed, so the
 * delivery token (sent as Authorization: Bearer) goes nowhere else.
 *
 * Everything is fetched first, then written in one transaction with the
 * new token: a sync that fails part way changes nothing. An initial sync
 * is the whole space: what it does not name becomes a tombstone. The
 * Sync API's items arrive in order and complete up to their token, so
 * they are stored as they are (ec_cms_store_synced()), with their
 * sys.revision as the version.
 */
#ifndef EC_SVC_CMS_SYNC_H
#define EC_SVC_CMS_SYNC_H

struct ec_db;
struct ec_seal;

#define EC_CMS_SYNC_PAGES_MAX 1000
#define EC_CMS_SYNC_PAGE_MAX (32 * 1024 * 1024) /* bytes of one page */

struct ec_cms_sync_conf {
    const char *cdn_url; /* https://cdn.contentful.com */
    const char *ca_file; /* NULL: the system's CAs */
};

struct ec_cms_sync_stats {
    int initial;
    unsigned pages, stored, deleted;
};

/*
 * Sync tenant_id (slug); initial forces a sync from scratch. 0 with *st;
 * EC_ERR_NOT_FOUND without settings; EC_ERR_UNAVAILABLE when Contentful
 * did not answer or answered an error; EC_ERR_INVALID_JSON or
 * EC_ERR_INVALID_FIELD for an answer that is not the Sync API's; a store
 * error. *why says what, for the operator (never the token).
 */
int ec_cms_sync(struct ec_db *db, const struct ec_seal *seal,
                long long tenant_id, const char *slug,
                const struct ec_cms_sync_conf *conf, int initial,
                struct ec_cms_sync_stats *st, const char **why);

#endif
