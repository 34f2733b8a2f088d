/*
 * Signed webhook headers of the form Stripe uses, which ecomd speaks in
 * both directions (Stripe's webhooks, the payment simulator's callbacks,
 * events to downstream receivers and their reports back):
 *
 *     t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=...]
 *
 * The key is the endpoint's secret as bytes. A header may carry several
 * v1 signatures (a sender rolling its secret signs with both); any one
 * matching is enough. Other schemes (v0=...) are ignored. A timestamp
 * further than the tolerance from now, in either direction, is refused,
 * so a captured request cannot be replayed later; replays within the
 * window are the receiver's to drop, by event id.
 *
 * Comparisons are constant-time. Nothing here logs.
 */
#ifndef EC_CORE_SIGHEAD_H
#define EC_CORE_SIGHEAD_H

#include <stddef.h>
#include <stdint.h>

struct ec_buf;

#define EC_SIGHEAD_TOLERANCE_S 300
#define EC_SIGHEAD_MAX 1024 /* a longer header is refused unread */

/* Why a header did not verify, for the log (never the header itself). */
enum ec_sighead_why {
    EC_SIGHEAD_OK = 0,
    EC_SIGHEAD_MALFORMED, /* missing, too long, no t, no v1 */
    EC_SIGHEAD_STALE,     /* t outside the tolerance */
    EC_SIGHEAD_MISMATCH   /* no v1 matches */
};

/* Append "t=<t>,v1=<signature>" for body under key to out. */
void ec_sighead_sign(struct ec_buf *out, const void *key, size_t key_len,
                     int64_t t, const void *body, size_t len);

/* The lower-case hex HMAC-SHA256 of "<t>.<body>" under key into hex
   (65 bytes, NUL-terminated). */
void ec_sighead_hex(char hex[65], const void *key, size_t key_len, int64_t t,
                    const void *body, size_t len);

/*
 * Check header (may be NULL) for body under key at instant now with
 * tolerance seconds. Returns 0 when it verifies, else EC_ERR_FORBIDDEN
 * with *why (may be NULL) saying which check failed.
 */
int ec_sighead_verify(const char *header, const void *key, size_t key_len,
                      const void *body, size_t len, int64_t now,
                      int64_t tolerance, enum ec_sighead_why *why);

/* "malformed", "stale", "mismatch" or "ok". */
const char *ec_sighead_why_str(enum ec_sighead_why why);

#endif
