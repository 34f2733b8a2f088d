/*
 * svc/api_key.c without a database: a key's form (prefix, 32 random
 * bytes in canonical base64url), its hash against a SHA-256 computed
 * elsewhere (Python's hashlib), which roles a key may have.
 */
#include "../test.h"
#include "svc/api_key.h"

/* bytes 0..31, and its hash by hashlib.sha256(key).hexdigest() */
#define KNOWN_KEY "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define KNOWN_HASH                                                             \
    "dc67e16a82072c184f659cd32bc65a222fc1f62814ea8d1c9d2f9be457e1c15d"

static void
test_generate(void)
{
    char a[EC_API_KEY_LEN + 1], b[EC_API_KEY_LEN + 1];

    CU_ASSERT_EQUAL(EC_API_KEY_LEN, 47);
    ec_api_key_generate(a);
    ec_api_key_generate(b);
    CU_ASSERT_EQUAL(strlen(a), EC_API_KEY_LEN);
    CU_ASSERT(strncmp(a, "eck_", 4) == 0);
    CU_ASSERT(ec_api_key_format_ok(a));
    CU_ASSERT(ec_api_key_format_ok(b));
    CU_ASSERT(strcmp(a, b) != 0);
}

static void
test_format(void)
{
    static const char *const bad[] = {
        "",
        "eck_",
        "Bearer " KNOWN_KEY,
        "ecx_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+",
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd Hh",
        /* the last character's unused bits set: not canonical */
        "eck_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9",
        NULL,
    };

    CU_ASSERT(ec_api_key_format_ok(KNOWN_KEY));
    for (size_t i = 0; bad[i]; i++)
        CU_ASSERT_FALSE(ec_api_key_format_ok(bad[i]));
    CU_ASSERT_FALSE(ec_api_key_format_ok(NULL));
}

static void
test_hash(void)
{
    char hex[EC_API_KEY_HASH_HEX + 1];

    ec_api_key_hash(KNOWN_KEY, hex);
    EC_ASSERT_STR(hex, KNOWN_HASH);
}

static void
test_roles(void)
{
    CU_ASSERT(ec_api_key_role_ok(EC_STAFF_ADMIN));
    CU_ASSERT(ec_api_key_role_ok(EC_STAFF_EDITOR));
    CU_ASSERT(ec_api_key_role_ok(EC_STAFF_VIEWER));
    CU_ASSERT_FALSE(ec_api_key_role_ok(EC_STAFF_OPERATOR));
    CU_ASSERT_FALSE(ec_api_key_role_ok(EC_STAFF_AGENT));
    CU_ASSERT_FALSE(ec_api_key_role_ok(-1));
    CU_ASSERT_FALSE(ec_api_key_role_ok(EC_STAFF__NROLES));
}

static const struct ec_test tests[] = {
    {"generate: prefix, length, random", test_generate},
    {"format: only canonical keys pass", test_format},
    {"hash: SHA-256 in lower-case hex", test_hash},
    {"roles: admin, editor, viewer only", test_roles},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/api_key", tests)
