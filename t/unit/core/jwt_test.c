/*
 * The ID-token verifier against tokens this test signs itself with keys
 * OpenSSL generates here: an independent signer, so a verifier that
 * agreed only with its own mistakes would fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "../test.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jwks.h"
#include "core/jwt.h"

#define NOW 1767225600LL /* 2026-01-01T00:00:00Z */
#define ISS "https://broker.example"
#define AUD "shop-client"
#define NONCE "n-0S6_WzA2Mj"

static EVP_PKEY *rsa_key, *rsa_other, *ec_key, *ec_other;

static void free_keys(void);

/* Two keys of each kind, made once (RSA key generation is slow). */
static void
keys_once(void)
{
    if (rsa_key)
        return;
    atexit(free_keys);
    rsa_key = EVP_RSA_gen(2048);
    rsa_other = EVP_RSA_gen(2048);
    ec_key = EVP_EC_gen("P-256");
    ec_other = EVP_EC_gen("P-256");
    CU_ASSERT_FATAL(rsa_key && rsa_other && ec_key && ec_other);
}

static void
add_b64_bn(struct ec_buf *b, EVP_PKEY *k, const char *param, int width)
{
    BIGNUM *bn = NULL;
    unsigned char bytes[512];
    char text[EC_B64URL_LEN(512) + 1];
    int n;

    CU_ASSERT_FATAL(EVP_PKEY_get_bn_param(k, param, &bn) == 1);
    n = width ? BN_bn2binpad(bn, bytes, width) : BN_bn2bin(bn, bytes);
    ec_b64url_encode(text, bytes, (size_t)n);
    ec_buf_adds(b, text);
    BN_free(bn);
}

/* A key set with the RSA key "r1" and the EC key "e1" (and, as a key a
   token must not pick, an encryption key). */
static void
jwks_of(struct ec_jwks *set)
{
    struct ec_buf b = EC_BUF_INIT;

    keys_once();
    ec_buf_adds(&b, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r1\",\"use\":"
                    "\"sig\",\"alg\":\"RS256\",\"n\":\"");
    add_b64_bn(&b, rsa_key, OSSL_PKEY_PARAM_RSA_N, 0);
    ec_buf_adds(&b, "\",\"e\":\"");
    add_b64_bn(&b, rsa_key, OSSL_PKEY_PARAM_RSA_E, 0);
    ec_buf_adds(&b, "\"},{\"kty\":\"EC\",\"kid\":\"e1\",\"crv\":\"P-256\","
                    "\"x\":\"");
    add_b64_bn(&b, ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32);
    ec_buf_adds(&b, "\",\"y\":\"");
    add_b64_bn(&b, ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
    ec_buf_adds(&b, "\"},{\"kty\":\"oct\",\"kid\":\"s1\",\"k\":\"AAAA\"}]}");
    memset(set, 0, sizeof(*set));
    CU_ASSERT_FATAL(ec_jwks_parse(set, b.data, b.len) == 0);
    CU_ASSERT_EQUAL(set->n, 2);
    ec_buf_release(&b);
}

static void
add_b64(struct ec_buf *b, const void *data, size_t n)
{
    char *text = malloc(EC_B64URL_LEN(n) + 1);

    ec_b64url_encode(text, data, n);
    ec_buf_adds(b, text);
    free(text);
}

/* JOSE's r || s from OpenSSL's DER signature. */
static size_t
der_to_raw(const unsigned char *der, size_t len, unsigned char *out)
{
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &der, (long)len);
    const BIGNUM *r, *sv;

    CU_ASSERT_FATAL(s != NULL);
    ECDSA_SIG_get0(s, &r, &sv);
    BN_bn2binpad(r, out, 32);
    BN_bn2binpad(sv, out + 32, 32);
    ECDSA_SIG_free(s);
    return 64;
}

enum sig_form { SIG_JOSE, SIG_DER, SIG_FLIPPED };

/* header.payload.signature, signed by key (NULL: an empty signature). */
static char *
sign(const char *header, const char *payload, EVP_PKEY *key, enum sig_form form)
{
    struct ec_buf b = EC_BUF_INIT;
    unsigned char sig[1024], raw[64];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    add_b64(&b, header, strlen(header));
    ec_buf_addch(&b, '.');
    add_b64(&b, payload, strlen(payload));
    if (key) {
        CU_ASSERT_FATAL(
            EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1);
        CU_ASSERT_FATAL(EVP_DigestSign(ctx, sig, &sig_len,
                                       (unsigned char *)b.data, b.len) == 1);
        if (EVP_PKEY_is_a(key, "EC") && form != SIG_DER) {
            sig_len = der_to_raw(sig, sig_len, raw);
            memcpy(sig, raw, sig_len);
        }
        if (form == SIG_FLIPPED)
            sig[sig_len / 2] ^= 1;
    }
    EVP_MD_CTX_free(ctx);
    ec_buf_addch(&b, '.');
    if (key)
        add_b64(&b, sig, sig_len);
    return ec_buf_detach(&b, NULL);
}

/* The claims of a good token, with changes: key=value pairs replace or
   add claims ("exp" as a number). */
static char *
claims(const char *iss, const char *aud, long long exp, const char *nonce)
{
    char *s = malloc(512);

    snprintf(s, 512,
             "{\"iss\":\"%s\",\"aud\":%s,\"sub\":\"u-1\",\"iat\":%lld,"
             "\"exp\":%lld,\"nonce\":\"%s\",\"cprNumberIdentifier\":"
             "\"0101901234\"}",
             iss, aud, NOW - 10, exp, nonce);
    return s;
}

static const struct ec_jwt_expect want = {
    ISS, AUD, NONCE, EC_SIG_RS256 | EC_SIG_ES256, NOW, EC_JWT_LEEWAY};

/* Verify token and check the outcome: rc and reason. */
static void
check(const char *token, const struct ec_jwt_expect *w, int rc_want,
      const char *why_want)
{
    struct ec_jwks set;
    struct json_object *c = NULL;
    const char *why = "unset";
    int rc;

    jwks_of(&set);
    rc = ec_jwt_verify(token, strlen(token), &set, w, &c, &why);
    if (rc != rc_want || (why_want && (!why || strcmp(why, why_want))))
        fprintf(stderr, "\n    got rc %d why %s, want %d %s\n", rc,
                why ? why : "(null)", rc_want, why_want ? why_want : "(null)");
    CU_ASSERT_EQUAL(rc, rc_want);
    if (rc_want == 0) {
        CU_ASSERT_PTR_NULL(why);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        EC_ASSERT_STR(json_object_get_string(json_object_object_get(c, "sub")),
                      "u-1");
    } else {
        CU_ASSERT_PTR_NULL(c);
        EC_ASSERT_STR(why, why_want);
    }
    json_object_put(c);
    ec_jwks_release(&set);
}

static void
check_token(const char *header, const char *payload, EVP_PKEY *key,
            enum sig_form form, int rc, const char *why)
{
    char *t = sign(header, payload, key, form);

    check(t, &want, rc, why);
    free(t);
}

static void
check_claims(char *payload, int rc, const char *why)
{
    check_token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", payload, rsa_key,
                SIG_JOSE, rc, why);
    free(payload);
}

#define RS "{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}"
#define ES "{\"alg\":\"ES256\",\"kid\":\"e1\"}"
#define GOOD claims(ISS, "\"" AUD "\"", NOW + 300, NONCE)

static void
test_good_rs256(void)
{
    char *p = GOOD;

    keys_once();
    check_token(RS, p, rsa_key, SIG_JOSE, 0, NULL);
    free(p);
}

static void
test_good_es256(void)
{
    char *p = GOOD;

    keys_once();
    check_token(ES, p, ec_key, SIG_JOSE, 0, NULL);
    free(p);
}

static void
test_wrong_key(void)
{
    char *p = GOOD;

    keys_once();
    check_token(RS, p, rsa_other, SIG_JOSE, EC_ERR_FORBIDDEN, "signature");
    check_token(ES, p, ec_other, SIG_JOSE, EC_ERR_FORBIDDEN, "signature");
    free(p);
}

static void
test_tampered_payload(void)
{
    char *p = GOOD, *t, *other, *dot;
    struct ec_buf b = EC_BUF_INIT;

    keys_once();
    t = sign(RS, p, rsa_key, SIG_JOSE);
    /* another person's number under the first token's signature */
    other = sign(RS, "{\"iss\":\"" ISS "\",\"cprNumberIdentifier\":\"x\"}",
                 NULL, SIG_JOSE);
    dot = strrchr(t, '.');
    ec_buf_add(&b, other, strlen(other) - 1);
    ec_buf_adds(&b, dot);
    check(b.data, &want, EC_ERR_FORBIDDEN, "signature");
    ec_buf_release(&b);
    free(other);
    free(t);
    free(p);
}

static void
test_bad_es256_signature(void)
{
    char *p = GOOD;

    keys_once();
    check_token(ES, p, ec_key, SIG_FLIPPED, EC_ERR_FORBIDDEN, "signature");
    /* OpenSSL's DER form is not JOSE's: the length alone refuses it */
    check_token(ES, p, ec_key, SIG_DER, EC_ERR_FORBIDDEN, "signature");
    check_token(RS, p, rsa_key, SIG_FLIPPED, EC_ERR_FORBIDDEN, "signature");
    free(p);
}

static void
test_expired(void)
{
    keys_once();
    check_claims(claims(ISS, "\"" AUD "\"", NOW - EC_JWT_LEEWAY, NONCE),
                 EC_ERR_FORBIDDEN, "expired");
    /* a clock a little behind the broker's is forgiven */
    check_claims(claims(ISS, "\"" AUD "\"", NOW - EC_JWT_LEEWAY + 1, NONCE), 0,
                 NULL);
}

static void
test_wrong_iss_aud_nonce(void)
{
    keys_once();
    check_claims(
        claims("https://evil.example", "\"" AUD "\"", NOW + 300, NONCE),
        EC_ERR_FORBIDDEN, "iss");
    check_claims(claims(ISS, "\"other-client\"", NOW + 300, NONCE),
                 EC_ERR_FORBIDDEN, "aud");
    check_claims(claims(ISS, "[\"other\",\"" AUD "\"]", NOW + 300, NONCE), 0,
                 NULL);
    check_claims(claims(ISS, "[\"other\"]", NOW + 300, NONCE), EC_ERR_FORBIDDEN,
                 "aud");
    check_claims(claims(ISS, "\"" AUD "\"", NOW + 300, "another"),
                 EC_ERR_FORBIDDEN, "nonce");
}

static void
test_time_claims(void)
{
    keys_once();
    check_claims(strdup("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
                        "\"exp\":1767225900,\"nonce\":\"" NONCE "\"}"),
                 EC_ERR_FORBIDDEN, "iat");
    check_claims(strdup("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
                        "\"iat\":1767229200,\"exp\":1767229900,"
                        "\"nonce\":\"" NONCE "\"}"),
                 EC_ERR_FORBIDDEN, "iat");
    check_claims(strdup("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
                        "\"iat\":1767225600,\"nbf\":1767229200,"
                        "\"exp\":1767229900,\"nonce\":\"" NONCE "\"}"),
                 EC_ERR_FORBIDDEN, "nbf");
    check_claims(strdup("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
                        "\"iat\":1767225600,\"exp\":\"1767229900\","
                        "\"nonce\":\"" NONCE "\"}"),
                 EC_ERR_FORBIDDEN, "expired");
}

static void
test_unknown_kid(void)
{
    char *p = GOOD;

    keys_once();
    check_token("{\"alg\":\"RS256\",\"kid\":\"r9\"}", p, rsa_key, SIG_JOSE,
                EC_ERR_FORBIDDEN, "kid");
    /* the EC key's kid with RS256: the key decides its algorithm */
    check_token("{\"alg\":\"RS256\",\"kid\":\"e1\"}", p, rsa_key, SIG_JOSE,
                EC_ERR_FORBIDDEN, "kid");
    /* no kid: the only key of the algorithm */
    check_token("{\"alg\":\"ES256\"}", p, ec_key, SIG_JOSE, 0, NULL);
    free(p);
}

static void
test_alg_refused(void)
{
    char *p = GOOD, *t;
    struct ec_jwt_expect es_only = want;

    keys_once();
    check_token("{\"alg\":\"none\"}", p, NULL, SIG_JOSE, EC_ERR_FORBIDDEN,
                "alg");
    check_token("{\"alg\":\"HS256\",\"kid\":\"s1\"}", p, rsa_key, SIG_JOSE,
                EC_ERR_FORBIDDEN, "alg");
    check_token("{\"alg\":\"RS256\",\"kid\":\"r1\",\"crit\":[\"exp\"]}", p,
                rsa_key, SIG_JOSE, EC_ERR_FORBIDDEN, "alg");
    /* a broker that signs ES256 only: its RS256 token is refused */
    es_only.algs = EC_SIG_ES256;
    t = sign(RS, p, rsa_key, SIG_JOSE);
    check(t, &es_only, EC_ERR_FORBIDDEN, "alg");
    free(t);
    free(p);
}

static void
test_malformed(void)
{
    static const char *const tokens[] = {
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "W10.e30.AAAA",
        "!!.e30.AAAA",
        "eyJhbGciOiJSUzI1NiJ9", /* header only */
        NULL};
    size_t i;

    keys_once();
    for (i = 0; tokens[i]; i++)
        check(tokens[i], &want, EC_ERR_BAD_REQUEST, "malformed");
}

static void
test_jwks_refuses_bad_keys(void)
{
    static const char *const sets[] = {
        "{}", "[]", "{\"keys\":[]}", "{\"keys\":[1,\"x\"]}",
        /* a point that is not on the curve */
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\",\"y\":"
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}]}",
        /* a 64-bit RSA modulus */
        "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"xSmKkw9m_cE\",\"e\":\"AQAB\"}]}",
        /* another curve */
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":"
        "\"AA\"}]}",
        NULL};
    struct ec_jwks set;
    size_t i;

    memset(&set, 0, sizeof(set));
    for (i = 0; sets[i]; i++) {
        CU_ASSERT_EQUAL(ec_jwks_parse(&set, sets[i], strlen(sets[i])),
                        EC_ERR_BAD_REQUEST);
        CU_ASSERT_EQUAL(set.n, 0);
        ec_jwks_release(&set);
    }
}

static void
test_jwks_alg_must_fit_key(void)
{
    struct ec_jwks set;
    struct ec_buf b = EC_BUF_INIT;

    keys_once();
    /* an EC key that claims RS256 is skipped */
    ec_buf_adds(&b, "{\"keys\":[{\"kty\":\"EC\",\"alg\":\"RS256\",\"crv\":"
                    "\"P-256\",\"x\":\"");
    add_b64_bn(&b, ec_key, OSSL_PKEY_PARAM_EC_PUB_X, 32);
    ec_buf_adds(&b, "\",\"y\":\"");
    add_b64_bn(&b, ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
    ec_buf_adds(&b, "\"}]}");
    memset(&set, 0, sizeof(set));
    CU_ASSERT_EQUAL(ec_jwks_parse(&set, b.data, b.len), EC_ERR_BAD_REQUEST);
    ec_jwks_release(&set);
    ec_buf_release(&b);
}

static void
free_keys(void)
{
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(rsa_other);
    EVP_PKEY_free(ec_key);
    EVP_PKEY_free(ec_other);
    rsa_key = rsa_other = ec_key = ec_other = NULL;
}

static const struct ec_test tests[] = {
    {"a good RS256 token passes", test_good_rs256},
    {"a good ES256 token passes", test_good_es256},
    {"a token signed by another key is refused", test_wrong_key},
    {"a changed payload is refused", test_tampered_payload},
    {"a bad ES256 signature is refused", test_bad_es256_signature},
    {"an expired token is refused, within leeway not", test_expired},
    {"wrong iss, aud or nonce is refused", test_wrong_iss_aud_nonce},
    {"iat must be present and past, nbf past", test_time_claims},
    {"an unknown kid is refused", test_unknown_kid},
    {"alg none, HMAC, crit and unexpected algs are refused", test_alg_refused},
    {"a malformed token is refused", test_malformed},
    {"a key set without a usable key is refused", test_jwks_refuses_bad_keys},
    {"a key whose alg contradicts its type is skipped",
     test_jwks_alg_must_fit_key},
    {NULL, NULL},
};

EC_TEST_MAIN("core/jwt", tests)
