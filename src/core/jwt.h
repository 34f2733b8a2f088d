/*
 * Verifying an OIDC ID token: a JWS in compact form (RFC 7515), signed
 * RS256 or ES256 by a key of the broker's key set, with the claims OIDC
 * Core §3.1.3.7 requires checked.
 *
 * The order is fixed and every step must pass: the token's size and
 * shape (three base64url parts); the header (an "alg" the caller expects
 * for this broker, never "none"; no "crit" extension, which we would not
 * understand); the key (by "kid", of the header's algorithm, so a token
 * cannot pick how its own signature is read); the signature over the
 * first two parts as sent; then the claims: "iss" equal to the issuer,
 * "aud" the client id or an array holding it ("azp", when present, the
 * client id too), "exp" in the future, "iat" present and "nbf" (when
 * present) not in the future, each with a few seconds' leeway for clocks
 * apart, and "nonce" equal to the one the flow sent.
 *
 * A refusal returns EC_ERR_FORBIDDEN (EC_ERR_BAD_REQUEST for a token that
 * is not one) and names its reason, a static word for the error log.
 * Neither the token nor a claim is ever logged here.
 */
#ifndef EC_CORE_JWT_H
#define EC_CORE_JWT_H

#include <stddef.h>

#include "core/jwks.h"

/* json-c's headers stay in the .c files */
struct json_object;

/* A longer token is refused before anything is decoded. */
#define EC_JWT_MAX 16384
/* Clock skew forgiven on exp, iat and nbf, in seconds. */
#define EC_JWT_LEEWAY 60

struct ec_jwt_expect {
    const char *issuer;    /* "iss" must equal it */
    const char *client_id; /* "aud" must be or hold it */
    const char *nonce;     /* "nonce" must equal it */
    unsigned algs;         /* enum ec_sig_alg bits this broker signs with */
    long long now;         /* seconds since the epoch */
    int leeway;            /* seconds; EC_JWT_LEEWAY */
};

/*
 * Verify the token (len bytes, not NUL-terminated necessarily) against
 * the key set and want. On success returns 0 and hands the claims object
 * to *claims (the caller puts it) when claims is not NULL. On failure
 * returns a negative ec_err, leaves *claims NULL and points *why (when
 * not NULL) at a short reason: "malformed", "alg", "kid", "signature",
 * "iss", "aud", "expired", "iat", "nbf", "nonce".
 */
int ec_jwt_verify(const char *token, size_t len, const struct ec_jwks *keys,
                  const struct ec_jwt_expect *want, struct json_object **claims,
                  const char **why);

#endif
