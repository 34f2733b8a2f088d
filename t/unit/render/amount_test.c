/* Amounts typed in a form, in Danish and English, read and written back. */
#include "../test.h"
#include "render/amount.h"

static void
test_parse(void)
{
    static const struct {
        const char *s, *locale;
        long long want; /* -1: refused */
    } cases[] = {
        {"199,00", "da-DK", 19900},
        {"199", "da-DK", 19900},
        {"199,5", "da-DK", 19950},
        {" 1.299,95 ", "da-DK", 129995},
        {"0", "da", 0},
        {"0,01", "da-DK", 1},
        {"199.00", "en", 19900},
        {"1,299.95", "en", 129995},
        {"12.5", "en", 1250},
        {"199.00", "da-DK", -1}, /* a group of two digits is a typo */
        {"", "da-DK", -1},
        {"  ", "da-DK", -1},
        {"-5", "da-DK", -1},
        {"+5", "da-DK", -1},
        {"1,234", "da-DK", -1},
        {"12,", "da-DK", -1},
        {",5", "da-DK", -1},
        {"1,2,3", "da-DK", -1},
        {"12 kr", "da-DK", -1},
        {"1e3", "en", -1},
        {"12,5", "en", -1},
        {"1.2345,00", "da-DK", -1},
        {"99999999999", "en", -1},
        {"100000000", "en", 10000000000LL},
        {"100000000,01", "da-DK", -1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        long long got = -1;
        int rc = ec_amount_parse(cases[i].s, cases[i].locale, &got);

        if ((rc < 0 ? -1 : got) != cases[i].want)
            fprintf(stderr, "\n    \"%s\" (%s): got %lld, want %lld\n",
                    cases[i].s, cases[i].locale, rc < 0 ? -1 : got,
                    cases[i].want);
        CU_ASSERT_EQUAL(rc < 0 ? -1 : got, cases[i].want);
    }
}

static void
test_round_trip(void)
{
    static const long long values[] = {0, 1, 99, 100, 19900, 129995};
    static const char *const locales[] = {"da-DK", "en"};
    char buf[32];

    EC_ASSERT_STR(ec_amount_format(19900, "da-DK", buf, sizeof(buf)), "199,00");
    EC_ASSERT_STR(ec_amount_format(129905, "en", buf, sizeof(buf)), "1299.05");
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
            long long back = -1;

            ec_amount_format(values[i], locales[l], buf, sizeof(buf));
            CU_ASSERT_EQUAL(ec_amount_parse(buf, locales[l], &back), 0);
            CU_ASSERT_EQUAL(back, values[i]);
        }
}

static const struct ec_test tests[] = {
    {"parse: as the locale writes it, or refused", test_parse},
    {"format, then parse: the same amount", test_round_trip},
    {NULL, NULL},
};

EC_TEST_MAIN("render/amount", tests)
