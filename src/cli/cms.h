/*
 * `ecomctl cms`: a tenant's Contentful space and its local copy
 * (docs/cms.md):
 *
 *   cms configure SLUG --space ID [--environment ENV] [--locales L]
 *                 the delivery token from ECOMD_CMS_DELIVERY_TOKEN and
 *                 the webhook secret from ECOMD_CMS_WEBHOOK_SECRET, never
 *                 argv; either may be left out later to keep the stored one
 *   cms show SLUG  the settings, secrets only as "sealed with key K"
 *   cms import SLUG FILE   a `contentful space export` JSON file
 *   cms sync SLUG [--initial]   the Sync API (svc/cms_sync.h): the
 *                 changes since the last sync, or everything
 */
#ifndef EC_CLI_CMS_H
#define EC_CLI_CMS_H

#include <stdio.h>

struct ec_db;
struct ec_kv;
struct ec_seal;
struct ec_cms_sync_conf;

#define EC_CMS_TOKEN_ENV "ECOMD_CMS_DELIVERY_TOKEN"
#define EC_CMS_SECRET_ENV "ECOMD_CMS_WEBHOOK_SECRET"

/* argv[0] is "cms". Returns the exit status (2 for a usage error). */
int ec_ctl_cms(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
               const struct ec_cms_sync_conf *sync, int argc, char **argv,
               FILE *out, FILE *err);

#endif
