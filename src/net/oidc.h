/*
 * The relying party's side of OIDC over net/https.c: a broker's discovery
 * document, its key set, and the exchange of an authorization code for an
 * ID token. The MitID flow (svc/) calls these; `ecomctl oidc` calls them
 * to check a broker's configuration by hand.
 *
 * Each call is one outbound HTTPS request with the timeouts and size
 * limit of its struct ec_https_opts. Failures return a negative ec_err
 * and write a line for the operator's log into err: the URL's host is
 * fine to log, the body never (it may hold a token), nor the client
 * secret, the code or the verifier.
 */
#ifndef EC_NET_OIDC_H
#define EC_NET_OIDC_H

#include <stddef.h>

#include "core/buf.h"
#include "core/jwks.h"
#include "net/https.h"

/* A URL longer than this in a discovery document is refused. */
#define EC_OIDC_URL_MAX 512

/* What discovery tells: where to send the person and where to call. */
struct ec_oidc_endpoints {
    char authorization[EC_OIDC_URL_MAX + 1];
    char token[EC_OIDC_URL_MAX + 1];
    char jwks_uri[EC_OIDC_URL_MAX + 1];
};

/*
 * GET <issuer>/.well-known/openid-configuration into *out. Its "issuer"
 * must equal issuer exactly (OIDC Discovery §4.3: a document for another
 * issuer is refused) and its endpoints must be https URLs. Returns 0,
 * EC_ERR_UNAVAILABLE (no answer, or not 200), or EC_ERR_BAD_REQUEST (not
 * a usable document).
 */
int ec_oidc_discover(const struct ec_https_opts *opts, const char *issuer,
                     struct ec_oidc_endpoints *out, char *err, size_t err_size);

/* GET jwks_uri and parse it into set (empty or released before; release
   it afterwards either way). Returns as ec_oidc_discover(). */
int ec_oidc_fetch_jwks(const struct ec_https_opts *opts, const char *jwks_uri,
                       struct ec_jwks *set, char *err, size_t err_size);

/* A client of a broker: who we are to it. */
struct ec_oidc_client {
    const char *client_id;
    const char *client_secret;
    int basic_auth; /* client_secret_basic; else client_secret_post */
};

/*
 * Exchange code (with the PKCE verifier and the redirect_uri the
 * authorization request named) at the token endpoint, and append the ID
 * token's text to id_token. Returns 0; EC_ERR_FORBIDDEN when the broker
 * refused the code (a 4xx with an OAuth error: used, expired, wrong
 * verifier); EC_ERR_UNAVAILABLE when it did not answer properly;
 * EC_ERR_BAD_REQUEST when the answer holds no ID token.
 */
int ec_oidc_exchange(const struct ec_https_opts *opts, const char *token_url,
                     const struct ec_oidc_client *client, const char *code,
                     const char *verifier, const char *redirect_uri,
                     struct ec_buf *id_token, char *err, size_t err_size);

#endif
