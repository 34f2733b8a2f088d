/*
 * Which of a tenant's campaigns meet, and what the promotion engine does
 * where they do: what the panel's campaign form lists beside the
 * campaign being edited (docs/admin.md).
 *
 * Pure: no I/O, no allocation; campaigns are borrowed.
 *
 * Two campaigns meet when a product could be priced with both eligible:
 * their validity windows [from, to) share an instant, they name a SKU in
 * common (ignoring case, as the catalog compares SKUs), and a channel in
 * common, a campaign naming no channel being in every one. (The binding
 * they require does not keep them apart: a customer choosing the longer
 * one is eligible for both.)
 *
 * Where they meet, the engine's own rule (svc/promotion.h) decides:
 *   - two exclusive campaigns: one wins, by ec_promotion_rank() (priority,
 *     then the one naming channels); when that cannot tell them apart the
 *     rest depends on the product's price (the lower minimum total
 *     price, then the newer campaign), so it is reported as such;
 *   - an exclusive and a stackable one: both apply, the stackable one on
 *     top of the exclusive one;
 *   - two stackable campaigns: both apply, the higher priority first.
 */
#ifndef EC_SVC_CAMPAIGN_OVERLAP_H
#define EC_SVC_CAMPAIGN_OVERLAP_H

#include "svc/promotion.h"

enum ec_campaign_meeting {
    EC_CAMPAIGN_THIS_WINS,    /* both exclusive: only this one applies */
    EC_CAMPAIGN_OTHER_WINS,   /* both exclusive: only the other applies */
    EC_CAMPAIGN_BY_PRICE,     /* both exclusive, same rank: per product */
    EC_CAMPAIGN_THIS_ON_TOP,  /* this stackable on the other exclusive */
    EC_CAMPAIGN_OTHER_ON_TOP, /* the other stackable on this exclusive */
    EC_CAMPAIGN_BOTH_STACK    /* both stackable: both apply */
};

/* What happens where this campaign meets the other. */
struct ec_campaign_precedence {
    enum ec_campaign_meeting meeting;
    /* _WINS: EC_PROMOTION_STEP_PRIORITY or _CHANNEL; _BY_PRICE:
       EC_PROMOTION_STEP_TOTAL; otherwise EC_PROMOTION_STEP_NONE */
    enum ec_promotion_step step;
};

/* 1 when campaigns a and b meet (window, SKU and channel in common). */
int ec_campaign_overlaps(const struct ec_promotion_campaign *a,
                         const struct ec_promotion_campaign *b);

/* Where campaign self meets other, what the engine does, into *out. */
void ec_campaign_precedence(const struct ec_promotion_campaign *self,
                            const struct ec_promotion_campaign *other,
                            struct ec_campaign_precedence *out);

#endif
