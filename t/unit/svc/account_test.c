/*
 * The account service's checks that need no database: names. (Accounts
 * in MariaDB: t/integration/svc/account_store_test.c.)
 */
#include "../test.h"
#include "core/err.h"
#include "svc/account.h"

static void
test_names(void)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"Ann", "Ann"},
        {"  Søren Ærø Åberg \t", "Søren Ærø Åberg"},
        {"李小龍", "李小龍"},
        {"Zoë 🙂", "Zoë 🙂"},
        {"O'Hara \"Bo\" <b@x.dk>", "O'Hara \"Bo\" <b@x.dk>"},
    };
    static const char *bad[] = {
        "",
        "   ",
        "Ann\nBcc: eve@example.dk",
        "Ann\rB",
        "Ann\tB",
        "Ann\x7f",
        "Ann\xc2\x85",     /* NEL, a C1 control */
        "Ann\xe2\x80\xa8", /* the line separator */
        "Ann\xc3",         /* cut short */
        "Ann\xc0\xaf",     /* overlong */
        "Ann\xed\xa0\x80", /* a surrogate */
        "Ann\xf4\x90\x80\x80",
        "\xff",
    };
    char out[EC_ACCOUNT_NAME_SIZE], big[600];

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        CU_ASSERT_EQUAL(
            ec_account_name_normalize(ok[i].in, strlen(ok[i].in), out), 0);
        EC_ASSERT_STR(out, ok[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ec_account_name_normalize(bad[i], strlen(bad[i]), out) == 0)
            fprintf(stderr, "\n    accepted: %s\n", bad[i]);
        CU_ASSERT_EQUAL(ec_account_name_normalize(bad[i], strlen(bad[i]), out),
                        EC_ERR_INVALID_FIELD);
    }
    CU_ASSERT_EQUAL(ec_account_name_normalize("A\0B", 3, out),
                    EC_ERR_INVALID_FIELD);
    /* 100 characters of two bytes each pass; 101 do not */
    for (int i = 0; i < 101; i++)
        memcpy(big + 2 * i, "\xc3\xa6", 2);
    CU_ASSERT_EQUAL(ec_account_name_normalize(big, 200, out), 0);
    CU_ASSERT_EQUAL(strlen(out), 200);
    CU_ASSERT_EQUAL(ec_account_name_normalize(big, 202, out),
                    EC_ERR_INVALID_FIELD);
    /* 100 characters of four bytes each: the largest name there is */
    for (int i = 0; i < 100; i++)
        memcpy(big + 4 * i, "\xf0\x9f\x99\x82", 4);
    CU_ASSERT_EQUAL(ec_account_name_normalize(big, 400, out), 0);
    CU_ASSERT_EQUAL(ec_account_name_normalize(big, 401, out),
                    EC_ERR_INVALID_FIELD);
}

/* Sign-up checks its fields before it touches the database (NULL here). */
static void
test_create_checks_fields_first(void)
{
    const struct ec_password_params p = {1024, 1, 1};
    struct ec_account a;
    const char *field = NULL;

    CU_ASSERT_EQUAL(ec_account_create(NULL, &p, 1, "nope", 4, "Ann", 3,
                                      "long enough pw", 14, &a, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "email");
    CU_ASSERT_EQUAL(ec_account_create(NULL, &p, 1, "a@b.dk", 6, " ", 1,
                                      "long enough pw", 14, &a, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "name");
    CU_ASSERT_EQUAL(ec_account_create(NULL, &p, 1, "a@b.dk", 6, "Ann", 3,
                                      "short", 5, &a, &field),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(field, "password");
}

static const struct ec_test tests[] = {
    {"names: trimmed, UTF-8, no control characters, 1 to 100 characters",
     test_names},
    {"sign-up checks its fields before the database",
     test_create_checks_fields_first},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/account", tests)
