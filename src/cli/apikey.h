/*
 * `ecomctl apikey`: the admin API's keys (docs/admin.md).
 *
 *   apikey create SLUG NAME ROLE   ROLE admin, editor or viewer; prints
 *                                  the key once (only its hash is kept)
 *   apikey list SLUG               id, name, role, made, last used, state
 *   apikey revoke SLUG ID          the key stops working at once
 *
 * Each change is audited with actor kind "cli".
 */
#ifndef EC_CLI_APIKEY_H
#define EC_CLI_APIKEY_H

#include <stdio.h>

struct ec_db;

/* argv[0] is "apikey". Returns the exit status (2 for a usage error). */
int ec_ctl_apikey(struct ec_db *db, int argc, char **argv, FILE *out,
                  FILE *err);

#endif
