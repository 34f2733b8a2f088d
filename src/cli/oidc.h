/*
 * `ecomctl oidc`: check a broker's configuration by hand, through the same
 * code the MitID flow uses (net/oidc.c, core/jwt.c).
 *
 *   ecomctl oidc discover ISSUER [--ca-file F]
 *       fetch the discovery document and the key set; print the endpoints
 *       and each key's kid and algorithm
 *   ecomctl oidc token ISSUER CLIENT_ID REDIRECT_URI CODE VERIFIER NONCE
 *                      [--ca-file F] [--basic]
 *       exchange a code (the client secret from ECOMD_OIDC_CLIENT_SECRET,
 *       never a command line), verify the ID token and print "valid" with
 *       its algorithm, kid and the names of its claims, or "refused:" and
 *       the reason
 *
 * No claim's value is printed: an ID token from MitID carries a CPR
 * number.
 */
#ifndef EC_CLI_OIDC_H
#define EC_CLI_OIDC_H

#include <stdio.h>

/* argv[0] is "oidc". Returns the exit status (2 for a usage error). */
int ec_ctl_oidc(int argc, char **argv, FILE *out, FILE *err);

#endif
