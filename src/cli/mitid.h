/*
 * `ecomctl mitid`: a tenant's MitID broker (svc/mitid.h, table
 * tenant_mitid).
 *
 *   ecomctl mitid configure SLUG --issuer URL --client-id ID
 *                 --secret-file FILE --style idura|signicat|signaturgruppen
 *                 [--scopes "openid ssn"] [--acr-values V]
 *                 [--required | --not-required]
 *       store the broker; the client secret is read from FILE (never a
 *       command line) and stored sealed with the current key of
 *       seal_keys_file; running workers are told (the tenant's "required"
 *       shows on the next request)
 *   ecomctl mitid show SLUG
 *       print the configuration; of the secret only that it is sealed and
 *       with which key
 */
#ifndef EC_CLI_MITID_H
#define EC_CLI_MITID_H

#include <stdio.h>

struct ec_db;
struct ec_kv;
struct ec_seal;

/* argv[0] is "mitid". Returns the exit status (2 for a usage error). */
int ec_ctl_mitid(struct ec_db *db, struct ec_kv *kv, const struct ec_seal *seal,
                 int argc, char **argv, FILE *out, FILE *err);

#endif
