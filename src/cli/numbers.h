/*
 * `ecomctl numbers import TENANT FILE.csv`: add a file of phone numbers to
 * a tenant's pool. Every line is checked first; a malformed file imports
 * nothing and names its first bad line. Numbers repeated in the file or
 * already in the pool are skipped and counted. Running workers are told
 * the pool changed (svc/invalidate.h), so their samples of it are read
 * again.
 */
#ifndef EC_CLI_NUMBERS_H
#define EC_CLI_NUMBERS_H

#include <stdio.h>

struct ec_db;
struct ec_kv;

/* argv[0] is "numbers". Returns the exit status (2 for a usage error). */
int ec_ctl_numbers(struct ec_db *db, struct ec_kv *kv, int argc, char **argv,
                   FILE *out, FILE *err);

#endif
