#include "core/jwt.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jose.h"
#include "core/xalloc.h"

/* The three parts of a compact JWS, as views into the token. */
struct parts {
    const char *p[3];
    size_t len[3];
};

static int
split(const char *token, size_t len, struct parts *out)
{
    const char *end = token + len, *dot;
    int i;

    for (i = 0; i < 3; i++) {
        dot = i < 2 ? memchr(token, '.', (size_t)(end - token)) : end;
        if (!dot || (i == 2 && memchr(token, '.', (size_t)(end - token))))
            return -1;
        out->p[i] = token;
        out->len[i] = (size_t)(dot - token);
        token = dot + (i < 2);
    }
    return 0;
}

/* The JSON object a base64url part encodes, or NULL. */
static struct json_object *
decode_object(const char *s, size_t len)
{
    char *text = ec_xmalloc(EC_B64URL_DECODED_MAX(len) + 1);
    long n = ec_b64url_decode(text, s, len);
    struct json_object *o = n >= 0 ? ec_jose_json(text, (size_t)n) : NULL;

    free(text);
    if (o && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        o = NULL;
    }
    return o;
}

/* The key that must have signed a token with this header, or NULL with
 *why set. */
static const struct ec_jwk *
header_key(struct json_object *header, const struct ec_jwks *keys,
           unsigned algs, const char **why)
{
    enum ec_sig_alg alg = ec_sig_alg_of(ec_jose_str(header, "alg"));
    const struct ec_jwk *k;

    if (alg == EC_SIG_NONE || !(algs & (unsigned)alg) ||
        json_object_object_get_ex(header, "crit", NULL)) {
        *why = "alg";
        return NULL;
    }
    k = ec_jwks_find(keys, ec_jose_str(header, "kid"), alg);
    if (!k)
        *why = "kid";
    return k;
}

static int
signature_ok(const struct ec_jwk *k, const struct parts *t)
{
    unsigned char *sig = ec_xmalloc(EC_B64URL_DECODED_MAX(t->len[2]));
    long n = ec_b64url_decode(sig, t->p[2], t->len[2]);
    /* the signing input is the first two parts exactly as sent */
    size_t input_len = t->len[0] + 1 + t->len[1];
    int ok =
        n > 0 && ec_pubkey_verify(k->key, t->p[0], input_len, sig, (size_t)n);

    free(sig);
    return ok;
}

static int
str_equal(const char *a, const char *b)
{
    size_t n = strlen(b);

    return a && strlen(a) == n && ec_mem_equal(a, b, n);
}

static int
audience_ok(struct json_object *claims, const char *client_id)
{
    struct json_object *aud, *v;
    const char *azp = ec_jose_str(claims, "azp");
    size_t i;
    int found = 0;

    if (azp && strcmp(azp, client_id) != 0)
        return 0;
    if (!json_object_object_get_ex(claims, "aud", &aud))
        return 0;
    if (json_object_is_type(aud, json_type_string))
        return strcmp(json_object_get_string(aud), client_id) == 0;
    if (!json_object_is_type(aud, json_type_array))
        return 0;
    for (i = 0; i < json_object_array_length(aud); i++) {
        v = json_object_array_get_idx(aud, i);
        if (json_object_is_type(v, json_type_string) &&
            strcmp(json_object_get_string(v), client_id) == 0)
            found = 1;
    }
    return found;
}

/* The first claim check that fails, by name, or NULL. */
static const char *
claims_fail(struct json_object *c, const struct ec_jwt_expect *w)
{
    long long exp, iat, nbf;

    if (!str_equal(ec_jose_str(c, "iss"), w->issuer))
        return "iss";
    if (!audience_ok(c, w->client_id))
        return "aud";
    if (!ec_jose_time(c, "exp", &exp) || w->now >= exp + w->leeway)
        return "expired";
    if (!ec_jose_time(c, "iat", &iat) || iat > w->now + w->leeway)
        return "iat";
    if (json_object_object_get_ex(c, "nbf", NULL) &&
        (!ec_jose_time(c, "nbf", &nbf) || nbf > w->now + w->leeway))
        return "nbf";
    if (!w->nonce || !str_equal(ec_jose_str(c, "nonce"), w->nonce))
        return "nonce";
    return NULL;
}

int
ec_jwt_verify(const char *token, size_t len, const struct ec_jwks *keys,
              const struct ec_jwt_expect *want, struct json_object **claims,
              const char **why)
{
    struct json_object *header = NULL, *body = NULL;
    const struct ec_jwk *k;
    const char *reason = "malformed";
    struct parts t;
    int rc = EC_ERR_BAD_REQUEST;

    if (claims)
        *claims = NULL;
    if (len > EC_JWT_MAX || split(token, len, &t) < 0 ||
        !(header = decode_object(t.p[0], t.len[0])))
        goto out;
    rc = EC_ERR_FORBIDDEN;
    if (!(k = header_key(header, keys, want->algs, &reason)))
        goto out;
    if (!signature_ok(k, &t)) {
        reason = "signature";
        goto out;
    }
    /* only a signed payload is parsed */
    body = decode_object(t.p[1], t.len[1]);
    reason = body ? claims_fail(body, want) : "malformed";
    if (!reason)
        rc = 0;
out:
    json_object_put(header);
    if (rc == 0 && claims)
        *claims = body;
    else
        json_object_put(body);
    if (why)
        *why = rc == 0 ? NULL : reason;
    return rc;
}
