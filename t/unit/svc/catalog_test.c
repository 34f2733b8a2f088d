#include "../test.h"
#include "catalog_fixture.h"
#include "core/err.h"

static struct ec_catalog *cat;

static const char *
sku_at(const struct ec_channel *ch, size_t i)
{
    return i < ch->noffers ? ch->offers[i].product->sku : "(none)";
}

static void
test_visibility_and_order_per_channel(void)
{
    const struct ec_channel *web = ec_catalog_channel(cat, "web");
    const struct ec_channel *tilbud = ec_catalog_channel(cat, "tilbud");

    /* draft and retired never show; sorted by the channel's order */
    CU_ASSERT_EQUAL_FATAL(web->noffers, 4);
    EC_ASSERT_STR(sku_at(web, 0), "L");
    EC_ASSERT_STR(sku_at(web, 1), "S");
    EC_ASSERT_STR(sku_at(web, 2), "SHARE");
    EC_ASSERT_STR(sku_at(web, 3), "EU");
    CU_ASSERT_PTR_NULL(ec_catalog_offer(web, "D"));
    CU_ASSERT_PTR_NULL(ec_catalog_offer(web, "R"));
    CU_ASSERT_PTR_NULL(ec_catalog_offer(web, "nope"));
    /* a hidden placement is the same as none */
    CU_ASSERT_EQUAL_FATAL(tilbud->noffers, 1);
    CU_ASSERT_PTR_NULL(ec_catalog_offer(tilbud, "S"));
    CU_ASSERT_PTR_NULL(
        ec_catalog_offer(ec_catalog_channel(cat, "sales"), "SHARE"));
}

static void
test_display_names_per_channel(void)
{
    EC_ASSERT_STR(
        ec_catalog_offer(ec_catalog_channel(cat, "web"), "L")->display_name,
        "Large on the web");
    EC_ASSERT_STR(
        ec_catalog_offer(ec_catalog_channel(cat, "tilbud"), "L")->display_name,
        "Offer: Large");
    EC_ASSERT_STR(
        ec_catalog_offer(ec_catalog_channel(cat, "web"), "S")->display_name,
        "S");
}

static void
test_channels_narrow_never_widen(void)
{
    const struct ec_offer *app_s =
        ec_catalog_offer(ec_catalog_channel(cat, "app"), "S");
    const struct ec_offer *sales_l =
        ec_catalog_offer(ec_catalog_channel(cat, "sales"), "L");
    const struct ec_offer *web_s =
        ec_catalog_offer(ec_catalog_channel(cat, "web"), "S");

    CU_ASSERT_EQUAL(app_s->sim_types, EC_SIM_ESIM);
    CU_ASSERT_EQUAL(web_s->sim_types, EC_SIM_PHYSICAL | EC_SIM_ESIM);
    CU_ASSERT_EQUAL(web_s->binding_months, 1u << 0 | 1u << 6);
    /* sales asks for 3 or 6 months; the product offers 0 or 6: only 6 */
    CU_ASSERT_EQUAL(sales_l->binding_months, 1u << 6);
}

static void
test_addons_fit_per_channel(void)
{
    const struct ec_offer *out[8];
    const struct ec_channel *web = ec_catalog_channel(cat, "web");
    const struct ec_channel *app = ec_catalog_channel(cat, "app");
    const struct ec_channel *tilbud = ec_catalog_channel(cat, "tilbud");
    const struct ec_product *s = &cat->products[P_S];
    const struct ec_product *l = &cat->products[P_L];

    CU_ASSERT_EQUAL(ec_catalog_addons_for(cat, web, l, out, 8), 2);
    EC_ASSERT_STR(out[0]->product->sku, "SHARE");
    EC_ASSERT_STR(out[1]->product->sku, "EU");
    /* EU fits S only in the app */
    CU_ASSERT_EQUAL(ec_catalog_addons_for(cat, web, s, out, 8), 0);
    CU_ASSERT_EQUAL(ec_catalog_addons_for(cat, app, s, out, 8), 1);
    EC_ASSERT_STR(out[0]->product->sku, "EU");
    /* an add-on hidden in the channel is not offered there */
    CU_ASSERT_EQUAL(ec_catalog_addons_for(cat, tilbud, l, out, 8), 0);
    /* the count is the truth even when out is too small */
    CU_ASSERT_EQUAL(ec_catalog_addons_for(cat, web, l, out, 1), 2);
}

static void
test_exactly_one_default_channel(void)
{
    struct ec_catalog_doc doc;
    struct ec_catalog *c = NULL;

    ec_catalog_doc_init(&doc);
    fixture_doc(&doc);
    doc.channels[CH_APP].is_default = 1;
    CU_ASSERT_EQUAL(ec_catalog_from_doc(&doc, 1, &c), EC_ERR_INVALID_FIELD);
    fixture_doc(&doc);
    doc.channels[CH_WEB].is_default = 0;
    CU_ASSERT_EQUAL(ec_catalog_from_doc(&doc, 1, &c), EC_ERR_INVALID_FIELD);
    CU_ASSERT_PTR_NULL(c);
    ec_catalog_doc_release(&doc);
}

static void
test_names(void)
{
    EC_ASSERT_STR(ec_channel_kind_name(EC_CHANNEL_WEB_SUB), "web_sub");
    EC_ASSERT_STR(ec_sim_type_name(EC_SIM_ESIM), "esim");
}

static const struct ec_test tests[] = {
    {"visibility and order per channel; draft and retired never show",
     test_visibility_and_order_per_channel},
    {"display names per channel", test_display_names_per_channel},
    {"channels narrow SIM types and binding, never widen",
     test_channels_narrow_never_widen},
    {"add-on compatibility per channel", test_addons_fit_per_channel},
    {"a catalog needs exactly one default channel",
     test_exactly_one_default_channel},
    {"names for JSON", test_names},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    cat = fixture_catalog();
    rc = ec_test_run("svc/catalog", tests);
    ec_catalog_free(cat);
    return rc;
}
