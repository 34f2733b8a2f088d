/*
 * `ecomctl tenant create|show|brand|logo`: onboarding a brand (docs/admin.md,
 * "Onboarding a brand"). A thin shell over svc/tenant_create.h: it reads
 * the options, checks that the theme speaks the locale, and tells the
 * workers after a commit so the new hostnames answer on the next request.
 *
 *   tenant create SLUG --name NAME --host HOST [--host HOST]...
 *                 [--currency C] [--locale L] [--time-zone TZ] [--vat PCT]
 *                 [--primary C] [--on-primary C] [--background C]
 *                 [--text C] [--accent C] [--catalog-from SLUG]
 *   tenant show SLUG
 *   tenant brand SLUG [--primary C] [--on-primary C] [--background C]
 *                [--text C] [--accent C]
 *   tenant logo SLUG FILE    a PNG, JPEG or WebP (svc/tenant_logo.h)
 */
#ifndef EC_CLI_TENANT_H
#define EC_CLI_TENANT_H

#include <stdio.h>

struct ec_db;
struct ec_kv;
struct ec_settings;

/* argv[0] is "tenant", argv[1] the verb. Returns the exit status: 0
   done, 1 refused (said on err), 2 a usage error. */
int ec_ctl_tenant(struct ec_db *db, struct ec_kv *kv,
                  const struct ec_settings *settings, int argc, char **argv,
                  FILE *out, FILE *err);

#endif
