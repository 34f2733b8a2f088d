/*
 * Base64 (RFC 4648): the URL-safe alphabet without padding that JOSE,
 * PKCE and sealed fields use, the standard alphabet with padding for
 * HTTP Basic credentials, and without it for password hashes (the PHC
 * string format); and hex, as keys are written in files.
 *
 * Decoding is strict, because a signature or a ciphertext must have one
 * spelling only: no padding, no whitespace, no character outside the
 * alphabet, no length of 4k+1, and unused bits of the last character
 * must be zero. Encoders write a NUL after the text.
 */
#ifndef EC_CORE_BASE64_H
#define EC_CORE_BASE64_H

#include <stddef.h>

/* Characters ec_b64url_encode() writes for n bytes (without the NUL). */
#define EC_B64URL_LEN(n) (((n)*4 + 2) / 3)

/* The most bytes len characters of base64url can decode to. */
#define EC_B64URL_DECODED_MAX(len) ((len) / 4 * 3 + 2)

/* Characters ec_b64_encode() writes for n bytes (without the NUL). */
#define EC_B64_LEN(n) (((n) + 2) / 3 * 4)

/* Write the base64url of the n bytes at in, and a NUL, to out (room for
   EC_B64URL_LEN(n) + 1). */
void ec_b64url_encode(char *out, const void *in, size_t n);

/* Decode the len characters at s into out (room for
   EC_B64URL_DECODED_MAX(len)); returns the number of bytes, or -1 when s
   is not canonical unpadded base64url. */
long ec_b64url_decode(void *out, const char *s, size_t len);

/* Write the padded standard base64 of the n bytes at in, and a NUL, to out
   (room for EC_B64_LEN(n) + 1). */
void ec_b64_encode(char *out, const void *in, size_t n);

/* As ec_b64url_decode(), for the standard alphabet without padding. */
long ec_b64_decode_unpadded(void *out, const char *s, size_t len);

/* The value of hex digit c (either case), or -1. */
int ec_hex_digit(int c);

/* The n bytes that the 2n hex digits (either case) at hex spell, into
   out: 0, or -1 when any of them is not a hex digit. Keys in files are
   written so. */
int ec_hex_decode(void *out, const char *hex, size_t n);

#endif
