/*
 * `ecomctl staff`: the admin panel's users, until the panel manages them
 * itself (docs/admin.md):
 *
 *   staff create SLUG|--operator EMAIL NAME ROLE   the password from
 *                                   ECOMD_STAFF_PASSWORD, never argv
 *   staff list SLUG|--operator
 *   staff totp SLUG|--operator EMAIL   enrol a second factor: prints the
 *                                   secret and its otpauth:// URI once
 */
#ifndef EC_CLI_STAFF_H
#define EC_CLI_STAFF_H

#include <stdio.h>

struct ec_db;
struct ec_password_params;
struct ec_seal;

/* argv[0] is "staff". Returns the exit status (2 for a usage error). */
int ec_ctl_staff(struct ec_db *db, const struct ec_password_params *params,
                 const struct ec_seal *ring, int argc, char **argv, FILE *out,
                 FILE *err);

#endif
