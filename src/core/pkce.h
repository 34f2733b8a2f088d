/*
 * The random values of an OAuth 2.0 authorization-code flow: the PKCE
 * code verifier and its S256 challenge (RFC 7636), and the "state" and
 * "nonce" that tie the broker's answer to the browser and the ID token to
 * the request (OIDC Core §3.1.2.1).
 *
 * Each is 256 random bits from the kernel, written as 43 characters of
 * base64url: unguessable, and of the verifier's alphabet and length
 * (RFC 7636 §4.1: 43 to 128 of [A-Za-z0-9-._~]).
 */
#ifndef EC_CORE_PKCE_H
#define EC_CORE_PKCE_H

/* The length of every value here (without the NUL). */
#define EC_PKCE_LEN 43

/* A new code verifier, state or nonce, and a NUL, into out. */
void ec_pkce_random(char out[EC_PKCE_LEN + 1]);

/* The S256 challenge of a verifier: base64url(SHA-256(verifier)), and a
   NUL, into out. Returns 0, or -1 when verifier is not a valid one. */
int ec_pkce_challenge(const char *verifier, char out[EC_PKCE_LEN + 1]);

/* 1 if s is a valid code verifier (RFC 7636 §4.1), else 0. */
int ec_pkce_verifier_valid(const char *s);

#endif
