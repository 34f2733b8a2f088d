#include "core/seal.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"

#define SEAL_VERSION "v1"
/* nonce || ciphertext || tag of the longest value */
#define SEAL_RAW_MAX (EC_SEAL_NONCE_SIZE + EC_SEAL_PLAIN_MAX + EC_SEAL_TAG_SIZE)

void
ec_seal_init(struct ec_seal *s)
{
    memset(s, 0, sizeof(*s));
}

static int
kid_valid(const char *kid, size_t len)
{
    size_t i;

    if (len == 0 || len > EC_SEAL_KID_MAX)
        return 0;
    for (i = 0; i < len; i++)
        if (!((kid[i] >= 'a' && kid[i] <= 'z') ||
              (kid[i] >= 'A' && kid[i] <= 'Z') ||
              (kid[i] >= '0' && kid[i] <= '9') || kid[i] == '-' ||
              kid[i] == '_'))
            return 0;
    return 1;
}

/* The key of the ring with this kid (len bytes), or NULL. */
static const struct ec_seal_key *
find(const struct ec_seal *s, const char *kid, size_t len)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strlen(s->keys[i].kid) == len &&
            memcmp(s->keys[i].kid, kid, len) == 0)
            return &s->keys[i];
    return NULL;
}

int
ec_seal_add(struct ec_seal *s, const char *kid,
            const unsigned char key[EC_SEAL_KEY_SIZE], int current)
{
    size_t len = strlen(kid);

    if (!kid_valid(kid, len) || find(s, kid, len) || s->n == EC_SEAL_KEYS_MAX)
        return EC_ERR_INVALID_FIELD;
    memcpy(s->keys[s->n].kid, kid, len + 1);
    memcpy(s->keys[s->n].key, key, EC_SEAL_KEY_SIZE);
    if (current || s->n == 0)
        s->current = s->n;
    s->n++;
    return 0;
}

/* The additional data: "v1.<kid>.<context>", so neither the header nor
   the place a value belongs to can be changed unnoticed. */
static void
aad(struct ec_buf *b, const char *kid, const char *context)
{
    ec_buf_addf(b, SEAL_VERSION ".%s.%s", kid, context ? context : "");
}

/* AES-256-GCM one way or the other: enc 1 seals in into out and writes
   the tag, 0 opens it and checks the tag. Returns 0 or -1. */
static int
gcm(int enc, const unsigned char *key, const unsigned char *nonce,
    const struct ec_buf *ad, const unsigned char *in, size_t len,
    unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok;

    ok = ctx &&
         EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, EC_SEAL_NONCE_SIZE,
                             NULL) &&
         EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) &&
         EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)ad->data,
                          (int)ad->len) &&
         EVP_CipherUpdate(ctx, out, &n, in, (int)len) &&
         (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
                                     EC_SEAL_TAG_SIZE, tag)) &&
         EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 &&
         (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                                      EC_SEAL_TAG_SIZE, tag));
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

int
ec_seal_encrypt(const struct ec_seal *s, const char *context, const void *plain,
                size_t len, struct ec_buf *out)
{
    unsigned char raw[SEAL_RAW_MAX];
    char text[EC_B64URL_LEN(SEAL_RAW_MAX) + 1];
    const struct ec_seal_key *k;
    struct ec_buf ad = EC_BUF_INIT;
    size_t raw_len = EC_SEAL_NONCE_SIZE + len + EC_SEAL_TAG_SIZE;
    int rc;

    if (s->n == 0 || len > EC_SEAL_PLAIN_MAX)
        return EC_ERR_INTERNAL;
    k = &s->keys[s->current];
    ec_rand_bytes(raw, EC_SEAL_NONCE_SIZE);
    aad(&ad, k->kid, context);
    rc = gcm(1, k->key, raw, &ad, plain, len, raw + EC_SEAL_NONCE_SIZE,
             raw + EC_SEAL_NONCE_SIZE + len);
    ec_buf_release(&ad);
    if (rc < 0)
        return EC_ERR_INTERNAL;
    ec_b64url_encode(text, raw, raw_len);
    ec_buf_addf(out, SEAL_VERSION ".%s.%s", k->kid, text);
    return 0;
}

/* Split "v1.<kid>.<data>": the kid and the data as views. */
static int
split(const char *sealed, const char **kid, size_t *kid_len, const char **data)
{
    const char *dot;

    if (strncmp(sealed, SEAL_VERSION ".", sizeof(SEAL_VERSION)) != 0)
        return -1;
    *kid = sealed + sizeof(SEAL_VERSION);
    dot = strchr(*kid, '.');
    if (!dot || !kid_valid(*kid, (size_t)(dot - *kid)))
        return -1;
    *kid_len = (size_t)(dot - *kid);
    *data = dot + 1;
    return 0;
}

int
ec_seal_kid(const char *sealed, char *kid)
{
    const char *k, *data;
    size_t len;

    if (split(sealed, &k, &len, &data) < 0)
        return -1;
    memcpy(kid, k, len);
    kid[len] = '\0';
    return 0;
}

int
ec_seal_decrypt(const struct ec_seal *s, const char *context,
                const char *sealed, unsigned char *out, size_t cap, size_t *len)
{
    unsigned char raw[SEAL_RAW_MAX + 2];
    const struct ec_seal_key *k;
    struct ec_buf ad = EC_BUF_INIT;
    const char *kid, *data;
    size_t kid_len, data_len, plain_len;
    long raw_len;
    int rc;

    *len = 0;
    if (split(sealed, &kid, &kid_len, &data) < 0)
        return EC_ERR_FORBIDDEN;
    if (!(k = find(s, kid, kid_len)))
        return EC_ERR_NOT_FOUND;
    data_len = strlen(data);
    if (EC_B64URL_DECODED_MAX(data_len) > sizeof(raw))
        return EC_ERR_FORBIDDEN;
    raw_len = ec_b64url_decode(raw, data, data_len);
    if (raw_len < EC_SEAL_NONCE_SIZE + EC_SEAL_TAG_SIZE)
        return EC_ERR_FORBIDDEN;
    plain_len = (size_t)raw_len - EC_SEAL_NONCE_SIZE - EC_SEAL_TAG_SIZE;
    if (plain_len > cap)
        return EC_ERR_FORBIDDEN;
    aad(&ad, k->kid, context);
    rc = gcm(0, k->key, raw, &ad, raw + EC_SEAL_NONCE_SIZE, plain_len, out,
             raw + EC_SEAL_NONCE_SIZE + plain_len);
    ec_buf_release(&ad);
    if (rc < 0) {
        OPENSSL_cleanse(out, plain_len);
        return EC_ERR_FORBIDDEN;
    }
    *len = plain_len;
    return 0;
}

void
ec_seal_release(struct ec_seal *s)
{
    OPENSSL_cleanse(s->keys, sizeof(s->keys));
    s->n = 0;
    s->current = 0;
}
