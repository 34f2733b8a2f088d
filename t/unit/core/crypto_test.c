#include <string.h>

#include "../test.h"
#include "core/crypto.h"

static void
hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void
check(const void *key, size_t key_len, const char *msg, const char *want)
{
    unsigned char md[EC_SHA256_SIZE];
    char got[2 * EC_SHA256_SIZE + 1];

    ec_hmac_sha256(key, key_len, msg, strlen(msg), md);
    hex(md, sizeof(md), got);
    EC_ASSERT_STR(got, want);
}

/* RFC 4231's test cases 1, 2, 4 (keys shorter than a block) and 6, 7
   (a key longer than a block, hashed first) */
static void
test_hmac_sha256_rfc4231(void)
{
    unsigned char k20[20], k25[25], k131[131];

    memset(k20, 0x0b, sizeof(k20));
    check(k20, sizeof(k20), "Hi There",
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    check("Jefe", 4, "what do ya want for nothing?",
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    for (size_t i = 0; i < sizeof(k25); i++)
        k25[i] = (unsigned char)(i + 1);
    {
        char msg[51];

        memset(msg, 0xcd, 50);
        msg[50] = '\0';
        check(k25, sizeof(k25), msg,
              "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665"
              "b");
    }
    memset(k131, 0xaa, sizeof(k131));
    check(k131, sizeof(k131),
          "Test Using Larger Than Block-Size Key - Hash Key First",
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    check(k131, sizeof(k131),
          "This is a test using a larger than block-size key and a larger "
          "than block-size data. The key needs to be hashed before being "
          "used by the HMAC algorithm.",
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* the same key and message, again and again: the kept context starts
   afresh each time */
static void
test_hmac_repeats(void)
{
    unsigned char a[EC_SHA256_SIZE], b[EC_SHA256_SIZE];

    ec_hmac_sha256("k", 1, "m", 1, a);
    ec_hmac_sha256("other", 5, "longer message", 14, b);
    ec_hmac_sha256("k", 1, "m", 1, b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof(a)), 0);
}

/* RFC 5869's test cases 1 (salt and info, two blocks and a part) and 3
   (neither) */
static void
test_hkdf_sha256_rfc5869(void)
{
    unsigned char ikm[22], salt[13], info[10], okm[42];
    char got[2 * sizeof(okm) + 1];

    memset(ikm, 0x0b, sizeof(ikm));
    for (size_t i = 0; i < sizeof(salt); i++)
        salt[i] = (unsigned char)i;
    for (size_t i = 0; i < sizeof(info); i++)
        info[i] = (unsigned char)(0xf0 + i);
    ec_hkdf_sha256(salt, sizeof(salt), ikm, sizeof(ikm), info, sizeof(info),
                   okm, sizeof(okm));
    hex(okm, sizeof(okm), got);
    EC_ASSERT_STR(got, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d"
                       "56ecc4c5bf34007208d5b887185865");
    ec_hkdf_sha256("", 0, ikm, sizeof(ikm), "", 0, okm, sizeof(okm));
    hex(okm, sizeof(okm), got);
    EC_ASSERT_STR(got, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e"
                       "5f3c738d2d9d201395faa4b61a96c8");
}

static const struct ec_test tests[] = {
    {"HKDF-SHA256: RFC 5869 test cases", test_hkdf_sha256_rfc5869},
    {"HMAC-SHA256: RFC 4231 test cases", test_hmac_sha256_rfc4231},
    {"HMAC-SHA256: one call does not leak into the next", test_hmac_repeats},
    {NULL, NULL},
};

EC_TEST_MAIN("core/crypto", tests)
