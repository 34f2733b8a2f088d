/* Which provider takes a tenant's payments (svc/payment_start.c): the
   per-tenant choice, the default, and never a provider that is not
   configured. (ec_payment_begin() runs against the test stack and its
   Stripe double in t/http/payment-pages.test.mjs.) */
#include <string.h>

#include "../test.h"
#include "svc/payment.h"

static const unsigned char key[32] = "a simulator key of 32 bytes ...";

static void
test_tenants_check(void)
{
    static const char *const good[] = {
        "",
        "nordlys=sim",
        "nordlys=sim fjordmobil=stripe",
        " a=stripe,b=sim\t",
        NULL,
    };
    static const char *const bad[] = {
        "nordlys",     "nordlys=", "=sim", "nordlys=paypal",
        "nordlys=Sim", "a=sim b",  NULL,
    };
    char err[128];

    for (size_t i = 0; good[i]; i++)
        CU_ASSERT_EQUAL(ec_payment_tenants_check(good[i], err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(ec_payment_tenants_check(NULL, err, sizeof(err)), 0);
    for (size_t i = 0; bad[i]; i++)
        CU_ASSERT_EQUAL(ec_payment_tenants_check(bad[i], err, sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not slug=sim or slug=stripe"));
}

static void
test_provider_choice(void)
{
    struct ec_payment_conf c = {
        .provider = "sim",
        .tenants = "fjordmobil=stripe, stripetest=stripe nordlys2=sim",
        .sim_key = key,
        .sim_key_len = sizeof(key),
        .stripe_api = EC_STRIPE_API,
        .stripe_secret_key = "sk_test_x",
        .stripe_webhook_secrets = "whsec_a\n",
    };

    EC_ASSERT_STR(ec_payment_provider(&c, "nordlys"), "sim");
    EC_ASSERT_STR(ec_payment_provider(&c, "nordlys2"), "sim");
    EC_ASSERT_STR(ec_payment_provider(&c, "fjordmobil"), "stripe");
    EC_ASSERT_STR(ec_payment_provider(&c, "stripetest"), "stripe");
    /* a prefix of a slug is not the slug */
    EC_ASSERT_STR(ec_payment_provider(&c, "fjord"), "sim");
    /* not configured: no provider, so no order is taken */
    c.stripe_secret_key = NULL;
    CU_ASSERT_PTR_NULL(ec_payment_provider(&c, "fjordmobil"));
    EC_ASSERT_STR(ec_payment_provider(&c, "nordlys"), "sim");
    c.sim_key = NULL;
    CU_ASSERT_PTR_NULL(ec_payment_provider(&c, "nordlys"));
    c.provider = NULL;
    c.tenants = NULL;
    CU_ASSERT_PTR_NULL(ec_payment_provider(&c, "nordlys"));
}

static const struct ec_test tests[] = {
    {"per-tenant choices are slug=sim or slug=stripe", test_tenants_check},
    {"a tenant's provider, only when configured", test_provider_choice},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/payment_start", tests)
