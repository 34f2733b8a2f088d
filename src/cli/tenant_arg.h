/*
 * Arguments of ecomctl's command line: a tenant named by its SLUG (its
 * id, or a message saying why not: no such tenant, the database
 * unreachable), and a value copied into a settings field.
 */
#ifndef EC_CLI_TENANT_ARG_H
#define EC_CLI_TENANT_ARG_H

#include <stddef.h>
#include <stdio.h>

struct ec_db;

/* The id of tenant slug into *id: 0, or -1 with the reason said on err. */
int ec_ctl_tenant_id(struct ec_db *db, const char *slug, long long *id,
                     FILE *err);

/* value into out (size bytes): 0, or -1 with "NAME is longer than ..."
   said on err. */
int ec_ctl_set_field(char *out, size_t size, const char *value,
                     const char *name, FILE *err);

#endif
