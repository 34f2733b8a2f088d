/*
 * Password hashes: what is hashed and what is refused, the PHC strings
 * checked against libargon2's own encoder and verifier (an independent
 * reading of the format), parameters read back, rehash decisions, and
 * stored strings that must never be computed.
 */
#include <stdlib.h>

#include <argon2.h>

#include "../test.h"
#include "core/err.h"
#include "core/log.h"
#include "core/password.h"

/* Cheap parameters: the tests hash dozens of times. */
static const struct ec_password_params cheap = {1024, 1, 1};

#define PW "correct horse battery"

static void
test_acceptable_bounds(void)
{
    static const struct {
        size_t len;
        int ok;
    } cases[] = {
        {0, 0}, {1, 0}, {9, 0}, {10, 1}, {64, 1}, {128, 1}, {129, 0}, {4096, 0},
    };
    char buf[4096];

    memset(buf, 'x', sizeof(buf));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CU_ASSERT_EQUAL(ec_password_acceptable(buf, cases[i].len), cases[i].ok);
    CU_ASSERT_FALSE(ec_password_acceptable("0123456789\0abc", 14));
    CU_ASSERT_FALSE(ec_password_acceptable(NULL, 12));
    CU_ASSERT_FALSE(ec_password_acceptable("", 0));
}

static void
test_hash_and_verify(void)
{
    char h[EC_PASSWORD_HASH_SIZE], h2[EC_PASSWORD_HASH_SIZE];

    CU_ASSERT_EQUAL_FATAL(ec_password_hash(&cheap, PW, strlen(PW), h), 0);
    CU_ASSERT_EQUAL(strncmp(h, "$argon2id$v=19$m=1024,t=1,p=1$", 30), 0);
    CU_ASSERT_EQUAL(ec_password_verify(h, PW, strlen(PW)), 1);
    CU_ASSERT_EQUAL(ec_password_verify(h, "correct horse battery!", 22), 0);
    CU_ASSERT_EQUAL(ec_password_verify(h, "Correct horse battery", 21), 0);
    /* a fresh salt each time */
    CU_ASSERT_EQUAL_FATAL(ec_password_hash(&cheap, PW, strlen(PW), h2), 0);
    CU_ASSERT_NOT_EQUAL(strcmp(h, h2), 0);
    CU_ASSERT_EQUAL(ec_password_verify(h2, PW, strlen(PW)), 1);
}

/* libargon2's own verifier reads our strings; ours reads its strings. */
static void
test_agrees_with_libargon2(void)
{
    char ours[EC_PASSWORD_HASH_SIZE], theirs[EC_PASSWORD_HASH_SIZE];
    const unsigned char salt[] = "a salt of 21 bytes!!";

    CU_ASSERT_EQUAL_FATAL(ec_password_hash(&cheap, PW, strlen(PW), ours), 0);
    CU_ASSERT_EQUAL(argon2id_verify(ours, PW, strlen(PW)), ARGON2_OK);
    CU_ASSERT_NOT_EQUAL(argon2id_verify(ours, "not the one!", 12), ARGON2_OK);

    CU_ASSERT_EQUAL_FATAL(argon2id_hash_encoded(2, 2048, 2, PW, strlen(PW),
                                                salt, sizeof(salt) - 1, 24,
                                                theirs, sizeof(theirs)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(ec_password_verify(theirs, PW, strlen(PW)), 1);
    CU_ASSERT_EQUAL(ec_password_verify(theirs, "not the one!", 12), 0);
}

static void
test_unacceptable_passwords_are_not_hashed(void)
{
    char h[EC_PASSWORD_HASH_SIZE], big[200];

    memset(big, 'a', sizeof(big));
    CU_ASSERT_EQUAL(ec_password_hash(&cheap, "", 0, h), EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_password_hash(&cheap, "short", 5, h),
                    EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_password_hash(&cheap, big, sizeof(big), h),
                    EC_ERR_INVALID_FIELD);
    /* and never match, even against a hash of their first 128 bytes */
    CU_ASSERT_EQUAL_FATAL(ec_password_hash(&cheap, big, 128, h), 0);
    CU_ASSERT_EQUAL(ec_password_verify(h, big, sizeof(big)), 0);
    CU_ASSERT_EQUAL(ec_password_verify(h, big, 128), 1);
}

static void
test_parameters_read_back_and_rehash(void)
{
    const struct ec_password_params more = {2048, 2, 1}, lanes = {1024, 1, 2};
    struct ec_password_params got;
    char h[EC_PASSWORD_HASH_SIZE];

    CU_ASSERT_EQUAL_FATAL(ec_password_hash(&more, PW, strlen(PW), h), 0);
    CU_ASSERT_EQUAL_FATAL(ec_password_params_of(h, &got), 0);
    CU_ASSERT_EQUAL(got.memory_kib, 2048);
    CU_ASSERT_EQUAL(got.iterations, 2);
    CU_ASSERT_EQUAL(got.parallelism, 1);
    CU_ASSERT_FALSE(ec_password_needs_rehash(h, &more));
    CU_ASSERT_TRUE(ec_password_needs_rehash(h, &cheap));
    CU_ASSERT_TRUE(ec_password_needs_rehash(h, &lanes));
    CU_ASSERT_TRUE(ec_password_needs_rehash("garbage", &more));
}

/* Stored strings that are refused before anything is computed. */
static void
test_malformed_stored_hashes(void)
{
    static const char *bad[] = {
        "",
        "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2d$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=16$m=1024,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        /* 4 GiB: never allocated */
        "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=1000,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=1,p=64$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=0,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=01024,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=1,p=1$$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GR",
        "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$",
        "$argon2id$v=19$m=1024,t=1,p=1$c29tZX*hbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
        "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ=$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=1024,t=1$c29tZXNhbHQ$"
        "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
    };
    struct ec_password_params p;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ec_password_verify(bad[i], PW, strlen(PW)) != EC_ERR_INTERNAL)
            fprintf(stderr, "\n    accepted: %s\n", bad[i]);
        CU_ASSERT_EQUAL(ec_password_verify(bad[i], PW, strlen(PW)),
                        EC_ERR_INTERNAL);
        CU_ASSERT_EQUAL(ec_password_params_of(bad[i], &p), EC_ERR_INTERNAL);
    }
    CU_ASSERT_EQUAL(ec_password_verify(NULL, PW, strlen(PW)), EC_ERR_INTERNAL);
}

static void
test_parameter_bounds(void)
{
    const struct ec_password_params ok = {65536, 3, 1};
    const struct ec_password_params few = {8, 1, 2}, none = {1024, 0, 1};
    const struct ec_password_params huge = {EC_PASSWORD_MEMORY_MAX + 1, 1, 1};
    char h[EC_PASSWORD_HASH_SIZE];

    CU_ASSERT_TRUE(ec_password_params_valid(&ok));
    CU_ASSERT_FALSE(ec_password_params_valid(&few));
    CU_ASSERT_FALSE(ec_password_params_valid(&none));
    CU_ASSERT_FALSE(ec_password_params_valid(&huge));
    CU_ASSERT_EQUAL(ec_password_hash(&huge, PW, strlen(PW), h),
                    EC_ERR_INTERNAL);
}

static const struct ec_test tests[] = {
    {"passwords of 10 to 128 bytes without NUL are acceptable",
     test_acceptable_bounds},
    {"a hash verifies its password and no other", test_hash_and_verify},
    {"libargon2 reads our hashes and we read its", test_agrees_with_libargon2},
    {"unacceptable passwords are never hashed nor matched",
     test_unacceptable_passwords_are_not_hashed},
    {"parameters read back; other parameters need a rehash",
     test_parameters_read_back_and_rehash},
    {"malformed or unbounded stored hashes are refused",
     test_malformed_stored_hashes},
    {"parameter bounds", test_parameter_bounds},
    {NULL, NULL},
};

int
main(void)
{
    ec_log_open("stderr", "stderr", EC_LOG_ERROR + 0);
    return ec_test_run("core/password", tests);
}
