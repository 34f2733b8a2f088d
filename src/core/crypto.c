#include "core/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/xalloc.h"

void
ec_sha256(const void *msg, size_t n, unsigned char out[EC_SHA256_SIZE])
{
    SHA256(msg, n, out);
}

/*
 * HMAC (RFC 2104) over SHA-256 fetched once and one digest context kept
 * for the process: OpenSSL 3's one-shot HMAC() looks the algorithm up by
 * name and sets up a MAC context on every call, which cost a page view
 * (a session cookie and a CSRF token: two HMACs) more than the hashing.
 */
#define HMAC_BLOCK 64 /* SHA-256's block size */

static EVP_MD *sha256;
static EVP_MD_CTX *sha256_ctx;

/* SHA-256 of a then b into out. */
static void
digest2(const void *a, size_t alen, const void *b, size_t blen,
        unsigned char out[EC_SHA256_SIZE])
{
    if (!sha256) {
        sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
        sha256_ctx = EVP_MD_CTX_new();
        if (!sha256 || !sha256_ctx)
            ec_die("OpenSSL has no SHA-256");
    }
    if (!EVP_DigestInit_ex2(sha256_ctx, sha256, NULL) ||
        !EVP_DigestUpdate(sha256_ctx, a, alen) ||
        !EVP_DigestUpdate(sha256_ctx, b, blen) ||
        !EVP_DigestFinal_ex(sha256_ctx, out, NULL))
        ec_die("SHA-256 failed");
}

void
ec_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
               unsigned char out[EC_SHA256_SIZE])
{
    unsigned char k[HMAC_BLOCK] = {0}, pad[HMAC_BLOCK], inner[EC_SHA256_SIZE];
    size_t i;

    if (key_len > HMAC_BLOCK)
        digest2(key, key_len, "", 0, k);
    else if (key_len > 0)
        memcpy(k, key, key_len);
    for (i = 0; i < HMAC_BLOCK; i++)
        pad[i] = (unsigned char)(k[i] ^ 0x36);
    digest2(pad, HMAC_BLOCK, msg, msg_len, inner);
    for (i = 0; i < HMAC_BLOCK; i++)
        pad[i] = (unsigned char)(k[i] ^ 0x5c);
    digest2(pad, HMAC_BLOCK, inner, EC_SHA256_SIZE, out);
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(inner, sizeof(inner));
}

void
ec_hmac_sha1(const void *key, size_t key_len, const void *msg, size_t msg_len,
             unsigned char out[EC_SHA1_SIZE])
{
    unsigned int n = EC_SHA1_SIZE;

    if (!HMAC(EVP_sha1(), key, (int)key_len, msg, msg_len, out, &n))
        abort();
}

void
ec_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm,
               size_t ikm_len, const void *info, size_t info_len,
               unsigned char *out, size_t out_len)
{
    unsigned char prk[EC_SHA256_SIZE], t[EC_SHA256_SIZE];
    unsigned char msg[EC_SHA256_SIZE + 256 + 1];
    size_t done = 0, n, m;
    unsigned i;

    if (out_len > 255 * EC_SHA256_SIZE || info_len > 256)
        abort(); /* a caller's bug: no use asks for this much */
    ec_hmac_sha256(salt, salt_len, ikm, ikm_len, prk); /* extract */
    for (i = 1; done < out_len; i++) {                 /* expand */
        m = 0;
        if (i > 1) {
            memcpy(msg, t, EC_SHA256_SIZE);
            m = EC_SHA256_SIZE;
        }
        memcpy(msg + m, info, info_len);
        m += info_len;
        msg[m++] = (unsigned char)i;
        ec_hmac_sha256(prk, sizeof(prk), msg, m, t);
        n = out_len - done < EC_SHA256_SIZE ? out_len - done : EC_SHA256_SIZE;
        memcpy(out + done, t, n);
        done += n;
    }
    OPENSSL_cleanse(prk, sizeof(prk));
    OPENSSL_cleanse(t, sizeof(t));
    OPENSSL_cleanse(msg, sizeof(msg));
}

int
ec_mem_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

void
ec_mem_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}
