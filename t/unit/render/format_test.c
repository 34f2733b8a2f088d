#include <limits.h>

#include "../test.h"
#include "core/buf.h"
#include "render/format.h"

/* ok: 1 when s must parse to want in locale */
static const struct {
    const char *locale, *s;
    int ok;
    long long want;
} money_cases[] = {
    {"da-DK", "199,00", 1, 19900},
    {"da-DK", "199", 1, 19900},
    {"da-DK", "199,5", 1, 19950},
    {"da-DK", "0,05", 1, 5},
    {"da-DK", "1.299,00", 1, 129900},
    {"da-DK", "1.234.567", 1, 123456700},
    {"da-DK", " 99,95 ", 1, 9995},
    {"da-DK", "-10,00", 1, -1000},
    {"da-DK", "-0,01", 1, -1},
    /* an English 199.00 typed in the Danish shop is no 19 900 kroner */
    {"da-DK", "199.00", 0, 0},
    {"da-DK", "1.2", 0, 0},
    {"da-DK", "12.34.567", 0, 0},
    {"da-DK", "1299.000", 0, 0},
    {"da-DK", ".123", 0, 0},
    {"da-DK", "199,001", 0, 0},
    {"da-DK", "199 kr.", 0, 0},
    {"da-DK", "", 0, 0},
    {"da-DK", "-", 0, 0},
    {"da-DK", ",50", 0, 0},
    {"da-DK", "1e3", 0, 0},
    {"da-DK", "9223372036854775807", 0, 0},
    {"da", "5,5", 1, 550},
    {"en", "199.00", 1, 19900},
    {"en", "1,299.50", 1, 129950},
    {"en", "199,00", 0, 0},
    {"en", "12.345", 0, 0},
    {NULL, "7.10", 1, 710},
    {"en", "92233720368547758.07", 1, LLONG_MAX},
    {"en", "92233720368547758.08", 0, 0},
};

static void
test_amounts_as_the_shop_writes_them(void)
{
    for (size_t i = 0; i < sizeof(money_cases) / sizeof(*money_cases); i++) {
        long long got = 42;
        int rc = ec_parse_money(money_cases[i].s, money_cases[i].locale, &got);

        if ((rc == 0) != money_cases[i].ok ||
            (rc == 0 && got != money_cases[i].want))
            fprintf(stderr, "\n    %s \"%s\": rc %d, %lld\n",
                    money_cases[i].locale ? money_cases[i].locale : "NULL",
                    money_cases[i].s, rc, got);
        CU_ASSERT_EQUAL(rc == 0, money_cases[i].ok);
        /* untouched when refused */
        CU_ASSERT_EQUAL(got, money_cases[i].ok ? money_cases[i].want : 42);
    }
}

/* what a form shows parses back to the same amount, in both languages */
static void
test_amount_typed_back_round_trips(void)
{
    static const long long amounts[] = {0, 5, 19900, 129950, -1000, 100000000};
    static const char *const locales[] = {"da-DK", "en"};

    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < sizeof(amounts) / sizeof(*amounts); i++) {
            struct ec_buf b = EC_BUF_INIT;
            long long back = -42;

            ec_format_amount(&b, amounts[i], locales[l]);
            CU_ASSERT_EQUAL(ec_parse_money(b.data, locales[l], &back), 0);
            CU_ASSERT_EQUAL(back, amounts[i]);
            ec_buf_release(&b);
        }
}

static void
test_amount_text(void)
{
    struct ec_buf b = EC_BUF_INIT;

    ec_format_amount(&b, 129950, "da-DK");
    EC_ASSERT_STR(b.data, "1299,50");
    ec_buf_reset(&b);
    ec_format_amount(&b, 5, "en");
    EC_ASSERT_STR(b.data, "0.05");
    ec_buf_reset(&b);
    ec_format_amount(&b, -1000, "da-DK");
    EC_ASSERT_STR(b.data, "-10,00");
    ec_buf_release(&b);
}

static const struct ec_test tests[] = {
    {"amounts as the shop writes them", test_amounts_as_the_shop_writes_them},
    {"an amount typed back round-trips", test_amount_typed_back_round_trips},
    {"an amount's text", test_amount_text},
    {NULL, NULL},
};

EC_TEST_MAIN("render/format", tests)
