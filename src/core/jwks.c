#include "core/jwks.h"

#include <string.h>

#include <json-c/json.h>

#include "core/base64.h"
#include "core/err.h"
#include "core/jose.h"

/* Decode the base64url member key of o into out (cap bytes); returns the
   length, or -1 when it is missing, malformed or longer than cap. */
static long
member_bytes(struct json_object *o, const char *key, unsigned char *out,
             size_t cap)
{
    const char *s = ec_jose_str(o, key);
    size_t len;

    if (!s)
        return -1;
    len = strlen(s);
    if (EC_B64URL_DECODED_MAX(len) > cap)
        return -1;
    return ec_b64url_decode(out, s, len);
}

static struct ec_pubkey *
rsa_key(struct json_object *o)
{
    /* 2048 bytes: a 16384-bit modulus, far beyond any broker's */
    unsigned char n[2048 + 2], e[16];
    long n_len = member_bytes(o, "n", n, sizeof(n));
    long e_len = member_bytes(o, "e", e, sizeof(e));

    if (n_len <= 0 || e_len <= 0)
        return NULL;
    return ec_pubkey_rsa(n, (size_t)n_len, e, (size_t)e_len);
}

static struct ec_pubkey *
p256_key(struct json_object *o)
{
    unsigned char x[EC_PUBKEY_P256_COORD + 2], y[EC_PUBKEY_P256_COORD + 2];
    const char *crv = ec_jose_str(o, "crv");
    long x_len, y_len;

    if (!crv || strcmp(crv, "P-256") != 0)
        return NULL;
    x_len = member_bytes(o, "x", x, sizeof(x));
    y_len = member_bytes(o, "y", y, sizeof(y));
    if (x_len <= 0 || y_len <= 0)
        return NULL;
    return ec_pubkey_p256(x, (size_t)x_len, y, (size_t)y_len);
}

/* The key o describes, if it is a signing key this program can use. */
static struct ec_pubkey *
usable_key(struct json_object *o)
{
    const char *kty = ec_jose_str(o, "kty");
    const char *use = ec_jose_str(o, "use");
    const char *alg = ec_jose_str(o, "alg");
    enum ec_sig_alg implied;
    struct ec_pubkey *k;

    if (!kty || (use && strcmp(use, "sig") != 0))
        return NULL;
    if (strcmp(kty, "RSA") == 0) {
        implied = EC_SIG_RS256;
        k = rsa_key(o);
    } else if (strcmp(kty, "EC") == 0) {
        implied = EC_SIG_ES256;
        k = p256_key(o);
    } else {
        return NULL;
    }
    if (k && alg && ec_sig_alg_of(alg) != implied) {
        ec_pubkey_free(k);
        k = NULL;
    }
    return k;
}

static void
add_key(struct ec_jwks *set, struct json_object *o)
{
    const char *kid = ec_jose_str(o, "kid");
    struct ec_pubkey *k;
    struct ec_jwk *jwk;

    if (set->n == EC_JWKS_MAX || (kid && strlen(kid) > EC_JWKS_KID_MAX))
        return;
    k = usable_key(o);
    if (!k)
        return;
    jwk = &set->keys[set->n++];
    strcpy(jwk->kid, kid ? kid : "");
    jwk->alg = ec_pubkey_alg(k);
    jwk->key = k;
}

int
ec_jwks_parse(struct ec_jwks *set, const char *json, size_t len)
{
    struct json_object *doc, *keys;
    size_t i;

    if (len > EC_JWKS_DOC_MAX)
        return EC_ERR_BAD_REQUEST;
    doc = ec_jose_json(json, len);
    if (doc && json_object_object_get_ex(doc, "keys", &keys) &&
        json_object_is_type(keys, json_type_array))
        for (i = 0; i < json_object_array_length(keys); i++)
            if (json_object_is_type(json_object_array_get_idx(keys, i),
                                    json_type_object))
                add_key(set, json_object_array_get_idx(keys, i));
    json_object_put(doc);
    return set->n > 0 ? 0 : EC_ERR_BAD_REQUEST;
}

const struct ec_jwk *
ec_jwks_find(const struct ec_jwks *set, const char *kid, enum ec_sig_alg alg)
{
    const struct ec_jwk *found = NULL;
    size_t i;

    for (i = 0; i < set->n; i++) {
        if (set->keys[i].alg != alg)
            continue;
        if (kid && *kid) {
            if (strcmp(set->keys[i].kid, kid) == 0)
                return &set->keys[i];
        } else if (found) {
            return NULL; /* more than one: the token must say which */
        } else {
            found = &set->keys[i];
        }
    }
    return found;
}

void
ec_jwks_release(struct ec_jwks *set)
{
    size_t i;

    for (i = 0; i < set->n; i++)
        ec_pubkey_free(set->keys[i].key);
    set->n = 0;
}
