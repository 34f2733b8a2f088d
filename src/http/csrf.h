/*
 * Cross-site request forgery defence of the storefront's forms: a signed
 * double-submit token.
 *
 * A browser gets a random cookie (csrf, HttpOnly, SameSite=Lax) the first
 * time a page with a form is rendered; each form carries a token that is
 * the HMAC-SHA256 of that cookie and the host under the server's form key
 * (settings form_secret_file), which the caller passes in. A post is accepted
 * only when its token matches its cookie, and, if the browser names an Origin,
 * that origin is this host. Another site can neither read the cookie nor
 * compute the token, and SameSite=Lax keeps the cookie off its cross-site
 * posts.
 *
 * The dispatcher runs the check for every route flagged EC_R_FORM, before
 * the handler; handlers only put the token into their forms. The JSON API
 * needs none of this: its routes (EC_R_JSON_BODY) take only
 * application/json, which a cross-site page cannot send without a CORS
 * preflight.
 */
#ifndef EC_HTTP_CSRF_H
#define EC_HTTP_CSRF_H

#include <stddef.h>

struct ec_request;
struct ec_response;

#define EC_CSRF_COOKIE "csrf"
#define EC_CSRF_FIELD "csrf"
#define EC_CSRF_TOKEN_SIZE 33 /* 32 hex digits, NUL */

/*
 * The token for the forms of this answer, into token; sets the cookie on
 * res when the request has none (or a malformed one).
 */
void ec_csrf_token(struct ec_request *req, struct ec_response *res,
                   const unsigned char *key, size_t key_len,
                   char token[EC_CSRF_TOKEN_SIZE]);

/*
 * 0 when the posted form carries the token of the request's cookie and
 * comes from this host; EC_ERR_CSRF_FAILED otherwise.
 */
int ec_csrf_check(const struct ec_request *req, const unsigned char *key,
                  size_t key_len);

/* The token of cookie for host under key (exposed for tests). */
void ec_csrf_sign(const unsigned char *key, size_t key_len, const char *host,
                  const char *cookie, char token[EC_CSRF_TOKEN_SIZE]);

#endif
