/*
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), the
 * second factor staff may add to their password: HMAC-SHA1, a 30-second
 * step and 6 digits, what every authenticator app does by default. And
 * base32 (RFC 4648), the alphabet those apps take a secret in.
 *
 * Invariants:
 *   - a code is accepted in the step of now and the one before and after
 *     (clock skew between a phone and the server), never twice: the
 *     caller keeps the last step used and passes it in, and a code of that
 *     step or an earlier one is refused (RFC 6238, section 5.2);
 *   - codes are compared in constant time; a secret is never logged.
 */
#ifndef EC_CORE_TOTP_H
#define EC_CORE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define EC_TOTP_STEP 30     /* seconds */
#define EC_TOTP_DIGITS 6    /* of a code */
#define EC_TOTP_WINDOW 1    /* steps either side of now */
#define EC_TOTP_KEY_SIZE 20 /* bytes of a new secret (160 bits, RFC 4226) */

/* Characters ec_base32_encode() writes for n bytes, without padding. */
#define EC_BASE32_LEN(n) (((n)*8 + 4) / 5)

/*
 * The HOTP value of key (len bytes) at counter, digits (6 to 9) long,
 * as a number (RFC 4226, section 5.3).
 */
uint32_t ec_hotp(const void *key, size_t len, uint64_t counter,
                 unsigned digits);

/* The TOTP step of UTC second t (t / EC_TOTP_STEP; 0 before 1970). */
int64_t ec_totp_step(int64_t t);

/*
 * Check code (EC_TOTP_DIGITS decimal digits; blanks between them are
 * allowed, as apps show "123 456") for key at UTC second now, in the
 * window above, against the last step used (-1 for none). Returns the
 * step it matched (the caller stores it as the last used), or -1 when
 * the code is malformed, wrong, or of a step already used.
 */
int64_t ec_totp_verify(const void *key, size_t len, const char *code,
                       int64_t now, int64_t last_step);

/* Write the unpadded upper-case base32 of n bytes, and a NUL, to out
   (room for EC_BASE32_LEN(n) + 1). */
void ec_base32_encode(char *out, const void *in, size_t n);

/*
 * Decode base32 as people type it (either case, blanks and '=' padding
 * ignored) into out (room for max bytes): the number of bytes, or -1 for
 * a character outside the alphabet, a length no encoder writes, or more
 * than max bytes.
 */
long ec_base32_decode(void *out, size_t max, const char *s);

#endif
