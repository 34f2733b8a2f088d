#include <string.h>

#include "../test.h"
#include "core/totp.h"

static const char rfc_key[] = "12345678901234567890";

/* RFC 6238, appendix B: the SHA-1 rows (8 digits) */
static void
test_rfc6238_sha1_vectors(void)
{
    static const struct {
        int64_t t;
        uint32_t code;
    } rows[] = {{59, 94287082},         {1111111109, 7081804},
                {1111111111, 14050471}, {1234567890, 89005924},
                {2000000000, 69279037}, {20000000000LL, 65353130}};

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        CU_ASSERT_EQUAL(
            ec_hotp(rfc_key, 20, (uint64_t)ec_totp_step(rows[i].t), 8),
            rows[i].code);
}

/* RFC 4226, appendix D: HOTP counters 0 and 9, 6 digits */
static void
test_rfc4226_hotp_vectors(void)
{
    CU_ASSERT_EQUAL(ec_hotp(rfc_key, 20, 0, 6), 755224);
    CU_ASSERT_EQUAL(ec_hotp(rfc_key, 20, 9, 6), 520489);
}

static void
code_at(int64_t t, char out[8])
{
    snprintf(out, 8, "%06u",
             ec_hotp(rfc_key, 20, (uint64_t)ec_totp_step(t), 6));
}

static void
test_verify_window_and_replay(void)
{
    const int64_t now = 1700000000;
    char c[8], spaced[16];

    code_at(now, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, -1), ec_totp_step(now));
    /* as an app shows it */
    snprintf(spaced, sizeof(spaced), "%.3s %s", c, c + 3);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, spaced, now, -1),
                    ec_totp_step(now));
    /* used once: never again */
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, ec_totp_step(now)), -1);
    /* one step of skew either way is fine, two is not */
    code_at(now - 30, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, -1),
                    ec_totp_step(now) - 1);
    code_at(now + 30, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, -1),
                    ec_totp_step(now) + 1);
    code_at(now - 60, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, -1), -1);
    code_at(now + 60, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, -1), -1);
    /* a later code after an earlier one was used is fine; not the reverse */
    code_at(now - 30, c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c, now, ec_totp_step(now)), -1);
}

static void
test_verify_refuses_malformed_codes(void)
{
    const int64_t now = 1700000000;
    char c[8], longer[16];

    code_at(now, c);
    snprintf(longer, sizeof(longer), "%s0", c);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, "", now, -1), -1);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, NULL, now, -1), -1);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, longer, now, -1), -1);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, c + 1, now, -1), -1);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, "12345a", now, -1), -1);
    CU_ASSERT_EQUAL(ec_totp_verify(rfc_key, 20, "-12345", now, -1), -1);
    /* another key's code */
    CU_ASSERT_EQUAL(ec_totp_verify("another key of twenty", 20, c, now, -1),
                    -1);
}

/* RFC 4648, section 10 (without padding, as authenticator apps take it) */
static void
test_base32_rfc4648(void)
{
    static const char *const plain[] = {"",     "f",     "fo",    "foo",
                                        "foob", "fooba", "foobar"};
    static const char *const enc[] = {
        "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    char out[32];
    unsigned char back[16];

    for (size_t i = 0; i < 7; i++) {
        ec_base32_encode(out, plain[i], strlen(plain[i]));
        EC_ASSERT_STR(out, enc[i]);
        CU_ASSERT_EQUAL(ec_base32_decode(back, sizeof(back), enc[i]),
                        (long)strlen(plain[i]));
        CU_ASSERT(memcmp(back, plain[i], strlen(plain[i])) == 0);
    }
    CU_ASSERT_EQUAL(EC_BASE32_LEN(20), 32);
    /* as people type it: lower case, blanks, padding */
    CU_ASSERT_EQUAL(ec_base32_decode(back, sizeof(back), "mzxw 6ytb oi======"),
                    6);
    CU_ASSERT(memcmp(back, "foobar", 6) == 0);
    /* outside the alphabet, impossible lengths, too long for out */
    CU_ASSERT_EQUAL(ec_base32_decode(back, sizeof(back), "MZXW1"), -1);
    CU_ASSERT_EQUAL(ec_base32_decode(back, sizeof(back), "M"), -1);
    CU_ASSERT_EQUAL(ec_base32_decode(back, sizeof(back), "MZX"), -1);
    CU_ASSERT_EQUAL(ec_base32_decode(back, 5, "MZXW6YTBOI"), -1);
}

static const struct ec_test tests[] = {
    {"RFC 6238 SHA-1 vectors", test_rfc6238_sha1_vectors},
    {"RFC 4226 HOTP vectors", test_rfc4226_hotp_vectors},
    {"a code is good within one step of now, once",
     test_verify_window_and_replay},
    {"malformed codes are refused", test_verify_refuses_malformed_codes},
    {"base32 as RFC 4648 writes it, read as people type it",
     test_base32_rfc4648},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/totp", tests);
}
