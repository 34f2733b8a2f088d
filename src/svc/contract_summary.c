#include "svc/contract_summary.h"

#include <string.h>

#include "core/err.h"
#include "svc/catalog.h"
#include "svc/tenant.h"

_Static_assert(EC_BASKET_LINES_MAX <= EC_ORDER_LINES_MAX,
               "a summary holds every line of a basket");

int
ec_contract_summary_campaign_months(const struct ec_promotion_breakdown *b)
{
    const struct ec_promotion_segment *first = &b->schedule[0];

    if (b->n_segments < 2 || !first->last ||
        first->monthly == b->regular_monthly)
        return 0;
    return first->last;
}

/* The name of the campaign that set the price: the exclusive winner, else
   the first stackable one applied, else NULL. */
static const char *
campaign_name(const struct ec_promotion_breakdown *b)
{
    if (b->winner)
        return b->winner->name;
    for (size_t i = 0; i < b->n_explain; i++)
        if (b->explain[i].reason == EC_PROMOTION_APPLIED)
            return b->explain[i].campaign->name;
    return NULL;
}

static void
line_from_view(const struct ec_basket_view_line *vl,
               struct ec_contract_summary_line *l)
{
    const struct ec_promotion_breakdown *b = vl->plan;
    const struct ec_product *p = vl->offer->product;

    memset(l, 0, sizeof(*l));
    l->name = vl->offer->display_name;
    l->sku = p->sku;
    l->channel = vl->channel ? vl->channel->name : "";
    l->description = p->description ? p->description : "";
    l->data_gb = p->data_gb;
    l->talk_minutes = p->talk_minutes;
    l->eu_data_gb = p->eu_data_gb;
    l->network = p->network;
    l->sim = b->sim_type;
    l->binding_months = b->binding_months;
    l->monthly_now = b->monthly_now;
    l->campaign_months = ec_contract_summary_campaign_months(b);
    l->monthly_after =
        l->campaign_months ? b->schedule[1].monthly : b->regular_monthly;
    l->campaign = b->n_applied ? campaign_name(b) : NULL;
    l->schedule = b->schedule;
    l->n_segments = b->n_segments;
    l->startup_fee = b->startup_fee;
    l->sim_fee = b->sim_fee;
    for (size_t i = 0; i < vl->naddons && i < EC_BASKET_ADDONS_MAX; i++) {
        l->addons[i].name = vl->addons[i].name;
        l->addons[i].monthly = vl->addons[i].monthly_now;
        l->addons[i].one_time = vl->addons[i].one_time;
        l->naddons++;
    }
    l->line_monthly = vl->monthly_now;
    l->one_time = vl->one_time;
    l->min_total_months = b->min_total_months;
    l->min_total = vl->min_total;
}

int
ec_contract_summary_from_view(const struct ec_tenant *t,
                              const struct ec_basket_view *v, int64_t at,
                              struct ec_contract_summary *out)
{
    if (!v->nlines || v->nlines > EC_ORDER_LINES_MAX)
        return EC_ERR_INVALID_FIELD;
    out->provider = t->name;
    out->currency = t->currency;
    out->locale = t->locale;
    out->zone = t->zone;
    out->at = at;
    out->nlines = 0;
    out->monthly = out->one_time = out->min_total = 0;
    for (size_t i = 0; i < v->nlines; i++) {
        const struct ec_basket_view_line *vl = &v->lines[i];
        struct ec_contract_summary_line *l = &out->lines[i];

        if (!vl->offer || !vl->plan)
            return EC_ERR_INVALID_FIELD;
        line_from_view(vl, l);
        out->monthly += l->line_monthly;
        out->one_time += l->one_time;
        out->min_total += l->min_total;
        out->nlines++;
    }
    return 0;
}
