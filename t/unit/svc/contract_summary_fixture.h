/*
 * The catalog of svc/catalog_fixture.h with fees and one campaign, for
 * the contract summary's tests: plan L (110 kr. a month, start-up 99 kr.,
 * SIM 29 kr.) costs 99 kr. the first 3 months with 6 months' binding,
 * start-up fee waived ("Summer"); plan S (100 kr.) has no campaign.
 * Add-ons SHARE (140 kr.) and EU (150 kr.). The tenant is "nordlys",
 * DKK, da-DK, 25 % VAT, Copenhagen time.
 */
#ifndef EC_T_CONTRACT_SUMMARY_FIXTURE_H
#define EC_T_CONTRACT_SUMMARY_FIXTURE_H

#include <json-c/json.h>

#include "catalog_fixture.h"
#include "core/tztime.h"
#include "svc/basket.h"
#include "svc/tenant.h"

/* When the campaign runs: 2026-01-01T00:00:00Z to 2027-01-01. */
#define CS_FROM 1767225600LL
#define CS_TO 1798761600LL
#define CS_AT (CS_FROM + 86400 * 40) /* 2026-02-10T00:00:00Z */

/* The fixture's catalog with the campaign; l_name renames L on the web
   (NULL: "Large on the web"). */
static inline struct ec_catalog *
cs_catalog(const char *l_name)
{
    static const char *const l_only[] = {"L"};
    static const struct ec_promotion_action actions[] = {
        {.kind = EC_PROMOTION_FIXED_PRICE, .value = 9900, .months = 3},
        {.kind = EC_PROMOTION_WAIVE_FEE, .fees = EC_FEE_STARTUP},
    };
    struct ec_catalog_doc doc;
    struct ec_product *l;
    struct ec_catalog *c;

    ec_catalog_doc_init(&doc);
    fixture_doc(&doc);
    l = &doc.products[P_L];
    l->fees = (struct ec_fees){9900, 2900};
    l->eu_data_gb = 25;
    l->data_gb = 100;
    if (l_name)
        l->placements[0].name = l_name; /* its web placement */
    doc.products[P_S].fees = (struct ec_fees){0, 2900};
    doc.campaigns = ec_arena_calloc(&doc.arena, 1, sizeof(*doc.campaigns));
    doc.campaigns[0] = (struct ec_promotion_campaign){
        .id = 1,
        .code = "summer",
        .name = "Summer",
        .valid_from = CS_FROM,
        .valid_to = CS_TO,
        .skus = l_only,
        .n_skus = 1,
        .priority = 1,
        .required_binding = 6,
        .created_at = CS_FROM,
        .actions = actions,
        .n_actions = 2,
    };
    doc.ncampaigns = 1;
    if (ec_catalog_from_doc(&doc, 1, &c) != 0)
        abort();
    ec_catalog_doc_release(&doc);
    return c;
}

static inline void
cs_tenant(struct ec_tenant *t)
{
    memset(t, 0, sizeof(*t));
    t->id = 1;
    t->slug = "nordlys";
    t->name = "Nordlys Mobil";
    t->currency = "DKK";
    t->locale = "da-DK";
    t->time_zone = "Europe/Copenhagen";
    t->vat_rate_bp = 2500;
    if (ec_tztime_load("Europe/Copenhagen", &t->zone) < 0)
        t->zone = NULL;
}

/* Basket lines (JSON text) priced at CS_AT on the web into *v; the
   breakdowns live in a, the lines in *lines (put them after use). */
static inline void
cs_view(const struct ec_catalog *c, const char *lines_json, struct ec_arena *a,
        struct json_object **lines, struct ec_basket_view *v)
{
    struct ec_basket b;

    memset(&b, 0, sizeof(b));
    b.lines = json_tokener_parse(lines_json);
    if (!b.lines)
        abort();
    *lines = b.lines;
    ec_basket_view_build(c, &c->channels[CH_WEB], &b, NULL, CS_AT, 2500, a, v);
}

#endif
