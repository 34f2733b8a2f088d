/*
 * Price benchmark: the promotion engine as a product card calls it.
 *
 * One plan (199 kr, 179 kr in the app, start-up and SIM fees) with five
 * campaigns that overlap on purpose, as the demo brands have them:
 *   1  exclusive, 99 kr for 6 months                    -> applied
 *   2  exclusive, same priority, 129 kr for 6 months    -> lost_to:1 on the
 *      minimum total, so the costly tie-break runs on every call
 *   3  stackable, SIM fee waived and 10 % off 3 months  -> applied
 *   4  exclusive, app only                              -> other_channel
 *   5  exclusive, starts next year                      -> outside_validity
 * priced on the web channel with 6 months' binding, over and over into one
 * reused breakdown for a few seconds. A storefront page shows 20 cards, so
 * the figure per page is 20 prices.
 *
 * Build and run from the project root:
 *   gcc -std=gnu11 -O2 -Isrc bench/price_bench.c src/svc/promotion.c \
 *       -o /tmp/price_bench
 *   /tmp/price_bench [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/promotion.h"

#define T_2026_01_01 1767222000LL /* 2026-01-01T00:00:00+01:00 */
#define T_2026_06_15 1781517600LL /* 2026-06-15T12:00:00+02:00 */
#define T_2027_01_01 1798758000LL /* 2027-01-01T00:00:00+01:00 */
#define T_2028_01_01 1830294000LL /* 2028-01-01T00:00:00+01:00 */

static const char *const skus[] = {"PLAN-20GB", "PLAN-50GB"};
static const char *const app_only[] = {"app"};

static const struct ec_promotion_action fixed_99[] = {
    {.kind = EC_PROMOTION_FIXED_PRICE, .value = 9900, .months = 6},
};
static const struct ec_promotion_action fixed_129[] = {
    {.kind = EC_PROMOTION_FIXED_PRICE, .value = 12900, .months = 6},
};
static const struct ec_promotion_action sim_and_ten[] = {
    {.kind = EC_PROMOTION_WAIVE_FEE, .fees = EC_FEE_SIM},
    {.kind = EC_PROMOTION_PERCENT_OFF, .value = 1000, .months = 3},
};
static const struct ec_promotion_action app_49[] = {
    {.kind = EC_PROMOTION_FIXED_PRICE, .value = 4900, .months = 0},
};

#define CAMPAIGN(id_, name_, from, to, chans, nchans, prio, stack, acts)       \
    {                                                                          \
        .id = (id_), .name = (name_), .valid_from = (from), .valid_to = (to),  \
        .skus = skus, .n_skus = 2, .channels = (chans),                        \
        .n_channels = (nchans), .priority = (prio), .stacking = (stack),       \
        .created_at = T_2026_01_01 + (id_), .actions = (acts),                 \
        .n_actions = sizeof(acts) / sizeof(*(acts))                            \
    }

static const struct ec_promotion_campaign campaigns[] = {
    CAMPAIGN(1, "99 kr i 6 mdr.", T_2026_01_01, T_2027_01_01, NULL, 0, 0,
             EC_PROMOTION_EXCLUSIVE, fixed_99),
    CAMPAIGN(2, "129 kr i 6 mdr.", T_2026_01_01, T_2027_01_01, NULL, 0, 0,
             EC_PROMOTION_EXCLUSIVE, fixed_129),
    CAMPAIGN(3, "Gratis SIM og 10 %", T_2026_01_01, T_2027_01_01, NULL, 0, 0,
             EC_PROMOTION_STACKABLE, sim_and_ten),
    CAMPAIGN(4, "Kun i appen", T_2026_01_01, T_2027_01_01, app_only, 1, 5,
             EC_PROMOTION_EXCLUSIVE, app_49),
    CAMPAIGN(5, "Nytår", T_2027_01_01, T_2028_01_01, NULL, 0, 9,
             EC_PROMOTION_EXCLUSIVE, fixed_99),
};

static struct ec_placement placements[] = {
    {.channel = "app", .visible = 1, .monthly_price = 17900},
    {.channel = "web", .visible = 1, .monthly_price = EC_NO_PRICE},
};

static const struct ec_product product = {
    .id = 20,
    .sku = "PLAN-20GB",
    .monthly_price = 19900,
    .placements = placements,
    .nplacements = 2,
    .fees = {.startup = 9900, .sim = 2900},
    .binding_months = 1u << 0 | 1u << 6,
    .sim_types = EC_SIM_TYPES_ALL,
};

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *msg)
{
    fprintf(stderr, "price_bench: %s\n", msg);
    exit(1);
}

int
main(int argc, char **argv)
{
    static const char *const want[] = {"applied", "lost_to:1", "applied",
                                       "other_channel", "outside_validity"};
    double seconds = argc > 1 ? atof(argv[1]) : 3.0, start, elapsed;
    struct ec_promotion_query q = {
        .product = &product,
        .vat_rate_bp = 2500,
        .channel = "web",
        .binding_months = 6,
        .sim_type = EC_SIM_PHYSICAL,
        .at = T_2026_06_15,
        .campaigns = campaigns,
        .n_campaigns = sizeof(campaigns) / sizeof(*campaigns),
    };
    struct ec_promotion_breakdown b;
    char code[EC_PROMOTION_CODE_SIZE];
    unsigned long prices = 0, i;
    long long sink = 0;

    /* One price to check it is the one we mean to measure. */
    if (ec_promotion_price(&q, &b))
        die("pricing failed");
    for (i = 0; i < b.n_explain; i++) {
        ec_promotion_explain_code(&b.explain[i], code, sizeof(code));
        if (strcmp(code, want[i]) != 0)
            die("the campaigns do not overlap as intended");
    }
    /* 8910 x 3 + 9900 x 3 + start-up fee 9900, SIM fee waived. */
    if (b.min_total != 8910 * 3 + 9900 * 3 + 9900 || b.n_segments != 3)
        die("unexpected price");

    start = now();
    do {
        for (i = 0; i < 4096; i++) {
            if (ec_promotion_price(&q, &b))
                die("pricing failed");
            sink += b.min_total;
        }
        prices += 4096;
        elapsed = now() - start;
    } while (elapsed < seconds);

    printf("command: ");
    for (i = 0; i < (unsigned long)argc; i++)
        printf("%s%s", i ? " " : "", argv[i]);
    printf("\nbuilt:   gcc %s, %s\n", __VERSION__,
#ifdef __OPTIMIZE__
           "optimised"
#else
           "not optimised (use -O2)"
#endif
    );
    printf("%lu prices in %.2f s: %.0f prices/s, %.0f ns each, "
           "%.1f us per 20-card page (5 campaigns, binding 6)\n",
           prices, elapsed, prices / elapsed, elapsed / prices * 1e9,
           elapsed / prices * 20 * 1e6);
    return sink == 42 ? 2 : 0; /* keep the results alive */
}
