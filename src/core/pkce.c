#include "core/pkce.h"

#include <string.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/rand.h"

/* 256 bits: base64url of 32 bytes is exactly EC_PKCE_LEN characters */
#define PKCE_BYTES 32

void
ec_pkce_random(char out[EC_PKCE_LEN + 1])
{
    unsigned char bytes[PKCE_BYTES];

    ec_rand_bytes(bytes, sizeof(bytes));
    ec_b64url_encode(out, bytes, sizeof(bytes));
}

int
ec_pkce_verifier_valid(const char *s)
{
    size_t len = strlen(s);

    return len >= 43 && len <= 128 &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789-._~") == len;
}

int
ec_pkce_challenge(const char *verifier, char out[EC_PKCE_LEN + 1])
{
    unsigned char digest[EC_SHA256_SIZE];

    if (!ec_pkce_verifier_valid(verifier))
        return -1;
    ec_sha256(verifier, strlen(verifier), digest);
    ec_b64url_encode(out, digest, sizeof(digest));
    return 0;
}
