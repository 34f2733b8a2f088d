#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/csrf.h"
#include "http/request.h"

static struct ec_arena arena;
static unsigned char key[32];

#define SID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define OTHER_SID                                                              \
    "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The token of session SID on nordlys.localhost under 32 bytes of 'k', as
   `printf 'csrf\nnordlys.localhost\n<SID>' | openssl dgst -sha256 -hmac
   kkkk...` computes it, cut to 32 hex digits. */
#define TOKEN "19152b968e32f79e30c4ccaca89e57d4"

static void
test_sign_is_hmac_sha256(void)
{
    char t[EC_CSRF_TOKEN_SIZE], other[EC_CSRF_TOKEN_SIZE];

    ec_csrf_sign(key, sizeof(key), "nordlys.localhost", SID, t);
    EC_ASSERT_STR(t, TOKEN);
    /* another shop, another session: another token */
    ec_csrf_sign(key, sizeof(key), "fjordmobil.localhost", SID, other);
    CU_ASSERT_STRING_NOT_EQUAL(t, other);
    ec_csrf_sign(key, sizeof(key), "nordlys.localhost", OTHER_SID, other);
    CU_ASSERT_STRING_NOT_EQUAL(t, other);
}

static void
test_origin_matches_scheme_host_and_port(void)
{
    static const struct {
        const char *origin;
        int https;
        const char *host_header;
        int ok;
    } cases[] = {
        {"http://nordlys.localhost:8080", 0, "nordlys.localhost:8080", 1},
        {"http://NORDLYS.localhost:8080", 0, "nordlys.localhost:8080", 1},
        {"http://nordlys.localhost", 0, "nordlys.localhost", 1},
        {"http://nordlys.localhost:80", 0, "nordlys.localhost", 1},
        {"http://nordlys.localhost", 0, "nordlys.localhost:80", 1},
        {"https://nordlys.localhost", 1, "nordlys.localhost", 1},
        {"https://nordlys.localhost:443", 1, "nordlys.localhost", 1},
        {"https://nordlys.localhost/", 1, "nordlys.localhost", 1},
        /* another scheme */
        {"https://nordlys.localhost:8080", 0, "nordlys.localhost:8080", 0},
        {"http://nordlys.localhost", 1, "nordlys.localhost", 0},
        {"ftp://nordlys.localhost", 0, "nordlys.localhost", 0},
        /* another port */
        {"http://nordlys.localhost:8081", 0, "nordlys.localhost:8080", 0},
        {"http://nordlys.localhost", 0, "nordlys.localhost:8080", 0},
        {"https://nordlys.localhost:8443", 1, "nordlys.localhost", 0},
        {"http://nordlys.localhost:", 0, "nordlys.localhost", 0},
        {"http://nordlys.localhost:x", 0, "nordlys.localhost", 0},
        {"http://nordlys.localhost:99999", 0, "nordlys.localhost:99999", 0},
        /* another host */
        {"http://evil.example", 0, "nordlys.localhost", 0},
        {"http://nordlys.localhost.evil.example", 0, "nordlys.localhost", 0},
        {"http://fjordmobil.localhost", 0, "nordlys.localhost", 0},
        {"http://evil.example/nordlys.localhost", 0, "nordlys.localhost", 0},
        {"null", 0, "nordlys.localhost", 0},
        {"", 0, "nordlys.localhost", 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int ok = ec_csrf_origin_ok(cases[i].origin, cases[i].https,
                                   "nordlys.localhost", cases[i].host_header);
        if (ok != cases[i].ok)
            fprintf(stderr, "origin %s (https %d, Host %s): %d\n",
                    cases[i].origin, cases[i].https, cases[i].host_header, ok);
        CU_ASSERT_EQUAL(ok, cases[i].ok);
    }
}

/* A post to nordlys.localhost:8080 from session sid (NULL: none) with
   extra headers (FastCGI parameters), sending token sent. */
static int
check(const char *sid, const char *sent, const char *extra1, const char *extra2)
{
    char *envp[] = {"REQUEST_METHOD=POST",
                    "REQUEST_URI=/api/v1/basket/lines",
                    "HTTP_HOST=nordlys.localhost:8080",
                    (char *)(extra1 ? extra1 : "X=1"),
                    (char *)(extra2 ? extra2 : "Y=1"),
                    NULL};
    struct ec_request req;

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, envp), 0);
    req.session_id = sid;
    return ec_csrf_check(&req, key, sizeof(key), sent);
}

static void
test_check_binds_the_token_to_the_session(void)
{
    char theirs[EC_CSRF_TOKEN_SIZE];

    ec_csrf_sign(key, sizeof(key), "nordlys.localhost", OTHER_SID, theirs);
    CU_ASSERT_EQUAL(check(SID, TOKEN, NULL, NULL), 0);
    CU_ASSERT_EQUAL(
        check(SID, TOKEN, "HTTP_ORIGIN=http://nordlys.localhost:8080", NULL),
        0);
    CU_ASSERT_EQUAL(check(SID, TOKEN, "HTTP_SEC_FETCH_SITE=same-origin", NULL),
                    0);
    /* no session, no token, a token of another session, a malformed one */
    CU_ASSERT_EQUAL(check(NULL, TOKEN, NULL, NULL), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, NULL, NULL, NULL), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, theirs, NULL, NULL), EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, "19152b968e32f79e30c4ccaca89e57d5", NULL, NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, "19152B968E32F79E30C4CCACA89E57D4", NULL, NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, TOKEN "00", NULL, NULL), EC_ERR_CSRF_FAILED);
    /* the right token from elsewhere */
    CU_ASSERT_EQUAL(
        check(SID, TOKEN, "HTTP_ORIGIN=https://nordlys.localhost:8080", NULL),
        EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(
        check(SID, TOKEN, "HTTP_ORIGIN=http://nordlys.localhost:9090", NULL),
        EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, TOKEN, "HTTP_ORIGIN=http://evil.example", NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, TOKEN, "HTTP_ORIGIN=null", NULL),
                    EC_ERR_CSRF_FAILED);
    CU_ASSERT_EQUAL(check(SID, TOKEN, "HTTP_SEC_FETCH_SITE=cross-site", NULL),
                    EC_ERR_CSRF_FAILED);
}

static const struct ec_test tests[] = {
    {"a token is the HMAC-SHA256 of host and session id",
     test_sign_is_hmac_sha256},
    {"an Origin must match scheme, host and port",
     test_origin_matches_scheme_host_and_port},
    {"a change needs its session's token, from this origin",
     test_check_binds_the_token_to_the_session},
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
