/*
 * Sealed fields: personal data (CPR numbers) encrypted at rest with
 * AES-256-GCM under keys from the configuration, so a database dump or a
 * backup holds no number in clear, and keys can be rotated.
 *
 * A sealed value is text that fits any column:
 *
 *     v1.<kid>.<base64url(nonce[12] || ciphertext || tag[16])>
 *
 * The nonce is 96 random bits from the kernel for every value (never a
 * counter: workers on many hosts seal at once, and 2^32 values per key is
 * far beyond a shop's lifetime of sign-ups). The version and the kid are
 * authenticated too (additional data), and so is the caller's context, a
 * word naming where the value lives ("nordlys:basket.cpr"): a value
 * copied to another tenant or another column does not open there.
 *
 * A ring holds every key that may still open old values, by kid, and
 * names one current key that seals new ones. Rotation: add the new key,
 * make it current, re-seal old values at leisure, then drop the old key.
 *
 * Invariants: kids are 1 to EC_SEAL_KID_MAX of [A-Za-z0-9_-] and unique
 * in a ring; every key is EC_SEAL_KEY_SIZE bytes; once a ring has a key,
 * current names one of them. Keys are wiped when the ring is released.
 */
#ifndef EC_CORE_SEAL_H
#define EC_CORE_SEAL_H

#include <stddef.h>

struct ec_buf;

#define EC_SEAL_KEY_SIZE 32
#define EC_SEAL_KID_MAX 32
#define EC_SEAL_KEYS_MAX 8
#define EC_SEAL_NONCE_SIZE 12
#define EC_SEAL_TAG_SIZE 16
/* The longest value sealed: personal numbers and names, not documents. */
#define EC_SEAL_PLAIN_MAX 1024

struct ec_seal_key {
    char kid[EC_SEAL_KID_MAX + 1];
    unsigned char key[EC_SEAL_KEY_SIZE];
};

struct ec_seal {
    struct ec_seal_key keys[EC_SEAL_KEYS_MAX];
    size_t n;
    size_t current; /* index into keys, meaningful when n > 0 */
};

void ec_seal_init(struct ec_seal *s);

/* Add a key; when current (or when it is the first) it seals from now on.
   Returns 0, or EC_ERR_INVALID_FIELD for a bad or duplicate kid or a full
   ring. */
int ec_seal_add(struct ec_seal *s, const char *kid,
                const unsigned char key[EC_SEAL_KEY_SIZE], int current);

/*
 * Read a ring from a key file (kept with the other secrets, readable by
 * ecomd's account only):
 *
 *     # kid   key: 64 hex digits (openssl rand -hex 32)
 *     k2025   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *     k2026   60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
 *     current k2026
 *
 * Returns 0, or EC_ERR_INVALID_FIELD with a message for the operator in
 * err (naming the line, never a key) when the file cannot be read or a
 * line is wrong, or no key is current.
 */
int ec_seal_load(struct ec_seal *s, const char *path, char *err,
                 size_t err_size);

/* Seal the len bytes at plain under the current key, for context, and
   append the text to out. Returns 0, or EC_ERR_INTERNAL when the ring is
   empty or the value longer than EC_SEAL_PLAIN_MAX. */
int ec_seal_encrypt(const struct ec_seal *s, const char *context,
                    const void *plain, size_t len, struct ec_buf *out);

/* Open a sealed value for context into out (cap bytes; *len gets the
   length). Returns 0, EC_ERR_NOT_FOUND when its kid is not in the ring,
   or EC_ERR_FORBIDDEN when it is malformed, does not fit, or fails
   authentication (tampered, another context, another key). out holds
   nothing on failure; the caller wipes it after use (ec_mem_wipe). */
int ec_seal_decrypt(const struct ec_seal *s, const char *context,
                    const char *sealed, unsigned char *out, size_t cap,
                    size_t *len);

/* The kid a sealed value was sealed with (into kid, EC_SEAL_KID_MAX + 1
   bytes), so a re-sealing job can find old values: 0, or -1 when the
   value is not a sealed one. */
int ec_seal_kid(const char *sealed, char *kid);

/* Wipe the keys; the ring is empty afterwards. */
void ec_seal_release(struct ec_seal *s);

#endif
