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
 */
#ifndef EC_CLI_CMS_H
#define EC_CLI_CMS_H

#include <stdio.h>

struct ec_db;
struct ec_kv;
struct ec_seal;

#define EC_CMS_TOKEN_ENV "ECOMD_CMS_DELIVERY_TOKEN"
#define EC_CMS_SECRET_ENV "ECOMD_CMS_WEBHOOK_SECRET"

/* argv[0] is "cms". Returns the exit status (2 for a usage error). */
int ec_ctl_cms(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
               int argc, char **argv, FILE *out, FILE *err);

#endif
