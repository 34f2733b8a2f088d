/*
 * Contentful's request verification: a webhook carries
 *
 *     x-contentful-signature       hex HMAC-SHA256 of the canonical request
 *     x-contentful-signed-headers  the headers signed, in order, by ','
 *     x-contentful-timestamp       when it was signed, Unix milliseconds
 *
 * The canonical request is "METHOD\npath\nheaders\nbody": the method as
 * sent, the path as sent (the request target, query included), the signed
 * headers as "name:value" (name lower-cased, both trimmed) joined by ';'
 * in the order they are named, and the raw body. The key is the webhook
 * secret's bytes.
 *
 * A request verifies when the signature matches (constant-time), the
 * timestamp is itself one of the signed headers (or a captured request
 * could be sent again with a new one) and lies within
 * EC_CFSIG_TOLERANCE_MS of now in either direction. Replays inside that
 * window are the receiver's to drop, by x-contentful-idempotency-key.
 * Nothing here logs.
 */
#ifndef EC_CORE_CFSIG_H
#define EC_CORE_CFSIG_H

#include <stddef.h>
#include <stdint.h>

struct ec_buf;

#define EC_CFSIG_TOLERANCE_MS 30000
#define EC_CFSIG_HEADERS_MAX 32 /* more signed headers are refused */
#define EC_CFSIG_VALUE_MAX 4096 /* a longer header value is refused */

/* A header's value by lower-case name, or NULL when absent. */
typedef const char *(*ec_cfsig_header_fn)(void *ctx, const char *name);

struct ec_cfsig_request {
    const char *method;
    const char *path; /* the request target as sent */
    ec_cfsig_header_fn header;
    void *ctx;
    const char *body;
    size_t len;
};

/* Why a request did not verify, for the log (never a value). */
enum ec_cfsig_why {
    EC_CFSIG_OK = 0,
    EC_CFSIG_MALFORMED, /* a header missing, too long or badly formed */
    EC_CFSIG_UNSIGNED_TIMESTAMP, /* the timestamp is not a signed header */
    EC_CFSIG_STALE,              /* the timestamp is outside the window */
    EC_CFSIG_MISMATCH            /* the signature does not match */
};

/* A word for why, for the log. */
const char *ec_cfsig_why_name(enum ec_cfsig_why why);

/*
 * Append the canonical request of r, signing the headers named in signed
 * (a ','-separated list), to out. 0, or -1 when a named header is missing,
 * there are more than EC_CFSIG_HEADERS_MAX, or one is empty or too long.
 */
int ec_cfsig_canonical(const struct ec_cfsig_request *r, const char *signed_,
                       struct ec_buf *out);

/* The lower-case hex HMAC-SHA256 of the canonical request of r signing
   the headers in signed_ under key into hex (65 bytes, NUL-terminated):
   0, or -1 as ec_cfsig_canonical(). */
int ec_cfsig_sign(char hex[65], const struct ec_cfsig_request *r,
                  const char *signed_, const void *key, size_t key_len);

/* 1 if the ','-separated list signed_ names the header name (lower-case). */
int ec_cfsig_signs(const char *signed_, const char *name);

/*
 * Verify r under key at now_ms (Unix milliseconds). 0, or
 * EC_ERR_UNAUTHORIZED with *why (may be NULL) saying which check failed.
 */
int ec_cfsig_verify(const struct ec_cfsig_request *r, const void *key,
                    size_t key_len, int64_t now_ms, enum ec_cfsig_why *why);

#endif
