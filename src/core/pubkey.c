#include "core/pubkey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "core/xalloc.h"

struct ec_pubkey {
    EVP_PKEY *pkey;
    enum ec_sig_alg alg;
};

/* A public key of type name ("RSA", "EC") from params, checked by OpenSSL
   (an EC point must lie on its curve), or NULL. */
static EVP_PKEY *
key_from_params(const char *name, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;

    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1) {
        check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (!check || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static struct ec_pubkey *
wrap(EVP_PKEY *pkey, enum ec_sig_alg alg)
{
    struct ec_pubkey *k;

    if (!pkey)
        return NULL;
    k = ec_xmalloc(sizeof(*k));
    k->pkey = pkey;
    k->alg = alg;
    return k;
}

struct ec_pubkey *
ec_pubkey_rsa(const unsigned char *n, size_t n_len, const unsigned char *e,
              size_t e_len)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL);
    BIGNUM *bn_e = BN_bin2bn(e, (int)e_len, NULL);
    EVP_PKEY *pkey = NULL;

    if (bld && bn_n && bn_e && n_len <= 2048 && e_len <= 8 &&
        BN_num_bits(bn_n) >= EC_PUBKEY_RSA_MIN_BITS &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
        pkey = key_from_params("RSA", bld);
    BN_free(bn_n);
    BN_free(bn_e);
    OSSL_PARAM_BLD_free(bld);
    return wrap(pkey, EC_SIG_RS256);
}

struct ec_pubkey *
ec_pubkey_p256(const unsigned char *x, size_t x_len, const unsigned char *y,
               size_t y_len)
{
    /* an uncompressed point: 0x04 || x || y (SEC 1 §2.3.3) */
    unsigned char point[1 + 2 * EC_PUBKEY_P256_COORD];
    OSSL_PARAM_BLD *bld;
    EVP_PKEY *pkey = NULL;

    if (x_len != EC_PUBKEY_P256_COORD || y_len != EC_PUBKEY_P256_COORD)
        return NULL;
    point[0] = 0x04;
    memcpy(point + 1, x, x_len);
    memcpy(point + 1 + x_len, y, y_len);
    bld = OSSL_PARAM_BLD_new();
    if (bld &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                        "prime256v1", 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                         sizeof(point)) == 1)
        pkey = key_from_params("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    return wrap(pkey, EC_SIG_ES256);
}

enum ec_sig_alg
ec_pubkey_alg(const struct ec_pubkey *k)
{
    return k->alg;
}

/*
 * JOSE writes an ECDSA signature as r || s, fixed width; OpenSSL verifies
 * the DER SEQUENCE of two INTEGERs. Returns the DER length written to
 * *der (freed by the caller with OPENSSL_free), or 0.
 */
static int
es256_to_der(const unsigned char *sig, unsigned char **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, EC_PUBKEY_P256_COORD, NULL);
    BIGNUM *s =
        BN_bin2bn(sig + EC_PUBKEY_P256_COORD, EC_PUBKEY_P256_COORD, NULL);
    int len = 0;

    *der = NULL;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* es owns them now */
        len = i2d_ECDSA_SIG(es, der);
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return len > 0 ? len : 0;
}

static int
digest_verify(EVP_PKEY *pkey, const void *msg, size_t len,
              const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok;

    ok = ctx &&
         EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
         EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int
ec_pubkey_verify(const struct ec_pubkey *k, const void *msg, size_t len,
                 const unsigned char *sig, size_t sig_len)
{
    unsigned char *der;
    int der_len, ok;

    if (k->alg == EC_SIG_RS256)
        return digest_verify(k->pkey, msg, len, sig, sig_len);
    if (sig_len != EC_PUBKEY_ES256_SIG)
        return 0;
    der_len = es256_to_der(sig, &der);
    ok = der_len > 0 && digest_verify(k->pkey, msg, len, der, (size_t)der_len);
    OPENSSL_free(der);
    return ok;
}

const char *
ec_sig_alg_name(enum ec_sig_alg alg)
{
    switch (alg) {
    case EC_SIG_RS256:
        return "RS256";
    case EC_SIG_ES256:
        return "ES256";
    case EC_SIG_NONE:
        break;
    }
    return "none";
}

enum ec_sig_alg
ec_sig_alg_of(const char *name)
{
    if (name && strcmp(name, "RS256") == 0)
        return EC_SIG_RS256;
    if (name && strcmp(name, "ES256") == 0)
        return EC_SIG_ES256;
    return EC_SIG_NONE;
}

void
ec_pubkey_free(struct ec_pubkey *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}
