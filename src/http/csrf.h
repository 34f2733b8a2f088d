/*
 * Cross-site request forgery defence: a token bound to the visitor's
 * session (http/session_cookie.h), checked by the dispatcher on every
 * state-changing route before its handler runs.
 *
 * The token is the HMAC-SHA256 of the host and the session id under the
 * form key (settings form_secret_file), cut to 128 bits, in hex; the
 * caller passes the key in. Only a page of this shop, read by the
 * visitor's own browser, can know it: another site can neither read the
 * HttpOnly session cookie nor compute the token, and the session id comes
 * only from a cookie the server signed, so a client cannot pick the id a
 * token is made for. Forms carry it in the hidden field csrf; scripts send
 * it in the X-CSRF-Token request header; every answer to a GET on a
 * tenant host carries the current one in the X-CSRF-Token response
 * header.
 *
 * On top of the token a request is refused when the browser says it
 * comes from elsewhere: an Origin that is not this server's scheme, host
 * and port, or Sec-Fetch-Site: cross-site.
 */
#ifndef EC_HTTP_CSRF_H
#define EC_HTTP_CSRF_H

#include <stddef.h>

struct ec_request;

#define EC_CSRF_FIELD "csrf"
#define EC_CSRF_HEADER "X-CSRF-Token"
#define EC_CSRF_TOKEN_SIZE 33 /* 32 hex digits, NUL */

/* The token of session id on host under key, into token. */
void ec_csrf_sign(const unsigned char *key, size_t key_len, const char *host,
                  const char *session_id, char token[EC_CSRF_TOKEN_SIZE]);

/*
 * 1 when origin (an Origin header's value) names the server a request
 * reached: scheme (https 1 or 0), host (lower-case, without port) and
 * port (host_header's, the Host header as sent, else the scheme's
 * default), else 0. "null" and anything unparsable is 0.
 */
int ec_csrf_origin_ok(const char *origin, int https, const char *host,
                      const char *host_header);

/*
 * 0 when req may change state on behalf of its session: it has a session
 * (req->session_id, from a cookie the server signed), sent is that
 * session's token for this host, its Origin (if any) is this server's and
 * its Sec-Fetch-Site is not cross-site; EC_ERR_CSRF_FAILED otherwise.
 */
int ec_csrf_check(const struct ec_request *req, const unsigned char *key,
                  size_t key_len, const char *sent);

#endif
