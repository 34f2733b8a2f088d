/*
 * The promotion engine, case by case from the rules of issue 5.
 *
 * Every engine case prices one plan: 199,00 kr a month (179,00 kr in the
 * app channel), start-up fee 99,00 kr, SIM fee 29,00 kr, VAT 25 %, on the
 * web channel, at 2026-06-15 12:00 in Europe/Copenhagen, with no binding,
 * unless the case says otherwise. Times are Copenhagen wall-clock times
 * turned into instants with core/tztime, or UTC when they end in Z.
 *
 * Expectations are written by hand from the rules, as compact strings:
 *   schedule  "1-6:9900 7-:19900" months 1-6 cost 9900, from 7 on 19900;
 *   explain   "<id>:<code>" per campaign in input order, where a lost
 *             exclusive reads "5:lost_to:6@total" (the step that decided).
 * One-time fee = 12800 with no campaign, so a minimum total with binding
 * 0 is 12800 + month 1.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../test.h"
#include "core/err.h"
#include "core/tztime.h"
#include "svc/promotion.h"

#define SKU "PLAN-1"
#define AT "2026-06-15T12:00"
#define FROM "2026-01-01T00:00"
#define TO "2027-01-01T00:00"

#define FIXED(v, m)                                                            \
    {                                                                          \
        .kind = EC_PROMOTION_FIXED_PRICE, .value = (v), .months = (m)          \
    }
#define FIXED_FROM(v, f, m)                                                    \
    {                                                                          \
        .kind = EC_PROMOTION_FIXED_PRICE, .value = (v), .first_month = (f),    \
        .months = (m)                                                          \
    }
#define OFF(v, m)                                                              \
    {                                                                          \
        .kind = EC_PROMOTION_AMOUNT_OFF, .value = (v), .months = (m)           \
    }
#define PCT(bp, m)                                                             \
    {                                                                          \
        .kind = EC_PROMOTION_PERCENT_OFF, .value = (bp), .months = (m)         \
    }
#define WAIVE(f)                                                               \
    {                                                                          \
        .kind = EC_PROMOTION_WAIVE_FEE, .fees = (f)                            \
    }
#define REDUCE(f, v)                                                           \
    {                                                                          \
        .kind = EC_PROMOTION_REDUCE_FEE, .fees = (f), .value = (v)             \
    }
#define STARTUP EC_FEE_STARTUP
#define SIM EC_FEE_SIM
#define STACK .stacking = EC_PROMOTION_STACKABLE

/* A campaign as a case writes it; unset fields take the defaults above. */
struct tc_campaign {
    int64_t id;
    const char *from, *to, *created; /* local or ...Z; NULL = default */
    const char *skus[3];             /* NULL-terminated; none = {SKU} */
    const char *channels[3];         /* NULL-terminated; none = all */
    int priority;
    enum ec_promotion_stacking stacking;
    int binding;
    struct ec_promotion_action actions[4]; /* up to the first kind 0 */
};

struct tc {
    const char *name;
    const char *channel; /* NULL = "web" */
    int binding;
    const char *at;          /* NULL = AT */
    struct tc_campaign c[8]; /* up to the first id 0 */
    const char *schedule;
    int64_t total;
    const char *explain;
    const char *fees; /* "startup:X sim:Y", when not NULL */
    const char *vat;  /* "now:X once:Y total:Z", when not NULL */
};

#define DST_SPRING .from = "2026-03-29T00:00", .to = "2026-03-30T00:00"
#define DST_AUTUMN .from = "2026-10-25T00:00", .to = "2026-10-26T00:00"

static const struct tc cases[] = {
    /* ---- no campaign ---- */
    {.name = "no campaign: regular price for good, binding 0 counts 1 month",
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "",
     .fees = "startup:9900 sim:2900",
     .vat = "now:3980 once:2560 total:6540"},
    {.name = "no campaign, 6 months' binding: the total counts 6 months",
     .binding = 6,
     .schedule = "1-:19900",
     .total = 132200,
     .explain = ""},
    {.name = "the app channel's base price overrides the product's",
     .channel = "app",
     .schedule = "1-:17900",
     .total = 30700,
     .explain = ""},

    /* ---- validity [from, to) ---- */
    {.name = "validity: applies at exactly `from`",
     .c = {{.id = 1, .from = AT, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "validity: does not apply at exactly `to`",
     .c = {{.id = 1, .to = AT, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},
    {.name = "validity: applies one second before `to`",
     .c = {{.id = 1, .to = "2026-06-15T12:00:01", .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "validity: a campaign starting one second later does not apply",
     .c = {{.id = 1,
            .from = "2026-06-15T12:00:01",
            .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},

    /* ---- validity across daylight-saving changes ---- */
    {.name = "DST: a 29 March campaign applies at its start, 23:00Z the 28th",
     .at = "2026-03-28T23:00:00Z",
     .c = {{.id = 1, DST_SPRING, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "DST: applies at 23:59:59 local on 29 March, 22:59:59 in",
     .at = "2026-03-29T23:59:59",
     .c = {{.id = 1, DST_SPRING, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "DST: does not apply at 30 March 00:00 local, 23 h in",
     .at = "2026-03-30T00:00",
     .c = {{.id = 1, DST_SPRING, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},
    {.name = "DST: not 23 h 30 in, which a 24-hour day would include",
     .at = "2026-03-29T22:30:00Z",
     .c = {{.id = 1, DST_SPRING, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},
    {.name = "DST: a 25 October campaign (25 h) still applies 24 h 30 in",
     .at = "2026-10-25T22:30:00Z",
     .c = {{.id = 1, DST_AUTUMN, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "DST: ... and not at 26 October 00:00 local, 25 h in",
     .at = "2026-10-26T00:00",
     .c = {{.id = 1, DST_AUTUMN, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},

    /* ---- product and channel ---- */
    {.name = "product: a campaign for another SKU is other_product",
     .c = {{.id = 1, .skus = {"PLAN-2"}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:other_product"},
    {.name = "product: a campaign listing several SKUs applies to each",
     .c = {{.id = 1, .skus = {"PLAN-2", SKU}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "channel: an app-only campaign is other_channel on the web",
     .c = {{.id = 1, .channels = {"app"}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:other_channel"},
    {.name = "channel: app-only applies in the app, app price after it",
     .channel = "app",
     .c = {{.id = 1, .channels = {"app"}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:17900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "channel: a campaign listing app and web applies on the web",
     .c = {{.id = 1, .channels = {"app", "web"}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "reasons: validity is reported before product and channel",
     .c = {{.id = 1,
            .to = "2026-02-01T00:00",
            .skus = {"PLAN-2"},
            .channels = {"app"},
            .binding = 6,
            .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:outside_validity"},
    {.name = "reasons: product is reported before channel and binding",
     .c = {{.id = 1,
            .skus = {"PLAN-2"},
            .channels = {"app"},
            .binding = 6,
            .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:other_product"},
    {.name = "reasons: channel is reported before binding",
     .c = {{.id = 1,
            .channels = {"app"},
            .binding = 6,
            .actions = {FIXED(9900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:other_channel"},

    /* ---- required binding ---- */
    {.name = "binding: 6 months required, none chosen: binding_required",
     .c = {{.id = 1, .binding = 6, .actions = {FIXED(9900, 0)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:binding_required"},
    {.name = "binding: 6 months required, 3 chosen: binding_required",
     .binding = 3,
     .c = {{.id = 1, .binding = 6, .actions = {FIXED(9900, 0)}}},
     .schedule = "1-:19900",
     .total = 72500,
     .explain = "1:binding_required"},
    {.name = "binding: 6 required and chosen: applies for the whole binding",
     .binding = 6,
     .c = {{.id = 1, .binding = 6, .actions = {FIXED(9900, 0)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 72200,
     .explain = "1:applied"},
    {.name = "binding: more than the required binding is fine",
     .binding = 6,
     .c = {{.id = 1, .binding = 3, .actions = {FIXED(9900, 3)}}},
     .schedule = "1-3:9900 4-:19900",
     .total = 102200,
     .explain = "1:applied"},

    /* ---- precedence among exclusive campaigns ---- */
    {.name = "precedence 1: the higher priority wins although dearer",
     .c = {{.id = 1, .priority = 1, .actions = {FIXED(14900, 6)}},
           {.id = 2, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:14900 7-:19900",
     .total = 27700,
     .explain = "1:applied 2:lost_to:1@priority"},
    {.name = "precedence 1: priority is decided before channel scope",
     .channel = "app",
     .c = {{.id = 1, .priority = 1, .actions = {FIXED(12900, 6)}},
           {.id = 2, .channels = {"app"}, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:12900 7-:17900",
     .total = 25700,
     .explain = "1:applied 2:lost_to:1@priority"},
    {.name = "precedence 2: app-only beats all-channel although dearer",
     .channel = "app",
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}},
           {.id = 2, .channels = {"app"}, .actions = {FIXED(12900, 6)}}},
     .schedule = "1-6:12900 7-:17900",
     .total = 25700,
     .explain = "1:lost_to:2@channel 2:applied"},
    {.name = "precedence 3: the lower minimum total beats the newer",
     .c = {{.id = 1,
            .created = "2026-05-01T00:00",
            .actions = {FIXED(12900, 6)}},
           {.id = 2, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:lost_to:2@total 2:applied"},
    {.name = "precedence 3: the minimum total counts fee waivers",
     .c = {{.id = 1, .actions = {OFF(1000, 6)}},
           {.id = 2, .actions = {WAIVE(STARTUP)}}},
     .schedule = "1-:19900",
     .total = 22800,
     .explain = "1:lost_to:2@total 2:applied",
     .fees = "startup:0 sim:2900"},
    {.name = "precedence 3: with 6 months' binding a long small cut wins",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED(9900, 1)}},
           {.id = 2, .actions = {OFF(3000, 6)}}},
     .schedule = "1-6:16900 7-:19900",
     .total = 114200,
     .explain = "1:lost_to:2@total 2:applied"},
    {.name = "precedence 3: with no binding the deep first month wins",
     .c = {{.id = 1, .actions = {FIXED(9900, 1)}},
           {.id = 2, .actions = {OFF(3000, 6)}}},
     .schedule = "1-1:9900 2-:19900",
     .total = 22700,
     .explain = "1:applied 2:lost_to:1@total"},
    {.name = "precedence 3: the total is of each campaign alone",
     .c = {{.id = 1, .actions = {WAIVE(STARTUP)}},
           {.id = 2, .actions = {OFF(5000, 1)}},
           {.id = 3, STACK, .actions = {WAIVE(STARTUP)}}},
     .schedule = "1-:19900",
     .total = 22800,
     .explain = "1:applied 2:lost_to:1@total 3:applied",
     .fees = "startup:0 sim:2900"},
    {.name = "precedence 4: same total, the newest beats the lower id",
     .c = {{.id = 1,
            .created = "2026-02-01T00:00",
            .actions = {FIXED(9900, 6)}},
           {.id = 2,
            .created = "2026-03-01T00:00",
            .actions = {FIXED(9900, 3)}}},
     .schedule = "1-3:9900 4-:19900",
     .total = 22700,
     .explain = "1:lost_to:2@newest 2:applied"},
    {.name = "precedence 5: all else equal the lowest id wins, any order",
     .c = {{.id = 7, .actions = {FIXED(9900, 4)}},
           {.id = 3, .actions = {FIXED(9900, 2)}}},
     .schedule = "1-2:9900 3-:19900",
     .total = 22700,
     .explain = "7:lost_to:3@id 3:applied"},
    {.name = "precedence: each loser names the winner and its own step",
     .channel = "app",
     .c = {{.id = 1, .priority = 2, .actions = {FIXED(14900, 6)}},
           {.id = 2,
            .priority = 2,
            .channels = {"app"},
            .actions = {FIXED(15900, 6)}},
           {.id = 3, .priority = 1, .actions = {FIXED(4900, 6)}}},
     .schedule = "1-6:15900 7-:17900",
     .total = 28700,
     .explain = "1:lost_to:2@channel 2:applied 3:lost_to:2@priority"},
    {.name = "precedence: an ineligible higher priority does not win",
     .c = {{.id = 1,
            .priority = 9,
            .channels = {"app"},
            .actions = {FIXED(4900, 6)}},
           {.id = 2, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:other_channel 2:applied"},

    /* ---- stacking ---- */
    {.name = "stacking: a stackable campaign applies with no exclusive",
     .binding = 6,
     .c = {{.id = 1, STACK, .actions = {PCT(1000, 0)}}},
     .schedule = "1-6:17910 7-:19900",
     .total = 120260,
     .explain = "1:applied"},
    {.name = "stacking: a stackable 10 % applies to the exclusive 99 kr",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}},
           {.id = 2, STACK, .actions = {PCT(1000, 6)}}},
     .schedule = "1-6:8910 7-:19900",
     .total = 66260,
     .explain = "1:applied 2:applied"},
    {.name = "stacking: past the exclusive's months it cuts the regular",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED(9900, 3)}},
           {.id = 2, STACK, .actions = {OFF(1000, 6)}}},
     .schedule = "1-3:8900 4-6:18900 7-:19900",
     .total = 96200,
     .explain = "1:applied 2:applied"},
    {.name = "stacking: stackables apply by priority, then by id",
     .c = {{.id = 2, STACK, .actions = {PCT(5000, 1)}},
           {.id = 9, STACK, .priority = 1, .actions = {PCT(1000, 1)}},
           {.id = 5, STACK, .priority = 1, .actions = {OFF(1900, 1)}}},
     .schedule = "1-1:8100 2-:19900",
     .total = 20900,
     .explain = "2:applied 9:applied 5:applied"},
    {.name = "stacking: exclusive price plus a stackable SIM-fee waiver",
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}},
           {.id = 2, STACK, .actions = {WAIVE(SIM)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 19800,
     .explain = "1:applied 2:applied",
     .fees = "startup:9900 sim:0"},
    {.name = "stacking: stackables never lose; exclusives still compete",
     .c = {{.id = 1, .priority = 1, .actions = {FIXED(14900, 6)}},
           {.id = 2, .actions = {FIXED(9900, 6)}},
           {.id = 3, STACK, .actions = {OFF(900, 6)}}},
     .schedule = "1-6:14000 7-:19900",
     .total = 26800,
     .explain = "1:applied 2:lost_to:1@priority 3:applied"},
    {.name = "stacking: a stackable needing binding does not apply without",
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}},
           {.id = 2, STACK, .binding = 6, .actions = {PCT(1000, 0)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied 2:binding_required"},

    /* ---- rounding of percentages ---- */
    {.name = "rounding: 33.33 % of 99 kr takes 33 kr (3299.67 øre) off",
     .c = {{.id = 1, .actions = {FIXED(9900, 1)}},
           {.id = 2, STACK, .actions = {PCT(3333, 1)}}},
     .schedule = "1-1:6600 2-:19900",
     .total = 19400,
     .explain = "1:applied 2:applied"},
    {.name = "rounding: 50 % of 99,99 kr takes 50 kr off (half away)",
     .c = {{.id = 1, .actions = {FIXED(9999, 1)}},
           {.id = 2, STACK, .actions = {PCT(5000, 1)}}},
     .schedule = "1-1:4999 2-:19900",
     .total = 17799,
     .explain = "1:applied 2:applied",
     .vat = "now:1000 once:2560 total:3560"},
    {.name = "rounding: 12.5 % of 199 kr takes 24,88 kr (2487.5 øre) off",
     .c = {{.id = 1, .actions = {PCT(1250, 1)}}},
     .schedule = "1-1:17412 2-:19900",
     .total = 30212,
     .explain = "1:applied",
     .vat = "now:3482 once:2560 total:6042"},
    {.name = "rounding: 0.01 % of 49 kr takes nothing (0.49 øre) off",
     .c = {{.id = 1, .actions = {FIXED(4900, 1)}},
           {.id = 2, STACK, .actions = {PCT(1, 1)}}},
     .schedule = "1-1:4900 2-:19900",
     .total = 17700,
     .explain = "1:applied 2:applied"},
    {.name = "rounding: 33.33 % of 199 kr takes 66,33 kr (6632.67 øre) off",
     .c = {{.id = 1, .actions = {PCT(3333, 1)}}},
     .schedule = "1-1:13267 2-:19900",
     .total = 26067,
     .explain = "1:applied"},

    /* ---- floors at zero ---- */
    {.name = "floor: an amount off above the price makes it 0, not less",
     .c = {{.id = 1, .actions = {OFF(25000, 1)}}},
     .schedule = "1-1:0 2-:19900",
     .total = 12800,
     .explain = "1:applied"},
    {.name = "floor: a stackable amount off after a fixed 5 kr stays at 0",
     .c = {{.id = 1, .actions = {FIXED(500, 2)}},
           {.id = 2, STACK, .actions = {OFF(1000, 2)}}},
     .schedule = "1-2:0 3-:19900",
     .total = 12800,
     .explain = "1:applied 2:applied"},
    {.name = "floor: a fee reduction above the fee makes it 0",
     .c = {{.id = 1, .actions = {REDUCE(STARTUP, 20000), REDUCE(SIM, 1000)}}},
     .schedule = "1-:19900",
     .total = 21800,
     .explain = "1:applied",
     .fees = "startup:0 sim:1900"},
    {.name = "floor: 100 % off makes the months free",
     .c = {{.id = 1, .actions = {PCT(10000, 2)}}},
     .schedule = "1-2:0 3-:19900",
     .total = 12800,
     .explain = "1:applied"},
    {.name = "a fixed price above the regular price never raises it",
     .c = {{.id = 1, .actions = {FIXED(24900, 6)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:applied"},

    /* ---- months and the minimum total price ---- */
    {.name = "99 kr 6 months, no binding: schedule runs on, 1 month counts",
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "99 kr 6 months, 6 months' binding: 6 months count",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 72200,
     .explain = "1:applied"},
    {.name = "99 kr 6 months, 3 months' binding: 3 campaign months count",
     .binding = 3,
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 42500,
     .explain = "1:applied"},
    {.name = "months 0 (the whole binding) with no binding: the first month",
     .c = {{.id = 1, .actions = {FIXED(9900, 0)}}},
     .schedule = "1-1:9900 2-:19900",
     .total = 22700,
     .explain = "1:applied"},
    {.name = "months 0 (the whole binding) with 4 months' binding",
     .binding = 4,
     .c = {{.id = 1, .actions = {FIXED(9900, 0)}}},
     .schedule = "1-4:9900 5-:19900",
     .total = 52400,
     .explain = "1:applied"},
    {.name = "an action from month 3 for 2 months",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED_FROM(9900, 3, 2)}}},
     .schedule = "1-2:19900 3-4:9900 5-:19900",
     .total = 112200,
     .explain = "1:applied"},
    {.name = "12 campaign months all show; the total counts the binding",
     .binding = 6,
     .c = {{.id = 1, .actions = {FIXED(9900, 12)}}},
     .schedule = "1-12:9900 13-:19900",
     .total = 72200,
     .explain = "1:applied"},

    /* ---- fees and VAT ---- */
    {.name = "fees: the start-up and the SIM fee both waived",
     .c = {{.id = 1, .actions = {WAIVE(STARTUP | SIM)}}},
     .schedule = "1-:19900",
     .total = 19900,
     .explain = "1:applied",
     .fees = "startup:0 sim:0",
     .vat = "now:3980 once:0 total:3980"},
    {.name = "fees: the start-up fee reduced by 50 kr",
     .c = {{.id = 1, .actions = {REDUCE(STARTUP, 5000)}}},
     .schedule = "1-:19900",
     .total = 27700,
     .explain = "1:applied",
     .fees = "startup:4900 sim:2900"},
    {.name = "VAT: part of the price now, of the fees and of the total",
     .c = {{.id = 1, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:applied",
     .vat = "now:1980 once:2560 total:4540"},
    {.name = "VAT: after waivers, on what is actually paid",
     .c = {{.id = 1, .actions = {FIXED(9900, 6), WAIVE(STARTUP)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 12800,
     .explain = "1:applied",
     .fees = "startup:0 sim:2900",
     .vat = "now:1980 once:580 total:2560"},

    /* ---- the explanation ---- */
    {.name = "explanation: every campaign gets its code, in input order",
     .c = {{.id = 1, .to = "2026-02-01T00:00", .actions = {FIXED(100, 6)}},
           {.id = 2, .skus = {"PLAN-2"}, .actions = {FIXED(100, 6)}},
           {.id = 3, .channels = {"app"}, .actions = {FIXED(100, 6)}},
           {.id = 4, .binding = 3, .actions = {FIXED(100, 6)}},
           {.id = 5, .actions = {FIXED(12900, 6)}},
           {.id = 6, .actions = {FIXED(9900, 6)}},
           {.id = 7, STACK, .actions = {WAIVE(SIM)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 19800,
     .explain = "1:outside_validity 2:other_product 3:other_channel "
                "4:binding_required 5:lost_to:6@total 6:applied 7:applied"},
    {.name = "invalid: a benefit from month 7 is never applied",
     .c = {{.id = 1, .actions = {FIXED_FROM(0, 7, 1)}}},
     .schedule = "1-:19900",
     .total = 32700,
     .explain = "1:invalid"},
    {.name = "invalid: a campaign the guard refuses blocks no other",
     .c = {{.id = 1, .priority = 9, .actions = {FIXED_FROM(0, 7, 1)}},
           {.id = 2, .actions = {FIXED(9900, 6)}}},
     .schedule = "1-6:9900 7-:19900",
     .total = 22700,
     .explain = "1:invalid 2:applied"},
};

#define N_CASES (sizeof(cases) / sizeof(*cases))

/* ---- the fixture ---- */

/* The catalog's own product (svc/product.h): 199 kr., 179 kr. in the
   app, offered with 0, 3 or 6 months' binding. */
static struct ec_placement placements[] = {
    {.channel = "app", .visible = 1, .monthly_price = 17900},
    {.channel = "web", .visible = 1, .monthly_price = EC_NO_PRICE},
};
static const struct ec_product product = {
    .id = 1,
    .sku = SKU,
    .monthly_price = 19900,
    .placements = placements,
    .nplacements = 2,
    .fees = {.startup = 9900, .sim = 2900},
    .binding_months = 1u << 0 | 1u << 3 | 1u << 6,
    .sim_types = EC_SIM_TYPES_ALL,
};
#define VAT_RATE 2500
static const char *const default_skus[] = {SKU};

static struct ec_tztime_zone *cph;

static int64_t
instant(const char *s)
{
    int64_t t = 0;

    if (ec_tztime_parse(cph, s, EC_TZTIME_REJECT, &t)) {
        fprintf(stderr, "\n    bad time in a case: \"%s\"\n", s);
        CU_FAIL_FATAL("bad time in a test case");
    }
    return t;
}

static size_t
count(const char *const *list, size_t max)
{
    size_t n = 0;

    while (n < max && list[n])
        n++;
    return n;
}

/* Turn the case's campaigns into engine input. */
static size_t
build(const struct tc *tc, struct ec_promotion_campaign *out)
{
    size_t n;

    for (n = 0; n < 8 && tc->c[n].id; n++) {
        const struct tc_campaign *t = &tc->c[n];
        struct ec_promotion_campaign *c = &out[n];
        size_t k;

        memset(c, 0, sizeof(*c));
        c->id = t->id;
        c->name = "a campaign";
        c->valid_from = instant(t->from ? t->from : FROM);
        c->valid_to = instant(t->to ? t->to : TO);
        c->created_at = instant(t->created ? t->created : FROM);
        c->n_skus = count(t->skus, 3);
        c->skus = c->n_skus ? t->skus : default_skus;
        if (!c->n_skus)
            c->n_skus = 1;
        c->n_channels = count(t->channels, 3);
        c->channels = c->n_channels ? t->channels : NULL;
        c->priority = t->priority;
        c->stacking = t->stacking;
        c->required_binding = t->binding;
        for (k = 0; k < 4 && t->actions[k].kind; k++)
            ;
        c->actions = t->actions;
        c->n_actions = k;
    }
    return n;
}

static void
schedule_str(const struct ec_promotion_breakdown *b, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < b->n_segments && len < size; i++) {
        const struct ec_promotion_segment *s = &b->schedule[i];

        if (s->last)
            len += (size_t)snprintf(buf + len, size - len, "%s%d-%d:%lld",
                                    i ? " " : "", s->first, s->last,
                                    (long long)s->monthly);
        else
            len +=
                (size_t)snprintf(buf + len, size - len, "%s%d-:%lld",
                                 i ? " " : "", s->first, (long long)s->monthly);
    }
}

static void
explain_str(const struct ec_promotion_breakdown *b, char *buf, size_t size)
{
    size_t len = 0;
    char code[EC_PROMOTION_CODE_SIZE];

    buf[0] = '\0';
    for (size_t i = 0; i < b->n_explain && len < size; i++) {
        const struct ec_promotion_explanation *e = &b->explain[i];

        CU_ASSERT_EQUAL(ec_promotion_explain_code(e, code, sizeof(code)), 0);
        len += (size_t)snprintf(buf + len, size - len, "%s%lld:%s%s%s",
                                i ? " " : "", (long long)e->campaign->id, code,
                                e->reason == EC_PROMOTION_LOST ? "@" : "",
                                ec_promotion_step_name(e->decided_by));
    }
}

/* What holds for every breakdown, whatever the case. */
static void
check_invariants(const struct ec_promotion_breakdown *b, size_t n_campaigns,
                 int binding)
{
    const struct ec_promotion_segment *s = b->schedule;
    int64_t sum = b->startup_fee + b->sim_fee;
    size_t applied = 0;

    CU_ASSERT_FATAL(b->n_segments >= 1 &&
                    b->n_segments <= EC_PROMOTION_MAX_SEGMENTS);
    CU_ASSERT_EQUAL(s[0].first, 1);
    for (size_t i = 0; i < b->n_segments; i++) {
        CU_ASSERT(s[i].monthly >= 0);
        if (i) {
            CU_ASSERT_EQUAL(s[i].first, s[i - 1].last + 1);
            CU_ASSERT_NOT_EQUAL(s[i].monthly, s[i - 1].monthly);
        }
        if (i + 1 < b->n_segments)
            CU_ASSERT(s[i].last >= s[i].first);
    }
    CU_ASSERT_EQUAL(s[b->n_segments - 1].last, 0);
    CU_ASSERT_EQUAL(s[b->n_segments - 1].monthly, b->regular_monthly);
    CU_ASSERT_EQUAL(b->monthly_now, s[0].monthly);
    CU_ASSERT_EQUAL(b->min_total_months, binding > 1 ? binding : 1);
    /* The total is the fees plus the schedule's first months. */
    for (int m = 1; m <= b->min_total_months; m++) {
        size_t i = 0;

        while (s[i].last && s[i].last < m)
            i++;
        sum += s[i].monthly;
    }
    CU_ASSERT_EQUAL(b->min_total, sum);
    CU_ASSERT_EQUAL(b->one_time_total, b->startup_fee + b->sim_fee);
    CU_ASSERT_EQUAL(b->n_explain, n_campaigns);
    for (size_t i = 0; i < b->n_explain; i++)
        applied += b->explain[i].reason == EC_PROMOTION_APPLIED;
    CU_ASSERT_EQUAL(b->n_applied, applied);
}

static void
run_case(const struct tc *tc)
{
    struct ec_promotion_campaign campaigns[8];
    struct ec_promotion_breakdown b;
    struct ec_promotion_query q = {0};
    char got[512];
    int rc;

    q.product = &product;
    q.vat_rate_bp = VAT_RATE;
    q.channel = tc->channel ? tc->channel : "web";
    q.binding_months = tc->binding;
    q.sim_type = EC_SIM_PHYSICAL;
    q.at = instant(tc->at ? tc->at : AT);
    q.n_campaigns = build(tc, campaigns);
    q.campaigns = campaigns;

    memset(&b, 0xa5, sizeof(b)); /* the engine must not need it cleared */
    rc = ec_promotion_price(&q, &b);
    CU_ASSERT_EQUAL_FATAL(rc, 0);

    schedule_str(&b, got, sizeof(got));
    EC_ASSERT_STR(got, tc->schedule);
    explain_str(&b, got, sizeof(got));
    EC_ASSERT_STR(got, tc->explain);
    if (b.min_total != tc->total)
        fprintf(stderr, "\n    total %lld, want %lld\n", (long long)b.min_total,
                (long long)tc->total);
    CU_ASSERT_EQUAL(b.min_total, tc->total);
    if (tc->fees) {
        snprintf(got, sizeof(got), "startup:%lld sim:%lld",
                 (long long)b.startup_fee, (long long)b.sim_fee);
        EC_ASSERT_STR(got, tc->fees);
    }
    if (tc->vat) {
        snprintf(got, sizeof(got), "now:%lld once:%lld total:%lld",
                 (long long)b.monthly_now_vat, (long long)b.one_time_vat,
                 (long long)b.min_total_vat);
        EC_ASSERT_STR(got, tc->vat);
    }
    check_invariants(&b, q.n_campaigns, tc->binding);
}

/* Each case is its own CUnit test, found again by the test's name. */
static void
run_named_case(void)
{
    const char *name = CU_get_current_test()->pName;

    for (size_t i = 0; i < N_CASES; i++)
        if (strcmp(cases[i].name, name) == 0) {
            run_case(&cases[i]);
            return;
        }
    CU_FAIL("no case by this name");
}

/* ---- the rest of the engine's interface ---- */

static void
one_campaign(struct ec_promotion_campaign *c,
             const struct ec_promotion_action *a, size_t n)
{
    memset(c, 0, sizeof(*c));
    c->id = 1;
    c->name = "99 kr";
    c->valid_from = instant(FROM);
    c->valid_to = instant(TO);
    c->skus = default_skus;
    c->n_skus = 1;
    c->actions = a;
    c->n_actions = n;
}

static void
test_breakdown_echoes_the_query(void)
{
    static const struct ec_promotion_action a[] = {FIXED(9900, 6)};
    struct ec_promotion_campaign c;
    struct ec_promotion_breakdown b;
    struct ec_promotion_query q = {.product = &product,
                                   .vat_rate_bp = VAT_RATE,
                                   .channel = "app",
                                   .binding_months = 3,
                                   .sim_type = EC_SIM_ESIM,
                                   .campaigns = &c,
                                   .n_campaigns = 1};

    q.at = instant(AT);
    one_campaign(&c, a, 1);
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b), 0);
    EC_ASSERT_STR(b.channel, "app");
    CU_ASSERT_EQUAL(b.binding_months, 3);
    CU_ASSERT_EQUAL(b.sim_type, EC_SIM_ESIM);
    CU_ASSERT_EQUAL(b.at, q.at);
    CU_ASSERT_EQUAL(b.list_monthly, 19900);
    CU_ASSERT_EQUAL(b.regular_monthly, 17900);
    CU_ASSERT_EQUAL(b.channel_price, 1);
    CU_ASSERT_EQUAL(b.monthly_now, 9900);
    CU_ASSERT_EQUAL(b.min_total_months, 3);
    CU_ASSERT_PTR_EQUAL(b.winner, &c);
    CU_ASSERT_EQUAL(b.n_applied, 1);
    CU_ASSERT_PTR_EQUAL(b.explain[0].campaign, &c);

    q.channel = "web";
    q.n_campaigns = 0;
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b), 0);
    CU_ASSERT_EQUAL(b.regular_monthly, 19900);
    CU_ASSERT_EQUAL(b.channel_price, 0);
    CU_ASSERT_PTR_NULL(b.winner);
    CU_ASSERT_EQUAL(b.n_applied, 0);
    CU_ASSERT_EQUAL(b.n_explain, 0);
}

static void
test_query_errors(void)
{
    struct ec_product p = product;
    struct ec_placement bad_pl[] = {
        {.channel = "web", .visible = 1, .monthly_price = -5}};
    static struct ec_promotion_campaign many[EC_PROMOTION_MAX_CAMPAIGNS + 1];
    static const struct ec_promotion_action a[] = {OFF(100, 1)};
    struct ec_promotion_breakdown b;
    struct ec_promotion_query q = {.product = &p,
                                   .vat_rate_bp = VAT_RATE,
                                   .channel = "web",
                                   .sim_type = EC_SIM_PHYSICAL};

    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), 0);
    q.binding_months = 7;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.binding_months = -1;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.binding_months = 6;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), 0);
    q.channel = NULL;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.channel = "web";
    q.sim_type = (enum ec_sim_type)7;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.sim_type = EC_SIM_PHYSICAL;
    q.product = NULL;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.product = &p;
    p.monthly_price = -1;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    p.monthly_price = EC_PROMOTION_MAX_AMOUNT + 1;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    p = product;
    p.fees.sim = -5;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    p = product;
    q.vat_rate_bp = 10001;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    q.vat_rate_bp = VAT_RATE;
    p.placements = bad_pl;
    p.nplacements = 1;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);
    p = product;
    q.n_campaigns = 1;
    q.campaigns = NULL;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_INVALID_FIELD);

    /* At the limit it works; one more is refused. */
    for (size_t i = 0; i < EC_PROMOTION_MAX_CAMPAIGNS + 1; i++) {
        one_campaign(&many[i], a, 1);
        many[i].id = (int64_t)i + 1;
        many[i].stacking =
            i % 2 ? EC_PROMOTION_STACKABLE : EC_PROMOTION_EXCLUSIVE;
    }
    q.at = instant(AT);
    q.binding_months = 0;
    q.campaigns = many;
    q.n_campaigns = EC_PROMOTION_MAX_CAMPAIGNS;
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b), 0);
    /* One exclusive (id 1, lowest) and 64 stackables of 1 kr each. */
    CU_ASSERT_EQUAL(b.monthly_now, 19900 - 65 * 100);
    CU_ASSERT_EQUAL(b.n_applied, 65);
    CU_ASSERT_EQUAL(b.explain[2].reason, EC_PROMOTION_LOST);
    CU_ASSERT_EQUAL(b.explain[2].decided_by, EC_PROMOTION_STEP_ID);
    q.n_campaigns = EC_PROMOTION_MAX_CAMPAIGNS + 1;
    CU_ASSERT_EQUAL(ec_promotion_price(&q, &b), EC_ERR_TOO_LARGE);
}

/* Same input, same output; nothing left over from an earlier call. */
static void
test_pure_and_repeatable(void)
{
    struct ec_promotion_campaign c[8];
    struct ec_promotion_breakdown b1, b2;
    struct ec_promotion_query q = {.product = &product,
                                   .vat_rate_bp = VAT_RATE,
                                   .channel = "web",
                                   .sim_type = EC_SIM_PHYSICAL};
    const struct tc *big = NULL;
    char s1[512], s2[512];

    for (size_t i = 0; i < N_CASES; i++)
        if (strncmp(cases[i].name, "explanation:", 12) == 0)
            big = &cases[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    q.at = instant(AT);
    q.campaigns = c;
    q.n_campaigns = build(big, c);
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b1), 0);
    memset(&b2, 0x5a, sizeof(b2));
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b2), 0);
    explain_str(&b1, s1, sizeof(s1));
    explain_str(&b2, s2, sizeof(s2));
    EC_ASSERT_STR(s1, s2);
    schedule_str(&b1, s1, sizeof(s1));
    schedule_str(&b2, s2, sizeof(s2));
    EC_ASSERT_STR(s1, s2);
    CU_ASSERT_EQUAL(b1.min_total, b2.min_total);

    /* Reusing b1 for a smaller query leaves no trace of the big one. */
    q.n_campaigns = 0;
    CU_ASSERT_EQUAL_FATAL(ec_promotion_price(&q, &b1), 0);
    schedule_str(&b1, s1, sizeof(s1));
    EC_ASSERT_STR(s1, "1-:19900");
    CU_ASSERT_EQUAL(b1.n_explain, 0);
    CU_ASSERT_EQUAL(b1.startup_fee, 9900);
}

static void
test_vat_rounds_half_away_from_zero(void)
{
    static const struct {
        int64_t gross;
        int rate;
        int64_t vat;
    } cases_[] = {
        {12500, 2500, 2500}, {9900, 2500, 1980},
        {9997, 2500, 1999},  {9998, 2500, 2000},
        {1, 10000, 1},       {3, 10000, 2},
        {-3, 10000, -2},     {-9998, 2500, -2000},
        {0, 2500, 0},        {19900, 0, 0},
        {2, 10000, 1},       {INT64_MAX, 2500, 1844674407370955161LL},
    };

    for (size_t i = 0; i < sizeof(cases_) / sizeof(*cases_); i++)
        CU_ASSERT_EQUAL(ec_promotion_vat(cases_[i].gross, cases_[i].rate),
                        cases_[i].vat);
}

static void
test_codes_and_names(void)
{
    struct ec_promotion_campaign w = {.id = INT64_MAX};
    struct ec_promotion_explanation e = {.reason = EC_PROMOTION_LOST,
                                         .lost_to = &w};
    char buf[EC_PROMOTION_CODE_SIZE];

    CU_ASSERT_EQUAL(ec_promotion_explain_code(&e, buf, sizeof(buf)), 0);
    EC_ASSERT_STR(buf, "lost_to:9223372036854775807");
    CU_ASSERT_EQUAL(ec_promotion_explain_code(&e, buf, 10), EC_ERR_INTERNAL);
    EC_ASSERT_STR(buf, "");
    e.reason = EC_PROMOTION_BINDING_REQUIRED;
    CU_ASSERT_EQUAL(ec_promotion_explain_code(&e, buf, sizeof(buf)), 0);
    EC_ASSERT_STR(buf, "binding_required");
    EC_ASSERT_STR(ec_promotion_reason_name(EC_PROMOTION_APPLIED), "applied");
    EC_ASSERT_STR(ec_promotion_reason_name(EC_PROMOTION_OUTSIDE_VALIDITY),
                  "outside_validity");
    EC_ASSERT_STR(ec_promotion_reason_name(EC_PROMOTION_OTHER_PRODUCT),
                  "other_product");
    EC_ASSERT_STR(ec_promotion_reason_name(EC_PROMOTION_OTHER_CHANNEL),
                  "other_channel");
    EC_ASSERT_STR(ec_promotion_reason_name(EC_PROMOTION_INVALID), "invalid");
    EC_ASSERT_STR(ec_promotion_step_name(EC_PROMOTION_STEP_NEWEST), "newest");
    EC_ASSERT_STR(ec_promotion_step_name(EC_PROMOTION_STEP_NONE), "");
}

/* ---- the legal guard ---- */

struct guard_case {
    const char *name;
    int binding; /* required */
    struct ec_promotion_action actions[EC_PROMOTION_MAX_ACTIONS + 2];
    size_t n_actions; /* 0 = up to the first kind 0 */
    int no_name, no_sku, empty_channel, ends_before_start;
    const char *field;   /* NULL: accepted */
    const char *message; /* a part of the message */
};

static const struct guard_case guard_cases[] = {
    {.name = "a 99 kr for 6 months campaign passes",
     .actions = {FIXED(9900, 6)}},
    {.name = "6 months' required binding passes",
     .binding = 6,
     .actions = {FIXED(9900, 0)}},
    {.name = "7 months' required binding is refused",
     .binding = 7,
     .actions = {FIXED(9900, 0)},
     .field = "required_binding",
     .message = "requires 7 months' binding"},
    {.name = "12 months' required binding is refused",
     .binding = 12,
     .actions = {FIXED(9900, 0)},
     .field = "required_binding",
     .message = "at most 6 months"},
    {.name = "a negative required binding is refused",
     .binding = -1,
     .actions = {FIXED(9900, 0)},
     .field = "required_binding",
     .message = "negative"},
    {.name = "a benefit starting in month 7 is refused (stay past month 6)",
     .actions = {FIXED_FROM(0, 7, 1)},
     .field = "actions[0].first_month",
     .message = "starts in month 7"},
    {.name = "a second action starting in month 10 is refused",
     .binding = 6,
     .actions = {FIXED(9900, 6), FIXED_FROM(0, 10, 1)},
     .field = "actions[1].first_month",
     .message = "Price action 2 starts in month 10"},
    {.name = "a benefit from month 6 for 12 months passes (leave after 6)",
     .binding = 6,
     .actions = {FIXED_FROM(4900, 6, 12)}},
    {.name = "a 24-month discount from month 1 passes",
     .actions = {PCT(1000, 24)}},
    {.name = "an action reaching past month 36 is refused",
     .actions = {FIXED_FROM(9900, 2, 36)},
     .field = "actions[0].months",
     .message = "month 36"},
    {.name = "negative months are refused",
     .actions = {FIXED(9900, -1)},
     .field = "actions[0].months",
     .message = "negative"},
    {.name = "a negative first month is refused",
     .actions = {FIXED_FROM(9900, -1, 1)},
     .field = "actions[0].first_month",
     .message = "negative"},
    {.name = "a percentage above 100 % is refused",
     .actions = {PCT(10001, 1)},
     .field = "actions[0].value",
     .message = "100"},
    {.name = "a negative amount off is refused",
     .actions = {OFF(-100, 1)},
     .field = "actions[0].value",
     .message = "between 0"},
    {.name = "an absurd fixed price is refused",
     .actions = {FIXED(EC_PROMOTION_MAX_AMOUNT + 1, 1)},
     .field = "actions[0].value",
     .message = "between 0"},
    {.name = "a fee action naming no fee is refused",
     .actions = {WAIVE(0)},
     .field = "actions[0].fees",
     .message = "start-up fee"},
    {.name = "a fee action naming an unknown fee is refused",
     .actions = {WAIVE(4)},
     .field = "actions[0].fees",
     .message = "start-up fee"},
    {.name = "a fee waiver has no months, so no binding effect",
     .actions = {{.kind = EC_PROMOTION_WAIVE_FEE,
                  .fees = SIM,
                  .first_month = 12}}},
    {.name = "an unknown action kind is refused",
     .actions = {{.kind = (enum ec_promotion_action_kind)99}},
     .field = "actions[0].kind",
     .message = "Unknown"},
    {.name = "a campaign without actions is refused",
     .field = "actions",
     .message = "at least one"},
    {.name = "nine actions are refused",
     .actions = {OFF(1, 1), OFF(1, 1), OFF(1, 1), OFF(1, 1), OFF(1, 1),
                 OFF(1, 1), OFF(1, 1), OFF(1, 1), OFF(1, 1)},
     .field = "actions",
     .message = "at most 8"},
    {.name = "a campaign without a name is refused",
     .no_name = 1,
     .actions = {FIXED(9900, 6)},
     .field = "name",
     .message = "name"},
    {.name = "a campaign without products is refused",
     .no_sku = 1,
     .actions = {FIXED(9900, 6)},
     .field = "skus",
     .message = "at least one product"},
    {.name = "an empty channel code is refused",
     .empty_channel = 1,
     .actions = {FIXED(9900, 6)},
     .field = "channels[1]",
     .message = "empty"},
    {.name = "a campaign ending when it starts is refused",
     .ends_before_start = 1,
     .actions = {FIXED(9900, 6)},
     .field = "valid_to",
     .message = "end after"},
};

static void
test_guard_campaigns(void)
{
    static const char *const channels[] = {"app", ""};

    for (size_t i = 0; i < sizeof(guard_cases) / sizeof(*guard_cases); i++) {
        const struct guard_case *g = &guard_cases[i];
        struct ec_promotion_campaign c;
        struct ec_promotion_problem p;
        size_t n = g->n_actions;
        int rc;

        if (!n)
            while (n < EC_PROMOTION_MAX_ACTIONS + 2 && g->actions[n].kind)
                n++;
        one_campaign(&c, g->actions, n);
        c.required_binding = g->binding;
        if (g->no_name)
            c.name = "";
        if (g->no_sku)
            c.n_skus = 0;
        if (g->empty_channel) {
            c.channels = channels;
            c.n_channels = 2;
        }
        if (g->ends_before_start)
            c.valid_to = c.valid_from;
        memset(&p, 0, sizeof(p));
        rc = ec_promotion_check_campaign(&c, &p);
        if ((rc != 0) != (g->field != NULL))
            fprintf(stderr, "\n    %s: rc %d (%s: %s)\n", g->name, rc, p.field,
                    p.message);
        if (!g->field) {
            CU_ASSERT_EQUAL(rc, 0);
            continue;
        }
        CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
        EC_ASSERT_STR(p.field, g->field);
        if (!strstr(p.message, g->message))
            fprintf(stderr, "\n    %s: \"%s\" lacks \"%s\"\n", g->name,
                    p.message, g->message);
        CU_ASSERT_PTR_NOT_NULL(strstr(p.message, g->message));
        /* Without a problem struct: the same answer. */
        CU_ASSERT_EQUAL(ec_promotion_check_campaign(&c, NULL), rc);
    }
}

static void
test_guard_legal_message_says_why(void)
{
    static const struct ec_promotion_action a[] = {FIXED(9900, 0)};
    struct ec_promotion_campaign c;
    struct ec_promotion_problem p;

    one_campaign(&c, a, 1);
    c.required_binding = 12;
    CU_ASSERT_EQUAL(ec_promotion_check_campaign(&c, &p), EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(p.message, "The campaign requires 12 months' binding; a "
                             "consumer may be bound for at most 6 months.");
}

static void
test_guard_products(void)
{
    struct ec_placement twice[] = {
        {.channel = "app", .visible = 1, .monthly_price = 100},
        {.channel = "app", .visible = 1, .monthly_price = 200}};
    struct ec_placement nameless[] = {
        {.channel = "", .visible = 1, .monthly_price = 100}};
    struct ec_placement negative[] = {
        {.channel = "app", .visible = 1, .monthly_price = -5}};
    struct ec_product p = product;
    struct ec_promotion_problem prob;

    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob), 0);
    p.binding_months = 1u << 0 | 1u << 3 | 1u << EC_BINDING_MAX_MONTHS;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob), 0);

    p.binding_months = 1u << 0 | 1u << 6 | 1u << 12;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "binding_months");
    EC_ASSERT_STR(prob.message, "The product offers a binding period of 12 "
                                "months; a consumer may be bound for at "
                                "most 6 months.");
    p.binding_months = 1u << (EC_BINDING_MAX_MONTHS + 1);
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.message, "The product offers a binding period of 7 "
                                "months; a consumer may be bound for at "
                                "most 6 months.");

    p = product;
    p.placements = twice;
    p.nplacements = 2;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "channels.app");
    p.placements = nameless;
    p.nplacements = 1;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "channels");
    p.placements = negative;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "channels.app.monthly_price");

    p = product;
    p.monthly_price = -1;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "monthly_price");
    p = product;
    p.fees.startup = -1;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, NULL), EC_ERR_INVALID_FIELD);
    p = product;
    p.fees.sim = EC_PROMOTION_MAX_AMOUNT + 1;
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "fees.sim");
    p = product;
    p.sku = "";
    CU_ASSERT_EQUAL(ec_promotion_check_product(&p, &prob),
                    EC_ERR_INVALID_FIELD);
    EC_ASSERT_STR(prob.field, "sku");
}

static const struct ec_test other_tests[] = {
    {"the breakdown echoes the query and names the winner",
     test_breakdown_echoes_the_query},
    {"unusable queries are refused; 128 campaigns work, 129 do not",
     test_query_errors},
    {"the same query gives the same answer; nothing carries over",
     test_pure_and_repeatable},
    {"VAT parts round half away from zero",
     test_vat_rounds_half_away_from_zero},
    {"explanation codes print as the API prints them", test_codes_and_names},
    {"guard: campaigns, legal and malformed", test_guard_campaigns},
    {"guard: the legal refusal says why", test_guard_legal_message_says_why},
    {"guard: products offering more than 6 months' binding",
     test_guard_products},
};

#define N_OTHER (sizeof(other_tests) / sizeof(*other_tests))

int
main(void)
{
    static struct ec_test tests[N_CASES + N_OTHER + 1];
    size_t i, j;
    int rc;

    /* Run from the case table, one test per case: names must be unique. */
    for (i = 0; i < N_CASES; i++) {
        for (j = 0; j < i; j++)
            if (strcmp(cases[i].name, cases[j].name) == 0) {
                fprintf(stderr, "duplicate case name: %s\n", cases[i].name);
                return 2;
            }
        tests[i].name = cases[i].name;
        tests[i].fn = run_named_case;
    }
    for (j = 0; j < N_OTHER; j++)
        tests[i++] = other_tests[j];
    tests[i].name = NULL;
    tests[i].fn = NULL;

    if (ec_tztime_load("Europe/Copenhagen", &cph)) {
        fprintf(stderr, "cannot load Europe/Copenhagen (tzdata)\n");
        return 2;
    }
    rc = ec_test_run("svc/promotion", tests);
    ec_tztime_zone_free(cph);
    return rc;
}
