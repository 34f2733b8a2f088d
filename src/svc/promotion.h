/*
 * The promotion engine: what a product costs in a channel, at an instant,
 * with a chosen binding period, once the tenant's campaigns are applied;
 * and the legal guard run when a campaign or a product is saved.
 *
 * Pure: no I/O, no globals, no allocation. Everything comes in through
 * struct ec_promotion_query (borrowed, never kept) and goes out into a
 * caller-owned struct ec_promotion_breakdown of fixed size, whose pointers
 * borrow from the query's inputs and live as long as they do.
 *
 * Money is integer minor units (øre), VAT included. Percentages are basis
 * points (10000 = 100 %; 3333 = 33.33 %), like the tenant's VAT rate.
 * Months of a subscription are numbered from 1. Instants are int64 UTC
 * seconds (core/tztime.h turns tenant-local input into them).
 *
 * The rules, from issue 5 (the issue is the authority), and the choices
 * made where it is silent:
 *
 * Base price. The product carries its own monthly price and, optionally,
 * per-channel overrides (a placement's monthly_price); the channel's
 * regular price is the override for the query's channel if there is one,
 * else the product's price. The engine resolves it so that every caller
 * (card, page, basket, order) gets the same answer from the same catalog
 * data.
 *
 * Eligibility, checked in this order, the first failure being the reason
 * given: the instant is inside [valid_from, valid_to) (outside_validity);
 * the product's SKU is listed (other_product; a campaign listing no SKU
 * applies to nothing); the channel is listed or none are
 * (other_channel); the chosen binding is at least the required one
 * (binding_required). An otherwise eligible campaign that
 * ec_promotion_check_campaign() would refuse is never applied (reason
 * `invalid`): data saved before the guard existed cannot slip an illegal
 * or malformed offer into a price.
 *
 * Precedence. Among eligible exclusive campaigns one wins: highest
 * priority; then one naming the channel over one for all channels; then
 * the lower minimum total price of the campaign applied alone; then the
 * newest created_at; then the lowest id; then the earlier in the input
 * (only reachable with duplicate ids). Every other eligible exclusive one
 * is `lost_to:<winner id>`, with the step that decided it. Every eligible
 * stackable campaign then applies on top, by priority (higher first),
 * then id (lower first).
 *
 * Actions. A campaign's actions apply in the order listed, each to the
 * price so far (after the exclusive winner, for a stackable campaign):
 *   - FIXED_PRICE: the month costs value, unless it already costs less (a
 *     campaign price is a ceiling and never raises a price, e.g. when the
 *     regular price dropped below an old campaign's price, or when a
 *     stackable fixed price meets a deeper exclusive discount);
 *   - AMOUNT_OFF: value off, floored at 0;
 *   - PERCENT_OFF: value basis points of the price so far off, the
 *     discount rounded half away from zero to whole øre (so a stackable
 *     10 % after an exclusive fixed 99 kr takes 9,90 kr off);
 *   - WAIVE_FEE / REDUCE_FEE: the start-up and/or SIM fee (fees mask)
 *     drops to 0 / by value, floored at 0. Months do not apply to fees.
 * A monthly action covers months first_month (0 means 1) for `months`
 * months; months = 0 means "to the end of the binding period", that is
 * through month max(binding, 1): with no binding, the first month.
 * After the last month any applied action covers, the regular price
 * holds.
 *
 * Output. The schedule lists runs of equal price through that month and
 * always ends with an open-ended run at the regular price (last = 0), so
 * it may reach past the binding period ("99 kr the first 6 months" with
 * binding 0). The minimum total price is the one-time fees after
 * campaigns plus the schedule's months 1..max(binding, 1). VAT parts are
 * round(gross * rate / (10000 + rate)), half away from zero.
 *
 * Legal guard (issue 5, point 5): a consumer offer may not bind for more
 * than EC_BINDING_MAX_MONTHS (6, svc/product.h) months, directly or through a
 * benefit that requires staying longer. Our reading: a campaign is refused when
 * it requires more than 6 months' binding, or when any of its monthly price
 * actions starts after month 6 (a "month 7 free" or "cheaper from month
 * 10" benefit is only reached by staying past the legal maximum, which
 * binds the customer in effect). A benefit that starts within the first 6
 * months and runs on past them is allowed: the customer may leave after
 * month 6 and keeps what was given. A product is refused when any of its
 * offered binding periods exceeds 6 months.
 */
#ifndef EC_SVC_PROMOTION_H
#define EC_SVC_PROMOTION_H

#include <stddef.h>
#include <stdint.h>

#include "svc/product.h"

/* The latest month a price action may reach; bounds the schedule. */
#define EC_PROMOTION_MAX_MONTHS 36
/* Price actions per campaign. */
#define EC_PROMOTION_MAX_ACTIONS 8
/* Campaigns per query: one explanation entry each. */
#define EC_PROMOTION_MAX_CAMPAIGNS 128
/* Schedule runs: one per month at worst, plus the open-ended one. */
#define EC_PROMOTION_MAX_SEGMENTS (EC_PROMOTION_MAX_MONTHS + 1)
/* Any single price or amount: 100 million kr, far from overflow. */
#define EC_PROMOTION_MAX_AMOUNT 10000000000LL
/* Room for "lost_to:" and any int64 id, plus the NUL. */
#define EC_PROMOTION_CODE_SIZE 32

enum ec_promotion_stacking {
    EC_PROMOTION_EXCLUSIVE = 0,
    EC_PROMOTION_STACKABLE
};

enum ec_promotion_action_kind {
    EC_PROMOTION_FIXED_PRICE = 1, /* value: the monthly price */
    EC_PROMOTION_AMOUNT_OFF,      /* value: minor units off per month */
    EC_PROMOTION_PERCENT_OFF,     /* value: basis points off, 0-10000 */
    EC_PROMOTION_WAIVE_FEE,       /* fees: which ones drop to 0 */
    EC_PROMOTION_REDUCE_FEE       /* fees: which ones; value: amount off */
};

/* "exclusive", "stackable", NULL: index = enum ec_promotion_stacking */
extern const char *const ec_promotion_stacking_names[];

/* "fixed_price", ..., "reduce_fee", NULL: index i names kind i + 1 */
extern const char *const ec_promotion_action_kind_names[];

/* Why a campaign did or did not apply, in the explanation. */
enum ec_promotion_reason {
    EC_PROMOTION_APPLIED = 0,
    EC_PROMOTION_OUTSIDE_VALIDITY,
    EC_PROMOTION_OTHER_PRODUCT,
    EC_PROMOTION_OTHER_CHANNEL,
    EC_PROMOTION_BINDING_REQUIRED,
    EC_PROMOTION_LOST,   /* printed as lost_to:<id of lost_to> */
    EC_PROMOTION_INVALID /* the guard would refuse it; never applied */
};

/* The precedence step at which an exclusive campaign lost. */
enum ec_promotion_step {
    EC_PROMOTION_STEP_NONE = 0,
    EC_PROMOTION_STEP_PRIORITY,
    EC_PROMOTION_STEP_CHANNEL,
    EC_PROMOTION_STEP_TOTAL,
    EC_PROMOTION_STEP_NEWEST,
    EC_PROMOTION_STEP_ID,
    EC_PROMOTION_STEP_ORDER
};

struct ec_promotion_action {
    enum ec_promotion_action_kind kind;
    int64_t value;   /* price, amount or basis points, by kind */
    int first_month; /* monthly actions: 0 or 1 = from the first month */
    int months;      /* monthly actions: 0 = to the end of the binding */
    unsigned fees;   /* fee actions: EC_FEE_* bits (svc/product.h) */
};

/*
 * A campaign: the one definition the catalog document, the snapshot and
 * the engine share. id and created_at are the database's (0 in a document
 * not yet stored); code is the catalog's name for it, which the engine
 * does not read.
 */
struct ec_promotion_campaign {
    int64_t id;
    const char *code;
    const char *name;
    int64_t valid_from;      /* applies from this instant ... */
    int64_t valid_to;        /* ... up to, not including, this one */
    const char *const *skus; /* the products it applies to */
    size_t n_skus;
    const char *const *channels; /* none = every channel */
    size_t n_channels;
    int priority; /* higher wins */
    enum ec_promotion_stacking stacking;
    int required_binding; /* months; 0 = none */
    int64_t created_at;   /* instant; newer wins a tie */
    const struct ec_promotion_action *actions;
    size_t n_actions;
};

/*
 * A question to the engine. The product is the catalog's own (svc/product.h):
 * the engine reads its SKU, monthly price, the monthly prices of its
 * placements (a channel's own base price, "cheaper in the app"), and its
 * fees; nothing else. A caller that wants another base price passes a
 * product whose placements say so.
 */
struct ec_promotion_query {
    const struct ec_product *product;
    int vat_rate_bp; /* the tenant's, 2500 = 25 % */
    const char *channel;
    int binding_months; /* 0..EC_BINDING_MAX_MONTHS */
    enum ec_sim_type sim_type;
    int64_t at;
    const struct ec_promotion_campaign *campaigns;
    size_t n_campaigns;
};

/* Months first..last cost monthly each; last = 0 means "and after". */
struct ec_promotion_segment {
    int first;
    int last;
    int64_t monthly;
};

struct ec_promotion_explanation {
    const struct ec_promotion_campaign *campaign;
    enum ec_promotion_reason reason;
    const struct ec_promotion_campaign *lost_to; /* EC_PROMOTION_LOST */
    enum ec_promotion_step decided_by;           /* EC_PROMOTION_LOST */
};

/*
 * The result, about 4.8 KiB: callers keep one and reuse it. A successful
 * call sets every field (schedule and explain up to their counts);
 * pointers borrow from the query. Invariants: n_segments >= 1; segments
 * are in order, contiguous from month 1, each differs in price from the
 * one before, and the last one is open-ended at regular_monthly;
 * explain[i] is about campaigns[i]; min_total = one_time_total + the
 * schedule's months 1..min_total_months.
 */
struct ec_promotion_breakdown {
    const char *channel;
    int binding_months;
    enum ec_sim_type sim_type;
    int64_t at;
    int64_t list_monthly;    /* the product's own monthly price */
    int64_t regular_monthly; /* the channel's base price */
    int channel_price;       /* 1 when a channel override set it */
    int64_t monthly_now;     /* month 1 */
    struct ec_promotion_segment schedule[EC_PROMOTION_MAX_SEGMENTS];
    size_t n_segments;
    int64_t startup_fee; /* after campaigns */
    int64_t sim_fee;     /* after campaigns */
    int64_t one_time_total;
    int min_total_months; /* max(binding, 1) */
    int64_t min_total;
    int64_t monthly_now_vat;
    int64_t one_time_vat;
    int64_t min_total_vat;
    const struct ec_promotion_campaign *winner; /* exclusive, or NULL */
    size_t n_applied;                           /* winner plus stackables */
    struct ec_promotion_explanation explain[EC_PROMOTION_MAX_CAMPAIGNS];
    size_t n_explain;
};

/* Which field a refusal is about, and why, for the JSON error envelope. */
struct ec_promotion_problem {
    char field[64];    /* "required_binding", "actions[1].first_month" */
    char message[192]; /* a sentence for the brand partner */
};

/*
 * Price q->product as described at the top of this file, into *out
 * (caller-owned; no need to clear it). Returns 0; or EC_ERR_INVALID_FIELD
 * when the query itself is unusable (no product or channel, binding
 * outside 0..EC_BINDING_MAX_MONTHS, an unknown SIM type, a price outside
 * 0..EC_PROMOTION_MAX_AMOUNT, a VAT rate outside 0..10000), or
 * EC_ERR_TOO_LARGE with more than EC_PROMOTION_MAX_CAMPAIGNS campaigns;
 * *out is then unspecified. Bad campaigns never fail the call: they are
 * explained as `invalid`.
 */
int ec_promotion_price(const struct ec_promotion_query *q,
                       struct ec_promotion_breakdown *out);

/*
 * The legal guard and sanity check for saving or importing campaign c.
 * Returns 0, or EC_ERR_INVALID_FIELD with the field and a message in
 * *problem (when not NULL). Refused: required binding above 6 months or
 * below 0; a monthly action starting after month 6; no name; no SKU or an
 * empty SKU or channel; valid_from not before valid_to; no actions or
 * more than EC_PROMOTION_MAX_ACTIONS; an unknown action kind; a negative
 * or oversized amount; a percentage above 100 %; an action reaching past
 * month EC_PROMOTION_MAX_MONTHS; a fee action naming no fee.
 */
int ec_promotion_check_campaign(const struct ec_promotion_campaign *c,
                                struct ec_promotion_problem *problem);

/*
 * The legal guard and sanity check for saving or importing product p.
 * Returns 0, or EC_ERR_INVALID_FIELD with *problem filled (when not
 * NULL), its field named as the catalog document names it ("sku",
 * "monthly_price", "fees.startup", "fees.sim", "channels.<code>",
 * "channels.<code>.monthly_price", "binding_months"). Refused: an offered
 * binding period above EC_BINDING_MAX_MONTHS; no SKU; a price or fee
 * outside 0..EC_PROMOTION_MAX_AMOUNT; a placement without a channel or a
 * channel placed twice.
 */
int ec_promotion_check_product(const struct ec_product *p,
                               struct ec_promotion_problem *problem);

/*
 * The precedence steps between eligible exclusive campaigns a and b that
 * need no price: the higher priority, then the one naming channels over
 * one for all channels (both being eligible, a named channel is the
 * query's). Returns EC_PROMOTION_STEP_PRIORITY or _CHANNEL with *a_wins
 * set, or EC_PROMOTION_STEP_TOTAL when neither decides (*a_wins 0): the
 * lower minimum total price for the product then does, then the newest,
 * then the lowest id. ec_promotion_price() ranks with it, and so does
 * the panel's overlap list (svc/campaign_overlap.h).
 */
enum ec_promotion_step ec_promotion_rank(const struct ec_promotion_campaign *a,
                                         const struct ec_promotion_campaign *b,
                                         int *a_wins);

/* The VAT part of gross at rate_bp, rounded half away from zero. */
int64_t ec_promotion_vat(int64_t gross, int rate_bp);

/* "applied", "outside_validity", ... "lost_to", "invalid"; static. */
const char *ec_promotion_reason_name(enum ec_promotion_reason reason);

/* "priority", "channel", "total", "newest", "id", "order", or "". */
const char *ec_promotion_step_name(enum ec_promotion_step step);

/*
 * The explanation's code as the API prints it: the reason's name, or
 * "lost_to:<id>". buf holds EC_PROMOTION_CODE_SIZE bytes. Returns 0, or
 * EC_ERR_INTERNAL when size is too small (buf then holds "").
 */
int ec_promotion_explain_code(const struct ec_promotion_explanation *e,
                              char *buf, size_t size);

#endif
