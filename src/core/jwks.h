/*
 * A JSON Web Key Set (RFC 7517) as an OIDC broker publishes it at its
 * jwks_uri: the signing keys its ID tokens are checked against.
 *
 * Parsing keeps the keys this program can verify with, RSA (kty "RSA",
 * n and e: RS256) and EC P-256 (kty "EC", crv "P-256", x and y: ES256),
 * and skips the rest (encryption keys, other curves), so a broker adding
 * a key of a new kind breaks nothing. A key whose "alg" names another
 * algorithm than the one its type implies is skipped too: the key decides
 * the algorithm, never the token.
 *
 * Invariants: every key of a set has a verified struct ec_pubkey and the
 * algorithm it implies; kids are at most EC_JWKS_KID_MAX bytes (a key
 * without one has ""); a set holds at most EC_JWKS_MAX keys.
 */
#ifndef EC_CORE_JWKS_H
#define EC_CORE_JWKS_H

#include <stddef.h>

#include "core/pubkey.h"

#define EC_JWKS_MAX 16
#define EC_JWKS_KID_MAX 128
/* A key set larger than this is not one (brokers publish a few KB). */
#define EC_JWKS_DOC_MAX (256 * 1024)

struct ec_jwk {
    char kid[EC_JWKS_KID_MAX + 1];
    enum ec_sig_alg alg;
    struct ec_pubkey *key;
};

struct ec_jwks {
    struct ec_jwk keys[EC_JWKS_MAX];
    size_t n;
};

/* Parse the JSON text (len bytes) into set, which must be empty or
   released. Returns 0, or EC_ERR_BAD_REQUEST when the text is not a key
   set ({"keys": [...]}) or holds no usable key. Release the set
   afterwards, whatever the result. */
int ec_jwks_parse(struct ec_jwks *set, const char *json, size_t len);

/* The key to check a token's signature with: the one with this kid and
   algorithm; with no kid (NULL or ""), the only key of that algorithm.
   NULL when there is none, or more than one to choose from. */
const struct ec_jwk *ec_jwks_find(const struct ec_jwks *set, const char *kid,
                                  enum ec_sig_alg alg);

/* Free the keys; the set is empty afterwards. */
void ec_jwks_release(struct ec_jwks *set);

#endif
