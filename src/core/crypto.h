/*
 * The few cryptographic primitives the application uses, over OpenSSL, so
 * that code above core/ signs and compares without a library header.
 */
#ifndef EC_CORE_CRYPTO_H
#define EC_CORE_CRYPTO_H

#include <stddef.h>

#define EC_SHA256_SIZE 32

/* SHA-256 of the n bytes at msg into out. */
void ec_sha256(const void *msg, size_t n, unsigned char out[EC_SHA256_SIZE]);

/* HMAC-SHA256 of msg under key into out. */
void ec_hmac_sha256(const void *key, size_t key_len, const void *msg,
                    size_t msg_len, unsigned char out[EC_SHA256_SIZE]);

#define EC_SHA1_SIZE 20

/* HMAC-SHA1 of msg under key into out: for one-time passwords (RFC 4226
   fixes SHA-1 there), never for anything new. */
void ec_hmac_sha1(const void *key, size_t key_len, const void *msg,
                  size_t msg_len, unsigned char out[EC_SHA1_SIZE]);

/*
 * HKDF-SHA256 (RFC 5869): out_len bytes (at most 255 * 32) of key
 * material derived from the ikm_len bytes of ikm, with salt (may be
 * empty) and info (what the key is for, so one secret gives unrelated
 * keys for unrelated uses).
 */
void ec_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm,
                    size_t ikm_len, const void *info, size_t info_len,
                    unsigned char *out, size_t out_len);

/* 1 if the n bytes at a and b are equal, in a time that does not depend on
   where they differ (for comparing secrets), else 0. */
int ec_mem_equal(const void *a, const void *b, size_t n);

/* Overwrite the n bytes at p with zeros in a way the compiler keeps (for
   keys and personal numbers once they are no longer needed). */
void ec_mem_wipe(void *p, size_t n);

#endif
