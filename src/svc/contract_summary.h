/*
 * The EU contract summary's facts: what the customer accepts before
 * paying, one summary per subscription line of an order, following the
 * template of Commission Implementing Regulation (EU) 2019/2243 (Article
 * 102(3) of the European Electronic Communications Code, Directive (EU)
 * 2018/1972): services, speed, price, duration and termination, with the
 * minimum total price Danish consumer rules require (docs/orders.md,
 * "Contract summary").
 *
 * This file holds the numbers and attributes only, taken from the same
 * priced basket view the checkout charges (svc/basket.h), so the summary
 * cannot disagree with the order. The words and the HTML are the theme's
 * (handlers/contract_summary.h renders them in the tenant's language).
 *
 * Invariants of a filled struct ec_contract_summary:
 *   - every amount is whole minor units of currency, VAT included, and
 *     comes from the promotion engine's breakdown or the basket view;
 *   - a line's min_total is the view line's: the plan's minimum total
 *     price (svc/promotion.h) plus each add-on's one-time fees and monthly
 *     price for max(binding, 1) months; the summary's min_total is their
 *     sum;
 *   - campaign_months is 0 when month 1 costs the regular price; else the
 *     first price lasts months 1..campaign_months and monthly_after is
 *     what month campaign_months + 1 costs;
 *   - pointers borrow from the basket view (the catalog, the arena its
 *     breakdowns came from) and the tenant, and live as long as they do.
 */
#ifndef EC_SVC_CONTRACT_SUMMARY_H
#define EC_SVC_CONTRACT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "svc/basket.h"
#include "svc/order.h"
#include "svc/product.h"
#include "svc/promotion.h"

struct ec_tenant;
struct ec_tztime_zone;

/* An add-on of a line, priced now. */
struct ec_contract_summary_addon {
    const char *name; /* the channel's display name */
    long long monthly;
    long long one_time;
};

/* One subscription as sold. */
struct ec_contract_summary_line {
    const char *name; /* the plan's display name in its channel */
    const char *sku;
    const char *channel;     /* the channel's display name */
    const char *description; /* the plan's text, "" when none */

    /* what is included (svc/product.h): EC_UNLIMITED means no limit */
    long long data_gb;
    long long talk_minutes;
    long long eu_data_gb; /* data while roaming in the EU, per month */
    enum ec_network network;
    enum ec_sim_type sim;

    int binding_months; /* 0: none */

    /* the plan's monthly price: now, and after the first price ends */
    long long monthly_now;
    long long monthly_after;
    int campaign_months;  /* 0: month 1 is the regular price */
    const char *campaign; /* the winning campaign's name, or NULL */
    /* the engine's schedule: runs of months at one price, the last
       open-ended (borrowed from the breakdown) */
    const struct ec_promotion_segment *schedule;
    size_t n_segments;

    long long startup_fee; /* after campaigns */
    long long sim_fee;     /* after campaigns */

    struct ec_contract_summary_addon addons[EC_BASKET_ADDONS_MAX];
    size_t naddons;

    long long line_monthly; /* plan and add-ons, month 1 */
    long long one_time;     /* plan and add-ons */
    int min_total_months;   /* max(binding, 1) */
    long long min_total;    /* plan and add-ons, as the basket view */
};

struct ec_contract_summary {
    const char *provider; /* the tenant's display name */
    const char *currency; /* ISO 4217 */
    const char *locale;   /* how money is written (render/format.h) */
    const struct ec_tztime_zone *zone; /* the date shown; NULL: UTC */
    int64_t at;                        /* UTC seconds the prices hold */
    struct ec_contract_summary_line lines[EC_ORDER_LINES_MAX];
    size_t nlines;
    long long monthly; /* every line, month 1 */
    long long one_time;
    long long min_total;
};

/*
 * The summary of basket view v (built by ec_basket_view_build() at
 * instant at) for tenant t, into *out: one line per line of the view, in
 * its order. Returns 0; EC_ERR_INVALID_FIELD when the view has no line,
 * or a line that is not offered as chosen (no price: the checkout refuses
 * such a basket anyway); *out is then unspecified. Pure: no I/O.
 */
int ec_contract_summary_from_view(const struct ec_tenant *t,
                                  const struct ec_basket_view *v, int64_t at,
                                  struct ec_contract_summary *out);

/*
 * How long the first price of breakdown b lasts before another applies:
 * 0 when month 1 costs the regular price, else the last month of the
 * schedule's first run. What cards call "the first N months".
 */
int ec_contract_summary_campaign_months(const struct ec_promotion_breakdown *b);

#endif
