#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/csrf.h"
#include "http/request.h"
#include "http/response.h"

static struct ec_arena arena;
static unsigned char key[32];

#define COOKIE "0123456789abcdef0123456789abcdef"

/* The token of COOKIE for nordlys.localhost under 32 bytes of 'k', as
   `printf 'form\nnordlys.localhost\n<cookie>' | openssl dgst -sha256
   -hmac kkkk...` computes it, cut to 32 hex digits. */
#define TOKEN "0aaf4934e9095ca215eaedaaed0c77b9"

static void
test_sign_is_hmac_sha256(void)
{
    char t[EC_CSRF_TOKEN_SIZE], other[EC_CSRF_TOKEN_SIZE];

    ec_csrf_sign(key, sizeof(key), "nordlys.localhost", COOKIE, t);
    EC_ASSERT_STR(t, TOKEN);
    /* another shop, another cookie: another token */
    ec_csrf_sign(key, sizeof(key), "fjordmobil.localhost", COOKIE, other);
    CU_ASSERT_STRING_NOT_EQUAL(t, other);
    ec_csrf_sign(key, sizeof(key), "nordlys.localhost",
                 "1123456789abcdef0123456789abcdef", other);
    CU_ASSERT_STRING_NOT_EQUAL(t, other);
}

/* A form post to nordlys.localhost with cookie, body and Origin. */
static int
check(const char *cookie, const char *body, const char *origin)
{
    char c[128], o[128], cl[48];
    char *envp[] = {"REQUEST_METHOD=POST",
                    "REQUEST_URI=/basket/lines",
                    "HTTP_HOST=nordlys.localhost:8080",
                    "CONTENT_TYPE=application/x-www-form-urlencoded",
                    cl,
                    c,
                    o,
                    NULL};
    struct ec_request req;

    snprintf(c, sizeof(c), "HTTP_COOKIE=%s", cookie ? cookie : "");
    snprintf(o, sizeof(o), "HTTP_ORIGIN=%s", origin ? origin : "");
    snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", strlen(body));
    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, envp), 0);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_body(&req, body, strlen(body)), 0);
    return ec_csrf_check(&req, key, sizeof(key));
}

static void
test_check(void)
{
    const char *good = "csrf=" TOKEN "&sku=L";

    CU_ASSERT_EQUAL(check("csrf=" COOKIE, good, NULL), 0);
    CU_ASSERT_EQUAL(
        check("csrf=" COOKIE, good, "http://nordlys.localhost:8080"), 0);
    CU_ASSERT_EQUAL(check("csrf=" COOKIE, good, "https://nordlys.localhost"),
                    0);
    /* another site's page posting with the shopper's cookie */
    CU_ASSERT_EQUAL(check("csrf=" COOKIE, good, "https://evil.example"),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check("csrf=" COOKIE, good, "null"), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(
        check("csrf=" COOKIE, good, "http://nordlys.localhost.evil.example"),
        EC_ERR_CSRF_FAILED);
    /* no token, no cookie, a token of another cookie, a malformed one */
    CU_ASSERT_EQUAL(check("csrf=" COOKIE, "sku=L", NULL), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(NULL, good, NULL), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check("csrf=1123456789abcdef0123456789abcdef", good, NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check("csrf=" COOKIE,
                          "csrf=0aaf4934e9095ca215eaedaaed0c77b8&sku=L", NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check("csrf=" COOKIE, "csrf=0AAF&sku=L", NULL),
                    EC_ERR_CSRF_FAILED);
}

static void
test_token_sets_a_cookie_once(void)
{
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/products/L",
                    "HTTP_HOST=nordlys.localhost", "HTTP_COOKIE=csrf=" COOKIE,
                    NULL};
    char *bare[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/products/L",
                    "HTTP_HOST=nordlys.localhost", NULL};
    char t[EC_CSRF_TOKEN_SIZE];
    struct ec_request req;
    struct ec_response res;
    struct ec_buf body = EC_BUF_INIT;
    const char *set;

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, envp), 0);
    ec_response_init(&res, &arena, &body);
    ec_csrf_token(&req, &res, key, sizeof(key), t);
    EC_ASSERT_STR(t, TOKEN);
    CU_ASSERT_PTR_NULL(ec_response_get_header(&res, "Set-Cookie"));

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, bare), 0);
    ec_response_init(&res, &arena, &body);
    ec_csrf_token(&req, &res, key, sizeof(key), t);
    set = ec_response_get_header(&res, "Set-Cookie");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_EQUAL(strncmp(set, "csrf=", 5), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(set, "HttpOnly"));
    CU_ASSERT_PTR_NOT_NULL(strstr(set, "SameSite=Lax"));
    ec_buf_release(&body);
}

static const struct ec_test tests[] = {
    {"a token is the HMAC-SHA256 of host and cookie", test_sign_is_hmac_sha256},
    {"a post needs the token of its cookie, from this host", test_check},
    {"a page without the cookie gets one", test_token_sets_a_cookie_once},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    memset(key, 'k', sizeof(key));
    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/csrf", tests);
    ec_arena_release(&arena);
    return rc;
}
