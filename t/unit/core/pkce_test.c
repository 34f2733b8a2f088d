#include <string.h>

#include "../test.h"
#include "core/pkce.h"

/* RFC 7636, appendix B */
static void
test_rfc7636_appendix_b(void)
{
    char challenge[EC_PKCE_LEN + 1];

    CU_ASSERT_EQUAL(
        ec_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                          challenge),
        0);
    EC_ASSERT_STR(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_random_values_are_verifiers(void)
{
    char a[EC_PKCE_LEN + 1], b[EC_PKCE_LEN + 1];

    ec_pkce_random(a);
    ec_pkce_random(b);
    CU_ASSERT_EQUAL(strlen(a), EC_PKCE_LEN);
    CU_ASSERT(ec_pkce_verifier_valid(a));
    CU_ASSERT(strcmp(a, b) != 0);
}

static void
test_verifier_rules(void)
{
    char c[EC_PKCE_LEN + 1], long_one[130];

    CU_ASSERT_EQUAL(ec_pkce_challenge("too-short", c), -1);
    CU_ASSERT_FALSE(
        ec_pkce_verifier_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+"));
    CU_ASSERT(
        ec_pkce_verifier_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX~"));
    memset(long_one, 'a', 128);
    long_one[128] = '\0';
    CU_ASSERT(ec_pkce_verifier_valid(long_one));
    long_one[128] = 'a';
    long_one[129] = '\0';
    CU_ASSERT_FALSE(ec_pkce_verifier_valid(long_one));
}

static const struct ec_test tests[] = {
    {"the S256 challenge of RFC 7636 appendix B", test_rfc7636_appendix_b},
    {"random values are distinct valid verifiers",
     test_random_values_are_verifiers},
    {"verifiers are 43 to 128 unreserved characters", test_verifier_rules},
    {NULL, NULL},
};

EC_TEST_MAIN("core/pkce", tests)
