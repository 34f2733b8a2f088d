/*
 * The MitID step: a customer's typed CPR number matched by MitID through
 * the tenant's OIDC broker (authorization-code flow with PKCE S256,
 * "state" and "nonce"), so the order can rely on who the customer is.
 * docs/identity.md tells the whole flow; this is its service.
 *
 * A company cannot look a CPR number up in MitID, only have the number
 * the customer typed matched against the person who signs in. Each broker
 * does that its own way (a "style"):
 *
 *   idura            scope "openid ssn", login_hint "sub:<CPR>" (the
 *                    broker matches and refuses a mismatch itself), acr
 *                    urn:grn:authn:dk:mitid:substantial, RS256, the number
 *                    in "cprNumberIdentifier"
 *   signicat         scope "openid nin mitid-extra", RS256, the number in
 *                    "nin" (with "mitid_cpr_source" saying MitID gave it)
 *   signaturgruppen  scope "openid ssn", idp_values "mitid", ES256, the
 *                    number in "dk.cpr"
 *
 * and in every style the shop compares the number in the verified ID
 * token with the typed one.
 *
 * Flow state lives in Redis under ecom:{<slug>}:mitid:<state> for
 * flow_ttl_ms, and is taken with GETDEL: a state answers once. It holds
 * the basket it belongs to, the nonce, the PKCE verifier, the redirect
 * URI and the typed number sealed (context "<slug>:mitid.flow"); never a
 * number in clear. The broker's discovery document and key set are cached
 * per worker (struct ec_mitid_keys) for a TTL, and fetched again once
 * when a token names a key the set does not have.
 *
 * Nothing here logs a CPR number, a name, a code, a token or a secret.
 */
#ifndef EC_SVC_MITID_H
#define EC_SVC_MITID_H

#include <stddef.h>

#include "core/buf.h"
#include "net/https.h"
#include "svc/cpr.h"

struct ec_arena;
struct ec_db;
struct ec_kv;
struct ec_seal;
struct json_object;

enum ec_mitid_style {
    EC_MITID_IDURA = 1,
    EC_MITID_SIGNICAT,
    EC_MITID_SIGNATURGRUPPEN,
};

#define EC_MITID_FIELD_MAX 255   /* issuer, client id, scopes, acr_values */
#define EC_MITID_SEALED_MAX 1024 /* the sealed client secret */
#define EC_MITID_SECRET_MAX 512  /* the client secret in clear */
#define EC_MITID_NAME_MAX 200    /* bytes of a name kept from a token */
#define EC_MITID_CODE_MAX 2048   /* an authorization code */
/* The sealing context of the client secret: "<slug>:tenant_mitid.
   client_secret". */
#define EC_MITID_SECRET_CONTEXT "tenant_mitid.client_secret"

/* The style named s ("idura", ...), or 0. */
enum ec_mitid_style ec_mitid_style_parse(const char *s);
/* The name of style ("idura", ...), or "unknown". */
const char *ec_mitid_style_name(enum ec_mitid_style style);

/* A tenant's broker, as its row in tenant_mitid says. */
struct ec_mitid_config {
    enum ec_mitid_style style;
    char issuer[EC_MITID_FIELD_MAX + 1];
    char client_id[EC_MITID_FIELD_MAX + 1];
    char secret_sealed[EC_MITID_SEALED_MAX + 1];
    char scopes[EC_MITID_FIELD_MAX + 1];     /* "" = the style's */
    char acr_values[EC_MITID_FIELD_MAX + 1]; /* "" = the style's */
    int required; /* MitID before a subscription is ordered */
};

/* The broker of tenant tenant_id into *out: 0, EC_ERR_NOT_FOUND when the
   tenant has none, or a store error. */
int ec_mitid_config_load(struct ec_db *db, long long tenant_id,
                         struct ec_mitid_config *out);

/*
 * Store c as the broker of tenant tenant_id (slug), with secret (in clear,
 * len bytes) sealed under seal's current key: 0, EC_ERR_INVALID_FIELD with
 * a reason in *why (an issuer that is not https, an empty client id, a
 * secret too long, a field too long), EC_ERR_INTERNAL when the ring has
 * no key, or a store error.
 */
int ec_mitid_config_save(struct ec_db *db, const struct ec_seal *seal,
                         long long tenant_id, const char *slug,
                         struct ec_mitid_config *c, const char *secret,
                         size_t len, const char **why);

/* The scopes and acr_values sent: the configured ones, else the
   style's. The scope always holds "openid" (put first when missing). */
void ec_mitid_scope(const struct ec_mitid_config *c, struct ec_buf *out);
const char *ec_mitid_acr(const struct ec_mitid_config *c);

/* What one authorization request carries. */
struct ec_mitid_request {
    const char *redirect_uri;
    const char *state;
    const char *nonce;
    const char *challenge; /* PKCE S256 */
    const char *cpr;       /* ten digits: the Idura style's login_hint */
};

/* The authorization URL for r at the broker's authorization endpoint, in
   the style of c, appended to out. Pure. */
void ec_mitid_authorize_url(const struct ec_mitid_config *c,
                            const char *endpoint,
                            const struct ec_mitid_request *r,
                            struct ec_buf *out);

/*
 * The person in a verified ID token's claims, in the style's claim names:
 * the CPR number into *cpr and the name (at most EC_MITID_NAME_MAX bytes,
 * cut at a character boundary; "" when the token has none) into name
 * (EC_MITID_NAME_MAX + 1 bytes). 0, or EC_ERR_FORBIDDEN when the claim
 * with the number is missing or is not a CPR number (for Signicat also
 * when "mitid_cpr_source" is missing, or "nin_type"/"nin_issuing_country"
 * say it is not a Danish person's). Pure.
 */
int ec_mitid_claims(enum ec_mitid_style style, struct json_object *claims,
                    struct ec_cpr *cpr, char *name);

/* The signing algorithms (enum ec_sig_alg bits) a style's tokens use. */
unsigned ec_mitid_algs(enum ec_mitid_style style);

/* A worker's cache of brokers' discovery documents and key sets. */
struct ec_mitid_keys;

/* ttl_ms: how long a fetched key set is trusted before it is fetched
   again. */
struct ec_mitid_keys *ec_mitid_keys_new(long long ttl_ms);
void ec_mitid_keys_free(struct ec_mitid_keys *k);

/* What the flow needs of the worker. */
struct ec_mitid_env {
    struct ec_kv *kv;
    const struct ec_seal *seal;
    struct ec_mitid_keys *keys;
    struct ec_https_opts https;
    long long flow_ttl_ms;
};

/*
 * Start a match of cpr for basket basket_id of tenant slug with broker c:
 * new state, nonce and verifier; the flow state stored in Redis; the URL
 * to send the customer to appended to url. redirect_uri is the tenant
 * host's fixed callback. 0, EC_ERR_UNAVAILABLE (Redis, or the broker's
 * discovery), EC_ERR_INTERNAL (no seal key).
 */
int ec_mitid_begin(const struct ec_mitid_env *e, const char *slug,
                   const struct ec_mitid_config *c, const char *basket_id,
                   const struct ec_cpr *cpr, const char *redirect_uri,
                   struct ec_arena *a, struct ec_buf *url);

/* How an answer from the broker ended. */
enum ec_mitid_outcome {
    EC_MITID_VERIFIED = 1, /* the token is good and the numbers match */
    EC_MITID_BAD_STATE,    /* unknown, used or expired state, another
                              basket's, or another broker's */
    EC_MITID_CANCELLED,    /* the person or the broker said no */
    EC_MITID_MISMATCH,     /* MitID's person has another CPR number: a
                              failed match, which counts */
    EC_MITID_BAD_TOKEN,    /* the code or the ID token was refused */
    EC_MITID_BROKER_DOWN,  /* the broker did not answer properly */
};

/* The broker's answer as it came back to the callback. */
struct ec_mitid_answer {
    const char *state;
    const char *code;
    const char *error;
    const char *error_description;
    const char *basket_id;    /* the basket of the request */
    const char *redirect_uri; /* the callback, as ec_mitid_begin() got it */
};

struct ec_mitid_result {
    enum ec_mitid_outcome outcome;
    const char *why;   /* a static word for the log */
    struct ec_cpr cpr; /* when verified: wipe after use */
    char name[EC_MITID_NAME_MAX + 1];
};

/*
 * Finish the flow of answer a for tenant slug with broker c: the state
 * taken (single use) and checked against the basket, the broker's error
 * read, the code exchanged over HTTPS, the ID token verified against the
 * broker's key set (fetched again once on an unknown kid), the person's
 * number compared with the typed one. 0 with r->outcome set, or
 * EC_ERR_UNAVAILABLE (Redis), EC_ERR_INTERNAL (a sealed value that does
 * not open: a key removed too early).
 */
int ec_mitid_finish(const struct ec_mitid_env *e, const char *slug,
                    const struct ec_mitid_config *c,
                    const struct ec_mitid_answer *a, struct ec_arena *arena,
                    struct ec_mitid_result *r);

#endif
