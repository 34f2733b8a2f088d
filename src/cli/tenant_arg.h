/*
 * A tenant named on ecomctl's command line: its id, or a message saying
 * why not (no such tenant, the database unreachable), for every command
 * that takes a SLUG.
 */
#ifndef EC_CLI_TENANT_ARG_H
#define EC_CLI_TENANT_ARG_H

#include <stdio.h>

struct ec_db;

/* The id of tenant slug into *id: 0, or -1 with the reason said on err. */
int ec_ctl_tenant_id(struct ec_db *db, const char *slug, long long *id,
                     FILE *err);

#endif
