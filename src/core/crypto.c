#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

void
ec_sha256(const void *msg, size_t n, unsigned char out[EC_SHA256_SIZE])
{
    SHA256(msg, n, out);
}

void
ec_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
               unsigned char out[EC_SHA256_SIZE])
{
    unsigned int len = EC_SHA256_SIZE;

    HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &len);
}

int
ec_mem_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
