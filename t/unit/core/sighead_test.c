/*
 * Signed headers (core/sighead.c) against signatures computed here with
 * OpenSSL's HMAC directly, independently of the code under test.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/sighead.h"
#include "../test.h"

static const char key[] = "whsec_5f1f0b6c0d2e4a";
static const char body[] = "{\"id\":\"evt_1\",\"type\":\"checkout.session."
                           "completed\"}";

/* The oracle: hex HMAC-SHA256 of "<t>.<body>" under k, by OpenSSL. */
static void
oracle(char hex[65], const char *k, int64_t t, const char *b)
{
    unsigned char mac[32];
    unsigned int len = sizeof(mac);
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "%" PRId64 ".%s", t, b);

    HMAC(EVP_sha256(), k, (int)strlen(k), (unsigned char *)msg, (size_t)n, mac,
         &len);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
}

static int
verify(const char *header, int64_t now, enum ec_sighead_why *why)
{
    return ec_sighead_verify(header, key, strlen(key), body, strlen(body), now,
                             EC_SIGHEAD_TOLERANCE_S, why);
}

static void
test_sign_matches_openssl(void)
{
    struct ec_buf b = EC_BUF_INIT;
    char want[65], header[128];

    oracle(want, key, 1700000000, body);
    ec_sighead_sign(&b, key, strlen(key), 1700000000, body, strlen(body));
    snprintf(header, sizeof(header), "t=1700000000,v1=%s", want);
    EC_ASSERT_STR(b.data, header);
    ec_buf_release(&b);
}

/* A short key and body, the smallest timestamp: the oracle agrees. */
static void
test_fixed_vector(void)
{
    char hex[65], want[65];

    ec_sighead_hex(hex, "Jefe", 4, 0, "x", 1);
    oracle(want, "Jefe", 0, "x");
    EC_ASSERT_STR(hex, want);
    CU_ASSERT_EQUAL(strlen(hex), 64);
}

static void
test_verify_good_any_v1_and_spaces(void)
{
    enum ec_sighead_why why;
    char good[65], header[300];

    oracle(good, key, 1700000000, body);
    snprintf(header, sizeof(header), "t=1700000000,v1=%s", good);
    CU_ASSERT_EQUAL(verify(header, 1700000000, &why), 0);
    CU_ASSERT_EQUAL(why, EC_SIGHEAD_OK);
    /* the second of two v1 (a rolled secret), a v0 ignored, spaces */
    snprintf(header, sizeof(header), "t=1700000000, v0=abc, v1=%064d, v1=%s", 0,
             good);
    CU_ASSERT_EQUAL(verify(header, 1700000100, &why), 0);
}

static void
test_verify_refusals(void)
{
    enum ec_sighead_why why;
    char good[65], header[300];

    oracle(good, key, 1700000000, body);
    snprintf(header, sizeof(header), "t=1700000000,v1=%s", good);
    /* stale either way, at 301 s */
    CU_ASSERT_EQUAL(verify(header, 1700000301, &why), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(why, EC_SIGHEAD_STALE);
    CU_ASSERT_EQUAL(verify(header, 1699999699, &why), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(why, EC_SIGHEAD_STALE);
    CU_ASSERT_EQUAL(verify(header, 1700000300, &why), 0);
    /* another key, another body */
    CU_ASSERT_EQUAL(ec_sighead_verify(header, "other", 5, body, strlen(body),
                                      1700000000, 300, &why),
                    EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(why, EC_SIGHEAD_MISMATCH);
    CU_ASSERT_EQUAL(ec_sighead_verify(header, key, strlen(key), "{}", 2,
                                      1700000000, 300, &why),
                    EC_ERR_FORBIDDEN);
    /* another timestamp than the signed one */
    snprintf(header, sizeof(header), "t=1700000001,v1=%s", good);
    CU_ASSERT_EQUAL(verify(header, 1700000000, &why), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(why, EC_SIGHEAD_MISMATCH);
    /* malformed ones */
    static const char *const bad[] = {
        "",
        "t=1700000000",
        "v1=00",
        "t=abc,v1=00",
        "t=1,t=2,v1=00",
        "t=-5,v1="
        "0000000000000000000000000000000000000000000000000000000000000000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        CU_ASSERT_EQUAL(verify(bad[i], 1700000000, &why), EC_ERR_FORBIDDEN);
        CU_ASSERT_EQUAL(why, EC_SIGHEAD_MALFORMED);
    }
    CU_ASSERT_EQUAL(verify(NULL, 1700000000, &why), EC_ERR_FORBIDDEN);
    /* upper-case hex is not what was signed */
    snprintf(header, sizeof(header), "t=1700000000,v1=%s", good);
    for (char *p = header; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    CU_ASSERT_EQUAL(verify(header, 1700000000, &why), EC_ERR_FORBIDDEN);
}

static const struct ec_test tests[] = {
    {"sign matches OpenSSL", test_sign_matches_openssl},
    {"fixed vector", test_fixed_vector},
    {"verify: good, any v1", test_verify_good_any_v1_and_spaces},
    {"verify: refusals", test_verify_refusals},
    {NULL, NULL},
};

EC_TEST_MAIN("sighead", tests)
