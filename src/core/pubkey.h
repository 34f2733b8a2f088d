/*
 * Public keys that verify signatures, over OpenSSL: RSA (RS256:
 * RSASSA-PKCS1-v1_5 with SHA-256) and ECDSA on P-256 (ES256), built from
 * the raw numbers a JSON Web Key carries, so code above core/ checks an
 * OIDC broker's ID token without a library header.
 *
 * Invariants: a struct ec_pubkey exists only for a key that passed
 * OpenSSL's public key check (an RSA modulus of EC_PUBKEY_RSA_MIN_BITS or
 * more; a point on the P-256 curve), and verifies exactly one algorithm,
 * the one it was built for: an RSA key never checks an ES256 signature and
 * the other way round.
 */
#ifndef EC_CORE_PUBKEY_H
#define EC_CORE_PUBKEY_H

#include <stddef.h>

/* Shorter RSA keys are refused: 2048 bits is the floor NIST and the
   brokers use. */
#define EC_PUBKEY_RSA_MIN_BITS 2048

/* The byte length of each P-256 coordinate and of an ES256 signature
   (r || s, as JOSE writes it, RFC 7518 §3.4). */
#define EC_PUBKEY_P256_COORD 32
#define EC_PUBKEY_ES256_SIG 64

enum ec_sig_alg {
    EC_SIG_NONE = 0,
    EC_SIG_RS256 = 1 << 0,
    EC_SIG_ES256 = 1 << 1,
};

struct ec_pubkey;

/* An RSA key from its big-endian modulus n and exponent e, or NULL when
   they do not make an acceptable key. The caller frees it. */
struct ec_pubkey *ec_pubkey_rsa(const unsigned char *n, size_t n_len,
                                const unsigned char *e, size_t e_len);

/* A P-256 key from its coordinates (EC_PUBKEY_P256_COORD bytes each), or
   NULL when they are not a point on the curve. The caller frees it. */
struct ec_pubkey *ec_pubkey_p256(const unsigned char *x, size_t x_len,
                                 const unsigned char *y, size_t y_len);

/* The one algorithm k verifies. */
enum ec_sig_alg ec_pubkey_alg(const struct ec_pubkey *k);

/* 1 if sig is k's valid signature of the len bytes at msg under k's
   algorithm, else 0. An ES256 signature is r || s (64 bytes); any other
   length is 0. */
int ec_pubkey_verify(const struct ec_pubkey *k, const void *msg, size_t len,
                     const unsigned char *sig, size_t sig_len);

/* "RS256", "ES256" or "none"; and back (EC_SIG_NONE for any other name,
   "none" included). */
const char *ec_sig_alg_name(enum ec_sig_alg alg);
enum ec_sig_alg ec_sig_alg_of(const char *name);

void ec_pubkey_free(struct ec_pubkey *k);

#endif
