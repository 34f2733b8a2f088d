/*
 * The contract summary's facts, taken from a priced basket view: the
 * campaign's price and length, the price after it, the fees after
 * campaigns and the minimum total price, each checked against the
 * promotion engine asked directly (and worked out by hand).
 */
#include <stdlib.h>

#include "../test.h"
#include "contract_summary_fixture.h"
#include "core/err.h"
#include "svc/contract_summary.h"
#include "svc/promotion.h"

static struct ec_catalog *cat;
static struct ec_tenant tenant;

/*
 * L with 6 months' binding and the add-on SHARE: 99 kr. the first 3
 * months, then 110 kr.; start-up waived, SIM 29 kr.; the minimum total is
 * the engine's for the plan plus SHARE for 6 months.
 */
static void
test_campaign_line(void)
{
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_contract_summary *s = malloc(sizeof(*s));
    struct ec_promotion_breakdown *b = malloc(sizeof(*b));
    const struct ec_contract_summary_line *l;
    struct json_object *lines;
    struct ec_promotion_query q;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    cs_view(cat,
            "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
            "\"binding_months\":6,\"binding_accepted\":true,"
            "\"sim_type\":\"esim\",\"addons\":[\"SHARE\"]}]",
            &a, &lines, v);
    CU_ASSERT_EQUAL_FATAL(ec_contract_summary_from_view(&tenant, v, CS_AT, s),
                          0);
    CU_ASSERT_EQUAL_FATAL(s->nlines, 1);
    EC_ASSERT_STR(s->provider, "Nordlys Mobil");
    EC_ASSERT_STR(s->currency, "DKK");
    CU_ASSERT_EQUAL(s->at, CS_AT);
    l = &s->lines[0];
    EC_ASSERT_STR(l->name, "Large on the web");
    EC_ASSERT_STR(l->sku, "L");
    EC_ASSERT_STR(l->channel, "web");
    CU_ASSERT_EQUAL(l->binding_months, 6);
    CU_ASSERT_EQUAL(l->sim, EC_SIM_ESIM);
    CU_ASSERT_EQUAL(l->network, EC_NETWORK_5G);
    CU_ASSERT_EQUAL(l->data_gb, 100);
    CU_ASSERT_EQUAL(l->talk_minutes, EC_UNLIMITED);
    CU_ASSERT_EQUAL(l->eu_data_gb, 25);
    CU_ASSERT_EQUAL(l->monthly_now, 9900);
    CU_ASSERT_EQUAL(l->monthly_after, 11000);
    CU_ASSERT_EQUAL(l->campaign_months, 3);
    EC_ASSERT_STR(l->campaign, "Summer");
    CU_ASSERT_EQUAL(l->n_segments, 2);
    CU_ASSERT_EQUAL(l->startup_fee, 0);
    CU_ASSERT_EQUAL(l->sim_fee, 2900);
    CU_ASSERT_EQUAL_FATAL(l->naddons, 1);
    EC_ASSERT_STR(l->addons[0].name, "SHARE");
    CU_ASSERT_EQUAL(l->addons[0].monthly, 14000);
    CU_ASSERT_EQUAL(l->line_monthly, 9900 + 14000);
    CU_ASSERT_EQUAL(l->one_time, 2900);
    CU_ASSERT_EQUAL(l->min_total_months, 6);

    /* the engine asked directly, as the product page asks it */
    q = (struct ec_promotion_query){
        .product = ec_catalog_offer(&cat->channels[CH_WEB], "L")->product,
        .vat_rate_bp = 2500,
        .channel = "web",
        .binding_months = 6,
        .sim_type = EC_SIM_ESIM,
        .at = CS_AT,
        .campaigns = cat->campaigns,
        .n_campaigns = cat->ncampaigns,
    };
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, b), 0);
    CU_ASSERT_EQUAL(b->min_total, 3 * 9900 + 3 * 11000 + 2900);
    CU_ASSERT_EQUAL(l->min_total, b->min_total + 6 * 14000);
    CU_ASSERT_EQUAL(s->min_total, l->min_total);
    CU_ASSERT_EQUAL(s->monthly, 9900 + 14000);
    CU_ASSERT_EQUAL(s->one_time, 2900);

    json_object_put(lines);
    ec_arena_release(&a);
    free(b);
    free(s);
    free(v);
}

/* Without binding the campaign (which requires 6 months) does not apply:
   one price, no campaign, the minimum total is the first month. */
static void
test_no_binding(void)
{
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_contract_summary *s = malloc(sizeof(*s));
    const struct ec_contract_summary_line *l;
    struct json_object *lines;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    cs_view(cat,
            "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
            "\"binding_months\":0,\"sim_type\":\"physical\"},"
            " {\"id\":\"b\",\"channel\":\"web\",\"sku\":\"S\","
            "\"binding_months\":6,\"binding_accepted\":true,"
            "\"sim_type\":\"physical\"}]",
            &a, &lines, v);
    CU_ASSERT_EQUAL_FATAL(ec_contract_summary_from_view(&tenant, v, CS_AT, s),
                          0);
    CU_ASSERT_EQUAL_FATAL(s->nlines, 2);
    l = &s->lines[0];
    CU_ASSERT_EQUAL(l->binding_months, 0);
    CU_ASSERT_EQUAL(l->campaign_months, 0);
    CU_ASSERT_PTR_NULL(l->campaign);
    CU_ASSERT_EQUAL(l->monthly_now, 11000);
    CU_ASSERT_EQUAL(l->monthly_after, 11000);
    CU_ASSERT_EQUAL(l->n_segments, 1);
    CU_ASSERT_EQUAL(l->startup_fee, 9900);
    CU_ASSERT_EQUAL(l->min_total_months, 1);
    CU_ASSERT_EQUAL(l->min_total, 11000 + 9900 + 2900);
    CU_ASSERT_EQUAL(l->sim, EC_SIM_PHYSICAL);
    CU_ASSERT_EQUAL(l->naddons, 0);
    /* S bound without a campaign: 6 regular months and the SIM fee */
    l = &s->lines[1];
    CU_ASSERT_EQUAL(l->campaign_months, 0);
    CU_ASSERT_EQUAL(l->min_total, 6 * 10000 + 2900);
    CU_ASSERT_EQUAL(s->min_total, 11000 + 9900 + 2900 + 6 * 10000 + 2900);
    CU_ASSERT_EQUAL(s->monthly, 11000 + 10000);
    json_object_put(lines);
    ec_arena_release(&a);
    free(s);
    free(v);
}

/* A line without a price (a draft, no longer offered) has nothing to
   summarise, nor has an empty basket. */
static void
test_unpriced_refused(void)
{
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_contract_summary *s = malloc(sizeof(*s));
    struct json_object *lines;
    struct ec_arena a;

    ec_arena_init(&a, 0);
    cs_view(cat,
            "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
            "\"binding_months\":0,\"sim_type\":\"physical\"},"
            " {\"id\":\"b\",\"channel\":\"web\",\"sku\":\"D\","
            "\"binding_months\":0,\"sim_type\":\"physical\"}]",
            &a, &lines, v);
    CU_ASSERT_EQUAL(ec_contract_summary_from_view(&tenant, v, CS_AT, s),
                    EC_ERR_INVALID_FIELD);
    json_object_put(lines);
    cs_view(cat, "[]", &a, &lines, v);
    CU_ASSERT_EQUAL(ec_contract_summary_from_view(&tenant, v, CS_AT, s),
                    EC_ERR_INVALID_FIELD);
    json_object_put(lines);
    ec_arena_release(&a);
    free(s);
    free(v);
}

/* The first price's length, as cards say it: only when it differs. */
static void
test_campaign_months(void)
{
    struct ec_promotion_breakdown *b = calloc(1, sizeof(*b));

    b->regular_monthly = 11000;
    b->n_segments = 1;
    b->schedule[0] = (struct ec_promotion_segment){1, 0, 11000};
    CU_ASSERT_EQUAL(ec_contract_summary_campaign_months(b), 0);
    b->n_segments = 2;
    b->schedule[0] = (struct ec_promotion_segment){1, 4, 9900};
    b->schedule[1] = (struct ec_promotion_segment){5, 0, 11000};
    CU_ASSERT_EQUAL(ec_contract_summary_campaign_months(b), 4);
    /* a benefit from month 3 on: month 1 is the regular price */
    b->n_segments = 3;
    b->schedule[0] = (struct ec_promotion_segment){1, 2, 11000};
    b->schedule[1] = (struct ec_promotion_segment){3, 4, 9900};
    b->schedule[2] = (struct ec_promotion_segment){5, 0, 11000};
    CU_ASSERT_EQUAL(ec_contract_summary_campaign_months(b), 0);
    free(b);
}

static const struct ec_test tests[] = {
    {"a campaign line: both prices, its length, fees and the minimum total",
     test_campaign_line},
    {"no binding: no campaign, the minimum total is one month",
     test_no_binding},
    {"a line without a price or an empty basket is refused",
     test_unpriced_refused},
    {"the first price's length", test_campaign_months},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    cat = cs_catalog(NULL);
    cs_tenant(&tenant);
    rc = ec_test_run("svc/contract_summary", tests);
    ec_catalog_free(cat);
    ec_tztime_zone_free(tenant.zone);
    return rc;
}
