/*
 * The session cookie: the one thing that names a visitor's session, issued
 * and signed by the server, so that a client can neither choose an id nor
 * make one up (a value the server never issued is ignored and replaced).
 *
 * Invariants:
 *   - a session id is 64 lower-case hex digits (256 random bits from the
 *     kernel, core/rand.h);
 *   - the cookie's value is "<id>.<issued>.<mac>": issued is the UTC
 *     second it was made (decimal), mac the first 16 bytes, in lower-case
 *     hex, of HMAC-SHA256 over "session\n<id>\n<issued>" under the
 *     session key (settings session_secret_file), which the caller passes
 *     in; a value is at most EC_SESSION_COOKIE_MAX bytes;
 *   - a value is valid only while issued lies within the absolute timeout
 *     (settings session_absolute_timeout) before now, and not in the
 *     future (beyond a few minutes of clock skew between hosts);
 *   - over HTTPS the cookie is __Host-sid (Secure, Path=/, no Domain, so
 *     no other host, nor plain HTTP, can set it); over HTTP it is sid.
 *     Both are HttpOnly and SameSite=Lax.
 *
 * Issuing a cookie stores nothing: the session's record (svc/session.h)
 * is made at the first change, so a page view costs no write.
 */
#ifndef EC_HTTP_SESSION_COOKIE_H
#define EC_HTTP_SESSION_COOKIE_H

#include <stddef.h>
#include <stdint.h>

struct ec_arena;

#define EC_SESSION_ID_SIZE 65     /* 64 hex digits, NUL */
#define EC_SESSION_COOKIE_MAX 128 /* the longest value read */
#define EC_SESSION_COOKIE_HTTPS "__Host-sid"
#define EC_SESSION_COOKIE_HTTP "sid"
#define EC_SESSION_SKEW 300 /* seconds a value may come from the future */

/* The cookie's name for a request that came over HTTPS (https 1) or not. */
const char *ec_session_cookie_name(int https);

/* A fresh random session id into id. */
void ec_session_new_id(char id[EC_SESSION_ID_SIZE]);

/*
 * The cookie value for id issued at second issued, signed with key (a
 * new string in arena a).
 */
char *ec_session_cookie_make(const unsigned char *key, size_t key_len,
                             const char *id, int64_t issued,
                             struct ec_arena *a);

/*
 * Check a cookie value (may be NULL) against key at second now: 0 with
 * the id in id and its issue time in *issued, or -1 when the value is
 * malformed, not signed by key, older than absolute seconds or from the
 * future. The comparison of the signature takes the same time wherever
 * it differs.
 */
int ec_session_cookie_verify(const unsigned char *key, size_t key_len,
                             const char *value, int64_t now, long absolute,
                             char id[EC_SESSION_ID_SIZE], int64_t *issued);

/*
 * The Set-Cookie header value that hands value out (a new string in a):
 * the name for https, Path=/, Max-Age max_age seconds, HttpOnly,
 * SameSite=Lax, and Secure over HTTPS.
 */
char *ec_session_cookie_header(int https, const char *value, long max_age,
                               struct ec_arena *a);

#endif
