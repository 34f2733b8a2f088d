/*
 * E-mail addresses: what is accepted and how it is normalised, and what
 * is refused (anything that could not stand in a header or an SMTP
 * command as it is).
 */
#include "../test.h"
#include "core/err.h"
#include "svc/email.h"

static void
test_normalised(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"ann@example.dk", "ann@example.dk"},
        {"  Ann.Berg@Example.DK \t\r\n", "ann.berg@example.dk"},
        {"a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"},
        {"o'hara@xn--blbr-uoa2b.dk", "o'hara@xn--blbr-uoa2b.dk"},
        {"x!#$%&*/=?^_`{|}~-@a-b.c0", "x!#$%&*/=?^_`{|}~-@a-b.c0"},
    };
    char out[EC_EMAIL_MAX + 1];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CU_ASSERT_EQUAL(
            ec_email_normalize(cases[i].in, strlen(cases[i].in), out), 0);
        EC_ASSERT_STR(out, cases[i].out);
        CU_ASSERT_TRUE(ec_email_valid(out));
    }
}

static void
test_refused(void)
{
    static const char *bad[] = {
        "",
        "   ",
        "ann",
        "ann@",
        "@example.dk",
        "ann@example",
        "ann@@example.dk",
        "ann@b@example.dk",
        ".ann@example.dk",
        "ann.@example.dk",
        "an..n@example.dk",
        "ann@-example.dk",
        "ann@example-.dk",
        "ann@example..dk",
        "ann@.example.dk",
        "ann@example.dk.",
        "ann berg@example.dk",
        "\"ann\"@example.dk",
        "ann@exa_mple.dk",
        "ann@[127.0.0.1]",
        "ann<x>@example.dk",
        "ann,bo@example.dk",
        "ann@example.dk\r\nBcc: eve@example.dk",
        "ann\n@example.dk",
        "ånn@example.dk",
        "ann@blåbær.dk",
    };
    char out[EC_EMAIL_MAX + 1], big[400];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ec_email_normalize(bad[i], strlen(bad[i]), out) == 0)
            fprintf(stderr, "\n    accepted: %s\n", bad[i]);
        CU_ASSERT_EQUAL(ec_email_normalize(bad[i], strlen(bad[i]), out),
                        EC_ERR_INVALID_FIELD);
    }
    /* a NUL inside */
    CU_ASSERT_EQUAL(ec_email_normalize("ann@ex\0ample.dk", 15, out),
                    EC_ERR_INVALID_FIELD);
    /* a local part of 65, a label of 64, an address of 255 */
    memset(big, 'a', sizeof(big));
    memcpy(big + 65, "@example.dk", 12);
    CU_ASSERT_EQUAL(ec_email_normalize(big, strlen(big), out),
                    EC_ERR_INVALID_FIELD);
    memcpy(big + 64, "@example.dk", 12);
    CU_ASSERT_EQUAL(ec_email_normalize(big, strlen(big), out), 0);
    memset(big, 'a', sizeof(big));
    memcpy(big, "ann@", 4);
    memcpy(big + 68, ".dk", 4);
    CU_ASSERT_EQUAL(ec_email_normalize(big, strlen(big), out),
                    EC_ERR_INVALID_FIELD);
    memset(big, 'a', sizeof(big));
    memcpy(big, "a@", 2);
    for (int i = 2 + 50; i < 250; i += 51)
        big[i] = '.';
    big[255] = '\0';
    CU_ASSERT_EQUAL(ec_email_normalize(big, 255, out), EC_ERR_INVALID_FIELD);
    big[254] = '\0';
    CU_ASSERT_EQUAL(ec_email_normalize(big, 254, out), 0);
    CU_ASSERT_FALSE(ec_email_valid("Ann@example.dk"));
}

static const struct ec_test tests[] = {
    {"addresses are trimmed and lower-cased", test_normalised},
    {"what could not stand in a header is refused", test_refused},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/email", tests)
