#include "http/csrf.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/rand.h"
#include "http/request.h"
#include "http/response.h"

#define COOKIE_HEX 32

void
ec_csrf_sign(const unsigned char *key, size_t key_len, const char *host,
             const char *cookie, char token[EC_CSRF_TOKEN_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EC_SHA256_SIZE];
    char msg[512];
    int n;

    /* the host binds a token to one shop: another brand's page cannot
       lend its tokens */
    n = snprintf(msg, sizeof(msg), "form\n%s\n%s", host ? host : "",
                 cookie ? cookie : "");
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = (int)sizeof(msg) - 1;
    ec_hmac_sha256(key, key_len, msg, (size_t)n, md);
    for (size_t i = 0; i < (EC_CSRF_TOKEN_SIZE - 1) / 2; i++) {
        token[2 * i] = hex[md[i] >> 4];
        token[2 * i + 1] = hex[md[i] & 15];
    }
    token[EC_CSRF_TOKEN_SIZE - 1] = '\0';
}

void
ec_csrf_token(struct ec_request *req, struct ec_response *res,
              const unsigned char *key, size_t key_len,
              char token[EC_CSRF_TOKEN_SIZE])
{
    const char *cookie = ec_request_cookie(req, EC_CSRF_COOKIE);

    if (!ec_hex_valid(cookie, COOKIE_HEX)) {
        char *fresh = ec_arena_alloc(req->arena, COOKIE_HEX + 1);

        ec_rand_hex(fresh, COOKIE_HEX / 2);
        ec_response_header(res, "Set-Cookie",
                           ec_arena_printf(req->arena,
                                           EC_CSRF_COOKIE
                                           "=%s; Path=/; HttpOnly; "
                                           "SameSite=Lax",
                                           fresh));
        cookie = fresh;
    }
    ec_csrf_sign(key, key_len, req->host, cookie, token);
}

/* An Origin header, when the browser sends one, must name this host. */
static int
origin_ok(const struct ec_request *req)
{
    const char *o = ec_request_header(req, "origin"), *h;
    size_t n;

    if (!o || !*o)
        return 1;
    if (strncmp(o, "https://", 8) == 0)
        h = o + 8;
    else if (strncmp(o, "http://", 7) == 0)
        h = o + 7;
    else
        return 0;
    n = strcspn(h, ":/");
    return req->host && strlen(req->host) == n && strncmp(h, req->host, n) == 0;
}

int
ec_csrf_check(const struct ec_request *req, const unsigned char *key,
              size_t key_len)
{
    const char *cookie = ec_request_cookie(req, EC_CSRF_COOKIE);
    const char *sent = ec_kvlist_get(&req->form, EC_CSRF_FIELD);
    char want[EC_CSRF_TOKEN_SIZE];

    if (!ec_hex_valid(cookie, COOKIE_HEX) ||
        !ec_hex_valid(sent, EC_CSRF_TOKEN_SIZE - 1) || !origin_ok(req))
        return EC_ERR_CSRF_FAILED;
    ec_csrf_sign(key, key_len, req->host, cookie, want);
    return ec_mem_equal(want, sent, EC_CSRF_TOKEN_SIZE - 1)
               ? 0
               : EC_ERR_CSRF_FAILED;
}
