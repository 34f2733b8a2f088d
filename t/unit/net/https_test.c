/*
 * What can be checked without a server: the form encoding and the
 * refusals that happen before a connection. Real calls against the test
 * OIDC provider are in t/http/oidc-provider.test.mjs.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "net/https.h"

/* libcurl's start-up, once, as a program does it */
static void
curl_once(void)
{
    static int done;

    if (!done) {
        ec_https_global_init();
        atexit(ec_https_global_cleanup);
        done = 1;
    }
}

static void
test_form_encoding(void)
{
    static const char *const fields[] = {"grant_type",
                                         "authorization_code",
                                         "code",
                                         "a b+c/d=e&f",
                                         "redirect_uri",
                                         "http://shop.localhost:8080/mitid?x=1",
                                         "v",
                                         "æ~._-",
                                         NULL};
    struct ec_buf b = EC_BUF_INIT;

    ec_https_form_encode(&b, fields);
    EC_ASSERT_STR(b.data,
                  "grant_type=authorization_code&code=a+b%2Bc%2Fd%3De%26f&"
                  "redirect_uri=http%3A%2F%2Fshop.localhost%3A8080%2Fmitid%"
                  "3Fx%3D1&v=%C3%A6~._-");
    ec_buf_release(&b);
}

static void
test_https_only(void)
{
    struct ec_https_resp r;

    curl_once();
    ec_https_resp_init(&r);
    CU_ASSERT_EQUAL(ec_https_get(NULL, "http://127.0.0.1:1/", &r),
                    EC_ERR_BAD_REQUEST);
    CU_ASSERT_EQUAL(
        ec_https_post_form(NULL, "file:///etc/passwd", NULL, NULL, NULL, &r),
        EC_ERR_BAD_REQUEST);
    CU_ASSERT_EQUAL(r.status, 0);
    ec_https_resp_release(&r);
}

/* A loopback port nobody listens on: bound, then closed. */
static int
closed_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static void
test_unreachable_is_unavailable(void)
{
    static const char *const fields[] = {"a", "b", NULL};
    struct ec_https_opts o = {.connect_timeout_ms = 500, .timeout_ms = 1000};
    struct ec_https_resp r;
    char url[64];

    curl_once();
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/token", closed_port());
    ec_https_resp_init(&r);
    CU_ASSERT_EQUAL(ec_https_post_form(&o, url, fields, "id", "secret", &r),
                    EC_ERR_UNAVAILABLE);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT(r.error[0] != '\0');
    CU_ASSERT(strstr(r.error, "secret") == NULL);
    ec_https_resp_release(&r);
}

static const struct ec_test tests[] = {
    {"forms are encoded as RFC 6749 wants", test_form_encoding},
    {"only https URLs are called", test_https_only},
    {"no answer is unavailable, and says why", test_unreachable_is_unavailable},
    {NULL, NULL},
};

EC_TEST_MAIN("net/https", tests)
