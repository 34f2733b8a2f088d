/*
 * Which campaigns meet, and what the engine does where they meet: each
 * case written by hand from docs/pricing.md, and, where one of two
 * exclusive campaigns is said to win, checked against the engine itself
 * (ec_promotion_price on a product both apply to), so the panel's words
 * cannot drift from the prices the shop charges.
 */
#include <stdint.h>

#include "../test.h"
#include "svc/campaign_overlap.h"

static const char *const one[] = {"PLAN-1"};
static const char *const one_lower[] = {"plan-1"};
static const char *const two[] = {"PLAN-2", "PLAN-1"};
static const char *const nine[] = {"PLAN-9"};
static const char *const app[] = {"app"};
static const char *const web[] = {"web"};
static const char *const app_web[] = {"web", "app"};

static const struct ec_promotion_action fixed99[] = {
    {.kind = EC_PROMOTION_FIXED_PRICE, .value = 9900, .months = 1}};
static const struct ec_promotion_action fixed149[] = {
    {.kind = EC_PROMOTION_FIXED_PRICE, .value = 14900, .months = 1}};

/* lists as pointer and count: L(one), or ALL for no channels named */
#define L(list) (list), sizeof(list) / sizeof(*(list))
#define ALL NULL, 0
#define CAMPAIGN(i, from, to, sk, ch, prio, stack)                             \
    CAMPAIGN_(i, from, to, sk, ch, prio, stack)
#define CAMPAIGN_(i, from, to, sk, nsk, ch, nch, prio, stack)                  \
    {                                                                          \
        .id = (i), .code = "c" #i, .name = "C", .valid_from = (from),          \
        .valid_to = (to), .skus = (sk), .n_skus = (nsk), .channels = (ch),     \
        .n_channels = (nch), .priority = (prio), .stacking = (stack),          \
        .actions = fixed99, .n_actions = 1                                     \
    }
#define EXCL EC_PROMOTION_EXCLUSIVE
#define STACK EC_PROMOTION_STACKABLE

static void
test_overlap(void)
{
    static const struct {
        struct ec_promotion_campaign a, b;
        int want;
    } cases[] = {
        /* windows: [from, to) share an instant, or not */
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 150, 300, L(one), ALL, 0, EXCL), 1},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 200, 300, L(one), ALL, 0, EXCL), 0},
        {CAMPAIGN(1, 200, 300, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 0, EXCL), 0},
        {CAMPAIGN(1, 100, 400, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 200, 300, L(one), ALL, 0, EXCL), 1},
        /* products: one in common, ignoring case */
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(two), ALL, 0, EXCL), 1},
        {CAMPAIGN(1, 100, 200, L(one_lower), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(two), ALL, 0, EXCL), 1},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(nine), ALL, 0, EXCL), 0},
        /* channels: none named is every channel */
        {CAMPAIGN(1, 100, 200, L(one), L(app), 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 0, EXCL), 1},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), L(web), 0, EXCL), 1},
        {CAMPAIGN(1, 100, 200, L(one), L(app), 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), L(web), 0, EXCL), 0},
        {CAMPAIGN(1, 100, 200, L(one), L(app), 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), L(app_web), 0, EXCL), 1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL(ec_campaign_overlaps(&cases[i].a, &cases[i].b),
                        cases[i].want);
        /* meeting is symmetric */
        CU_ASSERT_EQUAL(ec_campaign_overlaps(&cases[i].b, &cases[i].a),
                        cases[i].want);
        if (ec_campaign_overlaps(&cases[i].a, &cases[i].b) != cases[i].want)
            fprintf(stderr, "\n    overlap case %zu\n", i);
    }
}

/* The engine's winner of self and other for PLAN-1 in channel at 150. */
static int64_t
engine_winner(const struct ec_promotion_campaign *self,
              const struct ec_promotion_campaign *other, const char *channel)
{
    struct ec_promotion_campaign cs[2] = {*self, *other};
    struct ec_product p = {0};
    struct ec_promotion_query q = {0};
    static struct ec_promotion_breakdown out;

    p.sku = "PLAN-1";
    p.monthly_price = 19900;
    q.product = &p;
    q.vat_rate_bp = 2500;
    q.channel = channel;
    q.sim_type = EC_SIM_PHYSICAL;
    q.at = 150;
    q.campaigns = cs;
    q.n_campaigns = 2;
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &out), 0);
    return out.winner ? out.winner->id : 0;
}

static void
test_precedence(void)
{
    static const struct {
        struct ec_promotion_campaign self, other;
        enum ec_campaign_meeting want;
        enum ec_promotion_step step;
        const char *channel; /* where the engine is asked, for _WINS */
    } cases[] = {
        /* exclusive: priority first, either way round */
        {CAMPAIGN(1, 100, 200, L(one), ALL, 10, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 0, EXCL), EC_CAMPAIGN_THIS_WINS,
         EC_PROMOTION_STEP_PRIORITY, "web"},
        {CAMPAIGN(1, 100, 200, L(one), L(app), 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 5, EXCL), EC_CAMPAIGN_OTHER_WINS,
         EC_PROMOTION_STEP_PRIORITY, "app"},
        /* same priority: the one naming the channel */
        {CAMPAIGN(1, 100, 200, L(one), L(app), 3, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 3, EXCL), EC_CAMPAIGN_THIS_WINS,
         EC_PROMOTION_STEP_CHANNEL, "app"},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 3, EXCL),
         CAMPAIGN(2, 100, 200, L(one), L(app_web), 3, EXCL),
         EC_CAMPAIGN_OTHER_WINS, EC_PROMOTION_STEP_CHANNEL, "web"},
        /* same rank: the price decides, product by product */
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 0, EXCL), EC_CAMPAIGN_BY_PRICE,
         EC_PROMOTION_STEP_TOTAL, NULL},
        {CAMPAIGN(1, 100, 200, L(one), L(app), 0, EXCL),
         CAMPAIGN(2, 100, 200, L(one), L(app), 0, EXCL), EC_CAMPAIGN_BY_PRICE,
         EC_PROMOTION_STEP_TOTAL, NULL},
        /* stackable: both apply, whatever the priorities */
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, STACK),
         CAMPAIGN(2, 100, 200, L(one), ALL, 9, EXCL), EC_CAMPAIGN_THIS_ON_TOP,
         EC_PROMOTION_STEP_NONE, NULL},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 9, EXCL),
         CAMPAIGN(2, 100, 200, L(one), ALL, 0, STACK), EC_CAMPAIGN_OTHER_ON_TOP,
         EC_PROMOTION_STEP_NONE, NULL},
        {CAMPAIGN(1, 100, 200, L(one), ALL, 0, STACK),
         CAMPAIGN(2, 100, 200, L(one), ALL, 1, STACK), EC_CAMPAIGN_BOTH_STACK,
         EC_PROMOTION_STEP_NONE, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_campaign_precedence p;

        ec_campaign_precedence(&cases[i].self, &cases[i].other, &p);
        if (p.meeting != cases[i].want || p.step != cases[i].step)
            fprintf(stderr, "\n    precedence case %zu: got %d/%d\n", i,
                    (int)p.meeting, (int)p.step);
        CU_ASSERT_EQUAL(p.meeting, cases[i].want);
        CU_ASSERT_EQUAL(p.step, cases[i].step);
        /* the engine agrees on who wins */
        if (p.meeting == EC_CAMPAIGN_THIS_WINS ||
            p.meeting == EC_CAMPAIGN_OTHER_WINS)
            CU_ASSERT_EQUAL(engine_winner(&cases[i].self, &cases[i].other,
                                          cases[i].channel),
                            p.meeting == EC_CAMPAIGN_THIS_WINS
                                ? cases[i].self.id
                                : cases[i].other.id);
    }
}

/* Same rank: the engine picks the one cheaper for the customer, either
   way round, which is why the panel says "the price decides". */
static void
test_same_rank_goes_by_price(void)
{
    struct ec_promotion_campaign a =
        CAMPAIGN(1, 100, 200, L(one), ALL, 0, EXCL);
    struct ec_promotion_campaign b =
        CAMPAIGN(2, 100, 200, L(one), ALL, 0, EXCL);

    a.actions = fixed149;
    CU_ASSERT_EQUAL(engine_winner(&a, &b, "web"), 2);
    a.actions = fixed99;
    b.actions = fixed149;
    CU_ASSERT_EQUAL(engine_winner(&a, &b, "web"), 1);
}

static const struct ec_test tests[] = {
    {"meeting: window, product and channel in common", test_overlap},
    {"precedence: the engine's rule, and its winner", test_precedence},
    {"precedence: same rank goes by price", test_same_rank_goes_by_price},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/campaign_overlap", tests)
